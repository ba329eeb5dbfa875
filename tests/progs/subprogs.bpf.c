// SPDX-License-Identifier: GPL-2.0
/* subprogs.bpf.c — BPF-to-BPF calls of every placement a loader must link: static and global
 * functions in .text, a static function inside the program section itself, and a bpf_loop
 * callback (a function whose address is taken).
 *
 * A loader must see:
 * - section `xdp` holding, as STT_FUNC symbols: sub_a and sub_b (GLOBAL: the two programs) and
 *   twice (LOCAL: a subprogram that lives in the program section, after sub_b; libbpf refuses
 *   these, cilium/ebpf accepts them). clang 14: sub_a @insn 0 (11 insns), sub_b @11 (5), twice @16.
 * - section `.text` holding add3 (GLOBAL: a global subprogram, verified on its own with its BTF
 *   FUNC prototype, linkage global), sq, loop_sum and sum_cb (LOCAL; sum_cb is the bpf_loop
 *   callback). clang 14: add3 @0, sq @3, loop_sum @6, sum_cb @17 (.text is 22 insns).
 * - calls are `call` instructions with src_reg BPF_PSEUDO_CALL (1); what clang 14 emits:
 *     sub_a -> sq        R_BPF_64_32 against the .text section symbol, imm = 2 (callee insn - 1)
 *     sub_a -> add3      R_BPF_64_32 against the symbol add3, imm = -1
 *     sub_a -> loop_sum  R_BPF_64_32 against .text, imm = 5
 *     sub_b -> twice     NO relocation: same section, imm = 3 is already pc-relative (12+1+3 = 16)
 *     sub_b -> add3      R_BPF_64_32 against add3, imm = -1
 * - the callback address is an ld_imm64 `r2 = 136 ll` (byte offset of sum_cb in .text, not an
 *   instruction index) with an R_BPF_64_64 relocation against the .text section symbol; the
 *   loader must rewrite it to src_reg BPF_PSEUDO_FUNC (4) with imm = instruction delta from the
 *   ld_imm64 to the callback once .text is appended.
 * - every program gets the subprograms it reaches appended after it (func_info and line_info
 *   rebased): sub_a reaches sq, add3, loop_sum, sum_cb; sub_b reaches twice, add3.
 * - BTF FUNC linkage: add3, sub_a, sub_b global; sq, loop_sum, twice, sum_cb static.
 * - license "GPL".
 *
 * Results under BPF_PROG_TEST_RUN (any packet):
 *   sub_a returns 18 = sq(2) + add3(1) + loop_sum() = 4 + 4 + (0+1+2+3+4 = 10)
 *   sub_b returns 13 = add3(twice(5)) = add3(10)
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct loop_ctx {
	__u32 sum;
};

static __noinline int sq(int x)
{
	return x * x;
}

/* Global: the verifier checks it once, on its own, knowing only that x is a scalar. */
__noinline int add3(int x)
{
	return x + 3;
}

/* bpf_loop callback: called with i = 0, 1, ... nr_loops - 1; returning 0 continues. */
static int sum_cb(__u32 i, void *data)
{
	struct loop_ctx *lc = data;

	lc->sum += i;
	return 0;
}

static __noinline int loop_sum(void)
{
	struct loop_ctx lc = { .sum = 0 };

	bpf_loop(5, sum_cb, &lc, 0);
	return lc.sum;
}

/* The arguments pass through barrier_var() so clang cannot fold a static callee into its caller
 * (it would, noinline or not: with only constant arguments the call disappears). */
SEC("xdp")
int sub_a(struct xdp_md *ctx)
{
	int two = 2;

	(void)ctx;
	barrier_var(two);
	return sq(two) + add3(1) + loop_sum();
}

/* A static subprogram placed in the program section, between the two programs. */
static __noinline __attribute__((section("xdp"))) int twice(int x)
{
	return x * 2;
}

SEC("xdp")
int sub_b(struct xdp_md *ctx)
{
	int five = 5;

	(void)ctx;
	barrier_var(five);
	return add3(twice(five));
}

char __license[] SEC("license") = "GPL";
