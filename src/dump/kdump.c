/*
 * The kdump-compressed format, written by makedumpfile and by QEMU's
 * dump-guest-memory (format=kdump-*):
 *
 *   block 0           disk_dump_header ("KDUMP   ", version, utsname, ...)
 *   block 1..         kdump_sub_header (phys_base, dump_level, split range,
 *                     where the VMCOREINFO and ELF notes copies are)
 *   then              bitmap 1 (page frames that are RAM) and bitmap 2
 *                     (page frames that were dumped), LSB first
 *   then              one 24-byte page descriptor per bit set in bitmap 2
 *                     (within this file's split range), pfn order
 *   then              page data, each page raw or compressed; all pages of
 *                     zeros share one stored page
 *
 * Field layouts are those of a 64-bit writer (every architecture we read);
 * byte order is the writer's, found from the header version.  A split dump
 * is several such files, each with the full bitmaps but descriptors and data
 * only for its own pfn range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/endian.h"
#include "../util/error.h"
#include "decompress.h"
#include "dump.h"
#include "page_cache.h"
#include "source.h"
#include "vmcoreinfo.h"

#define KDUMP_SIGNATURE "KDUMP   "
#define DISKDUMP_SIGNATURE "DISKDUMP"
#define UTS_LEN 65

/* Offsets in disk_dump_header of a 64-bit writer. */
#define H_VERSION	8
#define H_UTSNAME	12
#define H_TV_SEC	408
#define H_TV_USEC	416
#define H_STATUS	424
#define H_BLOCK_SIZE	428
#define H_SUB_HDR_SIZE	432
#define H_BITMAP_BLOCKS	436
#define H_MAX_MAPNR	440
#define H_TOTAL_RAM	444
#define H_DEVICE_BLOCKS	448
#define H_WRITTEN	452
#define H_CURRENT_CPU	456
#define H_NR_CPUS	460
#define H_SIZE		464
/* A 32-bit writer's timeval is 8 bytes: block_size lands here instead. */
#define H32_BLOCK_SIZE	416

/* Offsets in kdump_sub_header (64-bit writer). */
#define S_PHYS_BASE	0
#define S_DUMP_LEVEL	8
#define S_SPLIT		12
#define S_START_PFN	16
#define S_END_PFN	24
#define S_VMCOREINFO	32
#define S_VMCOREINFO_SZ	40
#define S_NOTE		48
#define S_NOTE_SZ	56
#define S_ERASEINFO	64
#define S_ERASEINFO_SZ	72
#define S_START_PFN_64	80
#define S_END_PFN_64	88
#define S_MAX_MAPNR_64	96
#define S_SIZE		104

#define DESC_SIZE	24
#define STATUS_INCOMPLETE	0x8
#define STATUS_EXCLUDED_VMEMMAP	0x10

/* Ranks of bitmap 2 are kept per chunk of this many page frames. */
#define RANK_CHUNK	4096

struct kdump_part {
	struct source *src;
	uint64_t start_pfn, end_pfn;	/* [start, end) this file holds */
	uint64_t desc_off;		/* file offset of the descriptors */
	uint64_t ndesc;			/* descriptors this part should hold */
	uint64_t rank_base;		/* bits of bitmap 2 below start_pfn */
	char utsname[6][UTS_LEN + 1];
	uint64_t tv_sec;
	int header_version, dump_level;
};

struct kdump {
	struct kdump_part *parts;
	int nparts;
	uint32_t block_size, status;
	uint64_t max_mapnr;
	uint64_t bitmap_bytes;		/* bytes in each of the two bitmaps */
	/* From part 0: mapped in place, or copies if the source is not
	 * contiguous (flattened); then bitmap_copies says to free them. */
	const unsigned char *bitmap1, *bitmap2;
	bool bitmap_copies;
	uint64_t *rank;			/* bits of bitmap 2 below chunk i */
	struct page_cache cache;
	unsigned char *scratch;		/* one block of compressed data */
};

static bool kdump_probe(struct source *src)
{
	unsigned char sig[8];

	if (!source_peek(src, 0, sig, sizeof(sig)))
		return false;
	return !memcmp(sig, KDUMP_SIGNATURE, 8) ||
	       !memcmp(sig, DISKDUMP_SIGNATURE, 8);
}

