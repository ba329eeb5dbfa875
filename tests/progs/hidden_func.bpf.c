// SPDX-License-Identifier: GPL-2.0
/* hidden_func.bpf.c — a global function marked __hidden that only verifies in its caller's context.
 *
 * A loader must see:
 * - map `counts`: ARRAY, key u32, value struct counts {u64 packets; u64 bytes} (16 bytes), 1 entry;
 * - program `count_hidden` in section `xdp`, calling two global .text functions (not inlined):
 *     add_frame     __hidden (STV_HIDDEN): dereferences its pointer argument without a NULL check,
 *                   which the caller makes before the call. Checked on its own as a global function,
 *                   the argument is "mem or null" and the verifier refuses the first access
 *                   (R1 invalid mem access 'mem_or_null'); a loader must give its BTF FUNC static
 *                   linkage, as libbpf does, so it is verified with the caller's knowledge.
 *     frame_class   default visibility: verifies on its own, keeps global linkage.
 * - variable `hidden_total` (.bss, __hidden): its BTF VAR gets static linkage too; `seen_total`
 *   (.bss, default visibility) keeps global linkage.
 * - run with BPF_PROG_TEST_RUN on a frame of L bytes, it adds 1 to counts[0].packets and L to
 *   counts[0].bytes, L to hidden_total and 1 to seen_total, and returns XDP_PASS (2) for frames of
 *   at least 60 bytes, XDP_DROP (1) for shorter ones.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counts {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct counts);
	__uint(max_entries, 1);
} counts SEC(".maps");

__hidden __u64 hidden_total;
__u64 seen_total;

/* No NULL check: the caller's lookup result is checked before the call. */
__hidden __noinline int add_frame(struct counts *c, __u32 len)
{
	c->packets += 1;
	c->bytes += len;
	hidden_total += len;
	return 0;
}

__noinline int frame_class(__u32 len)
{
	seen_total += 1;
	return len >= 60 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int count_hidden(struct xdp_md *ctx)
{
	__u32 key = 0, len = ctx->data_end - ctx->data;
	struct counts *c = bpf_map_lookup_elem(&counts, &key);
	if (!c)
		return XDP_ABORTED;
	add_frame(c, len);
	return frame_class(len);
}

char _license[] SEC("license") = "GPL";
