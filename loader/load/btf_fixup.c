/* loader/load/btf_fixup.c — rewriting the object's BTF for a kernel (see btf_fixup.h). Types are
 * re-emitted one by one into a new buffer; only DATASEC records can shrink (entries that do not
 * belong are dropped), and the one type ever added (a dummy VAR for kfunc entries) goes last, so
 * ids never move. */
#include "loader/load/btf_fixup.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

uint32_t btf_fixup_needed(const struct btf_spec *b)
{
	uint32_t need = 0;
	for (uint32_t id = 1; id <= b->nr_types; id++) {
		const struct btf_type *t = btf_type(b, id);
		switch (btf_kind(t)) {
		case BTF_KIND_ENUM64: need |= SANITIZE_ENUM64; break;
		case BTF_KIND_ENUM: if (btf_kflag(t)) need |= SANITIZE_ENUM64; break;
		case BTF_KIND_TYPE_TAG: need |= SANITIZE_TYPE_TAG; break;
		case BTF_KIND_DECL_TAG: need |= SANITIZE_DECL_TAG; break;
		case BTF_KIND_FLOAT: need |= SANITIZE_FLOAT; break;
		case BTF_KIND_FUNC: if (btf_vlen(t)) need |= SANITIZE_FUNC_LINKAGE; break;
		case BTF_KIND_VAR: case BTF_KIND_DATASEC: need |= SANITIZE_DATASEC; break;
		default: break;
		}
	}
	return need;
}

const char *btf_fixup_name(uint32_t bit)
{
	switch (bit) {
	case SANITIZE_ENUM64: return "enum64";
	case SANITIZE_TYPE_TAG: return "type_tag";
	case SANITIZE_DECL_TAG: return "decl_tag";
	case SANITIZE_FLOAT: return "float";
	case SANITIZE_FUNC_LINKAGE: return "func linkage";
	case SANITIZE_DATASEC: return "datasec/var";
	}
	return "?";
}

