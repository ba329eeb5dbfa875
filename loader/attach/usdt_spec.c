/* loader/attach/usdt_spec.c — USDT argument strings to struct __bpf_usdt_spec (see usdt_spec.h).
 * The argument forms are those GNU as prints for sys/sdt.h's "nor" operands (SystemTap wiki,
 * "UserSpaceProbeImplementation"): SIZE@LOCATION, SIZE negative for signed values. Register
 * offsets are the kernel's struct pt_regs (x86-64: arch/x86/include/uapi/asm/ptrace.h; arm64 and
 * s390: their user_pt_regs, which starts the kernel's pt_regs). A hand-written cursor parser, so a
 * malformed string from an untrusted file is refused, never read past its NUL. */
#include "loader/attach/usdt_spec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/endian.h"
#include "elf/elf.h"

/* ---- x86-64 ------------------------------------------------------------------------------------ */

/* struct pt_regs of x86-64: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip
 * cs flags sp ss, 8 bytes each. Each register by its 64-, 32-, 16- and 8-bit names (the BPF side
 * reads all 8 bytes and keeps the argument's size of the low end). */
static const struct {
	const char *names[4];
	uint16_t off;
} x86_regs[] = {
	{{"rip", "eip", "", ""}, 128},
	{{"rax", "eax", "ax", "al"}, 80},
	{{"rbx", "ebx", "bx", "bl"}, 40},
	{{"rcx", "ecx", "cx", "cl"}, 88},
	{{"rdx", "edx", "dx", "dl"}, 96},
	{{"rsi", "esi", "si", "sil"}, 104},
	{{"rdi", "edi", "di", "dil"}, 112},
	{{"rbp", "ebp", "bp", "bpl"}, 32},
	{{"rsp", "esp", "sp", "spl"}, 152},
	{{"r8", "r8d", "r8w", "r8b"}, 72},
	{{"r9", "r9d", "r9w", "r9b"}, 64},
	{{"r10", "r10d", "r10w", "r10b"}, 56},
	{{"r11", "r11d", "r11w", "r11b"}, 48},
	{{"r12", "r12d", "r12w", "r12b"}, 24},
	{{"r13", "r13d", "r13w", "r13b"}, 16},
	{{"r14", "r14d", "r14w", "r14b"}, 8},
	{{"r15", "r15d", "r15w", "r15b"}, 0},
};

struct cursor {
	const char *p;
	const char *arg;        /* start of the argument being read, for messages */
	uint32_t index;
	struct diag *d;
};

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static void skip_spaces(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

/* The argument as written, up to the next space, for messages. */
static int arg_error(struct cursor *c, int err, const char *why)
{
	size_t n = strcspn(c->arg, " \t");
	return diag_set(c->d, err, "argument %u '%.*s': %s", c->index + 1, (int)(n > 60 ? 60 : n), c->arg, why);
}

/* A signed decimal or 0x-hexadecimal number; fits when its magnitude fits 64 bits (a negative one
 * is stored in two's complement). */
static bool take_number(struct cursor *c, uint64_t *out)
{
	const char *p = c->p;
	bool neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	unsigned base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    ((p[2] >= '0' && p[2] <= '9') || (p[2] >= 'a' && p[2] <= 'f') || (p[2] >= 'A' && p[2] <= 'F'))) {
		base = 16;
		p += 2;
	}
	uint64_t v = 0;
	const char *digits = p;
	for (;; p++) {
		unsigned dv;
		if (*p >= '0' && *p <= '9')
			dv = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			dv = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			dv = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - dv) / base)
			return false;
		v = v * base + dv;
	}
	if (p == digits)
		return false;
	*out = neg ? (uint64_t)0 - v : v;
	c->p = p;
	return true;
}

/* A register name of [a-z0-9], at most 15 characters, into name. */
static bool take_name(struct cursor *c, char name[16])
{
	size_t n = 0;
	while (is_alnum(c->p[n]) && n < 15) {
		name[n] = c->p[n];
		n++;
	}
	if (n == 0 || is_alnum(c->p[n]))
		return false;
	name[n] = '\0';
	c->p += n;
	return true;
}

