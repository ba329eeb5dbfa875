/* btf/names.c — finding types by name (see btf.h): an open-addressing hash table of type ids keyed
 * by essential name (the name without a "___flavour" suffix), made on request for a BTF that is
 * searched often (the kernel's: 126,000 types here, searched for every CO-RE root type). Functions
 * are left out: CO-RE never looks for one, and they are four names in five of the kernel's (a few
 * kfunc or attach lookups scan instead). One u32 slot per 2/3 of an indexed type, no per-type
 * allocation, no copy of a name. Without the table every lookup scans. */
#include "btf/btf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct btf_names {
	uint32_t mask;     /* slots - 1; slots is a power of two */
	uint32_t slot[];   /* type ids, 0 = empty */
};

size_t btf_essential_len(const char *s)
{
	size_t n = strlen(s);
	if (n < 5 || !strstr(s, "___"))
		return n; /* nearly every name: one vectorised pass instead of a byte loop */
	/* The suffix starts at the last run of exactly three underscores with a character on each side. */
	for (size_t i = n - 5 + 1; i-- > 0;)
		if (s[i] != '_' && s[i + 1] == '_' && s[i + 2] == '_' && s[i + 3] == '_' && s[i + 4] != '_')
			return i + 1;
	return n;
}

/* A multiply-xorshift hash over 8-byte words (any good spread will do; it never leaves memory). */
static uint32_t hash(const char *s, size_t n)
{
	const uint64_t k = 0xff51afd7ed558ccdull;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s + i, n - i);
	h = (h ^ w) * k;
	h ^= h >> 29;
	return (uint32_t)h;
}

static bool indexed(const struct btf_type *t)
{
	return t->name_off && btf_kind(t) != BTF_KIND_FUNC;
}

int btf_index_names(struct btf_spec *b)
{
	if (b->names)
		return 0;
	uint32_t named = 0;
	for (uint32_t id = 1; id <= b->nr_types; id++)
		named += indexed(btf_type(b, id));
	uint64_t slots = 16;
	while (slots < (uint64_t)named + named / 2)
		slots *= 2;
	struct btf_names *ix = calloc(1, sizeof(*ix) + slots * sizeof(uint32_t));
	if (!ix)
		return -ENOMEM;
	ix->mask = (uint32_t)(slots - 1);
	/* Ids go in rising order and nothing is ever removed, so along one probe sequence the ids of one
	 * name come in rising order too: the first found is the lowest, as a scan would find it. */
	for (uint32_t id = 1; id <= b->nr_types; id++) {
		const struct btf_type *t = btf_type(b, id);
		if (!indexed(t))
			continue;
		const char *name = btf_type_name(b, t);
		uint32_t at = hash(name, btf_essential_len(name)) & ix->mask;
		while (ix->slot[at])
			at = (at + 1) & ix->mask;
		ix->slot[at] = id;
	}
	b->names = ix;
	return 0;
}

void btf_names_free(struct btf_spec *b)
{
	free(b->names);
	b->names = NULL;
}

/* Does type id's essential name equal name[0..len)? */
static bool essential_is(const struct btf_spec *b, uint32_t id, const char *name, size_t len)
{
	const char *tn = btf_type_name(b, btf_type(b, id));
	return tn[0] == name[0] && strncmp(tn, name, len) == 0 && btf_essential_len(tn) == len;
}

uint32_t btf_names_next(const struct btf_spec *b, const char *name, size_t len, uint32_t *pos)
{
	const struct btf_names *ix = b->names;
	if (!len)
		return 0;
	if (!ix) { /* no table: a scan, *pos the last id returned */
		for (uint32_t id = *pos + 1; id <= b->nr_types; id++)
			if (indexed(btf_type(b, id)) && essential_is(b, id, name, len)) {
				*pos = id;
				return id;
			}
		*pos = b->nr_types;
		return 0;
	}
	/* *pos: 0 to start, else 1 + the probe step after the slot last returned. */
	uint32_t start = hash(name, len) & ix->mask;
	for (uint32_t step = *pos; step <= ix->mask; step++) {
		uint32_t id = ix->slot[(start + step) & ix->mask];
		if (!id)
			break;
		if (essential_is(b, id, name, len)) {
			*pos = step + 1;
			return id;
		}
	}
	*pos = ix->mask + 1;
	return 0;
}
