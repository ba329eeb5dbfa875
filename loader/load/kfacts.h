/* loader/load/kfacts.h — reading the texts the kernel describes itself with, for externs: its .config
 * (CONFIG_X=y lines), /proc/kallsyms lines and its release string. Pure: the texts come in as
 * bytes (loader/load/externs.c reads the files), so every rule here is unit-tested. */
#ifndef RAWLOAD_KFACTS_H
#define RAWLOAD_KFACTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"
#include "loader/obj/obj.h"

/* The value of NAME in a .config text ("y", "m", "250", "\"(none)\""), its length in *vlen; NULL
 * when absent ("# NAME is not set" counts as absent, as for libbpf). */
const char *kfacts_config_find(const char *text, size_t len, const char *name, size_t *vlen);

/* Write a .config value for __kconfig extern e at image + e->offset, by e's type:
 *   bool: y -> 1, n -> 0; char: 'y', 'm' or 'n'; enum libbpf_tristate: y 1, m 2, n 0;
 *   integers: decimal or 0x hex, refused when they don't fit; char arrays: a quoted string, cut
 *   to fit with its NUL. Returns 0, or -EINVAL with d filled ("extern 'CONFIG_HZ': ..."). */
int kfacts_config_set(const struct obj_extern *e, const char *value, size_t vlen, uint8_t *image,
		      struct diag *d);

/* Write an integer for extern e (LINUX_KERNEL_VERSION and the like). */
int kfacts_set_int(const struct obj_extern *e, uint64_t v, uint8_t *image, struct diag *d);

/* KERNEL_VERSION(major, minor, patch) of a release like "6.18.44-fc-v595" (patch capped at
 * 255, as the kernel's own macro does); 0 when it does not start with N.N. */
uint32_t kfacts_kernel_version(const char *release);

/* The prefix system calls' entry points carry where the kernel wraps them (x86-64 since 4.17,
 * arm64 since 4.19, s390, riscv): "__x64_sys_" for uname's machine "x86_64", ...; NULL for other
 * machines. */
const char *kfacts_syscall_prefix(const char *machine);

/* The address of `name` in a /proc/kallsyms text (core kernel symbols only: lines with a
 * [module] are skipped). Returns 1 found, 0 not found. */
int kfacts_kallsyms_find(const char *text, size_t len, const char *name, uint64_t *addr);

/* For many lookups in one text (an object with thousands of externs): its lines sorted once by
 * key (a .config line's NAME before '=', a kallsyms line's symbol name), so each lookup is
 * O(log n) instead of a pass over the text. The same answers as the functions above (the first
 * matching line). The index points into text. */
struct kfacts_index {
	struct kfacts_key *keys; /* owned */
	size_t n;
};
int kfacts_index_config(const char *text, size_t len, struct kfacts_index *ix);   /* 0 or -ENOMEM */
int kfacts_index_kallsyms(const char *text, size_t len, struct kfacts_index *ix); /* 0 or -ENOMEM */
void kfacts_index_free(struct kfacts_index *ix);
/* As kfacts_config_find / kfacts_kallsyms_find; ix NULL or empty: those. */
const char *kfacts_config_find_ix(const char *text, size_t len, const struct kfacts_index *ix, const char *name,
				  size_t *vlen);
int kfacts_kallsyms_find_ix(const char *text, size_t len, const struct kfacts_index *ix, const char *name,
			    uint64_t *addr);

#endif
