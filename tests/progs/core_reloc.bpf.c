// SPDX-License-Identifier: GPL-2.0
/* core_reloc.bpf.c — CO-RE relocations of every kind clang 14 emits, written the way libbpf
 * programs write them (bpf_core_read.h), against local struct definitions that deliberately do NOT
 * have the kernel's layout: pid at offset 0, a field the kernel lacks, a type it lacks, an enum
 * with wrong values. Only a loader that resolves the records against the kernel's BTF gets the
 * kernel's values.
 *
 * Program `core_task` (raw_tp/sys_enter) writes what it finds about the current task into
 * `result` (.bss); BPF_PROG_TEST_RUN runs it in the calling task, so a test can compare with
 * getpid(), getppid(), its comm and bpftool's reading of the kernel's BTF. Program `core_bits`
 * reads local bit-fields; the unit tests resolve its records against the object's own BTF, where
 * every value must equal clang's. In the kernel, which has no struct bits, it returns early. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	char comm[16];
	struct task_struct *real_parent;
	unsigned int flags;
	int rawload_no_such_field;
	unsigned sched_reset_on_fork : 1;
} __attribute__((preserve_access_index));

/* A flavour: the same kernel type seen through another local definition. */
struct task_struct___pid_only {
	int pid;
} __attribute__((preserve_access_index));

struct rawload_no_such_type {
	int x;
};

/* The UAPI's enum bpf_map_type under a flavour, with wrong local values. */
enum bpf_map_type___rl {
	BPF_MAP_TYPE_RINGBUF___rl = 1,
	BPF_MAP_TYPE_RAWLOAD_NONE___rl = 2,
};

struct core_result {
	int pid, tgid, ppid, pid2;
	char comm[16];
	unsigned int flags_exists, nosuch_field_exists, nosuch_type_exists, task_exists;
	unsigned int task_size, pid_offset, pid_size, comm_size;
	unsigned int type_id_local, type_id_kernel;
	unsigned int ringbuf_exists, none_exists;
	unsigned long long ringbuf_value;
	unsigned long long reset_on_fork;
	int nosuch_value;
};

struct core_result result;

SEC("raw_tp/sys_enter")
int core_task(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct task_struct___pid_only *t2 = (void *)t;

	result.pid = BPF_CORE_READ(t, pid);
	result.tgid = BPF_CORE_READ(t, tgid);
	result.ppid = BPF_CORE_READ(t, real_parent, tgid);
	result.pid2 = BPF_CORE_READ(t2, pid);
	BPF_CORE_READ_STR_INTO(&result.comm, t, comm);
	result.flags_exists = bpf_core_field_exists(t->flags);
	result.nosuch_field_exists = bpf_core_field_exists(t->rawload_no_such_field);
	/* Poisoned, but never reached: the verifier drops the branch. */
	result.nosuch_value = -1;
	if (bpf_core_field_exists(t->rawload_no_such_field))
		result.nosuch_value = BPF_CORE_READ(t, rawload_no_such_field);
	result.nosuch_type_exists = bpf_core_type_exists(struct rawload_no_such_type);
	result.task_exists = bpf_core_type_exists(struct task_struct);
	result.task_size = bpf_core_type_size(struct task_struct);
	result.pid_offset = bpf_core_field_offset(t->pid);
	result.pid_size = bpf_core_field_size(t->pid);
	result.comm_size = bpf_core_field_size(struct task_struct, comm);
	result.type_id_local = bpf_core_type_id_local(struct task_struct);
	result.type_id_kernel = bpf_core_type_id_kernel(struct task_struct);
	result.ringbuf_exists = bpf_core_enum_value_exists(enum bpf_map_type___rl, BPF_MAP_TYPE_RINGBUF___rl);
	result.none_exists = bpf_core_enum_value_exists(enum bpf_map_type___rl, BPF_MAP_TYPE_RAWLOAD_NONE___rl);
	result.ringbuf_value = bpf_core_enum_value(enum bpf_map_type___rl, BPF_MAP_TYPE_RINGBUF___rl);
	result.reset_on_fork = BPF_CORE_READ_BITFIELD_PROBED(t, sched_reset_on_fork);
	return 0;
}

/* Local bit-fields of every shape: the loader's arithmetic must equal clang's. */
struct bits {
	unsigned char a : 3;
	signed char b : 4;
	unsigned short c : 9;
	int d : 17;
	unsigned long long e : 40;
	long long f : 23;
	char g;
} __attribute__((preserve_access_index));

struct bits bits_in;
unsigned long long bits_out[6];

SEC("raw_tp/sys_enter")
int core_bits(void *ctx)
{
	struct bits *p = &bits_in;

	/* The kernel has no struct bits: there this program stops here, and the verifier never
	 * reaches the poisoned reads below. */
	if (!bpf_core_type_exists(struct bits))
		return 0;
	bits_out[0] = BPF_CORE_READ_BITFIELD(p, a);
	bits_out[1] = BPF_CORE_READ_BITFIELD(p, b);
	bits_out[2] = BPF_CORE_READ_BITFIELD(p, c);
	bits_out[3] = BPF_CORE_READ_BITFIELD(p, d);
	bits_out[4] = BPF_CORE_READ_BITFIELD(p, e);
	bits_out[5] = BPF_CORE_READ_BITFIELD_PROBED(p, f) + bpf_core_field_offset(p->g);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
