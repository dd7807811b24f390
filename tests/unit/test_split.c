/* Split kdump sets (makedumpfile --split): parts given in any order, every
 * version with a split field, parts cut short or flattened, and sets that
 * do not fit together. */
#include <stdlib.h>
#include <string.h>

#include "../../src/dump/dump.h"
#include "../../src/util/error.h"
#include "synth_dump.h"
#include "test.h"

#define NPAGES 160
#define MAXPARTS 4

struct split_set {
	struct synth_kdump_opts o;
	int n;
	struct synth_file f[MAXPARTS];
	struct synth_kdump_layout lay[MAXPARTS];
	size_t sizes[MAXPARTS];
	const char *paths[MAXPARTS];
};

static void make_set(struct split_set *s, const struct synth_kdump_opts *o,
		     int n, const uint64_t *bounds, const char *name)
{
	int i;

	s->o = *o;
	s->n = n;
	synth_kdump_split(o, n, bounds, s->f, s->lay);
	for (i = 0; i < n; i++) {
		char part[64];

		snprintf(part, sizeof(part), "%s.%d", name, i);
		s->sizes[i] = s->f[i].size;
		s->paths[i] = synth_save(&s->f[i], part);
	}
}

static void resave(struct split_set *s, int i)
{
	s->sizes[i] = s->f[i].size;
	s->paths[i] = synth_save(&s->f[i], strrchr(s->paths[i], '/') + 1);
}

static void free_set(struct split_set *s)
{
	int i;

	for (i = 0; i < s->n; i++) {
		synth_file_free(&s->f[i]);
		synth_kdump_layout_free(&s->lay[i]);
	}
}

/* Open the parts in the order given by perm (NULL: as written). */
static void check_set(struct split_set *s, const int *perm)
{
	const char *paths[MAXPARTS];
	struct dump *d;
	int i;

	for (i = 0; i < s->n; i++)
		paths[i] = s->paths[perm ? perm[i] : i];
	d = synth_open_n(paths, s->n, NULL);
	if (!d)
		return;
	CHECK(strstr(d->description, ", split") != NULL);
	CHECK_KDUMP(d, &s->o, s->lay, s->sizes, s->n);
	dump_close(d);
}

TEST(split_every_version_and_part_count)
{
	static const uint64_t b2[] = { 0, 70, NPAGES };
	static const uint64_t b3[] = { 0, 33, 34, NPAGES };
	static const uint64_t b4[] = { 0, 1, 90, 100, NPAGES };
	static const uint64_t *const bounds[] = { NULL, NULL, b2, b3, b4 };
	uint8_t *pages = synth_std_pages(NPAGES);
	int ver, n;

	for (ver = 2; ver <= 6; ver++) {
		for (n = 2; n <= 4; n++) {
			struct synth_kdump_opts o = {
				.header_version = ver, .max_mapnr = NPAGES,
				.pages = pages, .comp = SYNTH_MIXED,
				.vmcoreinfo = synth_vmcoreinfo, .notes = true,
				.nr_cpus = 2,
			};
			struct split_set s;
			char name[32];

			snprintf(name, sizeof(name), "split-v%d-%d", ver, n);
			make_set(&s, &o, n, bounds[n], name);
			check_set(&s, NULL);
			free_set(&s);
		}
	}
	free(pages);
}

TEST(split_big_endian)
{
	static const uint64_t bounds[] = { 0, 45, 46, NPAGES };
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.big_endian = true, .max_mapnr = NPAGES, .pages = pages,
		.comp = SYNTH_MIXED,
	};
	struct split_set s;

	make_set(&s, &o, 3, bounds, "split-be");
	check_set(&s, (const int[]){ 2, 0, 1 });
	free_set(&s);
	free(pages);
}

TEST(split_parts_in_any_order)
{
	static const uint64_t bounds[] = { 0, 40, 80, 120, NPAGES };
	static const int perms[][4] = {
		{ 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 },
	};
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_LZO,
	};
	struct split_set s;
	size_t i;

	make_set(&s, &o, 4, bounds, "order");
	for (i = 0; i < sizeof(perms) / sizeof(perms[0]); i++)
		check_set(&s, perms[i]);
	free_set(&s);
	free(pages);
}

/* What the writer put where, as makedumpfile does: the second part's
 * descriptors start the table, its data follows room for all. */
