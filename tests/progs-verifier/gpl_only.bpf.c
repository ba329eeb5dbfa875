// SPDX-License-Identifier: MIT
/* gpl_only.bpf.c — a program under a licence that is not GPL-compatible calling bpf_trace_printk
 * (bpf_printk), which the kernel offers to GPL-compatible programs only.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: bpf_trace_printk is GPL-only, and the license "MIT" is not GPL-compatible
 * expect fix: if the program may be GPL-licensed, declare `char LICENSE[] SEC("license") = "Dual MIT/GPL";` (the kernel takes "GPL", "GPL v2", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"); otherwise do without bpf_trace_printk (bpf_printk calls it)
 * expect line: failing
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int gpl_only(struct xdp_md *ctx)
{
	bpf_printk("queue %u", ctx->rx_queue_index); /* BAD LINE */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "MIT";
