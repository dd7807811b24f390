/* Reading integers of a dump's byte order from unaligned memory. */
#ifndef CRASH_ENDIAN_H
#define CRASH_ENDIAN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t get16(const void *p, bool big)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return big ? __builtin_bswap16(v) : v;
}

static inline uint32_t get32(const void *p, bool big)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return big ? __builtin_bswap32(v) : v;
}

static inline uint64_t get64(const void *p, bool big)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return big ? __builtin_bswap64(v) : v;
}

static inline void put32(void *p, uint32_t v, bool big)
{
	if (big)
		v = __builtin_bswap32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put64(void *p, uint64_t v, bool big)
{
	if (big)
		v = __builtin_bswap64(v);
	memcpy(p, &v, sizeof(v));
}

#endif
