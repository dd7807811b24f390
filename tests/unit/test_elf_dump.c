/* ELF vmcores read back through the dump API: every class and byte order,
 * holes, unaligned segment ends, excluded tails, notes, truncation. */
#include <elf.h>
#include <string.h>

#include "../../src/dump/dump.h"
#include "../../src/dump/vmcoreinfo.h"
#include "../../src/util/endian.h"
#include "../../src/util/error.h"
#include "synth_dump.h"
#include "test.h"

/* Holes between segments, a segment ending and one starting inside a page,
 * and one whose last three pages were left out (memsz > filesz). */
static const struct synth_segment segs[] = {
	{ 0x0, 0x3000, 0 },
	{ 0x5000, 0x2800, 0 },
	{ 0x9100, 0x1f00, 0 },
	{ 0x20000, 0x2000, 0x5000 },
};
#define NSEGS (sizeof(segs) / sizeof(segs[0]))

static struct dump *write_and_open(const struct synth_elf_opts *o,
				   const char *name,
				   const struct dump_options *opts,
				   struct synth_file *f,
				   struct synth_elf_layout *lay)
{
	synth_elf(o, f, lay);
	return synth_open(synth_save(f, name), opts);
}

static void check_variant(int elf_class, bool big, bool reverse,
			  const char *name)
{
	struct synth_elf_opts o = {
		.elf_class = elf_class, .big_endian = big, .segs = segs,
		.nsegs = NSEGS, .nr_cpus = 2, .vmcoreinfo = synth_vmcoreinfo,
		.reverse_data = reverse,
	};
	struct dump_options zero = { .zero_excluded = true };
	struct dump_options no_map = { .no_mmap = true };
	struct synth_elf_layout lay;
	struct synth_file f;
	struct dump *d;

	d = write_and_open(&o, name, NULL, &f, &lay);
	if (!d)
		return;
	CHECK_EQ(d->is_64bit, elf_class == 64);
	CHECK_EQ(d->big_endian, big);
	CHECK_EQ(d->page_size, 4096);
	CHECK_EQ(d->max_pfn, 0x25);
	CHECK_EQ(d->elf_machine, big ? EM_PPC64 : EM_X86_64);
	CHECK(!strcmp(d->machine, big ? "ppc64" : "x86_64"));
	CHECK(!strcmp(d->description,
		      elf_class == 64 ? "ELF64 vmcore" : "ELF32 vmcore"));
	CHECK(d->incomplete == NULL);
	CHECK_ELF(d, &o, &lay, f.size);
	dump_close(d);

	/* Once more with excluded pages read as zeros. */
	d = synth_open(synth_save(&f, name), &zero);
	if (d) {
		CHECK_ELF(d, &o, &lay, f.size);
		CHECK_PHYS(d, 0x21000, 0x1000);
		CHECK_PHYS_ZERO(d, 0x22000, 0x3000);
		dump_close(d);
	}
	/* And read with pread, never mapped (the dump writer's way with
	 * /proc/vmcore): the same bytes. */
	d = synth_open(synth_save(&f, name), &no_map);
	if (d) {
		CHECK_ELF(d, &o, &lay, f.size);
		dump_close(d);
	}
	synth_file_free(&f);
}

TEST(elf64_le_memory)
{
	check_variant(64, false, false, "elf64le");
}

TEST(elf32_le_memory)
{
	check_variant(32, false, false, "elf32le");
}

TEST(elf64_be_memory)
{
	check_variant(64, true, false, "elf64be");
}

TEST(elf32_be_memory)
{
	check_variant(32, true, false, "elf32be");
}

TEST(elf_data_in_reverse_file_order)
{
	check_variant(64, false, true, "elf64rev");
}

