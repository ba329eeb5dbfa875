/* tests/fuzz/nlcapture.c — seeds for fuzz_netlink captured from real exchanges with the kernel:
 * every datagram the kernel answers with, written as a seed (the request's sequence number as the
 * first byte, then the datagram, as fuzz_netlink reads it). Run as root by tests/fuzz/seeds.sh
 * inside a network namespace it made, with a veth IFNAME that iproute2 gave an XDP program and a
 * default route:
 *   nlcapture OUTDIR IFNAME TC_OBJECT
 * Exchanges: the link with its XDP program (native, generic, none), a missing interface, route dumps
 * (IPv4, IPv6), XDP refusals with the kernel's extended-ack text (busy, expected program mismatch,
 * wrong program type), XDP attach and detach acks, a clsact qdisc added twice, a tc filter echoed,
 * refused, removed. Uses bpf/netlink's request builders and exchange, and rawload's loader for the
 * tc program. */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/netlink.h"
#include "bpf/netlink_internal.h"
#include "bpf/sys.h"
#include "loader/load/load.h"
#include "loader/obj/obj.h"

static const char *outdir;
static int written;

struct rec {
	const char *label;
	uint32_t seq;
	int n;                    /* datagrams so far */
	int kind;                 /* which parser says when the exchange ends */
	int ifindex;
	struct nl_xdp_state xdp;
	struct nl_route_pick pick;
	struct nl_tc_filter filter;
};
enum { ACK, LINK, ROUTES, ECHO };

static int step(const void *buf, size_t len, void *state, char *msg, size_t cap)
{
	struct rec *r = state;
	char path[512];
	snprintf(path, sizeof(path), "%s/%s-%d", outdir, r->label, r->n++);
	FILE *f = fopen(path, "wb");
	if (f) {
		unsigned char seq = (unsigned char)r->seq;
		if (fwrite(&seq, 1, 1, f) == 1 && fwrite(buf, 1, len, f) == len)
			written++;
		fclose(f);
	}
	switch (r->kind) {
	case LINK: return nl_parse_xdp_link(buf, len, r->seq, r->ifindex, &r->xdp, msg, cap);
	case ROUTES: return nl_parse_default_routes(buf, len, r->seq, &r->pick, msg, cap);
	case ECHO: return nl_parse_tc_echo(buf, len, r->seq, &r->filter, msg, cap);
	default: return nl_parse_ack(buf, len, r->seq, msg, cap);
	}
}

static int exchange(struct rec *r, const void *req, size_t len)
{
	char msg[256];
	int err = nl_exchange_datagrams(req, len, step, r, msg, sizeof(msg));
	printf("nlcapture: %-22s seq %3u: %d datagram(s), %s%s%s\n", r->label, r->seq, r->n,
	       err ? sys_errno_name(err) : "ok", msg[0] ? ": " : "", msg);
	return err;
}

static int getlink(const char *label, int ifindex, struct nl_xdp_state *out)
{
	unsigned char req[NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg))];
	struct rec r = {.label = label, .seq = nl_next_seq(), .kind = LINK, .ifindex = ifindex};
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	memset(req, 0, sizeof(req));
	memcpy(req + NLMSG_HDRLEN, &ifi, sizeof(ifi));
	nl_put_header(req, sizeof(req), RTM_GETLINK, NLM_F_REQUEST, r.seq);
	int err = exchange(&r, req, sizeof(req));
	if (out)
		*out = r.xdp;
	return err;
}

static void routes(const char *label, uint8_t family)
{
	unsigned char req[NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct rtmsg))];
	struct rec r = {.label = label, .seq = nl_next_seq(), .kind = ROUTES};
	struct rtmsg rt = {.rtm_family = family};
	memset(req, 0, sizeof(req));
	memcpy(req + NLMSG_HDRLEN, &rt, sizeof(rt));
	nl_put_header(req, sizeof(req), RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, r.seq);
	exchange(&r, req, sizeof(req));
}

static int xdp_set(const char *label, int ifindex, int fd, uint32_t flags, int expected)
{
	unsigned char req[256];
	struct rec r = {.label = label, .seq = nl_next_seq(), .kind = ACK};
	int len = nl_build_xdp_set(req, sizeof(req), r.seq, ifindex, fd, flags, expected);
	return len < 0 ? len : exchange(&r, req, (size_t)len);
}

