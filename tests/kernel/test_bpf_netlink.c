/* tests/kernel/test_bpf_netlink.c — bpf/netlink: XDP attach, replace and detach through rtnetlink
 * and bpf_link on a veth between two namespaces made here, the default route's interface, and the
 * pure request building and ack parsing (which alone run without root). */
#include "kbpf.h"

#include "bpf/netlink.h"
#include "bpf/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- XDP through netlink and bpf_link, on a veth in namespaces made here ------------------------ */

struct netns_pair {
	char a[32], b[32]; /* namespace names */
	int orig;          /* our original network namespace */
	int entered;
};

static int netns_enter(struct netns_pair *n, const char *name)
{
	char path[64];
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	if (r == 0)
		n->entered = 1;
	return r;
}

static void netns_leave(struct netns_pair *n)
{
	if (n->entered && setns(n->orig, CLONE_NEWNET) == 0)
		n->entered = 0;
}

/* Leaves and deletes both namespaces (their veths go with them); checks they are gone. */
static void netns_remove(struct netns_pair *n)
{
	char path[64];
	netns_leave(n);
	CHECK(!n->entered, "back in the original namespace");
	run("ip netns del %s", n->a);
	run("ip netns del %s", n->b);
	snprintf(path, sizeof(path), "/run/netns/%s", n->a);
	CHECK(access(path, F_OK) != 0, "%s removed", n->a);
	if (n->orig >= 0)
		close(n->orig);
	n->orig = -1;
}

/* Namespaces A and B joined by veth va (in A) and vb (in B), both up. 0 or -1. */
static int netns_make(struct netns_pair *n, const char *tag)
{
	snprintf(n->a, sizeof(n->a), "rl%sA%d", tag, (int)getpid());
	snprintf(n->b, sizeof(n->b), "rl%sB%d", tag, (int)getpid());
	n->entered = 0;
	n->orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (n->orig < 0)
		return -1;
	if (run("ip netns add %s", n->a) || run("ip netns add %s", n->b) ||
	    run("ip -n %s link add va type veth peer name vb netns %s", n->a, n->b) ||
	    run("ip -n %s link set va up", n->a) || run("ip -n %s link set vb up", n->b)) {
		netns_remove(n);
		return -1;
	}
	return 0;
}