/* Spot checks that do not lean on the generic checker. */
TEST(elf_specific_reads)
{
	struct synth_elf_opts o = { .segs = segs, .nsegs = NSEGS };
	struct synth_elf_layout lay;
	struct synth_file f;
	unsigned char buf[16];
	struct dump *d = write_and_open(&o, "spot", NULL, &f, &lay);

	if (!d)
		return;
	CHECK_OK(dump_read_phys(d, 0x5000, buf, 8));
	CHECK_EQ(buf[0], synth_byte(0x5000));
	CHECK_EQ(buf[7], synth_byte(0x5007));
	CHECK_EQ(get64(buf, false), get64(f.data + lay.seg_offset[1], false));
	CHECK_PHYS(d, 0x77f8, 8);		/* the last bytes of segment 1 */
	CHECK_READ_ERR(d, 0x77f8, 9, ERR_HOLE);
	CHECK_READ_ERR(d, 0x7800, 1, ERR_HOLE);
	CHECK_READ_ERR(d, 0x90ff, 1, ERR_HOLE);
	CHECK_PHYS(d, 0x9100, 1);
	CHECK_READ_ERR(d, 0x2fff, 2, ERR_HOLE);
	CHECK_READ_ERR(d, 0x21ff8, 16, ERR_EXCLUDED);
	CHECK_READ_ERR(d, 0x25000, 1, ERR_HOLE);
	CHECK_READ_ERR(d, ~0ull - 4, 8, ERR_INVALID);
	CHECK_READ_ERR(d, 0xffffffffffff0000ull, 8, ERR_HOLE);
	CHECK_OK(dump_read_phys(d, 0x123456, buf, 0));	/* nothing to read */
	dump_close(d);
	synth_file_free(&f);
}

TEST(elf_notes_prstatus_and_vmcoreinfo)
{
	static const bool bigs[] = { false, true };
	size_t b;

	for (b = 0; b < 2; b++) {
		struct synth_elf_opts o = {
			.big_endian = bigs[b], .segs = segs, .nsegs = 1,
			.nr_cpus = 4, .vmcoreinfo = synth_vmcoreinfo,
		};
		const struct dump_note *n;
		struct synth_elf_layout lay;
		struct synth_file f;
		size_t pos = 0;
		int cpu = 0, i;
		struct dump *d = write_and_open(&o, bigs[b] ? "notes-be"
						: "notes-le", NULL, &f, &lay);

		if (!d)
			continue;
		CHECK_EQ(d->nnotes, 5);
		while ((n = dump_find_note(d, "CORE", NT_PRSTATUS, &pos))) {
			CHECK_EQ(n->descsz, SYNTH_PRSTATUS_SIZE);
			CHECK_EQ(get32(n->desc + SYNTH_PR_PID, bigs[b]),
				 SYNTH_PID(cpu));
			for (i = 0; i < SYNTH_NREGS; i++)
				CHECK_EQ(get64(n->desc + SYNTH_PR_REG + 8 * i,
					       bigs[b]), synth_reg(cpu, i));
			cpu++;
		}
		CHECK_EQ(cpu, 4);
		CHECK(!dump_find_note(d, "QEMU", 0, NULL));
		n = dump_find_note(d, "VMCOREINFO", 0, NULL);
		CHECK(n != NULL);
		if (n) {
			CHECK_EQ(n->file_offset, lay.vmcoreinfo_note);
			CHECK_EQ(n->descsz, strlen(synth_vmcoreinfo));
			CHECK(!memcmp(n->desc, synth_vmcoreinfo, n->descsz));
		}
		CHECK(d->vmcoreinfo != NULL);
		if (d->vmcoreinfo) {
			const char *rel = vmcoreinfo_get(d->vmcoreinfo,
							 "OSRELEASE");

			CHECK(rel && !strcmp(rel, "6.1.0-synth"));
		}
		/* The first note starts the PT_NOTE segment. */
		CHECK_EQ(d->notes[0].file_offset, lay.note_offset);
		dump_close(d);
		synth_file_free(&f);
	}
}

