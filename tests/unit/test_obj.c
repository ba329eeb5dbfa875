/* tests/unit/test_obj.c — obj_parse on every test program and example, against facts written by
 * hand from the C sources and from llvm-readelf / llvm-objdump -dr / bpftool btf dump; then the
 * bpfel and bpfeb builds of each compared field by field; then a few objects broken on purpose. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/endian.h"
#include "loader/obj.h"

static uint8_t *slurp(const char *rel, size_t *size)
{
	FILE *f = fopen(test_path(rel), "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

struct lobj {
	const char *rel;
	uint8_t *buf;
	size_t size;
	struct obj o;
	struct diag d;
	int err;
};

/* Parse rel; on failure records a failed check. */
static int lopen(struct lobj *l, const char *rel)
{
	memset(l, 0, sizeof(*l));
	l->rel = rel;
	l->err = -ENOENT;
	l->buf = slurp(rel, &l->size);
	if (!l->buf) {
		CHECK(0, "cannot read %s (run make examples test-progs)", rel);
		return l->err;
	}
	l->err = obj_parse(&l->o, test_path(rel), l->buf, l->size, &l->d);
	CHECK(l->err == 0, "%s: obj_parse %d: %s", rel, l->err, l->d.msg);
	if (l->err) {
		free(l->buf);
		l->buf = NULL;
	}
	return l->err;
}

static void lclose(struct lobj *l)
{
	if (!l->err)
		obj_close(&l->o);
	free(l->buf);
}

static const char *type_name(const struct obj *o, uint32_t id)
{
	if (!o->has_btf || id == 0)
		return "(none)";
	const struct btf_type *t = btf_type(&o->btf, id);
	return t ? btf_type_name(&o->btf, t) : "(bad id)";
}

static uint32_t type_kind(const struct obj *o, uint32_t id)
{
	const struct btf_type *t = o->has_btf ? btf_type(&o->btf, id) : NULL;
	return t ? btf_kind(t) : 0xffff;
}

/* ---- expectations ----------------------------------------------------------------------------- */

struct prog_exp {
	const char *name, *sec;
	uint32_t first, count;   /* instruction range in the section (symbol value / 8, size / 8) */
	uint32_t prog_type;
	enum attach_kind attach;
	const char *target;
};

static void check_progs(const struct lobj *l, const struct prog_exp *e, uint32_t n)
{
	const struct obj *o = &l->o;
	CHECK(o->nprogs == n, "%s: %u programs, expected %u", l->rel, o->nprogs, n);
	for (uint32_t i = 0; i < n; i++) {
		int p = obj_find_prog(o, e[i].name);
		CHECK(p >= 0, "%s: program %s missing", l->rel, e[i].name);
		if (p < 0)
			continue;
		const struct obj_prog *pr = &o->progs[p];
		const struct obj_func *fn = &o->funcs[pr->func];
		CHECK(strcmp(pr->sec_name, e[i].sec) == 0, "%s: %s in section '%s', expected '%s'", l->rel, e[i].name,
		      pr->sec_name, e[i].sec);
		CHECK(strcmp(o->codes[fn->code].name, e[i].sec) == 0, "%s: %s code section '%s'", l->rel, e[i].name,
		      o->codes[fn->code].name);
		CHECK(fn->first == e[i].first && fn->count == e[i].count, "%s: %s at %u+%u, expected %u+%u", l->rel,
		      e[i].name, fn->first, fn->count, e[i].first, e[i].count);
		CHECK(fn->prog == p && fn->global && strcmp(fn->name, e[i].name) == 0, "%s: %s func entry", l->rel,
		      e[i].name);
		if (e[i].prog_type == (uint32_t)-1) {
			CHECK(pr->def == NULL, "%s: %s: expected no section definition, got '%s'", l->rel, e[i].name,
			      pr->def ? pr->def->sec : "");
		} else {
			CHECK(pr->def != NULL, "%s: %s: no section definition", l->rel, e[i].name);
			if (pr->def) {
				CHECK(pr->def->prog_type == e[i].prog_type, "%s: %s prog type %u, expected %u", l->rel,
				      e[i].name, pr->def->prog_type, e[i].prog_type);
				CHECK(pr->def->attach == e[i].attach, "%s: %s attach kind %u, expected %u", l->rel,
				      e[i].name, pr->def->attach, e[i].attach);
			}
		}
		CHECK(pr->target && strcmp(pr->target, e[i].target) == 0, "%s: %s target '%s', expected '%s'", l->rel,
		      e[i].name, pr->target ? pr->target : "(null)", e[i].target);
	}
}

struct map_exp {
	const char *name;
	enum obj_map_origin origin;
	uint32_t type, key_size, value_size, max_entries, flags, pinning;
	uint64_t map_extra;
	const char *key_type, *value_type; /* BTF names, NULL: no type id */
	uint64_t sec_off;
};

static void check_map(const struct lobj *l, const struct map_exp *e)
{
	const struct obj *o = &l->o;
	int i = obj_find_map(o, e->name);
	CHECK(i >= 0, "%s: map %s missing", l->rel, e->name);
	if (i < 0)
		return;
	const struct obj_map *m = &o->maps[i];
	CHECK(m->origin == e->origin, "%s: %s origin %u, expected %u", l->rel, e->name, m->origin, e->origin);
	CHECK(m->type == e->type, "%s: %s type %u, expected %u", l->rel, e->name, m->type, e->type);
	CHECK(m->key_size == e->key_size && m->value_size == e->value_size, "%s: %s key/value %u/%u, expected %u/%u",
	      l->rel, e->name, m->key_size, m->value_size, e->key_size, e->value_size);
	CHECK(m->max_entries == e->max_entries, "%s: %s max_entries %u, expected %u", l->rel, e->name,
	      m->max_entries, e->max_entries);
	CHECK(m->flags == e->flags, "%s: %s flags %#x, expected %#x", l->rel, e->name, m->flags, e->flags);
	CHECK(m->pinning == e->pinning, "%s: %s pinning %u, expected %u", l->rel, e->name, m->pinning, e->pinning);
	CHECK(m->map_extra == e->map_extra, "%s: %s map_extra %llu", l->rel, e->name,
	      (unsigned long long)m->map_extra);
	CHECK(m->numa_node == 0, "%s: %s numa_node %u", l->rel, e->name, m->numa_node);
	if (e->key_type)
		CHECK(m->btf_key && strcmp(type_name(o, m->btf_key), e->key_type) == 0, "%s: %s key type '%s', expected '%s'",
		      l->rel, e->name, type_name(o, m->btf_key), e->key_type);
	else
		CHECK(m->btf_key == 0, "%s: %s has key type %u", l->rel, e->name, m->btf_key);
	if (e->value_type)
		CHECK(m->btf_value && strcmp(type_name(o, m->btf_value), e->value_type) == 0,
		      "%s: %s value type '%s', expected '%s'", l->rel, e->name, type_name(o, m->btf_value), e->value_type);
	else
		CHECK(m->btf_value == 0, "%s: %s has value type %u", l->rel, e->name, m->btf_value);
	if (e->origin == MAP_BTF || e->origin == MAP_LEGACY)
		CHECK(m->sec_off == e->sec_off, "%s: %s at offset %#llx, expected %#llx", l->rel, e->name,
		      (unsigned long long)m->sec_off, (unsigned long long)e->sec_off);
	if (e->origin != MAP_DATA)
		CHECK(m->init == NULL, "%s: %s has an init image", l->rel, e->name);
}

struct reloc_exp {
	const char *code;
	uint32_t insn;
	enum obj_reloc_kind kind;
	const char *sym;
	const char *target; /* map name (MAP/DATA) or function name (CALL/FUNC) */
	uint32_t offset;    /* DATA */
	bool implicit;
};

