/* loader/load/load_internal.h — what the load's files share: load.c runs the passes (and loads the
 * object's BTF), maps.c creates and fills maps, progs.c links and loads programs, pin.c pins,
 * kbtf.c reads the kernel's BTF and applies CO-RE, externs.c gives externs their kernel values.
 * Not for other modules. */
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
/* Pass "CO-RE" for one linked program. */
int load_apply_core(struct loaded *l, const struct load_opts *opts, const struct obj_prog *p,
		    struct linked_prog *lp, struct diag *d);
/* Pass "resolve externs": l->ext_vals and the .kconfig image from the running kernel. */
int load_resolve_externs(struct loaded *l, const struct load_opts *opts, struct diag *d);

/* The passes, in the order load_object runs them (each returns 0 or a negative errno with d set). */
int load_pass_create_maps(struct loaded *l, const struct load_opts *opts, struct diag *d);  /* maps.c */
int load_pass_init_maps(struct loaded *l, const struct load_opts *opts, struct diag *d);    /* maps.c */
int load_pass_load_progs(struct loaded *l, const struct load_opts *opts, struct diag *d);   /* progs.c */
int load_pass_fill_prog_arrays(struct loaded *l, const struct load_opts *opts, struct diag *d); /* maps.c */
int load_pass_pin(struct loaded *l, const struct load_opts *opts, struct diag *d);          /* pin.c */

/* Where map i is pinned, if anywhere: by-name pinning, or --pin DIR; "" when not. (maps.c) */
void load_map_pin_path(const struct loaded *l, const struct load_opts *opts, uint32_t i, char *out, size_t n);

/* On the first EPERM from a map or program creation: raise RLIMIT_MEMLOCK (kernels before 5.11
 * charge BPF memory to it). 1: raised, retry; 0: raised before (or unlimited), EPERM is something
 * else; a negative errno with d set: the raise was refused. `what` starts the messages. (load.c) */
int load_raise_memlock(struct loaded *l, const struct load_opts *opts, const char *what, struct diag *d);

#endif
