/* common/inflate.h — gzip decompression (RFC 1952 around RFC 1951 deflate), pure and bounded: the
 * kernel's /proc/config.gz is the one compressed file rawload reads (for __kconfig externs).
 * It owns: the gzip header, stored/fixed/dynamic deflate blocks, the CRC-32 and length check. It
 * does not own: reading files. Hostile input gets an error, never a read or write out of bounds. */
#ifndef RAWLOAD_INFLATE_H
#define RAWLOAD_INFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

/* Decompress the first gzip member of in[0..n) into a malloc'ed buffer of *out_len bytes (plus a
 * NUL after them, not counted), at most max_out bytes. Returns 0, or -EINVAL (not gzip, corrupt,
 * bad checksum) / -E2BIG (more than max_out) / -ENOMEM with d filled ("gzip: ..."). */
int gunzip(const uint8_t *in, size_t n, size_t max_out, uint8_t **out, size_t *out_len, struct diag *d);

#endif
