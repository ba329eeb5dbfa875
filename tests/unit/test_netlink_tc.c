/* tests/unit/test_netlink_tc.c — the tc requests rawload sends to kernels without tcx links, byte
 * by byte as the rtnetlink and tc UAPI lay them out, and the parser of the kernel's echo of a new
 * filter (handle and priority) followed by its ack: found, refused, cut, or acked without echo. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "check.h"
#include "bpf/netlink.h"

static uint32_t u32_at(const unsigned char *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, 4);
	return v;
}
static uint16_t u16_at(const unsigned char *p, size_t off)
{
	uint16_t v;
	memcpy(&v, p + off, 2);
	return v;
}

TEST(netlink_tc_qdisc_request)
{
	unsigned char b[128];
	/* header 16, tcmsg 20, TCA_KIND "clsact\0" (4 + 7, padded to 12) = 48 */
	int n = nl_build_tc_qdisc(b, sizeof(b), 9, 4, 1);
	REQUIRE(n == 48, "length %d", n);
	CHECK(u32_at(b, 0) == 48 && u16_at(b, 4) == RTM_NEWQDISC && u32_at(b, 8) == 9, "header");
	CHECK(u16_at(b, 6) == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL), "flags %#x", u16_at(b, 6));
	CHECK(b[16] == AF_UNSPEC && (int)u32_at(b, 20) == 4, "family/ifindex");
	CHECK(u32_at(b, 24) == 0xffff0000u && u32_at(b, 28) == 0xfffffff1u, "handle %#x parent %#x", u32_at(b, 24),
	      u32_at(b, 28));
	CHECK(u16_at(b, 36) == 11 && u16_at(b, 38) == TCA_KIND && memcmp(b + 40, "clsact", 7) == 0, "TCA_KIND");
	n = nl_build_tc_qdisc(b, sizeof(b), 10, 4, 0);
	CHECK(n == 48 && u16_at(b, 4) == RTM_DELQDISC && u16_at(b, 6) == (NLM_F_REQUEST | NLM_F_ACK), "delete");
	CHECK(nl_build_tc_qdisc(b, 47, 1, 4, 1) == -ENOSPC, "too small accepted");
}

TEST(netlink_tc_filter_request)
{
	unsigned char b[256];
	int n = nl_build_tc_filter(b, sizeof(b), 3, 7, 1, 12, "prog", NULL);
	/* 16 + 20 + TCA_KIND "bpf\0" 8 + TCA_OPTIONS { FD 8, NAME "prog\0" 12, FLAGS 8 } 32 = 76 */
	REQUIRE(n == 76, "length %d", n);
	CHECK(u16_at(b, 4) == RTM_NEWTFILTER &&
		      u16_at(b, 6) == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO),
	      "type/flags %#x", u16_at(b, 6));
	CHECK((int)u32_at(b, 20) == 7 && u32_at(b, 24) == 0 && u32_at(b, 28) == 0xfffffff2u, "ifindex/handle/parent %#x",
	      u32_at(b, 28));
	CHECK(u32_at(b, 32) == htons(ETH_P_ALL), "info %#x: priority 0 (the kernel's choice), ETH_P_ALL", u32_at(b, 32));
	CHECK(u16_at(b, 36) == 8 && u16_at(b, 38) == TCA_KIND && memcmp(b + 40, "bpf", 4) == 0, "kind");
	CHECK(u16_at(b, 44) == 32 && u16_at(b, 46) == (TCA_OPTIONS | NLA_F_NESTED), "options nest %u", u16_at(b, 44));
	CHECK(u16_at(b, 50) == TCA_BPF_FD && u32_at(b, 52) == 12, "fd");
	CHECK(u16_at(b, 56) == 9 && u16_at(b, 58) == TCA_BPF_NAME && memcmp(b + 60, "prog", 5) == 0, "name");
	CHECK(u16_at(b, 70) == TCA_BPF_FLAGS && u32_at(b, 72) == TCA_BPF_FLAG_ACT_DIRECT, "direct action");

	struct nl_tc_filter f = {1, 0x5, 49152};
	n = nl_build_tc_filter(b, sizeof(b), 4, 7, 0, -1, NULL, &f);
	REQUIRE(n == 44, "delete length %d", n);
	CHECK(u16_at(b, 4) == RTM_DELTFILTER && u16_at(b, 6) == (NLM_F_REQUEST | NLM_F_ACK), "delete type/flags");
	CHECK(u32_at(b, 24) == 5 && u32_at(b, 28) == 0xfffffff3u && u32_at(b, 32) == (49152u << 16 | htons(ETH_P_ALL)),
	      "delete handle/parent/info %#x", u32_at(b, 32));
	CHECK(nl_build_tc_filter(b, 75, 3, 7, 1, 12, "prog", NULL) == -ENOSPC, "too small accepted");
}

