/* loader/attach/attach.c — which program attaches where (see attach.h), pinning links and reusing them
 * on a second --pin run, detaching, and the two clean-up commands: `rawload detach IFACE` and
 * `rawload unpin DIR`. */
#include "loader/attach/attach.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/netlink.h"
#include "bpf/sys.h"

/* A program another program reaches through a prog array is not an entry point: per program,
 * the first prog array (in initialiser order) that holds it, or -1; one pass over the
 * initialisers rather than one per program. NULL when out of memory. */
static int32_t *tail_call_arrays(const struct obj *o)
{
	int32_t *via = malloc((o->nprogs + 1) * sizeof(*via));
	if (!via)
		return NULL;
	for (uint32_t i = 0; i < o->nprogs; i++)
		via[i] = -1;
	for (uint32_t i = o->ninits; i-- > 0;)
		if (o->inits[i].is_prog && o->inits[i].index < o->nprogs)
			via[o->inits[i].index] = (int32_t)o->inits[i].map;
	return via;
}

void attach_not(struct attachment *a, enum attach_state state, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	a->state = state;
	vsnprintf(a->note, sizeof(a->note), fmt, ap);
	va_end(ap);
}

/* What attaching one program leaves for the next: the interface's XDP program (one per
 * interface), the next free id in the object's USDT spec map. */
struct attach_walk {
	int xdp_owner;
	uint32_t usdt_spec;
};

/* Program a->prog attached the way its section says, or a's note says why not. 0, or a negative
 * errno with d set. */
static int attach_one(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		      struct attachment *a, struct attach_walk *w, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	enum attach_kind kind = p->def->attach;
	if (kind == ATTACH_TC && p->def->prog_type != BPF_PROG_TYPE_SCHED_CLS) {
		/* SEC("action"): a tc action, run by a filter's action list, not an interface. */
		attach_not(a, ATT_UNSUPPORTED,
			   "not attached: sched_act programs run as actions of a tc filter, which rawload does not make yet");
		return 0;
	}
	if ((kind == ATTACH_XDP || kind == ATTACH_TCX || kind == ATTACH_TC || kind == ATTACH_SOCKET) && !opts->ifindex) {
		attach_not(a, ATT_SKIPPED, "not attached: no interface given");
		return 0;
	}
	if ((kind == ATTACH_UPROBE || kind == ATTACH_UPROBE_MULTI || kind == ATTACH_USDT || kind == ATTACH_KPROBE ||
	     kind == ATTACH_KPROBE_MULTI) && !*p->target) {
		/* SEC("uprobe"), SEC("usdt"), ...: libbpf leaves these to the program's own loader too */
		attach_not(a, ATT_SKIPPED, "not attached: no target in the section name");
		return 0;
	}
	int err;
	switch (kind) {
	case ATTACH_XDP:
		if (w->xdp_owner >= 0) {
			attach_not(a, ATT_SKIPPED,
				   "not attached: %s already runs '%s' (one XDP program per interface; --prog chooses)",
				   opts->ifname, o->progs[w->xdp_owner].name);
			return 0;
		}
		err = attach_xdp(o, l, opts, a, d);
		if (!err)
			w->xdp_owner = (int)a->prog;
		return err;
	case ATTACH_TCX: /* several per interface are fine: tcx keeps a list */
	case ATTACH_TC:  /* no direction in the section: ingress, or --egress */
		return attach_tcx(o, l, opts, a, d);
	case ATTACH_CGROUP:
		if (!opts->cgroup) {
			attach_not(a, ATT_SKIPPED, "not attached: no cgroup given");
			return 0;
		}
		return attach_cgroup(o, l, opts, a, d);
	case ATTACH_SOCKET: return attach_socket_filter(o, l, opts, a, d);
	case ATTACH_TRACEPOINT: return attach_tracepoint(o, l, opts, a, d);
	case ATTACH_RAW_TP: return attach_raw_tp(o, l, opts, a, d);
	case ATTACH_UPROBE: return attach_uprobe(o, l, opts, a, d);
	case ATTACH_UPROBE_MULTI: return attach_uprobe_multi(o, l, opts, a, d);
	case ATTACH_USDT: return attach_usdt(o, l, opts, a, &w->usdt_spec, d);
	case ATTACH_KPROBE: return attach_kprobe(o, l, opts, a, d);
	case ATTACH_KPROBE_MULTI: return attach_kprobe_multi(o, l, opts, a, d);
	case ATTACH_SK_LOOKUP: return attach_sk_lookup(o, l, opts, a, d);
	case ATTACH_TP_BTF:
	case ATTACH_TRACING:
	case ATTACH_LSM: return attach_tracing(o, l, opts, a, d);
	case ATTACH_ITER: return attach_iter(o, l, opts, a, d);
	case ATTACH_PERF_EVENT: return attach_perf_sampling(o, l, opts, a, d);
	case ATTACH_SOCKMAP: return attach_sockmap(o, l, opts, a, d);
	case ATTACH_FLOW_DISSECTOR: return attach_flow_dissector(o, l, opts, a, d);
	case ATTACH_NETFILTER: return attach_netfilter(o, l, opts, a, d);
	case ATTACH_NONE:
		if (p->def->prog_type == BPF_PROG_TYPE_STRUCT_OPS) /* a member of a struct_ops map, registered later */
			attach_struct_ops_prog(o, l, a);
		else
			attach_not(a, ATT_SKIPPED, "not attached: %s programs have nothing to attach to",
				   secdef_prog_type_name(p->def->prog_type));
		return 0;
	default:
		attach_not(a, ATT_UNSUPPORTED, "not attached: attach kind %s not supported yet",
			   secdef_attach_kind_name(kind));
		return 0;
	}
}

