/* loader/obj/externs.c — externs: the object's undefined symbols, classified by its BTF the way
 * libbpf's conventions have them (clang puts `extern ... __kconfig` variables in DATASEC .kconfig,
 * `__ksym` variables and functions in DATASEC .ksyms), and the .kconfig map their values will
 * live in. An undefined symbol that is neither (an inline-asm reference to a name nothing defines)
 * is kept in o->unresolved with the reason: the programs using it cannot load, the others can.
 * Pure: which values externs get is the load's business (loader/load/externs.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/obj/obj_internal.h"

const char *obj_extern_kind_name(enum obj_extern_kind kind)
{
	switch (kind) {
	case EXT_KCONFIG: return "kconfig";
	case EXT_KSYM: return "ksym";
	case EXT_KSYM_TYPELESS: return "ksym (typeless)";
	case EXT_KFUNC: return "kfunc";
	}
	return "?";
}

/* The entries of one DATASEC sorted by (name, position): each extern is looked up in it once. */
struct ds_entry {
	const char *name;
	uint32_t type, pos;
};
struct datasec {
	struct ds_entry *e; /* owned */
	uint32_t n;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct ds_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->pos < y->pos ? -1 : x->pos > y->pos);
}

static int datasec_index(const struct obj *o, const char *sec_name, struct datasec *out)
{
	const struct btf_spec *b = &o->btf;
	uint32_t ds = obj_btf_find(o, BTF_KIND_DATASEC, sec_name);
	const struct btf_type *t = ds ? btf_type(b, ds) : NULL;
	uint32_t n = t ? btf_vlen(t) : 0;
	out->n = 0;
	out->e = calloc(n ? n : 1, sizeof(*out->e));
	if (!out->e)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		const struct btf_type *v = btf_type(b, btf_secinfos(t)[i].type);
		if (v)
			out->e[out->n++] = (struct ds_entry){btf_type_name(b, v), btf_secinfos(t)[i].type, i};
	}
	qsort(out->e, out->n, sizeof(*out->e), cmp_entry);
	return 0;
}

/* The first entry named name: its VAR or FUNC type id, or 0. */
static uint32_t datasec_entry(const struct datasec *ds, const char *name)
{
	uint32_t lo = 0, hi = ds->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strcmp(ds->e[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ds->n && strcmp(ds->e[lo].name, name) == 0 ? ds->e[lo].type : 0;
}

/* A __kconfig variable's type decides how its value is written (libbpf's rules): bool, char,
 * enum libbpf_tristate, integers up to 8 bytes, char arrays for strings. */
static int kcfg_type(const struct obj *o, struct obj_extern *e, struct diag *d)
{
	const struct btf_spec *b = &o->btf;
	int id = btf_skip_mods(b, e->type_id);
	const struct btf_type *t = id > 0 ? btf_type(b, (uint32_t)id) : NULL;
	if (!t)
		return diag_set(d, -EINVAL, "extern '%s': __kconfig of no type", e->name);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint32_t enc = BTF_INT_ENCODING(btf_int_bits(t));
		e->size = t->size;
		if (enc & BTF_INT_BOOL)
			e->kcfg = KCFG_BOOL;
		else if (t->size == 1 && (enc & BTF_INT_CHAR))
			e->kcfg = KCFG_CHAR;
		else
			e->kcfg = KCFG_INT;
		e->kcfg_signed = enc & BTF_INT_SIGNED;
		break;
	}
	case BTF_KIND_ENUM:
		if (strcmp(btf_type_name(b, t), "libbpf_tristate") != 0)
			return diag_set(d, -EINVAL, "extern '%s': __kconfig enum other than enum libbpf_tristate", e->name);
		e->kcfg = KCFG_TRISTATE;
		e->size = t->size;
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array_info(t);
		int el = btf_skip_mods(b, a->type);
		const struct btf_type *et = el > 0 ? btf_type(b, (uint32_t)el) : NULL;
		if (!et || btf_kind(et) != BTF_KIND_INT || et->size != 1 || !a->nelems || a->nelems > 4096)
			return diag_set(d, -EINVAL, "extern '%s': __kconfig array other than char[1..4096]", e->name);
		e->kcfg = KCFG_STRING;
		e->size = a->nelems;
		break;
	}
	default:
		return diag_set(d, -EINVAL, "extern '%s': __kconfig of a %s", e->name, btf_kind_name(btf_kind(t)));
	}
	if (e->kcfg != KCFG_STRING && e->size != 1 && e->size != 2 && e->size != 4 && e->size != 8)
		return diag_set(d, -EINVAL, "extern '%s': __kconfig of %u bytes", e->name, e->size);
	return 0;
}

