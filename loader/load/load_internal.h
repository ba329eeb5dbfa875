/* loader/load/load_internal.h — what the load's files share (load.c runs the passes; loader/load/kbtf.c
 * reads the kernel's BTF and applies CO-RE; externs.c gives externs their kernel values). Not for
 * other modules. */
#ifndef RAWLOAD_LOAD_INTERNAL_H
#define RAWLOAD_LOAD_INTERNAL_H

#include "loader/load/load.h"
#include "loader/load/reloc.h"

/* The rest of fd read whole into a malloc'ed buffer with a NUL after its *len bytes: procfs and
 * sysfs files may report no size, so it starts at hint bytes and doubles, up to max. NULL with
 * errno set (ENOMEM, EFBIG past max, or read's). (loader/load/kbtf.c) */
void *load_read_fd(int fd, size_t hint, size_t max, size_t *len);
/* Read /sys/kernel/btf/vmlinux into l->vmlinux once. Returns 0 or a negative errno with d set. */
int load_vmlinux_btf(struct loaded *l, const struct load_opts *opts, struct diag *d);
/* The first type of kind and name in l->vmlinux (loaded), or 0: a scan for the first few lookups,
 * then through an index built once, so an object with thousands of externs or tp_btf programs
 * costs a sort, not thousands of scans of 150,000 types. (loader/load/kbtf.c) */
uint32_t load_kernel_find(struct loaded *l, uint32_t kind, const char *name);
/* Pass "CO-RE" for one linked program. */
int load_apply_core(struct loaded *l, const struct load_opts *opts, const struct obj_prog *p,
		    struct linked_prog *lp, struct diag *d);
/* Pass "resolve externs": l->ext_vals and the .kconfig image from the running kernel. */
int load_resolve_externs(struct loaded *l, const struct load_opts *opts, struct diag *d);

#endif
