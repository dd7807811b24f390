/*
 * kdump-recompress: a test-fixture converter.  It reads a kdump-compressed
 * file (makedumpfile or QEMU; plain, not flattened; one part of a split
 * set is fine) and writes the same dump with every stored page
 * recompressed with another method:
 *
 *   kdump-recompress METHOD IN OUT       METHOD: snappy zstd zlib lzo none
 *
 * The suite needs it because no Debian makedumpfile writes snappy (and
 * bookworm's has no zstd), yet our reader must be tested on those with
 * real page contents.  It parses the format itself, independently of
 * src/dump/kdump.c, so it cannot inherit that reader's mistakes.
 *
 * Kept as they are: header and sub header (except the compression bits
 * of the status word and, if the data before it changes size, the offset
 * of the erase info), ELF notes, VMCOREINFO, both bitmaps, the number and
 * order of the page descriptors and their page_flags, the order of the
 * page data and any room before it, pages shared by several descriptors,
 * and the shared zero page, which makedumpfile and QEMU always store raw.
 * Pages are compressed as makedumpfile does, and one whose compressed form
 * is not smaller than a page is stored raw, so converting a makedumpfile
 * dump to a method that makedumpfile also wrote gives its file byte for
 * byte (tests/cmd/real-dumps.sh checks that).  Every recompressed page is
 * decompressed again and compared before it is written.  The output
 * appears under a temporary name and is renamed into place when complete.
 *
 * Only 64-bit little-endian dumps on a little-endian host (the layout of
 * the header has longs and a struct timeval in it).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

/* Status word and page descriptor flags (the same bits in both). */
#define F_ZLIB		0x01
#define F_LZO		0x02
#define F_SNAPPY	0x04
#define F_INCOMPLETE	0x08
#define F_ZSTD		0x20
#define F_METHODS	(F_ZLIB | F_LZO | F_SNAPPY | F_ZSTD)

/* Field offsets in the 64-bit layout of disk_dump_header... */
#define DH_VERSION	8
#define DH_STATUS	424
#define DH_BLOCK_SIZE	428
#define DH_SUB_HDR_SIZE	432
#define DH_BITMAP_BLOCKS 436
#define DH_MAX_MAPNR	440
#define DH_SIZE		464
/* ...and in kdump_sub_header, which starts at block_size. */
#define SH_DUMP_LEVEL	8
#define SH_SPLIT	12
#define SH_START_PFN	16
#define SH_END_PFN	24
#define SH_OFF_VMCOREINFO 32
#define SH_OFF_NOTE	48
#define SH_OFF_ERASEINFO 64
#define SH_SIZE_ERASEINFO 72
#define SH_START_PFN_64	80
#define SH_END_PFN_64	88
#define SH_MAX_MAPNR_64	96
#define SH_SIZE		104

#define DESC_SIZE	24	/* off_t offset, u32 size, u32 flags, u64 */
#define DL_EXCLUDE_ZERO	1

struct desc {
	uint64_t offset;
	uint32_t size;
	uint32_t flags;
	uint64_t page_flags;
};

static const char *prog = "kdump-recompress";
static char *tmp_path;	/* removed if we die half way */

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (tmp_path)
		unlink(tmp_path);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void pread_all(int fd, const char *path, void *buf, size_t len,
		      uint64_t off)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: read at 0x%" PRIx64 ": %s", path, off,
			    strerror(errno));
		if (n == 0)
			die("%s: ends before offset 0x%" PRIx64, path, off);
		buf = (char *)buf + n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
}

static void pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("%s: write at 0x%" PRIx64 ": %s", tmp_path, off,
			    n < 0 ? strerror(errno) : "nothing written");
		buf = (const char *)buf + n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
}

/* ---- codecs ---- */

static lzo_align_t lzo_wrkmem[(LZO1X_1_MEM_COMPRESS + sizeof(lzo_align_t) - 1)
			      / sizeof(lzo_align_t)];
static ZSTD_CCtx *zcctx;
static ZSTD_DCtx *zdctx;

