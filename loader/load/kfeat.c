/* loader/load/kfeat.c — feature ages and the reading of "the kernel lacks it" in verifier logs (see
 * kfeat.h). Versions: bcc's docs/kernel-versions.md (map types, helpers), the kernel's UAPI
 * history for program types, attach types and flags. Enum values are assigned in the order
 * features were merged, so each table is indexed by the UAPI number. */
#include "loader/load/kfeat.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/obj/secdef.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* enum bpf_map_type: hash (1) ... arena (33). */
static const uint16_t map_types[] = {
	0,     0x313, 0x313, 0x402, 0x403, 0x406, 0x406, 0x406, 0x408, 0x40a, 0x40a, 0x40b,
	0x40c, 0x40c, 0x40e, 0x40e, 0x40f, 0x412, 0x412, 0x413, 0x413, 0x414, 0x414, 0x414,
	0x502, 0x504, 0x506, 0x508, 0x50a, 0x50b, 0x510, 0x601, 0x602, 0x609,
};

/* enum bpf_prog_type: socket_filter (1) ... netfilter (32). */
static const uint16_t prog_types[] = {
	0,     0x313, 0x401, 0x401, 0x401, 0x407, 0x408, 0x409, 0x40a, 0x40a, 0x40a, 0x40a,
	0x40a, 0x40d, 0x40e, 0x40f, 0x411, 0x411, 0x411, 0x412, 0x412, 0x413, 0x414, 0x502,
	0x502, 0x503, 0x505, 0x506, 0x506, 0x507, 0x509, 0x50e, 0x604,
};

/* enum bpf_attach_type: cgroup_inet_ingress (0) ... trace_uprobe_session (57). */
static const uint16_t attach_types[] = {
	0x40a, 0x40a, 0x40a, 0x40d, 0x40e, 0x40e, 0x40f, 0x411, 0x411, 0x411, 0x411, 0x411, /* 0..11 */
	0x411, 0x411, 0x412, 0x412, 0x412, 0x414, 0x502, 0x502, 0x502, 0x503, 0x503, 0x505, /* 12..23 */
	0x505, 0x505, 0x507, 0x507, 0x508, 0x508, 0x508, 0x508, 0x508, 0x508, 0x509, 0x509, /* 24..35 */
	0x509, 0x509, 0x50d, 0x50e, 0x50e, 0x50f, 0x512, 0x600, 0x604, 0x604, 0x606, 0x606, /* 36..47 */
	0x606, 0x607, 0x607, 0x607, 0x607, 0x607, 0x607, 0x607, 0x60a, 0x60d,               /* 48..57 */
};

/* enum bpf_func_id: map_lookup_elem (1) ... cgrp_storage_delete (211; no helper came after 6.2). */
static const uint16_t helpers[] = {
	0x000, 0x313, 0x313, 0x313, 0x401, 0x401, 0x401, 0x401, 0x401, 0x401, 0x401, 0x401,
	0x402, 0x402, 0x402, 0x402, 0x402, 0x403, 0x403, 0x403, 0x403, 0x403, 0x403, 0x404,
	0x404, 0x404, 0x405, 0x406, 0x406, 0x406, 0x406, 0x408, 0x408, 0x408, 0x408, 0x408,
	0x408, 0x409, 0x409, 0x409, 0x409, 0x409, 0x40a, 0x40a, 0x40a, 0x40b, 0x40c, 0x40c,
	0x40d, 0x40d, 0x40d, 0x40e, 0x40e, 0x40e, 0x40f, 0x40f, 0x40f, 0x40f, 0x410, 0x410,
	0x411, 0x411, 0x411, 0x411, 0x411, 0x412, 0x412, 0x412, 0x412, 0x412, 0x412, 0x412,
	0x412, 0x412, 0x412, 0x412, 0x412, 0x412, 0x412, 0x412, 0x412, 0x413, 0x413, 0x413,
	0x414, 0x414, 0x414, 0x414, 0x414, 0x414, 0x414, 0x500, 0x500, 0x501, 0x501, 0x501,
	0x501, 0x501, 0x501, 0x502, 0x502, 0x502, 0x502, 0x502, 0x502, 0x502, 0x502, 0x502,
	0x502, 0x503, 0x503, 0x505, 0x505, 0x505, 0x505, 0x505, 0x505, 0x505, 0x505, 0x506,
	0x507, 0x506, 0x507, 0x506, 0x506, 0x508, 0x507, 0x507, 0x507, 0x507, 0x508, 0x508,
	0x508, 0x508, 0x508, 0x507, 0x509, 0x509, 0x509, 0x509, 0x509, 0x509, 0x50a, 0x50a,
	0x50a, 0x50a, 0x50a, 0x50a, 0x50a, 0x50a, 0x50a, 0x50a, 0x50a, 0x50a, 0x50a, 0x50a,
	0x50b, 0x50b, 0x50b, 0x50b, 0x50b, 0x50b, 0x50b, 0x50c, 0x50d, 0x50d, 0x50e, 0x50e,
	0x50e, 0x50f, 0x50f, 0x50f, 0x50f, 0x50f, 0x50f, 0x50f, 0x510, 0x510, 0x510, 0x510,
	0x511, 0x511, 0x511, 0x511, 0x511, 0x511, 0x512, 0x512, 0x512, 0x512, 0x512, 0x512,
	0x512, 0x512, 0x513, 0x513, 0x513, 0x513, 0x513, 0x513, 0x513, 0x513, 0x513, 0x513,
	0x600, 0x600, 0x600, 0x600, 0x601, 0x601, 0x602, 0x602,
};

