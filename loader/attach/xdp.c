/* loader/attach/xdp.c — XDP: BPF_LINK_CREATE with BPF_XDP (kernel >= 5.9; the link detaches when
 * its last fd closes, so a dead process leaves nothing behind), else rtnetlink RTM_SETLINK with
 * IFLA_XDP (stays until removed: rawload removes it on exit, `rawload detach IFACE` afterwards,
 * recognising it by the mark xdp_mark.c binds to the program). Someone else's program is never
 * replaced unless asked (XDP_FLAGS_UPDATE_IF_NOEXIST); with --replace rawload takes its place and
 * puts it back at the end:
 *  - netlink, same mode: one atomic swap each way (XDP_FLAGS_REPLACE with the expected program);
 *  - a bpf_link (the kernel refuses a link where a program is attached: "Can't replace active XDP
 *    program with BPF link"), or another mode ("Native and generic XDP can't be active at the
 *    same time"): the old program is taken off (only if it is still the one there), ours attached,
 *    and at the end ours goes and the old one is attached again in its mode, unless something else
 *    took the interface meanwhile. The interface runs no program for that moment.
 * A program held by someone's bpf_link cannot be taken off through netlink: refused, by name.
 * rawload holds the replaced program's fd until it is put back; SIGKILL loses it (the kernel frees
 * a program nothing holds). */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpf/netlink.h"
#include "bpf/sys.h"
#include "loader/attach/attach.h"
#include "loader/attach/xdp_mark.h"

static const char *mode_name(uint32_t mode)
{
	switch (mode) {
	case XDP_ATTACHED_DRV: return "native";
	case XDP_ATTACHED_SKB: return "generic (skb)";
	case XDP_ATTACHED_HW: return "offloaded (hw)";
	case XDP_ATTACHED_MULTI: return "several modes";
	default: return "unknown mode";
	}
}

static const char *flag_mode_name(uint32_t flag)
{
	return flag == XDP_FLAGS_SKB_MODE ? "generic (skb)" : flag == XDP_FLAGS_HW_MODE ? "offloaded (hw)" : "native";
}

/* The id of the program an earlier --pin run pinned as DIR/progs/NAME, 0 when none. */
static uint32_t pinned_prog_id(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/progs/%s", dir, name);
	return sys_pinned_prog_id(path);
}

/* What is attached now, for notes and error messages. */
static void describe(int ifindex, char *buf, size_t n)
{
	struct nl_xdp_state st;
	if (nl_xdp_query(ifindex, &st, NULL) == 0 && st.mode != XDP_ATTACHED_NONE)
		snprintf(buf, n, "program id %u, %s", st.prog_id ? st.prog_id : st.drv_prog_id ? st.drv_prog_id : st.skb_prog_id,
			 mode_name(st.mode));
	else
		snprintf(buf, n, "nothing attached");
}

/* The program of one mode flag in a query's state (0 when none). */
static uint32_t prog_in_mode(const struct nl_xdp_state *st, uint32_t flag)
{
	uint8_t mode = flag == XDP_FLAGS_SKB_MODE ? XDP_ATTACHED_SKB : flag == XDP_FLAGS_HW_MODE ? XDP_ATTACHED_HW
												 : XDP_ATTACHED_DRV;
	uint32_t id = flag == XDP_FLAGS_SKB_MODE ? st->skb_prog_id : flag == XDP_FLAGS_HW_MODE ? st->hw_prog_id
											   : st->drv_prog_id;
	if (!id && st->mode == mode)
		id = st->prog_id;
	return id;
}

/* Netlink: mark our program as rawload's (for `rawload detach`), then attach it. */
static int netlink_attach(const struct attach_opts *opts, const char *name, int prog_fd, uint32_t flags,
			  int expected, uint32_t replaced_id, struct diag *d)
{
	int m = xdp_mark_prog(prog_fd, opts->ifindex, replaced_id);
	if (m)
		narrate(opts->say, "xdp: cannot mark '%s' as rawload's (BPF_PROG_BIND_MAP: %s; kernel < 5.10?): `rawload detach` will need --force for it",
			name, sys_errno_name(m));
	else
		narrate(opts->say, "xdp: '%s' marked as rawload's (map %s bound to it)", name, XDP_MARK_NAME);
	int err = nl_xdp_set(opts->ifindex, prog_fd, flags, expected, d);
	narrate(opts->say, "xdp: RTM_SETLINK IFLA_XDP fd %d flags %#x%s on %s -> %s", prog_fd, flags,
		expected >= 0 ? " (replace, expected fd)" : "", opts->ifname, err ? sys_errno_name(err) : "ok");
	return err;
}