TEST(elf_qemu_notes)
{
	struct synth_elf_opts o = {
		.segs = segs, .nsegs = NSEGS, .nr_cpus = 2, .qemu_notes = true,
	};
	const struct dump_note *n;
	struct synth_elf_layout lay;
	struct synth_file f;
	size_t pos = 0;
	int cpus = 0;
	struct dump *d = write_and_open(&o, "qemu", NULL, &f, &lay);

	if (!d)
		return;
	CHECK(!strcmp(d->description, "ELF64 (QEMU dump-guest-memory)"));
	CHECK_EQ(d->nnotes, 4);
	while ((n = dump_find_note(d, "QEMU", 0, &pos))) {
		CHECK_EQ(n->descsz, SYNTH_QEMU_NOTE_SIZE);
		CHECK_EQ(get32(n->desc + 4, false), SYNTH_QEMU_NOTE_SIZE);
		CHECK_EQ(get64(n->desc + 8, false), synth_reg(cpus, 101));
		cpus++;
	}
	CHECK_EQ(cpus, 2);
	CHECK(d->vmcoreinfo == NULL);
	CHECK_ELF(d, &o, &lay, f.size);
	dump_close(d);
	synth_file_free(&f);
}

TEST(elf_without_notes)
{
	struct synth_elf_opts o = { .segs = segs, .nsegs = NSEGS };
	struct synth_elf_layout lay;
	struct synth_file f;
	struct dump *d = write_and_open(&o, "nonotes", NULL, &f, &lay);

	if (!d)
		return;
	CHECK_EQ(d->nnotes, 0);
	CHECK(d->vmcoreinfo == NULL);
	CHECK(dump_find_note(d, "CORE", NT_PRSTATUS, NULL) == NULL);
	CHECK_EQ(d->page_size, 4096);
	CHECK_ELF(d, &o, &lay, f.size);
	dump_close(d);
	synth_file_free(&f);
}

/* VMCOREINFO's PAGESIZE sets the page size, which page counts use. */
TEST(elf_page_size_from_vmcoreinfo)
{
	static const struct synth_segment big_segs[] = {
		{ 0x0, 0x8000, 0 },
		{ 0x10000, 0x4000, 0x10000 },
	};
	struct synth_elf_opts o = {
		.segs = big_segs, .nsegs = 2,
		.vmcoreinfo = "OSRELEASE=6.1.0-arm\nPAGESIZE=16384\n",
	};
	struct synth_elf_layout lay;
	struct synth_file f;
	struct dump *d = write_and_open(&o, "pagesize", NULL, &f, &lay);

	if (!d)
		return;
	CHECK_EQ(d->page_size, 16384);
	CHECK_EQ(d->max_pfn, 8);
	CHECK_ELF(d, &o, &lay, f.size);
	dump_close(d);
	synth_file_free(&f);
}

/* Where a segment's excluded tail overlaps another's data, the data wins,
 * whichever program header comes first. */
TEST(elf_overlapping_segments)
{
	static const struct synth_segment over[2][2] = {
		{ { 0x0, 0x1000, 0x4000 }, { 0x2000, 0x1000, 0 } },
		{ { 0x2000, 0x1000, 0 }, { 0x0, 0x1000, 0x4000 } },
	};
	int i;

	for (i = 0; i < 2; i++) {
		struct synth_elf_opts o = { .segs = over[i], .nsegs = 2 };
		struct page_counts pc;
		struct synth_elf_layout lay;
		struct synth_file f;
		struct dump *d = write_and_open(&o, i ? "over1" : "over0",
						NULL, &f, &lay);

		if (!d)
			continue;
		CHECK_PHYS(d, 0x0, 0x1000);
		CHECK_READ_ERR(d, 0x1000, 0x1000, ERR_EXCLUDED);
		CHECK_PHYS(d, 0x2000, 0x1000);
		CHECK_READ_ERR(d, 0x3000, 0x10, ERR_EXCLUDED);
		CHECK_READ_ERR(d, 0x4000, 0x10, ERR_HOLE);
		dump_count_pages(d, &pc);
		CHECK_EQ(pc.present, 2);
		CHECK_EQ(pc.excluded, 2);
		CHECK_EQ(pc.missing, 0);
		dump_close(d);
		synth_file_free(&f);
	}
}

