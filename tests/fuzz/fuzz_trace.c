/* tests/fuzz/fuzz_trace.c — libFuzzer target for reading trace_pipe (loader/show/trace.h): the input
 * arrives in reads of sizes the first byte chooses, into the display's 8 KiB buffer, as text and as
 * JSON. Every output line must be a whole "trace: ..." line, or a {"trace":"..."} object with no
 * raw control character inside; the buffer's rest never grows past it. Seeds: trace_pipe lines as
 * bpf_printk writes them (tests/fuzz/seeds.sh). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/show/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { CAP = 8192 };

static void check_json(const struct strbuf *out)
{
	for (size_t at = 0; at < out->len;) {
		const char *line = out->buf + at, *nl = memchr(line, '\n', out->len - at);
		if (!nl)
			abort();
		size_t n = (size_t)(nl - line);
		if (n < 12 || memcmp(line, "{\"trace\":\"", 10) != 0 || memcmp(nl - 2, "\"}", 2) != 0)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] >= 0x7f)
				abort();
		at += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = data[0] ? data[0] * 32u : CAP;
	data++;
	size--;
	for (int json = 0; json < 2; json++) {
		char *buf = malloc(CAP);
		struct strbuf out = {0};
		size_t len = 0;
		if (!buf)
			return 0;
		for (size_t at = 0; at < size;) {
			size_t n = size - at;
			if (n > chunk)
				n = chunk;
			if (n > CAP - 1 - len)
				n = CAP - 1 - len;
			memcpy(buf + len, data + at, n);
			len += n;
			at += n;
			show_trace_lines(&out, buf, &len, CAP, json);
			if (len >= CAP - 1)
				abort();
			if (json)
				check_json(&out);
			sb_reset(&out);
		}
		sb_free(&out);
		free(buf);
	}
	return 0;
}
