/* tests/unit/test_usdt.c — the pure parts of USDT: .note.stapsdt notes read from hand-built ELF files
 * in both byte orders (elf/usdt.c: strings, addresses, the .stapsdt.base adjustment, file offsets
 * through PT_LOAD, semaphores, every malformed case refused), argument strings read into specs
 * (x86-64, arm64, s390x forms), the spec written in both usdt.bpf.h layouts and compared with what
 * the host compiler makes of the same bit-field struct, the section target, and the uprobe PMU's
 * config fields ("config:32-63"). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "bpf/perf.h"
#include "elf/usdt.h"
#include "loader/attach/usdt_spec.h"

/* ---- a hand-built executable: two PT_LOADs, .note.stapsdt, .stapsdt.base, .shstrtab ---------- */

enum {
	TEXT_OFF = 0x100, TEXT_VADDR = 0x401100, TEXT_SIZE = 0x100,
	DATA_OFF = 0x200, DATA_VADDR = 0x602200, DATA_FILESZ = 0x40, DATA_MEMSZ = 0x80,
	NOTES_OFF = 0x300, BASE_VADDR = 0x401180,
};

struct w {
	uint8_t *p;
	bool be;
};
static void put(struct w *w, size_t off, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		w->p[off + (size_t)i] = (uint8_t)(v >> (8 * (w->be ? n - 1 - i : i)));
}

/* One stapsdt note (owner "stapsdt" unless owner is given) at buf, 4-byte padded; returns its size. */
static size_t note(uint8_t *buf, bool be, const char *owner, uint32_t type, uint64_t pc, uint64_t base,
		   uint64_t sema, const char *strs, size_t strs_len)
{
	struct w w = {buf, be};
	size_t namesz = strlen(owner) + 1, desc = 24 + strs_len;
	put(&w, 0, namesz, 4);
	put(&w, 4, desc, 4);
	put(&w, 8, type, 4);
	memcpy(buf + 12, owner, namesz);
	size_t d = 12 + ((namesz + 3) & ~(size_t)3);
	put(&w, d, pc, 8);
	put(&w, d + 8, base, 8);
	put(&w, d + 16, sema, 8);
	memcpy(buf + d + 24, strs, strs_len);
	return d + ((desc + 3) & ~(size_t)3);
}

/* The file: notes[notes_len] at NOTES_OFF, .stapsdt.base at base_addr (0: no such section). */
static size_t build(uint8_t *buf, size_t cap, bool be, uint16_t type, const uint8_t *notes, size_t notes_len,
		    uint64_t base_addr)
{
	static const char shstr[] = "\0.note.stapsdt\0.stapsdt.base\0.shstrtab";
	struct w w = {buf, be};
	size_t shstr_off = NOTES_OFF + notes_len, sh_off = (shstr_off + sizeof(shstr) + 7) & ~(size_t)7;
	uint32_t nsec = base_addr ? 4 : 3;
	size_t total = sh_off + 64 * nsec;
	if (total > cap)
		return 0;
	memset(buf, 0, total);
	memcpy(buf, "\177ELF", 4);
	buf[4] = 2;
	buf[5] = be ? 2 : 1;
	buf[6] = 1;
	put(&w, 16, type, 2);
	put(&w, 18, 62, 2); /* x86-64 */
	put(&w, 20, 1, 4);
	put(&w, 32, 64, 8);     /* phoff */
	put(&w, 40, sh_off, 8); /* shoff */
	put(&w, 52, 64, 2);
	put(&w, 54, 56, 2);
	put(&w, 56, 2, 2);
	put(&w, 58, 64, 2);
	put(&w, 60, nsec, 2);
	put(&w, 62, nsec - 1, 2);
	/* text: R+X; data: R+W with a zero-filled tail */
	const uint64_t ph[2][5] = {{5, TEXT_OFF, TEXT_VADDR, TEXT_SIZE, TEXT_SIZE},
				   {6, DATA_OFF, DATA_VADDR, DATA_FILESZ, DATA_MEMSZ}};
	for (int i = 0; i < 2; i++) {
		size_t p = 64 + 56 * (size_t)i;
		put(&w, p, 1, 4);
		put(&w, p + 4, ph[i][0], 4);
		put(&w, p + 8, ph[i][1], 8);
		put(&w, p + 16, ph[i][2], 8);
		put(&w, p + 32, ph[i][3], 8);
		put(&w, p + 40, ph[i][4], 8);
	}
	memcpy(buf + NOTES_OFF, notes, notes_len);
	memcpy(buf + shstr_off, shstr, sizeof(shstr));
	size_t s = sh_off + 64; /* section 1: .note.stapsdt */
	put(&w, s, 1, 4);
	put(&w, s + 4, 7, 4);
	put(&w, s + 24, NOTES_OFF, 8);
	put(&w, s + 32, notes_len, 8);
	put(&w, s + 48, 4, 8);
	s += 64;
	if (base_addr) { /* .stapsdt.base: one byte in the text */
		put(&w, s, 15, 4);
		put(&w, s + 4, 1, 4);
		put(&w, s + 16, base_addr, 8);
		put(&w, s + 24, TEXT_OFF + (base_addr - TEXT_VADDR), 8);
		put(&w, s + 32, 1, 8);
		s += 64;
	}
	put(&w, s, 29, 4); /* .shstrtab */
	put(&w, s + 4, 3, 4);
	put(&w, s + 24, shstr_off, 8);
	put(&w, s + 32, sizeof(shstr), 8);
	return total;
}

