/* tests/unit/test_reloc.c — reloc_link and reloc_patch_maps. Expected layouts are worked out by
 * hand from llvm-objdump -dr of subprogs.bpf.c (function order, sizes, call sites) and its
 * .BTF.ext records; map fds are made up (100 + map index). */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "slurp.h"
#include "loader/obj/obj.h"
#include "loader/load/reloc.h"

struct lobj {
	uint8_t *buf;
	size_t size;
	struct obj o;
	int err;
};

static int lopen(struct lobj *l, const char *rel)
{
	struct diag d = {""};
	memset(l, 0, sizeof(*l));
	l->err = -ENOENT;
	l->buf = slurp(rel, &l->size);
	if (!l->buf) {
		CHECK(0, "cannot read %s", rel);
		return l->err;
	}
	l->err = obj_parse(&l->o, rel, l->buf, l->size, &d);
	CHECK(l->err == 0, "%s: %s", rel, d.msg);
	return l->err;
}

static void lclose(struct lobj *l)
{
	if (!l->err)
		obj_close(&l->o);
	free(l->buf);
}

static const char *btf_func_name(const struct obj *o, uint32_t type_id)
{
	const struct btf_type *t = btf_type(&o->btf, type_id);
	return t && btf_kind(t) == BTF_KIND_FUNC ? btf_type_name(&o->btf, t) : "(not a FUNC)";
}

/* Invariants of any linked program: the entry first at 0, each function once, every bpf-to-bpf
 * call and callback landing exactly on the base of an appended function, func_info one record
 * per appended function at its base naming that function, line_info sorted and in range. */
static void check_linked(const char *what, const struct obj *o, uint32_t prog, const struct linked_prog *lp)
{
	CHECK(lp->nfuncs >= 1 && lp->funcs[0] == o->progs[prog].func && lp->bases[0] == 0, "%s: entry first", what);
	uint32_t total = 0;
	for (uint32_t i = 0; i < lp->nfuncs; i++) {
		for (uint32_t k = 0; k < i; k++)
			CHECK(lp->funcs[k] != lp->funcs[i], "%s: function %s appended twice", what, o->funcs[lp->funcs[i]].name);
		CHECK(lp->bases[i] == total, "%s: %s at %u, expected %u", what, o->funcs[lp->funcs[i]].name, lp->bases[i],
		      total);
		total += o->funcs[lp->funcs[i]].count;
	}
	CHECK(lp->count == total, "%s: %u instructions, functions add up to %u", what, lp->count, total);
	for (uint32_t i = 0; i < lp->count; i++) {
		const struct bpf_insn *in = &lp->insns[i];
		bool call = in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
		bool cb = in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_FUNC;
		if (call || cb) {
			int64_t target = (int64_t)i + 1 + in->imm;
			bool at_base = false;
			for (uint32_t k = 0; k < lp->nfuncs; k++)
				at_base |= target == lp->bases[k];
			CHECK(at_base, "%s: %s at %u lands on %lld, not a function start", what, call ? "call" : "callback",
			      i, (long long)target);
		}
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW))
			i++;
	}
	if (o->has_ext && o->ext.func.nsec) {
		CHECK(lp->nfunc_info == lp->nfuncs, "%s: %u func_info for %u functions", what, lp->nfunc_info, lp->nfuncs);
		for (uint32_t i = 0; i < lp->nfunc_info && i < lp->nfuncs; i++) {
			CHECK(lp->func_info[i].insn_off == lp->bases[i], "%s: func_info[%u] at %u, function at %u", what, i,
			      lp->func_info[i].insn_off, lp->bases[i]);
			CHECK(!strcmp(btf_func_name(o, lp->func_info[i].type_id), o->funcs[lp->funcs[i]].name),
			      "%s: func_info[%u] names %s, function is %s", what, i, btf_func_name(o, lp->func_info[i].type_id),
			      o->funcs[lp->funcs[i]].name);
		}
	}
	for (uint32_t i = 0; i < lp->nline_info; i++) {
		CHECK(lp->line_info[i].insn_off < lp->count, "%s: line_info[%u] at %u of %u", what, i,
		      lp->line_info[i].insn_off, lp->count);
		if (i)
			CHECK(lp->line_info[i - 1].insn_off < lp->line_info[i].insn_off, "%s: line_info not sorted at %u", what, i);
	}
	if (lp->nline_info)
		CHECK(lp->line_info[0].insn_off == 0, "%s: no line_info at the entry", what);
	for (uint32_t i = 0; i < lp->nsites; i++) {
		const struct reloc_site *s = &lp->sites[i];
		CHECK(s->insn + 1 < lp->count && lp->insns[s->insn].code == (BPF_LD | BPF_IMM | BPF_DW), "%s: site %u at %u",
		      what, i, s->insn);
		CHECK(s->r->kind == RELOC_MAP || s->r->kind == RELOC_DATA || s->r->kind == RELOC_EXTERN, "%s: site %u kind",
		      what, i);
	}
}