static void xdp_netlink_body(struct netns_pair *n)
{
	struct diag d = {""};
	struct nl_xdp_state st;
	int p1 = -1, p2 = -1;
	REQUIRE(netns_enter(n, n->a) == 0, "enter %s", n->a);
	int ifindex = (int)if_nametoindex("va");
	REQUIRE(ifindex > 0, "va has no index");

	p1 = load_xdp_ret(XDP_PASS);
	p2 = load_xdp_ret(XDP_DROP);
	REQUIRE(p1 > 0 && p2 > 0, "load");
	uint32_t id1 = ktest_prog_id(p1), id2 = ktest_prog_id(p2);

	CHECK(nl_xdp_query(ifindex, &st, &d) == 0, "query: %s", d.msg);
	CHECK(st.mode == XDP_ATTACHED_NONE && st.prog_id == 0, "nothing attached at first: mode %u", st.mode);

	double t0 = now_ms();
	int r = nl_xdp_set(ifindex, p1, XDP_FLAGS_SKB_MODE, -1, &d);
	double t1 = now_ms();
	CHECK(r == 0, "attach generic: %s", d.msg);
	ktest_note("netlink XDP attach (generic) on veth: %.1f ms", t1 - t0);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0, "query: %s", d.msg);
	CHECK(st.mode == XDP_ATTACHED_SKB && st.prog_id == id1 && st.skb_prog_id == id1 &&
		      st.drv_prog_id == 0,
	      "after attach: mode %u prog %u skb %u drv %u (want %u)", st.mode, st.prog_id,
	      st.skb_prog_id, st.drv_prog_id, id1);
	CHECK(run("ip -n %s link show va | grep -q xdpgeneric", n->a) == 0, "ip link shows xdpgeneric");

	/* Native while generic is active: refused with the kernel's own words. */
	r = nl_xdp_set(ifindex, p2, XDP_FLAGS_DRV_MODE, -1, &d);
	CHECK(r == -EEXIST && strstr(d.msg, "Native and generic XDP can't be active at the same time"),
	      "native over generic: %d %s", r, d.msg);
	CHECK(strncmp(d.msg, "netlink: XDP attach on ifindex ", 31) == 0, "subject: %s", d.msg);
	ktest_note("native over generic: %s", d.msg);
	/* Two mode flags at once: rtnetlink refuses them before XDP code runs, without a message. */
	r = nl_xdp_set(ifindex, p2, XDP_FLAGS_SKB_MODE | XDP_FLAGS_DRV_MODE, -1, &d);
	CHECK(r == -EINVAL && strstr(d.msg, "failed (EINVAL)"), "two modes: %d %s", r, d.msg);
	ktest_note("two mode flags: %s", d.msg);
	/* UPDATE_IF_NOEXIST while one is attached. */
	r = nl_xdp_set(ifindex, p2, XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, -1, &d);
	CHECK(r == -EBUSY, "update if noexist: %d %s", r, d.msg);
	ktest_note("UPDATE_IF_NOEXIST over an attached program: %s", d.msg);
	/* Replace with the wrong expected program, then the right one. */
	r = nl_xdp_set(ifindex, p2, XDP_FLAGS_SKB_MODE, p2, &d);
	CHECK(r < 0 && strncmp(d.msg, "netlink: XDP replace on ifindex", 31) == 0, "replace expecting the wrong program: %d %s", r, d.msg);
	ktest_note("replace expecting the wrong program: %s", d.msg);
	r = nl_xdp_set(ifindex, p2, XDP_FLAGS_SKB_MODE, p1, &d);
	CHECK(r == 0, "replace: %s", d.msg);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.prog_id == id2, "replaced: prog %u want %u",
	      st.prog_id, id2);

	t0 = now_ms();
	r = nl_xdp_set(ifindex, -1, XDP_FLAGS_SKB_MODE, -1, &d);
	t1 = now_ms();
	CHECK(r == 0, "detach: %s", d.msg);
	ktest_note("netlink XDP detach (generic) on veth: %.1f ms", t1 - t0);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.mode == XDP_ATTACHED_NONE && st.prog_id == 0,
	      "after detach: mode %u prog %u", st.mode, st.prog_id);

	/* Native mode on veth, attached and detached. */
	t0 = now_ms();
	r = nl_xdp_set(ifindex, p1, XDP_FLAGS_DRV_MODE, -1, &d);
	t1 = now_ms();
	CHECK(r == 0, "attach native: %s", d.msg);
	ktest_note("netlink XDP attach (native) on veth: %.1f ms", t1 - t0);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.mode == XDP_ATTACHED_DRV && st.drv_prog_id == id1,
	      "native: mode %u drv %u", st.mode, st.drv_prog_id);
	t0 = now_ms();
	r = nl_xdp_set(ifindex, -1, XDP_FLAGS_DRV_MODE, -1, &d);
	t1 = now_ms();
	CHECK(r == 0, "detach native: %s", d.msg);
	ktest_note("netlink XDP detach (native) on veth: %.1f ms", t1 - t0);

	/* A bad index. */
	r = nl_xdp_query(987654, &st, &d);
	CHECK(r == -ENODEV, "query of a missing interface: %d %s", r, d.msg);
	r = nl_xdp_set(987654, p1, XDP_FLAGS_SKB_MODE, -1, &d);
	CHECK(r == -ENODEV, "attach to a missing interface: %d %s", r, d.msg);
	close_fd(&p1);
	close_fd(&p2);
}

TEST(bpf_xdp_netlink)
{
	SKIP_UNLESS_ROOT();
	struct netns_pair n;
	REQUIRE(netns_make(&n, "x") == 0, "making namespaces and veth");
	xdp_netlink_body(&n);
	netns_remove(&n);
}

