// SPDX-License-Identifier: GPL-2.0
/* bad_verifier.bpf.c — a program the verifier must reject, for testing how a loader reports it.
 *
 * A loader must see: program `bad_access` in section `xdp`, license "GPL", no maps. It compiles
 * and parses fine; BPF_PROG_LOAD fails with EACCES and a verifier log saying the packet access
 * is invalid (kernel 6.x: "invalid access to packet, off=0 size=1, R.(id=0,off=0,r=0)"), and the
 * log's source-line annotation (from .BTF.ext line_info) points at the line marked BAD LINE.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bad_access(struct xdp_md *ctx)
{
	unsigned char *data = (unsigned char *)(long)ctx->data;
	unsigned char first;

	/* No `if (data + 1 > data_end)` check: the read below is unproven. */
	first = *(volatile unsigned char *)data; /* BAD LINE */
	return first == 0xff ? XDP_DROP : XDP_PASS;
}

char __license[] SEC("license") = "GPL";