/* Compare linked instructions with the source ones, except where relocated. */
static void check_copied(const char *what, const struct obj *o, const struct linked_prog *lp, const uint32_t *skip,
			 uint32_t nskip)
{
	for (uint32_t k = 0; k < lp->nfuncs; k++) {
		const struct obj_func *f = &o->funcs[lp->funcs[k]];
		const struct bpf_insn *src = o->codes[f->code].insns + f->first;
		for (uint32_t j = 0; j < f->count; j++) {
			uint32_t at = lp->bases[k] + j;
			bool skipped = false;
			for (uint32_t s = 0; s < nskip; s++)
				skipped |= skip[s] == at;
			if (skipped)
				continue;
			CHECK(memcmp(&lp->insns[at], &src[j], sizeof(src[j])) == 0, "%s: insn %u (%s+%u) changed", what, at,
			      f->name, j);
		}
	}
}

struct line_exp {
	uint32_t insn, line;
};

static void check_lines(const char *what, const struct obj *o, const struct linked_prog *lp, const struct line_exp *e,
			uint32_t n)
{
	CHECK(lp->nline_info == n, "%s: %u line_info, expected %u", what, lp->nline_info, n);
	for (uint32_t i = 0; i < n && lp->nline_info == n; i++) {
		const struct bpf_line_info *li = &lp->line_info[i];
		CHECK(li->insn_off == e[i].insn && BPF_LINE_INFO_LINE_NUM(li->line_col) == e[i].line,
		      "%s: line_info[%u] = insn %u line %u, expected insn %u line %u", what, i, li->insn_off,
		      BPF_LINE_INFO_LINE_NUM(li->line_col), e[i].insn, e[i].line);
		CHECK(strstr(btf_str(&o->btf, li->file_name_off), "subprogs.bpf.c") != NULL, "%s: line_info[%u] file", what, i);
	}
}

static const char *const subprogs_files[] = {"build/progs/subprogs.bpfel.o", "build/progs/subprogs.bpfeb.o"};

/* sub_a (xdp 0..10) calls sq at 1, add3 at 4, loop_sum at 7 — appended in that order after its 11
 * instructions: sq @11 (3), add3 @14 (3), loop_sum @17 (11); loop_sum's ld_imm64 of sum_cb
 * (.text+11, so linked 17+5 = 22) appends sum_cb @28 (5). 33 instructions. */
