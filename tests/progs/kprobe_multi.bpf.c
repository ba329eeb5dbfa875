// SPDX-License-Identifier: GPL-2.0
/* kprobe_multi.bpf.c — kprobe.multi and kretprobe.multi programs on the kill(2) system call's entry
 * points, counted per process.
 *
 * A loader must see: programs on_kill (section kprobe.multi/__*_sys_kill) and on_kill_ret
 * (kretprobe.multi/__*_sys_kill), KPROBE with expected attach type BPF_TRACE_KPROBE_MULTI (42) at
 * load; the pattern matches each architecture's wrapped entry point (x86-64: __x64_sys_kill, and
 * __ia32_sys_kill for 32-bit callers: two functions behind one link); map `kills` (HASH, key u32
 * pid, value struct kills). A process that calls kill() N times ends with calls = returns = N.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct kills {
	__u64 calls;
	__u64 returns;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct kills);
	__uint(max_entries, 1024);
} kills SEC(".maps");

static struct kills *mine(void)
{
	__u32 pid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	struct kills *k = bpf_map_lookup_elem(&kills, &pid);
	if (k)
		return k;
	struct kills zero = {0};
	bpf_map_update_elem(&kills, &pid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&kills, &pid);
}

SEC("kprobe.multi/__*_sys_kill")
int on_kill(void *ctx)
{
	struct kills *k = mine();
	if (k)
		__sync_fetch_and_add(&k->calls, 1);
	return 0;
}

SEC("kretprobe.multi/__*_sys_kill")
int on_kill_ret(void *ctx)
{
	struct kills *k = mine();
	if (k)
		__sync_fetch_and_add(&k->returns, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
