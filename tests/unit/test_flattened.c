/* The flattened format (makedumpfile -F) around ELF and kdump dumps:
 * records of every size, out of order, rewritten, missing, cut short. */
#include <stdlib.h>
#include <string.h>

#include "../../src/dump/dump.h"
#include "../../src/util/error.h"
#include "synth_dump.h"
#include "test.h"

#define NPAGES 120

static const struct synth_segment segs[] = {
	{ 0x0, 0x3000, 0 },
	{ 0x5000, 0x2800, 0 },
	{ 0x9100, 0x1f00, 0x3f00 },
};

/* Record layouts worth trying: the default, records that never line up
 * with pages, tiny ones, one record for all (so mapping works). */
static const struct synth_flat_opts variants[] = {
	{ 0 },
	{ .record_size = 1000 },
	{ .record_size = 64 },
	{ .record_size = 1 << 20 },
	{ .record_size = 4096, .out_of_order = true },
	{ .record_size = 777, .out_of_order = true },
	{ .record_size = 4096, .rewrite = true },
	{ .record_size = 3000, .rewrite = true, .out_of_order = true },
	{ .record_size = 4096, .skip_zero_records = true },
	{ .record_size = 4096, .no_end_marker = true },
	{ .record_size = 500, .out_of_order = true, .rewrite = true,
	  .skip_zero_records = true, .no_end_marker = true },
};
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

TEST(flattened_elf_every_record_layout)
{
	struct synth_elf_opts o = {
		.segs = segs, .nsegs = 3, .nr_cpus = 2,
		.vmcoreinfo = synth_vmcoreinfo,
	};
	struct synth_elf_layout lay;
	struct synth_file f;
	size_t i;

	synth_elf(&o, &f, &lay);
	for (i = 0; i < NVARIANTS; i++) {
		struct synth_file flat;
		struct dump *d;
		char name[32];

		synth_flatten(&f, &variants[i], &flat);
		snprintf(name, sizeof(name), "flat-elf-%zu", i);
		d = synth_open(synth_save(&flat, name), NULL);
		if (d) {
			CHECK(!strcmp(d->description,
				      "ELF64 vmcore, flattened"));
			CHECK_EQ(d->nnotes, 3);
			CHECK(d->vmcoreinfo != NULL);
			/* Without its end marker the file may be cut. */
			CHECK_EQ(d->incomplete != NULL,
				 variants[i].no_end_marker);
			CHECK_ELF(d, &o, &lay, f.size);
			dump_close(d);
		}
		synth_file_free(&flat);
	}
	synth_file_free(&f);
}

TEST(flattened_kdump_every_record_layout)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_MIXED,
		.vmcoreinfo = synth_vmcoreinfo, .notes = true, .nr_cpus = 2,
	};
	struct synth_kdump_layout lay;
	struct synth_file f;
	size_t i;

	synth_kdump(&o, &f, &lay);
	for (i = 0; i < NVARIANTS; i++) {
		struct synth_file flat;
		struct dump *d;
		char name[32];

		synth_flatten(&f, &variants[i], &flat);
		snprintf(name, sizeof(name), "flat-kdump-%zu", i);
		d = synth_open(synth_save(&flat, name), NULL);
		if (d) {
			CHECK(!strcmp(d->description,
				      "kdump-compressed (zlib), flattened"));
			CHECK_EQ(d->nnotes, 3);
			CHECK_EQ(d->incomplete != NULL,
				 variants[i].no_end_marker);
			CHECK_KDUMP(d, &o, &lay, &f.size, 1);
			dump_close(d);
		}
		synth_file_free(&flat);
	}
	synth_kdump_layout_free(&lay);
	synth_file_free(&f);
	free(pages);
}

/* The junk records really are in the file, and really are rewritten. */
TEST(flattened_later_record_wins)
{
	struct synth_elf_opts o = { .segs = segs, .nsegs = 1 };
	struct synth_flat_opts fo = { .record_size = 4096, .rewrite = true };
	struct synth_elf_layout lay;
	struct synth_file f, flat;
	struct dump *d;

	synth_elf(&o, &f, &lay);
	synth_flatten(&f, &fo, &flat);
	/* The first record after the header is junk for [2048, 8192). */
	CHECK_EQ(synth_get_int(&flat, 4096, 8, true), 2048);
	CHECK_EQ(synth_get_int(&flat, 4104, 8, true), 6144);
	CHECK_EQ(flat.data[4112], 0xbd);
	d = synth_open(synth_save(&flat, "rewrite"), NULL);
	if (d) {
		CHECK_PHYS(d, 0, 0x3000);
		dump_close(d);
	}
	synth_file_free(&flat);

	/* Without the rewriting records, the junk shows. */
	synth_flatten(&f, &fo, &flat);
	/* Keep the junk and the first real record, [0, 4096). */
	synth_resize(&flat, 4096 + 3 * 16 + 6144 + 100 + 4096);
	synth_put_int(&flat, flat.size, 8, (uint64_t)-1, true);
	synth_put_int(&flat, flat.size, 8, (uint64_t)-1, true);
	d = synth_open(synth_save(&flat, "junk-only"), NULL);
	if (d) {
		unsigned char b[4];

		CHECK_OK(dump_read_phys(d, 0x1000 - lay.seg_offset[0], b, 4));
		CHECK_EQ(b[0], 0xbd);
		CHECK_PHYS(d, 0, 4096 - lay.seg_offset[0]);
		dump_close(d);
	}
	synth_file_free(&flat);
	synth_file_free(&f);
}

