// SPDX-License-Identifier: GPL-2.0
/* struct_ops_sched_ext.bpf.c — a sched_ext scheduler's shape (SEC(".struct_ops.link") struct
 * sched_ext_ops), for a kernel without sched_ext: the load is refused in one line naming
 * sched_ext_ops, before any map or program is made. A loader must see program rl_select_cpu and
 * map rl_sched (struct_ops, BPF_F_LINK) with .select_cpu = rl_select_cpu. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct task_struct;

struct sched_ext_ops { /* the first members of the kernel's, as sched_ext schedulers declare them */
	int (*select_cpu)(struct task_struct *p, int prev_cpu, __u64 wake_flags);
	void (*enqueue)(struct task_struct *p, __u64 enq_flags);
	void (*dequeue)(struct task_struct *p, __u64 deq_flags);
	char name[128];
};

SEC("struct_ops/rl_select_cpu")
int BPF_PROG(rl_select_cpu, struct task_struct *p, int prev_cpu, __u64 wake_flags)
{
	return prev_cpu;
}

SEC(".struct_ops.link")
struct sched_ext_ops rl_sched = {
	.select_cpu = (void *)rl_select_cpu,
	.name = "rl_sched",
};

char LICENSE[] SEC("license") = "GPL";
