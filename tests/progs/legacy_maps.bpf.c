// SPDX-License-Identifier: GPL-2.0
/* legacy_maps.bpf.c — maps defined the pre-BTF way: a `maps` ELF section of fixed-size records,
 * here libbpf's old 20-byte `struct bpf_map_def`.
 *
 * A loader must see:
 * - section `maps`, 40 bytes, holding two OBJECT symbols of 20 bytes each:
 *     legacy_hash   offset 0:  type 1 (HASH),  key_size 4, value_size 8, max_entries 16, flags 0
 *     legacy_array  offset 20: type 2 (ARRAY), key_size 4, value_size 4, max_entries 4,  flags 0
 *   (record size = section size / symbols in it = 20); no BTF map definitions (.maps absent);
 *   the records are in the object's byte order. clang 14 lists legacy_array before legacy_hash
 *   in .symtab: order the maps by symbol value, not by symbol index.
 * - program `legacy_xdp` in section `xdp` (XDP), license "GPL", whose ld_imm64 map references
 *   (R_BPF_64_64 in .relxdp) name legacy_array and legacy_hash.
 * - run with BPF_PROG_TEST_RUN it returns XDP_PASS (2), adds 1 to legacy_array[0] and sets
 *   legacy_hash[ingress_ifindex] = 1 more than it was (1 after the first run).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The classic libbpf / samples/bpf record: five u32s. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def legacy_hash SEC("maps") = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 16,
	.map_flags = 0,
};

struct bpf_map_def legacy_array SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 4,
	.map_flags = 0,
};

SEC("xdp")
int legacy_xdp(struct xdp_md *ctx)
{
	__u32 zero = 0, ifindex = ctx->ingress_ifindex;
	__u64 first = 1, *seen;
	__u32 *count;

	count = bpf_map_lookup_elem(&legacy_array, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);

	seen = bpf_map_lookup_elem(&legacy_hash, &ifindex);
	if (seen)
		__sync_fetch_and_add(seen, 1);
	else
		bpf_map_update_elem(&legacy_hash, &ifindex, &first, BPF_ANY);

	return XDP_PASS;
}

char __license[] SEC("license") = "GPL";
