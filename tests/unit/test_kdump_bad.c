/* Damaged kdump-compressed files: headers cut or corrupted, descriptors
 * pointing nowhere, pages that do not decompress.  Each must give an error
 * naming the file, never a crash, a hang or a sanitizer report. */
#include <stdlib.h>
#include <string.h>

#include "../../src/dump/dump.h"
#include "../../src/util/error.h"
#include "synth_dump.h"
#include "test.h"

#define NPAGES 100
#define FMT (SYNTH_CODE(ERR_FORMAT))
#define FMT_OR_CUT (SYNTH_CODE(ERR_FORMAT) | SYNTH_CODE(ERR_TRUNCATED))
#define SUB(field) (4096 + (field))

static uint8_t pages[NPAGES];

static void fill_pages(void)
{
	uint8_t *std = synth_std_pages(NPAGES);

	memcpy(pages, std, NPAGES);
	free(std);
}

static void kdump(struct synth_file *f, struct synth_kdump_layout *lay,
		  int ver, enum synth_comp comp)
{
	struct synth_kdump_opts o = {
		.header_version = ver, .max_mapnr = NPAGES, .pages = pages,
		.comp = comp, .vmcoreinfo = synth_vmcoreinfo, .notes = true,
		.nr_cpus = 2,
	};

	fill_pages();
	synth_kdump(&o, f, lay);
}

static void done(struct synth_file *f, struct synth_kdump_layout *lay)
{
	synth_file_free(f);
	synth_kdump_layout_free(lay);
}

/* The first pfn >= from stored as data. */
static uint64_t data_pfn(uint64_t from)
{
	fill_pages();
	while (pages[from] != SYNTH_DATA)
		from++;
	return from;
}

/* Every byte of the header and sub header, fewer of the rest. */
static uint64_t cut_step(uint64_t at)
{
	if (at < KDUMP_HEADER_SIZE ||
	    (at >= 4096 && at < 4096 + KDUMP_SUB_SIZE))
		return 1;
	return at < 4096 ? 61 : 37;
}

/* Cut anywhere before the descriptors: opening fails.  Every byte of the
 * header and sub header, then points through notes and bitmaps. */
TEST(kdump_bad_truncated_in_headers)
{
	struct synth_kdump_layout lay;
	struct synth_file f;
	uint64_t cut;

	kdump(&f, &lay, 6, SYNTH_ZLIB);
	for (cut = 0; cut < lay.desc; cut += cut_step(cut)) {
		struct synth_file g = { 0 };

		synth_put(&g, 0, f.data, cut);
		CHECK_BAD(synth_save(&g, "kcut"), 0, 0, FMT_OR_CUT);
		synth_file_free(&g);
	}
	done(&f, &lay);
}

static void expect_bad(struct synth_file *f, const char *name,
		       unsigned codes)
{
	CHECK_BAD(synth_save(f, name), 0, 0, codes);
}

TEST(kdump_bad_block_size)
{
	static const uint32_t bad[] = {
		0, 1, 512, 3000, 4097, 1u << 30, 0x80000000u, 0xffffffffu,
	};
	struct synth_kdump_layout lay;
	struct synth_file f;
	size_t i;

	kdump(&f, &lay, 6, SYNTH_ZLIB);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		synth_put_int(&f, KDUMP_HEADER_BLOCK_SIZE, 4, bad[i], false);
		expect_bad(&f, "blocksize", FMT);
	}
	/* A valid size that is not the one used: the layout falls apart. */
	synth_put_int(&f, KDUMP_HEADER_BLOCK_SIZE, 4, 65536, false);
	expect_bad(&f, "blocksize64k", FMT_OR_CUT);
	done(&f, &lay);
}

