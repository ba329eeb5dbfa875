/* loader/obj/secdef.h — the one table mapping libbpf's SEC() names to program type, expected attach
 * type, load flags and how rawload attaches the program. Pure data plus a matcher (and the splitting
 * of a uprobe target); the matching rules are libbpf's: "name" matches exactly, "name/" needs a
 * "/target", "name+" matches exactly or with "/target". A separate, smaller table holds the prefixes
 * older loaders accepted ("xdp_vlan01" is an XDP program), tried only when no current name matches.
 * Unknown names are not an error here: the caller keeps the program and says so. */
#ifndef RAWLOAD_SECDEF_H
#define RAWLOAD_SECDEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

/* How rawload attaches a program of this kind (one file per kind in loader/attach/). */
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
	ATTACH_SOCKMAP,    /* sk_skb/sk_msg: BPF_PROG_ATTACH to a sockmap or sockhash of the object */
	ATTACH_FLOW_DISSECTOR, /* a netns link (or BPF_PROG_ATTACH) on rawload's network namespace */
	ATTACH_NETFILTER,  /* a netfilter link on a hook (--nf) */
	ATTACH_KPROBE_MULTI, /* one kprobe.multi link over the kernel functions a pattern names */
	ATTACH_UPROBE_MULTI, /* one uprobe.multi link over the functions of a file a pattern names */
	ATTACH_KINDS
};

enum secdef_flags {
	SECDEF_LOAD_ATTACH_TYPE = 1 << 0, /* pass expected_attach_type at load */
	SECDEF_LOAD_ATTACH_OPT = 1 << 1,  /* pass it, and retry without if the kernel says EINVAL */
	SECDEF_SLEEPABLE = 1 << 2,        /* BPF_F_SLEEPABLE */
	SECDEF_XDP_FRAGS = 1 << 3,        /* BPF_F_XDP_HAS_FRAGS */
	SECDEF_BTF_ID = 1 << 4,           /* needs attach_btf_id (a kernel function/tracepoint by BTF) */
	SECDEF_RETURN = 1 << 5,           /* kretprobe.multi / uretprobe.multi: a return probe */
};

struct secdef {
	const char *sec;            /* libbpf spelling, with its trailing '/' or '+' */
	uint32_t prog_type;         /* BPF_PROG_TYPE_* */
	uint32_t attach_type;       /* BPF_* attach type (used at load and/or attach) */
	uint32_t flags;             /* SECDEF_* */
	enum attach_kind attach;
};

/* The definition matching sec_name, or NULL. *target receives the part after the prefix's '/'
 * ("syscalls/sys_enter_execve" for "tracepoint/syscalls/sys_enter_execve"), "" when none.
 * libbpf's current names first; when none matches, the old prefix rules (secdef_find_legacy),
 * whose target is always "". */
const struct secdef *secdef_find(const char *sec_name, const char **target);

/* Section names libbpf accepted before 1.0 and cilium/ebpf accepts: a name that merely starts with
 * one of the prefixes ("xdp_vlan01", "socket/2", "sk_lookup/", "classifier_x") means what the
 * current name `sec` means. A separate table from libbpf's current names, consulted only when none
 * of those matches. */
enum secdef_legacy_from {
	LEGACY_LIBBPF = 1 << 0,  /* libbpf < 1.0 (sloppy prefixes of 0.6-0.8; every name a prefix before) */
	LEGACY_CILIUM = 1 << 1,  /* cilium/ebpf (every exact name of its table is matched as a prefix) */
};
struct secdef_legacy {
	const char *prefix;
	const char *sec;         /* the current name it stands for, an entry of the main table */
	uint32_t from;           /* LEGACY_* */
};
/* The old prefix rule sec_name falls under, or NULL (also when a current name matches it). */
const struct secdef_legacy *secdef_find_legacy(const char *sec_name);
/* "libbpf < 1.0, cilium/ebpf", "libbpf < 1.0" or "cilium/ebpf". */
const char *secdef_legacy_from_name(uint32_t from);
/* The section name a --type TYPE[:ATTACH] option stands for, in buf: TYPE alone, or TYPE/ATTACH
 * (only the first ':' becomes '/': "uprobe:/bin/bash:readline" is "uprobe//bin/bash:readline").
 * Returns the definition it matches (with *target into buf), or NULL. Pure. */
const struct secdef *secdef_from_type(const char *type, char *buf, size_t size, const char **target);
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
