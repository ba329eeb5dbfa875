// SPDX-License-Identifier: GPL-2.0
/* loop_inf.bpf.c — a loop whose exit the verifier cannot prove: it waits for a random number.
 *
 * What rawload must say (tests/kernel/verifier_hints.sh, tests/unit/test_verifier_hint.c):
 * expect cause: a loop the verifier cannot see end: it came back to instruction 1 with nothing changed
 * expect fix: make the loop change what its exit condition tests and give it a constant bound (`for (int i = 0; i < 64; i++)` with a break), or use bpf_loop() (kernel 5.17+)
 * expect line: failing
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int loop_inf(struct xdp_md *ctx)
{
	(void)ctx;
	while (bpf_get_prandom_u32() != 7) /* BAD LINE */
		;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
