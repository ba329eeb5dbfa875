// SPDX-License-Identifier: GPL-2.0
/* map_null.bpf.c — uses a map lookup's result without checking it for NULL.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: a pointer that may be NULL is used without a check: R0 is 'map_value_or_null' (bpf_map_lookup_elem returns NULL when the key is not in the map)
 * expect fix: after `__u64 *count = bpf_map_lookup_elem(&counts, &key);` add `if (!count) return XDP_PASS;`
 * expect line: failing
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
} counts SEC(".maps");

SEC("xdp")
int map_null(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	__u64 *count = bpf_map_lookup_elem(&counts, &key);

	*count += 1; /* BAD LINE */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
