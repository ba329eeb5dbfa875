/* btf/ext.h — the .BTF.ext section: func_info, line_info and CO-RE relocation records, grouped by
 * the ELF section they describe. Records are presented in host byte order. Their insn_off is a
 * BYTE offset inside the ELF section (divide by 8 for an instruction index); the loader rebases
 * them when it appends subprograms. Names (section, file, line text) are offsets into .BTF's
 * strings, so parsing needs the parsed .BTF. */
#ifndef RAWLOAD_BTF_EXT_H
#define RAWLOAD_BTF_EXT_H

#include <stdbool.h>
#include <stdint.h>

#include "btf/btf.h"
#include "common/diag.h"

struct btf_ext_sec {
	const char *sec_name;   /* ELF section these records describe (in .BTF strings) */
	uint32_t count;
	const uint8_t *recs;    /* count records of rec_size bytes, host order, 4-byte aligned */
	uint32_t *order;        /* NULL when the records come in insn_off order (as compilers write
	                         * them); else their indices in (insn_off, index) order, owned */
};

struct btf_ext_info {
	uint32_t rec_size;      /* as the file says; at least the UAPI struct's size */
	uint32_t nsec;
	struct btf_ext_sec *sec; /* owned */
	uint32_t *by_name;      /* group indices sorted by (section name, index), owned */
};

struct btf_ext_spec {
	struct btf_ext_info func; /* records start with struct bpf_func_info */
	struct btf_ext_info line; /* struct bpf_line_info */
	struct btf_ext_info core; /* struct bpf_core_relo */
	uint8_t *owned;           /* host-order copy when the file is swapped or unaligned */
};

/* Parse raw[0..size). btf supplies the strings. Returns 0 or a negative errno with d filled. */
int btf_ext_parse(struct btf_ext_spec *e, const uint8_t *raw, uint32_t size, bool swap,
		  const struct btf_spec *btf, struct diag *d);
void btf_ext_close(struct btf_ext_spec *e);
/* The records describing ELF section sec_name (the first group of that name), or NULL. O(log n). */
const struct btf_ext_sec *btf_ext_find(const struct btf_ext_info *info, const char *sec_name);
/* Record i of s (i < s->count), in file order. */
static inline const void *btf_ext_rec(const struct btf_ext_info *info, const struct btf_ext_sec *s,
				      uint32_t i)
{
	return s->recs + (uint64_t)i * info->rec_size;
}
/* The same records in insn_off order: the record at position p (p < s->count), and the first
 * position whose insn_off (every kind of record starts with it) is at least insn_off, or
 * s->count. So the records of one function are found without walking the whole section. */
static inline const void *btf_ext_rec_sorted(const struct btf_ext_info *info, const struct btf_ext_sec *s,
					     uint32_t p)
{
	return btf_ext_rec(info, s, s->order ? s->order[p] : p);
}
uint32_t btf_ext_lower_bound(const struct btf_ext_info *info, const struct btf_ext_sec *s, uint32_t insn_off);

#endif
