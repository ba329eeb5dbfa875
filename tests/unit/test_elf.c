/* tests/unit/test_elf.c — elf_parse on clang-built objects in both byte orders (expectations
 * transcribed from llvm-readelf -S -s -r), and on minimal ELF images built here byte by byte,
 * one broken field at a time, to check each rejection and its "elf: " message. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "slurp.h"
#include "common/endian.h"
#include "elf/elf.h"

static bool starts_with(const char *s, const char *pfx) { return strncmp(s, pfx, strlen(pfx)) == 0; }

/* ---- real objects ---------------------------------------------------------------------------- */

enum { SHT_LLVM_ADDRSIG = 0x6fff4c03 };

struct sec_fact {
	uint32_t idx;
	const char *name;
	uint32_t type;
	uint64_t off, size;
	uint32_t link, info;
	uint64_t entsize, flags;
};

#define A ELF_SHF_ALLOC
#define X ELF_SHF_EXECINSTR
#define W ELF_SHF_WRITE
/* llvm-readelf -S build/progs/subprogs.bpfel.o (the bpfeb build has the same layout). The build maps the
 * source directory to "." (-fdebug-prefix-map), so these offsets do not depend on where the tree lives. */
static const struct sec_fact subprogs_secs[] = {
	{0, "", ELF_SHT_NULL, 0, 0, 0, 0, 0, 0},
	{1, ".strtab", ELF_SHT_STRTAB, 0x1a4c, 0x12b, 0, 0, 0, 0},
	{2, ".text", ELF_SHT_PROGBITS, 0x40, 0xb0, 0, 0, 0, A | X},
	{3, ".rel.text", ELF_SHT_REL, 0x12c8, 0x10, 27, 2, 0x10, 0x40 /* INFO_LINK */},
	{4, "xdp", ELF_SHT_PROGBITS, 0xf0, 0x98, 0, 0, 0, A | X},
	{5, ".relxdp", ELF_SHT_REL, 0x12d8, 0x40, 27, 4, 0x10, 0x40},
	{6, "license", ELF_SHT_PROGBITS, 0x188, 0x4, 0, 0, 0, W | A},
	{7, ".debug_loclists", ELF_SHT_PROGBITS, 0x18c, 0x69, 0, 0, 0, 0},
	{8, ".debug_abbrev", ELF_SHT_PROGBITS, 0x1f5, 0x14b, 0, 0, 0, 0},
	{9, ".debug_info", ELF_SHT_PROGBITS, 0x340, 0x1ec, 0, 0, 0, 0},
	{10, ".rel.debug_info", ELF_SHT_REL, 0x1318, 0x60, 27, 9, 0x10, 0x40},
	{11, ".debug_rnglists", ELF_SHT_PROGBITS, 0x52c, 0x28, 0, 0, 0, 0},
	{12, ".debug_str_offsets", ELF_SHT_PROGBITS, 0x554, 0x94, 0, 0, 0, 0},
	{13, ".rel.debug_str_offsets", ELF_SHT_REL, 0x1378, 0x230, 27, 12, 0x10, 0x40},
	{14, ".debug_str", ELF_SHT_PROGBITS, 0x5e8, 0x132, 0, 0, 1, 0x30 /* MS */},
	{15, ".debug_addr", ELF_SHT_PROGBITS, 0x71a, 0x70, 0, 0, 0, 0},
	{16, ".rel.debug_addr", ELF_SHT_REL, 0x15a8, 0xd0, 27, 15, 0x10, 0x40},
	{17, ".BTF", ELF_SHT_PROGBITS, 0x78c, 0x494, 0, 0, 0, 0},
	{18, ".rel.BTF", ELF_SHT_REL, 0x1678, 0x10, 27, 17, 0x10, 0x40},
	{19, ".BTF.ext", ELF_SHT_PROGBITS, 0xc20, 0x220, 0, 0, 0, 0},
	{20, ".rel.BTF.ext", ELF_SHT_REL, 0x1688, 0x210, 27, 19, 0x10, 0x40},
	{21, ".debug_frame", ELF_SHT_PROGBITS, 0xe40, 0xb8, 0, 0, 0, 0},
	{22, ".rel.debug_frame", ELF_SHT_REL, 0x1898, 0xe0, 27, 21, 0x10, 0x40},
	{23, ".debug_line", ELF_SHT_PROGBITS, 0xef8, 0x151, 0, 0, 0, 0},
	{24, ".rel.debug_line", ELF_SHT_REL, 0x1978, 0xd0, 27, 23, 0x10, 0x40},
	{25, ".debug_line_str", ELF_SHT_PROGBITS, 0x1049, 0x81, 0, 0, 1, 0x30},
	{26, ".llvm_addrsig", SHT_LLVM_ADDRSIG, 0x1a48, 0x4, 27, 0, 0, 0x80000000 /* EXCLUDE */},
	{27, ".symtab", ELF_SHT_SYMTAB, 0x10d0, 0x1f8, 1, 17, 0x18, 0},
};

struct sym_fact {
	uint32_t idx;
	const char *name;
	uint64_t value, size;
	uint8_t type, bind;
	uint16_t shndx;
};

