/* loader/show/map.c — reading one map's entries and rendering them (see show.h), from a map view:
 * the same code whether the map's description comes from the object model or from the kernel.
 * Hash and array maps are read with BPF_MAP_LOOKUP_BATCH where the kernel has it, else key by key;
 * per-CPU values are summed when they are integers; fd-holding maps show the ids the kernel
 * reports. Each numeric value's change since the previous snapshot follows it (rates.h remembers,
 * ratefmt.h writes). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "common/endian.h"
#include "bpf/sys.h"
#include "btf/render.h"
#include "loader/show/ratefmt.h"
#include "loader/show/rates.h"
#include "loader/show/show.h"

/* A batch holds up to BATCH_BYTES of values (at least 64 entries, and no more than the map can
 * hold): few syscalls for a big map, little memory for a small one. Rendered text is handed on
 * once SPILL_AT bytes have piled up (when the caller gave somewhere to hand it). */
enum { BATCH_MIN = 64, BATCH_BYTES = 256 << 10, SPILL_AT = 64 << 10 };

struct show_map_state {
	uint32_t key_size, value_size; /* as the kernel has them */
	uint32_t ncpus, stride;        /* per-CPU maps: one stride (value rounded to 8) per CPU */
	uint32_t batch;                /* entries per batch */
	uint8_t *keys, *values;        /* `batch` entries each */
	uint8_t batch_token[16];
	bool no_batch;                 /* the kernel refused batch lookups for this map */
	bool cut;                      /* this snapshot did not read the whole map */
	/* Changes between snapshots: the value's numeric leaves, what was seen of them, one entry's
	 * values; NULL rates when the value has nothing numeric (or no memory for it). */
	struct show_leaf leaves[SHOW_LEAVES_MAX];
	uint32_t nleaves;
	struct show_rates *rates;
	uint64_t vals[SHOW_LEAVES_MAX];
	struct strbuf gone;            /* JSON: the keys found gone at this snapshot, comma-separated */
	bool said_keys, said_hist;     /* a cap was named (once) */
};

static bool is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

static bool is_array(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* Maps whose values are fds on update and ids on lookup. */
static const char *id_kind(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PROG_ARRAY: return "prog";
	case BPF_MAP_TYPE_ARRAY_OF_MAPS: case BPF_MAP_TYPE_HASH_OF_MAPS: return "map";
	default: return NULL;
	}
}

static bool iterable(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH: case BPF_MAP_TYPE_ARRAY: case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH: case BPF_MAP_TYPE_PERCPU_ARRAY: case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH: case BPF_MAP_TYPE_LPM_TRIE: case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return true;
	default:
		return false;
	}
}

bool show_map_is_stream(uint32_t type)
{
	return type == BPF_MAP_TYPE_RINGBUF || type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
}

bool show_map_listed(const struct obj *o, uint32_t i, bool all_maps)
{
	const struct obj_map *m = &o->maps[i];
	if (m->origin == MAP_INNER)
		return false;
	if (m->origin == MAP_DATA && !all_maps)
		return false;
	if (m->origin == MAP_STRUCT_OPS) /* a kernel ops table: its value is the programs' fds */
		return false;
	/* usdt.bpf.h's spec and address maps are the loader's business, like global data. */
	if (!all_maps && strncmp(m->name, "__bpf_usdt_", 11) == 0)
		return false;
	return !show_map_is_stream(m->type);
}

void show_map_view_obj(const struct obj *o, const struct loaded *l, uint32_t i, struct show_map_view *v)
{
	const struct obj_map *m = &o->maps[i];
	*v = (struct show_map_view){
		.name = m->name, .fd = l->map_fds[i], .type = m->type, .key_size = m->key_size,
		.value_size = m->value_size, .max_entries = m->max_entries, .btf = o->has_btf ? &o->btf : NULL,
		.btf_key = o->has_btf ? m->btf_key : 0, .btf_value = o->has_btf ? m->btf_value : 0,
	};
}

