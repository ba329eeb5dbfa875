// SPDX-License-Identifier: GPL-2.0
/* usdt_refused.bpf.c — USDT programs whose attach must fail with a line that says why (each run
 * alone with --prog): on_setjmp names libbpf-bootstrap's libc.so.6:libc:setjmp, and Debian's libc
 * has no .note.stapsdt at all; on_missing names a probe build/usdt_target does not have; on_bad_path
 * a target without a provider. A loader must see three kprobe programs and usdt.bpf.h's two maps. */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

SEC("usdt/libc.so.6:libc:setjmp")
int BPF_USDT(on_setjmp, void *env)
{
	return env != 0;
}

SEC("usdt/build/usdt_target:rl:nope")
int BPF_USDT(on_missing, int a)
{
	return a;
}

SEC("usdt/build/usdt_target:args")
int BPF_USDT(on_bad_path, int a)
{
	return a;
}

char LICENSE[] SEC("license") = "GPL";
