/* loader/reloc.c — linking one program and patching its map references (see reloc.h).
 * The kernel wants one instruction array per program with every subprogram it calls appended,
 * calls relative to the next instruction, and func_info/line_info indexed by instruction. */
#include "loader/reloc.h"

#include <errno.h>
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
	uint32_t cap_insns, cap_funcs, cap_bases, cap_sites, cap_fi, cap_li;
};

/* Append function fn: its instructions, its func_info and line_info rebased. Returns its index
 * in lp->funcs. */
static int append_func(const struct obj *o, struct builder *b, uint32_t fn, struct diag *d)
{
	struct linked_prog *lp = b->lp;
	const struct obj_func *f = &o->funcs[fn];
	const struct obj_code *c = &o->codes[f->code];
	uint32_t base = lp->count;

	if (grow((void **)&lp->insns, &b->cap_insns, lp->count + f->count, sizeof(*lp->insns)) ||
	    grow((void **)&lp->funcs, &b->cap_funcs, lp->nfuncs + 1, sizeof(*lp->funcs)) ||
	    grow((void **)&lp->bases, &b->cap_bases, lp->nfuncs + 1, sizeof(*lp->bases)))
		return diag_set(d, -ENOMEM, "link: out of memory");
	memcpy(lp->insns + base, c->insns + f->first, (size_t)f->count * sizeof(*lp->insns));
	lp->count += f->count;
	lp->funcs[lp->nfuncs] = fn;
	lp->bases[lp->nfuncs] = base;

	if (o->has_ext) {
		const struct btf_ext_sec *s = btf_ext_find(&o->ext.func, c->name);
		for (uint32_t i = 0; s && i < s->count; i++) {
			const struct bpf_func_info *r = btf_ext_rec(&o->ext.func, s, i);
			uint32_t at = r->insn_off / 8;
			if (r->insn_off % 8 || at < f->first || at >= f->first + f->count)
				continue;
			if (grow((void **)&lp->func_info, &b->cap_fi, lp->nfunc_info + 1, sizeof(*lp->func_info)))
				return diag_set(d, -ENOMEM, "link: out of memory");
			lp->func_info[lp->nfunc_info++] = (struct bpf_func_info){base + at - f->first, r->type_id};
		}
		s = btf_ext_find(&o->ext.core, c->name);
		for (uint32_t i = 0; s && i < s->count; i++) {
			const struct bpf_core_relo *r = btf_ext_rec(&o->ext.core, s, i);
			if (r->insn_off / 8 >= f->first && r->insn_off / 8 < f->first + f->count)
				lp->ncore++;
		}
		s = btf_ext_find(&o->ext.line, c->name);
		for (uint32_t i = 0; s && i < s->count; i++) {
			const struct bpf_line_info *r = btf_ext_rec(&o->ext.line, s, i);
			uint32_t at = r->insn_off / 8;
			if (r->insn_off % 8 || at < f->first || at >= f->first + f->count)
				continue;
			if (grow((void **)&lp->line_info, &b->cap_li, lp->nline_info + 1, sizeof(*lp->line_info)))
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
	struct builder b = {.lp = out};
	int err;

	memset(out, 0, sizeof(*out));
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
			if (r->kind == RELOC_CALL || r->kind == RELOC_FUNC) {
				int idx = -1;
				for (uint32_t q = 0; q < out->nfuncs && idx < 0; q++)
					if (out->funcs[q] == r->func)
						idx = (int)q;
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
			if (grow((void **)&out->sites, &b.cap_sites, out->nsites + 1, sizeof(*out->sites))) {
				err = diag_set(d, -ENOMEM, "link: out of memory");
				goto fail;
			}
			out->sites[out->nsites++] = (struct reloc_site){at, r};
		}
	}
	return 0;
fail:
	reloc_free(out);
	return err;
}

int reloc_patch_maps(const struct obj *o, struct linked_prog *lp, const int *map_fds, struct diag *d)
{
	for (uint32_t i = 0; i < lp->nsites; i++) {
		const struct obj_reloc *r = lp->sites[i].r;
		struct bpf_insn *insn = &lp->insns[lp->sites[i].insn];
		if (r->kind == RELOC_EXTERN)
			return diag_set(d, -ENOTSUP, "insn %u: extern '%s' (__kconfig/__ksym/kfunc) not supported yet",
					lp->sites[i].insn, r->sym);
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

void reloc_free(struct linked_prog *lp)
{
	free(lp->insns);
	free(lp->funcs);
	free(lp->bases);
	free(lp->func_info);
	free(lp->line_info);
	free(lp->sites);
	memset(lp, 0, sizeof(*lp));
}