#define STRS(s) s, sizeof(s)

TEST(usdt_notes_both_byte_orders)
{
	for (int be = 0; be < 2; be++) {
		uint8_t notes[512], file[4096];
		size_t n = 0;
		n += note(notes + n, be, "stapsdt", 3, TEXT_VADDR + 0x10, BASE_VADDR, 0, STRS("rl\0args\0-4@%edi 8@$5"));
		n += note(notes + n, be, "GNU", 3, 1, 2, 3, STRS("x\0y\0z")); /* another owner: passed over */
		n += note(notes + n, be, "stapsdt", 1, 1, 2, 3, STRS("x\0y\0z")); /* another type */
		n += note(notes + n, be, "stapsdt", 3, TEXT_VADDR + 0x20, BASE_VADDR, DATA_VADDR + 0x10,
			  STRS("rl\0guarded\0")); /* no arguments */
		n += note(notes + n, be, "stapsdt", 3, TEXT_VADDR + 0x30, 0, 0, STRS("\0bare\0:")); /* old ":" */
		size_t size = build(file, sizeof(file), be, 2, notes, n, BASE_VADDR);
		REQUIRE(size, "file too large");
		struct elf_file f;
		struct diag d = {{0}};
		REQUIRE(elf_parse_binary(&f, file, size, &d) == 0, "%s", d.msg);
		struct elf_usdt_iter it;
		struct elf_usdt_note nt[4];
		int got = 0, r;
		REQUIRE(elf_usdt_iter_init(&f, &it, &d) == 0, "%s", d.msg);
		while ((r = elf_usdt_next(&it, &nt[got], &d)) == 1 && got < 3)
			got++;
		CHECK(r == 0 && got == 3, "be=%d: %d notes, last result %d (%s)", be, got, r, d.msg);
		CHECK(strcmp(nt[0].provider, "rl") == 0 && strcmp(nt[0].name, "args") == 0 &&
			      strcmp(nt[0].args, "-4@%edi 8@$5") == 0,
		      "be=%d: note 1 '%s' '%s' '%s'", be, nt[0].provider, nt[0].name, nt[0].args);
		CHECK(nt[0].pc == TEXT_VADDR + 0x10 && nt[0].base == BASE_VADDR && nt[0].semaphore == 0,
		      "be=%d: note 1 addresses %#llx %#llx", be, (unsigned long long)nt[0].pc,
		      (unsigned long long)nt[0].base);
		CHECK(strcmp(nt[1].name, "guarded") == 0 && !*nt[1].args && nt[1].semaphore == DATA_VADDR + 0x10,
		      "be=%d: note 2", be);
		CHECK(!*nt[2].provider && strcmp(nt[2].name, "bare") == 0 && !*nt[2].args, "be=%d: note 3", be);

		struct elf_usdt_loc loc;
		CHECK(elf_usdt_locate(&f, &nt[0], &loc, &d) == 0 && loc.addr == TEXT_VADDR + 0x10 &&
			      loc.offset == TEXT_OFF + 0x10 && loc.segment == 0 && !loc.sema_offset,
		      "be=%d: locate 1: %s %#llx", be, d.msg, (unsigned long long)loc.offset);
		CHECK(elf_usdt_locate(&f, &nt[1], &loc, &d) == 0 && loc.offset == TEXT_OFF + 0x20 &&
			      loc.sema_addr == DATA_VADDR + 0x10 && loc.sema_offset == DATA_OFF + 0x10,
		      "be=%d: locate 2: %s", be, d.msg);
		/* prelink: the section moved by 0x20, the notes did not */
		nt[1].base = BASE_VADDR - 0x20;
		CHECK(elf_usdt_locate(&f, &nt[1], &loc, &d) == 0 && loc.addr == TEXT_VADDR + 0x40 &&
			      loc.offset == TEXT_OFF + 0x40 && loc.sema_offset == DATA_OFF + 0x30,
		      "be=%d: prelinked: %s %#llx", be, d.msg, (unsigned long long)loc.offset);
		/* no recorded base: no adjustment */
		CHECK(elf_usdt_locate(&f, &nt[2], &loc, &d) == 0 && loc.offset == TEXT_OFF + 0x30, "be=%d: no base", be);
		elf_close(&f);
	}
}

