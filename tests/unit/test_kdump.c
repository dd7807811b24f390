/* kdump-compressed files read back through the dump API: every header
 * version, every compression, zero, excluded and missing pages, notes and
 * VMCOREINFO, incomplete and truncated files. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/dump/dump.h"
#include "../../src/dump/vmcoreinfo.h"
#include "../../src/util/endian.h"
#include "../../src/util/error.h"
#include "synth_dump.h"
#include "test.h"

#define NPAGES 150

static const char *const comp_names[] = {
	"none", "zlib", "lzo", "snappy", "zstd", "mixed",
};

/* Write o, open it, check every page; returns the dump if keep. */
static void check_kdump(const struct synth_kdump_opts *o, const char *name,
			const struct dump_options *dopts)
{
	struct synth_kdump_layout lay;
	struct synth_file f;
	struct dump *d;

	synth_kdump(o, &f, &lay);
	d = synth_open(synth_save(&f, name), dopts);
	if (d) {
		CHECK_KDUMP(d, o, &lay, &f.size, 1);
		dump_close(d);
	}
	synth_kdump_layout_free(&lay);
	synth_file_free(&f);
}

TEST(kdump_every_version_and_compression)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	int ver, comp;

	for (ver = 1; ver <= 6; ver++) {
		for (comp = SYNTH_NONE; comp <= SYNTH_MIXED; comp++) {
			struct synth_kdump_opts o = {
				.header_version = ver, .max_mapnr = NPAGES,
				.pages = pages, .comp = (enum synth_comp)comp,
				.vmcoreinfo = synth_vmcoreinfo, .notes = true,
				.nr_cpus = 2, .dump_level = 31,
			};
			struct synth_kdump_layout lay;
			struct synth_file f;
			struct dump *d;
			char name[64];
			int m;

			snprintf(name, sizeof(name), "v%d-%s", ver,
				 comp_names[comp]);
			synth_kdump(&o, &f, &lay);
			/* The writer really stored what was asked. */
			if (comp == SYNTH_MIXED) {
				for (m = 0; m < SYNTH_NCOMP; m++)
					CHECK(lay.stored[m] > 0);
			} else {
				CHECK_EQ(lay.stored[comp], lay.present);
			}
			d = synth_open(synth_save(&f, name), NULL);
			if (d) {
				char want[64];

				CHECK_KDUMP(d, &o, &lay, &f.size, 1);
				snprintf(want, sizeof(want),
					 "kdump-compressed (%s)",
					 comp == SYNTH_NONE ? "uncompressed"
					 : comp == SYNTH_MIXED ? "zlib"
					 : comp_names[comp]);
				CHECK(!strcmp(d->description, want));
				CHECK(d->incomplete == NULL);
				dump_close(d);
			}
			synth_kdump_layout_free(&lay);
			synth_file_free(&f);
		}
	}
	free(pages);
}

TEST(kdump_header_fields)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_LZO,
		.nr_cpus = 3, .dump_level = 17, .phys_base = 0x1000000,
	};
	struct synth_kdump_layout lay;
	struct synth_file f;
	struct dump *d;

	synth_kdump(&o, &f, &lay);
	d = synth_open(synth_save(&f, "fields"), NULL);
	if (d) {
		CHECK_EQ(d->page_size, 4096);
		CHECK_EQ(d->max_pfn, NPAGES);
		CHECK_EQ(d->dump_level, 17);
		CHECK_EQ(d->nr_cpus, 3);
		CHECK(d->is_64bit);
		CHECK(!d->big_endian);
		CHECK(!strcmp(d->machine, "x86_64"));
		CHECK(!strcmp(d->description, "kdump-compressed (lzo)"));
		CHECK_EQ(d->nnotes, 0);
		CHECK(d->vmcoreinfo == NULL);
		CHECK(d->nfacts > 0);
		dump_close(d);
	}
	synth_kdump_layout_free(&lay);
	synth_file_free(&f);
	free(pages);
}

/* VMCOREINFO from v3, the ELF notes from v4; before that the reader must
 * not look (the fields hold junk here). */
