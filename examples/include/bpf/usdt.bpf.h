/* bpf/usdt.bpf.h — rawload's USDT header, source-compatible with libbpf's: BPF_USDT(name, args...),
 * bpf_usdt_arg(), bpf_usdt_arg_cnt(), bpf_usdt_arg_size() and bpf_usdt_cookie(), and the two maps
 * the loader fills when it attaches a SEC("usdt/PATH:PROVIDER:NAME") program:
 *  - __bpf_usdt_specs: spec id -> struct __bpf_usdt_spec, how to fetch each argument of a call site
 *    (a constant, a register of struct pt_regs, or user memory at register + displacement, or at
 *    base + index * scale + displacement);
 *  - __bpf_usdt_ip_to_spec_id: call-site address -> spec id, for kernels without BPF cookies (the
 *    loader gives each uprobe its spec id as the cookie where it can).
 * The spec's layout is an ABI with the loader: the one of libbpf 1.7 (24-byte argument records,
 * 304 bytes in all); rawload also reads the older 16-byte layout, by the map's value size.
 * The helper functions are global, __weak (one copy when several files include this) and __hidden
 * (the loader gives them static linkage, so the verifier checks them with their callers' types).
 * Written for rawload from the spec's layout and the SystemTap SDT argument conventions. */
#ifndef RAWLOAD_USDT_BPF_H
#define RAWLOAD_USDT_BPF_H

#include <linux/errno.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#ifndef BPF_USDT_MAX_SPEC_CNT
#define BPF_USDT_MAX_SPEC_CNT 256
#endif
#ifndef BPF_USDT_MAX_IP_CNT
#define BPF_USDT_MAX_IP_CNT (4 * BPF_USDT_MAX_SPEC_CNT)
#endif
#define BPF_USDT_MAX_ARG_CNT 12

enum __bpf_usdt_arg_type {
	BPF_USDT_ARG_CONST,     /* the value is val_off */
	BPF_USDT_ARG_REG,       /* the register at reg_off in struct pt_regs */
	BPF_USDT_ARG_REG_DEREF, /* user memory at that register + val_off */
	BPF_USDT_ARG_SIB,       /* user memory at base + (index << scale_bitshift) + val_off */
};

struct __bpf_usdt_arg_spec {
	__u64 val_off;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	enum __bpf_usdt_arg_type arg_type : 8;
	__u16 idx_reg_off : 12;
	__u16 scale_bitshift : 4;
	__u8 __reserved : 8;
#else
	__u8 __reserved : 8;
	__u16 idx_reg_off : 12;
	__u16 scale_bitshift : 4;
	enum __bpf_usdt_arg_type arg_type : 8;
#endif
	short reg_off;          /* offsetof(struct pt_regs, register) */
	_Bool arg_signed;
	char arg_bitshift;      /* 64 - 8 * the argument's size: the bits to drop */
};

struct __bpf_usdt_spec {
	struct __bpf_usdt_arg_spec args[BPF_USDT_MAX_ARG_CNT];
	__u64 usdt_cookie;
	short arg_cnt;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BPF_USDT_MAX_SPEC_CNT);
	__type(key, int);
	__type(value, struct __bpf_usdt_spec);
} __bpf_usdt_specs SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPF_USDT_MAX_IP_CNT);
	__type(key, long);
	__type(value, __u32);
} __bpf_usdt_ip_to_spec_id SEC(".maps") __weak;

/* Whether the kernel has BPF cookies: the loader answers from the kernel's BTF. */
extern const _Bool LINUX_HAS_BPF_COOKIE __kconfig;

/* The spec of the call site that fired, or NULL. */
static __always_inline struct __bpf_usdt_spec *__bpf_usdt_spec_of(struct pt_regs *ctx)
{
	int id;

	if (LINUX_HAS_BPF_COOKIE) {
		id = (int)bpf_get_attach_cookie(ctx);
	} else {
		long ip = PT_REGS_IP(ctx);
		int *found = bpf_map_lookup_elem(&__bpf_usdt_ip_to_spec_id, &ip);

		if (!found)
			return NULL;
		id = *found;
	}
	return bpf_map_lookup_elem(&__bpf_usdt_specs, &id);
}

/* The number of arguments the probe has, or -ESRCH. */
__weak __hidden int bpf_usdt_arg_cnt(struct pt_regs *ctx)
{
	struct __bpf_usdt_spec *spec = __bpf_usdt_spec_of(ctx);

	return spec ? spec->arg_cnt : -ESRCH;
}

/* The size in bytes of argument arg_num (from 0), or a negative error. */
static __always_inline int bpf_usdt_arg_size(struct pt_regs *ctx, __u64 arg_num)
{
	struct __bpf_usdt_spec *spec = __bpf_usdt_spec_of(ctx);

	if (!spec)
		return -ESRCH;
	if (arg_num >= BPF_USDT_MAX_ARG_CNT)
		return -ENOENT;
	barrier_var(arg_num);
	if (arg_num >= spec->arg_cnt)
		return -ENOENT;
	return (unsigned int)(64 - spec->args[arg_num].arg_bitshift) / 8;
}

