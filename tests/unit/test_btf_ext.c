/* tests/unit/test_btf_ext.c — the .BTF.ext reader: func_info, line_info and CO-RE records in blobs
 * built here (both byte orders, larger records, broken headers and groups), and in clang-built
 * objects (counts and records transcribed by hand from a dump of the section bytes). */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/ext.h"
#include "btf_builder.h"
#include "check.h"
#include "common/endian.h"
#include "elf/elf.h"
#include "slurp.h"

/* ---- blobs built here ------------------------------------------------------------------------------ */

struct xb {
	uint32_t w[512];
	uint32_t nw;
};
static void xw(struct xb *x, uint32_t v) { x->w[x->nw++] = v; }

/* Strings of the BTF the ext blob points into. */
struct ext_env {
	struct bb b;
	uint8_t *blob;
	uint32_t size;
	struct btf_spec btf;
	uint32_t s_text, s_xdp, s_file, s_line, s_access;
};

static void ext_env_init(struct ext_env *e)
{
	tiny(&e->b);
	e->s_text = bb_str(&e->b, ".text");
	e->s_xdp = bb_str(&e->b, "xdp");
	e->s_file = bb_str(&e->b, "prog.bpf.c");
	e->s_line = bb_str(&e->b, "return 0;");
	e->s_access = bb_str(&e->b, "0:1");
	e->blob = bb_blob(&e->b, 24, false, &e->size);
	struct diag d;
	if (btf_parse(&e->btf, e->blob, e->size, false, &d))
		fprintf(stderr, "ext_env: %s\n", d.msg);
}

static void ext_env_free(struct ext_env *e)
{
	btf_close(&e->btf);
	free(e->blob);
}

/* func_info (rec func_rec bytes): .text {0,1},{24,1}; xdp {0,1}.
 * line_info (16): xdp {0, file, line, 10:5}, {8, file, line, 11:1}.
 * core_relo (16): xdp {16, 1, "0:1", 0}. */
struct ext_layout {
	uint32_t hdr_len;       /* 24: no core_relo fields; 32: with */
	uint32_t func_rec, line_rec, core_rec;
	uint32_t func_n_text;   /* num_info of the first func group */
	int extra_func_bytes;   /* bytes added to / removed from the func subsection length */
	uint32_t sec_name_override; /* non-zero: the first func group's section name offset */
};

static uint8_t *ext_blob(const struct ext_env *e, const struct ext_layout *l, bool swap, uint32_t *size,
			 uint32_t *func_len_out)
{
	struct xb f = {{0}, 0}, li = {{0}, 0}, c = {{0}, 0};
	xw(&f, l->func_rec);
	xw(&f, l->sec_name_override ? l->sec_name_override : e->s_text);
	xw(&f, l->func_n_text);
	for (uint32_t i = 0; i < 2; i++) {
		xw(&f, i * 24), xw(&f, 1);
		for (uint32_t k = 8; k < l->func_rec; k += 4)
			xw(&f, 0xcafe0000 + k);
	}
	xw(&f, e->s_xdp), xw(&f, 1);
	xw(&f, 0), xw(&f, 1);
	for (uint32_t k = 8; k < l->func_rec; k += 4)
		xw(&f, 0xcafe0000 + k);

	xw(&li, l->line_rec);
	xw(&li, e->s_xdp), xw(&li, 2);
	xw(&li, 0), xw(&li, e->s_file), xw(&li, e->s_line), xw(&li, (10u << 10) | 5);
	for (uint32_t k = 16; k < l->line_rec; k += 4)
		xw(&li, 0);
	xw(&li, 8), xw(&li, e->s_file), xw(&li, e->s_line), xw(&li, (11u << 10) | 1);
	for (uint32_t k = 16; k < l->line_rec; k += 4)
		xw(&li, 0);

	xw(&c, l->core_rec);
	xw(&c, e->s_xdp), xw(&c, 1);
	xw(&c, 16), xw(&c, 1), xw(&c, e->s_access), xw(&c, BPF_CORE_FIELD_BYTE_OFFSET);
	for (uint32_t k = 16; k < l->core_rec; k += 4)
		xw(&c, 0);

	uint32_t flen = f.nw * 4 + (uint32_t)l->extra_func_bytes;
	uint32_t llen = li.nw * 4, clen = l->hdr_len >= 32 ? c.nw * 4 : 0;
	uint32_t hdr[7] = {l->hdr_len, 0, flen, f.nw * 4, llen, f.nw * 4 + llen, clen};
	uint32_t data = f.nw * 4 + llen + clen;
	*size = l->hdr_len + data;
	if (func_len_out)
		*func_len_out = flen;
	uint8_t *p = calloc(1, *size + 64);
	uint16_t magic = swap ? bswap16_(BTF_MAGIC) : BTF_MAGIC;
	memcpy(p, &magic, 2);
	p[2] = 1;
	for (uint32_t i = 0; i < 7 && 4 + 4 * i < l->hdr_len; i++) {
		uint32_t v = swap ? bswap32_(hdr[i]) : hdr[i];
		memcpy(p + 4 + 4 * i, &v, 4);
	}
	uint8_t *q = p + l->hdr_len;
	const struct xb *parts[3] = {&f, &li, &c};
	for (int k = 0; k < 3; k++) {
		if (k == 2 && !clen)
			break;
		for (uint32_t i = 0; i < parts[k]->nw; i++) {
			uint32_t v = swap ? bswap32_(parts[k]->w[i]) : parts[k]->w[i];
			memcpy(q, &v, 4);
			q += 4;
		}
	}
	return p;
}

