/* loader/load/verifier_log.c — a verifier log read as text (verifier_log.h): cut into the walk and
 * the kernel's closing words, quoted source lines with their location, and the pointers a C line
 * reads through. Doesn't own what any of it means (verifier_hint.c does). */
#include "loader/load/verifier_log.h"

#include <stdio.h>
#include <string.h>


bool vlog_starts(struct vlog_span l, const char *prefix)
{
	size_t k = strlen(prefix);
	return l.n >= k && memcmp(l.s, prefix, k) == 0;
}

/* The first occurrence of needle in l, or NULL. */
const char *vlog_span_find(struct vlog_span l, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; k <= l.n && i <= l.n - k; i++)
		if (memcmp(l.s + i, needle, k) == 0)
			return l.s + i;
	return NULL;
}

/* The line that starts at pos (pos < end). */
struct vlog_span vlog_line_at(const char *log, size_t pos, size_t end)
{
	size_t e = pos;
	while (e < end && log[e] != '\n')
		e++;
	return (struct vlog_span){log + pos, e - pos};
}

/* Where the line before the one starting at pos starts; false when pos is the first. */
static bool prev_line_start(const char *log, size_t *pos)
{
	if (*pos == 0)
		return false;
	size_t p = *pos - 1; /* the '\n' ending the previous line */
	while (p > 0 && log[p - 1] != '\n')
		p--;
	*pos = p;
	return true;
}

/* "12: (71) r1 = ..." or "12: R1=..." (a state line): the verifier's walk, not its verdict. */
static bool is_insn_line(struct vlog_span l)
{
	size_t i = 0;
	while (i < l.n && vlog_is_digit(l.s[i]))
		i++;
	return i > 0 && i + 1 < l.n && l.s[i] == ':' && l.s[i + 1] == ' ';
}

static bool is_stats_line(struct vlog_span l)
{
	return vlog_starts(l, "processed ") || vlog_starts(l, "verification time") || vlog_starts(l, "stack depth") ||
	       vlog_starts(l, "from ") || l.n == 0;
}

/* A quoted source line ("; text @ file:line" on 6.18, "; text" before): its text and location. */
struct vlog_span vlog_source_text(struct vlog_span l, char *file, size_t nfile, unsigned *line)
{
	struct vlog_span t = {l.s + 1, l.n - 1};
	if (t.n && t.s[0] == ' ')
		t.s++, t.n--;
	if (file)
		file[0] = '\0';
	if (line)
		*line = 0;
	/* The last " @ name:digits" is the location (the C text itself may hold " @ "). */
	for (size_t i = t.n; i >= 3; i--) {
		if (memcmp(t.s + i - 3, " @ ", 3) != 0)
			continue;
		const char *loc = t.s + i, *colon = NULL;
		size_t ln = t.n - i;
		for (size_t k = ln; k > 0; k--)
			if (loc[k - 1] == ':') {
				colon = loc + k - 1;
				break;
			}
		if (!colon || colon == loc || colon + 1 == loc + ln)
			break;
		unsigned no = 0;
		bool digits = true;
		for (const char *d = colon + 1; d < loc + ln; d++) {
			if (!vlog_is_digit(*d) || no > 100000000u) {
				digits = false;
				break;
			}
			no = no * 10 + (unsigned)(*d - '0');
		}
		if (!digits)
			break;
		if (file)
			snprintf(file, nfile, "%.*s", (int)(colon - loc), loc);
		if (line)
			*line = no;
		t.n = i - 3;
		break;
	}
	while (t.n && (t.s[t.n - 1] == ' ' || t.s[t.n - 1] == '\t'))
		t.n--;
	return t;
}

void vlog_cut(const char *log, struct vlog *v)
{
	v->log = log;
	v->insn = (struct vlog_span){NULL, 0};
	v->src_at = (size_t)-1;
	/* Drop trailing blank lines and the closing statistics. */
	size_t end = strlen(log), start;
	for (;;) {
		while (end && (log[end - 1] == '\n' || log[end - 1] == ' '))
			end--;
		start = end;
		while (start && log[start - 1] != '\n')
			start--;
		if (end == 0 || !is_stats_line((struct vlog_span){log + start, end - start}))
			break;
		end = start;
	}
	v->end = end;
	/* The kernel's closing words: the lines after the last instruction or quoted line. */
	v->tail = 0;
	size_t p = start;
	for (;;) {
		struct vlog_span l = vlog_line_at(log, p, end);
		if (is_insn_line(l) || (l.n && l.s[0] == ';')) {
			v->tail = p + l.n < end ? p + l.n + 1 : end;
			break;
		}
		if (!prev_line_start(log, &p))
			break;
	}
	/* The last instruction, and the last quoted line with any text, before the tail. */
	p = v->tail;
	while (prev_line_start(log, &p)) {
		struct vlog_span l = vlog_line_at(log, p, end);
		if (!v->insn.n && is_insn_line(l) && vlog_span_find(l, ": ("))
			v->insn = l;
		if (l.n && l.s[0] == ';' && vlog_source_text(l, NULL, 0, NULL).n) {
			v->src_at = p;
			break;
		}
	}
}