/* Helper names in id order, from the UAPI header's own list: "FN(name), FN(name), ..." in 6.1's
 * headers, "FN(name, id, ctx) FN(name, id, ctx) ..." (no commas, ___BPF_FUNC_MAPPER) in later ones;
 * and the two helpers newer than 6.1's headers. */
#ifdef ___BPF_FUNC_MAPPER
#define KFEAT_HELPER_NAME(name, ...) "bpf_" #name,
#else
#define KFEAT_HELPER_NAME(name, ...) "bpf_" #name
#endif
static const char *const helper_names[] = {__BPF_FUNC_MAPPER(KFEAT_HELPER_NAME)};
static const char *const helper_names_6_2[] = {"bpf_cgrp_storage_get", "bpf_cgrp_storage_delete"};

static const struct flag {
	const char *name;
	uint16_t version;
} prog_flags[] = {
	{"BPF_F_STRICT_ALIGNMENT", 0x40e}, {"BPF_F_ANY_ALIGNMENT", 0x500},
	{"BPF_F_TEST_RND_HI32", 0x503},    {"BPF_F_TEST_STATE_FREQ", 0x504},
	{"BPF_F_SLEEPABLE", 0x50a},        {"BPF_F_XDP_HAS_FRAGS", 0x512},
	{"BPF_F_XDP_DEV_BOUND_ONLY", 0x603}, {"BPF_F_TEST_REG_INVARIANTS", 0x608},
}, map_flags[] = {
	{"BPF_F_NO_PREALLOC", 0x406},   {"BPF_F_NO_COMMON_LRU", 0x40a}, {"BPF_F_NUMA_NODE", 0x40e},
	{"BPF_F_RDONLY", 0x40f},        {"BPF_F_WRONLY", 0x40f},        {"BPF_F_STACK_BUILD_ID", 0x411},
	{"BPF_F_ZERO_SEED", 0x500},     {"BPF_F_RDONLY_PROG", 0x502},   {"BPF_F_WRONLY_PROG", 0x502},
	{"BPF_F_CLONE", 0x504},         {"BPF_F_MMAPABLE", 0x505},      {"BPF_F_PRESERVE_ELEMS", 0x50a},
	{"BPF_F_INNER_MAP", 0x50a},     {"BPF_F_LINK", 0x604},          {"BPF_F_PATH_FD", 0x605},
	{"BPF_F_VTYPE_BTF_OBJ_FD", 0x609}, {"BPF_F_TOKEN_FD", 0x609},   {"BPF_F_SEGV_ON_FAULT", 0x609},
	{"BPF_F_NO_USER_CONV", 0x609},
};

_Static_assert(N_OF(map_types) == 34, "map types up to arena (33)");
_Static_assert(N_OF(prog_types) == 33, "program types up to netfilter (32)");
_Static_assert(N_OF(attach_types) == 58, "attach types up to trace_uprobe_session (57)");
_Static_assert(N_OF(helpers) == 212, "helpers up to cgrp_storage_delete (211)");

static uint16_t at(const uint16_t *t, size_t n, uint32_t i)
{
	return i < n ? t[i] : 0;
}

uint16_t kfeat_map_type_version(uint32_t type)
{
	return at(map_types, N_OF(map_types), type);
}

