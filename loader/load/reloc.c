/* loader/load/reloc.c — linking one program and patching its map references (see reloc.h).
 * The kernel wants one instruction array per program with every subprogram it calls appended,
 * calls relative to the next instruction, and func_info/line_info indexed by instruction. */
#include "loader/load/reloc.h"

#include "btf/core.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grow-by-doubling for the arrays built here. */
static int grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	uint32_t n = *cap ? *cap : 8;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, (size_t)n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

struct builder {
	struct linked_prog *lp;
	/* Which functions are appended already: an open-addressing table of obj.funcs index + 1 ->
	 * position in lp->funcs, kept at most half full (a program may call thousands). */
	uint32_t *slot_fn, *slot_pos, nslots;
};

static uint32_t slot_of(const struct builder *b, uint32_t fn)
{
	uint32_t h = (fn * 2654435761u) & (b->nslots - 1);
	while (b->slot_fn[h] && b->slot_fn[h] != fn + 1)
		h = (h + 1) & (b->nslots - 1);
	return h;
}

/* Position of fn in lp->funcs, or -1. */
static int appended_at(const struct builder *b, uint32_t fn)
{
	if (!b->nslots)
		return -1;
	uint32_t h = slot_of(b, fn);
	return b->slot_fn[h] ? (int)b->slot_pos[h] : -1;
}

static int remember(struct builder *b, uint32_t fn, uint32_t pos)
{
	if (2 * (pos + 1) > b->nslots) {
		uint32_t n = b->nslots ? b->nslots * 2 : 16;
		struct builder nb = *b;
		nb.nslots = n;
		nb.slot_fn = calloc(n, sizeof(*nb.slot_fn));
		nb.slot_pos = calloc(n, sizeof(*nb.slot_pos));
		if (!nb.slot_fn || !nb.slot_pos) {
			free(nb.slot_fn);
			free(nb.slot_pos);
			return -ENOMEM;
		}
		for (uint32_t i = 0; i < b->nslots; i++)
			if (b->slot_fn[i]) {
				uint32_t h = slot_of(&nb, b->slot_fn[i] - 1);
				nb.slot_fn[h] = b->slot_fn[i];
				nb.slot_pos[h] = b->slot_pos[i];
			}
		free(b->slot_fn);
		free(b->slot_pos);
		*b = nb;
	}
	uint32_t h = slot_of(b, fn);
	b->slot_fn[h] = fn + 1;
	b->slot_pos[h] = pos;
	return 0;
}

/* Append function fn: its instructions, its func_info and line_info rebased. Returns its index
 * in lp->funcs. */
