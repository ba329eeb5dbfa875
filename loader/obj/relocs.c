/* loader/obj/relocs.c — the relocation list of the object model. Each ELF relocation against a
 * code section is resolved to what it means: a map, a global-data offset, a subprogram call, a
 * callback address, or an extern; pc-relative calls inside one section that need no ELF
 * relocation are recorded too, so the list is complete. One that cannot be resolved (an undefined
 * symbol that is no extern, a symbol in a section that is no map, data or code, a relocation on the
 * wrong instruction) is kept as RELOC_BAD with its reason: it concerns the programs that reach it,
 * not the object. Patching happens later (reloc.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/obj/obj_internal.h"

static int add_reloc(struct obj *o, uint32_t *cap, const struct obj_reloc *r, struct diag *d)
{
	if (o->nrelocs == *cap) {
		uint32_t n = *cap ? *cap * 2 : 16;
		struct obj_reloc *p = realloc(o->relocs, n * sizeof(*p));
		if (!p) {
			free(r->why);
			return diag_set(d, -ENOMEM, "obj: out of memory");
		}
		o->relocs = p;
		*cap = n;
	}
	o->relocs[o->nrelocs++] = *r;
	return 0;
}

/* A call or callback to instruction `target` of code section `code` must land on a function. */
static int resolve_func(const struct obj *o, uint32_t code, int64_t target, struct obj_reloc *r,
			const char *what, struct diag *d)
{
	int fn = target >= 0 && target < o->codes[code].count ? obj_func_at(o, code, (uint32_t)target) : -1;
	if (fn < 0)
		return diag_set(d, -EINVAL, "%s at %s+%u: target instruction %lld of %s is not a function start",
				what, o->codes[r->code].name, r->insn, (long long)target, o->codes[code].name);
	r->func = (uint32_t)fn;
	r->sym = o->funcs[fn].name;
	return 0;
}

static int resolve_one(struct obj *o, uint32_t code, const struct elf_rel *e, uint32_t idx,
		       struct obj_reloc *r, struct diag *d)
{
	const struct obj_code *c = &o->codes[code];
	const struct elf_sym *sym = &o->elf.sym[e->sym];
	const char *sec = c->name;

	r->code = code;
	r->insn = (uint32_t)(e->offset / 8);
	r->sym = sym->name;
	if (e->offset % 8)
		return diag_set(d, -EINVAL, "%s+%u: relocation %u: offset %llu is not on an instruction", sec,
				r->insn, idx, (unsigned long long)e->offset);
	/* Static data and functions are often referenced through their section's symbol. */
	r->sym = sym->type == ELF_STT_SECTION && sym->shndx < o->elf.nsec ? o->elf.sec[sym->shndx].name
									    : sym->name;
	const struct bpf_insn *insn = &c->insns[r->insn];
	bool ld64 = insn_is_ld_imm64(insn), call = insn_is_call(insn);

	if (ld64 && r->insn + 1 >= c->count)
		return diag_set(d, -EINVAL, "%s+%u: ld_imm64 without its second half", sec, r->insn);
	if (!ld64 && !call)
		return diag_set(d, -EINVAL, "%s+%u: relocation %u (%s) is on neither an ld_imm64 nor a call",
				sec, r->insn, idx, sym->name);