static void xdp_link_body(struct netns_pair *n)
{
	struct diag d = {""};
	struct nl_xdp_state st;
	int p1 = -1, link = -1;
	REQUIRE(netns_enter(n, n->a) == 0, "enter %s", n->a);
	int ifindex = (int)if_nametoindex("va");
	REQUIRE(ifindex > 0, "va has no index");
	p1 = load_xdp_ret(XDP_PASS);
	REQUIRE(p1 > 0, "load");
	uint32_t id1 = ktest_prog_id(p1);

	double t0 = now_ms();
	link = sys_link_create(p1, ifindex, BPF_XDP, XDP_FLAGS_SKB_MODE);
	double t1 = now_ms();
	if (link < 0) {
		CHECK(0, "link create: %s", sys_errno_name(link));
		goto out;
	}
	ktest_note("bpf_link XDP attach (generic) on veth: %.1f ms", t1 - t0);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.mode == XDP_ATTACHED_SKB && st.prog_id == id1,
	      "link visible through netlink: mode %u prog %u", st.mode, st.prog_id);
	struct bpf_link_info li;
	uint32_t len = sizeof(li);
	memset(&li, 0, sizeof(li));
	CHECK(sys_obj_info(link, &li, &len) == 0 && li.type == BPF_LINK_TYPE_XDP && li.prog_id == id1 &&
		      li.xdp.ifindex == (uint32_t)ifindex,
	      "link info: type %u prog %u ifindex %u", li.type, li.prog_id, li.xdp.ifindex);

	/* Netlink may neither replace nor remove a link's program. */
	int r = nl_xdp_set(ifindex, p1, XDP_FLAGS_SKB_MODE, -1, &d);
	CHECK(r == -EBUSY, "netlink attach over a link: %d %s", r, d.msg);
	ktest_note("netlink attach over a bpf_link: %s", d.msg);
	r = nl_xdp_set(ifindex, -1, XDP_FLAGS_SKB_MODE, -1, &d);
	CHECK(r == -EBUSY, "netlink detach of a link: %d %s", r, d.msg);
	ktest_note("netlink detach of a bpf_link: %s", d.msg);
	/* A second link on the same interface. */
	int link2 = sys_link_create(p1, ifindex, BPF_XDP, XDP_FLAGS_SKB_MODE);
	CHECK(link2 == -EBUSY, "second link: %d (%s)", link2, sys_errno_name(link2));
	ktest_note("second bpf_link on the same interface: %s", sys_errno_name(link2));
	close_fd(&link2);

	t0 = now_ms();
	close_fd(&link);
	t1 = now_ms();
	ktest_note("bpf_link XDP detach (close) on veth: %.1f ms", t1 - t0);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.mode == XDP_ATTACHED_NONE, "closing the link detaches");

	/* The other way round: netlink first, then a link. */
	CHECK(nl_xdp_set(ifindex, p1, XDP_FLAGS_SKB_MODE, -1, &d) == 0, "netlink attach: %s", d.msg);
	link = sys_link_create(p1, ifindex, BPF_XDP, XDP_FLAGS_SKB_MODE);
	CHECK(link == -EBUSY, "link over netlink: %d (%s)", link, sys_errno_name(link));
	ktest_note("bpf_link over a netlink attachment: %s", sys_errno_name(link));
	close_fd(&link);
	CHECK(nl_xdp_set(ifindex, -1, XDP_FLAGS_SKB_MODE, -1, &d) == 0, "netlink detach: %s", d.msg);

	/* sys_link_detach leaves the fd but takes the program off. */
	link = sys_link_create(p1, ifindex, BPF_XDP, 0);
	CHECK(link > 0, "link (no mode flag): %s", sys_errno_name(link));
	if (link > 0) {
		CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.prog_id == id1, "attached: mode %u", st.mode);
		ktest_note("bpf_link without a mode flag on veth gives mode %u", st.mode);
		CHECK(sys_link_detach(link) == 0, "link detach");
		CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.mode == XDP_ATTACHED_NONE, "detached");
	}
