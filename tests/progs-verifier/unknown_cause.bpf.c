// SPDX-License-Identifier: GPL-2.0
/* unknown_cause.bpf.c — a refusal rawload has no hint for (a helper given a number where it wants
 * the context): the kernel's own words and the end of its log must still be shown, unchanged.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: (none)
 * expect words: R1 type=scalar expected=ctx
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int unknown_cause(struct xdp_md *ctx)
{
	(void)ctx;
	if (bpf_xdp_adjust_head((struct xdp_md *)0, 4)) /* BAD LINE */
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
