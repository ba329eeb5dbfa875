/* btf/core.c — CO-RE relocation records resolved against a target BTF (see core.h). Three steps per
 * record: parse the access string over the local BTF (a spec), match that spec in every target type
 * of the same kind and essential name, compute the value from the local and the target spec. */
#include "btf/core.h"
#include "btf/core_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool field_kind(uint32_t k) { return k <= BPF_CORE_FIELD_RSHIFT_U64; }
static bool enumval_kind(uint32_t k) { return k == BPF_CORE_ENUMVAL_EXISTS || k == BPF_CORE_ENUMVAL_VALUE; }

const char *core_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		"field_byte_offset", "field_byte_size", "field_exists", "field_signed", "field_lshift_u64",
		"field_rshift_u64", "type_id_local", "type_id_target", "type_exists", "type_size",
		"enumval_exists", "enumval_value", "type_matches",
	};
	static char other[24];
	if (kind < sizeof(names) / sizeof(names[0]))
		return names[kind];
	snprintf(other, sizeof(other), "kind %u", kind);
	return other;
}

/* "0:1:2" into raw[]; false for anything else (empty parts, overflow, too many). */
static bool parse_access(const char *s, uint32_t *raw, uint32_t *len)
{
	*len = 0;
	if (!*s)
		return false;
	for (;;) {
		uint64_t v = 0;
		if (*s < '0' || *s > '9' || *len == CORE_SPEC_MAX)
			return false;
		for (; *s >= '0' && *s <= '9'; s++) {
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > UINT32_MAX)
				return false;
		}
		raw[(*len)++] = (uint32_t)v;
		if (!*s)
			return true;
		if (*s++ != ':')
			return false;
	}
}

/* A flexible array: size 0 and the last member of the struct the previous step entered. */
static bool is_flex(const struct btf_spec *b, const struct core_acc *prev, const struct btf_array *a)
{
	if (!prev->name || a->nelems)
		return false;
	const struct btf_type *t = btf_type(b, prev->type_id);
	return t && prev->idx + 1 == btf_vlen(t);
}

/* idx elements of type id, in bits, added to *bits; false when it can't be sized or is absurd. */
static bool add_elems(const struct btf_spec *b, uint32_t id, uint32_t idx, uint64_t *bits)
{
	uint32_t sz;
	if (btf_size(b, id, &sz))
		return false;
	uint64_t add = (uint64_t)idx * sz * 8;
	if (add > (UINT64_C(1) << 40) || *bits > (UINT64_C(1) << 40))
		return false;
	*bits += add;
	return true;
}

/* The local spec: what record r reads in the object's own types. */
static int parse_spec(const struct btf_spec *b, const struct bpf_core_relo *r, struct core_spec *s,
		      struct diag *d)
{
	const char *str = btf_str(b, r->access_str_off);
	uint32_t id;

