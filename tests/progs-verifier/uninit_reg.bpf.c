// SPDX-License-Identifier: GPL-2.0
/* uninit_reg.bpf.c — returns a register nothing wrote (inline assembly: clang itself does not
 * emit this, but hand-written BPF and miscompiled undefined behaviour do).
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: register R7 is read before anything was written to it
 * expect fix: in C: a variable used before it is set on some path, or a function called through a prototype with fewer arguments than it reads; in assembly: set R7 first (a call leaves R1-R5 unset)
 * expect line: failing
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int uninit_reg(struct xdp_md *ctx)
{
	int ret;

	(void)ctx;
	asm volatile("%[ret] = r7" : [ret] "=r"(ret)); /* BAD LINE */
	return ret;
}

char LICENSE[] SEC("license") = "GPL";
