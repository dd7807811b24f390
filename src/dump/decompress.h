/* Page decompression for the kdump-compressed format. */
#ifndef CRASH_DECOMPRESS_H
#define CRASH_DECOMPRESS_H

#include <stddef.h>

struct error;

/* Compression flags of a kdump page descriptor (and of the header's
 * status, which says what the writer used). */
#define KDUMP_ZLIB	0x1
#define KDUMP_LZO	0x2
#define KDUMP_SNAPPY	0x4
#define KDUMP_ZSTD	0x20
#define KDUMP_COMPRESSION_MASK (KDUMP_ZLIB | KDUMP_LZO | KDUMP_SNAPPY | KDUMP_ZSTD)

/* Decompress src into exactly dstlen bytes.  The error says what went wrong
 * but not where: the caller knows the page and the offset. */
struct error *decompress_page(unsigned int method, const void *src,
			      size_t srclen, void *dst, size_t dstlen);
/* "zlib", "lzo", "snappy", "zstd", or "none" for 0. */
const char *compression_name(unsigned int method);

#endif
