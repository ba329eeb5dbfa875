/* tests/unit/test_kfeat.c — the feature-age table and the reading of verifier logs that show the
 * kernel lacking something (loader/load/kfeat.c). Expected versions are the kernel's git history as
 * bcc's docs/kernel-versions.md records it; the logs are what 5.10, 6.1 and 6.18 print. */
#include <string.h>

#include "check.h"
#include "loader/load/kfeat.h"
#include "loader/load/reloc.h"

TEST(kfeat_versions)
{
	CHECK(kfeat_map_type_version(BPF_MAP_TYPE_HASH) == 0x313, "hash %#x", kfeat_map_type_version(BPF_MAP_TYPE_HASH));
	CHECK(kfeat_map_type_version(BPF_MAP_TYPE_RINGBUF) == 0x508, "ringbuf");
	CHECK(kfeat_map_type_version(BPF_MAP_TYPE_BLOOM_FILTER) == 0x510, "bloom filter %#x",
	      kfeat_map_type_version(BPF_MAP_TYPE_BLOOM_FILTER));
	CHECK(kfeat_map_type_version(BPF_MAP_TYPE_USER_RINGBUF) == 0x601, "user ringbuf");
	CHECK(kfeat_map_type_version(33) == 0x609 && kfeat_map_type_version(250) == 0, "arena, 250");
	CHECK(kfeat_prog_type_version(BPF_PROG_TYPE_XDP) == 0x408, "xdp");
	CHECK(kfeat_prog_type_version(BPF_PROG_TYPE_TRACING) == 0x505, "tracing");
	CHECK(kfeat_prog_type_version(BPF_PROG_TYPE_SK_LOOKUP) == 0x509, "sk_lookup");
	CHECK(kfeat_prog_type_version(BPF_PROG_TYPE_SYSCALL) == 0x50e, "syscall");
	CHECK(kfeat_prog_type_version(32) == 0x604 && kfeat_prog_type_version(33) == 0, "netfilter, 33");
	CHECK(kfeat_attach_type_version(BPF_CGROUP_INET_INGRESS) == 0x40a, "cgroup ingress");
	CHECK(kfeat_attach_type_version(BPF_XDP) == 0x509, "BPF_XDP %#x", kfeat_attach_type_version(BPF_XDP));
	CHECK(kfeat_attach_type_version(BPF_TRACE_ITER) == 0x508, "iter");
	CHECK(kfeat_attach_type_version(BPF_PERF_EVENT) == 0x50f, "perf_event");
	CHECK(kfeat_attach_type_version(BPF_TRACE_KPROBE_MULTI) == 0x512, "kprobe_multi");
	CHECK(kfeat_attach_type_version(46) == 0x606 && kfeat_attach_type_version(47) == 0x606, "tcx");
	CHECK(kfeat_attach_type_version(250) == 0, "250");

	uint16_t v = 0;
	const char *f = kfeat_prog_flag(5, &v);
	CHECK(f && !strcmp(f, "BPF_F_XDP_HAS_FRAGS") && v == 0x512, "prog flag bit 5: %s %#x", f ? f : "-", v);
	CHECK((1u << 5) == BPF_F_XDP_HAS_FRAGS && (1u << 4) == BPF_F_SLEEPABLE, "UAPI bits");
	f = kfeat_prog_flag(4, &v);
	CHECK(f && !strcmp(f, "BPF_F_SLEEPABLE") && v == 0x50a, "sleepable");
	CHECK(!kfeat_prog_flag(30, &v) && v == 0, "bit 30 is no flag");
	f = kfeat_map_flag(10, &v);
	CHECK(f && !strcmp(f, "BPF_F_MMAPABLE") && v == 0x505 && (1u << 10) == BPF_F_MMAPABLE, "mmapable");
	f = kfeat_map_flag(12, &v);
	CHECK(f && !strcmp(f, "BPF_F_INNER_MAP") && v == 0x50a && (1u << 12) == BPF_F_INNER_MAP, "inner map");

	/* Helper names come from the UAPI header's list; ids are the kernel's. */
	CHECK(!strcmp(kfeat_helper_name(BPF_FUNC_map_lookup_elem), "bpf_map_lookup_elem"), "helper 1");
	CHECK(!strcmp(kfeat_helper_name(BPF_FUNC_xdp_get_buff_len), "bpf_xdp_get_buff_len") &&
		      kfeat_helper_version(BPF_FUNC_xdp_get_buff_len) == 0x512,
	      "xdp_get_buff_len (#%d): %#x", BPF_FUNC_xdp_get_buff_len, kfeat_helper_version(BPF_FUNC_xdp_get_buff_len));
	CHECK(!strcmp(kfeat_helper_name(BPF_FUNC_loop), "bpf_loop") && kfeat_helper_version(BPF_FUNC_loop) == 0x511, "loop");
	CHECK(kfeat_helper_version(BPF_FUNC_ringbuf_output) == 0x508 && kfeat_helper_version(BPF_FUNC_csum_level) == 0x507,
	      "ringbuf_output, csum_level");
	CHECK(!strcmp(kfeat_helper_name(211), "bpf_cgrp_storage_delete") && kfeat_helper_version(211) == 0x602, "211");
	CHECK(!kfeat_helper_name(0) && !kfeat_helper_name(212) && !kfeat_helper_version(212), "0, 212");
	/* Ids never go back in time by more than the order of one merge window. */
	for (uint32_t id = 2; id < 212; id++)
		CHECK(kfeat_helper_version(id) + 1 >= kfeat_helper_version(id - 1), "helper %u older than %u", id, id - 1);

	char buf[16];
	CHECK(!strcmp(kfeat_since(0x512, buf), ", Linux 5.18") && !strcmp(kfeat_since(0, buf), ""), "since");
}

