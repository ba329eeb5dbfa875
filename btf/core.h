/* btf/core.h — CO-RE ("compile once, run everywhere"): what one .BTF.ext core_relo record means
 * against a target BTF (the running kernel's). Pure. It owns: parsing the record's access string
 * into a spec over the local (object's) BTF, finding the target types of the same essential name
 * ("task_struct___old" looks for "task_struct"), matching the spec in each of them, and computing
 * the value the instruction must carry — or that it must be poisoned because the target lacks
 * what it reads. It does not own: rewriting the instruction (loader/load/reloc.c does, from the result)
 * or reading the kernel's BTF (loader/load/kbtf.c). The rules follow the UAPI's enum bpf_core_relo_kind
 * and the semantics libbpf established, which clang's output assumes. */
#ifndef RAWLOAD_BTF_CORE_H
#define RAWLOAD_BTF_CORE_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf/btf.h"
#include "common/diag.h"

/* Access strings are at most this many indices ("0:1:2" is three); libbpf's limit too. */
enum { CORE_SPEC_MAX = 64 };

/* One named step of a field access: member idx of composite type_id (name set), or element idx of
 * an array whose element type is type_id (name NULL). */
struct core_acc {
	uint32_t type_id;
	uint32_t idx;
	const char *name;
};

/* A relocation's meaning in one BTF. */
struct core_spec {
	const struct btf_spec *btf;
	uint32_t root_id;              /* the record's type_id (local) or the matched candidate */
	struct core_acc acc[CORE_SPEC_MAX];
	uint32_t len;                  /* named steps (anonymous members are not steps) */
	uint32_t raw[CORE_SPEC_MAX];   /* every index, anonymous members included */
	uint32_t raw_len;
	uint64_t bit_offset;           /* of the accessed field from the root */
};

/* What the instruction must become. */
struct core_result {
	uint64_t orig_val;             /* what the compiler put there (from the local BTF) */
	uint64_t new_val;              /* what it must be on the target */
	uint32_t orig_sz, new_sz;      /* memory access size of the field, for LDX/ST/STX (0: none) */
	bool validate;                 /* the instruction must hold orig_val (else the object is odd) */
	bool poison;                   /* the target lacks it: make the instruction an invalid call */
	bool bad_size;                 /* the field's size changed in a way a load can't absorb */
	uint32_t target_id;            /* matched target root type (0: none, or TYPE_ID_LOCAL) */
	uint32_t nmatch;               /* candidates that matched (they must all agree) */
};

/* Candidates found so far, by local root type, so a program with hundreds of records looks in
 * the kernel's BTF once per distinct type rather than once per record. */
struct core_cache {
	struct core_cands {
		uint32_t local_id;
		uint32_t *ids;         /* owned */
		uint32_t n;
	} *e;                          /* owned */
	uint32_t n, cap;
	uint32_t *entry_of;            /* owned: per local type id, 1 + its index in e, or 0 */
	uint32_t nlocal;               /* entries in entry_of (the local BTF's types + 1) */
	struct core_spec *specs;       /* owned: two scratch specs (local, target), made at first use */
};

/* Resolve record r of local against target. big_endian: byte order of the programs (bit-field
 * shifts depend on it). cache may be NULL. Returns 0 with res filled, or a negative errno with d
 * filled ("core: [12] struct task_struct (0:1): ...") for records that make no sense or targets
 * that disagree with each other; a missing field or type is not an error (res->poison, or 0 for
 * the *_EXISTS kinds). */
int core_calc(const struct btf_spec *local, const struct btf_spec *target, const struct bpf_core_relo *r,
	      bool big_endian, struct core_cache *cache, struct core_result *res, struct diag *d);
void core_cache_free(struct core_cache *c);

/* CO-RE's type compatibility (what type_exists asks), for other users: __ksym variables and kfunc
 * prototypes against the kernel's. Typedefs and modifiers are skipped on both sides first; kinds
 * must agree (ENUM/ENUM64 may differ), pointers and arrays compare what they point to, function
 * prototypes their parameters and return type, composites only their kind. 1 yes, 0 no. */
bool core_type_compat(const struct btf_spec *local, uint32_t local_id, const struct btf_spec *target,
		      uint32_t target_id);

/* "field_byte_offset", "type_exists", ...; "kind N" for unknown ones (into a static buffer). */
const char *core_kind_name(uint32_t kind);
/* A reading of r in local for people: "struct task_struct.real_parent (0:23)",
 * "enum bpf_map_type::BPF_MAP_TYPE_RINGBUF", "struct foo". Never more than n bytes. Returns buf. */
char *core_relo_str(const struct btf_spec *local, const struct bpf_core_relo *r, char *buf, size_t n);

#endif
