/* loader/reloc.h — relocation passes, pure: (1) link: copy a program's instructions, append the
 * subprograms it calls (transitively), fix call and callback offsets, rebase func_info and
 * line_info; (2) patch maps: put map fds and global-data offsets into the ld_imm64 instructions.
 * No syscalls: fds come in as numbers, so both passes can be unit-tested with hand-made ones. */
#ifndef RAWLOAD_RELOC_H
#define RAWLOAD_RELOC_H

#include <linux/bpf.h>
#include <stdint.h>

#include "common/diag.h"
#include "loader/obj.h"

struct reloc_site {
	uint32_t insn;                 /* index in the linked program */
	const struct obj_reloc *r;     /* RELOC_MAP, RELOC_DATA or RELOC_EXTERN */
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
	uint32_t ncore;                /* CO-RE relocation records in the linked functions (not
	                                * resolved yet: a program with any must not be loaded) */
};

/* Link program `prog` of o. Returns 0, or a negative errno with d filled; on error out holds
 * nothing to free. */
int reloc_link(const struct obj *o, uint32_t prog, struct linked_prog *out, struct diag *d);
/* Put map_fds[map index] into every map and data reference. Returns 0, or -ENOTSUP for an extern
 * (not supported yet) / -EBADF for a map without an fd, with d filled. */
int reloc_patch_maps(const struct obj *o, struct linked_prog *lp, const int *map_fds, struct diag *d);
void reloc_free(struct linked_prog *lp);

#endif
