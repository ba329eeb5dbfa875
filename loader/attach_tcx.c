/* loader/attach_tcx.c — tc programs with a direction (SEC "tc/ingress", "tcx/egress", ...): a tcx
 * link, BPF_LINK_CREATE with BPF_TCX_INGRESS/EGRESS and the interface's index (kernel >= 6.6). The
 * link detaches when its last fd closes; several programs share one interface, in link order.
 * Doesn't own the older way (a clsact qdisc and a netlink filter): kernels without tcx are told so. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf/sys.h"
#include "loader/attach.h"

/* BPF_TCX_INGRESS / BPF_TCX_EGRESS (kernel 6.6), newer than the 6.1 UAPI headers. */
enum { TCX_INGRESS = 46, TCX_EGRESS = 47 };

int attach_tcx(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
	       struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	uint32_t type = p->def->attach_type;
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
	int fd = sys_link_create(l->prog_fds[a->prog], opts->ifindex, type, 0);
	narrate(opts->say, "tcx: BPF_LINK_CREATE prog '%s' ifindex %d (%s) attach type %s -> %s", p->name,
		opts->ifindex, opts->ifname, secdef_attach_type_name(type), narrate_result(fd, rb));
	if (fd == -EINVAL || fd == -EOPNOTSUPP || fd == -524 /* ENOTSUPP */) {
		/* Before 6.6 the kernel knows neither the attach type nor the link. */
		a->state = ATT_UNSUPPORTED;
		snprintf(a->note, sizeof(a->note),
			 "not attached: tcx links need kernel 6.6+ (BPF_LINK_CREATE on %s: %s); tc (netlink) attach not supported yet",
			 opts->ifname, sys_errno_name(fd));
		return 0;
	}
	if (fd < 0)
		return diag_set(d, fd, "prog '%s': BPF_LINK_CREATE tcx %s on %s: %s", p->name, dir, opts->ifname,
				sys_errno_name(fd));
	a->link_fd = fd;
	a->how = "tcx link";

attached:
	snprintf(a->note, sizeof(a->note), "%s %s, via %s", opts->ifname, dir, a->how);
	return 0;
}
