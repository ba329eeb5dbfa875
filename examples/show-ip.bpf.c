// SPDX-License-Identifier: GPL-2.0
/* show-ip.bpf.c — remembers the addresses, TTL and protocol of the last IPv4 packet an interface
 * received, in map `ips` (one slot, key 0), and prints them to the trace pipe. Every packet passes.
 * Non-IPv4 frames and frames too short for an Ethernet + IPv4 header leave the map unchanged.
 * Addresses stay in network byte order (__be32) in the map; user space renders them.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct ip_info {
	__be32 source_ip;	/* iphdr.saddr, network byte order */
	__be32 dest_ip;		/* iphdr.daddr, network byte order */
	__u8 ttl;
	__u8 protocol;		/* IPPROTO_*: 1 ICMP, 6 TCP, 17 UDP */
};				/* 12 bytes: 2 bytes of tail padding, never written */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ip_info);
	__uint(max_entries, 1);
} ips SEC(".maps");

SEC("xdp")
int get_ips(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct ip_info *info;
	__u32 key = 0;
	__u8 version_ihl;

	/* The verifier accepts a packet read only after a comparison against data_end proved it. */
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))	/* h_proto is big-endian on the wire */
		return XDP_PASS;

	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	/* version and ihl share the first byte; read it as a byte rather than through the iphdr
	 * bit-fields, whose order <asm/byteorder.h> fixes for the build host, not the BPF target. */
	version_ihl = *(__u8 *)ip;
	if ((version_ihl >> 4) != 4 || (version_ihl & 0x0f) < 5)
		return XDP_PASS;
	if ((void *)ip + (version_ihl & 0x0f) * 4 > data_end)	/* options included */
		return XDP_PASS;

	info = bpf_map_lookup_elem(&ips, &key);
	if (!info)
		return XDP_PASS;
	info->source_ip = ip->saddr;
	info->dest_ip = ip->daddr;
	info->ttl = ip->ttl;
	info->protocol = ip->protocol;

	/* %pI4 prints the 4 bytes behind a pointer as a dotted quad (bpf_trace_printk, kernel >= 5.13) */
	bpf_printk("show-ip: %pI4 -> %pI4", &info->source_ip, &info->dest_ip);
	return XDP_PASS;
}

char __license[] SEC("license") = "GPL";
