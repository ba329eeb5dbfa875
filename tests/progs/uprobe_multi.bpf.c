// SPDX-License-Identifier: GPL-2.0
/* uprobe_multi.bpf.c — uprobe.multi and uretprobe.multi programs on tests/tools/uprobe_target.c and
 * libc, counted per process. Paths as in uprobe_count.bpf.c: "build/uprobe_target" from the current
 * directory, "libc.so.6" looked up in the library directories.
 *
 * A loader must see: programs on_target (uprobe.multi, pattern rl_target_*: rl_target_func only),
 * on_main (uprobe.multi, pattern ma?n: main) and on_getp_ret (uretprobe.multi, pattern getp?id in
 * libc: getppid and getpgid, two functions behind one link), expected attach type
 * BPF_TRACE_UPROBE_MULTI (48) at load; map `multi` (HASH, key u32 pid, value struct multi).
 * For uprobe_target N G, multi[its pid] ends as calls = N, arg_sum = N(N+1)/2, mains = 1,
 * getp_returns = G (it calls getppid G times and getpgid never).
 * x86-64 only: the first argument is read as rdi.
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h> /* PT_REGS_PARM1: the target machine's registers */

struct multi {
	__u64 calls;        /* entries of the functions rl_target_* names */
	__u64 arg_sum;      /* sum of their first argument */
	__u64 mains;        /* entries of main */
	__u64 getp_returns; /* returns from getppid / getpgid */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct multi);
	__uint(max_entries, 1024);
} multi SEC(".maps");

static struct multi *mine(void)
{
	__u32 pid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	struct multi *m = bpf_map_lookup_elem(&multi, &pid);
	if (m)
		return m;
	struct multi zero = {0};
	bpf_map_update_elem(&multi, &pid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&multi, &pid);
}

SEC("uprobe.multi/build/uprobe_target:rl_target_*")
int on_target(struct pt_regs *ctx)
{
	struct multi *m = mine();
	if (m) {
		__sync_fetch_and_add(&m->calls, 1);
		__sync_fetch_and_add(&m->arg_sum, (__u32)PT_REGS_PARM1(ctx));
	}
	return 0;
}

SEC("uprobe.multi/build/uprobe_target:ma?n")
int on_main(struct pt_regs *ctx)
{
	struct multi *m = mine();
	if (m)
		__sync_fetch_and_add(&m->mains, 1);
	return 0;
}

SEC("uretprobe.multi/libc.so.6:getp?id")
int on_getp_ret(struct pt_regs *ctx)
{
	struct multi *m = mine();
	if (m)
		__sync_fetch_and_add(&m->getp_returns, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