/* The logical size of an in-order flattened file of f cut at cut. */
static uint64_t logical_size(const struct synth_file *f, size_t rs,
			     uint64_t cut)
{
	uint64_t pos = 4096, off = 0, end = 0;

	while (off < f->size && pos + 16 <= cut) {
		uint64_t size = f->size - off < rs ? f->size - off : rs;
		uint64_t have = cut - pos - 16 < size ? cut - pos - 16 : size;

		end = off + have;
		off += size;
		pos += 16 + size;
	}
	return end;
}

/* A flattened file cut short keeps the records (and the part record)
 * before the cut. */
TEST(flattened_kdump_cut_short)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_ZSTD,
	};
	struct synth_flat_opts fo = { .record_size = 1500 };
	struct synth_kdump_layout lay;
	struct synth_file f, flat;
	uint64_t cut, start, step;

	synth_kdump(&o, &f, &lay);
	synth_flatten(&f, &fo, &flat);
	/* From the first cut that keeps all the bitmaps; the end marker
	 * is 16 bytes. */
	start = 4096 + ((lay.desc + 1499) / 1500) * (1500 + 16);
	step = (flat.size - 16 - start) / 17 + 1;
	for (cut = start; cut < flat.size - 16; cut += step) {
		struct synth_file g = { 0 };
		size_t logical = (size_t)logical_size(&f, 1500, cut);
		struct dump *d;
		char name[32];

		synth_put(&g, 0, flat.data, cut);
		snprintf(name, sizeof(name), "flatcut-%" PRIu64, cut);
		d = synth_open(synth_save(&g, name), NULL);
		if (d) {
			CHECK(d->incomplete != NULL);
			CHECK_KDUMP(d, &o, &lay, &logical, 1);
			dump_close(d);
		}
		synth_file_free(&g);
	}
	synth_file_free(&flat);
	synth_kdump_layout_free(&lay);
	synth_file_free(&f);
	free(pages);
}

TEST(flattened_elf_cut_short)
{
	/* Segments start on page boundaries here: elf_truncated_in_segment
	 * covers the others. */
	static const struct synth_segment aligned[] = {
		{ 0x0, 0x3000, 0 },
		{ 0x5000, 0x2800, 0 },
		{ 0x9000, 0x1f00, 0x3f00 },
	};
	struct synth_elf_opts o = { .segs = aligned, .nsegs = 3 };
	struct synth_flat_opts fo = { .record_size = 2000 };
	struct synth_elf_layout lay;
	struct synth_file f, flat;
	uint64_t cut;

	synth_elf(&o, &f, &lay);
	synth_flatten(&f, &fo, &flat);
	for (cut = 4096 + 2016 + 1; cut < flat.size; cut += 1333) {
		struct synth_file g = { 0 };
		struct dump *d;
		char name[32];

		synth_put(&g, 0, flat.data, cut);
		snprintf(name, sizeof(name), "flatelfcut-%" PRIu64, cut);
		d = synth_open(synth_save(&g, name), NULL);
		if (d) {
			CHECK(d->incomplete != NULL);
			CHECK_ELF(d, &o, &lay, logical_size(&f, 2000, cut));
			dump_close(d);
		}
		synth_file_free(&g);
	}
	synth_file_free(&flat);
	synth_file_free(&f);
}