TEST(reloc_link_sub_a)
{
	for (int k = 0; k < 2; k++) {
		struct lobj l;
		const char *what = subprogs_files[k];
		if (lopen(&l, what))
			continue;
		const struct obj *o = &l.o;
		int prog = obj_find_prog(o, "sub_a");
		struct linked_prog lp;
		struct diag d = {""};
		REQUIRE(prog >= 0, "%s: no sub_a", what);
		int err = reloc_link(o, (uint32_t)prog, &lp, &d);
		CHECK(err == 0, "%s: reloc_link %d %s", what, err, d.msg);
		if (err) {
			lclose(&l);
			continue;
		}
		check_linked(what, o, (uint32_t)prog, &lp);
		static const char *const order[] = {"sub_a", "sq", "add3", "loop_sum", "sum_cb"};
		static const uint32_t bases[] = {0, 11, 14, 17, 28};
		CHECK(lp.nfuncs == 5 && lp.count == 33, "%s: %u functions, %u instructions", what, lp.nfuncs, lp.count);
		for (uint32_t i = 0; i < 5 && lp.nfuncs == 5; i++)
			CHECK(!strcmp(o->funcs[lp.funcs[i]].name, order[i]) && lp.bases[i] == bases[i], "%s: function %u = %s @%u",
			      what, i, o->funcs[lp.funcs[i]].name, lp.bases[i]);
		if (lp.count == 33) {
			/* target = at + 1 + imm: 1+1+9 = 11 (sq), 4+1+9 = 14 (add3), 7+1+9 = 17 (loop_sum) */
			CHECK(lp.insns[1].imm == 9 && lp.insns[1].src_reg == BPF_PSEUDO_CALL, "%s: call sq imm %d", what,
			      lp.insns[1].imm);
			CHECK(lp.insns[4].imm == 9, "%s: call add3 imm %d", what, lp.insns[4].imm);
			CHECK(lp.insns[7].imm == 9, "%s: call loop_sum imm %d", what, lp.insns[7].imm);
			/* callback: 22 + 1 + 5 = 28 (sum_cb); the second half's imm cleared */
			CHECK(lp.insns[22].code == (BPF_LD | BPF_IMM | BPF_DW) && lp.insns[22].src_reg == BPF_PSEUDO_FUNC &&
				      lp.insns[22].dst_reg == 2 && lp.insns[22].imm == 5 && lp.insns[23].imm == 0,
			      "%s: callback ld_imm64 src %u imm %d/%d", what, lp.insns[22].src_reg, lp.insns[22].imm,
			      lp.insns[23].imm);
			/* the bpf_loop helper call (linked 17+8 = 25) is untouched */
			CHECK(lp.insns[25].src_reg == 0 && lp.insns[25].imm == BPF_FUNC_loop, "%s: helper call", what);
			static const uint32_t skip[] = {1, 4, 7, 22, 23};
			check_copied(what, o, &lp, skip, 5);
		}
		/* func_info: one record per function, BTF ids from bpftool btf dump */
		static const uint32_t fi_type[] = {9, 11, 3, 13, 20};
		CHECK(lp.nfunc_info == 5, "%s: %u func_info", what, lp.nfunc_info);
		for (uint32_t i = 0; i < 5 && lp.nfunc_info == 5; i++)
			CHECK(lp.func_info[i].insn_off == bases[i] && lp.func_info[i].type_id == fi_type[i] &&
				      !strcmp(btf_func_name(o, lp.func_info[i].type_id), order[i]),
			      "%s: func_info[%u] = %u/%u", what, i, lp.func_info[i].insn_off, lp.func_info[i].type_id);
		/* line_info: sub_a's 7 xdp records, then sq (.text 3,4,5), add3 (0,1,2), loop_sum (6,7,10,15),
		 * sum_cb (17,20), each rebased to its function's base */
		static const struct line_exp lines[] = {
			{0, 70},  {1, 76},  {3, 76},  {6, 76},  {7, 76},  {8, 76},  {9, 76},
			{11, 39}, {12, 41}, {13, 41}, {14, 45}, {15, 47}, {16, 47},
			{17, 59}, {18, 61}, {21, 63}, {26, 64}, {28, 55}, {31, 56},
		};
		check_lines(what, o, &lp, lines, sizeof(lines) / sizeof(lines[0]));
		CHECK(lp.nsites == 0, "%s: %u map sites", what, lp.nsites);
		reloc_free(&lp);
		CHECK(lp.insns == NULL && lp.count == 0 && lp.nfuncs == 0, "%s: reloc_free", what);
		lclose(&l);
	}
}

/* sub_b (xdp 11..15) calls twice (no ELF relocation: imm 3 already pc-relative) at 1 and add3 at
 * 3: twice @5 (3), add3 @8 (3); 11 instructions. */