int attach_all(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
	       struct attach_set *out, struct diag *d)
{
	out->n = 0;
	out->closing[0] = '\0';
	out->st = NULL;
	out->nst = 0;
	out->a = calloc(o->nprogs ? o->nprogs : 1, sizeof(*out->a));
	int32_t *via_array = tail_call_arrays(o);
	if (!out->a || !via_array) {
		free(out->a);
		free(via_array);
		out->a = NULL;
		return diag_set(d, -ENOMEM, "attach: out of memory");
	}
	struct attach_walk w = {.xdp_owner = -1};
	int err = 0;
	for (uint32_t i = 0; i < o->nprogs && !err; i++) {
		const struct obj_prog *p = &o->progs[i];
		bool st_ops = p->def && p->def->prog_type == BPF_PROG_TYPE_STRUCT_OPS;
		/* Not loaded: refused (the CLI names those), or a struct_ops program no map uses (said below). */
		if ((l->prog_fds[i] < 0 && (!st_ops || l->prog_refused[i].why)) || (opts->only && !opts->only[i]))
			continue;
		if (opts->interrupted && opts->interrupted()) {
			err = diag_set(d, -EINTR, "attach: interrupted by a signal; what was attached is detached");
			break;
		}
		struct attachment *a = &out->a[out->n++];
		*a = (struct attachment){.prog = i, .link_fd = -1, .perf_fd = -1, .target_fd = -1, .sock_fd = -1,
					 .xdp_old_fd = -1, .state = ATT_ATTACHED};
		if (via_array[i] >= 0)
			attach_not(a, ATT_SKIPPED, "not attached: reached by tail call through '%s'",
				   o->maps[via_array[i]].name);
		else if ((err = attach_one(o, l, opts, a, &w, d)))
			out->n--; /* nothing of this one to undo */
	}
	free(via_array);
	if (!err)
		err = attach_struct_ops(o, l, opts, out, d);
	if (err)
		attach_close(o, l, out, opts->say);
	return err;
}

int attach_multi_alloc(struct attachment *a, uint32_t n)
{
	a->links = malloc((n ? n : 1) * sizeof(*a->links));
	a->perfs = malloc((n ? n : 1) * sizeof(*a->perfs));
	if (!a->links || !a->perfs) {
		free(a->links);
		free(a->perfs);
		a->links = a->perfs = NULL;
		return -ENOMEM;
	}
	for (uint32_t k = 0; k < n; k++)
		a->links[k] = a->perfs[k] = -1;
	a->nmulti = n;
	return 0;
}

void attach_multi_close(struct attachment *a)
{
	for (uint32_t k = 0; a->links && k < a->nmulti; k++)
		if (a->links[k] >= 0)
			close(a->links[k]);
	for (uint32_t k = 0; a->perfs && k < a->nmulti; k++)
		if (a->perfs[k] >= 0)
			close(a->perfs[k]);
	free(a->links);
	free(a->perfs);
	a->links = a->perfs = NULL;
	a->nmulti = 0;
}

