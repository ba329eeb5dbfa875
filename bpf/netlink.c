/* bpf/netlink.c — rtnetlink requests for XDP and the default route; see netlink.h.
 * Owns: building requests, one socket per exchange, and parsing every reply byte as untrusted
 * (headers are memcpy'd out of the buffer, every length checked against what arrived). Doesn't own:
 * interface names (if_nametoindex is the caller's) or bpf_link attach. */
#include "bpf/netlink.h"
#include "bpf/netlink_internal.h"
#include "bpf/sys.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define NL_TIMEOUT_SEC 5          /* a missing reply fails with ETIMEDOUT after this */
#define NL_RX_SIZE 32768          /* the kernel never sends a bigger dump datagram */
#define NL_MAX_DATAGRAMS 1000000  /* bound on one exchange, whatever the kernel sends */

/* ---- pure parsing helpers ------------------------------------------------------------------ */

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* The message at buf[*off]: copies its header into *h, points *body and *blen at its payload and
 * advances *off. Returns 1, 0 at the end of buf, or -EBADMSG. */
int nl_next_msg(const unsigned char *buf, size_t len, size_t *off, struct nlmsghdr *h,
		    const unsigned char **body, size_t *blen)
{
	if (*off >= len)
		return 0;
	if (len - *off < sizeof(*h))
		return -EBADMSG;
	memcpy(h, buf + *off, sizeof(*h));
	if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - *off)
		return -EBADMSG;
	*body = buf + *off + sizeof(*h);
	*blen = h->nlmsg_len - sizeof(*h);
	*off += NLMSG_ALIGN(h->nlmsg_len);
	return 1;
}

/* The attribute at buf[*off] (attributes run up to end): its type without the nested/byte-order
 * flags, its payload and length; advances *off. Returns 1, 0 at the end, or -EBADMSG. */
int nl_next_attr(const unsigned char *buf, size_t end, size_t *off, uint16_t *type,
		     const unsigned char **data, size_t *dlen)
{
	struct rtattr a;
	if (*off >= end || end - *off < sizeof(a))
		return 0; /* fewer bytes than a header left: padding */
	memcpy(&a, buf + *off, sizeof(a));
	if (a.rta_len < sizeof(a) || a.rta_len > end - *off)
		return -EBADMSG;
	*type = a.rta_type & NLA_TYPE_MASK;
	*data = buf + *off + sizeof(a);
	*dlen = a.rta_len - sizeof(a);
	*off += RTA_ALIGN(a.rta_len);
	return 1;
}

/* Copies a kernel string of at most n bytes into msg[cap], stopping at its NUL and replacing control
 * characters, so the diagnostic stays one printable line. */
static void copy_text(char *msg, size_t cap, const unsigned char *s, size_t n)
{
	size_t i = 0;
	if (cap == 0)
		return;
	for (; i < n && i + 1 < cap && s[i] != '\0'; i++)
		msg[i] = (s[i] < 0x20 || s[i] == 0x7f) ? ' ' : (char)s[i];
	msg[i] = '\0';
}

/* The body of an NLMSG_ERROR (struct nlmsgerr: error, the request's header, maybe the request's
 * payload, then extended-ack attributes when NLM_F_ACK_TLVS). Returns the error (0: an ack) and
 * copies NLMSGERR_ATTR_MSG into msg, or -EBADMSG. */
int nl_parse_error(const unsigned char *body, size_t blen, uint16_t flags, char *msg, size_t cap)
{
	int32_t error;
	struct nlmsghdr echoed;
	if (blen < sizeof(error) + sizeof(echoed))
		return -EBADMSG;
	memcpy(&error, body, sizeof(error));
	memcpy(&echoed, body + sizeof(error), sizeof(echoed));
	if (error > 0 || error < -4095)
		return -EBADMSG;
	if (!(flags & NLM_F_ACK_TLVS))
		return error;
	/* NLM_F_CAPPED (we ask for it with NETLINK_CAP_ACK): only the request's header is echoed. */
	size_t echoed_len = sizeof(echoed);
	if (!(flags & NLM_F_CAPPED)) {
		if (echoed.nlmsg_len < sizeof(echoed))
			return -EBADMSG;
		echoed_len = echoed.nlmsg_len;
	}
	if (echoed_len > blen - sizeof(error))
		return -EBADMSG;
	size_t off = sizeof(error) + NLMSG_ALIGN(echoed_len);
	uint16_t type;
	const unsigned char *data;
	size_t dlen;
	int r;
	while ((r = nl_next_attr(body, blen, &off, &type, &data, &dlen)) == 1)
		if (type == NLMSGERR_ATTR_MSG)
			copy_text(msg, cap, data, dlen);
	return r < 0 ? r : error;
}

