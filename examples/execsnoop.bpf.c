// SPDX-License-Identifier: GPL-2.0
/* execsnoop.bpf.c — traces execve(): counts execs per command name in `exec_count` and sends one
 * record per exec (pid, parent's pid, uid, command, file name) through the ring buffer `events`.
 * A tracepoint program without vmlinux.h: it declares the tracepoint's record itself, from
 * /sys/kernel/tracing/events/syscalls/sys_enter_execve/format, and the two task_struct fields it
 * reads. The kernel's task_struct is far larger and its layout differs between builds, so those
 * reads are CO-RE relocations (preserve_access_index, BPF_CORE_READ): the loader puts in the
 * offsets of the running kernel.
 *
 * `events` declares its record type with __type(value, ...) although a ring buffer has no value
 * size: libbpf refuses that, rawload strips it before creating the map and uses the type to render
 * each record.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define TASK_COMM_LEN 16
#define FILENAME_LEN 128

/* The record a syscalls:sys_enter_* tracepoint hands its program. */
struct sys_enter_ctx {
	/* the 8-byte header every trace event starts with */
	unsigned short common_type;
	unsigned char common_flags;
	unsigned char common_preempt_count;
	int common_pid;
	long id;			/* syscall number (the format file calls it __syscall_nr) */
	unsigned long args[6];		/* execve: args[0] = const char __user *filename */
};

/* Only the fields read; offsets come from the kernel's BTF at load time. */
struct task_struct {
	int tgid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

struct comm_key {
	char comm[TASK_COMM_LEN];
};

struct event {
	__u32 pid;			/* thread-group id: the pid user space sees */
	__u32 ppid;			/* the parent's (real_parent->tgid) */
	__u32 uid;			/* real uid of the caller */
	char comm[TASK_COMM_LEN];	/* command name before the exec */
	char filename[FILENAME_LEN];	/* the path passed to execve, NUL-terminated, maybe cut */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct comm_key);
	__type(value, __u64);
	__uint(max_entries, 1024);
} exec_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);	/* bytes; a power of two and a multiple of the page size */
	__type(value, struct event);		/* documentation for the reader, not a map attribute */
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(struct sys_enter_ctx *ctx)
{
	struct comm_key key = {};
	struct event *e;
	__u64 one = 1;
	__u64 *count;

	bpf_get_current_comm(key.comm, sizeof(key.comm));

	count = bpf_map_lookup_elem(&exec_count, &key);
	if (!count) {
		/* first exec by this name; if another CPU inserted it meanwhile, count there */
		if (bpf_map_update_elem(&exec_count, &key, &one, BPF_NOEXIST) == 0)
			goto counted;
		count = bpf_map_lookup_elem(&exec_count, &key);
	}
	if (count)
		__sync_fetch_and_add(count, 1);
counted:

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;	/* buffer full: the reader is behind; this record is lost */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* on a fault the helper zeroes the buffer, so the record never carries stale bytes there */
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const void *)ctx->args[0]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char __license[] SEC("license") = "GPL";
