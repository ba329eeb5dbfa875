/* loader/obj/maps.c — maps of the object model: legacy `maps` records (20-, 28- and iproute2's
 * 36-byte layouts), BTF-defined `.maps` (attributes encoded in member types, inner maps through
 * __array), global data sections as internal ARRAY maps named the way libbpf names them, and
 * static initialisers of map-in-maps and prog arrays. Pure; every size and index is checked. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/endian.h"
#include "loader/obj/obj_internal.h"

enum { R_BPF_64_64 = 1, R_BPF_64_ABS64 = 2 };

static bool is_map_in_map(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

/* Append a zeroed map; returns its index or a negative errno. Pointers into o->maps do not
 * survive this call. */
/* Arrays grown one element at a time double when their count is 0 or a power of two: appending n
 * elements costs O(n), and no capacity needs keeping. */
static void *grow_pow2(void *p, uint32_t count, size_t elem)
{
	if (count & (count - 1))
		return p; /* room left */
	return realloc(p, (count ? 2 * (size_t)count : 1) * elem);
}

int obj_add_map(struct obj *o, const char *name, struct diag *d)
{
	struct obj_map *maps = grow_pow2(o->maps, o->nmaps, sizeof(*maps));
	if (!maps)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	o->maps = maps;
	struct obj_map *m = &maps[o->nmaps];
	memset(m, 0, sizeof(*m));
	m->name = strdup(name);
	if (!m->name)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	m->inner = -1;
	m->legacy_inner_idx = -1;
	m->values_off = UINT32_MAX;
	return (int)o->nmaps++;
}

static int add_init(struct obj *o, uint32_t map, uint32_t slot, bool is_prog, uint32_t index,
		    struct diag *d)
{
	if (slot >= o->maps[map].max_entries)
		return diag_set(d, -EINVAL, "map '%s': initialiser slot %u beyond max_entries %u",
				o->maps[map].name, slot, o->maps[map].max_entries);
	/* A slot initialised twice is found once they are sorted (obj_parse_inits). */
	struct obj_init *inits = grow_pow2(o->inits, o->ninits, sizeof(*inits));
	if (!inits)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	o->inits = inits;
	inits[o->ninits++] = (struct obj_init){.map = map, .slot = slot, .is_prog = is_prog, .index = index};
	return 0;
}

/* ---- legacy "maps" section ------------------------------------------------------------------ */

struct legacy_extra { uint32_t id, inner_id, inner_idx; }; /* iproute2's map-in-map wiring */

struct id_key {
	uint32_t id, map;
};

static int cmp_id(const void *a, const void *b)
{
	const struct id_key *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->map < y->map ? -1 : x->map > y->map;
}

/* The last map (highest index) other than self whose iproute2 id is id, or -1. */
static int outer_of(const struct id_key *ids, uint32_t n, uint32_t id, uint32_t self)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) { /* the first key above id */
		uint32_t mid = lo + (hi - lo) / 2;
		if (ids[mid].id <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t k = lo; k > 0 && ids[k - 1].id == id; k--)
		if (ids[k - 1].map != self)
			return (int)ids[k - 1].map;
	return -1;
}

/* One record of the legacy "maps" section, at off (p points at it; rec bytes): the 20-byte
 * definition every layout starts with, then samples/bpf's inner_map_idx and numa_node (28 bytes)
 * or iproute2's id, pinning, inner_id and inner_idx (36 bytes); any other byte must be zero. */