static const struct ext_layout std_layout = {32, 8, 16, 16, 2, 0, 0};

TEST(btf_ext_hand_built)
{
	struct ext_env e;
	ext_env_init(&e);
	for (int swap = 0; swap < 2; swap++) {
		uint32_t size;
		uint8_t *p = ext_blob(&e, &std_layout, swap, &size, NULL);
		struct btf_ext_spec x;
		struct diag d = {""};
		int err = btf_ext_parse(&x, p, size, swap, &e.btf, &d);
		CHECK(err == 0, "swap %d: %d %s", swap, err, d.msg);
		if (!err) {
			CHECK(x.func.rec_size == 8 && x.func.nsec == 2, "func: rec %u nsec %u", x.func.rec_size, x.func.nsec);
			const struct btf_ext_sec *t = btf_ext_find(&x.func, ".text"), *xs = btf_ext_find(&x.func, "xdp");
			CHECK(t && t->count == 2 && xs && xs->count == 1, "func groups");
			CHECK(btf_ext_find(&x.func, "nope") == NULL, "unknown group");
			if (t && t->count == 2) {
				const struct bpf_func_info *r = btf_ext_rec(&x.func, t, 1);
				CHECK(r->insn_off == 24 && r->type_id == 1, "func rec 1: %u %u", r->insn_off, r->type_id);
			}
			CHECK(x.line.rec_size == 16 && x.line.nsec == 1, "line");
			const struct btf_ext_sec *l = btf_ext_find(&x.line, "xdp");
			if (l && l->count == 2) {
				const struct bpf_line_info *r = btf_ext_rec(&x.line, l, 0);
				CHECK(r->insn_off == 0 && strcmp(btf_str(&e.btf, r->file_name_off), "prog.bpf.c") == 0 &&
					      strcmp(btf_str(&e.btf, r->line_off), "return 0;") == 0 &&
					      BPF_LINE_INFO_LINE_NUM(r->line_col) == 10 &&
					      BPF_LINE_INFO_LINE_COL(r->line_col) == 5,
				      "line rec 0");
				r = btf_ext_rec(&x.line, l, 1);
				CHECK(r->insn_off == 8 && BPF_LINE_INFO_LINE_NUM(r->line_col) == 11, "line rec 1");
			} else {
				CHECK(0, "line group xdp missing");
			}
			CHECK(x.core.rec_size == 16 && x.core.nsec == 1, "core: rec %u nsec %u", x.core.rec_size, x.core.nsec);
			const struct btf_ext_sec *c = btf_ext_find(&x.core, "xdp");
			if (c && c->count == 1) {
				const struct bpf_core_relo *r = btf_ext_rec(&x.core, c, 0);
				CHECK(r->insn_off == 16 && r->type_id == 1 && strcmp(btf_str(&e.btf, r->access_str_off), "0:1") == 0 &&
					      r->kind == BPF_CORE_FIELD_BYTE_OFFSET,
				      "core rec");
			} else {
				CHECK(0, "core group xdp missing");
			}
			btf_ext_close(&x);
		}
		free(p);

		/* hdr_len 24: no core_relo fields */
		struct ext_layout l24 = std_layout;
		l24.hdr_len = 24;
		p = ext_blob(&e, &l24, swap, &size, NULL);
		err = btf_ext_parse(&x, p, size, swap, &e.btf, &d);
		CHECK(err == 0, "hdr_len 24: %s", d.msg);
		if (!err) {
			CHECK(x.core.nsec == 0 && x.func.nsec == 2 && x.line.nsec == 1, "hdr_len 24 counts");
			btf_ext_close(&x);
		}
		free(p);

		/* records larger than the UAPI struct: stride is the file's record size */
		struct ext_layout big = std_layout;
		big.func_rec = 12;
		big.line_rec = 20;
		big.core_rec = 24;
		p = ext_blob(&e, &big, swap, &size, NULL);
		err = btf_ext_parse(&x, p, size, swap, &e.btf, &d);
		CHECK(err == 0, "larger records: %s", d.msg);
		if (!err) {
			const struct btf_ext_sec *t = btf_ext_find(&x.func, ".text");
			CHECK(x.func.rec_size == 12 && t && t->count == 2, "func rec 12");
			if (t && t->count == 2) {
				const struct bpf_func_info *r = btf_ext_rec(&x.func, t, 1);
				CHECK(r->insn_off == 24 && r->type_id == 1, "stride 12: %u %u", r->insn_off, r->type_id);
			}
			const struct btf_ext_sec *l = btf_ext_find(&x.line, "xdp");
			CHECK(l && ((const struct bpf_line_info *)btf_ext_rec(&x.line, l, 1))->insn_off == 8, "stride 20");
			btf_ext_close(&x);
		}
		free(p);

		/* an unaligned copy parses the same */
		p = ext_blob(&e, &std_layout, swap, &size, NULL);
		uint8_t *odd = malloc(size + 1);
		memcpy(odd + 1, p, size);
		err = btf_ext_parse(&x, odd + 1, size, swap, &e.btf, &d);
		CHECK(err == 0, "unaligned: %s", d.msg);
		if (!err) {
			CHECK(x.func.nsec == 2 && x.core.nsec == 1, "unaligned counts");
			btf_ext_close(&x);
		}
		free(odd);
		free(p);
	}
	ext_env_free(&e);
}

