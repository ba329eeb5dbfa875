// SPDX-License-Identifier: GPL-2.0
/* usdt_nomaps.bpf.c — a USDT program written without usdt.bpf.h: there are no spec maps to put its
 * arguments in, so rawload refuses to attach it and says to include the header. */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>

SEC("usdt/build/usdt_target:rl:args")
int on_args(struct pt_regs *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