	memset(s, 0, sizeof(*s));
	s->btf = b;
	s->root_id = r->type_id;
	if (!btf_type(b, r->type_id))
		return diag_set(d, -EINVAL, "core: type id %u does not exist", r->type_id);
	if (!parse_access(str, s->raw, &s->raw_len))
		return diag_set(d, -EINVAL, "core: [%u]: access string '%s' is not N[:N...]", r->type_id, str);
	if (!field_kind(r->kind) && !enumval_kind(r->kind)) {
		/* Type relocations name the type itself: the string is "0". */
		if (s->raw_len != 1 || s->raw[0])
			return diag_set(d, -EINVAL, "core: [%u]: a type relocation with access string '%s'",
					r->type_id, str);
		return 0;
	}
	const struct btf_type *t = core_skip(b, r->type_id, &id);
	if (!t)
		return diag_set(d, -EINVAL, "core: [%u]: resolves to no type", r->type_id);
	s->acc[0] = (struct core_acc){id, s->raw[0], NULL};
	s->len = 1;
	if (enumval_kind(r->kind)) {
		if (!core_is_any_enum(t) || s->raw_len != 1 || s->raw[0] >= btf_vlen(t))
			return diag_set(d, -EINVAL, "core: [%u]: enum value relocation '%s' names no enumerator",
					r->type_id, str);
		uint32_t name_off = btf_kind(t) == BTF_KIND_ENUM ? btf_enums(t)[s->raw[0]].name_off
								 : btf_enums64(t)[s->raw[0]].name_off;
		s->acc[0].name = btf_str(b, name_off);
		return 0;
	}
	/* Field: the first index is pointer arithmetic on the root, the rest walk members/elements. */
	if (!add_elems(b, id, s->raw[0], &s->bit_offset))
		return diag_set(d, -EINVAL, "core: [%u]: root type has no usable size", r->type_id);
	for (uint32_t i = 1; i < s->raw_len; i++) {
		uint32_t idx = s->raw[i];
		t = core_skip(b, id, &id);
		if (!t)
			return diag_set(d, -EINVAL, "core: [%u] (%s): step %u reaches no type", r->type_id, str, i);
		if (core_is_composite(t)) {
			if (idx >= btf_vlen(t))
				return diag_set(d, -EINVAL, "core: [%u] (%s): member %u of a %u-member type",
						r->type_id, str, idx, btf_vlen(t));
			const struct btf_member *m = &btf_members(t)[idx];
			s->bit_offset += btf_member_bit_offset(t, m);
			if (m->name_off) {
				const char *name = btf_str(b, m->name_off);
				if (!name[0])
					return diag_set(d, -EINVAL, "core: [%u] (%s): member without a name", r->type_id, str);
				s->acc[s->len++] = (struct core_acc){id, idx, name};
			}
			id = m->type;
		} else if (btf_kind(t) == BTF_KIND_ARRAY) {
			const struct btf_array *a = btf_array_info(t);
			bool flex = is_flex(b, &s->acc[s->len - 1], a);
			if (!core_skip(b, a->type, &id))
				return diag_set(d, -EINVAL, "core: [%u] (%s): array of no type", r->type_id, str);
			if (!flex && idx >= a->nelems)
				return diag_set(d, -EINVAL, "core: [%u] (%s): index %u past %u elements", r->type_id,
						str, idx, a->nelems);
			s->acc[s->len++] = (struct core_acc){id, idx, NULL};
			if (!add_elems(b, id, idx, &s->bit_offset))
				return diag_set(d, -EINVAL, "core: [%u] (%s): element has no usable size", r->type_id, str);
		} else {
			return diag_set(d, -EINVAL, "core: [%u] (%s): step %u enters a %s", r->type_id, str, i,
					btf_kind_name(btf_kind(t)));
		}
	}
	return 0;
}

/* Find the target member matching local step la inside target composite tid, looking through
 * anonymous members; extends ts (its bit offset, raw indices, steps). Each composite looked into
 * spends its member count from *steps (a type graph of nested anonymous members can branch
 * exponentially). 1 found, 0 not, <0 error (-E2BIG: the budget ran out). */
static int match_member(const struct btf_spec *lb, const struct core_acc *la, const struct btf_spec *tb,
			uint32_t tid, struct core_spec *ts, uint32_t *next_id, int depth, uint32_t *steps)
{
	const struct btf_type *lt = btf_type(lb, la->type_id);
	const struct btf_member *lm = &btf_members(lt)[la->idx];
	const struct btf_type *tt = core_skip(tb, tid, &tid);

	if (!tt || !core_is_composite(tt) || depth > MAX_DEPTH)
		return 0;
	if (!core_spend(steps, btf_vlen(tt) + 1u))
		return -E2BIG;
	const struct btf_member *m = btf_members(tt);
	for (uint32_t i = 0; i < btf_vlen(tt); i++, m++) {
		uint32_t bits = btf_member_bit_offset(tt, m);
		const char *name = btf_str(tb, m->name_off);
		if (ts->raw_len == CORE_SPEC_MAX)
			return -E2BIG;
		ts->bit_offset += bits;
		ts->raw[ts->raw_len++] = i;
		if (!name[0]) {
			int found = match_member(lb, la, tb, m->type, ts, next_id, depth + 1, steps);
			if (found)
				return found;
		} else if (core_names_match(la->name, name)) {
			if (ts->len == CORE_SPEC_MAX)
				return -E2BIG;
			ts->acc[ts->len++] = (struct core_acc){tid, i, name};
			*next_id = m->type;
			if (core_fields_compat(lb, lm->type, tb, m->type))
				return 1;
			ts->len--;
			return 0;
		}
		ts->bit_offset -= bits;
		ts->raw_len--;
	}
	return 0;
}

