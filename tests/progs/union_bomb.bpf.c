// SPDX-License-Identifier: GPL-2.0
/* union_bomb.bpf.c — a valid object built to explode a renderer (issue 9): the value of map `bomb`
 * (ARRAY, key u32, 1 entry) is one byte whose type is a union of 8 members nested 13 deep, so a
 * walk over every member visits 8^13 (5.5e10) leaves. The kernel accepts it. XDP program
 * `bomb_count` adds one to that byte for every packet, so the slot is non-zero (and shown) from
 * the first packet on, and passes the packet.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define WIDE(T) T a, b, c, d, e, f, g, h
union u1 { WIDE(__u8); };
union u2 { WIDE(union u1); };
union u3 { WIDE(union u2); };
union u4 { WIDE(union u3); };
union u5 { WIDE(union u4); };
union u6 { WIDE(union u5); };
union u7 { WIDE(union u6); };
union u8 { WIDE(union u7); };
union u9 { WIDE(union u8); };
union u10 { WIDE(union u9); };
union u11 { WIDE(union u10); };
union u12 { WIDE(union u11); };
union u13 { WIDE(union u12); };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, union u13);
	__uint(max_entries, 1);
} bomb SEC(".maps");

SEC("xdp")
int bomb_count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u8 *v = bpf_map_lookup_elem(&bomb, &key);
	if (v)
		*v += 1; /* a 1-byte add (no 1-byte atomics in BPF): a lost update is of no matter */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
