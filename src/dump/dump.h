/*
 * The dump layer: physical memory of the dead machine, from whatever file
 * format holds it.  It knows nothing of symbols or DWARF.  A read either
 * succeeds, or says why the bytes are not in the dump (ERR_HOLE,
 * ERR_EXCLUDED, ERR_TRUNCATED) or that the file is damaged or unreadable
 * (ERR_FORMAT, ERR_IO).
 */
#ifndef CRASH_DUMP_H
#define CRASH_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct source;
struct vmcoreinfo;

struct dump_options {
	bool zero_excluded;	/* read excluded pages as zeros */
	/* Only the headers and notes will be read (crash --osrelease): one
	 * part of a split dump opens alone (the pfns of the others are
	 * holes). */
	bool headers_only;
	/* Read the files with pread(2), never map them: mapping a capture
	 * kernel's /proc/vmcore fills in the page tables for all of the
	 * crashed machine's memory at once (2 GB a TB), more than a capture
	 * kernel may have.  A file that cannot be mapped is read so anyway. */
	bool no_mmap;
};

/* One ELF note as the dump holds it (from PT_NOTE or a kdump header). */
struct dump_note {
	char *name;
	uint32_t type;
	const unsigned char *desc;	/* copied, owned by the dump */
	uint32_t descsz;
	uint64_t file_offset;		/* where its header starts */
};

struct page_counts {
	uint64_t present;	/* data in the file */
	uint64_t zero;		/* recorded as a page of zeros */
	uint64_t excluded;	/* RAM that the dump level left out */
	uint64_t missing;	/* should be there, but the file ends first */
};

/* A label and a value describing one header field, for --dumpinfo. */
struct dump_fact {
	char *label;
	char *value;
};

struct dump;

struct dump_format {
	const char *name;
	/* Cheap check of the first bytes: does src look like this format? */
	bool (*probe)(struct source *src);
	/* Take the sources (all parts of a split dump) and fill in d. */
	struct error *(*open)(struct dump *d, struct source **srcs, int nsrcs);
	struct error *(*read)(struct dump *d, uint64_t paddr, void *buf,
			      size_t len);
	void (*count_pages)(struct dump *d, struct page_counts *out);
	void (*destroy)(struct dump *d);
};

struct dump {
	const struct dump_format *format;
	struct dump_options opts;
	char *description;	/* e.g. "kdump-compressed (lzo), flattened" */
	char **paths;
	int npaths;
	uint32_t page_size;
	uint64_t max_pfn;	/* page frames the dump describes: [0, max_pfn) */
	bool big_endian;
	bool is_64bit;
	uint16_t elf_machine;	/* EM_*, 0 if the format does not say */
	char machine[66];	/* utsname.machine or ELF machine name */
	int dump_level;		/* -1 if not recorded */
	int nr_cpus;		/* from the header; -1 if not recorded */
	char *incomplete;	/* why the dump is cut short, or NULL */

	struct dump_note *notes;
	size_t nnotes;
	struct vmcoreinfo *vmcoreinfo;

	struct dump_fact *facts;	/* header fields, format-specific */
	size_t nfacts;

	void *priv;
};

/* Open the dump in paths[] (several only for a split dump). */
struct error *dump_open(const char *const *paths, int npaths,
			const struct dump_options *opts, struct dump **ret);
void dump_close(struct dump *d);

/* Read len bytes of physical memory at paddr. */
struct error *dump_read_phys(struct dump *d, uint64_t paddr, void *buf,
			     size_t len);
void dump_count_pages(struct dump *d, struct page_counts *out);

/* The first note with this name and type, or NULL; iterate with *pos. */
const struct dump_note *dump_find_note(const struct dump *d, const char *name,
				       uint32_t type, size_t *pos);

/* For the format modules. */
struct error *dump_add_fact(struct dump *d, const char *label,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct error *dump_set_incomplete(struct dump *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Parse an ELF note buffer (PT_NOTE, or the copy in a kdump header) into
 * d->notes, and VMCOREINFO into d->vmcoreinfo.  base_offset is the file
 * offset of buf, for messages. */
struct error *dump_parse_notes(struct dump *d, const char *file,
			       const unsigned char *buf, size_t len,
			       uint64_t base_offset);

extern const struct dump_format elf_dump_format;
extern const struct dump_format kdump_format;

#endif