/* An RTM_NEWTFILTER echo (handle, priority in tcm_info's major) then an ack, for seq. */
static size_t echo_and_ack(unsigned char *b, uint32_t seq, int error, int with_echo)
{
	size_t off = 0;
	if (with_echo) {
		struct nlmsghdr h = {.nlmsg_len = NLMSG_HDRLEN + sizeof(struct tcmsg), .nlmsg_type = RTM_NEWTFILTER,
				     .nlmsg_seq = seq};
		struct tcmsg t = {.tcm_ifindex = 7, .tcm_handle = 1, .tcm_parent = 0xfffffff2u,
				  .tcm_info = 49152u << 16 | htons(ETH_P_ALL)};
		memcpy(b, &h, sizeof(h));
		memcpy(b + NLMSG_HDRLEN, &t, sizeof(t));
		off = NLMSG_ALIGN(h.nlmsg_len);
	}
	struct nlmsghdr e = {.nlmsg_len = NLMSG_HDRLEN + 4 + sizeof(struct nlmsghdr), .nlmsg_type = NLMSG_ERROR,
			     .nlmsg_flags = NLM_F_CAPPED, .nlmsg_seq = seq};
	struct nlmsghdr echoed = {.nlmsg_len = 76, .nlmsg_type = RTM_NEWTFILTER, .nlmsg_seq = seq};
	memcpy(b + off, &e, sizeof(e));
	memcpy(b + off + NLMSG_HDRLEN, &error, 4);
	memcpy(b + off + NLMSG_HDRLEN + 4, &echoed, sizeof(echoed));
	return off + e.nlmsg_len;
}

TEST(netlink_tc_echo_parse)
{
	unsigned char b[256];
	char msg[64];
	struct nl_tc_filter f = {0};
	size_t n = echo_and_ack(b, 3, 0, 1);
	CHECK(nl_parse_tc_echo(b, n, 3, &f, msg, sizeof(msg)) == 0 && f.found && f.handle == 1 && f.priority == 49152,
	      "echo: found %d handle %u priority %u", f.found, f.handle, f.priority);
	memset(&f, 0, sizeof(f));
	CHECK(nl_parse_tc_echo(b, n, 4, &f, msg, sizeof(msg)) == NL_MORE && !f.found, "another seq");
	n = echo_and_ack(b, 3, -EEXIST, 0);
	CHECK(nl_parse_tc_echo(b, n, 3, &f, msg, sizeof(msg)) == -EEXIST, "refusal");
	n = echo_and_ack(b, 3, 0, 0);
	memset(&f, 0, sizeof(f));
	CHECK(nl_parse_tc_echo(b, n, 3, &f, msg, sizeof(msg)) == -EPROTO, "ack without echo");
	n = echo_and_ack(b, 3, 0, 1);
	for (size_t cut = 1; cut < n; cut++) {
		memset(&f, 0, sizeof(f));
		int r = nl_parse_tc_echo(b, cut, 3, &f, msg, sizeof(msg));
		CHECK(r == -EBADMSG || r == NL_MORE, "cut at %zu of %zu: %d", cut, n, r);
	}
}
