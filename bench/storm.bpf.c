// SPDX-License-Identifier: GPL-2.0
/* bench/storm.bpf.c — the event source of the bench's stream benchmark: one record per
 * getpriority() call whose first argument is STORM_MAGIC (bench/storm makes them as fast as it can,
 * or at a set rate; nothing else on a machine passes that value), sent through the ring buffer
 * `events`, or with -DSTORM_PERF through the perf event array `events`. `rlb_storm_stats` counts
 * the records sent (0) and those the buffer had no room for (1): the bench reads it by name.
 *
 * Built four ways: ring buffer or perf buffer, and for rawload (the map declares its record type,
 * which rawload renders records with) or -DSTORM_LIBBPF (libbpf refuses a value type on these maps;
 * its consumer knows the record's layout from its own source instead). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define STORM_MAGIC 0x524c4253 /* "RLBS" */

/* The record a syscalls:sys_enter_* tracepoint hands its program. */
struct sys_enter_ctx {
	unsigned long long header;
	long id;
	unsigned long args[6];
};

struct storm_event {
	__u64 seq;		/* this record's number among all sent */
	__u64 ts;		/* bpf_ktime_get_ns() */
	__u32 pid;
	__u32 cpu;
	char comm[16];
};

#ifdef STORM_PERF
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
#ifdef STORM_LIBBPF
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
#else
	__type(value, struct storm_event); /* rawload: the record type, for rendering */
#endif
} events SEC(".maps");
#else
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
#ifndef STORM_LIBBPF
	__type(value, struct storm_event); /* rawload: the record type, for rendering */
#endif
} events SEC(".maps");
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} rlb_storm_stats SEC(".maps");

static __always_inline void count(__u32 which, __u64 *seq)
{
	__u64 *v = bpf_map_lookup_elem(&rlb_storm_stats, &which);
	if (v)
		*seq = __sync_fetch_and_add(v, 1);
}

SEC("tracepoint/syscalls/sys_enter_getpriority")
int storm(struct sys_enter_ctx *ctx)
{
	__u64 seq = 0;

	if (ctx->args[0] != STORM_MAGIC)
		return 0;
#ifdef STORM_PERF
	struct storm_event e = {};
	e.ts = bpf_ktime_get_ns();
	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	e.seq = ctx->args[1];
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e)) < 0)
		count(1, &seq);
	else
		count(0, &seq);
#else
	struct storm_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(1, &seq);
		return 0;
	}
	count(0, &seq);
	e->seq = seq;
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
#endif
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