static void check_relocs(const struct lobj *l, const struct reloc_exp *e, uint32_t n)
{
	const struct obj *o = &l->o;
	CHECK(o->nrelocs == n, "%s: %u relocations, expected %u", l->rel, o->nrelocs, n);
	for (uint32_t i = 1; i < o->nrelocs; i++)
		CHECK(o->relocs[i - 1].code < o->relocs[i].code ||
			      (o->relocs[i - 1].code == o->relocs[i].code && o->relocs[i - 1].insn < o->relocs[i].insn),
		      "%s: relocations not sorted at %u", l->rel, i);
	for (uint32_t i = 0; i < n; i++) {
		int code = -1;
		for (uint32_t c = 0; c < o->ncodes; c++)
			if (strcmp(o->codes[c].name, e[i].code) == 0)
				code = (int)c;
		CHECK(code >= 0, "%s: code section %s missing", l->rel, e[i].code);
		if (code < 0)
			continue;
		const struct obj_reloc *r = obj_reloc_at(o, (uint32_t)code, e[i].insn);
		CHECK(r != NULL, "%s: no relocation at %s+%u", l->rel, e[i].code, e[i].insn);
		if (!r)
			continue;
		CHECK(r->kind == e[i].kind, "%s: %s+%u kind %s, expected %s", l->rel, e[i].code, e[i].insn,
		      obj_reloc_kind_name(r->kind), obj_reloc_kind_name(e[i].kind));
		CHECK(r->sym && strcmp(r->sym, e[i].sym) == 0, "%s: %s+%u symbol '%s', expected '%s'", l->rel, e[i].code,
		      e[i].insn, r->sym ? r->sym : "(null)", e[i].sym);
		CHECK(r->implicit == e[i].implicit, "%s: %s+%u implicit %d", l->rel, e[i].code, e[i].insn, r->implicit);
		if (e[i].kind == RELOC_MAP || e[i].kind == RELOC_DATA) {
			CHECK(r->map < o->nmaps && strcmp(o->maps[r->map].name, e[i].target) == 0,
			      "%s: %s+%u map '%s', expected '%s'", l->rel, e[i].code, e[i].insn,
			      r->map < o->nmaps ? o->maps[r->map].name : "(bad)", e[i].target);
			if (e[i].kind == RELOC_DATA)
				CHECK(r->offset == e[i].offset, "%s: %s+%u offset %u, expected %u", l->rel, e[i].code,
				      e[i].insn, r->offset, e[i].offset);
			const struct bpf_insn *in = &o->codes[code].insns[e[i].insn];
			CHECK(insn_is_ld_imm64(in), "%s: %s+%u is not an ld_imm64", l->rel, e[i].code, e[i].insn);
		} else if (e[i].kind == RELOC_CALL || e[i].kind == RELOC_FUNC) {
			CHECK(r->func < o->nfuncs && strcmp(o->funcs[r->func].name, e[i].target) == 0,
			      "%s: %s+%u function '%s', expected '%s'", l->rel, e[i].code, e[i].insn,
			      r->func < o->nfuncs ? o->funcs[r->func].name : "(bad)", e[i].target);
		}
	}
}

static void check_common(const struct lobj *l, const char *name, const char *license, uint32_t ncodes)
{
	const struct obj *o = &l->o;
	CHECK(strcmp(o->name, name) == 0, "%s: object name '%s', expected '%s'", l->rel, o->name, name);
	CHECK(o->license && strcmp(o->license, license) == 0, "%s: license '%s'", l->rel,
	      o->license ? o->license : "(null)");
	CHECK(o->kern_version == 0, "%s: kernel version %u", l->rel, o->kern_version);
	CHECK(o->has_btf && o->has_ext, "%s: BTF %d ext %d", l->rel, o->has_btf, o->has_ext);
	CHECK(o->ncodes == ncodes, "%s: %u code sections, expected %u", l->rel, o->ncodes, ncodes);
	CHECK(o->elf.big_endian == (strstr(l->rel, "bpfeb") != NULL), "%s: byte order", l->rel);
}

static void check_no_maps(const struct lobj *l)
{
	CHECK(l->o.nmaps == 0 && l->o.ninits == 0, "%s: %u maps, %u inits", l->rel, l->o.nmaps, l->o.ninits);
}

/* ---- one test per object ------------------------------------------------------------------------- */

#define N(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
static const char *const el_eb[] = {"bpfel", "bpfeb"};

static void path_of(char *buf, size_t n, const char *stem, int order)
{
	snprintf(buf, n, "build/progs/%s.%s.o", stem, el_eb[order]);
}

TEST(obj_bad_verifier)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "bad_verifier", k);
		if (lopen(&l, p))
			continue;
		check_common(&l, "bad_verifier", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"bad_access", "xdp", 0, 6, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 1);
		check_no_maps(&l);
		check_relocs(&l, NULL, 0);
		CHECK(l.o.nfuncs == 1, "%s: %u functions", p, l.o.nfuncs);
		lclose(&l);
	}
}

