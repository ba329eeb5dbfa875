/* tests/unit/test_elf_funcoff.c — elf_parse_binary and elf_sym_file_offset on the uprobe target
 * the Makefile builds three ways (values transcribed from readelf and nm), on an executable built
 * here byte by byte with one field broken at a time, and on every byte of a real one damaged. */

/* The transcribed values hold for this toolchain's build (clang 14, GNU ld 2.40); on x86-64 the
 * bytes found at the offset are checked as well, which holds for any toolchain. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "slurp.h"
#include "elf/elf.h"
#include "elf/funcoff.h"

/* ---- the uprobe target ------------------------------------------------------------------------- */

struct func_fact {
	const char *name;
	int err;                /* 0, or the expected negative errno */
	uint64_t addr, offset, size;
	const char *table;
	uint32_t segment;
};

struct bin_fact {
	const char *path;
	uint16_t type;
	uint32_t nseg;
	uint64_t text_vaddr, text_filesz; /* program header 3, the R E PT_LOAD; its offset is 0x1000 */
	struct func_fact funcs[5];
};

static const struct bin_fact bins[] = {
	{"build/uprobe_target", ELF_ET_DYN, 13, 0x1000, 0x33d,
	 {{"rl_target_func", 0, 0x11a0, 0x11a0, 5, ".symtab", 3},
	  {"main", 0, 0x11b0, 0x11b0, 0x181, ".symtab", 3},
	  {"getppid", -ENOENT, 0, 0, 0, NULL, 0},          /* in .dynsym, but undefined (libc's) */
	  {"rl_target", -ENOENT, 0, 0, 0, NULL, 0},        /* a prefix is not a match */
	  {"", -EINVAL, 0, 0, 0, NULL, 0}}},
	{"build/uprobe_target_nopie", ELF_ET_EXEC, 13, 0x401000, 0x319,
	 {{"rl_target_func", 0, 0x401190, 0x1190, 5, ".symtab", 3},
	  {"main", 0, 0x4011a0, 0x11a0, 0x170, ".symtab", 3},
	  {"getppid", -ENOENT, 0, 0, 0, NULL, 0}}},
	{"build/uprobe_target_dynsym", ELF_ET_DYN, 13, 0x1000, 0x33d,
	 {{"rl_target_func", 0, 0x11a0, 0x11a0, 5, ".dynsym", 3},
	  {"main", 0, 0x11b0, 0x11b0, 385, ".dynsym", 3},
	  {"getppid", -ENOENT, 0, 0, 0, NULL, 0}}},
};

static void check_bin(const struct bin_fact *b)
{
	size_t size;
	uint8_t *buf = slurp(b->path, &size);
	REQUIRE(buf, "cannot read %s (make build/uprobe_target ...)", b->path);
	struct elf_file f;
	struct diag d = {""};
	int err = elf_parse_binary(&f, buf, size, &d);
	CHECK(err == 0, "%s: elf_parse_binary %d: %s", b->path, err, d.msg);
	if (err) {
		free(buf);
		return;
	}
	CHECK(f.type == b->type && f.nseg == b->nseg, "%s: type %u, %u program headers", b->path, f.type, f.nseg);
	if (f.nseg > 3) {
		const struct elf_segment *s = &f.seg[3];
		CHECK(s->type == ELF_PT_LOAD && s->offset == 0x1000 && s->vaddr == b->text_vaddr &&
			      s->filesz == b->text_filesz && s->memsz == b->text_filesz && s->flags == 5,
		      "%s: program header 3: type %u offset %#llx vaddr %#llx filesz %#llx flags %u", b->path, s->type,
		      (unsigned long long)s->offset, (unsigned long long)s->vaddr, (unsigned long long)s->filesz,
		      s->flags);
	}
	CHECK(f.sym == NULL && f.nsym == 0, "%s: symbols copied out", b->path);
	for (size_t i = 0; i < sizeof(b->funcs) / sizeof(b->funcs[0]) && b->funcs[i].name; i++) {
		const struct func_fact *e = &b->funcs[i];
		struct elf_func_loc loc = {0};
		d.msg[0] = '\0';
		err = elf_sym_file_offset(&f, e->name, &loc, &d);
		CHECK(err == e->err, "%s: '%s': %d (%s), expected %d", b->path, e->name, err, d.msg, e->err);
		if (err || e->err) {
			CHECK(err == 0 || strncmp(d.msg, "elf: ", 5) == 0, "%s: '%s': message '%s'", b->path, e->name,
			      d.msg);
			continue;
		}
		CHECK(loc.addr == e->addr && loc.offset == e->offset && loc.size == e->size,
		      "%s: '%s' at %#llx, offset %#llx, size %llu", b->path, e->name, (unsigned long long)loc.addr,
		      (unsigned long long)loc.offset, (unsigned long long)loc.size);
		CHECK(strcmp(loc.table, e->table) == 0 && loc.segment == e->segment && !loc.weak,
		      "%s: '%s' from %s, segment %u", b->path, e->name, loc.table, loc.segment);
#if defined(__x86_64__)
		/* rl_target_func's own bytes (tests/tools/uprobe_target.c): lea 1(%rdi,%rdi), %eax; ret */
		static const uint8_t code[] = {0x8d, 0x44, 0x3f, 0x01, 0xc3};
		if (!strcmp(e->name, "rl_target_func"))
			CHECK(loc.offset + sizeof(code) <= size && memcmp(buf + loc.offset, code, sizeof(code)) == 0,
			      "%s: the bytes at %#llx are not rl_target_func's", b->path, (unsigned long long)loc.offset);
#endif
	}
	elf_close(&f);
	CHECK(f.seg == NULL && f.sec == NULL, "%s: elf_close left arrays", b->path);
	free(buf);
}