int attach_pinnable(const struct obj *o, const struct attach_set *set, struct diag *d)
{
	if (set->nst)
		return diag_set(d, -EOPNOTSUPP, "struct_ops '%s': a struct_ops registration cannot be pinned yet",
				o->maps[o->st_ops[set->st[0].st].map].name);
	for (uint32_t i = 0; i < set->n; i++) {
		const struct attachment *a = &set->a[i];
		if (a->state != ATT_ATTACHED)
			continue;
		for (uint32_t k = 0; k < a->nmulti; k++)
			if (a->links[k] < 0 && a->perfs[k] >= 0)
				return diag_set(d, -EOPNOTSUPP,
						"prog '%s': attached with the perf ioctl (this kernel has no perf links), which cannot outlive rawload",
						o->progs[a->prog].name);
		if (a->nusdt)
			return diag_set(d, -EOPNOTSUPP, "prog '%s': a USDT attachment (%u uprobes) cannot be pinned yet",
					o->progs[a->prog].name, a->nusdt);
		if (a->link_fd < 0 && a->perf_fd >= 0)
			return diag_set(d, -EOPNOTSUPP,
					"prog '%s': attached with the perf ioctl (this kernel has no perf links), which cannot outlive rawload",
					o->progs[a->prog].name);
		if (a->link_fd < 0 && o->progs[a->prog].def->attach == ATTACH_FLOW_DISSECTOR)
			return diag_set(d, -EOPNOTSUPP,
					"prog '%s': attached with BPF_PROG_ATTACH (no netns links before 5.8), which leaves no link to pin",
					o->progs[a->prog].name);
		if (a->sock_fd >= 0)
			return diag_set(d, -EOPNOTSUPP,
					"prog '%s': attached to a packet socket rawload holds, which goes when rawload exits (no link to pin)",
					o->progs[a->prog].name);
		if (a->target_fd >= 0 && o->progs[a->prog].def->attach == ATTACH_SOCKMAP)
			return diag_set(d, -EOPNOTSUPP,
					"prog '%s': attached with BPF_PROG_ATTACH (no sockmap links before 6.10), which leaves no link to pin",
					o->progs[a->prog].name);
		if (a->target_fd >= 0)
			return diag_set(d, -EOPNOTSUPP,
					"prog '%s': attached with BPF_PROG_ATTACH (no cgroup link: kernel < 5.7, or --prog-attach), which leaves no link to pin",
					o->progs[a->prog].name);
	}
	return 0;
}

int attach_pin(const struct obj *o, const struct attach_set *set, const char *dir,
	       const struct narrator *say, struct diag *d)
{
	char path[4096];
	int err = attach_pinnable(o, set, d); /* refuse before pinning anything */
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/links", dir);
	err = fs_bpffs_ensure(path, d);
	if (err)
		return err;
	for (uint32_t i = 0; i < set->n; i++) {
		struct attachment *a = &set->a[i];
		const char *name = o->progs[a->prog].name;
		if (a->state != ATT_ATTACHED || a->pinned)
			continue;
		/* One link per CPU or family: NAME-0, NAME-1, ... (bpffs refuses names with a '.'). */
		for (uint32_t k = 0; k < a->nmulti; k++) {
			snprintf(path, sizeof(path), "%s/links/%s-%u", dir, name, k);
			unlink(path);
			err = a->links[k] >= 0 ? sys_obj_pin(a->links[k], path) : 0;
			if (err)
				return diag_set(d, err, "prog '%s': pinning its link at %s: %s", name, path, sys_errno_name(err));
			narrate(say, "pin: link %u of '%s' -> %s", k, name, path);
		}
		if (a->nmulti) {
			a->pinned = true;
			continue;
		}
		if (a->link_fd < 0) { /* netlink XDP: stays by itself; unpin finds it by program id */
			narrate(say, "pin: '%s' is attached through netlink and stays without a pin", name);
			continue;
		}
		snprintf(path, sizeof(path), "%s/links/%s", dir, name);
		unlink(path); /* a stale pin of an earlier run whose link could not be reused */
		err = sys_obj_pin(a->link_fd, path);
		if (err)
			return diag_set(d, err, "prog '%s': pinning its link at %s: %s", name, path, sys_errno_name(err));
		a->pinned = true;
		narrate(say, "pin: link of '%s' -> %s", name, path);
	}
	return 0;
}

void detach_link_or_prog(const struct obj *o, const struct loaded *l, struct attachment *a, const char *kind,
			 const struct narrator *say)
{
	const struct obj_prog *p = &o->progs[a->prog];
	if (a->link_fd >= 0) {
		narrate(say, "%s: closing link fd %d of '%s'%s", kind, a->link_fd, p->name,
			a->pinned ? " (pinned: stays attached)" : " (detaches)");
		close(a->link_fd);
		a->link_fd = -1;
	}
	if (a->target_fd >= 0) {
		/* Our program by its fd: with ALLOW_MULTI the kernel needs to know which one goes. */
		int err = sys_prog_detach(l->prog_fds[a->prog], a->target_fd, p->def->attach_type);
		narrate(say, "%s: BPF_PROG_DETACH prog '%s' attach type %s -> %s", kind, p->name,
			secdef_attach_type_name(p->def->attach_type), err ? sys_errno_name(err) : "ok");
		close(a->target_fd);
		a->target_fd = -1;
	}
}