static int legacy_record(struct obj *o, struct obj_map *m, uint32_t sec, uint64_t off, const uint8_t *p,
			 uint64_t rec, struct legacy_extra *x, struct diag *d)
{
	bool sw = o->elf.swap;
	int err = 0;
	m->origin = MAP_LEGACY;
	m->sec = sec;
	m->sec_off = off;
	m->type = rd32(p, sw);
	m->key_size = rd32(p + 4, sw);
	m->value_size = rd32(p + 8, sw);
	m->max_entries = rd32(p + 12, sw);
	m->flags = rd32(p + 16, sw);
	uint64_t known = 20;
	if (rec == 36) { /* iproute2: id, pinning, inner_id, inner_idx */
		x->id = rd32(p + 20, sw);
		m->pinning = rd32(p + 24, sw);
		x->inner_id = rd32(p + 28, sw);
		x->inner_idx = rd32(p + 32, sw);
		known = 36;
		if (m->pinning > PIN_IPROUTE2_GLOBAL_NS)
			err = diag_set(d, -ENOTSUP, "map '%s': iproute2 custom pinning %u not supported",
				       m->name, m->pinning);
	} else if (rec >= 28) { /* samples/bpf: inner_map_idx, numa_node */
		uint32_t inner = rd32(p + 20, sw);
		m->numa_node = rd32(p + 24, sw);
		known = 28;
		if (is_map_in_map(m->type))
			m->legacy_inner_idx = (int)inner;
		else if (inner)
			err = diag_set(d, -EINVAL, "map '%s': inner_map_idx %u on a map that holds no maps",
				       m->name, inner);
	}
	for (uint64_t k = known; k < rec && !err; k++)
		if (p[k])
			err = diag_set(d, -EINVAL, "maps: map '%s': unknown non-zero byte at record offset %llu",
				       m->name, (unsigned long long)k);
	return err;
}

/* Map-in-map wiring once every record is read. samples/bpf: inner_map_idx is a record index
 * (by_record[r]: the map defined there). iproute2: an inner map names its outer map's id and its
 * slot there; the first such inner map is the template. */
static int legacy_wire(struct obj *o, uint32_t first, uint32_t nr, uint64_t rec, const int32_t *by_record,
		       const struct legacy_extra *extra, struct diag *d)
{
	/* iproute2's ids, sorted, so each inner map finds its outer map without a scan. */
	struct id_key *ids = calloc(o->nmaps - first + 1, sizeof(*ids));
	if (!ids)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	int err = 0;
	uint32_t nids = 0;
	for (uint32_t k = first; rec == 36 && k < o->nmaps; k++)
		ids[nids++] = (struct id_key){extra[k - first].id, k};
	if (nids)
		qsort(ids, nids, sizeof(*ids), cmp_id);
	for (uint32_t i = first; i < o->nmaps && !err; i++) {
		struct obj_map *m = &o->maps[i];
		if (m->legacy_inner_idx >= 0) {
			uint32_t target = (uint32_t)m->legacy_inner_idx;
			int inner = target < nr ? by_record[target] : -1;
			if (inner < 0 || (uint32_t)inner == i)
				err = diag_set(d, -EINVAL, "map '%s': inner_map_idx %u names no other map", m->name, target);
			else
				m->inner = inner;
		}
		const struct legacy_extra *x = &extra[i - first];
		if (rec != 36 || x->inner_id == 0)
			continue;
		int outer = outer_of(ids, nids, x->inner_id, i);
		if (outer < 0 || !is_map_in_map(o->maps[outer].type)) {
			err = diag_set(d, -EINVAL, "map '%s': inner_id %u names no map-in-map", m->name, x->inner_id);
			break;
		}
		if (o->maps[outer].inner < 0)
			o->maps[outer].inner = (int)i;
		err = add_init(o, (uint32_t)outer, x->inner_idx, false, i, d);
	}
	free(ids);
	return err;
}

