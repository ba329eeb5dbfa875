/* bpf/info.c — object info read from the kernel (see info.h). Owns: the layout of struct
 * bpf_link_info as kernels up to 6.18 write it (include/uapi/linux/bpf.h, spelled out here because
 * the 6.1 headers lack tcx, perf_event, netfilter, uprobe_multi, netkit and sockmap members), the
 * two-call dance for names and BTF bytes (sizes first, then buffers), and /proc/self/fd kinds. */
#include "bpf/info.h"
#include "bpf/sys.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* struct bpf_link_info of kernel 6.18. The union starts at offset 16 (it holds u64s). Fields the
 * kernel reads back (name buffers and their lengths) are inputs on the second call only. */
struct link_info_raw {
	uint32_t type, id, prog_id, pad;
	union {
		struct { uint64_t tp_name; uint32_t tp_name_len, pad; uint64_t cookie; } raw_tp;
		struct { uint32_t attach_type, target_obj_id, target_btf_id, pad; uint64_t cookie; } tracing;
		struct { uint64_t cgroup_id; uint32_t attach_type; } cgroup;
		struct {
			uint64_t target_name;
			uint32_t target_name_len;
			uint32_t map_id;
			union {
				struct { uint64_t cgroup_id; uint32_t order; } cgroup;
				struct { uint32_t tid, pid; } task;
			};
		} iter;
		struct { uint32_t netns_ino, attach_type; } netns;
		struct { uint32_t ifindex; } xdp;
		struct { uint32_t map_id; } struct_ops;
		struct { uint32_t pf, hooknum; int32_t priority; uint32_t flags; } netfilter;
		struct { uint64_t addrs; uint32_t count, flags; uint64_t missed, cookies; } kprobe_multi;
		struct {
			uint64_t path, offsets, ref_ctr_offsets, cookies;
			uint32_t path_size, count, flags, pid;
		} uprobe_multi;
		struct {
			uint32_t type, pad;
			union {
				struct { uint64_t file_name; uint32_t name_len, offset; uint64_t cookie, ref_ctr; } uprobe;
				struct { uint64_t func_name; uint32_t name_len, offset; uint64_t addr, missed, cookie; } kprobe;
				struct { uint64_t tp_name; uint32_t name_len, pad; uint64_t cookie; } tracepoint;
				struct { uint64_t config; uint32_t type, pad; uint64_t cookie; } event;
			};
		} perf_event;
		struct { uint32_t ifindex, attach_type; } tcx;
		struct { uint32_t ifindex, attach_type; } netkit;
		struct { uint32_t map_id, attach_type; } sockmap;
	} u;
};
_Static_assert(offsetof(struct link_info_raw, u) == 16, "bpf_link_info's union starts at 16");

