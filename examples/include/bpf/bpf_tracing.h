/* bpf/bpf_tracing.h — rawload's tracing header, source-compatible with libbpf's for what tracing
 * programs use: PT_REGS_PARM1..8, PT_REGS_RC/RET/SP/FP/IP and their _CORE and _SYSCALL forms,
 * BPF_PROG (tp_btf, fentry, fexit, lsm, iter), BPF_KPROBE/BPF_KRETPROBE, BPF_UPROBE/BPF_URETPROBE
 * and BPF_KSYSCALL. Register names come from the target architecture, named the way libbpf
 * expects it: compile with -D__TARGET_ARCH_x86 (or arm64, s390, riscv). With vmlinux.h the
 * kernel's struct pt_regs field names are used, otherwise the UAPI <asm/ptrace.h> ones.
 * BPF_KSYSCALL asks the loader for LINUX_HAS_SYSCALL_WRAPPER (a __kconfig extern rawload answers
 * from the kernel's BTF). Written for rawload from the architectures' calling conventions. */
#ifndef RAWLOAD_BPF_TRACING_H
#define RAWLOAD_BPF_TRACING_H

#include <bpf/bpf_helpers.h>

#if defined(__TARGET_ARCH_x86)
#define ___rt_arch_known 1
#if defined(__KERNEL__) || defined(__VMLINUX_H__)
/* struct pt_regs as the kernel names its fields */
#define __PT_PARM1_REG di
#define __PT_PARM2_REG si
#define __PT_PARM3_REG dx
#define __PT_PARM4_REG cx
#define __PT_PARM5_REG r8
#define __PT_PARM6_REG r9
#define __PT_PARM4_SYSCALL_REG r10 /* the syscall ABI moves the 4th argument from rcx to r10 */
#define __PT_RET_REG sp
#define __PT_FP_REG bp
#define __PT_RC_REG ax
#define __PT_SP_REG sp
#define __PT_IP_REG ip
#else
/* <asm/ptrace.h> (x86-64 user view) */
#define __PT_PARM1_REG rdi
#define __PT_PARM2_REG rsi
#define __PT_PARM3_REG rdx
#define __PT_PARM4_REG rcx
#define __PT_PARM5_REG r8
#define __PT_PARM6_REG r9
#define __PT_PARM4_SYSCALL_REG r10
#define __PT_RET_REG rsp
#define __PT_FP_REG rbp
#define __PT_RC_REG rax
#define __PT_SP_REG rsp
#define __PT_IP_REG rip
#endif
#define __PT_REGS_CAST(x) ((const struct pt_regs *)(x))

#elif defined(__TARGET_ARCH_arm64)
#define ___rt_arch_known 1
/* The kernel's struct pt_regs starts with the user view: regs[31], sp, pc, pstate. */
struct user_pt_regs;
#define __PT_REGS_CAST(x) ((const struct user_pt_regs *)(x))
#define __PT_PARM1_REG regs[0]
#define __PT_PARM2_REG regs[1]
#define __PT_PARM3_REG regs[2]
#define __PT_PARM4_REG regs[3]
#define __PT_PARM5_REG regs[4]
#define __PT_PARM6_REG regs[5]
#define __PT_PARM7_REG regs[6]
#define __PT_PARM8_REG regs[7]
#define __PT_RET_REG regs[30]
#define __PT_FP_REG regs[29]
#define __PT_RC_REG regs[0]
#define __PT_SP_REG sp
#define __PT_IP_REG pc
/* A syscall's first argument is overwritten by its result; the kernel keeps it in orig_x0. */
#define ___rt_syscall_parm1_orig orig_x0

#elif defined(__TARGET_ARCH_s390)
#define ___rt_arch_known 1
/* s390's user_pt_regs is a typedef of an unnamed struct (UAPI <asm/ptrace.h>, vmlinux.h): the
 * program brings one of them, as with libbpf. */