static bool test_bit(const unsigned char *bitmap, uint64_t bit)
{
	return bitmap[bit >> 3] & (1u << (bit & 7));
}

static uint64_t count_bits(const unsigned char *bitmap, uint64_t from,
			   uint64_t to)
{
	uint64_t n = 0, b = from;

	while (b < to && (b & 63)) {
		n += test_bit(bitmap, b);
		b++;
	}
	for (; b + 64 <= to; b += 64) {
		uint64_t w;

		memcpy(&w, bitmap + (b >> 3), sizeof(w));
		n += (uint64_t)__builtin_popcountll(w);
	}
	for (; b < to; b++)
		n += test_bit(bitmap, b);
	return n;
}

/* Bits set in bitmap 2 below pfn. */
static uint64_t rank_of(const struct kdump *kd, uint64_t pfn)
{
	uint64_t chunk = pfn / RANK_CHUNK;

	return kd->rank[chunk] + count_bits(kd->bitmap2, chunk * RANK_CHUNK,
					    pfn);
}

static bool valid_block_size(uint32_t bs)
{
	return bs >= 1024 && bs <= (1u << 20) && !(bs & (bs - 1));
}

static void copy_uts(char *dst, const unsigned char *src)
{
	memcpy(dst, src, UTS_LEN);
	dst[UTS_LEN] = '\0';
}

/* Notes, VMCOREINFO and erase info are kilobytes; a header that says
 * more is damaged (and a flattened file's sparse logical size would let
 * it ask for gigabytes). */
#define MAX_NOTES_SIZE (64u << 20)

static struct error *read_area(struct source *src, uint64_t off,
			       uint64_t len, const char *what,
			       unsigned char **ret)
{
	unsigned char *buf;
	struct error *err;

	if (off > src->size || len > src->size - off)
		return error_create(ERR_FORMAT, "%s: the %s at offset 0x%llx, "
				    "size 0x%llx, runs past the end of the "
				    "file (0x%llx)", src->name, what,
				    (unsigned long long)off,
				    (unsigned long long)len,
				    (unsigned long long)src->size);
	buf = malloc(len + 1);
	if (!buf)
		return error_nomem();
	err = source_read(src, off, buf, len);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*ret = buf;
	return NULL;
}

/* Header facts that every part of one dump shares. */
struct header {
	int version;
	bool big;
	uint32_t status, block_size, sub_hdr_size, bitmap_blocks;
	uint64_t max_mapnr;
	uint32_t current_cpu;
	int32_t nr_cpus;
	unsigned char sub[S_SIZE];
};

static struct error *read_header(struct source *src, unsigned char *h,
				 struct header *hd)
{
	const char *file = src->name;
	uint32_t v;
	struct error *err;

	err = source_read(src, 0, h, H_SIZE);
	if (err)
		return error_prefix(err, "kdump header");
	if (!memcmp(h, DISKDUMP_SIGNATURE, 8))
		return error_create(ERR_UNSUPPORTED, "%s: an old diskdump "
				    "(\"DISKDUMP\") file; only kdump-compressed "
				    "(\"KDUMP\") files are read", file);
	/* The version is small: whichever byte order makes it so is the
	 * writer's. */
	v = get32(h + H_VERSION, false);
	hd->big = v > 0xffff && get32(h + H_VERSION, true) <= 0xffff;
	hd->version = (int)get32(h + H_VERSION, hd->big);
	if (hd->version < 1 || hd->version > 0xffff)
		return error_create(ERR_FORMAT, "%s: offset 0x%x: bad header "
				    "version %d", file, H_VERSION,
				    hd->version);
	hd->block_size = get32(h + H_BLOCK_SIZE, hd->big);
	if (!valid_block_size(hd->block_size)) {
		if (valid_block_size(get32(h + H32_BLOCK_SIZE, hd->big)))
			return error_create(ERR_UNSUPPORTED, "%s: written by a "
					    "32-bit makedumpfile (block_size at "
					    "offset 0x%x); only 64-bit layouts "
					    "are read", file, H32_BLOCK_SIZE);
		return error_create(ERR_FORMAT, "%s: offset 0x%x: bad block "
				    "size %u", file, H_BLOCK_SIZE,
				    hd->block_size);
	}
	hd->status = get32(h + H_STATUS, hd->big);
	hd->sub_hdr_size = get32(h + H_SUB_HDR_SIZE, hd->big);
	hd->bitmap_blocks = get32(h + H_BITMAP_BLOCKS, hd->big);
	hd->max_mapnr = get32(h + H_MAX_MAPNR, hd->big);
	hd->current_cpu = get32(h + H_CURRENT_CPU, hd->big);
	hd->nr_cpus = (int32_t)get32(h + H_NR_CPUS, hd->big);
	if (!hd->bitmap_blocks)
		return error_create(ERR_FORMAT, "%s: offset 0x%x: no bitmap "
				    "blocks", file, H_BITMAP_BLOCKS);
	if (hd->sub_hdr_size > src->size / hd->block_size)
		return error_create(ERR_FORMAT, "%s: offset 0x%x: sub header "
				    "size %u blocks runs past the end of the "
				    "file", file, H_SUB_HDR_SIZE,
				    hd->sub_hdr_size);