/* Decompress one stored page into out (psize bytes); false if damaged. */
static int decompress_page(uint32_t flags, const unsigned char *in,
			   size_t inlen, unsigned char *out, size_t psize)
{
	switch (flags & F_METHODS) {
	case 0:
		if (inlen != psize)
			return 0;
		memcpy(out, in, psize);
		return 1;
	case F_ZLIB: {
		uLongf n = psize;

		return uncompress(out, &n, in, inlen) == Z_OK && n == psize;
	}
	case F_LZO: {
		lzo_uint n = psize;

		return lzo1x_decompress_safe(in, inlen, out, &n, NULL) ==
			LZO_E_OK && n == psize;
	}
	case F_SNAPPY: {
		size_t n = psize;

		return snappy_uncompress((const char *)in, inlen, (char *)out,
					 &n) == SNAPPY_OK && n == psize;
	}
	case F_ZSTD: {
		size_t n = ZSTD_decompressDCtx(zdctx, out, psize, in, inlen);

		return !ZSTD_isError(n) && n == psize;
	}
	}
	return 0;	/* several method bits at once */
}

/* Compress a page as makedumpfile does (zlib at Z_BEST_SPEED, lzo1x_1,
 * zstd level 1).  Returns the stored size, or 0 if it did not fit in cap. */
static size_t compress_page(uint32_t method, const unsigned char *in,
			    size_t psize, unsigned char *out, size_t cap)
{
	switch (method) {
	case F_ZLIB: {
		uLongf n = cap;

		return compress2(out, &n, in, psize, Z_BEST_SPEED) == Z_OK ?
			n : 0;
	}
	case F_LZO: {
		lzo_uint n = cap;

		return lzo1x_1_compress(in, psize, out, &n, lzo_wrkmem) ==
			LZO_E_OK ? n : 0;
	}
	case F_SNAPPY: {
		size_t n = cap;

		return snappy_compress((const char *)in, psize, (char *)out,
				       &n) == SNAPPY_OK ? n : 0;
	}
	case F_ZSTD: {
		size_t n = ZSTD_compressCCtx(zcctx, out, cap, in, psize, 1);

		return ZSTD_isError(n) ? 0 : n;
	}
	}
	return 0;
}

static const char *method_name(uint32_t m)
{
	switch (m & F_METHODS) {
	case 0: return "raw";
	case F_ZLIB: return "zlib";
	case F_LZO: return "lzo";
	case F_SNAPPY: return "snappy";
	case F_ZSTD: return "zstd";
	}
	return "mixed";
}

/* ---- the dump ---- */

struct input {
	const char *path;
	int fd;
	uint64_t size;
	unsigned char hdr[DH_SIZE];
	unsigned char sub[SH_SIZE];
	uint32_t psize;
	int dump_level;
	uint64_t desc_off;	/* where the page descriptors start */
	uint64_t ndesc;
	struct desc *descs;
	uint64_t desc_end;	/* just past the descriptors */
	/* The first page data.  makedumpfile's split parts leave room for
	 * the descriptors of the whole dump, so it can be past desc_end. */
	uint64_t data_start;
	uint64_t data_end;	/* just past the last page data */
};

static uint64_t popcount_range(const unsigned char *bm, uint64_t from,
			       uint64_t to)
{
	uint64_t n = 0, pfn;

	for (pfn = from; pfn < to && pfn % 8; pfn++)
		n += (bm[pfn / 8] >> (pfn % 8)) & 1;
	for (; pfn + 8 <= to; pfn += 8)
		n += (uint64_t)__builtin_popcount(bm[pfn / 8]);
	for (; pfn < to; pfn++)
		n += (bm[pfn / 8] >> (pfn % 8)) & 1;
	return n;
}

