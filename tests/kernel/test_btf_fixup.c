/* tests/kernel/test_btf_fixup.c — the BTF rewrites for older kernels (loader/load/btf_fixup.h), checked
 * on this kernel: every step of the ladder the load pass climbs when a kernel refuses BTF, and each
 * rewrite alone, must give BTF that (1) no longer holds the kinds it replaces, (2) keeps every type
 * id, and (3) this kernel still accepts with BPF_BTF_LOAD. Objects come from clang 14 (DECL_TAG,
 * TYPE_TAG, FLOAT, FUNC linkage, VAR/DATASEC); ENUM64, which clang 14 cannot emit, from a blob made
 * here. The program of btf_kinds.bpf.c also runs with its documented result. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "check.h"
#include "ktest.h"
#include "loader/load/btf_fixup.h"

/* Kinds a rewrite must have removed. */
static uint32_t kinds_present(const struct btf_spec *b)
{
	uint32_t mask = 0;
	for (uint32_t id = 1; id <= b->nr_types; id++) {
		const struct btf_type *t = btf_type(b, id);
		mask |= 1u << btf_kind(t);
		if (btf_kind(t) == BTF_KIND_FUNC && btf_vlen(t))
			mask |= 1u << 31; /* global/extern linkage */
		if (btf_kind(t) == BTF_KIND_ENUM && btf_kflag(t))
			mask |= 1u << 30; /* signed enum */
	}
	return mask;
}

static uint32_t forbidden(uint32_t sanitize)
{
	uint32_t m = 0;
	if (sanitize & SANITIZE_ENUM64) m |= 1u << BTF_KIND_ENUM64 | 1u << 30;
	if (sanitize & SANITIZE_TYPE_TAG) m |= 1u << BTF_KIND_TYPE_TAG;
	if (sanitize & SANITIZE_DECL_TAG) m |= 1u << BTF_KIND_DECL_TAG;
	if (sanitize & SANITIZE_FLOAT) m |= 1u << BTF_KIND_FLOAT;
	if (sanitize & SANITIZE_FUNC_LINKAGE) m |= 1u << 31;
	if (sanitize & SANITIZE_DATASEC) m |= 1u << BTF_KIND_VAR | 1u << BTF_KIND_DATASEC;
	return m;
}

/* Build with `sanitize`, check the result, load it into the kernel. */
static void check_rewrite(const struct obj *o, uint32_t sanitize, const char *what)
{
	uint8_t *blob = NULL;
	uint32_t size = 0;
	struct diag d = {{0}};
	int err = btf_fixup_build(o, sanitize, &blob, &size, &d);
	CHECK(err == 0, "%s: build: %s", what, d.msg);
	if (err)
		return;
	struct btf_spec b;
	err = btf_parse(&b, blob, size, false, &d);
	CHECK(err == 0, "%s: the result does not parse: %s", what, d.msg);
	if (!err) {
		CHECK(b.nr_types == o->btf.nr_types, "%s: %u types, was %u", what, b.nr_types, o->btf.nr_types);
		uint32_t left = kinds_present(&b) & forbidden(sanitize);
		CHECK(left == 0, "%s: kinds still there (mask %#x)", what, left);
		btf_close(&b);
	}
	char log[4096] = "";
	int fd = sys_btf_load(blob, size, log, sizeof(log), 1);
	CHECK(fd >= 0, "%s: BPF_BTF_LOAD: %s: %s", what, sys_errno_name(fd), log);
	if (fd >= 0)
		close(fd);
	free(blob);
}

static const uint32_t ladder[] = {
	SANITIZE_ENUM64, SANITIZE_TYPE_TAG, SANITIZE_DECL_TAG, SANITIZE_FLOAT, SANITIZE_FUNC_LINKAGE,
	SANITIZE_DATASEC,
};

static void check_all_rewrites(const struct obj *o, const char *name)
{
	uint32_t cumulative = 0;
	char what[128];
	for (size_t i = 0; i < sizeof(ladder) / sizeof(ladder[0]); i++) {
		snprintf(what, sizeof(what), "%s: %s alone", name, btf_fixup_name(ladder[i]));
		check_rewrite(o, ladder[i], what);
		cumulative |= ladder[i];
		snprintf(what, sizeof(what), "%s: ladder up to %s", name, btf_fixup_name(ladder[i]));
		check_rewrite(o, cumulative, what);
	}
}

