/* loader/load/verifier_hint.c — a verifier log explained (verifier_hint.h): one table of the
 * kernel's messages; per cause, the numbers of the message and the names of the C line (read by
 * verifier_log.c) worked into a cause and a fix. Doesn't own loading, printing,
 * or any guess the log cannot support: where names cannot be recovered, the fix is the generic one.
 *
 * The messages, as kernel/bpf/verifier.c prints them (6.1 = Debian 12's, 6.18 = the development
 * kernel; logs of both are fixtures in tests/unit/fixtures/verifier/):
 *   "invalid access to packet, off=%d size=%d, R%d(id=%d,off=%d,r=%d)"           both
 *   "R%d invalid mem access '%s'" with a type ending in "_or_null"               both
 *   "invalid indirect read from stack R%d off %d+%d size %d"                      6.1 (helper arg)
 *   "invalid read from stack R%d off %d+%d size %d", "... off %d+%d size %d"     6.18; both (direct)
 *   "R%d !read_ok"                                                                both
 *   "combined stack size of %d calls is %d. Too large"                            both
 *   "infinite loop detected at insn %d", "back-edge from insn %d to %d"           both
 *   "BPF program is too large. Processed %d insn",
 *   "The sequence of %d jumps is too complex."                                    both
 *   "unknown func %s#%d"                                                          6.1 (before 6.10)
 *   "program of this type cannot use helper %s#%d"                               6.18
 *   "calling kernel function %s is not allowed"                                   both
 *   "cannot call GPL-restricted function from non-GPL compatible program"         both
 *   "At program exit the register R0 has value (0x%x; 0x%x) should have been in (0x%x; 0x%x)"  6.1
 *   "At program exit the register R0 has smin=%d smax=%d should have been in [%d, %d]"         6.18
 *   "... R0 has unknown scalar value should have been in ..."                     both
 *   "invalid bpf_context access off=%d size=%d",
 *   "dereference of modified ctx ptr R%d off=%d disallowed"                       both
 *   "invalid func unknown#195896080" (rawload's CO-RE poison, reloc.h)           both */
#include "loader/load/verifier_hint.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "loader/load/reloc.h"
#include "loader/load/verifier_log.h"

/* ---- text helpers ------------------------------------------------------------------------------ */

