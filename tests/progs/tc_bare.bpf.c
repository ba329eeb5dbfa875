// SPDX-License-Identifier: GPL-2.0
/* tc_bare.bpf.c — tc programs whose sections name no direction, shaped like libbpf-bootstrap's tc
 * example (SEC("tc"), checks skb->protocol, parses Ethernet and IPv4) and the older "classifier"
 * spelling iproute2's examples used.
 *
 * A loader must see:
 * - maps `tc_udp` and `cls_udp`: ARRAY, key u32, value u64, 1 entry each;
 * - program `tc_count` in section `tc` (SCHED_CLS, no attach type): adds 1 to tc_udp[0] for every
 *   Ethernet frame carrying IPv4 UDP that passes it;
 * - program `cls_count` in section `classifier` (SCHED_CLS, no attach type): the same into
 *   cls_udp[0].
 * Both return TC_ACT_UNSPEC (-1, tcx's TCX_NEXT): the other program runs too, whichever order
 * they were attached in (tcx runs links in the order made, tc filters by priority, and the kernel
 * gives a later filter a smaller number: it runs first).
 * Where they run (ingress or egress) is the loader's choice; rawload's is ingress unless --egress.
 * Only UDP is counted: ICMP port-unreachable replies are rate-limited by the kernel.
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
} tc_udp SEC(".maps"), cls_udp SEC(".maps");

static __always_inline void count_udp(struct __sk_buff *ctx, void *map)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *l2 = data;
	struct iphdr *l3 = (struct iphdr *)(l2 + 1);
	__u32 key = 0;
	__u64 *n;

	if (ctx->protocol != bpf_htons(ETH_P_IP) || (void *)(l3 + 1) > data_end || l3->protocol != IPPROTO_UDP)
		return;
	n = bpf_map_lookup_elem(map, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("classifier")
int cls_count(struct __sk_buff *ctx)
{
	count_udp(ctx, &cls_udp);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tc_count(struct __sk_buff *ctx)
{
	count_udp(ctx, &tc_udp);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