static void expect_ext_reject(const struct ext_env *e, const uint8_t *p, uint32_t size, bool swap,
			      const char *needle, const char *what)
{
	struct btf_ext_spec x;
	struct diag d = {""};
	int err = btf_ext_parse(&x, p, size, swap, &e->btf, &d);
	CHECK(err == -EINVAL, "%s: btf_ext_parse returned %d (%s)", what, err, d.msg);
	CHECK(starts_with(d.msg, "btf.ext: ") && strstr(d.msg, needle), "%s: message '%s' (want '%s')", what,
	      d.msg, needle);
	CHECK(x.owned == NULL && x.func.sec == NULL && x.line.sec == NULL && x.core.sec == NULL,
	      "%s: allocations left behind", what);
	if (!err)
		btf_ext_close(&x);
}

TEST(btf_ext_rejections)
{
	struct ext_env e;
	ext_env_init(&e);
	for (int swap = 0; swap < 2; swap++) {
		uint32_t size, flen;
		struct ext_layout l;
		uint8_t *p;

		p = ext_blob(&e, &std_layout, swap, &size, &flen);
		expect_ext_reject(&e, p, 23, swap, "too short", "23 bytes");
		expect_ext_reject(&e, p, size - 2, swap, "multiple of 4", "size not a multiple of 4");
		p[1] ^= 0xff;
		expect_ext_reject(&e, p, size, swap, "bad magic", "magic");
		p[1] ^= 0xff;
		p[2] = 2;
		expect_ext_reject(&e, p, size, swap, "version", "version 2");
		p[2] = 1;
		hdr_put(p, 4, 20, swap);
		expect_ext_reject(&e, p, size, swap, "header length", "hdr_len 20");
		hdr_put(p, 4, size + 4, swap);
		expect_ext_reject(&e, p, size, swap, "header length", "hdr_len past the end");
		hdr_put(p, 4, 32, swap);
		hdr_put(p, 12, size - 32 + 4, swap);
		expect_ext_reject(&e, p, size, swap, "past the", "func_info length past the data");
		hdr_put(p, 12, flen, swap);
		hdr_put(p, 8, 0xfffffff0, swap);
		hdr_put(p, 12, 0x20, swap);
		expect_ext_reject(&e, p, size, swap, "past the", "func_info off + len wrapping 32 bits");
		hdr_put(p, 8, 0, swap);
		hdr_put(p, 12, flen, swap);
		hdr_put(p, 28, 0xffffffff, swap);
		expect_ext_reject(&e, p, size, swap, "past the", "core_relo length ~0");
		free(p);

		static const struct { uint32_t func, line, core; const char *what; } bad_rec[] = {
			{4, 16, 16, "func_info: record size 4"},
			{0, 16, 16, "func_info: record size 0"},
			{10, 16, 16, "func_info: record size 10"},
			{8, 12, 16, "line_info: record size 12"},
			{8, 16, 12, "core_relo: record size 12"},
			{8, 16, 1028, "core_relo: record size 1028"},
		};
		for (int k = 0; k < 6; k++) {
			l = std_layout;
			l.func_rec = bad_rec[k].func;
			l.line_rec = bad_rec[k].line;
			l.core_rec = bad_rec[k].core;
			p = ext_blob(&e, &l, swap, &size, NULL);
			expect_ext_reject(&e, p, size, swap, bad_rec[k].what, bad_rec[k].what);
			free(p);
		}

		l = std_layout;
		l.func_n_text = 5; /* 40 bytes of records where 32 (2 records + the xdp group) remain */
		p = ext_blob(&e, &l, swap, &size, NULL);
		expect_ext_reject(&e, p, size, swap, "past the end", "num_info past the end");
		free(p);
		l.func_n_text = 0x20000000; /* num_info * rec_size overflows 32 bits */
		p = ext_blob(&e, &l, swap, &size, NULL);
		expect_ext_reject(&e, p, size, swap, "past the end", "num_info * rec_size wrapping");
		free(p);
		l.func_n_text = 0;
		p = ext_blob(&e, &l, swap, &size, NULL);
		expect_ext_reject(&e, p, size, swap, "no records", "num_info 0");
		free(p);

		l = std_layout;
		l.sec_name_override = e.b.slen;
		p = ext_blob(&e, &l, swap, &size, NULL);
		expect_ext_reject(&e, p, size, swap, "section name offset", "section name == str_len");
		free(p);
		l.sec_name_override = 0xffffffff;
		p = ext_blob(&e, &l, swap, &size, NULL);
		expect_ext_reject(&e, p, size, swap, "section name offset", "section name ~0");
		free(p);

		/* a group header cut in half: the func subsection claims 4 bytes of the line_info one */
		l = std_layout;
		l.extra_func_bytes = 4;
		p = ext_blob(&e, &l, swap, &size, &flen);
		expect_ext_reject(&e, p, size, swap, "truncated", "group header truncated");
		free(p);
		/* a misaligned subsection */
		p = ext_blob(&e, &std_layout, swap, &size, &flen);
		hdr_put(p, 16, 2, swap);
		hdr_put(p, 20, 4, swap);
		expect_ext_reject(&e, p, size, swap, "malformed", "line_info at offset 2");
		hdr_put(p, 16, flen, swap);
		hdr_put(p, 20, 2, swap);
		expect_ext_reject(&e, p, size, swap, "malformed", "line_info 2 bytes long");
		free(p);
	}
	ext_env_free(&e);
}

