/* btf/btf.c — parsing and walking BTF. Untrusted input: every record is bounds-checked once at
 * parse time (so later walks can index freely), and walks that follow type references are bounded
 * (BTF graphs can contain cycles through pointers, and hostile files can make any cycle). */
#include "btf/btf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/endian.h"

enum { MAX_CHAIN = 64 }; /* longest typedef/modifier/array chain we follow */

static const char *const kind_names[] = {
	"unknown", "int", "ptr", "array", "struct", "union", "enum", "fwd", "typedef", "volatile",
	"const", "restrict", "func", "func_proto", "var", "datasec", "float", "decl_tag", "type_tag",
	"enum64",
};

const char *btf_kind_name(uint32_t kind)
{
	return kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "?";
}

/* Bytes following struct btf_type for this kind: fixed + vlen * per; a table rather than a switch,
 * since parsing the kernel's BTF asks it 250,000 times. fixed UINT8_MAX: a kind this reader does
 * not know. */
static const struct {
	uint8_t fixed, per;
} extra_of[] = {
	[BTF_KIND_UNKN] = {UINT8_MAX, 0},
	[BTF_KIND_INT] = {4, 0},
	[BTF_KIND_PTR] = {0, 0},
	[BTF_KIND_ARRAY] = {sizeof(struct btf_array), 0},
	[BTF_KIND_STRUCT] = {0, sizeof(struct btf_member)},
	[BTF_KIND_UNION] = {0, sizeof(struct btf_member)},
	[BTF_KIND_ENUM] = {0, sizeof(struct btf_enum)},
	[BTF_KIND_FWD] = {0, 0},
	[BTF_KIND_TYPEDEF] = {0, 0},
	[BTF_KIND_VOLATILE] = {0, 0},
	[BTF_KIND_CONST] = {0, 0},
	[BTF_KIND_RESTRICT] = {0, 0},
	[BTF_KIND_FUNC] = {0, 0},
	[BTF_KIND_FUNC_PROTO] = {0, sizeof(struct btf_param)},
	[BTF_KIND_VAR] = {sizeof(struct btf_var), 0},
	[BTF_KIND_DATASEC] = {0, sizeof(struct btf_var_secinfo)},
	[BTF_KIND_FLOAT] = {0, 0},
	[BTF_KIND_DECL_TAG] = {sizeof(struct btf_decl_tag), 0},
	[BTF_KIND_TYPE_TAG] = {0, 0},
	[BTF_KIND_ENUM64] = {0, sizeof(struct btf_enum64)},
};

/* Bytes following struct btf_type for this kind, or UINT32_MAX for an unknown kind. */
static inline uint32_t extra_size(uint32_t kind, uint32_t vlen)
{
	if (kind >= sizeof(extra_of) / sizeof(extra_of[0]) || extra_of[kind].fixed == UINT8_MAX)
		return UINT32_MAX;
	return extra_of[kind].fixed + vlen * extra_of[kind].per;
}

uint32_t btf_record_size(const struct btf_type *t)
{
	return (uint32_t)sizeof(*t) + extra_size(btf_kind(t), btf_vlen(t));
}

const char *btf_str(const struct btf_spec *b, uint32_t off)
{
	return off < b->strs_len ? b->strs + off : "";
}

/* Does this kind's size_type field hold a type id (rather than a size)? */
static bool refers_to_type(uint32_t kind)
{
	switch (kind) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FUNC_PROTO: case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
		return true;
	default:
		return false;
	}
}

