// SPDX-License-Identifier: GPL-2.0
/* show_maps.bpf.c — maps with BTF struct keys and values of every shape `rawload show PATH` renders
 * from the kernel's BTF, filled by an XDP program from the UDP datagrams an interface receives
 * (tests/kernel/show_pinned.sh compares the rendering with `bpftool map dump`). For each IPv4 UDP
 * datagram of L bytes (frame length) with TTL T to port P:
 *   stats        ARRAY[4] of struct counters: slot 0 counts (packets, bytes, last_len = L,
 *                delta = -3, ttl = T, tag "udp", ports {P, 9}, pair {1, 2}, color GREEN); slot 2
 *                holds packets = 7 once a datagram came; slots 1 and 3 stay zero
 *   flows        HASH of struct flow_key {len = L, ttl = T} -> struct counters (packets, bytes)
 *   pc_count     PERCPU_ARRAY[2] of __u64: slot 0 += 1, slot 1 += L on the receiving CPU
 *   pc_flows     PERCPU_HASH of __u32 T -> struct small {n += 1, len = L}
 *   events       RINGBUF: one struct rec {len = L, ttl = T, port = P} per datagram
 * Field names avoid those the renderer reads as addresses or protocols. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

enum color { RED = 0, GREEN = 5, BLUE = 9 };

struct counters {
	__u64 packets;
	__u64 bytes;
	__u32 last_len;
	__s16 delta;
	__u8 ttl;
	char tag[5];
	__u16 ports[2];
	struct {
		__u8 a;
		__u8 b;
	} pair;
	enum color color;
};

struct flow_key {
	__u32 len;
	__u32 ttl;
};

struct small {
	__u32 n;
	__u32 len;
};

struct rec {
	__u32 len;
	__u32 ttl;
	__u32 port;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct counters);
	__uint(max_entries, 4);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct flow_key);
	__type(value, struct counters);
	__uint(max_entries, 16);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} pc_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, __u32);
	__type(value, struct small);
	__uint(max_entries, 8);
} pc_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int fill_maps(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 len = (__u32)(data_end - data), zero = 0, one = 1, two = 2;
	__u8 version_ihl;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	version_ihl = *(__u8 *)ip;
	if (version_ihl != 0x45 || ip->protocol != 17)	/* IPv4 without options, UDP */
		return XDP_PASS;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	__u32 ttl = ip->ttl, port = bpf_ntohs(udp->dest);

	struct counters *c = bpf_map_lookup_elem(&stats, &zero);
	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, len);
		c->last_len = len;
		c->delta = -3;
		c->ttl = (__u8)ttl;
		c->tag[0] = 'u';
		c->tag[1] = 'd';
		c->tag[2] = 'p';
		c->ports[0] = (__u16)port;
		c->ports[1] = 9;
		c->pair.a = 1;
		c->pair.b = 2;
		c->color = GREEN;
	}
	c = bpf_map_lookup_elem(&stats, &two);
	if (c)
		c->packets = 7;

	struct flow_key fk = {.len = len, .ttl = ttl};
	c = bpf_map_lookup_elem(&flows, &fk);
	if (!c) {
		struct counters init = {};
		bpf_map_update_elem(&flows, &fk, &init, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&flows, &fk);
	}
	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, len);
	}

	__u64 *v = bpf_map_lookup_elem(&pc_count, &zero);
	if (v)
		*v += 1;
	v = bpf_map_lookup_elem(&pc_count, &one);
	if (v)
		*v += len;

	struct small *s = bpf_map_lookup_elem(&pc_flows, &ttl);
	if (!s) {
		struct small init = {};
		bpf_map_update_elem(&pc_flows, &ttl, &init, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&pc_flows, &ttl);
	}
	if (s) {
		s->n += 1;
		s->len = len;
	}

	struct rec *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (r) {
		r->len = len;
		r->ttl = ttl;
		r->port = port;
		bpf_ringbuf_submit(r, 0);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
