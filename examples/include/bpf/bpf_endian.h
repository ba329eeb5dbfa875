/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bpf_endian.h — byte-order conversions for BPF C programs, source-compatible with libbpf's
 * <bpf/bpf_endian.h>. Owns host <-> network (big-endian) conversion of 16/32/64-bit values; does not
 * own any other byte-order helper.
 *
 * The byte order is the *target's* (`-target bpfel` or `bpfeb`), which clang announces in
 * __BYTE_ORDER__; libc's __BYTE_ORDER describes the build host and would be wrong when cross-building.
 * Every macro folds to a constant when its argument is one, so `case bpf_htons(ETH_P_IP):` and
 * static initialisers work; otherwise it becomes a single BPF byte-swap instruction (or nothing).
 * Include <linux/types.h> (or vmlinux.h) first: the results are typed __u16/__u32/__u64.
 */
#ifndef __RAWLOAD_BPF_ENDIAN_H
#define __RAWLOAD_BPF_ENDIAN_H

/* Byte reversal written as shifts and masks: always foldable by the compiler. */
#define ___bpf_swab16(x) ((__u16)((((__u16)(x) & 0x00ffU) << 8) | \
				  (((__u16)(x) & 0xff00U) >> 8)))

#define ___bpf_swab32(x) ((__u32)((((__u32)(x) & 0x000000ffUL) << 24) | \
				  (((__u32)(x) & 0x0000ff00UL) << 8) |  \
				  (((__u32)(x) & 0x00ff0000UL) >> 8) |  \
				  (((__u32)(x) & 0xff000000UL) >> 24)))

#define ___bpf_swab64(x) ((__u64)((((__u64)(x) & 0x00000000000000ffULL) << 56) | \
				  (((__u64)(x) & 0x000000000000ff00ULL) << 40) |  \
				  (((__u64)(x) & 0x0000000000ff0000ULL) << 24) |  \
				  (((__u64)(x) & 0x00000000ff000000ULL) << 8) |   \
				  (((__u64)(x) & 0x000000ff00000000ULL) >> 8) |   \
				  (((__u64)(x) & 0x0000ff0000000000ULL) >> 24) |  \
				  (((__u64)(x) & 0x00ff000000000000ULL) >> 40) |  \
				  (((__u64)(x) & 0xff00000000000000ULL) >> 56)))

#if !defined(__BYTE_ORDER__) || !defined(__ORDER_LITTLE_ENDIAN__) || !defined(__ORDER_BIG_ENDIAN__)
#error "bpf_endian.h: the compiler does not define __BYTE_ORDER__"
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* bpfel: network order is the reverse of ours. */
#define __bpf_htons(x) __builtin_bswap16(x)
#define __bpf_ntohs(x) __builtin_bswap16(x)
#define __bpf_htonl(x) __builtin_bswap32(x)
#define __bpf_ntohl(x) __builtin_bswap32(x)
#define __bpf_cpu_to_be64(x) __builtin_bswap64(x)
#define __bpf_be64_to_cpu(x) __builtin_bswap64(x)
#define __bpf_constant_htons(x) ___bpf_swab16(x)
#define __bpf_constant_ntohs(x) ___bpf_swab16(x)
#define __bpf_constant_htonl(x) ___bpf_swab32(x)
#define __bpf_constant_ntohl(x) ___bpf_swab32(x)
#define __bpf_constant_cpu_to_be64(x) ___bpf_swab64(x)
#define __bpf_constant_be64_to_cpu(x) ___bpf_swab64(x)
#elif __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
/* bpfeb: network order is ours; conversions are the identity. */
#define __bpf_htons(x) (x)
#define __bpf_ntohs(x) (x)
#define __bpf_htonl(x) (x)
#define __bpf_ntohl(x) (x)
#define __bpf_cpu_to_be64(x) (x)
#define __bpf_be64_to_cpu(x) (x)
#define __bpf_constant_htons(x) (x)
#define __bpf_constant_ntohs(x) (x)
#define __bpf_constant_htonl(x) (x)
#define __bpf_constant_ntohl(x) (x)
#define __bpf_constant_cpu_to_be64(x) (x)
#define __bpf_constant_be64_to_cpu(x) (x)
#else
#error "bpf_endian.h: unknown __BYTE_ORDER__"
#endif

#define bpf_htons(x) (__builtin_constant_p(x) ? __bpf_constant_htons(x) : __bpf_htons(x))
#define bpf_ntohs(x) (__builtin_constant_p(x) ? __bpf_constant_ntohs(x) : __bpf_ntohs(x))
#define bpf_htonl(x) (__builtin_constant_p(x) ? __bpf_constant_htonl(x) : __bpf_htonl(x))
#define bpf_ntohl(x) (__builtin_constant_p(x) ? __bpf_constant_ntohl(x) : __bpf_ntohl(x))
#define bpf_cpu_to_be64(x) \
	(__builtin_constant_p(x) ? __bpf_constant_cpu_to_be64(x) : __bpf_cpu_to_be64(x))
#define bpf_be64_to_cpu(x) \
	(__builtin_constant_p(x) ? __bpf_constant_be64_to_cpu(x) : __bpf_be64_to_cpu(x))

#endif /* __RAWLOAD_BPF_ENDIAN_H */
