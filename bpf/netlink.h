/* bpf/netlink.h — rtnetlink for a loader: XDP attach/detach/query on an interface, tc filters on
 * a clsact qdisc (kernels without tcx links), and the interface of the default route. Owns request
 * building, the socket exchange and parsing replies (acks with the kernel's extended-ack message).
 * Doesn't own: bpf_link XDP attach (sys.h).
 * The nl_parse_* functions take bytes as received and check every length: they are fuzzed. */
#ifndef RAWLOAD_NETLINK_H
#define RAWLOAD_NETLINK_H

#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

/* What a parser returns when the datagram did not hold the answer: read another. */
#define NL_MORE 1

/* The XDP state of one interface, from IFLA_XDP in an RTM_NEWLINK. All zero: nothing attached. */
struct nl_xdp_state {
	uint8_t mode;         /* IFLA_XDP_ATTACHED: XDP_ATTACHED_NONE, _DRV, _SKB, _HW or _MULTI */
	uint32_t prog_id;     /* IFLA_XDP_PROG_ID: the program when one mode is used (0 for MULTI) */
	uint32_t drv_prog_id; /* IFLA_XDP_DRV_PROG_ID: native mode (reported with MULTI) */
	uint32_t skb_prog_id; /* IFLA_XDP_SKB_PROG_ID: generic mode */
	uint32_t hw_prog_id;  /* IFLA_XDP_HW_PROG_ID: offloaded */
};

/* Does this XDP state hold program id in any mode? */
static inline int nl_xdp_holds(const struct nl_xdp_state *st, uint32_t id)
{
	return id && (st->prog_id == id || st->drv_prog_id == id || st->skb_prog_id == id || st->hw_prog_id == id);
}

/* Attaches prog_fd to ifindex (prog_fd -1 detaches) with XDP_FLAGS_* in xdp_flags. expected_fd >= 0
 * adds IFLA_XDP_EXPECTED_FD and XDP_FLAGS_REPLACE: only replace that program. The attachment
 * outlives this process. Returns 0 or the kernel's negative errno with d set, carrying the kernel's
 * own message when it gave one: "netlink: XDP attach on ifindex 5: <message> (EBUSY)". */
int nl_xdp_set(int ifindex, int prog_fd, uint32_t xdp_flags, int expected_fd, struct diag *d);

/* Reads the XDP state of ifindex (RTM_GETLINK). 0 or a negative errno (-ENODEV: no such
 * interface) with d set. */
int nl_xdp_query(int ifindex, struct nl_xdp_state *out, struct diag *d);

/* The output interface of the default route (destination length 0, main table, unicast) with the
 * lowest priority: IPv4 first, IPv6 when IPv4 has none. 0 or a negative errno with d set (-ENOENT:
 * no default route). */
int nl_default_route_ifindex(int *ifindex, struct diag *d);

/* One interface of this network namespace, from a link dump. */
struct nl_iface {
	int ifindex;
	char name[16];            /* IFLA_IFNAME (IFNAMSIZ), printable; "" when absent */
	struct nl_xdp_state xdp;  /* all zero: no XDP program */
};
/* Called once per interface; a negative return stops the dump with that value. */
typedef int (*nl_iface_fn)(void *ctx, const struct nl_iface *iface);
/* Every interface of the caller's network namespace with its XDP state (an RTM_GETLINK dump,
 * statistics left out). 0 or a negative errno with d set (or what fn returned). Reads only. */
int nl_iface_dump(nl_iface_fn fn, void *ctx, struct diag *d);

/* ---- tc through rtnetlink (bpf/netlink_tc.c): kernels without tcx links (before 6.6) ------------ */

/* A bpf filter the kernel added: what deleting it takes. */
struct nl_tc_filter {
	int found;            /* the kernel's echo of the new filter was seen */
	uint32_t handle;
	uint16_t priority;
};

/* Adds (add != 0) or removes the clsact qdisc of ifindex. Adding returns 0 when it was made now,
 * 1 when one was there already (leave it be), or a negative errno with d set. */
