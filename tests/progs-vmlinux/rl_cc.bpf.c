// SPDX-License-Identifier: GPL-2.0
/* rl_cc.bpf.c — a TCP congestion control written as struct_ops (tcp_congestion_ops), against the
 * running kernel's vmlinux.h: Reno's rules (slow start below ssthresh, one segment per window
 * above; ssthresh halves the window on loss, undo restores the window before it), each callback
 * counted in `calls`. The struct_ops arguments are the kernel's struct sock, which the verifier
 * lets a tcp_congestion_ops program read and write as struct tcp_sock (snd_cwnd, snd_cwnd_cnt).
 *
 * Registered twice, by the same programs: rl_cc (.struct_ops: a map update registers it) and
 * rl_cc_link (.struct_ops.link: a struct_ops link does). Their names are placeholders of 15
 * characters ("rl_cc_000000000", "rl_cl_000000000"): the kernel test writes its pid into a copy of
 * the object so that parallel runs never register the same name.
 * A loader must see programs rl_init, rl_release, rl_ssthresh, rl_undo_cwnd, rl_cong_avoid,
 * rl_set_state and rl_cwnd_event, maps calls (ARRAY, one struct calls), rl_cc and rl_cc_link
 * (struct_ops). Per connection that selects the algorithm with TCP_CONGESTION: init = 1 (at the
 * connection's start), release = 1 (when the socket goes), cong_avoid >= 1 while data flows. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct calls {
	__u64 init, release, ssthresh, undo_cwnd, cong_avoid, set_state, cwnd_event;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct calls);
} calls SEC(".maps");

static __always_inline struct calls *counters(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&calls, &zero);
}

#define COUNT(field)                                       \
	do {                                               \
		struct calls *c_ = counters();             \
		if (c_)                                    \
			__sync_fetch_and_add(&c_->field, 1); \
	} while (0)

SEC("struct_ops/rl_init")
void BPF_PROG(rl_init, struct sock *sk)
{
	COUNT(init);
}

SEC("struct_ops/rl_release")
void BPF_PROG(rl_release, struct sock *sk)
{
	COUNT(release);
}

SEC("struct_ops/rl_ssthresh")
__u32 BPF_PROG(rl_ssthresh, struct sock *sk)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u32 half = tp->snd_cwnd >> 1;

	COUNT(ssthresh);
	return half > 2 ? half : 2;
}

SEC("struct_ops/rl_undo_cwnd")
__u32 BPF_PROG(rl_undo_cwnd, struct sock *sk)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	COUNT(undo_cwnd);
	return tp->snd_cwnd > tp->prior_cwnd ? tp->snd_cwnd : tp->prior_cwnd;
}

SEC("struct_ops/rl_cong_avoid")
void BPF_PROG(rl_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u32 cwnd = tp->snd_cwnd;

	COUNT(cong_avoid);
	if (cwnd < tp->snd_ssthresh) { /* slow start: a segment for every segment acked */
		cwnd += acked;
		tp->snd_cwnd = cwnd < tp->snd_ssthresh ? cwnd : tp->snd_ssthresh;
		return;
	}
	/* congestion avoidance: a segment for every window acked */
	tp->snd_cwnd_cnt += acked;
	if (tp->snd_cwnd_cnt >= cwnd) {
		tp->snd_cwnd_cnt -= cwnd;
		if (cwnd < tp->snd_cwnd_clamp)
			tp->snd_cwnd = cwnd + 1;
	}
}

SEC("struct_ops/rl_set_state")
void BPF_PROG(rl_set_state, struct sock *sk, __u8 new_state)
{
	COUNT(set_state);
}

SEC("struct_ops/rl_cwnd_event")
void BPF_PROG(rl_cwnd_event, struct sock *sk, enum tcp_ca_event ev)
{
	COUNT(cwnd_event);
}

SEC(".struct_ops")
struct tcp_congestion_ops rl_cc = {
	.init = (void *)rl_init,
	.release = (void *)rl_release,
	.ssthresh = (void *)rl_ssthresh,
	.undo_cwnd = (void *)rl_undo_cwnd,
	.cong_avoid = (void *)rl_cong_avoid,
	.set_state = (void *)rl_set_state,
	.cwnd_event = (void *)rl_cwnd_event,
	.name = "rl_cc_000000000",
};

SEC(".struct_ops.link")
struct tcp_congestion_ops rl_cc_link = {
	.init = (void *)rl_init,
	.release = (void *)rl_release,
	.ssthresh = (void *)rl_ssthresh,
	.undo_cwnd = (void *)rl_undo_cwnd,
	.cong_avoid = (void *)rl_cong_avoid,
	.set_state = (void *)rl_set_state,
	.cwnd_event = (void *)rl_cwnd_event,
	.name = "rl_cl_000000000",
};

char LICENSE[] SEC("license") = "GPL";