/* Argument arg_num (from 0) of the call site that fired, widened to 64 bits (sign-extended when
 * the probe says it is signed), into *res. Returns 0, or a negative error with *res = 0. */
__weak __hidden int bpf_usdt_arg(struct pt_regs *ctx, __u64 arg_num, long *res)
{
	struct __bpf_usdt_spec *spec;
	struct __bpf_usdt_arg_spec *arg;
	unsigned long val, idx;
	int err;

	*res = 0;
	spec = __bpf_usdt_spec_of(ctx);
	if (!spec)
		return -ESRCH;
	if (arg_num >= BPF_USDT_MAX_ARG_CNT)
		return -ENOENT;
	barrier_var(arg_num);
	if (arg_num >= spec->arg_cnt)
		return -ENOENT;
	arg = &spec->args[arg_num];

	switch (arg->arg_type) {
	case BPF_USDT_ARG_CONST:
		val = arg->val_off;
		break;
	case BPF_USDT_ARG_REG:
		err = bpf_probe_read_kernel(&val, sizeof(val), (void *)ctx + arg->reg_off);
		if (err)
			return err;
		break;
	case BPF_USDT_ARG_REG_DEREF:
		err = bpf_probe_read_kernel(&val, sizeof(val), (void *)ctx + arg->reg_off);
		if (err)
			return err;
		err = bpf_probe_read_user(&val, sizeof(val), (void *)(val + arg->val_off));
		if (err)
			return err;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		val >>= arg->arg_bitshift; /* the argument's bytes came first: move them down */
#endif
		break;
	case BPF_USDT_ARG_SIB:
		err = bpf_probe_read_kernel(&val, sizeof(val), (void *)ctx + arg->reg_off);
		if (err)
			return err;
		err = bpf_probe_read_kernel(&idx, sizeof(idx), (void *)ctx + arg->idx_reg_off);
		if (err)
			return err;
		err = bpf_probe_read_user(&val, sizeof(val),
					  (void *)(val + (idx << arg->scale_bitshift) + arg->val_off));
		if (err)
			return err;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		val >>= arg->arg_bitshift;
#endif
		break;
	default:
		return -EINVAL;
	}
	/* Keep the argument's own bytes, sign-extended or not. */
	val <<= arg->arg_bitshift;
	if (arg->arg_signed)
		val = (unsigned long)((long)val >> arg->arg_bitshift);
	else
		val >>= arg->arg_bitshift;
	*res = (long)val;
	return 0;
}

/* The USDT cookie of the attachment (0 with rawload, which takes none), as libbpf's bpf_usdt_cookie:
 * the BPF cookie itself carries the spec id. */
__weak __hidden long bpf_usdt_cookie(struct pt_regs *ctx)
{
	struct __bpf_usdt_spec *spec = __bpf_usdt_spec_of(ctx);

	return spec ? (long)spec->usdt_cookie : 0;
}

/* BPF_USDT(name, type1 a1, type2 a2, ...): a program whose arguments are the probe's, fetched with
 * bpf_usdt_arg() (a missing one reads as 0); ctx is the struct pt_regs *. */
#define ___bpf_usdt_arg(n) ({ long _v; bpf_usdt_arg(ctx, n, &_v); _v; })
#define ___bpf_usdt_args0() ctx
#define ___bpf_usdt_args1(x) ___bpf_usdt_args0(), ___bpf_usdt_arg(0)
#define ___bpf_usdt_args2(x, args...) ___bpf_usdt_args1(args), ___bpf_usdt_arg(1)
#define ___bpf_usdt_args3(x, args...) ___bpf_usdt_args2(args), ___bpf_usdt_arg(2)
#define ___bpf_usdt_args4(x, args...) ___bpf_usdt_args3(args), ___bpf_usdt_arg(3)
#define ___bpf_usdt_args5(x, args...) ___bpf_usdt_args4(args), ___bpf_usdt_arg(4)
#define ___bpf_usdt_args6(x, args...) ___bpf_usdt_args5(args), ___bpf_usdt_arg(5)
#define ___bpf_usdt_args7(x, args...) ___bpf_usdt_args6(args), ___bpf_usdt_arg(6)
#define ___bpf_usdt_args8(x, args...) ___bpf_usdt_args7(args), ___bpf_usdt_arg(7)
#define ___bpf_usdt_args9(x, args...) ___bpf_usdt_args8(args), ___bpf_usdt_arg(8)
#define ___bpf_usdt_args10(x, args...) ___bpf_usdt_args9(args), ___bpf_usdt_arg(9)
#define ___bpf_usdt_args11(x, args...) ___bpf_usdt_args10(args), ___bpf_usdt_arg(10)
#define ___bpf_usdt_args12(x, args...) ___bpf_usdt_args11(args), ___bpf_usdt_arg(11)
#define ___bpf_usdt_args(args...) ___bpf_apply(___bpf_usdt_args, ___bpf_narg(args))(args)

#define BPF_USDT(name, args...)							\
name(struct pt_regs *ctx);							\
static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args);	\
typeof(name(0)) name(struct pt_regs *ctx)					\
{										\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")			\
	return ____##name(___bpf_usdt_args(args));				\
	_Pragma("GCC diagnostic pop")						\
}										\
static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args)

#endif
