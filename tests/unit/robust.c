/* tests/unit/robust.c — the judge of the robustness passes (see robust.h), and the heap block
 * counter it uses: the only replacement of malloc/calloc/realloc/free in the unit tests (it counts
 * for the whole binary). Doesn't mutate anything: the passes do. */
#include "robust.h"

#include "btf/core.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "loader/load/reloc.h"

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

/* CPU time of this thread, not wall time: a busy machine that deschedules the test must not look
 * like a parse that hangs. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- one input --------------------------------------------------------------------------------- */

void robust_describe(const struct desc *w, char *out, size_t n)
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

/* Report a finding (at most a few per file, so a systematic one does not flood the log). */
static void finding(struct run *r, const struct desc *w, const char *msg, const char *detail)
{
	r->findings++;
	if (r->findings <= 8) {
		char what[256];
		robust_describe(w, what, sizeof(what));
		CHECK(0, "%s: %s: %s%s", r->file, what, msg, detail);
	}
}

/* Invariants of a model that parsed, then link, patch and render everything. Returns a problem
 * description or NULL. */
const char *exercise(const struct obj *o, bool render, char *why, size_t n)
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

	struct core_cache core_cache = {0};
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
		/* CO-RE records resolved against the object's own BTF (a target like any other):
		 * failures say why; results patch only inside the program. */
		for (uint32_t k = 0; k < lp.ncore && !bad && o->has_btf; k++) {
			struct core_result res;
			char what[160];
			memset(what, 'Z', sizeof(what));
			core_relo_str(&o->btf, lp.core[k].r, what, sizeof(what));
			if (!memchr(what, '\0', sizeof(what)))
				bad = "core_relo_str did not terminate";
			d.msg[0] = '\0';
			err = core_calc(&o->btf, &o->btf, lp.core[k].r, o->elf.big_endian, &core_cache, &res, &d);
			if (err && (err > 0 || !d.msg[0]))
				bad = "core_calc failed without a message";
			if (!err && lp.core[k].insn >= lp.count)
				bad = "CO-RE site past the program";
			if (!err && !bad) {
				d.msg[0] = '\0';
				err = reloc_core_patch(&lp, k, &res, &d);
				if (err < 0 && !d.msg[0])
					bad = "reloc_core_patch failed without a message";
			}
		}
		reloc_free(&lp);
		if (bad) {
			core_cache_free(&core_cache);
			return bad;
		}
	}
	core_cache_free(&core_cache);

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
void robust_one(struct run *r, const uint8_t *buf, size_t size, const struct desc *what)
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
		finding(r, what, "one parse took more than 0.5 s of CPU", "");
}