static int x86_reg(struct cursor *c, uint16_t *off)
{
	char name[16];
	if (*c->p != '%')
		return arg_error(c, -EINVAL, "a register must start with '%'");
	c->p++;
	if (!take_name(c, name))
		return arg_error(c, -EINVAL, "no register name after '%'");
	for (size_t i = 0; i < sizeof(x86_regs) / sizeof(x86_regs[0]); i++)
		for (size_t k = 0; k < 4; k++)
			if (x86_regs[i].names[k][0] && strcmp(name, x86_regs[i].names[k]) == 0) {
				*off = x86_regs[i].off;
				return 0;
			}
	if (name[1] == 'h' && name[2] == '\0' && name[0] >= 'a' && name[0] <= 'd')
		return arg_error(c, -EINVAL, "a high-byte register (bits 8-15) cannot be read as an argument");
	return arg_error(c, -EINVAL, "unknown x86-64 register");
}

static int x86_location(struct cursor *c, struct usdt_arg *a)
{
	int err;
	if (*c->p == '$') { /* $7, $-9: an immediate */
		c->p++;
		if (!take_number(c, &a->val_off))
			return arg_error(c, -EINVAL, "no number after '$'");
		a->type = USDT_ARG_CONST;
		return 0;
	}
	if (*c->p == '%') {
		a->type = USDT_ARG_REG;
		return x86_reg(c, &a->reg_off);
	}
	/* [DISP](%base[,%index[,SCALE]]) */
	if (*c->p != '(' && !take_number(c, &a->val_off))
		return arg_error(c, -EINVAL, *c->p >= 'a' && *c->p <= 'z'
						     ? "a symbolic address (a global variable) cannot be read as an argument"
						     : "not $IMMEDIATE, %REGISTER or DISP(%REGISTER)");
	if (*c->p != '(')
		return arg_error(c, -EINVAL, "a displacement without '(%REGISTER)'");
	c->p++;
	if ((err = x86_reg(c, &a->reg_off)))
		return err;
	a->type = USDT_ARG_REG_DEREF;
	if (*c->p == ',') {
		c->p++;
		if ((err = x86_reg(c, &a->idx_reg_off)))
			return err;
		a->type = USDT_ARG_SIB;
		if (*c->p == ',') {
			c->p++;
			uint64_t scale;
			if (!take_number(c, &scale) || (scale != 1 && scale != 2 && scale != 4 && scale != 8))
				return arg_error(c, -EINVAL, "scale is not 1, 2, 4 or 8");
			a->scale_shift = scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : 3;
		}
	}
	if (*c->p != ')')
		return arg_error(c, -EINVAL, "no ')' after the register");
	c->p++;
	return 0;
}

/* ---- arm64 ------------------------------------------------------------------------------------- */

/* struct user_pt_regs of arm64: regs[31] (x0..x30), sp, pc, pstate. */
static int arm64_reg(struct cursor *c, uint16_t *off)
{
	char name[16];
	if (!take_name(c, name))
		return arg_error(c, -EINVAL, "no register name");
	if (strcmp(name, "sp") == 0) {
		*off = 31 * 8;
		return 0;
	}
	if ((name[0] == 'x' || name[0] == 'w') && name[1] >= '0' && name[1] <= '9') {
		unsigned n = (unsigned)(name[1] - '0');
		if (name[2] >= '0' && name[2] <= '9' && name[1] != '0' && !name[3])
			n = n * 10 + (unsigned)(name[2] - '0');
		else if (name[2])
			n = 99;
		if (n <= 30) {
			*off = (uint16_t)(8 * n);
			return 0;
		}
	}
	return arg_error(c, -EINVAL, "unknown arm64 register");
}

