// SPDX-License-Identifier: GPL-2.0
/* iter_task.bpf.c — a task iterator: one "pid comm" line per task (thread) on the machine, written
 * with BPF_SEQ_PRINTF each time the iterator is read. Without vmlinux.h: the three kernel structs
 * are declared with the fields read, as CO-RE relocations (the loader puts in the running kernel's
 * offsets); the context is the iterator's two pointer arguments, which the kernel fixes.
 *
 * A loader must see: program dump_task in section iter/task (type tracing, expected attach type
 * trace_iter, attach_btf_id of bpf_iter_task); no maps but the .rodata of the format string.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	char comm[16];
} __attribute__((preserve_access_index));

/* The kernel's struct bpf_iter__task: the iterator function's arguments, one u64 slot each. */
struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
};

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task) /* the end of the walk: the program runs once more with no task */
		return 0;
	BPF_SEQ_PRINTF(seq, "%d %s\n", task->pid, task->comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