/* llvm-readelf -s (section symbols have no name of their own in the table). */
static const struct sym_fact subprogs_syms[] = {
	{0, "", 0, 0, ELF_STT_NOTYPE, ELF_STB_LOCAL, ELF_SHN_UNDEF},
	{1, "subprogs.bpf.c", 0, 0, ELF_STT_FILE, ELF_STB_LOCAL, ELF_SHN_ABS},
	{2, "", 0, 0, ELF_STT_SECTION, ELF_STB_LOCAL, 2},
	{3, "", 0, 0, ELF_STT_SECTION, ELF_STB_LOCAL, 4},
	{4, "sq", 0x18, 24, ELF_STT_FUNC, ELF_STB_LOCAL, 2},
	{5, "loop_sum", 0x30, 88, ELF_STT_FUNC, ELF_STB_LOCAL, 2},
	{6, "sum_cb", 0x88, 40, ELF_STT_FUNC, ELF_STB_LOCAL, 2},
	{7, "twice", 0x80, 24, ELF_STT_FUNC, ELF_STB_LOCAL, 4},
	{16, "", 0, 0, ELF_STT_SECTION, ELF_STB_LOCAL, 25},
	{17, "add3", 0, 24, ELF_STT_FUNC, ELF_STB_GLOBAL, 2},
	{18, "sub_a", 0, 88, ELF_STT_FUNC, ELF_STB_GLOBAL, 4},
	{19, "sub_b", 0x58, 40, ELF_STT_FUNC, ELF_STB_GLOBAL, 4},
	{20, "__license", 0, 4, ELF_STT_OBJECT, ELF_STB_GLOBAL, 6},
};

struct rel_fact {
	uint64_t offset;
	uint32_t sym, type;
};

static void check_subprogs(const char *rel, bool big)
{
	size_t size;
	uint8_t *buf = slurp(rel, &size);
	REQUIRE(buf, "cannot read %s", rel);
	struct elf_file f;
	struct diag d = {""};
	int err = elf_parse(&f, buf, size, &d);
	CHECK(err == 0, "%s: elf_parse %d: %s", rel, err, d.msg);
	if (err) {
		free(buf);
		return;
	}
	CHECK(d.msg[0] == '\0', "%s: diag set on success: %s", rel, d.msg);
	CHECK(f.big_endian == big, "%s: big_endian %d", rel, f.big_endian);
	CHECK(f.swap == (big != host_is_big_endian()), "%s: swap %d", rel, f.swap);
	CHECK(f.size == size && f.data == buf, "%s: data/size not the input", rel);
	CHECK(f.nsec == 28, "%s: %u sections, readelf says 28", rel, f.nsec);
	for (size_t i = 0; i < sizeof(subprogs_secs) / sizeof(subprogs_secs[0]) && f.nsec == 28; i++) {
		const struct sec_fact *e = &subprogs_secs[i];
		const struct elf_section *s = &f.sec[e->idx];
		CHECK(strcmp(s->name, e->name) == 0, "%s: section %u name '%s', expected '%s'", rel, e->idx,
		      s->name, e->name);
		CHECK(s->type == e->type, "%s: section %u type %#x, expected %#x", rel, e->idx, s->type, e->type);
		CHECK(s->size == e->size, "%s: section %u size %#llx, expected %#llx", rel, e->idx,
		      (unsigned long long)s->size, (unsigned long long)e->size);
		CHECK(s->link == e->link && s->info == e->info, "%s: section %u link/info %u/%u, expected %u/%u",
		      rel, e->idx, s->link, s->info, e->link, e->info);
		CHECK(s->entsize == e->entsize, "%s: section %u entsize %llu", rel, e->idx,
		      (unsigned long long)s->entsize);
		CHECK(s->flags == e->flags, "%s: section %u flags %#llx, expected %#llx", rel, e->idx,
		      (unsigned long long)s->flags, (unsigned long long)e->flags);
		if (e->idx == 0)
			CHECK(s->data == NULL, "%s: section 0 has data", rel);
		else
			CHECK(s->data == buf + e->off, "%s: section %u data at +%td, expected +%#llx", rel, e->idx,
			      s->data ? s->data - buf : -1, (unsigned long long)e->off);
	}
	CHECK(f.symtab == 27, "%s: symtab %u", rel, f.symtab);
	CHECK(f.nsym == 21, "%s: %u symbols, readelf says 21", rel, f.nsym);
	for (size_t i = 0; i < sizeof(subprogs_syms) / sizeof(subprogs_syms[0]) && f.nsym == 21; i++) {
		const struct sym_fact *e = &subprogs_syms[i];
		const struct elf_sym *s = &f.sym[e->idx];
		CHECK(strcmp(s->name, e->name) == 0, "%s: symbol %u name '%s', expected '%s'", rel, e->idx,
		      s->name, e->name);
		CHECK(s->value == e->value && s->size == e->size, "%s: symbol %u (%s) value/size %llu/%llu", rel,
		      e->idx, e->name, (unsigned long long)s->value, (unsigned long long)s->size);
		CHECK(s->type == e->type && s->bind == e->bind, "%s: symbol %u (%s) type/bind %u/%u", rel,
		      e->idx, e->name, s->type, s->bind);
		CHECK(s->shndx == e->shndx, "%s: symbol %u (%s) shndx %u, expected %u", rel, e->idx, e->name,
		      s->shndx, e->shndx);
		CHECK(s->visibility == ELF_STV_DEFAULT, "%s: symbol %u visibility %u", rel, e->idx, s->visibility);
	}

	/* elf_find_section and REL entries (llvm-readelf -r). */
	const struct elf_section *relxdp = elf_find_section(&f, ".relxdp");
	const struct elf_section *reltext = elf_find_section(&f, ".rel.text");
	CHECK(elf_find_section(&f, "nope") == NULL, "%s: found a section 'nope'", rel);
	CHECK(elf_find_section(&f, "") == NULL, "%s: found section 0 by its empty name", rel);
	REQUIRE(relxdp && reltext, "%s: REL sections not found", rel);
	CHECK(elf_section_index(&f, relxdp) == 5 && elf_section_index(&f, reltext) == 3, "%s: REL indices", rel);
	static const struct rel_fact xdp_rels[] = {
		{0x08, 2, 10}, {0x20, 17, 10}, {0x38, 2, 10}, {0x70, 17, 10},
	};
	CHECK(elf_rel_count(relxdp) == 4, "%s: .relxdp has %u entries", rel, elf_rel_count(relxdp));
	for (uint32_t i = 0; i < 4 && elf_rel_count(relxdp) == 4; i++) {
		struct elf_rel r;
		err = elf_rel_get(&f, relxdp, i, 8, &r, &d);
		CHECK(err == 0, "%s: .relxdp #%u: %s", rel, i, d.msg);
		CHECK(r.offset == xdp_rels[i].offset && r.sym == xdp_rels[i].sym && r.type == xdp_rels[i].type,
		      "%s: .relxdp #%u = %#llx/%u/%u", rel, i, (unsigned long long)r.offset, r.sym, r.type);
	}
	struct elf_rel r;
	CHECK(elf_rel_count(reltext) == 1, "%s: .rel.text count", rel);
	err = elf_rel_get(&f, reltext, 0, 8, &r, &d);
	CHECK(err == 0 && r.offset == 0x58 && r.sym == 2 && r.type == 1, "%s: .rel.text #0 = %#llx/%u/%u (%s)",
	      rel, (unsigned long long)r.offset, r.sym, r.type, d.msg);
	/* the ld_imm64 at 0x58 is 16 bytes: width 16 fits exactly; an index past the count does not */
	CHECK(elf_rel_get(&f, reltext, 0, 16, &r, &d) == 0, "%s: width 16 at 0x58 of 0xb0", rel);
	d.msg[0] = '\0';
	CHECK(elf_rel_get(&f, reltext, 1, 8, &r, &d) == -EINVAL && starts_with(d.msg, "elf: "),
	      "%s: relocation index 1 of 1: '%s'", rel, d.msg);
	elf_close(&f);
	CHECK(f.sec == NULL && f.sym == NULL && f.nsec == 0 && f.nsym == 0, "%s: elf_close left state", rel);
	free(buf);
}