static int parse_legacy_maps(struct obj *o, struct diag *d)
{
	const struct elf_file *f = &o->elf;
	const struct elf_section *s = elf_find_section(f, "maps");
	if (!s)
		return 0;
	uint32_t sec = elf_section_index(f, s), nr = 0;
	if (!s->data)
		return diag_set(d, -EINVAL, "maps: section has no data");

	for (uint32_t i = 0; i < f->nsym; i++)
		nr += f->sym[i].shndx == sec && f->sym[i].type != ELF_STT_SECTION;
	if (nr == 0)
		return s->size ? diag_set(d, -EINVAL, "maps: %llu bytes but no map symbols",
					  (unsigned long long)s->size) : 0;
	if (s->size % nr)
		return diag_set(d, -EINVAL, "maps: section size %llu is not a multiple of its %u map symbols",
				(unsigned long long)s->size, nr);
	uint64_t rec = s->size / nr;
	if (rec < 20)
		return diag_set(d, -EINVAL, "maps: record size %llu, at least 20 expected", (unsigned long long)rec);

	uint32_t first = o->nmaps;
	struct legacy_extra *extra = calloc(nr, sizeof(*extra));
	/* by_record[r]: the map defined at record r (the last symbol there, as a scan would keep). */
	int32_t *by_record = malloc((size_t)nr * sizeof(*by_record));
	if (!extra || !by_record) {
		free(extra);
		free(by_record);
		return diag_set(d, -ENOMEM, "obj: out of memory");
	}
	for (uint32_t r = 0; r < nr; r++)
		by_record[r] = -1;
	int err = 0;
	for (uint32_t i = 0; i < f->nsym && !err; i++) {
		const struct elf_sym *sym = &f->sym[i];
		if (sym->shndx != sec || sym->type == ELF_STT_SECTION)
			continue;
		if (sym->value % rec || sym->value > s->size - rec) {
			err = diag_set(d, -EINVAL, "maps: map '%s' at offset %llu is not on a %llu-byte record",
				       sym->name, (unsigned long long)sym->value, (unsigned long long)rec);
			break;
		}
		int idx = obj_add_map(o, sym->name, d);
		if (idx < 0) {
			err = idx;
			break;
		}
		by_record[sym->value / rec] = idx;
		err = legacy_record(o, &o->maps[idx], sec, sym->value, s->data + sym->value, rec, &extra[idx - first], d);
	}
	if (!err)
		err = legacy_wire(o, first, nr, rec, by_record, extra, d);
	free(by_record);
	free(extra);
	return err;
}

/* ---- BTF-defined .maps ------------------------------------------------------------------------ */

/* __uint(name, v) is `int (*name)[v]`: v is the array length. __ulong(name, v) is a member whose
 * type is an enum with one value v. */
static int member_number(const struct btf_spec *b, const struct obj_map *m, const char *field,
			 uint32_t type, uint64_t *out, struct diag *d)
{
	int id = btf_skip_mods(b, type);
	const struct btf_type *t = id > 0 ? btf_type(b, (uint32_t)id) : NULL;
	if (t && btf_kind(t) == BTF_KIND_PTR) {
		const struct btf_type *arr = btf_type(b, t->type);
		if (arr && btf_kind(arr) == BTF_KIND_ARRAY) {
			*out = btf_array_info(arr)->nelems;
			return 0;
		}
	}
	if (t && btf_kind(t) == BTF_KIND_ENUM && btf_vlen(t) == 1) {
		*out = (uint32_t)btf_enums(t)[0].val;
		return 0;
	}
	if (t && btf_kind(t) == BTF_KIND_ENUM64 && btf_vlen(t) == 1) {
		const struct btf_enum64 *e = btf_enums64(t);
		*out = ((uint64_t)e->val_hi32 << 32) | e->val_lo32;
		return 0;
	}
	return diag_set(d, -EINVAL, "map '%s': attribute '%s' is not a __uint/__ulong encoding", m->name, field);
}

/* __type(name, T) is `typeof(T) *name`: the pointee is the type. */
static int member_type(const struct btf_spec *b, const struct obj_map *m, const char *field,
		       uint32_t type, uint32_t *type_id, uint32_t *size, struct diag *d)
{
	int id = btf_skip_mods(b, type);
	const struct btf_type *t = id > 0 ? btf_type(b, (uint32_t)id) : NULL;
	if (!t || btf_kind(t) != BTF_KIND_PTR)
		return diag_set(d, -EINVAL, "map '%s': attribute '%s' is not a __type encoding", m->name, field);
	int err = btf_size(b, t->type, size);
	if (err)
		return diag_set(d, -EINVAL, "map '%s': %s type %u has no size", m->name, field, t->type);
	*type_id = t->type;
	return 0;
}