/* A vmcore cut short: what is left reads, the rest is "truncated". */
TEST(elf_truncated_in_segment)
{
	struct synth_elf_opts o = {
		.segs = segs, .nsegs = NSEGS, .nr_cpus = 1,
		.vmcoreinfo = synth_vmcoreinfo,
	};
	struct synth_elf_layout lay;
	struct synth_file f;
	struct dump *d;
	uint64_t cut;

	synth_elf(&o, &f, &lay);
	/* Inside segment 1, mid-page, then at the start of segment 3. */
	cut = lay.seg_offset[1] + 0x1234;
	synth_resize(&f, cut);
	d = synth_open(synth_save(&f, "cut1"), NULL);
	if (d) {
		CHECK(d->incomplete != NULL);
		CHECK_PHYS(d, 0x5000, 0x1234);
		CHECK_READ_ERR(d, 0x5000, 0x1235, ERR_TRUNCATED);
		CHECK_READ_ERR(d, 0x6234, 1, ERR_TRUNCATED);
		CHECK_READ_ERR(d, 0x9100, 1, ERR_TRUNCATED);
		CHECK_READ_ERR(d, 0x22000, 1, ERR_EXCLUDED);
		CHECK_READ_ERR(d, 0x4000, 1, ERR_HOLE);
		CHECK_ELF(d, &o, &lay, f.size);
		dump_close(d);
	}
	synth_file_free(&f);

	synth_elf(&o, &f, &lay);
	synth_resize(&f, lay.seg_offset[3]);
	d = synth_open(synth_save(&f, "cut2"), NULL);
	if (d) {
		CHECK(d->incomplete != NULL);
		CHECK(d->incomplete && strstr(d->incomplete, "cut2"));
		CHECK_PHYS(d, 0x9100, 0x1f00);
		CHECK_READ_ERR(d, 0x20000, 0x10, ERR_TRUNCATED);
		CHECK_ELF(d, &o, &lay, f.size);
		dump_close(d);
	}
	synth_file_free(&f);
}

/* A segment that starts inside a page and lies wholly past the end of a
 * cut file has none of its frames in the file: frame 4 is missing, frame 3
 * (partly a hole) is no whole page of the dump. */
TEST(elf_count_cut_before_unaligned_segment)
{
	static const struct synth_segment two[] = {
		{ 0x0, 0x2000, 0 },
		{ 0x3100, 0x1f00, 0 },		/* frames 3 and 4 */
	};
	struct synth_elf_opts o = { .segs = two, .nsegs = 2 };
	struct synth_elf_layout lay;
	struct synth_file f;
	struct page_counts pc;
	struct dump *d;

	synth_elf(&o, &f, &lay);
	synth_resize(&f, lay.seg_offset[1]);
	d = synth_open(synth_save(&f, "cutunaligned"), NULL);
	if (d) {
		CHECK_READ_ERR(d, 0x3100, 1, ERR_TRUNCATED);
		dump_count_pages(d, &pc);
		CHECK_EQ(pc.present, 2);
		CHECK_EQ(pc.missing, 1);
		dump_close(d);
	}
	synth_file_free(&f);
}