/* Check the names and type references of record id at t (its extent was checked by the caller). */
static int check_record(const struct btf_spec *b, uint32_t id, const struct btf_type *t, struct diag *d)
{
	uint32_t kind = btf_kind(t), vlen = btf_vlen(t), n = b->nr_types;

#define NAME_OK(off) ((off) < b->strs_len || (off) == 0)
	if (!NAME_OK(t->name_off))
		return diag_set(d, -EINVAL, "btf: type %u: name offset %#x outside the strings", id, t->name_off);
	if (refers_to_type(kind) && t->type > n)
		return diag_set(d, -EINVAL, "btf: type %u (%s): refers to type %u, only %u types", id,
				btf_kind_name(kind), t->type, n);

	switch (kind) {
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array_info(t);
		if (a->type > n || a->index_type > n)
			return diag_set(d, -EINVAL, "btf: type %u (array): element or index type out of range", id);
		break;
	}
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);
		for (uint32_t i = 0; i < vlen; i++)
			if (!NAME_OK(m[i].name_off) || m[i].type > n)
				return diag_set(d, -EINVAL, "btf: type %u (%s): member %u: bad name or type", id,
						btf_kind_name(kind), i);
		break;
	}
	case BTF_KIND_ENUM: {
		const struct btf_enum *e = btf_enums(t);
		for (uint32_t i = 0; i < vlen; i++)
			if (!NAME_OK(e[i].name_off))
				return diag_set(d, -EINVAL, "btf: type %u (enum): value %u: bad name", id, i);
		break;
	}
	case BTF_KIND_ENUM64: {
		const struct btf_enum64 *e = btf_enums64(t);
		for (uint32_t i = 0; i < vlen; i++)
			if (!NAME_OK(e[i].name_off))
				return diag_set(d, -EINVAL, "btf: type %u (enum64): value %u: bad name", id, i);
		break;
	}
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = btf_params(t);
		for (uint32_t i = 0; i < vlen; i++)
			if (!NAME_OK(p[i].name_off) || p[i].type > n)
				return diag_set(d, -EINVAL, "btf: type %u (func_proto): param %u: bad name or type", id, i);
		break;
	}
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = btf_secinfos(t);
		for (uint32_t i = 0; i < vlen; i++)
			if (v[i].type > n)
				return diag_set(d, -EINVAL, "btf: type %u (datasec): entry %u: type out of range", id, i);
		break;
	}
	default:
		break;
	}
#undef NAME_OK
	return 0;
}

/* The header checked (hdr_len honoured), the string section found, the type section pointed at:
 * in the file when in host order and aligned, else one owned copy with every word swapped. */
static int parse_header(struct btf_spec *b, const uint8_t *raw, uint32_t size, bool swap, struct diag *d)
{
	if (size < sizeof(struct btf_header))
		return diag_set(d, -EINVAL, "btf: %u bytes, too short for a header", size);
	if (rd16(raw, swap) != BTF_MAGIC)
		return diag_set(d, -EINVAL, "btf: bad magic %#x", rd16(raw, swap));
	if (raw[2] != BTF_VERSION)
		return diag_set(d, -EINVAL, "btf: version %u not supported", raw[2]);

	uint32_t hdr_len = rd32(raw + 4, swap);
	uint32_t type_off = rd32(raw + 8, swap), type_len = rd32(raw + 12, swap);
	uint32_t str_off = rd32(raw + 16, swap), str_len = rd32(raw + 20, swap);
	if (hdr_len < sizeof(struct btf_header) || hdr_len > size)
		return diag_set(d, -EINVAL, "btf: header length %u (section %u bytes)", hdr_len, size);
	uint64_t data_len = size - hdr_len;
	if ((uint64_t)type_off + type_len > data_len || (uint64_t)str_off + str_len > data_len)
		return diag_set(d, -EINVAL, "btf: types %u+%u or strings %u+%u past the %llu data bytes",
				type_off, type_len, str_off, str_len, (unsigned long long)data_len);
	if (type_off % 4 || type_len % 4)
		return diag_set(d, -EINVAL, "btf: type section offset %u / length %u not 4-byte aligned",
				type_off, type_len);
	if (str_len && raw[hdr_len + str_off + str_len - 1] != '\0')
		return diag_set(d, -EINVAL, "btf: string section does not end with NUL");
	b->hdr_len = hdr_len;
	b->types_len = type_len;
	b->strs = (const char *)raw + hdr_len + str_off;
	b->strs_len = str_len;

	const uint8_t *types = raw + hdr_len + type_off;
	if (swap || ((uintptr_t)types & 3)) {
		b->owned = malloc(type_len ? type_len : 1);
		if (!b->owned)
			return diag_set(d, -ENOMEM, "btf: out of memory copying %u bytes of types", type_len);
		for (uint32_t i = 0; i < type_len; i += 4) {
			uint32_t w = rd32(types + i, swap);
			memcpy(b->owned + i, &w, 4);
		}
		types = b->owned;
	}
	b->types = types;
	return 0;
}