static int set_size(struct obj_map *m, const char *field, uint32_t *slot, uint32_t v, struct diag *d)
{
	if (*slot && *slot != v)
		return diag_set(d, -EINVAL, "map '%s': conflicting %s %u and %u", m->name, field, *slot, v);
	*slot = v;
	return 0;
}

/* Parse the struct type `def` describing map idx (an inner map's template when inner). */
static int parse_btf_def(struct obj *o, uint32_t idx, uint32_t def, bool inner, struct diag *d);

/* A numeric attribute of a BTF-defined map (__uint, __ulong): type, max_entries, map_flags,
 * numa_node, pinning, key_size, value_size or map_extra. */
static int btf_def_number(const struct btf_spec *b, struct obj_map *m, const char *field, uint32_t type,
			  struct diag *d)
{
	uint64_t v = 0;
	int err = member_number(b, m, field, type, &v, d);
	if (err)
		return err;
	if (strcmp(field, "map_extra") != 0 && v > UINT32_MAX)
		return diag_set(d, -EINVAL, "map '%s': %s %llu too large", m->name, field,
				(unsigned long long)v);
	if (!strcmp(field, "type")) m->type = (uint32_t)v;
	else if (!strcmp(field, "max_entries")) m->max_entries = (uint32_t)v;
	else if (!strcmp(field, "map_flags")) m->flags = (uint32_t)v;
	else if (!strcmp(field, "numa_node")) m->numa_node = (uint32_t)v;
	else if (!strcmp(field, "map_extra")) m->map_extra = v;
	else if (!strcmp(field, "key_size")) err = set_size(m, "key size", &m->key_size, (uint32_t)v, d);
	else if (!strcmp(field, "value_size")) err = set_size(m, "value size", &m->value_size, (uint32_t)v, d);
	else if (v != PIN_NONE && v != PIN_BY_NAME)
		return diag_set(d, -EINVAL, "map '%s': pinning %llu (only none or by-name)", m->name,
				(unsigned long long)v);
	else
		m->pinning = (uint32_t)v;
	return err;
}

/* 'values' of a map-in-map or prog array (the last attribute): where its static initialiser lies,
 * and for a map-in-map the inner map's definition, parsed as map idx's inner template. */
static int btf_def_values(struct obj *o, uint32_t idx, const struct btf_type *st, const struct btf_member *mem,
			  bool last, bool inner, struct diag *d)
{
	const struct btf_spec *b = &o->btf;
	struct obj_map *m = &o->maps[idx];
	bool mim = is_map_in_map(m->type), progs = m->type == BPF_MAP_TYPE_PROG_ARRAY;
	if (inner)
		return diag_set(d, -ENOTSUP, "map '%s': inner maps of inner maps are not supported", m->name);
	if (!last)
		return diag_set(d, -EINVAL, "map '%s': 'values' must be the last attribute", m->name);
	if (!mim && !progs)
		return diag_set(d, -EINVAL, "map '%s': 'values' needs a map-in-map or prog array type", m->name);
	int err = set_size(m, "value size", &m->value_size, 4, d);
	if (err)
		return err;
	const struct btf_type *arr = btf_type(b, mem->type);
	if (!arr || btf_kind(arr) != BTF_KIND_ARRAY || btf_array_info(arr)->nelems != 0)
		return diag_set(d, -EINVAL, "map '%s': 'values' is not a flexible array", m->name);
	int p = btf_skip_mods(b, btf_array_info(arr)->type);
	const struct btf_type *ptr = p > 0 ? btf_type(b, (uint32_t)p) : NULL;
	if (!ptr || btf_kind(ptr) != BTF_KIND_PTR)
		return diag_set(d, -EINVAL, "map '%s': 'values' is not an array of pointers", m->name);
	int target = btf_skip_mods(b, ptr->type);
	const struct btf_type *tt = target > 0 ? btf_type(b, (uint32_t)target) : NULL;
	o->maps[idx].values_off = btf_member_bit_offset(st, mem) / 8;
	if (progs) {
		if (!tt || btf_kind(tt) != BTF_KIND_FUNC_PROTO)
			return diag_set(d, -EINVAL, "map '%s': prog array 'values' must point to functions", m->name);
		return 0;
	}
	if (!tt || btf_kind(tt) != BTF_KIND_STRUCT)
		return diag_set(d, -EINVAL, "map '%s': 'values' must point to a map definition", m->name);
	char name[256];
	snprintf(name, sizeof(name), "%s.inner", m->name);
	int in = obj_add_map(o, name, d);
	if (in < 0)
		return in;
	o->maps[in].origin = MAP_INNER;
	o->maps[idx].inner = in;
	return parse_btf_def(o, (uint32_t)in, (uint32_t)target, true, d);
}