TEST(kdump_notes_and_vmcoreinfo_by_version)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	int ver;

	for (ver = 1; ver <= 6; ver++) {
		struct synth_kdump_opts o = {
			.header_version = ver, .max_mapnr = NPAGES,
			.pages = pages, .comp = SYNTH_ZLIB,
			.vmcoreinfo = synth_vmcoreinfo,
			.notes = true, .nr_cpus = 3,
			.junk_beyond_version = true,
		};
		struct synth_kdump_layout lay;
		struct synth_file f;
		const struct dump_note *n;
		struct dump *d;
		char name[32];
		size_t pos = 0;
		int cpus = 0;

		snprintf(name, sizeof(name), "notes-v%d", ver);
		synth_kdump(&o, &f, &lay);
		d = synth_open(synth_save(&f, name), NULL);
		if (!d)
			goto next;
		CHECK_KDUMP(d, &o, &lay, &f.size, 1);
		if (ver < 3) {
			CHECK(d->vmcoreinfo == NULL);
			CHECK_EQ(d->nnotes, 0);
		} else if (ver == 3) {
			CHECK_EQ(d->nnotes, 0);
			CHECK(d->vmcoreinfo != NULL);
		} else {
			CHECK_EQ(d->nnotes, 4);
			CHECK(d->nnotes && d->notes[0].file_offset ==
			      lay.note_offset);
			while ((n = dump_find_note(d, "CORE", NT_PRSTATUS,
						   &pos))) {
				CHECK_EQ(get32(n->desc + SYNTH_PR_PID, false),
					 SYNTH_PID(cpus));
				CHECK_EQ(get64(n->desc + SYNTH_PR_REG + 8 * 16,
					       false), synth_reg(cpus, 16));
				cpus++;
			}
			CHECK_EQ(cpus, 3);
			CHECK(dump_find_note(d, "VMCOREINFO", 0, NULL));
		}
		if (ver >= 3 && d->vmcoreinfo) {
			uint64_t sym = 0;
			int64_t off = -5;

			CHECK_EQ(d->vmcoreinfo->len, strlen(synth_vmcoreinfo));
			CHECK(vmcoreinfo_symbol(d->vmcoreinfo, "init_uts_ns",
						&sym));
			CHECK_EQ(sym, 0xffffffff82a1b2c0ull);
			CHECK(vmcoreinfo_offset(d->vmcoreinfo,
						"list_head.next", &off));
			CHECK_EQ(off, 0);
		}
		dump_close(d);
next:
		synth_kdump_layout_free(&lay);
		synth_file_free(&f);
	}
	free(pages);
}

/* A v4+ header with VMCOREINFO but no notes keeps it after the sub
 * header, as v3 did. */
TEST(kdump_vmcoreinfo_without_notes)
{
	struct synth_kdump_opts o = {
		.header_version = 6, .max_mapnr = 10, .comp = SYNTH_ZSTD,
		.vmcoreinfo = "OSRELEASE=5.10.0\nPAGESIZE=4096\n",
	};
	struct synth_kdump_layout lay;
	struct synth_file f;
	struct dump *d;

	synth_kdump(&o, &f, &lay);
	CHECK_EQ(lay.note_offset, 0);
	d = synth_open(synth_save(&f, "vmcoreinfo-only"), NULL);
	if (d) {
		const char *rel = vmcoreinfo_get(d->vmcoreinfo, "OSRELEASE");

		CHECK(rel && !strcmp(rel, "5.10.0"));
		CHECK_EQ(d->nnotes, 0);
		dump_close(d);
	}
	synth_kdump_layout_free(&lay);
	synth_file_free(&f);
}

/* Over 32768 page frames: several bitmap blocks, and pages dumped on both
 * sides of the block and rank-chunk boundaries. */
TEST(kdump_many_bitmap_blocks)
{
	uint64_t n = 100000, pfn;
	uint8_t *pages = malloc(n);
	struct synth_kdump_opts o = {
		.max_mapnr = n, .pages = pages, .comp = SYNTH_SNAPPY,
	};
	struct synth_kdump_layout lay;
	struct synth_file f;
	struct dump *d;

	for (pfn = 0; pfn < n; pfn++) {
		pages[pfn] = SYNTH_HOLE;
		if (pfn % 997 == 0 || (pfn >= 4090 && pfn < 4100) ||
		    (pfn >= 32760 && pfn < 32780) || pfn >= n - 5)
			pages[pfn] = SYNTH_DATA;
		else if (pfn % 1999 == 0)
			pages[pfn] = SYNTH_ZERO;
		else if (pfn % 1499 == 0 || (pfn >= 65000 && pfn < 66000))
			pages[pfn] = SYNTH_EXCLUDED;
	}
	synth_kdump(&o, &f, &lay);
	CHECK_EQ(lay.bitmap_blocks, 8);
	d = synth_open(synth_save(&f, "bigmap"), NULL);
	if (d) {
		CHECK_KDUMP(d, &o, &lay, &f.size, 1);
		dump_close(d);
	}
	synth_kdump_layout_free(&lay);
	synth_file_free(&f);
	free(pages);
}

TEST(kdump_large_block_sizes)
{
	static const uint32_t sizes[] = { 16384, 65536 };
	uint8_t *pages = synth_std_pages(40);
	size_t i;
	int comp;

	for (i = 0; i < 2; i++) {
		for (comp = SYNTH_NONE; comp <= SYNTH_MIXED; comp++) {
			struct synth_kdump_opts o = {
				.block_size = sizes[i], .max_mapnr = 40,
				.pages = pages, .comp = (enum synth_comp)comp,
			};
			char name[32];

			snprintf(name, sizeof(name), "bs%u-%d", sizes[i],
				 comp);
			check_kdump(&o, name, NULL);
		}
	}
	free(pages);
}

