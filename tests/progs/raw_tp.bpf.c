// SPDX-License-Identifier: GPL-2.0
/* raw_tp.bpf.c — a raw tracepoint program (BPF_RAW_TRACEPOINT_OPEN to attach).
 *
 * A loader must see: program `count_enter` in section `raw_tp/sys_enter` (type raw_tracepoint,
 * target "sys_enter"), map `enters` (ARRAY, key u32, value u64, 1 entry); every system call entry
 * on the machine increments enters[0] while it is attached.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} enters SEC(".maps");

SEC("raw_tp/sys_enter")
int count_enter(void *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&enters, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