uint16_t kfeat_prog_type_version(uint32_t type)
{
	return at(prog_types, N_OF(prog_types), type);
}

uint16_t kfeat_attach_type_version(uint32_t type)
{
	return at(attach_types, N_OF(attach_types), type);
}

uint16_t kfeat_helper_version(uint32_t id)
{
	return at(helpers, N_OF(helpers), id);
}

const char *kfeat_helper_name(uint32_t id)
{
	if (id == 0)
		return NULL;
	if (id < N_OF(helper_names))
		return helper_names[id];
	if (id >= 210 && id - 210 < N_OF(helper_names_6_2))
		return helper_names_6_2[id - 210];
	return NULL;
}

static const char *flag(const struct flag *t, size_t n, uint32_t bit, uint16_t *version)
{
	*version = bit < n ? t[bit].version : 0;
	return bit < n ? t[bit].name : NULL;
}

const char *kfeat_prog_flag(uint32_t bit, uint16_t *version)
{
	return flag(prog_flags, N_OF(prog_flags), bit, version);
}

const char *kfeat_map_flag(uint32_t bit, uint16_t *version)
{
	return flag(map_flags, N_OF(map_flags), bit, version);
}

const char *kfeat_since(uint16_t version, char buf[16])
{
	if (!version)
		return "";
	snprintf(buf, 16, ", Linux %u.%u", version >> 8, version & 0xff);
	return buf;
}

/* ---- reading a verifier log ----------------------------------------------------------------------- */

/* The number after s (decimal), or -1. */
static long number_at(const char *s)
{
	if (*s < '0' || *s > '9')
		return -1;
	long v = 0;
	while (*s >= '0' && *s <= '9' && v < 100000000)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* The instruction index the log line before `at` starts with ("12: (85) call ..."), or -1. */
static int insn_before(const char *log, const char *at)
{
	const char *end = at;
	while (end > log && end[-1] != '\n')
		end--; /* start of the error's own line */
	if (end == log)
		return -1;
	const char *start = end - 1;
	while (start > log && start[-1] != '\n')
		start--;
	long v = number_at(start);
	return v >= 0 && v <= 0x7fffffff ? (int)v : -1;
}

/* Does the program hold an instruction of this kind? */
static bool has_ld_imm64_src(const struct bpf_insn *insns, uint32_t n, uint8_t src)
{
	for (uint32_t i = 0; i < n; i++)
		if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) && insns[i].src_reg == src)
			return true;
	return false;
}

static bool has_call_src(const struct bpf_insn *insns, uint32_t n, uint8_t src)
{
	for (uint32_t i = 0; i < n; i++)
		if (insns[i].code == (BPF_JMP | BPF_CALL) && insns[i].src_reg == src)
			return true;
	return false;
}

