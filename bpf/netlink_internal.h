/* bpf/netlink_internal.h — what bpf/netlink.c (XDP, routes) and bpf/netlink_tc.c (tc filters) share:
 * parsing a datagram's messages and attributes as untrusted bytes, walking the replies to one
 * request, building requests, and one request-and-replies exchange. Not for other modules (bpf/netlink.h is the interface). */
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

/* What a reply walk hands each message answering the request: its type and payload. Returns 0 to
 * go on, NL_DONE when the answer is complete, or a negative errno. */
#define NL_DONE 2
typedef int (*nl_msg_fn)(void *ctx, uint16_t type, const unsigned char *body, size_t blen);
/* The messages of one datagram answering seq, in order: an NLMSG_ERROR carrying an error ends the
 * walk with it (the kernel's text in msg); every other message, acks (NLMSG_ERROR, error 0)
 * included, goes to fn. 0 once fn says NL_DONE, fn's error, -EBADMSG, or NL_MORE when the datagram
 * ends first. Every nl_parse_* is one. */
int nl_walk(const void *buf, size_t len, uint32_t seq, nl_msg_fn fn, void *ctx, char *msg, size_t cap);
/* The walk of a request that only wants its ack. */
int nl_ack_msg(void *ctx, uint16_t type, const unsigned char *body, size_t blen);
/* Sends req[len] (the request's header says its sequence number) on a fresh socket and walks the
 * replies with fn until the answer is complete. */
int nl_exchange(const void *req, size_t len, nl_msg_fn fn, void *ctx, char *msg, size_t cap);
/* The same, each reply datagram handed whole to step (0 / NL_MORE / -errno, as nl_walk), for
 * tools that keep the datagrams (tests/fuzz/nlcapture.c). */
typedef int (*nl_step_fn)(const void *buf, size_t len, void *state, char *msg, size_t cap);
int nl_exchange_datagrams(const void *req, size_t len, nl_step_fn step, void *state, char *msg, size_t cap);
/* The words after the subject in a diagnostic: the kernel's own message when it gave one. */
const char *nl_reason(const char *msg, int err);

#endif
