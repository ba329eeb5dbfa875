/* loader/obj/index.c — the model's lookups, each built once (obj_parse builds them as the parts
 * they index appear): code sections and global-data maps by ELF section, maps by their place in
 * the file, maps, programs and externs by name, the object's BTF types by name. Every lookup finds
 * what a scan in index order would find first. Objects built by hand (tests) have no index: the
 * lookups scan then. Pure. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/obj/obj_internal.h"

struct obj_name_key {
	const char *name;
	uint32_t i;
};

struct obj_pos_key {
	uint64_t off;
	uint32_t sec, i;
};

struct obj_index {
	int32_t *code_of_sec;          /* per ELF section: index into codes, or -1 */
	int32_t *data_of_sec;          /* per ELF section: its global-data map, or -1 */
	struct obj_name_key *maps, *progs, *externs; /* sorted by (name, index) */
	uint32_t nmaps, nprogs, nexterns;
	struct obj_pos_key *map_pos;   /* MAP_BTF and MAP_LEGACY maps by (section, offset, index) */
	uint32_t nmap_pos;
	struct btf_index btf;          /* the object's BTF by (kind, name) */
};

static int cmp_name(const void *a, const void *b)
{
	const struct obj_name_key *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

static int cmp_pos(const void *a, const void *b)
{
	const struct obj_pos_key *x = a, *y = b;
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static struct obj_index *ix_of(struct obj *o)
{
	if (!o->ix)
		o->ix = calloc(1, sizeof(*o->ix));
	return o->ix;
}

void obj_index_free(struct obj *o)
{
	struct obj_index *ix = o->ix;
	if (!ix)
		return;
	free(ix->code_of_sec);
	free(ix->data_of_sec);
	free(ix->maps);
	free(ix->progs);
	free(ix->externs);
	free(ix->map_pos);
	btf_index_free(&ix->btf);
	free(ix);
	o->ix = NULL;
}

/* keys[0..n) sorted by name from names[i] (strings at a stride). */
static struct obj_name_key *name_keys(const void *base, size_t stride, uint32_t n)
{
	struct obj_name_key *k = calloc(n ? n : 1, sizeof(*k));
	if (!k)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		k[i] = (struct obj_name_key){*(const char *const *)((const char *)base + (size_t)i * stride), i};
	qsort(k, n, sizeof(*k), cmp_name);
	return k;
}

int obj_index_codes(struct obj *o, struct diag *d)
{
	struct obj_index *ix = ix_of(o);
	if (!ix)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	free(ix->code_of_sec);
	ix->code_of_sec = malloc((o->elf.nsec + 1) * sizeof(*ix->code_of_sec));
	if (!ix->code_of_sec)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	for (uint32_t s = 0; s <= o->elf.nsec; s++)
		ix->code_of_sec[s] = -1;
	for (uint32_t i = o->ncodes; i-- > 0;) /* the first code of a section wins */
		if (o->codes[i].sec < o->elf.nsec)
			ix->code_of_sec[o->codes[i].sec] = (int32_t)i;
	return 0;
}

int obj_index_btf(struct obj *o, struct diag *d)
{
	struct obj_index *ix = ix_of(o);
	if (!ix)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	btf_index_free(&ix->btf);
	if (o->has_btf && btf_index_build(&o->btf, &ix->btf))
		return diag_set(d, -ENOMEM, "obj: out of memory indexing the BTF");
	return 0;
}

int obj_index_progs(struct obj *o, struct diag *d)
{
	struct obj_index *ix = ix_of(o);
	if (!ix)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	free(ix->progs);
	ix->nprogs = 0;
	ix->progs = name_keys(&o->progs[0].name, sizeof(o->progs[0]), o->nprogs);
	if (!ix->progs)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	ix->nprogs = o->nprogs;
	return 0;
}

int obj_index_maps(struct obj *o, struct diag *d)
{
	struct obj_index *ix = ix_of(o);
	if (!ix)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	free(ix->maps);
	free(ix->map_pos);
	free(ix->data_of_sec);
	ix->nmaps = ix->nmap_pos = 0;
	ix->maps = o->nmaps ? name_keys(&o->maps[0].name, sizeof(o->maps[0]), o->nmaps) : calloc(1, sizeof(*ix->maps));
	ix->map_pos = calloc(o->nmaps ? o->nmaps : 1, sizeof(*ix->map_pos));
	ix->data_of_sec = malloc((o->elf.nsec + 1) * sizeof(*ix->data_of_sec));
	if (!ix->maps || !ix->map_pos || !ix->data_of_sec)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	ix->nmaps = o->nmaps;
	for (uint32_t s = 0; s <= o->elf.nsec; s++)
		ix->data_of_sec[s] = -1;
	for (uint32_t i = o->nmaps; i-- > 0;) {
		const struct obj_map *m = &o->maps[i];
		if (m->origin == MAP_DATA && m->data != DATA_KCONFIG && m->sec < o->elf.nsec)
			ix->data_of_sec[m->sec] = (int32_t)i;
	}
	for (uint32_t i = 0; i < o->nmaps; i++)
		if (o->maps[i].origin == MAP_BTF || o->maps[i].origin == MAP_LEGACY)
			ix->map_pos[ix->nmap_pos++] = (struct obj_pos_key){o->maps[i].sec_off, o->maps[i].sec, i};
	qsort(ix->map_pos, ix->nmap_pos, sizeof(*ix->map_pos), cmp_pos);
	return 0;
}

int obj_index_externs(struct obj *o, struct diag *d)
{
	struct obj_index *ix = ix_of(o);
	if (!ix)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	free(ix->externs);
	ix->nexterns = 0;
	ix->externs = o->nexterns ? name_keys(&o->externs[0].name, sizeof(o->externs[0]), o->nexterns)
				  : calloc(1, sizeof(*ix->externs));
	if (!ix->externs)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	ix->nexterns = o->nexterns;
	return 0;
}

/* The first key of name in keys[0..n), or -1. */
static int find_name(const struct obj_name_key *keys, uint32_t n, const char *name)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strcmp(keys[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(keys[lo].name, name) == 0 ? (int)keys[lo].i : -1;
}

int obj_find_map(const struct obj *o, const char *name)
{
	if (o->ix && o->ix->maps && o->ix->nmaps == o->nmaps)
		return find_name(o->ix->maps, o->ix->nmaps, name);
	for (uint32_t i = 0; i < o->nmaps; i++)
		if (strcmp(o->maps[i].name, name) == 0)
			return (int)i;
	return -1;
}

int obj_find_prog(const struct obj *o, const char *name)
{
	if (o->ix && o->ix->progs && o->ix->nprogs == o->nprogs)
		return find_name(o->ix->progs, o->ix->nprogs, name);
	for (uint32_t i = 0; i < o->nprogs; i++)
		if (strcmp(o->progs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int obj_find_extern(const struct obj *o, const char *name)
{
	if (o->ix && o->ix->externs && o->ix->nexterns == o->nexterns)
		return find_name(o->ix->externs, o->ix->nexterns, name);
	for (uint32_t i = 0; i < o->nexterns; i++)
		if (strcmp(o->externs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int obj_code_of_section(const struct obj *o, uint32_t sec)
{
	if (o->ix && o->ix->code_of_sec)
		return sec < o->elf.nsec ? o->ix->code_of_sec[sec] : -1;
	for (uint32_t i = 0; i < o->ncodes; i++)
		if (o->codes[i].sec == sec)
			return (int)i;
	return -1;
}

int obj_func_at(const struct obj *o, uint32_t code, uint32_t insn)
{
	/* obj.funcs is sorted by (code, first) and functions do not overlap (parse_funcs). */
	uint32_t lo = 0, hi = o->nfuncs;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct obj_func *f = &o->funcs[mid];
		if (f->code < code || (f->code == code && f->first < insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->nfuncs && o->funcs[lo].code == code && o->funcs[lo].first == insn ? (int)lo : -1;
}

int obj_map_at(const struct obj *o, uint32_t sec, uint64_t off)
{
	const struct obj_index *ix = o->ix;
	if (!ix || !ix->map_pos || ix->nmaps != o->nmaps) {
		for (uint32_t i = 0; i < o->nmaps; i++)
			if (o->maps[i].origin != MAP_INNER && o->maps[i].origin != MAP_DATA &&
			    o->maps[i].sec == sec && o->maps[i].sec_off == off)
				return (int)i;
		return -1;
	}
	const struct obj_pos_key k = {off, sec, 0};
	uint32_t lo = 0, hi = ix->nmap_pos;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cmp_pos(&ix->map_pos[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->nmap_pos && ix->map_pos[lo].sec == sec && ix->map_pos[lo].off == off)
		return (int)ix->map_pos[lo].i;
	return -1;
}

int obj_btf_map_owning(const struct obj *o, uint32_t sec, uint64_t off)
{
	const struct obj_index *ix = o->ix;
	if (!ix || !ix->map_pos || ix->nmaps != o->nmaps) {
		int owner = -1;
		for (uint32_t k = 0; k < o->nmaps; k++) {
			const struct obj_map *m = &o->maps[k];
			if (m->origin != MAP_BTF || m->sec != sec || off < m->sec_off)
				continue;
			if (owner < 0 || m->sec_off > o->maps[owner].sec_off)
				owner = (int)k;
		}
		return owner;
	}
	/* The last key at or before (sec, off), then the first of those at its offset; only BTF maps
	 * count, and legacy maps live in another section. */
	const struct obj_pos_key k = {off, sec, UINT32_MAX};
	uint32_t lo = 0, hi = ix->nmap_pos;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cmp_pos(&ix->map_pos[mid], &k) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0 && ix->map_pos[lo - 1].sec == sec) {
		uint64_t at = ix->map_pos[lo - 1].off;
		uint32_t first = lo - 1;
		while (first > 0 && ix->map_pos[first - 1].sec == sec && ix->map_pos[first - 1].off == at)
			first--;
		for (uint32_t q = first; q < lo; q++)
			if (o->maps[ix->map_pos[q].i].origin == MAP_BTF)
				return (int)ix->map_pos[q].i;
		lo = first;
	}
	return -1;
}

int obj_data_map_of_section(const struct obj *o, uint32_t sec)
{
	if (o->ix && o->ix->data_of_sec && o->ix->nmaps == o->nmaps)
		return sec < o->elf.nsec ? o->ix->data_of_sec[sec] : -1;
	for (uint32_t i = 0; i < o->nmaps; i++)
		if (o->maps[i].origin == MAP_DATA && o->maps[i].sec == sec)
			return (int)i;
	return -1;
}

uint32_t obj_btf_find(const struct obj *o, uint32_t kind, const char *name)
{
	return btf_index_find(&o->btf, o->ix ? &o->ix->btf : NULL, kind, name);
}
