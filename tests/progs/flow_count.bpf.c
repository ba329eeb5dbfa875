// SPDX-License-Identifier: GPL-2.0
/* flow_count.bpf.c — a flow dissector for IPv4 that counts what it dissects.
 *
 * A loader must see:
 * - map `dissected`: ARRAY, key u32, value u64, 4 entries: [0] every run, [1] IPv4 frames,
 *   [2] IPv4 UDP datagrams to port 9;
 * - program `dissect` in section `flow_dissector` (FLOW_DISSECTOR, BPF_FLOW_DISSECTOR): for IPv4 it
 *   fills the flow keys (addresses, protocol, transport offset, UDP/TCP ports) from the packet, read
 *   with bpf_skb_load_bytes at the offsets the kernel gives (flow_keys->nhoff), and returns BPF_OK;
 *   anything else it leaves undissected (BPF_DROP: no hash from it).
 * The kernel runs it where it would run its own dissector for a packet of the namespace it is
 * attached in: for instance once per packet an interface with RPS receives (to pick a CPU).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} dissected SEC(".maps");

static __always_inline void add(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&dissected, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("flow_dissector")
int dissect(struct __sk_buff *skb)
{
	struct bpf_flow_keys *keys = skb->flow_keys;
	struct iphdr ip;
	struct udphdr udp;

	add(0);
	if (keys->n_proto != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, keys->nhoff, &ip, sizeof(ip)) || ip.ihl < 5)
		return BPF_DROP;
	add(1);
	keys->addr_proto = ETH_P_IP;
	keys->ipv4_src = ip.saddr;
	keys->ipv4_dst = ip.daddr;
	keys->ip_proto = ip.protocol;
	keys->thoff = keys->nhoff + ip.ihl * 4;
	keys->is_frag = (ip.frag_off & bpf_htons(0x3fff)) != 0;
	if (!keys->is_frag && (ip.protocol == IPPROTO_UDP || ip.protocol == IPPROTO_TCP) &&
	    bpf_skb_load_bytes(skb, keys->thoff, &udp, 4) == 0) { /* ports are first in both */
		keys->sport = udp.source;
		keys->dport = udp.dest;
		if (ip.protocol == IPPROTO_UDP && udp.dest == bpf_htons(9))
			add(2);
	}
	return BPF_OK;
}

char LICENSE[] SEC("license") = "GPL";