out:
	close_fd(&link);
	close_fd(&p1);
}

TEST(bpf_xdp_link_exclusive)
{
	SKIP_UNLESS_ROOT();
	struct netns_pair n;
	REQUIRE(netns_make(&n, "l") == 0, "making namespaces and veth");
	xdp_link_body(&n);
	netns_remove(&n);
}

/* ---- default route ----------------------------------------------------------------------------- */

static void default_route_body(struct netns_pair *n)
{
	struct diag d = {""};
	int ifindex = -1;
	REQUIRE(netns_enter(n, n->a) == 0, "enter %s", n->a);
	int r = nl_default_route_ifindex(&ifindex, &d);
	CHECK(r == -ENOENT, "fresh namespace has no default route: %d %s", r, d.msg);
	CHECK(run("ip -n %s addr add 10.77.0.1/24 dev va", n->a) == 0, "address on va");
	CHECK(run("ip -n %s route add default via 10.77.0.2 dev va metric 100", n->a) == 0, "route");
	r = nl_default_route_ifindex(&ifindex, &d);
	CHECK(r == 0 && ifindex == (int)if_nametoindex("va"), "default via va: %d %d %s", r, ifindex, d.msg);
	/* A second default route with a lower metric wins. */
	CHECK(run("ip -n %s link add vc type veth peer name vd", n->a) == 0, "second veth");
	CHECK(run("ip -n %s link set vc up", n->a) == 0 && run("ip -n %s link set vd up", n->a) == 0, "up");
	CHECK(run("ip -n %s addr add 10.78.0.1/24 dev vc", n->a) == 0, "address on vc");
	CHECK(run("ip -n %s route add default via 10.78.0.2 dev vc metric 50", n->a) == 0, "route 2");
	r = nl_default_route_ifindex(&ifindex, &d);
	CHECK(r == 0 && ifindex == (int)if_nametoindex("vc"), "lower metric wins: %d %d %s", r, ifindex,
	      d.msg);
	/* IPv6 only: the fallback. */
	CHECK(run("ip -n %s route flush default", n->a) == 0, "flush");
	CHECK(run("ip -n %s -6 route add default dev vd metric 10", n->a) == 0, "v6 route");
	r = nl_default_route_ifindex(&ifindex, &d);
	CHECK(r == 0 && ifindex == (int)if_nametoindex("vd"), "IPv6 default: %d %d %s", r, ifindex, d.msg);
}

TEST(bpf_default_route)
{
	SKIP_UNLESS_ROOT();
	struct diag d = {""};
	int ifindex = -1;
	char name[IF_NAMESIZE];
	int r = nl_default_route_ifindex(&ifindex, &d);
	CHECK((r == 0 && if_indextoname((unsigned)ifindex, name)) || r == -ENOENT,
	      "this machine: %d %s", r, d.msg);
	if (r == 0)
		ktest_note("default route of this machine: ifindex %d (%s)", ifindex, name);
	struct netns_pair n;
	REQUIRE(netns_make(&n, "r") == 0, "making namespaces and veth");
	default_route_body(&n);
	netns_remove(&n);
}

/* ---- pure netlink parsing ---------------------------------------------------------------------- */

/* Appends bytes to a message being built by hand. */
static size_t put(unsigned char *buf, size_t off, const void *p, size_t n)
{
	memcpy(buf + off, p, n);
	return off + n;
}

