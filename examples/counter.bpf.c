// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* counter.bpf.c — counts every packet that reaches an interface's XDP hook and lets it pass.
 * Our rewrite of the ebpf-go "getting started" example: one BTF-defined ARRAY map with a single
 * u64 slot, bumped atomically because XDP runs on every CPU at once. Read it from user space with
 * `rawload examples/counter.o <ifname>` (or any map dump).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} pkt_count SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count;

	count = bpf_map_lookup_elem(&pkt_count, &key);
	if (count)
		__sync_fetch_and_add(count, 1);	/* one BPF_ATOMIC add, no lost updates across CPUs */

	return XDP_PASS;
}

char __license[] SEC("license") = "Dual MIT/GPL";
