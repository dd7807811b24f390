/* Compressing one page for the kdump-compressed format. */
#ifndef CAPTURE_COMPRESS_H
#define CAPTURE_COMPRESS_H

#include <stddef.h>

struct compressor;

/* method: 0 (none) or one of KDUMP_ZLIB, KDUMP_LZO, KDUMP_SNAPPY,
 * KDUMP_ZSTD.  One compressor per thread. */
struct compressor *compressor_new(unsigned int method, size_t page_size);
void compressor_free(struct compressor *c);
/* Room the output of one page may need. */
size_t compressor_bound(const struct compressor *c);
/* Compress a page into out (compressor_bound bytes).  Returns the size,
 * or 0 if the page does not get smaller (then store it raw). */
size_t compress_page(struct compressor *c, const void *page, void *out);

#endif