TEST(elf_complete_is_not_incomplete)
{
	struct synth_elf_opts o = { .segs = segs, .nsegs = NSEGS };
	struct synth_elf_layout lay;
	struct synth_file f;
	struct page_counts pc;
	struct dump *d = write_and_open(&o, "complete", NULL, &f, &lay);

	if (!d)
		return;
	CHECK(d->incomplete == NULL);
	dump_count_pages(d, &pc);
	/* Whole pages 0-2, 5-6, 10, 0x20-0x21; then 0x22-0x24 left out.
	 * Frames 7 and 9 are partly holes: no whole page of the dump. */
	CHECK_EQ(pc.present, 8);
	CHECK_EQ(pc.zero, 0);
	CHECK_EQ(pc.excluded, 3);
	CHECK_EQ(pc.missing, 0);
	CHECK(d->nfacts > 0);
	dump_close(d);
	synth_file_free(&f);
}

/* Segments far up in the address space, in a 64-bit file. */
TEST(elf64_high_addresses)
{
	static const struct synth_segment high[] = {
		{ 0x100000000ull, 0x2000, 0 },
		{ 0x7fff00000000ull + 0x800, 0x1800, 0x2800 },
	};
	struct synth_elf_opts o = { .segs = high, .nsegs = 2 };
	struct synth_elf_layout lay;
	struct synth_file f;
	struct dump *d = write_and_open(&o, "high", NULL, &f, &lay);

	if (!d)
		return;
	CHECK_PHYS(d, 0x100000000ull, 0x2000);
	CHECK_PHYS(d, 0x7fff00000800ull, 0x1800);
	CHECK_READ_ERR(d, 0x7fff00002000ull, 1, ERR_EXCLUDED);
	CHECK_READ_ERR(d, 0xffffffffull, 2, ERR_HOLE);
	CHECK_EQ(d->max_pfn, 0x7fff00003ull);
	dump_close(d);
	synth_file_free(&f);
}

/* A segment with no file data at all is all excluded; one whose filesz
 * exceeds memsz holds only memsz bytes. */
TEST(elf_odd_sizes)
{
	static const struct synth_segment odd[] = {
		{ 0x0, 0x2000, 0 },
		{ 0x10000, 0, 0x2000 },
		{ 0x20000, 0x2000, 0 },
	};
	struct synth_elf_opts o = { .segs = odd, .nsegs = 3 };
	struct synth_elf_layout lay;
	struct synth_file f;
	struct page_counts pc;
	struct dump *d;

	synth_elf(&o, &f, &lay);
	d = synth_open(synth_save(&f, "odd1"), NULL);
	if (d) {
		CHECK_ELF(d, &o, &lay, f.size);
		CHECK_READ_ERR(d, 0x10000, 1, ERR_EXCLUDED);
		dump_count_pages(d, &pc);
		CHECK_EQ(pc.excluded, 2);
		dump_close(d);
	}
	/* The third segment (no PT_NOTE here): memsz 0x1000 below its
	 * filesz 0x2000. */
	synth_put_int(&f, lay.phoff + 2 * lay.phentsize + 40, 8, 0x1000,
		      false);
	d = synth_open(synth_save(&f, "odd2"), NULL);
	if (d) {
		CHECK_PHYS(d, 0x20000, 0x1000);
		CHECK_READ_ERR(d, 0x21000, 1, ERR_HOLE);
		CHECK_EQ(d->max_pfn, 0x21);
		dump_close(d);
	}
	synth_file_free(&f);
}

/* A PAGESIZE that is no page size leaves the default. */
TEST(elf_bad_pagesize_ignored)
{
	static const char *const texts[] = {
		"PAGESIZE=12345\n", "PAGESIZE=0\n", "PAGESIZE=-4096\n",
		"PAGESIZE=512\n", "PAGESIZE=lots\n",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct synth_elf_opts o = {
			.segs = segs, .nsegs = 1, .vmcoreinfo = texts[i],
		};
		struct synth_elf_layout lay;
		struct synth_file f;
		struct dump *d = write_and_open(&o, "badpagesize", NULL, &f,
						&lay);

		if (d) {
			CHECK_EQ(d->page_size, 4096);
			CHECK_PHYS(d, 0, 0x3000);
			dump_close(d);
		}
		synth_file_free(&f);
	}
}