int nl_walk(const void *buf, size_t len, uint32_t seq, nl_msg_fn fn, void *ctx, char *msg, size_t cap)
{
	struct nlmsghdr h;
	const unsigned char *body;
	size_t blen, off = 0;
	int r;
	if (cap)
		msg[0] = '\0';
	while ((r = nl_next_msg(buf, len, &off, &h, &body, &blen)) == 1) {
		if (h.nlmsg_seq != seq)
			continue; /* not an answer to our request */
		if (h.nlmsg_type == NLMSG_ERROR && (r = nl_parse_error(body, blen, h.nlmsg_flags, msg, cap)) != 0)
			return r;
		if ((r = fn(ctx, h.nlmsg_type, body, blen)) != 0)
			return r == NL_DONE ? 0 : r;
	}
	return r < 0 ? r : NL_MORE;
}

/* A dump's NLMSG_DONE: since 4.x its body is an int, negative when the dump failed midway. */
static int dump_done(const unsigned char *body, size_t blen)
{
	int32_t error = 0;
	if (blen >= sizeof(error))
		memcpy(&error, body, sizeof(error));
	return error < 0 && error >= -4095 ? error : NL_DONE;
}

int nl_ack_msg(void *ctx, uint16_t type, const unsigned char *body, size_t blen)
{
	(void)ctx, (void)body, (void)blen;
	return type == NLMSG_ERROR ? NL_DONE : 0;
}

int nl_parse_ack(const void *buf, size_t len, uint32_t seq, char *msg, size_t cap)
{
	return nl_walk(buf, len, seq, nl_ack_msg, NULL, msg, cap);
}

/* The attributes nested in IFLA_XDP. */
static int parse_xdp_attrs(const unsigned char *p, size_t n, struct nl_xdp_state *out)
{
	size_t off = 0;
	uint16_t type;
	const unsigned char *data;
	size_t dlen;
	int r;
	while ((r = nl_next_attr(p, n, &off, &type, &data, &dlen)) == 1) {
		if (type == IFLA_XDP_ATTACHED && dlen >= 1)
			out->mode = data[0];
		else if (dlen < 4)
			continue; /* too short for the u32 ids below */
		else if (type == IFLA_XDP_PROG_ID)
			out->prog_id = get_u32(data);
		else if (type == IFLA_XDP_DRV_PROG_ID)
			out->drv_prog_id = get_u32(data);
		else if (type == IFLA_XDP_SKB_PROG_ID)
			out->skb_prog_id = get_u32(data);
		else if (type == IFLA_XDP_HW_PROG_ID)
			out->hw_prog_id = get_u32(data);
	}
	return r;
}

/* One RTM_NEWLINK body: index, name, XDP state. */
static int parse_iface(const unsigned char *body, size_t blen, struct nl_iface *out)
{
	struct ifinfomsg ifi;
	if (blen < sizeof(ifi))
		return -EBADMSG;
	memcpy(&ifi, body, sizeof(ifi));
	memset(out, 0, sizeof(*out));
	out->ifindex = ifi.ifi_index;
	size_t off = NLMSG_ALIGN(sizeof(ifi));
	uint16_t type;
	const unsigned char *data;
	size_t dlen;
	int r;
	while ((r = nl_next_attr(body, blen, &off, &type, &data, &dlen)) == 1) {
		if (type == IFLA_IFNAME) {
			copy_text(out->name, sizeof(out->name), data, dlen);
		} else if (type == IFLA_XDP) {
			int xr = parse_xdp_attrs(data, dlen, &out->xdp);
			if (xr < 0)
				return xr;
		}
	}
	return r < 0 ? r : 0;
}

struct link_want {
	int ifindex;
	struct nl_xdp_state *out;
};

/* The RTM_NEWLINK of the interface asked about ends the walk; acks carry no link. */
static int link_msg(void *ctx, uint16_t type, const unsigned char *body, size_t blen)
{
	const struct link_want *w = ctx;
	struct ifinfomsg ifi;
	struct nl_iface iface;
	if (type != RTM_NEWLINK)
		return 0;
	if (blen < sizeof(ifi))
		return -EBADMSG;
	memcpy(&ifi, body, sizeof(ifi));
	if (ifi.ifi_index != w->ifindex)
		return 0;
	int r = parse_iface(body, blen, &iface);
	*w->out = iface.xdp;
	return r ? r : NL_DONE;
}