TEST(obj_btf_maps)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "btf_maps", k);
		if (lopen(&l, p))
			continue;
		const struct obj *o = &l.o;
		check_common(&l, "btf_maps", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"tail_target", "xdp", 0, 2, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
			{"xdp_entry", "xdp", 2, 6, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
			{"mim_lookup", "xdp", 8, 24, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 3);
		static const struct map_exp maps[] = {
			{"flags_hash", MAP_BTF, BPF_MAP_TYPE_HASH, 4, 8, 128, BPF_F_NO_PREALLOC, PIN_BY_NAME, 0, "__u32", "__u64", 0xa0},
			{"inner_a", MAP_BTF, BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, 0, "__u32", "__u32", 0x00},
			{"inner_b", MAP_BTF, BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, 0, "__u32", "__u32", 0x20},
			{"outer", MAP_BTF, BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0, 0, 0, "__u32", NULL, 0x40},
			{"outer.inner", MAP_INNER, BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, 0, "__u32", "__u32", 0},
			{"jmp_table", MAP_BTF, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, 0, 0, "__u32", "__u32", 0x70},
			{"bloom", MAP_BTF, BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 64, 0, 0, 3, NULL, "__u32", 0xd0},
		};
		CHECK(o->nmaps == N(maps), "%s: %u maps", p, o->nmaps);
		for (uint32_t i = 0; i < N(maps); i++)
			check_map(&l, &maps[i]);
		int outer = obj_find_map(o, "outer"), inner = obj_find_map(o, "outer.inner");
		int ia = obj_find_map(o, "inner_a"), ib = obj_find_map(o, "inner_b");
		int jt = obj_find_map(o, "jmp_table"), tt = obj_find_prog(o, "tail_target");
		REQUIRE(outer >= 0 && inner >= 0 && ia >= 0 && ib >= 0 && jt >= 0 && tt >= 0, "%s: lookups", p);
		const struct obj_map *om = &o->maps[outer], *jm = &o->maps[jt];
		CHECK(om->inner == inner, "%s: outer.inner index %d, expected %d", p, om->inner, inner);
		CHECK(o->maps[inner].sec == 0 && o->maps[inner].inner == -1, "%s: template", p);
		CHECK(o->maps[ia].inner == -1 && jm->inner == -1, "%s: only outer has a template", p);
		/* `values` sits after the BTF struct: 24 bytes in outer, 32 in jmp_table */
		CHECK(om->values_off == 24 && jm->values_off == 32, "%s: values at %u / %u", p, om->values_off,
		      jm->values_off);
		CHECK(o->maps[ia].values_off == UINT32_MAX, "%s: inner_a has no values", p);
		CHECK(o->ninits == 3, "%s: %u initialisers", p, o->ninits);
		CHECK(om->ninit == 2 && jm->ninit == 1, "%s: outer %u / jmp_table %u slots", p, om->ninit, jm->ninit);
		if (om->ninit == 2 && om->first_init + 2 <= o->ninits) {
			const struct obj_init *a = &o->inits[om->first_init], *b = a + 1;
			CHECK(a->map == (uint32_t)outer && a->slot == 0 && !a->is_prog && a->index == (uint32_t)ia,
			      "%s: outer[0] = %u (map %u)", p, a->index, a->map);
			CHECK(b->map == (uint32_t)outer && b->slot == 2 && !b->is_prog && b->index == (uint32_t)ib,
			      "%s: outer[2] = %u", p, b->index);
		}
		if (jm->ninit == 1 && jm->first_init < o->ninits) {
			const struct obj_init *a = &o->inits[jm->first_init];
			CHECK(a->map == (uint32_t)jt && a->slot == 1 && a->is_prog && a->index == (uint32_t)tt,
			      "%s: jmp_table[1] = %u", p, a->index);
		}
		for (uint32_t i = 0; i < o->nmaps; i++)
			if (i != (uint32_t)outer && i != (uint32_t)jt)
				CHECK(o->maps[i].ninit == 0, "%s: map %s has initialisers", p, o->maps[i].name);
		/* the definition structs: flags_hash's is anonymous, inner_a's is struct inner_map */
		static const struct reloc_exp relocs[] = {
			{"xdp", 2, RELOC_MAP, "jmp_table", "jmp_table", 0, false},
			{"xdp", 16, RELOC_MAP, "outer", "outer", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		lclose(&l);
	}
}

/* Initial values from the C source; the image is in the file's byte order. */
static uint32_t img32(const struct obj *o, const struct obj_map *m, uint32_t off)
{
	return m->init ? rd32(m->init + off, o->elf.swap) : 0xdeadbeef;
}

TEST(obj_global_data)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "global_data", k);
		if (lopen(&l, p))
			continue;
		const struct obj *o = &l.o;
		check_common(&l, "global_data", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"gd_prog", "xdp", 0, 31, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 1);
		static const struct {
			const char *map, *sec;
			enum obj_data_kind kind;
			uint32_t size, flags, sec_idx;
			bool datasec;
		} dm[] = {
			{"global_d.data", ".data", DATA_DATA, 4, 0, 5, true},
			{"global_d.rodata", ".rodata", DATA_RODATA, 10, BPF_F_RDONLY_PROG, 6, true},
			{".data.custom", ".data.custom", DATA_DATA, 4, 0, 7, true},
			{"global_d.bss", ".bss", DATA_BSS, 4, 0, 8, true},
			{".bss.extra", ".bss.extra", DATA_BSS, 4, 0, 9, true},
			{".rodata.str1.1", ".rodata.str1.1", DATA_RODATA, 12, BPF_F_RDONLY_PROG, 10, false},
		};
		CHECK(o->nmaps == N(dm), "%s: %u maps", p, o->nmaps);
		for (uint32_t i = 0; i < N(dm); i++) {
			int idx = obj_find_map(o, dm[i].map);
			CHECK(idx >= 0, "%s: map %s missing", p, dm[i].map);
			if (idx < 0)
				continue;
			const struct obj_map *m = &o->maps[idx];
			CHECK(m->origin == MAP_DATA && m->data == dm[i].kind, "%s: %s origin %u kind %u", p, dm[i].map,
			      m->origin, m->data);
			CHECK(m->type == BPF_MAP_TYPE_ARRAY && m->key_size == 4 && m->max_entries == 1,
			      "%s: %s is not a one-slot array", p, dm[i].map);
			CHECK(m->value_size == dm[i].size, "%s: %s value_size %u, expected %u", p, dm[i].map,
			      m->value_size, dm[i].size);
			CHECK(m->flags == dm[i].flags, "%s: %s flags %#x", p, dm[i].map, m->flags);
			CHECK(m->sec == dm[i].sec_idx, "%s: %s section %u, expected %u", p, dm[i].map, m->sec, dm[i].sec_idx);
			CHECK(strlen(m->name) <= 15, "%s: %s longer than the kernel's 15", p, m->name);
			CHECK(m->btf_key == 0, "%s: %s key type", p, dm[i].map);
			if (dm[i].datasec)
				CHECK(type_kind(o, m->btf_value) == BTF_KIND_DATASEC &&
					      strcmp(type_name(o, m->btf_value), dm[i].sec) == 0,
				      "%s: %s value type '%s'", p, dm[i].map, type_name(o, m->btf_value));
			else
				CHECK(m->btf_value == 0, "%s: %s has value type %u", p, dm[i].map, m->btf_value);
			if (dm[i].kind == DATA_BSS)
				CHECK(m->init == NULL, "%s: %s has an init image", p, dm[i].map);
			else
				CHECK(m->init != NULL, "%s: %s has no init image", p, dm[i].map);
		}
		int d = obj_find_map(o, "global_d.data"), r = obj_find_map(o, "global_d.rodata");
		int c = obj_find_map(o, ".data.custom"), s = obj_find_map(o, ".rodata.str1.1");
		if (d >= 0 && r >= 0 && c >= 0 && s >= 0) {
			CHECK(img32(o, &o->maps[d], 0) == 3, "%s: data_val = %u, source says 3", p, img32(o, &o->maps[d], 0));
			CHECK(img32(o, &o->maps[r], 0) == 7, "%s: ro_val = %u, source says 7", p, img32(o, &o->maps[r], 0));
			CHECK(o->maps[r].init && memcmp(o->maps[r].init + 4, "gd %d", 6) == 0, "%s: bpf_printk format", p);
			CHECK(img32(o, &o->maps[c], 0) == 11, "%s: custom_val = %u, source says 11", p, img32(o, &o->maps[c], 0));
			CHECK(o->maps[s].init && memcmp(o->maps[s].init, "gd literal\n", 12) == 0, "%s: string literal", p);
		}
		/* llvm-objdump -dr: the ld_imm64s and what they name; ".rodata" + imm 4 is the format */
		static const struct reloc_exp relocs[] = {
			{"xdp", 0, RELOC_DATA, "extra_bss", ".bss.extra", 0, false},
			{"xdp", 4, RELOC_DATA, "data_val", "global_d.data", 0, false},
			{"xdp", 10, RELOC_DATA, "ro_val", "global_d.rodata", 0, false},
			{"xdp", 14, RELOC_DATA, "custom_val", ".data.custom", 0, false},
			{"xdp", 18, RELOC_DATA, "bss_val", "global_d.bss", 0, false},
			{"xdp", 21, RELOC_DATA, ".rodata", "global_d.rodata", 4, false},
			{"xdp", 25, RELOC_DATA, ".rodata.str1.1", ".rodata.str1.1", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		lclose(&l);
	}
}

TEST(obj_legacy_maps)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "legacy_maps", k);
		if (lopen(&l, p))
			continue;
		check_common(&l, "legacy_maps", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"legacy_xdp", "xdp", 0, 32, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 1);
		static const struct map_exp maps[] = {
			{"legacy_hash", MAP_LEGACY, BPF_MAP_TYPE_HASH, 4, 8, 16, 0, 0, 0, NULL, NULL, 0},
			{"legacy_array", MAP_LEGACY, BPF_MAP_TYPE_ARRAY, 4, 4, 4, 0, 0, 0, NULL, NULL, 20},
		};
		CHECK(l.o.nmaps == 2, "%s: %u maps", p, l.o.nmaps);
		for (uint32_t i = 0; i < N(maps); i++)
			check_map(&l, &maps[i]);
		for (uint32_t i = 0; i < l.o.nmaps; i++)
			CHECK(l.o.maps[i].inner == -1 && l.o.maps[i].legacy_inner_idx == -1 && l.o.maps[i].sec == 5,
			      "%s: map %u wiring", p, i);
		static const struct reloc_exp relocs[] = {
			{"xdp", 8, RELOC_MAP, "legacy_array", "legacy_array", 0, false},
			{"xdp", 15, RELOC_MAP, "legacy_hash", "legacy_hash", 0, false},
			{"xdp", 26, RELOC_MAP, "legacy_hash", "legacy_hash", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		lclose(&l);
	}
}