static int arm64_location(struct cursor *c, struct usdt_arg *a)
{
	int err;
	if (*c->p == '[') { /* [reg] or [reg, disp] */
		c->p++;
		skip_spaces(c);
		if ((err = arm64_reg(c, &a->reg_off)))
			return err;
		skip_spaces(c);
		if (*c->p == ',') {
			c->p++;
			skip_spaces(c);
			if (!take_number(c, &a->val_off))
				return arg_error(c, -EINVAL, "no displacement after ','");
			skip_spaces(c);
		}
		if (*c->p != ']')
			return arg_error(c, -EINVAL, "no ']'");
		c->p++;
		a->type = USDT_ARG_REG_DEREF;
		return 0;
	}
	if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) {
		if (!take_number(c, &a->val_off))
			return arg_error(c, -EINVAL, "not a number");
		a->type = USDT_ARG_CONST;
		return 0;
	}
	a->type = USDT_ARG_REG;
	return arm64_reg(c, &a->reg_off);
}

/* ---- s390x ------------------------------------------------------------------------------------- */

/* user_pt_regs of s390: args[1], psw (mask, addr), gprs[16]: %rN at 24 + 8N. */
static int s390_reg(struct cursor *c, uint16_t *off)
{
	uint64_t n;
	if (c->p[0] != '%' || c->p[1] != 'r')
		return arg_error(c, -EINVAL, "a register must be %rN");
	c->p += 2;
	if (*c->p < '0' || *c->p > '9' || !take_number(c, &n) || n > 15)
		return arg_error(c, -EINVAL, "unknown s390 register");
	*off = (uint16_t)(24 + 8 * n);
	return 0;
}

static int s390_location(struct cursor *c, struct usdt_arg *a)
{
	if (*c->p == '%') {
		a->type = USDT_ARG_REG;
		return s390_reg(c, &a->reg_off);
	}
	if (!take_number(c, &a->val_off))
		return arg_error(c, -EINVAL, "not %rN, DISP(%rN) or a number");
	if (*c->p != '(') {
		a->type = USDT_ARG_CONST;
		return 0;
	}
	c->p++;
	int err = s390_reg(c, &a->reg_off);
	if (err)
		return err;
	if (*c->p != ')')
		return arg_error(c, -EINVAL, "no ')' after the register");
	c->p++;
	a->type = USDT_ARG_REG_DEREF;
	return 0;
}

/* ---- the string -------------------------------------------------------------------------------- */

int usdt_spec_parse(const char *args, uint16_t machine, struct usdt_spec *out, struct diag *d)
{
	int (*location)(struct cursor *, struct usdt_arg *);
	switch (machine) {
	case ELF_EM_X86_64: location = x86_location; break;
	case ELF_EM_AARCH64: location = arm64_location; break;
	case ELF_EM_S390: location = s390_location; break;
	default:
		return diag_set(d, -EOPNOTSUPP, "USDT arguments of machine %u are not supported (x86-64, arm64 and s390x are)",
				machine);
	}
	memset(out, 0, sizeof(*out));
	struct cursor c = {.p = args, .d = d};
	for (;;) {
		skip_spaces(&c);
		if (!*c.p)
			return 0;
		if (out->nargs == USDT_MAX_ARGS)
			return diag_set(d, -EINVAL, "more than %d arguments", USDT_MAX_ARGS);
		struct usdt_arg *a = &out->args[out->nargs];
		c.arg = c.p;
		c.index = out->nargs;
		uint64_t size;
		bool neg = *c.p == '-';
		if (!take_number(&c, &size) || *c.p != '@')
			return arg_error(&c, -EINVAL, "not SIZE@LOCATION");
		if (neg)
			size = (uint64_t)0 - size;
		if (size != 1 && size != 2 && size != 4 && size != 8)
			return arg_error(&c, -EINVAL, "size is not 1, 2, 4 or 8 bytes");
		a->size = (uint8_t)size;
		a->is_signed = neg;
		c.p++;
		int err = location(&c, a);
		if (err)
			return err;
		if (*c.p && *c.p != ' ' && *c.p != '\t')
			return arg_error(&c, -EINVAL, "unexpected text after the location");
		out->nargs++;
	}
}

