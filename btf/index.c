/* btf/index.c — finding types by kind and name in O(log n) (see btf.h): every type sorted once by
 * (kind, name, id). For callers that look up many names in one BTF: a map per data section, an
 * extern per kernel function, an attach target per program. The first type of a kind and name
 * (the lowest id) is what a lookup finds, as btf_find's scan does. */
#include "btf/btf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct btf_name_key {
	const char *name;
	uint32_t kind, id;
};

static int cmp_key(const void *a, const void *b)
{
	const struct btf_name_key *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

int btf_index_build(const struct btf_spec *b, struct btf_index *ix)
{
	ix->keys = calloc(b->nr_types ? b->nr_types : 1, sizeof(*ix->keys));
	ix->n = 0;
	if (!ix->keys)
		return -ENOMEM;
	for (uint32_t id = 1; id <= b->nr_types; id++) {
		const struct btf_type *t = btf_type(b, id);
		ix->keys[ix->n++] = (struct btf_name_key){btf_type_name(b, t), btf_kind(t), id};
	}
	qsort(ix->keys, ix->n, sizeof(*ix->keys), cmp_key);
	return 0;
}

void btf_index_free(struct btf_index *ix)
{
	free(ix->keys);
	ix->keys = NULL;
	ix->n = 0;
}

uint32_t btf_index_find(const struct btf_spec *b, const struct btf_index *ix, uint32_t kind, const char *name)
{
	if (!ix || !ix->keys)
		return btf_find(b, kind, name);
	const struct btf_name_key k = {name, kind, 0};
	uint32_t lo = 0, hi = ix->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cmp_key(&ix->keys[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && ix->keys[lo].kind == kind && strcmp(ix->keys[lo].name, name) == 0)
		return ix->keys[lo].id;
	return 0;
}