/* --replace: take the place of what is on the interface; a->xdp_old_* remember it. */
static int attach_replacing(const struct attach_opts *opts, const char *name, int prog_fd, struct attachment *a,
			    struct diag *d)
{
	struct nl_xdp_state st;
	char rb[24];
	int err = nl_xdp_query(opts->ifindex, &st, d);
	if (err)
		return diag_wrap(d, err, "prog '%s': ", name);
	if (st.mode == XDP_ATTACHED_NONE)
		return 1; /* nothing to replace: an ordinary attach */
	uint32_t old_flag = opts->xdp_mode;
	if (!old_flag) {
		if (st.mode == XDP_ATTACHED_MULTI)
			return diag_set(d, -EINVAL, "prog '%s': %s runs XDP programs in several modes; --mode says which to replace",
					name, opts->ifname);
		old_flag = st.mode == XDP_ATTACHED_SKB ? XDP_FLAGS_SKB_MODE : st.mode == XDP_ATTACHED_HW ? XDP_FLAGS_HW_MODE
												  : XDP_FLAGS_DRV_MODE;
	}
	uint32_t old_id = prog_in_mode(&st, old_flag);
	if (!old_id) { /* another mode is taken: it must go for ours (native and generic exclude each other) */
		for (uint32_t f = XDP_FLAGS_SKB_MODE; f <= XDP_FLAGS_HW_MODE && !old_id; f <<= 1)
			if ((old_id = prog_in_mode(&st, f)))
				old_flag = f;
	}
	uint32_t mode = opts->xdp_mode ? opts->xdp_mode : old_flag; /* ours takes the old one's mode */
	int old_fd = sys_prog_fd_by_id(old_id);
	if (old_fd < 0)
		return diag_set(d, old_fd, "prog '%s': cannot hold the program to replace (id %u) to put it back: %s",
				name, old_id, sys_errno_name(old_fd));
	struct xdp_prog_desc od;
	xdp_describe_prog(old_id, opts->ifindex, &od);
	narrate(opts->say, "xdp: --replace: %s runs program id %u '%s' in %s mode; it goes back at the end", opts->ifname,
		old_id, od.name, flag_mode_name(old_flag));

	if (opts->force_netlink && mode == old_flag) {
		err = netlink_attach(opts, name, prog_fd, mode, old_fd, old_id, d);
		if (err == -EBUSY) {
			close(old_fd);
			return diag_set(d, err, "prog '%s': %s already has an XDP program (program id %u, held by a bpf_link): --replace cannot take its place",
					name, opts->ifname, old_id);
		}
		if (err) {
			close(old_fd);
			return diag_wrap(d, err, "prog '%s': ", name);
		}
		a->how = "netlink";
		a->xdp_flags = mode;
		goto replaced;
	}
	/* Take the old one off (only if it is still the one there), then attach ours. */
	err = nl_xdp_set(opts->ifindex, -1, old_flag, old_fd, d);
	narrate(opts->say, "xdp: RTM_SETLINK IFLA_XDP fd -1 flags %#x (expected: id %u) on %s -> %s", old_flag, old_id,
		opts->ifname, err ? sys_errno_name(err) : "ok");
	if (err) {
		close(old_fd);
		if (err == -EBUSY)
			return diag_set(d, err, "prog '%s': %s already has an XDP program (program id %u, held by a bpf_link): --replace cannot take its place",
					name, opts->ifname, old_id);
		return diag_wrap(d, err, "prog '%s': taking program id %u off %s: ", name, old_id, opts->ifname);
	}
	err = -EINVAL;
	if (!opts->force_netlink) {
		int fd = sys_link_create(prog_fd, opts->ifindex, BPF_XDP, mode);
		narrate(opts->say, "xdp: BPF_LINK_CREATE prog '%s' ifindex %d flags %#x -> %s", name, opts->ifindex, mode,
			narrate_result(fd, rb));
		if (fd >= 0) {
			a->link_fd = fd;
			a->how = "bpf_link";
			err = 0;
		} else {
			err = fd;
		}
	}
	if (err == -EINVAL || err == -EOPNOTSUPP || err == -524 /* ENOTSUPP */ || err == -ENOSYS) {
		if (!opts->force_netlink)
			narrate(opts->say, "xdp: this kernel has no XDP links (%s); attaching through netlink", sys_errno_name(err));
		err = netlink_attach(opts, name, prog_fd, mode | XDP_FLAGS_UPDATE_IF_NOEXIST, -1, old_id, d);
		if (!err) {
			a->how = "netlink";
			a->xdp_flags = mode;
		}
	}
	if (err) { /* put the old one back at once */
		struct diag ignore;
		int back = nl_xdp_set(opts->ifindex, old_fd, old_flag | XDP_FLAGS_UPDATE_IF_NOEXIST, -1, &ignore);
		narrate(opts->say, "xdp: program id %u put back on %s after the failure -> %s", old_id, opts->ifname,
			back ? sys_errno_name(back) : "ok");
		close(old_fd);
		return diag_wrap(d, err, "prog '%s': ", name);
	}
replaced:
	a->xdp_old_fd = old_fd;
	a->xdp_old_id = old_id;
	a->xdp_old_flags = old_flag;
	return 0;
}