static int append_func(const struct obj *o, struct builder *b, uint32_t fn, struct diag *d)
{
	struct linked_prog *lp = b->lp;
	const struct obj_func *f = &o->funcs[fn];
	const struct obj_code *c = &o->codes[f->code];
	uint32_t base = lp->count;

	if (grow((void **)&lp->insns, &lp->cap.insns, lp->count + f->count, sizeof(*lp->insns)) ||
	    grow((void **)&lp->funcs, &lp->cap.funcs, lp->nfuncs + 1, sizeof(*lp->funcs)) ||
	    grow((void **)&lp->bases, &lp->cap.bases, lp->nfuncs + 1, sizeof(*lp->bases)))
		return diag_set(d, -ENOMEM, "link: out of memory");
	memcpy(lp->insns + base, c->insns + f->first, (size_t)f->count * sizeof(*lp->insns));
	lp->count += f->count;
	lp->funcs[lp->nfuncs] = fn;
	lp->bases[lp->nfuncs] = base;
	if (remember(b, fn, lp->nfuncs))
		return diag_set(d, -ENOMEM, "link: out of memory");

	/* The function's records only: a binary search into each section's records (in insn_off
	 * order), so linking every program of a section is not quadratic in its size. */
	uint64_t lo = (uint64_t)f->first * 8, hi = ((uint64_t)f->first + f->count) * 8;
	if (o->has_ext) {
		const struct btf_ext_sec *s = btf_ext_find(&o->ext.func, c->name);
		for (uint32_t i = s && lo <= UINT32_MAX ? btf_ext_lower_bound(&o->ext.func, s, (uint32_t)lo) : 0;
		     s && i < s->count; i++) {
			const struct bpf_func_info *r = btf_ext_rec_sorted(&o->ext.func, s, i);
			uint32_t at = r->insn_off / 8;
			if (r->insn_off >= hi)
				break;
			if (r->insn_off % 8 || at < f->first || at >= f->first + f->count)
				continue;
			if (grow((void **)&lp->func_info, &lp->cap.func_info, lp->nfunc_info + 1, sizeof(*lp->func_info)))
				return diag_set(d, -ENOMEM, "link: out of memory");
			lp->func_info[lp->nfunc_info++] = (struct bpf_func_info){base + at - f->first, r->type_id};
		}
		s = btf_ext_find(&o->ext.core, c->name);
		for (uint32_t i = s && lo <= UINT32_MAX ? btf_ext_lower_bound(&o->ext.core, s, (uint32_t)lo) : 0;
		     s && i < s->count; i++) {
			const struct bpf_core_relo *r = btf_ext_rec_sorted(&o->ext.core, s, i);
			uint32_t at = r->insn_off / 8;
			if (r->insn_off >= hi)
				break;
			if (at < f->first || at >= f->first + f->count)
				continue;
			if (r->insn_off % 8)
				return diag_set(d, -EINVAL, "link: CO-RE record at byte %u of '%s' is inside an instruction",
						r->insn_off, c->name);
			if (grow((void **)&lp->core, &lp->cap.core, lp->ncore + 1, sizeof(*lp->core)))
				return diag_set(d, -ENOMEM, "link: out of memory");
			lp->core[lp->ncore++] = (struct core_site){base + at - f->first, r};
		}
		s = btf_ext_find(&o->ext.line, c->name);
		for (uint32_t i = s && lo <= UINT32_MAX ? btf_ext_lower_bound(&o->ext.line, s, (uint32_t)lo) : 0;
		     s && i < s->count; i++) {
			const struct bpf_line_info *r = btf_ext_rec_sorted(&o->ext.line, s, i);
			uint32_t at = r->insn_off / 8;
			if (r->insn_off >= hi)
				break;
			if (r->insn_off % 8 || at < f->first || at >= f->first + f->count)
				continue;
			if (grow((void **)&lp->line_info, &lp->cap.line_info, lp->nline_info + 1, sizeof(*lp->line_info)))
				return diag_set(d, -ENOMEM, "link: out of memory");
			struct bpf_line_info li = *r;
			li.insn_off = base + at - f->first;
			lp->line_info[lp->nline_info++] = li;
		}
	}
	return (int)lp->nfuncs++;
}

int reloc_link(const struct obj *o, uint32_t prog, struct linked_prog *out, struct diag *d)
{
	memset(out, 0, sizeof(*out));
	return reloc_relink(o, prog, out, d);
}

