// SPDX-License-Identifier: GPL-2.0
/* tracing_macros.bpf.c — programs written with libbpf's tracing macros, compiled against our
 * bpf_tracing.h: BPF_UPROBE/BPF_URETPROBE (arguments and return value from the calling
 * convention's registers), BPF_PROG on a tp_btf (typed arguments from the u64 context, a BTF
 * pointer read directly with CO-RE) and BPF_KSYSCALL, which asks the loader for
 * LINUX_HAS_SYSCALL_WRAPPER. Kprobes are not compiled into the development kernel: the ksyscall
 * program loads and is reported as not attached.
 *
 * For `uprobe_target N`, sums[its pid] ends as {calls = N, args = N(N+1)/2, rets = N(N+2)}; each
 * exec a process completes counts in execs[its pid before the exec], with the task's pid equal to
 * it.
 */
#include <linux/bpf.h>

/* What vmlinux.h would give: the kernel's own struct pt_regs (x86-64 layout, field names as the
 * kernel spells them), relocatable. With it the macros use the kernel's names, and the reads
 * BPF_KSYSCALL makes through CO-RE find their fields (UAPI <asm/ptrace.h> names such as rdi do
 * not exist in the kernel's BTF: with libbpf too, BPF_KSYSCALL needs the kernel's types). */
#define __VMLINUX_H__
#if defined(__TARGET_ARCH_arm64)
/* arm64: the user view the kernel's struct pt_regs starts with (orig_x0 follows it). */
struct user_pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
} __attribute__((preserve_access_index));
#elif defined(__TARGET_ARCH_s390)
/* s390: vmlinux.h's typedefs, as the kernel declares them (orig_gpr2 follows in struct pt_regs). */
typedef struct {
	unsigned long mask;
	unsigned long addr;
} __attribute__((preserve_access_index)) psw_t;
typedef struct {
	unsigned long args[1];
	psw_t psw;
	unsigned long gprs[16];
} __attribute__((preserve_access_index)) user_pt_regs;
#else
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di;
	unsigned long orig_ax, ip, cs, flags, sp, ss;
} __attribute__((preserve_access_index));
#endif

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct sums {
	__u64 calls, args, rets;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct sums);
	__uint(max_entries, 1024);
} sums SEC(".maps");

struct exec_seen {
	__u64 count;
	__s64 task_pid; /* p->pid as the tp_btf argument holds it */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct exec_seen);
	__uint(max_entries, 1024);
} execs SEC(".maps");

__s64 last_kill_sig;

static struct sums *mine(void)
{
	__u32 pid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	struct sums zero = {0}, *s = bpf_map_lookup_elem(&sums, &pid);
	if (s)
		return s;
	bpf_map_update_elem(&sums, &pid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&sums, &pid);
}

SEC("uprobe/build/uprobe_target:rl_target_func")
int BPF_UPROBE(mc_call, int x)
{
	struct sums *s = mine();
	if (s) {
		__sync_fetch_and_add(&s->calls, 1);
		__sync_fetch_and_add(&s->args, x);
	}
	return 0;
}

SEC("uretprobe/build/uprobe_target:rl_target_func")
int BPF_URETPROBE(mc_ret, int ret)
{
	struct sums *s = mine();
	if (s)
		__sync_fetch_and_add(&s->rets, ret);
	return 0;
}

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));
struct linux_binprm;

SEC("tp_btf/sched_process_exec")
int BPF_PROG(mc_exec, struct task_struct *p, int old_pid, struct linux_binprm *bprm)
{
	__u32 key = (__u32)old_pid;
	struct exec_seen seen = {1, p->pid}, *e = bpf_map_lookup_elem(&execs, &key);
	if (e)
		__sync_fetch_and_add(&e->count, 1);
	else
		bpf_map_update_elem(&execs, &key, &seen, BPF_NOEXIST);
	return 0;
}

SEC("ksyscall/kill")
int BPF_KSYSCALL(mc_kill, int pid, int sig)
{
	/* kill(pid, 0) sends nothing: it asks whether pid exists, and busybox's timeout asks that
	 * of the process it guards every second. Kept out, or it would reset the value within a
	 * second of the signal a test sends. */
	if (sig)
		last_kill_sig = sig;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
