// SPDX-License-Identifier: GPL-2.0
/* perf_events.bpf.c — a perf event array whose definition names its record type, fed per packet.
 *
 * A loader must see:
 * - map `pkt_events`: PERF_EVENT_ARRAY, key u32, a BTF `value` of struct pkt_event (8 bytes:
 *   len, ifindex); max_entries 0 (the loader picks the number of possible CPUs). The kernel wants
 *   key and value 4 bytes (a CPU's perf event fd) and no BTF ids; the declared type is for
 *   rendering the samples.
 * - program `perf_emit` in section `xdp`: for every packet, bpf_perf_event_output of
 *   {len = data_end - data, ifindex = ingress_ifindex} with BPF_F_CURRENT_CPU; returns XDP_PASS.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pkt_event {
	__u32 len;
	__u32 ifindex;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__type(key, __u32);
	__type(value, struct pkt_event);
} pkt_events SEC(".maps");

SEC("xdp")
int perf_emit(struct xdp_md *ctx)
{
	struct pkt_event e = {
		.len = (__u32)(ctx->data_end - ctx->data),
		.ifindex = ctx->ingress_ifindex,
	};
	bpf_perf_event_output(ctx, &pkt_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
