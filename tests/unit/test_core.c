/* tests/unit/test_core.c — CO-RE resolution (btf/core.c) and instruction rewriting
 * (reloc_core_patch). Three kinds of evidence: hand-built local and target BTF with answers worked
 * out by hand; clang's own values (resolving an object's records against its own BTF must give
 * back exactly what clang compiled in, bit-fields and both byte orders included); hand-made
 * instructions before and after patching. */
#include <linux/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf_builder.h"
#include "check.h"
#include "slurp.h"
#include "btf/core.h"
#include "common/endian.h"
#include "loader/obj/obj.h"
#include "loader/load/reloc.h"

/* ---- clang's values ---------------------------------------------------------------------------- */

static void self_consistent(const char *rel, const char *prog, uint32_t want_records)
{
	size_t size;
	uint8_t *buf = slurp(rel, &size);
	struct obj o;
	struct diag d = {{0}};
	REQUIRE(buf, "read %s", rel);
	int err = obj_parse(&o, rel, buf, size, &d);
	CHECK(err == 0, "%s: %s", rel, d.msg);
	if (err) {
		free(buf);
		return;
	}
	int p = obj_find_prog(&o, prog);
	struct linked_prog lp;
	CHECK(p >= 0, "%s: no program %s", rel, prog);
	if (p >= 0 && reloc_link(&o, (uint32_t)p, &lp, &d) == 0) {
		CHECK(lp.ncore == want_records, "%s: %u CO-RE records, want %u", rel, lp.ncore, want_records);
		struct bpf_insn *before = malloc(lp.count * sizeof(*before));
		memcpy(before, lp.insns, lp.count * sizeof(*before));
		struct core_cache cache = {0};
		for (uint32_t k = 0; k < lp.ncore; k++) {
			struct core_result res;
			char what[160];
			const struct bpf_core_relo *r = lp.core[k].r;
			core_relo_str(&o.btf, r, what, sizeof(what));
			err = core_calc(&o.btf, &o.btf, r, o.elf.big_endian, &cache, &res, &d);
			CHECK(err == 0, "%s: record %u (%s %s): %s", rel, k, core_kind_name(r->kind), what, d.msg);
			if (err)
				continue;
			CHECK(!res.poison && res.nmatch == 1, "%s: record %u (%s): poison %d, %u matches", rel, k, what,
			      res.poison, res.nmatch);
			/* Bit-field records carry no validation: clang may pick another load than ours
			 * (both read the field; core_bitfields_read_right checks ours). */
			if (!res.validate) {
				CHECK(reloc_core_patch(&lp, k, &res, &d) == 0, "%s: patch record %u: %s", rel, k, d.msg);
				memcpy(&before[lp.core[k].insn], &lp.insns[lp.core[k].insn], sizeof(*before));
				continue;
			}
			CHECK(res.new_val == res.orig_val || r->kind == BPF_CORE_TYPE_ID_TARGET,
			      "%s: record %u (%s %s): %llu against its own BTF, clang says %llu", rel, k,
			      core_kind_name(r->kind), what, (unsigned long long)res.new_val,
			      (unsigned long long)res.orig_val);
			err = reloc_core_patch(&lp, k, &res, &d);
			CHECK(err == 0, "%s: patch record %u (%s): %d %s", rel, k, what, err, d.msg);
		}
		for (uint32_t i = 0; i < lp.count; i++)
			CHECK(memcmp(&before[i], &lp.insns[i], sizeof(*before)) == 0,
			      "%s: resolving against its own BTF changed insn %u: code %#x off %d imm %d -> code %#x off %d imm %d",
			      rel, i, before[i].code, before[i].off, before[i].imm, lp.insns[i].code, lp.insns[i].off,
			      lp.insns[i].imm);
		core_cache_free(&cache);
		free(before);
		reloc_free(&lp);
	}
	obj_close(&o);
	free(buf);
}

/* core_bits: 6 bit-fields read with BPF_CORE_READ_BITFIELD(_PROBED): byte offset, byte size,
 * lshift, signed, rshift (twice: clang keeps both branches) each, a plain byte offset and the
 * type_exists guard. clang 14 schedules one record more for bpfeb (counted by llvm-objdump). */