TEST(obj_legacy_samples)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "legacy_samples", k);
		if (lopen(&l, p))
			continue;
		check_common(&l, "legacy_samples", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"sock_prog", "socket", 0, 12, BPF_PROG_TYPE_SOCKET_FILTER, ATTACH_SOCKET, ""},
		};
		check_progs(&l, progs, 1);
		static const struct map_exp map = {"sample_map", MAP_LEGACY, BPF_MAP_TYPE_ARRAY, 4, 8, 8, 0, 0, 0,
						   NULL, NULL, 0};
		CHECK(l.o.nmaps == 1, "%s: %u maps", p, l.o.nmaps);
		check_map(&l, &map);
		if (l.o.nmaps == 1)
			CHECK(l.o.maps[0].legacy_inner_idx == -1 && l.o.maps[0].inner == -1, "%s: not a map-in-map", p);
		static const struct reloc_exp relocs[] = {
			{"socket", 4, RELOC_MAP, "sample_map", "sample_map", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		lclose(&l);
	}
}

TEST(obj_legacy_iproute2)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "legacy_iproute2", k);
		if (lopen(&l, p))
			continue;
		check_common(&l, "legacy_iproute2", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"tc_count", "classifier", 0, 12, BPF_PROG_TYPE_SCHED_CLS, ATTACH_TC, ""},
		};
		check_progs(&l, progs, 1);
		static const struct map_exp maps[] = {
			{"tc_counter", MAP_LEGACY, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0, PIN_IPROUTE2_GLOBAL_NS, 0, NULL, NULL, 0},
			{"tc_seen", MAP_LEGACY, BPF_MAP_TYPE_HASH, 4, 4, 8, 0, PIN_NONE, 0, NULL, NULL, 36},
		};
		CHECK(l.o.nmaps == 2 && l.o.ninits == 0, "%s: %u maps %u inits", p, l.o.nmaps, l.o.ninits);
		for (uint32_t i = 0; i < N(maps); i++)
			check_map(&l, &maps[i]);
		static const struct reloc_exp relocs[] = {
			{"classifier", 4, RELOC_MAP, "tc_counter", "tc_counter", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		lclose(&l);
	}
}

TEST(obj_ringbuf_typed)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "ringbuf_typed", k);
		if (lopen(&l, p))
			continue;
		check_common(&l, "ringbuf_typed", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"rb_emit", "xdp", 0, 18, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 1);
		/* the model keeps the declared record type (8 bytes); the load pass strips it */
		static const struct map_exp map = {"rb", MAP_BTF, BPF_MAP_TYPE_RINGBUF, 0, 8, 16384, 0, 0, 0, NULL,
						   "rb_event", 0};
		CHECK(l.o.nmaps == 1, "%s: %u maps", p, l.o.nmaps);
		check_map(&l, &map);
		int rb = obj_find_map(&l.o, "rb");
		if (rb >= 0) {
			const struct btf_type *t = btf_type(&l.o.btf, l.o.maps[rb].btf_value);
			CHECK(t && btf_kind(t) == BTF_KIND_STRUCT && btf_vlen(t) == 2 && t->size == 8, "%s: struct rb_event", p);
			if (t && btf_vlen(t) == 2) {
				const struct btf_member *mem = btf_members(t);
				CHECK(strcmp(btf_str(&l.o.btf, mem[0].name_off), "magic") == 0 && mem[0].offset == 0 &&
					      strcmp(btf_str(&l.o.btf, mem[1].name_off), "len") == 0 && mem[1].offset == 32,
				      "%s: rb_event members", p);
			}
		}
		static const struct reloc_exp relocs[] = {
			{"xdp", 2, RELOC_MAP, "rb", "rb", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		/* r1 = 0xfeedbeef ll at insn 8: an ld_imm64 without relocation, not pseudo */
		const struct obj_code *c = &l.o.codes[0];
		if (c->count == 18)
			CHECK(insn_is_ld_imm64(&c->insns[8]) && c->insns[8].src_reg == 0 &&
				      (uint32_t)c->insns[8].imm == 0xfeedbeef && c->insns[9].imm == 0 &&
				      obj_reloc_at(&l.o, 0, 8) == NULL,
			      "%s: 64-bit constant", p);
		lclose(&l);
	}
}

