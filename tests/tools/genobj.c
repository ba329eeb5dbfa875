/* tests/tools/genobj.c — generated BPF objects (see genobj.h): every section built in its own buffer,
 * then the ELF header, the contents and the section header table. Written from the ELF, BTF and
 * .BTF.ext layouts (FACTS.md), not from any loader's code. Built with -DGENOBJ_MAIN it is also a
 * command: genobj [--progs N] [--btf-maps N] ... > file.o */
#include "tests/tools/genobj.h"

#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

static void put(struct buf *b, const void *data, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}
static void put32(struct buf *b, uint32_t v) { put(b, &v, 4); }
static void put64(struct buf *b, uint64_t v) { put(b, &v, 8); }
static void put16(struct buf *b, uint16_t v) { put(b, &v, 2); }
static void put8(struct buf *b, uint8_t v) { put(b, &v, 1); }
static void zero(struct buf *b, size_t n)
{
	static const uint8_t z[64];
	while (n) {
		size_t k = n < sizeof(z) ? n : sizeof(z);
		put(b, z, k);
		n -= k;
	}
}

/* A string table: returns the offset of s (appended; no dedup needed for these sizes). */
static uint32_t str(struct buf *b, const char *s)
{
	uint32_t off = (uint32_t)b->len;
	put(b, s, strlen(s) + 1);
	return off;
}

struct sec {
	const char *name;      /* owned copy when name_owned */
	char *name_owned;
	uint32_t type, link, info;
	uint64_t flags, entsize, align, nobits_size;
	struct buf data;
};

struct gen {
	const struct genobj_opts *o;
	struct sec *s;
	uint32_t ns, cap;
	struct buf strtab, sym, btf_types, btf_strs;
	uint32_t nsym, nbtf;
};

static uint32_t add_sec(struct gen *g, const char *name, uint32_t type, uint64_t flags)
{
	if (g->ns == g->cap) {
		uint32_t cap = g->cap ? g->cap * 2 : 16;
		struct sec *s = realloc(g->s, cap * sizeof(*s));
		if (!s)
			return 0;
		g->s = s;
		g->cap = cap;
	}
	struct sec *s = &g->s[g->ns];
	memset(s, 0, sizeof(*s));
	s->name_owned = strdup(name);
	s->name = s->name_owned;
	s->type = type;
	s->flags = flags;
	s->align = 8;
	return g->ns++;
}

enum { STB_GLOBAL = 1, STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2 };

static uint32_t add_sym(struct gen *g, const char *name, uint8_t type, uint16_t shndx, uint64_t value, uint64_t size)
{
	put32(&g->sym, name ? str(&g->strtab, name) : 0);
	put8(&g->sym, (uint8_t)(name ? (STB_GLOBAL << 4 | type) : 0));
	put8(&g->sym, 0);
	put16(&g->sym, shndx);
	put64(&g->sym, value);
	put64(&g->sym, size);
	return g->nsym++;
}

static void rel(struct buf *b, uint64_t off, uint32_t sym, uint32_t type)
{
	put64(b, off);
	put64(b, (uint64_t)sym << 32 | type);
}