TEST(kdump_zero_excluded_option)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_ZLIB,
	};
	struct dump_options zero = { .zero_excluded = true };

	check_kdump(&o, "zero-excluded", &zero);
	free(pages);
}

/* Without zero pages there is no shared zero page: the first page stored
 * is an ordinary one. */
TEST(kdump_without_zero_pages)
{
	int comp;

	for (comp = SYNTH_NONE; comp <= SYNTH_MIXED; comp++) {
		struct synth_kdump_opts o = {
			.max_mapnr = 30, .comp = (enum synth_comp)comp,
		};
		struct synth_kdump_layout lay;
		struct page_counts pc;
		struct synth_file f;
		struct dump *d;
		char name[32];

		snprintf(name, sizeof(name), "nozero-%d", comp);
		synth_kdump(&o, &f, &lay);
		CHECK_EQ(lay.zero_page, 0);
		CHECK_EQ(lay.pd[0].offset, lay.data);
		d = synth_open(synth_save(&f, name), NULL);
		if (d) {
			CHECK_PHYS(d, 0, 4096);
			dump_count_pages(d, &pc);
			CHECK_EQ(pc.present, 30);
			CHECK_EQ(pc.zero, 0);
			CHECK_KDUMP(d, &o, &lay, &f.size, 1);
			dump_close(d);
		}
		synth_kdump_layout_free(&lay);
		synth_file_free(&f);
	}
}

TEST(kdump_data_out_of_pfn_order)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_MIXED,
		.reverse_data = true,
	};

	check_kdump(&o, "reversed", NULL);
	free(pages);
}

/* makedumpfile out of space: INCOMPLETE in the status, the descriptors it
 * did not get to left zero. */
TEST(kdump_incomplete_flag)
{
	static const uint64_t from[] = { 0, 1, 40, 70 };
	uint8_t *pages = synth_std_pages(NPAGES);
	size_t i;

	for (i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		struct synth_kdump_opts o = {
			.max_mapnr = NPAGES, .pages = pages,
			.comp = SYNTH_ZLIB, .incomplete = true,
			.incomplete_from = from[i],
		};
		struct synth_kdump_layout lay;
		struct synth_file f;
		struct dump *d;
		char name[32];

		snprintf(name, sizeof(name), "incomplete-%zu", i);
		synth_kdump(&o, &f, &lay);
		CHECK(lay.missing > 0);
		d = synth_open(synth_save(&f, name), NULL);
		if (d) {
			CHECK(d->incomplete != NULL);
			CHECK_KDUMP(d, &o, &lay, &f.size, 1);
			dump_close(d);
		}
		synth_kdump_layout_free(&lay);
		synth_file_free(&f);
	}
	free(pages);
}

/* A file cut anywhere after its bitmaps: pages before the cut read, the
 * rest are "truncated". */
TEST(kdump_truncated_anywhere_after_bitmaps)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_MIXED,
	};
	struct synth_kdump_layout lay;
	struct synth_file f;
	uint64_t cut, full, step;

	synth_kdump(&o, &f, &lay);
	full = f.size;
	step = (full - lay.desc) / 23 + 1;
	for (cut = lay.desc; cut < full; cut += step) {
		struct synth_file g = { 0 };
		struct dump *d;
		char name[32];

		synth_put(&g, 0, f.data, cut);
		snprintf(name, sizeof(name), "cut-%" PRIu64, cut);
		d = synth_open(synth_save(&g, name), NULL);
		if (d) {
			CHECK(d->incomplete != NULL);
			CHECK_KDUMP(d, &o, &lay, &g.size, 1);
			dump_close(d);
		}
		synth_file_free(&g);
	}
	synth_kdump_layout_free(&lay);
	synth_file_free(&f);
	free(pages);
}

/* Cut inside one page's data: the page before it is whole. */
TEST(kdump_truncated_mid_page)
{
	static const uint8_t pages[8] = { [7] = SYNTH_ZERO };
	struct synth_kdump_opts o = {
		.max_mapnr = 8, .pages = pages, .comp = SYNTH_NONE,
	};
	struct synth_kdump_layout lay;
	struct synth_file f;
	struct page_counts pc;
	struct dump *d;

	synth_kdump(&o, &f, &lay);
	synth_resize(&f, (size_t)lay.pd[5].offset + 100);
	d = synth_open(synth_save(&f, "midpage"), NULL);
	if (d) {
		CHECK(d->incomplete && strstr(d->incomplete, "midpage"));
		CHECK_PHYS(d, 0, 5 * 4096);
		CHECK_READ_ERR(d, 5 * 4096, 1, ERR_TRUNCATED);
		CHECK_READ_ERR(d, 4 * 4096, 4097, ERR_TRUNCATED);
		CHECK_READ_ERR(d, 6 * 4096, 1, ERR_TRUNCATED);
		CHECK_PHYS(d, 4 * 4096, 4096);
		CHECK_PHYS_ZERO(d, 7 * 4096, 4096);
		dump_count_pages(d, &pc);
		CHECK_EQ(pc.present, 5);
		CHECK_EQ(pc.zero, 1);
		CHECK_EQ(pc.missing, 2);
		dump_close(d);
	}
	synth_kdump_layout_free(&lay);
	synth_file_free(&f);
}