static uint64_t ptr_to_u64(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* How far the kernel wrote: a field lies past *len on kernels that do not know it. */
#define HAS(len, field) ((len) >= offsetof(struct link_info_raw, field) + sizeof(((struct link_info_raw *)0)->field))

/* The second call: the same info with a name buffer for the link's type. */
static int link_name(int fd, struct link_info_raw *r, struct info_link *out)
{
	char *buf = out->name;
	uint32_t cap = sizeof(out->name), len = sizeof(*r);
	memset(r, 0, sizeof(*r));
	switch (out->type) {
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		r->u.raw_tp.tp_name = ptr_to_u64(buf);
		r->u.raw_tp.tp_name_len = cap;
		break;
	case BPF_LINK_TYPE_ITER:
		r->u.iter.target_name = ptr_to_u64(buf);
		r->u.iter.target_name_len = cap;
		break;
	case INFO_LINK_UPROBE_MULTI:
		r->u.uprobe_multi.path = ptr_to_u64(buf);
		r->u.uprobe_multi.path_size = cap;
		break;
	case BPF_LINK_TYPE_PERF_EVENT:
		switch (out->perf_type) {
		case INFO_PERF_UPROBE: case INFO_PERF_URETPROBE:
			r->u.perf_event.uprobe.file_name = ptr_to_u64(buf);
			r->u.perf_event.uprobe.name_len = cap;
			break;
		case INFO_PERF_KPROBE: case INFO_PERF_KRETPROBE:
			r->u.perf_event.kprobe.func_name = ptr_to_u64(buf);
			r->u.perf_event.kprobe.name_len = cap;
			break;
		case INFO_PERF_TRACEPOINT:
			r->u.perf_event.tracepoint.tp_name = ptr_to_u64(buf);
			r->u.perf_event.tracepoint.name_len = cap;
			break;
		default:
			return 0;
		}
		break;
	default:
		return 0;
	}
	int err = sys_obj_info(fd, r, &len);
	/* A name longer than the buffer comes back cut, with ENOSPC: keep what arrived. */
	if (err && err != -ENOSPC)
		buf[0] = '\0';
	buf[cap - 1] = '\0';
	return err == -ENOSPC ? 0 : err;
}

/* The target of a link from its type's member of the info (len: how far the kernel wrote). */
static void link_target(const struct link_info_raw *r, uint32_t len, struct info_link *out)
{
	out->has_target = true;
	switch (r->type) {
	case BPF_LINK_TYPE_RAW_TRACEPOINT:
		break;
	case BPF_LINK_TYPE_TRACING:
		out->attach_type = r->u.tracing.attach_type;
		out->target_obj_id = r->u.tracing.target_obj_id;
		out->target_btf_id = r->u.tracing.target_btf_id;
		break;
	case BPF_LINK_TYPE_CGROUP:
		out->cgroup_id = r->u.cgroup.cgroup_id;
		out->attach_type = r->u.cgroup.attach_type;
		break;
	case BPF_LINK_TYPE_ITER:
		out->map_id = r->u.iter.map_id;
		/* Which of cgroup and task the kernel filled depends on the target: keep both, the
		 * caller reads the one the target name calls for. */
		out->cgroup_id = r->u.iter.cgroup.cgroup_id;
		out->tid = r->u.iter.task.tid;
		out->pid = r->u.iter.task.pid;
		break;
	case BPF_LINK_TYPE_NETNS:
		out->netns_ino = r->u.netns.netns_ino;
		out->attach_type = r->u.netns.attach_type;
		break;
	case BPF_LINK_TYPE_XDP:
		out->ifindex = r->u.xdp.ifindex;
		break;
	case BPF_LINK_TYPE_STRUCT_OPS:
		out->map_id = r->u.struct_ops.map_id;
		out->has_target = HAS(len, u.struct_ops.map_id); /* 6.4 */
		break;
	case INFO_LINK_NETFILTER:
		out->pf = r->u.netfilter.pf;
		out->hooknum = r->u.netfilter.hooknum;
		out->priority = r->u.netfilter.priority;
		out->nf_flags = r->u.netfilter.flags;
		break;
	case BPF_LINK_TYPE_KPROBE_MULTI:
		out->count = r->u.kprobe_multi.count;
		out->has_target = HAS(len, u.kprobe_multi.count); /* 6.6 */
		break;
	case INFO_LINK_UPROBE_MULTI:
		out->count = r->u.uprobe_multi.count;
		out->pid = r->u.uprobe_multi.pid;
		break;
	case BPF_LINK_TYPE_PERF_EVENT:
		/* Before 6.6 the kernel wrote nothing for perf_event links: type stays 0. */
		out->perf_type = r->u.perf_event.type;
		out->has_target = out->perf_type != INFO_PERF_UNSPEC;
		if (out->perf_type == INFO_PERF_UPROBE || out->perf_type == INFO_PERF_URETPROBE) {
			out->offset = r->u.perf_event.uprobe.offset;
		} else if (out->perf_type == INFO_PERF_KPROBE || out->perf_type == INFO_PERF_KRETPROBE) {
			out->offset = r->u.perf_event.kprobe.offset;
			out->addr = r->u.perf_event.kprobe.addr;
		} else if (out->perf_type == INFO_PERF_EVENT) {
			out->config = r->u.perf_event.event.config;
			out->event_type = r->u.perf_event.event.type;
		}
		break;
	case INFO_LINK_TCX:
		out->ifindex = r->u.tcx.ifindex;
		out->attach_type = r->u.tcx.attach_type;
		break;
	case INFO_LINK_NETKIT:
		out->ifindex = r->u.netkit.ifindex;
		out->attach_type = r->u.netkit.attach_type;
		break;
	case INFO_LINK_SOCKMAP:
		out->map_id = r->u.sockmap.map_id;
		out->attach_type = r->u.sockmap.attach_type;
		break;
	default:
		out->has_target = false;
		break;
	}
}

int info_link(int fd, struct info_link *out)
{
	struct link_info_raw r;
	uint32_t len = sizeof(r);
	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));
	int err = sys_obj_info(fd, &r, &len);
	if (err)
		return err;
	out->type = r.type;
	out->id = r.id;
	out->prog_id = r.prog_id;
	link_target(&r, len, out);
	/* The link may go away between the two calls: then the name stays "". */
	if (link_name(fd, &r, out) < 0)
		out->name[0] = '\0';
	return 0;
}

