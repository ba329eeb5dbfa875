// SPDX-License-Identifier: GPL-2.0
/* xdp_legacy.bpf.c — programs in the section names of older tutorials and loaders: `xdp_*`
 * sections as xdp-tutorial's lessons write them (libbpf before 1.0 and cilium/ebpf read any name
 * starting with "xdp" as XDP), a legacy `maps` section with a stats record per XDP action, and a
 * few other old spellings.
 *
 * A loader must see:
 * - map `xdp_stats_map` (legacy 20-byte record): ARRAY, key u32, value struct datarec
 *   {u64 rx_packets; u64 rx_bytes} (16 bytes), 5 entries (one per XDP action);
 * - map `typed_count`: ARRAY, key u32, value u64, 1 entry;
 * - programs and how the old rules read their sections:
 *     xdp_stats1_func  xdp_stats1     XDP (prefix "xdp"): counts every frame in
 *                                     xdp_stats_map[XDP_PASS], returns XDP_PASS
 *     xdp_vlan_func    xdp_vlan01     XDP (prefix "xdp"): counts 802.1Q frames in
 *                                     xdp_stats_map[XDP_DROP] and drops them, passes the rest
 *     xdp_icmp_func    xdp_icmp_echo  XDP (prefix "xdp"): counts IPv4 ICMP echo requests in
 *                                     xdp_stats_map[XDP_TX] and passes everything
 *     xdp_tail_func    xdp_tailgrow   XDP (prefix "xdp"): grows the frame by 4 bytes and shrinks
 *                                     it back (bpf_xdp_adjust_tail), passes it
 *     socket_two       socket/2       SOCKET_FILTER (prefix "socket")
 *     lookup_any       sk_lookup/     SK_LOOKUP (prefix "sk_lookup")
 *     cls_old          classifier_x   SCHED_CLS (prefix "classifier")
 *     typed_counter    packet_counter unknown: no rule gives it a type (`--type xdp` does); as XDP
 *                                     it adds 1 to typed_count[0] for every frame and passes it
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* The old libbpf record, as xdp-tutorial's common headers used it. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct datarec {
	__u64 rx_packets;
	__u64 rx_bytes;
};

#define XDP_ACTION_MAX (XDP_REDIRECT + 1)

struct bpf_map_def SEC("maps") xdp_stats_map = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(struct datarec),
	.max_entries = XDP_ACTION_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} typed_count SEC(".maps");

static __always_inline __u32 stats_record(struct xdp_md *ctx, __u32 action)
{
	struct datarec *rec = bpf_map_lookup_elem(&xdp_stats_map, &action);
	if (!rec)
		return XDP_ABORTED;
	__sync_fetch_and_add(&rec->rx_packets, 1);
	__sync_fetch_and_add(&rec->rx_bytes, ctx->data_end - ctx->data);
	return action;
}

SEC("xdp_stats1")
int xdp_stats1_func(struct xdp_md *ctx)
{
	return stats_record(ctx, XDP_PASS);
}

/* <linux/icmp.h> pulls in libc headers a BPF build has not: the two fields used, by hand. */
struct icmp_head {
	__u8 type, code;
	__sum16 checksum;
};
#define ICMP_ECHO 8

struct vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

SEC("xdp_vlan01")
int xdp_vlan_func(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_8021Q) || eth->h_proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_hdr *vh = (void *)(eth + 1);
		if ((void *)(vh + 1) > end)
			return XDP_PASS;
		stats_record(ctx, XDP_DROP);
		return XDP_DROP;
	}
	return XDP_PASS;
}

SEC("xdp_icmp_echo")
int xdp_icmp_func(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_ICMP)
		return XDP_PASS;
	struct icmp_head *icmp = (void *)ip + ip->ihl * 4;
	if ((void *)(icmp + 1) > end)
		return XDP_PASS;
	if (icmp->type == ICMP_ECHO)
		stats_record(ctx, XDP_TX);
	return XDP_PASS;
}

SEC("xdp_tailgrow")
int xdp_tail_func(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_tail(ctx, 4) == 0)
		bpf_xdp_adjust_tail(ctx, -4);
	return XDP_PASS;
}

SEC("socket/2")
int socket_two(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("sk_lookup/")
int lookup_any(struct bpf_sk_lookup *ctx)
{
	return SK_PASS;
}

SEC("classifier_x")
int cls_old(struct __sk_buff *skb)
{
	return 0;
}

SEC("packet_counter")
int typed_counter(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&typed_count, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