#define __PT_REGS_CAST(x) ((const user_pt_regs *)(x))
#define __PT_PARM1_REG gprs[2]
#define __PT_PARM2_REG gprs[3]
#define __PT_PARM3_REG gprs[4]
#define __PT_PARM4_REG gprs[5]
#define __PT_PARM5_REG gprs[6]
#define __PT_RET_REG gprs[14]
#define __PT_FP_REG gprs[11]
#define __PT_RC_REG gprs[2]
#define __PT_SP_REG gprs[15]
#define __PT_IP_REG psw.addr
#define ___rt_syscall_parm1_orig orig_gpr2

#elif defined(__TARGET_ARCH_riscv)
#define ___rt_arch_known 1
#if defined(__KERNEL__) || defined(__VMLINUX_H__)
#define __PT_REGS_CAST(x) ((const struct pt_regs *)(x))
#define __PT_IP_REG epc
#else
struct user_regs_struct;
#define __PT_REGS_CAST(x) ((const struct user_regs_struct *)(x))
#define __PT_IP_REG pc
#endif
#define __PT_PARM1_REG a0
#define __PT_PARM2_REG a1
#define __PT_PARM3_REG a2
#define __PT_PARM4_REG a3
#define __PT_PARM5_REG a4
#define __PT_PARM6_REG a5
#define __PT_PARM7_REG a6
#define __PT_PARM8_REG a7
#define __PT_RET_REG ra
#define __PT_FP_REG s0
#define __PT_RC_REG a0
#define __PT_SP_REG sp
#endif

#ifdef ___rt_arch_known

#ifndef __PT_PARM4_SYSCALL_REG
#define __PT_PARM4_SYSCALL_REG __PT_PARM4_REG
#endif

#define PT_REGS_PARM1(x) (__PT_REGS_CAST(x)->__PT_PARM1_REG)
#define PT_REGS_PARM2(x) (__PT_REGS_CAST(x)->__PT_PARM2_REG)
#define PT_REGS_PARM3(x) (__PT_REGS_CAST(x)->__PT_PARM3_REG)
#define PT_REGS_PARM4(x) (__PT_REGS_CAST(x)->__PT_PARM4_REG)
#define PT_REGS_PARM5(x) (__PT_REGS_CAST(x)->__PT_PARM5_REG)
#ifdef __PT_PARM6_REG
#define PT_REGS_PARM6(x) (__PT_REGS_CAST(x)->__PT_PARM6_REG)
#endif
#ifdef __PT_PARM7_REG
#define PT_REGS_PARM7(x) (__PT_REGS_CAST(x)->__PT_PARM7_REG)
#define PT_REGS_PARM8(x) (__PT_REGS_CAST(x)->__PT_PARM8_REG)
#endif
#define PT_REGS_RET(x) (__PT_REGS_CAST(x)->__PT_RET_REG)
#define PT_REGS_FP(x) (__PT_REGS_CAST(x)->__PT_FP_REG)
#define PT_REGS_RC(x) (__PT_REGS_CAST(x)->__PT_RC_REG)
#define PT_REGS_SP(x) (__PT_REGS_CAST(x)->__PT_SP_REG)
#define PT_REGS_IP(x) (__PT_REGS_CAST(x)->__PT_IP_REG)

/* The same through bpf_probe_read_kernel, for a pt_regs the program may not read directly (the
 * inner registers of a syscall wrapper). Needs bpf_core_read.h. */
#define PT_REGS_PARM1_CORE(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_PARM1_REG)
#define PT_REGS_PARM2_CORE(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_PARM2_REG)
#define PT_REGS_PARM3_CORE(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_PARM3_REG)
#define PT_REGS_PARM4_CORE(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_PARM4_REG)
#define PT_REGS_PARM5_CORE(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_PARM5_REG)
#define PT_REGS_RET_CORE(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_RET_REG)
#define PT_REGS_FP_CORE(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_FP_REG)
#define PT_REGS_RC_CORE(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_RC_REG)
#define PT_REGS_SP_CORE(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_SP_REG)
#define PT_REGS_IP_CORE(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_IP_REG)