	memset(hd->sub, 0, sizeof(hd->sub));
	if (hd->sub_hdr_size) {
		size_t want = S_SIZE;

		if (want > (uint64_t)hd->sub_hdr_size * hd->block_size)
			want = (uint64_t)hd->sub_hdr_size * hd->block_size;
		err = source_read(src, hd->block_size, hd->sub, want);
		if (err)
			return error_prefix(err, "kdump sub header");
	}
	if (hd->version >= 6 && hd->sub_hdr_size) {
		uint64_t m = get64(hd->sub + S_MAX_MAPNR_64, hd->big);

		if (m)
			hd->max_mapnr = m;
	}
	return NULL;
}

/* Load notes and VMCOREINFO from the first part. */
static struct error *load_notes(struct dump *d, struct source *src,
				const struct header *hd)
{
	struct error *err;
	unsigned char *buf;
	uint64_t off, len;

	if (hd->version >= 4) {
		off = get64(hd->sub + S_NOTE, hd->big);
		len = get64(hd->sub + S_NOTE_SZ, hd->big);
		if (len > MAX_NOTES_SIZE)
			return error_create(ERR_FORMAT, "%s: the header's ELF "
					    "notes are %llu bytes: damaged",
					    src->name, (unsigned long long)len);
		if (off && len) {
			err = read_area(src, off, len, "ELF notes", &buf);
			if (err)
				return err;
			err = dump_parse_notes(d, src->name, buf, len, off);
			free(buf);
			if (err)
				return err;
		}
	}
	if (hd->version >= 3 && !d->vmcoreinfo) {
		off = get64(hd->sub + S_VMCOREINFO, hd->big);
		len = get64(hd->sub + S_VMCOREINFO_SZ, hd->big);
		if (len > MAX_NOTES_SIZE)
			return error_create(ERR_FORMAT, "%s: the header's "
					    "VMCOREINFO is %llu bytes: damaged",
					    src->name, (unsigned long long)len);
		if (off && len) {
			err = read_area(src, off, len, "VMCOREINFO", &buf);
			if (err)
				return err;
			err = vmcoreinfo_parse((char *)buf, len,
					       &d->vmcoreinfo);
			free(buf);
			if (err)
				return err;
		}
	}
	return NULL;
}

static struct error *load_bitmaps(struct kdump *kd, struct source *src,
				  const struct header *hd)
{
	uint64_t off = (1 + (uint64_t)hd->sub_hdr_size) * hd->block_size;
	uint64_t total = (uint64_t)hd->bitmap_blocks * hd->block_size;
	uint64_t chunks, i;
	struct error *err;

	kd->bitmap_bytes = total / 2;
	if (kd->max_mapnr > kd->bitmap_bytes * 8)
		return error_create(ERR_FORMAT, "%s: max_mapnr %llu needs "
				    "more than the %llu bits of each bitmap",
				    src->name,
				    (unsigned long long)kd->max_mapnr,
				    (unsigned long long)kd->bitmap_bytes * 8);
	kd->bitmap1 = source_map(src, off, 2 * kd->bitmap_bytes);
	if (kd->bitmap1) {
		kd->bitmap2 = kd->bitmap1 + kd->bitmap_bytes;
	} else {
		unsigned char *b1 = NULL, *b2 = NULL;

		err = read_area(src, off, kd->bitmap_bytes, "first bitmap",
				&b1);
		if (!err)
			err = read_area(src, off + kd->bitmap_bytes,
					kd->bitmap_bytes, "second bitmap", &b2);
		kd->bitmap1 = b1;
		kd->bitmap2 = b2;
		kd->bitmap_copies = true;
		if (err)
			return err;
	}
	chunks = kd->max_mapnr / RANK_CHUNK + 1;
	kd->rank = malloc(chunks * sizeof(*kd->rank));
	if (!kd->rank)
		return error_nomem();
	kd->rank[0] = 0;
	for (i = 1; i < chunks; i++)
		kd->rank[i] = kd->rank[i - 1] +
			      count_bits(kd->bitmap2, (i - 1) * RANK_CHUNK,
					 i * RANK_CHUNK);
	return NULL;
}

