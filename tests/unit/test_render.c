/* tests/unit/test_render.c — rendering values with BTF (btf/render.h): addresses in fields named
 * like addresses (IPv4 dotted quads, IPv6 in RFC 5952 form), protocol numbers by name, enums by
 * name, char arrays as strings, bit-fields, signed values, nested structs and arrays, JSON that
 * parses, and bounded output for hostile types. Expectations are written by hand. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btf/render.h"
#include "common/endian.h"
#include "check.h"

/* ---- a tiny BTF builder --------------------------------------------------------------------- */

struct tb {
	uint32_t w[512];
	uint32_t nw, ntypes;
	char s[1024];
	uint32_t slen;
	uint8_t blob[4096];
	struct btf_spec spec;
};

static void tb_init(struct tb *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1;
}
static uint32_t tb_str(struct tb *b, const char *s)
{
	uint32_t off = b->slen;
	memcpy(b->s + off, s, strlen(s) + 1);
	b->slen += (uint32_t)strlen(s) + 1;
	return off;
}
static void tb_w(struct tb *b, uint32_t v) { b->w[b->nw++] = v; }
static uint32_t tb_type(struct tb *b, const char *name, uint32_t kind, bool kflag, uint32_t vlen, uint32_t st)
{
	tb_w(b, name ? tb_str(b, name) : 0);
	tb_w(b, btf_info_enc(kind, kflag, vlen));
	tb_w(b, st);
	return ++b->ntypes;
}
static uint32_t tb_int(struct tb *b, const char *name, uint32_t size, uint32_t enc)
{
	uint32_t id = tb_type(b, name, BTF_KIND_INT, false, 0, size);
	tb_w(b, btf_int_enc(enc, 0, size * 8));
	return id;
}
static void tb_member(struct tb *b, const char *name, uint32_t type, uint32_t bit_off)
{
	tb_w(b, tb_str(b, name));
	tb_w(b, type);
	tb_w(b, bit_off);
}
static uint32_t tb_array(struct tb *b, uint32_t elem, uint32_t index, uint32_t n)
{
	uint32_t id = tb_type(b, NULL, BTF_KIND_ARRAY, false, 0, 0);
	tb_w(b, elem);
	tb_w(b, index);
	tb_w(b, n);
	return id;
}
static const struct btf_spec *tb_parse(struct tb *b)
{
	struct btf_header h = {.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
			       .type_len = b->nw * 4, .str_off = b->nw * 4, .str_len = b->slen};
	memcpy(b->blob, &h, sizeof(h));
	memcpy(b->blob + sizeof(h), b->w, b->nw * 4);
	memcpy(b->blob + sizeof(h) + b->nw * 4, b->s, b->slen);
	struct diag d = {{0}};
	int err = btf_parse(&b->spec, b->blob, (uint32_t)(sizeof(h) + b->nw * 4 + b->slen), false, &d);
	CHECK(err == 0, "btf_parse: %s", d.msg);
	return err ? NULL : &b->spec;
}

static char *text(const struct btf_spec *s, uint32_t id, const void *p, uint32_t n, const char *name,
		  enum render_fmt fmt)
{
	static char out[1024];
	struct strbuf sb = {0};
	render_value(&sb, s, id, p, n, name, fmt);
	snprintf(out, sizeof(out), "%s", sb.buf ? sb.buf : "");
	sb_free(&sb);
	return out;
}

/* ---- addresses and protocols ------------------------------------------------------------------ */

