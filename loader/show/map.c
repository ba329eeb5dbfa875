/* loader/show/map.c — reading one map's entries and rendering them (see show.h). Hash and array
 * maps are read with BPF_MAP_LOOKUP_BATCH where the kernel has it, else key by key; per-CPU values
 * are summed when they are integers; fd-holding maps show the ids the kernel reports. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "common/endian.h"
#include "bpf/sys.h"
#include "btf/render.h"
#include "loader/show/show.h"

enum { BATCH = 64, MAX_ENTRIES_SHOWN = 256 };

struct show_map_state {
	uint32_t key_size, value_size; /* as the kernel has them */
	uint32_t ncpus, stride;        /* per-CPU maps: one stride (value rounded to 8) per CPU */
	uint8_t *keys, *values;        /* BATCH entries each */
	uint8_t batch_token[16];
	bool no_batch;                 /* the kernel refused batch lookups for this map */
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

bool show_map_listed(const struct obj *o, uint32_t i, bool all_maps)
{
	const struct obj_map *m = &o->maps[i];
	if (m->origin == MAP_INNER)
		return false;
	if (m->origin == MAP_DATA && !all_maps)
		return false;
	return m->type != BPF_MAP_TYPE_RINGBUF && m->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY;
}

static struct show_map_state *state_new(const struct obj_map *m)
{
	struct show_map_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->key_size = m->key_size;
	s->value_size = m->value_size;
	s->ncpus = is_percpu(m->type) ? (uint32_t)perf_possible_cpus() : 1;
	s->stride = is_percpu(m->type) ? (m->value_size + 7) / 8 * 8 : m->value_size;
	size_t kb = (size_t)BATCH * (s->key_size ? s->key_size : 1);
	size_t vb = (size_t)BATCH * s->stride * s->ncpus;
	s->keys = malloc(kb);
	s->values = malloc(vb ? vb : 1);
	if (!s->keys || !s->values) {
		show_map_free(s);
		return NULL;
	}
	return s;
}

