/* loader/load/verifier_log.h — a verifier log read as text, for verifier_hint.c: the walk, the
 * kernel's closing words, the source lines it quoted (line_info: "; code @ file:line" from 6.x on,
 * "; code" before) and the pointers a C line reads through. Pure; knows no cause. */
#ifndef RAWLOAD_VERIFIER_LOG_H
#define RAWLOAD_VERIFIER_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* A piece of the log (not NUL-terminated). */
struct vlog_span {
	const char *s;
	size_t n;
};

/* The log, cut up. */
struct vlog {
	const char *log;
	size_t end;              /* where the closing statistics ("processed N insns ...") begin */
	size_t tail;             /* where the kernel's closing words begin (after the last instruction) */
	struct vlog_span insn;   /* the last instruction line ("7: (85) call bpf_x#26"), n = 0 if none */
	size_t src_at;           /* offset of the last quoted line with text before the tail; -1 if none */
};

/* Cut log (NUL-terminated). */
void vlog_cut(const char *log, struct vlog *v);
/* The line that starts at pos (pos <= end). */
struct vlog_span vlog_line_at(const char *log, size_t pos, size_t end);
/* A quoted line's C text, without "; " and " @ file:line" (file and line filled when present,
 * else "" and 0; either may be NULL). */
struct vlog_span vlog_source_text(struct vlog_span l, char *file, size_t nfile, unsigned *line);
/* Calls fn on the quoted lines before v->src_at, nearest first, until it returns true (then true);
 * at most a few thousand lines back. */
typedef bool (*vlog_source_fn)(struct vlog_span text, void *ctx);
bool vlog_each_source_before(const struct vlog *v, vlog_source_fn fn, void *ctx);

/* Text helpers over spans. */
bool vlog_starts(struct vlog_span l, const char *prefix);
const char *vlog_span_find(struct vlog_span l, const char *needle);
/* The number after key ("off=" in "off=23 size=1"), decimal, may be negative; false if none. */
bool vlog_num_after(struct vlog_span l, const char *key, long long *v);
/* The identifier right after the text after ("call " in "call bpf_x#26" -> "bpf_x"). */
bool vlog_name_before_hash(struct vlog_span l, const char *after, char *name, size_t n);

/* C lines. */
static inline bool vlog_is_digit(char c)
{
	return c >= '0' && c <= '9';
}
static inline bool vlog_is_ident(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || vlog_is_digit(c);
}
const char *vlog_skip_sp(const char *p);
/* The C text without comments and string literals (a literal becomes 0), NUL-terminated. */
void vlog_clean_c(struct vlog_span t, char *out, size_t n);
/* The pointers a (cleaned) C line reads through, each named once, in order. */
enum vlog_deref_kind { VLOG_ARROW, VLOG_INDEX, VLOG_STAR, VLOG_CAST };
struct vlog_deref {
	enum vlog_deref_kind kind; /* p->f, p[i], *p, *(T *)p */
	char name[64];
	char index[64];            /* VLOG_INDEX: the subscript's text */
};
int vlog_find_derefs(const char *line, struct vlog_deref *d, int max);
/* Whether word occurs in s[0..n) as a whole identifier. */
bool vlog_has_word(const char *s, size_t n, const char *word);
/* The identifier assigned in "T *name = expr" or "name = expr" where expr holds what. */
bool vlog_assigned_from(struct vlog_span t, const char *what, char *name, size_t n);
/* Argument k (0-based) of the first helper call (bpf_...) in a cleaned line, trimmed. */
bool vlog_call_arg(const char *code, int k, char *out, size_t n);

#endif