/* Match local spec ls in target candidate tid, building ts; spends from *steps (the record's
 * budget). 1 matched, 0 not, <0 error (-E2BIG: the budget ran out). */
static int match_spec(const struct core_spec *ls, uint32_t kind, const struct btf_spec *tb, uint32_t tid,
		      struct core_spec *ts, uint32_t *steps)
{
	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_id = tid;
	if (!core_spend(steps, 1))
		return -E2BIG;
	if (kind == BPF_CORE_TYPE_MATCHES)
		return core_types_match(ls->btf, ls->root_id, tb, tid, false, MAX_DEPTH, steps);
	if (!field_kind(kind) && !enumval_kind(kind))
		return core_types_compat(ls->btf, ls->root_id, tb, tid, MAX_DEPTH, steps);

	const struct core_acc *la = &ls->acc[0];
	if (enumval_kind(kind)) {
		const struct btf_type *t = core_skip(tb, tid, &tid);
		if (!t || !core_is_any_enum(t))
			return 0;
		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			uint32_t off = btf_kind(t) == BTF_KIND_ENUM ? btf_enums(t)[i].name_off : btf_enums64(t)[i].name_off;
			const char *name = btf_str(tb, off);
			if (name[0] && core_names_match(la->name, name)) {
				ts->acc[0] = (struct core_acc){tid, i, name};
				ts->len = 1;
				ts->raw[0] = i;
				ts->raw_len = 1;
				return 1;
			}
		}
		return 0;
	}
	for (uint32_t i = 0; i < ls->len; i++, la++) {
		const struct btf_type *t = core_skip(tb, tid, &tid);
		if (!t)
			return -EINVAL;
		if (la->name) {
			int ok = match_member(ls->btf, la, tb, tid, ts, &tid, 0, steps);
			if (ok <= 0)
				return ok;
			continue;
		}
		/* An element: the root's own index (i == 0) applies to the root type itself. */
		if (i > 0) {
			if (btf_kind(t) != BTF_KIND_ARRAY)
				return 0;
			const struct btf_array *a = btf_array_info(t);
			if (!is_flex(tb, &ts->acc[ts->len - 1], a) && la->idx >= a->nelems)
				return 0;
			if (!core_skip(tb, a->type, &tid))
				return -EINVAL;
		}
		if (ts->raw_len == CORE_SPEC_MAX || ts->len == CORE_SPEC_MAX)
			return -E2BIG;
		ts->acc[ts->len++] = (struct core_acc){tid, la->idx, NULL};
		ts->raw[ts->raw_len++] = la->idx;
		if (!add_elems(tb, tid, la->idx, &ts->bit_offset))
			return -EINVAL;
	}
	return 1;
}

/* A computed value for one side (local or target). */
struct side {
	uint64_t val;
	uint32_t sz;         /* memory size of the field (field_byte_offset on a plain field) */
	uint32_t type_id;    /* the field's type, for the size-change check */
	bool validate;
	bool poison;
};