/* ---- the C line: comments and strings out, then the pointers it reads through ----------------- */

/* The quoted line's text without comments and string literals, NUL-terminated. */
void vlog_clean_c(struct vlog_span t, char *out, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < t.n && o + 1 < n; i++) {
		char c = t.s[i];
		if (c == '/' && i + 1 < t.n && t.s[i + 1] == '/')
			break;
		if (c == '/' && i + 1 < t.n && t.s[i + 1] == '*') {
			size_t k = i + 2;
			while (k + 1 < t.n && !(t.s[k] == '*' && t.s[k + 1] == '/'))
				k++;
			i = k + 1;
			out[o++] = ' ';
			continue;
		}
		if (c == '"' || c == '\'') {
			size_t k = i + 1;
			while (k < t.n && t.s[k] != c)
				k += t.s[k] == '\\' ? 2 : 1;
			i = k;
			out[o++] = '0';
			continue;
		}
		out[o++] = c;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

const char *vlog_skip_sp(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The last non-blank character before p in line, or '\0'. */
static char prev_char(const char *line, const char *p)
{
	while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	return p > line ? p[-1] : '\0';
}

static bool keyword_before(const char *line, const char *p, const char *kw)
{
	while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	size_t k = strlen(kw);
	return (size_t)(p - line) >= k && memcmp(p - k, kw, k) == 0 && (p - k == line || !vlog_is_ident(*(p - k - 1)));
}

/* A '*' at p is a dereference (not a multiplication or part of a type). */
static bool unary_star(const char *line, const char *p)
{
	char c = prev_char(line, p);
	return c == '\0' || strchr("(=,!&|?:;{}+-<>/%^~[", c) || keyword_before(line, p, "return");
}

static void add_deref(struct vlog_deref *d, int *n, int max, enum vlog_deref_kind k, const char *name, size_t len,
		      const char *index, size_t ilen)
{
	if (*n >= max || len >= sizeof(d->name) || ilen >= sizeof(d->index))
		return;
	for (int i = 0; i < *n; i++)
		if (strlen(d[i].name) == len && !memcmp(d[i].name, name, len))
			return; /* one entry per pointer */
	d[*n].kind = k;
	memcpy(d[*n].name, name, len);
	d[*n].name[len] = '\0';
	memcpy(d[*n].index, index ? index : "", ilen);
	d[*n].index[ilen] = '\0';
	(*n)++;
}

/* The pointers line reads through: p->f, p[i], *p and *(T *)p. Members (a.b->c) are not pointers
 * of the line's own: they are skipped. */
int vlog_find_derefs(const char *line, struct vlog_deref *d, int max)
{
	int n = 0;
	for (const char *p = line; *p;) {
		if (*p == '*' && unary_star(line, p)) {
			const char *q = vlog_skip_sp(p + 1);
			if (*q == '(') { /* *(T *)name */
				const char *close = strchr(q, ')');
				if (close && prev_char(q, close) == '*') {
					const char *r = vlog_skip_sp(close + 1), *s = r;
					while (vlog_is_ident(*s))
						s++;
					if (s > r && !vlog_is_digit(*r) && *vlog_skip_sp(s) != '(' && *vlog_skip_sp(s) != '-' && *vlog_skip_sp(s) != '[')
						add_deref(d, &n, max, VLOG_CAST, r, (size_t)(s - r), NULL, 0);
				}
			} else if (vlog_is_ident(*q) && !vlog_is_digit(*q)) { /* *name */
				const char *s = q;
				while (vlog_is_ident(*s))
					s++;
				const char *after = vlog_skip_sp(s);
				if (*after != '(' && *after != '[' && *after != '.' && strncmp(after, "->", 2) != 0)
					add_deref(d, &n, max, VLOG_STAR, q, (size_t)(s - q), NULL, 0);
			}
			p++;
			continue;
		}
		if (vlog_is_ident(*p) && !vlog_is_digit(*p)) {
			const char *s = p;
			while (vlog_is_ident(*s))
				s++;
			char before = prev_char(line, p);
			bool member = before == '.' || (before == '>' && p - line >= 2 && prev_char(line, p - 1) == '-');
			const char *after = vlog_skip_sp(s);
			if (!member && strncmp(after, "->", 2) == 0) {
				add_deref(d, &n, max, VLOG_ARROW, p, (size_t)(s - p), NULL, 0);
			} else if (!member && *after == '[') {
				int depth = 0;
				const char *e = after;
				for (; *e; e++) {
					depth += *e == '[';
					depth -= *e == ']';
					if (!depth)
						break;
				}
				if (*e == ']')
					add_deref(d, &n, max, VLOG_INDEX, p, (size_t)(s - p), after + 1, (size_t)(e - after - 1));
			}
			p = s;
			continue;
		}
		p++;
	}
	return n;
}

/* Whether word occurs in s as a whole identifier. */
bool vlog_has_word(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);
	for (size_t i = 0; k && i + k <= n; i++)
		if (!memcmp(s + i, word, k) && (i == 0 || !vlog_is_ident(s[i - 1])) && (i + k == n || !vlog_is_ident(s[i + k])))
			return true;
	return false;
}

/* The identifier assigned in "T *name = expr" / "name = expr" when expr contains what; "" if not. */
bool vlog_assigned_from(struct vlog_span t, const char *what, char *name, size_t n)
{
	const char *w = vlog_span_find(t, what);
	if (!w)
		return false;
	const char *eq = NULL;
	for (const char *p = t.s; p < w; p++)
		if (*p == '=' && (p == t.s || !strchr("=!<>+-*/%&|^", p[-1])) && p + 1 < w && p[1] != '=')
			eq = p;
	if (!eq)
		return false;
	const char *e = eq;
	while (e > t.s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	const char *b = e;
	while (b > t.s && vlog_is_ident(b[-1]))
		b--;
	if (b == e || vlog_is_digit(*b) || (size_t)(e - b) >= n)
		return false;
	snprintf(name, n, "%.*s", (int)(e - b), b);
	return true;
}

/* Quoted lines before the failing one, newest first: calls fn until it returns true. At most
 * LOOK_BACK lines back (a million-instruction log quotes the same few lines over and over; the
 * names a hint wants are near), so a hint costs a bounded walk whatever the log's size. */
enum { LOOK_BACK = 20000 };
bool vlog_each_source_before(const struct vlog *v, vlog_source_fn fn, void *ctx)
{
	if (v->src_at == (size_t)-1)
		return false;
	size_t p = v->src_at;
	for (int seen = 0; seen < LOOK_BACK && prev_line_start(v->log, &p); seen++) {
		struct vlog_span l = vlog_line_at(v->log, p, v->end);
		if (!l.n || l.s[0] != ';')
			continue;
		struct vlog_span t = vlog_source_text(l, NULL, 0, NULL);
		if (t.n && fn(t, ctx))
			return true;
	}
	return false;
}

bool vlog_num_after(struct vlog_span l, const char *key, long long *v)
{
	const char *k = vlog_span_find(l, key);
	if (!k)
		return false;
	const char *p = k + strlen(key), *e = l.s + l.n;
	bool neg = p < e && *p == '-';
	if (neg)
		p++;
	if (p >= e || !vlog_is_digit(*p))
		return false;
	long long x = 0;
	while (p < e && vlog_is_digit(*p) && x < (1LL << 40))
		x = x * 10 + (*p++ - '0');
	*v = neg ? -x : x;
	return true;
}

/* "name" from "...name#26..." ending at '#', scanning back from hash. */
bool vlog_name_before_hash(struct vlog_span l, const char *after, char *name, size_t n)
{
	const char *s = vlog_span_find(l, after);
	if (!s)
		return false;
	s += strlen(after);
	const char *e = s;
	while (e < l.s + l.n && vlog_is_ident(*e))
		e++;
	if (e == s || (size_t)(e - s) >= n)
		return false;
	snprintf(name, n, "%.*s", (int)(e - s), s);
	return true;
}

bool vlog_call_arg(const char *code, int k, char *out, size_t n)
{
	const char *p = strstr(code, "bpf_");
	while (p && p > code && vlog_is_ident(p[-1]))
		p = strstr(p + 1, "bpf_");
	if (!p)
		return false;
	while (vlog_is_ident(*p))
		p++;
	p = vlog_skip_sp(p);
	if (*p != '(')
		return false;
	int depth = 0, arg = 0;
	const char *start = p + 1;
	for (const char *q = p; *q; q++) {
		if (*q == '(' || *q == '[')
			depth++;
		else if (*q == ')' || *q == ']')
			depth--;
		if ((*q == ',' && depth == 1) || depth == 0) {
			if (arg == k) {
				const char *e = q;
				start = vlog_skip_sp(start);
				while (e > start && (e[-1] == ' ' || e[-1] == '\t'))
					e--;
				if (e <= start || (size_t)(e - start) >= n)
					return false;
				snprintf(out, n, "%.*s", (int)(e - start), start);
				return true;
			}
			arg++;
			start = q + 1;
			if (depth == 0)
				break;
		}
	}
	return false;
}
