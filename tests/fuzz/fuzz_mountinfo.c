/* tests/fuzz/fuzz_mountinfo.c — libFuzzer target for the /proc/self/mountinfo line parser
 * (bpf/fs.h): any bytes, cut at the first NUL as a C string would be; on success the three fields
 * must be NUL-terminated inside the line's own buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const char *p, const char *buf, size_t n)
{
	return p >= buf && p < buf + n && memchr(p, '\0', (size_t)(buf + n - p)) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	struct fs_mountinfo m;
	if (fs_mountinfo_parse(line, &m) == 0 &&
	    (!inside(m.root, line, size + 1) || !inside(m.point, line, size + 1) || !inside(m.fstype, line, size + 1) ||
	     m.point[0] != '/'))
		abort();
	free(line);
	return 0;
}