TEST(split_writer_layout)
{
	static const uint64_t bounds[] = { 0, 50, NPAGES };
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_NONE,
	};
	struct split_set s;
	uint64_t pfn;

	make_set(&s, &o, 2, bounds, "layout");
	CHECK_EQ(s.lay[0].ndesc, s.lay[1].ndesc);
	CHECK_EQ(s.lay[0].data, s.lay[1].data);
	CHECK_EQ(synth_get_int(&s.f[1], 4096 + KDUMP_SUB_SPLIT, 4, false), 1);
	CHECK_EQ(synth_get_int(&s.f[1], 4096 + KDUMP_SUB_START_PFN_64, 8,
			       false), 50);
	CHECK_EQ(synth_get_int(&s.f[1], 4096 + KDUMP_SUB_END_PFN_64, 8,
			       false), NPAGES);
	for (pfn = 50; pfn < NPAGES; pfn++) {
		if (s.lay[1].pd[pfn].desc_off >= 0) {
			CHECK_EQ(s.lay[1].pd[pfn].desc_off, s.lay[1].desc);
			break;
		}
	}
	free_set(&s);
	free(pages);
}

/* Zero pages in every part: each part has its own shared zero page after
 * the full-size descriptor table. */
TEST(split_zero_pages_counted)
{
	static const uint64_t bounds[] = { 0, 80, NPAGES };
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_ZLIB,
	};
	struct page_counts pc;
	struct split_set s;
	struct dump *d;

	make_set(&s, &o, 2, bounds, "zeros");
	d = synth_open_n(s.paths, 2, NULL);
	if (d) {
		dump_count_pages(d, &pc);
		CHECK_EQ(pc.zero, s.lay[0].zero + s.lay[1].zero);
		CHECK_EQ(pc.present, s.lay[0].present + s.lay[1].present);
		CHECK_PHYS_ZERO(d, 101 * 4096, 4096);	/* pfn 101: zero */
		dump_close(d);
	}
	free_set(&s);
	free(pages);
}

/* v6 readers take the _64 fields; the old ones may be clamped junk. */
TEST(split_v6_uses_64bit_range)
{
	static const uint64_t bounds[] = { 0, 64, NPAGES };
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_ZSTD,
	};
	struct split_set s;
	int i;

	make_set(&s, &o, 2, bounds, "v6range");
	for (i = 0; i < 2; i++) {
		synth_put_int(&s.f[i], 4096 + KDUMP_SUB_START_PFN, 8,
			      0xffffffffull, false);
		synth_put_int(&s.f[i], 4096 + KDUMP_SUB_END_PFN, 8, 7, false);
		resave(&s, i);
	}
	check_set(&s, NULL);
	free_set(&s);
	free(pages);
}

TEST(split_part_incomplete_or_cut)
{
	static const uint64_t bounds[] = { 0, 60, 110, NPAGES };
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_SNAPPY,
		.incomplete = true, .incomplete_from = 10,
	};
	struct split_set s;
	struct dump *d;
	uint64_t cut;

	/* Every part ran out of space after its tenth page. */
	make_set(&s, &o, 3, bounds, "incomplete");
	d = synth_open_n(s.paths, 3, NULL);
	if (d) {
		CHECK(d->incomplete != NULL);
		dump_close(d);
	}
	check_set(&s, NULL);
	free_set(&s);

	/* The middle part cut inside the data of a page in its middle. */
	o.incomplete = false;
	make_set(&s, &o, 3, bounds, "cutpart");
	for (cut = 80; pages[cut] != SYNTH_DATA; cut++)
		;
	synth_resize(&s.f[1], (size_t)s.lay[1].pd[cut].offset + 10);
	resave(&s, 1);
	d = synth_open_n(s.paths, 3, NULL);
	if (d) {
		CHECK(d->incomplete && strstr(d->incomplete, s.paths[1]));
		CHECK_PHYS(d, 50 * 4096, 4096);		/* pfn 50: data */
		CHECK_READ_ERR(d, cut * 4096, 4096, ERR_TRUNCATED);
		CHECK_PHYS(d, 112 * 4096, 4096);	/* pfn 112: data */
		dump_close(d);
	}
	check_set(&s, NULL);
	free_set(&s);
	free(pages);
}

TEST(split_parts_flattened)
{
	static const uint64_t bounds[] = { 0, 77, NPAGES };
	struct synth_flat_opts fo = { .record_size = 3000, .out_of_order = true };
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_MIXED,
	};
	struct split_set s;
	struct synth_file flat;

	make_set(&s, &o, 2, bounds, "flatsplit");
	synth_flatten(&s.f[0], &fo, &flat);
	s.paths[0] = synth_save(&flat, "flatsplit.0");
	synth_file_free(&flat);
	check_set(&s, NULL);
	free_set(&s);
	free(pages);
}

static const struct synth_segment elf_seg = { 0, 0x4000, 0 };

