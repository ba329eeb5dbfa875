/* loader/load/btf_fixup.h — the object's BTF made ready for BPF_BTF_LOAD, pure.
 * Always: DATASEC sizes and variable offsets filled from the ELF sections and symbols (clang
 * leaves them 0 for the loader), entries that do not belong sorted out; functions and variables
 * whose symbols are `__hidden` (STV_HIDDEN/INTERNAL) given static linkage, as libbpf does. On
 * request (the load pass decides by trying, newest kind first): kinds an older kernel refuses
 * rewritten to ones it knows, the way mature loaders do, keeping every type id stable. */
#ifndef RAWLOAD_BTF_FIXUP_H
#define RAWLOAD_BTF_FIXUP_H

#include <stdint.h>

#include "common/diag.h"
#include "loader/obj/obj.h"

enum btf_sanitize {
	SANITIZE_ENUM64 = 1 << 0,   /* kernel < 6.0: ENUM64 -> UNION, signed-enum flag cleared */
	SANITIZE_TYPE_TAG = 1 << 1, /* < 5.17: TYPE_TAG -> CONST */
	SANITIZE_DECL_TAG = 1 << 2, /* < 5.16: DECL_TAG -> INT */
	SANITIZE_FLOAT = 1 << 3,    /* < 5.13: FLOAT -> empty STRUCT of the same size */
	SANITIZE_FUNC_LINKAGE = 1 << 4, /* < 5.6: global/extern FUNC -> static */
	SANITIZE_DATASEC = 1 << 5,  /* < 5.2: VAR -> INT, DATASEC -> STRUCT */
	SANITIZE_ALL = (1 << 6) - 1,
};

/* Which SANITIZE_* rewrites would change something in this BTF (kinds present). */
uint32_t btf_fixup_needed(const struct btf_spec *b);
/* Names for -v: "enum64", "type_tag", ... (one bit). */
const char *btf_fixup_name(uint32_t bit);

/* Build a blob (header, types, strings; host byte order) with the fixups and the rewrites in
 * `sanitize`. *blob is malloc'd and owned by the caller. Returns 0 or a negative errno with d set. */
int btf_fixup_build(const struct obj *o, uint32_t sanitize, uint8_t **blob, uint32_t *size,
		    struct diag *d);

#endif