int attach_xdp(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
	       struct attachment *a, struct diag *d)
{
	const char *name = o->progs[a->prog].name;
	int prog_fd = l->prog_fds[a->prog];
	char now[96], rb[24];
	const char *mode = NULL; /* known from the attach itself, or asked of the kernel at the end */

	a->ifindex = opts->ifindex;
	if (opts->replace) {
		if (opts->pin_dir)
			return diag_set(d, -EINVAL, "prog '%s': --replace with --pin: rawload exits at once, and could not put the replaced program back",
					name);
		int r = attach_replacing(opts, name, prog_fd, a, d);
		if (r < 0)
			return r;
		if (r == 0)
			goto attached;
		narrate(opts->say, "xdp: --replace: %s runs no XDP program; attaching as usual", opts->ifname);
	}
	const struct attach_link_want want = {.link_type = BPF_LINK_TYPE_XDP, .ifindex = (uint32_t)opts->ifindex};
	if (opts->pin_dir && !opts->force_netlink && attach_reuse_link(o, l, opts, a, "xdp", &want) == 0) {
		a->how = "bpf_link";
		goto attached;
	}
	if (!opts->force_netlink) {
		/* No mode asked for: the kernel would take native where the driver has it, else generic.
		 * Asking for native, then generic if the driver has none (EOPNOTSUPP), attaches the same
		 * way and says which mode it is without a netlink query afterwards. */
		uint32_t flags = opts->xdp_mode ? opts->xdp_mode : XDP_FLAGS_DRV_MODE;
		int fd = sys_link_create(prog_fd, opts->ifindex, BPF_XDP, flags);
		narrate(opts->say, "xdp: BPF_LINK_CREATE prog '%s' ifindex %d flags %#x -> %s", name, opts->ifindex,
			flags, narrate_result(fd, rb));
		if (fd == -EOPNOTSUPP && !opts->xdp_mode) {
			flags = XDP_FLAGS_SKB_MODE;
			fd = sys_link_create(prog_fd, opts->ifindex, BPF_XDP, flags);
			narrate(opts->say, "xdp: no native XDP in %s's driver; BPF_LINK_CREATE prog '%s' flags %#x -> %s",
				opts->ifname, name, flags, narrate_result(fd, rb));
		}
		if (fd >= 0) {
			a->link_fd = fd;
			a->how = "bpf_link";
			mode = flag_mode_name(flags);
			goto attached;
		}
		if (fd == -EBUSY || fd == -EEXIST) {
			describe(opts->ifindex, now, sizeof(now));
			return diag_set(d, fd, "prog '%s': %s already has an XDP program (%s); rawload does not replace it (--replace does, and puts it back at the end)",
					name, opts->ifname, now);
		}
		if (fd != -EINVAL && fd != -EOPNOTSUPP && fd != -524 /* ENOTSUPP */ && fd != -ENOSYS)
			return diag_set(d, fd, "prog '%s': BPF_LINK_CREATE XDP on %s: %s", name, opts->ifname,
					sys_errno_name(fd));
		narrate(opts->say, "xdp: this kernel has no XDP links (%s); falling back to netlink", sys_errno_name(fd));
	}
	/* rtnetlink: the attachment belongs to the interface, not to us. A program an earlier --pin
	 * run attached is ours to replace, atomically and only if it is still the one there. */
	uint32_t flags = opts->xdp_mode | XDP_FLAGS_UPDATE_IF_NOEXIST;
	int expected = -1;
	struct nl_xdp_state cur;
	uint32_t old_id = opts->pin_dir ? pinned_prog_id(opts->pin_dir, name) : 0;
	if (old_id && nl_xdp_query(opts->ifindex, &cur, NULL) == 0 && nl_xdp_holds(&cur, old_id)) {
		expected = sys_prog_fd_by_id(old_id);
		if (expected >= 0) {
			flags &= ~(uint32_t)XDP_FLAGS_UPDATE_IF_NOEXIST;
			narrate(opts->say, "xdp: replacing program id %u left by the earlier --pin run", old_id);
		}
	}
	int err = netlink_attach(opts, name, prog_fd, flags, expected, 0, d);
	if (expected >= 0)
		close(expected);
	if (err == -EBUSY || err == -EEXIST) {
		describe(opts->ifindex, now, sizeof(now));
		return diag_wrap(d, err, "prog '%s': %s already has an XDP program (%s; --replace takes its place): ", name,
				 opts->ifname, now);
	}
	if (err)
		return diag_wrap(d, err, "prog '%s': ", name);
	a->how = "netlink";
	a->xdp_flags = opts->xdp_mode;

attached:;
	struct nl_xdp_state st;
	if (!mode)
		mode = nl_xdp_query(opts->ifindex, &st, NULL) == 0 ? mode_name(st.mode) : "mode unknown";
	snprintf(a->note, sizeof(a->note), "%s, %s mode, via %s%s", opts->ifname, mode, a->how,
		 a->xdp_old_fd >= 0 ? " (in place of the program there, put back at the end)" : "");
	return 0;
}

