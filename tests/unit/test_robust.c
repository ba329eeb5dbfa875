/* tests/unit/test_robust.c — obj_parse against hostile input: every truncation, deterministic
 * single-byte mutations, and mutations aimed at the fields a parser trusts (section headers,
 * symbols, relocations, BTF and .BTF.ext headers and records, instructions). Each input must parse
 * or fail with a negative errno and a message; a failed parse leaves nothing allocated, a model
 * that parses keeps its invariants, links, patches and renders without leaving its buffers.
 * Run it under -fsanitize=address,undefined too (see the report in the commit history). */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "loader/obj.h"
#include "loader/reloc.h"

/* Leak check: with glibc (and no sanitizer, which counts on its own) the test binary counts live
 * heap blocks by wrapping the allocator; glibc supports replacing malloc and routes its own
 * allocations (strdup, ...) through the replacement. mallinfo2() cannot serve: blocks parked in the
 * per-thread cache count as in use. Elsewhere the check is off. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define ROBUST_SANITIZED 1 /* clang spells it this way */
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ROBUST_SANITIZED 1
#endif
#if defined(__GLIBC__) && !defined(ROBUST_SANITIZED)
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
static long live_blocks;
void *malloc(size_t n)
{
	void *p = __libc_malloc(n);
	live_blocks += p != NULL;
	return p;
}
void *calloc(size_t n, size_t m)
{
	void *p = __libc_calloc(n, m);
	live_blocks += p != NULL;
	return p;
}
void *realloc(void *q, size_t n)
{
	void *p = __libc_realloc(q, n);
	if (!q && p)
		live_blocks++;
	else if (q && !p && n == 0)
		live_blocks--;
	return p;
}
void free(void *p)
{
	live_blocks -= p != NULL;
	__libc_free(p);
}
static size_t heap_in_use(void) { return (size_t)live_blocks; }
#else
static size_t heap_in_use(void) { return 0; }
#endif

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

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- one input --------------------------------------------------------------------------------- */

/* What was done to the input, formatted only when something is reported. */
enum desc_kind { D_TRUNC, D_BYTE, D_FIELD, D_INSN, D_NONE };
struct desc {
	enum desc_kind kind;
	const char *s1, *s2;
	uint64_t a, b, c;
};

static void describe(const struct desc *w, char *out, size_t n)
{
	switch (w->kind) {
	case D_TRUNC:
		snprintf(out, n, "truncated to %llu bytes", (unsigned long long)w->a);
		break;
	case D_BYTE:
		snprintf(out, n, "byte at file offset %#llx := %#llx (was %#llx)", (unsigned long long)w->a,
			 (unsigned long long)w->b, (unsigned long long)w->c);
		break;
	case D_FIELD:
		snprintf(out, n, "%s at file offset %#llx := %#llx (was %#llx)", w->s1, (unsigned long long)w->a,
			 (unsigned long long)w->b, (unsigned long long)w->c);
		break;
	case D_INSN:
		snprintf(out, n, "%s+%llu (file offset %#llx) made a %s", w->s1, (unsigned long long)w->a,
			 (unsigned long long)w->b, w->s2);
		break;
	default:
		snprintf(out, n, "%s", w->s1 ? w->s1 : "unmodified");
	}
}

struct run {
	const char *file;
	uint64_t btf_lo, btf_hi; /* file range of the original .BTF (rendering every type is the
				  * slow part: done for mutants inside it, and for every 4th other) */
	uint64_t parsed, rejected, findings;
	double slowest;
	struct desc slowest_what;
};

/* Report a finding (at most a few per file, so a systematic one does not flood the log). */
static void finding(struct run *r, const struct desc *w, const char *msg, const char *detail)
{
	r->findings++;
	if (r->findings <= 8) {
		char what[256];
		describe(w, what, sizeof(what));
		CHECK(0, "%s: %s: %s%s", r->file, what, msg, detail);
	}
}

/* Invariants of a model that parsed, then link, patch and render everything. Returns a problem
 * description or NULL. */