int nl_parse_xdp_link(const void *buf, size_t len, uint32_t seq, int ifindex,
		      struct nl_xdp_state *out, char *msg, size_t cap)
{
	struct link_want w = {ifindex, out};
	return nl_walk(buf, len, seq, link_msg, &w, msg, cap);
}

/* Folds one RTM_NEWROUTE body into pick when it is a unicast default route of the main table. */
static int fold_route(const unsigned char *body, size_t blen, struct nl_route_pick *pick)
{
	struct rtmsg rt;
	if (blen < sizeof(rt))
		return -EBADMSG;
	memcpy(&rt, body, sizeof(rt));
	uint32_t table = rt.rtm_table, priority = 0;
	int oif = 0;
	size_t off = NLMSG_ALIGN(sizeof(rt));
	uint16_t type;
	const unsigned char *data;
	size_t dlen;
	int r;
	while ((r = nl_next_attr(body, blen, &off, &type, &data, &dlen)) == 1) {
		if (type == RTA_MULTIPATH && oif == 0 && dlen >= sizeof(struct rtnexthop)) {
			/* The first hop of a multipath route stands for it. */
			struct rtnexthop nh;
			memcpy(&nh, data, sizeof(nh));
			if (nh.rtnh_len >= sizeof(nh) && nh.rtnh_len <= dlen)
				oif = nh.rtnh_ifindex;
		}
		if (dlen < 4)
			continue;
		if (type == RTA_TABLE) /* tables above 255 only have this */
			table = get_u32(data);
		else if (type == RTA_OIF)
			oif = (int)get_u32(data);
		else if (type == RTA_PRIORITY)
			priority = get_u32(data);
	}
	if (r < 0)
		return r;
	if (rt.rtm_dst_len != 0 || rt.rtm_type != RTN_UNICAST || table != RT_TABLE_MAIN || oif <= 0)
		return 0;
	if (!pick->found || priority < pick->priority) {
		pick->found = 1;
		pick->ifindex = oif;
		pick->priority = priority;
	}
	return 0;
}

static int route_msg(void *ctx, uint16_t type, const unsigned char *body, size_t blen)
{
	if (type == NLMSG_DONE)
		return dump_done(body, blen);
	return type == RTM_NEWROUTE ? fold_route(body, blen, ctx) : 0;
}

int nl_parse_default_routes(const void *buf, size_t len, uint32_t seq, struct nl_route_pick *pick,
			    char *msg, size_t cap)
{
	return nl_walk(buf, len, seq, route_msg, pick, msg, cap);
}

/* ---- request building ---------------------------------------------------------------------- */

/* Appends an attribute with data[len] at buf[*off]; the caller made sure it fits. */
void nl_put_attr(unsigned char *buf, size_t *off, uint16_t type, const void *data, uint16_t len)
{
	struct rtattr a = {.rta_len = (unsigned short)RTA_LENGTH(len), .rta_type = type};
	memcpy(buf + *off, &a, sizeof(a));
	if (len)
		memcpy(buf + *off + sizeof(a), data, len);
	*off += RTA_SPACE(len);
}

/* Writes the netlink header at buf[0] once the request's length is known. */
void nl_put_header(unsigned char *buf, size_t len, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr h = {.nlmsg_len = (uint32_t)len, .nlmsg_type = type, .nlmsg_flags = flags,
			     .nlmsg_seq = seq};
	memcpy(buf, &h, sizeof(h));
}

int nl_build_xdp_set(void *buf, size_t cap, uint32_t seq, int ifindex, int prog_fd,
		     uint32_t xdp_flags, int expected_fd)
{
	/* header, ifinfomsg, IFLA_XDP { IFLA_XDP_FD, IFLA_XDP_FLAGS, [IFLA_XDP_EXPECTED_FD] } */
	size_t need = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg)) + RTA_SPACE(0) +
		      3 * RTA_SPACE(sizeof(int32_t));
	if (cap < need)
		return -ENOSPC;
	unsigned char *p = buf;
	memset(p, 0, need);
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	memcpy(p + NLMSG_HDRLEN, &ifi, sizeof(ifi));
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifi));

	size_t nest = off;
	nl_put_attr(p, &off, IFLA_XDP | NLA_F_NESTED, NULL, 0);
	int32_t fd = prog_fd;
	nl_put_attr(p, &off, IFLA_XDP_FD, &fd, sizeof(fd));
	if (expected_fd >= 0) {
		int32_t efd = expected_fd;
		xdp_flags |= XDP_FLAGS_REPLACE;
		nl_put_attr(p, &off, IFLA_XDP_EXPECTED_FD, &efd, sizeof(efd));
	}
	nl_put_attr(p, &off, IFLA_XDP_FLAGS, &xdp_flags, sizeof(xdp_flags));
	uint16_t nest_len = (uint16_t)(off - nest); /* the nest's header now covers its children */
	memcpy(p + nest, &nest_len, sizeof(nest_len));

	nl_put_header(p, off, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
	return (int)off;
}

