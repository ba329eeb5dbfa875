/* tests/unit/test_robust_mutations.c — obj_parse against inputs mutated from every test object:
 * every truncation, deterministic single-byte changes, changes aimed at the fields a parser trusts
 * (headers, symbols, relocations, BTF, .BTF.ext, instructions), misaligned input; robust.h judges. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "loader/obj/obj.h"
#include "robust.h"
#include "slurp.h"

static const char *const robust_files[] = {
	"build/progs/bad_verifier.bpfel.o",    "build/progs/bad_verifier.bpfeb.o",
	"build/progs/btf_maps.bpfel.o",        "build/progs/btf_maps.bpfeb.o",
	"build/progs/global_data.bpfel.o",     "build/progs/global_data.bpfeb.o",
	"build/progs/legacy_iproute2.bpfel.o", "build/progs/legacy_iproute2.bpfeb.o",
	"build/progs/legacy_maps.bpfel.o",     "build/progs/legacy_maps.bpfeb.o",
	"build/progs/legacy_samples.bpfel.o",  "build/progs/legacy_samples.bpfeb.o",
	"build/progs/ringbuf_typed.bpfel.o",   "build/progs/ringbuf_typed.bpfeb.o",
	"build/progs/sections.bpfel.o",        "build/progs/sections.bpfeb.o",
	"build/progs/subprogs.bpfel.o",        "build/progs/subprogs.bpfeb.o",
	"examples/counter.o",                  "build/progs/counter.bpfeb.o",
	"examples/execsnoop.o",                "build/progs/execsnoop.bpfeb.o",
	"examples/show-ip.o",                  "build/progs/show-ip.bpfeb.o",
};
#define NFILES (sizeof(robust_files) / sizeof(robust_files[0]))

/* ---- values for one field --------------------------------------------------------------------- */

/* Write each value into the field at off (width bytes), parse, restore. */
static void try_values(struct run *r, uint8_t *buf, size_t size, size_t off, int width, bool be,
		       const uint64_t *vals, size_t nvals, const char *field)
{
	if (off + (size_t)width > size)
		return;
	uint8_t saved[8];
	memcpy(saved, buf + off, (size_t)width);
	uint64_t orig = get(buf + off, width, be);
	for (size_t i = 0; i < nvals; i++) {
		uint64_t v = vals[i];
		if (width < 8)
			v &= (1ull << (8 * width)) - 1;
		if (v == orig)
			continue;
		put(buf + off, width, be, v);
		struct desc what = {D_FIELD, field, NULL, off, v, orig};
		robust_one(r, buf, size, &what);
	}
	memcpy(buf + off, saved, (size_t)width);
}

/* The common interesting numbers, plus ones relative to the original value and the file. */
static size_t interesting(uint64_t *out, uint64_t orig, uint64_t size)
{
	static const uint64_t fixed[] = {
		0, 1, 2, 3, 4, 7, 8, 12, 16, 24, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff,
		0x80000000, 0xfffffff0, 0xfffffffc, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
		0x7ffffffffffffff8ull, 0x8000000000000000ull, 0xffffffffffffff00ull, 0xfffffffffffffff0ull, 0xfffffffffffffff8ull,
		0xfffffffffffffffcull, 0xffffffffffffffffull,
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		out[n++] = fixed[i];
	out[n++] = orig - 1;
	out[n++] = orig + 1;
	out[n++] = orig - 8;
	out[n++] = orig + 8;
	out[n++] = orig * 2;
	out[n++] = size - 1;
	out[n++] = size;
	out[n++] = size + 1;
	out[n++] = size - orig;
	return n;
}

static void try_interesting(struct run *r, uint8_t *buf, size_t size, size_t off, int width, bool be,
			    const char *field)
{
	uint64_t vals[64];
	size_t n = interesting(vals, off + (size_t)width <= size ? get(buf + off, width, be) : 0, size);
	try_values(r, buf, size, off, width, be, vals, n, field);
}

/* ---- (a) truncations, (b) random bytes --------------------------------------------------------- */

static void truncations(struct run *r, const uint8_t *orig, size_t size, size_t step)
{
	for (size_t len = 0;; len += step) {
		if (len > size)
			len = size;
		uint8_t *t = malloc(len ? len : 1); /* exactly len bytes: reads past them are caught */
		memcpy(t, orig, len);
		struct desc what = {D_TRUNC, NULL, NULL, len, 0, 0};
		robust_one(r, t, len, &what);
		free(t);
		if (len == size)
			break;
	}
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void random_bytes(struct run *r, uint8_t *buf, size_t size, uint32_t count, uint64_t seed)
{
	uint64_t s = seed;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t x = xorshift(&s);
		size_t pos = (size_t)(x % size);
		uint8_t val = (uint8_t)(x >> 56), was = buf[pos];
		if (val == was)
			val ^= 0xff;
		buf[pos] = val;
		struct desc what = {D_BYTE, NULL, NULL, pos, val, was};
		robust_one(r, buf, size, &what);
		buf[pos] = was;
	}
}

/* ---- (c) targeted mutations -------------------------------------------------------------------- */

/* BTF record extent, computed here independently of btf/. */
static uint32_t rec_extra(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case 1: return 4;                           /* INT */
	case 3: return 12;                          /* ARRAY */
	case 4: case 5: return 12 * vlen;           /* STRUCT, UNION */
	case 6: return 8 * vlen;                    /* ENUM */
	case 13: return 8 * vlen;                   /* FUNC_PROTO */
	case 14: return 4;                          /* VAR */
	case 15: return 12 * vlen;                  /* DATASEC */
	case 17: return 4;                          /* DECL_TAG */
	case 19: return 12 * vlen;                  /* ENUM64 */
	default: return 0;
	}
}

