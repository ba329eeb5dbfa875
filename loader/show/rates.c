/* loader/show/rates.c — the display's memory of a map between snapshots (see rates.h): numeric
 * leaves found once from the BTF; per key its leaves' last values and time, indexed by an
 * open-addressing hash of the key's bytes; sparkline samples in a ring per key and leaf. Entries
 * live in flat arrays that only grow (doubling, to the caps), so a display that runs for hours
 * allocates nothing per snapshot; keys that are gone are dropped by one compaction at the end of
 * the snapshot. Doesn't own the text (ratefmt.c) or reading maps (map.c). */
#include "loader/show/rates.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/render.h"

/* ---- leaves ------------------------------------------------------------------------------------ */

struct leaf_walk {
	const struct btf_spec *b;
	struct show_leaf *out;
	uint32_t n, max, value_size;
};

static void walk_leaves(struct leaf_walk *w, uint32_t id, uint64_t offset, const char *path, const char *name,
			int depth)
{
	if (w->n >= w->max || depth > SHOW_LEAF_DEPTH || offset >= w->value_size)
		return;
	int rid = btf_skip_mods(w->b, id);
	const struct btf_type *t = rid > 0 ? btf_type(w->b, (uint32_t)rid) : NULL;
	if (!t)
		return;
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint32_t size = t->size;
		if ((size != 1 && size != 2 && size != 4 && size != 8) || offset + size > w->value_size ||
		    !render_is_number(w->b, id, name))
			return;
		struct show_leaf *l = &w->out[w->n++];
		l->offset = (uint32_t)offset;
		l->size = (uint8_t)size;
		l->is_signed = BTF_INT_ENCODING(btf_int_bits(t)) & BTF_INT_SIGNED;
		snprintf(l->name, sizeof(l->name), "%s", path);
		return;
	}
	case BTF_KIND_STRUCT: {
		const struct btf_member *m = btf_members(t);
		for (uint32_t i = 0; i < btf_vlen(t) && w->n < w->max; i++) {
			uint32_t bit = btf_member_bit_offset(t, &m[i]);
			if (btf_member_bitfield_size(t, &m[i]) || bit % 8)
				continue;
			const char *mname = btf_str(w->b, m[i].name_off);
			char sub[sizeof(((struct show_leaf *)0)->name)];
			snprintf(sub, sizeof(sub), "%s%s%s", path, *path && *mname ? "." : "", mname);
			walk_leaves(w, m[i].type, offset + bit / 8, sub, mname, depth + 1);
		}
		return;
	}
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = btf_secinfos(t);
		for (uint32_t i = 0; i < btf_vlen(t) && w->n < w->max; i++) {
			const struct btf_type *var = btf_type(w->b, v[i].type);
			if (!var || btf_kind(var) != BTF_KIND_VAR)
				continue;
			const char *vname = btf_type_name(w->b, var);
			walk_leaves(w, var->type, offset + v[i].offset, vname, vname, depth + 1);
		}
		return;
	}
	default:
		return; /* enums, arrays, unions, pointers, floats: shown, not counted */
	}
}

uint32_t show_leaves_find(const struct btf_spec *b, uint32_t type_id, uint32_t value_size, struct show_leaf *out,
			  uint32_t max)
{
	if (!b || !type_id) {
		if (max == 0 || (value_size != 1 && value_size != 2 && value_size != 4 && value_size != 8))
			return 0;
		out[0] = (struct show_leaf){.offset = 0, .size = (uint8_t)value_size};
		return 1;
	}
	struct leaf_walk w = {b, out, 0, max, value_size};
	walk_leaves(&w, type_id, 0, "", "", 0);
	return w.n;
}