TEST(core_bitfields_match_clang_bpfel) { self_consistent("build/progs/core_reloc.bpfel.o", "core_bits", 53); }
TEST(core_bitfields_match_clang_bpfeb) { self_consistent("build/progs/core_reloc.bpfeb.o", "core_bits", 54); }

/* The layout clang gives struct bits in core_reloc.bpf.c. A little-endian host's ABI (x86-64,
 * aarch64) lays bit-fields out as bpfel does and a big-endian one's (s390x) as bpfeb does, so the
 * host compiler makes the reference bytes for the object of the host's byte order. */
struct bits_host {
	unsigned char a : 3;
	signed char b : 4;
	unsigned short c : 9;
	int d : 17;
	unsigned long long e : 40;
	long long f : 23;
	char g;
};

/* What a BPF load of `size` bytes at p puts in a register: an integer of that size in the
 * program's byte order (here the host's), zero-extended. */
static uint64_t load_sized(const uint8_t *p, uint64_t size)
{
	uint8_t b8;
	uint16_t b16;
	uint32_t b32;
	uint64_t b64 = 0;
	switch (size) {
	case 1: memcpy(&b8, p, 1); return b8;
	case 2: memcpy(&b16, p, 2); return b16;
	case 4: memcpy(&b32, p, 4); return b32;
	case 8: memcpy(&b64, p, 8); return b64;
	}
	return ~0ull; /* no such load: the check on the value fails */
}

/* Offset, size, shifts and signedness computed for each bit-field of struct bits against the
 * object's own BTF, applied to real bytes the way BPF_CORE_READ_BITFIELD does, give each value.
 * The object is the one in the host's byte order, whose layout the host compiler reproduces. */
TEST(core_bitfields_read_right)
{
	const bool big = host_is_big_endian();
	const char *rel = big ? "build/progs/core_reloc.bpfeb.o" : "build/progs/core_reloc.bpfel.o";
	size_t size;
	uint8_t *buf = slurp(rel, &size);
	struct obj o;
	struct diag d = {{0}};
	REQUIRE(buf, "read %s", rel);
	if (obj_parse(&o, rel, buf, size, &d)) {
		CHECK(0, "%s: %s", rel, d.msg);
		free(buf);
		return;
	}
	struct bits_host h = {.a = 5, .b = -3, .c = 300, .d = -65000, .e = 0x123456789aull, .f = -4000000, .g = 7};
	const long long want[6] = {5, -3, 300, -65000, 0x123456789all, -4000000};
	uint8_t img[sizeof(h)];
	memcpy(img, &h, sizeof(h));
	uint32_t id = btf_find(&o.btf, BTF_KIND_STRUCT, "bits");
	CHECK(id != 0, "no struct bits");
	for (uint32_t m = 0; id && m < 6; m++) {
		/* The access string "0:m" is in the object's strings: clang wrote it for core_bits. */
		char access[8];
		snprintf(access, sizeof(access), "0:%u", m);
		uint32_t off = 0;
		for (uint32_t i = 1; i + strlen(access) < o.btf.strs_len && !off; i++)
			if (o.btf.strs[i - 1] == '\0' && strcmp(o.btf.strs + i, access) == 0)
				off = i;
		CHECK(off, "no string %s", access);
		uint64_t v[6]; /* by kind: offset, size, exists, signed, lshift, rshift */
		for (uint32_t kind = BPF_CORE_FIELD_BYTE_OFFSET; kind <= BPF_CORE_FIELD_RSHIFT_U64; kind++) {
			struct bpf_core_relo r = {0, id, off, kind};
			struct core_result res;
			int err = core_calc(&o.btf, &o.btf, &r, big, NULL, &res, &d);
			CHECK(err == 0 && !res.poison, "member %u %s: %s", m, core_kind_name(kind), d.msg);
			v[kind] = res.new_val;
		}
		CHECK(v[0] + v[1] <= sizeof(img) && v[1] <= 8, "member %u: %llu bytes at %llu", m,
		      (unsigned long long)v[1], (unsigned long long)v[0]);
		if (v[0] + v[1] > sizeof(img) || v[1] > 8)
			continue;
		uint64_t word = load_sized(img + v[0], v[1]);
		word <<= v[BPF_CORE_FIELD_LSHIFT_U64];
		uint64_t rsh = v[BPF_CORE_FIELD_RSHIFT_U64];
		long long got = v[BPF_CORE_FIELD_SIGNED] ? (long long)word >> rsh : (long long)(word >> rsh);
		CHECK(got == want[m], "member %u: read %lld (offset %llu size %llu lshift %llu rshift %llu signed %llu), want %lld",
		      m, got, (unsigned long long)v[0], (unsigned long long)v[1], (unsigned long long)v[4],
		      (unsigned long long)v[5], (unsigned long long)v[3], want[m]);
	}
	obj_close(&o);
	free(buf);
}

