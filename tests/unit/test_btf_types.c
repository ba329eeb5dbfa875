/* tests/unit/test_btf_types.c — the BTF reader on blobs built here: one reference blob with every
 * kind (kinds, records, sizes, modifiers, type strings), longer headers, byte-swapped and unaligned
 * copies, an empty blob, and broken blobs refused with a message. .BTF.ext is test_btf_ext.c's. */
#include <errno.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf_builder.h"
#include "check.h"

/* ---- the reference blob --------------------------------------------------------------------------- */

/* Ids of the reference blob, in order. */
enum {
	T_INT = 1, T_CHAR, T_UINT, T_PTR_INT, T_CHAR16, T_STRUCT_X, T_UNION_U, T_ENUM_E, T_FWD_S, T_FWD_U,
	T_TD, T_VOLATILE, T_CONST_VOLATILE, T_RESTRICT, T_PROTO, T_FUNC, T_VAR, T_DATASEC, T_FLOAT,
	T_DECL_TAG, T_TYPE_TAG, T_ENUM64, T_ARR_X3, T_ARR_TD, T_CONST_ARR_TD, T_PTR_TAGGED, T_CYC_A,
	T_CYC_B, T_BITS, T_ARR_PTR, T_PTR_ARR, T_PCYC_A, T_PCYC_B, T_CONST_PTR, T_HUGE_OUTER, T_HUGE_INNER,
	T_PTR_VOID, T_PTR_PROTO, T_ANON_STRUCT_PTR, T_ANON_STRUCT, T_COUNT = T_ANON_STRUCT
};

static void build_reference(struct bb *b)
{
	bb_init(b);
	bb_type(b, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(b, (BTF_INT_SIGNED << 24) | 32);
	bb_type(b, "char", BTF_KIND_INT, 0, 0, 1);
	bb_word(b, (BTF_INT_SIGNED << 24) | 8);
	bb_type(b, "unsigned int", BTF_KIND_INT, 0, 0, 4);
	bb_word(b, 32);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, T_INT);
	bb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(b, T_CHAR), bb_word(b, T_UINT), bb_word(b, 16);
	bb_type(b, "x", BTF_KIND_STRUCT, 0, 3, 32);
	bb_word(b, bb_str(b, "a")), bb_word(b, T_INT), bb_word(b, 0);
	bb_word(b, bb_str(b, "c")), bb_word(b, T_CHAR16), bb_word(b, 32);
	bb_word(b, bb_str(b, "p")), bb_word(b, T_PTR_INT), bb_word(b, 192);
	bb_type(b, "u", BTF_KIND_UNION, 0, 2, 4);
	bb_word(b, bb_str(b, "i")), bb_word(b, T_INT), bb_word(b, 0);
	bb_word(b, bb_str(b, "ch")), bb_word(b, T_CHAR), bb_word(b, 0);
	bb_type(b, "e", BTF_KIND_ENUM, 0, 2, 4);
	bb_word(b, bb_str(b, "A")), bb_word(b, 0);
	bb_word(b, bb_str(b, "B")), bb_word(b, 5);
	bb_type(b, "fwd_s", BTF_KIND_FWD, 0, 0, 0);
	bb_type(b, "fwd_u", BTF_KIND_FWD, 1, 0, 0);
	bb_type(b, "td", BTF_KIND_TYPEDEF, 0, 0, T_STRUCT_X);
	bb_type(b, NULL, BTF_KIND_VOLATILE, 0, 0, T_INT);
	bb_type(b, NULL, BTF_KIND_CONST, 0, 0, T_VOLATILE);
	bb_type(b, NULL, BTF_KIND_RESTRICT, 0, 0, T_PTR_INT);
	bb_type(b, NULL, BTF_KIND_FUNC_PROTO, 0, 2, T_INT);
	bb_word(b, bb_str(b, "pa")), bb_word(b, T_INT);
	bb_word(b, bb_str(b, "pb")), bb_word(b, T_PTR_INT);
	bb_type(b, "fn", BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL, T_PROTO);
	bb_type(b, "v", BTF_KIND_VAR, 0, 0, T_INT);
	bb_word(b, BTF_VAR_GLOBAL_ALLOCATED);
	bb_type(b, ".data", BTF_KIND_DATASEC, 0, 1, 4);
	bb_word(b, T_VAR), bb_word(b, 0), bb_word(b, 4);
	bb_type(b, "float", BTF_KIND_FLOAT, 0, 0, 4);
	bb_type(b, "tag", BTF_KIND_DECL_TAG, 0, 0, T_STRUCT_X);
	bb_word(b, (uint32_t)-1);
	bb_type(b, "user", BTF_KIND_TYPE_TAG, 0, 0, T_INT);
	bb_type(b, "e64", BTF_KIND_ENUM64, 0, 1, 8);
	bb_word(b, bb_str(b, "BIG")), bb_word(b, 2), bb_word(b, 1);
	bb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(b, T_STRUCT_X), bb_word(b, T_UINT), bb_word(b, 3);
	bb_type(b, "arr_td", BTF_KIND_TYPEDEF, 0, 0, T_ARR_X3);
	bb_type(b, NULL, BTF_KIND_CONST, 0, 0, T_ARR_TD);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, T_TYPE_TAG);
	bb_type(b, "A", BTF_KIND_TYPEDEF, 0, 0, T_CYC_B);
	bb_type(b, "B", BTF_KIND_TYPEDEF, 0, 0, T_CYC_A);
	bb_type(b, "bits", BTF_KIND_STRUCT, 1, 1, 4);
	bb_word(b, bb_str(b, "f")), bb_word(b, T_UINT), bb_word(b, (3u << 24) | 5);
	bb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(b, T_PTR_INT), bb_word(b, T_UINT), bb_word(b, 16);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, T_CHAR16);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, T_PCYC_B);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, T_PCYC_A);
	bb_type(b, NULL, BTF_KIND_CONST, 0, 0, T_PTR_INT);
	bb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(b, T_HUGE_INNER), bb_word(b, T_UINT), bb_word(b, 65536);
	bb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(b, T_INT), bb_word(b, T_UINT), bb_word(b, 65536);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, 0);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, T_PROTO);
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, T_ANON_STRUCT);
	bb_type(b, NULL, BTF_KIND_STRUCT, 0, 0, 0);
}

