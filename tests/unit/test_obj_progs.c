/* tests/unit/test_obj_progs.c — obj_parse on the test objects about programs: every known section
 * name and what it defines (sections), functions, subprogram calls and callbacks (subprogs), one
 * program (bad_verifier); both byte orders, against facts from llvm-readelf and llvm-objdump. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "loader/obj/obj.h"
#include "obj_expect.h"

TEST(obj_bad_verifier)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "bad_verifier", k);
		if (lopen(&l, p))
			continue;
		check_common(&l, "bad_verifier", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"bad_access", "xdp", 0, 6, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 1);
		check_no_maps(&l);
		check_relocs(&l, NULL, 0);
		CHECK(l.o.nfuncs == 1, "%s: %u functions", p, l.o.nfuncs);
		lclose(&l);
	}
}

TEST(obj_sections)
{
	static const struct prog_exp progs[] = {
		{"p_xdp", "xdp", 0, 2, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		{"p_xdp_frags", "xdp.frags", 0, 2, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		{"p_tracepoint", "tracepoint/syscalls/sys_enter_openat", 0, 2, BPF_PROG_TYPE_TRACEPOINT,
		 ATTACH_TRACEPOINT, "syscalls/sys_enter_openat"},
		{"p_tp", "tp/sched/sched_process_exec", 0, 2, BPF_PROG_TYPE_TRACEPOINT, ATTACH_TRACEPOINT,
		 "sched/sched_process_exec"},
		{"p_raw_tracepoint", "raw_tracepoint/sys_enter", 0, 2, BPF_PROG_TYPE_RAW_TRACEPOINT, ATTACH_RAW_TP, "sys_enter"},
		{"p_raw_tp", "raw_tp/sched_switch", 0, 2, BPF_PROG_TYPE_RAW_TRACEPOINT, ATTACH_RAW_TP, "sched_switch"},
		{"p_tp_btf", "tp_btf/sched_switch", 0, 2, BPF_PROG_TYPE_TRACING, ATTACH_TP_BTF, "sched_switch"},
		{"p_kprobe", "kprobe/do_unlinkat", 0, 2, BPF_PROG_TYPE_KPROBE, ATTACH_KPROBE, "do_unlinkat"},
		{"p_kretprobe", "kretprobe/do_unlinkat", 0, 2, BPF_PROG_TYPE_KPROBE, ATTACH_KPROBE, "do_unlinkat"},
		{"p_uprobe", "uprobe", 0, 2, BPF_PROG_TYPE_KPROBE, ATTACH_UPROBE, ""},
		{"p_uretprobe", "uretprobe", 0, 2, BPF_PROG_TYPE_KPROBE, ATTACH_UPROBE, ""},
		{"p_tc", "tc", 0, 2, BPF_PROG_TYPE_SCHED_CLS, ATTACH_TC, ""},
		{"p_classifier", "classifier", 0, 2, BPF_PROG_TYPE_SCHED_CLS, ATTACH_TC, ""},
		{"p_tcx", "tcx/ingress", 0, 2, BPF_PROG_TYPE_SCHED_CLS, ATTACH_TCX, ""},
		{"p_socket", "socket", 0, 2, BPF_PROG_TYPE_SOCKET_FILTER, ATTACH_SOCKET, ""},
		{"p_cgroup_skb", "cgroup_skb/ingress", 0, 2, BPF_PROG_TYPE_CGROUP_SKB, ATTACH_CGROUP, ""},
		{"p_perf_event", "perf_event", 0, 2, BPF_PROG_TYPE_PERF_EVENT, ATTACH_PERF_EVENT, ""},
		{"p_fentry", "fentry/do_unlinkat", 0, 2, BPF_PROG_TYPE_TRACING, ATTACH_TRACING, "do_unlinkat"},
		{"p_fexit", "fexit/do_unlinkat", 0, 2, BPF_PROG_TYPE_TRACING, ATTACH_TRACING, "do_unlinkat"},
		{"p_lsm", "lsm/file_open", 0, 2, BPF_PROG_TYPE_LSM, ATTACH_LSM, "file_open"},
		{"p_iter", "iter/task", 0, 2, BPF_PROG_TYPE_TRACING, ATTACH_ITER, "task"},
		{"p_sk_lookup", "sk_lookup", 0, 2, BPF_PROG_TYPE_SK_LOOKUP, ATTACH_SK_LOOKUP, ""},
		{"p_weird", "weird/thing", 0, 2, (uint32_t)-1, ATTACH_NONE, ""},
	};
	/* expected attach types (BPF_*) where libbpf passes one */
	static const struct { const char *prog; uint32_t at; const char *def; } at[] = {
		{"p_xdp", BPF_XDP, "xdp"},
		{"p_xdp_frags", BPF_XDP, "xdp.frags"},
		{"p_tp_btf", BPF_TRACE_RAW_TP, "tp_btf+"},
		{"p_kretprobe", 0, "kretprobe+"},
		{"p_uretprobe", 0, "uretprobe+"},
		{"p_tcx", 46 /* BPF_TCX_INGRESS, 6.6 */, "tcx/ingress"},
		{"p_cgroup_skb", BPF_CGROUP_INET_INGRESS, "cgroup_skb/ingress"},
		{"p_fentry", BPF_TRACE_FENTRY, "fentry+"},
		{"p_fexit", BPF_TRACE_FEXIT, "fexit+"},
		{"p_lsm", BPF_LSM_MAC, "lsm+"},
		{"p_iter", BPF_TRACE_ITER, "iter+"},
		{"p_sk_lookup", BPF_SK_LOOKUP, "sk_lookup"},
	};
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "sections", k);
		if (lopen(&l, p))
			continue;
		check_common(&l, "sections", "GPL", 23);
		check_progs(&l, progs, N(progs));
		for (uint32_t i = 0; i < N(at); i++) {
			int pi = obj_find_prog(&l.o, at[i].prog);
			if (pi < 0 || !l.o.progs[pi].def)
				continue;
			CHECK(l.o.progs[pi].def->attach_type == at[i].at && strcmp(l.o.progs[pi].def->sec, at[i].def) == 0,
			      "%s: %s attach type %u via '%s'", p, at[i].prog, l.o.progs[pi].def->attach_type,
			      l.o.progs[pi].def->sec);
		}
		int fr = obj_find_prog(&l.o, "p_xdp_frags");
		if (fr >= 0 && l.o.progs[fr].def)
			CHECK(l.o.progs[fr].def->flags & SECDEF_XDP_FRAGS, "%s: xdp.frags flag", p);
		check_no_maps(&l);
		check_relocs(&l, NULL, 0);
		CHECK(obj_find_prog(&l.o, "nope") == -1 && obj_find_map(&l.o, "nope") == -1, "%s: lookups of nothing", p);
		/* every program is 'r0 = 0; exit' */
		for (uint32_t c = 0; c < l.o.ncodes; c++) {
			const struct bpf_insn *in = l.o.codes[c].insns;
			CHECK(l.o.codes[c].count == 2 && in[0].code == (BPF_ALU64 | BPF_MOV | BPF_K) && in[0].dst_reg == 0 &&
				      in[0].imm == 0 && in[1].code == (BPF_JMP | BPF_EXIT),
			      "%s: code %s", p, l.o.codes[c].name);
		}
		lclose(&l);
	}
}