/* ---- hand-built BTF ---------------------------------------------------------------------------- */

static void member(struct bb *b, const char *name, uint32_t type, uint32_t bit_off)
{
	bb_word(b, name ? bb_str(b, name) : 0);
	bb_word(b, type);
	bb_word(b, bit_off);
}

static void enumerator(struct bb *b, const char *name, int32_t val)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, (uint32_t)val);
}

struct pair {
	struct bb lb, tb;
	uint8_t *lblob, *tblob;
	struct btf_spec local, target;
};

/* Local ("what the program was compiled against"):
 *   [1] int  [2] unsigned int  [3] struct s { int a@0; int b@32; unsigned u@64; int arr[4]@96; int sv@224 }
 *   [4] int[4]  [5] struct s___v2 { int b@0 }  [6] enum e { X = 1, GONE = 2 }  [7] struct missing { int a }
 *   [8] struct s___m { long pad@0 }  [9] long
 * Target ("the kernel"):
 *   [1] long  [2] int  [3] unsigned long long  [4] struct s { long pad@0; union { int q; struct { int b; int a; } }@64;
 *   unsigned long long u@128; int arr[6]@192; long sv@384 }  [5] anon union  [6] anon struct  [7] int[6]
 *   [8] enum e { Y = 5, X = 7 } */
static void build_pair(struct pair *p)
{
	struct bb *l = &p->lb, *t = &p->tb;
	bb_init(l);
	bb_type(l, "int", BTF_KIND_INT, false, 0, 4);
	bb_word(l, (BTF_INT_SIGNED << 24) | 32);
	bb_type(l, "unsigned int", BTF_KIND_INT, false, 0, 4);
	bb_word(l, 32);
	bb_type(l, "s", BTF_KIND_STRUCT, false, 5, 32);
	member(l, "a", 1, 0);
	member(l, "b", 1, 32);
	member(l, "u", 2, 64);
	member(l, "arr", 4, 96);
	member(l, "sv", 1, 224);
	bb_type(l, NULL, BTF_KIND_ARRAY, false, 0, 0);
	bb_word(l, 1), bb_word(l, 1), bb_word(l, 4);
	bb_type(l, "s___v2", BTF_KIND_STRUCT, false, 1, 4);
	member(l, "b", 1, 0);
	bb_type(l, "e", BTF_KIND_ENUM, false, 2, 4);
	enumerator(l, "X", 1);
	enumerator(l, "GONE", 2);
	bb_type(l, "missing", BTF_KIND_STRUCT, false, 1, 4);
	member(l, "a", 1, 0);
	bb_type(l, "s___m", BTF_KIND_STRUCT, false, 1, 8);
	member(l, "pad", 9, 0);
	bb_type(l, "long", BTF_KIND_INT, false, 0, 8);
	bb_word(l, (BTF_INT_SIGNED << 24) | 64);

	bb_init(t);
	bb_type(t, "long", BTF_KIND_INT, false, 0, 8);
	bb_word(t, (BTF_INT_SIGNED << 24) | 64);
	bb_type(t, "int", BTF_KIND_INT, false, 0, 4);
	bb_word(t, (BTF_INT_SIGNED << 24) | 32);
	bb_type(t, "unsigned long long", BTF_KIND_INT, false, 0, 8);
	bb_word(t, 64);
	bb_type(t, "s", BTF_KIND_STRUCT, false, 5, 56);
	member(t, "pad", 1, 0);
	member(t, NULL, 5, 64);
	member(t, "u", 3, 128);
	member(t, "arr", 7, 192);
	member(t, "sv", 1, 384);
	bb_type(t, NULL, BTF_KIND_UNION, false, 2, 8);
	member(t, "q", 2, 0);
	member(t, NULL, 6, 0);
	bb_type(t, NULL, BTF_KIND_STRUCT, false, 2, 8);
	member(t, "b", 2, 0);
	member(t, "a", 2, 32);
	bb_type(t, NULL, BTF_KIND_ARRAY, false, 0, 0);
	bb_word(t, 2), bb_word(t, 2), bb_word(t, 6);
	bb_type(t, "e", BTF_KIND_ENUM, false, 2, 4);
	enumerator(t, "Y", 5);
	enumerator(t, "X", 7);

	uint32_t ls, ts;
	struct diag d = {{0}};
	p->lblob = bb_blob(l, 24, false, &ls);
	p->tblob = bb_blob(t, 24, false, &ts);
	CHECK(btf_parse(&p->local, p->lblob, ls, false, &d) == 0, "local: %s", d.msg);
	CHECK(btf_parse(&p->target, p->tblob, ts, false, &d) == 0, "target: %s", d.msg);
}