TEST(usdt_locate_refusals)
{
	uint8_t notes[64], file[4096];
	size_t n = note(notes, false, "stapsdt", 3, TEXT_VADDR, 0, 0, STRS("p\0n\0"));
	size_t size = build(file, sizeof(file), false, 3, notes, n, 0);
	struct elf_file f;
	struct diag d = {{0}};
	REQUIRE(elf_parse_binary(&f, file, size, &d) == 0, "%s", d.msg);
	struct elf_usdt_note nt = {.pc = TEXT_VADDR + 8, .provider = "p", .name = "n", .args = ""};
	struct elf_usdt_loc loc;
	static const struct {
		uint64_t pc, sema;
		const char *why;
	} bad[] = {
		{0x1000, 0, "pc in no segment"},
		{DATA_VADDR, 0, "pc in data"},
		{TEXT_VADDR, TEXT_VADDR + 8, "semaphore in code"},
		{TEXT_VADDR, DATA_VADDR + DATA_FILESZ, "semaphore in the zero-filled tail"},
		{TEXT_VADDR, DATA_VADDR + DATA_FILESZ - 1, "semaphore straddling the file part"},
		{TEXT_VADDR, DATA_VADDR + 3, "odd semaphore"},
		{TEXT_VADDR, 0x9999999, "semaphore in no segment"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nt.pc = bad[i].pc;
		nt.semaphore = bad[i].sema;
		d.msg[0] = '\0';
		CHECK(elf_usdt_locate(&f, &nt, &loc, &d) == -EINVAL && d.msg[0], "%s: accepted", bad[i].why);
	}
	elf_close(&f);
}

TEST(usdt_notes_malformed)
{
	uint8_t notes[256], file[4096];
	struct diag d = {{0}};
	struct elf_file f;
	struct elf_usdt_iter it;
	struct elf_usdt_note nt;
	/* Every cut of a valid section, and broken strings: refused with a message, never read past. */
	size_t full = note(notes, false, "stapsdt", 3, TEXT_VADDR, 0, 0, STRS("prov\0name\0-4@%eax"));
	for (size_t cut = 1; cut < full; cut++) {
		size_t size = build(file, sizeof(file), false, 2, notes, cut, 0);
		REQUIRE(elf_parse_binary(&f, file, size, &d) == 0, "%s", d.msg);
		REQUIRE(elf_usdt_iter_init(&f, &it, &d) == 0, "%s", d.msg);
		d.msg[0] = '\0';
		int r = elf_usdt_next(&it, &nt, &d);
		CHECK(r == -EINVAL && d.msg[0], "cut at %zu of %zu: %d", cut, full, r);
		elf_close(&f);
	}
	static const struct {
		const char *strs;
		size_t len;
	} broken[] = {
		{"prov", 4},            /* provider not terminated */
		{"prov\0name", 9},      /* name not terminated */
		{"prov\0name\0-4@", 13}, /* arguments not terminated */
		{"prov\0\0", 6},        /* empty name */
		{"", 0},                /* descriptor too short */
	};
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		size_t n = note(notes, true, "stapsdt", 3, TEXT_VADDR, 0, 0, broken[i].strs, broken[i].len);
		size_t size = build(file, sizeof(file), true, 2, notes, n, 0);
		REQUIRE(elf_parse_binary(&f, file, size, &d) == 0, "%s", d.msg);
		REQUIRE(elf_usdt_iter_init(&f, &it, &d) == 0, "%s", d.msg);
		d.msg[0] = '\0';
		int r = elf_usdt_next(&it, &nt, &d);
		CHECK(r == -EINVAL && d.msg[0], "broken %zu: %d", i, r);
		elf_close(&f);
	}
	/* a namesz that would wrap the walk */
	note(notes, false, "stapsdt", 3, TEXT_VADDR, 0, 0, STRS("p\0n\0"));
	notes[0] = notes[1] = notes[2] = notes[3] = 0xff;
	size_t size = build(file, sizeof(file), false, 2, notes, full, 0);
	REQUIRE(elf_parse_binary(&f, file, size, &d) == 0, "%s", d.msg);
	REQUIRE(elf_usdt_iter_init(&f, &it, &d) == 0, "%s", d.msg);
	CHECK(elf_usdt_next(&it, &nt, &d) == -EINVAL, "namesz 0xffffffff accepted");
	elf_close(&f);
}