/* The number of type records, each one's extent checked. -EINVAL (whatever d says) when they do
 * not fit. */
static int count_types(const struct btf_spec *b, uint32_t *count, struct diag *d)
{
	uint32_t n = 0, len = b->types_len;
	for (uint32_t off = 0; off < len; n++) {
		const struct btf_type *t = (const struct btf_type *)(b->types + off);
		uint32_t extra = len - off < sizeof(*t) ? 0 : extra_size(btf_kind(t), btf_vlen(t));
		if (extra == UINT32_MAX)
			return diag_set(d, -EINVAL, "btf: type %u: unknown kind %u", n + 1, btf_kind(t));
		if (len - off < sizeof(*t) || extra > len - off - sizeof(*t))
			return diag_set(d, -EINVAL, "btf: type %u: record runs past the type section (%u bytes)", n + 1, len);
		off += (uint32_t)sizeof(*t) + extra;
		if (n + 1 > BTF_MAX_TYPE)
			return diag_set(d, -E2BIG, "btf: more than %u types", BTF_MAX_TYPE), -EINVAL;
	}
	*count = n;
	return 0;
}

int btf_parse(struct btf_spec *b, const uint8_t *raw, uint32_t size, bool swap, struct diag *d)
{
	memset(b, 0, sizeof(*b));
	b->raw = raw;
	b->raw_size = size;
	b->swap = swap;
	uint32_t count = 0;
	int err = parse_header(b, raw, size, swap, d);
	if (err)
		return err;
	if (count_types(b, &count, d))
		goto fail;
	b->offs = malloc(((size_t)count + 1) * sizeof(*b->offs));
	if (!b->offs) {
		diag_set(d, -ENOMEM, "btf: out of memory indexing %u types", count);
		goto fail;
	}
	b->nr_types = count;
	b->offs[0] = 0;
	/* Each record's offset, and its names and references checked (the count, which references are
	 * checked against, is known now). */
	for (uint32_t id = 1, off = 0; id <= count; id++) {
		const struct btf_type *t = (const struct btf_type *)(b->types + off);
		b->offs[id] = off;
		err = check_record(b, id, t, d);
		if (err) {
			btf_close(b);
			return err;
		}
		off += btf_record_size(t);
	}
	return 0;
fail:
	btf_close(b);
	return -EINVAL;
}

void btf_close(struct btf_spec *b)
{
	btf_names_free(b);
	free(b->offs);
	free(b->owned);
	b->offs = NULL;
	b->owned = NULL;
	b->nr_types = 0;
}

static bool is_modifier(uint32_t kind, bool with_typedef)
{
	return kind == BTF_KIND_CONST || kind == BTF_KIND_VOLATILE || kind == BTF_KIND_RESTRICT ||
	       kind == BTF_KIND_TYPE_TAG || (with_typedef && kind == BTF_KIND_TYPEDEF);
}

static int skip(const struct btf_spec *b, uint32_t id, bool typedefs)
{
	for (int hops = 0; hops < MAX_CHAIN; hops++) {
		const struct btf_type *t = btf_type(b, id);
		if (!t || !is_modifier(btf_kind(t), typedefs))
			return (int)id;
		id = t->type;
	}
	return -ELOOP;
}

int btf_skip_mods(const struct btf_spec *b, uint32_t id) { return skip(b, id, true); }
int btf_skip_qualifiers(const struct btf_spec *b, uint32_t id) { return skip(b, id, false); }

int btf_size(const struct btf_spec *b, uint32_t id, uint32_t *size)
{
	uint64_t mult = 1;

	for (int hops = 0; hops < MAX_CHAIN; hops++) {
		const struct btf_type *t = btf_type(b, id);
		if (!t)
			return -EINVAL;
		switch (btf_kind(t)) {
		case BTF_KIND_INT: case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: case BTF_KIND_DATASEC: case BTF_KIND_FLOAT:
			mult *= t->size;
			if (mult > UINT32_MAX)
				return -E2BIG;
			*size = (uint32_t)mult;
			return 0;
		case BTF_KIND_PTR:
			*size = (uint32_t)(mult * 8);
			return mult * 8 > UINT32_MAX ? -E2BIG : 0;
		case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG: case BTF_KIND_VAR:
			id = t->type;
			break;
		case BTF_KIND_ARRAY:
			mult *= btf_array_info(t)->nelems;
			if (mult > UINT32_MAX)
				return -E2BIG;
			id = btf_array_info(t)->type;
			break;
		default:
			return -EINVAL;
		}
	}
	return -ELOOP;
}