TEST(elf_subprogs_bpfel) { check_subprogs("build/progs/subprogs.bpfel.o", false); }
TEST(elf_subprogs_bpfeb) { check_subprogs("build/progs/subprogs.bpfeb.o", true); }

/* NOBITS: size without bytes; both byte orders agree on every field. */
TEST(elf_global_data_both_orders)
{
	size_t sel, seb;
	uint8_t *bel = slurp("build/progs/global_data.bpfel.o", &sel);
	uint8_t *beb = slurp("build/progs/global_data.bpfeb.o", &seb);
	REQUIRE(bel && beb, "cannot read global_data objects");
	struct elf_file fl, fb;
	struct diag d;
	int e1 = elf_parse(&fl, bel, sel, &d);
	int e2 = elf_parse(&fb, beb, seb, &d);
	CHECK(e1 == 0 && e2 == 0, "elf_parse: %d %d %s", e1, e2, d.msg);
	if (!e1 && !e2) {
		CHECK(fl.nsec == 31 && fb.nsec == 31, "nsec %u %u", fl.nsec, fb.nsec);
		const struct elf_section *bss = elf_find_section(&fl, ".bss");
		const struct elf_section *extra = elf_find_section(&fl, ".bss.extra");
		const struct elf_section *str = elf_find_section(&fl, ".rodata.str1.1");
		REQUIRE(bss && extra && str, "sections missing");
		CHECK(bss->type == ELF_SHT_NOBITS && bss->size == 4 && bss->data == NULL, ".bss %u %llu %p",
		      bss->type, (unsigned long long)bss->size, (const void *)bss->data);
		CHECK(elf_section_index(&fl, bss) == 8 && elf_section_index(&fl, extra) == 9, ".bss indices");
		CHECK(extra->type == ELF_SHT_NOBITS && extra->data == NULL, ".bss.extra");
		CHECK(str->size == 12 && str->entsize == 1 && memcmp(str->data, "gd literal\n", 12) == 0,
		      ".rodata.str1.1");
		CHECK(str->flags == (ELF_SHF_ALLOC | 0x10 | 0x20), ".rodata.str1.1 flags %#llx",
		      (unsigned long long)str->flags);
		for (uint32_t i = 0; i < fl.nsec && fl.nsec == fb.nsec; i++) {
			const struct elf_section *a = &fl.sec[i], *b = &fb.sec[i];
			CHECK(strcmp(a->name, b->name) == 0 && a->type == b->type && a->flags == b->flags &&
				      a->size == b->size && a->link == b->link && a->info == b->info &&
				      a->entsize == b->entsize && a->addralign == b->addralign &&
				      (a->data == NULL) == (b->data == NULL) &&
				      (!a->data || (a->data - bel) == (b->data - beb)),
			      "section %u differs between byte orders", i);
		}
		CHECK(fl.nsym == 20 && fb.nsym == 20, "nsym %u %u", fl.nsym, fb.nsym);
		for (uint32_t i = 0; i < fl.nsym && fl.nsym == fb.nsym; i++) {
			const struct elf_sym *a = &fl.sym[i], *b = &fb.sym[i];
			CHECK(strcmp(a->name, b->name) == 0 && a->value == b->value && a->size == b->size &&
				      a->shndx == b->shndx && a->bind == b->bind && a->type == b->type,
			      "symbol %u differs between byte orders", i);
		}
		/* symbol 3: gd_prog.____fmt, LOCAL OBJECT in .rodata at 4, 6 bytes */
		CHECK(strcmp(fl.sym[3].name, "gd_prog.____fmt") == 0 && fl.sym[3].value == 4 &&
			      fl.sym[3].size == 6 && fl.sym[3].shndx == 6 && fl.sym[3].type == ELF_STT_OBJECT,
		      "gd_prog.____fmt");
		const struct elf_section *rx = elf_find_section(&fb, ".relxdp");
		static const struct rel_fact rels[] = {
			{0x00, 14, 1}, {0x20, 15, 1}, {0x50, 16, 1}, {0x70, 17, 1},
			{0x90, 18, 1}, {0xa8, 4, 1},  {0xc8, 5, 1},
		};
		REQUIRE(rx && elf_rel_count(rx) == 7, ".relxdp");
		for (uint32_t i = 0; i < 7; i++) {
			struct elf_rel r;
			CHECK(elf_rel_get(&fb, rx, i, 16, &r, &d) == 0 && r.offset == rels[i].offset &&
				      r.sym == rels[i].sym && r.type == rels[i].type,
			      "bpfeb .relxdp #%u", i);
		}
	}
	if (!e1)
		elf_close(&fl);
	if (!e2)
		elf_close(&fb);
	free(bel);
	free(beb);
}