static void put(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

/* What a program of this type returns to let things go on as if it were not there. */
static const char *pass_value(uint32_t type)
{
	switch (type) {
	case BPF_PROG_TYPE_XDP: return "XDP_PASS";
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT: return "TC_ACT_OK";
	case BPF_PROG_TYPE_SK_SKB: return "SK_PASS";
	case BPF_PROG_TYPE_CGROUP_SKB: return "1";
	default: return "0";
	}
}

/* An unsigned number after key in l ("off=" -> 23); false if none. */
/* ---- the causes ---------------------------------------------------------------------------------- */

/* Everything a cause reads. */
struct ctx {
	const struct vlog *v;
	const struct vhint_prog *p;
	struct vlog_span msg;         /* the kernel's line that matched */
	char code[256];          /* the failing C line, comments and strings out; "" if none */
	struct vhint *h;
};

static const char *type_name(const struct ctx *c)
{
	return c->p->type_name && c->p->type_name[0] ? c->p->type_name : "this type of";
}

/* -- packet bounds -- */

struct end_search {
	char name[64];       /* the variable holding data_end */
};
static bool find_end_name(struct vlog_span t, void *arg)
{
	struct end_search *e = arg;
	return vlog_assigned_from(t, "->data_end", e->name, sizeof(e->name));
}

struct checked_search {
	const char *ptr, *end;
};
static bool find_check(struct vlog_span t, void *arg)
{
	struct checked_search *k = arg;
	return vlog_has_word(t.s, t.n, k->ptr) && vlog_has_word(t.s, t.n, k->end);
}

struct ctxname_search {
	const char *name;
};
/* name->data, name->data_end, name->data_meta: the context, not a packet pointer. */
static bool is_ctx_pointer(struct vlog_span t, void *arg)
{
	const char *name = ((struct ctxname_search *)arg)->name;
	size_t k = strlen(name);
	for (size_t i = 0; i + k + 6 <= t.n; i++)
		if (!memcmp(t.s + i, name, k) && (i == 0 || !vlog_is_ident(t.s[i - 1])) && !memcmp(t.s + i + k, "->data", 6))
			return true;
	return false;
}

static void packet_bounds(struct ctx *c)
{
	long long off = 0, size = 0, r = 0;
	vlog_num_after(c->msg, "off=", &off);
	vlog_num_after(c->msg, "size=", &size);
	bool have_r = vlog_num_after(c->msg, ",r=", &r);
	if (have_r && r == 0)
		put(c->h->what, sizeof(c->h->what),
		    "packet access without a bounds check: %lld byte%s at offset %lld, and nothing before it checks the packet's length",
		    size, size == 1 ? "" : "s", off);
	else if (have_r)
		put(c->h->what, sizeof(c->h->what),
		    "packet access without a bounds check: %lld byte%s at offset %lld, but the checks before it prove only %lld byte%s",
		    size, size == 1 ? "" : "s", off, r, r == 1 ? "" : "s");
	else
		put(c->h->what, sizeof(c->h->what), "packet access without a bounds check: %lld byte%s at offset %lld",
		    size, size == 1 ? "" : "s", off);

	struct end_search es = {""};
	bool end_known = vlog_each_source_before(c->v, find_end_name, &es);
	const char *end = end_known ? es.name : "data_end";
	const char *ret = pass_value(c->p->prog_type);

	struct vlog_deref d[8];
	int n = c->code[0] ? vlog_find_derefs(c->code, d, 8) : 0;
	/* Leave out the context (ctx->data) and, when that leaves a choice, the pointers a check
	 * against the end already covers. */
	int keep = 0;
	for (int i = 0; i < n; i++) {
		struct ctxname_search cs = {d[i].name};
		if (!vlog_each_source_before(c->v, is_ctx_pointer, &cs))
			d[keep++] = d[i];
	}
	n = keep;
	if (n > 1) {
		keep = 0;
		for (int i = 0; i < n; i++) {
			struct checked_search k = {d[i].name, end};
			if (!vlog_each_source_before(c->v, find_check, &k))
				d[keep++] = d[i];
		}
		if (keep)
			n = keep;
	}
	char check[200];
	if (n == 1) {
		switch (d[0].kind) {
		case VLOG_ARROW:
		case VLOG_STAR:
			put(check, sizeof(check), "(void *)(%s + 1) > %s", d[0].name, end);
			break;
		case VLOG_INDEX:
			put(check, sizeof(check), "(void *)(%s + %s + 1) > %s", d[0].name, d[0].index, end);
			break;
		case VLOG_CAST:
			put(check, sizeof(check), "(void *)%s + %lld > %s", d[0].name, size, end);
			break;
		}
		put(c->h->fix, sizeof(c->h->fix),
		    "before that line add `if (%s) return %s;` (each path to the access must compare %s with %s first)%s",
		    check, ret, d[0].name, end, end_known ? "" : "; data_end is `(void *)(long)ctx->data_end`");
	} else {
		put(c->h->fix, sizeof(c->h->fix),
		    "before the access compare the pointer it goes through with the packet's end: `if ((void *)(p + 1) > %s) return %s;` for a pointer p to the header read%s",
		    end, ret, end_known ? "" : "; data_end is `(void *)(long)ctx->data_end`");
	}
}

/* -- NULL check -- */

struct origin_search {
	char words[8][64];   /* identifiers of the failing line */
	int n;
	char name[64];       /* the one assigned from a call */
	char line[160];      /* that assignment, as quoted */
};
static bool find_origin(struct vlog_span t, void *arg)
{
	struct origin_search *o = arg;
	for (int i = 0; i < o->n; i++) {
		char name[64];
		if (vlog_assigned_from(t, "(", name, sizeof(name)) && !strcmp(name, o->words[i])) {
			snprintf(o->name, sizeof(o->name), "%s", name);
			put(o->line, sizeof(o->line), "%.*s", (int)(t.n < 150 ? t.n : 150), t.s);
			return true;
		}
	}
	return false;
}

/* What returns a pointer of this "_or_null" type. */
static const char *null_source(struct vlog_span type)
{
	static const struct {
		const char *type, *who;
	} src[] = {
		{"map_value_or_null", "bpf_map_lookup_elem returns NULL when the key is not in the map"},
		{"ringbuf_mem_or_null", "bpf_ringbuf_reserve returns NULL when the ring buffer is full"},
		{"alloc_mem_or_null", "bpf_ringbuf_reserve returns NULL when the ring buffer is full"},
		{"sock_or_null", "socket lookups return NULL when nothing matches"},
		{"sock_common_or_null", "socket lookups return NULL when nothing matches"},
		{"tcp_sock_or_null", "bpf_tcp_sock returns NULL for a socket that is not TCP"},
	};
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++)
		if (vlog_span_find(type, src[i].type))
			return src[i].who;
	return "the call that returned it may return NULL";
}

