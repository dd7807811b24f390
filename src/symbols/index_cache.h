/* The on-disk cache of the DWARF name index.
 *
 * Building the index costs a tenth of a second or so for a distribution
 * kernel; loading it back costs a few milliseconds.  The cache file is
 * the index's own flat tables behind a header, mapped as they are:
 *
 *	${CRASH_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/crash}/
 *		dwarf-index-<build-id>.idx
 *
 * keyed by the vmlinux's GNU build-id, and checked again on every load
 * against that build-id, the vmlinux's size and modification time, the
 * sizes of its debug sections and a checksum of the contents.  A file that
 * fails any check (stale, truncated, foreign, from another format version)
 * is never trusted: the index is built again and the file replaced.  Files
 * are written to a temporary name and renamed, so a reader never sees half
 * a file.  CRASH_NO_INDEX_CACHE=1 turns the cache off. */
#ifndef CRASH_INDEX_CACHE_H
#define CRASH_INDEX_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libelf.h>

#include "../util/error.h"
#include "dwarf_index.h"

#define INDEX_CACHE_MAX_BUILD_ID 64

/* What a cache file must match. */
struct index_cache_key {
	uint8_t build_id[INDEX_CACHE_MAX_BUILD_ID];
	size_t build_id_len;
	uint64_t file_size;	/* of the vmlinux */
	int64_t mtime_sec, mtime_nsec;
};

/* The GNU build-id of ELF (from its notes): ERR_NOT_FOUND when it has
 * none. */
struct error *index_cache_build_id(Elf *elf, uint8_t *id, size_t size,
				   size_t *len);

/* The key of the vmlinux at PATH, opened as ELF. */
struct error *index_cache_key(const char *path, Elf *elf,
			      struct index_cache_key *key);

/* The cache file for KEY (malloc'd), in CRASH_CACHE_DIR or the XDG cache
 * directory; NULL with an error when there is no home to put it in. */
struct error *index_cache_path(const struct index_cache_key *key,
			       char **path);

/* Write IDX to PATH atomically, creating the directory if needed. */
struct error *index_cache_save(const struct dwarf_index *idx,
			       const struct index_cache_key *key,
			       const char *path);

/* Map the cache file at PATH as the index of SECS.  ERR_NOT_FOUND when
 * there is no such file; ERR_FORMAT (with the reason) when it does not
 * match KEY and SECS or is damaged. */
struct error *index_cache_load(const char *path,
			       const struct index_cache_key *key,
			       const struct dwarf_sections *secs,
			       struct dwarf_index **out);

/* The checksum of the file format (the file's last two header fields are
 * this checksum of the tables and of the header itself). */
uint64_t index_cache_checksum(const void *data, size_t len);

/* What dwarf_index_open() did, for messages and tests. */
struct index_cache_status {
	bool loaded;		/* the index came from the cache */
	bool saved;		/* it was built and written to the cache */
	/* Why the cache was not used or not written, when that happened
	 * (freed by the caller); not an error of the open itself. */
	struct error *why;
};

/* The index of the vmlinux at PATH, opened as ELF, whose sections are
 * SECS: from the cache when a valid file is there, else built (with
 * NTHREADS, see dwarf_index_build) and saved.  STATUS may be NULL. */
struct error *dwarf_index_open(const char *path, Elf *elf,
			       const struct dwarf_sections *secs,
			       unsigned int nthreads,
			       struct dwarf_index **out,
			       struct index_cache_status *status);

#endif