TEST(elf_strtab_lookup)
{
	static const uint8_t tab[] = "\0abc\0de"; /* 8 bytes: the last string ends at the final NUL */
	CHECK(elf_strtab_get(tab, 8, 0) && strcmp(elf_strtab_get(tab, 8, 0), "") == 0, "offset 0");
	CHECK(elf_strtab_get(tab, 8, 1) && strcmp(elf_strtab_get(tab, 8, 1), "abc") == 0, "offset 1");
	CHECK(elf_strtab_get(tab, 8, 3) && strcmp(elf_strtab_get(tab, 8, 3), "c") == 0, "offset 3");
	CHECK(elf_strtab_get(tab, 8, 5) && strcmp(elf_strtab_get(tab, 8, 5), "de") == 0, "offset 5");
	CHECK(elf_strtab_get(tab, 7, 5) == NULL, "'de' without its NUL");
	CHECK(elf_strtab_get(tab, 8, 8) == NULL, "offset == size");
	CHECK(elf_strtab_get(tab, 8, UINT64_MAX) == NULL, "offset huge");
	CHECK(elf_strtab_get(NULL, 8, 0) == NULL, "no table");
	CHECK(elf_strtab_get(tab, 0, 0) == NULL, "empty table");
}

/* ---- minimal images built by hand -------------------------------------------------------------- */

/* Layout (offsets fixed so tests can poke fields):
 *   0x000 ELF header
 *   0x040 [1] .shstrtab  (41 bytes)
 *   0x070 [2] .text      (16 bytes: r0 = 0; exit)
 *   0x080 [3] .symtab    (3 symbols: null, section .text, GLOBAL FUNC "prog")
 *   0x0c8 [4] .strtab    ("\0prog\0")
 *   0x0d0 [5] .rel.text  (one R_BPF_64_64 at offset 0 against symbol 2)
 *   0x0e0 section headers, 6 x 64
 */
enum { IMG_SHOFF = 0xe0, IMG_NSEC = 6, IMG_SIZE = IMG_SHOFF + IMG_NSEC * 64 };
static const char img_shstr[] = "\0.shstrtab\0.text\0.symtab\0.strtab\0.rel.text"; /* 42 with final NUL */
enum { NM_SHSTRTAB = 1, NM_TEXT = 11, NM_SYMTAB = 17, NM_STRTAB = 25, NM_REL = 33 };

struct img {
	uint8_t b[IMG_SIZE + 64];
	size_t size;
	bool be;
};