TEST(usdt_no_notes_section)
{
	uint8_t file[4096];
	struct diag d = {{0}};
	struct elf_file f;
	struct elf_usdt_iter it;
	size_t size = build(file, sizeof(file), false, 2, (const uint8_t *)"", 0, 0);
	/* rename the section so there is none */
	uint8_t *name = memmem(file, size, ".note.stapsdt", 13);
	REQUIRE(name, "no name to change");
	name[1] = 'N';
	REQUIRE(elf_parse_binary(&f, file, size, &d) == 0, "%s", d.msg);
	CHECK(elf_usdt_iter_init(&f, &it, &d) == -ENOENT && strstr(d.msg, "no .note.stapsdt"), "%s", d.msg);
	elf_close(&f);
}

/* ---- argument strings ------------------------------------------------------------------------- */

struct want_arg {
	enum usdt_arg_type type;
	int64_t val;
	uint16_t reg, idx;
	uint8_t shift, size;
	bool sgn;
};

static void check_args(const char *args, uint16_t machine, uint32_t n, const struct want_arg *want)
{
	struct usdt_spec s;
	struct diag d = {{0}};
	int err = usdt_spec_parse(args, machine, &s, &d);
	CHECK(err == 0, "'%s': %s", args, d.msg);
	if (err)
		return;
	CHECK(s.nargs == n, "'%s': %u arguments, expected %u", args, s.nargs, n);
	for (uint32_t i = 0; i < n && i < s.nargs; i++) {
		const struct usdt_arg *a = &s.args[i];
		const struct want_arg *w = &want[i];
		CHECK(a->type == w->type && a->val_off == (uint64_t)w->val && a->reg_off == w->reg &&
			      a->idx_reg_off == w->idx && a->scale_shift == w->shift && a->size == w->size &&
			      a->is_signed == w->sgn,
		      "'%s' argument %u: type %d val %lld reg %u idx %u shift %u size %u signed %d", args, i + 1,
		      a->type, (long long)a->val_off, a->reg_off, a->idx_reg_off, a->scale_shift, a->size, a->is_signed);
	}
}

