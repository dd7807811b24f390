/* Files that are not dumps, and damaged ELF vmcores: each must give an
 * error that names the file, never a crash, a hang or a sanitizer report. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../src/dump/dump.h"
#include "../../src/util/error.h"
#include "synth_dump.h"
#include "test.h"

#define FMT_OR_CUT (SYNTH_CODE(ERR_FORMAT) | SYNTH_CODE(ERR_TRUNCATED))

static const struct synth_segment segs[] = {
	{ 0x0, 0x3000, 0 },
	{ 0x5000, 0x2000, 0x3000 },
};

static void elf64(struct synth_file *f, struct synth_elf_layout *lay)
{
	struct synth_elf_opts o = {
		.segs = segs, .nsegs = 2, .nr_cpus = 2,
		.vmcoreinfo = synth_vmcoreinfo,
	};

	synth_elf(&o, f, lay);
}

/* Offsets of program header i's fields (ELF64). */
#define PH(lay, i, field) ((lay).phoff + (i) * sizeof(Elf64_Phdr) +	\
			   offsetof(Elf64_Phdr, field))

TEST(bad_not_a_dump)
{
	static const char text[] = "This is not a kernel dump, just text.\n";
	struct synth_file f = { 0 };
	const char *path;
	char dir[300];

	path = synth_save(&f, "empty");
	CHECK_OPEN_ERR(path, ERR_FORMAT);

	synth_put(&f, 0, text, sizeof(text) - 1);
	path = synth_save(&f, "text");
	CHECK_OPEN_ERR(path, ERR_FORMAT);

	/* Signatures cut short. */
	synth_resize(&f, 0);
	synth_put(&f, 0, "\177EL", 3);
	CHECK_OPEN_ERR(synth_save(&f, "elf3"), ERR_FORMAT);
	synth_resize(&f, 0);
	synth_put(&f, 0, "KDUMP  ", 7);
	CHECK_OPEN_ERR(synth_save(&f, "kdump7"), ERR_FORMAT);
	synth_resize(&f, 0);
	synth_put(&f, 0, "makedumpfile", 12);
	CHECK_OPEN_ERR(synth_save(&f, "flat12"), ERR_FORMAT);
	synth_file_free(&f);

	CHECK_OPEN_ERR("/nonexistent/crash-unit-dump", ERR_NOT_FOUND);
	snprintf(dir, sizeof(dir), "%s/adir", test_tmpdir());
	mkdir(dir, 0700);
	CHECK_OPEN_ERR(dir, ERR_INVALID);
}

TEST(bad_no_paths)
{
	struct dump *d = NULL;

	CHECK_ERR(dump_open(NULL, 0, NULL, &d), ERR_INVALID);
	CHECK(d == NULL);
}

/* Cut anywhere in the headers or notes: opening fails. */
TEST(bad_elf_truncated_in_headers)
{
	struct synth_elf_layout lay;
	struct synth_file f;
	uint64_t cut, end;

	elf64(&f, &lay);
	end = lay.note_offset + lay.note_size;
	/* Every byte of the headers, every third of the notes. */
	for (cut = 0; cut < end; cut += cut < lay.note_offset ? 1 : 3) {
		struct synth_file g = { 0 };
		const char *path;

		synth_put(&g, 0, f.data, cut);
		path = synth_save(&g, "elfcut");
		CHECK_BAD(path, 0, 0, FMT_OR_CUT);
		synth_file_free(&g);
	}
	synth_file_free(&f);
}

/* ELF32 and big-endian headers cut short too (fewer points). */
TEST(bad_elf32_be_truncated_in_headers)
{
	struct synth_elf_opts o = {
		.elf_class = 32, .big_endian = true, .segs = segs, .nsegs = 2,
		.nr_cpus = 1, .vmcoreinfo = synth_vmcoreinfo,
	};
	struct synth_elf_layout lay;
	struct synth_file f;
	uint64_t cut;

	synth_elf(&o, &f, &lay);
	for (cut = 0; cut < lay.note_offset + lay.note_size; cut += 7) {
		struct synth_file g = { 0 };

		synth_put(&g, 0, f.data, cut);
		CHECK_BAD(synth_save(&g, "elf32cut"), 0, 0, FMT_OR_CUT);
		synth_file_free(&g);
	}
	synth_file_free(&f);
}

