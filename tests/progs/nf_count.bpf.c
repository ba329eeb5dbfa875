// SPDX-License-Identifier: GPL-2.0
/* nf_count.bpf.c — a netfilter program that counts the packets of its hook and lets them through.
 *
 * A loader must see:
 * - map `nf_packets`: ARRAY, key u32, value u64, 1 entry;
 * - program `nf_count` in section `netfilter` (NETFILTER, expected attach type BPF_NETFILTER, which
 *   the kernel wants at load): adds 1 to nf_packets[0] for every packet of the hook(s) it is
 *   linked to and returns NF_ACCEPT (1). Where it goes (family, hook, priority) is the loader's
 *   to say; it reads nothing of its context (struct bpf_nf_ctx, known only from the kernel's BTF).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NF_ACCEPT 1

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} nf_packets SEC(".maps");

SEC("netfilter")
int nf_count(void *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&nf_packets, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return NF_ACCEPT;
}

char LICENSE[] SEC("license") = "GPL";
