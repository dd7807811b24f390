/*
 * Synthetic dumps for the unit tests: ELF vmcores, kdump-compressed files
 * (single and split) and the flattened wrapping of either, built in memory
 * so a test can damage or cut them before saving.  Every byte of memory the
 * synthetic machine has is a function of its physical address, so a test
 * can check each byte read back, and a read from the wrong page or offset
 * shows.
 */
#ifndef CRASH_TEST_SYNTH_DUMP_H
#define CRASH_TEST_SYNTH_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dump;
struct dump_options;

/* ---- Files in memory ------------------------------------------------ */

struct synth_file {
	unsigned char *data;
	size_t size, cap;
};

void synth_file_free(struct synth_file *f);
/* Copy len bytes to off, growing the file (with zeros) if needed. */
void synth_put(struct synth_file *f, uint64_t off, const void *p, size_t len);
/* Store an integer of width 1, 2, 4 or 8 bytes at off. */
void synth_put_int(struct synth_file *f, uint64_t off, int width, uint64_t v,
		   bool big);
uint64_t synth_get_int(const struct synth_file *f, uint64_t off, int width,
		       bool big);
/* Cut (or extend with zeros) the file to size bytes. */
void synth_resize(struct synth_file *f, size_t size);
/* Write f as NAME in the test directory; the path stays valid for the
 * next 31 calls. */
const char *synth_save(const struct synth_file *f, const char *name);

/* ---- The synthetic machine's memory --------------------------------- */

/* Each 64-byte block starts with 8 bytes unique to the block; the rest is
 * a byte that depends on the page and the position, never zero.  So pages
 * compress well (every method stores them compressed) and a data page is
 * never a page of zeros. */
uint8_t synth_byte(uint64_t paddr);
void synth_fill(uint64_t paddr, void *buf, size_t len);

/* Registers of CPU cpu's NT_PRSTATUS: reg is the user_regs_struct index. */
uint64_t synth_reg(int cpu, int reg);
#define SYNTH_PID(cpu) (1000 + (cpu))
#define SYNTH_PRSTATUS_SIZE 336
#define SYNTH_PR_PID 32
#define SYNTH_PR_REG 112
#define SYNTH_NREGS 27
#define SYNTH_QEMU_NOTE_SIZE 0x1b8

/* A VMCOREINFO text with one key of every kind the parser knows. */
extern const char synth_vmcoreinfo[];

/* ---- ELF vmcores ---------------------------------------------------- */

struct synth_segment {
	uint64_t paddr;
	uint64_t filesz;	/* bytes held in the file */
	uint64_t memsz;		/* 0: same as filesz; more: excluded tail */
};

#define SYNTH_MAX_SEGS 16

struct synth_elf_opts {
	int elf_class;		/* 32 or 64 (0: 64) */
	bool big_endian;
	uint16_t machine;	/* 0: EM_X86_64, or EM_PPC64 if big-endian */
	const struct synth_segment *segs;
	size_t nsegs;
	int nr_cpus;		/* NT_PRSTATUS notes, one per CPU */
	const char *vmcoreinfo;	/* text of a VMCOREINFO note, or NULL */
	bool qemu_notes;	/* a "QEMU" note after each CPU's PRSTATUS */
	bool reverse_data;	/* segments' data in the file in reverse order */
};

struct synth_elf_layout {
	uint64_t phoff;		/* program headers: PT_NOTE, then PT_LOADs */
	uint64_t phentsize;
	uint64_t note_offset, note_size;
	uint64_t vmcoreinfo_note;	/* file offset of its note header */
	uint64_t seg_offset[SYNTH_MAX_SEGS];	/* file offset of the data */
};

void synth_elf(const struct synth_elf_opts *o, struct synth_file *out,
	       struct synth_elf_layout *lay);

/* ---- kdump-compressed ----------------------------------------------- */

enum synth_page {
	SYNTH_DATA,		/* both bitmaps; the page's bytes stored */
	SYNTH_ZERO,		/* both bitmaps; the shared zero page */
	SYNTH_EXCLUDED,		/* 1st bitmap only: RAM left out */
	SYNTH_HOLE,		/* neither bitmap: no RAM */
};

enum synth_comp {
	SYNTH_NONE, SYNTH_ZLIB, SYNTH_LZO, SYNTH_SNAPPY, SYNTH_ZSTD,
	SYNTH_MIXED,		/* data pages in pfn order take none, zlib,
				 * lzo, snappy, zstd, none, ... in turn */
};
#define SYNTH_NCOMP 5