TEST(bpf_netlink_parse_ack)
{
	unsigned char buf[256];
	char msg[64];
	/* An error with a capped echo and an extack message. */
	struct nlmsghdr h = {.nlmsg_type = NLMSG_ERROR, .nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS,
			     .nlmsg_seq = 7};
	int32_t err = -EBUSY;
	struct nlmsghdr echoed = {.nlmsg_len = 64, .nlmsg_type = RTM_SETLINK, .nlmsg_seq = 7};
	struct nlattr a = {.nla_len = 4 + 6, .nla_type = NLMSGERR_ATTR_MSG};
	size_t off = sizeof(h);
	off = put(buf, off, &err, 4);
	off = put(buf, off, &echoed, sizeof(echoed));
	off = put(buf, off, &a, sizeof(a));
	off = put(buf, off, "busy!\0\0", 8); /* 6 bytes and padding */
	h.nlmsg_len = (uint32_t)off;
	put(buf, 0, &h, sizeof(h));
	CHECK(nl_parse_ack(buf, off, 7, msg, sizeof(msg)) == -EBUSY && strcmp(msg, "busy!") == 0,
	      "extack: '%s'", msg);
	CHECK(nl_parse_ack(buf, off, 8, msg, sizeof(msg)) == NL_MORE, "other seq");
	CHECK(nl_parse_ack(buf, off - 1, 7, msg, sizeof(msg)) == -EBADMSG, "cut short");
	char tiny[3];
	CHECK(nl_parse_ack(buf, off, 7, tiny, sizeof(tiny)) == -EBUSY && strcmp(tiny, "bu") == 0,
	      "truncated message '%s'", tiny);
	/* Every shorter length is refused or answered, never read past. */
	for (size_t n = 0; n < off; n++) {
		int r = nl_parse_ack(buf, n, 7, msg, sizeof(msg));
		CHECK(r == -EBADMSG || r == NL_MORE, "length %zu gave %d", n, r);
	}
	/* An attribute claiming more than is there. */
	a.nla_len = 200;
	put(buf, sizeof(h) + 4 + sizeof(echoed), &a, sizeof(a));
	CHECK(nl_parse_ack(buf, off, 7, msg, sizeof(msg)) == -EBADMSG, "long attribute");
	/* A plain ack. */
	h.nlmsg_flags = 0;
	h.nlmsg_len = sizeof(h) + 4 + sizeof(echoed);
	err = 0;
	off = put(buf, 0, &h, sizeof(h));
	off = put(buf, off, &err, 4);
	off = put(buf, off, &echoed, sizeof(echoed));
	CHECK(nl_parse_ack(buf, off, 7, msg, sizeof(msg)) == 0 && msg[0] == '\0', "ack");
	/* A message length smaller than its header. */
	h.nlmsg_len = 8;
	put(buf, 0, &h, sizeof(h));
	CHECK(nl_parse_ack(buf, off, 7, msg, sizeof(msg)) == -EBADMSG, "nlmsg_len 8");
}

TEST(bpf_netlink_build_xdp_set)
{
	unsigned char buf[128];
	int n = nl_build_xdp_set(buf, sizeof(buf), 42, 5, 9, XDP_FLAGS_SKB_MODE, 11);
	CHECK(n == 16 + 16 + 4 + 3 * 8, "length %d", n);
	struct nlmsghdr h;
	memcpy(&h, buf, sizeof(h));
	CHECK(h.nlmsg_len == (uint32_t)n && h.nlmsg_type == RTM_SETLINK && h.nlmsg_seq == 42 &&
		      h.nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK),
	      "header");
	struct ifinfomsg ifi;
	memcpy(&ifi, buf + 16, sizeof(ifi));
	CHECK(ifi.ifi_index == 5 && ifi.ifi_family == AF_UNSPEC, "ifinfomsg");
	struct rtattr nest;
	memcpy(&nest, buf + 32, sizeof(nest));
	CHECK(nest.rta_len == 28 && nest.rta_type == (IFLA_XDP | NLA_F_NESTED), "nest %u %#x",
	      nest.rta_len, nest.rta_type);
	uint32_t flags;
	memcpy(&flags, buf + 32 + 4 + 16 + 4, 4);
	CHECK(flags == (XDP_FLAGS_SKB_MODE | XDP_FLAGS_REPLACE), "flags %#x", flags);
	CHECK(nl_build_xdp_set(buf, 40, 1, 5, 9, 0, -1) == -ENOSPC, "too small");
	CHECK(nl_build_xdp_set(buf, sizeof(buf), 1, 5, -1, 0, -1) == 16 + 16 + 4 + 2 * 8, "detach");
}