static int cmp_secinfo(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* DATASEC: size from the ELF section; each variable's offset from its symbol in that section.
 * Entries without such a symbol (clang 14 lists function-static constants under .rodata although
 * they land in .rodata.str1.1), or that do not fit, are dropped. */
static void fix_datasec(const struct obj *o, struct btf_type *t, const char *name)
{
	const struct elf_file *f = &o->elf;
	const struct elf_section *s = elf_find_section(f, name);
	struct btf_var_secinfo *v = (struct btf_var_secinfo *)(t + 1);
	uint32_t n = btf_vlen(t), kept = 0;

	if (!s) /* extern-backed (.kconfig, .ksyms): nothing in the file to take numbers from */
		return;
	uint32_t sec = elf_section_index(f, s);
	t->size = (uint32_t)s->size;
	for (uint32_t i = 0; i < n; i++) {
		const struct btf_type *var = btf_type(&o->btf, v[i].type);
		const char *vname = var ? btf_type_name(&o->btf, var) : "";
		const struct elf_sym *sym = elf_find_symbol(f, sec, vname, ELF_STT_OBJECT); /* indexed */
		if (!sym || sym->value > s->size || v[i].size > s->size - sym->value)
			continue;
		v[kept] = v[i];
		v[kept].offset = (uint32_t)sym->value;
		kept++;
	}
	qsort(v, kept, sizeof(*v), cmp_secinfo);
	/* Overlaps cannot be expressed: keep the first of overlapping entries. */
	uint32_t out = 0;
	for (uint32_t i = 0; i < kept; i++) {
		if (out && v[i].offset < v[out - 1].offset + v[out - 1].size)
			continue;
		v[out++] = v[i];
	}
	t->info = btf_info_enc(BTF_KIND_DATASEC, false, out);
}

/* Externs (after obj_parse_externs; the model's own BTF keeps them as clang wrote them, for
 * classifying them and checking their types against the kernel's). No kernel takes extern
 * linkage, so, the way libbpf does it:
 *  - every extern VAR becomes an allocated global;
 *  - .kconfig entries get their offsets in the .kconfig map, the section its size;
 *  - .ksyms VARs become 4-byte ints; its FUNC entries point at a dummy int VAR (a DATASEC lists
 *    only VARs), at 4-byte steps;
 *  - extern FUNCs become global, and their prototypes' unnamed parameters (clang leaves extern
 *    prototypes unnamed; the kernel wants names on a FUNC's parameters) get a name. */
struct extern_fix {
	uint32_t int4;      /* a 4-byte INT */
	uint32_t dummy_var; /* id of the appended VAR, 0 when none is needed */
	uint32_t dummy_name;/* its name's string offset */
	uint32_t *protos;   /* prototypes of extern FUNCs (bitmap by id) */
};

static bool is_set(const uint32_t *bits, uint32_t id) { return bits[id / 32] >> (id % 32) & 1; }

static void fix_extern_type(const struct obj *o, struct btf_type *t, const char *name, const struct extern_fix *x,
			    uint32_t id)
{
	uint32_t kind = btf_kind(t), vlen = btf_vlen(t);
	if (kind == BTF_KIND_VAR) {
		struct btf_var *v = (struct btf_var *)(t + 1);
		if (v->linkage == BTF_VAR_GLOBAL_EXTERN)
			v->linkage = BTF_VAR_GLOBAL_ALLOCATED;
	} else if (kind == BTF_KIND_FUNC && vlen == BTF_FUNC_EXTERN) {
		t->info = btf_info_enc(BTF_KIND_FUNC, false, BTF_FUNC_GLOBAL);
	} else if (kind == BTF_KIND_FUNC_PROTO && is_set(x->protos, id)) {
		struct btf_param *p = (struct btf_param *)(t + 1);
		for (uint32_t i = 0; i < vlen; i++)
			if (p[i].type && !p[i].name_off)
				p[i].name_off = x->dummy_name;
	} else if (kind == BTF_KIND_DATASEC && strcmp(name, ".kconfig") == 0 && o->kconfig_map >= 0) {
		struct btf_var_secinfo *v = (struct btf_var_secinfo *)(t + 1);
		for (uint32_t i = 0; i < vlen; i++) {
			const struct btf_type *var = btf_type(&o->btf, v[i].type);
			int e = var ? obj_find_extern(o, btf_type_name(&o->btf, var)) : -1;
			if (e >= 0) {
				v[i].offset = o->externs[e].offset;
				v[i].size = o->externs[e].size;
			}
		}
		qsort(v, vlen, sizeof(*v), cmp_secinfo); /* the kernel wants them in order */
		t->size = o->maps[o->kconfig_map].value_size;
	} else if (kind == BTF_KIND_DATASEC && strcmp(name, ".ksyms") == 0) {
		struct btf_var_secinfo *v = (struct btf_var_secinfo *)(t + 1);
		for (uint32_t i = 0; i < vlen; i++) {
			const struct btf_type *e = btf_type(&o->btf, v[i].type);
			if (e && btf_kind(e) == BTF_KIND_FUNC)
				v[i].type = x->dummy_var;
			v[i].offset = 4 * i;
			v[i].size = 4;
		}
		t->size = 4 * vlen;
	}
}

/* The .ksyms VARs' types, once their records are copied: ints. */
static void fix_ksym_vars(const struct obj *o, uint8_t *types, const uint32_t *offs_out, const struct extern_fix *x)
{
	uint32_t ds = btf_find(&o->btf, BTF_KIND_DATASEC, ".ksyms");
	const struct btf_type *t = ds ? btf_type(&o->btf, ds) : NULL;
	for (uint32_t i = 0; t && i < btf_vlen(t); i++) {
		uint32_t id = btf_secinfos(t)[i].type;
		const struct btf_type *v = btf_type(&o->btf, id);
		if (v && btf_kind(v) == BTF_KIND_VAR)
			((struct btf_type *)(types + offs_out[id]))->type = x->int4;
	}
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* libbpf's rule for global symbols of restricted visibility (`__hidden`: STV_HIDDEN, or
 * STV_INTERNAL): a FUNC of a .text function gets static linkage, so the verifier checks it in its
 * caller's context, argument by argument, rather than on its own as a global function with only its
 * prototype's types to go by (a `long *` argument may be NULL there; usdt.bpf.h's bpf_usdt_arg
 * relies on it, FACTS.md); a global VAR gets static linkage too (libbpf does it to both, in its
 * DATASEC fixup and its BTF load). The names of those symbols are sorted once and looked up per FUNC and VAR:
 * O((types + symbols) log symbols). types + offs[id] is the record of type id being written. */
