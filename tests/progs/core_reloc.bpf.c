// SPDX-License-Identifier: GPL-2.0
/* core_reloc.bpf.c — a program with a CO-RE relocation (a field offset clang records in .BTF.ext
 * for a struct marked preserve_access_index), which rawload cannot resolve yet.
 *
 * A loader must see: program `core_pid` (raw_tp/sys_enter) with one core_relo record (kind 0,
 * field byte offset, of task_struct.pid). Loading it must fail, naming the program and saying that
 * CO-RE relocations are not supported yet — never load it with the offset the compiler guessed.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int core_pid(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	int pid = 0;
	bpf_probe_read_kernel(&pid, sizeof(pid), &t->pid);
	return pid & 1;
}

char LICENSE[] SEC("license") = "GPL";
