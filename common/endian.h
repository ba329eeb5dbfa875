/* common/endian.h — reading integers stored in a file's byte order.
 * ELF, BTF and .BTF.ext follow the object's byte order (bpfel or bpfeb); `swap` is true when that
 * differs from the host's. Reads go through memcpy, so unaligned input is fine. Header-only. */
#ifndef RAWLOAD_ENDIAN_H
#define RAWLOAD_ENDIAN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline bool host_is_big_endian(void)
{
	const uint16_t one = 1;
	return *(const uint8_t *)&one == 0;
}

static inline uint16_t bswap16_(uint16_t v) { return (uint16_t)((v >> 8) | (v << 8)); }
static inline uint32_t bswap32_(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}
static inline uint64_t bswap64_(uint64_t v)
{
	return ((uint64_t)bswap32_((uint32_t)v) << 32) | bswap32_((uint32_t)(v >> 32));
}

static inline uint16_t rd16(const void *p, bool swap)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return swap ? bswap16_(v) : v;
}
static inline uint32_t rd32(const void *p, bool swap)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return swap ? bswap32_(v) : v;
}
static inline uint64_t rd64(const void *p, bool swap)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return swap ? bswap64_(v) : v;
}

#endif