static int fix_hidden_linkage(const struct obj *o, uint8_t *types, const uint32_t *offs, struct diag *d)
{
	const struct elf_file *f = &o->elf;
	const struct elf_section *text = elf_find_section(f, ".text");
	uint32_t text_idx = text ? elf_section_index(f, text) : UINT32_MAX, nf = 0, nv = 0;
	for (uint32_t i = 0; i < f->nsym; i++) {
		const struct elf_sym *s = &f->sym[i];
		if (s->bind == ELF_STB_LOCAL || (s->visibility != ELF_STV_HIDDEN && s->visibility != ELF_STV_INTERNAL))
			continue;
		nf += s->type == ELF_STT_FUNC && s->shndx == text_idx;
		nv += s->type == ELF_STT_OBJECT;
	}
	if (!nf && !nv)
		return 0;
	const char **names = malloc(((size_t)nf + nv) * sizeof(*names));
	if (!names)
		return diag_set(d, -ENOMEM, "btf: out of memory");
	const char **funcs = names, **vars = names + nf;
	nf = nv = 0;
	for (uint32_t i = 0; i < f->nsym; i++) {
		const struct elf_sym *s = &f->sym[i];
		if (s->bind == ELF_STB_LOCAL || (s->visibility != ELF_STV_HIDDEN && s->visibility != ELF_STV_INTERNAL))
			continue;
		if (s->type == ELF_STT_FUNC && s->shndx == text_idx)
			funcs[nf++] = s->name;
		else if (s->type == ELF_STT_OBJECT)
			vars[nv++] = s->name;
	}
	qsort(funcs, nf, sizeof(*funcs), cmp_name);
	qsort(vars, nv, sizeof(*vars), cmp_name);
	for (uint32_t id = 1; id <= o->btf.nr_types; id++) {
		const struct btf_type *src = btf_type(&o->btf, id);
		struct btf_type *t = (struct btf_type *)(types + offs[id]);
		const char *name = btf_type_name(&o->btf, src);
		if (btf_kind(t) == BTF_KIND_FUNC && btf_vlen(t) == BTF_FUNC_GLOBAL &&
		    bsearch(&name, funcs, nf, sizeof(*funcs), cmp_name))
			t->info = btf_info_enc(BTF_KIND_FUNC, false, BTF_FUNC_STATIC);
		else if (btf_kind(t) == BTF_KIND_VAR && ((struct btf_var *)(t + 1))->linkage == BTF_VAR_GLOBAL_ALLOCATED &&
			 bsearch(&name, vars, nv, sizeof(*vars), cmp_name))
			((struct btf_var *)(t + 1))->linkage = BTF_VAR_STATIC;
	}
	free(names);
	return 0;
}

/* Rewrite one record in place (same size) for an older kernel. strs is the blob's own copy of
 * the string section (names may be edited). */
