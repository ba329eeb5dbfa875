// SPDX-License-Identifier: GPL-2.0
/* proc_events.bpf.c — written the way most libbpf programs are: against the running kernel's
 * vmlinux.h (bpftool makes it at build time), with BPF_CORE_READ chains through kernel types and
 * trace event records typed by the kernel's own trace_event_raw_* structs.
 *
 * One `rl_proc_event` per exec (pid, parent, file name) and per process exit (pid, parent, exit
 * status), through the ring buffer `events`; `live` holds the processes seen exec'ing that have
 * not exited yet.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

enum rl_proc_what { RL_EXEC = 1, RL_EXIT = 2 };

struct rl_proc_event {
	enum rl_proc_what what;
	int pid;
	int ppid;
	int exit_status;   /* RL_EXIT: the status exit() was given */
	char comm[16];
	char filename[64]; /* RL_EXEC: the file the process now runs */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
	__type(value, struct rl_proc_event);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, pid_t);
	__type(value, u64);
} live SEC(".maps");

SEC("tp/sched/sched_process_exec")
int on_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	pid_t pid = bpf_get_current_pid_tgid() >> 32;
	u64 now = bpf_ktime_get_ns();
	struct rl_proc_event *e;

	bpf_map_update_elem(&live, &pid, &now, BPF_ANY);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->what = RL_EXEC;
	e->pid = pid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->exit_status = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* __data_loc: the low 16 bits are the string's offset in the record */
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				  (void *)ctx + (ctx->__data_loc_filename & 0xffff));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int on_exit(struct trace_event_raw_sched_process_template *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u64 id = bpf_get_current_pid_tgid();
	pid_t pid = id >> 32;
	struct rl_proc_event *e;

	if (pid != (pid_t)id) /* a thread, not the whole process */
		return 0;
	if (!bpf_map_lookup_elem(&live, &pid))
		return 0; /* started before we looked */
	bpf_map_delete_elem(&live, &pid);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->what = RL_EXIT;
	e->pid = pid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->exit_status = (BPF_CORE_READ(task, exit_code) >> 8) & 0xff;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->filename[0] = '\0';
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
