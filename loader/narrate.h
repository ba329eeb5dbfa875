/* loader/narrate.h — how the passes tell what they do (-v) without printing: they hand one line
 * at a time to a callback the CLI provides. A NULL narrator or callback says nothing. */
#ifndef RAWLOAD_NARRATE_H
#define RAWLOAD_NARRATE_H

#include <stdarg.h>
#include <stdio.h>

#include "bpf/sys.h"

struct narrator {
	void (*line)(void *ctx, const char *text); /* text has no trailing newline */
	void *ctx;
};

static inline void narrate(const struct narrator *n, const char *fmt, ...)
{
	if (!n || !n->line)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n->line(n->ctx, buf);
}

/* "fd 7" for a new fd, "ok" for 0, the errno's name for a failure: how -v shows a call's result. */
static inline const char *narrate_result(int r, char buf[24])
{
	if (r < 0)
		return sys_errno_name(r);
	if (r == 0)
		return "ok";
	snprintf(buf, 24, "fd %d", r);
	return buf;
}

#endif
