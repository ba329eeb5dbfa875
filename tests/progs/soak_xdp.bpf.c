// SPDX-License-Identifier: GPL-2.0
/* soak_xdp.bpf.c — the soak test's XDP program (tests/kernel/soak.sh, tests/soak/soak.c): counts
 * packets like examples/counter.o, under names nothing else on the machine uses, so the soak can
 * count what is left of its own programs and maps among everyone's.
 * A loader must see: map `rl_soak_count` (ARRAY, key u32, value u64, 1 entry), a .bss variable
 * `rl_soak_seen`, program `rl_soak_xdp` in section `xdp` adding one to both per packet.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} rl_soak_count SEC(".maps");

__u64 rl_soak_seen;

SEC("xdp")
int rl_soak_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&rl_soak_count, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	__sync_fetch_and_add(&rl_soak_seen, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