static void put16(struct img *m, size_t off, uint16_t v)
{
	for (int i = 0; i < 2; i++)
		m->b[off + i] = (uint8_t)(v >> (m->be ? 8 * (1 - i) : 8 * i));
}
static void put32(struct img *m, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		m->b[off + i] = (uint8_t)(v >> (m->be ? 8 * (3 - i) : 8 * i));
}
static void put64(struct img *m, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		m->b[off + i] = (uint8_t)(v >> (m->be ? 8 * (7 - i) : 8 * i));
}

/* Section header field offsets inside one 64-byte header. */
enum { SH_NAME = 0, SH_TYPE = 4, SH_FLAGS = 8, SH_OFFSET = 24, SH_SIZE = 32, SH_LINK = 40, SH_INFO = 44,
       SH_ALIGN = 48, SH_ENTSIZE = 56 };
static size_t sh(uint32_t i, uint32_t field) { return IMG_SHOFF + (size_t)i * 64 + field; }

static void shdr(struct img *m, uint32_t i, uint32_t name, uint32_t type, uint64_t flags, uint64_t off,
		 uint64_t size, uint32_t link, uint32_t info, uint64_t align, uint64_t entsize)
{
	put32(m, sh(i, SH_NAME), name);
	put32(m, sh(i, SH_TYPE), type);
	put64(m, sh(i, SH_FLAGS), flags);
	put64(m, sh(i, SH_OFFSET), off);
	put64(m, sh(i, SH_SIZE), size);
	put32(m, sh(i, SH_LINK), link);
	put32(m, sh(i, SH_INFO), info);
	put64(m, sh(i, SH_ALIGN), align);
	put64(m, sh(i, SH_ENTSIZE), entsize);
}

enum { OFF_SHSTR = 0x40, OFF_TEXT = 0x70, OFF_SYMTAB = 0x80, OFF_STRTAB = 0xc8, OFF_REL = 0xd0 };

static void img_build(struct img *m, bool be)
{
	memset(m, 0, sizeof(*m));
	m->be = be;
	m->size = IMG_SIZE;
	memcpy(m->b, "\177ELF", 4);
	m->b[4] = 2;            /* ELFCLASS64 */
	m->b[5] = be ? 2 : 1;   /* data encoding */
	m->b[6] = 1;            /* EV_CURRENT */
	put16(m, 16, 1);        /* ET_REL */
	put16(m, 18, ELF_EM_BPF);
	put32(m, 20, 1);
	put64(m, 40, IMG_SHOFF);
	put16(m, 52, 64);       /* e_ehsize */
	put16(m, 58, 64);       /* e_shentsize */
	put16(m, 60, IMG_NSEC);
	put16(m, 62, 1);        /* e_shstrndx */

	memcpy(m->b + OFF_SHSTR, img_shstr, sizeof(img_shstr));
	/* .text: r0 = 0 (b7 00 ..), exit (95 ..); register byte is 0 either way */
	static const uint8_t text[16] = {0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0};
	memcpy(m->b + OFF_TEXT, text, sizeof(text));
	/* symbols: [1] section .text, [2] "prog" GLOBAL FUNC in .text, 16 bytes */
	m->b[OFF_SYMTAB + 24 + 4] = ELF_STT_SECTION;
	put16(m, OFF_SYMTAB + 24 + 6, 2);
	put32(m, OFF_SYMTAB + 48, 1);
	m->b[OFF_SYMTAB + 48 + 4] = (ELF_STB_GLOBAL << 4) | ELF_STT_FUNC;
	put16(m, OFF_SYMTAB + 48 + 6, 2);
	put64(m, OFF_SYMTAB + 48 + 8, 0);
	put64(m, OFF_SYMTAB + 48 + 16, 16);
	memcpy(m->b + OFF_STRTAB, "\0prog\0", 6);
	put64(m, OFF_REL, 0);
	put64(m, OFF_REL + 8, ((uint64_t)2 << 32) | 1);

	shdr(m, 1, NM_SHSTRTAB, ELF_SHT_STRTAB, 0, OFF_SHSTR, sizeof(img_shstr), 0, 0, 1, 0);
	shdr(m, 2, NM_TEXT, ELF_SHT_PROGBITS, ELF_SHF_ALLOC | ELF_SHF_EXECINSTR, OFF_TEXT, 16, 0, 0, 8, 0);
	shdr(m, 3, NM_SYMTAB, ELF_SHT_SYMTAB, 0, OFF_SYMTAB, 72, 4, 2, 8, 24);
	shdr(m, 4, NM_STRTAB, ELF_SHT_STRTAB, 0, OFF_STRTAB, 6, 0, 0, 1, 0);
	shdr(m, 5, NM_REL, ELF_SHT_REL, 0, OFF_REL, 16, 3, 2, 8, 16);
}