static const char *exercise(const struct obj *o, bool render, char *why, size_t n)
{
	for (uint32_t i = 0; i < o->ncodes; i++)
		if (!o->codes[i].insns || !o->codes[i].count)
			return "empty code section in the model";
	for (uint32_t i = 0; i < o->nfuncs; i++) {
		const struct obj_func *f = &o->funcs[i];
		if (f->code >= o->ncodes || f->count == 0 || f->first > o->codes[f->code].count ||
		    f->count > o->codes[f->code].count - f->first)
			return "function outside its section";
		if (f->prog >= (int)o->nprogs)
			return "function names a program past the end";
	}
	for (uint32_t i = 0; i < o->nprogs; i++)
		if (o->progs[i].func >= o->nfuncs || !o->progs[i].name || !o->progs[i].target)
			return "program fields";
	for (uint32_t i = 0; i < o->nmaps; i++) {
		const struct obj_map *m = &o->maps[i];
		if (!m->name || (m->inner >= 0 && (uint32_t)m->inner >= o->nmaps))
			return "map name / inner index";
		if (m->ninit && (m->first_init >= o->ninits || m->ninit > o->ninits - m->first_init))
			return "map initialiser range";
		if (m->btf_key > (o->has_btf ? o->btf.nr_types : 0) || m->btf_value > (o->has_btf ? o->btf.nr_types : 0))
			return "map BTF ids past the types";
		if ((m->origin == MAP_LEGACY || m->origin == MAP_BTF) &&
		    (m->sec >= o->elf.nsec || m->sec_off >= o->elf.sec[m->sec].size)) {
			snprintf(why, n, "map '%s' defined at offset %#llx of a %llu-byte section", m->name,
				 (unsigned long long)m->sec_off,
				 m->sec < o->elf.nsec ? (unsigned long long)o->elf.sec[m->sec].size : 0ull);
			return why;
		}
		if (m->init) { /* touch every byte of the image */
			volatile uint8_t sum = 0;
			for (uint32_t k = 0; k < m->value_size; k++)
				sum ^= m->init[k];
			(void)sum;
		}
	}
	for (uint32_t i = 0; i < o->ninits; i++) {
		const struct obj_init *it = &o->inits[i];
		if (it->map >= o->nmaps || it->slot >= o->maps[it->map].max_entries ||
		    it->index >= (it->is_prog ? o->nprogs : o->nmaps))
			return "initialiser fields";
	}
	for (uint32_t i = 0; i < o->nrelocs; i++) {
		const struct obj_reloc *r = &o->relocs[i];
		if (r->code >= o->ncodes || r->insn >= o->codes[r->code].count || !r->sym)
			return "relocation outside its section";
		const struct bpf_insn *in = &o->codes[r->code].insns[r->insn];
		if (insn_is_ld_imm64(in) && r->insn + 1 >= o->codes[r->code].count)
			return "relocated ld_imm64 without its second half";
		if ((r->kind == RELOC_MAP || r->kind == RELOC_DATA) && r->map >= o->nmaps)
			return "relocation map index";
		if (r->kind == RELOC_DATA && r->offset >= o->maps[r->map].value_size)
			return "data relocation offset past the value";
		if ((r->kind == RELOC_CALL || r->kind == RELOC_FUNC) && r->func >= o->nfuncs)
			return "relocation function index";
	}

	int fds[4096];
	for (uint32_t i = 0; i < o->nmaps && i < 4096; i++)
		fds[i] = 100 + (int)i;
	for (uint32_t p = 0; p < o->nprogs; p++) {
		struct linked_prog lp;
		struct diag d = {""};
		int err = reloc_link(o, p, &lp, &d);
		if (err) {
			if (err > 0 || !d.msg[0])
				return "reloc_link failed without a message";
			if (lp.insns || lp.count)
				return "reloc_link failed and left a program";
			continue;
		}
		const char *bad = NULL;
		uint32_t total = 0;
		for (uint32_t k = 0; k < lp.nfuncs; k++) {
			if (lp.bases[k] != total)
				bad = "linked function bases do not add up";
			total += o->funcs[lp.funcs[k]].count;
		}
		if (!bad && total != lp.count)
			bad = "linked count differs from the functions";
		/* reloc_link clears the second half of every callback ld_imm64 it patches and
		 * reloc_patch_maps writes the second half of every map/data site: both must lie inside
		 * the program. */
		for (uint32_t i = 0; i < lp.count && !bad; i++) {
			const struct bpf_insn *in = &lp.insns[i];
			if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_FUNC && i + 1 >= lp.count) {
				snprintf(why, n, "linked program '%s' (%u insns) ends with the first half of a callback ld_imm64 (the link wrote insn %u)",
					 o->progs[p].name, lp.count, i + 1);
				bad = why;
			}
			if (in->code == (BPF_LD | BPF_IMM | BPF_DW))
				i++;
		}
		for (uint32_t i = 0; i < lp.nsites && !bad; i++)
			if (lp.sites[i].r->kind != RELOC_EXTERN && lp.sites[i].insn + 1 >= lp.count) {
				snprintf(why, n, "program '%s': map site at insn %u of %u: reloc_patch_maps writes insn %u",
					 o->progs[p].name, lp.sites[i].insn, lp.count, lp.sites[i].insn + 1);
				bad = why;
			}
		for (uint32_t i = 0; i < lp.nfunc_info && !bad; i++)
			if (lp.func_info[i].insn_off >= lp.count)
				bad = "func_info past the program";
		for (uint32_t i = 0; i < lp.nline_info && !bad; i++)
			if (lp.line_info[i].insn_off >= lp.count)
				bad = "line_info past the program";
		/* Patch only when every site fits (the patch would write past the program otherwise:
		 * reported above; the sanitizer run shows it happening). Then every bpf-to-bpf call and
		 * callback must land on a function of the program. */
		if (!bad && o->nmaps <= 4096) {
			err = reloc_patch_maps(o, &lp, fds, &d);
			if (err && err != -ENOTSUP && err != -EBADF)
				bad = "reloc_patch_maps: unexpected error";
			for (uint32_t i = 0; i < lp.count && !bad && !err; i++) {
				const struct bpf_insn *in = &lp.insns[i];
				bool cb = in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_FUNC;
				bool call = in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
				if (cb || call) {
					int64_t t = (int64_t)i + 1 + in->imm;
					bool ok = false;
					for (uint32_t k = 0; k < lp.nfuncs; k++)
						ok |= t == lp.bases[k];
					if (!ok) {
						snprintf(why, n, "program '%s': %s at linked insn %u lands on %lld, not a function",
							 o->progs[p].name, cb ? "callback" : "call", i, (long long)t);
						bad = why;
					}
				}
				if (in->code == (BPF_LD | BPF_IMM | BPF_DW))
					i++;
			}
		}
		reloc_free(&lp);
		if (bad)
			return bad;
	}

	if (o->has_btf && render) {
		char buf[96];
		for (uint32_t id = 0; id <= o->btf.nr_types + 1; id++) {
			uint32_t sz;
			memset(buf, 'Z', sizeof(buf));
			btf_type_str(&o->btf, id, buf, sizeof(buf));
			if (!memchr(buf, '\0', sizeof(buf)))
				return "btf_type_str did not terminate";
			(void)btf_size(&o->btf, id, &sz);
			(void)btf_skip_mods(&o->btf, id);
			(void)btf_skip_qualifiers(&o->btf, id);
			const struct btf_type *t = btf_type(&o->btf, id);
			if (t)
				(void)strlen(btf_type_name(&o->btf, t));
		}
	}
	if (o->has_ext) {
		const struct btf_ext_info *infos[] = {&o->ext.func, &o->ext.line, &o->ext.core};
		for (int k = 0; k < 3; k++)
			for (uint32_t s = 0; s < infos[k]->nsec; s++) {
				const struct btf_ext_sec *g = &infos[k]->sec[s];
				volatile uint32_t sum = (uint32_t)strlen(g->sec_name);
				for (uint32_t i = 0; i < g->count; i++)
					sum += *(const uint32_t *)btf_ext_rec(infos[k], g, i);
				(void)sum;
			}
	}
	if (o->license)
		(void)strlen(o->license);
	return NULL;
}