static int calc_field(uint32_t kind, const struct core_spec *s, bool big_endian, struct side *out,
		      struct diag *d)
{
	memset(out, 0, sizeof(*out));
	if (kind == BPF_CORE_FIELD_EXISTS) {
		out->val = s != NULL;
		out->validate = true;
		return 0;
	}
	if (!s) {
		out->poison = true;
		return 0;
	}
	const struct core_acc *acc = &s->acc[s->len - 1];
	uint32_t sz;
	if (!acc->name) {
		/* The last step is an array element (or the root itself). */
		if (btf_size(s->btf, acc->type_id, &sz))
			return diag_set(d, -EINVAL, "core: element type [%u] has no size", acc->type_id);
		if (kind == BPF_CORE_FIELD_BYTE_OFFSET) {
			out->val = s->bit_offset / 8;
			out->sz = sz;
			out->type_id = acc->type_id;
		} else if (kind == BPF_CORE_FIELD_BYTE_SIZE) {
			out->val = sz;
		} else {
			return diag_set(d, -EINVAL, "core: %s does not apply to an array element", core_kind_name(kind));
		}
		out->validate = true;
		return 0;
	}

	const struct btf_type *t = btf_type(s->btf, acc->type_id);
	const struct btf_member *m = &btf_members(t)[acc->idx];
	uint32_t field_id = 0;
	const struct btf_type *mt = core_skip(s->btf, m->type, &field_id);
	if (!mt)
		return diag_set(d, -EINVAL, "core: member '%s' has no type", acc->name);
	uint64_t bit_off = s->bit_offset, byte_off;
	uint32_t bit_sz = btf_member_bitfield_size(t, m), byte_sz;
	bool bitfield = bit_sz > 0;
	if (bitfield) {
		/* The smallest aligned load (of at least the member type's size) holding every bit. */
		byte_sz = mt->size;
		if (byte_sz != 1 && byte_sz != 2 && byte_sz != 4 && byte_sz != 8)
			return diag_set(d, -EINVAL, "core: bit-field '%s' of a %u-byte type", acc->name, byte_sz);
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8)
				return diag_set(d, -E2BIG, "core: bit-field '%s' does not fit a 64-bit load", acc->name);
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		if (btf_size(s->btf, field_id, &sz))
			return diag_set(d, -EINVAL, "core: member '%s' has no size", acc->name);
		byte_sz = sz;
		byte_off = bit_off / 8;
		bit_sz = byte_sz * 8;
	}
	/* Where clang had to guess a bit-field's layout, its value need not match ours. */
	out->validate = !bitfield;
	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		out->val = byte_off;
		if (!bitfield) {
			out->sz = byte_sz;
			out->type_id = field_id;
		}
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		out->val = byte_sz;
		break;
	case BPF_CORE_FIELD_SIGNED:
		out->val = (core_is_any_enum(mt) && btf_kflag(mt)) ||
			   (btf_kind(mt) == BTF_KIND_INT && (BTF_INT_ENCODING(btf_int_bits(mt)) & BTF_INT_SIGNED));
		out->validate = true;
		break;
	case BPF_CORE_FIELD_LSHIFT_U64:
		/* Shift the loaded word left so the field's top bit is bit 63. */
		if (big_endian)
			out->val = (8 - byte_sz) * 8 + (bit_off - byte_off * 8);
		else
			out->val = 64 - (bit_off + bit_sz - byte_off * 8);
		break;
	case BPF_CORE_FIELD_RSHIFT_U64:
		out->val = 64 - bit_sz;
		out->validate = true;
		break;
	}
	return 0;
}

