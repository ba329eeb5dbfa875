/* btf/core_internal.h — what btf/core.c and btf/core_types.c share: type walking and the type
 * comparisons of CO-RE. Not for other modules (btf/core.h is the interface). */
#ifndef RAWLOAD_BTF_CORE_INTERNAL_H
#define RAWLOAD_BTF_CORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf/btf.h"

/* Bound on nested type comparisons and typedef/modifier walks. */
enum { MAX_DEPTH = 32 };
/* The recursive walks (type comparisons, the search for a member through anonymous ones) branch
 * at every member or parameter, so a type graph built for it (many anonymous members of one
 * anonymous struct, nested; a prototype of many parameters, each a pointer to such a prototype)
 * would take exponential time. Every walk for one relocation record, over all its candidates,
 * spends from one budget of CORE_STEPS (*steps) and reports -E2BIG ("too complex") past it. Real
 * records take hundreds. */
enum { CORE_STEPS = 1 << 16 };
/* Takes n steps from *steps; false (nothing taken) when fewer are left. */
bool core_spend(uint32_t *steps, uint32_t n);

/* Follow typedefs and modifiers from id: the type reached (NULL for void, a cycle or a bad id),
 * its id in *out (out may be NULL). */
const struct btf_type *core_skip(const struct btf_spec *b, uint32_t id, uint32_t *out);
bool core_is_composite(const struct btf_type *t);
bool core_is_any_enum(const struct btf_type *t);
/* Same kind, or ENUM and ENUM64 (a kernel may have widened an enum). */
bool core_kinds_compat(const struct btf_type *a, const struct btf_type *b);
/* Length of a name without its "___flavour" suffix. */
size_t core_essential_len(const char *s);
/* Names equal without flavours; an anonymous target matches only an anonymous local. */
bool core_names_match(const char *local, const char *target);
/* A field read may move from local type lid to target type tid. */
bool core_fields_compat(const struct btf_spec *lb, uint32_t lid, const struct btf_spec *tb, uint32_t tid);
/* type_exists/type_size/type_id_target compatibility: 1 yes, 0 no, <0 error (-E2BIG: the budget
 * *steps ran out). */
int core_types_compat(const struct btf_spec *lb, uint32_t lid, const struct btf_spec *tb, uint32_t tid, int level,
		      uint32_t *steps);
/* type_matches: 1 yes, 0 no, <0 error (-E2BIG: the budget *steps ran out). */
int core_types_match(const struct btf_spec *lb, uint32_t lid, const struct btf_spec *tb, uint32_t tid,
		     bool behind_ptr, int level, uint32_t *steps);

#endif