TEST(reloc_link_sub_b)
{
	for (int k = 0; k < 2; k++) {
		struct lobj l;
		const char *what = subprogs_files[k];
		if (lopen(&l, what))
			continue;
		const struct obj *o = &l.o;
		int prog = obj_find_prog(o, "sub_b");
		struct linked_prog lp;
		struct diag d = {""};
		REQUIRE(prog >= 0, "%s: no sub_b", what);
		int err = reloc_link(o, (uint32_t)prog, &lp, &d);
		CHECK(err == 0, "%s: reloc_link %d %s", what, err, d.msg);
		if (err) {
			lclose(&l);
			continue;
		}
		check_linked(what, o, (uint32_t)prog, &lp);
		static const char *const order[] = {"sub_b", "twice", "add3"};
		static const uint32_t bases[] = {0, 5, 8};
		CHECK(lp.nfuncs == 3 && lp.count == 11, "%s: %u functions, %u instructions", what, lp.nfuncs, lp.count);
		for (uint32_t i = 0; i < 3 && lp.nfuncs == 3; i++)
			CHECK(!strcmp(o->funcs[lp.funcs[i]].name, order[i]) && lp.bases[i] == bases[i], "%s: function %u = %s @%u",
			      what, i, o->funcs[lp.funcs[i]].name, lp.bases[i]);
		if (lp.count == 11) {
			/* 1+1+3 = 5 (twice), 3+1+4 = 8 (add3) */
			CHECK(lp.insns[1].imm == 3 && lp.insns[3].imm == 4, "%s: call imms %d %d", what, lp.insns[1].imm,
			      lp.insns[3].imm);
			static const uint32_t skip[] = {1, 3};
			check_copied(what, o, &lp, skip, 2);
		}
		static const uint32_t fi_type[] = {15, 17, 3};
		CHECK(lp.nfunc_info == 3, "%s: %u func_info", what, lp.nfunc_info);
		for (uint32_t i = 0; i < 3 && lp.nfunc_info == 3; i++)
			CHECK(lp.func_info[i].insn_off == bases[i] && lp.func_info[i].type_id == fi_type[i], "%s: func_info[%u]",
			      what, i);
		static const struct line_exp lines[] = {
			{0, 86}, {1, 92}, {2, 92}, {4, 92}, {5, 80}, {6, 82}, {7, 82}, {8, 45}, {9, 47}, {10, 47},
		};
		check_lines(what, o, &lp, lines, sizeof(lines) / sizeof(lines[0]));
		reloc_free(&lp);
		lclose(&l);
	}
}

TEST(reloc_link_bad_program_index)
{
	struct lobj l;
	if (lopen(&l, subprogs_files[0]))
		return;
	struct linked_prog lp;
	struct diag d = {""};
	int err = reloc_link(&l.o, l.o.nprogs, &lp, &d);
	CHECK(err == -EINVAL && d.msg[0], "program index past the end: %d '%s'", err, d.msg);
	CHECK(lp.insns == NULL && lp.count == 0, "out not empty");
	lclose(&l);
}