/* Parse buf[0..size) and judge the outcome. */
static void one(struct run *r, const uint8_t *buf, size_t size, const struct desc *what)
{
	struct obj o;
	struct diag d;
	char why[200];
	memset(&d, 0, sizeof(d));
	size_t before = heap_in_use();
	double t0 = now();
	int err = obj_parse(&o, "mutant.bpf.o", buf, size, &d);
	if (err) {
		r->rejected++;
		if (err > 0)
			finding(r, what, "obj_parse returned a positive value", "");
		else if (!d.msg[0])
			finding(r, what, "obj_parse failed without a message", "");
		if (o.maps || o.codes || o.funcs || o.progs || o.relocs || o.inits || o.elf.sec || o.elf.sym ||
		    o.btf_blob || o.nmaps)
			finding(r, what, "obj_parse failed but left the model filled", "");
		if (heap_in_use() != before)
			finding(r, what, "obj_parse failed and leaked: ", d.msg);
	} else {
		r->parsed++;
		bool in_btf = (what->kind == D_FIELD || what->kind == D_BYTE) && what->a >= r->btf_lo && what->a < r->btf_hi;
		const char *bad = exercise(&o, in_btf || r->parsed % 4 == 1, why, sizeof(why));
		if (bad)
			finding(r, what, "model: ", bad);
		obj_close(&o);
		if (heap_in_use() != before)
			finding(r, what, "obj_close left memory allocated", "");
	}
	double dt = now() - t0;
	if (dt > r->slowest) {
		r->slowest = dt;
		r->slowest_what = *what;
	}
	if (dt > 0.5)
		finding(r, what, "one parse took more than 0.5 s", "");
}

