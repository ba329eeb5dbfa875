// SPDX-License-Identifier: GPL-2.0
/* uninit_stack.bpf.c — a map key with a field the program never sets. The verifier refuses it
 * only for a loader without CAP_PERFMON (and CAP_SYS_ADMIN): with either, the kernel lets a
 * program read uninitialised stack.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: stack memory read before anything wrote it: R2 passes 8 bytes at fp-8, and fp-8 was never written
 * expect fix: set every byte of `key` before the call: declare it with `= {}` or clear it with `__builtin_memset(&key, 0, sizeof(key))` (unset fields and padding count; only loaders with CAP_PERFMON may skip this)
 * expect line: failing
 * load as: no-perfmon
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow {
	__u32 ifindex;
	__u32 queue;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct flow);
	__type(value, __u64);
	__uint(max_entries, 16);
} flows SEC(".maps");

SEC("xdp")
int uninit_stack(struct xdp_md *ctx)
{
	struct flow key;
	__u64 *n;

	key.queue = ctx->rx_queue_index; /* key.ifindex is never set */
	n = bpf_map_lookup_elem(&flows, &key); /* BAD LINE */
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
