/* Private to the DWARF index and its cache: the index's tables.  They are
 * flat arrays of fixed-size records without pointers, so the on-disk cache
 * is these same arrays and loading it is an mmap. */
#ifndef CRASH_DWARF_INDEX_TABLE_H
#define CRASH_DWARF_INDEX_TABLE_H

#include <stdint.h>

#include "dwarf_index.h"
#include "dwarf_scan.h"

struct dwarf_index_unit_rec {
	uint32_t offset;	/* of the unit header */
	uint32_t flags;		/* UNIT_IN_TYPES */
};

#define UNIT_IN_TYPES 1

/* A distinct name and where its entries are. */
struct dwarf_index_name {
	uint32_t hash;		/* dwarf_name_hash() */
	uint32_t str;		/* offset of the string in section sec */
	uint32_t first;		/* index of its first entry */
	uint32_t count;
	uint8_t sec;		/* enum dwarf_strsec */
	uint8_t kinds;		/* union of the kinds of its entries */
	uint16_t reserved;
};

/* One DIE, in 8 bytes: the unit, kind and flags are packed in "info". */
struct dwarf_index_entry {
	uint32_t die;
	uint32_t info;
};

#define ENTRY_UNIT_BITS 24
#define ENTRY_UNIT(info) ((info) & ((1u << ENTRY_UNIT_BITS) - 1))
#define ENTRY_KIND_SHIFT 24	/* log2 of the kind bit, 3 bits */
#define ENTRY_KIND(info) (1u << (((info) >> ENTRY_KIND_SHIFT) & 7))
#define ENTRY_DECLARATION (1u << 27)
#define ENTRY_CLASS (1u << 28)	/* DW_TAG_class_type, not structure_type */
#define MAX_UNITS (1u << ENTRY_UNIT_BITS)

struct dwarf_index {
	struct dwarf_sections secs;
	const struct dwarf_index_unit_rec *units;
	uint32_t nunits;
	const struct dwarf_index_name *names;
	uint32_t nnames;
	const uint32_t *slots;	/* name index + 1, 0 when empty */
	uint32_t nslots;	/* a power of two */
	const struct dwarf_index_entry *entries;
	uint32_t nentries;
	/* Name indexes in strcmp() order, made on first use (or loaded). */
	const uint32_t *sorted;

	struct dwarf_index_timings timings;

	/* What to release: arrays from dwarf_big_calloc(), with their
	 * sizes, or the cache's mapping. */
	struct {
		void *p;
		size_t n, elem;
	} owned[5];
	void *map;
	size_t map_size;
};

/* The hash of a name of LEN bytes; stored in the cache, so changing it
 * means a new cache format version. */
uint32_t dwarf_name_hash(const char *s, size_t len);

/* The section a name of section number SEC (enum dwarf_strsec) is in. */
static inline const struct dwarf_section *
dwarf_strsec(const struct dwarf_sections *secs, uint8_t sec)
{
	switch (sec & 3) {
	case STRSEC_STR:
		return &secs->str;
	case STRSEC_LINE_STR:
		return &secs->line_str;
	case STRSEC_INFO:
		return &secs->info;
	default:
		return &secs->types;
	}
}

static inline const char *dwarf_index_name_str(const struct dwarf_index *idx,
					       const struct dwarf_index_name *n)
{
	return (const char *)dwarf_strsec(&idx->secs, n->sec)->data + n->str;
}

/* Sort the names for prefix iteration; the result is owned by IDX. */
struct error *dwarf_index_sort_names(struct dwarf_index *idx);

#endif
