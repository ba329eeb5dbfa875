/* btf/render.c — rendering values with BTF (see render.h). Text looks like C initialisers
 * ({source_ip=10.1.0.2, ttl=64}), JSON like JSON. Recursion follows the type graph, so depth is
 * capped; every read is checked against the bytes available; every member, element and enum value
 * visited is a step of the budget, and the text appended is counted against it too. */
#include "btf/render.h"

#include <ctype.h>
#include <string.h>

#include "common/endian.h"

enum { MAX_ELEMS = 256 };

struct ctx {
	struct strbuf *out;
	const struct btf_spec *b;
	enum render_fmt fmt;
	struct render_budget *bg;
	size_t limit;             /* out->len may reach this much */
};

/* Spend n steps. false when the budget is spent (state RENDER_CUT) or a stop was asked
 * (RENDER_STOPPED): the caller marks the cut and stops. */
static bool step(const struct ctx *c, uint64_t n)
{
	struct render_budget *bg = c->bg;
	if (bg->state != RENDER_DONE)
		return false;
	if (bg->stop) {
		bg->tick += (uint32_t)(n < 256 ? n : 256);
		if (bg->tick >= 256) {
			bg->tick = 0;
			if (*bg->stop) {
				bg->state = RENDER_STOPPED;
				return false;
			}
		}
	}
	if (bg->steps < n || c->out->len >= c->limit || c->out->oom) {
		bg->state = RENDER_CUT;
		return false;
	}
	bg->steps -= n;
	return true;
}

/* Output bytes left before the limit. */
static size_t room(const struct ctx *c)
{
	return c->out->len < c->limit ? c->limit - c->out->len : 0;
}

static void render(const struct ctx *c, uint32_t id, const uint8_t *p, uint32_t avail, const char *name,
		   int depth);

void render_ipv4(const uint8_t a[4], char *buf)
{
	/* Without snprintf: a flow table renders one of these per entry. */
	char *p = buf;
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
}