/* --replace: the old program back where it was. Ours is gone already (a link closed), or goes now
 * in the same atomic swap (netlink, same mode). */
static void put_back(const struct loaded *l, struct attachment *a, bool ours_gone, char *closing, size_t n,
		     const struct narrator *say)
{
	struct diag d = {{0}};
	char ifname[IF_NAMESIZE] = "?";
	if_indextoname((unsigned)a->ifindex, ifname);
	int err;
	if (!ours_gone && a->xdp_flags == a->xdp_old_flags) {
		err = nl_xdp_set(a->ifindex, a->xdp_old_fd, a->xdp_old_flags, l->prog_fds[a->prog], &d);
		narrate(say, "xdp: RTM_SETLINK IFLA_XDP: program id %u back in place of ours on %s -> %s", a->xdp_old_id,
			ifname, err ? d.msg : "ok");
		if (err == -EEXIST) { /* ours is not there: someone changed the interface */
			struct nl_xdp_state st;
			if (nl_xdp_query(a->ifindex, &st, NULL) == 0 && st.mode == XDP_ATTACHED_NONE)
				err = nl_xdp_set(a->ifindex, a->xdp_old_fd, a->xdp_old_flags | XDP_FLAGS_UPDATE_IF_NOEXIST, -1, &d);
		}
	} else {
		if (!ours_gone) {
			err = nl_xdp_set(a->ifindex, -1, a->xdp_flags, l->prog_fds[a->prog], &d);
			narrate(say, "xdp: RTM_SETLINK IFLA_XDP fd -1 (detach ours) on %s -> %s", ifname, err ? d.msg : "ok");
		}
		/* A link's release may still be under way (EBUSY: "Can't replace active BPF XDP link"). */
		for (int tries = 0;; tries++) {
			err = nl_xdp_set(a->ifindex, a->xdp_old_fd, a->xdp_old_flags | XDP_FLAGS_UPDATE_IF_NOEXIST, -1, &d);
			if (err != -EBUSY || tries == 50)
				break;
			usleep(10000);
		}
		narrate(say, "xdp: RTM_SETLINK IFLA_XDP: program id %u back on %s -> %s", a->xdp_old_id, ifname,
			err ? d.msg : "ok");
	}
	if (err)
		snprintf(closing, n, "%s: the replaced program id %u was not put back: %s", ifname, a->xdp_old_id, d.msg);
	else
		snprintf(closing, n, "%s: the replaced program id %u is back, %s mode", ifname, a->xdp_old_id,
			 flag_mode_name(a->xdp_old_flags));
	close(a->xdp_old_fd);
	a->xdp_old_fd = -1;
}