TEST(elf_funcoff_uprobe_target_pie) { check_bin(&bins[0]); }
TEST(elf_funcoff_uprobe_target_nopie) { check_bin(&bins[1]); }
TEST(elf_funcoff_uprobe_target_dynsym_only) { check_bin(&bins[2]); }

/* Each parser refuses the other's files. */
TEST(elf_funcoff_parsers_keep_to_their_kind)
{
	size_t size;
	struct elf_file f;
	struct diag d = {""};
	uint8_t *buf = slurp("build/uprobe_target", &size);
	REQUIRE(buf, "cannot read build/uprobe_target");
	CHECK(elf_parse(&f, buf, size, &d) == -EINVAL && strstr(d.msg, "not a BPF object (machine 62)"),
	      "elf_parse on an executable: '%s'", d.msg);
	free(buf);
	buf = slurp("build/progs/subprogs.bpfel.o", &size);
	REQUIRE(buf, "cannot read build/progs/subprogs.bpfel.o");
	CHECK(elf_parse_binary(&f, buf, size, &d) == -EINVAL &&
		      strstr(d.msg, "elf: not an executable or shared library (type 1)"),
	      "elf_parse_binary on a BPF object: '%s'", d.msg);
	free(buf);
}

/* ---- an executable built by hand ---------------------------------------------------------------- */

/* Layout (little- or big-endian, ET_DYN, machine x86-64):
 *   0x000 ELF header
 *   0x040 3 program headers: [0] PT_LOAD  offset 0      vaddr 0        filesz 0x100 memsz 0x100
 *                            [1] PT_LOAD  offset 0x100  vaddr 0x10100  filesz 0x40  memsz 0x80
 *                            [2] PT_NOTE  offset and size nonsense (only PT_LOAD is checked)
 *   0x100 [1] .text (0x40 bytes)   0x140 [2] .symtab   0x2c0 [3] .strtab
 *   0x340 [4] .dynsym              0x388 [5] .dynstr   0x3a0 [6] .shstrtab
 *   0x3e0 7 section headers
 * A function at address A in .text is at file offset A - 0x10100 + 0x100. */
enum {
	X_PHOFF = 0x40, X_TEXT = 0x100, X_SYMTAB = 0x140, X_STRTAB = 0x2c0, X_DYNSYM = 0x340, X_DYNSTR = 0x388,
	X_SHSTR = 0x3a0, X_SHOFF = 0x3e0, X_NSEC = 7, X_SIZE = X_SHOFF + X_NSEC * 64,
	X_NSYM = 16, X_NDYN = 3,
};
enum { PH_TYPE = 0, PH_FLAGS = 4, PH_OFFSET = 8, PH_VADDR = 16, PH_FILESZ = 32, PH_MEMSZ = 40 };
enum { SH_NAME = 0, SH_TYPE = 4, SH_OFFSET = 24, SH_SIZE = 32, SH_LINK = 40, SH_INFO = 44, SH_ENTSIZE = 56 };

struct xsym {
	const char *name;
	uint8_t type, bind;
	uint16_t shndx;
	uint64_t value, size;
};

