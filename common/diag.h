/* common/diag.h — the diagnostic record.
 * Code that finds a problem fills one line that starts with its subject ("elf: section 7: ...");
 * only the CLI prints it, once. Header-only so every module (elf/, btf/, bpf/, loader/) can use it
 * without depending on each other. */
#ifndef RAWLOAD_DIAG_H
#define RAWLOAD_DIAG_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct diag {
	char msg[320]; /* one line, NUL-terminated; empty when nothing went wrong */
};

/* Set the message and return err (a negative errno), so callers can write
 * `return diag_set(d, -EINVAL, "elf: ...")`. d may be NULL. */
static inline int diag_set(struct diag *d, int err, const char *fmt, ...)
{
	if (d) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Put a subject in front of a message set deeper down ("prog 'x': " + "relo #3: ...").
 * Returns err like diag_set. */
static inline int diag_wrap(struct diag *d, int err, const char *fmt, ...)
{
	if (d) {
		char head[160], tail[sizeof(d->msg)];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(head, sizeof(head), fmt, ap);
		va_end(ap);
		memcpy(tail, d->msg, sizeof(tail));
		size_t h = strlen(head), t = strnlen(tail, sizeof(tail) - 1);
		if (h > sizeof(d->msg) - 1)
			h = sizeof(d->msg) - 1;
		if (t > sizeof(d->msg) - 1 - h)
			t = sizeof(d->msg) - 1 - h;
		memcpy(d->msg, head, h);
		memcpy(d->msg + h, tail, t);
		d->msg[h + t] = '\0';
	}
	return err;
}

#endif