static int parse_btf_def(struct obj *o, uint32_t idx, uint32_t def, bool inner, struct diag *d)
{
	const struct btf_spec *b = &o->btf;
	const struct btf_type *st = btf_type(b, def);
	if (!st || btf_kind(st) != BTF_KIND_STRUCT)
		return diag_set(d, -EINVAL, "map '%s': definition is not a struct", o->maps[idx].name);
	const struct btf_member *mem = btf_members(st);
	uint32_t vlen = btf_vlen(st);

	for (uint32_t i = 0; i < vlen; i++) {
		struct obj_map *m = &o->maps[idx];
		const char *field = btf_str(b, mem[i].name_off);
		uint32_t sz = 0;
		int err = 0;

		if (!strcmp(field, "type") || !strcmp(field, "max_entries") || !strcmp(field, "map_flags") ||
		    !strcmp(field, "numa_node") || !strcmp(field, "pinning") || !strcmp(field, "key_size") ||
		    !strcmp(field, "value_size") || !strcmp(field, "map_extra")) {
			err = btf_def_number(b, m, field, mem[i].type, d);
		} else if (!strcmp(field, "key")) {
			err = member_type(b, m, field, mem[i].type, &m->btf_key, &sz, d);
			if (!err)
				err = set_size(m, "key size", &m->key_size, sz, d);
		} else if (!strcmp(field, "value")) {
			err = member_type(b, m, field, mem[i].type, &m->btf_value, &sz, d);
			if (!err)
				err = set_size(m, "value size", &m->value_size, sz, d);
		} else if (!strcmp(field, "values")) {
			err = btf_def_values(o, idx, st, &mem[i], i == vlen - 1, inner, d);
		} else {
			return diag_set(d, -ENOTSUP, "map '%s': unknown attribute '%s'", m->name, field);
		}
		if (err)
			return err;
	}
	return 0;
}