#define F ELF_STT_FUNC
#define G ELF_STB_GLOBAL
#define WK ELF_STB_WEAK
static const struct xsym xsyms[X_NSYM] = {
	{"", 0, 0, 0, 0, 0},
	{"f_local", F, ELF_STB_LOCAL, 1, 0x10100, 0x10},
	{"f_both", F, G, 1, 0x10110, 8},          /* also in .dynsym at another address: .symtab wins */
	{"dup", F, WK, 1, 0x10118, 8},            /* weak ... */
	{"dup", F, G, 1, 0x10120, 8},             /* ... and global: the global one */
	{"obj", ELF_STT_OBJECT, G, 1, 0x10100, 4}, /* not a function */
	{"ver@@V2", F, G, 1, 0x10128, 8},         /* default version: found as "ver" */
	{"ver@V1", F, G, 1, 0x10130, 8},          /* hidden version: only by its full name */
	{"amb", F, G, 1, 0x10100, 8},             /* two globals at two addresses */
	{"amb", F, G, 1, 0x10108, 8},
	{"ifn", ELF_STT_GNU_IFUNC, G, 1, 0x10100, 8},
	{"in_bss", F, G, 1, 0x10150, 8},          /* inside memsz, past filesz */
	{"nowhere", F, G, 1, 0x50000, 8},         /* in no PT_LOAD */
	{"alias", F, G, 1, 0x10138, 4},           /* two names for one address: fine */
	{"alias", F, WK, 1, 0x10138, 4},
	{"f_dyn", F, G, ELF_SHN_UNDEF, 0, 0},     /* undefined here, defined in .dynsym */
};
static const struct xsym xdyns[X_NDYN] = {
	{"", 0, 0, 0, 0, 0},
	{"f_dyn", F, G, 1, 0x10138, 4},
	{"f_both", F, G, 1, 0x10100, 8},
};
#undef F
#undef G
#undef WK

struct ximg {
	uint8_t b[X_SIZE];
	bool be;
	uint32_t sym_name[X_NSYM]; /* each symbol's name offset in .strtab */
};

static void xput(struct ximg *m, size_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		m->b[off + i] = (uint8_t)(v >> (m->be ? 8 * (bytes - 1 - i) : 8 * i));
}

/* Symbols into a table at off, names into a string table at stroff (at most cap bytes). */
static size_t put_syms(struct ximg *m, size_t off, size_t stroff, size_t cap, const struct xsym *s, int n,
		       uint32_t *names)
{
	size_t len = 1; /* offset 0: "" */
	for (int i = 0; i < n; i++) {
		uint32_t name = 0;
		if (*s[i].name) {
			size_t l = strlen(s[i].name) + 1;
			if (len + l > cap)
				abort(); /* the layout above is wrong, not the code under test */
			memcpy(m->b + stroff + len, s[i].name, l);
			name = (uint32_t)len;
			len += l;
		}
		if (names)
			names[i] = name;
		size_t e = off + (size_t)i * 24;
		xput(m, e, name, 4);
		m->b[e + 4] = (uint8_t)(s[i].bind << 4 | s[i].type);
		xput(m, e + 6, s[i].shndx, 2);
		xput(m, e + 8, s[i].value, 8);
		xput(m, e + 16, s[i].size, 8);
	}
	return len;
}

static size_t ph(int i, int field) { return X_PHOFF + (size_t)i * 56 + (size_t)field; }
static size_t sh(int i, int field) { return X_SHOFF + (size_t)i * 64 + (size_t)field; }

static void xshdr(struct ximg *m, int i, uint32_t name, uint32_t type, uint64_t off, uint64_t size, uint32_t link,
		  uint64_t entsize)
{
	xput(m, sh(i, SH_NAME), name, 4);
	xput(m, sh(i, SH_TYPE), type, 4);
	xput(m, sh(i, SH_OFFSET), off, 8);
	xput(m, sh(i, SH_SIZE), size, 8);
	xput(m, sh(i, SH_LINK), link, 4);
	xput(m, sh(i, SH_ENTSIZE), entsize, 8);
}

