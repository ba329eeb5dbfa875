/* bpf/netlink_tc.c — tc programs the way kernels before tcx links (6.6) take them, over
 * rtnetlink: a clsact qdisc on the interface, then a "bpf" filter in direct-action mode on its
 * ingress or egress hook, and both taken down again. The kernel picks the filter's priority and
 * handle; NLM_F_ECHO returns them, so the filter can be deleted exactly. Requests are built and
 * replies parsed here (see netlink.h); parsing treats every byte as untrusted. */
#include "bpf/netlink.h"
#include "bpf/netlink_internal.h"
#include "bpf/sys.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

/* clsact's handle and its two hooks (linux/pkt_sched.h). */
#define CLSACT_HANDLE TC_H_MAKE(TC_H_CLSACT, 0)
#define HOOK(ingress) TC_H_MAKE(TC_H_CLSACT, (ingress) ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS)

static size_t put_tcmsg(unsigned char *p, int ifindex, uint32_t handle, uint32_t parent, uint32_t info)
{
	struct tcmsg t = {.tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex, .tcm_handle = handle,
			  .tcm_parent = parent, .tcm_info = info};
	memcpy(p + NLMSG_HDRLEN, &t, sizeof(t));
	return NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(t));
}

int nl_build_tc_qdisc(void *buf, size_t cap, uint32_t seq, int ifindex, int add)
{
	size_t need = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct tcmsg)) + RTA_SPACE(sizeof("clsact"));
	if (cap < need)
		return -ENOSPC;
	unsigned char *p = buf;
	memset(p, 0, need);
	size_t off = put_tcmsg(p, ifindex, CLSACT_HANDLE, TC_H_CLSACT, 0);
	nl_put_attr(p, &off, TCA_KIND, "clsact", sizeof("clsact"));
	nl_put_header(p, off, add ? RTM_NEWQDISC : RTM_DELQDISC,
		      NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), seq);
	return (int)off;
}

int nl_build_tc_filter(void *buf, size_t cap, uint32_t seq, int ifindex, int ingress, int prog_fd,
		       const char *name, const struct nl_tc_filter *del)
{
	size_t name_len = name ? strnlen(name, 255) + 1 : 0;
	size_t need = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct tcmsg)) + RTA_SPACE(sizeof("bpf")) + RTA_SPACE(0) +
		      2 * RTA_SPACE(sizeof(uint32_t)) + RTA_SPACE(name_len);
	if (cap < need)
		return -ENOSPC;
	unsigned char *p = buf;
	memset(p, 0, need);
	/* Protocol: every frame (ETH_P_ALL, network order); priority and handle: the kernel's choice
	 * when adding, the ones it gave when deleting. */
	uint32_t proto = htons(ETH_P_ALL);
	uint32_t info = del ? TC_H_MAKE((uint32_t)del->priority << 16, proto) : TC_H_MAKE(0, proto);
	size_t off = put_tcmsg(p, ifindex, del ? del->handle : 0, HOOK(ingress), info);
	nl_put_attr(p, &off, TCA_KIND, "bpf", sizeof("bpf"));
	if (!del) {
		size_t nest = off;
		nl_put_attr(p, &off, TCA_OPTIONS | NLA_F_NESTED, NULL, 0);
		uint32_t fd = (uint32_t)prog_fd, flags = TCA_BPF_FLAG_ACT_DIRECT;
		nl_put_attr(p, &off, TCA_BPF_FD, &fd, sizeof(fd));
		if (name_len)
			nl_put_attr(p, &off, TCA_BPF_NAME, name, (uint16_t)name_len);
		nl_put_attr(p, &off, TCA_BPF_FLAGS, &flags, sizeof(flags));
		uint16_t nest_len = (uint16_t)(off - nest);
		memcpy(p + nest, &nest_len, sizeof(nest_len));
	}
	nl_put_header(p, off, del ? RTM_DELTFILTER : RTM_NEWTFILTER,
		      NLM_F_REQUEST | NLM_F_ACK | (del ? 0 : NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO), seq);
	return (int)off;
}

/* The echoed RTM_NEWTFILTER gives the filter's handle and priority; the ack after it ends the
 * answer (an ack without it leaves nothing to delete by). */
static int echo_msg(void *ctx, uint16_t type, const unsigned char *body, size_t blen)
{
	struct nl_tc_filter *out = ctx;
	struct tcmsg t;
	if (type == NLMSG_ERROR)
		return out->found ? NL_DONE : -EPROTO;
	if (type != RTM_NEWTFILTER)
		return 0;
	if (blen < sizeof(t))
		return -EBADMSG;
	memcpy(&t, body, sizeof(t));
	out->handle = t.tcm_handle;
	out->priority = (uint16_t)(TC_H_MAJ(t.tcm_info) >> 16);
	out->found = 1;
	return 0;
}

int nl_parse_tc_echo(const void *buf, size_t len, uint32_t seq, struct nl_tc_filter *out, char *msg, size_t cap)
{
	return nl_walk(buf, len, seq, echo_msg, out, msg, cap);
}

int nl_tc_clsact(int ifindex, int add, struct diag *d)
{
	unsigned char req[128];
	char msg[256];
	int len = nl_build_tc_qdisc(req, sizeof(req), nl_next_seq(), ifindex, add);
	if (len < 0)
		return diag_set(d, len, "netlink: clsact request too large");
	int err = nl_exchange(req, (size_t)len, nl_ack_msg, NULL, msg, sizeof(msg));
	if (err == -EEXIST && add)
		return 1; /* someone's clsact is there already: use it, leave it */
	if (err)
		return diag_set(d, err, "netlink: %s clsact qdisc on ifindex %d: %s (%s)", add ? "adding" : "removing",
				ifindex, nl_reason(msg, err), sys_errno_name(err));
	return 0;
}

int nl_tc_filter_add(int ifindex, int ingress, int prog_fd, const char *name, struct nl_tc_filter *out,
		     struct diag *d)
{
	unsigned char req[512];
	char msg[256];
	memset(out, 0, sizeof(*out));
	int len = nl_build_tc_filter(req, sizeof(req), nl_next_seq(), ifindex, ingress, prog_fd, name, NULL);
	if (len < 0)
		return diag_set(d, len, "netlink: tc filter request too large");
	int err = nl_exchange(req, (size_t)len, echo_msg, out, msg, sizeof(msg));
	if (err)
		return diag_set(d, err, "netlink: tc %s filter on ifindex %d: %s (%s)", ingress ? "ingress" : "egress",
				ifindex, nl_reason(msg, err), sys_errno_name(err));
	return 0;
}

int nl_tc_filter_del(int ifindex, int ingress, const struct nl_tc_filter *f, struct diag *d)
{
	unsigned char req[256];
	char msg[256];
	int len = nl_build_tc_filter(req, sizeof(req), nl_next_seq(), ifindex, ingress, -1, NULL, f);
	if (len < 0)
		return diag_set(d, len, "netlink: tc filter request too large");
	int err = nl_exchange(req, (size_t)len, nl_ack_msg, NULL, msg, sizeof(msg));
	if (err)
		return diag_set(d, err, "netlink: removing tc %s filter %#x (priority %u) on ifindex %d: %s (%s)",
				ingress ? "ingress" : "egress", f->handle, f->priority, ifindex, nl_reason(msg, err),
				sys_errno_name(err));
	return 0;
}