static void free_pair(struct pair *p)
{
	btf_close(&p->local);
	btf_close(&p->target);
	free(p->lblob);
	free(p->tblob);
}

/* Resolve (type, access, kind) of the pair; returns core_calc's result. */
static int calc(struct pair *p, uint32_t type, const char *access, uint32_t kind, struct core_result *res,
		struct diag *d)
{
	/* The access string must live in the local strings: append it and re-parse. */
	uint32_t off = bb_str(&p->lb, access), size;
	btf_close(&p->local);
	free(p->lblob);
	p->lblob = bb_blob(&p->lb, 24, false, &size);
	int err = btf_parse(&p->local, p->lblob, size, false, d);
	if (err)
		return err;
	struct bpf_core_relo r = {.insn_off = 0, .type_id = type, .access_str_off = off, .kind = kind};
	return core_calc(&p->local, &p->target, &r, false, NULL, res, d);
}

#define EXPECT(type, access, kind, want_orig, want_new)                                                     \
	do {                                                                                               \
		struct core_result res_;                                                                   \
		struct diag d_ = {{0}};                                                                    \
		int err_ = calc(&p, type, access, kind, &res_, &d_);                                        \
		CHECK(err_ == 0 && !res_.poison && res_.orig_val == (want_orig) && res_.new_val == (want_new), \
		      "[%u] %s %s: err %d (%s), poison %d, %llu -> %llu, want %llu -> %llu", type, access,      \
		      core_kind_name(kind), err_, d_.msg, res_.poison, (unsigned long long)res_.orig_val,     \
		      (unsigned long long)res_.new_val, (unsigned long long)(want_orig),                     \
		      (unsigned long long)(want_new));                                                       \
	} while (0)