/*
 * Pages are written in descriptor order, so if the last stored page's data
 * is in the file, all of it is.  The zero page is shared and stored first:
 * skip descriptors that point at it.  An empty descriptor means the writer
 * never got there (an unfinished flattened stream reads as zeros).
 */
static struct error *check_last_page(struct dump *d, struct kdump *kd,
				     struct kdump_part *p)
{
	uint64_t zero_at = p->desc_off + rank_of(kd, kd->max_mapnr) * DESC_SIZE;
	uint64_t k;

	for (k = p->ndesc; k-- > 0;) {
		unsigned char desc[DESC_SIZE];
		uint64_t off, end;
		struct error *err;

		err = source_read(p->src, p->desc_off + k * DESC_SIZE, desc,
				  DESC_SIZE);
		if (err)
			return err;
		off = get64(desc, d->big_endian);
		end = off + get32(desc + 8, d->big_endian);
		if (!off && end == off)
			return dump_set_incomplete(d, "%s: page descriptor %llu "
				"of %llu is empty: the writer stopped before "
				"the end", p->src->name,
				(unsigned long long)k + 1,
				(unsigned long long)p->ndesc);
		if (end > p->src->size)
			return dump_set_incomplete(d, "%s: the file ends at "
				"0x%llx, before the last page's data (which "
				"ends at 0x%llx)", p->src->name,
				(unsigned long long)p->src->size,
				(unsigned long long)end);
		if (off != zero_at)
			break;
	}
	return NULL;
}

static struct error *open_part(struct dump *d, struct kdump *kd,
			       struct kdump_part *p, const struct header *first)
{
	unsigned char h[H_SIZE];
	struct header hd;
	struct error *err;
	const char *file = p->src->name;
	uint64_t desc_end;
	int i;

