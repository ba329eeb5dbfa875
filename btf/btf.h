/* btf/btf.h — BTF (.BTF section or a kernel's /sys/kernel/btf/vmlinux) parsed for reading.
 * It owns: the header (honouring hdr_len), a type index by id, string lookup, walking types through
 * typedefs and modifiers, sizes; every kind the UAPI defines. It does not own: loading BTF into a
 * kernel (bpf/), fixing it up for a kernel (loader/), rendering values (btf/render.h).
 * Types are presented in host byte order: when the object's order differs (bpfeb on x86), the
 * type section is copied once and every 32-bit word swapped (every BTF type field is a u32). */
#ifndef RAWLOAD_BTF_H
#define RAWLOAD_BTF_H

#include <linux/btf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

struct btf_spec {
	const uint8_t *raw;      /* the section as found (file byte order), borrowed */
	uint32_t raw_size;
	bool swap;               /* file byte order differs from the host's */
	uint32_t hdr_len;        /* from the header; kernel wants the header as given */
	const uint8_t *types;    /* host-order type records (into raw, or into `owned`) */
	uint32_t types_len;
	const char *strs;        /* string section, borrowed; last byte checked to be NUL */
	uint32_t strs_len;
	uint32_t nr_types;       /* ids run 1..nr_types; 0 is void */
	uint32_t *offs;          /* offs[id]: byte offset of type id in types (offs[0] unused), owned */
	uint8_t *owned;          /* byte-swapped copy of the type section, or NULL */
	struct btf_names *names; /* name index (btf_index_names), owned, or NULL */
};

/* Parse raw[0..size) (swap: file order differs from host). Validates the header, that every
 * record's trailing data lies inside the type section, that every kind is known, that every
 * name offset lies in the string section and that every referenced type id exists.
 * Returns 0 or a negative errno with d filled ("btf: type 12: ..."). */
int btf_parse(struct btf_spec *b, const uint8_t *raw, uint32_t size, bool swap, struct diag *d);
void btf_close(struct btf_spec *b);

/* Type id (1..nr_types) or NULL. Inline: every walk over types asks it at each step. */
static inline const struct btf_type *btf_type(const struct btf_spec *b, uint32_t id)
{
	if (id == 0 || id > b->nr_types)
		return NULL;
	return (const struct btf_type *)(b->types + b->offs[id]);
}
/* Name at a string offset ("" for offset 0 or out of range; parse checked those in types). */
const char *btf_str(const struct btf_spec *b, uint32_t off);
static inline const char *btf_type_name(const struct btf_spec *b, const struct btf_type *t)
{
	return btf_str(b, t->name_off);
}

static inline uint32_t btf_kind(const struct btf_type *t) { return BTF_INFO_KIND(t->info); }
static inline uint32_t btf_vlen(const struct btf_type *t) { return BTF_INFO_VLEN(t->info); }
static inline bool btf_kflag(const struct btf_type *t) { return BTF_INFO_KFLAG(t->info); }
/* Trailing records, valid only for the matching kind. */
static inline const void *btf_extra(const struct btf_type *t) { return t + 1; }
static inline const struct btf_member *btf_members(const struct btf_type *t) { return btf_extra(t); }
static inline const struct btf_enum *btf_enums(const struct btf_type *t) { return btf_extra(t); }
static inline const struct btf_enum64 *btf_enums64(const struct btf_type *t) { return btf_extra(t); }
static inline const struct btf_param *btf_params(const struct btf_type *t) { return btf_extra(t); }
static inline const struct btf_array *btf_array_info(const struct btf_type *t) { return btf_extra(t); }
static inline const struct btf_var_secinfo *btf_secinfos(const struct btf_type *t) { return btf_extra(t); }
static inline uint32_t btf_int_bits(const struct btf_type *t) { return *(const uint32_t *)btf_extra(t); }
/* Member bit offset, honouring kflag (bitfield encoding). */
static inline uint32_t btf_member_bit_offset(const struct btf_type *t, const struct btf_member *m)
{
	return btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}