/* Damaged flattened files: an error naming the file, never a crash. */
TEST(flattened_bad_records)
{
	struct synth_elf_opts o = { .segs = segs, .nsegs = 1 };
	struct synth_flat_opts fo = { .record_size = 4096 };
	struct synth_elf_layout lay;
	struct synth_file f, flat;
	const char *path;

	synth_elf(&o, &f, &lay);
	synth_flatten(&f, &fo, &flat);

	/* A negative offset that is not the end marker. */
	synth_put_int(&flat, 4096 + 16 + 4096, 8, (uint64_t)-5, true);
	path = synth_save(&flat, "flat-negoff");
	CHECK_OPEN_ERR(path, ERR_FORMAT);
	synth_file_free(&flat);

	/* A size larger than the whole file. */
	synth_flatten(&f, &fo, &flat);
	synth_put_int(&flat, 4096 + 8, 8, 1ull << 40, true);
	path = synth_save(&flat, "flat-bigsize");
	CHECK_OPEN_ERR(path, ERR_FORMAT);
	synth_file_free(&flat);

	/* A negative size. */
	synth_flatten(&f, &fo, &flat);
	synth_put_int(&flat, 4096 + 8, 8, (uint64_t)-2, true);
	path = synth_save(&flat, "flat-negsize");
	CHECK_OPEN_ERR(path, ERR_FORMAT);
	synth_file_free(&flat);

	/* An offset so large offset + size wraps. */
	synth_flatten(&f, &fo, &flat);
	synth_put_int(&flat, 4096, 8, 0x7fffffffffffff00ull, true);
	path = synth_save(&flat, "flat-wrap");
	CHECK_BAD(path, 0, 1, SYNTH_CODE(ERR_FORMAT) | SYNTH_CODE(ERR_TRUNCATED));
	synth_file_free(&flat);

	/* Only the header: no records at all. */
	synth_flatten(&f, &fo, &flat);
	synth_resize(&flat, 4096);
	path = synth_save(&flat, "flat-empty");
	CHECK_BAD(path, 0, 0, SYNTH_CODE(ERR_FORMAT) |
		  SYNTH_CODE(ERR_TRUNCATED));
	synth_file_free(&flat);

	/* The wrong type: not a flattened file, and not a dump. */
	synth_flatten(&f, &fo, &flat);
	synth_put_int(&flat, 16, 8, 2, true);
	path = synth_save(&flat, "flat-type2");
	CHECK_OPEN_ERR(path, ERR_FORMAT);
	synth_file_free(&flat);

	/* The header alone, cut short. */
	synth_flatten(&f, &fo, &flat);
	synth_resize(&flat, 100);
	path = synth_save(&flat, "flat-shorthdr");
	CHECK_BAD(path, 0, 0, SYNTH_CODE(ERR_FORMAT) |
		  SYNTH_CODE(ERR_TRUNCATED));
	synth_file_free(&flat);
	synth_file_free(&f);
}

/* Damaged kdump headers read through the flattened layer (copies, not
 * mappings): the same errors as from a plain file. */
TEST(flattened_kdump_bad_headers)
{
	static const struct { uint64_t off; int width; uint64_t v; } bad[] = {
		{ KDUMP_HEADER_BLOCK_SIZE, 4, 0 },
		{ KDUMP_HEADER_BITMAP_BLOCKS, 4, 0x10000 },
		{ KDUMP_HEADER_SUB_HDR_SIZE, 4, 0x100000 },
		{ 4096 + KDUMP_SUB_MAX_MAPNR_64, 8, 1ull << 40 },
		{ 4096 + KDUMP_SUB_OFFSET_NOTE, 8, 1ull << 40 },
		{ 4096 + KDUMP_SUB_SIZE_NOTE, 8, ~0ull },
	};
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_ZLIB,
		.vmcoreinfo = synth_vmcoreinfo, .notes = true, .nr_cpus = 1,
	};
	struct synth_flat_opts fo = { .record_size = 1000 };
	struct synth_kdump_layout lay;
	struct synth_file f, flat;
	uint64_t cut;
	size_t i;

	synth_kdump(&o, &f, &lay);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t saved = synth_get_int(&f, bad[i].off, bad[i].width,
					       false);
		char name[32];

		synth_put_int(&f, bad[i].off, bad[i].width, bad[i].v, false);
		synth_flatten(&f, &fo, &flat);
		snprintf(name, sizeof(name), "flatbad-%zu", i);
		CHECK_BAD(synth_save(&flat, name), 0, 0,
			  SYNTH_CODE(ERR_FORMAT) | SYNTH_CODE(ERR_TRUNCATED));
		synth_file_free(&flat);
		synth_put_int(&f, bad[i].off, bad[i].width, saved, false);
	}
	/* Cut in the records of the headers and bitmaps. */
	synth_flatten(&f, &fo, &flat);
	for (cut = 0; cut < 4096 + (lay.desc / 1000) * 1016; cut += 113) {
		struct synth_file g = { 0 };

		synth_put(&g, 0, flat.data, cut);
		CHECK_BAD(synth_save(&g, "flatbadcut"), 0, 0,
			  SYNTH_CODE(ERR_FORMAT) | SYNTH_CODE(ERR_TRUNCATED));
		synth_file_free(&g);
	}
	synth_file_free(&flat);
	synth_kdump_layout_free(&lay);
	synth_file_free(&f);
	free(pages);
}
