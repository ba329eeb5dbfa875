// SPDX-License-Identifier: GPL-2.0
/* kfunc_type.bpf.c — an XDP program calling a kfunc registered for socket-buffer programs only.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: xdp programs may not call kfunc bpf_dynptr_from_skb
 * expect fix: use bpf_dynptr_from_xdp() (kernel 6.3+)
 * expect line: failing
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int bpf_dynptr_from_skb(struct __sk_buff *s, __u64 flags, struct bpf_dynptr *ptr__uninit) __ksym;

SEC("xdp")
int kfunc_type(struct xdp_md *ctx)
{
	struct bpf_dynptr ptr;

	if (bpf_dynptr_from_skb((struct __sk_buff *)ctx, 0, &ptr)) /* BAD LINE */
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