#define KDUMP_HEADER_STATUS 424
#define KDUMP_HEADER_BLOCK_SIZE 428
#define KDUMP_HEADER_SUB_HDR_SIZE 432
#define KDUMP_HEADER_BITMAP_BLOCKS 436
#define KDUMP_HEADER_MAX_MAPNR 440
#define KDUMP_HEADER_NR_CPUS 460
#define KDUMP_HEADER_SIZE 464
/* Offsets within the sub header (64-bit layout). */
#define KDUMP_SUB_PHYS_BASE 0
#define KDUMP_SUB_DUMP_LEVEL 8
#define KDUMP_SUB_SPLIT 12
#define KDUMP_SUB_START_PFN 16
#define KDUMP_SUB_END_PFN 24
#define KDUMP_SUB_OFFSET_VMCOREINFO 32
#define KDUMP_SUB_SIZE_VMCOREINFO 40
#define KDUMP_SUB_OFFSET_NOTE 48
#define KDUMP_SUB_SIZE_NOTE 56
#define KDUMP_SUB_OFFSET_ERASEINFO 64
#define KDUMP_SUB_SIZE_ERASEINFO 72
#define KDUMP_SUB_START_PFN_64 80
#define KDUMP_SUB_END_PFN_64 88
#define KDUMP_SUB_MAX_MAPNR_64 96
#define KDUMP_SUB_SIZE 104
#define KDUMP_PD_SIZE 24
#define KDUMP_STATUS_INCOMPLETE 0x8

struct synth_kdump_opts {
	int header_version;	/* 1..6 (0: 6) */
	bool big_endian;	/* a big-endian 64-bit writer (ppc64, s390x);
				 * the bitmaps are LSB-first bytes either way */
	uint32_t block_size;	/* page size (0: 4096) */
	uint64_t max_mapnr;
	const uint8_t *pages;	/* enum synth_page per pfn; NULL: all data */
	enum synth_comp comp;
	const char *vmcoreinfo;	/* v3+: VMCOREINFO text, or NULL */
	bool notes;		/* v4+: ELF notes (PRSTATUS per CPU and the
				 * VMCOREINFO note if vmcoreinfo is set) */
	int nr_cpus;
	int dump_level;
	uint64_t phys_base;
	bool reverse_data;	/* page data in reverse pfn order */
	/* Fields a header of this version does not have get junk, to show
	 * that the reader ignores them. */
	bool junk_beyond_version;
	/* If incomplete: descriptors from the incomplete_from'th dumped
	 * page of the file on are left zero and their data unwritten, and
	 * the header has the INCOMPLETE status bit, as makedumpfile leaves
	 * a dump it ran out of space for. */
	bool incomplete;
	uint64_t incomplete_from;
};

/* Where each pfn's descriptor and data went (all -1 if not written). */
struct synth_pd {
	int64_t desc_off;
	int64_t offset;
	uint32_t size, flags;
};

struct synth_kdump_layout {
	uint32_t block_size;
	uint64_t sub_hdr_size, bitmap_blocks;
	uint64_t bitmap1, bitmap2;	/* file offsets of the two bitmaps */
	uint64_t desc;			/* the page descriptor table */
	uint64_t ndesc;			/* pages in the 2nd bitmap (all parts) */
	uint64_t data;			/* start of the page data */
	uint64_t zero_page;		/* the shared zero page, 0 if none */
	uint64_t note_offset, note_size;
	uint64_t vmcoreinfo_offset, vmcoreinfo_size;
	uint64_t start_pfn, end_pfn;	/* pfns whose pages this file holds */
	/* What the file should count as. */
	uint64_t present, zero, excluded, missing;
	uint64_t stored[SYNTH_NCOMP];	/* data pages stored per method */
	struct synth_pd *pd;		/* max_mapnr entries */
};

void synth_kdump(const struct synth_kdump_opts *o, struct synth_file *out,
		 struct synth_kdump_layout *lay);
/* A split set as makedumpfile --split writes it: part i holds pfns
 * [bounds[i], bounds[i + 1]); bounds[0] is 0, bounds[nparts] max_mapnr. */
void synth_kdump_split(const struct synth_kdump_opts *o, int nparts,
		       const uint64_t *bounds, struct synth_file *out,
		       struct synth_kdump_layout *lay);
void synth_kdump_layout_free(struct synth_kdump_layout *lay);
/* A map of n pages (malloc'd) with every kind: runs of data, zero pages,
 * excluded pages, single holes and a long hole in the middle. */
