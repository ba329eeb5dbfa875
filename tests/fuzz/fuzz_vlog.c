/* tests/fuzz/fuzz_vlog.c — libFuzzer target for the verifier-log excerpt (loader/load/load.h,
 * load_log_excerpt: the part of a log that says why, shown without -v): any text, cut at its first
 * NUL as the kernel's log is. The excerpt must lie inside the log. Seeds: real verifier logs of the
 * test programs the verifier rejects (tests/fuzz/seeds.sh loads them as root), and made-up ones. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/load/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *log = malloc(size + 1);
	if (!log)
		return 0;
	memcpy(log, data, size);
	log[size] = '\0';
	size_t n = (size_t)-1, len = strlen(log);
	const char *part = load_log_excerpt(log, &n);
	if (part < log || part > log + len || n > len || (size_t)(part - log) + n > len)
		abort();
	free(log);
	return 0;
}