static void ximg_build(struct ximg *m, bool be)
{
	memset(m, 0, sizeof(*m));
	m->be = be;
	memcpy(m->b, "\177ELF", 4);
	m->b[4] = 2;
	m->b[5] = be ? 2 : 1;
	m->b[6] = 1;
	xput(m, 16, ELF_ET_DYN, 2);
	xput(m, 18, 62, 2);     /* EM_X86_64: any machine will do */
	xput(m, 20, 1, 4);
	xput(m, 32, X_PHOFF, 8);
	xput(m, 40, X_SHOFF, 8);
	xput(m, 52, 64, 2);
	xput(m, 54, 56, 2);     /* e_phentsize */
	xput(m, 56, 3, 2);      /* e_phnum */
	xput(m, 58, 64, 2);
	xput(m, 60, X_NSEC, 2);
	xput(m, 62, 6, 2);      /* e_shstrndx */

	static const uint64_t phs[3][5] = {
		/* type, offset, vaddr, filesz, memsz */
		{ELF_PT_LOAD, 0, 0, 0x100, 0x100},
		{ELF_PT_LOAD, X_TEXT, 0x10100, 0x40, 0x80},
		{4 /* PT_NOTE */, 0xffffffffffffff00ull, 0xffffffffffffff00ull, 0x1000, 0x10},
	};
	for (int i = 0; i < 3; i++) {
		xput(m, ph(i, PH_TYPE), phs[i][0], 4);
		xput(m, ph(i, PH_FLAGS), i == 1 ? 5 : 4, 4);
		xput(m, ph(i, PH_OFFSET), phs[i][1], 8);
		xput(m, ph(i, PH_VADDR), phs[i][2], 8);
		xput(m, ph(i, PH_FILESZ), phs[i][3], 8);
		xput(m, ph(i, PH_MEMSZ), phs[i][4], 8);
	}
	for (int i = 0; i < 0x40; i++)
		m->b[X_TEXT + i] = (uint8_t)(0x90 + i % 3);
	size_t strsz = put_syms(m, X_SYMTAB, X_STRTAB, X_DYNSYM - X_STRTAB, xsyms, X_NSYM, m->sym_name);
	size_t dynstrsz = put_syms(m, X_DYNSYM, X_DYNSTR, X_SHSTR - X_DYNSTR, xdyns, X_NDYN, NULL);
	static const char shstr[] = "\0.text\0.symtab\0.strtab\0.dynsym\0.dynstr\0.shstrtab";
	memcpy(m->b + X_SHSTR, shstr, sizeof(shstr));
	xshdr(m, 1, 1, ELF_SHT_PROGBITS, X_TEXT, 0x40, 0, 0);
	xshdr(m, 2, 7, ELF_SHT_SYMTAB, X_SYMTAB, X_NSYM * 24, 3, 24);
	xshdr(m, 3, 15, ELF_SHT_STRTAB, X_STRTAB, strsz, 0, 0);
	xshdr(m, 4, 23, ELF_SHT_DYNSYM, X_DYNSYM, X_NDYN * 24, 5, 24);
	xshdr(m, 5, 31, ELF_SHT_STRTAB, X_DYNSTR, dynstrsz, 0, 0);
	xshdr(m, 6, 39, ELF_SHT_STRTAB, X_SHSTR, sizeof(shstr), 0, 0);
}

/* Parse m and look up name: want is the expected result, off the expected offset when 0, needle a
 * part of the message otherwise. */
static void expect_func(struct ximg *m, const char *name, int want, uint64_t off, const char *table,
			const char *needle)
{
	struct elf_file f;
	struct diag d = {""};
	const char *bo = m->be ? "BE" : "LE";
	int err = elf_parse_binary(&f, m->b, sizeof(m->b), &d);
	REQUIRE(err == 0, "%s: '%s': elf_parse_binary %d: %s", bo, name, err, d.msg);
	struct elf_func_loc loc = {0};
	err = elf_sym_file_offset(&f, name, &loc, &d);
	CHECK(err == want, "%s: '%s': %d (%s), expected %d", bo, name, err, d.msg, want);
	if (!err && !want)
		CHECK(loc.offset == off && strcmp(loc.table, table) == 0 && loc.segment == 1,
		      "%s: '%s': offset %#llx in %s segment %u, expected %#llx in %s", bo, name,
		      (unsigned long long)loc.offset, loc.table, loc.segment, (unsigned long long)off, table);
	if (want)
		CHECK(strncmp(d.msg, "elf: ", 5) == 0 && strstr(d.msg, needle), "%s: '%s': message '%s' lacks '%s'", bo,
		      name, d.msg, needle);
	elf_close(&f);
}