enum { X86 = 62, ARM64 = 183, S390 = 22 };

TEST(usdt_args_x86_64)
{
	/* what gcc printed for tests/tools/usdt_target.c */
	check_args("-4@%edx -8@%r14 1@%cl 8@%rax -4@$7", X86, 5,
		   (const struct want_arg[]){{USDT_ARG_REG, 0, 96, 0, 0, 4, true},
					     {USDT_ARG_REG, 0, 8, 0, 0, 8, true},
					     {USDT_ARG_REG, 0, 88, 0, 0, 1, false},
					     {USDT_ARG_REG, 0, 80, 0, 0, 8, false},
					     {USDT_ARG_CONST, 7, 0, 0, 0, 4, true}});
	check_args("-4@-4(%rsp) -2@-6(%rsp)", X86, 2,
		   (const struct want_arg[]){{USDT_ARG_REG_DEREF, -4, 152, 0, 0, 4, true},
					     {USDT_ARG_REG_DEREF, -6, 152, 0, 0, 2, true}});
	check_args("  8@(%rbp)\t-4@$-9  2@0x10(%r8w) ", X86, 3,
		   (const struct want_arg[]){{USDT_ARG_REG_DEREF, 0, 32, 0, 0, 8, false},
					     {USDT_ARG_CONST, -9, 0, 0, 0, 4, true},
					     {USDT_ARG_REG_DEREF, 16, 72, 0, 0, 2, false}});
	check_args("-1@-96(%rbp,%rax,8) 2@(%rbx,%rcx) 4@8(%rsi,%r12d,2)", X86, 3,
		   (const struct want_arg[]){{USDT_ARG_SIB, -96, 32, 80, 3, 1, true},
					     {USDT_ARG_SIB, 0, 40, 88, 0, 2, false},
					     {USDT_ARG_SIB, 8, 104, 24, 1, 4, false}});
	check_args("8@%rip 8@%r15 4@%r11d 1@%dil 1@%spl", X86, 5,
		   (const struct want_arg[]){{USDT_ARG_REG, 0, 128, 0, 0, 8, false},
					     {USDT_ARG_REG, 0, 0, 0, 0, 8, false},
					     {USDT_ARG_REG, 0, 48, 0, 0, 4, false},
					     {USDT_ARG_REG, 0, 112, 0, 0, 1, false},
					     {USDT_ARG_REG, 0, 152, 0, 0, 1, false}});
	check_args("", X86, 0, NULL);
	check_args("   ", X86, 0, NULL);
	check_args("8@$18446744073709551615", X86, 1, (const struct want_arg[]){{USDT_ARG_CONST, -1, 0, 0, 0, 8, false}});
}