struct layout {
	bool be;
	uint64_t shoff;
	uint32_t nsec, nsym;
	struct elf_file f; /* of the original, for offsets */
};

static void targeted(struct run *r, uint8_t *buf, size_t size)
{
	struct layout L;
	struct diag d;
	if (elf_parse(&L.f, buf, size, &d)) {
		CHECK(0, "%s: original does not parse: %s", r->file, d.msg);
		return;
	}
	L.be = buf[5] == 2;
	L.shoff = get(buf + 40, 8, L.be);
	L.nsec = L.f.nsec;
	L.nsym = L.f.nsym;
	const struct elf_file *f = &L.f;
	char field[96];

	/* ELF header */
	try_interesting(r, buf, size, 40, 8, L.be, "e_shoff");
	static const uint64_t v16[] = {0, 1, 2, 3, 0x40, 0xff00, 0xfff1, 0xfff2, 0xffff};
	try_values(r, buf, size, 58, 2, L.be, v16, 9, "e_shentsize");
	uint64_t shnum_vals[] = {0, 1, 2, L.nsec - 1, L.nsec + 1, L.nsec * 2, 0xff00, 0xffff};
	try_values(r, buf, size, 60, 2, L.be, shnum_vals, 8, "e_shnum");
	uint64_t strndx_vals[] = {0, 1, 2, L.nsec - 1, L.nsec, L.nsec + 1, 0xfff1, 0xffff};
	try_values(r, buf, size, 62, 2, L.be, strndx_vals, 8, "e_shstrndx");

	/* every section header field */
	for (uint32_t i = 0; i < L.nsec; i++) {
		size_t sh = (size_t)L.shoff + (size_t)i * 64;
		static const struct { uint32_t off; int width; const char *name; } fl[] = {
			{0, 4, "sh_name"}, {4, 4, "sh_type"}, {8, 8, "sh_flags"}, {24, 8, "sh_offset"},
			{32, 8, "sh_size"}, {40, 4, "sh_link"}, {44, 4, "sh_info"}, {56, 8, "sh_entsize"},
		};
		for (size_t k = 0; k < sizeof(fl) / sizeof(fl[0]); k++) {
			snprintf(field, sizeof(field), "section %u (%s) %s", i, f->sec[i].name, fl[k].name);
			try_interesting(r, buf, size, sh + fl[k].off, fl[k].width, L.be, field);
		}
		uint64_t types[] = {0, 1, 2, 3, 4, 8, 9, 11, 0x6fff4c03};
		snprintf(field, sizeof(field), "section %u (%s) sh_type", i, f->sec[i].name);
		try_values(r, buf, size, sh + 4, 4, L.be, types, 9, field);
		uint64_t links[64];
		size_t nl = 0;
		for (uint32_t k = 0; k < L.nsec && nl < 64; k++)
			links[nl++] = k;
		snprintf(field, sizeof(field), "section %u (%s) sh_link", i, f->sec[i].name);
		try_values(r, buf, size, sh + 40, 4, L.be, links, nl, field);
		snprintf(field, sizeof(field), "section %u (%s) sh_info", i, f->sec[i].name);
		try_values(r, buf, size, sh + 44, 4, L.be, links, nl, field);
		uint64_t flags[] = {0, 2, 4, 6, 7, 0x30, 0x32};
		snprintf(field, sizeof(field), "section %u (%s) sh_flags", i, f->sec[i].name);
		try_values(r, buf, size, sh + 8, 8, L.be, flags, 7, field);
	}

	/* every symbol */
	const struct elf_section *st = f->symtab ? &f->sec[f->symtab] : NULL;
	for (uint32_t i = 0; st && i < L.nsym; i++) {
		size_t so = (size_t)(st->data - buf) + (size_t)i * 24;
		const struct elf_sym *s = &f->sym[i];
		snprintf(field, sizeof(field), "symbol %u (%s) st_name", i, s->name);
		try_interesting(r, buf, size, so, 4, L.be, field);
		uint64_t infos[15];
		for (int k = 0; k < 15; k++)
			infos[k] = (uint64_t)((k / 5) << 4 | (k % 5));
		snprintf(field, sizeof(field), "symbol %u (%s) st_info", i, s->name);
		try_values(r, buf, size, so + 4, 1, L.be, infos, 15, field);
		uint64_t shndx[70];
		size_t ns = 0;
		for (uint32_t k = 0; k < L.nsec + 1 && ns < 60; k++)
			shndx[ns++] = k;
		shndx[ns++] = 0xff00;
		shndx[ns++] = 0xfff1;
		shndx[ns++] = 0xfff2;
		shndx[ns++] = 0xffff;
		snprintf(field, sizeof(field), "symbol %u (%s) st_shndx", i, s->name);
		try_values(r, buf, size, so + 6, 2, L.be, shndx, ns, field);
		snprintf(field, sizeof(field), "symbol %u (%s) st_value", i, s->name);
		try_interesting(r, buf, size, so + 8, 8, L.be, field);
		snprintf(field, sizeof(field), "symbol %u (%s) st_size", i, s->name);
		try_interesting(r, buf, size, so + 16, 8, L.be, field);
		/* functions and objects: every 8-byte (function) or 4-byte step inside their section */
		if ((s->type == ELF_STT_FUNC || s->type == ELF_STT_OBJECT) && s->shndx && s->shndx < L.nsec) {
			uint64_t steps[128];
			size_t n = 0;
			uint64_t unit = s->type == ELF_STT_FUNC ? 8 : 4, secsize = f->sec[s->shndx].size;
			for (uint64_t v = 0; v <= secsize + unit && n < 128; v += unit)
				steps[n++] = v;
			snprintf(field, sizeof(field), "symbol %u (%s) st_size (steps)", i, s->name);
			try_values(r, buf, size, so + 16, 8, L.be, steps, n, field);
			snprintf(field, sizeof(field), "symbol %u (%s) st_value (steps)", i, s->name);
			try_values(r, buf, size, so + 8, 8, L.be, steps, n, field);
		}
	}

	/* relocation entries of code sections and of .maps */
	for (uint32_t i = 1; i < L.nsec; i++) {
		const struct elf_section *rel = &f->sec[i];
		if (rel->type != ELF_SHT_REL || rel->info >= L.nsec || !rel->data)
			continue;
		const struct elf_section *tgt = &f->sec[rel->info];
		if (!(tgt->flags & ELF_SHF_EXECINSTR) && strcmp(tgt->name, ".maps") != 0)
			continue;
		for (uint64_t e = 0; e < rel->size / 16; e++) {
			size_t ro = (size_t)(rel->data - buf) + (size_t)e * 16;
			snprintf(field, sizeof(field), "%s #%llu r_offset", rel->name, (unsigned long long)e);
			try_interesting(r, buf, size, ro, 8, L.be, field);
			uint64_t offs[128];
			size_t n = 0;
			for (uint64_t v = 0; v <= tgt->size && n < 128; v += 8)
				offs[n++] = v;
			try_values(r, buf, size, ro, 8, L.be, offs, n, field);
			uint64_t info = get(buf + ro + 8, 8, L.be);
			uint64_t infos[128];
			n = 0;
			for (uint64_t sym = 0; sym <= L.nsym && n < 100; sym++)
				infos[n++] = sym << 32 | (info & 0xffffffff);
			infos[n++] = 0xffffffffull << 32 | (info & 0xffffffff);
			static const uint32_t types[] = {0, 1, 2, 3, 4, 10, 11, 0xffffffff};
			for (int k = 0; k < 8; k++)
				infos[n++] = (info & 0xffffffff00000000ull) | types[k];
			snprintf(field, sizeof(field), "%s #%llu r_info", rel->name, (unsigned long long)e);
			try_values(r, buf, size, ro + 8, 8, L.be, infos, n, field);
		}
	}

	/* instructions: turn each into a bpf-to-bpf call / callback to the section start, and poke
	 * src_reg and imm of the ones that are already calls or ld_imm64 */
	for (uint32_t i = 1; i < L.nsec; i++) {
		const struct elf_section *s = &f->sec[i];
		if (s->type != ELF_SHT_PROGBITS || !(s->flags & ELF_SHF_EXECINSTR) || !s->data || s->size % 8)
			continue;
		size_t base = (size_t)(s->data - buf);
		for (uint64_t k = 0; k < s->size / 8; k++) {
			uint8_t *in = buf + base + k * 8, saved[8];
			memcpy(saved, in, 8);
			int32_t back = -(int32_t)(k + 1);
			static const struct { uint8_t code, src; const char *what; } forms[] = {
				{0x85, 1, "call to the section start"},
				{0x18, 4, "callback to the section start"},
				{0x18, 1, "ld_imm64 of map fd"},
				{0x18, 2, "ld_imm64 of map value"},
			};
			for (int m = 0; m < 4; m++) {
				in[0] = forms[m].code;
				in[1] = L.be ? (uint8_t)((in[1] & 0xf0) | forms[m].src) : (uint8_t)((forms[m].src << 4) | (in[1] & 0x0f));
				put(in + 4, 4, L.be, (uint32_t)back);
				struct desc what = {D_INSN, s->name, forms[m].what, k, base + (size_t)k * 8, 0};
				robust_one(r, buf, size, &what);
				memcpy(in, saved, 8);
			}
			if (in[0] == 0x85 || in[0] == 0x18) {
				uint64_t imms[] = {0, 1, 0xffffffff, 0x7fffffff, 0x80000000, (uint32_t)back,
						   (uint32_t)(s->size / 8 - k - 1), (uint32_t)(s->size / 8 - k)};
				snprintf(field, sizeof(field), "%s+%llu imm", s->name, (unsigned long long)k);
				try_values(r, buf, size, base + (size_t)k * 8 + 4, 4, L.be, imms, 8, field);
				uint64_t regs[] = {0x00, 0x01, 0x10, 0x04, 0x40, 0x02, 0x20, 0xff};
				snprintf(field, sizeof(field), "%s+%llu registers", s->name, (unsigned long long)k);
				try_values(r, buf, size, base + (size_t)k * 8 + 1, 1, L.be, regs, 8, field);
			}
		}
	}

	/* BTF: header fields, then every word of every record */
	const struct elf_section *bs = elf_find_section(f, ".BTF");
	if (bs && bs->data && bs->size >= 24) {
		size_t b0 = (size_t)(bs->data - buf);
		static const char *const hf[] = {"hdr_len", "type_off", "type_len", "str_off", "str_len"};
		for (int k = 0; k < 5; k++) {
			snprintf(field, sizeof(field), ".BTF %s", hf[k]);
			try_interesting(r, buf, size, b0 + 4 + 4 * (size_t)k, 4, L.be, field);
		}
		uint64_t bytes[] = {0, 1, 2, 0xeb, 0x9f, 0xff};
		try_values(r, buf, size, b0, 1, L.be, bytes, 6, ".BTF magic byte 0");
		try_values(r, buf, size, b0 + 2, 1, L.be, bytes, 6, ".BTF version");
		uint32_t hdr_len = (uint32_t)get(buf + b0 + 4, 4, L.be);
		uint32_t type_off = (uint32_t)get(buf + b0 + 8, 4, L.be), type_len = (uint32_t)get(buf + b0 + 12, 4, L.be);
		size_t t0 = b0 + hdr_len + type_off;
		uint32_t id = 1, nr = 0;
		for (uint32_t off = 0; off + 12 <= type_len; nr++) {
			uint32_t info = (uint32_t)get(buf + t0 + off + 4, 4, L.be);
			off += 12 + rec_extra((info >> 24) & 0x1f, info & 0xffff);
		}
		for (uint32_t off = 0; off + 12 <= type_len && t0 + off + 12 <= size; id++) {
			size_t p = t0 + off;
			uint32_t info = (uint32_t)get(buf + p + 4, 4, L.be), vlen = info & 0xffff;
			uint32_t rec = 12 + rec_extra((info >> 24) & 0x1f, vlen);
			snprintf(field, sizeof(field), ".BTF type %u name_off", id);
			uint64_t names[] = {0, 1, 0x7fffffff, 0xffffffff};
			try_values(r, buf, size, p, 4, L.be, names, 4, field);
			uint64_t infos[48];
			size_t n = 0;
			for (uint32_t kind = 0; kind < 32; kind++)
				infos[n++] = (info & 0x8000ffff) | kind << 24;
			infos[n++] = info ^ 0x80000000;
			infos[n++] = info & 0xffff0000;
			infos[n++] = (info & 0xffff0000) | 1;
			infos[n++] = (info & 0xffff0000) | ((vlen - 1) & 0xffff);
			infos[n++] = (info & 0xffff0000) | ((vlen + 1) & 0xffff);
			infos[n++] = (info & 0xffff0000) | 0xffff;
			snprintf(field, sizeof(field), ".BTF type %u info", id);
			try_values(r, buf, size, p + 4, 4, L.be, infos, n, field);
			for (uint32_t w = 8; w < rec && p + w + 4 <= size; w += 4) {
				uint32_t orig = (uint32_t)get(buf + p + w, 4, L.be);
				uint64_t words[] = {0, 1, 2, id, id - 1, id + 1, nr, nr + 1, orig - 1, orig + 1,
						    0x7fffffff, 0x80000000, 0xffffffff, 0x10000};
				snprintf(field, sizeof(field), ".BTF type %u word %u", id, w / 4);
				try_values(r, buf, size, p + w, 4, L.be, words, sizeof(words) / sizeof(words[0]), field);
			}
			off += rec;
		}
	}

	/* .BTF.ext: header fields, then every word */
	const struct elf_section *xs = elf_find_section(f, ".BTF.ext");
	if (xs && xs->data && xs->size >= 32) {
		size_t x0 = (size_t)(xs->data - buf);
		static const char *const hf[] = {"hdr_len", "func_off", "func_len", "line_off", "line_len", "core_off",
						 "core_len"};
		for (int k = 0; k < 7; k++) {
			snprintf(field, sizeof(field), ".BTF.ext %s", hf[k]);
			try_interesting(r, buf, size, x0 + 4 + 4 * (size_t)k, 4, L.be, field);
		}
		uint32_t hdr_len = (uint32_t)get(buf + x0 + 4, 4, L.be);
		for (uint64_t w = hdr_len; w + 4 <= xs->size; w += 4) {
			uint32_t orig = (uint32_t)get(buf + x0 + w, 4, L.be);
			uint64_t words[] = {0, 1, 4, 7, 8, orig - 1, orig + 1, orig + 8, orig * 2, 0x7fffffff, 0x80000000,
					    0xffffffff, 0x10000000};
			snprintf(field, sizeof(field), ".BTF.ext word at %llu", (unsigned long long)w);
			try_values(r, buf, size, x0 + w, 4, L.be, words, sizeof(words) / sizeof(words[0]), field);
		}
	}

	/* legacy maps records: every word */
	const struct elf_section *ms = elf_find_section(f, "maps");
	if (ms && ms->data) {
		size_t m0 = (size_t)(ms->data - buf);
		for (uint64_t w = 0; w + 4 <= ms->size; w += 4) {
			uint64_t words[] = {0, 1, 2, 3, 4, 12, 13, 27, 0x80000000, 0xffffffff};
			snprintf(field, sizeof(field), "maps word at %llu", (unsigned long long)w);
			try_values(r, buf, size, m0 + w, 4, L.be, words, sizeof(words) / sizeof(words[0]), field);
		}
	}
	elf_close(&L.f);
}