struct parsed {
	uint8_t *blob;
	uint32_t size;
	struct btf_spec b;
	struct diag d;
	int err;
};

static void parse_ref(struct parsed *p, uint32_t hdr_len, bool swap)
{
	struct bb b;
	build_reference(&b);
	p->blob = bb_blob(&b, hdr_len, swap, &p->size);
	p->d.msg[0] = '\0';
	p->err = btf_parse(&p->b, p->blob, p->size, swap, &p->d);
}

static void parsed_free(struct parsed *p)
{
	if (!p->err)
		btf_close(&p->b);
	free(p->blob);
}

TEST(btf_reference_blob_kinds)
{
	struct parsed p;
	parse_ref(&p, 24, false);
	REQUIRE(p.err == 0, "btf_parse: %d %s", p.err, p.d.msg);
	const struct btf_spec *b = &p.b;
	CHECK(b->nr_types == T_COUNT, "nr_types %u, expected %u", b->nr_types, T_COUNT);
	CHECK(b->hdr_len == 24 && !b->swap, "hdr_len %u", b->hdr_len);
	CHECK(btf_type(b, 0) == NULL && btf_type(b, T_COUNT + 1) == NULL, "ids 0 and past the end");

	static const struct { uint32_t id, kind; const char *name; uint32_t rec; } k[] = {
		{T_INT, BTF_KIND_INT, "int", 16},
		{T_PTR_INT, BTF_KIND_PTR, "", 12},
		{T_CHAR16, BTF_KIND_ARRAY, "", 24},
		{T_STRUCT_X, BTF_KIND_STRUCT, "x", 12 + 3 * 12},
		{T_UNION_U, BTF_KIND_UNION, "u", 12 + 2 * 12},
		{T_ENUM_E, BTF_KIND_ENUM, "e", 12 + 2 * 8},
		{T_FWD_S, BTF_KIND_FWD, "fwd_s", 12},
		{T_TD, BTF_KIND_TYPEDEF, "td", 12},
		{T_VOLATILE, BTF_KIND_VOLATILE, "", 12},
		{T_CONST_VOLATILE, BTF_KIND_CONST, "", 12},
		{T_RESTRICT, BTF_KIND_RESTRICT, "", 12},
		{T_PROTO, BTF_KIND_FUNC_PROTO, "", 12 + 2 * 8},
		{T_FUNC, BTF_KIND_FUNC, "fn", 12},
		{T_VAR, BTF_KIND_VAR, "v", 16},
		{T_DATASEC, BTF_KIND_DATASEC, ".data", 24},
		{T_FLOAT, BTF_KIND_FLOAT, "float", 12},
		{T_DECL_TAG, BTF_KIND_DECL_TAG, "tag", 16},
		{T_TYPE_TAG, BTF_KIND_TYPE_TAG, "user", 12},
		{T_ENUM64, BTF_KIND_ENUM64, "e64", 24},
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		const struct btf_type *t = btf_type(b, k[i].id);
		REQUIRE(t, "type %u missing", k[i].id);
		CHECK(btf_kind(t) == k[i].kind, "type %u kind %u, expected %u", k[i].id, btf_kind(t), k[i].kind);
		CHECK(strcmp(btf_type_name(b, t), k[i].name) == 0, "type %u name '%s'", k[i].id, btf_type_name(b, t));
		CHECK(btf_record_size(t) == k[i].rec, "type %u record %u bytes, expected %u", k[i].id,
		      btf_record_size(t), k[i].rec);
	}
	/* trailing data reads back */
	const struct btf_type *x = btf_type(b, T_STRUCT_X);
	CHECK(btf_vlen(x) == 3 && x->size == 32, "struct x vlen/size");
	CHECK(strcmp(btf_str(b, btf_members(x)[1].name_off), "c") == 0 && btf_members(x)[1].type == T_CHAR16 &&
		      btf_member_bit_offset(x, &btf_members(x)[2]) == 192,
	      "struct x members");
	const struct btf_type *bits = btf_type(b, T_BITS);
	CHECK(btf_kflag(bits) && btf_member_bit_offset(bits, btf_members(bits)) == 5 &&
		      btf_member_bitfield_size(bits, btf_members(bits)) == 3,
	      "bitfield member: offset %u size %u", btf_member_bit_offset(bits, btf_members(bits)),
	      btf_member_bitfield_size(bits, btf_members(bits)));
	CHECK(btf_int_bits(btf_type(b, T_INT)) == ((BTF_INT_SIGNED << 24) | 32), "int encoding word");
	CHECK(btf_enums(btf_type(b, T_ENUM_E))[1].val == 5, "enum B = 5");
	const struct btf_enum64 *e64 = btf_enums64(btf_type(b, T_ENUM64));
	CHECK(e64->val_lo32 == 2 && e64->val_hi32 == 1 && strcmp(btf_str(b, e64->name_off), "BIG") == 0, "enum64");
	CHECK(btf_array_info(btf_type(b, T_CHAR16))->nelems == 16, "char[16]");
	CHECK(btf_params(btf_type(b, T_PROTO))[1].type == T_PTR_INT, "proto param");
	CHECK(btf_secinfos(btf_type(b, T_DATASEC))[0].type == T_VAR, "datasec entry");
	CHECK(btf_vlen(btf_type(b, T_FUNC)) == BTF_FUNC_GLOBAL, "func linkage");
	CHECK(btf_str(b, 0)[0] == '\0' && btf_str(b, 100000)[0] == '\0', "btf_str out of range gives \"\"");
	CHECK(strcmp(btf_kind_name(BTF_KIND_ENUM64), "enum64") == 0 && strcmp(btf_kind_name(BTF_KIND_FLOAT), "float") == 0 &&
		      strcmp(btf_kind_name(25), "?") == 0,
	      "kind names");
	CHECK(btf_find(b, BTF_KIND_STRUCT, "x") == T_STRUCT_X && btf_find(b, BTF_KIND_TYPEDEF, "x") == 0 &&
		      btf_find(b, BTF_KIND_DATASEC, ".data") == T_DATASEC && btf_find(b, BTF_KIND_INT, "nope") == 0,
	      "btf_find");
	parsed_free(&p);
}

