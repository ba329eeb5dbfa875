// SPDX-License-Identifier: GPL-2.0
/* btf_maps.bpf.c — BTF-defined maps (section .maps) with every attribute kind a loader reads:
 * numbers, key/value types, map_flags, pinning, map_extra, and `values` initialisers of a
 * map-in-map and of a program array.
 *
 * A loader must see these maps:
 *   flags_hash  HASH (1), key 4 (__u32), value 8 (__u64), max_entries 128,
 *               map_flags BPF_F_NO_PREALLOC (1), pinning LIBBPF_PIN_BY_NAME (1)
 *   inner_a     ARRAY (2), key 4, value 4, max_entries 1      } both of type `struct inner_map`
 *   inner_b     ARRAY (2), key 4, value 4, max_entries 1      }
 *   outer       ARRAY_OF_MAPS (12), key 4, value 4 (an inner map fd), max_entries 4,
 *               inner map template = struct inner_map (ARRAY 4/4/1);
 *               slot 0 = inner_a, slot 2 = inner_b (relocations in .rel.maps, see below)
 *   jmp_table   PROG_ARRAY (3), key 4, value 4, max_entries 4; slot 1 = program tail_target
 *               (the kernel refuses BTF key/value ids on it: create it without them)
 *   bloom       BLOOM_FILTER (30), key 0, value 4 (__u32), max_entries 64, map_extra 3 (hashes)
 * The initialisers are R_BPF_64_ABS64 relocations in .rel.maps against the symbols inner_a,
 * inner_b and tail_target, at byte offsets inside .maps: the map variable's offset + the offset
 * of its `values` member (its BTF struct size: 24 for outer, 32 for jmp_table) + 8 * slot.
 * The ELF symbol of an initialised map is larger than its BTF struct by 8 bytes per slot up to
 * the last one initialised (outer 24 + 3*8 = 48, jmp_table 32 + 2*8 = 48).
 * clang 14 does not keep declaration order: .maps (0xf0 bytes) holds inner_a @0x00, inner_b @0x20,
 * outer @0x40, jmp_table @0x70, flags_hash @0xa0, bloom @0xd0, so the relocations sit at 0x58
 * (inner_a), 0x68 (inner_b) and 0x98 (tail_target); BTF DATASEC '.maps' lists the same order, all
 * offsets 0 and size 0 in the file (patched through .rel.BTF) — take offsets from the symbols.
 *
 * Programs, all in section `xdp` (clang 14 order: tail_target @insn 0, xdp_entry @2, mim_lookup @8),
 * license "GPL"; results under BPF_PROG_TEST_RUN once the maps are initialised as above:
 *   xdp_entry    tail-calls jmp_table[1] = tail_target, so returns XDP_DROP (1);
 *                XDP_PASS (2) if the slot is empty (the call falls through)
 *   tail_target  returns XDP_DROP (1)
 *   mim_lookup   writes 42 at key 0 of outer[2] (= inner_b), returns XDP_TX (3);
 *                XDP_ABORTED (0) if outer[2] is empty or the update fails
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} flags_hash SEC(".maps");

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

int tail_target(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
	__array(values, int (void *));
} jmp_table SEC(".maps") = {
	.values = { [1] = (void *)&tail_target },
};

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__type(value, __u32);
	__uint(max_entries, 64);
	__uint(map_extra, 3);		/* number of hash functions; libbpf reads __uint or __ulong here */
} bloom SEC(".maps");

SEC("xdp")
int xdp_entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_table, 1);
	return XDP_PASS;		/* only reached when jmp_table[1] is empty */
}

SEC("xdp")
int tail_target(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

SEC("xdp")
int mim_lookup(struct xdp_md *ctx)
{
	__u32 slot = 2, key = 0, val = 42;
	void *inner;

	(void)ctx;
	inner = bpf_map_lookup_elem(&outer, &slot);
	if (!inner)
		return XDP_ABORTED;
	if (bpf_map_update_elem(inner, &key, &val, BPF_ANY) != 0)
		return XDP_ABORTED;
	return XDP_TX;
}

char __license[] SEC("license") = "GPL";
