/*
 * Where a dump goes: a file written under NAME.tmp and renamed to NAME
 * only when complete, or standard output in the flattened format (every
 * write a record "offset, size, bytes", so the file can be streamed and
 * rebuilt with makedumpfile -R, or read as it is).  The first write error
 * is kept: a full disk (ENOSPC, EFBIG) is told apart from other I/O errors
 * so the writer can mark what it has as incomplete.
 */
#ifndef CAPTURE_OUT_FILE_H
#define CAPTURE_OUT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;

struct out_file {
	char *path;		/* the final name; "-" for standard output */
	char *tmp_path;		/* what we write to until complete */
	int fd;
	bool flat;		/* flattened records */
	bool full;		/* the device is full (or the size limit hit) */
	uint64_t bytes;		/* payload bytes written */
	size_t partial;		/* of the last, failed out_write */
	int error_errno;	/* of the last, failed write: EFAULT is the
				 * data's fault (a mapping that could not be
				 * read), not the output's */
};

struct error *out_open(struct out_file *of, const char *path, bool flat);
/* Write len bytes at off (a record in the flattened format).  If it
 * fails, of->partial says how many of the bytes did reach the file. */
struct error *out_write(struct out_file *of, uint64_t off, const void *buf,
			size_t len);
/* Write the n pieces of iov one after the other at off (pwritev; not in
 * the flattened format).  of->partial and of->error_errno as above. */
struct iovec;
struct error *out_writev(struct out_file *of, uint64_t off,
			 const struct iovec *iov, int n);
/* Complete: flush, end the flattened stream, rename NAME.tmp to NAME. */
struct error *out_finish(struct out_file *of);
/* Stop after an error: keep what was written under NAME (a dump marked
 * incomplete is worth more than none) and close. */
void out_keep_partial(struct out_file *of);
/* Give up on a file that holds nothing useful: remove NAME.tmp. */
void out_discard(struct out_file *of);

#endif