/* ---- real objects ---------------------------------------------------------------------------------- */

struct real {
	uint8_t *buf;
	size_t size;
	struct elf_file elf;
	struct btf_spec btf;
	struct btf_ext_spec ext;
	int err;
};

static int real_open(struct real *r, const char *rel)
{
	struct diag d = {""};
	memset(r, 0, sizeof(*r));
	r->err = -1;
	r->buf = slurp(rel, &r->size);
	if (!r->buf) {
		CHECK(0, "cannot read %s", rel);
		return -1;
	}
	if (elf_parse(&r->elf, r->buf, r->size, &d)) {
		CHECK(0, "%s: %s", rel, d.msg);
		free(r->buf);
		return -1;
	}
	const struct elf_section *bs = elf_find_section(&r->elf, ".BTF");
	const struct elf_section *xs = elf_find_section(&r->elf, ".BTF.ext");
	int err = !bs || !xs ? -ENOENT : btf_parse(&r->btf, bs->data, (uint32_t)bs->size, r->elf.swap, &d);
	if (err) {
		CHECK(0, "%s: .BTF: %d %s", rel, err, d.msg);
		elf_close(&r->elf);
		free(r->buf);
		return -1;
	}
	err = btf_ext_parse(&r->ext, xs->data, (uint32_t)xs->size, r->elf.swap, &r->btf, &d);
	if (err) {
		CHECK(0, "%s: .BTF.ext: %d %s", rel, err, d.msg);
		btf_close(&r->btf);
		elf_close(&r->elf);
		free(r->buf);
		return -1;
	}
	r->err = 0;
	return 0;
}

