/* tests/unit/test_verifier_hint.c — the verifier-hint module on real logs, as any user: every log
 * captured from 6.18 (clang 14 and clang 19 objects) and from 6.1 (tests/unit/fixtures/verifier/,
 * capture.sh) must give the cause, fix and source line its program's "expect" lines say
 * (tests/progs-verifier/NAME.bpf.c, the same text tests/kernel/verifier_hints.sh checks against
 * rawload). Then the pieces: quoted-line parsing, the C line's pointers, the fallbacks, and logs cut
 * anywhere (no crash, no read past the end). */
#include "check.h"
#include "slurp.h"

#include "loader/load/verifier_hint.h"
#include "loader/load/verifier_log.h"

#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the programs of tests/progs-verifier are: the module is told their type and license. */
static const struct {
	const char *name;
	uint32_t type;
	const char *type_name, *license;
} progs[] = {
	{"ctx_access", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
	{"gpl_only", BPF_PROG_TYPE_XDP, "xdp", "MIT"},
	{"helper_type", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
	{"kfunc_type", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
	{"loop_inf", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
	{"map_null", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
	{"pkt_bounds", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
	{"ret_range", BPF_PROG_TYPE_CGROUP_SKB, "cgroup_skb", "GPL"},
	{"stack_size", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
	{"too_large", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
	{"uninit_reg", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
	{"uninit_stack", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
	{"unknown_cause", BPF_PROG_TYPE_XDP, "xdp", "GPL"},
};
enum { NPROGS = sizeof(progs) / sizeof(progs[0]) };

/* The expectations of tests/progs-verifier/NAME.bpf.c. */
struct expect {
	char cause[300], cause_pre64[300], fix[600], line[16];
	char bad_text[256];
	unsigned bad_no;
};

static void copy(char *dst, size_t n, const char *src)
{
	size_t k = strlen(src);
	if (k >= n)
		k = n - 1;
	memcpy(dst, src, k);
	dst[k] = '\0';
}

static bool read_expect(const char *name, struct expect *e)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "tests/progs-verifier/%s.bpf.c", name);
	FILE *f = fopen(test_path(rel), "r");
	if (!f)
		return false;
	memset(e, 0, sizeof(*e));
	char buf[1024];
	unsigned no = 0;
	while (fgets(buf, sizeof(buf), f)) {
		no++;
		buf[strcspn(buf, "\n")] = '\0';
		if (!strncmp(buf, " * expect cause: ", 17))
			copy(e->cause, sizeof(e->cause), buf + 17);
		else if (!strncmp(buf, " * expect cause before 6.4: ", 28))
			copy(e->cause_pre64, sizeof(e->cause_pre64), buf + 28);
		else if (!strncmp(buf, " * expect fix: ", 15))
			copy(e->fix, sizeof(e->fix), buf + 15);
		else if (!strncmp(buf, " * expect line: ", 16))
			copy(e->line, sizeof(e->line), buf + 16);
		else if (!e->bad_no && strstr(buf, "/* BAD LINE */")) {
			const char *p = buf;
			while (*p == ' ' || *p == '\t')
				p++;
			copy(e->bad_text, sizeof(e->bad_text), p);
			e->bad_no = no;
		}
	}
	fclose(f);
	return e->cause[0] && e->bad_no;
}

/* One fixture: explain it and compare. kver_has_location: the kernel adds " @ file:line" (6.18;
 * not 6.1, whose overflowing logs also keep their beginning: a program's "expect cause before
 * 6.4" applies there, with the load's E2BIG and no line). */
static void check_fixture(const char *dir, const char *file, bool kver_has_location)
{
	char name[64], rel[256];
	snprintf(name, sizeof(name), "%s", file);
	name[strcspn(name, ".")] = '\0';
	int k = -1;
	for (int i = 0; i < NPROGS; i++)
		if (!strcmp(progs[i].name, name))
			k = i;
	CHECK(k >= 0, "%s/%s: no program %s in the table", dir, file, name);
	struct expect e;
	if (k < 0 || !read_expect(name, &e)) {
		CHECK(k < 0, "%s: cannot read its expectations", name);
		return;
	}
	snprintf(rel, sizeof(rel), "tests/unit/fixtures/verifier/%s/%s", dir, file);
	size_t size;
	char *log = (char *)slurp(rel, &size);
	REQUIRE(log, "cannot read %s", rel);
	char *z = realloc(log, size + 1);
	REQUIRE(z, "out of memory");
	log = z;
	log[size] = '\0';

	bool pre64 = !kver_has_location && e.cause_pre64[0];
	if (pre64) {
		memcpy(e.cause, e.cause_pre64, sizeof(e.cause));
		snprintf(e.line, sizeof(e.line), "none");
	}
	struct vhint_prog p = {.name = name, .prog_type = progs[k].type, .type_name = progs[k].type_name,
			       .license = progs[k].license, .err = pre64 ? -E2BIG : -EACCES};
	struct vhint h;
	enum vhint_cause c = vhint_explain(log, &p, &h);
	if (!strcmp(e.cause, "(none)")) {
		CHECK(c == VHINT_UNKNOWN, "%s: cause %s for a log with none", rel, vhint_cause_name(c));
		CHECK(!h.what[0] && !h.fix[0], "%s: text for an unknown cause", rel);
		free(log);
		return;
	}
	CHECK(c != VHINT_UNKNOWN, "%s: no cause found", rel);
	CHECK(!strcmp(h.what, e.cause), "%s: cause\n    got:  %s\n    want: %s", rel, h.what, e.cause);
	CHECK(!strcmp(h.fix, e.fix), "%s: fix\n    got:  %s\n    want: %s", rel, h.fix, e.fix);
	CHECK(pre64 || (h.kernel_msg && h.kernel_msg >= log && h.kernel_msg + h.kernel_msg_len <= log + size),
	      "%s: the kernel's line does not point into the log", rel);
	char want_file[96];
	snprintf(want_file, sizeof(want_file), "%s.bpf.c", name);
	if (!strcmp(e.line, "failing")) {
		CHECK(h.line_kind == VHINT_LINE_FAILING, "%s: line kind %d", rel, h.line_kind);
		CHECK(!strcmp(h.source, e.bad_text), "%s: source\n    got:  %s\n    want: %s", rel, h.source, e.bad_text);
		if (kver_has_location)
			CHECK(!strcmp(h.file, want_file) && h.line == e.bad_no, "%s: at %s:%u, want %s:%u", rel, h.file,
			      h.line, want_file, e.bad_no);
		else
			CHECK(!h.file[0] && h.line == 0, "%s: a location (%s:%u) the kernel did not give", rel, h.file, h.line);
	} else if (!strcmp(e.line, "last")) {
		CHECK(h.line_kind == VHINT_LINE_LAST && h.source[0], "%s: line kind %d, source '%s'", rel, h.line_kind,
		      h.source);
		CHECK(!kver_has_location || (!strcmp(h.file, want_file) && h.line > 0), "%s: at %s:%u", rel, h.file,
		      h.line);
	} else {
		CHECK(!strcmp(e.line, "none"), "%s: expect line '%s'", name, e.line);
		CHECK(h.line_kind == VHINT_LINE_NONE, "%s: line kind %d for a cause without a line", rel, h.line_kind);
	}
	free(log);
}

/* Every fixture of dir; returns how many, and which programs (bit per table entry) per compiler. */
static int check_dir(const char *dir, bool has_location, unsigned *seen_clang, unsigned *seen_clang19)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "tests/unit/fixtures/verifier/%s", dir);
	DIR *d = opendir(test_path(rel));
	if (!d)
		return -1;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".log"))
			continue;
		check_fixture(dir, de->d_name, has_location);
		n++;
		for (int i = 0; i < NPROGS; i++) {
			size_t k = strlen(progs[i].name);
			if (strncmp(de->d_name, progs[i].name, k) || de->d_name[k] != '.')
				continue;
			if (!strcmp(de->d_name + k, ".clang.log"))
				*seen_clang |= 1u << i;
			else if (!strcmp(de->d_name + k, ".clang-19.log"))
				*seen_clang19 |= 1u << i;
		}
	}
	closedir(d);
	return n;
}

TEST(vhint_fixtures_6_18)
{
	unsigned c14 = 0, c19 = 0;
	int n = check_dir("6.18", true, &c14, &c19);
	REQUIRE(n > 0, "no fixtures in tests/unit/fixtures/verifier/6.18");
	/* Every program, from both compilers. */
	CHECK(c14 == (1u << NPROGS) - 1 && c19 == (1u << NPROGS) - 1, "missing fixtures: clang %#x, clang-19 %#x", c14,
	      c19);
}

/* 6.1 (Debian 12's kernel, under qemu): the messages worded as that kernel words them, source
 * lines without " @ file:line", and too_large's log is its first 64 KiB (the load said E2BIG). Not
 * captured there: uninit_stack (the guest has no way to drop CAP_PERFMON) and kfunc_type (its
 * kfunc came in 6.3). */
TEST(vhint_fixtures_6_1)
{
	unsigned c14 = 0, c19 = 0;
	int n = check_dir("6.1", false, &c14, &c19);
	REQUIRE(n > 0, "no fixtures in tests/unit/fixtures/verifier/6.1");
	unsigned want = 0;
	for (int i = 0; i < NPROGS; i++)
		if (strcmp(progs[i].name, "uninit_stack") && strcmp(progs[i].name, "kfunc_type"))
			want |= 1u << i;
	CHECK(c14 == want, "6.1 fixtures: have %#x, want %#x", c14, want);
}

/* ---- pieces ---------------------------------------------------------------------------------- */

TEST(vhint_source_line_parsing)
{
	static const char l1[] = "; if (a @ b) x = 1; /* BAD LINE */ @ dir/x.bpf.c:42";
	char file[96];
	unsigned line;
	struct vlog_span t = vlog_source_text((struct vlog_span){l1, sizeof(l1) - 1}, file, sizeof(file), &line);
	CHECK(t.n == strlen("if (a @ b) x = 1; /* BAD LINE */") && !memcmp(t.s, "if (a @ b) x = 1;", 17),
	      "text '%.*s'", (int)t.n, t.s);
	CHECK(!strcmp(file, "dir/x.bpf.c") && line == 42, "at %s:%u", file, line);
	/* 6.1: no location; a trailing " @ x" that is not file:digits stays text. */
	static const char l2[] = "; return a @ b";
	t = vlog_source_text((struct vlog_span){l2, sizeof(l2) - 1}, file, sizeof(file), &line);
	CHECK(t.n == strlen("return a @ b") && !file[0] && line == 0, "6.1 text '%.*s' at '%s':%u", (int)t.n, t.s,
	      file, line);
	static const char l3[] = ";  @ a.c:0";
	t = vlog_source_text((struct vlog_span){l3, sizeof(l3) - 1}, file, sizeof(file), &line);
	CHECK(t.n == 0 && !strcmp(file, "a.c"), "empty line: '%.*s' at %s", (int)t.n, t.s, file);
}

TEST(vhint_c_line_pointers)
{
	static const struct {
		const char *line;
		int n;
		const char *names[3];
		enum vlog_deref_kind kinds[3];
	} cases[] = {
		{"if (eth->h_proto == bpf_htons(ETH_P_IP))", 1, {"eth"}, {VLOG_ARROW}},
		{"x = ip->saddr + udp->dest", 2, {"ip", "udp"}, {VLOG_ARROW, VLOG_ARROW}},
		{"first = *(volatile unsigned char *)data;", 1, {"data"}, {VLOG_CAST}},
		{"*count += 1;", 1, {"count"}, {VLOG_STAR}},
		{"return a * b;", 0, {0}, {0}},
		{"v = s.inner->field + buf[i + 1];", 1, {"buf"}, {VLOG_INDEX}},
		{"n = (struct iphdr *)p;", 0, {0}, {0}},
		{"if (a->b->c)", 1, {"a"}, {VLOG_ARROW}},
		{"return *p ? 1 : 0;", 1, {"p"}, {VLOG_STAR}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vlog_deref d[4];
		int n = vlog_find_derefs(cases[i].line, d, 4);
		CHECK(n == cases[i].n, "'%s': %d pointers, want %d", cases[i].line, n, cases[i].n);
		for (int k = 0; k < n && k < cases[i].n; k++)
			CHECK(!strcmp(d[k].name, cases[i].names[k]) && d[k].kind == cases[i].kinds[k], "'%s': #%d is %s/%d",
			      cases[i].line, k, d[k].name, d[k].kind);
	}
	struct vlog_deref d[2];
	CHECK(vlog_find_derefs("if (data[off + 2] == 0)", d, 2) == 1 && !strcmp(d[0].index, "off + 2"),
	      "index text '%s'", d[0].index);
	char out[64];
	CHECK(vlog_call_arg("n = bpf_map_lookup_elem(&flows, &key);", 1, out, sizeof(out)) && !strcmp(out, "&key"),
	      "argument 2: '%s'", out);
	CHECK(vlog_call_arg("x = bpf_f(a(b, c), d[1, 2], e)", 2, out, sizeof(out)) && !strcmp(out, "e"), "nested: '%s'",
	      out);
	CHECK(!vlog_call_arg("x = bpf_f(a)", 3, out, sizeof(out)), "argument past the end found");
}

static enum vhint_cause explain(const char *log, uint32_t type, int err, struct vhint *h)
{
	struct vhint_prog p = {.name = "p", .prog_type = type, .type_name = "xdp", .license = "GPL", .err = err};
	return vhint_explain(log, &p, h);
}

/* A bounds check with two unchecked pointers on the line: no guess, the generic fix; with the
 * array form, the index goes into the check. */
TEST(vhint_packet_bounds_variants)
{
	struct vhint h;
	static const char two[] = "; void *data_end = (void *)(long)ctx->data_end; @ a.c:3\n"
				  "0: (61) r2 = *(u32 *)(r1 +4)\n"
				  "; x = ip->saddr + udp->dest; @ a.c:9\n"
				  "5: (61) r3 = *(u32 *)(r1 +26)\n"
				  "invalid access to packet, off=26 size=4, R1(id=0,off=26,r=0)\n"
				  "R1 offset is outside of the packet\n"
				  "processed 6 insns (limit 1000000)\n";
	CHECK(explain(two, BPF_PROG_TYPE_XDP, -EACCES, &h) == VHINT_PACKET_BOUNDS, "no cause");
	CHECK(strstr(h.fix, "for a pointer p to the header read") && strstr(h.fix, "> data_end) return XDP_PASS;"),
	      "fix: %s", h.fix);
	static const char idx[] = "; if (p[4] == 7) @ a.c:9\n"
				  "5: (71) r3 = *(u8 *)(r1 +4)\n"
				  "invalid access to packet, off=4 size=1, R1(id=0,off=4,r=0)\n";
	CHECK(explain(idx, BPF_PROG_TYPE_SCHED_CLS, -EACCES, &h) == VHINT_PACKET_BOUNDS, "no cause");
	CHECK(strstr(h.fix, "`if ((void *)(p + 4 + 1) > data_end) return TC_ACT_OK;`"), "fix: %s", h.fix);
	CHECK(strstr(h.what, "nothing before it checks the packet's length"), "what: %s", h.what);
}

/* 6.1's return-value wording: a tnum (value; mask). */
TEST(vhint_return_range_6_1_wording)
{
	struct vhint h;
	static const char log[] = "; return 2; @ a.c:9\n0: (b7) r0 = 2\n1: (95) exit\n"
				  "At program exit the register R0 has value (0x2; 0x0) should have been in (0x0; 0x1)\n";
	struct vhint_prog p = {.name = "p", .prog_type = BPF_PROG_TYPE_CGROUP_SOCK, .type_name = "cgroup_sock", .err = -EINVAL};
	CHECK(vhint_explain(log, &p, &h) == VHINT_RETURN_RANGE, "no cause");
	CHECK(!strcmp(h.what, "cgroup_sock programs must return a value in [0, 1]; this path returns 2"), "what: %s", h.what);
	static const char unk[] = "1: (95) exit\nAt program exit the register R0 has unknown scalar value should have been in [0, 3]\n";
	CHECK(vhint_explain(unk, &p, &h) == VHINT_RETURN_RANGE && strstr(h.what, "[0, 3]; this path returns a value the verifier cannot bound"),
	      "what: %s", h.what);
}

/* A log that lost its end (kernels before 6.4 keep the beginning when it overflows): nothing to
 * match, but the load's E2BIG still says "too large". The lines are the start of the captured
 * too_large log, cut before its closing words. */
TEST(vhint_too_large_from_errno)
{
	size_t size;
	char *log = (char *)slurp("tests/unit/fixtures/verifier/6.18/too_large.clang.log", &size);
	REQUIRE(log && size > 4096, "cannot read the too_large fixture");
	size_t cut = 4096;
	while (cut && log[cut - 1] != '\n')
		cut--;
	log[cut] = '\0';
	struct vhint h;
	CHECK(explain(log, BPF_PROG_TYPE_XDP, -EACCES, &h) == VHINT_UNKNOWN, "a cause without the closing words: %s",
	      vhint_cause_name(h.cause));
	CHECK(explain(log, BPF_PROG_TYPE_XDP, -E2BIG, &h) == VHINT_TOO_LARGE && strstr(h.what, "E2BIG") &&
		      h.line_kind == VHINT_LINE_NONE,
	      "E2BIG: %s / %s", vhint_cause_name(h.cause), h.what);
	free(log);
}

TEST(vhint_odd_logs)
{
	struct vhint h;
	CHECK(explain("", BPF_PROG_TYPE_XDP, -EACCES, &h) == VHINT_UNKNOWN && !h.source[0], "empty log");
	CHECK(explain(NULL, BPF_PROG_TYPE_XDP, -EACCES, &h) == VHINT_UNKNOWN, "NULL log");
	CHECK(explain("\n\n\n", BPF_PROG_TYPE_XDP, -EACCES, &h) == VHINT_UNKNOWN, "blank lines");
	CHECK(explain("processed 1 insns\n", BPF_PROG_TYPE_XDP, -EACCES, &h) == VHINT_UNKNOWN, "statistics only");
	/* The message alone (no instruction, no source line): the cause, no line. */
	CHECK(explain("R0 invalid mem access 'map_value_or_null'", BPF_PROG_TYPE_XDP, -EACCES, &h) == VHINT_NULL_CHECK &&
		      h.line_kind == VHINT_LINE_NONE && strstr(h.fix, "if (!p) return XDP_PASS;"),
	      "bare message: %s / %s", vhint_cause_name(h.cause), h.fix);
	/* A message inside the walk (not after the last instruction) is not the verdict. */
	CHECK(explain("invalid access to packet, off=1 size=1, R1(id=0,off=1,r=0)\n0: (b7) r0 = 1\nsomething else\n",
		      BPF_PROG_TYPE_XDP, -EACCES, &h) == VHINT_UNKNOWN,
	      "an earlier line taken for the verdict: %s", vhint_cause_name(h.cause));
	/* Unterminated and very long lines. */
	char big[9000];
	memset(big, 'x', sizeof(big) - 1);
	big[0] = ';';
	big[sizeof(big) - 1] = '\0';
	CHECK(explain(big, BPF_PROG_TYPE_XDP, -EACCES, &h) == VHINT_UNKNOWN && strlen(h.source) < sizeof(h.source),
	      "a long quoted line");
	CHECK(vhint_cause_name(VHINT_CORE_POISON)[0] != '?' && vhint_cause_name((enum vhint_cause)99)[0] == '?',
	      "cause names");
}

/* Every fixture cut at many places, with every type: whatever is left is read without reading
 * past it (ASan watches in make test). */
TEST(vhint_truncated_logs)
{
	static const char *const files[] = {"pkt_bounds.clang", "map_null.clang", "uninit_stack.clang", "gpl_only.clang",
					    "ret_range.clang", "helper_type.clang", "loop_inf.clang", "ctx_access.clang"};
	static const uint32_t types[] = {BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_CGROUP_SKB, BPF_PROG_TYPE_KPROBE, 0, 9999};
	int runs = 0;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "tests/unit/fixtures/verifier/6.18/%s.log", files[f]);
		size_t size;
		uint8_t *data = slurp(rel, &size);
		REQUIRE(data, "cannot read %s", rel);
		for (size_t cut = 0; cut <= size; cut += 7) {
			char *copy = malloc(cut + 1); /* exactly the bytes kept: ASan sees any read past them */
			REQUIRE(copy, "out of memory");
			memcpy(copy, data, cut);
			copy[cut] = '\0';
			for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
				struct vhint h;
				struct vhint_prog p = {.name = "p", .prog_type = types[t], .type_name = t % 2 ? "x" : NULL,
						       .license = t % 2 ? NULL : "MIT", .err = -E2BIG};
				vhint_explain(copy, &p, &h);
				CHECK(strlen(h.what) < sizeof(h.what) && strlen(h.fix) < sizeof(h.fix), "%s cut at %zu", rel, cut);
				runs++;
			}
			free(copy);
		}
		free(data);
	}
	CHECK(runs > 1000, "only %d runs", runs);
}