TEST(btf_sizes_and_modifiers)
{
	struct parsed p;
	parse_ref(&p, 24, false);
	REQUIRE(p.err == 0, "btf_parse: %s", p.d.msg);
	const struct btf_spec *b = &p.b;
	static const struct { uint32_t id; int err; uint32_t size; } sz[] = {
		{T_INT, 0, 4}, {T_CHAR, 0, 1}, {T_PTR_INT, 0, 8}, {T_CHAR16, 0, 16}, {T_STRUCT_X, 0, 32},
		{T_UNION_U, 0, 4}, {T_ENUM_E, 0, 4}, {T_TD, 0, 32}, {T_CONST_VOLATILE, 0, 4},
		{T_RESTRICT, 0, 8}, {T_VAR, 0, 4}, {T_DATASEC, 0, 4}, {T_FLOAT, 0, 4}, {T_TYPE_TAG, 0, 4},
		{T_ENUM64, 0, 8}, {T_ARR_X3, 0, 96}, {T_ARR_TD, 0, 96}, {T_CONST_ARR_TD, 0, 96},
		{T_ARR_PTR, 0, 128}, {T_PTR_ARR, 0, 8}, {T_PCYC_A, 0, 8}, {T_PTR_VOID, 0, 8},
		{T_FUNC, -EINVAL, 0}, {T_PROTO, -EINVAL, 0}, {T_FWD_S, -EINVAL, 0}, {0, -EINVAL, 0},
		{T_COUNT + 1, -EINVAL, 0}, {T_CYC_A, -ELOOP, 0}, {T_HUGE_OUTER, -E2BIG, 0},
	};
	for (size_t i = 0; i < sizeof(sz) / sizeof(sz[0]); i++) {
		uint32_t s = 0xdeadbeef;
		int err = btf_size(b, sz[i].id, &s);
		CHECK(err == sz[i].err, "btf_size(%u) = %d, expected %d", sz[i].id, err, sz[i].err);
		if (!sz[i].err)
			CHECK(s == sz[i].size, "btf_size(%u) = %u bytes, expected %u", sz[i].id, s, sz[i].size);
	}
	CHECK(btf_skip_mods(b, T_CONST_VOLATILE) == T_INT, "const volatile int -> int");
	CHECK(btf_skip_mods(b, T_TD) == T_STRUCT_X, "typedef td -> struct x");
	CHECK(btf_skip_mods(b, T_CONST_ARR_TD) == T_ARR_X3, "const arr_td -> array");
	CHECK(btf_skip_mods(b, T_TYPE_TAG) == T_INT, "type tag -> int");
	CHECK(btf_skip_mods(b, T_RESTRICT) == T_PTR_INT, "restrict -> ptr");
	CHECK(btf_skip_mods(b, T_PTR_INT) == T_PTR_INT, "ptr is not a modifier");
	CHECK(btf_skip_mods(b, 0) == 0, "void");
	CHECK(btf_skip_mods(b, T_CYC_A) == -ELOOP, "typedef cycle: %d", btf_skip_mods(b, T_CYC_A));
	CHECK(btf_skip_mods(b, T_PCYC_A) == T_PCYC_A, "pointer cycle stops at the pointer");
	CHECK(btf_skip_qualifiers(b, T_TD) == T_TD, "qualifiers keep typedefs");
	CHECK(btf_skip_qualifiers(b, T_CONST_ARR_TD) == T_ARR_TD, "const arr_td -> typedef arr_td");
	CHECK(btf_skip_qualifiers(b, T_CYC_A) == T_CYC_A, "typedef cycle is not followed without typedefs");
	parsed_free(&p);
}

