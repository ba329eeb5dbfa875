/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bpf_helpers.h — rawload's own header for BPF C programs, source-compatible with libbpf's
 * <bpf/bpf_helpers.h>: the same macro names with the same meaning, so a program written for libbpf
 * compiles unchanged. It owns the SEC()/map-definition vocabulary, bpf_printk and a few compiler
 * conveniences; it does not own the helper declarations (bpf_helper_defs.h, generated from the UAPI
 * linux/bpf.h) nor anything that needs a kernel's BTF (bpf_tracing.h, bpf_core_read.h).
 *
 * Include <linux/types.h> (for example through <linux/bpf.h>) or vmlinux.h first: the helper
 * declarations use __u32 and friends.
 */
#ifndef __RAWLOAD_BPF_HELPERS_H
#define __RAWLOAD_BPF_HELPERS_H

#include "bpf_helper_defs.h"

/* ---- preprocessor plumbing (names as in libbpf, so a program's own use of them keeps working) -- */
#ifndef ___bpf_concat
#define ___bpf_concat(a, b) a ## b
#endif
#ifndef ___bpf_apply
#define ___bpf_apply(fn, n) ___bpf_concat(fn, n)
#endif
/* ___bpf_narg(args...) is the number of its arguments, 0 to 12. */
#ifndef ___bpf_nth
#define ___bpf_nth(_, _1, _2, _3, _4, _5, _6, _7, _8, _9, _a, _b, _c, N, ...) N
#endif
#ifndef ___bpf_narg
#define ___bpf_narg(...) ___bpf_nth(_, ##__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#endif

/* ---- sections ------------------------------------------------------------------------------------
 * SEC("xdp") puts a function or variable in the named ELF section; the loader reads the program
 * type from the section name. `used` keeps otherwise unreferenced maps and license strings.
 * clang warns that `section` is ignored on an extern declaration (extern .maps); that is harmless.
 */
#if defined(__clang__)
#define SEC(name)                                                        \
	_Pragma("GCC diagnostic push")                                   \
	_Pragma("GCC diagnostic ignored \"-Wignored-attributes\"")       \
	__attribute__((section(name), used))                             \
	_Pragma("GCC diagnostic pop")
#else
#define SEC(name) __attribute__((section(name), used))
#endif

/* ---- BTF map definitions ---------------------------------------------------------------------------
 * A map in SEC(".maps") is a variable of an anonymous struct whose members carry the attributes in
 * their *types*, which clang records in BTF and the loader reads back:
 *   __uint(max_entries, 16)       int (*max_entries)[16]          the value is the array length
 *   __type(key, __u32)            typeof(__u32) *key              key/value types by pointer
 *   __array(values, struct inner) typeof(struct inner) *values[]  map-in-map / prog-array slots
 *   __ulong(map_extra, 1ULL<<44)  enum { unique = 1ULL<<44 } map_extra   for 64-bit values
 */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]
/* ___bpf_apply expands __COUNTER__ before pasting: each __ulong gets its own enumerator name. */
#define __ulong(name, val) enum { ___bpf_apply(__rawload_ulong_, __COUNTER__) = (val) } name

/* values of a map definition's `pinning` attribute */
enum libbpf_pin_type {
	LIBBPF_PIN_NONE,
	LIBBPF_PIN_BY_NAME,	/* pin at <bpffs>/<map name>, reuse what is already pinned there */
};

/* values of a `__kconfig` tristate extern (CONFIG_X=n/y/m) */
enum libbpf_tristate {
	TRI_NO = 0,
	TRI_YES = 1,
	TRI_MODULE = 2,
};

/* ---- function and variable attributes ---------------------------------------------------------- */
/* <linux/stddef.h> may have its own __always_inline; this one must mean "inline, always". */
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif
#ifndef __weak
#define __weak __attribute__((weak))
#endif
/* A global function marked __hidden is verified with its caller, like a static one. */
#define __hidden __attribute__((visibility("hidden")))

/* Externs the loader resolves: kernel config values and kernel symbols / kfuncs. */
#define __kconfig __attribute__((section(".kconfig")))
#define __ksym __attribute__((section(".ksyms")))