/* ---- socket I/O ---------------------------------------------------------------------------- */

uint32_t nl_next_seq(void)
{
	static uint32_t seq;
	return ++seq;
}

/* A NETLINK_ROUTE socket asking for extended acks, capped echoes and bounded waits. */
static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	int one = 1;
	/* Both exist since 4.12/4.3; without them the reply just carries less. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	struct timeval tv = {.tv_sec = NL_TIMEOUT_SEC};
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* One datagram from the kernel into buf[cap]. Returns its length or -errno: -ETIMEDOUT when none
 * came in time, -EMSGSIZE when it did not fit. Datagrams from other senders are skipped. */
static int nl_recv(int fd, void *buf, size_t cap)
{
	for (;;) {
		struct sockaddr_nl from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		if ((size_t)n > cap)
			return -EMSGSIZE;
		if (fromlen < sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid != 0)
			continue; /* only the kernel (port 0) answers */
		return (int)n;
	}
}

int nl_exchange_datagrams(const void *req, size_t len, nl_step_fn step, void *state, char *msg, size_t cap)
{
	/* Static, not on the stack or the heap: pages are touched only as far as a reply fills them
	 * (a 32 KiB frame would be probed page by page; a 32 KiB malloc is an mmap and a munmap per
	 * exchange). rawload is single-threaded and exchanges do not nest. */
	static union {
		struct nlmsghdr align; /* receive into a suitably aligned buffer */
		unsigned char bytes[NL_RX_SIZE];
	} rx_buf;
	unsigned char *rx = rx_buf.bytes;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	msg[0] = '\0';
	int fd = nl_open();
	if (fd < 0)
		return fd;
	int r = 0;
	if (sendto(fd, req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		r = errno == EAGAIN ? -ETIMEDOUT : -errno;
		goto close_fd;
	}
	r = NL_MORE;
	for (long i = 0; i < NL_MAX_DATAGRAMS && r == NL_MORE; i++) {
		int n = nl_recv(fd, rx, NL_RX_SIZE);
		if (n < 0) {
			r = n;
			break;
		}
		r = step(rx, (size_t)n, state, msg, cap);
	}
	if (r == NL_MORE)
		r = -EPROTO;
close_fd:
	close(fd);
	return r;
}

struct walk {
	uint32_t seq;
	nl_msg_fn fn;
	void *ctx;
};

static int walk_step(const void *buf, size_t len, void *state, char *msg, size_t cap)
{
	const struct walk *w = state;
	return nl_walk(buf, len, w->seq, w->fn, w->ctx, msg, cap);
}

int nl_exchange(const void *req, size_t len, nl_msg_fn fn, void *ctx, char *msg, size_t cap)
{
	struct nlmsghdr h; /* the replies answer the request's sequence number */
	memcpy(&h, req, sizeof(h));
	struct walk w = {h.nlmsg_seq, fn, ctx};
	return nl_exchange_datagrams(req, len, walk_step, &w, msg, cap);
}

/* ---- the three requests ------------------------------------------------------------------------ */

/* The words after the subject in a diagnostic: the kernel's own message when it gave one. */
const char *nl_reason(const char *msg, int err)
{
	if (msg[0])
		return msg;
	return err == -ENODEV ? "no such interface" : err == -ETIMEDOUT ? "no reply" : "failed";
}

int nl_xdp_set(int ifindex, int prog_fd, uint32_t xdp_flags, int expected_fd, struct diag *d)
{
	const char *what = prog_fd < 0 ? "detach" : expected_fd >= 0 ? "replace" : "attach";
	unsigned char req[128];
	char msg[256];
	int len = nl_build_xdp_set(req, sizeof(req), nl_next_seq(), ifindex, prog_fd, xdp_flags, expected_fd);
	if (len < 0)
		return diag_set(d, len, "netlink: XDP %s on ifindex %d: request too big", what, ifindex);
	int err = nl_exchange(req, (size_t)len, nl_ack_msg, NULL, msg, sizeof(msg));
	if (err)
		return diag_set(d, err, "netlink: XDP %s on ifindex %d: %s (%s)", what, ifindex,
				nl_reason(msg, err), sys_errno_name(err));
	return 0;
}

int nl_xdp_query(int ifindex, struct nl_xdp_state *out, struct diag *d)
{
	unsigned char req[NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg))];
	char msg[256];
	struct link_want w = {ifindex, out};
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	memset(req, 0, sizeof(req));
	memcpy(req + NLMSG_HDRLEN, &ifi, sizeof(ifi));
	nl_put_header(req, sizeof(req), RTM_GETLINK, NLM_F_REQUEST, nl_next_seq());
	memset(out, 0, sizeof(*out));
	int err = nl_exchange(req, sizeof(req), link_msg, &w, msg, sizeof(msg));
	if (err)
		return diag_set(d, err, "netlink: XDP query on ifindex %d: %s (%s)", ifindex,
				nl_reason(msg, err), sys_errno_name(err));
	return 0;
}

