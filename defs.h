/*
 * defs.h - the public header that crash extension modules compile against.
 *
 * The extension interface (the `extend` command, and the calls an
 * extension makes back into crash) is not there yet; this header holds
 * what is stable already: the version and the error codes that every crash
 * interface reports.
 */
#ifndef CRASH_DEFS_H
#define CRASH_DEFS_H

#define CRASH_VERSION_MAJOR 0
#define CRASH_VERSION_MINOR 1
#define CRASH_VERSION_PATCH 0

/* Why an operation failed.  The three "not in the dump" codes say the dump
 * is fine but does not hold what was asked for. */
enum crash_error_code {
	CRASH_ERR_NOMEM = 1,
	CRASH_ERR_IO,		/* the operating system failed a read */
	CRASH_ERR_FORMAT,	/* a damaged file, or not what it claims */
	CRASH_ERR_INVALID,	/* bad argument */
	CRASH_ERR_UNSUPPORTED,
	CRASH_ERR_NOT_FOUND,
	CRASH_ERR_HOLE,		/* no memory at that address in the dump */
	CRASH_ERR_EXCLUDED,	/* left out by the dump level */
	CRASH_ERR_TRUNCATED,	/* beyond where the file's data ends */
	CRASH_ERR_INTERRUPTED,	/* stopped by Ctrl-C or a closed pipe */
};

#endif