	err = read_header(p->src, h, &hd);
	if (err)
		return err;
	if (first && (hd.block_size != first->block_size ||
		      hd.bitmap_blocks != first->bitmap_blocks ||
		      hd.max_mapnr != first->max_mapnr ||
		      hd.sub_hdr_size != first->sub_hdr_size ||
		      hd.big != first->big))
		return error_create(ERR_FORMAT, "%s: its header (block size, "
				    "bitmap or max_mapnr) differs from the "
				    "first part's: not a part of the same "
				    "split dump", file);
	for (i = 0; i < 6; i++)
		copy_uts(p->utsname[i], h + H_UTSNAME + i * UTS_LEN);
	p->tv_sec = get64(h + H_TV_SEC, hd.big);
	p->header_version = hd.version;
	p->dump_level = hd.version >= 1 && hd.sub_hdr_size ?
			(int)get32(hd.sub + S_DUMP_LEVEL, hd.big) : -1;
	p->start_pfn = 0;
	p->end_pfn = hd.max_mapnr;
	if (hd.version >= 2 && hd.sub_hdr_size &&
	    get32(hd.sub + S_SPLIT, hd.big)) {
		if (hd.version >= 6) {
			p->start_pfn = get64(hd.sub + S_START_PFN_64, hd.big);
			p->end_pfn = get64(hd.sub + S_END_PFN_64, hd.big);
		} else {
			p->start_pfn = get64(hd.sub + S_START_PFN, hd.big);
			p->end_pfn = get64(hd.sub + S_END_PFN, hd.big);
		}
		if (p->start_pfn > p->end_pfn || p->end_pfn > hd.max_mapnr)
			return error_create(ERR_FORMAT, "%s: split range of "
					    "pfns 0x%llx-0x%llx is outside "
					    "max_mapnr 0x%llx", file,
					    (unsigned long long)p->start_pfn,
					    (unsigned long long)p->end_pfn,
					    (unsigned long long)hd.max_mapnr);
	}
	if (!first) {
		kd->block_size = hd.block_size;
		kd->status = hd.status;
		kd->max_mapnr = hd.max_mapnr;
		d->big_endian = hd.big;
		d->is_64bit = true;
		d->nr_cpus = hd.nr_cpus;
		err = load_notes(d, p->src, &hd);
		if (!err)
			err = load_bitmaps(kd, p->src, &hd);
		if (err)
			return err;
		err = dump_add_fact(d, "header version", "%d", hd.version);
		if (!err)
			err = dump_add_fact(d, "block size", "%u",
					    hd.block_size);
		if (!err)
			err = dump_add_fact(d, "status", "0x%x", hd.status);
		if (!err)
			err = dump_add_fact(d, "sub header", "%u block(s): "
					    "phys_base 0x%llx",
					    hd.sub_hdr_size,
					    (unsigned long long)get64(
						    hd.sub + S_PHYS_BASE,
						    hd.big));
		if (!err)
			err = dump_add_fact(d, "bitmaps", "%u blocks at offset "
					    "0x%llx", hd.bitmap_blocks,
					    (unsigned long long)(1 +
					    hd.sub_hdr_size) * hd.block_size);
		if (!err)
			err = dump_add_fact(d, "max_mapnr", "%llu (0x%llx)",
					    (unsigned long long)hd.max_mapnr,
					    (unsigned long long)hd.max_mapnr);
		if (!err)
			err = dump_add_fact(d, "current_cpu", "%u",
					    hd.current_cpu);
		if (!err)
			err = dump_add_fact(d, "nr_cpus", "%d", hd.nr_cpus);
		if (!err && hd.sub_hdr_size)
			err = dump_add_fact(d, "dump_level", "%d",
					    (int)get32(hd.sub + S_DUMP_LEVEL,
						       hd.big));
		if (!err && hd.version >= 5 && hd.sub_hdr_size &&
		    get64(hd.sub + S_ERASEINFO_SZ, hd.big))
			err = dump_add_fact(d, "eraseinfo", "%llu bytes at "
				"offset 0x%llx", (unsigned long long)
				get64(hd.sub + S_ERASEINFO_SZ, hd.big),
				(unsigned long long)
				get64(hd.sub + S_ERASEINFO, hd.big));
		if (err)
			return err;
	}
	p->desc_off = (1 + (uint64_t)hd.sub_hdr_size + hd.bitmap_blocks) *
		      hd.block_size;
	p->rank_base = rank_of(kd, p->start_pfn);
	p->ndesc = rank_of(kd, p->end_pfn) - p->rank_base;
	desc_end = p->desc_off + p->ndesc * DESC_SIZE;
	if (hd.status & STATUS_INCOMPLETE)
		err = dump_set_incomplete(d, "%s: the header says the dump is "
					  "incomplete (the writer stopped "
					  "early, e.g. on a full disk)", file);
	else if (desc_end > p->src->size)
		err = dump_set_incomplete(d, "%s: the file ends at 0x%llx, "
					  "inside the page descriptors "
					  "(which end at 0x%llx)", file,
					  (unsigned long long)p->src->size,
					  (unsigned long long)desc_end);
	else if (p->src->cut_short)
		err = dump_set_incomplete(d, "%s: %s", file, p->src->cut_short);
	else
		err = check_last_page(d, kd, p);
	return err;
}