/* A big-endian writer (ppc64, s390x): every field in its byte order. */
TEST(kdump_big_endian)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	int ver;

	for (ver = 1; ver <= 6; ver++) {
		struct synth_kdump_opts o = {
			.header_version = ver, .big_endian = true,
			.max_mapnr = NPAGES, .pages = pages,
			.comp = SYNTH_MIXED, .vmcoreinfo = synth_vmcoreinfo,
			.notes = true, .nr_cpus = 2, .dump_level = 31,
		};
		struct synth_kdump_layout lay;
		const struct dump_note *n;
		struct synth_file f;
		struct dump *d;
		char name[32];

		snprintf(name, sizeof(name), "be-v%d", ver);
		synth_kdump(&o, &f, &lay);
		d = synth_open(synth_save(&f, name), NULL);
		if (d) {
			CHECK(d->big_endian);
			CHECK(!strcmp(d->machine, "ppc64"));
			CHECK_EQ(d->dump_level, 31);
			CHECK_EQ(d->nr_cpus, 2);
			CHECK_KDUMP(d, &o, &lay, &f.size, 1);
			n = dump_find_note(d, "CORE", NT_PRSTATUS, NULL);
			CHECK_EQ(n != NULL, ver >= 4);
			if (n)
				CHECK_EQ(get32(n->desc + SYNTH_PR_PID, true),
					 SYNTH_PID(0));
			CHECK_EQ(d->vmcoreinfo != NULL, ver >= 3);
			dump_close(d);
		}
		synth_kdump_layout_free(&lay);
		synth_file_free(&f);
	}
	free(pages);
}

/* From v6 the sub header's 64-bit max_mapnr counts: the header's 32-bit
 * one may be clamped. */
TEST(kdump_v6_max_mapnr_64_wins)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_ZLIB,
	};
	struct synth_kdump_layout lay;
	struct synth_file f;
	struct dump *d;

	synth_kdump(&o, &f, &lay);
	synth_put_int(&f, KDUMP_HEADER_MAX_MAPNR, 4, 100, false);
	d = synth_open(synth_save(&f, "mapnr64"), NULL);
	if (d) {
		CHECK_EQ(d->max_pfn, NPAGES);
		CHECK_KDUMP(d, &o, &lay, &f.size, 1);
		dump_close(d);
	}
	synth_kdump_layout_free(&lay);
	synth_file_free(&f);
	free(pages);
}

/* Read with pread instead of a mapping (dump_options.no_mmap, as the dump
 * writer reads /proc/vmcore): the same pages, bitmaps read into memory,
 * every compression, a file cut short. */
TEST(kdump_read_without_mapping)
{
	uint8_t *pages = synth_std_pages(NPAGES);
	struct dump_options no_map = { .no_mmap = true };
	int comp;

	for (comp = SYNTH_NONE; comp <= SYNTH_MIXED; comp++) {
		struct synth_kdump_opts o = {
			.header_version = 6, .max_mapnr = NPAGES,
			.pages = pages, .comp = (enum synth_comp)comp,
			.vmcoreinfo = synth_vmcoreinfo, .notes = true,
			.nr_cpus = 2, .dump_level = 31,
		};
		char name[64];

		snprintf(name, sizeof(name), "nomap-%s", comp_names[comp]);
		check_kdump(&o, name, &no_map);
	}
	{
		struct synth_kdump_opts o = {
			.max_mapnr = NPAGES, .pages = pages,
			.comp = SYNTH_MIXED,
		};
		struct synth_kdump_layout lay;
		struct synth_file f, g = { 0 };
		struct dump *d;

		synth_kdump(&o, &f, &lay);
		synth_put(&g, 0, f.data, lay.desc + (f.size - lay.desc) / 2);
		d = synth_open(synth_save(&g, "nomap-cut"), &no_map);
		if (d) {
			CHECK(d->incomplete != NULL);
			CHECK_KDUMP(d, &o, &lay, &g.size, 1);
			dump_close(d);
		}
		synth_file_free(&g);
		synth_kdump_layout_free(&lay);
		synth_file_free(&f);
	}
	free(pages);
}