static void expect_bad(struct synth_file *f, const char *name,
		       unsigned codes)
{
	CHECK_BAD(synth_save(f, name), 0, 0, codes);
}

TEST(bad_elf_header_fields)
{
	struct synth_elf_layout lay;
	struct synth_file f;

	elf64(&f, &lay);
	f.data[EI_CLASS] = 3;
	expect_bad(&f, "class3", SYNTH_CODE(ERR_FORMAT));
	f.data[EI_CLASS] = ELFCLASS64;
	f.data[EI_DATA] = 0;
	expect_bad(&f, "data0", SYNTH_CODE(ERR_FORMAT));
	f.data[EI_DATA] = ELFDATA2LSB;

	/* A vmlinux (ET_EXEC) in place of the vmcore. */
	synth_put_int(&f, offsetof(Elf64_Ehdr, e_type), 2, ET_EXEC, false);
	expect_bad(&f, "etexec", SYNTH_CODE(ERR_FORMAT));
	synth_put_int(&f, offsetof(Elf64_Ehdr, e_type), 2, ET_CORE, false);

	synth_put_int(&f, offsetof(Elf64_Ehdr, e_phentsize), 2, 32, false);
	expect_bad(&f, "phentsize", SYNTH_CODE(ERR_FORMAT));
	synth_put_int(&f, offsetof(Elf64_Ehdr, e_phentsize), 2, 56, false);

	synth_put_int(&f, offsetof(Elf64_Ehdr, e_phnum), 2, 0, false);
	expect_bad(&f, "phnum0", SYNTH_CODE(ERR_FORMAT));
	/* More program headers than the file holds. */
	synth_put_int(&f, offsetof(Elf64_Ehdr, e_phnum), 2, 1000, false);
	expect_bad(&f, "phnum1000", FMT_OR_CUT);
	synth_put_int(&f, offsetof(Elf64_Ehdr, e_phnum), 2, PN_XNUM, false);
	expect_bad(&f, "pnxnum", SYNTH_CODE(ERR_UNSUPPORTED) |
		   SYNTH_CODE(ERR_FORMAT));
	synth_put_int(&f, offsetof(Elf64_Ehdr, e_phnum), 2, 3, false);

	/* Program headers far past the end, or where offsets wrap. */
	synth_put_int(&f, offsetof(Elf64_Ehdr, e_phoff), 8, 1ull << 40, false);
	expect_bad(&f, "phoff", FMT_OR_CUT);
	synth_put_int(&f, offsetof(Elf64_Ehdr, e_phoff), 8, ~0ull - 60, false);
	expect_bad(&f, "phoffwrap", FMT_OR_CUT);
	synth_file_free(&f);
}

TEST(bad_elf_program_headers)
{
	struct synth_elf_layout lay;
	struct synth_file f;

	/* PT_NOTE past the end of the file, or huge. */
	elf64(&f, &lay);
	synth_put_int(&f, PH(lay, 0, p_offset), 8, f.size + 1, false);
	expect_bad(&f, "noteoff", FMT_OR_CUT);
	synth_put_int(&f, PH(lay, 0, p_offset), 8, ~0ull - 8, false);
	expect_bad(&f, "noteoffwrap", FMT_OR_CUT);
	synth_put_int(&f, PH(lay, 0, p_offset), 8, lay.note_offset, false);
	synth_put_int(&f, PH(lay, 0, p_filesz), 8, 1ull << 50, false);
	expect_bad(&f, "notesize", FMT_OR_CUT);
	synth_file_free(&f);

	/* No PT_LOAD: both turned into PT_NULL. */
	elf64(&f, &lay);
	synth_put_int(&f, PH(lay, 1, p_type), 4, PT_NULL, false);
	synth_put_int(&f, PH(lay, 2, p_type), 4, PT_NULL, false);
	expect_bad(&f, "noload", SYNTH_CODE(ERR_FORMAT));
	synth_file_free(&f);

	/* A PT_LOAD whose physical range wraps around. */
	elf64(&f, &lay);
	synth_put_int(&f, PH(lay, 1, p_paddr), 8, ~0ull - 0x1000, false);
	expect_bad(&f, "loadwrap", SYNTH_CODE(ERR_FORMAT));
	synth_file_free(&f);
}