uint8_t *synth_std_pages(uint64_t n);
/* The kind of page pfn is under these options. */
enum synth_page synth_page_kind(const struct synth_kdump_opts *o,
				uint64_t pfn);

/* ---- Flattened (makedumpfile -F) ------------------------------------ */

struct synth_flat_opts {
	size_t record_size;	/* data per record (0: 4096) */
	bool out_of_order;	/* records in a scrambled order */
	/* Records of junk over part of the file come first; the real bytes
	 * rewrite them later, and the later record must win. */
	bool rewrite;
	bool skip_zero_records;	/* leave out records of all zeros */
	bool no_end_marker;
};

void synth_flatten(const struct synth_file *in,
		   const struct synth_flat_opts *o, struct synth_file *out);

/* ---- Checking what a dump gives back -------------------------------- */

/* Open path (or paths) as a dump; NULL, with a test failure, on error. */
struct dump *synth_open_at(const char *file, int line, const char *const *paths,
			   int n, const struct dump_options *opts);
#define synth_open(path, opts)						\
	synth_open_at(__FILE__, __LINE__, (const char *const[]){ path }, 1, \
		      opts)
#define synth_open_n(paths, n, opts)					\
	synth_open_at(__FILE__, __LINE__, paths, n, opts)

/* Read [paddr, paddr + len) and compare every byte with the pattern
 * (or with zeros); a failure names the first wrong byte. */
void synth_check_phys_at(const char *file, int line, struct dump *d,
			 uint64_t paddr, size_t len, bool zeros);
#define CHECK_PHYS(d, paddr, len)					\
	synth_check_phys_at(__FILE__, __LINE__, d, paddr, len, false)
#define CHECK_PHYS_ZERO(d, paddr, len)					\
	synth_check_phys_at(__FILE__, __LINE__, d, paddr, len, true)

/* The read must fail with code. */
void synth_check_read_err_at(const char *file, int line, struct dump *d,
			     uint64_t paddr, size_t len, int code);
#define CHECK_READ_ERR(d, paddr, len, code)				\
	synth_check_read_err_at(__FILE__, __LINE__, d, paddr, len, code)

/* Opening must fail with code, and the message must name the file. */
void synth_check_open_err_at(const char *file, int line,
			     const char *const *paths, int n, int code);
#define CHECK_OPEN_ERR(path, code)					\
	synth_check_open_err_at(__FILE__, __LINE__,			\
				(const char *const[]){ path }, 1, code)
#define CHECK_OPEN_ERR_N(paths, n, code)				\
	synth_check_open_err_at(__FILE__, __LINE__, paths, n, code)

/* Damaged input must give an error, never a crash: either opening fails,
 * or opening works and reading [paddr, paddr + len) fails (len 0: opening
 * must fail).  The code must be one of the mask's (SYNTH_CODE(ERR_x) |
 * ...), and the message must name the file (paths[0] for a split set, or
 * any part). */
#define SYNTH_CODE(c) (1u << (c))
void synth_check_bad_at(const char *file, int line, const char *const *paths,
			int n, uint64_t paddr, size_t len, unsigned codes);
#define CHECK_BAD(path, paddr, len, codes)				\
	synth_check_bad_at(__FILE__, __LINE__,				\
			   (const char *const[]){ path }, 1, paddr, len, codes)
#define CHECK_BAD_N(paths, n, paddr, len, codes)			\
	synth_check_bad_at(__FILE__, __LINE__, paths, n, paddr, len, codes)

/* Check every byte of an ELF dump written from o (and cut to size bytes)
 * over its whole address range, and its page counts. */
void synth_check_elf_at(const char *file, int line, struct dump *d,
			const struct synth_elf_opts *o,
			const struct synth_elf_layout *lay, uint64_t size);
#define CHECK_ELF(d, o, lay, size)					\
	synth_check_elf_at(__FILE__, __LINE__, d, o, lay, size)

/* Check every page frame of a kdump dump against what its nfiles files
 * (laid out as lays, sizes[i] bytes as saved) should give, and its page
 * counts. */
void synth_check_kdump_at(const char *file, int line, struct dump *d,
			  const struct synth_kdump_opts *o,
			  const struct synth_kdump_layout *lays,
			  const size_t *sizes, int nfiles);
#define CHECK_KDUMP(d, o, lays, sizes, n)				\
	synth_check_kdump_at(__FILE__, __LINE__, d, o, lays, sizes, n)

#endif
