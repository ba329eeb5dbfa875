/* loader/attach/tcx.c — tc programs (SEC "tc/ingress", "tcx/egress", ...; the plain "tc" and
 * "classifier" on ingress, or egress with --egress): a tcx link, BPF_LINK_CREATE with
 * BPF_TCX_INGRESS/EGRESS and the interface's index (kernel >= 6.6), which detaches when its last
 * fd closes; several programs share one interface, in link order.
 * Where the kernel has no tcx links (or with --netlink): the older way, a clsact qdisc and a
 * direct-action bpf filter over rtnetlink (bpf/netlink_tc.c), taken down again at the end. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf/netlink.h"
#include "bpf/sys.h"
#include "loader/attach/attach.h"

/* BPF_TCX_INGRESS / BPF_TCX_EGRESS (kernel 6.6), newer than the 6.1 UAPI headers. */
enum { TCX_INGRESS = 46, TCX_EGRESS = 47 };

/* --pin keeps only what has a link to pin: a netlink filter would have to be found again. */
static bool pin_refused(const struct attach_opts *opts, struct attachment *a)
{
	if (!opts->pin_dir)
		return false;
	attach_not(a, ATT_UNSUPPORTED,
		   "not attached: --pin needs a tcx link (kernel 6.6+), and tc filters through netlink cannot be pinned yet");
	return true;
}

static int attach_tc_netlink(const struct loaded *l, const struct attach_opts *opts, struct attachment *a,
			     const char *name, bool ingress, const char *dir, bool bare, struct diag *d)
{
	int made = nl_tc_clsact(opts->ifindex, 1, d);
	narrate(opts->say, "tc: clsact qdisc on %s: %s", opts->ifname,
		made == 0 ? "added" : made == 1 ? "there already (left as it is)" : d->msg);
	if (made < 0)
		return diag_wrap(d, made, "prog '%s': ", name);
	struct nl_tc_filter f;
	int err = nl_tc_filter_add(opts->ifindex, ingress, l->prog_fds[a->prog], name, &f, d);
	narrate(opts->say, "tc: bpf filter (direct action) for '%s' on %s %s -> %s", name, opts->ifname, dir,
		err ? d->msg : "added");
	if (err) {
		if (made == 0)
			nl_tc_clsact(opts->ifindex, 0, NULL);
		return diag_wrap(d, err, "prog '%s': ", name);
	}
	a->ifindex = opts->ifindex;
	a->tc_handle = f.handle;
	a->tc_priority = f.priority;
	a->tc_ingress = ingress;
	a->tc_qdisc_made = made == 0;
	a->how = "tc netlink";
	snprintf(a->note, sizeof(a->note), "%s %s (tc filter priority %u handle %#x), via %s", opts->ifname, dir,
		 f.priority, f.handle, a->how);
	if (bare)
		snprintf(a->note + strlen(a->note), sizeof(a->note) - strlen(a->note), " (no direction in the section: %s)",
			 ingress ? "ingress; --egress for egress" : "egress, as --egress asks");
	return 0;
}

void detach_tc_netlink(struct attachment *a, const char *name, const struct narrator *say)
{
	struct diag d = {""};
	const struct nl_tc_filter f = {1, a->tc_handle, a->tc_priority};
	int err = nl_tc_filter_del(a->ifindex, a->tc_ingress, &f, &d);
	narrate(say, "tc: removing filter %#x (priority %u) of '%s' -> %s", f.handle, f.priority, name,
		err ? d.msg : "removed");
	if (a->tc_qdisc_made) {
		err = nl_tc_clsact(a->ifindex, 0, &d);
		narrate(say, "tc: removing the clsact qdisc rawload added -> %s", err ? d.msg : "removed");
	}
}

int attach_tcx(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
	       struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	/* SEC("tc") and "classifier" name no direction: ingress, unless --egress (said in the note). */
	bool bare = p->def->attach == ATTACH_TC;
	uint32_t type = bare ? (opts->tc_egress ? TCX_EGRESS : TCX_INGRESS) : p->def->attach_type;
	const char *dir = type == TCX_INGRESS ? "ingress" : type == TCX_EGRESS ? "egress" : NULL;
	char rb[24];

	if (!dir)
		return diag_set(d, -EINVAL, "prog '%s': section '%s' has attach type %u, not tcx ingress or egress",
				p->name, p->sec_name, type);
	a->ifindex = opts->ifindex;
	const struct attach_link_want want = {.link_type = ATTACH_LINK_TYPE_TCX, .ifindex = (uint32_t)opts->ifindex,
					      .attach_type = type};
	if (opts->pin_dir && attach_reuse_link(o, l, opts, a, "tcx", &want) == 0) {
		a->how = "tcx link";
		goto attached;
	}
	/* No relative program and no BPF_F_BEFORE/AFTER: the kernel appends this one to the list. */
	int fd = -EOPNOTSUPP;
	if (!opts->force_netlink) {
		fd = sys_link_create(l->prog_fds[a->prog], opts->ifindex, type, 0);
		narrate(opts->say, "tcx: BPF_LINK_CREATE prog '%s' ifindex %d (%s) attach type %s -> %s", p->name,
			opts->ifindex, opts->ifname, secdef_attach_type_name(type), narrate_result(fd, rb));
	}
	if (fd == -EINVAL || fd == -EOPNOTSUPP || fd == -524 /* ENOTSUPP */) {
		/* Before 6.6 the kernel knows neither the attach type nor the link: a clsact qdisc and
		 * a filter, as tc(8) makes them. */
		if (pin_refused(opts, a))
			return 0;
		return attach_tc_netlink(l, opts, a, p->name, type == TCX_INGRESS, dir, bare, d);
	}
	if (fd < 0)
		return diag_set(d, fd, "prog '%s': BPF_LINK_CREATE tcx %s on %s: %s", p->name, dir, opts->ifname,
				sys_errno_name(fd));
	a->link_fd = fd;
	a->how = "tcx link";

attached:
	snprintf(a->note, sizeof(a->note), "%s %s, via %s", opts->ifname, dir, a->how);
	if (bare)
		snprintf(a->note + strlen(a->note), sizeof(a->note) - strlen(a->note),
			 " (section '%s' names no direction: %s)", p->sec_name,
			 opts->tc_egress ? "egress, as --egress asks" : "ingress; --egress for egress");
	return 0;
}
