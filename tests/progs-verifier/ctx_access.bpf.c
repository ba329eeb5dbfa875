// SPDX-License-Identifier: GPL-2.0
/* ctx_access.bpf.c — reads past the end of struct xdp_md, the XDP program's context.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: an access to struct xdp_md (the context of xdp programs) at offset 48, size 4, which the kernel does not allow
 * expect fix: use only the fields of struct xdp_md, by name and with their declared size (the kernel rewrites those accesses); other data is reached through helpers
 * expect line: failing
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int ctx_access(struct xdp_md *ctx)
{
	__u32 *words = (__u32 *)ctx;

	return words[12] ? XDP_DROP : XDP_PASS; /* BAD LINE */
}

char LICENSE[] SEC("license") = "GPL";
