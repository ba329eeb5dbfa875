/* loader/obj/struct_ops.c — struct_ops variables of the object model (libbpf's convention): each
 * variable of the DATASEC `.struct_ops` or `.struct_ops.link` is a map of type STRUCT_OPS whose
 * value is a kernel ops table named by the variable's struct type (tcp_congestion_ops, ...); the
 * section holds its initial data, and its ELF relocations say which member points to which
 * struct_ops program. Pure. Doesn't own: the kernel's layout of the type (loader/load/struct_ops.c)
 * or registering it (loader/attach/struct_ops.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/endian.h"
#include "loader/obj/obj_internal.h"

enum { R_BPF_64_64 = 1, R_BPF_64_ABS64 = 2 };

static const char *const sections[] = {".struct_ops", ".struct_ops.link"};

/* A member's byte offset and index, sorted by offset: relocations find their member by search. */
struct member_at {
	uint32_t offset, index;
};

static int cmp_member_at(const void *a, const void *b)
{
	const struct member_at *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* While parsing, obj_st_func.index holds the variable: by variable, then by offset. */
static int cmp_st_func(const void *a, const void *b)
{
	const struct obj_st_func *x = a, *y = b;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The variables of DATASEC sec_name (the section at index sec), as maps and st_ops entries. */
static int add_variables(struct obj *o, const char *sec_name, uint32_t sec, bool link, struct diag *d)
{
	const struct elf_section *s = &o->elf.sec[sec];
	if (!o->has_btf)
		return diag_set(d, -EINVAL, "section %s: the object has no BTF to say what its variables are", sec_name);
	uint32_t ds = btf_find(&o->btf, BTF_KIND_DATASEC, sec_name);
	if (!ds)
		return diag_set(d, -EINVAL, "section %s: no DATASEC of that name in the object's BTF", sec_name);
	const struct btf_type *t = btf_type(&o->btf, ds);
	const struct btf_var_secinfo *v = btf_secinfos(t);
	uint32_t n = btf_vlen(t);
	struct obj_struct_ops *st = realloc(o->st_ops, (o->nst_ops + n + 1) * sizeof(*st));
	if (!st)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	o->st_ops = st;
	for (uint32_t i = 0; i < n; i++) {
		const struct btf_type *var = btf_type(&o->btf, v[i].type);
		if (!var || btf_kind(var) != BTF_KIND_VAR)
			return diag_set(d, -EINVAL, "section %s: entry %u is not a variable", sec_name, i);
		const char *name = btf_type_name(&o->btf, var);
		int tid = btf_skip_mods(&o->btf, var->type);
		const struct btf_type *st_t = tid > 0 ? btf_type(&o->btf, (uint32_t)tid) : NULL;
		if (!st_t || btf_kind(st_t) != BTF_KIND_STRUCT || !*btf_type_name(&o->btf, st_t))
			return diag_set(d, -EINVAL, "struct_ops '%s': its type is not a named struct (the kernel type it stands for)",
					name);
		if (!s->data || v[i].offset > s->size || st_t->size > s->size - v[i].offset || st_t->size == 0)
			return diag_set(d, -EINVAL, "struct_ops '%s': %u bytes at offset %u do not fit section %s (%llu bytes)",
					name, st_t->size, v[i].offset, sec_name, (unsigned long long)s->size);
		int idx = obj_add_map(o, name, d);
		if (idx < 0)
			return idx;
		struct obj_map *m = &o->maps[idx];
		m->origin = MAP_STRUCT_OPS;
		m->type = BPF_MAP_TYPE_STRUCT_OPS;
		m->key_size = 4;
		m->value_size = st_t->size; /* the object's; the kernel's value type is larger */
		m->max_entries = 1;
		m->flags = link ? OBJ_MAP_F_LINK : 0;
		m->sec = sec;
		m->sec_off = v[i].offset;
		m->btf_value = (uint32_t)tid;
		o->st_ops[o->nst_ops++] = (struct obj_struct_ops){
			.map = (uint32_t)idx,
			.type_name = btf_type_name(&o->btf, st_t),
			.type_id = (uint32_t)tid,
			.data = s->data + v[i].offset,
			.size = st_t->size,
			.link = link,
		};
	}
	return 0;
}

/* The struct_ops variable of section sec holding byte off, among o->st_ops[first .. first+n),
 * which are in offset order (the BTF fix-up sorts DATASEC entries). -1 when none. */
static int variable_at(const struct obj *o, uint32_t first, uint32_t n, uint64_t off)
{
	uint32_t lo = first, hi = first + n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (o->maps[o->st_ops[mid].map].sec_off + o->st_ops[mid].size <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < first + n && o->maps[o->st_ops[lo].map].sec_off <= off)
		return (int)lo;
	return -1;
}

/* The program a relocation's symbol starts (a function symbol, or a section symbol plus the
 * addend the slot holds). -1 when it is none. */
static int prog_of(const struct obj *o, const struct elf_sym *sym, uint64_t addend)
{
	int code = sym->shndx < ELF_SHN_LORESERVE ? obj_code_of_section(o, sym->shndx) : -1;
	if (code < 0)
		return -1;
	uint64_t at = sym->type == ELF_STT_SECTION ? sym->value + addend : sym->value;
	if (at % 8 || at / 8 >= o->codes[code].count)
		return -1;
	int fn = obj_func_at(o, (uint32_t)code, (uint32_t)(at / 8));
	return fn < 0 ? -1 : o->funcs[fn].prog;
}

/* The relocations of section sec: which program each function-pointer member points to. */
static int add_funcs(struct obj *o, uint32_t sec, uint32_t first, uint32_t n, struct obj_st_func **funcs,
		     uint32_t *nfuncs, struct diag *d)
{
	const struct elf_file *f = &o->elf;
	for (uint32_t r = 1; r < f->nsec; r++) {
		const struct elf_section *rel = &f->sec[r];
		if (rel->type != ELF_SHT_REL || rel->info != sec)
			continue;
		uint32_t count = elf_rel_count(rel);
		struct obj_st_func *grown = realloc(*funcs, (*nfuncs + count + 1) * sizeof(**funcs));
		if (!grown)
			return diag_set(d, -ENOMEM, "obj: out of memory");
		*funcs = grown;
		for (uint32_t i = 0; i < count; i++) {
			struct elf_rel e;
			int err = elf_rel_get(f, rel, i, 8, &e, d);
			if (err)
				return err;
			const struct elf_sym *sym = &f->sym[e.sym];
			if (e.type != R_BPF_64_ABS64 && e.type != R_BPF_64_64)
				return diag_set(d, -EINVAL, "%s: relocation %u: type %u is not a 64-bit address", rel->name, i,
						e.type);
			int k = variable_at(o, first, n, e.offset);
			if (k < 0)
				return diag_set(d, -EINVAL, "%s: relocation %u at %#llx (%s) is in no struct_ops variable", rel->name,
						i, (unsigned long long)e.offset, sym->name);
			uint32_t off = (uint32_t)(e.offset - o->maps[o->st_ops[k].map].sec_off);
			int prog = prog_of(o, sym, rd64(f->sec[sec].data + e.offset, f->swap));
			if (prog < 0)
				return diag_set(d, -EINVAL, "struct_ops '%s': offset %u points to '%s', which is not a program",
						o->maps[o->st_ops[k].map].name, off, sym->name);
			/* index holds the variable until name_members puts the member's there */
			(*funcs)[(*nfuncs)++] = (struct obj_st_func){.member = sym->name, .index = (uint32_t)k,
								     .offset = off, .prog = (uint32_t)prog};
		}
	}
	return 0;
}

/* Each recorded relocation of variable k: its member (a pointer to a function), and the program
 * a struct_ops one. The relocations of k are funcs[0..n), sorted by offset. */
static int name_members(const struct obj *o, const struct obj_struct_ops *st, struct obj_st_func *funcs, uint32_t n,
			struct diag *d)
{
	const struct btf_type *t = btf_type(&o->btf, st->type_id);
	const struct btf_member *m = btf_members(t);
	const char *var = o->maps[st->map].name;
	uint32_t vlen = btf_vlen(t);
	struct member_at *at = malloc((vlen + 1) * sizeof(*at));
	if (!at)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	uint32_t nat = 0;
	for (uint32_t i = 0; i < vlen; i++) {
		uint32_t bits = btf_member_bit_offset(t, &m[i]);
		if (bits % 8 == 0 && !btf_member_bitfield_size(t, &m[i]))
			at[nat++] = (struct member_at){bits / 8, i};
	}
	qsort(at, nat, sizeof(*at), cmp_member_at);
	int err = 0;
	for (uint32_t k = 0; k < n && !err; k++) {
		struct obj_st_func *fn = &funcs[k];
		struct member_at key = {fn->offset, 0};
		const struct member_at *hit = bsearch(&key, at, nat, sizeof(*at), cmp_member_at);
		const char *prog = o->progs[fn->prog].name;
		if (!hit) {
			err = diag_set(d, -EINVAL, "struct_ops '%s': program '%s' is stored at offset %u, where %s has no member",
				       var, prog, fn->offset, st->type_name);
			break;
		}
		/* Members at one offset (a zero-sized one before a pointer): the pointer is the last. */
		while ((size_t)(hit - at) + 1 < nat && hit[1].offset == fn->offset)
			hit++;
		const struct btf_member *mm = &m[hit->index];
		int ptr = btf_skip_mods(&o->btf, mm->type);
		const struct btf_type *pt = ptr > 0 ? btf_type(&o->btf, (uint32_t)ptr) : NULL;
		int proto = pt && btf_kind(pt) == BTF_KIND_PTR ? btf_skip_mods(&o->btf, pt->type) : -1;
		const struct btf_type *ft = proto > 0 ? btf_type(&o->btf, (uint32_t)proto) : NULL;
		fn->member = btf_str(&o->btf, mm->name_off);
		fn->index = hit->index;
		if (!ft || btf_kind(ft) != BTF_KIND_FUNC_PROTO)
			err = diag_set(d, -EINVAL, "struct_ops '%s': member '%s' holds program '%s' but is not a function pointer",
				       var, fn->member, prog);
		else if (!o->progs[fn->prog].def || o->progs[fn->prog].def->prog_type != BPF_PROG_TYPE_STRUCT_OPS)
			err = diag_set(d, -EINVAL, "struct_ops '%s': member '%s' points to '%s', which is not a struct_ops program (section '%s')",
				       var, fn->member, prog, o->progs[fn->prog].sec_name);
		else if (k > 0 && funcs[k - 1].offset == fn->offset)
			err = diag_set(d, -EINVAL, "struct_ops '%s': member '%s' is set twice", var, fn->member);
	}
	free(at);
	return err;
}

int obj_parse_struct_ops(struct obj *o, struct diag *d)
{
	struct obj_st_func *funcs = NULL;
	uint32_t nfuncs = 0;
	int err = 0;

	for (size_t k = 0; k < sizeof(sections) / sizeof(sections[0]) && !err; k++) {
		const struct elf_section *s = elf_find_section(&o->elf, sections[k]);
		if (!s)
			continue;
		uint32_t sec = elf_section_index(&o->elf, s), first = o->nst_ops, from = nfuncs;
		err = add_variables(o, sections[k], sec, k == 1, d);
		if (!err)
			err = add_funcs(o, sec, first, o->nst_ops - first, &funcs, &nfuncs, d);
		if (err)
			break;
		if (nfuncs > from)
			qsort(funcs + from, nfuncs - from, sizeof(*funcs), cmp_st_func);
		for (uint32_t v = first; v < o->nst_ops && !err; v++) {
			uint32_t w = from;
			while (w < nfuncs && funcs[w].index == v)
				w++;
			o->st_ops[v].first_func = from;
			o->st_ops[v].nfuncs = w - from;
			if (w > from) /* funcs is NULL while there are none */
				err = name_members(o, &o->st_ops[v], funcs + from, w - from, d);
			from = w;
		}
	}
	if (err) {
		free(funcs);
		return err;
	}
	o->st_funcs = funcs;
	o->nst_funcs = nfuncs;
	return 0;
}
