// SPDX-License-Identifier: GPL-2.0
/* tcx_count.bpf.c — counts IPv4 UDP packets on an interface, one tcx program per direction.
 *
 * A loader must see:
 * - maps `ingress_udp` and `egress_udp`: ARRAY, key u32, value u64, 1 entry each;
 * - program `count_ingress` in section `tc/ingress` (SCHED_CLS, BPF_TCX_INGRESS) adding one to
 *   ingress_udp[0] for every Ethernet frame carrying IPv4 UDP that the interface receives;
 * - program `count_egress` in section `tcx/egress` (SCHED_CLS, BPF_TCX_EGRESS), the same for what
 *   it sends, into egress_udp[0];
 * - program `no_direction` in section `tc` (SCHED_CLS, no attach type): it counts nothing, and a
 *   loader has no direction to attach it in (libbpf attaches it only by hand).
 * Only UDP is counted: the ICMP port-unreachable replies to datagrams nobody listens for are
 * rate-limited by the kernel, so their number is not the test's to decide. Both return
 * TC_ACT_UNSPEC (tcx's TCX_NEXT): the next program on the interface runs too, and the packet
 * goes on as if no program were there.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} ingress_udp SEC(".maps"), egress_udp SEC(".maps");

static __always_inline void count_udp(struct __sk_buff *skb, void *counter)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_UDP)
		return;
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(counter, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("tc/ingress")
int count_ingress(struct __sk_buff *skb)
{
	count_udp(skb, &ingress_udp);
	return TC_ACT_UNSPEC;
}

SEC("tcx/egress")
int count_egress(struct __sk_buff *skb)
{
	count_udp(skb, &egress_udp);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int no_direction(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