	if (sym->shndx == ELF_SHN_UNDEF) {
		int x = obj_find_extern(o, sym->name);
		if (x < 0 && !sym->name[0])
			return diag_set(d, -EINVAL, "%s+%u: relocation against undefined symbol #%u without a name", sec,
					r->insn, e->sym);
		if (x < 0) { /* an undefined symbol no extern was made of: say why */
			const struct obj_unresolved *u = obj_find_unresolved(o, sym->name);
			if (u)
				return diag_set(d, -EINVAL, "%s+%u: %s", sec, r->insn, u->why);
			return diag_set(d, -EINVAL, "%s+%u: undefined symbol '%s'", sec, r->insn, sym->name);
		}
		const struct obj_extern *ext = &o->externs[x];
		r->ext = (uint32_t)x;
		if (ext->kind == EXT_KCONFIG) {
			/* A value in the .kconfig map: like global data. */
			int64_t off = (int64_t)ext->offset + insn->imm;
			if (!ld64 || off < 0 || off >= o->maps[o->kconfig_map].value_size)
				return diag_set(d, -EINVAL, "%s+%u: __kconfig '%s' %s", sec, r->insn, sym->name,
						ld64 ? "referenced past its value" : "called");
			r->kind = RELOC_DATA;
			r->map = (uint32_t)o->kconfig_map;
			r->offset = (uint32_t)off;
			return 0;
		}
		if (call && ext->kind != EXT_KFUNC)
			return diag_set(d, -EINVAL, "%s+%u: call to '%s', which is a %s, not a function", sec, r->insn,
					sym->name, obj_extern_kind_name(ext->kind));
		if (insn->imm != 0 && ld64)
			return diag_set(d, -EINVAL, "%s+%u: __ksym '%s' referenced with offset %d", sec, r->insn, sym->name,
					insn->imm);
		r->kind = RELOC_EXTERN;
		return 0;
	}
	if (sym->shndx >= ELF_SHN_LORESERVE)
		return diag_set(d, -EINVAL, "%s+%u: relocation against special symbol %s", sec, r->insn, sym->name);

	/* Offsets below come from the symbol's value plus the instruction's imm: bound the value
	 * by its section first, so the sums cannot overflow. */
	if (sym->value > o->elf.sec[sym->shndx].size)
		return diag_set(d, -EINVAL, "%s+%u: symbol %s lies past the end of its section", sec, r->insn,
				sym->name);
	int target_code = obj_code_of_section(o, sym->shndx);
	if (call) {
		if (insn->src_reg != BPF_PSEUDO_CALL)
			return diag_set(d, -EINVAL, "%s+%u: relocated call is not a bpf-to-bpf call", sec, r->insn);
		if (target_code < 0)
			return diag_set(d, -EINVAL, "%s+%u: call to %s outside code", sec, r->insn, sym->name);
		r->kind = RELOC_CALL;
		/* Global functions: imm is -1 and the symbol is the function. Static ones: the symbol is
		 * the section and imm counts from the next instruction. */
		return resolve_func(o, (uint32_t)target_code, (int64_t)(sym->value / 8) + insn->imm + 1, r,
				    "call", d);
	}
	if (target_code >= 0) {
		r->kind = RELOC_FUNC;
		if ((sym->value + (int64_t)insn->imm) % 8)
			return diag_set(d, -EINVAL, "%s+%u: callback address not on an instruction", sec, r->insn);
		return resolve_func(o, (uint32_t)target_code, ((int64_t)sym->value + insn->imm) / 8, r,
				    "callback", d);
	}
	int map = obj_map_at(o, sym->shndx, sym->value);
	if (map >= 0) {
		if (insn->imm != 0)
			return diag_set(d, -EINVAL, "%s+%u: map '%s' referenced with offset %d", sec, r->insn,
					sym->name, insn->imm);
		r->kind = RELOC_MAP;
		r->map = (uint32_t)map;
		return 0;
	}
	map = obj_data_map_of_section(o, sym->shndx);
	if (map >= 0) {
		int64_t off = (int64_t)sym->value + insn->imm;
		if (off < 0 || off >= o->maps[map].value_size)
			return diag_set(d, -EINVAL, "%s+%u: offset %lld outside %s (%u bytes)", sec, r->insn,
					(long long)off, o->elf.sec[sym->shndx].name, o->maps[map].value_size);
		r->kind = RELOC_DATA;
		r->map = (uint32_t)map;
		r->offset = (uint32_t)off;
		return 0;
	}
	return diag_set(d, -EINVAL, "%s+%u: '%s' in section %s is neither a map, global data nor code", sec,
			r->insn, sym->name, o->elf.sec[sym->shndx].name);
}

