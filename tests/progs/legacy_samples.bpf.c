// SPDX-License-Identifier: GPL-2.0
/* legacy_samples.bpf.c — the 28-byte map record of the kernel's old samples/bpf/bpf_load.c:
 * struct bpf_map_def plus inner_map_idx and numa_node.
 *
 * A loader must see:
 * - section `maps`, 28 bytes, one OBJECT symbol:
 *     sample_map  offset 0: type 2 (ARRAY), key 4, value 8, max_entries 8, map_flags 0,
 *                           inner_map_idx 0, numa_node 0
 *   (record size 28 / 1 = 28).
 * - no BTF map definitions (.maps absent).
 * - program `sock_prog` in section `socket` (SOCKET_FILTER), license "GPL", referencing sample_map.
 * - run with BPF_PROG_TEST_RUN it returns 0 and adds 1 to sample_map[0].
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

struct bpf_map_def sample_map SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 8,
	.map_flags = 0,
	.inner_map_idx = 0,
	.numa_node = 0,
};

SEC("socket")
int sock_prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *count;

	(void)skb;
	count = bpf_map_lookup_elem(&sample_map, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char __license[] SEC("license") = "GPL";