static void btf_range(struct run *r, const uint8_t *buf, size_t size)
{
	struct elf_file f;
	struct diag d;
	if (elf_parse(&f, buf, size, &d))
		return;
	const struct elf_section *s = elf_find_section(&f, ".BTF");
	if (s && s->data) {
		r->btf_lo = (uint64_t)(s->data - buf);
		r->btf_hi = r->btf_lo + s->size;
	}
	elf_close(&f);
}

/* ---- the tests --------------------------------------------------------------------------------- */

/* Iteration counts scale with RAWLOAD_ROBUST_SCALE (percent, default 100) so the sanitizer build
 * can run a lighter or heavier pass. */
static double scale(void)
{
	const char *s = getenv("RAWLOAD_ROBUST_SCALE");
	double v = s ? atof(s) / 100.0 : 1.0;
	return v > 0 ? v : 1.0;
}

static void summary(const struct run *r, const char *pass)
{
	if (getenv("RAWLOAD_ROBUST_VERBOSE")) {
		char what[256];
		robust_describe(&r->slowest_what, what, sizeof(what));
		fprintf(stderr, "  %s %s: %llu parsed, %llu rejected, %llu findings, slowest %.1f ms (%s)\n", pass, r->file,
			(unsigned long long)r->parsed, (unsigned long long)r->rejected, (unsigned long long)r->findings,
			r->slowest * 1e3, what);
	}
	if (r->findings > 8)
		CHECK(0, "%s: %s: %llu findings in all (first 8 shown)", r->file, pass, (unsigned long long)r->findings);
}