/* A PT_LOAD whose data lies past the end of the file: opening works
 * (the dump is incomplete), reading it says "truncated". */
TEST(bad_elf_load_past_end)
{
	static const uint64_t offs[] = { 1ull << 40, ~0ull - 0x800 };
	struct synth_elf_layout lay;
	struct synth_file f;
	size_t i;

	for (i = 0; i < 2; i++) {
		struct dump *d;
		const char *path;

		elf64(&f, &lay);
		synth_put_int(&f, PH(lay, 1, p_offset), 8, offs[i], false);
		path = synth_save(&f, i ? "loadoffwrap" : "loadoff");
		d = synth_open(path, NULL);
		if (d) {
			CHECK(d->incomplete != NULL);
			CHECK_READ_ERR(d, 0x0, 1, ERR_TRUNCATED);
			CHECK_PHYS(d, 0x5000, 0x2000);
			dump_close(d);
		}
		CHECK_BAD(path, 0x0, 0x1000, SYNTH_CODE(ERR_TRUNCATED));
		synth_file_free(&f);
	}
	/* A size that runs past the end. */
	elf64(&f, &lay);
	synth_put_int(&f, PH(lay, 2, p_filesz), 8, 1ull << 45, false);
	synth_put_int(&f, PH(lay, 2, p_memsz), 8, 1ull << 45, false);
	CHECK_BAD(synth_save(&f, "loadsize"), 0x7000, 0x10,
		  SYNTH_CODE(ERR_TRUNCATED));
	synth_file_free(&f);
}

/* Notes whose sizes run past the end of the PT_NOTE segment. */
TEST(bad_elf_notes)
{
	static const uint32_t sizes[] = { 400, 0x10000, 0xfffffff0u,
					  0xffffffffu };
	struct synth_elf_layout lay;
	struct synth_file f;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		elf64(&f, &lay);
		/* The first note's namesz, then the second's descsz. */
		synth_put_int(&f, lay.note_offset, 4, sizes[i], false);
		expect_bad(&f, "namesz", SYNTH_CODE(ERR_FORMAT));
		synth_file_free(&f);

		elf64(&f, &lay);
		synth_put_int(&f, lay.vmcoreinfo_note + 4, 4,
			      sizes[i] + 2000, false);
		expect_bad(&f, "descsz", SYNTH_CODE(ERR_FORMAT));
		synth_file_free(&f);
	}
	/* A note header cut off at the end of the segment is ignored or
	 * refused, but never read past. */
	elf64(&f, &lay);
	synth_put_int(&f, PH(lay, 0, p_filesz), 8, lay.note_size - 2, false);
	{
		struct dump *d = NULL;
		struct error *err = dump_open(
			(const char *const[]){ synth_save(&f, "notecut") }, 1,
			NULL, &d);

		if (err) {
			CHECK(err->code == ERR_FORMAT);
			error_free(err);
		}
		dump_close(d);
	}
	synth_file_free(&f);
}

/* Any single byte of the headers and notes set to 0xff: an error or a
 * dump, never a crash (the sanitizer build checks the memory side). */
TEST(bad_elf_every_header_byte)
{
	struct synth_elf_layout lay;
	struct synth_file f;
	uint64_t i, end;

	elf64(&f, &lay);
	end = lay.note_offset + lay.note_size;
	for (i = 0; i < end; i += i < lay.note_offset ? 1 : 5) {
		unsigned char saved = f.data[i];
		const char *path;
		struct dump *d = NULL;
		struct error *err;

		f.data[i] = saved ^ 0xff;
		path = synth_save(&f, "flip");
		err = dump_open((const char *const[]){ path }, 1, NULL, &d);
		if (err) {
			if (!strstr(err->message, path))
				test_fail(__FILE__, __LINE__, "byte 0x%" PRIx64
					  ": \"%s\" does not name the file", i,
					  err->message);
			error_free(err);
		} else {
			unsigned char buf[64];
			struct page_counts pc;

			error_free(dump_read_phys(d, 0x5000 - 32, buf, 64));
			dump_count_pages(d, &pc);
			dump_close(d);
		}
		f.data[i] = saved;
	}
	synth_file_free(&f);
}