static int parse_btf_maps(struct obj *o, struct diag *d)
{
	const struct elf_file *f = &o->elf;
	const struct elf_section *s = elf_find_section(f, ".maps");
	if (!s)
		return 0;
	if (!o->has_btf)
		return diag_set(d, -EINVAL, ".maps: BTF-defined maps need a .BTF section");
	uint32_t sec = elf_section_index(f, s);
	uint32_t ds = obj_btf_find(o, BTF_KIND_DATASEC, ".maps");
	if (!ds)
		return diag_set(d, -EINVAL, ".maps: no DATASEC '.maps' in BTF");

	const struct btf_type *dt = btf_type(&o->btf, ds);
	uint32_t n = btf_vlen(dt);
	for (uint32_t i = 0; i < n; i++) {
		const struct btf_var_secinfo *vi = &btf_secinfos(btf_type(&o->btf, ds))[i];
		const struct btf_type *var = btf_type(&o->btf, vi->type);
		if (!var || btf_kind(var) != BTF_KIND_VAR)
			return diag_set(d, -EINVAL, ".maps: entry %u is not a variable", i);
		const char *name = btf_type_name(&o->btf, var);
		/* The variable's place comes from its ELF symbol (clang leaves DATASEC offsets to loaders). */
		const struct elf_sym *sym = elf_find_symbol(f, sec, name, -1);
		if (!sym)
			return diag_set(d, -EINVAL, ".maps: map '%s' has no symbol", name);
		if (sym->value >= s->size)
			return diag_set(d, -EINVAL, ".maps: map '%s' at offset %llu outside the section", name,
					(unsigned long long)sym->value);
		int idx = obj_add_map(o, name, d);
		if (idx < 0)
			return idx;
		o->maps[idx].origin = MAP_BTF;
		o->maps[idx].sec = sec;
		o->maps[idx].sec_off = sym->value;
		int def = btf_skip_mods(&o->btf, var->type);
		int err = def < 0 ? diag_set(d, -ELOOP, "map '%s': type loops", name)
				  : parse_btf_def(o, (uint32_t)idx, (uint32_t)def, false, d);
		if (err)
			return err;
	}
	return 0;
}

/* ---- global data ------------------------------------------------------------------------------ */

static enum obj_data_kind data_kind(const char *name)
{
	static const struct { const char *pfx; enum obj_data_kind kind; } kinds[] = {
		{".data", DATA_DATA}, {".rodata", DATA_RODATA}, {".bss", DATA_BSS},
	};
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(kinds[i].pfx);
		if (strncmp(name, kinds[i].pfx, n) == 0 && (name[n] == '\0' || name[n] == '.'))
			return kinds[i].kind;
	}
	return DATA_NONE;
}

/* libbpf's internal map name: as much of the object name as fits before the section name, which
 * keeps at least 7 characters; a section name with a second dot is used alone. Characters the
 * kernel refuses in names become '_'. */
