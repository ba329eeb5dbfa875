/* loader/attach/usdt_spec.h — what a USDT probe's argument string means, as the BPF side reads it:
 * libbpf's usdt.bpf.h (and ours, examples/include/bpf/usdt.bpf.h) look up a `struct
 * __bpf_usdt_spec` by spec id in the map `__bpf_usdt_specs` and fetch each argument from the
 * registers (struct pt_regs) and user memory as the spec says. That struct is an ABI between the
 * BPF object and the loader; two layouts exist (libbpf before 1.7: 16-byte argument records, 208
 * bytes in all; 1.7 and later: 24-byte records with a scaled-index form, 304 bytes), told apart by
 * the map's value size. Also the section target "PATH:PROVIDER:NAME". Pure: no I/O. */
#ifndef RAWLOAD_USDT_SPEC_H
#define RAWLOAD_USDT_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

/* enum __bpf_usdt_arg_type */
enum usdt_arg_type {
	USDT_ARG_CONST,         /* "-4@$7": the value itself */
	USDT_ARG_REG,           /* "8@%rax": a register */
	USDT_ARG_REG_DEREF,     /* "-4@-20(%rbp)": memory at register + displacement */
	USDT_ARG_SIB,           /* "1@-96(%rbp,%rax,8)": memory at base + index * scale + displacement */
};

enum { USDT_MAX_ARGS = 12 }; /* BPF_USDT_MAX_ARG_CNT */

struct usdt_arg {
	enum usdt_arg_type type;
	uint64_t val_off;       /* CONST: the value; REG_DEREF and SIB: the displacement (two's
	                         * complement when negative); REG: 0 */
	uint16_t reg_off;       /* offsetof(struct pt_regs, register) of the (base) register */
	uint16_t idx_reg_off;   /* SIB: the index register's offset */
	uint8_t scale_shift;    /* SIB: log2 of the scale (0..3) */
	uint8_t size;           /* bytes: 1, 2, 4 or 8 */
	bool is_signed;         /* a negative size in the string */
};

struct usdt_spec {
	struct usdt_arg args[USDT_MAX_ARGS];
	uint32_t nargs;
	uint64_t cookie;        /* bpf_usdt_cookie()'s value: 0 (rawload takes no per-attach cookie) */
};

/* Reads an argument string of a probe in a file for machine (the target's e_machine: ELF_EM_X86_64
 * in full, with the scaled-index form; ELF_EM_AARCH64 ("8@x0", "-4@[sp, 12]", "4@[x1]", "2@5");
 * ELF_EM_S390 ("-8@%r2", "4@-28(%r15)", "4@71")). Register offsets are those of that machine's
 * struct pt_regs. Returns 0, or -EINVAL with d set ("argument 2 '-4@%ah': ...") for what cannot be
 * read (unknown register, size other than 1/2/4/8, more than 12 arguments), -EOPNOTSUPP for another
 * machine. */
int usdt_spec_parse(const char *args, uint16_t machine, struct usdt_spec *out, struct diag *d);

/* The two value layouts, by map value size. */
enum { USDT_SPEC_SIZE_V1 = 208, USDT_SPEC_SIZE_V2 = 304 };
/* Writes s as the map value in the layout value_size names (host byte order: the value goes to
 * the running kernel). out has value_size bytes. Returns 0, -EINVAL with d set for another size,
 * or -EOPNOTSUPP when s has a scaled-index argument the 208-byte layout cannot hold. */
int usdt_spec_encode(const struct usdt_spec *s, uint32_t value_size, uint8_t *out, struct diag *d);

/* "PATH:PROVIDER:NAME" (libbpf's SEC("usdt/...") form: no ':' in any part, none empty). Pointers
 * go into target; nothing is copied. Returns 0 or -EINVAL with d set. */
struct usdt_target {
	const char *path, *provider, *name;
	size_t path_len, provider_len, name_len;
};
int usdt_target_parse(const char *target, struct usdt_target *out, struct diag *d);

/* One argument as text for -v ("REG_DEREF -20(off 32) size -4"). */
void usdt_arg_str(const struct usdt_arg *a, char *buf, size_t n);

#endif
