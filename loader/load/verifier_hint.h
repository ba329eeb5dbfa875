/* loader/load/verifier_hint.h — a verifier log explained: which common cause made the verifier
 * refuse a program, the C line it refused (as the kernel quoted it from line_info) and what usually
 * fixes it, with the variable names of that line where they can be recovered. Pure: reads the log
 * text only, prints nothing (the CLI does). Doesn't own loading or the log excerpt (load.h). */
#ifndef RAWLOAD_VERIFIER_HINT_H
#define RAWLOAD_VERIFIER_HINT_H

#include <stddef.h>
#include <stdint.h>

enum vhint_cause {
	VHINT_UNKNOWN = 0,    /* none of the patterns: keep the kernel's words */
	VHINT_PACKET_BOUNDS,  /* packet read or write no comparison with data_end covers */
	VHINT_NULL_CHECK,     /* a pointer that may be NULL (map lookup, ringbuf reserve, ...) used */
	VHINT_UNINIT_STACK,   /* stack bytes read before anything wrote them */
	VHINT_UNINIT_REG,     /* a register read before anything wrote it */
	VHINT_STACK_SIZE,     /* more than 512 bytes of stack over a call chain */
	VHINT_LOOP,           /* a loop the verifier cannot see end */
	VHINT_TOO_LARGE,      /* a million instructions walked, or too many jumps/states */
	VHINT_HELPER_TYPE,    /* a helper this program type may not call */
	VHINT_KFUNC_TYPE,     /* a kfunc this program type may not call */
	VHINT_GPL_ONLY,       /* a GPL-only helper in a program whose license is not GPL-compatible */
	VHINT_RETURN_RANGE,   /* the program may return a value outside what its type allows */
	VHINT_CTX_ACCESS,     /* an access to the context outside the fields the kernel allows */
	VHINT_CORE_POISON,    /* a CO-RE relocation rawload could not resolve is reached */
};

/* What the explanation needs to know of the refused program. */
struct vhint_prog {
	const char *name;
	uint32_t prog_type;          /* enum bpf_prog_type */
	const char *type_name;       /* "xdp", "cgroup_skb", ... (secdef_prog_type_name) */
	const char *license;         /* the object's license string; NULL for none */
	int err;                     /* BPF_PROG_LOAD's negative errno (-E2BIG says "too large" when
	                              * the log lost its end) */
};

/* Where the source line is quoted from, relative to the failure. */
enum vhint_line {
	VHINT_LINE_NONE = 0,  /* no source line, or none that means anything for this cause */
	VHINT_LINE_FAILING,   /* the line of the refused instruction */
	VHINT_LINE_LAST,      /* the last line the verifier walked before it gave up */
};

struct vhint {
	enum vhint_cause cause;
	const char *kernel_msg;      /* the log line the cause was read from (points into the log) */
	size_t kernel_msg_len;
	char what[256];              /* the cause, one line; "" for VHINT_UNKNOWN */
	char fix[512];               /* what usually fixes it, one line; "" for VHINT_UNKNOWN */
	enum vhint_line line_kind;
	char source[256];            /* the C line as quoted ("; ..." in the log), trimmed */
	char file[96];               /* its file, "" when the kernel did not say (before 6.x's " @ f:n") */
	unsigned line;               /* its line number, 0 when the kernel did not say */
};

/* Read log (NUL-terminated, as BPF_PROG_LOAD left it) for p. Fills h; returns h->cause. Never
 * fails: a log it cannot read is VHINT_UNKNOWN with the last quoted source line, if any. */
enum vhint_cause vhint_explain(const char *log, const struct vhint_prog *p, struct vhint *h);

/* "packet-bounds", "null-check", ...: a short stable name of a cause (for tests and -v). */
const char *vhint_cause_name(enum vhint_cause c);

#endif