/* A system call's arguments in the registers the syscall ABI uses. */
#ifdef ___rt_syscall_parm1_orig
struct pt_regs___rt_syscall {
	unsigned long ___rt_syscall_parm1_orig;
} __attribute__((preserve_access_index));
#define PT_REGS_PARM1_SYSCALL(x) (((const struct pt_regs___rt_syscall *)(x))->___rt_syscall_parm1_orig)
#define PT_REGS_PARM1_CORE_SYSCALL(x) \
	BPF_CORE_READ((const struct pt_regs___rt_syscall *)(x), ___rt_syscall_parm1_orig)
#else
#define PT_REGS_PARM1_SYSCALL(x) PT_REGS_PARM1(x)
#define PT_REGS_PARM1_CORE_SYSCALL(x) PT_REGS_PARM1_CORE(x)
#endif
#define PT_REGS_PARM2_SYSCALL(x) PT_REGS_PARM2(x)
#define PT_REGS_PARM3_SYSCALL(x) PT_REGS_PARM3(x)
#define PT_REGS_PARM4_SYSCALL(x) (__PT_REGS_CAST(x)->__PT_PARM4_SYSCALL_REG)
#define PT_REGS_PARM5_SYSCALL(x) PT_REGS_PARM5(x)
#define PT_REGS_PARM2_CORE_SYSCALL(x) PT_REGS_PARM2_CORE(x)
#define PT_REGS_PARM3_CORE_SYSCALL(x) PT_REGS_PARM3_CORE(x)
#define PT_REGS_PARM4_CORE_SYSCALL(x) BPF_CORE_READ(__PT_REGS_CAST(x), __PT_PARM4_SYSCALL_REG)
#define PT_REGS_PARM5_CORE_SYSCALL(x) PT_REGS_PARM5_CORE(x)

#else /* no target architecture: a readable error where a register is used */
#define ___rt_no_arch() _Static_assert(0, "compile with -D__TARGET_ARCH_x86 (or arm64, s390, riscv)")
#define PT_REGS_PARM1(x) ({ ___rt_no_arch(); 0l; })
#define PT_REGS_PARM2(x) ({ ___rt_no_arch(); 0l; })
#define PT_REGS_PARM3(x) ({ ___rt_no_arch(); 0l; })
#define PT_REGS_PARM4(x) ({ ___rt_no_arch(); 0l; })
#define PT_REGS_PARM5(x) ({ ___rt_no_arch(); 0l; })
#define PT_REGS_RC(x) ({ ___rt_no_arch(); 0l; })
#define PT_REGS_SP(x) ({ ___rt_no_arch(); 0l; })
#define PT_REGS_IP(x) ({ ___rt_no_arch(); 0l; })
#define PT_REGS_FP(x) ({ ___rt_no_arch(); 0l; })
#define PT_REGS_RET(x) ({ ___rt_no_arch(); 0l; })
#define PT_REGS_PARM1_SYSCALL(x) PT_REGS_PARM1(x)
#define PT_REGS_PARM2_SYSCALL(x) PT_REGS_PARM2(x)
#define PT_REGS_PARM3_SYSCALL(x) PT_REGS_PARM3(x)
#define PT_REGS_PARM4_SYSCALL(x) PT_REGS_PARM4(x)
#define PT_REGS_PARM5_SYSCALL(x) PT_REGS_PARM5(x)
#define PT_REGS_PARM1_CORE_SYSCALL(x) PT_REGS_PARM1(x)
#define PT_REGS_PARM2_CORE_SYSCALL(x) PT_REGS_PARM2(x)
#define PT_REGS_PARM3_CORE_SYSCALL(x) PT_REGS_PARM3(x)
#define PT_REGS_PARM4_CORE_SYSCALL(x) PT_REGS_PARM4(x)
#define PT_REGS_PARM5_CORE_SYSCALL(x) PT_REGS_PARM5(x)
#endif