uint32_t btf_find(const struct btf_spec *b, uint32_t kind, const char *name)
{
	if (name[0] && kind != BTF_KIND_FUNC) {
		uint32_t pos = 0, id;
		while ((id = btf_names_next(b, name, btf_essential_len(name), &pos)))
			if (btf_kind(btf_type(b, id)) == kind && strcmp(btf_type_name(b, btf_type(b, id)), name) == 0)
				return id;
		return 0;
	}
	for (uint32_t id = 1; id <= b->nr_types; id++) {
		const struct btf_type *t = btf_type(b, id);
		if (btf_kind(t) == kind && strcmp(btf_type_name(b, t), name) == 0)
			return id;
	}
	return 0;
}

/* Put text in front of decl (bounded; drops what does not fit). */
static void prepend(char *decl, size_t cap, const char *text)
{
	size_t t = strlen(text), d = strlen(decl);
	if (t + d + 1 > cap)
		return;
	memmove(decl + t, decl, d + 1);
	memcpy(decl, text, t);
}

char *btf_type_str(const struct btf_spec *b, uint32_t id, char *buf, size_t n)
{
	/* C declarator order: walking from the outer type inwards, pointers go in front of what was
	 * built so far, array dimensions after it (parenthesised when a pointer is inside), and
	 * qualifiers bind to the next pointer or to the base type. */
	char decl[128] = "", quals[64] = "";
	const char *base = NULL;
	char base_buf[160];

	for (int hops = 0; hops < MAX_CHAIN && !base; hops++) {
		const struct btf_type *t = btf_type(b, id);
		if (!t) {
			base = "void";
			break;
		}
		uint32_t kind = btf_kind(t);
		const char *name = btf_type_name(b, t);
		switch (kind) {
		case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT: {
			const char *q = kind == BTF_KIND_CONST ? "const" : kind == BTF_KIND_VOLATILE ? "volatile" : "restrict";
			size_t used = strlen(quals);
			snprintf(quals + used, sizeof(quals) - used, "%s%s", used ? " " : "", q);
			id = t->type;
			break;
		}
		case BTF_KIND_TYPE_TAG: case BTF_KIND_VAR:
			id = t->type;
			break;
		case BTF_KIND_PTR: {
			char star[80];
			snprintf(star, sizeof(star), "*%s%s%s", quals[0] ? " " : "", quals, quals[0] && decl[0] ? " " : "");
			prepend(decl, sizeof(decl), star);
			quals[0] = '\0';
			id = t->type;
			break;
		}
		case BTF_KIND_ARRAY: {
			char dim[16];
			if (decl[0] == '*') {
				prepend(decl, sizeof(decl), "(");
				size_t used = strlen(decl);
				if (used + 1 < sizeof(decl))
					memcpy(decl + used, ")", 2);
			}
			snprintf(dim, sizeof(dim), "[%u]", btf_array_info(t)->nelems);
			size_t used = strlen(decl);
			if (used + strlen(dim) < sizeof(decl))
				memcpy(decl + used, dim, strlen(dim) + 1);
			id = btf_array_info(t)->type;
			break;
		}
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		case BTF_KIND_FWD: {
			const char *tag = kind == BTF_KIND_UNION ? "union "
					  : kind == BTF_KIND_STRUCT ? "struct "
					  : kind == BTF_KIND_FWD ? (btf_kflag(t) ? "union " : "struct ")
								  : "enum ";
			snprintf(base_buf, sizeof(base_buf), "%s%s", tag, *name ? name : "(anon)");
			base = base_buf;
			break;
		}
		case BTF_KIND_FUNC_PROTO:
			base = "func";
			break;
		default:
			base = *name ? name : btf_kind_name(kind);
			break;
		}
	}
	if (!base) {
		snprintf(buf, n, "(loop)");
		return buf;
	}
	bool space = decl[0] == '*' || decl[0] == '(';
	snprintf(buf, n, "%s%s%s%s%s", quals, quals[0] ? " " : "", base, space ? " " : "", decl);
	return buf;
}
