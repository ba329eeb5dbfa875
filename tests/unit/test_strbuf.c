/* tests/unit/test_strbuf.c — the text buffer rendering writes into (common/strbuf.h): integers
 * without printf at their edges, sb_printf in one pass and after growing, JSON strings with and
 * without escapes, out-of-memory staying sticky, and spilling to a sink in pieces that add up. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "common/strbuf.h"

TEST(strbuf_integers)
{
	static const uint64_t u[] = {0, 9, 10, 99, 100, 4294967295u, 4294967296u, 4294967299u, 1844674407370955161u,
				     UINT64_MAX};
	char want[32];
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		struct strbuf sb = {0};
		sb_u64(&sb, u[i]);
		snprintf(want, sizeof(want), "%" PRIu64, u[i]);
		CHECK(sb.buf && !strcmp(sb.buf, want), "sb_u64: '%s', expected '%s'", sb.buf ? sb.buf : "", want);
		sb_free(&sb);
	}
	static const int64_t s[] = {0, -1, 1, INT64_MIN, INT64_MAX, -4294967296};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		struct strbuf sb = {0};
		sb_i64(&sb, s[i]);
		snprintf(want, sizeof(want), "%" PRId64, s[i]);
		CHECK(sb.buf && !strcmp(sb.buf, want), "sb_i64: '%s', expected '%s'", sb.buf ? sb.buf : "", want);
		sb_free(&sb);
	}
	struct strbuf sb = {0};
	sb_hex(&sb, 0, 2);
	sb_putc(&sb, ' ');
	sb_hex(&sb, 0xab, 2);
	sb_putc(&sb, ' ');
	sb_hex(&sb, 0xdeadbeefcafef00dull, 1);
	sb_putc(&sb, ' ');
	sb_hex(&sb, 5, 4);
	CHECK(!strcmp(sb.buf, "00 ab deadbeefcafef00d 0005"), "sb_hex: '%s'", sb.buf);
	sb_free(&sb);
}

TEST(strbuf_printf_fits_and_grows)
{
	struct strbuf sb = {0};
	sb_printf(&sb, "%s=%d", "a", 1); /* no buffer yet */
	CHECK(sb.len == 3 && !strcmp(sb.buf, "a=1"), "'%s'", sb.buf);
	size_t cap = sb.cap;
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_printf(&sb, "[%s]", big); /* does not fit: grows, and nothing of the cut copy stays */
	CHECK(sb.cap > cap && sb.len == 3 + 1001, "len %zu cap %zu", sb.len, sb.cap);
	CHECK(sb.buf[3] == '[' && sb.buf[sb.len - 1] == ']' && sb.buf[sb.len] == '\0', "content");
	sb_printf(&sb, "%c", 'z'); /* fits */
	CHECK(sb.len == 1005 && sb.buf[1004] == 'z' && sb.buf[1005] == '\0', "one more");
	sb_free(&sb);
}

TEST(strbuf_json_strings)
{
	struct strbuf sb = {0};
	sb_json_str(&sb, "plain_name");
	sb_putc(&sb, ' ');
	sb_json_strn(&sb, "a\"b\\c\nd\te\x01\x7f", 11);
	sb_putc(&sb, ' ');
	sb_json_strn(&sb, "", 0);
	CHECK(!strcmp(sb.buf, "\"plain_name\" \"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\" \"\""), "'%s'", sb.buf);
	sb_free(&sb);
}

TEST(strbuf_oom_is_sticky)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "abc");
	sb.oom = true; /* as after a failed realloc */
	sb_putc(&sb, 'd');
	sb_puts(&sb, "ef");
	sb_u64(&sb, 7);
	sb_printf(&sb, "%d", 8);
	sb_json_str(&sb, "g");
	CHECK(sb.len == 3 && !strcmp(sb.buf, "abc"), "appends after oom: '%s'", sb.buf);
	sb_free(&sb);
}

struct sink {
	char text[256];
	size_t len;
	int calls;
};

static void to_sink(void *ctx, const char *text, size_t len)
{
	struct sink *s = ctx;
	if (s->len + len < sizeof(s->text)) {
		memcpy(s->text + s->len, text, len);
		s->len += len;
	}
	s->calls++;
}

TEST(strbuf_spill)
{
	struct sink out = {.len = 0};
	struct strbuf sb = {0};
	sb_puts(&sb, "0123456789");
	sb_spill(&sb, 4); /* no target: kept */
	CHECK(sb.len == 10 && sb.spilled == 0, "kept without a target");
	sb.spill = to_sink;
	sb.spill_ctx = &out;
	sb_spill(&sb, 11); /* below the threshold */
	CHECK(sb.len == 10 && out.calls == 0, "below the threshold");
	sb_spill(&sb, 10);
	CHECK(sb.len == 0 && sb.spilled == 10 && out.calls == 1, "handed over: len %zu spilled %zu", sb.len, sb.spilled);
	sb_puts(&sb, "abc");
	sb_spill(&sb, 1);
	out.text[out.len] = '\0';
	CHECK(!strcmp(out.text, "0123456789abc") && sb.spilled == 13 && out.calls == 2, "'%s'", out.text);
	sb_free(&sb);
}
