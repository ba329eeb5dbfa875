/* tests/kernel/kbpf.h — what the bpf/ layer tests share: programs assembled by hand (one inline
 * function per instruction form), a program load with a verifier log, map creation, shell commands
 * and a child in a private mount namespace. Doesn't own assertions beyond in_private_mounts'. */
#ifndef RAWLOAD_KBPF_H
#define RAWLOAD_KBPF_H

#include <linux/bpf.h>
#include <stdint.h>
#include <unistd.h>

#include "check.h"
#include "ktest.h"

#define SKIP_UNLESS_ROOT()                                                                         \
	do {                                                                                       \
		if (geteuid() != 0)                                                                \
			SKIP("needs root");                                                        \
	} while (0)

/* CLOCK_MONOTONIC in milliseconds (for the timings ktest_note prints). */
double now_ms(void);
/* Runs a shell command built like printf; its output goes to /dev/null. Returns its exit status. */
int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Closes *fd when it is > 0 and sets it to -1. */
void close_fd(int *fd);

/* ---- instructions, one function per form ----------------------------------------------------- */

static inline struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = {.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
	return i;
}
static inline struct bpf_insn mov64_imm(uint8_t dst, int32_t imm)
{
	return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
static inline struct bpf_insn mov32_imm(uint8_t dst, int32_t imm) /* zero-extends */
{
	return insn(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
static inline struct bpf_insn mov64_reg(uint8_t dst, uint8_t src)
{
	return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}
static inline struct bpf_insn add64_imm(uint8_t dst, int32_t imm)
{
	return insn(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm);
}
static inline struct bpf_insn rsh64_imm(uint8_t dst, int32_t imm)
{
	return insn(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm);
}
static inline struct bpf_insn ldx_dw(uint8_t dst, uint8_t src, int16_t off) /* dst = *(u64 *)(src + off) */
{
	return insn(BPF_LDX | BPF_MEM | BPF_DW, dst, src, off, 0);
}
static inline struct bpf_insn st_w(uint8_t dst, int16_t off, int32_t imm) /* *(u32 *)(dst + off) = imm */
{
	return insn(BPF_ST | BPF_MEM | BPF_W, dst, 0, off, imm);
}
static inline struct bpf_insn atomic_add64(uint8_t dst, uint8_t src, int16_t off)
{
	return insn(BPF_STX | BPF_ATOMIC | BPF_DW, dst, src, off, BPF_ADD);
}
static inline struct bpf_insn jeq_imm(uint8_t dst, int32_t imm, int16_t off)
{
	return insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm);
}
static inline struct bpf_insn jne_imm(uint8_t dst, int32_t imm, int16_t off)
{
	return insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm);
}
static inline struct bpf_insn call(int32_t helper)
{
	return insn(BPF_JMP | BPF_CALL, 0, 0, 0, helper);
}
static inline struct bpf_insn exit_insn(void)
{
	return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}
/* ld_imm64 of a map fd takes two instructions: this one and ld_map_fd_hi(). */
static inline struct bpf_insn ld_map_fd_lo(uint8_t dst, int fd)
{
	return insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd);
}
static inline struct bpf_insn ld_map_fd_hi(void)
{
	return insn(0, 0, 0, 0, 0);
}

/* The verifier log of the last load() (level 1), also lent to other loads that want a log. */
extern char verifier_log[65536];
/* sys_prog_load of a GPL program with its log in verifier_log. Returns an fd or a negative errno. */
int load(uint32_t type, const char *name, const struct bpf_insn *insns, uint32_t cnt);
/* XDP: return v. */
int load_xdp_ret(int v);
/* sys_map_create without flags or BTF. Returns an fd or a negative errno. */
int map_make(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries, const char *name);

/* Runs fn in a child with a private mount namespace, so tracefs/bpffs mounts made by the code under
 * test disappear with it. The child's failed checks count for the calling test. */
void in_private_mounts(void (*fn)(void));

#endif