static void null_check(struct ctx *c)
{
	long long reg = -1;
	vlog_num_after(c->msg, "R", &reg);
	const char *q1 = vlog_span_find(c->msg, "'");
	struct vlog_span type = {q1 ? q1 + 1 : c->msg.s, q1 ? (size_t)(c->msg.s + c->msg.n - q1 - 1) : 0};
	if (type.n && type.s[type.n - 1] == '\'')
		type.n--;
	put(c->h->what, sizeof(c->h->what), "a pointer that may be NULL is used without a check: R%lld is '%.*s' (%s)",
	    reg, (int)type.n, type.s, null_source(type));

	/* The line's identifiers, pointers it dereferences first; the nearest earlier line that
	 * assigns one of them from a call is where it came from. */
	struct origin_search o;
	memset(&o, 0, sizeof(o));
	struct vlog_deref d[8];
	int n = c->code[0] ? vlog_find_derefs(c->code, d, 8) : 0;
	for (int i = 0; i < n && o.n < 8; i++)
		snprintf(o.words[o.n++], 64, "%s", d[i].name);
	for (const char *p = c->code; *p && o.n < 8;) {
		if (vlog_is_ident(*p) && !vlog_is_digit(*p)) {
			const char *s = p;
			while (vlog_is_ident(*s))
				s++;
			if (s - p < 64 && *vlog_skip_sp(s) != '(')
				snprintf(o.words[o.n++], 64, "%.*s", (int)(s - p), p);
			p = s;
		} else {
			p++;
		}
	}
	const char *ret = pass_value(c->p->prog_type);
	if (o.n && vlog_each_source_before(c->v, find_origin, &o))
		put(c->h->fix, sizeof(c->h->fix), "after `%s` add `if (!%s) return %s;`", o.line, o.name, ret);
	else if (n == 1)
		put(c->h->fix, sizeof(c->h->fix), "before that line add `if (!%s) return %s;`", d[0].name, ret);
	else
		put(c->h->fix, sizeof(c->h->fix),
		    "check the pointer right after the call that returned it: `if (!p) return %s;`", ret);
}

/* -- uninitialised stack and registers -- */

/* The text of argument k (0-based) of the first helper call (bpf_...) in code; false if none. */
static void uninit_stack(struct ctx *c)
{
	long long reg = -1, off = 0, at = 0, size = 0;
	bool via_reg = vlog_num_after(c->msg, "stack R", &reg);
	vlog_num_after(c->msg, "off ", &off);
	vlog_num_after(c->msg, "+", &at);
	vlog_num_after(c->msg, "size ", &size);
	if (via_reg)
		put(c->h->what, sizeof(c->h->what),
		    "stack memory read before anything wrote it: R%lld passes %lld bytes at fp%lld, and fp%lld was never written",
		    reg, size, off, off + at);
	else
		put(c->h->what, sizeof(c->h->what), "stack memory read before anything wrote it: %lld bytes at fp%lld", size,
		    off);
	char arg[64], name[64] = "";
	if (via_reg && reg >= 1 && reg <= 5 && c->code[0] && vlog_call_arg(c->code, (int)reg - 1, arg, sizeof(arg))) {
		const char *a = arg[0] == '&' ? vlog_skip_sp(arg + 1) : arg;
		size_t k = 0;
		while (vlog_is_ident(a[k]))
			k++;
		if (k && !a[k] && !vlog_is_digit(a[0]))
			snprintf(name, sizeof(name), "%s", a);
	}
	if (name[0])
		put(c->h->fix, sizeof(c->h->fix),
		    "set every byte of `%s` before the call: declare it with `= {}` or clear it with `__builtin_memset(&%s, 0, sizeof(%s))` (unset fields and padding count; only loaders with CAP_PERFMON may skip this)",
		    name, name, name);
	else
		put(c->h->fix, sizeof(c->h->fix),
		    "initialise the variable before it is read or passed: declare it with `= {}` or clear it with __builtin_memset (unset fields and padding count; only loaders with CAP_PERFMON may skip this)");
}