static int cmp_part(const void *a, const void *b)
{
	const struct kdump_part *x = a, *y = b;

	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

static struct error *check_split_set(struct kdump *kd, bool partial)
{
	int i;

	qsort(kd->parts, (size_t)kd->nparts, sizeof(*kd->parts), cmp_part);
	if (partial)
		return NULL;
	for (i = 0; i < kd->nparts; i++) {
		const struct kdump_part *p = &kd->parts[i];
		uint64_t expect = i ? kd->parts[i - 1].end_pfn : 0;

		if (p->start_pfn != expect)
			return error_create(ERR_FORMAT, "%s: holds pfns from "
					    "0x%llx, but the parts before it "
					    "end at 0x%llx: a part of this "
					    "split dump is missing or repeated",
					    p->src->name,
					    (unsigned long long)p->start_pfn,
					    (unsigned long long)expect);
		if (strcmp(p->utsname[2], kd->parts[0].utsname[2]) ||
		    p->tv_sec != kd->parts[0].tv_sec)
			return error_create(ERR_FORMAT, "%s: its release or "
					    "time stamp differs from %s: not a "
					    "part of the same split dump",
					    p->src->name,
					    kd->parts[0].src->name);
	}
	if (kd->parts[kd->nparts - 1].end_pfn != kd->max_mapnr)
		return error_create(ERR_FORMAT, "%s: the parts of this split "
				    "dump end at pfn 0x%llx, below max_mapnr "
				    "0x%llx: a part is missing",
				    kd->parts[kd->nparts - 1].src->name,
				    (unsigned long long)
				    kd->parts[kd->nparts - 1].end_pfn,
				    (unsigned long long)kd->max_mapnr);
	return NULL;
}

static struct error *describe(struct dump *d, struct kdump *kd)
{
	const struct kdump_part *p = &kd->parts[0];
	unsigned int method = kd->status & KDUMP_COMPRESSION_MASK;
	const char *layout = p->src->kind;
	char when[64] = "";
	time_t t = (time_t)p->tv_sec;
	struct tm tm;
	struct error *err;
	int n;

	snprintf(d->machine, sizeof(d->machine), "%s", p->utsname[4]);
	d->dump_level = p->dump_level;
	n = asprintf(&d->description, "kdump-compressed (%s)%s%s%s",
		     method ? compression_name(method) : "uncompressed",
		     strcmp(layout, "file") ? ", " : "",
		     strcmp(layout, "file") ? layout : "",
		     kd->nparts > 1 ? ", split" : "");
	if (n < 0)
		return error_nomem();
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	err = dump_add_fact(d, "utsname", "sysname \"%s\" nodename \"%s\" "
			    "release \"%s\" version \"%s\" machine \"%s\" "
			    "domainname \"%s\"", p->utsname[0], p->utsname[1],
			    p->utsname[2], p->utsname[3], p->utsname[4],
			    p->utsname[5]);
	if (!err)
		err = dump_add_fact(d, "timestamp", "%llu (%s)",
				    (unsigned long long)p->tv_sec, when);
	if (!err && (kd->status & STATUS_EXCLUDED_VMEMMAP))
		err = dump_add_fact(d, "vmemmap", "unused vmemmap pages "
				    "excluded");
	for (n = 0; !err && kd->nparts > 1 && n < kd->nparts; n++)
		err = dump_add_fact(d, "split part", "%s: pfns 0x%llx-0x%llx",
				    kd->parts[n].src->name,
				    (unsigned long long)kd->parts[n].start_pfn,
				    (unsigned long long)kd->parts[n].end_pfn);
	return err;
}

static struct error *kdump_open(struct dump *d, struct source **srcs,
				int nsrcs)
{
	struct kdump *kd = calloc(1, sizeof(*kd));
	struct header first;
	unsigned char h[H_SIZE];
	struct error *err;
	int i;

	if (kd)
		kd->parts = calloc((size_t)nsrcs, sizeof(*kd->parts));
	if (!kd || !kd->parts) {
		if (kd)
			free(kd->parts);
		free(kd);
		for (i = 0; i < nsrcs; i++)
			source_close(srcs[i]);
		return error_nomem();
	}
	for (i = 0; i < nsrcs; i++)
		kd->parts[i].src = srcs[i];
	kd->nparts = nsrcs;
	d->priv = kd;

	err = read_header(srcs[0], h, &first);
	if (err)
		return err;
	for (i = 0; i < nsrcs; i++) {
		err = open_part(d, kd, &kd->parts[i], i ? &first : NULL);
		if (err)
			return err;
	}
	err = check_split_set(kd, d->opts.headers_only);
	if (err)
		return err;
	d->page_size = kd->block_size;
	d->max_pfn = kd->max_mapnr;
	page_cache_init(&kd->cache, kd->block_size);
	kd->scratch = malloc(kd->block_size);
	if (!kd->scratch)
		return error_nomem();
	return describe(d, kd);
}

static struct kdump_part *part_of(struct kdump *kd, uint64_t pfn)
{
	int lo = 0, hi = kd->nparts - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		struct kdump_part *p = &kd->parts[mid];

		if (pfn < p->start_pfn)
			hi = mid - 1;
		else if (pfn >= p->end_pfn)
			lo = mid + 1;
		else
			return p;
	}
	return NULL;
}