TEST(btf_type_strings)
{
	struct parsed p;
	parse_ref(&p, 24, false);
	REQUIRE(p.err == 0, "btf_parse: %s", p.d.msg);
	const struct btf_spec *b = &p.b;
	char buf[128];
	static const struct { uint32_t id; const char *want; } ts[] = {
		{T_STRUCT_X, "struct x"},
		{T_UNION_U, "union u"},
		{T_ENUM_E, "enum e"},
		{T_ENUM64, "enum e64"},
		{T_FWD_S, "struct fwd_s"},
		{T_FWD_U, "union fwd_u"},
		{T_CHAR16, "char[16]"},
		{T_PTR_INT, "int *"},
		{T_PTR_VOID, "void *"},
		{0, "void"},
		{T_INT, "int"},
		{T_TD, "td"},
		{T_ARR_TD, "arr_td"},
		{T_ARR_X3, "struct x[3]"},
		{T_ARR_PTR, "int *[16]"},
		{T_FLOAT, "float"},
		{T_TYPE_TAG, "int"},
		{T_VAR, "int"},
		{T_DATASEC, ".data"},
		{T_FUNC, "fn"},
		{T_PROTO, "func"},
		{T_ANON_STRUCT, "struct (anon)"},
		{T_ANON_STRUCT_PTR, "struct (anon) *"},
		{T_CYC_A, "A"},
	};
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		btf_type_str(b, ts[i].id, buf, sizeof(buf));
		CHECK(strcmp(buf, ts[i].want) == 0, "btf_type_str(%u) = '%s', expected '%s'", ts[i].id, buf, ts[i].want);
	}
	/* The rendering keeps const and drops volatile (documented form: a C-like name); accept the
	 * full C spelling too. */
	btf_type_str(b, T_CONST_VOLATILE, buf, sizeof(buf));
	CHECK(strcmp(buf, "const volatile int") == 0 || strcmp(buf, "const int") == 0, "const volatile int: '%s'", buf);
	btf_type_str(b, T_CONST_ARR_TD, buf, sizeof(buf));
	CHECK(strcmp(buf, "const arr_td") == 0, "const arr_td: '%s'", buf);
	/* A pointer cycle renders something bounded. */
	btf_type_str(b, T_PCYC_A, buf, sizeof(buf));
	CHECK(strlen(buf) < sizeof(buf), "pointer cycle");
	/* Truncation: never more than n bytes, always terminated. */
	memset(buf, 'Z', sizeof(buf));
	btf_type_str(b, T_STRUCT_X, buf, 5);
	CHECK(strcmp(buf, "stru") == 0 && buf[5] == 'Z', "truncated to 5: '%.5s'", buf);
	memset(buf, 'Z', sizeof(buf));
	btf_type_str(b, T_CHAR16, buf, 1);
	CHECK(buf[0] == '\0' && buf[1] == 'Z', "truncated to 1");
	parsed_free(&p);
}