static void uninit_reg(struct ctx *c)
{
	long long reg = -1;
	vlog_num_after(c->msg, "R", &reg);
	put(c->h->what, sizeof(c->h->what), "register R%lld is read before anything was written to it", reg);
	if (reg == 0)
		put(c->h->fix, sizeof(c->h->fix),
		    "a function returns without setting its value on some path (or a void function's result is used): return a value on every path");
	else
		put(c->h->fix, sizeof(c->h->fix),
		    "in C: a variable used before it is set on some path, or a function called through a prototype with fewer arguments than it reads; in assembly: set R%lld first (a call leaves R1-R5 unset)",
		    reg);
}

/* -- limits: stack, loops, size -- */

static void stack_size(struct ctx *c)
{
	long long calls = 0, bytes = 0;
	vlog_num_after(c->msg, "size of ", &calls);
	vlog_num_after(c->msg, "calls is ", &bytes);
	c->h->line_kind = VHINT_LINE_NONE;
	put(c->h->what, sizeof(c->h->what),
	    "the stack is too large: %lld bytes over a chain of %lld calls, and the limit is 512 for the whole chain", bytes,
	    calls);
	put(c->h->fix, sizeof(c->h->fix),
	    "move large local variables (arrays, big structs) into a one-entry BPF_MAP_TYPE_PERCPU_ARRAY map and work in its value, or let the functions of the chain share one such buffer");
}

static void loop(struct ctx *c)
{
	long long a = 0, b = 0;
	if (vlog_starts(c->msg, "back-edge")) {
		vlog_num_after(c->msg, "insn ", &a);
		vlog_num_after(c->msg, " to ", &b);
		put(c->h->what, sizeof(c->h->what),
		    "a loop (a jump back from instruction %lld to %lld), which this kernel allows only from 5.3 on and only to loaders with CAP_BPF",
		    a, b);
		put(c->h->fix, sizeof(c->h->fix),
		    "give the loop a constant bound and unroll it (`#pragma unroll`), or load with CAP_BPF on a kernel from 5.3 on");
		return;
	}
	vlog_num_after(c->msg, "insn ", &a);
	put(c->h->what, sizeof(c->h->what),
	    "a loop the verifier cannot see end: it came back to instruction %lld with nothing changed", a);
	put(c->h->fix, sizeof(c->h->fix),
	    "make the loop change what its exit condition tests and give it a constant bound (`for (int i = 0; i < 64; i++)` with a break), or use bpf_loop() (kernel 5.17+)");
}

static void too_large(struct ctx *c)
{
	long long n = 0;
	c->h->line_kind = VHINT_LINE_LAST;
	if (c->msg.n && vlog_num_after(c->msg, "Processed ", &n))
		put(c->h->what, sizeof(c->h->what),
		    "too much to verify: the verifier gave up after walking %lld instructions (its limit is 1000000), usually a loop with a large or unknown bound",
		    n);
	else if (c->msg.n && vlog_num_after(c->msg, "sequence of ", &n))
		put(c->h->what, sizeof(c->h->what), "too much to verify: %lld jumps on one path, usually a loop with a large or unknown bound", n);
	else
		put(c->h->what, sizeof(c->h->what),
		    "too much to verify (the kernel said E2BIG and its log lost the end): usually a loop with a large or unknown bound");
	put(c->h->fix, sizeof(c->h->fix),
	    "bound loops by a small constant (`i < 256 && i < n` rather than `i < n`), run long loops through bpf_loop() (kernel 5.17+), or split the work over tail calls");
}

/* -- what a program type may call -- */