struct page_desc {
	uint64_t desc_at;	/* file offset of the descriptor */
	uint64_t offset;
	uint32_t size, flags;
};

static struct error *read_desc(struct dump *d, struct kdump_part *p,
			       uint64_t pfn, struct page_desc *pd)
{
	struct kdump *kd = d->priv;
	unsigned char raw[DESC_SIZE];
	struct error *err;

	pd->desc_at = p->desc_off + (rank_of(kd, pfn) - p->rank_base) *
				    DESC_SIZE;
	err = source_read(p->src, pd->desc_at, raw, DESC_SIZE);
	if (err) {
		if (err->code != ERR_TRUNCATED)
			return err;
		error_free(err);
		return error_create(ERR_TRUNCATED, "physical address 0x%llx: "
				    "not in the dump: %s ends before its page "
				    "descriptor (offset 0x%llx)",
				    (unsigned long long)pfn * kd->block_size,
				    p->src->name,
				    (unsigned long long)pd->desc_at);
	}
	pd->offset = get64(raw, d->big_endian);
	pd->size = get32(raw + 8, d->big_endian);
	pd->flags = get32(raw + 12, d->big_endian);
	return NULL;
}

/* Decompress (or copy) pfn's page into out, which holds one block. */
static struct error *load_page(struct dump *d, uint64_t pfn,
			       unsigned char *out)
{
	struct kdump *kd = d->priv;
	struct kdump_part *p = part_of(kd, pfn);
	unsigned long long paddr = (unsigned long long)pfn * kd->block_size;
	struct page_desc pd = { 0 };
	struct error *err;
	unsigned int method;

	if (!test_bit(kd->bitmap2, pfn)) {
		if (!test_bit(kd->bitmap1, pfn))
			return error_create(ERR_HOLE, "physical address 0x%llx "
					    "is not in the dump (not RAM)",
					    paddr);
		if (d->opts.zero_excluded) {
			memset(out, 0, kd->block_size);
			return NULL;
		}
		return error_create(ERR_EXCLUDED, "physical address 0x%llx: "
				    "page excluded from the dump (dump level "
				    "%d)", paddr, d->dump_level);
	}
	if (!p)	/* check_split_set makes the parts cover every pfn */
		return error_create(ERR_HOLE, "physical address 0x%llx: no "
				    "part of the split dump holds it", paddr);
	err = read_desc(d, p, pfn, &pd);
	if (err)
		return err;
	if (!pd.offset && !pd.size)
		return error_create(ERR_TRUNCATED, "physical address 0x%llx: "
				    "not in the dump: the writer stopped before "
				    "this page (descriptor at %s offset 0x%llx "
				    "is empty)", paddr, p->src->name,
				    (unsigned long long)pd.desc_at);
	method = pd.flags & KDUMP_COMPRESSION_MASK;
	if (!pd.size || pd.size > kd->block_size ||
	    (!method && pd.size != kd->block_size) ||
	    (method & (method - 1)))
		return error_create(ERR_FORMAT, "%s: page descriptor for "
				    "physical address 0x%llx at offset 0x%llx "
				    "is corrupt (size %u, flags 0x%x, block "
				    "size %u)", p->src->name, paddr,
				    (unsigned long long)pd.desc_at, pd.size,
				    pd.flags, kd->block_size);
	err = source_read(p->src, pd.offset, method ? kd->scratch : out,
			  pd.size);
	if (err) {
		if (err->code != ERR_TRUNCATED)
			return err;
		error_free(err);
		return error_create(ERR_TRUNCATED, "physical address 0x%llx: "
				    "not in the dump: %s ends before its data "
				    "(offset 0x%llx, %u bytes)", paddr,
				    p->src->name,
				    (unsigned long long)pd.offset, pd.size);
	}
	if (!method)
		return NULL;
	err = decompress_page(method, kd->scratch, pd.size, out,
			      kd->block_size);
	return err ? error_prefix(err, "%s: physical address 0x%llx (data "
				  "at offset 0x%llx, descriptor at 0x%llx)",
				  p->src->name, paddr,
				  (unsigned long long)pd.offset,
				  (unsigned long long)pd.desc_at) : NULL;
}