TEST(usdt_args_other_machines)
{
	check_args("8@x0 -4@[sp, 12] 4@[x1] 2@5 8@x30 4@w3 -8@[x29, -8] 8@sp", ARM64, 8,
		   (const struct want_arg[]){{USDT_ARG_REG, 0, 0, 0, 0, 8, false},
					     {USDT_ARG_REG_DEREF, 12, 248, 0, 0, 4, true},
					     {USDT_ARG_REG_DEREF, 0, 8, 0, 0, 4, false},
					     {USDT_ARG_CONST, 5, 0, 0, 0, 2, false},
					     {USDT_ARG_REG, 0, 240, 0, 0, 8, false},
					     {USDT_ARG_REG, 0, 24, 0, 0, 4, false},
					     {USDT_ARG_REG_DEREF, -8, 232, 0, 0, 8, true},
					     {USDT_ARG_REG, 0, 248, 0, 0, 8, false}});
	check_args("-8@%r2 4@-28(%r15) 4@71 -2@%r0", S390, 4,
		   (const struct want_arg[]){{USDT_ARG_REG, 0, 40, 0, 0, 8, true},
					     {USDT_ARG_REG_DEREF, -28, 144, 0, 0, 4, false},
					     {USDT_ARG_CONST, 71, 0, 0, 0, 4, false},
					     {USDT_ARG_REG, 0, 24, 0, 0, 2, true}});
}

TEST(usdt_args_refused)
{
	static const struct {
		const char *args;
		uint16_t machine;
		int err;
	} bad[] = {
		{"4@%ah", X86, -EINVAL},        /* bits 8-15 */
		{"3@%eax", X86, -EINVAL},       /* size */
		{"16@%eax", X86, -EINVAL},
		{"-0@%eax", X86, -EINVAL},
		{"4@%foo", X86, -EINVAL},
		{"4@%eaxx", X86, -EINVAL},
		{"4@sym(%rip)", X86, -EINVAL},  /* symbolic: a global variable */
		{"4@$", X86, -EINVAL},
		{"4@$x", X86, -EINVAL},
		{"4@(%rax", X86, -EINVAL},
		{"4@-1(%rax,%rbx,3)", X86, -EINVAL},
		{"4@-1(%rax,%rbx,", X86, -EINVAL},
		{"4@-1", X86, -EINVAL},
		{"4%rax", X86, -EINVAL},
		{"@%rax", X86, -EINVAL},
		{"4@%eax,", X86, -EINVAL},
		{"4@%rax 4@%rax 4@%rax 4@%rax 4@%rax 4@%rax 4@%rax 4@%rax 4@%rax 4@%rax 4@%rax 4@%rax 4@%rax", X86,
		 -EINVAL},
		{"4@99999999999999999999", ARM64, -EINVAL},
		{"8@x31", ARM64, -EINVAL},
		{"8@x05", ARM64, -EINVAL},
		{"8@[x1, 2", ARM64, -EINVAL},
		{"8@[q1]", ARM64, -EINVAL},
		{"8@%r16", S390, -EINVAL},
		{"8@%x1", S390, -EINVAL},
		{"8@4(%r1", S390, -EINVAL},
		{"8@%rax", 243, -EOPNOTSUPP},   /* riscv */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct usdt_spec s;
		struct diag d = {{0}};
		int err = usdt_spec_parse(bad[i].args, bad[i].machine, &s, &d);
		CHECK(err == bad[i].err && d.msg[0], "'%s': %d (%s), expected %d", bad[i].args, err, d.msg, bad[i].err);
	}
	struct usdt_spec s;
	struct diag d = {{0}};
	CHECK(usdt_spec_parse("4@%eax 4@%foo", X86, &s, &d) == -EINVAL &&
		      strcmp(d.msg, "argument 2 '4@%foo': unknown x86-64 register") == 0,
	      "message: %s", d.msg);
}

/* ---- the map value: the host compiler's own layout of usdt.bpf.h's struct is the reference ---- */

struct ref_arg { /* usdt.bpf.h (libbpf 1.7 layout), as the host compiles it */
	uint64_t val_off;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	enum usdt_arg_type arg_type : 8;
	uint16_t idx_reg_off : 12;
	uint16_t scale_bitshift : 4;
	uint8_t reserved : 8;
#else
	uint8_t reserved : 8;
	uint16_t idx_reg_off : 12;
	uint16_t scale_bitshift : 4;
	enum usdt_arg_type arg_type : 8;
#endif
	short reg_off;
	_Bool arg_signed;
	char arg_bitshift;
};
struct ref_spec {
	struct ref_arg args[12];
	uint64_t usdt_cookie;
	short arg_cnt;
};
struct ref_arg_v1 { /* before libbpf 1.7 */
	uint64_t val_off;
	enum usdt_arg_type arg_type;
	short reg_off;
	_Bool arg_signed;
	char arg_bitshift;
};
struct ref_spec_v1 {
	struct ref_arg_v1 args[12];
	uint64_t usdt_cookie;
	short arg_cnt;
};