static int qdisc(const char *label, int ifindex, int add)
{
	unsigned char req[256];
	struct rec r = {.label = label, .seq = nl_next_seq(), .kind = ACK};
	int len = nl_build_tc_qdisc(req, sizeof(req), r.seq, ifindex, add);
	return len < 0 ? len : exchange(&r, req, (size_t)len);
}

static int filter(const char *label, int ifindex, int fd, const struct nl_tc_filter *del, struct nl_tc_filter *out)
{
	unsigned char req[512];
	struct rec r = {.label = label, .seq = nl_next_seq(), .kind = del ? ACK : ECHO};
	int len = nl_build_tc_filter(req, sizeof(req), r.seq, ifindex, 1, fd, "count_ingress", del);
	int err = len < 0 ? len : exchange(&r, req, (size_t)len);
	if (out)
		*out = r.filter;
	return err;
}

/* The SCHED_CLS program count_ingress of the tc test object, loaded with rawload's own loader. */
static int tc_prog(const char *path, struct obj *o, struct loaded *l, uint8_t **bytes)
{
	FILE *f = fopen(path, "rb");
	long n = -1;
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
		if (f)
			fclose(f);
		return -1;
	}
	*bytes = malloc((size_t)n);
	if (!*bytes || fread(*bytes, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	fclose(f);
	struct diag d = {{0}};
	if (obj_parse(o, path, *bytes, (size_t)n, &d) || load_object(o, NULL, l, &d)) {
		fprintf(stderr, "nlcapture: %s: %s\n", path, d.msg);
		return -1;
	}
	int p = obj_find_prog(o, "count_ingress");
	return p < 0 ? -1 : l->prog_fds[p];
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: nlcapture OUTDIR IFNAME TC_OBJECT\n");
		return 2;
	}
	outdir = argv[1];
	int ifindex = (int)if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "nlcapture: %s: no such interface\n", argv[2]);
		return 1;
	}
	struct obj o;
	struct loaded l;
	uint8_t *bytes = NULL;
	int tc_fd = tc_prog(argv[3], &o, &l, &bytes);
	if (tc_fd < 0)
		return 1;

	struct nl_xdp_state st;
	getlink("getlink-xdp-native", ifindex, &st);
	uint32_t id = st.prog_id ? st.prog_id : st.drv_prog_id;
	int xdp_fd = id ? sys_prog_fd_by_id(id) : -1;
	if (xdp_fd < 0) {
		fprintf(stderr, "nlcapture: %s has no XDP program to start from\n", argv[2]);
		return 1;
	}
	getlink("getlink-no-such-device", 0x7fffff00, NULL);
	routes("routes-ipv4", AF_INET);
	routes("routes-ipv6", AF_INET6);
	xdp_set("xdp-busy", ifindex, xdp_fd, XDP_FLAGS_UPDATE_IF_NOEXIST, -1);
	xdp_set("xdp-expected-mismatch", ifindex, xdp_fd, 0, tc_fd);
	xdp_set("xdp-wrong-type", ifindex, tc_fd, 0, -1);
	xdp_set("xdp-detach", ifindex, -1, 0, xdp_fd);
	getlink("getlink-none", ifindex, NULL);
	xdp_set("xdp-attach-generic", ifindex, xdp_fd, XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, -1);
	getlink("getlink-xdp-generic", ifindex, NULL);
	xdp_set("xdp-native-while-generic", ifindex, xdp_fd, XDP_FLAGS_DRV_MODE, -1);
	xdp_set("xdp-detach-generic", ifindex, -1, XDP_FLAGS_SKB_MODE, -1);
	qdisc("qdisc-add", ifindex, 1);
	qdisc("qdisc-add-again", ifindex, 1);
	struct nl_tc_filter f;
	filter("filter-add-echo", ifindex, tc_fd, NULL, &f);
	filter("filter-wrong-type", ifindex, xdp_fd, NULL, NULL);
	if (f.found)
		filter("filter-del", ifindex, -1, &f, NULL);
	qdisc("qdisc-del", ifindex, 0);
	qdisc("qdisc-del-again", ifindex, 0);
	close(xdp_fd);
	load_close(&l);
	obj_close(&o);
	free(bytes);
	printf("nlcapture: %d datagrams written to %s\n", written, outdir);
	return written ? 0 : 1;
}