/* ---- byte-order helpers ---------------------------------------------------------------------- */

static uint64_t get(const uint8_t *p, int width, bool be)
{
	uint64_t v = 0;
	for (int i = 0; i < width; i++)
		v |= (uint64_t)p[be ? width - 1 - i : i] << (8 * i);
	return v;
}

static void put(uint8_t *p, int width, bool be, uint64_t v)
{
	for (int i = 0; i < width; i++)
		p[be ? width - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

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
		one(r, buf, size, &what);
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
		one(r, t, len, &what);
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
		one(r, buf, size, &what);
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
				one(r, buf, size, &what);
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
		describe(&r->slowest_what, what, sizeof(what));
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
			struct run r = {.file = robust_files[i]};
			char why[200];
			const char *bad = exercise(&b, true, why, sizeof(why));
			CHECK(!bad, "%s: misaligned: %s", robust_files[i], bad ? bad : "");
			(void)r;
		}
		if (!ea)
			obj_close(&a);
		if (!eb)
			obj_close(&b);
		free(odd);
		free(buf);
	}
}

/* ---- findings, one test each ------------------------------------------------------------------ *
 * Each reproduces one input the passes above flagged, with the exact bytes changed. With
 * RAWLOAD_ROBUST_DEMO=1 the tests go on to do what a loader would do with the accepted model
 * (link, patch), so a sanitizer build shows the memory error itself. */

struct patched {
	uint8_t *buf;
	size_t size;
	bool be;
	struct elf_file f;
	int err;
};

static int pat_open(struct patched *p, const char *rel)
{
	struct diag d;
	memset(p, 0, sizeof(*p));
	p->err = -1;
	p->buf = slurp(rel, &p->size);
	if (!p->buf) {
		CHECK(0, "cannot read %s", rel);
		return -1;
	}
	p->be = p->buf[5] == 2;
	if (elf_parse(&p->f, p->buf, p->size, &d)) {
		CHECK(0, "%s: %s", rel, d.msg);
		free(p->buf);
		return -1;
	}
	p->err = 0;
	return 0;
}

static void pat_close(struct patched *p)
{
	if (p->err)
		return;
	elf_close(&p->f);
	free(p->buf);
}

/* File offset of symbol `name` (index into the symbol table when name is NULL). */
static size_t sym_entry(const struct patched *p, const char *name, uint32_t index)
{
	const struct elf_section *st = &p->f.sec[p->f.symtab];
	for (uint32_t i = 0; i < p->f.nsym; i++)
		if (name ? strcmp(p->f.sym[i].name, name) == 0 : i == index)
			return (size_t)(st->data - p->buf) + (size_t)i * 24;
	return 0;
}

static size_t sec_header(const struct patched *p, const char *name)
{
	const struct elf_section *s = elf_find_section(&p->f, name);
	return s ? (size_t)get(p->buf + 40, 8, p->be) + (size_t)elf_section_index(&p->f, s) * 64 : 0;
}