/* ---- argument lists -------------------------------------------------------------------------- */

#define ___rt_cat_(a, b) a##b
#define ___rt_cat(a, b) ___rt_cat_(a, b)
#define ___rt_nth(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, N, ...) N
#define ___rt_cnt(...) ___rt_nth(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

/* BPF_PROG: the context is an array of u64, one per argument of the traced function. */
#define ___rt_ctx0() ctx
#define ___rt_ctx1(x) ___rt_ctx0(), (void *)ctx[0]
#define ___rt_ctx2(x, args...) ___rt_ctx1(args), (void *)ctx[1]
#define ___rt_ctx3(x, args...) ___rt_ctx2(args), (void *)ctx[2]
#define ___rt_ctx4(x, args...) ___rt_ctx3(args), (void *)ctx[3]
#define ___rt_ctx5(x, args...) ___rt_ctx4(args), (void *)ctx[4]
#define ___rt_ctx6(x, args...) ___rt_ctx5(args), (void *)ctx[5]
#define ___rt_ctx7(x, args...) ___rt_ctx6(args), (void *)ctx[6]
#define ___rt_ctx8(x, args...) ___rt_ctx7(args), (void *)ctx[7]
#define ___rt_ctx9(x, args...) ___rt_ctx8(args), (void *)ctx[8]
#define ___rt_ctx10(x, args...) ___rt_ctx9(args), (void *)ctx[9]
#define ___rt_ctx11(x, args...) ___rt_ctx10(args), (void *)ctx[10]
#define ___rt_ctx12(x, args...) ___rt_ctx11(args), (void *)ctx[11]
#define ___rt_ctx_args(args...) ___rt_cat(___rt_ctx, ___rt_cnt(args))(args)

/* The definition that calls the typed body. Each argument may be of any type the program names:
 * the casts from u64 are the point. (The caller declared name first, with the program's type.) */
#define ___rt_wrap(ctx_type, name, call)                                                              \
	typeof(name(0)) name(ctx_type ctx)                                                            \
	{                                                                                             \
		_Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wint-conversion\"") \
		return call;                                                                          \
		_Pragma("GCC diagnostic pop")                                                         \
	}

#define BPF_PROG(name, args...)                                                                     \
	name(unsigned long long *ctx);                                                              \
	static __always_inline typeof(name(0)) ____##name(unsigned long long *ctx, ##args);         \
	___rt_wrap(unsigned long long *, name, ____##name(___rt_ctx_args(args)))                    \
	static __always_inline typeof(name(0)) ____##name(unsigned long long *ctx, ##args)

/* BPF_KPROBE and BPF_UPROBE: arguments from the registers of the calling convention. */
#define ___rt_kp0() ctx
#define ___rt_kp1(x) ___rt_kp0(), (void *)PT_REGS_PARM1(ctx)
#define ___rt_kp2(x, args...) ___rt_kp1(args), (void *)PT_REGS_PARM2(ctx)
#define ___rt_kp3(x, args...) ___rt_kp2(args), (void *)PT_REGS_PARM3(ctx)
#define ___rt_kp4(x, args...) ___rt_kp3(args), (void *)PT_REGS_PARM4(ctx)
#define ___rt_kp5(x, args...) ___rt_kp4(args), (void *)PT_REGS_PARM5(ctx)
#define ___rt_kp6(x, args...) ___rt_kp5(args), (void *)PT_REGS_PARM6(ctx)
#define ___rt_kp7(x, args...) ___rt_kp6(args), (void *)PT_REGS_PARM7(ctx)
#define ___rt_kp8(x, args...) ___rt_kp7(args), (void *)PT_REGS_PARM8(ctx)
#define ___rt_kprobe_args(args...) ___rt_cat(___rt_kp, ___rt_cnt(args))(args)

#define BPF_KPROBE(name, args...)                                                                   \
	name(struct pt_regs *ctx);                                                                  \
	static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args);             \
	___rt_wrap(struct pt_regs *, name, ____##name(___rt_kprobe_args(args)))                     \
	static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args)