static int calc_type(uint32_t kind, const struct core_spec *s, struct side *out, struct diag *d)
{
	memset(out, 0, sizeof(*out));
	out->validate = true;
	if (!s)
		return 0; /* a missing type reads as 0 for every type relocation */
	switch (kind) {
	case BPF_CORE_TYPE_ID_TARGET:
		/* Type ids move when objects are linked: nothing to check the instruction against. */
		out->val = s->root_id;
		out->validate = false;
		return 0;
	case BPF_CORE_TYPE_EXISTS:
	case BPF_CORE_TYPE_MATCHES:
		out->val = 1;
		return 0;
	case BPF_CORE_TYPE_SIZE: {
		uint32_t sz;
		if (btf_size(s->btf, s->root_id, &sz))
			return diag_set(d, -EINVAL, "core: type [%u] has no size", s->root_id);
		out->val = sz;
		return 0;
	}
	}
	return diag_set(d, -EOPNOTSUPP, "core: relocation %s not supported", core_kind_name(kind));
}

static int calc_enumval(uint32_t kind, const struct core_spec *s, struct side *out)
{
	memset(out, 0, sizeof(*out));
	out->validate = true;
	if (kind == BPF_CORE_ENUMVAL_EXISTS) {
		out->val = s != NULL;
		return 0;
	}
	if (!s) {
		out->poison = true;
		return 0;
	}
	const struct btf_type *t = btf_type(s->btf, s->acc[0].type_id);
	uint32_t i = s->acc[0].idx;
	if (btf_kind(t) == BTF_KIND_ENUM)
		/* Signed enums (kflag) extend their sign; unsigned ones don't. */
		out->val = btf_kflag(t) ? (uint64_t)(int64_t)btf_enums(t)[i].val : (uint32_t)btf_enums(t)[i].val;
	else
		out->val = (uint64_t)btf_enums64(t)[i].val_hi32 << 32 | btf_enums64(t)[i].val_lo32;
	return 0;
}

static int calc(uint32_t kind, const struct core_spec *s, bool big_endian, struct side *out, struct diag *d)
{
	if (field_kind(kind))
		return calc_field(kind, s, big_endian, out, d);
	if (enumval_kind(kind))
		return calc_enumval(kind, s, out);
	return calc_type(kind, s, out, d);
}

/* Target types of the local root's kind and essential name, cached by local id. The kernel's BTF is
 * searched through its name index when it has one (btf_index_names), else scanned. */
static int candidates(const struct btf_spec *local, const struct btf_spec *target, uint32_t local_id,
		      struct core_cache *cache, const struct core_cands **out, struct core_cands *tmp, struct diag *d)
{
	if (cache && !cache->entry_of) {
		cache->entry_of = calloc((size_t)local->nr_types + 1, sizeof(*cache->entry_of));
		if (!cache->entry_of)
			return diag_set(d, -ENOMEM, "core: out of memory");
		cache->nlocal = local->nr_types + 1;
	}
	if (cache && local_id < cache->nlocal && cache->entry_of[local_id]) {
		*out = &cache->e[cache->entry_of[local_id] - 1];
		return 0;
	}
	const struct btf_type *lt = btf_type(local, local_id);
	const char *name = btf_type_name(local, lt);
	size_t len = core_essential_len(name);
	if (!len)
		return diag_set(d, -EINVAL, "core: [%u] %s has no name to look for in the kernel", local_id,
				btf_kind_name(btf_kind(lt)));
	struct core_cands c = {local_id, NULL, 0};
	uint32_t cap = 0, pos = 0, id;
	while ((id = btf_names_next(target, name, len, &pos))) {
		if (!core_kinds_compat(lt, btf_type(target, id)))
			continue;
		if (c.n == cap) {
			cap = cap ? cap * 2 : 4;
			uint32_t *ids = realloc(c.ids, cap * sizeof(*ids));
			if (!ids) {
				free(c.ids);
				return diag_set(d, -ENOMEM, "core: out of memory");
			}
			c.ids = ids;
		}
		c.ids[c.n++] = id;
	}
	if (cache && local_id < cache->nlocal) {
		if (cache->n == cache->cap) {
			uint32_t ncap = cache->cap ? cache->cap * 2 : 8;
			struct core_cands *e = realloc(cache->e, ncap * sizeof(*e));
			if (!e) {
				free(c.ids);
				return diag_set(d, -ENOMEM, "core: out of memory");
			}
			cache->e = e;
			cache->cap = ncap;
		}
		cache->e[cache->n] = c;
		cache->entry_of[local_id] = cache->n + 1;
		*out = &cache->e[cache->n++];
	} else {
		*tmp = c;
		*out = tmp;
	}
	return 0;
}

