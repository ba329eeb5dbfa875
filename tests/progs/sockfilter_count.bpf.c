// SPDX-License-Identifier: GPL-2.0
/* sockfilter_count.bpf.c — a socket filter shaped like libbpf-bootstrap's sockfilter example
 * (SEC("socket"), packet bytes read with bpf_skb_load_bytes, one ring-buffer record per IPv4
 * packet, returns skb->len), counting what it sees.
 *
 * A loader must see:
 * - map `frames`: ARRAY, key u32 (skb->pkt_type: 0 PACKET_HOST, ... 4 PACKET_OUTGOING), value u64,
 *   8 entries: every frame the program runs on, by type;
 * - map `udp_in`: ARRAY, key u32, value u64, 1 entry: frames of type PACKET_HOST carrying IPv4 UDP
 *   to port 9;
 * - map `rb`: RINGBUF, 64 KiB, records struct so_event {u32 src_addr; u32 dst_addr; u16 src_port;
 *   u16 dst_port; u8 ip_proto; u8 pkt_type; u32 ifindex} (addresses and ports as on the wire;
 *   ports 0 unless TCP or UDP), one per unfragmented IPv4 frame when the buffer has room;
 * - program `socket_handler` in section `socket` (SOCKET_FILTER).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct so_event {
	__be32 src_addr;
	__be32 dst_addr;
	__be16 src_port;
	__be16 dst_port;
	__u8 ip_proto;
	__u8 pkt_type;
	__u32 ifindex;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} frames SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} udp_in SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
	__type(value, struct so_event);
} rb SEC(".maps");

static __always_inline void add(void *map, __u32 key)
{
	__u64 *n = bpf_map_lookup_elem(map, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("socket")
int socket_handler(struct __sk_buff *skb)
{
	__u32 nhoff = ETH_HLEN;
	__u16 proto, frag;
	__u8 verlen;
	struct so_event *e;

	add(&frames, skb->pkt_type);
	if (bpf_skb_load_bytes(skb, 12, &proto, 2) || proto != bpf_htons(ETH_P_IP))
		return skb->len;
	if (bpf_skb_load_bytes(skb, nhoff + 6, &frag, 2) || (frag & bpf_htons(0x3fff)))
		return skb->len; /* a fragment: no ports to read */
	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return skb->len;
	e->pkt_type = skb->pkt_type;
	e->ifindex = skb->ifindex;
	e->src_port = e->dst_port = 0;
	bpf_skb_load_bytes(skb, nhoff + 9, &e->ip_proto, 1);
	bpf_skb_load_bytes(skb, nhoff + 12, &e->src_addr, 4);
	bpf_skb_load_bytes(skb, nhoff + 16, &e->dst_addr, 4);
	bpf_skb_load_bytes(skb, nhoff, &verlen, 1);
	if (e->ip_proto == IPPROTO_UDP || e->ip_proto == IPPROTO_TCP) {
		__u32 l4 = nhoff + ((verlen & 0xf) << 2);
		bpf_skb_load_bytes(skb, l4, &e->src_port, 2);
		bpf_skb_load_bytes(skb, l4 + 2, &e->dst_port, 2);
	}
	if (e->ip_proto == IPPROTO_UDP && e->pkt_type == 0 /* PACKET_HOST */ && e->dst_port == bpf_htons(9))
		add(&udp_in, 0);
	bpf_ringbuf_submit(e, 0);
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