/* Dumps the routes of one family and picks the best default route. */
static int default_route(uint8_t family, struct nl_route_pick *pick, char *msg, size_t cap)
{
	unsigned char req[NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct rtmsg))];
	struct rtmsg rt = {.rtm_family = family};
	memset(pick, 0, sizeof(*pick));
	memset(req, 0, sizeof(req));
	memcpy(req + NLMSG_HDRLEN, &rt, sizeof(rt));
	nl_put_header(req, sizeof(req), RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, nl_next_seq());
	return nl_exchange(req, sizeof(req), route_msg, pick, msg, cap);
}

int nl_default_route_ifindex(int *ifindex, struct diag *d)
{
	static const uint8_t families[] = {AF_INET, AF_INET6};
	static const char *const names[] = {"IPv4", "IPv6"};
	char msg[256];
	struct nl_route_pick pick;
	for (int i = 0; i < 2; i++) {
		int err = default_route(families[i], &pick, msg, sizeof(msg));
		if (err)
			return diag_set(d, err, "netlink: %s route dump: %s (%s)", names[i],
					nl_reason(msg, err), sys_errno_name(err));
		if (pick.found) {
			*ifindex = pick.ifindex;
			return 0;
		}
	}
	return diag_set(d, -ENOENT, "netlink: no default route in the main table (IPv4 or IPv6)");
}

/* ---- every interface and its XDP program (RTM_GETLINK dump) ---------------------------------- */

struct iface_each {
	nl_iface_fn fn;
	void *ctx;
};

static int iface_msg(void *ctx, uint16_t type, const unsigned char *body, size_t blen)
{
	const struct iface_each *e = ctx;
	struct nl_iface iface;
	if (type == NLMSG_DONE)
		return dump_done(body, blen);
	if (type != RTM_NEWLINK)
		return 0;
	int err = parse_iface(body, blen, &iface);
	return err ? err : e->fn(e->ctx, &iface);
}

int nl_parse_iface_dump(const void *buf, size_t len, uint32_t seq, nl_iface_fn fn, void *ctx, char *msg,
			size_t cap)
{
	struct iface_each e = {fn, ctx};
	return nl_walk(buf, len, seq, iface_msg, &e, msg, cap);
}

int nl_build_iface_dump(void *buf, size_t cap, uint32_t seq)
{
	size_t need = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg)) + RTA_SPACE(sizeof(uint32_t));
	if (cap < need)
		return -ENOSPC;
	unsigned char *p = buf;
	memset(p, 0, need);
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	memcpy(p + NLMSG_HDRLEN, &ifi, sizeof(ifi));
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifi));
	/* Statistics make each message larger and are not wanted (kernels that do not know the bit
	 * ignore it). */
	uint32_t mask = RTEXT_FILTER_SKIP_STATS;
	nl_put_attr(p, &off, IFLA_EXT_MASK, &mask, sizeof(mask));
	nl_put_header(p, off, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq);
	return (int)off;
}

int nl_iface_dump(nl_iface_fn fn, void *ctx, struct diag *d)
{
	unsigned char req[64];
	char msg[256];
	struct iface_each e = {fn, ctx};
	int len = nl_build_iface_dump(req, sizeof(req), nl_next_seq());
	if (len < 0)
		return diag_set(d, len, "netlink: interface dump: request too big");
	int err = nl_exchange(req, (size_t)len, iface_msg, &e, msg, sizeof(msg));
	if (err)
		return diag_set(d, err, "netlink: interface dump: %s (%s)", nl_reason(msg, err), sys_errno_name(err));
	return 0;
}