int reloc_relink(const struct obj *o, uint32_t prog, struct linked_prog *out, struct diag *d)
{
	struct builder b = {.lp = out};
	int err;

	/* The arrays (and their capacities) stay; what they held goes. */
	out->count = out->nfuncs = out->nfunc_info = out->nline_info = out->nsites = out->ncore = 0;
	if (prog >= o->nprogs)
		return diag_set(d, -EINVAL, "link: no program %u", prog);
	err = append_func(o, &b, o->progs[prog].func, d);
	if (err < 0)
		goto fail;

	/* Walk every appended function; calls may append more, which the loop then visits too. */
	for (uint32_t k = 0; k < out->nfuncs; k++) {
		const struct obj_func *f = &o->funcs[out->funcs[k]];
		for (uint32_t j = 0; j < f->count; j++) {
			const struct obj_reloc *r = obj_reloc_at(o, f->code, f->first + j);
			uint32_t at = out->bases[k] + j;
			if (!r)
				continue;
			if (r->kind == RELOC_BAD) {
				err = diag_set(d, -EINVAL, "%s", r->why);
				goto fail;
			}
			if (r->kind == RELOC_CALL || r->kind == RELOC_FUNC) {
				int idx = appended_at(&b, r->func);
				if (idx < 0) {
					idx = append_func(o, &b, r->func, d);
					if (idx < 0) {
						err = idx;
						goto fail;
					}
				}
				struct bpf_insn *insn = &out->insns[at];
				insn->imm = (int32_t)out->bases[idx] - (int32_t)(at + 1);
				if (r->kind == RELOC_FUNC) {
					insn->src_reg = BPF_PSEUDO_FUNC;
					insn[1].imm = 0;
				}
				continue;
			}
			if (grow((void **)&out->sites, &out->cap.sites, out->nsites + 1, sizeof(*out->sites))) {
				err = diag_set(d, -ENOMEM, "link: out of memory");
				goto fail;
			}
			out->sites[out->nsites++] = (struct reloc_site){at, r};
		}
	}
	free(b.slot_fn);
	free(b.slot_pos);
	return 0;
fail:
	free(b.slot_fn);
	free(b.slot_pos);
	reloc_free(out);
	return err;
}

const char *reloc_prog_problem(const struct obj *o, uint32_t prog, char *why, size_t n)
{
	const struct obj_prog *p = &o->progs[prog];
	if (!p->def) {
		snprintf(why, n, "section '%s' names no program type rawload knows", p->sec_name);
		return why;
	}
	struct linked_prog lp;
	struct diag d = {""};
	int err = reloc_link(o, prog, &lp, &d);
	if (!err) {
		reloc_free(&lp);
		return NULL;
	}
	snprintf(why, n, "%s", d.msg);
	return why;
}

static void poison(struct bpf_insn *insn);

/* One __ksym or kfunc site. */
static int patch_extern(const struct obj *o, struct bpf_insn *insn, uint32_t at, const struct obj_reloc *r,
			const struct reloc_ext_value *v, struct diag *d)
{
	const struct obj_extern *e = &o->externs[r->ext];
	if (!v)
		return diag_set(d, -ENOTSUP, "insn %u: extern '%s' (%s) has no value from the kernel", at, e->name,
				obj_extern_kind_name(e->kind));
	if (insn_is_call(insn)) {
		if (!v->found) {
			poison(insn);
			return 0;
		}
		insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
		insn->imm = (int32_t)v->btf_id;
		insn->off = 0; /* the kernel's own BTF, not a module's */
		return 0;
	}
	insn[1].imm = 0;
	insn->src_reg = 0;
	insn->imm = 0;
	if (!v->found)
		return 0;
	if (e->kind == EXT_KSYM_TYPELESS) {
		insn->imm = (int32_t)(uint32_t)v->addr;
		insn[1].imm = (int32_t)(uint32_t)(v->addr >> 32);
	} else {
		insn->src_reg = BPF_PSEUDO_BTF_ID;
		insn->imm = (int32_t)v->btf_id;
	}
	return 0;
}

int reloc_patch(const struct obj *o, struct linked_prog *lp, const int *map_fds,
		const struct reloc_ext_value *ext, struct diag *d)
{
	for (uint32_t i = 0; i < lp->nsites; i++) {
		const struct obj_reloc *r = lp->sites[i].r;
		struct bpf_insn *insn = &lp->insns[lp->sites[i].insn];
		if (r->kind == RELOC_EXTERN) {
			int err = patch_extern(o, insn, lp->sites[i].insn, r, ext ? &ext[r->ext] : NULL, d);
			if (err)
				return err;
			continue;
		}
		if (map_fds[r->map] < 0)
			return diag_set(d, -EBADF, "insn %u: map '%s' was not created", lp->sites[i].insn,
					o->maps[r->map].name);
		insn[0].imm = map_fds[r->map];
		if (r->kind == RELOC_MAP) {
			insn[0].src_reg = BPF_PSEUDO_MAP_FD;
			insn[1].imm = 0;
		} else {
			insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
			insn[1].imm = (int32_t)r->offset;
		}
	}
	return 0;
}

