// SPDX-License-Identifier: GPL-2.0
/* helper_type.bpf.c — an XDP program calling a helper only socket-buffer programs have.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: xdp programs may not call helper bpf_skb_load_bytes (#26)
 * expect fix: use bpf_xdp_load_bytes() (kernel 5.18+), or read the packet directly between data and data_end
 * expect line: failing
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int helper_type(struct xdp_md *ctx)
{
	__u8 byte = 0;

	if (bpf_skb_load_bytes(ctx, 0, &byte, 1) < 0) /* BAD LINE */
		return XDP_PASS;
	return byte == 0xff ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
