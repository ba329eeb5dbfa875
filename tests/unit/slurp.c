/* tests/unit/slurp.c — reads a whole test file into memory (see slurp.h). Knows nothing of what
 * is in it. */
#include "slurp.h"

#include <stdio.h>
#include <stdlib.h>

#include "check.h"

uint8_t *slurp(const char *rel, size_t *size)
{
	FILE *f = fopen(test_path(rel), "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}