TEST(core_fields_by_hand)
{
	struct pair p;
	build_pair(&p);
	/* b and a sit in an anonymous struct inside an anonymous union at byte 8. */
	EXPECT(3, "0:0", BPF_CORE_FIELD_BYTE_OFFSET, 0, 12);
	EXPECT(3, "0:1", BPF_CORE_FIELD_BYTE_OFFSET, 4, 8);
	EXPECT(3, "0:1", BPF_CORE_FIELD_BYTE_SIZE, 4, 4);
	EXPECT(3, "0:1", BPF_CORE_FIELD_EXISTS, 1, 1);
	EXPECT(3, "0:1", BPF_CORE_FIELD_SIGNED, 1, 1);
	/* An element: arr[2] = 24 + 2 * 4; the root index moves by the root's size (32 -> 56). */
	EXPECT(3, "0:3:2", BPF_CORE_FIELD_BYTE_OFFSET, 20, 32);
	EXPECT(3, "1:1", BPF_CORE_FIELD_BYTE_OFFSET, 36, 64);
	/* arr[5] exists only in the target's longer array; the local spec refuses it outright. */
	struct core_result res;
	struct diag d = {{0}};
	CHECK(calc(&p, 3, "0:3:5", BPF_CORE_FIELD_BYTE_OFFSET, &res, &d) == -EINVAL, "arr[5] locally: %s", d.msg);
	/* A flavour finds the same target type. */
	EXPECT(5, "0:0", BPF_CORE_FIELD_BYTE_OFFSET, 0, 8);
	/* Sizes: unsigned 4 -> 8 bytes is a load the verifier can widen; int -> long is not. */
	CHECK(calc(&p, 3, "0:2", BPF_CORE_FIELD_BYTE_OFFSET, &res, &d) == 0 && res.new_val == 16 &&
		      res.orig_sz == 4 && res.new_sz == 8 && !res.bad_size,
	      "u: %llu, %u -> %u, bad %d", (unsigned long long)res.new_val, res.orig_sz, res.new_sz, res.bad_size);
	CHECK(calc(&p, 3, "0:4", BPF_CORE_FIELD_BYTE_OFFSET, &res, &d) == 0 && res.new_val == 48 && res.bad_size,
	      "sv: %llu, bad %d", (unsigned long long)res.new_val, res.bad_size);
	/* A type the target lacks: exists 0, everything else poisoned. */
	EXPECT(7, "0:0", BPF_CORE_FIELD_EXISTS, 1, 0);
	CHECK(calc(&p, 7, "0:0", BPF_CORE_FIELD_BYTE_OFFSET, &res, &d) == 0 && res.poison, "missing: no poison");
	/* Malformed access strings and steps are refused with a message. */
	CHECK(calc(&p, 3, "0:9", BPF_CORE_FIELD_BYTE_OFFSET, &res, &d) == -EINVAL && strstr(d.msg, "member 9"),
	      "member 9: %s", d.msg);
	CHECK(calc(&p, 3, "0::1", BPF_CORE_FIELD_BYTE_OFFSET, &res, &d) == -EINVAL, "0::1 accepted");
	CHECK(calc(&p, 3, "", BPF_CORE_FIELD_BYTE_OFFSET, &res, &d) == -EINVAL, "empty string accepted");
	CHECK(calc(&p, 3, "0:0:0", BPF_CORE_FIELD_BYTE_OFFSET, &res, &d) == -EINVAL, "int entered");
	CHECK(calc(&p, 99, "0", BPF_CORE_TYPE_SIZE, &res, &d) == -EINVAL, "type 99 accepted");
	CHECK(calc(&p, 3, "0", 13, &res, &d) == -EOPNOTSUPP, "kind 13 accepted");
	free_pair(&p);
}

TEST(core_types_and_enums_by_hand)
{
	struct pair p;
	build_pair(&p);
	EXPECT(3, "0", BPF_CORE_TYPE_EXISTS, 1, 1);
	EXPECT(3, "0", BPF_CORE_TYPE_SIZE, 32, 56);
	EXPECT(3, "0", BPF_CORE_TYPE_ID_LOCAL, 3, 3);
	EXPECT(3, "0", BPF_CORE_TYPE_ID_TARGET, 3, 4);
	EXPECT(7, "0", BPF_CORE_TYPE_EXISTS, 1, 0);
	EXPECT(7, "0", BPF_CORE_TYPE_SIZE, 4, 0);
	EXPECT(6, "0", BPF_CORE_ENUMVAL_EXISTS, 1, 1);
	EXPECT(6, "0", BPF_CORE_ENUMVAL_VALUE, 1, 7);
	EXPECT(6, "1", BPF_CORE_ENUMVAL_EXISTS, 1, 0);
	struct core_result res;
	struct diag d = {{0}};
	CHECK(calc(&p, 6, "1", BPF_CORE_ENUMVAL_VALUE, &res, &d) == 0 && res.poison, "GONE: value not poisoned");
	CHECK(calc(&p, 6, "2", BPF_CORE_ENUMVAL_VALUE, &res, &d) == -EINVAL, "enumerator 2 of 2 accepted");
	/* type_matches compares top-level members by name and type: s___m's long pad matches; s's a
	 * is inside anonymous members of the target, and s___v2's b likewise; e's GONE is missing. */
	EXPECT(8, "0", BPF_CORE_TYPE_MATCHES, 1, 1);
	EXPECT(3, "0", BPF_CORE_TYPE_MATCHES, 1, 0);
	EXPECT(5, "0", BPF_CORE_TYPE_MATCHES, 1, 0);
	EXPECT(6, "0", BPF_CORE_TYPE_MATCHES, 1, 0);
	free_pair(&p);
}