int info_prog(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t cap, uint32_t *nmaps)
{
	uint32_t len = sizeof(*info);
	memset(info, 0, sizeof(*info));
	*nmaps = 0;
	int err = sys_obj_info(fd, info, &len);
	if (err || !info->nr_map_ids || !cap)
		return err;
	/* Ask again for the map ids alone: the kernel fills only the arrays it is given. */
	uint32_t total = info->nr_map_ids;
	struct bpf_prog_info again;
	memset(&again, 0, sizeof(again));
	again.nr_map_ids = total < cap ? total : cap;
	again.map_ids = ptr_to_u64(map_ids);
	len = sizeof(again);
	err = sys_obj_info(fd, &again, &len);
	if (err)
		return err;
	*nmaps = total; /* the caller reads min(total, cap) of them */
	return 0;
}

int info_map(int fd, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);
	memset(info, 0, sizeof(*info));
	return sys_obj_info(fd, info, &len);
}

int info_btf(int btf_fd, uint32_t max_size, struct info_btf *out)
{
	struct bpf_btf_info bi;
	uint32_t len = sizeof(bi);
	memset(out, 0, sizeof(*out));
	memset(&bi, 0, sizeof(bi));
	bi.name = ptr_to_u64(out->name);
	bi.name_len = sizeof(out->name);
	int err = sys_obj_info(btf_fd, &bi, &len);
	if (err && err != -ENOSPC)
		return err;
	out->name[sizeof(out->name) - 1] = '\0';
	out->id = bi.id;
	out->kernel = bi.kernel_btf;
	if (bi.btf_size == 0)
		return -ENODATA;
	if (bi.btf_size > max_size)
		return -E2BIG;
	uint32_t size = bi.btf_size;
	out->data = malloc(size);
	if (!out->data)
		return -ENOMEM;
	memset(&bi, 0, sizeof(bi));
	bi.btf = ptr_to_u64(out->data);
	bi.btf_size = size;
	len = sizeof(bi);
	err = sys_obj_info(btf_fd, &bi, &len);
	if (!err && bi.btf_size != size)
		err = -EBADMSG; /* BTF objects are immutable: a different size is not one we asked for */
	if (err) {
		free(out->data);
		out->data = NULL;
		return err;
	}
	out->size = size;
	return 0;
}

/* The BPF_PROG_QUERY part of union bpf_attr as 6.6 extended it (link ids and a revision), newer than
 * the 6.1 headers. */
struct query_raw {
	uint32_t target;                  /* target_fd or target_ifindex */
	uint32_t attach_type, query_flags, attach_flags;
	uint64_t prog_ids;
	uint32_t count, pad;
	uint64_t prog_attach_flags, link_ids, link_attach_flags, revision;
};

int info_query_links(int ifindex, uint32_t attach_type, uint32_t *link_ids, uint32_t cap, uint32_t *count)
{
	enum { MAX = 64 };
	uint32_t prog_ids[MAX]; /* the kernel writes link ids only alongside program ids */
	if (cap > MAX)
		cap = MAX;
	union {
		union bpf_attr attr;
		struct query_raw q;
	} u;
	memset(&u, 0, sizeof(u));
	u.q.target = (uint32_t)ifindex;
	u.q.attach_type = attach_type;
	u.q.prog_ids = ptr_to_u64(prog_ids);
	u.q.link_ids = ptr_to_u64(link_ids);
	u.q.count = cap;
	int err = sys_bpf(BPF_PROG_QUERY, &u.attr, sizeof(u.q));
	*count = u.q.count;
	return err == -ENOSPC ? 0 : err;
}

enum info_fd_kind info_fd_kind(int fd)
{
	char path[64], target[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return INFO_FD_UNKNOWN;
	target[n] = '\0';
	/* The names anon_inode_getfd gets in kernel/bpf/syscall.c and btf.c ("bpf_link" before 6.x,
	 * "bpf-link" on 6.18). */
	if (!strcmp(target, "anon_inode:bpf-prog"))
		return INFO_FD_PROG;
	if (!strcmp(target, "anon_inode:bpf-map"))
		return INFO_FD_MAP;
	if (!strcmp(target, "anon_inode:bpf_link") || !strcmp(target, "anon_inode:bpf-link"))
		return INFO_FD_LINK;
	if (!strcmp(target, "anon_inode:btf"))
		return INFO_FD_BTF;
	return INFO_FD_UNKNOWN;
}

const char *info_fd_kind_name(enum info_fd_kind kind)
{
	switch (kind) {
	case INFO_FD_PROG: return "prog";
	case INFO_FD_MAP: return "map";
	case INFO_FD_LINK: return "link";
	case INFO_FD_BTF: return "btf";
	default: return "?";
	}
}