static inline uint32_t btf_member_bitfield_size(const struct btf_type *t, const struct btf_member *m)
{
	return btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
}

/* Encoders for the `info` word and an INT's trailing word (the UAPI header has only decoders). */
static inline uint32_t btf_info_enc(uint32_t kind, bool kflag, uint32_t vlen)
{
	return ((uint32_t)kflag << 31) | ((kind & 0x1f) << 24) | (vlen & 0xffff);
}
static inline uint32_t btf_int_enc(uint32_t encoding, uint32_t bit_offset, uint32_t bits)
{
	return (encoding << 24) | (bit_offset << 16) | bits;
}

/* Size in bytes of one record of this type including trailing data. */
uint32_t btf_record_size(const struct btf_type *t);
/* Kind name ("int", "struct", ...). */
const char *btf_kind_name(uint32_t kind);

/* Follow typedef, const, volatile, restrict and type tags (bounded, cycle-safe).
 * Returns the first other type's id (0 = void), or -ELOOP when the chain does not end. */
int btf_skip_mods(const struct btf_spec *b, uint32_t id);
/* Like btf_skip_mods but typedefs are kept (for naming). */
int btf_skip_qualifiers(const struct btf_spec *b, uint32_t id);
/* Byte size of a type (pointers are 8 bytes on BPF). Returns 0 on success; -EINVAL for kinds
 * without a size (void, func, fwd), -ELOOP for cycles, -E2BIG for sizes over 4 GiB. */
int btf_size(const struct btf_spec *b, uint32_t id, uint32_t *size);
/* First type of the given kind and name, or 0. A scan of every type, unless btf_index_names ran
 * (functions are always found by a scan). */
uint32_t btf_find(const struct btf_spec *b, uint32_t kind, const char *name);

/* Length of a name without its "___flavour" suffix (CO-RE's essential name): "task_struct___v2"
 * -> 11. The suffix starts at the last run of exactly three underscores with a character on each
 * side. (btf/names.c) */
size_t btf_essential_len(const char *s);
/* Index b's named types but functions by essential name, for a BTF searched often (the kernel's):
 * lookups by name then cost a hash probe instead of a scan. One u32 per 2/3 of an indexed type. 0
 * or -ENOMEM (lookups then keep scanning); a second call does nothing. btf_close frees it. */
int btf_index_names(struct btf_spec *b);
void btf_names_free(struct btf_spec *b);
/* The types whose essential name is name[0..len), lowest id first; *pos is the cursor (0 to begin).
 * Returns the next id, or 0 when there are no more. Anonymous types and functions are never
 * returned (CO-RE's candidates are types). */
uint32_t btf_names_next(const struct btf_spec *b, const char *name, size_t len, uint32_t *pos);

/* First type of the given kind and name, or 0. A scan: for many lookups, an index (below). */
uint32_t btf_find(const struct btf_spec *b, uint32_t kind, const char *name);

/* Every type sorted by (kind, name, id), built once (btf/index.c): lookups in O(log n). The index
 * points into b's strings and must not outlive b. */
struct btf_index {
	struct btf_name_key *keys; /* owned */
	uint32_t n;
};
/* 0 or -ENOMEM. */
int btf_index_build(const struct btf_spec *b, struct btf_index *ix);
void btf_index_free(struct btf_index *ix);
/* As btf_find (the lowest id of that kind and name, or 0); ix NULL or empty: btf_find itself. */
uint32_t btf_index_find(const struct btf_spec *b, const struct btf_index *ix, uint32_t kind, const char *name);

/* Write a C-like name of a type into buf ("struct ip_info", "__u32", "char[16]", "void *"),
 * never more than n bytes (truncated). Returns buf. */
char *btf_type_str(const struct btf_spec *b, uint32_t id, char *buf, size_t n);

#endif
