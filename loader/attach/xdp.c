/* loader/attach/xdp.c — XDP: BPF_LINK_CREATE with BPF_XDP (kernel >= 5.9; the link detaches when
 * its last fd closes, so a dead process leaves nothing behind), else rtnetlink RTM_SETLINK with
 * IFLA_XDP (stays until removed: rawload removes it on exit, `rawload detach IFACE` afterwards).
 * Someone else's program is never replaced unless asked (XDP_FLAGS_UPDATE_IF_NOEXIST). */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpf/netlink.h"
#include "bpf/sys.h"
#include "loader/attach/attach.h"

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

int attach_xdp(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
	       struct attachment *a, struct diag *d)
{
	const char *name = o->progs[a->prog].name;
	int prog_fd = l->prog_fds[a->prog];
	char now[96], rb[24];

	a->ifindex = opts->ifindex;
	const struct attach_link_want want = {.link_type = BPF_LINK_TYPE_XDP, .ifindex = (uint32_t)opts->ifindex};
	if (opts->pin_dir && !opts->force_netlink && attach_reuse_link(o, l, opts, a, "xdp", &want) == 0) {
		a->how = "bpf_link";
		goto attached;
	}
	if (!opts->force_netlink && !opts->replace) {
		int fd = sys_link_create(prog_fd, opts->ifindex, BPF_XDP, opts->xdp_mode);
		narrate(opts->say, "xdp: BPF_LINK_CREATE prog '%s' ifindex %d flags %#x -> %s", name, opts->ifindex,
			opts->xdp_mode, narrate_result(fd, rb));
		if (fd >= 0) {
			a->link_fd = fd;
			a->how = "bpf_link";
			goto attached;
		}
		if (fd == -EBUSY || fd == -EEXIST) {
			describe(opts->ifindex, now, sizeof(now));
			return diag_set(d, fd, "prog '%s': %s already has an XDP program (%s); rawload does not replace it (--replace does, through netlink)",
					name, opts->ifname, now);
		}
		if (fd != -EINVAL && fd != -EOPNOTSUPP && fd != -524 /* ENOTSUPP */ && fd != -ENOSYS)
			return diag_set(d, fd, "prog '%s': BPF_LINK_CREATE XDP on %s: %s", name, opts->ifname,
					sys_errno_name(fd));
		narrate(opts->say, "xdp: this kernel has no XDP links (%s); falling back to netlink", sys_errno_name(fd));
	}
	/* rtnetlink: the attachment belongs to the interface, not to us. A program an earlier --pin
	 * run attached is ours to replace, atomically and only if it is still the one there. */
	uint32_t flags = opts->xdp_mode | (opts->replace ? 0 : XDP_FLAGS_UPDATE_IF_NOEXIST);
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
	int err = nl_xdp_set(opts->ifindex, prog_fd, flags, expected, d);
	if (expected >= 0)
		close(expected);
	narrate(opts->say, "xdp: RTM_SETLINK IFLA_XDP fd %d flags %#x on %s -> %s", prog_fd, flags, opts->ifname,
		err ? sys_errno_name(err) : "ok");
	if (err == -EBUSY || err == -EEXIST) {
		describe(opts->ifindex, now, sizeof(now));
		return diag_wrap(d, err, "prog '%s': %s already has an XDP program (%s): ", name, opts->ifname, now);
	}
	if (err)
		return diag_wrap(d, err, "prog '%s': ", name);
	a->how = "netlink";
	a->xdp_flags = opts->xdp_mode;

attached:;
	struct nl_xdp_state st;
	const char *mode = "mode unknown";
	if (nl_xdp_query(opts->ifindex, &st, NULL) == 0)
		mode = mode_name(st.mode);
	snprintf(a->note, sizeof(a->note), "%s, %s mode, via %s", opts->ifname, mode, a->how);
	return 0;
}

void detach_xdp(const struct loaded *l, struct attachment *a, const struct narrator *say)
{
	if (a->link_fd >= 0) {
		narrate(say, "xdp: closing link fd %d%s", a->link_fd,
			a->pinned ? " (pinned: stays attached)" : " (detaches)");
		close(a->link_fd);
		a->link_fd = -1;
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

int attach_detach_iface(int ifindex, const char *ifname, const struct narrator *say, struct diag *d)
{
	struct nl_xdp_state st;
	int err = nl_xdp_query(ifindex, &st, d);
	if (err)
		return err;
	if (st.mode == XDP_ATTACHED_NONE)
		return diag_set(d, -ENOENT, "%s has no XDP program", ifname);
	/* Detach each mode that holds a program. */
	static const struct { uint32_t flag; uint8_t mode; } modes[] = {
		{XDP_FLAGS_DRV_MODE, XDP_ATTACHED_DRV}, {XDP_FLAGS_SKB_MODE, XDP_ATTACHED_SKB},
		{XDP_FLAGS_HW_MODE, XDP_ATTACHED_HW},
	};
	for (size_t i = 0; i < 3; i++) {
		uint32_t id = modes[i].mode == XDP_ATTACHED_DRV ? st.drv_prog_id
			      : modes[i].mode == XDP_ATTACHED_SKB ? st.skb_prog_id : st.hw_prog_id;
		if (st.mode != XDP_ATTACHED_MULTI && st.mode == modes[i].mode && !id)
			id = st.prog_id;
		if (!id)
			continue;
		err = nl_xdp_set(ifindex, -1, modes[i].flag, -1, d);
		narrate(say, "xdp: RTM_SETLINK IFLA_XDP fd -1 flags %#x on %s -> %s", modes[i].flag, ifname,
			err ? sys_errno_name(err) : "ok");
		if (err == -EBUSY)
			return diag_set(d, err, "%s: program id %u is held by a bpf_link; end the process that owns it or `rawload unpin` its pin directory",
					ifname, id);
		if (err)
			return err;
	}
	return 0;
}