/* Keep r as RELOC_BAD with the message resolve_one left in d. 0, or -ENOMEM. */
static int bad_reloc(struct obj_reloc *r, struct diag *d)
{
	r->kind = RELOC_BAD;
	r->why = strdup(d->msg);
	if (!r->sym)
		r->sym = "";
	d->msg[0] = '\0';
	return r->why ? 0 : diag_set(d, -ENOMEM, "obj: out of memory");
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct obj_reloc *x = a, *y = b;
	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

int obj_parse_relocs(struct obj *o, struct diag *d)
{
	const struct elf_file *f = &o->elf;
	uint32_t cap = 0;

	for (uint32_t s = 1; s < f->nsec; s++) {
		const struct elf_section *rel = &f->sec[s];
		if (rel->type == ELF_SHT_RELA && obj_code_of_section(o, rel->info) >= 0)
			return diag_set(d, -ENOTSUP, "elf: section %s: RELA relocations in code are not supported", rel->name);
		if (rel->type != ELF_SHT_REL)
			continue;
		int code = obj_code_of_section(o, rel->info);
		if (code < 0)
			continue; /* .BTF, .BTF.ext, debug info: nothing to do at load */
		for (uint32_t i = 0; i < elf_rel_count(rel); i++) {
			struct elf_rel e;
			struct obj_reloc r = {0};
			int err = elf_rel_get(f, rel, i, 8, &e, d);
			if (err)
				return err; /* no instruction to pin it on: the file is damaged */
			err = resolve_one(o, (uint32_t)code, &e, i, &r, d);
			if (err == -EINVAL)
				err = bad_reloc(&r, d);
			if (!err)
				err = add_reloc(o, &cap, &r, d);
			if (err)
				return err;
		}
	}
	if (o->nrelocs)
		qsort(o->relocs, o->nrelocs, sizeof(*o->relocs), cmp_reloc);
	for (uint32_t i = 1; i < o->nrelocs; i++)
		if (o->relocs[i].code == o->relocs[i - 1].code && o->relocs[i].insn == o->relocs[i - 1].insn)
			return diag_set(d, -EINVAL, "%s+%u: two relocations on one instruction",
					o->codes[o->relocs[i].code].name, o->relocs[i].insn);

	/* Calls and callbacks inside one section need no ELF relocation: imm is relative to the next
	 * instruction. Record them so the list says where every call goes. */
	uint32_t explicit_count = o->nrelocs;
	for (uint32_t c = 0; c < o->ncodes; c++) {
		const struct obj_code *code = &o->codes[c];
		for (uint32_t i = 0; i < code->count; i++) {
			const struct bpf_insn *insn = &code->insns[i];
			bool pseudo_call = insn_is_call(insn) && insn->src_reg == BPF_PSEUDO_CALL;
			bool pseudo_func = insn_is_ld_imm64(insn) && insn->src_reg == BPF_PSEUDO_FUNC;
			if ((pseudo_call || pseudo_func) && !obj_reloc_search(o->relocs, explicit_count, c, i)) {
				struct obj_reloc r = {.code = c, .insn = i, .implicit = true, .sym = code->name,
						      .kind = pseudo_call ? RELOC_CALL : RELOC_FUNC};
				int err = resolve_func(o, c, (int64_t)i + insn->imm + 1, &r,
						       pseudo_call ? "call" : "callback", d);
				if (err == -EINVAL)
					err = bad_reloc(&r, d);
				if (!err)
					err = add_reloc(o, &cap, &r, d);
				if (err)
					return err;
			}
			if (insn_is_ld_imm64(insn))
				i++;
		}
	}
	if (o->nrelocs != explicit_count)
		qsort(o->relocs, o->nrelocs, sizeof(*o->relocs), cmp_reloc);
	return 0;
}
