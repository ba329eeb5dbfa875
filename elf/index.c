/* elf/index.c — lookups by name, built once per file (see elf.h): sections sorted by name, and
 * the symbols defined in a section sorted by (section, name, type, index). Without them a loader
 * that looks up one symbol per map or variable is quadratic in the object's size. The first
 * section or symbol of a name (the lowest index) is what a lookup finds, as a scan would. */
#include "elf/elf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct elf_name_key {
	const char *name;
	uint32_t idx;
	uint16_t shndx;
	uint8_t type;
};

static int cmp_sec(const void *a, const void *b)
{
	const struct elf_name_key *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct elf_name_key *x = a, *y = b;
	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int elf_index_build(struct elf_file *f, struct diag *d)
{
	elf_index_free(f);
	f->sec_keys = calloc(f->nsec ? f->nsec : 1, sizeof(*f->sec_keys));
	uint32_t n = 0;
	for (uint32_t i = 0; i < f->nsym; i++)
		n += f->sym[i].shndx != ELF_SHN_UNDEF && f->sym[i].shndx < ELF_SHN_LORESERVE &&
		     f->sym[i].type != ELF_STT_SECTION;
	f->sym_keys = calloc(n ? n : 1, sizeof(*f->sym_keys));
	if (!f->sec_keys || !f->sym_keys) {
		elf_index_free(f);
		return diag_set(d, -ENOMEM, "elf: out of memory for the name index");
	}
	for (uint32_t i = 1; i < f->nsec; i++)
		f->sec_keys[f->nsec_keys++] = (struct elf_name_key){f->sec[i].name, i, 0, 0};
	for (uint32_t i = 0; i < f->nsym; i++) {
		const struct elf_sym *s = &f->sym[i];
		if (s->shndx != ELF_SHN_UNDEF && s->shndx < ELF_SHN_LORESERVE && s->type != ELF_STT_SECTION)
			f->sym_keys[f->nsym_keys++] = (struct elf_name_key){s->name, i, s->shndx, s->type};
	}
	qsort(f->sec_keys, f->nsec_keys, sizeof(*f->sec_keys), cmp_sec);
	qsort(f->sym_keys, f->nsym_keys, sizeof(*f->sym_keys), cmp_sym);
	return 0;
}

void elf_index_free(struct elf_file *f)
{
	free(f->sec_keys);
	free(f->sym_keys);
	f->sec_keys = f->sym_keys = NULL;
	f->nsec_keys = f->nsym_keys = 0;
}

/* The first key not below k (cmp order) in keys[0..n). */
static uint32_t lower_bound(const struct elf_name_key *keys, uint32_t n, const struct elf_name_key *k,
			    int (*cmp)(const void *, const void *))
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cmp(&keys[mid], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct elf_section *elf_find_section(const struct elf_file *f, const char *name)
{
	if (!f->sec_keys) {
		for (uint32_t i = 1; i < f->nsec; i++)
			if (strcmp(f->sec[i].name, name) == 0)
				return &f->sec[i];
		return NULL;
	}
	const struct elf_name_key k = {name, 0, 0, 0};
	uint32_t at = lower_bound(f->sec_keys, f->nsec_keys, &k, cmp_sec);
	if (at < f->nsec_keys && strcmp(f->sec_keys[at].name, name) == 0)
		return &f->sec[f->sec_keys[at].idx];
	return NULL;
}

const struct elf_sym *elf_find_symbol(const struct elf_file *f, uint32_t shndx, const char *name, int type)
{
	if (!f->sym_keys) {
		for (uint32_t i = 0; i < f->nsym; i++) {
			const struct elf_sym *s = &f->sym[i];
			if (s->shndx == shndx && s->type != ELF_STT_SECTION && (type < 0 || s->type == type) &&
			    strcmp(s->name, name) == 0)
				return s;
		}
		return NULL;
	}
	if (shndx == ELF_SHN_UNDEF || shndx >= ELF_SHN_LORESERVE || type == ELF_STT_SECTION)
		return NULL;
	/* Any type: the lowest index over the (at most 16) types present for this name. */
	const struct elf_sym *best = NULL;
	for (uint32_t t = type < 0 ? 0 : (uint32_t)type; t < 16; t++) {
		const struct elf_name_key k = {name, 0, (uint16_t)shndx, (uint8_t)t};
		uint32_t at = lower_bound(f->sym_keys, f->nsym_keys, &k, cmp_sym);
		if (at == f->nsym_keys)
			break;
		const struct elf_name_key *e = &f->sym_keys[at];
		if (e->shndx != shndx || strcmp(e->name, name) != 0)
			break;
		if (type >= 0 && e->type != type)
			break;
		if (!best || e->idx < (uint32_t)(best - f->sym))
			best = &f->sym[e->idx];
		if (type >= 0)
			break;
		t = e->type; /* the next type present */
	}
	return best;
}