/* Only kdump-compressed dumps are split: two ELF files are refused. */
TEST(split_two_elf_files)
{
	struct synth_elf_opts eo = { .segs = &elf_seg, .nsegs = 1 };
	struct synth_elf_layout elay;
	struct synth_file elf;
	const char *a, *b;

	synth_elf(&eo, &elf, &elay);
	a = synth_save(&elf, "two-elf.0");
	b = synth_save(&elf, "two-elf.1");
	CHECK_BAD_N(((const char *[]){ a, b }), 2, 0, 0,
		    SYNTH_CODE(ERR_INVALID) | SYNTH_CODE(ERR_FORMAT));
	synth_file_free(&elf);
}

/* Sets that do not fit together: an error naming a file. */
TEST(split_mismatched_parts)
{
	static const uint64_t bounds[] = { 0, 50, 100, NPAGES };
	uint8_t *pages = synth_std_pages(NPAGES);
	struct synth_kdump_opts o = {
		.max_mapnr = NPAGES, .pages = pages, .comp = SYNTH_ZLIB,
	};
	struct synth_file other, elf;
	struct synth_kdump_layout olay;
	struct synth_elf_layout elay;
	struct synth_elf_opts eo = { .segs = &elf_seg, .nsegs = 1 };
	struct split_set s;
	const char *paths[3];

	make_set(&s, &o, 3, bounds, "mismatch");

	/* A part missing: at the start, in the middle, at the end. */
	CHECK_OPEN_ERR_N(((const char *[]){ s.paths[1], s.paths[2] }), 2,
			 ERR_FORMAT);
	CHECK_OPEN_ERR_N(((const char *[]){ s.paths[0], s.paths[2] }), 2,
			 ERR_FORMAT);
	CHECK_OPEN_ERR_N(((const char *[]){ s.paths[0], s.paths[1] }), 2,
			 ERR_FORMAT);
	CHECK_OPEN_ERR(s.paths[1], ERR_FORMAT);
	/* A part twice. */
	CHECK_OPEN_ERR_N(((const char *[]){ s.paths[0], s.paths[1],
					    s.paths[1], s.paths[2] }), 4,
			 ERR_FORMAT);

	/* A part of another dump (another time stamp). */
	synth_put_int(&s.f[1], 408, 8, 1600000000, false);
	paths[0] = s.paths[0];
	paths[1] = synth_save(&s.f[1], "mismatch-time.1");
	paths[2] = s.paths[2];
	CHECK_OPEN_ERR_N(paths, 3, ERR_FORMAT);
	synth_put_int(&s.f[1], 408, 8, 1700000123, false);

	/* A part of another dump (another size of memory). */
	o.max_mapnr = NPAGES - 8;
	synth_kdump(&o, &other, &olay);
	synth_put_int(&other, 4096 + KDUMP_SUB_SPLIT, 4, 1, false);
	synth_put_int(&other, 4096 + KDUMP_SUB_START_PFN_64, 8, 50, false);
	synth_put_int(&other, 4096 + KDUMP_SUB_END_PFN_64, 8, 100, false);
	paths[1] = synth_save(&other, "mismatch-size.1");
	CHECK_OPEN_ERR_N(paths, 3, ERR_FORMAT);
	synth_kdump_layout_free(&olay);
	synth_file_free(&other);

	/* An ELF vmcore among kdump parts. */
	synth_elf(&eo, &elf, &elay);
	paths[1] = synth_save(&elf, "mismatch-elf");
	CHECK_OPEN_ERR_N(paths, 3, ERR_FORMAT);
	synth_file_free(&elf);

	/* A range running backwards, and one past max_mapnr. */
	synth_put_int(&s.f[1], 4096 + KDUMP_SUB_START_PFN_64, 8, 100, false);
	synth_put_int(&s.f[1], 4096 + KDUMP_SUB_END_PFN_64, 8, 50, false);
	paths[1] = synth_save(&s.f[1], "mismatch-back.1");
	CHECK_OPEN_ERR_N(paths, 3, ERR_FORMAT);
	synth_put_int(&s.f[1], 4096 + KDUMP_SUB_START_PFN_64, 8, 50, false);
	synth_put_int(&s.f[1], 4096 + KDUMP_SUB_END_PFN_64, 8, 1ull << 40,
		      false);
	paths[1] = synth_save(&s.f[1], "mismatch-past.1");
	CHECK_OPEN_ERR_N(paths, 3, ERR_FORMAT);
	/* Overlapping parts. */
	synth_put_int(&s.f[1], 4096 + KDUMP_SUB_START_PFN_64, 8, 40, false);
	synth_put_int(&s.f[1], 4096 + KDUMP_SUB_END_PFN_64, 8, 100, false);
	paths[1] = synth_save(&s.f[1], "mismatch-overlap.1");
	CHECK_OPEN_ERR_N(paths, 3, ERR_FORMAT);

	free_set(&s);
	free(pages);
}