static void insn(struct buf *b, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = {.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
	put(b, &i, sizeof(i));
}

/* BTF type records; returns the new id. */
static uint32_t btype(struct gen *g, const char *name, uint32_t kind, uint32_t kflag, uint32_t vlen, uint32_t st)
{
	put32(&g->btf_types, name ? str(&g->btf_strs, name) : 0);
	put32(&g->btf_types, kflag << 31 | kind << 24 | vlen);
	put32(&g->btf_types, st);
	return ++g->nbtf;
}
static uint32_t barray(struct gen *g, uint32_t elem, uint32_t index, uint32_t n)
{
	uint32_t id = btype(g, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	put32(&g->btf_types, elem);
	put32(&g->btf_types, index);
	put32(&g->btf_types, n);
	return id;
}
static void bmember(struct gen *g, const char *name, uint32_t type, uint32_t bit_off)
{
	put32(&g->btf_types, str(&g->btf_strs, name));
	put32(&g->btf_types, type);
	put32(&g->btf_types, bit_off);
}

static void free_gen(struct gen *g)
{
	for (uint32_t i = 0; i < g->ns; i++) {
		free(g->s[i].name_owned);
		free(g->s[i].data.p);
	}
	free(g->s);
	free(g->strtab.p);
	free(g->sym.p);
	free(g->btf_types.p);
	free(g->btf_strs.p);
}

int genobj_build(const struct genobj_opts *o, uint8_t **out, size_t *len)
{
	struct gen g = {.o = o};
	char name[64];
	uint32_t nmaps = o->btf_maps + o->legacy_maps;
	int rc = -1;

	if ((o->btf && (o->btf_maps + o->prog_array > 65535 || o->bss_vars > 65535 || o->kfuncs > 65535)) ||
	    (o->section_per_prog && o->progs > 65000) || (!o->btf && (o->btf_maps || o->prog_array || o->kfuncs)))
		return -1;

	/* Sections whose symbols need small indices first; code; then what no symbol points into. */
	add_sec(&g, "", 0, 0);
	uint32_t s_strtab = add_sec(&g, ".strtab", 3, 0);
	uint32_t s_symtab = add_sec(&g, ".symtab", 2, 0);
	uint32_t s_license = add_sec(&g, "license", 1, 3);
	uint32_t s_lmaps = o->legacy_maps ? add_sec(&g, "maps", 1, 3) : 0;
	uint32_t s_maps = o->btf_maps || o->prog_array ? add_sec(&g, ".maps", 1, 3) : 0;
	uint32_t s_bss = o->bss_vars ? add_sec(&g, ".bss", 8, 3) : 0;
	uint32_t first_code = g.ns, ncode = o->section_per_prog ? o->progs : (o->progs ? 1 : 0);
	for (uint32_t i = 0; i < ncode; i++) {
		snprintf(name, sizeof(name), o->section_per_prog ? "tp/gen/p%u" : "xdp", i);
		add_sec(&g, name, 1, 6);
	}
	g.s[s_strtab].align = 1;
	g.s[s_symtab].entsize = 24;
	g.s[s_symtab].link = s_strtab;
	put(&g.s[s_license].data, "GPL", 4);
	if (s_bss)
		g.s[s_bss].nobits_size = (uint64_t)o->bss_vars * 4;

	str(&g.strtab, "");
	add_sym(&g, NULL, 0, 0, 0, 0);
	add_sym(&g, "_license", STT_OBJECT, (uint16_t)s_license, 0, 4);

	/* BTF: the types every map definition and program shares. */
	uint32_t t_int = 0, t_mapdef = 0, t_proto = 0, t_pa = 0;
	if (o->btf) {
		str(&g.btf_strs, "");
		t_int = btype(&g, "int", BTF_KIND_INT, 0, 0, 4);
		put32(&g.btf_types, BTF_INT_SIGNED << 24 | 32);
		uint32_t arr_type = barray(&g, t_int, t_int, BPF_MAP_TYPE_ARRAY);
		uint32_t p_type = btype(&g, NULL, BTF_KIND_PTR, 0, 0, arr_type);
		uint32_t arr_one = barray(&g, t_int, t_int, 1);
		uint32_t p_one = btype(&g, NULL, BTF_KIND_PTR, 0, 0, arr_one);
		uint32_t p_int = btype(&g, NULL, BTF_KIND_PTR, 0, 0, t_int);
		t_mapdef = btype(&g, NULL, BTF_KIND_STRUCT, 0, 4, 32);
		bmember(&g, "type", p_type, 0);
		bmember(&g, "max_entries", p_one, 64);
		bmember(&g, "key", p_int, 128);
		bmember(&g, "value", p_int, 192);
		uint32_t p_void = btype(&g, NULL, BTF_KIND_PTR, 0, 0, 0);
		t_proto = btype(&g, NULL, BTF_KIND_FUNC_PROTO, 0, 1, t_int);
		put32(&g.btf_types, str(&g.btf_strs, "ctx"));
		put32(&g.btf_types, p_void);
		if (o->prog_array) {
			uint32_t a3 = barray(&g, t_int, t_int, BPF_MAP_TYPE_PROG_ARRAY);
			uint32_t pa3 = btype(&g, NULL, BTF_KIND_PTR, 0, 0, a3);
			uint32_t an = barray(&g, t_int, t_int, o->progs ? o->progs : 1);
			uint32_t pan = btype(&g, NULL, BTF_KIND_PTR, 0, 0, an);
			uint32_t a4 = barray(&g, t_int, t_int, 4);
			uint32_t pa4 = btype(&g, NULL, BTF_KIND_PTR, 0, 0, a4);
			uint32_t pproto = btype(&g, NULL, BTF_KIND_PTR, 0, 0, t_proto);
			uint32_t vals = barray(&g, pproto, t_int, 0);
			t_pa = btype(&g, NULL, BTF_KIND_STRUCT, 0, 5, 32);
			bmember(&g, "type", pa3, 0);
			bmember(&g, "max_entries", pan, 64);
			bmember(&g, "key_size", pa4, 128);
			bmember(&g, "value_size", pa4, 192);
			bmember(&g, "values", vals, 256);
		}
	}

	/* Maps and variables: symbols (and BTF VARs and DATASECs). */
	uint32_t first_map_sym = g.nsym;
	for (uint32_t i = 0; i < o->btf_maps; i++) {
		snprintf(name, sizeof(name), "map_%u", i);
		add_sym(&g, name, STT_OBJECT, (uint16_t)s_maps, (uint64_t)i * 32, 32);
		zero(&g.s[s_maps].data, 32);
	}
	for (uint32_t i = 0; i < o->legacy_maps; i++) {
		snprintf(name, sizeof(name), "lmap_%u", i);
		add_sym(&g, name, STT_OBJECT, (uint16_t)s_lmaps, (uint64_t)i * 20, 20);
		struct buf *d = &g.s[s_lmaps].data;
		put32(d, BPF_MAP_TYPE_ARRAY);
		put32(d, 4);
		put32(d, 4);
		put32(d, 1);
		put32(d, 0);
	}
	uint32_t pa_off = o->btf_maps * 32;
	if (o->prog_array) {
		add_sym(&g, "jmp_table", STT_OBJECT, (uint16_t)s_maps, pa_off, 32 + (uint64_t)o->progs * 8);
		zero(&g.s[s_maps].data, 32 + (size_t)o->progs * 8);
	}
	uint32_t first_var_sym = g.nsym;
	for (uint32_t i = 0; i < o->bss_vars; i++) {
		snprintf(name, sizeof(name), "var_%u", i);
		add_sym(&g, name, STT_OBJECT, (uint16_t)s_bss, (uint64_t)i * 4, 4);
	}
	uint32_t first_kfunc_sym = g.nsym;
	for (uint32_t i = 0; i < o->kfuncs; i++) {
		snprintf(name, sizeof(name), "kfunc_%u", i);
		add_sym(&g, name, STT_NOTYPE, 0, 0, 0);
	}

	/* Programs. */
	uint32_t per = 2 + (nmaps ? 2 : 0) + (o->bss_vars ? 2 : 0) + (o->kfuncs ? 1 : 0);
	uint32_t first_prog_sym = g.nsym, first_func_type = 0;
	struct buf *relbufs = calloc(ncode ? ncode : 1, sizeof(*relbufs));
	if (!relbufs)
		goto out;
	for (uint32_t k = 0; k < o->progs; k++) {
		uint32_t c = o->section_per_prog ? k : 0, at = o->section_per_prog ? 0 : k * per;
		struct buf *code = &g.s[first_code + c].data, *r = &relbufs[c];
		snprintf(name, sizeof(name), "prog_%u", k);
		add_sym(&g, name, STT_FUNC, (uint16_t)(first_code + c), (uint64_t)at * 8, (uint64_t)per * 8);
		uint32_t n = 0;
		if (nmaps) {
			rel(r, (uint64_t)(at + n) * 8, first_map_sym + k % nmaps, 1 /* R_BPF_64_64 */);
			insn(code, BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 0);
			insn(code, 0, 0, 0, 0, 0);
			n += 2;
		}
		if (o->bss_vars) {
			rel(r, (uint64_t)(at + n) * 8, first_var_sym + k % o->bss_vars, 1);
			insn(code, BPF_LD | BPF_IMM | BPF_DW, 2, 0, 0, 0);
			insn(code, 0, 0, 0, 0, 0);
			n += 2;
		}
		if (o->kfuncs) {
			rel(r, (uint64_t)(at + n) * 8, first_kfunc_sym + k % o->kfuncs, 10 /* R_BPF_64_32 */);
			insn(code, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, -1);
			n++;
		}
		insn(code, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 2);
		insn(code, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
		if (o->btf) {
			uint32_t id = btype(&g, name, BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL, t_proto);
			if (!first_func_type)
				first_func_type = id;
		}
	}
	if (o->btf) {
		/* VARs and DATASECs, as clang emits them (offsets left 0 for the loader to fill). */
		uint32_t first_var = g.nbtf + 1;
		for (uint32_t i = 0; i < o->btf_maps; i++) {
			snprintf(name, sizeof(name), "map_%u", i);
			btype(&g, name, BTF_KIND_VAR, 0, 0, t_mapdef);
			put32(&g.btf_types, BTF_VAR_GLOBAL_ALLOCATED);
		}
		if (o->prog_array) {
			btype(&g, "jmp_table", BTF_KIND_VAR, 0, 0, t_pa);
			put32(&g.btf_types, BTF_VAR_GLOBAL_ALLOCATED);
		}
		uint32_t nmv = o->btf_maps + o->prog_array;
		if (nmv) {
			btype(&g, ".maps", BTF_KIND_DATASEC, 0, nmv, 0);
			for (uint32_t i = 0; i < nmv; i++) {
				put32(&g.btf_types, first_var + i);
				put32(&g.btf_types, 0);
				put32(&g.btf_types, i < o->btf_maps ? 32 : 32 + o->progs * 8);
			}
		}
		uint32_t first_bss = g.nbtf + 1;
		for (uint32_t i = 0; i < o->bss_vars; i++) {
			snprintf(name, sizeof(name), "var_%u", i);
			btype(&g, name, BTF_KIND_VAR, 0, 0, t_int);
			put32(&g.btf_types, BTF_VAR_GLOBAL_ALLOCATED);
		}
		if (o->bss_vars) {
			btype(&g, ".bss", BTF_KIND_DATASEC, 0, o->bss_vars, 0);
			for (uint32_t i = 0; i < o->bss_vars; i++) {
				put32(&g.btf_types, first_bss + i);
				put32(&g.btf_types, 0);
				put32(&g.btf_types, 4);
			}
		}
		uint32_t first_kf = g.nbtf + 1;
		for (uint32_t i = 0; i < o->kfuncs; i++) {
			snprintf(name, sizeof(name), "kfunc_%u", i);
			btype(&g, name, BTF_KIND_FUNC, 0, BTF_FUNC_EXTERN, t_proto);
		}
		if (o->kfuncs) {
			btype(&g, ".ksyms", BTF_KIND_DATASEC, 0, o->kfuncs, 0);
			for (uint32_t i = 0; i < o->kfuncs; i++) {
				put32(&g.btf_types, first_kf + i);
				put32(&g.btf_types, 0);
				put32(&g.btf_types, 0);
			}
		}
	}
	/* Relocation sections, after the code. */
	for (uint32_t c = 0; c < ncode; c++) {
		if (!relbufs[c].len)
			continue;
		snprintf(name, sizeof(name), ".rel%s", g.s[first_code + c].name);
		uint32_t s = add_sec(&g, name, 9, 0x40 /* SHF_INFO_LINK */);
		g.s[s].data = relbufs[c];
		relbufs[c] = (struct buf){0};
		g.s[s].link = s_symtab;
		g.s[s].info = first_code + c;
		g.s[s].entsize = 16;
	}
	if (o->prog_array) { /* .values = { [k] = &prog_k } */
		uint32_t s = add_sec(&g, ".rel.maps", 9, 0x40);
		for (uint32_t k = 0; k < o->progs; k++)
			rel(&g.s[s].data, pa_off + 32 + (uint64_t)k * 8, first_prog_sym + k, 2 /* R_BPF_64_ABS64 */);
		g.s[s].link = s_symtab;
		g.s[s].info = s_maps;
		g.s[s].entsize = 16;
	}

	if (o->btf) {
		/* .BTF.ext: func_info and line_info, one group per code section. */
		struct buf fi = {0}, li = {0};
		uint32_t file = str(&g.btf_strs, "gen.c"), line = str(&g.btf_strs, "return XDP_PASS;");
		put32(&fi, 8);
		put32(&li, 16);
		for (uint32_t c = 0; c < ncode; c++) {
			uint32_t nameoff = str(&g.btf_strs, g.s[first_code + c].name);
			uint32_t from = o->section_per_prog ? c : 0, to = o->section_per_prog ? c + 1 : o->progs;
			put32(&fi, nameoff);
			put32(&fi, to - from);
			put32(&li, nameoff);
			put32(&li, to - from);
			for (uint32_t k = from; k < to; k++) {
				uint32_t at = (o->section_per_prog ? 0 : k * per) * 8;
				put32(&fi, at);
				put32(&fi, first_func_type + k);
				put32(&li, at);
				put32(&li, file);
				put32(&li, line);
				put32(&li, (k + 1) << 10 | 5);
			}
		}
		uint32_t s = add_sec(&g, ".BTF", 1, 0);
		struct buf *b = &g.s[s].data;
		struct btf_header h = {.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
				       .type_off = 0, .type_len = (uint32_t)g.btf_types.len,
				       .str_off = (uint32_t)g.btf_types.len, .str_len = (uint32_t)g.btf_strs.len};
		put(b, &h, sizeof(h));
		put(b, g.btf_types.p, g.btf_types.len);
		put(b, g.btf_strs.p, g.btf_strs.len);
		s = add_sec(&g, ".BTF.ext", 1, 0);
		b = &g.s[s].data;
		put16(b, BTF_MAGIC);
		put8(b, 1);
		put8(b, 0);
		put32(b, 32);
		put32(b, 0);
		put32(b, (uint32_t)fi.len);
		put32(b, (uint32_t)fi.len);
		put32(b, (uint32_t)li.len);
		put32(b, (uint32_t)(fi.len + li.len));
		put32(b, 0);
		put(b, fi.p, fi.len);
		put(b, li.p, li.len);
		bool oom = fi.oom || li.oom;
		free(fi.p);
		free(li.p);
		if (oom)
			goto out;
	}

	/* Section names, then the symbol table and the string table's contents. */
	uint32_t *name_off = calloc(g.ns, sizeof(*name_off));
	if (!name_off)
		goto out;
	for (uint32_t i = 1; i < g.ns; i++)
		name_off[i] = str(&g.strtab, g.s[i].name);
	g.s[s_symtab].data = g.sym;
	g.sym = (struct buf){0};
	g.s[s_symtab].info = 2; /* the null symbol is the only local one */
	g.s[s_strtab].data = g.strtab;
	g.strtab = (struct buf){0};

	struct buf f = {0};
	zero(&f, 64);
	uint64_t *offs = calloc(g.ns, sizeof(*offs));
	for (uint32_t i = 1; offs && i < g.ns; i++) {
		zero(&f, (8 - f.len % 8) % 8);
		offs[i] = f.len;
		if (g.s[i].type != 8)
			put(&f, g.s[i].data.p, g.s[i].data.len);
		f.oom |= g.s[i].data.oom;
	}
	zero(&f, (8 - f.len % 8) % 8);
	uint64_t shoff = f.len;
	for (uint32_t i = 0; offs && i < g.ns; i++) {
		const struct sec *s = &g.s[i];
		uint64_t size = s->type == 8 ? s->nobits_size : s->data.len;
		uint32_t link = s->link;
		if (i == 0) { /* extended numbering: the counts that do not fit the header */
			size = g.ns >= 0xff00 ? g.ns : 0;
			link = 0;
		}
		put32(&f, name_off[i]);
		put32(&f, s->type);
		put64(&f, s->flags);
		put64(&f, 0);
		put64(&f, i ? offs[i] : 0);
		put64(&f, size);
		put32(&f, link);
		put32(&f, s->info);
		put64(&f, i ? s->align : 0);
		put64(&f, s->entsize);
	}
	free(name_off);
	if (!offs || f.oom) {
		free(offs);
		free(f.p);
		goto out;
	}
	free(offs);
	/* The ELF header: ELFCLASS64, the host's byte order, ET_REL, EM_BPF. */
	uint8_t *e = f.p;
	uint16_t one = 1;
	memcpy(e, "\177ELF", 4);
	e[4] = 2;
	e[5] = *(uint8_t *)&one ? 1 : 2;
	e[6] = 1;
	uint16_t half;
	uint32_t word;
	uint64_t dword;
	half = 1; memcpy(e + 16, &half, 2);           /* e_type */
	half = 247; memcpy(e + 18, &half, 2);         /* e_machine */
	word = 1; memcpy(e + 20, &word, 4);           /* e_version */
	dword = shoff; memcpy(e + 40, &dword, 8);     /* e_shoff */
	half = 64; memcpy(e + 52, &half, 2);          /* e_ehsize */
	half = 64; memcpy(e + 58, &half, 2);          /* e_shentsize */
	half = (uint16_t)(g.ns >= 0xff00 ? 0 : g.ns); memcpy(e + 60, &half, 2);
	half = (uint16_t)s_strtab; memcpy(e + 62, &half, 2);
	*out = f.p;
	*len = f.len;
	rc = 0;
out:
	if (relbufs)
		for (uint32_t c = 0; c < ncode; c++)
			free(relbufs[c].p);
	free(relbufs);
	free_gen(&g);
	return rc;
}

#ifdef GENOBJ_MAIN
int main(int argc, char **argv)
{
	struct genobj_opts o = {0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		unsigned long v = i + 1 < argc ? strtoul(argv[i + 1], NULL, 10) : 0;
		if (!strcmp(a, "--progs")) o.progs = (uint32_t)v, i++;
		else if (!strcmp(a, "--btf-maps")) o.btf_maps = (uint32_t)v, i++;
		else if (!strcmp(a, "--legacy-maps")) o.legacy_maps = (uint32_t)v, i++;
		else if (!strcmp(a, "--bss-vars")) o.bss_vars = (uint32_t)v, i++;
		else if (!strcmp(a, "--kfuncs")) o.kfuncs = (uint32_t)v, i++;
		else if (!strcmp(a, "--prog-array")) o.prog_array = true;
		else if (!strcmp(a, "--btf")) o.btf = true;
		else if (!strcmp(a, "--section-per-prog")) o.section_per_prog = true;
		else {
			fprintf(stderr, "usage: genobj [--progs N] [--btf-maps N] [--legacy-maps N] [--bss-vars N] [--kfuncs N] [--prog-array] [--btf] [--section-per-prog] > file.o\n");
			return 2;
		}
	}
	uint8_t *p;
	size_t n;
	if (genobj_build(&o, &p, &n)) {
		fprintf(stderr, "genobj: counts out of range, or out of memory\n");
		return 1;
	}
	size_t w = fwrite(p, 1, n, stdout);
	free(p);
	return w == n && fflush(stdout) == 0 ? 0 : 1;
}
#endif