TEST(obj_sections)
{
	static const struct prog_exp progs[] = {
		{"p_xdp", "xdp", 0, 2, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		{"p_xdp_frags", "xdp.frags", 0, 2, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		{"p_tracepoint", "tracepoint/syscalls/sys_enter_openat", 0, 2, BPF_PROG_TYPE_TRACEPOINT,
		 ATTACH_TRACEPOINT, "syscalls/sys_enter_openat"},
		{"p_tp", "tp/sched/sched_process_exec", 0, 2, BPF_PROG_TYPE_TRACEPOINT, ATTACH_TRACEPOINT,
		 "sched/sched_process_exec"},
		{"p_raw_tracepoint", "raw_tracepoint/sys_enter", 0, 2, BPF_PROG_TYPE_RAW_TRACEPOINT, ATTACH_RAW_TP, "sys_enter"},
		{"p_raw_tp", "raw_tp/sched_switch", 0, 2, BPF_PROG_TYPE_RAW_TRACEPOINT, ATTACH_RAW_TP, "sched_switch"},
		{"p_tp_btf", "tp_btf/sched_switch", 0, 2, BPF_PROG_TYPE_TRACING, ATTACH_TP_BTF, "sched_switch"},
		{"p_kprobe", "kprobe/do_unlinkat", 0, 2, BPF_PROG_TYPE_KPROBE, ATTACH_KPROBE, "do_unlinkat"},
		{"p_kretprobe", "kretprobe/do_unlinkat", 0, 2, BPF_PROG_TYPE_KPROBE, ATTACH_KPROBE, "do_unlinkat"},
		{"p_uprobe", "uprobe", 0, 2, BPF_PROG_TYPE_KPROBE, ATTACH_UPROBE, ""},
		{"p_uretprobe", "uretprobe", 0, 2, BPF_PROG_TYPE_KPROBE, ATTACH_UPROBE, ""},
		{"p_tc", "tc", 0, 2, BPF_PROG_TYPE_SCHED_CLS, ATTACH_TC, ""},
		{"p_classifier", "classifier", 0, 2, BPF_PROG_TYPE_SCHED_CLS, ATTACH_TC, ""},
		{"p_tcx", "tcx/ingress", 0, 2, BPF_PROG_TYPE_SCHED_CLS, ATTACH_TCX, ""},
		{"p_socket", "socket", 0, 2, BPF_PROG_TYPE_SOCKET_FILTER, ATTACH_SOCKET, ""},
		{"p_cgroup_skb", "cgroup_skb/ingress", 0, 2, BPF_PROG_TYPE_CGROUP_SKB, ATTACH_CGROUP, ""},
		{"p_perf_event", "perf_event", 0, 2, BPF_PROG_TYPE_PERF_EVENT, ATTACH_PERF_EVENT, ""},
		{"p_fentry", "fentry/do_unlinkat", 0, 2, BPF_PROG_TYPE_TRACING, ATTACH_TRACING, "do_unlinkat"},
		{"p_fexit", "fexit/do_unlinkat", 0, 2, BPF_PROG_TYPE_TRACING, ATTACH_TRACING, "do_unlinkat"},
		{"p_lsm", "lsm/file_open", 0, 2, BPF_PROG_TYPE_LSM, ATTACH_LSM, "file_open"},
		{"p_iter", "iter/task", 0, 2, BPF_PROG_TYPE_TRACING, ATTACH_ITER, "task"},
		{"p_sk_lookup", "sk_lookup", 0, 2, BPF_PROG_TYPE_SK_LOOKUP, ATTACH_SK_LOOKUP, ""},
		{"p_weird", "weird/thing", 0, 2, (uint32_t)-1, ATTACH_NONE, ""},
	};
	/* expected attach types (BPF_*) where libbpf passes one */
	static const struct { const char *prog; uint32_t at; const char *def; } at[] = {
		{"p_xdp", BPF_XDP, "xdp"},
		{"p_xdp_frags", BPF_XDP, "xdp.frags"},
		{"p_tp_btf", BPF_TRACE_RAW_TP, "tp_btf+"},
		{"p_kretprobe", 0, "kretprobe+"},
		{"p_uretprobe", 0, "uretprobe+"},
		{"p_tcx", 46 /* BPF_TCX_INGRESS, 6.6 */, "tcx/ingress"},
		{"p_cgroup_skb", BPF_CGROUP_INET_INGRESS, "cgroup_skb/ingress"},
		{"p_fentry", BPF_TRACE_FENTRY, "fentry+"},
		{"p_fexit", BPF_TRACE_FEXIT, "fexit+"},
		{"p_lsm", BPF_LSM_MAC, "lsm+"},
		{"p_iter", BPF_TRACE_ITER, "iter+"},
		{"p_sk_lookup", BPF_SK_LOOKUP, "sk_lookup"},
	};
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "sections", k);
		if (lopen(&l, p))
			continue;
		check_common(&l, "sections", "GPL", 23);
		check_progs(&l, progs, N(progs));
		for (uint32_t i = 0; i < N(at); i++) {
			int pi = obj_find_prog(&l.o, at[i].prog);
			if (pi < 0 || !l.o.progs[pi].def)
				continue;
			CHECK(l.o.progs[pi].def->attach_type == at[i].at && strcmp(l.o.progs[pi].def->sec, at[i].def) == 0,
			      "%s: %s attach type %u via '%s'", p, at[i].prog, l.o.progs[pi].def->attach_type,
			      l.o.progs[pi].def->sec);
		}
		int fr = obj_find_prog(&l.o, "p_xdp_frags");
		if (fr >= 0 && l.o.progs[fr].def)
			CHECK(l.o.progs[fr].def->flags & SECDEF_XDP_FRAGS, "%s: xdp.frags flag", p);
		check_no_maps(&l);
		check_relocs(&l, NULL, 0);
		CHECK(obj_find_prog(&l.o, "nope") == -1 && obj_find_map(&l.o, "nope") == -1, "%s: lookups of nothing", p);
		/* every program is 'r0 = 0; exit' */
		for (uint32_t c = 0; c < l.o.ncodes; c++) {
			const struct bpf_insn *in = l.o.codes[c].insns;
			CHECK(l.o.codes[c].count == 2 && in[0].code == (BPF_ALU64 | BPF_MOV | BPF_K) && in[0].dst_reg == 0 &&
				      in[0].imm == 0 && in[1].code == (BPF_JMP | BPF_EXIT),
			      "%s: code %s", p, l.o.codes[c].name);
		}
		lclose(&l);
	}
}

TEST(obj_subprogs)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		path_of(p, sizeof(p), "subprogs", k);
		if (lopen(&l, p))
			continue;
		const struct obj *o = &l.o;
		check_common(&l, "subprogs", "GPL", 2);
		static const struct prog_exp progs[] = {
			{"sub_a", "xdp", 0, 11, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
			{"sub_b", "xdp", 11, 5, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 2);
		check_no_maps(&l);
		/* functions sorted by (code, first): .text (section 2) before xdp (section 4) */
		static const struct { const char *name, *code; uint32_t first, count; bool global; } fns[] = {
			{"add3", ".text", 0, 3, true},   {"sq", ".text", 3, 3, false},
			{"loop_sum", ".text", 6, 11, false}, {"sum_cb", ".text", 17, 5, false},
			{"sub_a", "xdp", 0, 11, true},   {"sub_b", "xdp", 11, 5, true},
			{"twice", "xdp", 16, 3, false},
		};
		CHECK(o->nfuncs == N(fns), "%s: %u functions", p, o->nfuncs);
		for (uint32_t i = 0; i < N(fns) && o->nfuncs == N(fns); i++) {
			const struct obj_func *f = &o->funcs[i];
			CHECK(strcmp(f->name, fns[i].name) == 0 && strcmp(o->codes[f->code].name, fns[i].code) == 0 &&
				      f->first == fns[i].first && f->count == fns[i].count && f->global == fns[i].global,
			      "%s: function %u = %s %s+%u/%u global %d", p, i, f->name, o->codes[f->code].name, f->first,
			      f->count, f->global);
			bool is_prog = !strcmp(fns[i].name, "sub_a") || !strcmp(fns[i].name, "sub_b");
			CHECK((f->prog >= 0) == is_prog, "%s: %s prog %d", p, f->name, f->prog);
		}
		CHECK(o->ncodes == 2 && strcmp(o->codes[0].name, ".text") == 0 && o->codes[0].count == 22 &&
			      o->codes[0].sec == 2 && strcmp(o->codes[1].name, "xdp") == 0 && o->codes[1].count == 19 &&
			      o->codes[1].sec == 4,
		      "%s: code sections", p);
		static const struct reloc_exp relocs[] = {
			{".text", 11, RELOC_FUNC, "sum_cb", "sum_cb", 0, false},
			{"xdp", 1, RELOC_CALL, "sq", "sq", 0, false},
			{"xdp", 4, RELOC_CALL, "add3", "add3", 0, false},
			{"xdp", 7, RELOC_CALL, "loop_sum", "loop_sum", 0, false},
			{"xdp", 12, RELOC_CALL, "twice", "twice", 0, true},
			{"xdp", 14, RELOC_CALL, "add3", "add3", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		/* the helper call to bpf_loop (.text+14, src_reg 0) is no relocation */
		CHECK(o->ncodes == 2 && obj_reloc_at(o, 0, 14) == NULL && insn_is_call(&o->codes[0].insns[14]) &&
			      o->codes[0].insns[14].imm == BPF_FUNC_loop,
		      "%s: helper call", p);
		/* instructions as llvm-objdump prints them: xdp+1 `call 2` (src 1), .text+11 `r2 = 136 ll` */
		if (o->ncodes == 2) {
			const struct bpf_insn *x = o->codes[1].insns, *t = o->codes[0].insns;
			CHECK(x[1].code == (BPF_JMP | BPF_CALL) && x[1].src_reg == BPF_PSEUDO_CALL && x[1].imm == 2,
			      "%s: xdp+1 call 2", p);
			CHECK(x[4].imm == -1 && x[12].imm == 3 && x[12].src_reg == BPF_PSEUDO_CALL, "%s: xdp+4/+12", p);
			CHECK(insn_is_ld_imm64(&t[11]) && t[11].dst_reg == 2 && t[11].imm == 136 && t[12].imm == 0,
			      "%s: .text+11 r2 = 136 ll", p);
			CHECK(x[0].code == (BPF_ALU64 | BPF_MOV | BPF_K) && x[0].dst_reg == 1 && x[0].imm == 2, "%s: r1 = 2", p);
			CHECK(t[0].code == (BPF_ALU64 | BPF_MOV | BPF_X) && t[0].dst_reg == 0 && t[0].src_reg == 1,
			      "%s: r0 = r1 (register nibbles)", p);
			CHECK(t[7].code == (BPF_STX | BPF_MEM | BPF_W) && t[7].dst_reg == 10 && t[7].src_reg == 1 &&
				      t[7].off == -8,
			      "%s: *(u32 *)(r10 - 8) = r1", p);
		}
		lclose(&l);
	}
}

/* examples: examples/NAME.o (bpfel on this host) and build/progs/NAME.bpfeb.o */
static const char *ex_path(const char *stem, int k, char *buf, size_t n)
{
	if (k == 0)
		snprintf(buf, n, "examples/%s.o", stem);
	else
		snprintf(buf, n, "build/progs/%s.bpfeb.o", stem);
	return buf;
}

TEST(obj_example_counter)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		if (lopen(&l, ex_path("counter", k, p, sizeof(p))))
			continue;
		check_common(&l, "counter", "Dual MIT/GPL", 1);
		static const struct prog_exp progs[] = {
			{"count_packets", "xdp", 0, 12, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 1);
		static const struct map_exp map = {"pkt_count", MAP_BTF, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, 0, "__u32", "__u64", 0};
		CHECK(l.o.nmaps == 1, "%s: %u maps", p, l.o.nmaps);
		check_map(&l, &map);
		static const struct reloc_exp relocs[] = {{"xdp", 4, RELOC_MAP, "pkt_count", "pkt_count", 0, false}};
		check_relocs(&l, relocs, 1);
		lclose(&l);
	}
}

TEST(obj_example_execsnoop)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		if (lopen(&l, ex_path("execsnoop", k, p, sizeof(p))))
			continue;
		check_common(&l, "execsnoop", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"trace_execve", "tracepoint/syscalls/sys_enter_execve", 0, 58, BPF_PROG_TYPE_TRACEPOINT,
			 ATTACH_TRACEPOINT, "syscalls/sys_enter_execve"},
		};
		check_progs(&l, progs, 1);
		static const struct map_exp maps[] = {
			{"exec_count", MAP_BTF, BPF_MAP_TYPE_HASH, 16, 8, 1024, 0, 0, 0, "comm_key", "__u64", 0},
			/* struct event: pid, uid, comm[16], filename[128] = 152 bytes, declared as the value */
			{"events", MAP_BTF, BPF_MAP_TYPE_RINGBUF, 0, 152, 256 * 1024, 0, 0, 0, NULL, "event", 0x20},
		};
		CHECK(l.o.nmaps == 2, "%s: %u maps", p, l.o.nmaps);
		for (uint32_t i = 0; i < N(maps); i++)
			check_map(&l, &maps[i]);
		static const char *const sec = "tracepoint/syscalls/sys_enter_execve";
		static const struct reloc_exp relocs[] = {
			{sec, 11, RELOC_MAP, "exec_count", "exec_count", 0, false},
			{sec, 20, RELOC_MAP, "exec_count", "exec_count", 0, false},
			{sec, 27, RELOC_MAP, "exec_count", "exec_count", 0, false},
			{sec, 32, RELOC_MAP, "events", "events", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		lclose(&l);
	}
}

