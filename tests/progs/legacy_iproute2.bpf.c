// SPDX-License-Identifier: GPL-2.0
/* legacy_iproute2.bpf.c — maps defined the way iproute2's tc/ip loader wants them: a `maps`
 * section of 36-byte `struct bpf_elf_map` records (iproute2 include/bpf_elf.h), with pinning.
 *
 * A loader must see:
 * - section `maps`, 72 bytes, two OBJECT symbols of 36 bytes each:
 *     tc_counter  offset 0:  type 2 (ARRAY), key 4, value 8, max_elem 2, flags 0, id 0,
 *                            pinning 2 (PIN_GLOBAL_NS: iproute2 pins it in <bpffs>/tc/globals/),
 *                            inner_id 0, inner_idx 0
 *     tc_seen     offset 36: type 1 (HASH),  key 4, value 4, max_elem 8, flags 0, id 0,
 *                            pinning 0 (none), inner_id 0, inner_idx 0
 *   (record size 72 / 2 = 36; bytes 20..35 of each record are the iproute2 extension).
 * - no BTF map definitions (.maps absent).
 * - program `tc_count` in section `classifier` (SCHED_CLS), license "GPL", referencing tc_counter.
 * - run with BPF_PROG_TEST_RUN it returns 0 (TC_ACT_OK) and adds 1 to tc_counter[0].
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define PIN_NONE 0
#define PIN_OBJECT_NS 1
#define PIN_GLOBAL_NS 2

struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

struct bpf_elf_map tc_counter SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 2,
	.flags = 0,
	.id = 0,
	.pinning = PIN_GLOBAL_NS,
};

struct bpf_elf_map tc_seen SEC("maps") = {
	.type = BPF_MAP_TYPE_HASH,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 8,
	.pinning = PIN_NONE,
};

SEC("classifier")
int tc_count(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *count;

	(void)skb;
	count = bpf_map_lookup_elem(&tc_counter, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return TC_ACT_OK;
}

char __license[] SEC("license") = "GPL";
