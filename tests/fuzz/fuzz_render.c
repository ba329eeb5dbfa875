/* tests/fuzz/fuzz_render.c — libFuzzer target for rendering with a work and output budget
 * (btf/render.h): a BTF and a value from the input, every type rendered as text and as JSON within
 * a budget the input chooses. Each value must end within its bytes (plus one field name and the
 * cut mark), JSON must stay JSON however it was cut, and a budget shared by two values must not
 * be overspent. Hangs are libFuzzer's -timeout to catch.
 * Input: u8 flags (bit 0: BTF in the other byte order), u8 depth, u16 budget in bytes (x 16),
 * u32 steps, u32 BTF length, the BTF, then the value bytes. Seeds: the examples' and test programs'
 * .BTF with values, the union bomb of issue 9 (tests/fuzz/seeds.sh). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The end of one JSON value at p, or NULL (RFC 8259 syntax; strings must escape controls). */
static const char *json_value(const char *p, const char *end, int depth)
{
	while (p < end && (*p == ' ' || *p == '\n'))
		p++;
	if (p == end || depth > 200)
		return NULL;
	if (*p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if ((unsigned char)*p < 0x20)
				return NULL;
			if (*p == '\\' && ++p == end)
				return NULL;
		}
		return p < end ? p + 1 : NULL;
	}
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p++ == '{';
		if (p < end && *p == close)
			return p + 1;
		for (;;) {
			if (obj && (p == end || *p != '"' || !(p = json_value(p, end, depth + 1)) || p == end || *p++ != ':'))
				return NULL;
			if (!(p = json_value(p, end, depth + 1)) || p == end)
				return NULL;
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	const char *start = p;
	while (p < end && (*p == '-' || *p == '+' || *p == '.' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z')))
		p++;
	return p > start ? p : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 12)
		return 0;
	bool swap = data[0] & 1;
	uint32_t depth = data[1] % 16;
	uint16_t kib;
	uint32_t steps, btf_len;
	memcpy(&kib, data + 2, 2);
	memcpy(&steps, data + 4, 4);
	memcpy(&btf_len, data + 8, 4);
	data += 12;
	size -= 12;
	if (btf_len > size)
		btf_len = (uint32_t)size;
	struct btf_spec b;
	struct diag d = {{0}};
	if (btf_parse(&b, data, btf_len, swap, &d) != 0) {
		if (!d.msg[0])
			abort();
		return 0;
	}
	const uint8_t *value = data + btf_len;
	uint32_t vlen = (uint32_t)(size - btf_len);
	size_t longest_name = 0; /* a field name goes out before its value is looked at */
	for (uint32_t off = 0; off < b.strs_len;) {
		size_t n = strlen(b.strs + off);
		if (n > longest_name)
			longest_name = n;
		off += (uint32_t)n + 1;
	}
	struct strbuf sb = {0};
	for (uint32_t id = 1; id <= b.nr_types && id < 64; id++)
		for (int fmt = 0; fmt < 2; fmt++) {
			struct render_budget bg = render_budget_default(NULL);
			bg.depth = depth;
			bg.steps = steps % (1u << 18);
			bg.bytes = (size_t)kib * 16 % (1u << 18);
			size_t allowed = bg.bytes + 6 * longest_name + 64;
			sb_reset(&sb);
			int r = render_value_budget(&sb, &b, id, value, vlen, fmt ? "daddr" : "protocol",
						    fmt ? RENDER_JSON : RENDER_TEXT, &bg);
			size_t first = sb.len;
			/* A second value on what is left of the budget. */
			sb_putc(&sb, fmt ? ',' : ' ');
			render_value_budget(&sb, &b, (id * 7) % (b.nr_types + 1), value, vlen, "", fmt ? RENDER_JSON : RENDER_TEXT,
					    &bg);
			if (sb.oom)
				continue;
			/* Both values together within the bytes of one budget, each with its slack. */
			if (first > allowed || sb.len > allowed + 6 * longest_name + 64 + 1 || (r != RENDER_DONE && r != RENDER_CUT))
				abort();
			if (fmt) {
				const char *end = json_value(sb.buf, sb.buf + first, 0);
				if (!end || end != sb.buf + first)
					abort();
				end = json_value(sb.buf + first + 1, sb.buf + sb.len, 0);
				if (!end || end != sb.buf + sb.len)
					abort();
			}
		}
	sb_free(&sb);
	btf_close(&b);
	return 0;
}
