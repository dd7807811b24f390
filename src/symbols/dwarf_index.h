/* The DWARF name index: from a name to the DIEs that define or declare it.
 *
 * Built by one fast pass over .debug_info (and .debug_types) that decodes
 * only the DIEs a lookup can need: at the top level of each unit (compile,
 * partial and type units, DWARF 2 to 5) and of namespaces, the named
 * structs, classes, unions, enums, typedefs, base types, variables and
 * functions, and the enumerators of those enums.  A DIE without a name
 * that has a DW_AT_specification (the definition of a variable declared
 * extern earlier in the unit) goes under the name of its declaration.
 * Every other subtree is skipped with DW_AT_sibling.  Types and the rest of
 * the debug info are decoded later, lazily, from the DIE offsets it gives.
 *
 * The index points into the section data it was built from (names are not
 * copied), so those sections must stay mapped while the index is used.
 * Lookups never change the index and may run in several threads at once;
 * dwarf_index_prefix() is the exception.  index_cache.h keeps it on disk. */
#ifndef CRASH_DWARF_INDEX_H
#define CRASH_DWARF_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libelf.h>

#include "../util/error.h"

struct dwarf_section {
	const uint8_t *data;
	size_t size;		/* 0 when the file has no such section */
};

/* The sections the index reads.  Only info and abbrev are required. */
struct dwarf_sections {
	struct dwarf_section info;
	struct dwarf_section abbrev;
	struct dwarf_section str;
	struct dwarf_section str_offsets;
	struct dwarf_section line_str;
	struct dwarf_section types;	/* DWARF 4 type units */
	/* Set by a caller whose info and types data are a read-only,
	 * private mapping of the file that nothing writes to (libelf's
	 * ELF_C_READ_MMAP): the builder then drops the pages it has scanned
	 * from this process (MADV_DONTNEED; they stay in the page cache and
	 * fault back in on use), so that reading 200 MB of DWARF does not
	 * leave 200 MB resident.  Never set it for memory that was malloc'd
	 * or written to. */
	bool drop_after_scan;
};

/* Find the DWARF sections of ELF (opened from PATH, named in errors).  The
 * data points into ELF's own memory (compressed sections are expanded by
 * libelf in place), so it lives as long as ELF. */
struct error *dwarf_sections_from_elf(Elf *elf, const char *path,
				      struct dwarf_sections *out);

/* What a name is, as a bit set so that a lookup can ask for several. */
enum dwarf_index_kind {
	DWARF_INDEX_STRUCT = 1 << 0,		/* struct and class */
	DWARF_INDEX_UNION = 1 << 1,
	DWARF_INDEX_ENUM = 1 << 2,
	DWARF_INDEX_TYPEDEF = 1 << 3,
	DWARF_INDEX_BASE = 1 << 4,		/* int, char, _Bool, ... */
	DWARF_INDEX_VARIABLE = 1 << 5,
	DWARF_INDEX_FUNCTION = 1 << 6,
	DWARF_INDEX_ENUMERATOR = 1 << 7,	/* a value of an enum type */
	DWARF_INDEX_TYPE = DWARF_INDEX_STRUCT | DWARF_INDEX_UNION |
			   DWARF_INDEX_ENUM | DWARF_INDEX_TYPEDEF |
			   DWARF_INDEX_BASE,
	DWARF_INDEX_ANY = 0xff,
};

/* One DIE found under a name. */
struct dwarf_index_match {
	const char *name;
	uint64_t die_offset;	/* section offset of the DIE */
	uint64_t cu_offset;	/* section offset of its unit's header */
	uint16_t tag;		/* DW_TAG_*; for an enumerator, of the enumerator */
	enum dwarf_index_kind kind;
	/* DW_AT_declaration: a forward declaration or an extern, not the
	 * definition. */
	bool declaration;
	/* The offsets are in .debug_types, not .debug_info (DWARF 4 type
	 * units). */
	bool in_types_section;
};

struct dwarf_index;

/* Build the index of SECS with up to NTHREADS threads (0: one per online
 * CPU).  A damaged unit fails the whole build with an ERR_FORMAT error that
 * names the section offset; 64-bit DWARF units are ERR_UNSUPPORTED. */
struct error *dwarf_index_build(const struct dwarf_sections *secs,
				unsigned int nthreads,
				struct dwarf_index **out);
void dwarf_index_free(struct dwarf_index *idx);

/* Sizes, for statistics and tests. */
size_t dwarf_index_num_names(const struct dwarf_index *idx);
size_t dwarf_index_num_entries(const struct dwarf_index *idx);
size_t dwarf_index_num_units(const struct dwarf_index *idx);

/* Where the time of dwarf_index_build() went (all zero for an index that
 * was loaded from the cache), for the benchmark. */
struct dwarf_index_timings {
	double scan;		/* reading the units, in parallel */
	double merge;		/* merging the threads' names */
	double scatter;		/* grouping the entries by name */
	unsigned int threads;
};

const struct dwarf_index_timings *
dwarf_index_timings(const struct dwarf_index *idx);

/* Every DIE named NAME whose kind is in KINDS, in section offset order:
 *
 *	struct dwarf_index_iter it;
 *	struct dwarf_index_match m;
 *	dwarf_index_find(idx, "task_struct", DWARF_INDEX_STRUCT, &it);
 *	while (dwarf_index_next(&it, &m))
 *		...
 */
struct dwarf_index_iter {
	const struct dwarf_index *idx;
	const char *name;
	const void *pos, *end;
	unsigned int kinds;
};

void dwarf_index_find(const struct dwarf_index *idx, const char *name,
		      unsigned int kinds, struct dwarf_index_iter *it);
bool dwarf_index_next(struct dwarf_index_iter *it,
		      struct dwarf_index_match *m);

/* The first definition of NAME among KINDS or, when there is none, its first
 * declaration; ERR_NOT_FOUND when the name is not indexed at all. */
struct error *dwarf_index_lookup(const struct dwarf_index *idx,
				 const char *name, unsigned int kinds,
				 struct dwarf_index_match *m);

/* The distinct names that start with PREFIX and have a DIE of a kind in
 * KINDS, in strcmp() order (for completion).  The first call sorts the
 * names (some 25 ms for a kernel; a cache file written after that keeps
 * them sorted), so this one is not safe to call from two threads at once. */
struct dwarf_index_prefix_iter {
	const struct dwarf_index *idx;
	size_t pos, end;
	unsigned int kinds;
};

struct error *dwarf_index_prefix(struct dwarf_index *idx, const char *prefix,
				 unsigned int kinds,
				 struct dwarf_index_prefix_iter *it);
bool dwarf_index_prefix_next(struct dwarf_index_prefix_iter *it,
			     const char **name);

#endif
