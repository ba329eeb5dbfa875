// SPDX-License-Identifier: GPL-2.0
/* core_btf_file.bpf.c — CO-RE results stored where a test reads them back: the offsets and sizes of
 * a few task_struct members and whether a member exists, as the target BTF says — the running
 * kernel's, or the one `--btf FILE` names (tests/btf/layouts.c: pid 44, tgid 40, real_parent 64,
 * comm 48, size 80, rawload_layout_marker present). The local definition's offsets are all wrong
 * on purpose; only the names matter. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	char comm[16];
	int rawload_layout_marker;
} __attribute__((preserve_access_index));

struct core_offsets {
	__u32 pid, tgid, real_parent, comm, comm_size, size, marker_exists;
} offsets;

SEC("raw_tp/sys_enter")
int core_offsets(void *ctx)
{
	offsets.pid = bpf_core_field_offset(struct task_struct, pid);
	offsets.tgid = bpf_core_field_offset(struct task_struct, tgid);
	offsets.real_parent = bpf_core_field_offset(struct task_struct, real_parent);
	offsets.comm = bpf_core_field_offset(struct task_struct, comm);
	offsets.comm_size = bpf_core_field_size(struct task_struct, comm);
	offsets.size = bpf_core_type_size(struct task_struct);
	offsets.marker_exists = bpf_core_field_exists(struct task_struct, rawload_layout_marker);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