static void sanitize_type(struct btf_type *t, uint32_t sanitize, uint32_t int_id, char *strs,
			  uint32_t strs_len)
{
	uint32_t kind = btf_kind(t), vlen = btf_vlen(t);

	if ((sanitize & SANITIZE_ENUM64) && kind == BTF_KIND_ENUM) {
		t->info = btf_info_enc(BTF_KIND_ENUM, false, vlen); /* signedness flag is 6.0 too */
	} else if ((sanitize & SANITIZE_ENUM64) && kind == BTF_KIND_ENUM64) {
		/* Same record size: an enum64 value {name, lo, hi} becomes a member {name, type, offset}. */
		struct btf_member *m = (struct btf_member *)(t + 1);
		for (uint32_t i = 0; i < vlen; i++) {
			m[i].type = int_id;
			m[i].offset = 0;
		}
		t->info = btf_info_enc(BTF_KIND_UNION, false, vlen);
	} else if ((sanitize & SANITIZE_TYPE_TAG) && kind == BTF_KIND_TYPE_TAG) {
		t->name_off = 0;
		t->info = btf_info_enc(BTF_KIND_CONST, false, 0);
	} else if ((sanitize & SANITIZE_DECL_TAG) && kind == BTF_KIND_DECL_TAG) {
		t->name_off = 0;
		t->info = btf_info_enc(BTF_KIND_INT, false, 0);
		t->size = 1;
		*(uint32_t *)(t + 1) = btf_int_enc(0, 0, 8);
	} else if ((sanitize & SANITIZE_FLOAT) && kind == BTF_KIND_FLOAT) {
		t->name_off = 0;
		t->info = btf_info_enc(BTF_KIND_STRUCT, false, 0);
	} else if ((sanitize & SANITIZE_FUNC_LINKAGE) && kind == BTF_KIND_FUNC) {
		t->info = btf_info_enc(BTF_KIND_FUNC, false, 0);
	} else if ((sanitize & SANITIZE_DATASEC) && kind == BTF_KIND_VAR) {
		t->name_off = 0;
		t->info = btf_info_enc(BTF_KIND_INT, false, 0);
		t->size = 1;
		*(uint32_t *)(t + 1) = btf_int_enc(0, 0, 8);
	} else if ((sanitize & SANITIZE_DATASEC) && kind == BTF_KIND_DATASEC) {
		/* {type, offset, size} entries become members {name, type, bit offset} pointing at the
		 * VAR records, which became 1-byte INTs; the struct is named after the section with
		 * '.' turned into '_' (a struct name must be an identifier). */
		struct btf_var_secinfo *v = (struct btf_var_secinfo *)(t + 1);
		struct btf_member *m = (struct btf_member *)(t + 1);
		for (uint32_t i = 0; i < vlen; i++) {
			struct btf_var_secinfo vi = v[i];
			m[i].name_off = 0;
			m[i].type = vi.type;
			m[i].offset = vi.offset * 8;
		}
		if (t->name_off < strs_len)
			for (char *p = strs + t->name_off; *p; p++)
				if (*p == '.')
					*p = '_';
		t->info = btf_info_enc(BTF_KIND_STRUCT, false, vlen);
	}
}

/* The name of the VAR appended for extern functions' DATASEC entries. */
static const char ksym_dummy[] = "rawload_ksym";

/* What rewriting externs needs: a 4-byte INT for __ksym variables, the FUNC_PROTOs of extern
 * functions (marked in x->protos), and, when there are extern functions, a dummy VAR to come after
 * every type (its name appended to strs, its id taken from *next_id). */
static int prepare_externs(const struct btf_spec *b, struct extern_fix *x, char *strs, uint32_t *strs_len,
			   uint32_t *next_id, struct diag *d)
{
	bool funcs = false;
	for (uint32_t id = 1; id <= b->nr_types; id++) {
		const struct btf_type *t = btf_type(b, id);
		if (btf_kind(t) == BTF_KIND_INT && t->size == 4 && !x->int4)
			x->int4 = id;
		if (btf_kind(t) == BTF_KIND_FUNC && btf_vlen(t) == BTF_FUNC_EXTERN && t->type <= b->nr_types) {
			x->protos[t->type / 32] |= 1u << (t->type % 32);
			funcs = true;
		}
	}
	if (!x->int4)
		return diag_set(d, -ENOTSUP, "btf: no 4-byte integer type to give __ksym entries");
	memcpy(strs + *strs_len, ksym_dummy, sizeof(ksym_dummy));
	x->dummy_name = *strs_len;
	*strs_len += sizeof(ksym_dummy);
	if (funcs)
		x->dummy_var = (*next_id)++;
	return 0;
}