static struct show_map_state *state_new(const struct show_map_view *m, const struct show_opts *opts)
{
	struct show_map_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->key_size = m->key_size;
	s->value_size = m->value_size;
	s->ncpus = is_percpu(m->type) ? (uint32_t)perf_possible_cpus() : 1;
	s->stride = is_percpu(m->type) ? (m->value_size + 7) / 8 * 8 : m->value_size;
	size_t per = (size_t)s->stride * s->ncpus + s->key_size;
	s->batch = per && BATCH_BYTES / per > BATCH_MIN ? (uint32_t)(BATCH_BYTES / per) : BATCH_MIN;
	if (m->max_entries && m->max_entries < s->batch)
		s->batch = m->max_entries < 2 ? 2 : m->max_entries; /* read_keys needs two keys' room */
	size_t kb = (size_t)s->batch * (s->key_size ? s->key_size : 1);
	size_t vb = (size_t)s->batch * s->stride * s->ncpus;
	s->keys = malloc(kb);
	s->values = malloc(vb ? vb : 1);
	if (!s->keys || !s->values) {
		show_map_free(s);
		return NULL;
	}
	if (!id_kind(m->type))
		s->nleaves = show_leaves_find(m->btf, m->btf_value, m->value_size, s->leaves, SHOW_LEAVES_MAX);
	/* One snapshot (-n 1) has nothing to compare with: nothing is remembered. */
	if (s->nleaves && opts->count != 1)
		s->rates = show_rates_new(m->key_size, s->nleaves, opts->sparklines && !opts->json);
	narrate(opts->say, "show: %s: %u numeric leaves%s", m->name, s->nleaves,
		!s->nleaves || s->rates ? "" : opts->count == 1 ? " (one snapshot: no changes to show)"
					       : ", no memory to follow them");
	return s;
}