TEST(elf_funcoff_hand_built)
{
	for (int be = 0; be < 2; be++) {
		struct ximg m;
		ximg_build(&m, be);
		struct elf_file f;
		struct diag d = {""};
		int err = elf_parse_binary(&f, m.b, sizeof(m.b), &d);
		REQUIRE(err == 0, "hand-built image: %d %s", err, d.msg);
		CHECK(f.nseg == 3 && f.seg[1].type == ELF_PT_LOAD && f.seg[1].offset == 0x100 &&
			      f.seg[1].vaddr == 0x10100 && f.seg[1].filesz == 0x40 && f.seg[1].memsz == 0x80 &&
			      f.seg[1].flags == 5 && f.seg[2].type == 4,
		      "program headers as written");
		elf_close(&f);

		expect_func(&m, "f_local", 0, 0x100, ".symtab", NULL);
		expect_func(&m, "f_both", 0, 0x110, ".symtab", NULL);
		expect_func(&m, "dup", 0, 0x120, ".symtab", NULL);
		expect_func(&m, "ver", 0, 0x128, ".symtab", NULL);
		expect_func(&m, "ver@@V2", 0, 0x128, ".symtab", NULL);
		expect_func(&m, "ver@V1", 0, 0x130, ".symtab", NULL);
		expect_func(&m, "alias", 0, 0x138, ".symtab", NULL);
		expect_func(&m, "f_dyn", 0, 0x138, ".dynsym", NULL);
		expect_func(&m, "obj", -ENOENT, 0, NULL, "no function 'obj' in .symtab or .dynsym");
		expect_func(&m, "ver@V2", -ENOENT, 0, NULL, "no function");
		expect_func(&m, "f_", -ENOENT, 0, NULL, "no function");
		expect_func(&m, "amb", -EINVAL, 0, NULL, "ambiguous: functions at 0x10100 and 0x10108");
		expect_func(&m, "ifn", -EINVAL, 0, NULL, "IFUNC");
		expect_func(&m, "in_bss", -EINVAL, 0, NULL, "zero-filled part of program header 1");
		expect_func(&m, "nowhere", -EINVAL, 0, NULL, "in no loadable segment");

		/* a symbol the weak rule cannot settle: two weak ones at two addresses */
		ximg_build(&m, be);
		m.b[X_SYMTAB + 4 * 24 + 4] = (uint8_t)(ELF_STB_WEAK << 4 | ELF_STT_FUNC);
		expect_func(&m, "dup", -EINVAL, 0, NULL, "ambiguous");
		/* no symbol tables at all */
		ximg_build(&m, be);
		xput(&m, sh(2, SH_TYPE), ELF_SHT_PROGBITS, 4);
		xput(&m, sh(4, SH_TYPE), ELF_SHT_PROGBITS, 4);
		expect_func(&m, "f_local", -ENOENT, 0, NULL, "no .symtab and no .dynsym");
		/* only .dynsym */
		ximg_build(&m, be);
		xput(&m, sh(2, SH_TYPE), ELF_SHT_PROGBITS, 4);
		expect_func(&m, "f_both", 0, 0x100, ".dynsym", NULL);
		expect_func(&m, "f_local", -ENOENT, 0, NULL, "no function");

		/* broken symbol tables, met while searching */
		ximg_build(&m, be);
		xput(&m, sh(4, SH_ENTSIZE), 16, 8);
		expect_func(&m, "f_dyn", -EINVAL, 0, NULL, "symbol entry size 16");
		ximg_build(&m, be);
		xput(&m, sh(4, SH_SIZE), X_NDYN * 24 - 1, 8);
		expect_func(&m, "f_dyn", -EINVAL, 0, NULL, "symbol entry size");
		ximg_build(&m, be);
		xput(&m, sh(4, SH_LINK), 1, 4);
		expect_func(&m, "f_dyn", -EINVAL, 0, NULL, "link 1 is not a string table");
		ximg_build(&m, be);
		xput(&m, sh(2, SH_LINK), 9, 4);
		expect_func(&m, "f_local", -EINVAL, 0, NULL, "link 9 is not a string table");
		ximg_build(&m, be);
		xput(&m, X_DYNSYM + 24, 0x400, 4);
		expect_func(&m, "f_dyn", -EINVAL, 0, NULL, ".dynsym symbol 1: name offset 0x400");
		ximg_build(&m, be);
		xput(&m, X_SYMTAB + 3 * 24 + 6, 7, 2);
		expect_func(&m, "f_local", -EINVAL, 0, NULL, "symbol 3 (dup): section index 7 out of range");
		ximg_build(&m, be);
		xput(&m, sh(3, SH_SIZE), m.sym_name[15], 8); /* .strtab cut inside "f_dyn" (symbol 15) */
		expect_func(&m, "f_local", -EINVAL, 0, NULL, "symbol 15: name offset");
	}
}