void show_map_free(struct show_map_state *s)
{
	if (!s)
		return;
	free(s->keys);
	free(s->values);
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
static bool int_value(const struct obj *o, const struct obj_map *m)
{
	if (!o->has_btf || !m->btf_value)
		return m->value_size == 1 || m->value_size == 2 || m->value_size == 4 || m->value_size == 8;
	int id = btf_skip_mods(&o->btf, m->btf_value);
	const struct btf_type *t = id > 0 ? btf_type(&o->btf, (uint32_t)id) : NULL;
	return t && btf_kind(t) == BTF_KIND_INT && t->size <= 8;
}

static void render_one(const struct obj *o, uint32_t type_id, const uint8_t *p, uint32_t size,
		       const char *name, bool json, struct render_budget *bg, struct strbuf *out)
{
	if (o->has_btf && type_id)
		render_value_budget(out, &o->btf, type_id, p, size, name, json ? RENDER_JSON : RENDER_TEXT, bg);
	else
		render_raw(out, p, size, json ? RENDER_JSON : RENDER_TEXT);
}

/* A key: array index, or rendered with its BTF type; a struct of one field shows that field. */
static void render_key(const struct obj *o, const struct obj_map *m, const uint8_t *k, bool json,
		       struct render_budget *bg, struct strbuf *out)
{
	uint32_t id = m->btf_key;
	if (is_array(m->type) || !o->has_btf || !id) {
		uint32_t idx;
		if (m->key_size == 4) {
			memcpy(&idx, k, 4);
			sb_printf(out, "%u", idx);
		} else {
			render_raw(out, k, m->key_size, json ? RENDER_JSON : RENDER_TEXT);
		}
		return;
	}
	int r = btf_skip_mods(&o->btf, id);
	const struct btf_type *t = r > 0 ? btf_type(&o->btf, (uint32_t)r) : NULL;
	if (t && btf_kind(t) == BTF_KIND_STRUCT && btf_vlen(t) == 1 && btf_members(t)[0].offset == 0) {
		const struct btf_member *mem = btf_members(t);
		render_one(o, mem->type, k, m->key_size, btf_str(&o->btf, mem->name_off), json, bg, out);
		return;
	}
	render_one(o, id, k, m->key_size, "", json, bg, out);
}

/* One entry: its key and value(s) share one rendering budget (btf/render.h), with the stop flag. */
static void render_entry(const struct obj *o, const struct obj_map *m, const struct show_map_state *s,
			 const uint8_t *key, const uint8_t *val, bool json, bool first,
			 const volatile sig_atomic_t *stop, struct strbuf *out)
{
	const char *ids = id_kind(m->type);
	struct render_budget budget = render_budget_default(stop), *bg = &budget;
	if (json) {
		sb_puts(out, first ? "{\"key\":" : ",{\"key\":");
		render_key(o, m, key, true, bg, out);
		sb_puts(out, ",\"value\":");
	} else {
		sb_printf(out, "%s[", m->name);
		render_key(o, m, key, false, bg, out);
		sb_puts(out, "] = ");
	}
	if (ids) {
		uint32_t id;
		memcpy(&id, val, 4);
		sb_printf(out, json ? "{\"%s_id\":%u}" : "%s id %u", ids, id);
	} else if (s->ncpus > 1 && int_value(o, m)) {
		uint64_t sum = 0;
		for (uint32_t c = 0; c < s->ncpus; c++) {
			uint64_t v = 0;
			memcpy(&v, val + (size_t)c * s->stride, m->value_size);
			if (host_is_big_endian())
				v >>= 8 * (8 - m->value_size);
			sum += v;
		}
		sb_printf(out, "%llu", (unsigned long long)sum);
	} else if (s->ncpus > 1) {
		sb_putc(out, '[');
		for (uint32_t c = 0; c < s->ncpus; c++) {
			if (c)
				sb_puts(out, json ? "," : ", ");
			render_one(o, m->btf_value, val + (size_t)c * s->stride, m->value_size, "", json, bg, out);
		}
		sb_putc(out, ']');
	} else {
		render_one(o, m->btf_value, val, m->value_size, "", json, bg, out);
	}
	sb_puts(out, json ? "}" : "\n");
}

/* Visit entries in batches. Returns entries read, or a negative errno (-EINVAL/-ENOTSUPP/
 * -EOPNOTSUPP: no batch support for this map). */
static int read_batches(int fd, const struct obj *o, const struct obj_map *m, struct show_map_state *s,
			bool json, const volatile sig_atomic_t *stop, struct strbuf *out, int *shown)
{
	bool first_call = true;
	int total = 0;
	for (;;) {
		uint32_t count = BATCH;
		int err = sys_map_lookup_batch(fd, first_call ? NULL : s->batch_token, s->batch_token, s->keys,
					       s->values, &count, 0);
		if (err && err != -ENOENT)
			return first_call ? err : total;
		first_call = false;
		for (uint32_t k = 0; k < count && *shown < MAX_ENTRIES_SHOWN && !(stop && *stop); k++) {
			const uint8_t *val = s->values + (size_t)k * s->stride * s->ncpus;
			if (is_array(m->type) && all_zero(val, (size_t)s->stride * s->ncpus))
				continue;
			render_entry(o, m, s, s->keys + (size_t)k * s->key_size, val, json, *shown == 0, stop, out);
			(*shown)++;
		}
		total += (int)count;
		if (err == -ENOENT || *shown >= MAX_ENTRIES_SHOWN || (stop && *stop))
			return total;
	}
}

/* Key by key: BPF_MAP_GET_NEXT_KEY, then a lookup. */
static int read_keys(int fd, const struct obj *o, const struct obj_map *m, struct show_map_state *s,
		     bool json, const volatile sig_atomic_t *stop, struct strbuf *out, int *shown)
{
	uint8_t *key = s->keys, *next = s->keys + s->key_size, *val = s->values;
	int total = 0, err = sys_map_next_key(fd, NULL, next);
	while (err == 0 && *shown < MAX_ENTRIES_SHOWN && total < 1 << 20 && !(stop && *stop)) {
		memcpy(key, next, s->key_size);
		total++;
		if (sys_map_lookup(fd, key, val, 0) == 0 &&
		    !(is_array(m->type) && all_zero(val, (size_t)s->stride * s->ncpus)) &&
		    !(id_kind(m->type) && all_zero(val, 4))) {
			render_entry(o, m, s, key, val, json, *shown == 0, stop, out);
			(*shown)++;
		}
		err = sys_map_next_key(fd, key, next);
	}
	return err == 0 || err == -ENOENT ? total : err;
}

int show_map_snapshot(const struct obj *o, const struct loaded *l, uint32_t i, bool json,
		      struct show_map_state **state, const volatile sig_atomic_t *stop, struct strbuf *out)
{
	const struct obj_map *m = &o->maps[i];
	int fd = l->map_fds[i];
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
	if (!*state && !(*state = state_new(m)))
		return -ENOMEM;
	struct show_map_state *s = *state;
	int shown = 0, r = -EOPNOTSUPP;
	if (!s->no_batch && !id_kind(m->type)) {
		r = read_batches(fd, o, m, s, json, stop, out, &shown);
		if (r == -EINVAL || r == -EOPNOTSUPP || r == -524 /* ENOTSUPP */)
			s->no_batch = true;
	}
	if (s->no_batch || id_kind(m->type))
		r = read_keys(fd, o, m, s, json, stop, out, &shown);
	if (json)
		sb_putc(out, ']');
	else if (shown >= MAX_ENTRIES_SHOWN)
		sb_printf(out, "%s: first %d entries shown\n", m->name, MAX_ENTRIES_SHOWN);
	return r < 0 ? r : shown;
}
