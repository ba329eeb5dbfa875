// SPDX-License-Identifier: GPL-2.0
/* tp_btf_count.bpf.c — BTF-typed raw tracepoints (tp_btf): their arguments arrive as an array of
 * u64, typed by the kernel's btf_trace_<name> prototype, and need no tracefs.
 *
 * A loader must see: programs count_getppid (tp_btf/sys_enter) and count_exec
 * (tp_btf/sched_process_exec), type tracing, expected attach type trace_raw_tp; maps getppid_calls
 * and execs (HASH, key u32 pid, value u64). While attached, getppid_calls[P] counts the getppid
 * system calls of process P, and execs[P] the execs that process P completed (its pid survives
 * each exec: the test execs a chain in one process and expects exactly that many).
 */
#include <linux/bpf.h>
#include <asm/unistd.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16384);
} getppid_calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16384);
} execs SEC(".maps");

static void count(void *map, __u32 pid)
{
	__u64 one = 1, *n = bpf_map_lookup_elem(map, &pid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(map, &pid, &one, BPF_NOEXIST);
}

/* btf_trace_sys_enter: (void *, struct pt_regs *regs, long id); ctx[0] is the regs */
SEC("tp_btf/sys_enter")
int count_getppid(unsigned long long *ctx)
{
	if (ctx[1] == __NR_getppid)
		count(&getppid_calls, (__u32)(bpf_get_current_pid_tgid() >> 32));
	return 0;
}

/* btf_trace_sched_process_exec: (void *, struct task_struct *p, pid_t old_pid, struct linux_binprm *) */
SEC("tp_btf/sched_process_exec")
int count_exec(unsigned long long *ctx)
{
	count(&execs, (__u32)ctx[1]);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