/* A parse that must fail with -EINVAL and a message containing needle. */
static void expect_reject(struct ximg *m, size_t size, const char *needle, const char *what)
{
	struct elf_file f;
	struct diag d = {""};
	int err = elf_parse_binary(&f, m->b, size, &d);
	CHECK(err == -EINVAL, "%s (%s): elf_parse_binary returned %d (%s)", what, m->be ? "BE" : "LE", err, d.msg);
	CHECK(strncmp(d.msg, "elf: ", 5) == 0 && strstr(d.msg, needle), "%s (%s): message '%s' lacks '%s'", what,
	      m->be ? "BE" : "LE", d.msg, needle);
	CHECK(f.sec == NULL && f.seg == NULL, "%s: elf_file not cleaned up", what);
	if (!err)
		elf_close(&f);
}

TEST(elf_funcoff_program_header_rejections)
{
	for (int be = 0; be < 2; be++) {
		struct ximg m;
		ximg_build(&m, be);
		xput(&m, 16, ELF_ET_REL, 2);
		expect_reject(&m, sizeof(m.b), "not an executable or shared library (type 1)", "ET_REL");
		ximg_build(&m, be);
		xput(&m, 16, 4 /* ET_CORE */, 2);
		expect_reject(&m, sizeof(m.b), "type 4", "ET_CORE");
		ximg_build(&m, be);
		m.b[4] = 1;
		expect_reject(&m, sizeof(m.b), "64-bit", "ELFCLASS32");
		ximg_build(&m, be);
		xput(&m, 40, 0, 8);
		expect_reject(&m, sizeof(m.b), "no section headers", "stripped of section headers");

		ximg_build(&m, be);
		xput(&m, 54, 32, 2);
		expect_reject(&m, sizeof(m.b), "program header size 32", "e_phentsize 32");
		ximg_build(&m, be);
		xput(&m, 56, 0, 2);
		expect_reject(&m, sizeof(m.b), "no program headers", "e_phnum 0");
		ximg_build(&m, be);
		xput(&m, 32, 0, 8);
		expect_reject(&m, sizeof(m.b), "no program headers", "e_phoff 0");
		ximg_build(&m, be);
		xput(&m, 32, X_SIZE - 100, 8);
		expect_reject(&m, sizeof(m.b), "do not fit", "program headers cut by the end of the file");
		ximg_build(&m, be);
		xput(&m, 32, X_SIZE + 8, 8);
		expect_reject(&m, sizeof(m.b), "do not fit", "e_phoff past the end");
		ximg_build(&m, be);
		xput(&m, 32, 0xffffffffffffffc8ull, 8);
		expect_reject(&m, sizeof(m.b), "do not fit", "e_phoff wrapping");
		ximg_build(&m, be);
		xput(&m, 56, 0xfffe, 2);
		expect_reject(&m, sizeof(m.b), "65534 program headers", "e_phnum too large");

		/* PN_XNUM: the count lives in section 0's sh_info */
		ximg_build(&m, be);
		xput(&m, 56, 0xffff, 2);
		xput(&m, sh(0, SH_INFO), 3, 4);
		struct elf_file f;
		struct diag d = {""};
		int err = elf_parse_binary(&f, m.b, sizeof(m.b), &d);
		CHECK(err == 0 && f.nseg == 3, "PN_XNUM with 3: %d %s", err, d.msg);
		if (!err)
			elf_close(&f);
		xput(&m, sh(0, SH_INFO), 100000, 4);
		expect_reject(&m, sizeof(m.b), "100000 program headers", "PN_XNUM with 100000");

		/* PT_LOAD fields */
		ximg_build(&m, be);
		xput(&m, ph(1, PH_FILESZ), X_SIZE, 8);
		xput(&m, ph(1, PH_MEMSZ), X_SIZE, 8);
		expect_reject(&m, sizeof(m.b), "program header 1: offset 0x100 + file size", "filesz past EOF");
		ximg_build(&m, be);
		xput(&m, ph(1, PH_OFFSET), 0xffffffffffffff00ull, 8);
		expect_reject(&m, sizeof(m.b), "past end of file", "offset + filesz wrapping");
		ximg_build(&m, be);
		xput(&m, ph(1, PH_FILESZ), 0xffffffffffffffffull, 8);
		expect_reject(&m, sizeof(m.b), "past end of file", "filesz ~0");
		ximg_build(&m, be);
		xput(&m, ph(1, PH_OFFSET), X_SIZE, 8);
		xput(&m, ph(1, PH_FILESZ), 1, 8);
		expect_reject(&m, sizeof(m.b), "past end of file", "offset at EOF");
		ximg_build(&m, be);
		xput(&m, ph(1, PH_MEMSZ), 0x20, 8);
		expect_reject(&m, sizeof(m.b), "file size 0x40 above memory size 0x20", "filesz > memsz");
		ximg_build(&m, be);
		xput(&m, ph(1, PH_VADDR), 0xfffffffffffffff0ull, 8);
		expect_reject(&m, sizeof(m.b), "wraps", "vaddr + memsz wrapping");
		ximg_build(&m, be);
		expect_reject(&m, X_SIZE - 1, "do not fit", "file cut inside the section headers");

		/* the text segment turned into PT_NULL: nothing maps the functions any more */
		ximg_build(&m, be);
		xput(&m, ph(1, PH_TYPE), ELF_PT_NULL, 4);
		expect_func(&m, "f_local", -EINVAL, 0, NULL, "'f_local' at 0x10100 is in no loadable segment");
	}
}

