/* loader/show/trace.c — splitting trace_pipe's text into the display's lines (see trace.h). */
#include "loader/show/trace.h"

#include <string.h>

void show_trace_lines(struct strbuf *out, char *buf, size_t *len, size_t cap, bool json)
{
	size_t at = 0;
	const char *nl;
	while (at < *len && (nl = memchr(buf + at, '\n', *len - at))) {
		size_t n = (size_t)(nl - (buf + at));
		if (json) {
			sb_puts(out, "{\"trace\":");
			sb_json_strn(out, buf + at, n);
			sb_puts(out, "}\n");
		} else {
			sb_puts(out, "trace: ");
			sb_putn(out, buf + at, n);
			sb_putc(out, '\n');
		}
		at += n + 1;
	}
	*len -= at;
	memmove(buf, buf + at, *len);
	if (cap && *len >= cap - 1)
		*len = 0; /* a line longer than the buffer: drop it */
}
