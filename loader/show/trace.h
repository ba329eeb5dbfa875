/* loader/show/trace.h — the lines of trace_pipe (bpf_printk's output) as the display shows them:
 * "trace: LINE" or {"trace":"LINE"}. Pure, so the splitting is fuzzed apart from the reading. */
#ifndef RAWLOAD_SHOW_TRACE_H
#define RAWLOAD_SHOW_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"

/* The complete lines in buf[0..*len) go to out; the incomplete rest moves to the front of buf and
 * *len becomes its length, to be completed by the next read. When the rest fills the buffer
 * (*len == cap - 1: a line longer than the buffer) it is dropped. Any bytes: NULs and invalid UTF-8
 * are escaped in JSON. */
void show_trace_lines(struct strbuf *out, char *buf, size_t *len, size_t cap, bool json);

#endif
