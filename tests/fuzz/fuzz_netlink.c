/* tests/fuzz/fuzz_netlink.c — libFuzzer target for the rtnetlink reply parsers (bpf/netlink.h):
 * acks with extended-ack messages, RTM_NEWLINK with nested IFLA_XDP, route dumps, tc filter echoes,
 * interface dumps (names and XDP state, `rawload status`). The first byte
 * picks the sequence number so matching and non-matching replies are both explored. */
#include <stdint.h>
#include <string.h>

#include "bpf/netlink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_iface(void *ctx, const struct nl_iface *iface)
{
	/* Touch what the parser filled: the name must be a NUL-terminated string. */
	*(size_t *)ctx += strlen(iface->name) + iface->xdp.prog_id;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint32_t seq = data[0];
	char msg[256];
	struct nl_xdp_state st;
	struct nl_route_pick pick = {0};
	nl_parse_ack(data + 1, size - 1, seq, msg, sizeof(msg));
	nl_parse_xdp_link(data + 1, size - 1, seq, 2, &st, msg, sizeof(msg));
	nl_parse_default_routes(data + 1, size - 1, seq, &pick, msg, sizeof(msg));
	struct nl_tc_filter f = {0};
	nl_parse_tc_echo(data + 1, size - 1, seq, &f, msg, sizeof(msg));
	size_t seen = 0;
	nl_parse_iface_dump(data + 1, size - 1, seq, count_iface, &seen, msg, sizeof(msg));
	return 0;
}