TEST(obj_example_show_ip)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		if (lopen(&l, ex_path("show-ip", k, p, sizeof(p))))
			continue;
		const struct obj *o = &l.o;
		check_common(&l, "show-ip", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"get_ips", "xdp", 0, 50, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 1);
		static const struct map_exp map = {"ips", MAP_BTF, BPF_MAP_TYPE_ARRAY, 4, 12, 1, 0, 0, 0, "__u32", "ip_info", 0};
		CHECK(o->nmaps == 2, "%s: %u maps", p, o->nmaps);
		check_map(&l, &map);
		int ips = obj_find_map(o, "ips");
		if (ips >= 0) {
			const struct btf_type *t = btf_type(&o->btf, o->maps[ips].btf_value);
			static const char *const fields[] = {"source_ip", "dest_ip", "ttl", "protocol"};
			static const uint32_t bits[] = {0, 32, 64, 72};
			CHECK(t && btf_kind(t) == BTF_KIND_STRUCT && btf_vlen(t) == 4 && t->size == 12, "%s: struct ip_info", p);
			for (uint32_t i = 0; t && i < 4 && btf_vlen(t) == 4; i++)
				CHECK(strcmp(btf_str(&o->btf, btf_members(t)[i].name_off), fields[i]) == 0 &&
					      btf_member_bit_offset(t, &btf_members(t)[i]) == bits[i],
				      "%s: ip_info member %u", p, i);
		}
		/* libbpf's name: "show-ip" + ".rodata" cut to 15, '-' made '_' */
		int ro = obj_find_map(o, "show_ip.rodata");
		CHECK(ro >= 0, "%s: no map show_ip.rodata", p);
		if (ro >= 0) {
			const struct obj_map *m = &o->maps[ro];
			static const char fmt[] = "show-ip: %pI4 -> %pI4";
			CHECK(m->origin == MAP_DATA && m->data == DATA_RODATA && m->value_size == sizeof(fmt) &&
				      m->flags == BPF_F_RDONLY_PROG && m->key_size == 4 && m->max_entries == 1,
			      "%s: show_ip.rodata attributes", p);
			CHECK(m->init && memcmp(m->init, fmt, sizeof(fmt)) == 0, "%s: format string", p);
			CHECK(strcmp(type_name(o, m->btf_value), ".rodata") == 0, "%s: DATASEC", p);
		}
		static const struct reloc_exp relocs[] = {
			{"xdp", 29, RELOC_MAP, "ips", "ips", 0, false},
			{"xdp", 43, RELOC_DATA, ".rodata", "show_ip.rodata", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		lclose(&l);
	}
}

/* Object names from paths, and data-map names from them (libbpf's rule, FACTS.md). */
TEST(obj_names_from_paths)
{
	size_t size;
	uint8_t *buf = slurp("build/progs/global_data.bpfel.o", &size);
	REQUIRE(buf, "cannot read global_data");
	/* 15 - max(7, strlen(section)) characters of the object name, then the section name */
	static const struct { const char *path, *obj, *data, *rodata, *bss; } cases[] = {
		{"x.o", "x", "x.data", "x.rodata", "x.bss"},
		{"/a.b/ab-cd.bpf.o", "ab-cd", "ab_cd.data", "ab_cd.rodata", "ab_cd.bss"},
		{"dir/very_long_object_name.o", "very_long_object_name", "very_lon.data", "very_lon.rodata",
		 "very_lon.bss"},
		{"noext", "noext", "noext.data", "noext.rodata", "noext.bss"},
		{"a+b c.o", "a+b c", "a_b_c.data", "a_b_c.rodata", "a_b_c.bss"},
	};
	for (uint32_t i = 0; i < N(cases); i++) {
		struct obj o;
		struct diag d;
		int err = obj_parse(&o, cases[i].path, buf, size, &d);
		CHECK(err == 0, "%s: %s", cases[i].path, d.msg);
		if (err)
			continue;
		CHECK(strcmp(o.name, cases[i].obj) == 0, "%s: object name '%s'", cases[i].path, o.name);
		CHECK(obj_find_map(&o, cases[i].data) >= 0 && obj_find_map(&o, cases[i].rodata) >= 0 &&
			      obj_find_map(&o, cases[i].bss) >= 0 &&
			      obj_find_map(&o, ".data.custom") >= 0 && obj_find_map(&o, ".rodata.str1.1") >= 0,
		      "%s: data map names", cases[i].path);
		obj_close(&o);
	}
	free(buf);
}

