/* bpf/info.h — what the kernel says about its BPF objects: program, map, link and BTF info by fd
 * (BPF_OBJ_GET_INFO_BY_FD), a link's target decoded per link type (struct bpf_link_info laid out as
 * kernel 6.18 has it: tcx, perf_event, netfilter, ... are newer than the 6.1 headers this builds
 * against), the raw bytes of a BTF object, and which kind of object an fd is. Read only: nothing
 * here attaches, detaches or changes an object. Doesn't own naming targets (interfaces, cgroups)
 * or printing. */
#ifndef RAWLOAD_INFO_H
#define RAWLOAD_INFO_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>

/* Link types newer than the 6.1 UAPI headers, with the kernel that brought them. */
enum {
	INFO_LINK_NETFILTER = 10,    /* 6.4 */
	INFO_LINK_TCX = 11,          /* 6.6 */
	INFO_LINK_UPROBE_MULTI = 12, /* 6.6 */
	INFO_LINK_NETKIT = 13,       /* 6.7 */
	INFO_LINK_SOCKMAP = 14,      /* 6.10 */
};
/* enum bpf_perf_event_type (6.6): what a perf_event link's event is. */
enum {
	INFO_PERF_UNSPEC = 0,
	INFO_PERF_UPROBE = 1,
	INFO_PERF_URETPROBE = 2,
	INFO_PERF_KPROBE = 3,
	INFO_PERF_KRETPROBE = 4,
	INFO_PERF_TRACEPOINT = 5,
	INFO_PERF_EVENT = 6,
};

/* One link, flattened: only the fields of its type are set, the rest stay 0 / "". */
struct info_link {
	uint32_t type, id, prog_id;
	uint32_t attach_type;          /* cgroup, tcx, netkit, netns, tracing, sockmap */
	uint32_t ifindex;              /* xdp, tcx, netkit */
	uint64_t cgroup_id;            /* cgroup; an iterator over one cgroup */
	uint32_t netns_ino;            /* netns (sk_lookup, flow_dissector) */
	uint32_t map_id;               /* struct_ops, sockmap, an iterator over one map */
	uint32_t target_obj_id;        /* tracing: the BTF object (a program for freplace) */
	uint32_t target_btf_id;        /* tracing: the type inside it */
	uint32_t perf_type;            /* perf_event: INFO_PERF_*; 0 when the kernel does not say (< 6.6) */
	uint32_t offset;               /* perf_event uprobe: file offset; kprobe: offset from the function */
	uint64_t addr;                 /* perf_event kprobe: address (0 unless kallsyms shows addresses) */
	uint64_t config;               /* perf_event event: perf config */
	uint32_t event_type;           /* perf_event event: perf type */
	uint32_t count;                /* kprobe_multi, uprobe_multi: number of probes */
	uint32_t pid, tid;             /* uprobe_multi pid; an iterator over one task */
	uint32_t pf, hooknum, nf_flags;/* netfilter */
	int32_t priority;              /* netfilter */
	bool has_target;               /* the kernel filled the type's fields (older kernels may not) */
	char name[256];                /* raw_tracepoint and perf tracepoint name, kprobe function,
	                                * uprobe path, iterator target, uprobe_multi path; "" */
};

/* BPF_OBJ_GET_INFO_BY_FD on a link fd, twice when the type has a name to fetch. Returns 0 or a
 * negative errno. */
int info_link(int fd, struct info_link *out);

/* A program's info (zeroed first) and the first min(*nmaps, cap) of its map ids in map_ids[]
 * (*nmaps: how many the kernel has, which may be more than cap). Returns 0 or a negative errno. */
int info_prog(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t cap, uint32_t *nmaps);

/* A map's info (zeroed first). Returns 0 or a negative errno. */
int info_map(int fd, struct bpf_map_info *info);

/* A BTF object as the kernel holds it. */
struct info_btf {
	uint32_t id;
	bool kernel;                  /* vmlinux's or a module's BTF (not loaded by a program) */
	char name[64];                /* "vmlinux", a module's name, "" for BTF loaded by programs */
	uint8_t *data;                /* its raw bytes (header, types, strings), malloc'd */
	uint32_t size;
};
/* Reads the BTF behind btf_fd, at most max_size bytes (-E2BIG beyond). Returns 0 (free data with
 * free()) or a negative errno. */
int info_btf(int btf_fd, uint32_t max_size, struct info_btf *out);

/* BPF_PROG_QUERY of a tcx (or other multi-program) hook on interface ifindex of the caller's network
 * namespace (kernel 6.6): the ids of the links attached there, up to cap in link_ids (a 0 for a
 * program attached without a link); *count: how many the kernel has. 0 or a negative errno
 * (-EINVAL before 6.6 or for other attach types, -ENODEV: no such interface here). */
int info_query_links(int ifindex, uint32_t attach_type, uint32_t *link_ids, uint32_t cap, uint32_t *count);

enum info_fd_kind { INFO_FD_UNKNOWN, INFO_FD_PROG, INFO_FD_MAP, INFO_FD_LINK, INFO_FD_BTF };
/* What fd is, from the anonymous inode's name (/proc/self/fd/N -> "anon_inode:bpf-map", ...).
 * INFO_FD_UNKNOWN when /proc is not mounted or the fd is something else. */
enum info_fd_kind info_fd_kind(int fd);
const char *info_fd_kind_name(enum info_fd_kind kind); /* "prog", "map", "link", "btf", "?" */

#endif