void render_ipv6(const uint8_t a[16], char *buf)
{
	uint16_t g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	/* IPv4-mapped addresses keep their dotted quad (RFC 5952 section 5). */
	if (!g[0] && !g[1] && !g[2] && !g[3] && !g[4] && g[5] == 0xffff) {
		snprintf(buf, 46, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	/* The longest run of two or more zero groups becomes "::" (the first when tied). */
	int best = -1, best_len = 1;
	for (int i = 0; i < 8;) {
		if (g[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && !g[j])
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	size_t n = 0;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			n += (size_t)snprintf(buf + n, 46 - n, "::");
			i += best_len - 1;
			continue;
		}
		n += (size_t)snprintf(buf + n, 46 - n, "%s%x", (n && buf[n - 1] != ':') ? ":" : "", g[i]);
	}
	if (n == 0)
		snprintf(buf, 46, "::");
}

const char *render_ip_proto(unsigned p)
{
	switch (p) {
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 4: return "IPIP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 41: return "IPv6";
	case 43: return "IPv6-Route";
	case 44: return "IPv6-Frag";
	case 47: return "GRE";
	case 50: return "ESP";
	case 51: return "AH";
	case 58: return "ICMPv6";
	case 59: return "IPv6-NoNxt";
	case 60: return "IPv6-Opts";
	case 89: return "OSPF";
	case 103: return "PIM";
	case 112: return "VRRP";
	case 115: return "L2TP";
	case 132: return "SCTP";
	case 136: return "UDPLite";
	case 137: return "MPLS-in-IP";
	case 143: return "Ethernet";
	default: return NULL;
	}
}

/* Is this field name one of an address? (saddr, daddr, *_ip, ip, *addr*, *ipv4*, *ipv6*; case
 * ignored, first 63 characters.) Asked of every 4- and 16-byte field of every record: one pass, no
 * copy. */
static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool ci_prefix(const char *s, const char *low)
{
	for (; *low; s++, low++)
		if (lower((unsigned char)*s) != *low)
			return false;
	return true;
}

static bool addr_name(const char *name)
{
	size_t n = 0;
	for (; name[n] && n < 63; n++) {
		int c = lower((unsigned char)name[n]);
		if ((c == 'a' && n + 4 <= 63 && ci_prefix(name + n, "addr")) ||
		    (c == 'i' && n + 4 <= 63 && (ci_prefix(name + n, "ipv4") || ci_prefix(name + n, "ipv6"))))
			return true;
	}
	if (n < 2 || !ci_prefix(name, "ip"))
		return n > 3 && ci_prefix(name + n - 3, "_ip");
	return n == 2 || name[2] == '_' || (n > 3 && ci_prefix(name + n - 3, "_ip"));
}

static bool proto_name(const char *name)
{
	static const char *const names[] = {"protocol", "proto", "ip_proto", "l4_proto", "l4proto",
					    "ipproto", "nexthdr", "next_header"};
	if (name[0] != 'p' && name[0] != 'i' && name[0] != 'l' && name[0] != 'n')
		return false; /* no name above starts otherwise */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* __be32 fields named like a source/destination are addresses too. */
static bool be32_endpoint(const struct btf_spec *b, uint32_t id, const char *name)
{
	const struct btf_type *t = btf_type(b, id);
	while (t && btf_kind(t) != BTF_KIND_TYPEDEF && (btf_kind(t) == BTF_KIND_CONST || btf_kind(t) == BTF_KIND_VOLATILE))
		t = btf_type(b, t->type);
	if (!t || btf_kind(t) != BTF_KIND_TYPEDEF || strcmp(btf_type_name(b, t), "__be32") != 0)
		return false;
	return strstr(name, "src") || strstr(name, "dst") || strstr(name, "source") || strstr(name, "dest");
}

static uint64_t read_uint(const uint8_t *p, uint32_t size)
{
	switch (size) {
	case 1: return p[0];
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	case 8: { uint64_t v; memcpy(&v, p, 8); return v; }
	default: return 0;
	}
}

static void quoted(const struct ctx *c, const char *s, size_t n)
{
	if (c->fmt == RENDER_JSON) {
		sb_json_strn(c->out, s, n);
		return;
	}
	sb_putc(c->out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			sb_printf(c->out, "\\%c", ch);
		else if (isprint(ch))
			sb_putc(c->out, (char)ch);
		else
			sb_printf(c->out, "\\x%02x", ch);
	}
	sb_putc(c->out, '"');
}

static void word(const struct ctx *c, const char *s)
{
	if (c->fmt == RENDER_JSON)
		sb_json_str(c->out, s);
	else
		sb_puts(c->out, s);
}

/* Where the budget ran out. */
static void cut_mark(const struct ctx *c)
{
	word(c, "...");
}

/* Before a member's name: when the room left could not hold it escaped (six bytes a byte at most,
 * \u00ff) with a short value, the member becomes the cut mark ("...":"..." in JSON, which stays
 * JSON) and the struct ends there. A name is never written past the budget. */
static bool member_fits(const struct ctx *c, const char *name, uint32_t i)
{
	if (!c->bg || room(c) >= 6 * strlen(name) + 32)
		return true;
	c->bg->state = RENDER_CUT;
	if (i)
		sb_putn(c->out, ", ", c->fmt == RENDER_JSON ? 1 : 2);
	sb_puts(c->out, c->fmt == RENDER_JSON ? "\"...\":\"...\"" : "...");
	return false;
}

static void hex_bytes(const struct ctx *c, const uint8_t *p, uint32_t n)
{
	/* Two characters a byte: as many as the room allows, then "..." inside the quotes. */
	size_t fit = room(c) / 2 > 8 ? room(c) / 2 - 8 : 0;
	bool cut = c->bg && n > fit;
	if (cut) {
		n = (uint32_t)fit;
		c->bg->state = RENDER_CUT;
	}
	if (c->fmt == RENDER_JSON)
		sb_putc(c->out, '"');
	sb_puts(c->out, "0x");
	for (uint32_t i = 0; i < n; i++)
		sb_hex(c->out, p[i], 2);
	if (cut)
		sb_puts(c->out, "...");
	if (c->fmt == RENDER_JSON)
		sb_putc(c->out, '"');
}

static void render_int(const struct ctx *c, const struct btf_type *t, const uint8_t *p, const char *name)
{
	uint32_t enc = BTF_INT_ENCODING(btf_int_bits(t)), bits = BTF_INT_BITS(btf_int_bits(t));
	uint32_t size = t->size;
	if (size > 8) {
		hex_bytes(c, p, size);
		return;
	}
	uint64_t v = read_uint(p, size);
	if (bits && bits < 64)
		v &= (1ull << bits) - 1;
	if (enc & BTF_INT_BOOL) {
		sb_puts(c->out, v ? "true" : "false");
		return;
	}
	if (render_ip_proto((unsigned)v) && proto_name(name)) { /* the switch first: it rejects most values */
		word(c, render_ip_proto((unsigned)v));
		return;
	}
	if ((enc & BTF_INT_SIGNED) && bits && bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ull << bits; /* sign-extend */
	if (enc & BTF_INT_SIGNED)
		sb_i64(c->out, (int64_t)v);
	else
		sb_u64(c->out, v);
}

static void render_enum(const struct ctx *c, const struct btf_type *t, const uint8_t *p)
{
	uint32_t size = t->size <= 8 ? t->size : 8;
	uint64_t v = read_uint(p, size);
	bool is64 = btf_kind(t) == BTF_KIND_ENUM64;
	/* Each value compared is a step; without the steps for all of them, the number alone. */
	uint32_t n = btf_vlen(t);
	if (c->bg->steps < n)
		n = 0;
	else
		c->bg->steps -= n;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t ev = is64 ? ((uint64_t)btf_enums64(t)[i].val_hi32 << 32 | btf_enums64(t)[i].val_lo32)
				   : (uint32_t)btf_enums(t)[i].val;
		uint64_t mask = size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
		if ((ev & mask) == v) {
			word(c, btf_str(c->b, is64 ? btf_enums64(t)[i].name_off : btf_enums(t)[i].name_off));
			return;
		}
	}
	sb_u64(c->out, v);
}

/* An array of 1-byte ints: a string when the bytes before the first NUL (or all of them) are
 * printable; what follows the NUL is ignored, as C would. A string longer than the room left is
 * cut, with "..." inside the quotes in JSON (after them in text). */
static bool render_chars(const struct ctx *c, const uint8_t *p, uint32_t n)
{
	uint32_t len = 0;
	while (len < n && p[len])
		len++;
	if (!step(c, len / 64 + 1)) {
		cut_mark(c);
		return true;
	}
	for (uint32_t i = 0; i < len; i++)
		if (!isprint(p[i]) && p[i] != '\t')
			return false;
	size_t fit = room(c) / 4 > 8 ? room(c) / 4 - 8 : 0; /* an escaped byte takes up to 4 (\xNN) */
	bool cut = len > fit;
	if (cut) {
		len = (uint32_t)fit;
		c->bg->state = RENDER_CUT;
	}
	quoted(c, (const char *)p, len);
	if (cut && c->fmt == RENDER_JSON) {
		c->out->len--; /* the closing quote */
		sb_puts(c->out, "...\"");
	} else if (cut) {
		sb_puts(c->out, "...");
	}
	return true;
}

static void render_struct(const struct ctx *c, const struct btf_type *t, const uint8_t *p, uint32_t avail,
			  int depth)
{
	const struct btf_member *m = btf_members(t);
	sb_putc(c->out, '{');
	for (uint32_t i = 0; i < btf_vlen(t) && c->bg->state == RENDER_DONE; i++) {
		const char *fname = btf_str(c->b, m[i].name_off);
		uint32_t bit = btf_member_bit_offset(t, &m[i]), bits = btf_member_bitfield_size(t, &m[i]);
		if (!member_fits(c, *fname ? fname : "(anon)", i)) /* text omits "(anon)": reserving for it is harmless */
			break;
		if (i)
			sb_putn(c->out, ", ", c->fmt == RENDER_JSON ? 1 : 2);
		if (c->fmt == RENDER_JSON) {
			sb_json_str(c->out, *fname ? fname : "(anon)");
			sb_putc(c->out, ':');
		} else if (*fname) {
			sb_puts(c->out, fname);
			sb_putc(c->out, '=');
		}
		if (bits) { /* a bit-field: counted from the low end on little-endian, the high end on big */
			uint32_t first = bit / 8, nbytes = (bit % 8 + bits + 7) / 8;
			if (!step(c, 1)) {
				cut_mark(c);
				break;
			}
			if (first >= avail || nbytes > avail - first || nbytes > 8) {
				word(c, "<truncated>");
				continue;
			}
			uint64_t v = 0;
			uint32_t shift = bit % 8;
			for (uint32_t k = 0; k < nbytes; k++)
				v |= (uint64_t)p[first + k] << (8 * (host_is_big_endian() ? nbytes - 1 - k : k));
			if (host_is_big_endian())
				shift = nbytes * 8 - bit % 8 - bits;
			v = (v >> shift) & (bits >= 64 ? ~0ull : (1ull << bits) - 1);
			sb_u64(c->out, v);
			continue;
		}
		if (bit / 8 > avail) {
			word(c, "<truncated>");
			continue;
		}
		render(c, m[i].type, p + bit / 8, avail - bit / 8, fname, depth + 1);
	}
	sb_putc(c->out, '}');
}

static void render(const struct ctx *c, uint32_t id, const uint8_t *p, uint32_t avail, const char *name,
		   int depth)
{
	uint32_t size = 0;
	if (c->bg->state != RENDER_DONE)
		return; /* what encloses this stops too */
	if (!step(c, 1)) {
		cut_mark(c);
		return;
	}
	int rid = btf_skip_mods(c->b, id);
	const struct btf_type *t = rid > 0 ? btf_type(c->b, (uint32_t)rid) : NULL;

	/* Kinds that carry their size need no walk to find it. */
	bool sized = t && (btf_kind(t) == BTF_KIND_INT || btf_kind(t) == BTF_KIND_STRUCT ||
			   btf_kind(t) == BTF_KIND_UNION || btf_kind(t) == BTF_KIND_ENUM);
	if (sized)
		size = t->size;
	if (!t || depth > (int)c->bg->depth || (!sized && btf_size(c->b, (uint32_t)rid, &size) != 0)) {
		word(c, "?");
		return;
	}
	if (size > avail) {
		word(c, "<truncated>");
		return;
	}
	/* Addresses first: they may be ints, byte arrays or structs (in6_addr). */
	if ((size == 4 || size == 16) && (addr_name(name) || (size == 4 && be32_endpoint(c->b, id, name)))) {
		char buf[46];
		if (size == 4)
			render_ipv4(p, buf);
		else
			render_ipv6(p, buf);
		word(c, buf);
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		render_int(c, t, p, name);
		return;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		render_enum(c, t, p);
		return;
	case BTF_KIND_PTR:
		if (c->fmt == RENDER_JSON)
			sb_printf(c->out, "\"0x%llx\"", (unsigned long long)read_uint(p, 8));
		else
			sb_printf(c->out, "0x%llx", (unsigned long long)read_uint(p, 8));
		return;
	case BTF_KIND_FLOAT:
		if (size == 4) {
			float f;
			memcpy(&f, p, 4);
			sb_printf(c->out, "%g", (double)f);
		} else if (size == 8) {
			double f;
			memcpy(&f, p, 8);
			sb_printf(c->out, "%g", f);
		} else {
			hex_bytes(c, p, size);
		}
		return;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		render_struct(c, t, p, size, depth);
		return;
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = btf_secinfos(t);
		sb_putc(c->out, '{');
		for (uint32_t i = 0; i < btf_vlen(t) && c->bg->state == RENDER_DONE; i++) {
			const struct btf_type *var = btf_type(c->b, v[i].type);
			const char *vname = var ? btf_type_name(c->b, var) : "?";
			if (!member_fits(c, vname, i))
				break;
			if (i)
				sb_putn(c->out, ", ", c->fmt == RENDER_JSON ? 1 : 2);
			if (c->fmt == RENDER_JSON) {
				sb_json_str(c->out, vname);
				sb_putc(c->out, ':');
			} else {
				sb_printf(c->out, "%s=", vname);
			}
			if (v[i].offset > size || v[i].size > size - v[i].offset || !var)
				word(c, "<truncated>");
			else
				render(c, var->type, p + v[i].offset, v[i].size, vname, depth + 1);
		}
		sb_putc(c->out, '}');
		return;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array_info(t);
		uint32_t esize = 0;
		int eid = btf_skip_mods(c->b, a->type);
		const struct btf_type *et = eid > 0 ? btf_type(c->b, (uint32_t)eid) : NULL;
		if (!et || btf_size(c->b, (uint32_t)eid, &esize) != 0 || esize == 0) {
			word(c, "?");
			return;
		}
		if (btf_kind(et) == BTF_KIND_INT && esize == 1 && render_chars(c, p, a->nelems))
			return;
		sb_putc(c->out, '[');
		uint32_t n = a->nelems < MAX_ELEMS ? a->nelems : MAX_ELEMS;
		for (uint32_t i = 0; i < n && c->bg->state == RENDER_DONE; i++) {
			if (i)
				sb_putn(c->out, ", ", c->fmt == RENDER_JSON ? 1 : 2);
			render(c, a->type, p + (size_t)i * esize, esize, "", depth + 1);
		}
		if (n < a->nelems && c->bg->state == RENDER_DONE)
			sb_puts(c->out, c->fmt == RENDER_JSON ? ",\"...\"" : ", ...");
		sb_putc(c->out, ']');
		return;
	}
	default:
		word(c, "?");
		return;
	}
}

int render_value_budget(struct strbuf *out, const struct btf_spec *b, uint32_t id, const void *data,
			uint32_t size, const char *name, enum render_fmt fmt, struct render_budget *budget)
{
	size_t limit = out->len + budget->bytes < out->len ? SIZE_MAX : out->len + budget->bytes;
	const struct ctx c = {out, b, fmt, budget, limit};
	if (budget->state != RENDER_DONE) {
		cut_mark(&c);
		return budget->state;
	}
	size_t before = out->len;
	render(&c, id, data, size, name ? name : "", 0);
	size_t used = out->len - before;
	budget->bytes = used < budget->bytes ? budget->bytes - used : 0;
	return budget->state;
}

int render_value(struct strbuf *out, const struct btf_spec *b, uint32_t id, const void *data,
		 uint32_t size, const char *name, enum render_fmt fmt)
{
	struct render_budget bg = render_budget_default(NULL);
	return render_value_budget(out, b, id, data, size, name, fmt, &bg);
}

void render_raw(struct strbuf *out, const void *data, uint32_t size, enum render_fmt fmt)
{
	/* Without a budget: as many bytes as there are (a value of known size). */
	const struct ctx c = {out, NULL, fmt, NULL, SIZE_MAX};
	if (size == 1 || size == 2 || size == 4 || size == 8)
		sb_u64(out, read_uint(data, size));
	else
		hex_bytes(&c, data, size);
}

bool render_is_number(const struct btf_spec *b, uint32_t id, const char *name)
{
	int rid = btf_skip_mods(b, id);
	const struct btf_type *t = rid > 0 ? btf_type(b, (uint32_t)rid) : NULL;
	if (!t || btf_kind(t) != BTF_KIND_INT || t->size > 8)
		return false;
	if (BTF_INT_ENCODING(btf_int_bits(t)) & BTF_INT_BOOL)
		return false;
	name = name ? name : "";
	if (proto_name(name))
		return false;
	return !(t->size == 4 && (addr_name(name) || be32_endpoint(b, id, name)));
}
