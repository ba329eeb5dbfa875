// SPDX-License-Identifier: GPL-2.0
/* usdt_bootstrap.bpf.c — a USDT program of the shape libbpf-bootstrap's usdt example has (written
 * for rawload, not copied): vmlinux.h, bpf_helpers.h and usdt.bpf.h, one BPF_USDT program whose
 * section names a shared library's probe (libbpf-bootstrap's names libc.so.6:libc:setjmp; Debian's
 * libc has no USDT notes, so this one names the test library's rl_lib:hit), printing its arguments
 * with bpf_printk, and one SEC("usdt") program left for its user to attach by hand.
 * `hits` (.bss) counts the probe's fires; `last_arg1`/`last_arg2` keep the latest arguments. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>

int hits;
int last_arg1;
long last_arg2;

SEC("usdt/build/libusdt_lib.so:rl_lib:hit")
int BPF_USDT(usdt_auto_attach, int arg1, long arg2)
{
	__sync_fetch_and_add(&hits, 1);
	last_arg1 = arg1;
	last_arg2 = arg2;
	bpf_printk("USDT auto attach to rl_lib:hit: arg1 = %d, arg2 = %ld", arg1, arg2);
	return 0;
}

SEC("usdt")
int BPF_USDT(usdt_manual_attach, int arg1, long arg2)
{
	bpf_printk("USDT manual attach to rl_lib:hit: arg1 = %d, arg2 = %ld", arg1, arg2);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