int btf_fixup_build(const struct obj *o, uint32_t sanitize, uint8_t **blob, uint32_t *size,
		    struct diag *d)
{
	const struct btf_spec *b = &o->btf;
	const uint32_t hdr = sizeof(struct btf_header);
	/* Room for one appended VAR and its name (externs). */
	const uint32_t extra_types = sizeof(struct btf_type) + sizeof(struct btf_var), extra_strs = sizeof(ksym_dummy);
	uint64_t total = (uint64_t)hdr + b->types_len + extra_types + b->strs_len + extra_strs;
	struct extern_fix x = {0};
	uint32_t strs_len = b->strs_len, int_id = 0, next_id = b->nr_types + 1, used = 0;
	int err = 0;

	if (!o->has_btf)
		return diag_set(d, -ENOENT, "btf: the object has none");
	if (total > UINT32_MAX)
		return diag_set(d, -E2BIG, "btf: too large");
	/* Strings go after the types; their final place is known once the types are written, so
	 * build them apart first (the copy may gain the dummy VAR's name). */
	uint8_t *out = malloc((size_t)total);
	uint32_t *offs = malloc(((size_t)b->nr_types + 1) * sizeof(*offs));
	char *strs = malloc((size_t)b->strs_len + extra_strs);
	if (o->nexterns)
		x.protos = calloc((size_t)b->nr_types / 32 + 1, sizeof(*x.protos));
	if (!out || !offs || !strs || (o->nexterns && !x.protos)) {
		err = diag_set(d, -ENOMEM, "btf: out of memory");
		goto free_buffers;
	}
	memcpy(strs, b->strs, b->strs_len);

	/* Rewrites that need an integer type to point at: the first INT of at least 1 byte. */
	for (uint32_t id = 1; id <= b->nr_types && !int_id; id++)
		if (btf_kind(btf_type(b, id)) == BTF_KIND_INT)
			int_id = id;
	if ((sanitize & SANITIZE_ENUM64) && !int_id) {
		err = diag_set(d, -ENOTSUP, "btf: no integer type to rewrite enum64 with");
		goto free_buffers;
	}
	if (o->nexterns && (err = prepare_externs(b, &x, strs, &strs_len, &next_id, d)))
		goto free_buffers;

	uint8_t *types = out + hdr;
	for (uint32_t id = 1; id <= b->nr_types; id++) {
		const struct btf_type *src = btf_type(b, id);
		uint32_t rec = btf_record_size(src);
		struct btf_type *t = (struct btf_type *)(types + used);
		offs[id] = used;
		memcpy(t, src, rec);
		if (btf_kind(t) == BTF_KIND_DATASEC) {
			fix_datasec(o, t, btf_type_name(b, src));
			rec = btf_record_size(t);
		}
		if (o->nexterns)
			fix_extern_type(o, t, btf_type_name(b, src), &x, id);
		sanitize_type(t, sanitize, int_id, strs, b->strs_len);
		used += rec;
	}
	if (o->nexterns)
		fix_ksym_vars(o, types, offs, &x);
	if ((err = fix_hidden_linkage(o, types, offs, d)))
		goto free_buffers;
	if (x.dummy_var) {
		struct btf_type *t = (struct btf_type *)(types + used);
		*t = (struct btf_type){.name_off = x.dummy_name, .info = btf_info_enc(BTF_KIND_VAR, false, 0), .type = x.int4};
		((struct btf_var *)(t + 1))->linkage = BTF_VAR_GLOBAL_ALLOCATED;
		sanitize_type(t, sanitize, int_id, strs, b->strs_len);
		used += extra_types;
	}
	memcpy(types + used, strs, strs_len);
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .flags = 0, .hdr_len = hdr,
		.type_off = 0, .type_len = used, .str_off = used, .str_len = strs_len,
	};
	memcpy(out, &h, hdr);
	*blob = out;
	*size = hdr + used + strs_len;
	out = NULL; /* the caller's now */
free_buffers:
	free(out);
	free(offs);
	free(strs);
	free(x.protos);
	return err;
}
