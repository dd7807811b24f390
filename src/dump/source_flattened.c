/*
 * The flattened format (makedumpfile -F, and QEMU's kdump-* output) is a
 * stream of (offset, size, data) records that, written at their offsets,
 * give the real dump file.  Instead of rearranging a copy (makedumpfile -R),
 * we index the records once and serve reads from them in place.
 *
 * Layout: a 4096-byte header starting "makedumpfile" with big-endian int64
 * type (1) and version (1); then records, each a big-endian int64 offset and
 * int64 size followed by size bytes; an offset and size of -1 ends it.
 */
#include <stdlib.h>
#include <string.h>

#include "../util/endian.h"
#include "../util/error.h"
#include "rangemap.h"
#include "source.h"

#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_HEADER_SIZE 4096
#define FLAT_TYPE 1

struct flat_source {
	struct source src;
	struct source *raw;
	struct rangemap records;	/* logical offset -> raw offset */
};

int source_is_flattened(struct source *src)
{
	unsigned char hdr[32];

	if (!source_peek(src, 0, hdr, sizeof(hdr)) ||
	    memcmp(hdr, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)))
		return 0;
	return get64(hdr + 16, true) == FLAT_TYPE;
}

static struct error *flat_read(struct source *src, uint64_t off, void *buf,
			       size_t len)
{
	struct flat_source *fs = (struct flat_source *)src;
	unsigned char *out = buf;

	if (off > src->size || len > src->size - off)
		return error_create(ERR_TRUNCATED,
				    "%s: logical offset 0x%llx+0x%zx is past "
				    "the end of the flattened data (0x%llx)",
				    src->name, (unsigned long long)off, len,
				    (unsigned long long)src->size);
	while (len) {
		const struct range *r = rangemap_next(&fs->records, off);
		size_t n;

		/* Bytes no record wrote read as zeros, as in the file that
		 * makedumpfile -R would have rebuilt. */
		if (!r || r->start > off) {
			n = r ? (size_t)(r->start - off) : len;
			if (n > len)
				n = len;
			memset(out, 0, n);
		} else {
			struct error *err;

			n = (size_t)(r->end - off);
			if (n > len)
				n = len;
			err = source_read(fs->raw, r->value + (off - r->start),
					  out, n);
			if (err)
				return err;
		}
		out += n;
		off += n;
		len -= n;
	}
	return NULL;
}

static const void *flat_map(struct source *src, uint64_t off, size_t len)
{
	struct flat_source *fs = (struct flat_source *)src;
	const struct range *r = rangemap_find(&fs->records, off);

	if (!r || len > r->end - off)
		return NULL;
	return source_map(fs->raw, r->value + (off - r->start), len);
}

static void flat_destroy(struct source *src)
{
	struct flat_source *fs = (struct flat_source *)src;

	rangemap_free(&fs->records);
	source_close(fs->raw);
}

static const struct source_ops flat_ops = {
	.read = flat_read,
	.map = flat_map,
	.destroy = flat_destroy,
};

struct error *source_open_flattened(struct source *raw, struct source **ret)
{
	struct flat_source *fs = calloc(1, sizeof(*fs));
	uint64_t pos = FLAT_HEADER_SIZE, seq = 0, end = 0;
	struct error *err = NULL;

	if (!fs || !(fs->src.name = strdup(raw->name))) {
		free(fs);
		source_close(raw);
		return error_nomem();
	}
	fs->raw = raw;
	fs->src.ops = &flat_ops;
	fs->src.kind = "flattened";
	for (;;) {
		unsigned char rec[16];
		int64_t off, size;

		if (pos == raw->size) {
			/* No end marker: keep what's here, and say so. */
			fs->src.cut_short = "the flattened file ends without "
					    "its end marker";
			break;
		}
		err = source_read(raw, pos, rec, sizeof(rec));
		if (err && err->code == ERR_TRUNCATED) {
			/* A cut-short file: its records so far still count. */
			error_free(err);
			err = NULL;
			fs->src.cut_short = "the flattened file ends inside a "
					    "record header";
			break;
		}
		if (err)
			break;
		off = (int64_t)get64(rec, true);
		size = (int64_t)get64(rec + 8, true);
		if (off == -1 && size == -1)
			break;
		if (off < 0 || size < 0 || (uint64_t)size > raw->size) {
			err = error_create(ERR_FORMAT, "%s: flattened record at "
					   "file offset 0x%llx has a bad offset "
					   "0x%llx or size 0x%llx", raw->name,
					   (unsigned long long)pos,
					   (unsigned long long)off,
					   (unsigned long long)size);
			break;
		}
		pos += sizeof(rec);
		if ((uint64_t)size > raw->size - pos) {
			size = (int64_t)(raw->size - pos);
			fs->src.cut_short = "the flattened file ends inside a "
					    "record's data";
		}
		err = rangemap_add(&fs->records, (uint64_t)off,
				   (uint64_t)off + (uint64_t)size, pos, 0,
				   seq++);
		if (err)
			break;
		if ((uint64_t)off + (uint64_t)size > end)
			end = (uint64_t)off + (uint64_t)size;
		pos += (uint64_t)size;
	}
	if (!err)
		err = rangemap_finalize(&fs->records);
	if (err) {
		source_close(&fs->src);
		return err;
	}
	fs->src.size = end;
	*ret = &fs->src;
	return NULL;
}
