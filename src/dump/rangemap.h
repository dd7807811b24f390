/* A sorted map of non-overlapping address ranges.  Ranges may be added in
 * any order and may overlap; where they do, the one of higher priority wins
 * (the flattened format's later record, an ELF segment with file data over
 * one without).  Each range carries a value that moves with its start, such
 * as the file offset of its first byte. */
#ifndef CRASH_RANGEMAP_H
#define CRASH_RANGEMAP_H

#include <stddef.h>
#include <stdint.h>

struct error;

struct range {
	uint64_t start, end;	/* [start, end) */
	uint64_t value;		/* value at start; value + (a - start) at a */
	uint64_t prio;
	uint32_t kind;		/* the owner's tag */
};

struct rangemap {
	struct range *r;
	size_t n, cap;
};

struct error *rangemap_add(struct rangemap *rm, uint64_t start, uint64_t end,
			   uint64_t value, uint32_t kind, uint64_t prio);
/* Sort and resolve overlaps; call once after the last add. */
struct error *rangemap_finalize(struct rangemap *rm);
/* The range holding addr, or NULL. */
const struct range *rangemap_find(const struct rangemap *rm, uint64_t addr);
/* The first range that ends after addr (holding it or after it), or NULL. */
const struct range *rangemap_next(const struct rangemap *rm, uint64_t addr);
void rangemap_free(struct rangemap *rm);

#endif
