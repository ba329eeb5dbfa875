/* btf/render.h — values rendered as text or JSON with their BTF type: integers, enums by name,
 * structs by field, arrays, char arrays as strings, IPv4/IPv6 addresses in fields named like
 * addresses (saddr, daddr, *_ip, *addr*, of 4 or 16 bytes), IP protocol numbers by name in
 * fields named protocol/proto. Pure: appends to a strbuf. Bounded: nesting depth and array
 * lengths are capped, sizes are checked against the bytes given, and every value has a budget of
 * work (members, elements and enum values visited) and output (bytes appended), so a type built to
 * explode (a union of 8 members nested 13 deep has 8^13 leaves) ends in bounded time, with "..."
 * where it was cut; a stop flag (the display's signal flag) ends it sooner. */
#ifndef RAWLOAD_RENDER_H
#define RAWLOAD_RENDER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "btf/btf.h"
#include "common/strbuf.h"

enum render_fmt { RENDER_TEXT, RENDER_JSON };

/* What rendering may still cost. Defaults per value: 12 levels of nesting, 2^20 steps (members,
 * elements, enum values compared), 64 KiB of text. One budget may serve several values (a key and
 * its per-CPU values): what one spends, the next lacks. */
enum { RENDER_DEPTH = 12, RENDER_STEPS = 1 << 20, RENDER_BYTES = 64 << 10 };
enum { RENDER_DONE, RENDER_CUT, RENDER_STOPPED };
struct render_budget {
	uint32_t depth;                    /* nesting levels rendered; deeper ones show as "?" */
	uint64_t steps;                    /* left */
	size_t bytes;                      /* left */
	const volatile sig_atomic_t *stop; /* non-zero: stop (looked at every 256 steps); may be NULL */
	int state;                         /* RENDER_DONE until spent (RENDER_CUT) or stopped */
	uint32_t tick;
};
static inline struct render_budget render_budget_default(const volatile sig_atomic_t *stop)
{
	return (struct render_budget){RENDER_DEPTH, RENDER_STEPS, RENDER_BYTES, stop, RENDER_DONE, 0};
}

/* Render size bytes at data as type id of b, within budget (spent by it). name is the field or
 * variable the value lives in ("" when none): it decides address and protocol rendering. Bytes
 * missing for the type render as "<truncated>". Where the budget ran out the value reads "..."
 * ("\"...\"" in JSON, which stays valid) and what encloses it is closed. Returns budget->state:
 * RENDER_DONE, RENDER_CUT or RENDER_STOPPED; a spent budget appends only "...". */
int render_value_budget(struct strbuf *out, const struct btf_spec *b, uint32_t id, const void *data,
			uint32_t size, const char *name, enum render_fmt fmt, struct render_budget *budget);
/* The same with a default budget and no stop flag. */
int render_value(struct strbuf *out, const struct btf_spec *b, uint32_t id, const void *data,
		 uint32_t size, const char *name, enum render_fmt fmt);

/* Without BTF: 1, 2, 4 and 8 bytes as an unsigned integer in host order, anything else as hex. */
void render_raw(struct strbuf *out, const void *data, uint32_t size, enum render_fmt fmt);

/* Does render_value show type id, in a field called name, as a plain integer (not a bool, an
 * address, a protocol name, an enum or anything else)? The display computes rates only for those. */
bool render_is_number(const struct btf_spec *b, uint32_t id, const char *name);

/* Text forms, exposed for tests. buf needs 16 bytes (IPv4) / 46 bytes (IPv6). */
void render_ipv4(const uint8_t a[4], char *buf);
void render_ipv6(const uint8_t a[16], char *buf); /* RFC 5952 */
const char *render_ip_proto(unsigned proto);      /* "TCP", or NULL when unknown */

#endif