TEST(kdump_bad_sizes_and_counts)
{
	struct synth_kdump_layout lay;
	struct synth_file f;

	kdump(&f, &lay, 6, SYNTH_ZLIB);
	synth_put_int(&f, KDUMP_HEADER_SUB_HDR_SIZE, 4, 0x100000, false);
	expect_bad(&f, "subhdr", FMT_OR_CUT);
	synth_put_int(&f, KDUMP_HEADER_SUB_HDR_SIZE, 4, 0xffffffffu, false);
	expect_bad(&f, "subhdrmax", FMT_OR_CUT);
	synth_put_int(&f, KDUMP_HEADER_SUB_HDR_SIZE, 4, lay.sub_hdr_size,
		      false);

	synth_put_int(&f, KDUMP_HEADER_BITMAP_BLOCKS, 4, 0, false);
	expect_bad(&f, "bitmap0", FMT);
	synth_put_int(&f, KDUMP_HEADER_BITMAP_BLOCKS, 4, 0x10000, false);
	expect_bad(&f, "bitmapbig", FMT_OR_CUT);
	synth_put_int(&f, KDUMP_HEADER_BITMAP_BLOCKS, 4, 0xffffffffu, false);
	expect_bad(&f, "bitmapmax", FMT_OR_CUT);
	synth_put_int(&f, KDUMP_HEADER_BITMAP_BLOCKS, 4, lay.bitmap_blocks,
		      false);

	/* More page frames than the bitmaps have bits. */
	synth_put_int(&f, SUB(KDUMP_SUB_MAX_MAPNR_64), 8, 1ull << 40, false);
	expect_bad(&f, "mapnr64", FMT);
	synth_put_int(&f, SUB(KDUMP_SUB_MAX_MAPNR_64), 8, 4096 * 8 + 1, false);
	expect_bad(&f, "mapnr64b", FMT);
	synth_put_int(&f, SUB(KDUMP_SUB_MAX_MAPNR_64), 8, ~0ull, false);
	expect_bad(&f, "mapnr64max", FMT);
	synth_put_int(&f, SUB(KDUMP_SUB_MAX_MAPNR_64), 8, NPAGES, false);
	done(&f, &lay);

	/* Before v6 the header's 32-bit max_mapnr counts. */
	kdump(&f, &lay, 5, SYNTH_ZLIB);
	synth_put_int(&f, KDUMP_HEADER_MAX_MAPNR, 4, 0xffffffffu, false);
	expect_bad(&f, "mapnr32", FMT);
	done(&f, &lay);

	kdump(&f, &lay, 6, SYNTH_ZLIB);
	synth_put_int(&f, 8, 4, 0, false);
	expect_bad(&f, "version0", FMT);
	synth_put_int(&f, 8, 4, 0x80000000u, false);
	expect_bad(&f, "versionneg", FMT | SYNTH_CODE(ERR_UNSUPPORTED));
	synth_put(&f, 0, "DISKDUMP", 8);
	expect_bad(&f, "diskdump", SYNTH_CODE(ERR_UNSUPPORTED));
	done(&f, &lay);
}

/* VMCOREINFO and notes the sub header puts past the end. */
TEST(kdump_bad_notes_and_vmcoreinfo)
{
	static const struct { int field; uint64_t v; } bad[] = {
		{ KDUMP_SUB_OFFSET_VMCOREINFO, 1ull << 40 },
		{ KDUMP_SUB_OFFSET_VMCOREINFO, ~0ull - 16 },
		{ KDUMP_SUB_SIZE_VMCOREINFO, 1ull << 40 },
		{ KDUMP_SUB_SIZE_VMCOREINFO, ~0ull },
		{ KDUMP_SUB_OFFSET_NOTE, 1ull << 40 },
		{ KDUMP_SUB_OFFSET_NOTE, ~0ull - 16 },
		{ KDUMP_SUB_SIZE_NOTE, 1ull << 40 },
		{ KDUMP_SUB_SIZE_NOTE, ~0ull },
	};
	struct synth_kdump_layout lay;
	struct synth_file f;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[32];

		kdump(&f, &lay, 6, SYNTH_ZLIB);
		/* The notes hold VMCOREINFO: drop them to reach it. */
		if (bad[i].field == KDUMP_SUB_OFFSET_VMCOREINFO ||
		    bad[i].field == KDUMP_SUB_SIZE_VMCOREINFO)
			synth_put_int(&f, SUB(KDUMP_SUB_OFFSET_NOTE), 8, 0,
				      false);
		synth_put_int(&f, SUB(bad[i].field), 8, bad[i].v, false);
		snprintf(name, sizeof(name), "subfield%zu", i);
		expect_bad(&f, name, FMT_OR_CUT);
		done(&f, &lay);
	}
	/* A note inside runs past the notes' end. */
	kdump(&f, &lay, 6, SYNTH_ZLIB);
	synth_put_int(&f, lay.note_offset + 4, 4, 0x7fffffff, false);
	expect_bad(&f, "knotedesc", FMT);
	done(&f, &lay);
}