static uint64_t leaf_value(const struct show_leaf *l, const uint8_t *p)
{
	switch (l->size) {
	case 1: return l->is_signed ? (uint64_t)(int64_t)(int8_t)p[0] : p[0];
	case 2: { uint16_t v; memcpy(&v, p, 2); return l->is_signed ? (uint64_t)(int64_t)(int16_t)v : v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return l->is_signed ? (uint64_t)(int64_t)(int32_t)v : v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

void show_leaves_read(const struct show_leaf *leaves, uint32_t n, const uint8_t *value, uint32_t ncpus,
		      uint32_t stride, uint64_t *out)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t sum = 0;
		for (uint32_t c = 0; c < ncpus; c++)
			sum += leaf_value(&leaves[i], value + (size_t)c * stride + leaves[i].offset);
		out[i] = sum;
	}
}

/* ---- the table ------------------------------------------------------------------------------- */

enum { SEEN_FORGET = UINT32_MAX }; /* seen[] of an entry to drop at the end of this snapshot */

struct show_rates {
	uint32_t key_size, nleaves;
	uint32_t max_keys, max_hist;  /* the caps, from the byte budgets */
	bool history;
	uint32_t n, cap;              /* entries; room in the arrays */
	uint8_t *keys;                /* cap × key_size */
	uint64_t *vals;               /* cap × nleaves: the values at the entry's last snapshot */
	uint64_t *when;               /* cap: that snapshot's time */
	uint32_t *seen;               /* cap: the generation of the snapshot that last saw it */
	uint32_t *slots, nslots;      /* the index: entry + 1, 0 when empty; nslots a power of two */
	uint32_t hist_cap;            /* entries below it have room for a history */
	float *hist;                  /* hist_cap × nleaves × SHOW_SPARK_SAMPLES, a ring per leaf */
	uint8_t *hist_len, *hist_head; /* hist_cap: samples in the ring, where the next one goes */
	uint32_t gen;                 /* this snapshot's generation (never 0 or SEEN_FORGET) */
	uint64_t now, prev;           /* this snapshot's time, the previous one's */
	bool first;                   /* no snapshot ended yet */
	bool prev_complete;           /* the previous snapshot read the whole map */
	bool keys_refused, hist_refused;
};

static uint32_t hash_key(const uint8_t *k, uint32_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h ^ (h >> 15);
}

struct show_rates *show_rates_new(uint32_t key_size, uint32_t nleaves, bool history)
{
	if (nleaves == 0 || nleaves > SHOW_LEAVES_MAX)
		return NULL;
	struct show_rates *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->key_size = key_size;
	r->nleaves = nleaves;
	r->history = history;
	/* Per entry: its key, its values, time, generation, and two index slots (the index stays at
	 * most half full). */
	uint64_t per = (uint64_t)key_size + 8ull * nleaves + 8 + 4 + 8;
	uint64_t keys = SHOW_RATE_BYTES / per;
	r->max_keys = keys > SHOW_RATE_KEYS ? SHOW_RATE_KEYS : (uint32_t)keys;
	uint64_t hper = (uint64_t)nleaves * SHOW_SPARK_SAMPLES * sizeof(float) + 2;
	uint64_t hkeys = SHOW_HIST_BYTES / hper;
	r->max_hist = !history ? 0 : hkeys > SHOW_HIST_KEYS ? SHOW_HIST_KEYS : (uint32_t)hkeys;
	r->gen = 1;
	r->first = true;
	return r;
}

void show_rates_free(struct show_rates *r)
{
	if (!r)
		return;
	free(r->keys);
	free(r->vals);
	free(r->when);
	free(r->seen);
	free(r->slots);
	free(r->hist);
	free(r->hist_len);
	free(r->hist_head);
	free(r);
}

/* Where key is in the index: the slot holding it, or the empty slot where it would go. */
static uint32_t find_slot(const struct show_rates *r, const uint8_t *key, bool *found)
{
	uint32_t mask = r->nslots - 1, i = hash_key(key, r->key_size) & mask;
	for (;;) {
		uint32_t e = r->slots[i];
		if (!e) {
			*found = false;
			return i;
		}
		if (!memcmp(r->keys + (size_t)(e - 1) * r->key_size, key, r->key_size)) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

static void reindex(struct show_rates *r)
{
	memset(r->slots, 0, (size_t)r->nslots * sizeof(*r->slots));
	for (uint32_t e = 0; e < r->n; e++) {
		bool found;
		uint32_t i = find_slot(r, r->keys + (size_t)e * r->key_size, &found);
		r->slots[i] = e + 1;
	}
}

static bool grow_array(void **p, size_t bytes)
{
	void *q = realloc(*p, bytes ? bytes : 1);
	if (!q)
		return false;
	*p = q;
	return true;
}

/* Room for one entry more: the arrays doubled (to max_keys), the index rebuilt at twice that. */
static bool grow(struct show_rates *r)
{
	uint32_t cap = r->cap ? r->cap * 2 : 16;
	if (cap > r->max_keys)
		cap = r->max_keys;
	if (cap <= r->n)
		return false;
	uint32_t nslots = 32;
	while (nslots < 2 * cap)
		nslots *= 2;
	uint32_t hcap = cap < r->max_hist ? cap : r->max_hist;
	size_t ks = r->key_size ? r->key_size : 1;
	if (!grow_array((void **)&r->keys, (size_t)cap * ks) ||
	    !grow_array((void **)&r->vals, (size_t)cap * r->nleaves * sizeof(uint64_t)) ||
	    !grow_array((void **)&r->when, (size_t)cap * sizeof(uint64_t)) ||
	    !grow_array((void **)&r->seen, (size_t)cap * sizeof(uint32_t)))
		return false;
	if (hcap > r->hist_cap) {
		if (!grow_array((void **)&r->hist, (size_t)hcap * r->nleaves * SHOW_SPARK_SAMPLES * sizeof(float)) ||
		    !grow_array((void **)&r->hist_len, hcap) || !grow_array((void **)&r->hist_head, hcap))
			return false;
		r->hist_cap = hcap;
	}
	if (nslots != r->nslots) {
		uint32_t *slots = calloc(nslots, sizeof(*slots));
		if (!slots)
			return false;
		free(r->slots);
		r->slots = slots;
		r->nslots = nslots;
		reindex(r);
	}
	r->cap = cap;
	return true;
}

void show_rates_begin(struct show_rates *r, uint64_t now_ns)
{
	r->prev = r->now;
	r->now = now_ns;
	if (++r->gen == SEEN_FORGET)
		r->gen = 1;
}

bool show_rates_known(const struct show_rates *r, const uint8_t *key)
{
	bool found = false;
	if (r->n)
		find_slot(r, key, &found);
	return found;
}

static void push_sample(struct show_rates *r, uint32_t e, const int64_t *delta, uint64_t elapsed)
{
	if (e >= r->hist_cap)
		return;
	float *h = r->hist + (size_t)e * r->nleaves * SHOW_SPARK_SAMPLES;
	uint32_t at = r->hist_head[e];
	for (uint32_t i = 0; i < r->nleaves; i++)
		h[(size_t)i * SHOW_SPARK_SAMPLES + at] =
			delta[i] < 0 || !elapsed ? NAN : (float)((double)delta[i] * 1e9 / (double)elapsed);
	r->hist_head[e] = (uint8_t)((at + 1) % SHOW_SPARK_SAMPLES);
	if (r->hist_len[e] < SHOW_SPARK_SAMPLES)
		r->hist_len[e]++;
}

void show_rates_update(struct show_rates *r, const uint8_t *key, const uint64_t *vals, unsigned flags,
		       struct show_rate *out)
{
	out->entry = UINT32_MAX;
	out->elapsed_ns = 0;
	bool found = false;
	uint32_t slot = r->nslots ? find_slot(r, key, &found) : 0;
	if (found) {
		uint32_t e = r->slots[slot] - 1;
		if (r->seen[e] == r->gen || r->seen[e] == SEEN_FORGET) {
			out->state = RATE_UNTRACKED; /* twice in one snapshot (a hash changing as it is read) */
			return;
		}
		uint64_t *old = r->vals + (size_t)e * r->nleaves;
		for (uint32_t i = 0; i < r->nleaves; i++)
			out->delta[i] = (int64_t)(vals[i] - old[i]);
		out->elapsed_ns = r->now - r->when[e];
		out->state = RATE_CHANGE;
		out->entry = e;
		memcpy(old, vals, r->nleaves * sizeof(*vals));
		r->when[e] = r->now;
		r->seen[e] = flags & RATE_FORGET ? SEEN_FORGET : r->gen;
		push_sample(r, e, out->delta, out->elapsed_ns);
		return;
	}
	if (flags & RATE_FORGET) {
		out->state = RATE_UNTRACKED;
		return;
	}
	if (r->n == r->cap) {
		if (!grow(r)) {
			r->keys_refused = true;
			out->state = RATE_UNTRACKED;
			return;
		}
		slot = find_slot(r, key, &found); /* the index was rebuilt */
	}
	uint32_t e = r->n++;
	memcpy(r->keys + (size_t)e * r->key_size, key, r->key_size);
	memcpy(r->vals + (size_t)e * r->nleaves, vals, r->nleaves * sizeof(*vals));
	r->when[e] = r->now;
	r->seen[e] = r->gen;
	r->slots[slot] = e + 1;
	if (e < r->hist_cap) {
		r->hist_len[e] = 0;
		r->hist_head[e] = 0;
	} else if (r->history) {
		r->hist_refused = true;
	}
	out->entry = e;
	if (r->first) {
		out->state = RATE_FIRST;
	} else if ((flags & RATE_ARRAY_SLOT) && r->prev_complete) {
		/* The slot held zeros at the previous snapshot, which read the whole map. */
		for (uint32_t i = 0; i < r->nleaves; i++)
			out->delta[i] = (int64_t)vals[i];
		out->elapsed_ns = r->now - r->prev;
		out->state = RATE_CHANGE;
		push_sample(r, e, out->delta, out->elapsed_ns);
	} else {
		out->state = RATE_NEW;
	}
}

uint32_t show_rates_history(const struct show_rates *r, const struct show_rate *e, uint32_t leaf,
			    float out[SHOW_SPARK_SAMPLES])
{
	if (e->entry >= r->hist_cap || leaf >= r->nleaves)
		return 0;
	const float *h = r->hist + ((size_t)e->entry * r->nleaves + leaf) * SHOW_SPARK_SAMPLES;
	uint32_t n = r->hist_len[e->entry], head = r->hist_head[e->entry];
	for (uint32_t i = 0; i < n; i++)
		out[i] = h[(head + SHOW_SPARK_SAMPLES - n + i) % SHOW_SPARK_SAMPLES];
	return n;
}

/* Entry `from` moves down to `to` (to < from), its history with it when `to` has room for one. */
static void move_entry(struct show_rates *r, uint32_t from, uint32_t to)
{
	memcpy(r->keys + (size_t)to * r->key_size, r->keys + (size_t)from * r->key_size, r->key_size);
	memcpy(r->vals + (size_t)to * r->nleaves, r->vals + (size_t)from * r->nleaves, r->nleaves * sizeof(uint64_t));
	r->when[to] = r->when[from];
	r->seen[to] = r->seen[from];
	if (to >= r->hist_cap)
		return;
	if (from < r->hist_cap) {
		size_t per = (size_t)r->nleaves * SHOW_SPARK_SAMPLES;
		memcpy(r->hist + to * per, r->hist + from * per, per * sizeof(float));
		r->hist_len[to] = r->hist_len[from];
		r->hist_head[to] = r->hist_head[from];
	} else {
		r->hist_len[to] = 0;
		r->hist_head[to] = 0;
	}
}

void show_rates_end(struct show_rates *r, bool complete, void (*gone)(void *ctx, const uint8_t *key), void *ctx)
{
	uint32_t kept = 0;
	for (uint32_t e = 0; e < r->n; e++) {
		bool forget = r->seen[e] == SEEN_FORGET;
		if (forget || (complete && r->seen[e] != r->gen)) {
			if (!forget && gone)
				gone(ctx, r->keys + (size_t)e * r->key_size);
			continue;
		}
		if (e != kept)
			move_entry(r, e, kept);
		kept++;
	}
	if (kept != r->n) {
		r->n = kept;
		reindex(r);
	}
	r->first = false;
	r->prev_complete = complete;
}

struct show_rates_caps show_rates_caps(const struct show_rates *r)
{
	return (struct show_rates_caps){r->max_keys, r->max_hist, r->keys_refused, r->hist_refused};
}

void show_rates_set_caps(struct show_rates *r, uint32_t max_keys, uint32_t max_hist)
{
	if (r->cap)
		return; /* the arrays are made: too late */
	if (max_keys < r->max_keys)
		r->max_keys = max_keys;
	if (max_hist < r->max_hist)
		r->max_hist = max_hist;
}