TEST(usdt_spec_layouts)
{
	CHECK(sizeof(struct ref_spec) == USDT_SPEC_SIZE_V2 && sizeof(struct ref_spec_v1) == USDT_SPEC_SIZE_V1,
	      "reference sizes %zu %zu", sizeof(struct ref_spec), sizeof(struct ref_spec_v1));
	struct usdt_spec s;
	struct diag d = {{0}};
	REQUIRE(usdt_spec_parse("-4@%edi 8@-16(%rbp) -1@-96(%rbp,%rax,8) 2@$-3", X86, &s, &d) == 0, "%s", d.msg);
	s.cookie = 0x1122334455667788ull;

	struct ref_spec want;
	memset(&want, 0, sizeof(want));
	for (uint32_t i = 0; i < s.nargs; i++) {
		want.args[i].val_off = s.args[i].val_off;
		want.args[i].arg_type = s.args[i].type;
		want.args[i].idx_reg_off = s.args[i].idx_reg_off;
		want.args[i].scale_bitshift = s.args[i].scale_shift;
		want.args[i].reg_off = (short)s.args[i].reg_off;
		want.args[i].arg_signed = s.args[i].is_signed;
		want.args[i].arg_bitshift = (char)(64 - 8 * s.args[i].size);
	}
	want.usdt_cookie = s.cookie;
	want.arg_cnt = 4;
	uint8_t got[USDT_SPEC_SIZE_V2];
	REQUIRE(usdt_spec_encode(&s, USDT_SPEC_SIZE_V2, got, &d) == 0, "%s", d.msg);
	/* compare member by member: padding bytes of `want` are not defined */
	struct ref_spec back;
	memcpy(&back, got, sizeof(back));
	for (uint32_t i = 0; i < 12; i++) {
		const struct ref_arg *a = &back.args[i], *b = &want.args[i];
		CHECK(a->val_off == b->val_off && a->arg_type == b->arg_type && a->idx_reg_off == b->idx_reg_off &&
			      a->scale_bitshift == b->scale_bitshift && a->reserved == 0 && a->reg_off == b->reg_off &&
			      a->arg_signed == b->arg_signed && a->arg_bitshift == b->arg_bitshift,
		      "v2 argument %u differs", i);
	}
	CHECK(back.usdt_cookie == want.usdt_cookie && back.arg_cnt == 4, "v2 cookie/count");

	uint8_t v1[USDT_SPEC_SIZE_V1];
	CHECK(usdt_spec_encode(&s, USDT_SPEC_SIZE_V1, v1, &d) == -EOPNOTSUPP, "v1 took a scaled-index argument");
	s.nargs = 2; /* the first two fit the old layout */
	REQUIRE(usdt_spec_encode(&s, USDT_SPEC_SIZE_V1, v1, &d) == 0, "%s", d.msg);
	struct ref_spec_v1 b1;
	memcpy(&b1, v1, sizeof(b1));
	CHECK(b1.args[0].arg_type == USDT_ARG_REG && b1.args[0].reg_off == 112 && b1.args[0].arg_signed &&
		      b1.args[0].arg_bitshift == 32,
	      "v1 argument 1");
	CHECK(b1.args[1].arg_type == USDT_ARG_REG_DEREF && b1.args[1].val_off == (uint64_t)-16 &&
		      b1.args[1].reg_off == 32 && !b1.args[1].arg_signed && b1.args[1].arg_bitshift == 0,
	      "v1 argument 2");
	CHECK(b1.usdt_cookie == s.cookie && b1.arg_cnt == 2 && b1.args[2].arg_type == 0, "v1 cookie/count");
	CHECK(usdt_spec_encode(&s, 200, v1, &d) == -EINVAL && d.msg[0], "a 200-byte spec accepted");
}