static void real_close(struct real *r)
{
	if (r->err)
		return;
	btf_ext_close(&r->ext);
	btf_close(&r->btf);
	elf_close(&r->elf);
	free(r->buf);
}

/* func_info type of record i in group sec, and its FUNC's name. */
static const char *func_name(const struct real *r, const char *sec, uint32_t i, uint32_t *insn_off)
{
	const struct btf_ext_sec *s = btf_ext_find(&r->ext.func, sec);
	if (!s || i >= s->count)
		return "(none)";
	const struct bpf_func_info *fi = btf_ext_rec(&r->ext.func, s, i);
	*insn_off = fi->insn_off;
	const struct btf_type *t = btf_type(&r->btf, fi->type_id);
	if (!t || btf_kind(t) != BTF_KIND_FUNC)
		return "(not a FUNC)";
	return btf_type_name(&r->btf, t);
}

/* examples/show-ip.o and its bpfeb build: 1 func_info (get_ips, BTF id 20), 29 line_info, no
 * CO-RE records; BTF: 29 types (bpftool btf dump file). */
TEST(btf_ext_show_ip)
{
	static const char *const files[] = {"examples/show-ip.o", "build/progs/show-ip.bpfeb.o"};
	for (int k = 0; k < 2; k++) {
		struct real r;
		if (real_open(&r, files[k]))
			continue;
		CHECK(r.btf.nr_types == 29, "%s: %u BTF types", files[k], r.btf.nr_types);
		CHECK(r.ext.func.rec_size == 8 && r.ext.line.rec_size == 16, "%s: record sizes", files[k]);
		CHECK(r.ext.func.nsec == 1 && r.ext.line.nsec == 1 && r.ext.core.nsec == 0, "%s: groups %u/%u/%u",
		      files[k], r.ext.func.nsec, r.ext.line.nsec, r.ext.core.nsec);
		const struct btf_ext_sec *f = btf_ext_find(&r.ext.func, "xdp");
		const struct btf_ext_sec *l = btf_ext_find(&r.ext.line, "xdp");
		CHECK(f && f->count == 1, "%s: func_info count", files[k]);
		CHECK(l && l->count == 29, "%s: line_info count %u", files[k], l ? l->count : 0);
		uint32_t off = 99;
		CHECK(strcmp(func_name(&r, "xdp", 0, &off), "get_ips") == 0 && off == 0, "%s: func_info[0]", files[k]);
		if (f && f->count == 1)
			CHECK(((const struct bpf_func_info *)btf_ext_rec(&r.ext.func, f, 0))->type_id == 20, "type id 20");
		if (l && l->count == 29) {
			/* first, last and one in between: insn 0 line 31, insn 29 (byte 232) line 55, insn 48 line 66 */
			const struct bpf_line_info *a = btf_ext_rec(&r.ext.line, l, 0);
			const struct bpf_line_info *m = btf_ext_rec(&r.ext.line, l, 16);
			const struct bpf_line_info *z = btf_ext_rec(&r.ext.line, l, 28);
			CHECK(a->insn_off == 0 && BPF_LINE_INFO_LINE_NUM(a->line_col) == 31, "%s: line[0]", files[k]);
			CHECK(m->insn_off == 29 * 8 && BPF_LINE_INFO_LINE_NUM(m->line_col) == 55, "%s: line[16]", files[k]);
			CHECK(z->insn_off == 48 * 8 && BPF_LINE_INFO_LINE_NUM(z->line_col) == 66, "%s: line[28]", files[k]);
			CHECK(strstr(btf_str(&r.btf, a->file_name_off), "show-ip.bpf.c") != NULL, "%s: file name '%s'",
			      files[k], btf_str(&r.btf, a->file_name_off));
		}
		real_close(&r);
	}
}