/* C declarators: a pointer to an array is not an array of pointers ("char (*)[16]" vs
 * "char *[16]"), and a const pointer to int is not a pointer to const int ("int * const"). */
TEST(btf_type_str_pointer_declarators)
{
	struct parsed p;
	parse_ref(&p, 24, false);
	REQUIRE(p.err == 0, "btf_parse: %s", p.d.msg);
	char buf[64];
	btf_type_str(&p.b, T_PTR_ARR, buf, sizeof(buf));
	CHECK(strcmp(buf, "char (*)[16]") == 0, "pointer to char[16] renders as '%s' (same as an array of 16 char pointers)",
	      buf);
	btf_type_str(&p.b, T_CONST_PTR, buf, sizeof(buf));
	CHECK(strcmp(buf, "int * const") == 0 || strcmp(buf, "int *const") == 0,
	      "CONST -> PTR -> int renders as '%s' (that is a pointer to const int)", buf);
	parsed_free(&p);
}

/* Newer headers are longer: parse must skip to hdr_len. Swapped blobs present the same types. */
TEST(btf_long_header_and_swapped_copy)
{
	struct parsed ref, longer, swapped, swapped_long;
	parse_ref(&ref, 24, false);
	parse_ref(&longer, 32, false);
	parse_ref(&swapped, 24, true);
	parse_ref(&swapped_long, 36, true);
	CHECK(ref.err == 0, "reference: %s", ref.d.msg);
	CHECK(longer.err == 0, "hdr_len 32: %s", longer.d.msg);
	CHECK(swapped.err == 0, "swapped: %s", swapped.d.msg);
	CHECK(swapped_long.err == 0, "swapped hdr_len 36: %s", swapped_long.d.msg);
	struct parsed *all[] = {&longer, &swapped, &swapped_long};
	for (int k = 0; k < 3 && ref.err == 0; k++) {
		const struct btf_spec *a = &ref.b, *c = &all[k]->b;
		if (all[k]->err)
			continue;
		CHECK(c->nr_types == a->nr_types, "variant %d: %u types", k, c->nr_types);
		CHECK(c->strs_len == a->strs_len && memcmp(c->strs, a->strs, a->strs_len) == 0, "variant %d: strings", k);
		CHECK(c->types_len == a->types_len, "variant %d: types_len", k);
		for (uint32_t id = 1; id <= a->nr_types && c->nr_types == a->nr_types; id++) {
			const struct btf_type *x = btf_type(a, id), *y = btf_type(c, id);
			CHECK(btf_record_size(x) == btf_record_size(y) && memcmp(x, y, btf_record_size(x)) == 0,
			      "variant %d: type %u differs", k, id);
		}
	}
	CHECK(longer.b.hdr_len == 32 && swapped_long.b.hdr_len == 36 && swapped.b.swap, "header lengths");
	parsed_free(&ref);
	parsed_free(&longer);
	parsed_free(&swapped);
	parsed_free(&swapped_long);
}