static void read_input(struct input *in)
{
	uint32_t version, sub_blocks, bitmap_blocks;
	uint64_t max_mapnr, start = 0, end, bm_len, i;
	unsigned char *bm, *raw;
	struct stat st;

	in->fd = open(in->path, O_RDONLY);
	if (in->fd < 0 || fstat(in->fd, &st))
		die("%s: %s", in->path, strerror(errno));
	in->size = (uint64_t)st.st_size;
	pread_all(in->fd, in->path, in->hdr, DH_SIZE, 0);
	if (memcmp(in->hdr, "KDUMP   ", 8))
		die("%s: no KDUMP signature (a flattened file must be "
		    "reassembled with makedumpfile -R first)", in->path);
	version = get32(in->hdr + DH_VERSION);
	in->psize = get32(in->hdr + DH_BLOCK_SIZE);
	if (in->psize < 1024 || in->psize > (1u << 20) ||
	    (in->psize & (in->psize - 1)))
		die("%s: block size %" PRIu32 " is not plausible (only 64-bit "
		    "little-endian dumps are supported)", in->path, in->psize);
	if (get32(in->hdr + DH_STATUS) & F_INCOMPLETE)
		die("%s: the dump is marked incomplete", in->path);
	pread_all(in->fd, in->path, in->sub, SH_SIZE, in->psize);
	sub_blocks = get32(in->hdr + DH_SUB_HDR_SIZE);
	bitmap_blocks = get32(in->hdr + DH_BITMAP_BLOCKS);
	in->dump_level = (int)get32(in->sub + SH_DUMP_LEVEL);
	max_mapnr = version >= 6 ? get64(in->sub + SH_MAX_MAPNR_64) :
		get32(in->hdr + DH_MAX_MAPNR);
	end = max_mapnr;
	if (version >= 2 && get32(in->sub + SH_SPLIT)) {
		start = version >= 6 ? get64(in->sub + SH_START_PFN_64) :
			get64(in->sub + SH_START_PFN);
		end = version >= 6 ? get64(in->sub + SH_END_PFN_64) :
			get64(in->sub + SH_END_PFN);
	}
	/* Two bitmaps of equal size: RAM pages, then dumped pages. */
	bm_len = (uint64_t)bitmap_blocks * in->psize / 2;
	if (start > end || end > bm_len * 8)
		die("%s: pfns 0x%" PRIx64 "-0x%" PRIx64 " do not fit the "
		    "bitmap of %" PRIu32 " blocks", in->path, start, end,
		    bitmap_blocks);
	bm = xmalloc(bm_len);
	pread_all(in->fd, in->path, bm, bm_len,
		  (1 + (uint64_t)sub_blocks) * in->psize + bm_len);
	in->ndesc = popcount_range(bm, start, end);
	free(bm);

	in->desc_off = (1 + (uint64_t)sub_blocks + bitmap_blocks) * in->psize;
	in->desc_end = in->desc_off + in->ndesc * DESC_SIZE;
	if (in->desc_end > in->size)
		die("%s: %" PRIu64 " page descriptors at 0x%" PRIx64 " do not "
		    "fit in the file", in->path, in->ndesc, in->desc_off);
	raw = xmalloc(in->ndesc * DESC_SIZE);
	pread_all(in->fd, in->path, raw, in->ndesc * DESC_SIZE, in->desc_off);
	in->descs = xmalloc(in->ndesc * sizeof(*in->descs));
	in->data_start = in->ndesc ? UINT64_MAX : in->desc_end;
	in->data_end = in->desc_end;
	for (i = 0; i < in->ndesc; i++) {
		struct desc *d = &in->descs[i];
		const unsigned char *p = raw + i * DESC_SIZE;

		d->offset = get64(p);
		d->size = get32(p + 8);
		d->flags = get32(p + 12);
		d->page_flags = get64(p + 16);
		if (d->offset < in->desc_end || d->size == 0 ||
		    d->size > in->psize || d->offset + d->size > in->size)
			die("%s: page descriptor %" PRIu64 " (offset 0x%" PRIx64
			    ", size %" PRIu32 ") points outside the page data",
			    in->path, i, d->offset, d->size);
		if (d->offset < in->data_start)
			in->data_start = d->offset;
		if (d->offset + d->size > in->data_end)
			in->data_end = d->offset + d->size;
	}
	free(raw);
}

/* Indices of the descriptors, by data offset (stable: ties stay in
 * descriptor order), so that data is rewritten in the order it had. */
static const struct desc *sort_base;

static int by_offset(const void *a, const void *b)
{
	const struct desc *x = &sort_base[*(const uint64_t *)a];
	const struct desc *y = &sort_base[*(const uint64_t *)b];

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (*(const uint64_t *)a == *(const uint64_t *)b)
		return 0;
	return *(const uint64_t *)a < *(const uint64_t *)b ? -1 : 1;
}

/* The header fields that hold a file offset; those past the page data
 * (the erase info, normally) move with the end of the data. */
static void move_offsets(struct input *in, unsigned char *sub,
			 uint64_t new_data_end)
{
	static const int fields[] = {
		SH_OFF_VMCOREINFO, SH_OFF_NOTE, SH_OFF_ERASEINFO,
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint64_t off = get64(sub + fields[i]);

		if (!off || off < in->data_start)
			continue;
		if (off < in->data_end)
			die("%s: sub header field at +%d points into the page "
			    "data (0x%" PRIx64 ")", in->path, fields[i], off);
		put64(sub + fields[i], off - in->data_end + new_data_end);
	}
}

