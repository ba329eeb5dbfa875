/* loader/obj/secdef.h — the one table mapping libbpf's SEC() names to program type, expected attach
 * type, load flags and how rawload attaches the program. Pure data plus a matcher (and the splitting
 * of a uprobe target); the matching rules are libbpf's: "name" matches exactly, "name/" needs a
 * "/target", "name+" matches exactly or with "/target". Unknown names are not an error here: the
 * caller keeps the program and says so. */
#ifndef RAWLOAD_SECDEF_H
#define RAWLOAD_SECDEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

/* How rawload attaches a program of this kind (one file per kind in loader/attach_*.c). */
enum attach_kind {
	ATTACH_NONE,       /* loaded only; nothing to attach to (socket filters without a socket, ...) */
	ATTACH_XDP,        /* network interface */
	ATTACH_TRACEPOINT, /* perf event on a tracefs tracepoint */
	ATTACH_RAW_TP,     /* BPF_RAW_TRACEPOINT_OPEN */
	ATTACH_TP_BTF,
	ATTACH_KPROBE,
	ATTACH_UPROBE,
	ATTACH_TC,
	ATTACH_TCX,
	ATTACH_CGROUP,
	ATTACH_PERF_EVENT,
	ATTACH_TRACING,    /* fentry / fexit / fmod_ret / freplace */
	ATTACH_LSM,
	ATTACH_ITER,
	ATTACH_SK_LOOKUP,
	ATTACH_SOCKET,
	ATTACH_USDT,       /* uprobes placed from the target's .note.stapsdt */
	ATTACH_KINDS
};

enum secdef_flags {
	SECDEF_LOAD_ATTACH_TYPE = 1 << 0, /* pass expected_attach_type at load */
	SECDEF_LOAD_ATTACH_OPT = 1 << 1,  /* pass it, and retry without if the kernel says EINVAL */
	SECDEF_SLEEPABLE = 1 << 2,        /* BPF_F_SLEEPABLE */
	SECDEF_XDP_FRAGS = 1 << 3,        /* BPF_F_XDP_HAS_FRAGS */
	SECDEF_BTF_ID = 1 << 4,           /* needs attach_btf_id (a kernel function/tracepoint by BTF) */
};

struct secdef {
	const char *sec;            /* libbpf spelling, with its trailing '/' or '+' */
	uint32_t prog_type;         /* BPF_PROG_TYPE_* */
	uint32_t attach_type;       /* BPF_* attach type (used at load and/or attach) */
	uint32_t flags;             /* SECDEF_* */
	enum attach_kind attach;
};

/* The definition matching sec_name, or NULL. *target receives the part after the prefix's '/'
 * ("syscalls/sys_enter_execve" for "tracepoint/syscalls/sys_enter_execve"), "" when none. */
const struct secdef *secdef_find(const char *sec_name, const char **target);
/* The target of a uprobe section (libbpf's forms): "PATH:FUNC", "PATH:FUNC+OFFSET" or
 * "PATH:OFFSET". The path is everything before the last ':' (it may be relative: the caller says
 * against what). Pointers go into the target; nothing is copied. */
struct secdef_uprobe {
	const char *path;      /* path_len bytes, not NUL-terminated */
	size_t path_len;
	const char *func;      /* func_len bytes; func_len 0 when the target is a bare offset */
	size_t func_len;
	uint64_t offset;       /* bytes after the function's start, or the file offset itself */
	bool retprobe;         /* a uretprobe section */
};
/* Splits target (non-empty) for the uprobe section def. Offsets are decimal or 0x-hexadecimal.
 * Returns 0 or -EINVAL with d set ("uprobe target 'x': ..."). Pure. */
int secdef_uprobe_parse(const struct secdef *def, const char *target, struct secdef_uprobe *out,
			struct diag *d);

/* Short names for printing: "xdp", "tracepoint", ... */
const char *secdef_prog_type_name(uint32_t prog_type);
const char *secdef_attach_kind_name(enum attach_kind kind);
const char *secdef_attach_type_name(uint32_t attach_type);

#endif