TEST(robust_truncations)
{
	for (size_t i = 0; i < NFILES; i++) {
		size_t size;
		uint8_t *buf = slurp(robust_files[i], &size);
		if (!buf) {
			CHECK(0, "cannot read %s", robust_files[i]);
			continue;
		}
		struct run r = {.file = robust_files[i]};
		size_t step = size < 65536 ? 1 : size / 16384;
		step = (size_t)((double)step / (scale() > 1 ? 1 : scale()));
		truncations(&r, buf, size, step ? step : 1);
		CHECK(r.parsed >= 1, "%s: the whole file did not parse", robust_files[i]);
		summary(&r, "truncations");
		free(buf);
	}
}

TEST(robust_random_bytes)
{
	uint32_t count = (uint32_t)(20000 * scale());
	for (size_t i = 0; i < NFILES; i++) {
		size_t size;
		uint8_t *buf = slurp(robust_files[i], &size);
		if (!buf) {
			CHECK(0, "cannot read %s", robust_files[i]);
			continue;
		}
		struct run r = {.file = robust_files[i]};
		btf_range(&r, buf, size);
		const char *seed = getenv("RAWLOAD_ROBUST_SEED"); /* fixed unless asked: same inputs every run */
		random_bytes(&r, buf, size, count,
			     (seed ? strtoull(seed, NULL, 0) : 0x9e3779b97f4a7c15ull) ^ (uint64_t)(i + 1) * 0x100000001b3ull);
		summary(&r, "random bytes");
		free(buf);
	}
}

