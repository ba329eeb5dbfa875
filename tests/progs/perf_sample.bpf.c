// SPDX-License-Identifier: GPL-2.0
/* perf_sample.bpf.c — counts the samples of a perf_event program per CPU and per process.
 *
 * A loader must see:
 * - map `per_cpu`: ARRAY, key u32 (the CPU number), value struct cpu_samples {u64 samples;
 *   u64 first_ns; u64 last_ns} (24 bytes), 64 entries;
 * - map `per_pid`: HASH, key u32 (the sampled process's thread-group id), value u64, 1024 entries;
 * - map `kstacks`: STACK_TRACE, key u32, value 32 u64s (256 bytes), 256 entries;
 * - program `count_samples` in section `perf_event` (PERF_EVENT): at every sample it adds 1 to
 *   per_cpu[cpu].samples, sets first_ns (once) and last_ns to bpf_ktime_get_ns(), adds 1 to
 *   per_pid[tgid] (a new entry at 1 when the HASH has room), and stores the kernel stack in
 *   kstacks (bpf_get_stackid), counting those stored in `stacks_stored` (.bss, u64).
 * With the software cpu-clock at F Hz on a CPU (a fixed period of 10^9 / F ns), a CPU's samples
 * number at most (last_ns - first_ns) * F / 10^9 + 1: one per period, none more.
 */
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <bpf/bpf_helpers.h>

struct cpu_samples {
	__u64 samples;
	__u64 first_ns;
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct cpu_samples);
	__uint(max_entries, 64);
} per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1024);
} per_pid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 32 * sizeof(__u64));
	__uint(max_entries, 256);
} kstacks SEC(".maps");

__u64 stacks_stored;

SEC("perf_event")
int count_samples(struct bpf_perf_event_data *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id(), pid = bpf_get_current_pid_tgid() >> 32;
	__u64 now = bpf_ktime_get_ns(), one = 1, *n;
	struct cpu_samples *c = bpf_map_lookup_elem(&per_cpu, &cpu);
	if (c) {
		/* Only this CPU's event writes this slot, one sample at a time. */
		if (!c->first_ns)
			c->first_ns = now;
		c->last_ns = now;
		c->samples++;
	}
	n = bpf_map_lookup_elem(&per_pid, &pid);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&per_pid, &pid, &one, BPF_NOEXIST);
	if (bpf_get_stackid(ctx, &kstacks, 0) >= 0)
		__sync_fetch_and_add(&stacks_stored, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