/* ---- the map value ----------------------------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

int usdt_spec_encode(const struct usdt_spec *s, uint32_t value_size, uint8_t *out, struct diag *d)
{
	bool v2 = value_size == USDT_SPEC_SIZE_V2;
	if (value_size != USDT_SPEC_SIZE_V1 && !v2)
		return diag_set(d, -EINVAL, "a spec of %u bytes: neither usdt.bpf.h layout (%d or %d bytes)", value_size,
				USDT_SPEC_SIZE_V1, USDT_SPEC_SIZE_V2);
	const uint32_t rec = v2 ? 24 : 16;
	memset(out, 0, value_size);
	for (uint32_t i = 0; i < s->nargs && i < USDT_MAX_ARGS; i++) {
		const struct usdt_arg *a = &s->args[i];
		uint8_t *r = out + rec * i;
		put64(r, a->val_off);
		uint8_t shift = (uint8_t)(64 - 8 * a->size);
		if (!v2) {
			/* {u64 val_off; enum arg_type (4 bytes); short reg_off; bool arg_signed; char arg_bitshift} */
			if (a->type == USDT_ARG_SIB)
				return diag_set(d, -EOPNOTSUPP,
						"argument %u is a scaled-index address, which the object's usdt.bpf.h (a %u-byte spec, before libbpf 1.7) cannot describe",
						i + 1, value_size);
			put32(r + 8, (uint32_t)a->type);
			put16(r + 12, a->reg_off);
			r[14] = a->is_signed;
			r[15] = shift;
			continue;
		}
		/* {u64 val_off; arg_type:8, idx_reg_off:12, scale_bitshift:4, __reserved:8 (in the host's
		 * bit-field order); short reg_off at 14; bool arg_signed; char arg_bitshift}: on a
		 * little-endian host arg_type is byte 8 and the u16 at 10 holds idx | scale << 12; on a
		 * big-endian one arg_type is byte 12 and that u16 holds idx << 4 | scale. */
		uint16_t idx = a->idx_reg_off & 0xfff, sc = a->scale_shift & 0xf;
		if (host_is_big_endian()) {
			put16(r + 10, (uint16_t)(idx << 4 | sc));
			r[12] = (uint8_t)a->type;
		} else {
			r[8] = (uint8_t)a->type;
			put16(r + 10, (uint16_t)(idx | sc << 12));
		}
		put16(r + 14, a->reg_off);
		r[16] = a->is_signed;
		r[17] = shift;
	}
	put64(out + rec * USDT_MAX_ARGS, s->cookie);
	put16(out + rec * USDT_MAX_ARGS + 8, (uint16_t)s->nargs);
	return 0;
}

int usdt_target_parse(const char *target, struct usdt_target *out, struct diag *d)
{
	const char *c1 = strchr(target, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	memset(out, 0, sizeof(*out));
	if (!c2 || strchr(c2 + 1, ':') || c1 == target || c2 == c1 + 1 || !c2[1])
		return diag_set(d, -EINVAL, "usdt target '%s': not PATH:PROVIDER:NAME", target);
	out->path = target;
	out->path_len = (size_t)(c1 - target);
	out->provider = c1 + 1;
	out->provider_len = (size_t)(c2 - c1 - 1);
	out->name = c2 + 1;
	out->name_len = strlen(c2 + 1);
	return 0;
}

void usdt_arg_str(const struct usdt_arg *a, char *buf, size_t n)
{
	static const char *const types[] = {"const", "reg", "reg_deref", "sib"};
	const char *t = (unsigned)a->type < 4 ? types[a->type] : "?";
	int size = a->is_signed ? -(int)a->size : (int)a->size;
	switch (a->type) {
	case USDT_ARG_CONST:
		snprintf(buf, n, "%s %lld size %d", t, (long long)a->val_off, size);
		break;
	case USDT_ARG_REG:
		snprintf(buf, n, "%s pt_regs+%u size %d", t, a->reg_off, size);
		break;
	case USDT_ARG_REG_DEREF:
		snprintf(buf, n, "%s [pt_regs+%u]%+lld size %d", t, a->reg_off, (long long)a->val_off, size);
		break;
	default:
		snprintf(buf, n, "%s [pt_regs+%u]+[pt_regs+%u]*%u%+lld size %d", t, a->reg_off, a->idx_reg_off,
			 1u << a->scale_shift, (long long)a->val_off, size);
		break;
	}
}