/* The log's line containing p, copied into out[n] without its newline. */
static void line_of(const char *log, const char *p, char *out, size_t n)
{
	const char *s = p, *e = p;
	while (s > log && s[-1] != '\n')
		s--;
	while (*e && *e != '\n')
		e++;
	size_t len = (size_t)(e - s);
	if (len >= n)
		len = n - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

/* Helper #id with its name and age, for "helper #188 (bpf_xdp_get_buff_len, Linux 5.18)". */
static void helper_str(long id, char *out, size_t n)
{
	char since[16];
	const char *name = id >= 0 && id <= 0x7fffffff ? kfeat_helper_name((uint32_t)id) : NULL;
	if (name)
		snprintf(out, n, "helper #%ld (%s%s)", id, name, kfeat_since(kfeat_helper_version((uint32_t)id), since));
	else
		snprintf(out, n, "helper #%ld", id);
}

int kfeat_explain_log(const char *log, const struct bpf_insn *insns, uint32_t n, uint32_t prog_type,
		      int32_t poison_helper, struct kfeat_lack *out)
{
	const char *p;
	char what[128], line[160];
	out->text[0] = '\0';
	out->poisoned_insn = -1;
	if (!log || !log[0])
		return 0;

	/* A helper id past the kernel's enum bpf_func_id: "invalid func unknown#N". */
	if ((p = strstr(log, "invalid func "))) {
		const char *hash = strchr(p, '#');
		long id = hash && hash - p < 80 ? number_at(hash + 1) : -1;
		if (id < 0)
			return 0;
		if (id == poison_helper) {
			out->poisoned_insn = insn_before(log, p);
			snprintf(out->text, sizeof(out->text),
				 "it reaches insn %d, which the loader poisoned: a CO-RE relocation found nothing in the kernel's BTF, or a __weak kfunc the kernel lacks is called",
				 out->poisoned_insn);
			return 1;
		}
		helper_str(id, what, sizeof(what));
		snprintf(out->text, sizeof(out->text), "%s is unknown to this kernel", what);
		return 1;
	}
	/* A helper the kernel knows but does not offer this program type: "unknown func NAME#N"
	 * (before 6.2), "program of this type cannot use helper NAME#N" (since). */
	if ((p = strstr(log, "unknown func ")) || (p = strstr(log, "program of this type cannot use helper "))) {
		const char *hash = strchr(p, '#');
		long id = hash && hash - p < 120 ? number_at(hash + 1) : -1;
		if (id < 0)
			return 0;
		helper_str(id, what, sizeof(what));
		snprintf(out->text, sizeof(out->text), "%s is not offered to %s programs by this kernel", what,
			 secdef_prog_type_name(prog_type));
		return 1;
	}
	/* Callbacks (ld_imm64 of a function, BPF_PSEUDO_FUNC) came in 5.13: older kernels count
	 * fewer subprograms than func_info has, or do not know the ld_imm64 kind. */
	bool callbacks = has_ld_imm64_src(insns, n, BPF_PSEUDO_FUNC);
	if (callbacks && (strstr(log, "number of funcs in func_info doesn't match number of subprogs") ||
			  strstr(log, "unrecognized bpf_ld_imm64 insn"))) {
		snprintf(out->text, sizeof(out->text),
			 "it passes a function as a callback (bpf_loop, bpf_for_each_map_elem, timers, ...: Linux 5.13), which this kernel does not know");
		return 1;
	}
	/* Sleepable programs of a type the kernel does not let sleep (uprobe.s before sleepable uprobes):
	 * the kernel's line names the types it allows, which differ by version, so it is quoted. */
	if ((p = strstr(log, "programs can be sleepable"))) {
		line_of(log, p, line, sizeof(line));
		snprintf(out->text, sizeof(out->text), "it is sleepable, and this kernel lets only some program types sleep (\"%s\")",
			 line);
		return 1;
	}
	/* Callbacks run only JIT-compiled: a kernel built without the BPF JIT (Debian's s390x kernels)
	 * or with it off says so (kernel/bpf/verifier.c, since 5.13). */
	if (callbacks && strstr(log, "callbacks are not allowed in non-JITed programs")) {
		snprintf(out->text, sizeof(out->text),
			 "it passes a function as a callback, which this kernel runs only JIT-compiled, and it has no BPF JIT (or it is off)");
		return 1;
	}
	if (strstr(log, "unrecognized bpf_ld_imm64 insn")) {
		const char *kind = has_ld_imm64_src(insns, n, BPF_PSEUDO_BTF_ID) ? "a typed __ksym (BPF_PSEUDO_BTF_ID, Linux 5.10)"
				   : has_ld_imm64_src(insns, n, BPF_PSEUDO_MAP_VALUE) ? "global data (BPF_PSEUDO_MAP_VALUE, Linux 5.2)"
				   : NULL;
		if (!kind)
			return 0;
		snprintf(out->text, sizeof(out->text), "it loads %s, which this kernel does not know", kind);
		return 1;
	}
	/* kfunc calls (BPF_PSEUDO_KFUNC_CALL) came in 5.13, for a few program types at first. */
	if (has_call_src(insns, n, BPF_PSEUDO_KFUNC_CALL)) {
		if (strstr(log, "BPF_CALL uses reserved fields")) {
			snprintf(out->text, sizeof(out->text),
				 "it calls a kernel function (a kfunc: Linux 5.13), which this kernel does not know");
			return 1;
		}
		if ((p = strstr(log, "calling kernel function"))) {
			line_of(log, p, line, sizeof(line));
			snprintf(out->text, sizeof(out->text), "the kernel refuses its kfunc call (\"%s\")", line);
			return 1;
		}
	}
	/* An instruction encoding newer than the kernel (JMP32, atomics, the v4 instructions...). */
	if ((p = strstr(log, "unknown opcode "))) {
		line_of(log, p, line, sizeof(line));
		snprintf(out->text, sizeof(out->text), "it holds an instruction this kernel does not know (\"%s\")", line);
		return 1;
	}
	return 0;
}