static void poison(struct bpf_insn *insn)
{
	*insn = (struct bpf_insn){.code = BPF_JMP | BPF_CALL, .imm = RELOC_CORE_POISON};
}

/* Bytes of a load/store's BPF_SIZE, and back. */
static uint32_t mem_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

static int mem_size_code(uint32_t bytes)
{
	switch (bytes) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	case 8: return BPF_DW;
	default: return -1;
	}
}

int reloc_core_patch(struct linked_prog *lp, uint32_t k, const struct core_result *res, struct diag *d)
{
	uint32_t at = lp->core[k].insn;
	struct bpf_insn *insn = &lp->insns[at];
	bool wide = insn_is_ld_imm64(insn);

	if (wide && at + 1 >= lp->count)
		return diag_set(d, -EINVAL, "insn %u: ld_imm64 cut by the end of the program", at);
	if (res->poison) {
		if (wide)
			poison(insn + 1); /* else the verifier trips over its second half first */
		poison(insn);
		return 1;
	}
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K)
			return diag_set(d, -EINVAL, "insn %u: CO-RE record on an ALU instruction without immediate", at);
		if (res->validate && (uint64_t)(int64_t)insn->imm != res->orig_val)
			return diag_set(d, -EINVAL, "insn %u: immediate %d, the object's own BTF says %llu", at, insn->imm,
					(unsigned long long)res->orig_val);
		if (res->new_val > UINT32_MAX && !((int64_t)res->new_val < 0 && (int64_t)res->new_val >= INT32_MIN))
			return diag_set(d, -ERANGE, "insn %u: value %llu does not fit an immediate", at,
					(unsigned long long)res->new_val);
		insn->imm = (int32_t)(uint32_t)res->new_val;
		return 0;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (res->validate && (uint64_t)(int64_t)insn->off != res->orig_val)
			return diag_set(d, -EINVAL, "insn %u: offset %d, the object's own BTF says %llu", at, insn->off,
					(unsigned long long)res->orig_val);
		if (res->new_val > SHRT_MAX)
			return diag_set(d, -ERANGE, "insn %u: offset %llu does not fit an instruction", at,
					(unsigned long long)res->new_val);
		if (res->bad_size) {
			poison(insn);
			return 1;
		}
		insn->off = (int16_t)res->new_val;
		if (res->orig_sz != res->new_sz) {
			int code = mem_size_code(res->new_sz);
			if (mem_bytes(insn->code) != res->orig_sz || code < 0)
				return diag_set(d, -EINVAL, "insn %u: a %u-byte access of a field of %u bytes, now %u", at,
						mem_bytes(insn->code), res->orig_sz, res->new_sz);
			insn->code = (uint8_t)(BPF_MODE(insn->code) | code | BPF_CLASS(insn->code));
		}
		return 0;
	case BPF_LD: {
		if (!wide || insn->src_reg || insn->off || insn[1].code || insn[1].dst_reg || insn[1].src_reg ||
		    insn[1].off)
			return diag_set(d, -EINVAL, "insn %u: CO-RE record on an unexpected ld_imm64", at);
		uint64_t imm = (uint32_t)insn[0].imm | (uint64_t)(uint32_t)insn[1].imm << 32;
		if (res->validate && imm != res->orig_val)
			return diag_set(d, -EINVAL, "insn %u: ld_imm64 %llu, the object's own BTF says %llu", at,
					(unsigned long long)imm, (unsigned long long)res->orig_val);
		insn[0].imm = (int32_t)(uint32_t)res->new_val;
		insn[1].imm = (int32_t)(uint32_t)(res->new_val >> 32);
		return 0;
	}
	}
	return diag_set(d, -EINVAL, "insn %u: CO-RE record on instruction code %#x", at, insn->code);
}

void reloc_free(struct linked_prog *lp)
{
	free(lp->insns);
	free(lp->funcs);
	free(lp->bases);
	free(lp->func_info);
	free(lp->line_info);
	free(lp->sites);
	free(lp->core);
	memset(lp, 0, sizeof(*lp));
}