/* What happened to the pages, for the summary line. */
struct stats {
	uint64_t in[F_METHODS + 1];	/* stored blocks, by input method */
	uint64_t out_compressed, out_raw;
	uint64_t zero_refs;		/* descriptors using the zero page */
};

struct codec_bufs {
	unsigned char *page, *check, *cin, *cout;
	size_t cap;
};

static void alloc_bufs(struct codec_bufs *b, size_t psize)
{
	b->cap = psize + psize / 2 + 4096;	/* lzo's and zlib's worst */
	if (snappy_max_compressed_length(psize) > b->cap)
		b->cap = snappy_max_compressed_length(psize);
	if (ZSTD_compressBound(psize) > b->cap)
		b->cap = ZSTD_compressBound(psize);
	b->page = xmalloc(psize);
	b->check = xmalloc(psize);
	b->cin = xmalloc(psize);
	b->cout = xmalloc(b->cap);
}

/* Recompress the block that descriptor d points at.  Returns the bytes to
 * store; *size and *flags describe them. */
static const unsigned char *recompress(const struct input *in,
				       const struct desc *d, uint32_t method,
				       struct codec_bufs *b, uint32_t *size,
				       uint32_t *flags, int *zero_page)
{
	size_t n = 0, k;

	pread_all(in->fd, in->path, b->cin, d->size, d->offset);
	if (!decompress_page(d->flags, b->cin, d->size, b->page, in->psize))
		die("%s: page data at 0x%" PRIx64 " (%s, %" PRIu32 " bytes) "
		    "does not decompress to one page", in->path, d->offset,
		    method_name(d->flags), d->size);

	/* The shared zero page is the first block of data when the dump
	 * level excludes zero pages; makedumpfile and QEMU store it raw. */
	*zero_page = 0;
	if ((in->dump_level & DL_EXCLUDE_ZERO) &&
	    d->offset == in->data_start && !(d->flags & F_METHODS)) {
		*zero_page = 1;
		for (k = 0; k < in->psize && *zero_page; k++)
			*zero_page = !b->page[k];
	}
	if (method && !*zero_page)
		n = compress_page(method, b->page, in->psize, b->cout, b->cap);
	if (!n || n >= in->psize) {
		*size = in->psize;
		*flags = 0;
		return b->page;
	}
	if (!decompress_page(method, b->cout, n, b->check, in->psize) ||
	    memcmp(b->check, b->page, in->psize))
		die("%s: page at 0x%" PRIx64 " does not survive %s "
		    "compression", in->path, d->offset, method_name(method));
	*size = (uint32_t)n;
	*flags = method;
	return b->cout;
}

/* Write the page data from in->data_start on, in the order it had, each
 * stored block once; fill in the new descriptors.  Returns the new end of
 * the page data. */
static uint64_t rewrite_pages(const struct input *in, uint32_t method,
			      int fd, unsigned char *outdesc, struct stats *st)
{
	struct codec_bufs b;
	uint64_t *order, i, j, pos = in->data_start;

	order = xmalloc(in->ndesc * sizeof(*order));
	for (i = 0; i < in->ndesc; i++)
		order[i] = i;
	sort_base = in->descs;
	qsort(order, in->ndesc, sizeof(*order), by_offset);
	alloc_bufs(&b, in->psize);

	for (i = 0; i < in->ndesc; i = j) {
		const struct desc *d = &in->descs[order[i]];
		const unsigned char *data;
		uint32_t size, flags;
		int zero_page;

		/* Descriptors that share this block must agree on it. */
		for (j = i + 1; j < in->ndesc &&
		     in->descs[order[j]].offset == d->offset; j++)
			if (in->descs[order[j]].size != d->size ||
			    in->descs[order[j]].flags != d->flags)
				die("%s: descriptors %" PRIu64 " and %" PRIu64
				    " share offset 0x%" PRIx64 " but not size "
				    "and flags", in->path, order[i], order[j],
				    d->offset);
		data = recompress(in, d, method, &b, &size, &flags,
				  &zero_page);
		st->in[d->flags & F_METHODS]++;
		if (flags)
			st->out_compressed++;
		else
			st->out_raw++;
		if (zero_page)
			st->zero_refs = j - i;
		pwrite_all(fd, data, size, pos);
		for (; i < j; i++) {
			unsigned char *p = outdesc + order[i] * DESC_SIZE;

			put64(p, pos);
			memcpy(p + 8, &size, 4);
			memcpy(p + 12, &flags, 4);
			put64(p + 16, in->descs[order[i]].page_flags);
		}
		pos += size;
	}
	free(order);
	free(b.page);
	free(b.check);
	free(b.cin);
	free(b.cout);
	return pos;
}

