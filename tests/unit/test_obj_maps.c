/* tests/unit/test_obj_maps.c — obj_parse on the test objects about maps (BTF-defined maps and
 * map-in-map initialisers, global data and its names, legacy and iproute2 records, a typed ring
 * buffer), in both byte orders, against facts from the C sources, llvm-objdump and bpftool. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/endian.h"
#include "loader/obj/obj.h"
#include "obj_expect.h"
#include "slurp.h"

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