/* Every program of every object links and keeps the invariants. */
TEST(reloc_link_every_program)
{
	static const char *const files[] = {
		"build/progs/bad_verifier.bpfel.o", "build/progs/btf_maps.bpfel.o", "build/progs/global_data.bpfel.o",
		"build/progs/legacy_iproute2.bpfel.o", "build/progs/legacy_maps.bpfel.o",
		"build/progs/legacy_samples.bpfel.o", "build/progs/ringbuf_typed.bpfel.o", "build/progs/sections.bpfel.o",
		"build/progs/subprogs.bpfel.o", "build/progs/bad_verifier.bpfeb.o", "build/progs/btf_maps.bpfeb.o",
		"build/progs/global_data.bpfeb.o", "build/progs/legacy_iproute2.bpfeb.o",
		"build/progs/legacy_maps.bpfeb.o", "build/progs/legacy_samples.bpfeb.o",
		"build/progs/ringbuf_typed.bpfeb.o", "build/progs/sections.bpfeb.o", "build/progs/subprogs.bpfeb.o",
		"examples/counter.o", "examples/execsnoop.o", "examples/show-ip.o", "build/progs/counter.bpfeb.o",
		"build/progs/execsnoop.bpfeb.o", "build/progs/show-ip.bpfeb.o",
	};
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct lobj l;
		if (lopen(&l, files[f]))
			continue;
		for (uint32_t p = 0; p < l.o.nprogs; p++) {
			struct linked_prog lp;
			struct diag d = {""};
			char what[256];
			snprintf(what, sizeof(what), "%s:%s", files[f], l.o.progs[p].name);
			int err = reloc_link(&l.o, p, &lp, &d);
			CHECK(err == 0, "%s: %s", what, d.msg);
			if (err)
				continue;
			check_linked(what, &l.o, p, &lp);
			/* every map/data relocation inside the program's functions became a site */
			uint32_t expect = 0;
			for (uint32_t k = 0; k < lp.nfuncs; k++) {
				const struct obj_func *fn = &l.o.funcs[lp.funcs[k]];
				for (uint32_t r = 0; r < l.o.nrelocs; r++) {
					const struct obj_reloc *x = &l.o.relocs[r];
					expect += x->code == fn->code && x->insn >= fn->first && x->insn < fn->first + fn->count &&
						  (x->kind == RELOC_MAP || x->kind == RELOC_DATA || x->kind == RELOC_EXTERN);
				}
			}
			CHECK(lp.nsites == expect, "%s: %u sites, %u map/data relocations", what, lp.nsites, expect);
			reloc_free(&lp);
		}
		lclose(&l);
	}
}

/* ---- reloc_patch_maps -------------------------------------------------------------------------- */

static int *made_up_fds(const struct obj *o)
{
	int *fds = malloc((o->nmaps ? o->nmaps : 1) * sizeof(int));
	for (uint32_t i = 0; i < o->nmaps; i++)
		fds[i] = 100 + (int)i;
	return fds;
}

/* gd_prog: seven ld_imm64 of global data. Offsets from llvm-readelf -s: extra_bss, data_val,
 * ro_val, custom_val, bss_val are each the first (value 0) variable of their section;
 * gd_prog.____fmt is .rodata+4 (the instruction says `.rodata` + imm 4); the literal is
 * .rodata.str1.1+0. */
TEST(reloc_patch_global_data)
{
	static const char *const files[] = {"build/progs/global_data.bpfel.o", "build/progs/global_data.bpfeb.o"};
	static const struct { uint32_t insn; const char *map; int32_t off; } sites[] = {
		{0, ".bss.extra", 0}, {4, "global_d.data", 0}, {10, "global_d.rodata", 0}, {14, ".data.custom", 0},
		{18, "global_d.bss", 0}, {21, "global_d.rodata", 4}, {25, ".rodata.str1.1", 0},
	};
	for (int k = 0; k < 2; k++) {
		struct lobj l;
		if (lopen(&l, files[k]))
			continue;
		const struct obj *o = &l.o;
		struct linked_prog lp;
		struct diag d = {""};
		int err = reloc_link(o, 0, &lp, &d);
		CHECK(err == 0, "%s: link %s", files[k], d.msg);
		if (err) {
			lclose(&l);
			continue;
		}
		CHECK(lp.nsites == 7, "%s: %u sites", files[k], lp.nsites);
		int *fds = made_up_fds(o);
		err = reloc_patch_maps(o, &lp, fds, &d);
		CHECK(err == 0, "%s: patch %d %s", files[k], err, d.msg);
		for (uint32_t i = 0; i < 7 && !err && lp.count == 31; i++) {
			int m = obj_find_map(o, sites[i].map);
			const struct bpf_insn *in = &lp.insns[sites[i].insn];
			CHECK(m >= 0, "%s: map %s", files[k], sites[i].map);
			CHECK(in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_MAP_VALUE &&
				      in->imm == 100 + m && in[1].imm == sites[i].off && in->dst_reg == 1,
			      "%s: insn %u: src %u imm %d off %d, expected map %s fd %d off %d", files[k], sites[i].insn,
			      in->src_reg, in->imm, in[1].imm, sites[i].map, 100 + m, sites[i].off);
		}
		/* nothing else changed */
		static const uint32_t skip[] = {0, 1, 4, 5, 10, 11, 14, 15, 18, 19, 21, 22, 25, 26};
		check_copied(files[k], o, &lp, skip, sizeof(skip) / sizeof(skip[0]));
		/* a map without an fd */
		fds[obj_find_map(o, ".data.custom")] = -1;
		d.msg[0] = '\0';
		err = reloc_patch_maps(o, &lp, fds, &d);
		CHECK(err == -EBADF && strstr(d.msg, ".data.custom"), "%s: missing fd: %d '%s'", files[k], err, d.msg);
		free(fds);
		reloc_free(&lp);
		lclose(&l);
	}
}