static const struct {
	uint32_t type;
	const char *func, *instead;
} counterparts[] = {
	{BPF_PROG_TYPE_XDP, "bpf_skb_load_bytes", "use bpf_xdp_load_bytes() (kernel 5.18+), or read the packet directly between data and data_end"},
	{BPF_PROG_TYPE_XDP, "bpf_skb_store_bytes", "use bpf_xdp_store_bytes() (kernel 5.18+), or write the packet directly between data and data_end"},
	{BPF_PROG_TYPE_XDP, "bpf_skb_adjust_room", "use bpf_xdp_adjust_head() or bpf_xdp_adjust_tail()"},
	{BPF_PROG_TYPE_XDP, "bpf_dynptr_from_skb", "use bpf_dynptr_from_xdp() (kernel 6.3+)"},
	{BPF_PROG_TYPE_SCHED_CLS, "bpf_dynptr_from_xdp", "use bpf_dynptr_from_skb() (kernel 6.3+)"},
	{BPF_PROG_TYPE_SCHED_CLS, "bpf_xdp_load_bytes", "use bpf_skb_load_bytes()"},
};

static const char *counterpart(uint32_t type, const char *func)
{
	for (size_t i = 0; i < sizeof(counterparts) / sizeof(counterparts[0]); i++)
		if (counterparts[i].type == type && !strcmp(counterparts[i].func, func))
			return counterparts[i].instead;
	return NULL;
}

static void helper_type(struct ctx *c)
{
	char name[64] = "?";
	long long id = -1;
	if (!vlog_name_before_hash(c->msg, "cannot use helper ", name, sizeof(name)))
		vlog_name_before_hash(c->msg, "unknown func ", name, sizeof(name));
	const char *hash = vlog_span_find(c->msg, "#");
	if (hash)
		vlog_num_after((struct vlog_span){hash, (size_t)(c->msg.s + c->msg.n - hash)}, "#", &id);
	put(c->h->what, sizeof(c->h->what), "%s programs may not call helper %s (#%lld)", type_name(c), name, id);
	const char *instead = counterpart(c->p->prog_type, name);
	if (instead)
		put(c->h->fix, sizeof(c->h->fix), "%s", instead);
	else
		put(c->h->fix, sizeof(c->h->fix),
		    "use a helper %s programs have, or move this code into a program of a type that may call %s (`bpftool feature probe` lists the helpers of each type)",
		    type_name(c), name);
}

static void kfunc_type(struct ctx *c)
{
	char name[64] = "?";
	vlog_name_before_hash(c->msg, "calling kernel function ", name, sizeof(name));
	put(c->h->what, sizeof(c->h->what), "%s programs may not call kfunc %s", type_name(c), name);
	const char *instead = counterpart(c->p->prog_type, name);
	if (instead)
		put(c->h->fix, sizeof(c->h->fix), "%s", instead);
	else
		put(c->h->fix, sizeof(c->h->fix),
		    "the kernel offers each kfunc to some program types only: call %s from one of those, or find what %s programs have instead",
		    name, type_name(c));
}

static void gpl_only(struct ctx *c)
{
	char name[64] = "";
	if (c->v->insn.n)
		vlog_name_before_hash(c->v->insn, "call ", name, sizeof(name));
	const char *lic = c->p->license;
	if (lic)
		put(c->h->what, sizeof(c->h->what), "%s is GPL-only, and the license \"%.60s\" is not GPL-compatible",
		    name[0] ? name : "a helper it calls", lic);
	else
		put(c->h->what, sizeof(c->h->what), "%s is GPL-only, and the object declares no license",
		    name[0] ? name : "a helper it calls");
	const char *want = "GPL";
	if (lic && strstr(lic, "MIT"))
		want = "Dual MIT/GPL";
	else if (lic && strstr(lic, "BSD"))
		want = "Dual BSD/GPL";
	else if (lic && strstr(lic, "MPL"))
		want = "Dual MPL/GPL";
	bool printk = !strcmp(name, "bpf_trace_printk") || !strcmp(name, "bpf_trace_vprintk");
	put(c->h->fix, sizeof(c->h->fix),
	    "if the program may be GPL-licensed, declare `char LICENSE[] SEC(\"license\") = \"%s\";` (the kernel takes \"GPL\", \"GPL v2\", \"Dual BSD/GPL\", \"Dual MIT/GPL\", \"Dual MPL/GPL\"); otherwise do without %s%s",
	    want, name[0] ? name : "that helper", printk ? " (bpf_printk calls it)" : "");
}