TEST(btf_fixup_ladder_on_clang_output)
{
	KTEST_NEED_BPF();
	static const char *const objs[] = {"build/progs/btf_kinds.bpfel.o", "build/progs/global_data.bpfel.o",
					   "build/progs/subprogs.bpfel.o", "examples/execsnoop.o"};
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		struct kobj k;
		int err = kobj_open(&k, objs[i]);
		CHECK(err == 0, "%s: %s", objs[i], k.d.msg);
		if (!err) {
			if (strstr(objs[i], "btf_kinds")) {
				uint32_t need = btf_fixup_needed(&k.o.btf);
				CHECK((need & (SANITIZE_TYPE_TAG | SANITIZE_DECL_TAG | SANITIZE_FLOAT |
					       SANITIZE_FUNC_LINKAGE | SANITIZE_DATASEC)) ==
					      (SANITIZE_TYPE_TAG | SANITIZE_DECL_TAG | SANITIZE_FLOAT |
					       SANITIZE_FUNC_LINKAGE | SANITIZE_DATASEC),
				      "btf_kinds holds every kind clang 14 emits: needed %#x", need);
			}
			check_all_rewrites(&k.o, objs[i]);
		}
		kobj_close(&k);
	}
}

TEST(btf_fixup_enum64_blob)
{
	KTEST_NEED_BPF();
	/* int, enum64 e64 {BIG = 1 << 40, SMALL = 3} (8 bytes), signed enum s {NEG = -1} */
	uint32_t w[] = {
		1, btf_info_enc(BTF_KIND_INT, false, 0), 4, btf_int_enc(BTF_INT_SIGNED, 0, 32),
		5, btf_info_enc(BTF_KIND_ENUM64, false, 2), 8, 9, 0, 1 << 8, 13, 3, 0,
		19, btf_info_enc(BTF_KIND_ENUM, true, 1), 4, 21, (uint32_t)-1,
	};
	static const char strs[] = "\0int\0e64\0BIG\0SMALL\0s\0NEG";
	uint8_t blob[sizeof(struct btf_header) + sizeof(w) + sizeof(strs)];
	struct btf_header h = {.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
			       .type_len = sizeof(w), .str_off = sizeof(w), .str_len = sizeof(strs)};
	memcpy(blob, &h, sizeof(h));
	memcpy(blob + sizeof(h), w, sizeof(w));
	memcpy(blob + sizeof(h) + sizeof(w), strs, sizeof(strs));

	struct obj o;
	struct diag d = {{0}};
	memset(&o, 0, sizeof(o));
	REQUIRE(btf_parse(&o.btf, blob, sizeof(blob), false, &d) == 0, "blob: %s", d.msg);
	o.has_btf = true;
	CHECK(btf_fixup_needed(&o.btf) == SANITIZE_ENUM64, "needed %#x", btf_fixup_needed(&o.btf));
	int fd = sys_btf_load(blob, sizeof(blob), NULL, 0, 0);
	CHECK(fd >= 0, "this kernel takes ENUM64 as is: %s", sys_errno_name(fd));
	if (fd >= 0)
		close(fd);
	check_rewrite(&o, SANITIZE_ENUM64, "enum64 blob");
	check_rewrite(&o, SANITIZE_ALL, "enum64 blob, everything");
	btf_close(&o.btf);
}

TEST(btf_kinds_program_runs)
{
	KTEST_NEED_BPF();
	struct kobj k;
	int err = kobj_load(&k, "build/progs/btf_kinds.bpfel.o", NULL);
	CHECK(err == 0, "load: %s", k.d.msg);
	if (!err) {
		uint8_t pkt[64] = {0};
		int64_t r = ktest_run(kobj_prog_fd(&k, "kinds"), pkt, sizeof(pkt), 1);
		CHECK(r == 3, "kinds returned %lld, want 3", (long long)r);
	}
	kobj_close(&k);
}
