/* tests/unit/robust.h — the judge of the robustness passes: parse one (mutated) input and check
 * the outcome, the model's invariants and the heap; plus field access in either byte order. The
 * passes themselves are in test_robust_mutations.c; single findings in test_robust_findings.c. */
#ifndef RAWLOAD_ROBUST_H
#define RAWLOAD_ROBUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/obj/obj.h"

/* What was done to the input, formatted only when something is reported. */
enum desc_kind { D_TRUNC, D_BYTE, D_FIELD, D_INSN, D_NONE };
struct desc {
	enum desc_kind kind;
	const char *s1, *s2;
	uint64_t a, b, c;
};

/* One pass over one file: what came of its inputs. */
struct run {
	const char *file;
	uint64_t btf_lo, btf_hi; /* file range of the original .BTF (rendering every type is the
				  * slow part: done for mutants inside it, and for every 4th other) */
	uint64_t parsed, rejected, findings;
	double slowest;
	struct desc slowest_what;
};

/* What was done to the input, as one line of text in out[n]. */
void robust_describe(const struct desc *w, char *out, size_t n);
/* Invariants of a model that parsed, then link, patch and (when render) render everything. Returns
 * a problem description (static text or why[n]) or NULL. */
const char *exercise(const struct obj *o, bool render, char *why, size_t n);
/* Parse buf[0..size) and judge the outcome: counts it in r, reports findings (a few per file as
 * failed checks), and keeps the slowest parse. */
void robust_one(struct run *r, const uint8_t *buf, size_t size, const struct desc *what);

/* ---- byte-order helpers ---------------------------------------------------------------------- */

static inline uint64_t get(const uint8_t *p, int width, bool be)
{
	uint64_t v = 0;
	for (int i = 0; i < width; i++)
		v |= (uint64_t)p[be ? width - 1 - i : i] << (8 * i);
	return v;
}

static inline void put(uint8_t *p, int width, bool be, uint64_t v)
{
	for (int i = 0; i < width; i++)
		p[be ? width - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

#endif
