// SPDX-License-Identifier: GPL-2.0
/* struct_ops.bpf.c — a `.struct_ops` map (a kernel ops table filled with BPF programs), which rawload
 * does not create yet. A loader must see program `demo_init` (struct_ops/demo_init) and a
 * `.struct_ops` section holding `demo_ops`; inspect names the section as unsupported and the load
 * refuses the object in one line instead of loading it without its map. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct demo_ops {
	void (*init)(void *sk);
	char name[16];
};

SEC("struct_ops/demo_init")
void demo_init(void *sk)
{
}

SEC(".struct_ops")
struct demo_ops demo_ops = {
	.init = (void *)demo_init,
	.name = "rawload_demo",
};

char LICENSE[] SEC("license") = "GPL";