TEST(elf_image_valid)
{
	for (int be = 0; be < 2; be++) {
		struct img m;
		struct elf_file f;
		struct diag d = {""};
		img_build(&m, be);
		int err = elf_parse(&f, m.b, m.size, &d);
		CHECK(err == 0, "%s image: %d %s", be ? "BE" : "LE", err, d.msg);
		if (err)
			continue;
		CHECK(f.big_endian == (bool)be, "byte order");
		CHECK(f.nsec == 6 && f.symtab == 3 && f.nsym == 3, "nsec %u symtab %u nsym %u", f.nsec, f.symtab,
		      f.nsym);
		static const char *const names[] = {"", ".shstrtab", ".text", ".symtab", ".strtab", ".rel.text"};
		for (uint32_t i = 0; i < 6 && f.nsec == 6; i++)
			CHECK(strcmp(f.sec[i].name, names[i]) == 0, "section %u '%s'", i, f.sec[i].name);
		CHECK(f.sec[2].data == m.b + OFF_TEXT && f.sec[2].size == 16 && f.sec[2].addralign == 8, ".text");
		CHECK(strcmp(f.sym[2].name, "prog") == 0 && f.sym[2].bind == ELF_STB_GLOBAL &&
			      f.sym[2].type == ELF_STT_FUNC && f.sym[2].size == 16 && f.sym[2].shndx == 2,
		      "symbol prog");
		CHECK(f.sym[1].type == ELF_STT_SECTION && f.sym[1].shndx == 2, "section symbol");
		struct elf_rel r;
		err = elf_rel_get(&f, &f.sec[5], 0, 16, &r, &d);
		CHECK(err == 0 && r.offset == 0 && r.sym == 2 && r.type == 1, "rel: %d %s", err, d.msg);
		elf_close(&f);
	}
}

/* A parse that must fail with -EINVAL (or want) and an "elf: " message containing `needle`. */
static void expect_reject(const struct img *m, size_t size, int want, const char *needle, const char *what)
{
	struct elf_file f;
	struct diag d = {""};
	int err = elf_parse(&f, m->b, size, &d);
	CHECK(err == want, "%s (%s): elf_parse returned %d, expected %d (%s)", what, m->be ? "BE" : "LE", err,
	      want, d.msg);
	CHECK(starts_with(d.msg, "elf: "), "%s (%s): message '%s'", what, m->be ? "BE" : "LE", d.msg);
	CHECK(strstr(d.msg, needle) != NULL, "%s (%s): message '%s' lacks '%s'", what, m->be ? "BE" : "LE",
	      d.msg, needle);
	CHECK(f.sec == NULL && f.sym == NULL, "%s: elf_file not cleaned up", what);
	if (err == 0)
		elf_close(&f);
}