void attach_close(const struct obj *o, const struct loaded *l, struct attach_set *set,
		  const struct narrator *say)
{
	detach_struct_ops(o, l, set, say); /* registered last: unregistered first */
	/* Reverse order: the last attached goes first. */
	for (uint32_t k = set->n; k-- > 0;) {
		struct attachment *a = &set->a[k];
		if (a->state != ATT_ATTACHED)
			continue;
		enum attach_kind kind = o->progs[a->prog].def->attach;
		if (kind == ATTACH_XDP) {
			if (!a->pinned || a->link_fd >= 0)
				detach_xdp(l, a, set->closing, sizeof(set->closing), say);
			continue;
		}
		if (kind == ATTACH_CGROUP || kind == ATTACH_SOCKMAP) {
			detach_link_or_prog(o, l, a, kind == ATTACH_CGROUP ? "cgroup" : "sockmap", say);
			continue;
		}
		if (kind == ATTACH_FLOW_DISSECTOR) {
			detach_flow_dissector(o, l, a, say);
			continue;
		}
		if (kind == ATTACH_USDT) {
			detach_usdt(o, a, say);
			continue;
		}
		if ((kind == ATTACH_TCX || kind == ATTACH_TC) && a->link_fd < 0 && !a->nmulti) {
			detach_tc_netlink(a, o->progs[a->prog].name, say);
			continue;
		}
		if (a->sock_fd >= 0) {
			narrate(say, "%s: closing socket fd %d of '%s'", a->how, a->sock_fd, o->progs[a->prog].name);
			close(a->sock_fd);
			a->sock_fd = -1;
		}
		if (a->nmulti)
			narrate(say, "%s: closing %u links/events of '%s'%s", a->how, a->nmulti, o->progs[a->prog].name,
				a->pinned ? " (pinned: the links stay attached)" : "");
		attach_multi_close(a);
		if (a->link_fd >= 0) {
			narrate(say, "%s: closing link fd %d of '%s'%s", a->how, a->link_fd, o->progs[a->prog].name,
				a->pinned ? " (pinned: stays attached)" : "");
			close(a->link_fd);
		}
		if (a->perf_fd >= 0)
			close(a->perf_fd);
		a->link_fd = a->perf_fd = -1;
	}
	free(set->a);
	set->a = NULL;
	set->n = 0;
}

/* ---- links pinned by an earlier --pin run ------------------------------------------------------ */

/* struct bpf_link_info up to its union, laid out as the 6.6 UAPI does (tcx's member is newer than
 * the 6.1 headers this builds against; the union starts at offset 16, aligned for its u64s). */
struct link_info_head {
	uint32_t type, id, prog_id, pad;
	union {
		struct { uint64_t cgroup_id; uint32_t attach_type; } cgroup;
		struct { uint32_t ifindex; } xdp;
		struct { uint32_t ifindex, attach_type; } tcx;
	} u;
};

/* NULL when the link behind fd is attached where want says; else what it is, in why[n]. */
static const char *link_differs(int fd, const struct attach_link_want *want, char *why, size_t n)
{
	struct link_info_head info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	int err = sys_obj_info(fd, &info, &len);
	if (err) {
		snprintf(why, n, "unreadable (%s)", sys_errno_name(err));
		return why;
	}
	if (info.type != want->link_type) {
		snprintf(why, n, "a link of type %u, not %u", info.type, want->link_type);
		return why;
	}
	switch (info.type) {
	case BPF_LINK_TYPE_XDP:
		if (info.u.xdp.ifindex == want->ifindex)
			return NULL;
		snprintf(why, n, "attached to ifindex %u, not %u", info.u.xdp.ifindex, want->ifindex);
		return why;
	case BPF_LINK_TYPE_CGROUP:
		if (info.u.cgroup.cgroup_id == want->cgroup_id && info.u.cgroup.attach_type == want->attach_type)
			return NULL;
		snprintf(why, n, "attached to cgroup id %llu as %s, not %llu as %s",
			 (unsigned long long)info.u.cgroup.cgroup_id, secdef_attach_type_name(info.u.cgroup.attach_type),
			 (unsigned long long)want->cgroup_id, secdef_attach_type_name(want->attach_type));
		return why;
	case ATTACH_LINK_TYPE_TCX:
		if (info.u.tcx.ifindex == want->ifindex && info.u.tcx.attach_type == want->attach_type)
			return NULL;
		snprintf(why, n, "attached to ifindex %u as %s, not %u as %s", info.u.tcx.ifindex,
			 secdef_attach_type_name(info.u.tcx.attach_type), want->ifindex,
			 secdef_attach_type_name(want->attach_type));
		return why;
	default:
		return NULL; /* nothing to compare */
	}
}

