/* btf/render.h — values rendered as text or JSON with their BTF type: integers, enums by name,
 * structs by field, arrays, char arrays as strings, IPv4/IPv6 addresses in fields named like
 * addresses (saddr, daddr, *_ip, *addr*, of 4 or 16 bytes), IP protocol numbers by name in
 * fields named protocol/proto. Pure: appends to a strbuf. Bounded: nesting depth and array
 * lengths are capped, sizes are checked against the bytes given. */
#ifndef RAWLOAD_RENDER_H
#define RAWLOAD_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "btf/btf.h"
#include "common/strbuf.h"

enum render_fmt { RENDER_TEXT, RENDER_JSON };

/* Render size bytes at data as type id of b. name is the field or variable the value lives in
 * ("" when none): it decides address and protocol rendering. Bytes missing for the type render as
 * "<truncated>". */
void render_value(struct strbuf *out, const struct btf_spec *b, uint32_t id, const void *data,
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