/* A blob copied to an odd address still parses (types are copied to an aligned buffer). */
TEST(btf_unaligned_blob)
{
	struct parsed p;
	parse_ref(&p, 24, false);
	REQUIRE(p.err == 0, "btf_parse: %s", p.d.msg);
	uint8_t *odd = malloc(p.size + 1);
	memcpy(odd + 1, p.blob, p.size);
	struct btf_spec b;
	struct diag d;
	int err = btf_parse(&b, odd + 1, p.size, false, &d);
	CHECK(err == 0, "unaligned: %s", d.msg);
	if (!err) {
		CHECK(b.nr_types == T_COUNT && ((uintptr_t)b.types & 3) == 0, "unaligned copy");
		uint32_t s;
		CHECK(btf_size(&b, T_ARR_TD, &s) == 0 && s == 96, "size through the copy");
		btf_close(&b);
	}
	free(odd);
	parsed_free(&p);
}

/* ---- broken blobs ---------------------------------------------------------------------------------- */

static void expect_btf_reject(const uint8_t *blob, uint32_t size, bool swap, int want, const char *needle,
			      const char *what)
{
	struct btf_spec b;
	struct diag d = {""};
	int err = btf_parse(&b, blob, size, swap, &d);
	CHECK(err == want, "%s: btf_parse returned %d, expected %d (%s)", what, err, want, d.msg);
	CHECK(starts_with(d.msg, "btf: "), "%s: message '%s'", what, d.msg);
	CHECK(strstr(d.msg, needle), "%s: message '%s' lacks '%s'", what, d.msg, needle);
	CHECK(b.offs == NULL && b.owned == NULL, "%s: left allocations behind", what);
	if (err == 0)
		btf_close(&b);
}