/* BTF type tags on kernel pointers stored in maps (clang >= 14 knows btf_type_tag). */
#if defined(__has_attribute)
#if __has_attribute(btf_type_tag)
#define __kptr_untrusted __attribute__((btf_type_tag("kptr_untrusted")))
#define __kptr __attribute__((btf_type_tag("kptr")))
#define __percpu_kptr __attribute__((btf_type_tag("percpu_kptr")))
#endif
#if __has_attribute(btf_decl_tag)
/* argument annotations of global subprograms */
#define __arg_ctx __attribute__((btf_decl_tag("arg:ctx")))
#define __arg_nonnull __attribute__((btf_decl_tag("arg:nonnull")))
#define __arg_nullable __attribute__((btf_decl_tag("arg:nullable")))
#define __arg_trusted __attribute__((btf_decl_tag("arg:trusted")))
#define __arg_arena __attribute__((btf_decl_tag("arg:arena")))
#endif
#endif

/* A __weak __ksym extern that the running kernel lacks resolves to 0: test it with this. */
#define bpf_ksym_exists(sym) ({                                                     \
	_Static_assert(!__builtin_constant_p(!!(sym)), #sym " should be marked __weak"); \
	!!(sym);                                                                     \
})

/* ---- small conveniences vmlinux.h users lack ----------------------------------------------------- */
#ifndef NULL
#define NULL ((void *)0)
#endif

#ifndef KERNEL_VERSION
/* as <linux/version.h>, the sublevel saturating at 255 */
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#endif

/* The plain pointer-arithmetic offsetof keeps CO-RE field relocations (the builtin may not). */
#undef offsetof
#define offsetof(type, member) ((unsigned long)&((type *)0)->member)

#undef container_of
#define container_of(ptr, type, member) ({                       \
	void *__rl_member_ptr = (void *)(ptr);                   \
	((type *)(__rl_member_ptr - offsetof(type, member)));    \
})

#ifndef likely
#define likely(x) (__builtin_expect(!!(x), 1))
#endif
#ifndef unlikely
#define unlikely(x) (__builtin_expect(!!(x), 0))
#endif

/* compiler barrier; barrier_var(v) makes the compiler forget what it knows about v */
#ifndef barrier
#define barrier() asm volatile("" ::: "memory")
#endif
#ifndef barrier_var
#define barrier_var(var) asm volatile("" : "+r"(var))
#endif

/* The BPF back end cannot emit a trap: a reachable __bpf_unreachable() fails the build. */
#ifndef __bpf_unreachable
#define __bpf_unreachable() __builtin_trap()
#endif

/* ---- tail call with a constant slot ------------------------------------------------------------
 * The x86-64 JIT patches a tail call into a direct jump when r2 (the prog array) and r3 (the slot)
 * are the same on every path to the call; writing the three argument registers and the call
 * (helper 12, bpf_tail_call) in one asm block guarantees that.
 */
#if defined(__clang__) && defined(__bpf__)
static __always_inline void bpf_tail_call_static(void *ctx, const void *map, const __u32 slot)
{
	if (!__builtin_constant_p(slot))
		__bpf_unreachable();
	asm volatile("r1 = %[ctx]\n\t"
		     "r2 = %[map]\n\t"
		     "r3 = %[slot]\n\t"
		     "call 12"
		     :
		     : [ctx] "r"(ctx), [map] "r"(map), [slot] "i"(slot)
		     : "r0", "r1", "r2", "r3", "r4", "r5");
}
#endif

/* ---- formatted output ----------------------------------------------------------------------------
 * The format is a `static const char[]` so it lives in .rodata (a read-only global-data map) rather
 * than being rebuilt on the stack; define BPF_NO_GLOBAL_DATA before including this header for
 * loaders or kernels without global data, and it becomes a stack array again.
 * Up to three arguments go to bpf_trace_printk; more go, as an array of u64, to bpf_trace_vprintk
 * (kernel >= 5.16).
 */
#ifdef BPF_NO_GLOBAL_DATA
#define BPF_PRINTK_FMT_MOD
#else
#define BPF_PRINTK_FMT_MOD static const
#endif

