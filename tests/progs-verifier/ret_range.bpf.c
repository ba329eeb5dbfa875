// SPDX-License-Identifier: GPL-2.0
/* ret_range.bpf.c — a cgroup_skb program must return 0 (drop) or 1 (allow); this one returns 2.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: cgroup_skb programs must return a value in [0, 1]; this path returns 2
 * expect fix: return 1 to let the packet through or 0 to drop it (egress programs may add 2 for congestion notification)
 * expect line: failing
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup_skb/ingress")
int ret_range(struct __sk_buff *skb)
{
	(void)skb;
	return 2; /* BAD LINE */
}

char LICENSE[] SEC("license") = "GPL";