TEST(btf_rejections)
{
	for (int swap = 0; swap < 2; swap++) {
		struct bb b;
		uint32_t size;
		uint8_t *p;

		tiny(&b);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, 23, swap, -EINVAL, "too short", "23 bytes");
		p[0] ^= 0xff;
		expect_btf_reject(p, size, swap, -EINVAL, "bad magic", "bad magic");
		p[0] ^= 0xff;
		p[2] = 2;
		expect_btf_reject(p, size, swap, -EINVAL, "version", "version 2");
		p[2] = 1;
		hdr_put(p, H_HDR_LEN, 20, swap);
		expect_btf_reject(p, size, swap, -EINVAL, "header length", "hdr_len 20");
		hdr_put(p, H_HDR_LEN, size + 1, swap);
		expect_btf_reject(p, size, swap, -EINVAL, "header length", "hdr_len past the blob");
		hdr_put(p, H_HDR_LEN, 24, swap);
		hdr_put(p, H_TYPE_LEN, size - 24 + 3, swap);
		expect_btf_reject(p, size, swap, -EINVAL, "past the", "type_len past the data");
		hdr_put(p, H_TYPE_LEN, 16, swap);
		hdr_put(p, H_STR_LEN, b.slen + 1, swap);
		expect_btf_reject(p, size, swap, -EINVAL, "past the", "str_len past the end");
		hdr_put(p, H_STR_LEN, b.slen, swap);
		hdr_put(p, H_TYPE_OFF, 0xfffffffc, swap);
		hdr_put(p, H_TYPE_LEN, 8, swap);
		expect_btf_reject(p, size, swap, -EINVAL, "past the", "type_off + type_len wrapping 32 bits");
		hdr_put(p, H_TYPE_OFF, 0, swap);
		hdr_put(p, H_TYPE_LEN, 16, swap);
		hdr_put(p, H_STR_OFF, 0xffffffff, swap);
		hdr_put(p, H_STR_LEN, 2, swap);
		expect_btf_reject(p, size, swap, -EINVAL, "past the", "str_off + str_len wrapping 32 bits");
		hdr_put(p, H_STR_OFF, 16, swap);
		hdr_put(p, H_STR_LEN, b.slen, swap);
		hdr_put(p, H_TYPE_OFF, 2, swap);
		hdr_put(p, H_TYPE_LEN, 12, swap);
		expect_btf_reject(p, size, swap, -EINVAL, "aligned", "type_off 2");
		hdr_put(p, H_TYPE_OFF, 0, swap);
		hdr_put(p, H_TYPE_LEN, 14, swap);
		expect_btf_reject(p, size, swap, -EINVAL, "aligned", "type_len 14");
		hdr_put(p, H_TYPE_LEN, 12, swap);
		expect_btf_reject(p, size, swap, -EINVAL, "runs past", "int without its encoding word");
		hdr_put(p, H_TYPE_LEN, 8, swap);
		expect_btf_reject(p, size, swap, -EINVAL, "runs past", "8 bytes of a 12-byte btf_type");
		hdr_put(p, H_TYPE_LEN, 16, swap);
		p[size - 1] = 'x';
		expect_btf_reject(p, size, swap, -EINVAL, "NUL", "strings not NUL-terminated");
		free(p);

		/* the unmodified tiny blob parses */
		p = bb_blob(&b, 24, swap, &size);
		struct btf_spec s;
		struct diag d;
		CHECK(btf_parse(&s, p, size, swap, &d) == 0, "tiny blob: %s", d.msg);
		btf_close(&s);
		free(p);

		/* unknown kinds */
		static const uint32_t bad_kinds[] = {0, 20, 25, 31};
		for (int k = 0; k < 4; k++) {
			tiny(&b);
			bb_type(&b, "k", bad_kinds[k], 0, 0, 0);
			p = bb_blob(&b, 24, swap, &size);
			char needle[32];
			snprintf(needle, sizeof(needle), "type 2: unknown kind %u", bad_kinds[k]);
			expect_btf_reject(p, size, swap, -EINVAL, needle, "unknown kind");
			free(p);
		}

		/* a struct whose members run past the type section */
		tiny(&b);
		bb_type(&b, "s", BTF_KIND_STRUCT, 0, 3, 8);
		bb_word(&b, 0), bb_word(&b, 1), bb_word(&b, 0);
		bb_word(&b, 0), bb_word(&b, 1), bb_word(&b, 32);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "type 2: record runs past", "struct vlen 3 with 2 members");
		free(p);
		tiny(&b);
		bb_type(&b, "s", BTF_KIND_STRUCT, 0, 0xffff, 8);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "runs past", "struct vlen 65535");
		free(p);

		/* names outside the strings */
		tiny(&b);
		b.w[0] = b.slen;
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "type 1: name offset", "type name == str_len");
		free(p);
		tiny(&b);
		bb_type(&b, "s", BTF_KIND_STRUCT, 0, 1, 4);
		bb_word(&b, 0x7fffffff), bb_word(&b, 1), bb_word(&b, 0);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "member 0", "member name");
		free(p);
		tiny(&b);
		bb_type(&b, "e", BTF_KIND_ENUM, 0, 1, 4);
		bb_word(&b, 0x10000), bb_word(&b, 0);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "value 0", "enum value name");
		free(p);
		tiny(&b);
		bb_type(&b, "e", BTF_KIND_ENUM64, 0, 1, 8);
		bb_word(&b, 0x10000), bb_word(&b, 0), bb_word(&b, 0);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "value 0", "enum64 value name");
		free(p);
		tiny(&b);
		bb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 1, 1);
		bb_word(&b, 0x10000), bb_word(&b, 1);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "param 0", "param name");
		free(p);

		/* type ids beyond nr_types */
		static const uint32_t ref_kinds[] = {BTF_KIND_PTR, BTF_KIND_TYPEDEF, BTF_KIND_VOLATILE,
						     BTF_KIND_CONST, BTF_KIND_RESTRICT, BTF_KIND_FUNC,
						     BTF_KIND_TYPE_TAG};
		for (int k = 0; k < 7; k++) {
			tiny(&b);
			bb_type(&b, NULL, ref_kinds[k], 0, 0, 3);
			p = bb_blob(&b, 24, swap, &size);
			expect_btf_reject(p, size, swap, -EINVAL, "refers to type 3, only 2 types", "reference beyond nr_types");
			free(p);
		}
		tiny(&b);
		bb_type(&b, "v", BTF_KIND_VAR, 0, 0, 99);
		bb_word(&b, 1);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "refers to type 99", "var type");
		free(p);
		tiny(&b);
		bb_type(&b, "t", BTF_KIND_DECL_TAG, 0, 0, 99);
		bb_word(&b, 0);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "refers to type 99", "decl_tag target");
		free(p);
		tiny(&b);
		bb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, 99);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "refers to type 99", "func_proto return type");
		free(p);
		tiny(&b);
		bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
		bb_word(&b, 3), bb_word(&b, 1), bb_word(&b, 4);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "array", "array element type");
		free(p);
		tiny(&b);
		bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
		bb_word(&b, 1), bb_word(&b, 3), bb_word(&b, 4);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "array", "array index type");
		free(p);
		tiny(&b);
		bb_type(&b, "s", BTF_KIND_UNION, 0, 1, 4);
		bb_word(&b, 0), bb_word(&b, 3), bb_word(&b, 0);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "member 0", "member type");
		free(p);
		tiny(&b);
		bb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 1, 1);
		bb_word(&b, 0), bb_word(&b, 3);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "param 0", "param type");
		free(p);
		tiny(&b);
		bb_type(&b, ".d", BTF_KIND_DATASEC, 0, 1, 4);
		bb_word(&b, 3), bb_word(&b, 0), bb_word(&b, 4);
		p = bb_blob(&b, 24, swap, &size);
		expect_btf_reject(p, size, swap, -EINVAL, "entry 0", "datasec entry type");
		free(p);
	}
}

/* Zero types and an empty string section are a valid (if useless) blob. */
TEST(btf_empty)
{
	struct bb b;
	uint32_t size;
	bb_init(&b);
	uint8_t *p = bb_blob(&b, 24, false, &size);
	struct btf_spec s;
	struct diag d;
	int err = btf_parse(&s, p, size, false, &d);
	CHECK(err == 0 && s.nr_types == 0, "empty: %d %s", err, d.msg);
	if (!err) {
		char buf[16];
		uint32_t sz;
		CHECK(btf_type(&s, 1) == NULL && btf_size(&s, 1, &sz) == -EINVAL, "no type 1");
		CHECK(strcmp(btf_type_str(&s, 5, buf, sizeof(buf)), "void") == 0, "unknown id renders as void");
		btf_close(&s);
	}
	free(p);
}