int attach_reuse_link(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		      struct attachment *a, const char *kind, const struct attach_link_want *want)
{
	char path[4096], why[160];
	snprintf(path, sizeof(path), "%s/links/%s", opts->pin_dir, o->progs[a->prog].name);
	int fd = sys_obj_get(path, 0);
	if (fd < 0)
		return fd;
	const char *differs = link_differs(fd, want, why, sizeof(why));
	int err = differs ? -ESTALE : sys_link_update(fd, l->prog_fds[a->prog], -1);
	if (err) {
		if (differs)
			narrate(opts->say, "%s: pinned link %s is %s; replacing the link", kind, path, differs);
		else
			narrate(opts->say, "%s: pinned link %s refuses the new program (%s); replacing the link", kind,
				path, sys_errno_name(err));
		sys_link_detach(fd);
		close(fd);
		unlink(path);
		return err;
	}
	a->link_fd = fd;
	a->pinned = true;
	narrate(opts->say, "%s: BPF_LINK_UPDATE on the link pinned at %s -> program swapped", kind, path);
	return 0;
}

/* ---- rawload unpin DIR ------------------------------------------------------------------------- */

/* Remove netlink XDP attachments of program id from every interface. */
static void detach_prog_everywhere(uint32_t id, const struct narrator *say)
{
	struct if_nameindex *ifs = if_nameindex();
	for (struct if_nameindex *i = ifs; i && i->if_index; i++) {
		struct nl_xdp_state st;
		if (nl_xdp_query((int)i->if_index, &st, NULL) || st.mode == XDP_ATTACHED_NONE)
			continue;
		if (!nl_xdp_holds(&st, id))
			continue;
		uint32_t flags = st.skb_prog_id == id ? XDP_FLAGS_SKB_MODE : st.drv_prog_id == id ? XDP_FLAGS_DRV_MODE : 0;
		struct diag d = {{0}};
		int err = nl_xdp_set((int)i->if_index, -1, flags, -1, &d);
		narrate(say, "unpin: XDP program id %u on %s detached through netlink -> %s", id, i->if_name,
			err ? d.msg : "ok");
	}
	if (ifs)
		if_freenameindex(ifs);
}

/* Remove every pin in dir/sub, running visit on each first. */
static int clear_dir(const char *dir, const char *sub, void (*visit)(const char *path, const struct narrator *),
		     const struct narrator *say, struct diag *d)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	DIR *dp = opendir(path);
	if (!dp)
		return errno == ENOENT ? 0 : diag_set(d, -errno, "unpin: %s: %s", path, strerror(errno));
	struct dirent *e;
	int err = 0;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		char file[4096 + 256];
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		if (visit)
			visit(file, say);
		if (unlink(file) && !err)
			err = diag_set(d, -errno, "unpin: removing %s: %s", file, strerror(errno));
		else
			narrate(say, "unpin: removed %s", file);
	}
	closedir(dp);
	if (!err && rmdir(path) && errno != ENOENT)
		err = diag_set(d, -errno, "unpin: %s: %s", path, strerror(errno));
	return err;
}

static void detach_link(const char *path, const struct narrator *say)
{
	int fd = sys_obj_get(path, 0);
	if (fd < 0)
		return;
	int err = sys_link_detach(fd); /* detaches now, whoever else holds the link */
	narrate(say, "unpin: BPF_LINK_DETACH %s -> %s", path, err ? sys_errno_name(err) : "ok");
	close(fd);
}

static void detach_prog(const char *path, const struct narrator *say)
{
	uint32_t id = sys_pinned_prog_id(path);
	if (id)
		detach_prog_everywhere(id, say);
}

int attach_unpin(const char *dir, const struct narrator *say, struct diag *d)
{
	int r = fs_is_bpffs(dir);
	if (r <= 0)
		return diag_set(d, r < 0 ? r : -EINVAL, "unpin: %s is not a directory on bpffs", dir);
	int err = clear_dir(dir, "links", detach_link, say, d);
	if (!err)
		err = clear_dir(dir, "progs", detach_prog, say, d);
	if (!err)
		err = clear_dir(dir, "maps", NULL, say, d);
	if (!err && rmdir(dir))
		err = diag_set(d, -errno, "unpin: %s: %s", dir, strerror(errno));
	return err;
}