int core_calc(const struct btf_spec *local, const struct btf_spec *target, const struct bpf_core_relo *r,
	      bool big_endian, struct core_cache *cache, struct core_result *res, struct diag *d)
{
	struct core_spec *ls, *ts, *own = NULL;
	struct core_cands tmp = {0, NULL, 0};
	const struct core_cands *cands = NULL;
	struct side lside, tside, cside;
	char what[160];
	uint32_t steps = CORE_STEPS; /* for every candidate of this record together */
	int err;

	memset(res, 0, sizeof(*res));
	if (r->kind > BPF_CORE_TYPE_MATCHES)
		return diag_set(d, -EOPNOTSUPP, "core: relocation kind %u not supported", r->kind);
	/* Specs are 1.5 KiB each: on the heap, not the stack of a small system; made once per cache
	 * (musl's allocator maps and unmaps a page for each pair freed: 20,000 calls for 10,000
	 * records otherwise). */
	if (cache && !cache->specs)
		cache->specs = malloc(2 * sizeof(*cache->specs));
	ls = cache ? cache->specs : (own = malloc(2 * sizeof(*own)));
	ts = ls ? ls + 1 : NULL;
	if (!ls) {
		err = diag_set(d, -ENOMEM, "core: out of memory");
		goto out;
	}
	err = parse_spec(local, r, ls, d);
	if (err)
		goto out;
	if (r->kind == BPF_CORE_TYPE_ID_LOCAL) {
		/* The object's own type id: the kernel gets the object's BTF, ids unchanged. */
		res->orig_val = res->new_val = r->type_id;
		res->validate = true;
		goto out;
	}
	err = calc(r->kind, ls, big_endian, &lside, d);
	if (err)
		goto out;
	err = candidates(local, target, r->type_id, cache, &cands, &tmp, d);
	if (err)
		goto out;
	for (uint32_t i = 0; i < cands->n; i++) {
		int ok = match_spec(ls, r->kind, target, cands->ids[i], ts, &steps);
		if (ok == -E2BIG) {
			err = diag_set(d, ok, "core: %s: too complex to match against kernel type [%u] (more than %u "
				       "steps through nested members, parameters or candidates)",
				       core_relo_str(local, r, what, sizeof(what)), cands->ids[i], (unsigned)CORE_STEPS);
			goto out;
		}
		if (ok < 0) {
			err = diag_set(d, ok, "core: %s: matching kernel type [%u] failed (%s)",
				       core_relo_str(local, r, what, sizeof(what)), cands->ids[i], strerror(-ok));
			goto out;
		}
		if (!ok)
			continue;
		err = calc(r->kind, ts, big_endian, &cside, d);
		if (err)
			goto out;
		if (res->nmatch && (cside.poison != tside.poison || cside.val != tside.val)) {
			err = diag_set(d, -EINVAL, "core: %s: kernel types [%u] and [%u] give different values (%llu, %llu)",
				       core_relo_str(local, r, what, sizeof(what)), res->target_id, cands->ids[i],
				       (unsigned long long)tside.val, (unsigned long long)cside.val);
			goto out;
		}
		if (!res->nmatch) {
			tside = cside;
			res->target_id = cands->ids[i];
		}
		res->nmatch++;
	}
	if (!res->nmatch) {
		err = calc(r->kind, NULL, big_endian, &tside, d);
		if (err)
			goto out;
	}
	res->orig_val = lside.val;
	res->new_val = tside.val;
	res->orig_sz = lside.sz;
	res->new_sz = tside.sz;
	res->validate = lside.validate;
	res->poison = tside.poison;
	if (field_kind(r->kind) && !res->poison && lside.sz != tside.sz) {
		/* A load of another size still reads the same value only for pointers (kernel
		 * pointers of any width) and unsigned integers (zero extension). */
		const struct btf_type *lt = btf_type(local, lside.type_id), *tt = btf_type(target, tside.type_id);
		bool ok = lt && tt &&
			  ((btf_kind(lt) == BTF_KIND_PTR && btf_kind(tt) == BTF_KIND_PTR) ||
			   (btf_kind(lt) == BTF_KIND_INT && btf_kind(tt) == BTF_KIND_INT &&
			    !(BTF_INT_ENCODING(btf_int_bits(lt)) & BTF_INT_SIGNED) &&
			    !(BTF_INT_ENCODING(btf_int_bits(tt)) & BTF_INT_SIGNED)));
		res->bad_size = !ok;
	}
out:
	free(tmp.ids);
	free(own);
	return err;
}