static size_t sec_data(const struct patched *p, const char *name)
{
	const struct elf_section *s = elf_find_section(&p->f, name);
	return s && s->data ? (size_t)(s->data - p->buf) : 0;
}

static bool demo(void) { return getenv("RAWLOAD_ROBUST_DEMO") != NULL; }

/* A legacy map symbol at 2^64 - (2^64 mod record size) passes `value % rec == 0` and
 * `value + rec <= size` (the sum wraps): parse_legacy_maps then reads the record from before
 * the section (loader/obj_maps.c, parse_legacy_maps). */
TEST(robust_finding_legacy_map_value_wraps)
{
	static const struct { const char *file, *sym; uint64_t rec; } cases[] = {
		{"build/progs/legacy_maps.bpfel.o", "legacy_array", 20},
		{"build/progs/legacy_maps.bpfeb.o", "legacy_hash", 20},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct patched p;
		if (pat_open(&p, cases[i].file))
			continue;
		uint64_t wrap = (UINT64_MAX % cases[i].rec + 1) % cases[i].rec; /* 2^64 mod 20 = 16 */
		uint64_t value = 0 - wrap;
		size_t so = sym_entry(&p, cases[i].sym, 0);
		put(p.buf + so + 8, 8, p.be, value);
		if (demo()) /* the maps section at file offset 0: the record is read from before the buffer */
			put(p.buf + sec_header(&p, "maps") + 24, 8, p.be, 0);
		struct obj o;
		struct diag d = {""};
		int err = obj_parse(&o, cases[i].file, p.buf, p.size, &d);
		CHECK(err < 0, "%s: symbol %s value %#llx (record size %llu): accepted; map read from %lld bytes before the section",
		      cases[i].file, cases[i].sym, (unsigned long long)value, (unsigned long long)cases[i].rec,
		      (long long)wrap);
		if (!err)
			obj_close(&o);
		pat_close(&p);
	}
}

/* A function symbol whose size ends between the two halves of a relocated ld_imm64: obj_parse
 * accepts it, reloc_link makes it the program's last instruction and reloc_patch_maps writes
 * the second half's imm one instruction past the linked program (loader/reloc.c). With
 * legacy_xdp cut to 16 instructions the array holds exactly 16, so the write leaves the heap
 * block. */
TEST(robust_finding_function_cuts_ld_imm64)
{
	static const struct { const char *file, *sym; uint64_t size; uint32_t site; } cases[] = {
		{"examples/counter.o", "count_packets", 0x28, 4},
		{"build/progs/counter.bpfeb.o", "count_packets", 0x28, 4},
		{"build/progs/legacy_maps.bpfel.o", "legacy_xdp", 0x80, 15},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct patched p;
		if (pat_open(&p, cases[i].file))
			continue;
		put(p.buf + sym_entry(&p, cases[i].sym, 0) + 16, 8, p.be, cases[i].size);
		struct obj o;
		struct diag d = {""};
		int err = obj_parse(&o, cases[i].file, p.buf, p.size, &d);
		if (!err) {
			struct linked_prog lp;
			err = reloc_link(&o, 0, &lp, &d);
			if (!err) {
				bool past = false;
				for (uint32_t k = 0; k < lp.nsites; k++)
					past |= lp.sites[k].insn + 1 >= lp.count;
				CHECK(!past, "%s: %s size %#llx: accepted and linked to %u instructions with a map site at insn %u; "
				      "reloc_patch_maps writes insn %u", cases[i].file, cases[i].sym,
				      (unsigned long long)cases[i].size, lp.count, cases[i].site, cases[i].site + 1);
				if (past && demo()) {
					int fds[8] = {100, 101, 102, 103, 104, 105, 106, 107};
					reloc_patch_maps(&o, &lp, fds, &d);
				}
				reloc_free(&lp);
			}
			obj_close(&o);
		}
		pat_close(&p);
	}
}

/* A callback ld_imm64 (src_reg BPF_PSEUDO_FUNC) as the last instruction of a section: the
 * implicit-call scan in obj_parse_relocs (loader/obj_relocs.c) records it without checking
 * that a second half follows (resolve_one checks that for relocated ones), and reloc_link
 * clears insn[1].imm one past the program. legacy_maps: xdp+31 (32 instructions) becomes
 * `ld_imm64 r0, callback -32` (target 31 + 1 - 32 = 0, legacy_xdp itself). */
