/* bpf/netlink_internal.h — what bpf/netlink.c (XDP, routes) and bpf/netlink_tc.c (tc filters) share:
 * parsing a datagram's messages and attributes as untrusted bytes, building requests, and one
 * request-and-replies exchange. Not for other modules (bpf/netlink.h is the interface). */
#ifndef RAWLOAD_NETLINK_INTERNAL_H
#define RAWLOAD_NETLINK_INTERNAL_H

#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

/* The message at buf[*off]: its header copied into *h, *body and *blen its payload; *off advanced.
 * Returns 1, 0 at the end of buf, or -EBADMSG. */
int nl_next_msg(const unsigned char *buf, size_t len, size_t *off, struct nlmsghdr *h,
		const unsigned char **body, size_t *blen);
/* The attribute at buf[*off] (up to end): type without flags, payload, length; *off advanced.
 * Returns 1, 0 at the end, or -EBADMSG. */
int nl_next_attr(const unsigned char *buf, size_t end, size_t *off, uint16_t *type,
		 const unsigned char **data, size_t *dlen);
/* An NLMSG_ERROR's body: the error (0: an ack), the extended-ack text into msg; or -EBADMSG. */
int nl_parse_error(const unsigned char *body, size_t blen, uint16_t flags, char *msg, size_t cap);

/* Appends an attribute with data[len] at buf[*off] (the caller made sure it fits). */
void nl_put_attr(unsigned char *buf, size_t *off, uint16_t type, const void *data, uint16_t len);
/* Writes the netlink header at buf[0] once the request's length is known. */
void nl_put_header(unsigned char *buf, size_t len, uint16_t type, uint16_t flags, uint32_t seq);
uint32_t nl_next_seq(void);

/* One parsing step of an exchange: a datagram in, 0 / NL_MORE / -errno out (as nl_parse_*). */
typedef int (*nl_step_fn)(const void *buf, size_t len, void *state, char *msg, size_t cap);
/* Sends req[len] on a fresh socket and feeds the replies to step until it stops asking for more. */
int nl_exchange(const void *req, size_t len, nl_step_fn step, void *state, char *msg, size_t cap);
/* The words after the subject in a diagnostic: the kernel's own message when it gave one. */
const char *nl_reason(const char *msg, int err);

#endif