void detach_xdp(const struct loaded *l, struct attachment *a, char *closing, size_t n, const struct narrator *say)
{
	if (a->link_fd >= 0) {
		narrate(say, "xdp: closing link fd %d%s", a->link_fd,
			a->pinned ? " (pinned: stays attached)" : " (detaches)");
		close(a->link_fd);
		a->link_fd = -1;
		if (a->xdp_old_fd >= 0)
			put_back(l, a, true, closing, n, say);
		return;
	}
	if (a->xdp_old_fd >= 0) {
		put_back(l, a, false, closing, n, say);
		return;
	}
	/* Netlink: remove the program only if it is still ours (XDP_FLAGS_REPLACE + expected fd). */
	struct diag d = {{0}};
	int err = nl_xdp_set(a->ifindex, -1, a->xdp_flags, l->prog_fds[a->prog], &d);
	if (err == -EINVAL) { /* kernels before 5.7 know no expected fd: compare ids ourselves */
		struct nl_xdp_state st;
		if (nl_xdp_query(a->ifindex, &st, NULL) == 0 && nl_xdp_holds(&st, sys_prog_id(l->prog_fds[a->prog])))
			err = nl_xdp_set(a->ifindex, -1, a->xdp_flags, -1, &d);
	}
	narrate(say, "xdp: RTM_SETLINK IFLA_XDP fd -1 (detach) on ifindex %d -> %s", a->ifindex,
		err ? d.msg : "ok");
}

/* "program id 12 'count_packets' (tag 0a1b..., loaded by uid 0 35 s ago; maps pkt_count)" */
static void say_prog(const struct xdp_prog_desc *p, char *buf, size_t n)
{
	snprintf(buf, n, "program id %u '%s' (tag %s, loaded by uid %u %llu s ago%s%s)", p->id, p->name, p->tag, p->uid,
		 (unsigned long long)p->loaded_ago, p->maps[0] ? "; maps " : "", p->maps);
}

int attach_detach_iface(int ifindex, const char *ifname, bool force, char *what, size_t n,
			const struct narrator *say, struct diag *d)
{
	struct nl_xdp_state st;
	int err = nl_xdp_query(ifindex, &st, d);
	if (err)
		return err;
	if (st.mode == XDP_ATTACHED_NONE)
		return diag_set(d, -ENOENT, "%s has no XDP program", ifname);
	what[0] = '\0';
	/* Each mode that holds a program: removed when it is rawload's (or --force), through
	 * XDP_FLAGS_REPLACE with that very program, so one that changed meanwhile stays. */
	static const uint32_t flags[] = {XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE, XDP_FLAGS_HW_MODE};
	int refused = 0, removed = 0;
	for (size_t i = 0; i < 3; i++) {
		uint32_t id = prog_in_mode(&st, flags[i]);
		if (!id)
			continue;
		struct xdp_prog_desc p;
		char desc[256];
		int derr = xdp_describe_prog(id, ifindex, &p);
		if (derr) {
			snprintf(desc, sizeof(desc), "program id %u (%s)", id, sys_errno_name(derr));
		} else {
			say_prog(&p, desc, sizeof(desc));
		}
		narrate(say, "xdp: %s runs %s in %s mode: %s", ifname, desc, flag_mode_name(flags[i]),
			p.ours ? "attached by rawload" : p.marked ? "marked by rawload for another interface or namespace"
							: "no rawload mark");
		if (!p.ours && !force) {
			if (!refused++)
				diag_set(d, -EPERM, "%s: %s in %s mode was not attached by rawload (it carries no rawload mark for this interface); `rawload detach %s --force` removes it anyway",
					 ifname, desc, flag_mode_name(flags[i]), ifname);
			continue;
		}
		int fd = sys_prog_fd_by_id(id);
		err = nl_xdp_set(ifindex, -1, flags[i], fd, d);
		if (fd >= 0)
			close(fd);
		narrate(say, "xdp: RTM_SETLINK IFLA_XDP fd -1 flags %#x (expected: id %u) on %s -> %s", flags[i], id, ifname,
			err ? sys_errno_name(err) : "ok");
		if (err == -EBUSY)
			return diag_set(d, err, "%s: program id %u is held by a bpf_link; end the process that owns it or `rawload unpin` its pin directory",
					ifname, id);
		if (err)
			return err;
		removed++;
		size_t used = strlen(what);
		if (p.ours)
			snprintf(what + used, n - used, "%sprogram id %u '%s' (attached by rawload, pid %u)", used ? "; " : "",
				 id, p.name, p.mark.pid);
		else
			snprintf(what + used, n - used, "%s%s (--force)", used ? "; " : "", desc);
	}
	if (refused)
		return -EPERM;
	return removed ? 0 : diag_set(d, -ENOENT, "%s has no XDP program", ifname);
}