TEST(elf_image_rejections)
{
	for (int be = 0; be < 2; be++) {
		struct img m;

		img_build(&m, be);
		m.b[1] = 'X';
		expect_reject(&m, m.size, -EINVAL, "not an ELF file", "bad magic");
		img_build(&m, be);
		expect_reject(&m, 63, -EINVAL, "not an ELF file", "shorter than a header");
		expect_reject(&m, 0, -EINVAL, "not an ELF file", "empty");

		img_build(&m, be);
		m.b[4] = 1;
		expect_reject(&m, m.size, -EINVAL, "64-bit", "ELFCLASS32");
		img_build(&m, be);
		m.b[5] = 3;
		expect_reject(&m, m.size, -EINVAL, "byte order", "data encoding 3");
		img_build(&m, be);
		put16(&m, 18, 62 /* EM_X86_64 */);
		expect_reject(&m, m.size, -EINVAL, "machine 62", "wrong machine");
		img_build(&m, be);
		put16(&m, 16, 2 /* ET_EXEC */);
		expect_reject(&m, m.size, -EINVAL, "relocatable", "ET_EXEC");
		img_build(&m, be);
		put64(&m, 40, 0);
		expect_reject(&m, m.size, -EINVAL, "no section headers", "e_shoff 0");
		img_build(&m, be);
		put16(&m, 58, 40);
		expect_reject(&m, m.size, -EINVAL, "section header size", "e_shentsize 40");

		/* the section header table past the end of the file */
		img_build(&m, be);
		put64(&m, 40, IMG_SIZE - 32);
		expect_reject(&m, m.size, -EINVAL, "past end of file", "e_shoff inside the last 64 bytes");
		img_build(&m, be);
		put64(&m, 40, 0xffffffffffffffc0ull);
		expect_reject(&m, m.size, -EINVAL, "past end of file", "e_shoff wrapping");
		img_build(&m, be);
		put16(&m, 60, 7);
		expect_reject(&m, m.size, -EINVAL, "do not fit", "e_shnum one too many");
		img_build(&m, be);
		expect_reject(&m, IMG_SIZE - 1, -EINVAL, "do not fit", "file cut inside the last header");

		/* a section's offset + size past the end of the file */
		img_build(&m, be);
		put64(&m, sh(2, SH_SIZE), 0x10000);
		expect_reject(&m, m.size, -EINVAL, "section 2: offset", ".text size past EOF");
		img_build(&m, be);
		put64(&m, sh(2, SH_OFFSET), IMG_SIZE);
		expect_reject(&m, m.size, -EINVAL, "past end of file", ".text offset at EOF");
		img_build(&m, be);
		put64(&m, sh(2, SH_OFFSET), 0xffffffffffffff00ull);
		put64(&m, sh(2, SH_SIZE), 0x200);
		expect_reject(&m, m.size, -EINVAL, "past end of file", ".text offset+size wrapping to 0x100");
		img_build(&m, be);
		put64(&m, sh(2, SH_SIZE), 0xffffffffffffffffull);
		expect_reject(&m, m.size, -EINVAL, "past end of file", ".text size ~0");

		/* names */
		img_build(&m, be);
		put32(&m, sh(2, SH_NAME), 0x1000);
		expect_reject(&m, m.size, -EINVAL, "name offset", "section name offset outside .shstrtab");
		img_build(&m, be);
		put32(&m, sh(2, SH_NAME), sizeof(img_shstr));
		expect_reject(&m, m.size, -EINVAL, "name offset", "section name offset == .shstrtab size");
		img_build(&m, be);
		put64(&m, sh(1, SH_SIZE), sizeof(img_shstr) - 1); /* ".rel.text" loses its NUL */
		expect_reject(&m, m.size, -EINVAL, "section 5: name offset", ".shstrtab not NUL-terminated");
		img_build(&m, be);
		put16(&m, 62, 9);
		expect_reject(&m, m.size, -EINVAL, "not a string table", "e_shstrndx out of range");
		img_build(&m, be);
		put16(&m, 62, 2);
		expect_reject(&m, m.size, -EINVAL, "not a string table", "e_shstrndx names .text");

		/* symbol table */
		img_build(&m, be);
		put64(&m, sh(3, SH_ENTSIZE), 16);
		expect_reject(&m, m.size, -EINVAL, "symbol entry size 16", "symtab entsize 16");
		img_build(&m, be);
		put64(&m, sh(3, SH_SIZE), 70);
		expect_reject(&m, m.size, -EINVAL, "symbol entry size", "symtab size not a multiple of 24");
		img_build(&m, be);
		put32(&m, sh(3, SH_LINK), 0);
		expect_reject(&m, m.size, -EINVAL, "not a string table", "symtab link 0");
		img_build(&m, be);
		put32(&m, sh(3, SH_LINK), 2);
		expect_reject(&m, m.size, -EINVAL, "not a string table", "symtab link to .text");
		img_build(&m, be);
		put32(&m, sh(3, SH_LINK), 60);
		expect_reject(&m, m.size, -EINVAL, "not a string table", "symtab link out of range");
		img_build(&m, be);
		put16(&m, OFF_SYMTAB + 48 + 6, 50);
		expect_reject(&m, m.size, -EINVAL, "section index 50 out of range", "symbol shndx 50");
		img_build(&m, be);
		put16(&m, OFF_SYMTAB + 48 + 6, 6);
		expect_reject(&m, m.size, -EINVAL, "out of range", "symbol shndx == nsec");
		img_build(&m, be);
		put16(&m, OFF_SYMTAB + 48 + 6, 0xffff);
		expect_reject(&m, m.size, -EINVAL, "extended section indices", "symbol shndx SHN_XINDEX");
		img_build(&m, be);
		put32(&m, OFF_SYMTAB + 48, 6);
		expect_reject(&m, m.size, -EINVAL, "symbol 2: name offset", "symbol name offset == strtab size");
		img_build(&m, be);
		put64(&m, sh(4, SH_SIZE), 5); /* "prog" loses its NUL */
		expect_reject(&m, m.size, -EINVAL, "symbol 2: name offset", "strtab not NUL-terminated");
		img_build(&m, be);
		put32(&m, sh(5, SH_TYPE), ELF_SHT_SYMTAB);
		expect_reject(&m, m.size, -EINVAL, "second symbol table", "two symbol tables");
	}
}

/* Extended numbering: e_shnum 0 and e_shstrndx SHN_XINDEX take their values from section 0. */
TEST(elf_image_extended_numbering)
{
	for (int be = 0; be < 2; be++) {
		struct img m;
		struct elf_file f;
		struct diag d = {""};
		img_build(&m, be);
		put16(&m, 60, 0);
		put64(&m, sh(0, SH_SIZE), IMG_NSEC);
		put16(&m, 62, 0xffff);
		put32(&m, sh(0, SH_LINK), 1);
		int err = elf_parse(&f, m.b, m.size, &d);
		CHECK(err == 0, "extended numbering: %d %s", err, d.msg);
		if (!err) {
			CHECK(f.nsec == IMG_NSEC && strcmp(f.sec[1].name, ".shstrtab") == 0, "nsec %u", f.nsec);
			elf_close(&f);
		}
		img_build(&m, be);
		put16(&m, 60, 0);
		put64(&m, sh(0, SH_SIZE), 0xffffffffffull);
		expect_reject(&m, m.size, -EINVAL, "do not fit", "extended count 2^40");
		img_build(&m, be);
		put16(&m, 60, 0);
		put64(&m, sh(0, SH_SIZE), 0);
		expect_reject(&m, m.size, -EINVAL, "do not fit", "extended count 0");
	}
}

