// SPDX-License-Identifier: GPL-2.0
/* sk_lookup_count.bpf.c — an sk_lookup program (runs at every socket lookup of its network
 * namespace, before the kernel's own) that only counts: UDP lookups for local port 9 in `udp9`,
 * every lookup in `all`, and lets the kernel go on (SK_PASS without a socket picked).
 *
 * A loader must see: program count_lookups (sk_lookup, expected attach type sk_lookup), maps udp9
 * and all (ARRAY, one u64 each). For N datagrams sent to 127.0.0.1:9 inside the namespace, with
 * nothing listening there, udp9 counts exactly N.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} udp9 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} all SEC(".maps");

SEC("sk_lookup")
int count_lookups(struct bpf_sk_lookup *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&all, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	if (ctx->protocol == IPPROTO_UDP && ctx->local_port == 9) {
		n = bpf_map_lookup_elem(&udp9, &zero);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