/* A field looked for through anonymous members that branch: the target's struct s holds 8
 * anonymous members of anonymous struct A1, A1 holds 8 of A2, ... A20 holds int x. A name that is
 * not there would be looked for 8^20 times; the record's budget stops the search with a message,
 * at once. A name that is there is still found, its first occurrence (0 + 0 + ... = x at 0). */
TEST(core_anonymous_member_bomb_is_bounded)
{
	enum { LEVELS = 20, FAN = 8 };
	struct pair p;
	struct bb *l = &p.lb, *t = &p.tb;
	bb_init(l);
	bb_type(l, "int", BTF_KIND_INT, false, 0, 4);
	bb_word(l, (BTF_INT_SIGNED << 24) | 32);
	bb_type(l, "s", BTF_KIND_STRUCT, false, 2, 8);
	member(l, "x", 1, 0);
	member(l, "nowhere", 1, 32);
	bb_init(t);
	bb_type(t, "int", BTF_KIND_INT, false, 0, 4); /* [1] */
	bb_word(t, (BTF_INT_SIGNED << 24) | 32);
	bb_type(t, "s", BTF_KIND_STRUCT, false, FAN, 4); /* [2]; A1 is [3], Ak is [k + 2] */
	for (uint32_t i = 0; i < FAN; i++)
		member(t, NULL, 3, 0);
	for (uint32_t k = 1; k <= LEVELS; k++) {
		bb_type(t, NULL, BTF_KIND_STRUCT, false, k < LEVELS ? FAN : 1, 4);
		for (uint32_t i = 0; k < LEVELS && i < FAN; i++)
			member(t, NULL, k + 3, 0);
		if (k == LEVELS)
			member(t, "x", 1, 0);
	}
	uint32_t ls, ts;
	struct diag d = {{0}};
	p.lblob = bb_blob(l, 24, false, &ls);
	p.tblob = bb_blob(t, 24, false, &ts);
	REQUIRE(btf_parse(&p.local, p.lblob, ls, false, &d) == 0, "local: %s", d.msg);
	REQUIRE(btf_parse(&p.target, p.tblob, ts, false, &d) == 0, "target: %s", d.msg);

	EXPECT(2, "0:0", BPF_CORE_FIELD_BYTE_OFFSET, 0, 0);
	struct core_result res;
	int err = calc(&p, 2, "0:1", BPF_CORE_FIELD_BYTE_OFFSET, &res, &d);
	CHECK(err == -E2BIG && strstr(d.msg, "struct s.nowhere (0:1): too complex to match against kernel type [2]"),
	      "nowhere: %d %s", err, d.msg);
	free_pair(&p);
}

TEST(core_relo_str_names_the_access)
{
	struct pair p;
	build_pair(&p);
	char buf[160];
	uint32_t off = bb_str(&p.lb, "0:3:2"), size;
	btf_close(&p.local);
	free(p.lblob);
	p.lblob = bb_blob(&p.lb, 24, false, &size);
	struct diag d = {{0}};
	REQUIRE(btf_parse(&p.local, p.lblob, size, false, &d) == 0, "%s", d.msg);
	struct bpf_core_relo r = {0, 3, off, BPF_CORE_FIELD_BYTE_OFFSET};
	core_relo_str(&p.local, &r, buf, sizeof(buf));
	CHECK(strcmp(buf, "struct s.arr[2] (0:3:2)") == 0, "got '%s'", buf);
	core_relo_str(&p.local, &r, buf, 8);
	CHECK(strlen(buf) == 7, "truncation: '%s'", buf);
	free_pair(&p);
}

/* ---- patching ---------------------------------------------------------------------------------- */

static struct core_site site0;