static int create_tmp(const char *out_path)
{
	int fd;

	if (asprintf(&tmp_path, "%s.tmpXXXXXX", out_path) < 0)
		die("out of memory");
	fd = mkstemp(tmp_path);
	if (fd < 0) {
		int e = errno;

		free(tmp_path);
		tmp_path = NULL;
		die("%s: cannot create a temporary file: %s", out_path,
		    strerror(e));
	}
	/* mkstemp makes it private; a fixture is for everyone to read. */
	if (fchmod(fd, 0644))
		die("%s: %s", tmp_path, strerror(errno));
	return fd;
}

static uint32_t parse_method(const char *name)
{
	static const struct { const char *name; uint32_t flag; } methods[] = {
		{ "none", 0 }, { "zlib", F_ZLIB }, { "lzo", F_LZO },
		{ "snappy", F_SNAPPY }, { "zstd", F_ZSTD },
	};
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(name, methods[i].name))
			return methods[i].flag;
	die("unknown method %s (snappy, zstd, zlib, lzo or none)", name);
}

int main(int argc, char **argv)
{
	struct input in = { 0 };
	struct stats st = { 0 };
	uint32_t method, status;
	uint64_t new_end, new_size, tail_len;
	unsigned char *head, *outdesc;
	const char *out_path;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: %s snappy|zstd|zlib|lzo|none IN OUT\n",
			prog);
		return 2;
	}
	method = parse_method(argv[1]);
	in.path = argv[2];
	out_path = argv[3];
	if (lzo_init() != LZO_E_OK || !(zcctx = ZSTD_createCCtx()) ||
	    !(zdctx = ZSTD_createDCtx()))
		die("cannot set up lzo/zstd");
	read_input(&in);

	/* Header, sub header, notes, VMCOREINFO, bitmaps and any room before
	 * the first page data stay as they are, but for the compression
	 * method in the status word; the descriptors are rewritten. */
	head = xmalloc(in.data_start);
	pread_all(in.fd, in.path, head, in.data_start, 0);
	status = get32(head + DH_STATUS);
	status = (status & ~(uint32_t)F_METHODS) | method;
	memcpy(head + DH_STATUS, &status, sizeof(status));

	fd = create_tmp(out_path);
	outdesc = xmalloc(in.ndesc * DESC_SIZE);
	new_end = rewrite_pages(&in, method, fd, outdesc, &st);

	/* Whatever follows the page data (erase info) goes along. */
	tail_len = in.size - in.data_end;
	if (tail_len) {
		unsigned char *tail = xmalloc(tail_len);

		pread_all(in.fd, in.path, tail, tail_len, in.data_end);
		pwrite_all(fd, tail, tail_len, new_end);
		free(tail);
	}
	move_offsets(&in, head + in.psize, new_end);
	memcpy(head + in.desc_off, outdesc, in.ndesc * DESC_SIZE);
	pwrite_all(fd, head, in.data_start, 0);
	new_size = new_end + tail_len;
	if (ftruncate(fd, (off_t)new_size) || fsync(fd) || close(fd))
		die("%s: %s", tmp_path, strerror(errno));
	if (rename(tmp_path, out_path))
		die("rename %s to %s: %s", tmp_path, out_path, strerror(errno));
	free(tmp_path);
	tmp_path = NULL;
	close(in.fd);
	free(in.descs);
	free(head);
	free(outdesc);
	ZSTD_freeCCtx(zcctx);
	ZSTD_freeDCtx(zdctx);

	fprintf(stderr, "%s: %s -> %s (%s): %" PRIu64 " descriptors; stored "
		"blocks in: %" PRIu64 " raw, %" PRIu64 " zlib, %" PRIu64
		" lzo, %" PRIu64 " snappy, %" PRIu64 " zstd; out: %" PRIu64
		" compressed, %" PRIu64 " raw; shared zero page used by %"
		PRIu64 "; %" PRIu64 " -> %" PRIu64 " bytes\n",
		prog, in.path, out_path, method_name(method), in.ndesc,
		st.in[0], st.in[F_ZLIB], st.in[F_LZO], st.in[F_SNAPPY],
		st.in[F_ZSTD], st.out_compressed, st.out_raw, st.zero_refs,
		in.size, new_size);
	return 0;
}