void show_map_free(struct show_map_state *s)
{
	if (!s)
		return;
	free(s->keys);
	free(s->values);
	show_rates_free(s->rates);
	sb_free(&s->gone);
	free(s);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Is the value type an integer (so per-CPU values can be summed)? */
static bool int_value(const struct show_map_view *m)
{
	if (!m->btf || !m->btf_value)
		return m->value_size == 1 || m->value_size == 2 || m->value_size == 4 || m->value_size == 8;
	int id = btf_skip_mods(m->btf, m->btf_value);
	const struct btf_type *t = id > 0 ? btf_type(m->btf, (uint32_t)id) : NULL;
	return t && btf_kind(t) == BTF_KIND_INT && t->size <= 8;
}

static void render_one(const struct show_map_view *m, uint32_t type_id, const uint8_t *p, uint32_t size,
		       const char *name, bool json, struct render_budget *bg, struct strbuf *out)
{
	if (m->btf && type_id)
		render_value_budget(out, m->btf, type_id, p, size, name, json ? RENDER_JSON : RENDER_TEXT, bg);
	else
		render_raw(out, p, size, json ? RENDER_JSON : RENDER_TEXT);
}

/* A key: array index, or rendered with its BTF type; a struct of one field shows that field. */
static void render_key(const struct show_map_view *m, const uint8_t *k, bool json, struct render_budget *bg,
		       struct strbuf *out)
{
	uint32_t id = m->btf_key;
	if (is_array(m->type) || !m->btf || !id) {
		uint32_t idx;
		if (m->key_size == 4) {
			memcpy(&idx, k, 4);
			sb_printf(out, "%u", idx);
		} else {
			render_raw(out, k, m->key_size, json ? RENDER_JSON : RENDER_TEXT);
		}
		return;
	}
	int r = btf_skip_mods(m->btf, id);
	const struct btf_type *t = r > 0 ? btf_type(m->btf, (uint32_t)r) : NULL;
	if (t && btf_kind(t) == BTF_KIND_STRUCT && btf_vlen(t) == 1 && btf_members(t)[0].offset == 0) {
		const struct btf_member *mem = btf_members(t);
		render_one(m, mem->type, k, m->key_size, btf_str(m->btf, mem->name_off), json, bg, out);
		return;
	}
	render_one(m, id, k, m->key_size, "", json, bg, out);
}

/* CPU c's copy of a per-CPU integer value. */
static uint64_t cpu_int(const struct show_map_view *m, const struct show_map_state *s, const uint8_t *val, uint32_t c)
{
	uint64_t v = 0;
	memcpy(&v, val + (size_t)c * s->stride, m->value_size);
	if (host_is_big_endian())
		v >>= 8 * (8 - m->value_size);
	return v;
}

/* --per-cpu: each CPU's value after the sum, JSON ,"per_cpu":[12,8] (every CPU), text
 * " [cpu0 12, cpu1 8]" (the CPUs whose value is not 0). */
static void per_cpu_ints(const struct show_map_view *m, const struct show_map_state *s, const uint8_t *val,
			 bool json, struct strbuf *out)
{
	sb_puts(out, json ? ",\"per_cpu\":[" : " [");
	bool any = false;
	for (uint32_t c = 0; c < s->ncpus; c++) {
		uint64_t v = cpu_int(m, s, val, c);
		if (json)
			sb_printf(out, "%s%llu", c ? "," : "", (unsigned long long)v);
		else if (v)
			sb_printf(out, "%scpu%u %llu", any ? ", " : "", c, (unsigned long long)v);
		any |= v != 0;
	}
	sb_puts(out, json || any ? "]" : "every CPU 0]");
}

/* One entry: key, value and the value's change. flags go to show_rates_update (RATE_FORGET: an
 * array slot back to zero, shown once with its drop). The key and the value(s) share one rendering
 * budget (btf/render.h), which looks at the display's stop flag. */
static void render_entry(const struct show_map_view *m, struct show_map_state *s, const struct show_opts *opts,
			 const uint8_t *key, const uint8_t *val, unsigned flags, bool first, struct strbuf *out)
{
	bool json = opts->json;
	const char *ids = id_kind(m->type);
	struct render_budget budget = render_budget_default(opts->stop), *bg = &budget;
	if (json) {
		sb_puts(out, first ? "{\"key\":" : ",{\"key\":");
		render_key(m, key, true, bg, out);
		sb_puts(out, ",\"value\":");
	} else {
		sb_printf(out, "%s[", m->name);
		render_key(m, key, false, bg, out);
		sb_puts(out, "] = ");
	}
	if (ids) {
		uint32_t id;
		memcpy(&id, val, 4);
		sb_printf(out, json ? "{\"%s_id\":%u}" : "%s id %u", ids, id);
	} else if (s->ncpus > 1 && int_value(m)) {
		uint64_t sum = 0;
		for (uint32_t c = 0; c < s->ncpus; c++)
			sum += cpu_int(m, s, val, c);
		sb_printf(out, "%llu", (unsigned long long)sum);
		if (opts->per_cpu)
			per_cpu_ints(m, s, val, json, out);
	} else if (s->ncpus > 1) {
		sb_putc(out, '[');
		for (uint32_t c = 0; c < s->ncpus; c++) {
			if (c)
				sb_puts(out, json ? "," : ", ");
			render_one(m, m->btf_value, val + (size_t)c * s->stride, m->value_size, "", json, bg, out);
		}
		sb_putc(out, ']');
	} else {
		render_one(m, m->btf_value, val, m->value_size, "", json, bg, out);
	}
	if (s->rates) {
		struct show_rate e;
		show_leaves_read(s->leaves, s->nleaves, val, s->ncpus, s->stride, s->vals);
		show_rates_update(s->rates, key, s->vals, flags | (is_array(m->type) ? RATE_ARRAY_SLOT : 0u), &e);
		if (json)
			show_rate_json(out, s->leaves, s->nleaves, &e);
		else
			show_rate_text(out, s->rates, s->leaves, s->nleaves, &e, opts->sparklines);
	}
	sb_puts(out, json ? "}" : "\n");
}

/* An array slot read as zeros is skipped, unless it was shown before: then it is shown once more,
 * with its drop, and forgotten. Returns the flags to render it with, or -1 to skip it. */
static int zero_slot(const struct show_map_view *m, const struct show_map_state *s, const uint8_t *key,
		     const uint8_t *val)
{
	if (!is_array(m->type) || !all_zero(val, (size_t)s->stride * s->ncpus))
		return 0;
	return s->rates && show_rates_known(s->rates, key) ? RATE_FORGET : -1;
}

/* Visit entries in batches. Returns entries read, or a negative errno (-EINVAL/-ENOTSUPP/
 * -EOPNOTSUPP: no batch support for this map). */
static int read_batches(int fd, const struct show_map_view *m, struct show_map_state *s,
			const struct show_opts *opts, uint32_t limit, struct strbuf *out, uint32_t *shown)
{
	bool first_call = true;
	int total = 0;
	for (;;) {
		uint32_t count = s->batch;
		int err = sys_map_lookup_batch(fd, first_call ? NULL : s->batch_token, s->batch_token, s->keys,
					       s->values, &count, 0);
		if (err && err != -ENOENT) {
			s->cut = !first_call;
			return first_call ? err : total;
		}
		first_call = false;
		for (uint32_t k = 0; k < count && *shown < limit && !(opts->stop && *opts->stop); k++) {
			const uint8_t *key = s->keys + (size_t)k * s->key_size;
			const uint8_t *val = s->values + (size_t)k * s->stride * s->ncpus;
			int flags = zero_slot(m, s, key, val);
			if (flags < 0)
				continue;
			render_entry(m, s, opts, key, val, (unsigned)flags, *shown == 0, out);
			(*shown)++;
		}
		total += (int)count;
		sb_spill(out, SPILL_AT);
		if (err == -ENOENT || *shown >= limit || total >= INT32_MAX - (int)s->batch || (opts->stop && *opts->stop))
			return total;
	}
}

/* Key by key: BPF_MAP_GET_NEXT_KEY, then a lookup. */
static int read_keys(int fd, const struct show_map_view *m, struct show_map_state *s,
		     const struct show_opts *opts, uint32_t limit, struct strbuf *out, uint32_t *shown)
{
	uint8_t *key = s->keys, *next = s->keys + s->key_size, *val = s->values;
	int total = 0, err = sys_map_next_key(fd, NULL, next);
	while (err == 0 && *shown < limit && total < 1 << 24 && !(opts->stop && *opts->stop)) {
		if (total % 1024 == 0)
			sb_spill(out, SPILL_AT);
		memcpy(key, next, s->key_size);
		total++;
		int flags = 0;
		if (sys_map_lookup(fd, key, val, 0) == 0 && (flags = zero_slot(m, s, key, val)) >= 0 &&
		    !(id_kind(m->type) && all_zero(val, 4))) {
			render_entry(m, s, opts, key, val, (unsigned)flags, *shown == 0, out);
			(*shown)++;
		}
		err = sys_map_next_key(fd, key, next);
	}
	s->cut |= err == 0;
	return err == 0 || err == -ENOENT ? total : err;
}

struct gone_ctx {
	const struct show_map_view *m;
	struct show_map_state *s;
	bool json;
	struct strbuf *out;
};

static void on_gone(void *ctx, const uint8_t *key)
{
	struct gone_ctx *g = ctx;
	struct render_budget bg = render_budget_default(NULL); /* a key: small, and bounded anyway */
	if (g->json) {
		if (g->s->gone.len)
			sb_putc(&g->s->gone, ',');
		render_key(g->m, key, true, &bg, &g->s->gone);
		return;
	}
	sb_printf(g->out, "%s[", g->m->name);
	render_key(g->m, key, false, &bg, g->out);
	sb_puts(g->out, "] (gone)\n");
}

/* The snapshot's end for the changes: keys gone from a hash that was read whole are said, the caps
 * named the first time they are reached. */
static void end_rates(const struct show_map_view *m, struct show_map_state *s, const struct show_opts *opts,
		      bool complete, struct strbuf *out)
{
	struct gone_ctx g = {m, s, opts->json, out};
	sb_reset(&s->gone);
	show_rates_end(s->rates, complete, is_array(m->type) ? NULL : on_gone, &g);
	struct show_rates_caps caps = show_rates_caps(s->rates);
	if (caps.keys_refused && !s->said_keys) {
		s->said_keys = true;
		narrate(opts->note, "show: %s: changes are followed for %u keys at most: the other keys are shown "
			"without them", m->name, caps.max_keys);
	}
	if (caps.hist_refused && !s->said_hist) {
		s->said_hist = true;
		narrate(opts->note, "show: %s: sparklines are kept for %u keys at most: the other keys are shown "
			"without them", m->name, caps.max_hist);
	}
}

bool show_map_take_gone(struct show_map_state *s, struct strbuf *out)
{
	if (!s || !s->gone.len)
		return false;
	sb_putc(out, '[');
	sb_putn(out, s->gone.buf, s->gone.len);
	sb_putc(out, ']');
	sb_reset(&s->gone);
	return true;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int show_map_snapshot(const struct show_map_view *m, const struct show_opts *opts, struct show_map_state **state,
		      struct strbuf *out)
{
	bool json = opts->json;
	int fd = m->fd;
	if (fd < 0)
		return -EBADF;
	if (json)
		sb_putc(out, '[');
	if (!iterable(m->type)) {
		if (!json)
			sb_printf(out, "%s: %s maps cannot be listed\n", m->name, obj_map_type_name(m->type));
		else
			sb_putc(out, ']');
		return 0;
	}
	if (!*state && !(*state = state_new(m, opts)))
		return -ENOMEM;
	struct show_map_state *s = *state;
	uint32_t shown = 0, limit = opts->max_entries ? opts->max_entries : SHOW_MAX_ENTRIES;
	int r = -EOPNOTSUPP;
	s->cut = false;
	if (s->rates)
		show_rates_begin(s->rates, now_ns()); /* the interval is measured, not taken from -i */
	if (!s->no_batch && !id_kind(m->type)) {
		r = read_batches(fd, m, s, opts, limit, out, &shown);
		if (r == -EINVAL || r == -EOPNOTSUPP || r == -524 /* ENOTSUPP */)
			s->no_batch = true;
	}
	if (s->no_batch || id_kind(m->type))
		r = read_keys(fd, m, s, opts, limit, out, &shown);
	if (s->rates)
		end_rates(m, s, opts, r >= 0 && !s->cut && shown < limit, out);
	if (json)
		sb_putc(out, ']');
	else if (shown >= limit)
		sb_printf(out, "%s: first %u entries shown\n", m->name, limit);
	return r < 0 ? r : shown > INT32_MAX ? INT32_MAX : (int)shown;
}
