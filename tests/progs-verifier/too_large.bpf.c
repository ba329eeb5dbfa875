// SPDX-License-Identifier: GPL-2.0
/* too_large.bpf.c — a loop bounded only by a value from a map: the verifier walks it until it
 * has processed a million instructions.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: too much to verify: the verifier gave up after walking 1000001 instructions (its limit is 1000000), usually a loop with a large or unknown bound
 * expect fix: bound loops by a small constant (`i < 256 && i < n` rather than `i < n`), run long loops through bpf_loop() (kernel 5.17+), or split the work over tail calls
 * expect line: last
 * expect cause before 6.4: too much to verify (the kernel said E2BIG and its log lost the end): usually a loop with a large or unknown bound
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} limit SEC(".maps");

SEC("xdp")
int too_large(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&limit, &key);
	__u64 sum = 0;

	(void)ctx;
	if (!n)
		return XDP_PASS;
	for (__u64 i = 0; i < *n; i++) /* BAD LINE */
		sum ^= bpf_get_prandom_u32() + i;
	return sum & 1 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
