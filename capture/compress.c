#include <stdbool.h>
#include <stdlib.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "../src/dump/decompress.h"
#include "compress.h"

struct compressor {
	unsigned int method;
	size_t page_size, bound;
	void *lzo_work;
	ZSTD_CCtx *zstd;
	z_stream z;
	bool z_ready;
};

struct compressor *compressor_new(unsigned int method, size_t page_size)
{
	struct compressor *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->method = method;
	c->page_size = page_size;
	c->bound = page_size + page_size / 16 + 64 + 3;
	switch (method) {
	case KDUMP_ZLIB:
		c->bound = compressBound(page_size);
		/* Level 1, as makedumpfile: speed matters in a capture
		 * kernel, and the ratio hardly improves past it. */
		if (deflateInit(&c->z, Z_BEST_SPEED) != Z_OK)
			goto fail;
		c->z_ready = true;
		break;
	case KDUMP_LZO:
		if (lzo_init() != LZO_E_OK)
			goto fail;
		c->lzo_work = malloc(LZO1X_1_MEM_COMPRESS);
		if (!c->lzo_work)
			goto fail;
		break;
	case KDUMP_SNAPPY:
		c->bound = snappy_max_compressed_length(page_size);
		break;
	case KDUMP_ZSTD:
		c->bound = ZSTD_compressBound(page_size);
		c->zstd = ZSTD_createCCtx();
		if (!c->zstd)
			goto fail;
		break;
	}
	if (c->bound < page_size)
		c->bound = page_size;
	return c;
fail:
	compressor_free(c);
	return NULL;
}

void compressor_free(struct compressor *c)
{
	if (!c)
		return;
	if (c->z_ready)
		deflateEnd(&c->z);
	free(c->lzo_work);
	ZSTD_freeCCtx(c->zstd);
	free(c);
}

size_t compressor_bound(const struct compressor *c)
{
	return c->bound;
}

size_t compress_page(struct compressor *c, const void *page, void *out)
{
	size_t n = 0;

	switch (c->method) {
	case KDUMP_ZLIB:
		if (deflateReset(&c->z) != Z_OK)
			return 0;
		c->z.next_in = (Bytef *)page;
		c->z.avail_in = (uInt)c->page_size;
		c->z.next_out = out;
		c->z.avail_out = (uInt)c->bound;
		if (deflate(&c->z, Z_FINISH) != Z_STREAM_END)
			return 0;
		n = c->z.total_out;
		break;
	case KDUMP_LZO: {
		lzo_uint len = c->bound;

		if (lzo1x_1_compress(page, c->page_size, out, &len,
				     c->lzo_work) != LZO_E_OK)
			return 0;
		n = len;
		break;
	}
	case KDUMP_SNAPPY: {
		size_t len = c->bound;

		if (snappy_compress(page, c->page_size, out, &len) != SNAPPY_OK)
			return 0;
		n = len;
		break;
	}
	case KDUMP_ZSTD:
		n = ZSTD_compressCCtx(c->zstd, out, c->bound, page,
				      c->page_size, 1);
		if (ZSTD_isError(n))
			return 0;
		break;
	default:
		return 0;
	}
	return n < c->page_size ? n : 0;
}
