// SPDX-License-Identifier: GPL-2.0
/* cgroup_count.bpf.c — counts what the processes of one cgroup send and the sockets they make.
 *
 * A loader must see:
 * - maps `egress_pkts` and `sockets`: ARRAY, key u32, value u64, 1 entry each;
 * - program `count_egress` in section `cgroup_skb/egress` (CGROUP_SKB, BPF_CGROUP_INET_EGRESS):
 *   adds one to egress_pkts[0] for every IP packet a socket of the cgroup sends;
 * - program `count_socks` in section `cgroup/sock_create` (CGROUP_SOCK,
 *   BPF_CGROUP_INET_SOCK_CREATE, which must be given at load): adds one to sockets[0] for every
 *   AF_INET/AF_INET6 socket a process of the cgroup creates;
 * - program `no_direction` in section `cgroup/skb` (CGROUP_SKB, no attach type given): it counts
 *   nothing, and a loader has no direction to attach it in (libbpf attaches it only by hand).
 * Both return 1: the packet goes out, the socket is made.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} egress_pkts SEC(".maps"), sockets SEC(".maps");

static __always_inline void add_one(void *counter)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(counter, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	add_one(&egress_pkts);
	return 1;
}

SEC("cgroup/sock_create")
int count_socks(struct bpf_sock *sk)
{
	add_one(&sockets);
	return 1;
}

SEC("cgroup/skb")
int no_direction(struct __sk_buff *skb)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
