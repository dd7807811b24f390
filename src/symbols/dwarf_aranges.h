/* From a code address to the compile unit that holds it: the table of
 * .debug_aranges, read once (it is small: ~200 KB for a distribution
 * kernel), or for units it does not list, their own DW_AT_low_pc,
 * DW_AT_high_pc and DW_AT_ranges. */
#ifndef CRASH_DWARF_ARANGES_H
#define CRASH_DWARF_ARANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dwarf_lines_read.h"

struct dwarf_arange {
	uint64_t start, end;	/* [start, end) */
	uint64_t cu_offset;	/* of the unit header in .debug_info */
};

struct dwarf_aranges {
	struct dwarf_arange *v;	/* sorted by start */
	size_t n;
	/* max_end[i]: the highest end of v[0..i], so that a lookup finds
	 * a long range that overlaps later ones. */
	uint64_t *max_end;
};

/* Read .debug_aranges into A.  Sets of an unknown version or shape are
 * skipped; a set that runs past the section is ERR_FORMAT. */
struct error *dwarf_aranges_read(const struct dwarf_lines_sections *s,
				 struct dwarf_aranges *a);

/*
 * The ranges of every compile unit of .debug_info that KNOWN (may be empty)
 * does not list, from the attributes of its unit DIE: a walk over the unit
 * headers that decodes no DIE past the first.  The pages it reads are
 * given back as it goes (dwarf_lines_drop).
 */
struct error *dwarf_aranges_scan(const struct dwarf_lines_sections *s,
				 const struct dwarf_aranges *known,
				 struct dwarf_aranges *a);

/* The unit holding ADDR; of overlapping ranges the one starting last. */
bool dwarf_aranges_find(const struct dwarf_aranges *a, uint64_t addr,
			uint64_t *cu_offset);

void dwarf_aranges_free(struct dwarf_aranges *a);

/* Append [start, end) of unit CU_OFFSET (empty ranges are left out);
 * false when memory runs out.  CAP is the room in a->v. */
bool dwarf_aranges_add(struct dwarf_aranges *a, size_t *cap, uint64_t start,
		       uint64_t end, uint64_t cu_offset);
/* Sort A and compute max_end once every range is in. */
struct error *dwarf_aranges_finish(struct dwarf_aranges *a);

#endif
