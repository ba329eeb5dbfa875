// SPDX-License-Identifier: GPL-2.0
/* pkt_bounds.bpf.c — checks that the packet holds the Ethernet header, then reads the IP header
 * behind it without checking that too. The packet's end is named `end` here (not the usual
 * data_end): the hint must take the name from the program.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: packet access without a bounds check: 1 byte at offset 23, but the checks before it prove only 14 bytes
 * expect fix: before that line add `if ((void *)(iph + 1) > end) return XDP_PASS;` (each path to the access must compare iph with end first)
 * expect line: failing
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int pkt_bounds(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (iph->protocol == IPPROTO_UDP) /* BAD LINE */
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