/* -- return values, the context -- */

/* A number written as decimal or 0x hex; false if none at p. */
static bool parse_num(const char *p, const char *e, long long *v, const char **after)
{
	bool neg = p < e && *p == '-';
	if (neg)
		p++;
	int base = 10;
	if (e - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	const char *s = p;
	long long x = 0;
	for (; p < e && x < (1LL << 56); p++) {
		int d = vlog_is_digit(*p) ? *p - '0' : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10 : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10 : 99;
		if (d >= base)
			break;
		x = x * base + d;
	}
	if (p == s)
		return false;
	*v = neg ? -x : x;
	if (after)
		*after = p;
	return true;
}

/* Two numbers after open ("[" or "("): "[0, 1]" (6.18) or the tnum "(0x0; 0x1)" (6.1: value; mask),
 * as a range. */
static bool range_after(struct vlog_span l, const char *key, long long *lo, long long *hi)
{
	const char *k = vlog_span_find(l, key);
	if (!k)
		return false;
	const char *p = k + strlen(key), *e = l.s + l.n;
	while (p < e && (*p == ' '))
		p++;
	if (p >= e || (*p != '[' && *p != '('))
		return false;
	bool tnum = *p == '(';
	long long a, b;
	const char *q;
	if (!parse_num(p + 1, e, &a, &q))
		return false;
	while (q < e && (*q == ',' || *q == ';' || *q == ' '))
		q++;
	if (!parse_num(q, e, &b, NULL))
		return false;
	*lo = a;
	*hi = tnum ? (a | b) : b;
	return true;
}

static void return_range(struct ctx *c)
{
	long long lo = 0, hi = 0, smin, smax;
	bool range = range_after(c->msg, "should have been in", &lo, &hi);
	char got[96];
	const char *val = vlog_span_find(c->msg, "has value (");
	long long v, m;
	if (vlog_num_after(c->msg, "smin=", &smin) && vlog_num_after(c->msg, "smax=", &smax))
		smin == smax ? put(got, sizeof(got), "returns %lld", smin) : put(got, sizeof(got), "may return %lld to %lld", smin, smax);
	else if (val && parse_num(val + 11, c->msg.s + c->msg.n, &v, NULL) && range_after(c->msg, "has value", &v, &m))
		v == m ? put(got, sizeof(got), "returns %lld", v) : put(got, sizeof(got), "may return %lld to %lld", v, m);
	else
		put(got, sizeof(got), "returns a value the verifier cannot bound");
	if (range)
		put(c->h->what, sizeof(c->h->what), "%s programs must return a value in [%lld, %lld]; this path %s",
		    type_name(c), lo, hi, got);
	else
		put(c->h->what, sizeof(c->h->what), "the return value is out of the range %s programs may return: this path %s",
		    type_name(c), got);
	switch (c->p->prog_type) {
	case BPF_PROG_TYPE_CGROUP_SKB:
		put(c->h->fix, sizeof(c->h->fix),
		    "return 1 to let the packet through or 0 to drop it (egress programs may add 2 for congestion notification)");
		break;
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		put(c->h->fix, sizeof(c->h->fix), "return 1 to allow the operation or 0 to refuse it, on every path");
		break;
	default:
		if (range)
			put(c->h->fix, sizeof(c->h->fix), "return a constant in [%lld, %lld] on every path", lo, hi);
		else
			put(c->h->fix, sizeof(c->h->fix), "return a constant the program type allows on every path");
	}
}

/* What a program type's context is, and how its data is read instead. */
static const struct {
	uint32_t type;
	const char *ctx, *how;
} contexts[] = {
	{BPF_PROG_TYPE_XDP, "struct xdp_md", NULL},
	{BPF_PROG_TYPE_SCHED_CLS, "struct __sk_buff", NULL},
	{BPF_PROG_TYPE_SCHED_ACT, "struct __sk_buff", NULL},
	{BPF_PROG_TYPE_CGROUP_SKB, "struct __sk_buff", NULL},
	{BPF_PROG_TYPE_SOCKET_FILTER, "struct __sk_buff", NULL},
	{BPF_PROG_TYPE_SK_SKB, "struct __sk_buff", NULL},
	{BPF_PROG_TYPE_FLOW_DISSECTOR, "struct __sk_buff", NULL},
	{BPF_PROG_TYPE_SOCK_OPS, "struct bpf_sock_ops", NULL},
	{BPF_PROG_TYPE_CGROUP_SOCK, "struct bpf_sock", NULL},
	{BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "struct bpf_sock_addr", NULL},
	{BPF_PROG_TYPE_SK_MSG, "struct sk_msg_md", NULL},
	{BPF_PROG_TYPE_SK_LOOKUP, "struct bpf_sk_lookup", NULL},
	{BPF_PROG_TYPE_CGROUP_SYSCTL, "struct bpf_sysctl", NULL},
	{BPF_PROG_TYPE_CGROUP_SOCKOPT, "struct bpf_sockopt", NULL},
	{BPF_PROG_TYPE_CGROUP_DEVICE, "struct bpf_cgroup_dev_ctx", NULL},
	{BPF_PROG_TYPE_PERF_EVENT, "struct bpf_perf_event_data", NULL},
	{BPF_PROG_TYPE_KPROBE, "struct pt_regs", "read arguments with PT_REGS_PARM1(ctx)... or name them with BPF_KPROBE()"},
	{BPF_PROG_TYPE_TRACEPOINT, "the tracepoint's record",
	 "declare the record as the event's format file says (tracefs: events/CATEGORY/NAME/format) and read only inside it"},
	{BPF_PROG_TYPE_RAW_TRACEPOINT, "the array of the tracepoint's arguments",
	 "read only as many arguments as the tracepoint has (BPF_PROG() names them)"},
	{BPF_PROG_TYPE_TRACING, "the array of the function's arguments",
	 "read only as many arguments as the function has (BPF_PROG() names them)"},
};

static void ctx_access(struct ctx *c)
{
	const char *ctx = "its context", *how = NULL;
	for (size_t i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++)
		if (contexts[i].type == c->p->prog_type) {
			ctx = contexts[i].ctx;
			how = contexts[i].how;
		}
	long long off = 0, size = 0;
	if (vlog_starts(c->msg, "dereference of modified ctx ptr")) {
		vlog_num_after(c->msg, "off=", &off);
		put(c->h->what, sizeof(c->h->what),
		    "the context pointer was moved (by %lld) before a read through it; %s programs read %s only at fixed offsets from the pointer they were given",
		    off, type_name(c), ctx);
		put(c->h->fix, sizeof(c->h->fix),
		    "read each field through the context pointer itself (ctx->field), not through a copy moved by arithmetic");
		return;
	}
	vlog_num_after(c->msg, "off=", &off);
	vlog_num_after(c->msg, "size=", &size);
	put(c->h->what, sizeof(c->h->what),
	    "an access to %s (the context of %s programs) at offset %lld, size %lld, which the kernel does not allow", ctx,
	    type_name(c), off, size);
	if (how)
		put(c->h->fix, sizeof(c->h->fix), "%s", how);
	else
		put(c->h->fix, sizeof(c->h->fix),
		    "use only the fields of %s, by name and with their declared size (the kernel rewrites those accesses); other data is reached through helpers",
		    ctx);
}

static void core_poison(struct ctx *c)
{
	put(c->h->what, sizeof(c->h->what),
	    "the program reaches a CO-RE relocation rawload could not resolve against this kernel's BTF (it put a call to helper #%d there)",
	    RELOC_CORE_POISON);
	put(c->h->fix, sizeof(c->h->fix),
	    "run with -v to see which relocation failed; guard that access with bpf_core_field_exists() or bpf_core_type_exists() so this kernel skips it");
}

/* ---- the table: message -> cause ----------------------------------------------------------- */

static const struct {
	const char *text;     /* found in a line of the kernel's closing words */
	bool at_start;        /* only at the line's start */
	enum vhint_cause cause;
	void (*explain)(struct ctx *c);
} patterns[] = {
	{"invalid access to packet", true, VHINT_PACKET_BOUNDS, packet_bounds},
	{"_or_null'", false, VHINT_NULL_CHECK, null_check},
	{"invalid indirect read from stack", true, VHINT_UNINIT_STACK, uninit_stack},
	{"invalid read from stack", true, VHINT_UNINIT_STACK, uninit_stack},
	{" !read_ok", false, VHINT_UNINIT_REG, uninit_reg},
	{"combined stack size of ", true, VHINT_STACK_SIZE, stack_size},
	{"infinite loop detected", true, VHINT_LOOP, loop},
	{"back-edge from insn", true, VHINT_LOOP, loop},
	{"BPF program is too large", true, VHINT_TOO_LARGE, too_large},
	{"The sequence of ", true, VHINT_TOO_LARGE, too_large},
	{"invalid func unknown#195896080", true, VHINT_CORE_POISON, core_poison},
	{"program of this type cannot use helper ", true, VHINT_HELPER_TYPE, helper_type},
	{"unknown func ", true, VHINT_HELPER_TYPE, helper_type},
	{"calling kernel function ", true, VHINT_KFUNC_TYPE, kfunc_type},
	{"cannot call GPL-restricted function", true, VHINT_GPL_ONLY, gpl_only},
	{"the register R0 has ", false, VHINT_RETURN_RANGE, return_range},
	{"invalid bpf_context access", true, VHINT_CTX_ACCESS, ctx_access},
	{"dereference of modified ctx ptr", true, VHINT_CTX_ACCESS, ctx_access},
};
_Static_assert(RELOC_CORE_POISON == 195896080, "the poison pattern above spells RELOC_CORE_POISON");

static const char *const cause_names[] = {
	[VHINT_UNKNOWN] = "unknown",           [VHINT_PACKET_BOUNDS] = "packet-bounds",
	[VHINT_NULL_CHECK] = "null-check",     [VHINT_UNINIT_STACK] = "uninit-stack",
	[VHINT_UNINIT_REG] = "uninit-reg",     [VHINT_STACK_SIZE] = "stack-size",
	[VHINT_LOOP] = "loop",                 [VHINT_TOO_LARGE] = "too-large",
	[VHINT_HELPER_TYPE] = "helper-type",   [VHINT_KFUNC_TYPE] = "kfunc-type",
	[VHINT_GPL_ONLY] = "gpl-only",         [VHINT_RETURN_RANGE] = "return-range",
	[VHINT_CTX_ACCESS] = "ctx-access",     [VHINT_CORE_POISON] = "core-poison",
};

const char *vhint_cause_name(enum vhint_cause c)
{
	return (unsigned)c < sizeof(cause_names) / sizeof(cause_names[0]) && cause_names[c] ? cause_names[c] : "?";
}

static bool matches(struct vlog_span l, size_t i)
{
	return patterns[i].at_start ? vlog_starts(l, patterns[i].text) : vlog_span_find(l, patterns[i].text) != NULL;
}

enum vhint_cause vhint_explain(const char *log, const struct vhint_prog *p, struct vhint *h)
{
	memset(h, 0, sizeof(*h));
	struct vlog v;
	vlog_cut(log ? log : "", &v);
	struct ctx c = {.v = &v, .p = p, .h = h};
	if (v.src_at != (size_t)-1) {
		struct vlog_span t = vlog_source_text(vlog_line_at(v.log, v.src_at, v.end), h->file, sizeof(h->file), &h->line);
		put(h->source, sizeof(h->source), "%.*s", (int)(t.n < 250 ? t.n : 250), t.s);
		vlog_clean_c(t, c.code, sizeof(c.code));
		h->line_kind = VHINT_LINE_FAILING;
	}
	/* The first closing line that says a known cause. */
	for (size_t pos = v.tail; pos < v.end;) {
		struct vlog_span l = vlog_line_at(v.log, pos, v.end);
		for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
			if (!matches(l, i))
				continue;
			h->cause = patterns[i].cause;
			h->kernel_msg = l.s;
			h->kernel_msg_len = l.n;
			c.msg = l;
			patterns[i].explain(&c);
			return h->cause;
		}
		pos += l.n + 1;
	}
	/* A log that lost its end (kernels before 6.4 keep the beginning) with the load's E2BIG. */
	if (p && p->err == -E2BIG) {
		h->cause = VHINT_TOO_LARGE;
		too_large(&c);
		h->line_kind = VHINT_LINE_NONE;
		return h->cause;
	}
	return VHINT_UNKNOWN;
}