/* A descriptor whose data lies past the end, or is absurd. */
TEST(kdump_bad_descriptors)
{
	struct synth_kdump_layout lay;
	struct synth_file f;
	uint64_t pfn = data_pfn(20), at;
	const struct { uint64_t off; uint32_t size, flags; unsigned codes; }
	bad[] = {
		{ 1ull << 40, 100, 1, FMT_OR_CUT },	/* offset past end */
		{ ~0ull - 10, 100, 1, FMT_OR_CUT },	/* offset wraps */
		{ 0, 4096, 0, FMT_OR_CUT },		/* replaced below */
		{ 0, 4097, 0, FMT },			/* size > block */
		{ 0, 0xffffffffu, 1, FMT },
		{ 0, 0, 1, FMT },			/* empty, not zero */
		{ 0, 100, 0, FMT },			/* raw but short */
		{ 0, 100, 0x3, FMT },			/* two methods */
		{ 0, 100, 0x40, FMT },			/* unknown method */
	};
	size_t i;

	kdump(&f, &lay, 6, SYNTH_ZLIB);
	at = lay.pd[pfn].desc_off;
	CHECK(lay.pd[pfn].size < 4096);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t off = bad[i].off ? bad[i].off
					  : (uint64_t)lay.pd[pfn].offset;
		char name[32];

		if (i == 2)	/* a whole block from the last bytes */
			off = f.size - 100;
		synth_put_int(&f, at, 8, off, false);
		synth_put_int(&f, at + 8, 4, bad[i].size, false);
		synth_put_int(&f, at + 12, 4, bad[i].flags, false);
		snprintf(name, sizeof(name), "desc%zu", i);
		CHECK_BAD(synth_save(&f, name), pfn * 4096, 4096,
			  bad[i].codes);
		/* The pages around it still read. */
		{
			struct dump *d = synth_open(synth_save(&f, name),
						    NULL);
			uint64_t next = data_pfn(pfn + 1);

			if (d) {
				CHECK_PHYS(d, next * 4096, 4096);
				CHECK_PHYS(d, 0, 4096);
				dump_close(d);
			}
		}
	}
	done(&f, &lay);
}

