// SPDX-License-Identifier: GPL-2.0
/* uprobe_count.bpf.c — uprobes and a uretprobe on tests/tools/uprobe_target.c, counted per process.
 *
 * The paths are relative ("build/uprobe_target"): as with libbpf, a path with a '/' is taken from
 * the current directory, so the kernel test runs rawload from the top of the tree, wherever the tree
 * lives. "libc.so.6" has no '/': it is looked up in the library directories, as libbpf does.
 *
 * A loader must see: programs on_call (uprobe at rl_target_func), on_return (uretprobe there),
 * on_ret_insn (uprobe at rl_target_func+0x4, the `ret` instruction on x86-64), on_getppid (uprobe at
 * libc's getppid) and on_manual (section "uprobe" without a target: not attached, by name); map
 * `stats` (HASH, key u32 pid, value struct stats). For uprobe_target N, stats[its pid] ends as
 * calls = returns = at_ret = N, arg_sum = N(N+1)/2 (rl_target_func(1..N)), ret_sum = at_ret_sum =
 * N(N+2) (it returns 2x+1), and getppid = its number of getppid() calls.
 * x86-64 only: registers are read by their x86-64 names (rdi: first argument, rax: return value).
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h> /* PT_REGS_PARM1, PT_REGS_RC: the target machine's registers */

struct stats {
	__u64 calls;      /* entries of rl_target_func */
	__u64 arg_sum;    /* sum of its argument */
	__u64 returns;    /* returns from it (uretprobe) */
	__u64 ret_sum;    /* sum of its return values */
	__u64 at_ret;     /* arrivals at its ret instruction (uprobe at +4) */
	__u64 at_ret_sum; /* sum of %rax there */
	__u64 getppid;    /* calls of libc's getppid */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct stats);
	__uint(max_entries, 1024);
} stats SEC(".maps");

static struct stats *mine(void)
{
	__u32 pid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	struct stats *s = bpf_map_lookup_elem(&stats, &pid);
	if (s)
		return s;
	struct stats zero = {0};
	bpf_map_update_elem(&stats, &pid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&stats, &pid);
}

SEC("uprobe/build/uprobe_target:rl_target_func")
int on_call(struct pt_regs *ctx)
{
	struct stats *s = mine();
	if (s) {
		__sync_fetch_and_add(&s->calls, 1);
		__sync_fetch_and_add(&s->arg_sum, (__u32)PT_REGS_PARM1(ctx));
	}
	return 0;
}

SEC("uretprobe/build/uprobe_target:rl_target_func")
int on_return(struct pt_regs *ctx)
{
	struct stats *s = mine();
	if (s) {
		__sync_fetch_and_add(&s->returns, 1);
		__sync_fetch_and_add(&s->ret_sum, (__u32)PT_REGS_RC(ctx));
	}
	return 0;
}

SEC("uprobe/build/uprobe_target:rl_target_func+0x4")
int on_ret_insn(struct pt_regs *ctx)
{
	struct stats *s = mine();
	if (s) {
		__sync_fetch_and_add(&s->at_ret, 1);
		__sync_fetch_and_add(&s->at_ret_sum, (__u32)PT_REGS_RC(ctx));
	}
	return 0;
}

SEC("uprobe/libc.so.6:getppid")
int on_getppid(struct pt_regs *ctx)
{
	struct stats *s = mine();
	if (s)
		__sync_fetch_and_add(&s->getppid, 1);
	return 0;
}

SEC("uprobe")
int on_manual(struct pt_regs *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
