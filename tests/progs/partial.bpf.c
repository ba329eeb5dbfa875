// SPDX-License-Identifier: GPL-2.0
/* partial.bpf.c — one object whose members fail one by one, for reasons of the kernel or of the
 * object, around one program that works. A loader must load count_xdp (and the map packets) and
 * name every other member with its reason:
 *   future_map         map type 250: no kernel has it (BPF_MAP_CREATE: EINVAL)
 *   future_flag        an ARRAY with map flag bit 24: no kernel has it (EINVAL)
 *   uses_future_map    refused: it uses future_map
 *   uses_future_flag   refused: it uses future_flag
 *   calls_future_helper    helper #250: "invalid func unknown#250"
 *   calls_skb_helper   bpf_skb_store_bytes, which XDP programs are not offered
 *   uses_undefined     an ld_imm64 of a name nothing defines (inline assembly): the object model
 *                      marks the program, the rest of the object is described and loads
 *   in_unknown_section a section name no loader knows
 *   uses_missing_kconfig   a __kconfig extern no kernel sets (not __weak)
 *   uses_missing_kfunc     a kfunc no kernel has (not __weak)
 *   core_missing       a CO-RE read of a field the kernel's task_struct lacks, reached: poisoned
 * count_xdp counts every packet in packets[0].
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct {
	__uint(type, 250);
	__uint(key_size, 4);
	__uint(value_size, 4);
	__uint(max_entries, 1);
} future_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(map_flags, 1u << 24); /* its BTF: int (*)[1 << 24], 64 MiB, still a valid array */
} future_flag SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} packets SEC(".maps");

SEC("xdp")
int count_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&packets, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

SEC("xdp")
int uses_future_map(struct xdp_md *ctx)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&future_map, &key) ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int uses_future_flag(struct xdp_md *ctx)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&future_flag, &key) ? XDP_PASS : XDP_DROP;
}

static long (*const bpf_future_helper)(void) = (void *)250;

SEC("xdp")
int calls_future_helper(struct xdp_md *ctx)
{
	return bpf_future_helper() ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int calls_skb_helper(struct xdp_md *ctx)
{
	return bpf_skb_store_bytes((void *)ctx, 0, 0, 0, 0) ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int uses_undefined(struct xdp_md *ctx)
{
	long v;
	asm volatile("%0 = rawload_nowhere ll" : "=r"(v));
	return v ? XDP_PASS : XDP_DROP;
}

SEC("rawload/unknown")
int in_unknown_section(void *ctx)
{
	return 0;
}

extern int CONFIG_RAWLOAD_PARTIAL_MISSING __kconfig;

SEC("xdp")
int uses_missing_kconfig(struct xdp_md *ctx)
{
	return CONFIG_RAWLOAD_PARTIAL_MISSING ? XDP_DROP : XDP_PASS;
}

extern void bpf_rawload_no_such_kfunc(void) __ksym;

SEC("tracepoint/syscalls/sys_enter_getppid")
int uses_missing_kfunc(void *ctx)
{
	bpf_rawload_no_such_kfunc();
	return 0;
}

struct task_struct___rl {
	int rawload_no_such_field;
} __attribute__((preserve_access_index));

SEC("tracepoint/syscalls/sys_enter_getppid")
int core_missing(void *ctx)
{
	struct task_struct___rl *t = (void *)bpf_get_current_task();
	return BPF_CORE_READ(t, rawload_no_such_field);
}

char LICENSE[] SEC("license") = "GPL";