/* A symbol-less object is not an error at this level. */
TEST(elf_image_without_symtab)
{
	struct img m;
	struct elf_file f;
	struct diag d = {""};
	img_build(&m, false);
	put32(&m, sh(3, SH_TYPE), ELF_SHT_PROGBITS);
	int err = elf_parse(&f, m.b, m.size, &d);
	CHECK(err == 0 && f.symtab == 0 && f.nsym == 0, "no symtab: %d %s", err, d.msg);
	if (err)
		return;
	struct elf_rel r;
	d.msg[0] = '\0';
	err = elf_rel_get(&f, &f.sec[5], 0, 8, &r, &d);
	CHECK(err == -EINVAL && starts_with(d.msg, "elf: "), "relocation without symtab: %d '%s'", err, d.msg);
	elf_close(&f);
}

static void expect_rel_reject(struct img *m, uint32_t width, const char *needle, const char *what)
{
	struct elf_file f;
	struct diag d = {""};
	int err = elf_parse(&f, m->b, m->size, &d);
	CHECK(err == 0, "%s: elf_parse %d %s", what, err, d.msg);
	if (err)
		return;
	struct elf_rel r;
	err = elf_rel_get(&f, &f.sec[5], 0, width, &r, &d);
	CHECK(err == -EINVAL, "%s (%s): elf_rel_get returned %d (%s)", what, m->be ? "BE" : "LE", err, d.msg);
	CHECK(starts_with(d.msg, "elf: ") && strstr(d.msg, needle), "%s (%s): message '%s' (want '%s')", what,
	      m->be ? "BE" : "LE", d.msg, needle);
	elf_close(&f);
}

TEST(elf_image_relocation_rejections)
{
	for (int be = 0; be < 2; be++) {
		struct img m;
		img_build(&m, be);
		put64(&m, OFF_REL + 8, ((uint64_t)3 << 32) | 1);
		expect_rel_reject(&m, 8, "symbol 3 out of range", "symbol index == nsym");
		img_build(&m, be);
		put64(&m, OFF_REL + 8, ((uint64_t)0xffffffff << 32) | 1);
		expect_rel_reject(&m, 8, "out of range", "symbol index 0xffffffff");
		img_build(&m, be);
		put64(&m, OFF_REL, 16);
		expect_rel_reject(&m, 8, "past end of section", "offset == section size");
		img_build(&m, be);
		put64(&m, OFF_REL, 8);
		expect_rel_reject(&m, 16, "past end of section", "ld_imm64 width past the end");
		img_build(&m, be);
		put64(&m, OFF_REL, 0xfffffffffffffffcull);
		expect_rel_reject(&m, 8, "past end of section", "offset wrapping");
		img_build(&m, be);
		put64(&m, sh(5, SH_ENTSIZE), 24);
		expect_rel_reject(&m, 8, "relocation entry size", "REL entsize 24");
		img_build(&m, be);
		put32(&m, sh(5, SH_INFO), 6);
		expect_rel_reject(&m, 8, "out of range", "REL patches section 6 of 6");
		img_build(&m, be);
		put32(&m, sh(5, SH_INFO), 0);
		expect_rel_reject(&m, 8, "out of range", "REL patches section 0");
		img_build(&m, be);
		put32(&m, sh(5, SH_LINK), 4);
		expect_rel_reject(&m, 8, "is not the symbol table", "REL link to .strtab");

		/* and the good one still works at width 8 at offset 8 */
		img_build(&m, be);
		put64(&m, OFF_REL, 8);
		struct elf_file f;
		struct diag d = {""};
		if (elf_parse(&f, m.b, m.size, &d) == 0) {
			struct elf_rel r;
			CHECK(elf_rel_get(&f, &f.sec[5], 0, 8, &r, &d) == 0 && r.offset == 8, "offset 8 width 8");
			elf_close(&f);
		}
	}
}

/* elf_parse_sections reads the section headers of any 64-bit ELF file (for a .BTF section out of a
 * vmlinux or an object): a BPF object in both byte orders, an x86-64 executable; a file cut short
 * is refused with one "elf: " line. */
TEST(elf_sections_of_any_file)
{
	static const struct {
		const char *rel, *section;
		bool big_endian; /* the file's byte order: swapped on a host of the other order */
	} files[] = {
		{"build/progs/subprogs.bpfel.o", ".BTF", false},
		{"build/progs/subprogs.bpfeb.o", ".BTF", true},
		{"build/uprobe_target", ".text", false},
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t size;
		uint8_t *buf = slurp(files[i].rel, &size);
		if (!buf) {
			CHECK(0, "cannot read %s", files[i].rel);
			continue;
		}
		struct elf_file f;
		struct diag d = {""};
		int err = elf_parse_sections(&f, buf, size, &d);
		CHECK(err == 0, "%s: %s", files[i].rel, d.msg);
		if (!err) {
			const struct elf_section *s = elf_find_section(&f, files[i].section);
			CHECK(s && s->data && s->size, "%s: no %s", files[i].rel, files[i].section);
			CHECK(f.swap == (files[i].big_endian != host_is_big_endian()), "%s: swap %d on a %s-endian host",
			      files[i].rel, f.swap, host_is_big_endian() ? "big" : "little");
			elf_close(&f);
		}
		err = elf_parse_sections(&f, buf, size / 2, &d);
		CHECK(err == -EINVAL && !strncmp(d.msg, "elf: ", 5), "%s cut in half: %d %s", files[i].rel, err, d.msg);
		free(buf);
	}
}