/* btf_maps: xdp_entry's ld_imm64 of jmp_table (section insn 2, program insn 0), mim_lookup's of
 * outer (section insn 16, program insn 8). */
TEST(reloc_patch_btf_maps)
{
	static const char *const files[] = {"build/progs/btf_maps.bpfel.o", "build/progs/btf_maps.bpfeb.o"};
	static const struct { const char *prog, *map; uint32_t insn; } cases[] = {
		{"xdp_entry", "jmp_table", 0}, {"mim_lookup", "outer", 8},
	};
	for (int k = 0; k < 2; k++) {
		struct lobj l;
		if (lopen(&l, files[k]))
			continue;
		int *fds = made_up_fds(&l.o);
		for (int c = 0; c < 2; c++) {
			int p = obj_find_prog(&l.o, cases[c].prog), m = obj_find_map(&l.o, cases[c].map);
			struct linked_prog lp;
			struct diag d = {""};
			if (p < 0 || m < 0 || reloc_link(&l.o, (uint32_t)p, &lp, &d)) {
				CHECK(0, "%s: %s: %s", files[k], cases[c].prog, d.msg);
				continue;
			}
			CHECK(lp.nsites == 1 && lp.sites[0].insn == cases[c].insn, "%s: %s sites", files[k], cases[c].prog);
			int err = reloc_patch_maps(&l.o, &lp, fds, &d);
			const struct bpf_insn *in = &lp.insns[cases[c].insn];
			CHECK(err == 0 && in->src_reg == BPF_PSEUDO_MAP_FD && in->imm == 100 + m && in[1].imm == 0,
			      "%s: %s: src %u imm %d/%d (%s)", files[k], cases[c].prog, in->src_reg, in->imm, in[1].imm, d.msg);
			reloc_free(&lp);
		}
		int tt = obj_find_prog(&l.o, "tail_target");
		struct linked_prog lp;
		struct diag d;
		if (tt >= 0 && reloc_link(&l.o, (uint32_t)tt, &lp, &d) == 0) {
			CHECK(lp.nsites == 0 && lp.count == 2 && reloc_patch_maps(&l.o, &lp, fds, &d) == 0, "%s: tail_target",
			      files[k]);
			reloc_free(&lp);
		}
		free(fds);
		lclose(&l);
	}
}

/* A relocation against symbol 0 (undefined, nameless): legacy_samples with its one relocation
 * pointed there. No extern can be made of it: the model keeps it as RELOC_BAD naming the spot, and
 * the program that holds it cannot link; the rest of the object is described. */