/* ---- every byte of a real executable, damaged ---------------------------------------------------- */

/* Parse and look up rl_target_func in buf[size]: success must give an offset inside the file,
 * failure one "elf: " line; under ASan (make asan, and make test's sanitizer run) any read outside
 * the buffer is a finding too. Returns false and reports when the outcome breaks those rules. */
static unsigned found, refused; /* outcomes of judge(), to see both kinds happen */

static bool judge(const uint8_t *buf, size_t size, const char *what)
{
	struct elf_file f;
	struct diag d = {""};
	int err = elf_parse_binary(&f, buf, size, &d);
	if (!err) {
		struct elf_func_loc loc;
		err = elf_sym_file_offset(&f, "rl_target_func", &loc, &d);
		elf_close(&f);
		if (!err && loc.offset >= size) {
			CHECK(0, "%s: offset %#llx past the file (%zu bytes)", what, (unsigned long long)loc.offset, size);
			return false;
		}
	}
	if (err && (strncmp(d.msg, "elf: ", 5) != 0 || (err != -EINVAL && err != -ENOENT && err != -ENOMEM))) {
		CHECK(0, "%s: %d '%s'", what, err, d.msg);
		return false;
	}
	err ? refused++ : found++;
	return true;
}

/* Each byte set to 0x00, 0xff and flipped in its top bit, then every length cut at 8-byte steps:
 * all of it from a copy of the exact size, so ASan sees reads past the end. */
TEST(elf_funcoff_damaged_bytes)
{
	size_t size;
	uint8_t *orig = slurp("build/uprobe_target", &size);
	REQUIRE(orig, "cannot read build/uprobe_target");
	uint8_t *buf = malloc(size);
	REQUIRE(buf, "out of memory");
	memcpy(buf, orig, size);
	char what[64];
	int reported = 0;
	for (size_t i = 0; i < size && reported < 5; i++) {
		static const int how[3] = {0x00, 0xff, -0x80};
		for (int h = 0; h < 3 && reported < 5; h++) {
			buf[i] = (uint8_t)(how[h] < 0 ? orig[i] ^ 0x80 : how[h]);
			snprintf(what, sizeof(what), "byte %#zx set to %#x", i, buf[i]);
			reported += !judge(buf, size, what);
		}
		buf[i] = orig[i];
	}
	for (size_t cut = 0; cut < size && reported < 5; cut += 8) {
		uint8_t *part = malloc(cut ? cut : 1);
		REQUIRE(part, "out of memory");
		memcpy(part, orig, cut);
		snprintf(what, sizeof(what), "cut to %zu bytes", cut);
		reported += !judge(part, cut, what);
		free(part);
	}
	/* most damage misses what the lookup reads (code, data, debug sections); some of it hits */
	CHECK(found > size && refused > 1000, "%u mutants found the function, %u were refused", found, refused);
	free(buf);
	free(orig);
}
