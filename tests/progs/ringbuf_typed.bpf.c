// SPDX-License-Identifier: GPL-2.0
/* ringbuf_typed.bpf.c — a ring buffer whose definition names its record type.
 *
 * A loader must see:
 * - map `rb`: RINGBUF (27), max_entries 16384 (4096 * 4: bytes, a power of two, page multiple),
 *   key 0, and a BTF `value` member of type struct rb_event (8 bytes: magic, len). The kernel
 *   wants key_size = value_size = 0 and no BTF value id for a ring buffer, so the loader must
 *   strip the value type before creating the map (libbpf and bpftool refuse this object) and may
 *   keep it to render records: { magic: u32 @0, len: u32 @4 }.
 * - program `rb_emit` in section `xdp`, license "GPL"; one relocation (R_BPF_64_64 -> rb). clang
 *   14 loads 0xfeedbeef with an ld_imm64 that has no relocation and src_reg 0: not every ld_imm64
 *   is a map reference.
 * - under BPF_PROG_TEST_RUN it returns XDP_PASS (2) and submits one 8-byte record with
 *   magic = 0xfeedbeef and len = the length of the test packet (data_end - data); when the
 *   buffer is full it submits nothing and still returns XDP_PASS.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct rb_event {
	__u32 magic;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 4);
	__type(value, struct rb_event);
} rb SEC(".maps");

SEC("xdp")
int rb_emit(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct rb_event *e;

	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e)
		return XDP_PASS;
	e->magic = 0xfeedbeef;
	e->len = data_end - data;	/* pointer - pointer: a scalar, allowed for privileged loaders */
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char __license[] SEC("license") = "GPL";
