/* loader/load/load.h — the loaded object: kernel objects made from the model by named passes, run in
 * order and narrated: resolve externs -> load BTF (rewritten if the kernel refuses a kind) ->
 * create maps (reusing pinned ones that match) -> fill global data, freeze .rodata, fill
 * map-in-maps -> link and patch each program -> load programs (verifier log on failure) -> fill
 * prog arrays -> pin. Owns every fd it makes; load_close() closes them. Attaching is not done
 * here (attach.h).
 *
 * Partial loads. One member the kernel or the object cannot give never sinks the rest:
 *  - a map the kernel refuses (BPF_MAP_CREATE fails: a map type or flag it does not know, ...) is
 *    refused, with the reason and, where known, the Linux version that brought what it lacks;
 *  - an extern the kernel has no value for (a CONFIG_ it does not set, a kfunc or ksym its BTF
 *    lacks) is refused likewise;
 *  - a program is refused when its section names no program type, linking it meets something the
 *    object cannot resolve (an undefined symbol, a section that is no map, data or code), it uses a
 *    refused map or extern, it needs the kernel's BTF and there is none, or the kernel refuses it
 *    for a feature it lacks (a program type, attach type or prog flag it does not know, found by
 *    trying without; an unknown helper, callbacks before 5.13, kfuncs, an unknown instruction, a
 *    CO-RE-poisoned instruction reached: read off the verifier's log), or says EPERM (capabilities,
 *    lockdown).
 * What fails the whole object (load_object returns an error, nothing is kept):
 *  - the verifier rejecting a program for what the program does (its log explains no missing
 *    feature): failed_prog and verifier_log say which and why, as libbpf users expect;
 *  - a map pinned with another definition than the object's (the pin is the user's to fix);
 *  - running out of memory, a kernel error filling a prog array.
 * (An EPERM the RLIMIT_MEMLOCK raise cannot cure refuses the member, saying the limit could not be
 * raised: on kernels before 5.11 every member then says so, and nothing usable loads.)
 * load_outcome() tells "everything", "in part" and "nothing usable" apart; the CLI turns them into
 * exit statuses 0, 3 and 1. */
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
	const char *btf_path;        /* --btf FILE: the kernel's BTF from this file (raw BTF, magic 0xEB9F,
	                              * or an ELF file with a .BTF section) instead of
	                              * /sys/kernel/btf/vmlinux, for CO-RE, BTF attach targets, __ksym and
	                              * kfuncs; NULL: the running kernel's */
	const bool *skip_prog;       /* per obj.progs: true leaves that program unloaded; NULL loads all */
	bool defer_pin;              /* with pin_dir: pin nothing under DIR yet; load_pin() does it
	                              * (after a successful attach, so a refused run changes no pins) */
	bool (*interrupted)(void);   /* asked before each map and program: true stops the load with
	                              * -EINTR, everything made so far closed; NULL: never */
};

struct reloc_ext_value;
struct vhint;
struct load_struct_ops;
struct load_st_prog;

/* A member the load left out, and why. */
struct load_refusal {
	char *why;         /* owned, one line that does not repeat the member's name ("it uses map 'm',
	                    * which was refused"); NULL: not refused */
	bool kernel_btf;   /* refused because it needs the kernel's BTF, which could not be had
	                    * (loaded.kbtf_why says why): the CLI names these programs together */
	struct vhint *hint; /* owned: a program refused on its verifier log (a helper or kfunc the
	                     * type may not call, a CO-RE poison reached) whose cause the verifier-hint
	                     * module knows: the C line and the fix (verifier_hint.h); NULL otherwise */
};

struct loaded {
	const struct obj *o;
	int btf_fd;                  /* -1 when the kernel has no BTF of ours */
	int *map_fds;                /* per obj.maps; -1 when not created (inner templates are closed) */
	bool *map_reused;            /* per obj.maps: taken from a pin instead of created */
	int *prog_fds;               /* per obj.progs; -1 when not loaded */
	/* What the load left out (see "Partial loads" above): per member, why. */
	struct load_refusal *map_refused;  /* per obj.maps */
	struct load_refusal *prog_refused; /* per obj.progs */
	struct load_refusal *ext_refused;  /* per obj.externs */
	uint32_t nrefused_maps, nrefused_progs;
	/* When the verifier rejects a program (the whole load fails): which one and what it said. */
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
	char *kbtf_why;               /* why the kernel's BTF could not be had (owned; asked once), or NULL */
	int kbtf_err;                 /* its errno, 0 when it could be had or was not asked for */
	struct reloc_ext_value *ext_vals; /* per obj.externs: what the kernel says of each, or NULL */
	uint8_t *kconfig_image;       /* the .kconfig map's value, or NULL */
	struct core_cache core_cache; /* CO-RE candidates in the kernel's BTF, by local type */
	bool xdp_attach_type_refused; /* a program loaded only without expected_attach_type BPF_XDP: stop passing it */
	bool memlock_raised;          /* RLIMIT_MEMLOCK raised (or tried) after an EPERM: never twice */
	char memlock_note[192];       /* why it could not be raised ("" when it could or was not tried) */
	struct load_struct_ops *st_ops; /* per obj.st_ops: the kernel's layout (loader/load/struct_ops.h) */
	struct load_st_prog *st_progs;  /* per obj.progs: what struct_ops programs load as */
};

/* Run every pass. Returns 0 when the object loaded, wholly or in part (l->*_refused say which
 * members were left out and why; load_outcome sums it up), or a negative errno with d set ("prog
 * 'x': ...", "map 'y': ...", "btf: ...") when the object as a whole failed: then everything made
 * so far is closed, except that l->failed_prog and l->verifier_log stay for the caller to show
 * (load_close frees them). */
int load_object(const struct obj *o, const struct load_opts *opts, struct loaded *l, struct diag *d);
void load_close(struct loaded *l);

enum load_outcome {
	LOAD_ALL,      /* every member asked for was made */
	LOAD_PARTIAL,  /* some were refused, some programs (or, in an object without programs, maps) loaded */
	LOAD_NOTHING,  /* members were refused and nothing usable loaded: no program (or no map) */
};
enum load_outcome load_outcome(const struct loaded *l);
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
