/* loader/load/reloc.h — relocation passes, pure: (1) link: copy a program's instructions, append
 * the subprograms it calls (transitively), fix call and callback offsets, rebase func_info and
 * line_info, collect CO-RE sites; (2) patch maps: put map fds and global-data offsets into the
 * ld_imm64 instructions.
 * No syscalls: fds come in as numbers, so both passes can be unit-tested with hand-made ones. */
#ifndef RAWLOAD_RELOC_H
#define RAWLOAD_RELOC_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/diag.h"
#include "loader/obj/obj.h"

struct reloc_site {
	uint32_t insn;                 /* index in the linked program */
	const struct obj_reloc *r;     /* RELOC_MAP, RELOC_DATA or RELOC_EXTERN */
};

/* A CO-RE relocation record that falls in the linked program. */
struct core_site {
	uint32_t insn;                 /* index in the linked program */
	const struct bpf_core_relo *r; /* the record (host order; insn_off still section-relative) */
};

struct linked_prog {
	struct bpf_insn *insns;        /* owned */
	uint32_t count;
	uint32_t *funcs;               /* obj.funcs indices in the order appended; funcs[0] is the entry */
	uint32_t *bases;               /* where each of them starts */
	uint32_t nfuncs;
	struct bpf_func_info *func_info; /* owned, insn_off in instructions (what the kernel wants) */
	uint32_t nfunc_info;
	struct bpf_line_info *line_info; /* owned, likewise */
	uint32_t nline_info;
	struct reloc_site *sites;      /* owned: where map fds / data offsets go */
	uint32_t nsites;
	struct core_site *core;        /* owned: CO-RE records to resolve before the load */
	uint32_t ncore;
	struct {                       /* room in each array, kept for reloc_relink */
		uint32_t insns, funcs, bases, func_info, line_info, sites, core;
	} cap;
};

/* Link program `prog` of o. Returns 0, or a negative errno with d filled; on error out holds
 * nothing to free. */
int reloc_link(const struct obj *o, uint32_t prog, struct linked_prog *out, struct diag *d);
/* The same into out's arrays, which an earlier reloc_link or reloc_relink made (or all zero):
 * linking program after program reuses them instead of allocating and freeing each time.
 * reloc_free still frees them at the end; on error they are freed already. */
int reloc_relink(const struct obj *o, uint32_t prog, struct linked_prog *out, struct diag *d);
/* Why program prog cannot load for reasons of the object alone (its section names no program type,
 * or linking it meets a RELOC_BAD or another link error), in why[n]; NULL when nothing in the
 * object stops it. Links the program to find out. */
const char *reloc_prog_problem(const struct obj *o, uint32_t prog, char *why, size_t n);
/* What the running kernel says of extern i (loader/load/externs.c finds it). */
struct reloc_ext_value {
	bool found;                    /* false only for a __weak extern the kernel lacks */
	uint32_t btf_id;               /* EXT_KSYM, EXT_KFUNC: its id in the kernel's BTF */
	uint64_t addr;                 /* EXT_KSYM_TYPELESS: its address (kallsyms) */
};

/* Put map_fds[map index] into every map and data reference (__kconfig externs are data in the
 * .kconfig map), and ext[extern index] into every __ksym and kfunc reference:
 *   kfunc call      -> BPF_PSEUDO_KFUNC_CALL with the kernel BTF id (a missing weak one becomes a
 *                      call of helper RELOC_CORE_POISON: an error only if reached);
 *   __ksym variable -> ld_imm64 BPF_PSEUDO_BTF_ID (kfunc address for bpf_ksym_exists too);
 *   typeless __ksym -> ld_imm64 of its address; missing weak ones load 0.
 * ext may be NULL when the object has no externs. Returns 0, or -ENOTSUP for an extern without
 * a value / -EBADF for a map without an fd, with d filled. */
int reloc_patch(const struct obj *o, struct linked_prog *lp, const int *map_fds,
		const struct reloc_ext_value *ext, struct diag *d);
static inline int reloc_patch_maps(const struct obj *o, struct linked_prog *lp, const int *map_fds,
				   struct diag *d)
{
	return reloc_patch(o, lp, map_fds, NULL, d);
}
/* Rewrite the instruction of CO-RE site k with a computed result (btf/core.h): the immediate of
 * an ALU instruction or ld_imm64, or the offset (and, where the field's size changed, the size) of
 * a load or store; a poisoned result, or a size change a load can't absorb, turns the instruction
 * into a call of helper 0xbad2310, which the verifier reports only if it is reached. Returns 0,
 * 1 when the instruction was poisoned, or -EINVAL/-ERANGE with d filled when the instruction does
 * not hold what the compiler should have put there. */
struct core_result;
int reloc_core_patch(struct linked_prog *lp, uint32_t k, const struct core_result *res, struct diag *d);
/* The poison's helper id ("invalid func unknown#195896080" in a verifier log). */
enum { RELOC_CORE_POISON = 0xbad2310 };
void reloc_free(struct linked_prog *lp);

#endif