/* subprogs: func_info .text {0 add3, 24 sq, 48 loop_sum, 136 sum_cb}, xdp {0 sub_a, 88 sub_b,
 * 128 twice}; line_info .text 12, xdp 14. */
TEST(btf_ext_subprogs)
{
	static const char *const files[] = {"build/progs/subprogs.bpfel.o", "build/progs/subprogs.bpfeb.o"};
	static const struct { const char *sec; uint32_t i, off; const char *name; } fi[] = {
		{".text", 0, 0, "add3"}, {".text", 1, 24, "sq"}, {".text", 2, 48, "loop_sum"},
		{".text", 3, 136, "sum_cb"}, {"xdp", 0, 0, "sub_a"}, {"xdp", 1, 88, "sub_b"}, {"xdp", 2, 128, "twice"},
	};
	for (int k = 0; k < 2; k++) {
		struct real r;
		if (real_open(&r, files[k]))
			continue;
		CHECK(r.btf.nr_types == 25, "%s: %u BTF types", files[k], r.btf.nr_types);
		CHECK(r.ext.func.nsec == 2 && r.ext.line.nsec == 2 && r.ext.core.nsec == 0, "%s: groups", files[k]);
		const struct btf_ext_sec *ft = btf_ext_find(&r.ext.func, ".text"), *fx = btf_ext_find(&r.ext.func, "xdp");
		const struct btf_ext_sec *lt = btf_ext_find(&r.ext.line, ".text"), *lx = btf_ext_find(&r.ext.line, "xdp");
		CHECK(ft && ft->count == 4 && fx && fx->count == 3, "%s: func_info counts", files[k]);
		CHECK(lt && lt->count == 12 && lx && lx->count == 14, "%s: line_info counts", files[k]);
		for (size_t i = 0; i < sizeof(fi) / sizeof(fi[0]); i++) {
			uint32_t off = 0xffff;
			const char *n = func_name(&r, fi[i].sec, fi[i].i, &off);
			CHECK(strcmp(n, fi[i].name) == 0 && off == fi[i].off, "%s: %s func_info[%u] = %s @%u, expected %s @%u",
			      files[k], fi[i].sec, fi[i].i, n, off, fi[i].name, fi[i].off);
		}
		real_close(&r);
	}
}