TEST(obj_subprogs)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "subprogs", k);
		if (lopen(&l, p))
			continue;
		const struct obj *o = &l.o;
		check_common(&l, "subprogs", "GPL", 2);
		static const struct prog_exp progs[] = {
			{"sub_a", "xdp", 0, 11, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
			{"sub_b", "xdp", 11, 5, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 2);
		check_no_maps(&l);
		/* functions sorted by (code, first): .text (section 2) before xdp (section 4) */
		static const struct { const char *name, *code; uint32_t first, count; bool global; } fns[] = {
			{"add3", ".text", 0, 3, true},   {"sq", ".text", 3, 3, false},
			{"loop_sum", ".text", 6, 11, false}, {"sum_cb", ".text", 17, 5, false},
			{"sub_a", "xdp", 0, 11, true},   {"sub_b", "xdp", 11, 5, true},
			{"twice", "xdp", 16, 3, false},
		};
		CHECK(o->nfuncs == N(fns), "%s: %u functions", p, o->nfuncs);
		for (uint32_t i = 0; i < N(fns) && o->nfuncs == N(fns); i++) {
			const struct obj_func *f = &o->funcs[i];
			CHECK(strcmp(f->name, fns[i].name) == 0 && strcmp(o->codes[f->code].name, fns[i].code) == 0 &&
				      f->first == fns[i].first && f->count == fns[i].count && f->global == fns[i].global,
			      "%s: function %u = %s %s+%u/%u global %d", p, i, f->name, o->codes[f->code].name, f->first,
			      f->count, f->global);
			bool is_prog = !strcmp(fns[i].name, "sub_a") || !strcmp(fns[i].name, "sub_b");
			CHECK((f->prog >= 0) == is_prog, "%s: %s prog %d", p, f->name, f->prog);
		}
		CHECK(o->ncodes == 2 && strcmp(o->codes[0].name, ".text") == 0 && o->codes[0].count == 22 &&
			      o->codes[0].sec == 2 && strcmp(o->codes[1].name, "xdp") == 0 && o->codes[1].count == 19 &&
			      o->codes[1].sec == 4,
		      "%s: code sections", p);
		static const struct reloc_exp relocs[] = {
			{".text", 11, RELOC_FUNC, "sum_cb", "sum_cb", 0, false},
			{"xdp", 1, RELOC_CALL, "sq", "sq", 0, false},
			{"xdp", 4, RELOC_CALL, "add3", "add3", 0, false},
			{"xdp", 7, RELOC_CALL, "loop_sum", "loop_sum", 0, false},
			{"xdp", 12, RELOC_CALL, "twice", "twice", 0, true},
			{"xdp", 14, RELOC_CALL, "add3", "add3", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		/* the helper call to bpf_loop (.text+14, src_reg 0) is no relocation */
		CHECK(o->ncodes == 2 && obj_reloc_at(o, 0, 14) == NULL && insn_is_call(&o->codes[0].insns[14]) &&
			      o->codes[0].insns[14].imm == BPF_FUNC_loop,
		      "%s: helper call", p);
		/* instructions as llvm-objdump prints them: xdp+1 `call 2` (src 1), .text+11 `r2 = 136 ll` */
		if (o->ncodes == 2) {
			const struct bpf_insn *x = o->codes[1].insns, *t = o->codes[0].insns;
			CHECK(x[1].code == (BPF_JMP | BPF_CALL) && x[1].src_reg == BPF_PSEUDO_CALL && x[1].imm == 2,
			      "%s: xdp+1 call 2", p);
			CHECK(x[4].imm == -1 && x[12].imm == 3 && x[12].src_reg == BPF_PSEUDO_CALL, "%s: xdp+4/+12", p);
			CHECK(insn_is_ld_imm64(&t[11]) && t[11].dst_reg == 2 && t[11].imm == 136 && t[12].imm == 0,
			      "%s: .text+11 r2 = 136 ll", p);
			CHECK(x[0].code == (BPF_ALU64 | BPF_MOV | BPF_K) && x[0].dst_reg == 1 && x[0].imm == 2, "%s: r1 = 2", p);
			CHECK(t[0].code == (BPF_ALU64 | BPF_MOV | BPF_X) && t[0].dst_reg == 0 && t[0].src_reg == 1,
			      "%s: r0 = r1 (register nibbles)", p);
			CHECK(t[7].code == (BPF_STX | BPF_MEM | BPF_W) && t[7].dst_reg == 10 && t[7].src_reg == 1 &&
				      t[7].off == -8,
			      "%s: *(u32 *)(r10 - 8) = r1", p);
		}
		lclose(&l);
	}
}