static struct linked_prog prog_of(struct bpf_insn *insns, uint32_t n)
{
	struct linked_prog lp = {0};
	lp.insns = insns;
	lp.count = n;
	lp.core = &site0;
	lp.ncore = 1;
	return lp;
}

TEST(core_patch_instructions)
{
	struct diag d = {{0}};
	struct core_result res = {.orig_val = 4, .new_val = 1268, .validate = true, .orig_sz = 4, .new_sz = 4};

	/* r1 += 4  ->  r1 += 1268 */
	struct bpf_insn alu[1] = {{.code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 1, .imm = 4}};
	struct linked_prog lp = prog_of(alu, 1);
	CHECK(reloc_core_patch(&lp, 0, &res, &d) == 0 && alu[0].imm == 1268, "alu: imm %d", alu[0].imm);
	/* The compiler's value must be there. */
	CHECK(reloc_core_patch(&lp, 0, &res, &d) == -EINVAL && strstr(d.msg, "insn 0"), "alu revalidated: %s", d.msg);

	/* r0 = *(u32 *)(r1 + 4)  ->  r0 = *(u64 *)(r1 + 16) for a field grown from 4 to 8 bytes */
	struct bpf_insn ldx[1] = {{.code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 0, .src_reg = 1, .off = 4}};
	struct core_result grow = {.orig_val = 4, .new_val = 16, .validate = true, .orig_sz = 4, .new_sz = 8};
	lp = prog_of(ldx, 1);
	CHECK(reloc_core_patch(&lp, 0, &grow, &d) == 0 && ldx[0].off == 16 &&
		      ldx[0].code == (BPF_LDX | BPF_MEM | BPF_DW),
	      "ldx: off %d code %#x", ldx[0].off, ldx[0].code);
	struct bpf_insn far[1] = {{.code = BPF_LDX | BPF_MEM | BPF_W, .off = 4}};
	struct core_result big = {.orig_val = 4, .new_val = 40000, .validate = true};
	lp = prog_of(far, 1);
	CHECK(reloc_core_patch(&lp, 0, &big, &d) == -ERANGE, "offset 40000 accepted");
	struct bpf_insn sized[1] = {{.code = BPF_LDX | BPF_MEM | BPF_W, .off = 4}};
	struct core_result bad = grow;
	bad.bad_size = true;
	lp = prog_of(sized, 1);
	CHECK(reloc_core_patch(&lp, 0, &bad, &d) == 1 && sized[0].code == (BPF_JMP | BPF_CALL) &&
		      sized[0].imm == RELOC_CORE_POISON,
	      "bad size not poisoned: code %#x", sized[0].code);

	/* r1 = 1 ll  ->  r1 = 0x100000007 ll */
	struct bpf_insn wide[2] = {{.code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1, .imm = 1}, {0}};
	struct core_result e = {.orig_val = 1, .new_val = 0x100000007ull, .validate = true};
	lp = prog_of(wide, 2);
	CHECK(reloc_core_patch(&lp, 0, &e, &d) == 0 && wide[0].imm == 7 && wide[1].imm == 1, "ld_imm64: %d %d",
	      wide[0].imm, wide[1].imm);
	/* Poisoned ld_imm64: both halves become the invalid call. */
	struct core_result poison = {.poison = true};
	lp = prog_of(wide, 2);
	CHECK(reloc_core_patch(&lp, 0, &poison, &d) == 1 && wide[0].imm == RELOC_CORE_POISON &&
		      wide[1].imm == RELOC_CORE_POISON && wide[1].code == (BPF_JMP | BPF_CALL),
	      "poisoned ld_imm64");
	/* ld_imm64 cut by the program's end; a jump is not relocatable. */
	struct bpf_insn cut[1] = {{.code = BPF_LD | BPF_IMM | BPF_DW}};
	lp = prog_of(cut, 1);
	CHECK(reloc_core_patch(&lp, 0, &e, &d) == -EINVAL, "cut ld_imm64 accepted");
	struct bpf_insn jmp[1] = {{.code = BPF_JMP | BPF_JA}};
	lp = prog_of(jmp, 1);
	CHECK(reloc_core_patch(&lp, 0, &res, &d) == -EINVAL, "jump accepted");
}