int nl_tc_clsact(int ifindex, int add, struct diag *d);
/* Adds a direct-action bpf filter for prog_fd on the ingress (ingress != 0) or egress hook of
 * ifindex's clsact, named name; the kernel's choice of handle and priority in *out. 0 or a
 * negative errno with d set. */
int nl_tc_filter_add(int ifindex, int ingress, int prog_fd, const char *name, struct nl_tc_filter *out,
		     struct diag *d);
/* Removes that filter. 0 or a negative errno with d set. */
int nl_tc_filter_del(int ifindex, int ingress, const struct nl_tc_filter *f, struct diag *d);

/* ---- pure parts (no I/O) --------------------------------------------------------------------- */

/* RTM_NEWQDISC (add) or RTM_DELQDISC of clsact on ifindex into buf[cap]: length or -ENOSPC. */
int nl_build_tc_qdisc(void *buf, size_t cap, uint32_t seq, int ifindex, int add);
/* RTM_NEWTFILTER with NLM_F_ECHO (del NULL: a bpf filter for prog_fd named name) or
 * RTM_DELTFILTER of *del, on the ingress or egress hook: length or -ENOSPC. */
int nl_build_tc_filter(void *buf, size_t cap, uint32_t seq, int ifindex, int ingress, int prog_fd,
		       const char *name, const struct nl_tc_filter *del);
/* Reads the echoed RTM_NEWTFILTER (handle, priority) and the ack answering seq. Returns 0 once
 * both arrived, NL_MORE, the kernel's negative errno (msg as nl_parse_ack), -EPROTO for an ack
 * without an echo, or -EBADMSG. */
int nl_parse_tc_echo(const void *buf, size_t len, uint32_t seq, struct nl_tc_filter *out, char *msg, size_t cap);

/* Builds the RTM_SETLINK request of nl_xdp_set into buf[cap]. Returns its length or -ENOSPC. */
int nl_build_xdp_set(void *buf, size_t cap, uint32_t seq, int ifindex, int prog_fd,
		     uint32_t xdp_flags, int expected_fd);

/* Looks for the NLMSG_ERROR answering seq in buf[len]. Returns 0 for a positive ack, the kernel's
 * negative errno for a refusal (its extended-ack message, if any, copied into msg[cap] as one
 * printable line, else msg empty; msg may be NULL when cap is 0), NL_MORE when buf holds no answer
 * for seq, -EBADMSG when buf is malformed. Messages with another seq are skipped. */
int nl_parse_ack(const void *buf, size_t len, uint32_t seq, char *msg, size_t cap);

/* Looks for the RTM_NEWLINK of ifindex answering seq and fills *out. Returns 0, NL_MORE, the kernel's
 * negative errno (msg as nl_parse_ack), or -EBADMSG. */
int nl_parse_xdp_link(const void *buf, size_t len, uint32_t seq, int ifindex,
		      struct nl_xdp_state *out, char *msg, size_t cap);

/* The RTM_GETLINK dump request of nl_iface_dump into buf[cap]: length or -ENOSPC. */
int nl_build_iface_dump(void *buf, size_t cap, uint32_t seq);
/* Feeds each RTM_NEWLINK answering seq to fn. Returns 0 when the dump ended (NLMSG_DONE), NL_MORE
 * when it goes on, the kernel's negative errno (msg as nl_parse_ack), -EBADMSG, or fn's negative
 * return. */
int nl_parse_iface_dump(const void *buf, size_t len, uint32_t seq, nl_iface_fn fn, void *ctx, char *msg,
			size_t cap);

/* The best default route seen so far in a route dump. Start zeroed. */
struct nl_route_pick {
	int found;
	int ifindex;
	uint32_t priority; /* RTA_PRIORITY (metric); lower wins; absent means 0 */
};

/* Folds the RTM_NEWROUTE messages answering seq into *pick. Returns 0 when the dump ended
 * (NLMSG_DONE), NL_MORE when it goes on, the kernel's negative errno (msg as nl_parse_ack), or
 * -EBADMSG. */
int nl_parse_default_routes(const void *buf, size_t len, uint32_t seq, struct nl_route_pick *pick,
			    char *msg, size_t cap);

#endif
