/* tests/unit/test_robust_findings.c — one test per input the robustness passes flagged, each with
 * the exact bytes changed in a real object. With RAWLOAD_ROBUST_DEMO=1 a test goes on to do what a
 * loader would do with the accepted model, so a sanitizer build shows the memory error itself. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "loader/obj/obj.h"
#include "loader/load/reloc.h"
#include "robust.h"
#include "slurp.h"

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
 * the section (loader/obj/maps.c, parse_legacy_maps). */
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
 * the second half's imm one instruction past the linked program (loader/load/reloc.c). With
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
 * implicit-call scan in obj_parse_relocs (loader/obj/relocs.c) records it without checking
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

/* Symbol values near INT64_MAX: once refused only after a signed overflow in resolve_one
 * (loader/obj/relocs.c: `(int64_t)sym->value + insn->imm` for data and callback targets),
 * which -fsanitize=undefined reports. Now the relocation is marked unresolvable (RELOC_BAD, the
 * symbol lies past its section) and the programs that use it cannot link; the object parses. */
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
		CHECK(err == 0, "%s: %s", cases[i].file, d.msg);
		uint32_t bad = 0, unlinked = 0;
		for (uint32_t k = 0; !err && k < o.nrelocs; k++)
			bad += o.relocs[k].kind == RELOC_BAD && strstr(o.relocs[k].why, "past the end of its section");
		for (uint32_t k = 0; !err && k < o.nprogs; k++) {
			char why[320];
			unlinked += reloc_prog_problem(&o, k, why, sizeof(why)) && strstr(why, "past the end of its section");
		}
		CHECK(err || (bad > 0 && unlinked > 0), "%s: symbol %u value %#llx: %u bad relocations, %u programs marked",
		      cases[i].file, cases[i].sym, (unsigned long long)cases[i].value, bad, unlinked);
		if (!err)
			obj_close(&o);
		pat_close(&p);
	}
}
