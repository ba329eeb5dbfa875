// SPDX-License-Identifier: GPL-2.0
/* stack_size.bpf.c — two functions that each fit the 512-byte stack, but not together: the
 * verifier adds up the stack of every frame on a call chain.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: the stack is too large: 640 bytes over a chain of 2 calls, and the limit is 512 for the whole chain
 * expect fix: move large local variables (arrays, big structs) into a one-entry BPF_MAP_TYPE_PERCPU_ARRAY map and work in its value, or let the functions of the chain share one such buffer
 * expect line: none
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int fill(__u32 seed)
{
	volatile __u8 buf[320];

	for (int i = 0; i < 320; i += 64)
		buf[i] = (__u8)(seed + i);
	return buf[seed & 63];
}

SEC("xdp")
int stack_size(struct xdp_md *ctx)
{
	volatile __u8 buf[320];

	for (int i = 0; i < 320; i += 64)
		buf[i] = (__u8)ctx->rx_queue_index;
	return (fill(ctx->ingress_ifindex) + buf[ctx->rx_queue_index & 63]) & 1 ? XDP_PASS : XDP_DROP; /* BAD LINE */
}

char LICENSE[] SEC("license") = "GPL";