TEST(reloc_against_null_symbol_marked)
{
	static const char *const files[] = {"build/progs/legacy_samples.bpfel.o", "build/progs/legacy_samples.bpfeb.o"};
	for (int k = 0; k < 2; k++) {
		size_t size;
		uint8_t *buf = slurp(files[k], &size);
		if (!buf) {
			CHECK(0, "cannot read %s", files[k]);
			continue;
		}
		struct elf_file f;
		struct diag d = {""};
		uint64_t off = 0;
		if (elf_parse(&f, buf, size, &d) == 0) {
			const struct elf_section *s = elf_find_section(&f, ".relsocket");
			off = s ? (uint64_t)(s->data - buf) : 0;
			elf_close(&f);
		}
		REQUIRE(off, "%s: no .relsocket", files[k]);
		/* r_info: symbol in the high 32 bits, type R_BPF_64_64 (1) in the low ones */
		bool be = buf[5] == 2;
		for (int i = 0; i < 8; i++)
			buf[off + 8 + i] = (uint8_t)((uint64_t)1 >> (8 * (be ? 7 - i : i)));
		struct obj o;
		int err = obj_parse(&o, files[k], buf, size, &d);
		CHECK(err == 0, "%s: %d %s", files[k], err, d.msg);
		if (err) {
			free(buf);
			continue;
		}
		const struct obj_reloc *r = o.nrelocs == 1 ? &o.relocs[0] : NULL;
		CHECK(r && r->kind == RELOC_BAD && strstr(r->why, "socket+4: relocation against undefined symbol #0"), "%s: %s",
		      files[k], r && r->why ? r->why : "(no bad relocation)");
		int sock = obj_find_prog(&o, "sock_prog");
		char why[320];
		struct linked_prog lp;
		CHECK(sock >= 0 && reloc_link(&o, (uint32_t)sock, &lp, &d) == -EINVAL && strstr(d.msg, "undefined symbol #0"),
		      "%s: link of the program: %s", files[k], d.msg);
		CHECK(sock >= 0 && reloc_prog_problem(&o, (uint32_t)sock, why, sizeof(why)) && strstr(why, "undefined symbol #0"),
		      "%s: problem not reported", files[k]);
		obj_close(&o);
		free(buf);
	}
}

/* Linking twice gives the same bytes (no state kept between links). */
TEST(reloc_link_is_repeatable)
{
	struct lobj l;
	if (lopen(&l, subprogs_files[1]))
		return;
	struct linked_prog a, b;
	struct diag d;
	int prog = obj_find_prog(&l.o, "sub_a");
	if (prog >= 0 && reloc_link(&l.o, (uint32_t)prog, &a, &d) == 0) {
		if (reloc_link(&l.o, (uint32_t)prog, &b, &d) == 0) {
			CHECK(a.count == b.count && memcmp(a.insns, b.insns, a.count * sizeof(*a.insns)) == 0 &&
				      a.nline_info == b.nline_info &&
				      memcmp(a.line_info, b.line_info, a.nline_info * sizeof(*a.line_info)) == 0,
			      "two links differ");
			reloc_free(&b);
		}
		reloc_free(&a);
	}
	lclose(&l);
}

/* The two byte orders link to identical programs. */
TEST(reloc_link_byte_orders_agree)
{
	struct lobj el, eb;
	int e1 = lopen(&el, subprogs_files[0]), e2 = lopen(&eb, subprogs_files[1]);
	for (uint32_t p = 0; !e1 && !e2 && p < el.o.nprogs && el.o.nprogs == eb.o.nprogs; p++) {
		struct linked_prog a, b;
		struct diag d;
		if (reloc_link(&el.o, p, &a, &d) == 0) {
			if (reloc_link(&eb.o, p, &b, &d) == 0) {
				CHECK(a.count == b.count && memcmp(a.insns, b.insns, a.count * sizeof(*a.insns)) == 0,
				      "program %u: instructions differ", p);
				CHECK(a.nfunc_info == b.nfunc_info &&
					      memcmp(a.func_info, b.func_info, a.nfunc_info * sizeof(*a.func_info)) == 0,
				      "program %u: func_info differs", p);
				CHECK(a.nline_info == b.nline_info &&
					      memcmp(a.line_info, b.line_info, a.nline_info * sizeof(*a.line_info)) == 0,
				      "program %u: line_info differs", p);
				reloc_free(&b);
			}
			reloc_free(&a);
		}
	}
	lclose(&el);
	lclose(&eb);
}
