// SPDX-License-Identifier: GPL-2.0
/* struct_ops.bpf.c — struct_ops variables for the object model and the layout tests: a loader must
 * see programs demo_init and demo_release (struct_ops/...), demo_unused (struct_ops, used by no
 * variable: not loaded) and two maps of type struct_ops:
 *  - demo_ops (.struct_ops): struct rl_demo_ops { init = demo_init, name "demo", flags 3,
 *    zero_extra 0, release unset };
 *  - demo_link (.struct_ops.link, BPF_F_LINK): { init = demo_init, release = demo_release, name
 *    "demo_link" }.
 * No kernel has an rl_demo_ops: a load is refused naming it. The unit tests lay it out against a
 * kernel BTF of their own, whose rl_demo_ops orders the members differently and lacks zero_extra. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct rl_demo_ops {
	int (*init)(void *sk);
	char name[16];
	unsigned int flags;
	int zero_extra;
	void (*release)(void *sk);
};

SEC("struct_ops/demo_init")
int demo_init(void *sk)
{
	return 0;
}

SEC("struct_ops/demo_release")
void demo_release(void *sk)
{
}

SEC("struct_ops/demo_unused")
int demo_unused(void *sk)
{
	return 1;
}

SEC(".struct_ops")
struct rl_demo_ops demo_ops = {
	.init = (void *)demo_init,
	.name = "demo",
	.flags = 3,
};

SEC(".struct_ops.link")
struct rl_demo_ops demo_link = {
	.init = (void *)demo_init,
	.release = (void *)demo_release,
	.name = "demo_link",
};

char LICENSE[] SEC("license") = "GPL";