/* Classify one undefined symbol. */
static int classify(const struct obj *o, const struct datasec *kconfig, const struct datasec *ksyms,
		    struct obj_extern *e, struct diag *d)
{
	const struct btf_spec *b = &o->btf;
	uint32_t id;

	if (!o->has_btf)
		return diag_set(d, -EINVAL, "extern '%s': the object has no BTF to say what it is", e->name);
	if ((id = datasec_entry(kconfig, e->name))) {
		const struct btf_type *v = btf_type(b, id);
		if (btf_kind(v) != BTF_KIND_VAR)
			return diag_set(d, -EINVAL, "extern '%s': a %s in .kconfig", e->name, btf_kind_name(btf_kind(v)));
		e->kind = EXT_KCONFIG;
		e->btf_id = id;
		e->type_id = v->type;
		return kcfg_type(o, e, d);
	}
	id = datasec_entry(ksyms, e->name);
	if (!id) /* extern functions may be missing from the DATASEC (older clang): look for the FUNC */
		id = obj_btf_find(o, BTF_KIND_FUNC, e->name);
	if (!id)
		return diag_set(d, -EINVAL, "extern '%s': neither __kconfig nor __ksym (not in .kconfig or .ksyms)",
				e->name);
	const struct btf_type *v = btf_type(b, id);
	e->btf_id = id;
	e->type_id = v->type;
	if (btf_kind(v) == BTF_KIND_FUNC) {
		e->kind = EXT_KFUNC;
		return 0;
	}
	if (btf_kind(v) != BTF_KIND_VAR)
		return diag_set(d, -EINVAL, "extern '%s': a %s in .ksyms", e->name, btf_kind_name(btf_kind(v)));
	/* `extern const void x __ksym`: no type to look up, only an address. */
	e->kind = btf_skip_mods(b, v->type) == 0 ? EXT_KSYM_TYPELESS : EXT_KSYM;
	return 0;
}

static int cmp_unresolved(const void *a, const void *b)
{
	return strcmp(((const struct obj_unresolved *)a)->name, ((const struct obj_unresolved *)b)->name);
}

const struct obj_unresolved *obj_find_unresolved(const struct obj *o, const char *name)
{
	struct obj_unresolved key = {.name = name};
	return o->nunresolved ? bsearch(&key, o->unresolved, o->nunresolved, sizeof(key), cmp_unresolved) : NULL;
}

static int cmp_name_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An undefined symbol that is no extern rawload can fill, kept with the reason classify() gave
 * in d (then cleared): the programs that use it cannot load, the others can. */
static int keep_unresolved(struct obj *o, const char *name, struct diag *d)
{
	struct obj_unresolved *u = &o->unresolved[o->nunresolved];
	u->name = name;
	u->why = strdup(d->msg);
	if (!u->why)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	o->nunresolved++;
	d->msg[0] = '\0';
	return 0;
}

/* The .kconfig map the __kconfig values are written to at load: one read-only array entry of
 * size bytes (rounded to 8). */