TEST(usdt_target_and_pmu_fields)
{
	struct usdt_target t;
	struct diag d = {{0}};
	REQUIRE(usdt_target_parse("build/usdt_target:rl:args", &t, &d) == 0, "%s", d.msg);
	CHECK(t.path_len == 17 && !strncmp(t.path, "build/usdt_target", 17) && t.provider_len == 2 &&
		      !strncmp(t.provider, "rl", 2) && t.name_len == 4 && !strcmp(t.name, "args"),
	      "split wrong");
	static const char *const bad[] = {"rl:args", ":rl:args", "p::n", "p:r:", "p:r:n:x", "", "p"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(usdt_target_parse(bad[i], &t, &d) == -EINVAL, "'%s' accepted", bad[i]);

	static const struct {
		const char *text;
		int shift, width;
	} ok[] = {{"config:32-63\n", 32, 32}, {"config:0", 0, 1}, {"config:5-5", 5, 1}, {"config:0-63", 0, 64}};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int shift = -1, width = -1;
		CHECK(perf_parse_config_field(ok[i].text, strlen(ok[i].text), &shift, &width) == 0 &&
			      shift == ok[i].shift && width == ok[i].width,
		      "'%s': %d %d", ok[i].text, shift, width);
	}
	static const char *const nok[] = {"config:63-32", "config:32-64", "config:-3", "config:3-", "config:",
					  "config1:0-3", "config:1-2-3", "config:100"};
	for (size_t i = 0; i < sizeof(nok) / sizeof(nok[0]); i++) {
		int shift, width;
		CHECK(perf_parse_config_field(nok[i], strlen(nok[i]), &shift, &width) == -EINVAL, "'%s' accepted", nok[i]);
	}
}

/* usdt.bpf.h's helpers are global, weak and hidden: the BTF handed to the kernel makes them static
 * (verified with their callers), programs stay global. Both byte orders give the same linkage. */
#include "loader/obj/obj.h"
#include "slurp.h"

TEST(usdt_hidden_funcs_static)
{
	static const char *const files[] = {"build/progs/usdt_count.bpfel.o", "build/progs/usdt_count.bpfeb.o"};
	for (size_t k = 0; k < 2; k++) {
		size_t size;
		uint8_t *data = slurp(files[k], &size);
		REQUIRE(data, "%s is missing (make test-progs)", files[k]);
		struct obj o;
		struct diag d = {{0}};
		int err = obj_parse(&o, files[k], data, size, &d);
		CHECK(err == 0, "%s: %s", files[k], d.msg);
		if (!err) {
			static const struct {
				const char *name;
				uint32_t linkage;
			} want[] = {{"bpf_usdt_arg", BTF_FUNC_STATIC}, {"bpf_usdt_arg_cnt", BTF_FUNC_STATIC},
				    {"bpf_usdt_cookie", BTF_FUNC_STATIC}, {"on_args", BTF_FUNC_GLOBAL},
				    {"on_lib", BTF_FUNC_GLOBAL}};
			for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
				uint32_t id = btf_find(&o.btf, BTF_KIND_FUNC, want[i].name);
				const struct btf_type *t = id ? btf_type(&o.btf, id) : NULL;
				if (!t && want[i].linkage == BTF_FUNC_STATIC && strcmp(want[i].name, "bpf_usdt_cookie") == 0)
					continue; /* unused, so clang may leave it out */
				CHECK(t && btf_vlen(t) == want[i].linkage, "%s: %s has linkage %u, expected %u", files[k],
				      want[i].name, t ? btf_vlen(t) : 99, want[i].linkage);
			}
			obj_close(&o);
		}
		free(data);
	}
}
