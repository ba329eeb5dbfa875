// SPDX-License-Identifier: GPL-2.0
/* btf_kinds.bpf.c — BTF kinds that older kernels refuse, as clang 14 emits them: DECL_TAG (on a
 * struct, a field, a function and a parameter; kernel 5.16), TYPE_TAG (5.17), FLOAT (5.13), global
 * FUNC linkage (5.6), VAR and DATASEC (5.2).
 *
 * A loader must see: program `kinds` (xdp) calling the static subprogram `helper`; the .data map
 * holding `the_cfg` {a = 1, scale = 2.0f} and the .bss map holding `uptr`. Every rewrite a loader
 * applies for an older kernel (see loader/load/btf_fixup.h) must still give BTF this kernel accepts, with
 * the same type ids. Under BPF_PROG_TEST_RUN `kinds` returns XDP_PASS (2) + 1 = 3 while
 * the_cfg.a > 0 (helper() is there to carry func_info and tags; its result is even or odd, both 2).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __user_ptr __attribute__((btf_type_tag("user")))

struct cfg {
	int a __tag("field");
	float scale;
} __tag("struct");

struct cfg the_cfg = {1, 2.0f};
int __user_ptr *uptr;

static __noinline int helper(int x __tag("param")) __tag("func")
{
	return x + 1;
}

SEC("xdp")
int kinds(struct xdp_md *ctx)
{
	int odd = helper((int)ctx->ingress_ifindex) & 1;
	return (odd ? XDP_PASS : XDP_PASS) + (the_cfg.a > 0);
}

char LICENSE[] SEC("license") = "GPL";