static const struct bpf_insn plain[] = {
	{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
	{.code = BPF_JMP | BPF_EXIT},
};
/* r2 = callback ll (BPF_PSEUDO_FUNC); call bpf_loop */
static const struct bpf_insn with_callback[] = {
	{.code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 2, .src_reg = BPF_PSEUDO_FUNC, .imm = 3},
	{0},
	{.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_loop},
	{.code = BPF_JMP | BPF_EXIT},
	{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
	{.code = BPF_JMP | BPF_EXIT},
};
static const struct bpf_insn with_kfunc[] = {
	{.code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = 12345},
	{.code = BPF_JMP | BPF_EXIT},
};

TEST(kfeat_explain_logs)
{
	struct kfeat_lack w;
	/* 5.10 and a helper of 5.18 */
	int r = kfeat_explain_log("0: R1=ctx(id=0,off=0,imm=0) R10=fp0\n0: (85) call unknown#188\ninvalid func unknown#188\n"
				  "processed 1 insns (limit 1000000)\n",
				  plain, 2, BPF_PROG_TYPE_XDP, RELOC_CORE_POISON, &w);
	CHECK(r == 1 && strstr(w.text, "helper #188 (bpf_xdp_get_buff_len, Linux 5.18) is unknown to this kernel"), "%d %s",
	      r, w.text);
	CHECK(w.poisoned_insn == -1, "no poison");
	/* 6.18: a helper it does not offer XDP programs */
	r = kfeat_explain_log("0: (85) call bpf_get_current_task#35\nprogram of this type cannot use helper bpf_get_current_task#35\n",
			      plain, 2, BPF_PROG_TYPE_XDP, RELOC_CORE_POISON, &w);
	CHECK(r == 1 && strstr(w.text, "helper #35 (bpf_get_current_task, Linux 4.8) is not offered to xdp programs"), "%s",
	      w.text);
	r = kfeat_explain_log("unknown func bpf_ktime_get_coarse_ns#160\n", plain, 2, BPF_PROG_TYPE_KPROBE, 0, &w);
	CHECK(r == 1 && strstr(w.text, "bpf_ktime_get_coarse_ns, Linux 5.11) is not offered to kprobe"), "%s", w.text);
	/* the loader's poison */
	r = kfeat_explain_log("func#0 @0\n7: (85) call unknown#195896080\ninvalid func unknown#195896080\n", plain, 2,
			      BPF_PROG_TYPE_TRACEPOINT, RELOC_CORE_POISON, &w);
	CHECK(r == 1 && w.poisoned_insn == 7 && strstr(w.text, "insn 7"), "poison: %d %d %s", r, w.poisoned_insn, w.text);
	/* 5.10 and callbacks: what Debian 11 printed */
	const char *cb = "number of funcs in func_info doesn't match number of subprogs\nprocessed 0 insns\n";
	r = kfeat_explain_log(cb, with_callback, 6, BPF_PROG_TYPE_XDP, RELOC_CORE_POISON, &w);
	CHECK(r == 1 && strstr(w.text, "callback") && strstr(w.text, "Linux 5.13"), "callbacks: %s", w.text);
	CHECK(kfeat_explain_log(cb, plain, 2, BPF_PROG_TYPE_XDP, RELOC_CORE_POISON, &w) == 0,
	      "func_info mismatch without callbacks is the object's fault");
	r = kfeat_explain_log("unrecognized bpf_ld_imm64 insn\n", with_callback, 6, BPF_PROG_TYPE_XDP, 0, &w);
	CHECK(r == 1 && strstr(w.text, "callback"), "ld_imm64 callbacks: %s", w.text);
	/* a sleepable uprobe on 5.10 (Debian 11 printed this) */
	r = kfeat_explain_log("Only fentry/fexit/fmod_ret and lsm programs can be sleepable\nprocessed 0 insns\n", plain, 2,
			      BPF_PROG_TYPE_KPROBE, 0, &w);
	CHECK(r == 1 && strstr(w.text, "sleepable") && strstr(w.text, "\"Only fentry/fexit/fmod_ret and lsm programs can be sleepable\""),
	      "sleepable: %s", w.text);
	/* a kernel without the JIT (Debian's s390x 6.12 printed this) */
	const char *nojit = "Func#2 ('add3') is safe for any args that match its prototype\n"
			    "callbacks are not allowed in non-JITed programs\nprocessed 44 insns\n";
	r = kfeat_explain_log(nojit, with_callback, 6, BPF_PROG_TYPE_XDP, 0, &w);
	CHECK(r == 1 && strstr(w.text, "callback") && strstr(w.text, "no BPF JIT"), "no JIT: %s", w.text);
	/* kfuncs before 5.13, and refused for the program type after */
	r = kfeat_explain_log("0: (85) call pc+12345\nBPF_CALL uses reserved fields\n", with_kfunc, 2, BPF_PROG_TYPE_XDP, 0, &w);
	CHECK(r == 1 && strstr(w.text, "kfunc: Linux 5.13"), "kfunc: %s", w.text);
	r = kfeat_explain_log("calling kernel function bpf_task_release is not allowed\n", with_kfunc, 2, BPF_PROG_TYPE_XDP, 0,
			      &w);
	CHECK(r == 1 && strstr(w.text, "\"calling kernel function bpf_task_release is not allowed\""), "kfunc 2: %s", w.text);
	r = kfeat_explain_log("1: (e7) unknown opcode e7\n", plain, 2, BPF_PROG_TYPE_XDP, 0, &w);
	CHECK(r == 1 && strstr(w.text, "unknown opcode e7"), "opcode: %s", w.text);
	/* rejections of the program itself */
	CHECK(kfeat_explain_log("; return *p; @ a.c:4\n1: (71) r1 = *(u8 *)(r1 +0)\ninvalid access to packet, off=0 size=1\n",
				plain, 2, BPF_PROG_TYPE_XDP, RELOC_CORE_POISON, &w) == 0,
	      "invalid access to packet is a rejection");
	CHECK(kfeat_explain_log("R0 !read_ok\n", plain, 2, BPF_PROG_TYPE_XDP, 0, &w) == 0, "!read_ok");
	CHECK(kfeat_explain_log("", plain, 2, BPF_PROG_TYPE_XDP, 0, &w) == 0 && !w.text[0], "empty log");
	CHECK(kfeat_explain_log("invalid func #x\n", plain, 2, BPF_PROG_TYPE_XDP, 0, &w) == 0, "malformed");
}