TEST(robust_finding_callback_at_section_end)
{
	static const char *const files[] = {"build/progs/legacy_maps.bpfel.o", "build/progs/legacy_maps.bpfeb.o",
					    "build/progs/sections.bpfel.o"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct patched p;
		if (pat_open(&p, files[i]))
			continue;
		const struct elf_section *x = elf_find_section(&p.f, "xdp");
		uint32_t last = (uint32_t)(x->size / 8) - 1;
		uint8_t *in = p.buf + sec_data(&p, "xdp") + (size_t)last * 8;
		in[0] = 0x18;
		in[1] = p.be ? 0x04 : 0x40; /* src_reg 4, dst_reg 0 */
		put(in + 4, 4, p.be, (uint32_t)-(int32_t)(last + 1));
		struct obj o;
		struct diag d = {""};
		int err = obj_parse(&o, files[i], p.buf, p.size, &d);
		CHECK(err < 0, "%s: xdp+%u as the first half of a callback ld_imm64 with no second half: accepted", files[i],
		      last);
		if (!err) {
			if (demo()) {
				struct linked_prog lp;
				if (reloc_link(&o, 0, &lp, &d) == 0)
					reloc_free(&lp);
			}
			obj_close(&o);
		}
		pat_close(&p);
	}
}

/* The same inside a section: the last instruction of add3 (.text+2) made a callback to add3.
 * sub_b links add3 last, so the callback ends the linked program and reloc_link writes insn 11
 * of 11. */
TEST(robust_finding_callback_at_function_end)
{
	static const char *const files[] = {"build/progs/subprogs.bpfel.o", "build/progs/subprogs.bpfeb.o"};
	for (size_t i = 0; i < 2; i++) {
		struct patched p;
		if (pat_open(&p, files[i]))
			continue;
		uint8_t *in = p.buf + sec_data(&p, ".text") + 2 * 8;
		in[0] = 0x18;
		in[1] = p.be ? 0x04 : 0x40;
		put(in + 4, 4, p.be, (uint32_t)-3);
		struct obj o;
		struct diag d = {""};
		int err = obj_parse(&o, files[i], p.buf, p.size, &d);
		if (!err) {
			int sub_b = obj_find_prog(&o, "sub_b");
			struct linked_prog lp;
			if (sub_b >= 0 && reloc_link(&o, (uint32_t)sub_b, &lp, &d) == 0) {
				bool ends_inside = lp.count && lp.insns[lp.count - 1].code == (BPF_LD | BPF_IMM | BPF_DW);
				CHECK(!ends_inside, "%s: add3's last instruction made a callback ld_imm64: accepted; sub_b links to %u "
				      "instructions ending with its first half", files[i], lp.count);
				reloc_free(&lp);
			}
			obj_close(&o);
		}
		pat_close(&p);
	}
}

/* Symbol values near INT64_MAX: rejected, but only after a signed overflow in resolve_one
 * (loader/obj_relocs.c: `(int64_t)sym->value + insn->imm` for data and callback targets),
 * which -fsanitize=undefined reports. */
TEST(robust_finding_symbol_value_overflow)
{
	static const struct { const char *file; uint32_t sym; uint64_t value; } cases[] = {
		{"build/progs/global_data.bpfel.o", 4 /* section symbol .rodata, imm 4 */, 0x7fffffffffffffffull},
		{"build/progs/subprogs.bpfel.o", 2 /* section symbol .text, callback imm 136 */, 0x7ffffffffffffff8ull},
	};
	for (size_t i = 0; i < 2; i++) {
		struct patched p;
		if (pat_open(&p, cases[i].file))
			continue;
		put(p.buf + sym_entry(&p, NULL, cases[i].sym) + 8, 8, p.be, cases[i].value);
		struct obj o;
		struct diag d = {""};
		int err = obj_parse(&o, cases[i].file, p.buf, p.size, &d);
		CHECK(err < 0 && d.msg[0], "%s: symbol %u value %#llx accepted", cases[i].file, cases[i].sym,
		      (unsigned long long)cases[i].value);
		if (!err)
			obj_close(&o);
		pat_close(&p);
	}
}
