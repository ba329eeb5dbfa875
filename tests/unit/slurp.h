/* tests/unit/slurp.h — reads a whole test file (a path relative to RAWLOAD_ROOT, see test_path)
 * into memory; shared by the unit tests that parse or mutate whole objects. */
#ifndef RAWLOAD_SLURP_H
#define RAWLOAD_SLURP_H

#include <stddef.h>
#include <stdint.h>

/* The bytes of rel in a malloc'd buffer (the caller frees it), their count in *size; NULL when the
 * file cannot be opened or read. */
uint8_t *slurp(const char *rel, size_t *size);

#endif