void obj_data_map_name(const char *obj_name, const char *sec, char out[16])
{
	size_t sfx = strlen(sec) < 7 ? 7 : strlen(sec), pfx = 0;
	if (!strchr(sec + 1, '.') && sfx < 15) {
		pfx = 15 - sfx;
		if (pfx > strlen(obj_name))
			pfx = strlen(obj_name);
	}
	snprintf(out, 16, "%.*s%.*s", (int)pfx, obj_name, (int)sfx, sec);
	for (char *p = out; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			*p = '_';
}

static int parse_data_maps(struct obj *o, struct diag *d)
{
	const struct elf_file *f = &o->elf;
	for (uint32_t i = 1; i < f->nsec; i++) {
		const struct elf_section *s = &f->sec[i];
		enum obj_data_kind kind = data_kind(s->name);
		if (kind == DATA_NONE || !(s->flags & ELF_SHF_ALLOC) || s->size == 0)
			continue;
		if (s->type != ELF_SHT_PROGBITS && s->type != ELF_SHT_NOBITS)
			continue;
		if (s->size > UINT32_MAX)
			return diag_set(d, -EINVAL, "elf: section %s: %llu bytes is too large for a map", s->name,
					(unsigned long long)s->size);
		char name[16];
		obj_data_map_name(o->name, s->name, name);
		int idx = obj_add_map(o, name, d);
		if (idx < 0)
			return idx;
		struct obj_map *m = &o->maps[idx];
		m->origin = MAP_DATA;
		m->data = s->type == ELF_SHT_NOBITS ? DATA_BSS : kind;
		m->type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->value_size = (uint32_t)s->size;
		m->max_entries = 1;
		m->flags = kind == DATA_RODATA ? BPF_F_RDONLY_PROG : 0;
		m->sec = i;
		m->init = s->type == ELF_SHT_NOBITS ? NULL : s->data;
		if (o->has_btf)
			m->btf_value = obj_btf_find(o, BTF_KIND_DATASEC, s->name);
	}
	return 0;
}

int obj_parse_maps(struct obj *o, struct diag *d)
{
	int err = parse_legacy_maps(o, d);
	if (!err)
		err = parse_btf_maps(o, d);
	if (!err)
		err = parse_data_maps(o, d);
	return err;
}

/* ---- static initialisers ---------------------------------------------------------------------- */

static int cmp_init(const void *a, const void *b)
{
	const struct obj_init *x = a, *y = b;
	if (x->map != y->map)
		return x->map < y->map ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* `.values = { [i] = &x }` in .maps becomes 64-bit relocations at the slots' offsets. */
static int parse_btf_inits(struct obj *o, struct diag *d)
{
	const struct elf_file *f = &o->elf;
	const struct elf_section *maps = elf_find_section(f, ".maps");
	if (!maps)
		return 0;
	uint32_t sec = elf_section_index(f, maps);

	for (uint32_t r = 1; r < f->nsec; r++) {
		const struct elf_section *rel = &f->sec[r];
		if (rel->type != ELF_SHT_REL || rel->info != sec)
			continue;
		for (uint32_t i = 0; i < elf_rel_count(rel); i++) {
			struct elf_rel e;
			int err = elf_rel_get(f, rel, i, 8, &e, d);
			if (err)
				return err;
			const struct elf_sym *sym = &f->sym[e.sym];
			if (e.type != R_BPF_64_ABS64 && e.type != R_BPF_64_64)
				return diag_set(d, -EINVAL, ".maps: relocation %u: type %u not supported", i, e.type);
			/* Which map's `values` does the offset fall in? */
			int owner = obj_btf_map_owning(o, sec, e.offset);
			if (owner < 0 || o->maps[owner].values_off == UINT32_MAX ||
			    e.offset < o->maps[owner].sec_off + o->maps[owner].values_off)
				return diag_set(d, -EINVAL, ".maps: relocation %u at %llu (%s) is not in a 'values' initialiser",
						i, (unsigned long long)e.offset, sym->name);
			uint64_t rel_off = e.offset - o->maps[owner].sec_off - o->maps[owner].values_off;
			if (rel_off % 8)
				return diag_set(d, -EINVAL, ".maps: relocation %u: misaligned slot", i);
			uint32_t slot = (uint32_t)(rel_off / 8);
			const struct obj_map *m = &o->maps[owner];
			if (m->type == BPF_MAP_TYPE_PROG_ARRAY) {
				int p = obj_find_prog(o, sym->name);
				if (sym->type != ELF_STT_FUNC || p < 0)
					return diag_set(d, -EINVAL, "map '%s': slot %u: '%s' is not a program", m->name,
							slot, sym->name);
				err = add_init(o, (uint32_t)owner, slot, true, (uint32_t)p, d);
			} else {
				int t = sym->shndx == sec ? obj_map_at(o, sec, sym->value) : -1;
				if (t < 0)
					return diag_set(d, -EINVAL, "map '%s': slot %u: '%s' is not a map", m->name, slot,
							sym->name);
				err = add_init(o, (uint32_t)owner, slot, false, (uint32_t)t, d);
			}
			if (err)
				return err;
		}
	}
	return 0;
}

int obj_parse_inits(struct obj *o, struct diag *d)
{
	int err = parse_btf_inits(o, d);
	if (err)
		return err;
	if (o->ninits)
		qsort(o->inits, o->ninits, sizeof(*o->inits), cmp_init);
	for (uint32_t i = 1; i < o->ninits; i++)
		if (o->inits[i].map == o->inits[i - 1].map && o->inits[i].slot == o->inits[i - 1].slot)
			return diag_set(d, -EINVAL, "map '%s': slot %u initialised twice", o->maps[o->inits[i].map].name,
					o->inits[i].slot);
	for (uint32_t i = 0; i < o->ninits; i++) {
		struct obj_map *m = &o->maps[o->inits[i].map];
		if (m->ninit == 0)
			m->first_init = i;
		m->ninit++;
	}
	return 0;
}
