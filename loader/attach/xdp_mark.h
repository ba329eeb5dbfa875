/* loader/attach/xdp_mark.h — how rawload knows its own XDP programs again. A netlink attachment
 * outlives rawload (SIGKILL), so `rawload detach IFACE` must tell a program rawload put there from
 * one iproute2 or another loader did. Before a netlink attach rawload binds a small map named
 * "rawload_mark" to its program (BPF_PROG_BIND_MAP, kernel 5.10; libbpf binds its metadata map the
 * same way): its value names the interface, the network namespace and the process. The mark lives
 * as long as the program; bpftool shows it among the program's maps. */
#ifndef RAWLOAD_XDP_MARK_H
#define RAWLOAD_XDP_MARK_H

#include <stdbool.h>
#include <stdint.h>

#define XDP_MARK_NAME "rawload_mark"

/* The marker map's value (host byte order). */
struct xdp_mark {
	char magic[8];         /* "rawload" */
	uint32_t version;      /* 1 */
	uint32_t ifindex;      /* where rawload attached the program */
	uint64_t netns;        /* inode number of that network namespace (/proc/self/ns/net) */
	uint32_t pid;          /* the rawload process that attached it */
	uint32_t replaced_id;  /* the program --replace took the place of, 0 */
	uint64_t time;         /* seconds since the epoch, at attach */
};

/* Mark prog_fd as attached by this process on ifindex. 0, or a negative errno (-EINVAL: a kernel
 * before 5.10, which cannot bind a map; the attach goes on, unmarked). */
int xdp_mark_prog(int prog_fd, int ifindex, uint32_t replaced_id);

/* What the kernel says of program id, for recognising it and for telling a person who it is. */
struct xdp_prog_desc {
	uint32_t id;
	char name[16];             /* the program's name as loaded */
	char tag[17];              /* its tag (hex) */
	uint32_t uid;              /* who loaded it */
	uint64_t loaded_ago;       /* seconds since it was loaded */
	char maps[96];             /* the names of its maps, comma-separated (cut) */
	bool marked;               /* it carries a rawload mark ... */
	bool ours;                 /* ... for this interface in this network namespace */
	struct xdp_mark mark;      /* the mark, when marked */
};
/* 0 or a negative errno (-ENOENT: no such program any more). */
int xdp_describe_prog(uint32_t id, int ifindex, struct xdp_prog_desc *out);

/* The inode number of this process's network namespace, 0 when /proc cannot say. */
uint64_t xdp_mark_netns(void);

#endif
