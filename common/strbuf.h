/* common/strbuf.h — a growable text buffer, so pure code can produce text (rendered values, JSON)
 * without printing. Out of memory is sticky: later appends do nothing and `oom` stays set.
 * Header-only. */
#ifndef RAWLOAD_STRBUF_H
#define RAWLOAD_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* sb_putc is small and hot: inlined even in a size-optimised (-Os) build. */
#if defined(__GNUC__)
#define SB_HOT static inline __attribute__((always_inline))
#else
#define SB_HOT static inline
#endif

struct strbuf {
	char *buf;  /* NUL-terminated when len > 0 or after sb_reset; owned */
	size_t len, cap;
	bool oom;
	/* Optional: where sb_spill hands the text over, for output too big to hold whole (a million
	 * map entries). NULL: sb_spill keeps everything. */
	void (*spill)(void *ctx, const char *text, size_t len);
	void *spill_ctx;
	size_t spilled; /* bytes handed over so far */
};

static inline bool sb_reserve(struct strbuf *sb, size_t more)
{
	if (sb->oom)
		return false;
	if (sb->len + more + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + more + 1)
		cap *= 2;
	char *p = realloc(sb->buf, cap);
	if (!p) {
		sb->oom = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

/* Appends are the inner loop of rendering: the common case (room left) is a few instructions
 * inline, growing is the call. */
static inline void sb_putn(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->oom || sb->len + n >= sb->cap) {
		if (!sb_reserve(sb, n))
			return;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static inline void sb_puts(struct strbuf *sb, const char *s) { sb_putn(sb, s, strlen(s)); }
SB_HOT void sb_putc(struct strbuf *sb, char c)
{
	if (sb->oom || sb->len + 1 >= sb->cap) {
		if (!sb_reserve(sb, 1))
			return;
	}
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

/* Integers in decimal and hex without printf: rendering a record is mostly these, and a printf
 * call costs several times the digits it writes. */
static inline void sb_u64(struct strbuf *sb, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	while (v > UINT32_MAX) {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	}
	/* Below 2^32, v / 10 as a multiplication (exact for every 32-bit v), which a size-optimised
	 * build would otherwise leave as a division. */
	uint32_t w = (uint32_t)v;
	do {
		uint32_t q = (uint32_t)(((uint64_t)w * 0xCCCCCCCDu) >> 35);
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + (w - q * 10));
		w = q;
	} while (w);
	sb_putn(sb, tmp + sizeof(tmp) - n, n);
}

static inline void sb_i64(struct strbuf *sb, int64_t v)
{
	if (v < 0) {
		sb_putc(sb, '-');
		sb_u64(sb, 0 - (uint64_t)v);
	} else {
		sb_u64(sb, (uint64_t)v);
	}
}

/* Lower-case hex digits of v, at least `digits` of them (leading zeros), no prefix. */
static inline void sb_hex(struct strbuf *sb, uint64_t v, unsigned digits)
{
	char tmp[16];
	size_t n = 0;
	do {
		tmp[sizeof(tmp) - 1 - n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v || n < digits);
	sb_putn(sb, tmp + sizeof(tmp) - n, n);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static inline void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	/* One pass when the text fits in the room left, a second after growing when it does not. */
	if (sb->oom)
		return;
	size_t room = sb->cap > sb->len ? sb->cap - sb->len : 0;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < room) {
		sb->len += (size_t)n;
		return;
	}
	if (room)
		sb->buf[sb->len] = '\0'; /* undo the cut copy */
	if (n < 0 || !sb_reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

/* s[0..n) as a JSON string literal (RFC 8259 section 7); bytes outside printable ASCII are
 * escaped as \u00XX. */
static inline void sb_json_strn(struct strbuf *sb, const char *s, size_t n)
{
	/* Nearly always nothing to escape (field names, comm strings): one copy between the quotes. */
	size_t plain = 0;
	while (plain < n && (unsigned char)s[plain] >= 0x20 && (unsigned char)s[plain] < 0x7f && s[plain] != '"' &&
	       s[plain] != '\\')
		plain++;
	if (plain == n) {
		if (!sb_reserve(sb, n + 2))
			return;
		char *p = sb->buf + sb->len;
		p[0] = '"';
		memcpy(p + 1, s, n);
		p[n + 1] = '"';
		p[n + 2] = '\0';
		sb->len += n + 2;
		return;
	}
	sb_putc(sb, '"');
	sb_putn(sb, s, plain);
	for (size_t i = plain; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			sb_putc(sb, '\\');
			sb_putc(sb, (char)c);
		} else if (c == '\n') {
			sb_puts(sb, "\\n");
		} else if (c == '\t') {
			sb_puts(sb, "\\t");
		} else if (c < 0x20 || c >= 0x7f) {
			sb_printf(sb, "\\u%04x", c);
		} else {
			sb_putc(sb, (char)c);
		}
	}
	sb_putc(sb, '"');
}

static inline void sb_json_str(struct strbuf *sb, const char *s) { sb_json_strn(sb, s, strlen(s)); }

static inline void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

/* With a spill target and at least `at` bytes held: hand them over and start again empty. The
 * target may thus get a long line in several pieces. */
static inline void sb_spill(struct strbuf *sb, size_t at)
{
	if (!sb->spill || sb->oom || sb->len < at)
		return;
	sb->spill(sb->spill_ctx, sb->buf, sb->len);
	sb->spilled += sb->len;
	sb_reset(sb);
}

static inline void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	memset(sb, 0, sizeof(*sb));
}

#endif