static int add_kconfig_map(struct obj *o, uint32_t size, struct diag *d)
{
	char name[16];
	obj_data_map_name(o->name, ".kconfig", name);
	int idx = obj_add_map(o, name, d);
	if (idx < 0)
		return idx;
	struct obj_map *m = &o->maps[idx];
	m->origin = MAP_DATA;
	m->data = DATA_KCONFIG;
	m->type = BPF_MAP_TYPE_ARRAY;
	m->key_size = 4;
	m->value_size = (size + 7) / 8 * 8;
	m->max_entries = 1;
	m->flags = BPF_F_RDONLY_PROG;
	o->kconfig_map = idx;
	return 0;
}

/* A name declared twice among the undefined symbols (the first of them, by name), or NULL: one
 * sort, not a lookup per symbol. NULL with *oom set when out of memory. */
static const char *undefined_twice(const struct elf_file *f, uint32_t n, bool *oom)
{
	const char **names = calloc(n ? n : 1, sizeof(*names));
	const char *dup = NULL;
	uint32_t k = 0;
	*oom = !names;
	if (!names)
		return NULL;
	for (uint32_t i = 1; i < f->nsym; i++)
		if (f->sym[i].shndx == ELF_SHN_UNDEF && f->sym[i].name[0])
			names[k++] = f->sym[i].name;
	qsort(names, k, sizeof(*names), cmp_name_ptr);
	for (uint32_t i = 1; i < k && !dup; i++)
		if (strcmp(names[i - 1], names[i]) == 0)
			dup = names[i];
	free(names);
	return dup;
}

int obj_parse_externs(struct obj *o, struct diag *d)
{
	const struct elf_file *f = &o->elf;
	uint32_t n = 0, kcfg_size = 0;
	int err;
	bool oom;

	o->kconfig_map = -1;
	for (uint32_t i = 1; i < f->nsym; i++)
		n += f->sym[i].shndx == ELF_SHN_UNDEF && f->sym[i].name[0];
	if (!n)
		return obj_index_externs(o, d);
	const char *dup = undefined_twice(f, n, &oom);
	if (oom)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	if (dup)
		return diag_set(d, -EINVAL, "extern '%s': declared twice in the symbol table", dup);
	o->externs = calloc(n, sizeof(*o->externs));
	o->unresolved = calloc(n, sizeof(*o->unresolved));
	if (!o->externs || !o->unresolved)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	struct datasec kconfig = {0}, ksyms = {0};
	if (o->has_btf && (datasec_index(o, ".kconfig", &kconfig) || datasec_index(o, ".ksyms", &ksyms))) {
		free(kconfig.e);
		free(ksyms.e);
		return diag_set(d, -ENOMEM, "obj: out of memory");
	}
	err = 0;
	for (uint32_t i = 1; i < f->nsym && !err; i++) {
		const struct elf_sym *s = &f->sym[i];
		if (s->shndx != ELF_SHN_UNDEF || !s->name[0])
			continue;
		struct obj_extern *e = &o->externs[o->nexterns++];
		memset(e, 0, sizeof(*e));
		e->name = s->name;
		e->weak = s->bind == ELF_STB_WEAK;
		err = classify(o, &kconfig, &ksyms, e, d);
		if (err == -EINVAL) { /* not an extern rawload can fill: its users say so */
			o->nexterns--;
			err = keep_unresolved(o, s->name, d);
			continue;
		}
		if (err || e->kind != EXT_KCONFIG)
			continue;
		/* Our own layout of the .kconfig map: each value at its natural alignment. */
		uint32_t align = e->kcfg == KCFG_STRING ? 1 : e->size;
		kcfg_size = (kcfg_size + align - 1) / align * align;
		e->offset = kcfg_size;
		kcfg_size += e->size;
	}
	free(kconfig.e);
	free(ksyms.e);
	if (!err)
		err = obj_index_externs(o, d); /* by name, for the relocations */
	if (err)
		return err;
	/* Sorted by name, for obj_find_unresolved (no name twice: checked above). */
	if (o->nunresolved > 1)
		qsort(o->unresolved, o->nunresolved, sizeof(*o->unresolved), cmp_unresolved);
	return kcfg_size ? add_kconfig_map(o, kcfg_size, d) : 0;
}