#define ___rt_kret0() ctx
#define ___rt_kret1(x) ___rt_kret0(), (void *)PT_REGS_RC(ctx)
#define ___rt_kretprobe_args(args...) ___rt_cat(___rt_kret, ___rt_cnt(args))(args)

#define BPF_KRETPROBE(name, args...)                                                                \
	name(struct pt_regs *ctx);                                                                  \
	static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args);             \
	___rt_wrap(struct pt_regs *, name, ____##name(___rt_kretprobe_args(args)))                  \
	static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args)

#define BPF_UPROBE(name, args...) BPF_KPROBE(name, ##args)
#define BPF_URETPROBE(name, args...) BPF_KRETPROBE(name, ##args)

/* BPF_KSYSCALL: a kprobe on a system call. Where the kernel wraps system calls (x86-64 since
 * 4.17, arm64, s390), the probed function gets one argument, the user's registers, and the
 * system call's arguments are read from there. */
#define ___rt_sc0() ctx
#define ___rt_sc1(x) ___rt_sc0(), (void *)PT_REGS_PARM1_SYSCALL(regs)
#define ___rt_sc2(x, args...) ___rt_sc1(args), (void *)PT_REGS_PARM2_SYSCALL(regs)
#define ___rt_sc3(x, args...) ___rt_sc2(args), (void *)PT_REGS_PARM3_SYSCALL(regs)
#define ___rt_sc4(x, args...) ___rt_sc3(args), (void *)PT_REGS_PARM4_SYSCALL(regs)
#define ___rt_sc5(x, args...) ___rt_sc4(args), (void *)PT_REGS_PARM5_SYSCALL(regs)
#define ___rt_syscall_args(args...) ___rt_cat(___rt_sc, ___rt_cnt(args))(args)
#define ___rt_sw0() ctx
#define ___rt_sw1(x) ___rt_sw0(), (void *)PT_REGS_PARM1_CORE_SYSCALL(regs)
#define ___rt_sw2(x, args...) ___rt_sw1(args), (void *)PT_REGS_PARM2_CORE_SYSCALL(regs)
#define ___rt_sw3(x, args...) ___rt_sw2(args), (void *)PT_REGS_PARM3_CORE_SYSCALL(regs)
#define ___rt_sw4(x, args...) ___rt_sw3(args), (void *)PT_REGS_PARM4_CORE_SYSCALL(regs)
#define ___rt_sw5(x, args...) ___rt_sw4(args), (void *)PT_REGS_PARM5_CORE_SYSCALL(regs)
#define ___rt_syswrap_args(args...) ___rt_cat(___rt_sw, ___rt_cnt(args))(args)

#define BPF_KSYSCALL(name, args...)                                                                 \
	name(struct pt_regs *ctx);                                                                  \
	extern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;                                           \
	static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args);             \
	typeof(name(0)) name(struct pt_regs *ctx)                                                   \
	{                                                                                           \
		struct pt_regs *regs =                                                              \
			LINUX_HAS_SYSCALL_WRAPPER ? (struct pt_regs *)PT_REGS_PARM1(ctx) : ctx;     \
		(void)regs; /* a system call without arguments reads none */                        \
		_Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wint-conversion\"") \
		if (LINUX_HAS_SYSCALL_WRAPPER)                                                      \
			return ____##name(___rt_syswrap_args(args));                                \
		else                                                                                \
			return ____##name(___rt_syscall_args(args));                                \
		_Pragma("GCC diagnostic pop")                                                       \
	}                                                                                           \
	static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args)
#define BPF_KPROBE_SYSCALL BPF_KSYSCALL

#endif