/* Compressed bytes that do not decompress, for every method. */
TEST(kdump_bad_compressed_data)
{
	int comp;

	for (comp = SYNTH_ZLIB; comp <= SYNTH_ZSTD; comp++) {
		struct synth_kdump_layout lay;
		struct synth_file f;
		uint64_t pfn = data_pfn(30), i;
		const struct synth_pd *pd;
		char name[32];

		kdump(&f, &lay, 6, (enum synth_comp)comp);
		pd = &lay.pd[pfn];
		CHECK(pd->flags != 0 && pd->size < 4096);

		/* Garbled bytes. */
		for (i = 0; i < pd->size; i++)
			f.data[pd->offset + i] ^= (uint8_t)(0x5a + i * 13);
		snprintf(name, sizeof(name), "garbled-%d", comp);
		CHECK_BAD(synth_save(&f, name), pfn * 4096, 4096, FMT);
		for (i = 0; i < pd->size; i++)
			f.data[pd->offset + i] ^= (uint8_t)(0x5a + i * 13);

		/* One byte short. */
		synth_put_int(&f, pd->desc_off + 8, 4, pd->size - 1, false);
		snprintf(name, sizeof(name), "short-%d", comp);
		CHECK_BAD(synth_save(&f, name), pfn * 4096, 4096, FMT);
		synth_put_int(&f, pd->desc_off + 8, 4, pd->size, false);

		/* Another method's flag. */
		synth_put_int(&f, pd->desc_off + 12, 4,
			      comp == SYNTH_ZLIB ? 0x20 : 0x1, false);
		snprintf(name, sizeof(name), "method-%d", comp);
		CHECK_BAD(synth_save(&f, name), pfn * 4096, 4096, FMT);
		synth_put_int(&f, pd->desc_off + 12, 4, pd->flags, false);

		/* Decompresses to less than a page: a page's worth of the
		 * same method but of half a page. */
		{
			struct synth_kdump_opts o = {
				.block_size = 2048, .max_mapnr = 4,
				.comp = (enum synth_comp)comp,
			};
			struct synth_kdump_layout small;
			struct synth_file g;
			const struct synth_pd *sp;

			synth_kdump(&o, &g, &small);
			sp = &small.pd[1];
			if (sp->size <= pd->size && sp->flags == pd->flags) {
				synth_put(&f, pd->offset, g.data + sp->offset,
					  sp->size);
				synth_put_int(&f, pd->desc_off + 8, 4,
					      sp->size, false);
				snprintf(name, sizeof(name), "half-%d", comp);
				CHECK_BAD(synth_save(&f, name), pfn * 4096,
					  4096, FMT);
			} else {
				test_fail(__FILE__, __LINE__, "no half page "
					  "for method %d", comp);
			}
			done(&g, &small);
		}
		done(&f, &lay);
	}
}

/* Any byte of the header, sub header and notes flipped: an error naming
 * the file, or a dump whose reads fail cleanly. */
TEST(kdump_bad_every_header_byte)
{
	struct synth_kdump_layout lay;
	struct synth_file f;
	uint64_t i;

	kdump(&f, &lay, 6, SYNTH_MIXED);
	for (i = 0; i < lay.note_offset + lay.note_size; i += cut_step(i)) {
		struct dump *d = NULL;
		struct error *err;
		const char *path;
		unsigned char saved;

		saved = f.data[i];
		f.data[i] = saved ^ 0xff;
		path = synth_save(&f, "kflip");
		err = dump_open((const char *const[]){ path }, 1, NULL, &d);
		if (err) {
			if (!strstr(err->message, path))
				test_fail(__FILE__, __LINE__, "byte 0x%" PRIx64
					  ": \"%s\" does not name the file", i,
					  err->message);
			error_free(err);
		} else {
			unsigned char *buf = malloc(3 * 4096);
			struct page_counts pc;

			error_free(dump_read_phys(d, 10 * 4096, buf,
						  3 * 4096));
			dump_count_pages(d, &pc);
			dump_close(d);
			free(buf);
		}
		f.data[i] = saved;
	}
	done(&f, &lay);
}

/* The bitmaps with every bit set: descriptors run out before the pages
 * do, and reads past them fail cleanly. */
TEST(kdump_bad_bitmap_claims_too_much)
{
	struct synth_kdump_layout lay;
	struct synth_file f;
	struct dump *d;
	const char *path;
	uint64_t pfn;

	kdump(&f, &lay, 6, SYNTH_LZO);
	for (pfn = 0; pfn < NPAGES; pfn++) {
		f.data[lay.bitmap1 + pfn / 8] |= 1 << (pfn % 8);
		f.data[lay.bitmap2 + pfn / 8] |= 1 << (pfn % 8);
	}
	path = synth_save(&f, "allbits");
	d = NULL;
	{
		struct error *err = dump_open((const char *const[]){ path }, 1,
					      NULL, &d);

		if (err) {
			CHECK(strstr(err->message, path) != NULL);
			error_free(err);
		} else {
			unsigned char buf[4096];
			struct page_counts pc;

			for (pfn = 0; pfn < NPAGES; pfn++)
				error_free(dump_read_phys(d, pfn * 4096, buf,
							  4096));
			dump_count_pages(d, &pc);
			dump_close(d);
		}
	}
	done(&f, &lay);
}