TEST(render_ipv6_rfc5952)
{
	static const struct { const char *in, *want; } cases[] = {
		{"2001:db8::1", "2001:db8::1"},
		{"2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"},
		{"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, /* one zero group is not compressed */
		{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},    /* first of two equal runs */
		{"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},           /* the longest run */
		{"::", "::"},
		{"::1", "::1"},
		{"1::", "1::"},
		{"fe80::1:2", "fe80::1:2"},
		{"::ffff:192.0.2.1", "::ffff:192.0.2.1"},          /* IPv4-mapped keeps its dotted quad */
		{"2001:DB8:ABCD:12::FFFF", "2001:db8:abcd:12::ffff"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t a[16];
		char buf[46];
		REQUIRE(inet_pton(AF_INET6, cases[i].in, a) == 1, "inet_pton %s", cases[i].in);
		render_ipv6(a, buf);
		CHECK(strcmp(buf, cases[i].want) == 0, "%s -> '%s', want '%s'", cases[i].in, buf, cases[i].want);
	}
	uint8_t v4[4] = {10, 1, 0, 255};
	char buf[16];
	render_ipv4(v4, buf);
	CHECK(strcmp(buf, "10.1.0.255") == 0, "ipv4 '%s'", buf);
	CHECK(!strcmp(render_ip_proto(1), "ICMP") && !strcmp(render_ip_proto(6), "TCP") &&
		      !strcmp(render_ip_proto(17), "UDP") && !strcmp(render_ip_proto(58), "ICMPv6") &&
		      render_ip_proto(253) == NULL,
	      "protocol names");
}

/* A flow record with every rendering rule in it. */
struct flow {
	uint32_t saddr;       /* IPv4 by name */
	uint32_t count;       /* plain */
	uint8_t daddr6[16];   /* IPv6 by name */
	uint8_t protocol;     /* by name */
	int8_t delta;         /* signed */
	uint16_t flags;       /* bit-fields in here: low 3 bits "kind", next 5 "level" */
	char comm[8];         /* string */
	uint32_t state;       /* enum */
	uint16_t ports[2];    /* array */
};

TEST(render_struct_text_and_json)
{
	struct tb b;
	tb_init(&b);
	uint32_t u8 = tb_int(&b, "__u8", 1, 0), s8 = tb_int(&b, "__s8", 1, BTF_INT_SIGNED);
	uint32_t u16 = tb_int(&b, "__u16", 2, 0), u32 = tb_int(&b, "__u32", 4, 0);
	uint32_t ch = tb_int(&b, "char", 1, BTF_INT_SIGNED);
	uint32_t be32 = tb_type(&b, "__be32", BTF_KIND_TYPEDEF, false, 0, u32);
	uint32_t a16 = tb_array(&b, u8, u32, 16), c8 = tb_array(&b, ch, u32, 8), p2 = tb_array(&b, u16, u32, 2);
	uint32_t en = tb_type(&b, "state", BTF_KIND_ENUM, false, 2, 4);
	tb_w(&b, tb_str(&b, "OPEN"));
	tb_w(&b, 1);
	tb_w(&b, tb_str(&b, "CLOSED"));
	tb_w(&b, 7);
	uint32_t st = tb_type(&b, "flow", BTF_KIND_STRUCT, true, 10, sizeof(struct flow));
	tb_member(&b, "saddr", be32, offsetof(struct flow, saddr) * 8);
	tb_member(&b, "count", u32, offsetof(struct flow, count) * 8);
	tb_member(&b, "daddr6", a16, offsetof(struct flow, daddr6) * 8);
	tb_member(&b, "protocol", u8, offsetof(struct flow, protocol) * 8);
	tb_member(&b, "delta", s8, offsetof(struct flow, delta) * 8);
	tb_member(&b, "kind", u16, (3u << 24) | (offsetof(struct flow, flags) * 8));      /* kflag: size<<24 | offset */
	tb_member(&b, "level", u16, (5u << 24) | (offsetof(struct flow, flags) * 8 + 3));
	tb_member(&b, "comm", c8, offsetof(struct flow, comm) * 8);
	tb_member(&b, "state", en, offsetof(struct flow, state) * 8);
	tb_member(&b, "ports", p2, offsetof(struct flow, ports) * 8);
	const struct btf_spec *s = tb_parse(&b);
	REQUIRE(s, "parse");

	struct flow f;
	memset(&f, 0, sizeof(f));
	inet_pton(AF_INET, "192.0.2.7", &f.saddr);
	f.count = 4000000000u;
	inet_pton(AF_INET6, "2001:db8::5", f.daddr6);
	f.protocol = 6;
	f.delta = -3;
	/* kind 5, level 17 at bit offsets 0 and 3 of flags: BTF counts bits from the low end of the
	 * first byte on a little-endian machine, from the high end on a big-endian one (as its C
	 * compiler lays out bit-fields), so the value that puts them there depends on the host. */
	f.flags = host_is_big_endian() ? (uint16_t)((5u << 13) | (17u << 8)) : (uint16_t)(5 | (17 << 3));
	memcpy(f.comm, "bash", 5);
	f.state = 7;
	f.ports[0] = 80;
	f.ports[1] = 443;

	const char *want = "{saddr=192.0.2.7, count=4000000000, daddr6=2001:db8::5, protocol=TCP, delta=-3, "
			   "kind=5, level=17, comm=\"bash\", state=CLOSED, ports=[80, 443]}";
	const char *got = text(s, st, &f, sizeof(f), "", RENDER_TEXT);
	CHECK(strcmp(got, want) == 0, "text:\n  got  %s\n  want %s", got, want);

	const char *wantj = "{\"saddr\":\"192.0.2.7\",\"count\":4000000000,\"daddr6\":\"2001:db8::5\","
			    "\"protocol\":\"TCP\",\"delta\":-3,\"kind\":5,\"level\":17,\"comm\":\"bash\","
			    "\"state\":\"CLOSED\",\"ports\":[80,443]}";
	got = text(s, st, &f, sizeof(f), "", RENDER_JSON);
	CHECK(strcmp(got, wantj) == 0, "json:\n  got  %s\n  want %s", got, wantj);

	/* Unknown enum values and protocols show their number; bytes missing say so. */
	f.state = 9;
	f.protocol = 253;
	got = text(s, st, &f, sizeof(f), "", RENDER_TEXT);
	CHECK(strstr(got, "state=9") && strstr(got, "protocol=253"), "unknown values: %s", got);
	got = text(s, st, &f, 10, "", RENDER_TEXT);
	CHECK(strcmp(got, "<truncated>") == 0, "short value: %s", got);
	/* A __be32 named like an endpoint is an address too; other names stay numbers. */
	uint32_t addr;
	inet_pton(AF_INET, "10.0.0.9", &addr);
	CHECK(strcmp(text(s, be32, &addr, 4, "src", RENDER_TEXT), "10.0.0.9") == 0, "__be32 src");
	CHECK(strcmp(text(s, be32, &addr, 4, "dest_ip", RENDER_TEXT), "10.0.0.9") == 0, "dest_ip");
	CHECK(strcmp(text(s, u32, &addr, 4, "count", RENDER_TEXT), host_is_big_endian() ? "167772169" : "150994954") == 0,
	      "count stays a number (bytes 10.0.0.9 read as a host-order u32)");
	/* Non-printable bytes in a char array: not a string. */
	char raw[8] = {'a', 1, 2, 0};
	got = text(s, c8, raw, 8, "", RENDER_TEXT);
	CHECK(got[0] == '[', "binary char array renders as numbers: %s", got);
	btf_close(&b.spec);
}

/* A struct that contains itself through an array: rendering stops, bounded. */
TEST(render_bounded_on_hostile_types)
{
	struct tb b;
	tb_init(&b);
	uint32_t u32 = tb_int(&b, "u32", 4, 0);
	/* id 2: struct loop { struct loop inner[1]; } of size 4 — a cycle through an array */
	uint32_t st = tb_type(&b, "loop", BTF_KIND_STRUCT, false, 1, 4);
	tb_member(&b, "inner", st + 1, 0);
	tb_array(&b, st, u32, 1);
	/* id 4: typedef cycle */
	uint32_t td = tb_type(&b, "a", BTF_KIND_TYPEDEF, false, 0, 5);
	tb_type(&b, "b", BTF_KIND_TYPEDEF, false, 0, td);
	const struct btf_spec *s = tb_parse(&b);
	REQUIRE(s, "parse");
	uint8_t buf[64] = {0};
	const char *got = text(s, st, buf, sizeof(buf), "", RENDER_TEXT);
	CHECK(strlen(got) < 1000, "cycle through an array: %zu bytes", strlen(got));
	got = text(s, td, buf, sizeof(buf), "", RENDER_TEXT);
	CHECK(strcmp(got, "?") == 0, "typedef cycle: '%s'", got);
	got = text(s, 999, buf, sizeof(buf), "", RENDER_JSON);
	CHECK(strcmp(got, "\"?\"") == 0, "unknown id in JSON: '%s'", got);
	btf_close(&b.spec);
}

TEST(render_raw_without_btf)
{
	struct strbuf sb = {0};
	uint64_t v = 1234;
	render_raw(&sb, &v, 8, RENDER_TEXT);
	CHECK(sb.buf && strcmp(sb.buf, "1234") == 0, "u64: %s", sb.buf);
	sb_reset(&sb);
	uint8_t odd[3] = {0xde, 0xad, 0x01};
	render_raw(&sb, odd, 3, RENDER_TEXT);
	CHECK(strcmp(sb.buf, "0xdead01") == 0, "3 bytes: %s", sb.buf);
	sb_reset(&sb);
	render_raw(&sb, odd, 3, RENDER_JSON);
	CHECK(strcmp(sb.buf, "\"0xdead01\"") == 0, "3 bytes in JSON: %s", sb.buf);
	sb_free(&sb);
}

/* ---- the work and output budget ------------------------------------------------------------- */

/* A JSON value's syntax (RFC 8259), enough to say that a cut value still parses: returns the end
 * of the value at p, or NULL. */
static const char *json_value(const char *p, int depth)
{
	while (*p == ' ' || *p == '\n')
		p++;
	if (depth > 64)
		return NULL;
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++)
			if (*p == '\\' && !*++p)
				return NULL;
		return *p == '"' ? p + 1 : NULL;
	}
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';
		p++;
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				if (*p != '"' || !(p = json_value(p, depth + 1)) || *p++ != ':')
					return NULL;
			}
			if (!(p = json_value(p, depth + 1)))
				return NULL;
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	const char *start = p;
	while (*p == '-' || *p == '.' || *p == 'e' || *p == '+' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p > start ? p : NULL;
}

static bool json_parses(const char *s)
{
	const char *end = json_value(s, 0);
	return end && *end == '\0';
}

/* The hostile object of issue 9: a 1-byte value whose type is a union of 8 members nested 13 deep
 * (8^13 leaves, the kernel accepts it). Rendering stops at the budget, marks the cut with "...",
 * stays within its bytes, and JSON stays JSON; a stop request ends it at once. */
TEST(render_union_bomb_is_bounded)
{
	struct tb b;
	tb_init(&b);
	uint32_t u8 = tb_int(&b, "__u8", 1, 0), inner = u8;
	for (int level = 1; level <= 13; level++) {
		char name[16];
		snprintf(name, sizeof(name), "u%d", level);
		uint32_t u = tb_type(&b, name, BTF_KIND_UNION, false, 8, 1);
		for (int m = 0; m < 8; m++) {
			char mn[2] = {(char)('a' + m), 0};
			tb_member(&b, mn, inner, 0);
		}
		inner = u;
	}
	const struct btf_spec *s = tb_parse(&b);
	REQUIRE(s, "parse");
	uint8_t v = 7;
	for (int fmt = 0; fmt < 2; fmt++) {
		struct strbuf sb = {0};
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int r = render_value(&sb, s, inner, &v, 1, "", fmt ? RENDER_JSON : RENDER_TEXT);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		CHECK(r == RENDER_CUT, "%s: result %d, not cut", fmt ? "json" : "text", r);
		CHECK(sb.len <= RENDER_BYTES + 256, "%s: %zu bytes", fmt ? "json" : "text", sb.len);
		CHECK(sb.len > 1024, "%s: only %zu bytes before the cut", fmt ? "json" : "text", sb.len);
		CHECK(secs < 1.0, "%s: %.3f s", fmt ? "json" : "text", secs);
		CHECK(sb.buf && strstr(sb.buf, fmt ? "\"...\"" : "..."), "%s: no cut mark", fmt ? "json" : "text");
		CHECK(!fmt || json_parses(sb.buf), "json does not parse: ...%s", sb.buf ? sb.buf + sb.len - 40 : "");
		CHECK(fmt || strncmp(sb.buf, "{a={a={a=", 9) == 0, "text starts '%.20s'", sb.buf);
		sb_free(&sb);
	}
	/* A stop request (the display's signal flag): at the next check, within 256 steps. */
	volatile sig_atomic_t stop = 1;
	struct render_budget bg = render_budget_default(&stop);
	struct strbuf sb = {0};
	int r = render_value_budget(&sb, s, inner, &v, 1, "", RENDER_TEXT, &bg);
	CHECK(r == RENDER_STOPPED, "stop: result %d", r);
	CHECK(sb.len < 4096, "stop: %zu bytes", sb.len);
	/* A spent budget is shared: the next value only gets the mark. */
	size_t before = sb.len;
	r = render_value_budget(&sb, s, u8, &v, 1, "", RENDER_TEXT, &bg);
	CHECK(r == RENDER_STOPPED && strcmp(sb.buf + before, "...") == 0, "after the stop: %d '%s'", r, sb.buf + before);
	sb_free(&sb);
	/* Small values are untouched by the budget. */
	bg = render_budget_default(NULL);
	sb = (struct strbuf){0};
	r = render_value_budget(&sb, s, u8, &v, 1, "", RENDER_TEXT, &bg);
	CHECK(r == RENDER_DONE && strcmp(sb.buf, "7") == 0, "u8: %d '%s'", r, sb.buf);
	sb_free(&sb);
	btf_close(&b.spec);
}

/* A long string is cut inside its quotes in JSON; a budget in bytes holds for char arrays too. */
TEST(render_budget_cuts_strings)
{
	struct tb b;
	tb_init(&b);
	uint32_t c8 = tb_int(&b, "char", 1, BTF_INT_SIGNED);
	uint32_t u32 = tb_int(&b, "u32", 4, 0);
	uint32_t arr = tb_array(&b, c8, u32, 4000);
	const struct btf_spec *s = tb_parse(&b);
	REQUIRE(s, "parse");
	char str[4000];
	memset(str, '"', sizeof(str) - 1);
	str[sizeof(str) - 1] = 0;
	for (int fmt = 0; fmt < 2; fmt++) {
		struct render_budget bg = render_budget_default(NULL);
		bg.bytes = 1000;
		struct strbuf sb = {0};
		int r = render_value_budget(&sb, s, arr, str, sizeof(str), "", fmt ? RENDER_JSON : RENDER_TEXT, &bg);
		CHECK(r == RENDER_CUT, "%s: result %d", fmt ? "json" : "text", r);
		CHECK(sb.len <= 1010, "%s: %zu bytes for a budget of 1000", fmt ? "json" : "text", sb.len);
		CHECK(!fmt || json_parses(sb.buf), "json does not parse: %.60s", sb.buf);
		sb_free(&sb);
	}
	btf_close(&b.spec);
}
