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
/* The first type of kind and name in l->vmlinux (loaded), or 0: a scan for the first few lookups,
 * then through an index built once, so an object with thousands of externs or tp_btf programs
 * costs a sort, not thousands of scans of 150,000 types. (loader/load/kbtf.c) */
uint32_t load_kernel_find(struct loaded *l, uint32_t kind, const char *name);
/* A stop request between two kernel objects (opts->interrupted): -EINTR with d set, else 0.
 * (loader/load/load.c) */
int load_interrupted(const struct load_opts *opts, struct diag *d);
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
 * charge BPF memory to it). 1: raised, retry; 0: not raised (tried before, unlimited, or refused:
 * l->memlock_note then says so, for the EPERM refusals). `what` starts the -v lines. (load.c) */
int load_raise_memlock(struct loaded *l, const struct load_opts *opts, const char *what);

/* Refusals (see load.h, "Partial loads"): record why member i is left out (a map's fd is closed),
 * narrate it, count it. why is formatted like printf. 0, or -ENOMEM. (load.c) */
int load_refuse_map(struct loaded *l, const struct load_opts *opts, uint32_t i, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int load_refuse_prog(struct loaded *l, const struct load_opts *opts, uint32_t i, bool kernel_btf, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int load_refuse_ext(struct loaded *l, const struct load_opts *opts, uint32_t i, bool kernel_btf, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* BPF_PROG_LOAD of def (program p) said EINVAL before verifying anything (no log): find which
 * attribute the kernel refuses by trying without each — an optional expected_attach_type (then
 * the program, loaded without it, is kept: returns 1 with *fd set), each prog flag, the required
 * expected_attach_type, the program type itself (a minimal program). Returns 0 with why[n] saying
 * what was found (or that nothing more is known). (progs.c) */
struct sys_prog_def;
int load_explain_einval(struct loaded *l, const struct load_opts *opts, const struct obj_prog *p,
			const struct sys_prog_def *def, int *fd, char *why, size_t n);
/* msg without a leading "KIND 'NAME': " (kind "prog", "map", "extern"). */
const char *load_unsubject(const char *msg, const char *kind, const char *name);
/* The kernel's BTF was asked for and could not be had (l->kbtf_why says why). */
bool load_kbtf_missing(const struct loaded *l);

#endif
