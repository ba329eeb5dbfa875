// SPDX-License-Identifier: GPL-2.0
/* externs_missing.bpf.c — a __kconfig extern no kernel sets, not declared __weak: the load must
 * stop, naming it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int CONFIG_RAWLOAD_MISSING __kconfig;

int out;

SEC("syscall")
int uses_missing(void *ctx)
{
	out = CONFIG_RAWLOAD_MISSING;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