/* ___bpf_fill(arr, a, b, c) is `arr[0] = a; arr[1] = b; arr[2] = c` */
#define ___bpf_fill0(arr, i, x) do {} while (0)
#define ___bpf_fill1(arr, i, x) arr[i] = x
#define ___bpf_fill2(arr, i, x, rest...) arr[i] = x; ___bpf_fill1(arr, i + 1, rest)
#define ___bpf_fill3(arr, i, x, rest...) arr[i] = x; ___bpf_fill2(arr, i + 1, rest)
#define ___bpf_fill4(arr, i, x, rest...) arr[i] = x; ___bpf_fill3(arr, i + 1, rest)
#define ___bpf_fill5(arr, i, x, rest...) arr[i] = x; ___bpf_fill4(arr, i + 1, rest)
#define ___bpf_fill6(arr, i, x, rest...) arr[i] = x; ___bpf_fill5(arr, i + 1, rest)
#define ___bpf_fill7(arr, i, x, rest...) arr[i] = x; ___bpf_fill6(arr, i + 1, rest)
#define ___bpf_fill8(arr, i, x, rest...) arr[i] = x; ___bpf_fill7(arr, i + 1, rest)
#define ___bpf_fill9(arr, i, x, rest...) arr[i] = x; ___bpf_fill8(arr, i + 1, rest)
#define ___bpf_fill10(arr, i, x, rest...) arr[i] = x; ___bpf_fill9(arr, i + 1, rest)
#define ___bpf_fill11(arr, i, x, rest...) arr[i] = x; ___bpf_fill10(arr, i + 1, rest)
#define ___bpf_fill12(arr, i, x, rest...) arr[i] = x; ___bpf_fill11(arr, i + 1, rest)
#define ___bpf_fill(arr, args...) ___bpf_apply(___bpf_fill, ___bpf_narg(args))(arr, 0, args)

/* Declares `___fmt` and `___param` (the arguments as u64, pointers included) for the helpers that
 * take an argument array. */
#define __rawload_fmt_args(fmt, args...)                               \
	static const char ___fmt[] = fmt;                              \
	unsigned long long ___param[___bpf_narg(args)];                \
	_Pragma("GCC diagnostic push")                                 \
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")         \
	___bpf_fill(___param, args);                                   \
	_Pragma("GCC diagnostic pop")

#define __bpf_printk(fmt, ...) ({                                      \
	BPF_PRINTK_FMT_MOD char ____fmt[] = fmt;                       \
	bpf_trace_printk(____fmt, sizeof(____fmt), ##__VA_ARGS__);     \
})

#define __bpf_vprintk(fmt, args...) ({                                 \
	__rawload_fmt_args(fmt, args)                                  \
	bpf_trace_vprintk(___fmt, sizeof(___fmt), ___param, sizeof(___param)); \
})

/* bpf_printk picks by argument count: 0..3 -> __bpf_printk, 4..12 -> __bpf_vprintk */
#define ___bpf_printk_by0 __bpf_printk
#define ___bpf_printk_by1 __bpf_printk
#define ___bpf_printk_by2 __bpf_printk
#define ___bpf_printk_by3 __bpf_printk
#define ___bpf_printk_by4 __bpf_vprintk
#define ___bpf_printk_by5 __bpf_vprintk
#define ___bpf_printk_by6 __bpf_vprintk
#define ___bpf_printk_by7 __bpf_vprintk
#define ___bpf_printk_by8 __bpf_vprintk
#define ___bpf_printk_by9 __bpf_vprintk
#define ___bpf_printk_by10 __bpf_vprintk
#define ___bpf_printk_by11 __bpf_vprintk
#define ___bpf_printk_by12 __bpf_vprintk
#define bpf_printk(fmt, args...) ___bpf_apply(___bpf_printk_by, ___bpf_narg(args))(fmt, ##args)

/* seq_file output of iterator programs, and snprintf into a buffer, with variadic arguments */
#define BPF_SEQ_PRINTF(seq, fmt, args...) ({                           \
	__rawload_fmt_args(fmt, args)                                  \
	bpf_seq_printf(seq, ___fmt, sizeof(___fmt), ___param, sizeof(___param)); \
})

#define BPF_SNPRINTF(out, out_size, fmt, args...) ({                   \
	__rawload_fmt_args(fmt, args)                                  \
	bpf_snprintf(out, out_size, ___fmt, ___param, sizeof(___param)); \
})

#endif /* __RAWLOAD_BPF_HELPERS_H */