/* ---- both byte orders give the same model ---------------------------------------------------------- */

/* Data images differ between byte orders where they hold integers: compare them after swapping
 * every integer variable (found through its symbol and BTF VAR) to host order. */
static void normalised_image(const struct obj *o, const struct obj_map *m, uint8_t *out)
{
	memcpy(out, m->init, m->value_size);
	if (!o->elf.swap)
		return;
	for (uint32_t i = 0; i < o->elf.nsym; i++) {
		const struct elf_sym *s = &o->elf.sym[i];
		if (s->shndx != m->sec || s->type != ELF_STT_OBJECT)
			continue;
		uint32_t var = btf_find(&o->btf, BTF_KIND_VAR, s->name);
		const struct btf_type *v = var ? btf_type(&o->btf, var) : NULL;
		int id = v ? btf_skip_mods(&o->btf, v->type) : -1;
		const struct btf_type *t = id > 0 ? btf_type(&o->btf, (uint32_t)id) : NULL;
		if (!t || (btf_kind(t) != BTF_KIND_INT && btf_kind(t) != BTF_KIND_ENUM) || s->value + t->size > m->value_size)
			continue;
		for (uint32_t a = 0, b = t->size - 1; a < b; a++, b--) {
			uint8_t x = out[s->value + a];
			out[s->value + a] = out[s->value + b];
			out[s->value + b] = x;
		}
	}
}

/* Instructions allowed to differ between the byte orders: show-ip compares h_proto with
 * bpf_htons(ETH_P_IP), which clang folds differently per byte order (llvm-objdump: insns 7 and 9
 * load bytes 13/12 in swapped order, insn 11 compares with 8 vs 0x800). */
static bool may_differ(const char *what, const char *sec, uint32_t insn)
{
	return strstr(what, "show-ip") && !strcmp(sec, "xdp") && (insn == 7 || insn == 9 || insn == 11);
}

static void compare_models(const char *what, const struct obj *a, const struct obj *b)
{
	CHECK(strcmp(a->name, b->name) == 0, "%s: names %s / %s", what, a->name, b->name);
	CHECK((a->license == NULL) == (b->license == NULL) && (!a->license || !strcmp(a->license, b->license)),
	      "%s: license", what);
	CHECK(a->kern_version == b->kern_version, "%s: version", what);
	CHECK(a->has_btf == b->has_btf && a->has_ext == b->has_ext, "%s: BTF presence", what);

	CHECK(a->ncodes == b->ncodes, "%s: %u / %u code sections", what, a->ncodes, b->ncodes);
	for (uint32_t i = 0; i < a->ncodes && a->ncodes == b->ncodes; i++) {
		const struct obj_code *x = &a->codes[i], *y = &b->codes[i];
		CHECK(x->sec == y->sec && !strcmp(x->name, y->name) && x->count == y->count, "%s: code %u", what, i);
		for (uint32_t k = 0; k < x->count && x->count == y->count; k++) {
			const struct bpf_insn *p = &x->insns[k], *q = &y->insns[k];
			if ((p->code != q->code || p->dst_reg != q->dst_reg || p->src_reg != q->src_reg ||
			     p->off != q->off || p->imm != q->imm) &&
			    !may_differ(what, x->name, k)) {
				CHECK(0, "%s: %s+%u: %02x %u %u %d %d / %02x %u %u %d %d", what, x->name, k, p->code, p->dst_reg,
				      p->src_reg, p->off, p->imm, q->code, q->dst_reg, q->src_reg, q->off, q->imm);
				break;
			}
		}
	}
	CHECK(a->nfuncs == b->nfuncs, "%s: functions", what);
	for (uint32_t i = 0; i < a->nfuncs && a->nfuncs == b->nfuncs; i++) {
		const struct obj_func *x = &a->funcs[i], *y = &b->funcs[i];
		CHECK(!strcmp(x->name, y->name) && x->code == y->code && x->first == y->first && x->count == y->count &&
			      x->global == y->global && x->prog == y->prog,
		      "%s: function %u (%s)", what, i, x->name);
	}
	CHECK(a->nprogs == b->nprogs, "%s: programs", what);
	for (uint32_t i = 0; i < a->nprogs && a->nprogs == b->nprogs; i++) {
		const struct obj_prog *x = &a->progs[i], *y = &b->progs[i];
		CHECK(!strcmp(x->name, y->name) && x->func == y->func && !strcmp(x->sec_name, y->sec_name) &&
			      x->def == y->def && !strcmp(x->target, y->target),
		      "%s: program %u (%s)", what, i, x->name);
	}
	CHECK(a->nmaps == b->nmaps, "%s: %u / %u maps", what, a->nmaps, b->nmaps);
	for (uint32_t i = 0; i < a->nmaps && a->nmaps == b->nmaps; i++) {
		const struct obj_map *x = &a->maps[i], *y = &b->maps[i];
		CHECK(!strcmp(x->name, y->name) && x->origin == y->origin && x->data == y->data && x->type == y->type &&
			      x->key_size == y->key_size && x->value_size == y->value_size &&
			      x->max_entries == y->max_entries && x->flags == y->flags && x->numa_node == y->numa_node &&
			      x->pinning == y->pinning && x->map_extra == y->map_extra && x->btf_key == y->btf_key &&
			      x->btf_value == y->btf_value && x->inner == y->inner &&
			      x->legacy_inner_idx == y->legacy_inner_idx && x->sec == y->sec && x->sec_off == y->sec_off &&
			      x->first_init == y->first_init && x->ninit == y->ninit && x->values_off == y->values_off,
		      "%s: map %u (%s) differs", what, i, x->name);
		CHECK((x->init == NULL) == (y->init == NULL), "%s: map %s init presence", what, x->name);
		if (x->init && y->init && x->value_size == y->value_size) {
			uint8_t *p = malloc(x->value_size), *q = malloc(y->value_size);
			normalised_image(a, x, p);
			normalised_image(b, y, q);
			CHECK(memcmp(p, q, x->value_size) == 0, "%s: map %s init image differs", what, x->name);
			free(p);
			free(q);
		}
	}
	CHECK(a->ninits == b->ninits, "%s: inits", what);
	for (uint32_t i = 0; i < a->ninits && a->ninits == b->ninits; i++)
		CHECK(a->inits[i].map == b->inits[i].map && a->inits[i].slot == b->inits[i].slot &&
			      a->inits[i].is_prog == b->inits[i].is_prog && a->inits[i].index == b->inits[i].index,
		      "%s: init %u", what, i);
	CHECK(a->nrelocs == b->nrelocs, "%s: %u / %u relocations", what, a->nrelocs, b->nrelocs);
	for (uint32_t i = 0; i < a->nrelocs && a->nrelocs == b->nrelocs; i++) {
		const struct obj_reloc *x = &a->relocs[i], *y = &b->relocs[i];
		CHECK(x->code == y->code && x->insn == y->insn && x->kind == y->kind && !strcmp(x->sym, y->sym) &&
			      x->implicit == y->implicit &&
			      (x->kind != RELOC_MAP || x->map == y->map) &&
			      (x->kind != RELOC_DATA || (x->map == y->map && x->offset == y->offset)) &&
			      ((x->kind != RELOC_CALL && x->kind != RELOC_FUNC) || x->func == y->func),
		      "%s: relocation %u", what, i);
	}
	if (a->has_btf && b->has_btf) {
		CHECK(a->btf.nr_types == b->btf.nr_types && a->btf.strs_len == b->btf.strs_len &&
			      memcmp(a->btf.strs, b->btf.strs, a->btf.strs_len) == 0,
		      "%s: BTF types/strings", what);
		for (uint32_t id = 1; id <= a->btf.nr_types && a->btf.nr_types == b->btf.nr_types; id++) {
			const struct btf_type *x = btf_type(&a->btf, id), *y = btf_type(&b->btf, id);
			if (btf_record_size(x) != btf_record_size(y) || memcmp(x, y, btf_record_size(x))) {
				CHECK(0, "%s: BTF type %u differs", what, id);
				break;
			}
		}
	}
	if (a->has_ext && b->has_ext) {
		const struct btf_ext_info *xa[] = {&a->ext.func, &a->ext.line, &a->ext.core};
		const struct btf_ext_info *xb[] = {&b->ext.func, &b->ext.line, &b->ext.core};
		for (int k = 0; k < 3; k++) {
			CHECK(xa[k]->rec_size == xb[k]->rec_size && xa[k]->nsec == xb[k]->nsec, "%s: ext %d", what, k);
			for (uint32_t s = 0; s < xa[k]->nsec && xa[k]->nsec == xb[k]->nsec; s++)
				CHECK(!strcmp(xa[k]->sec[s].sec_name, xb[k]->sec[s].sec_name) &&
					      xa[k]->sec[s].count == xb[k]->sec[s].count &&
					      memcmp(xa[k]->sec[s].recs, xb[k]->sec[s].recs,
						     (size_t)xa[k]->sec[s].count * xa[k]->rec_size) == 0,
				      "%s: ext %d group %u", what, k, s);
		}
	}
}

