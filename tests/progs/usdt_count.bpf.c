// SPDX-License-Identifier: GPL-2.0
/* usdt_count.bpf.c — USDT probes of tests/tools/usdt_target.c (and its libusdt_lib.so), their
 * arguments summed per process through usdt.bpf.h's bpf_usdt_arg() (BPF_USDT).
 *
 * A loader must see: programs on_args (usdt rl:args, 5 arguments), on_args_sleepable (usdt.s, the
 * same probe: a second attachment with spec ids of its own), on_sites (rl:sites: two call sites,
 * two specs), on_mem (rl:mem: arguments in memory), on_guarded (rl:guarded: a semaphore), on_lib
 * (rl_lib:hit in a shared library) and on_manual (section "usdt" without a target: not attached);
 * maps `stats` (HASH, key u32 pid), `__bpf_usdt_specs` and `__bpf_usdt_ip_to_spec_id`.
 * For fires i = 1..N of usdt_target, stats[its pid] ends as:
 *   args = N, args_a = N(N+1)/2 - 3N, args_b = -1000 N(N+1)/2, args_c = sum of (250+i) mod 256,
 *   args_ptr = sum of i*i (read through the pointer argument), args_k = 7N, args_cnt = 5N
 *   (bpf_usdt_arg_cnt), args_size1 = N (bpf_usdt_arg_size of the 1-byte argument);
 *   sleepy = N, sleepy_ptr = sum of i*i (read with bpf_copy_from_user: a sleepable program);
 *   sites = 2N, sites_sum = N(N+1)/2 + 100N; mem = N, mem_a = N(N+1)/2, mem_b = -N(N+1)/2;
 *   guarded = the fires while attached (the semaphore is raised), guarded_sum their i;
 *   lib = N, lib_a = N(N+1)/2, lib_b = 3N(N+1)/2.
 * Paths are relative ("build/usdt_target"): run rawload from the top of the tree. */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

struct stats {
	__s64 args, args_a, args_b, args_c, args_ptr, args_k, args_cnt, args_size1;
	__s64 sleepy, sleepy_ptr;
	__s64 sites, sites_sum;
	__s64 mem, mem_a, mem_b;
	__s64 guarded, guarded_sum;
	__s64 lib, lib_a, lib_b;
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

SEC("usdt/build/usdt_target:rl:args")
int BPF_USDT(on_args, int a, long b, unsigned char c, long *p, int k)
{
	struct stats *s = mine();
	long v = 0;
	if (!s)
		return 0;
	bpf_probe_read_user(&v, sizeof(v), p);
	__sync_fetch_and_add(&s->args, 1);
	__sync_fetch_and_add(&s->args_a, a);
	__sync_fetch_and_add(&s->args_b, b);
	__sync_fetch_and_add(&s->args_c, c);
	__sync_fetch_and_add(&s->args_ptr, v);
	__sync_fetch_and_add(&s->args_k, k);
	__sync_fetch_and_add(&s->args_cnt, bpf_usdt_arg_cnt(ctx));
	__sync_fetch_and_add(&s->args_size1, bpf_usdt_arg_size(ctx, 2) == 1);
	return 0;
}

SEC("usdt.s/build/usdt_target:rl:args")
int BPF_USDT(on_args_sleepable, int a, long b, unsigned char c, long *p)
{
	struct stats *s = mine();
	long v = 0;
	if (!s)
		return 0;
	bpf_copy_from_user(&v, sizeof(v), p); /* may fault the page in: sleepable programs only */
	__sync_fetch_and_add(&s->sleepy, 1);
	__sync_fetch_and_add(&s->sleepy_ptr, v);
	return 0;
}

SEC("usdt/build/usdt_target:rl:sites")
int BPF_USDT(on_sites, long v)
{
	struct stats *s = mine();
	if (s) {
		__sync_fetch_and_add(&s->sites, 1);
		__sync_fetch_and_add(&s->sites_sum, v);
	}
	return 0;
}

SEC("usdt/build/usdt_target:rl:mem")
int BPF_USDT(on_mem, int a, short b)
{
	struct stats *s = mine();
	if (s) {
		__sync_fetch_and_add(&s->mem, 1);
		__sync_fetch_and_add(&s->mem_a, a);
		__sync_fetch_and_add(&s->mem_b, b);
	}
	return 0;
}

SEC("usdt/build/usdt_target:rl:guarded")
int BPF_USDT(on_guarded, int v)
{
	struct stats *s = mine();
	if (s) {
		__sync_fetch_and_add(&s->guarded, 1);
		__sync_fetch_and_add(&s->guarded_sum, v);
	}
	return 0;
}

SEC("usdt/build/libusdt_lib.so:rl_lib:hit")
int BPF_USDT(on_lib, int a, long b)
{
	struct stats *s = mine();
	if (s) {
		__sync_fetch_and_add(&s->lib, 1);
		__sync_fetch_and_add(&s->lib_a, a);
		__sync_fetch_and_add(&s->lib_b, b);
	}
	return 0;
}

SEC("usdt")
int BPF_USDT(on_manual, int a)
{
	return a;
}

char LICENSE[] SEC("license") = "GPL";
