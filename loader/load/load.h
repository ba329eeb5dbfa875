/* loader/load/load.h — the loaded object: kernel objects made from the model by named passes, run in
 * order and narrated: load BTF (rewritten if the kernel refuses a kind) -> create maps (reusing
 * pinned ones that match) -> fill global data, freeze .rodata, fill map-in-maps -> link and patch
 * each program -> load programs (verifier log on failure) -> fill prog arrays -> pin.
 * Owns every fd it makes; load_close() closes them. Attaching is not done here (attach.h). */
#ifndef RAWLOAD_LOAD_H
#define RAWLOAD_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "btf/btf.h"
#include "btf/core.h"
#include "common/diag.h"
#include "loader/narrate.h"
#include "loader/obj/obj.h"

struct load_opts {
	const struct narrator *say;  /* -v narration; NULL for none */
	const char *pin_dir;         /* --pin DIR: reuse maps from DIR/maps, pin maps and programs there */
	const char *pin_root;        /* where maps declared "pinning by name" live; NULL: /sys/fs/bpf */
	const bool *skip_prog;       /* per obj.progs: true leaves that program unloaded; NULL loads all */
	bool defer_pin;              /* with pin_dir: pin nothing under DIR yet; load_pin() does it
	                              * (after a successful attach, so a refused run changes no pins) */
	bool (*interrupted)(void);   /* asked before each map and program: true stops the load with
	                              * -EINTR, everything made so far closed; NULL: never */
};

struct reloc_ext_value;

struct loaded {
	const struct obj *o;
	int btf_fd;                  /* -1 when the kernel has no BTF of ours */
	int *map_fds;                /* per obj.maps; -1 when not created (inner templates are closed) */
	bool *map_reused;            /* per obj.maps: taken from a pin instead of created */
	int *prog_fds;               /* per obj.progs; -1 when not loaded */
	/* When a program fails to load: which one and what the verifier said. */
	int failed_prog;             /* index into obj.progs, -1 */
	char *verifier_log;          /* owned, NUL-terminated, may be NULL */
	/* Kernel BTF, read once when a program needs an attach_btf_id (tp_btf/, fentry/, lsm/, ...)
	 * or has CO-RE relocations or externs; dropped when the load is done. */
	struct btf_spec *vmlinux;
	void *vmlinux_data;
	size_t vmlinux_size;
	bool vmlinux_mapped;          /* vmlinux_data is an mmap of sysfs (else malloc'ed) */
	struct btf_index vmlinux_ix;  /* its names, indexed once many lookups come (load_kernel_find) */
	uint32_t vmlinux_lookups;
	struct reloc_ext_value *ext_vals; /* per obj.externs: what the kernel says of each, or NULL */
	uint8_t *kconfig_image;       /* the .kconfig map's value, or NULL */
	struct core_cache core_cache; /* CO-RE candidates in the kernel's BTF, by local type */
	bool xdp_attach_type_refused; /* kernel refused expected_attach_type BPF_XDP once: stop passing it */
	bool memlock_raised;          /* RLIMIT_MEMLOCK raised (or tried) after an EPERM: never twice */
};

/* Run every pass. On failure everything made so far is closed, except that l->failed_prog and
 * l->verifier_log stay for the caller to show (load_close frees them). Returns 0 or a negative
 * errno with d set ("prog 'x': ...", "map 'y': ...", "btf: ..."). */
int load_object(const struct obj *o, const struct load_opts *opts, struct loaded *l, struct diag *d);
void load_close(struct loaded *l);
/* Pin the maps and programs under opts->pin_dir (DIR/maps, DIR/progs; program pins of an earlier
 * run are replaced). All or nothing: on failure the pins made are taken back. */
int load_pin(struct loaded *l, const struct load_opts *opts, struct diag *d);

/* The kernel-side map definition rawload uses for model map i (sizes the kernel insists on, BTF
 * ids only where the kernel accepts them). Exposed for tests and for pinned-map checks. */
struct sys_map_def;
void load_kernel_map_def(const struct loaded *l, uint32_t i, struct sys_map_def *def, char name[16]);

/* The part of a verifier log that explains a failure: from the last source line the kernel quoted
 * before the end (";" lines come from line_info). Points into log; *len receives its length. */
const char *load_log_excerpt(const char *log, size_t *len);

#endif