bool core_type_compat(const struct btf_spec *local, uint32_t local_id, const struct btf_spec *target,
		      uint32_t target_id)
{
	uint32_t l = 0, t = 0;
	if (!core_skip(local, local_id, &l) || !core_skip(target, target_id, &t))
		return local_id == 0 && target_id == 0; /* void and void */
	uint32_t steps = CORE_STEPS;
	return core_types_compat(local, l, target, t, MAX_DEPTH, &steps) == 1;
}

void core_cache_free(struct core_cache *c)
{
	for (uint32_t i = 0; i < c->n; i++)
		free(c->e[i].ids);
	free(c->e);
	free(c->entry_of);
	free(c->specs);
	memset(c, 0, sizeof(*c));
}

char *core_relo_str(const struct btf_spec *local, const struct bpf_core_relo *r, char *buf, size_t n)
{
	const char *str = btf_str(local, r->access_str_off);
	char tname[96];
	size_t used;

	if (!n)
		return buf;
	if (!btf_type(local, r->type_id)) {
		snprintf(buf, n, "[%u]? (%s)", r->type_id, str);
		return buf;
	}
	btf_type_str(local, r->type_id, tname, sizeof(tname));
	used = (size_t)snprintf(buf, n, "%s", tname);
	if (used >= n)
		return buf;
	/* Walk the access string the way parse_spec does, naming each step. */
	uint32_t raw[CORE_SPEC_MAX], len, id;
	const struct btf_type *t = core_skip(local, r->type_id, &id);
	if (!parse_access(str, raw, &len) || !t) {
		snprintf(buf + used, n - used, " (%s)", str);
		return buf;
	}
	if (enumval_kind(r->kind) && core_is_any_enum(t) && raw[0] < btf_vlen(t)) {
		uint32_t off = btf_kind(t) == BTF_KIND_ENUM ? btf_enums(t)[raw[0]].name_off : btf_enums64(t)[raw[0]].name_off;
		snprintf(buf + used, n - used, "::%s", btf_str(local, off));
		return buf;
	}
	if (field_kind(r->kind)) {
		if (raw[0] && used < n)
			used += (size_t)snprintf(buf + used, n - used, "[%u]", raw[0]);
		for (uint32_t i = 1; i < len && used < n; i++) {
			t = core_skip(local, id, &id);
			if (!t)
				break;
			if (core_is_composite(t) && raw[i] < btf_vlen(t)) {
				const struct btf_member *m = &btf_members(t)[raw[i]];
				if (m->name_off)
					used += (size_t)snprintf(buf + used, n - used, ".%s", btf_str(local, m->name_off));
				id = m->type;
			} else if (btf_kind(t) == BTF_KIND_ARRAY) {
				used += (size_t)snprintf(buf + used, n - used, "[%u]", raw[i]);
				id = btf_array_info(t)->type;
			} else {
				break;
			}
		}
	}
	if (used < n)
		snprintf(buf + used, n - used, " (%s)", str);
	return buf;
}