static struct error *kdump_read(struct dump *d, uint64_t paddr, void *buf,
				size_t len)
{
	struct kdump *kd = d->priv;
	unsigned char *out = buf;

	while (len) {
		uint64_t pfn = paddr / kd->block_size;
		size_t in_page = paddr % kd->block_size;
		size_t n = kd->block_size - in_page;
		const unsigned char *page;

		if (n > len)
			n = len;
		if (pfn >= kd->max_mapnr)
			return error_create(ERR_HOLE, "physical address 0x%llx "
					    "is not in the dump (beyond its "
					    "last page frame, 0x%llx)",
					    (unsigned long long)paddr,
					    (unsigned long long)
					    kd->max_mapnr - 1);
		page = page_cache_get(&kd->cache, pfn);
		if (!page) {
			unsigned char *slot = page_cache_slot(&kd->cache, pfn);
			struct error *err;

			if (!slot)
				return error_nomem();
			err = load_page(d, pfn, slot);
			if (err)
				return err;
			page_cache_commit(&kd->cache, pfn);
			page = slot;
		}
		memcpy(out, page + in_page, n);
		out += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

static bool stored_zero_page(struct kdump *kd, struct kdump_part *p,
			     uint64_t at)
{
	uint32_t i;

	if (!source_peek(p->src, at, kd->scratch, kd->block_size))
		return false;
	for (i = 0; i < kd->block_size; i++)
		if (kd->scratch[i])
			return false;
	return true;
}

static void kdump_count_pages(struct dump *d, struct page_counts *out)
{
	struct kdump *kd = d->priv;
	int i;

	out->excluded = count_bits(kd->bitmap1, 0, kd->max_mapnr) -
			count_bits(kd->bitmap2, 0, kd->max_mapnr);
	/* bitmap 1 may leave out pages that were dumped all the same. */
	if ((int64_t)out->excluded < 0)
		out->excluded = 0;
	for (i = 0; i < kd->nparts; i++) {
		struct kdump_part *p = &kd->parts[i];
		/* Writers store the shared zero page first in the data, which
		 * starts after room for the descriptors of the whole dump,
		 * even in one part of a split dump. */
		uint64_t zero_at = p->desc_off +
				   rank_of(kd, kd->max_mapnr) * DESC_SIZE;
		uint64_t k;

		/* ... if there is one: with zero pages kept (no dump level bit
		 * 1) the first data there is an ordinary page. */
		if (!stored_zero_page(kd, p, zero_at))
			zero_at = UINT64_MAX;

		for (k = 0; k < p->ndesc; k++) {
			unsigned char raw[DESC_SIZE];
			uint64_t off, end;

			if (!source_peek(p->src, p->desc_off + k * DESC_SIZE,
					raw, DESC_SIZE)) {
				out->missing += p->ndesc - k;
				break;
			}
			off = get64(raw, d->big_endian);
			end = off + get32(raw + 8, d->big_endian);
			if ((!off && end == off) || end > p->src->size)
				out->missing++;
			else if (off == zero_at && end - off == kd->block_size &&
				 !get32(raw + 12, d->big_endian))
				out->zero++;
			else
				out->present++;
		}
	}
}

static void kdump_destroy(struct dump *d)
{
	struct kdump *kd = d->priv;
	int i;

	for (i = 0; i < kd->nparts; i++)
		source_close(kd->parts[i].src);
	free(kd->parts);
	if (kd->bitmap_copies) {
		free((void *)kd->bitmap1);
		free((void *)kd->bitmap2);
	}
	free(kd->rank);
	free(kd->scratch);
	page_cache_free(&kd->cache);
	free(kd);
	d->priv = NULL;
}

const struct dump_format kdump_format = {
	.name = "kdump-compressed",
	.probe = kdump_probe,
	.open = kdump_open,
	.read = kdump_read,
	.count_pages = kdump_count_pages,
	.destroy = kdump_destroy,
};
