#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "../util/error.h"
#include "decompress.h"

const char *compression_name(unsigned int method)
{
	switch (method) {
	case 0: return "none";
	case KDUMP_ZLIB: return "zlib";
	case KDUMP_LZO: return "lzo";
	case KDUMP_SNAPPY: return "snappy";
	case KDUMP_ZSTD: return "zstd";
	}
	return "unknown";
}

static struct error *short_output(const char *what, size_t got, size_t want)
{
	return error_create(ERR_FORMAT, "%s page decompressed to %zu bytes, "
			    "not %zu", what, got, want);
}

static struct error *unzlib(const void *src, size_t srclen, void *dst,
			    size_t dstlen)
{
	uLongf out = dstlen;
	int rc = uncompress(dst, &out, src, srclen);

	if (rc != Z_OK)
		return error_create(ERR_FORMAT, "zlib page does not decompress "
				    "(%s)", zError(rc));
	return out == dstlen ? NULL : short_output("zlib", out, dstlen);
}

static struct error *unlzo(const void *src, size_t srclen, void *dst,
			   size_t dstlen)
{
	static int initialized;
	lzo_uint out = dstlen;
	int rc;

	if (!initialized) {
		if (lzo_init() != LZO_E_OK)
			return error_create(ERR_UNSUPPORTED,
					    "lzo library failed to initialize");
		initialized = 1;
	}
	rc = lzo1x_decompress_safe(src, srclen, dst, &out, NULL);
	if (rc != LZO_E_OK)
		return error_create(ERR_FORMAT, "lzo page does not decompress "
				    "(lzo error %d)", rc);
	return out == dstlen ? NULL : short_output("lzo", out, dstlen);
}

static struct error *unsnappy(const void *src, size_t srclen, void *dst,
			      size_t dstlen)
{
	size_t out;

	if (snappy_uncompressed_length(src, srclen, &out) != SNAPPY_OK)
		return error_create(ERR_FORMAT, "snappy page has a bad header");
	if (out != dstlen)
		return short_output("snappy", out, dstlen);
	if (snappy_uncompress(src, srclen, dst, &out) != SNAPPY_OK)
		return error_create(ERR_FORMAT,
				    "snappy page does not decompress");
	return NULL;
}

static struct error *unzstd(const void *src, size_t srclen, void *dst,
			    size_t dstlen)
{
	size_t out = ZSTD_decompress(dst, dstlen, src, srclen);

	if (ZSTD_isError(out))
		return error_create(ERR_FORMAT, "zstd page does not decompress "
				    "(%s)", ZSTD_getErrorName(out));
	return out == dstlen ? NULL : short_output("zstd", out, dstlen);
}

struct error *decompress_page(unsigned int method, const void *src,
			      size_t srclen, void *dst, size_t dstlen)
{
	switch (method) {
	case KDUMP_ZLIB: return unzlib(src, srclen, dst, dstlen);
	case KDUMP_LZO: return unlzo(src, srclen, dst, dstlen);
	case KDUMP_SNAPPY: return unsnappy(src, srclen, dst, dstlen);
	case KDUMP_ZSTD: return unzstd(src, srclen, dst, dstlen);
	}
	return error_create(ERR_FORMAT, "unknown page compression flags 0x%x",
			    method);
}