TEST(robust_targeted_fields)
{
	for (size_t i = 0; i < NFILES; i++) {
		size_t size;
		uint8_t *buf = slurp(robust_files[i], &size);
		if (!buf) {
			CHECK(0, "cannot read %s", robust_files[i]);
			continue;
		}
		struct run r = {.file = robust_files[i]};
		btf_range(&r, buf, size);
		targeted(&r, buf, size);
		summary(&r, "targeted");
		free(buf);
	}
}

/* The unmodified files at an odd address (every section misaligned) parse to the same counts. */
TEST(robust_misaligned_input)
{
	for (size_t i = 0; i < NFILES; i++) {
		size_t size;
		uint8_t *buf = slurp(robust_files[i], &size);
		CHECK(buf != NULL, "cannot read %s", robust_files[i]);
		if (!buf)
			continue;
		uint8_t *odd = malloc(size + 1);
		memcpy(odd + 1, buf, size);
		struct obj a, b;
		struct diag d;
		int ea = obj_parse(&a, robust_files[i], buf, size, &d);
		int eb = obj_parse(&b, robust_files[i], odd + 1, size, &d);
		CHECK(ea == 0 && eb == 0, "%s: %d %d %s", robust_files[i], ea, eb, d.msg);
		if (!ea && !eb) {
			CHECK(a.nprogs == b.nprogs && a.nmaps == b.nmaps && a.nrelocs == b.nrelocs && a.ncodes == b.ncodes,
			      "%s: misaligned model differs", robust_files[i]);
			for (uint32_t c = 0; c < a.ncodes && a.ncodes == b.ncodes; c++)
				CHECK(a.codes[c].count == b.codes[c].count &&
					      memcmp(a.codes[c].insns, b.codes[c].insns, a.codes[c].count * sizeof(struct bpf_insn)) == 0,
				      "%s: code %u differs when misaligned", robust_files[i], c);
			char why[200];
			const char *bad = exercise(&b, true, why, sizeof(why));
			CHECK(!bad, "%s: misaligned: %s", robust_files[i], bad ? bad : "");
		}
		if (!ea)
			obj_close(&a);
		if (!eb)
			obj_close(&b);
		free(odd);
		free(buf);
	}
}