TEST(obj_byte_orders_agree)
{
	static const char *const stems[] = {"bad_verifier", "btf_maps", "global_data", "legacy_iproute2",
					    "legacy_maps", "legacy_samples", "ringbuf_typed", "sections", "subprogs"};
	static const char *const examples[] = {"counter", "execsnoop", "show-ip"};
	for (uint32_t i = 0; i < N(stems) + N(examples); i++) {
		char pa[128], pb[128];
		if (i < N(stems)) {
			path_of(pa, sizeof(pa), stems[i], 0);
			path_of(pb, sizeof(pb), stems[i], 1);
		} else {
			ex_path(examples[i - N(stems)], 0, pa, sizeof(pa));
			ex_path(examples[i - N(stems)], 1, pb, sizeof(pb));
		}
		struct lobj a, b;
		int ea = lopen(&a, pa), eb = lopen(&b, pb);
		if (!ea && !eb) {
			CHECK(!a.o.elf.big_endian && b.o.elf.big_endian, "%s: byte orders", pa);
			compare_models(pa, &a.o, &b.o);
		}
		lclose(&a);
		lclose(&b);
	}
}

/* ---- objects broken on purpose ----------------------------------------------------------------- */

/* A private copy of rel, with the file offset of section `sec` (by name). */
struct copy {
	uint8_t *buf;
	size_t size;
	bool be;
};

static int copy_open(struct copy *c, const char *rel)
{
	c->buf = slurp(rel, &c->size);
	c->be = c->buf && c->buf[5] == 2;
	return c->buf ? 0 : -1;
}

static uint64_t sec_off(const struct copy *c, const char *name, uint64_t *size)
{
	struct elf_file f;
	struct diag d;
	uint64_t off = 0;
	if (elf_parse(&f, c->buf, c->size, &d))
		return 0;
	const struct elf_section *s = elf_find_section(&f, name);
	if (s && s->data) {
		off = (uint64_t)(s->data - c->buf);
		if (size)
			*size = s->size;
	}
	elf_close(&f);
	return off;
}

static void cput32(struct copy *c, uint64_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		c->buf[off + i] = (uint8_t)(v >> (c->be ? 8 * (3 - i) : 8 * i));
}
static void cput64(struct copy *c, uint64_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		c->buf[off + i] = (uint8_t)(v >> (c->be ? 8 * (7 - i) : 8 * i));
}

static void expect_obj_reject(const struct copy *c, int want, const char *needle, const char *what)
{
	struct obj o;
	struct diag d = {""};
	int err = obj_parse(&o, "broken.o", c->buf, c->size, &d);
	CHECK(err == want, "%s: obj_parse returned %d, expected %d (%s)", what, err, want, d.msg);
	CHECK(strstr(d.msg, needle) != NULL, "%s: message '%s' lacks '%s'", what, d.msg, needle);
	if (!err)
		obj_close(&o);
}

TEST(obj_broken_on_purpose)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct copy c;
		uint64_t off, size = 0;

		/* iproute2 pinning 3 (custom): not supported */
		path_of(p, sizeof(p), "legacy_iproute2", k);
		if (copy_open(&c, p) == 0) {
			off = sec_off(&c, "maps", NULL);
			cput32(&c, off + 24, 3);
			expect_obj_reject(&c, -ENOTSUP, "custom pinning 3", "iproute2 pinning 3");
			cput32(&c, off + 24, 2);
			cput32(&c, off + 36 + 28, 7); /* tc_seen.inner_id names no map */
			expect_obj_reject(&c, -EINVAL, "inner_id 7", "iproute2 inner_id without a map");
			free(c.buf);
		}
		/* samples/bpf: inner_map_idx on an ARRAY; a non-zero unknown trailing byte */
		path_of(p, sizeof(p), "legacy_samples", k);
		if (copy_open(&c, p) == 0) {
			off = sec_off(&c, "maps", NULL);
			cput32(&c, off + 20, 1);
			expect_obj_reject(&c, -EINVAL, "inner_map_idx 1", "inner_map_idx on an ARRAY");
			free(c.buf);
		}
		/* the version section must be 4 bytes; the license NUL-terminated */
		path_of(p, sizeof(p), "bad_verifier", k);
		if (copy_open(&c, p) == 0) {
			off = sec_off(&c, "license", &size);
			memcpy(c.buf + off, "GPLx", 4);
			expect_obj_reject(&c, -EINVAL, "license", "license without NUL");
			free(c.buf);
		}
		/* .maps relocation on a misaligned slot */
		path_of(p, sizeof(p), "btf_maps", k);
		if (copy_open(&c, p) == 0) {
			off = sec_off(&c, ".rel.maps", &size);
			cput64(&c, off, 0x5c); /* inner_a's slot 0 at 0x58 -> 0x5c */
			expect_obj_reject(&c, -EINVAL, "misaligned", "misaligned values slot");
			cput64(&c, off, 0x68); /* a second initialiser of slot 2 */
			expect_obj_reject(&c, -EINVAL, "initialised twice", "slot initialised twice");
			cput64(&c, off, 0x48); /* inside outer's definition, before `values` */
			expect_obj_reject(&c, -EINVAL, "not in a 'values' initialiser", "relocation before values");
			free(c.buf);
		}
		/* a program instruction count that is not whole */
		path_of(p, sizeof(p), "sections", k);
		if (copy_open(&c, p) == 0) {
			struct elf_file f;
			struct diag d;
			if (elf_parse(&f, c.buf, c.size, &d) == 0) {
				uint64_t shoff = 0;
				for (int i = 0; i < 8; i++)
					shoff |= (uint64_t)c.buf[40 + (c.be ? 7 - i : i)] << (8 * i);
				const struct elf_section *s = elf_find_section(&f, "xdp");
				uint32_t idx = elf_section_index(&f, s);
				elf_close(&f);
				cput64(&c, shoff + (uint64_t)idx * 64 + 32, 12);
				expect_obj_reject(&c, -EINVAL, "whole number of instructions", "xdp of 12 bytes");
			}
			free(c.buf);
		}
	}
}
