/*
 * Writing the kdump-compressed format (what makedumpfile writes and
 * src/dump/kdump.c reads):
 *
 *   block 0      disk_dump_header: "KDUMP   ", version 6, utsname, time,
 *                status (compression; INCOMPLETE until the end), sizes
 *   block 1..    kdump_sub_header (phys_base, dump level, split range,
 *                where the notes and VMCOREINFO are), then the ELF notes
 *   then         bitmap 1 (frames that are RAM), bitmap 2 (frames kept)
 *   then         one 24-byte descriptor per frame kept (offset, size,
 *                compression flags, 0), in pfn order
 *   then         the shared page of zeros, then the pages' data
 *
 * Pages are used where the input is mapped (vmcore_input.h), compressed
 * by several threads when there is compression and more than one CPU (else
 * all in the calling thread), and written in pfn order, into a file with
 * one pwritev per batch of pages straight from the mapping or the
 * compressed buffers.  Data goes out before the descriptors that point to
 * it, so a file cut short holds only descriptors whose pages are there.
 */
#ifndef CAPTURE_KDUMP_OUT_H
#define CAPTURE_KDUMP_OUT_H

#include <stdbool.h>
#include <stdint.h>

struct error;
struct out_file;
struct page_bitmaps;
struct vmcore_input;

struct progress {
	bool on;		/* print a line on stderr */
	uint64_t total;		/* pages to copy, all files */
	uint64_t done;
	double started, last;	/* seconds */
};

struct kdump_job {
	struct vmcore_input *in;
	struct page_bitmaps *pb;	/* bitmap 2 loses unreadable pages */
	int level;
	unsigned int method;		/* KDUMP_ZLIB ... or 0 */
	int threads;			/* --num-threads, or the CPUs */
	int cpus;			/* this process may use */
	int64_t timestamp;
	bool split;
	uint64_t start_pfn, end_pfn;	/* this file's frames */
	uint64_t desc_room;		/* descriptor slots (whole dump) */
	struct progress *progress;
};

struct kdump_result {
	uint64_t stored, zero, unreadable;
	char *first_unreadable;		/* its message, or NULL */
	uint64_t mapped, read;		/* pages used where mapped, read */
	char *no_map;			/* why mmap(2) failed, or NULL */
};

/* Write one file (one part of a split dump).  The header says INCOMPLETE
 * until kdump_finalize. */
struct error *kdump_write(struct out_file *of, const struct kdump_job *job,
			  struct kdump_result *res);
/* Rewrite bitmap 2 (pages found unreadable) and the header's status. */
struct error *kdump_finalize(struct out_file *of, const struct kdump_job *job,
			     bool complete);

double now_seconds(void);
void progress_update(struct progress *p, uint64_t more, bool final);

#endif
