/*
 * Dump levels: which page frames the dump keeps.  Bitmap 1 says which
 * frames are RAM (in a PT_LOAD); bitmap 2 which of those are written.
 * Bitmap 2 is decided from the kernel's own page array (mem_map, found
 * through mem_section) with what VMCOREINFO publishes: SIZE(page),
 * OFFSET(page.*), NUMBER(PG_*), the PAGE_*_MAPCOUNT_VALUEs -- the same
 * rules as makedumpfile, so the two exclude the same pages.  Zero pages
 * (level bit 1) are found later, while the pages are read.
 */
#ifndef CAPTURE_PAGE_FILTER_H
#define CAPTURE_PAGE_FILTER_H

#include <stdbool.h>
#include <stdint.h>

struct error;
struct vmcore_input;

#define DL_ZERO		1	/* pages of zeros */
#define DL_CACHE	2	/* page cache without private data */
#define DL_CACHE_PRI	4	/* page cache with private data */
#define DL_USER		8	/* user process pages (anonymous, hugetlb) */
#define DL_FREE		16	/* free pages (buddy allocator) */
#define DL_MAX		31

struct filter_counts {
	uint64_t ram;		/* frames in bitmap 1 */
	uint64_t cache, cache_private, user, free, hwpoison, offline;
	uint64_t unreadable;	/* frames of struct page we could not read */
	uint64_t nodata;	/* frames the input file does not hold */
};

struct page_bitmaps {
	uint64_t max_pfn;
	uint64_t bytes;			/* of each bitmap */
	unsigned char *bitmap1, *bitmap2;
	struct filter_counts counts;
	char utsname[6][65];		/* sysname ... domainname */
	bool have_utsname;
	uint64_t phys_base;
	char *warnings[8];		/* said once each, for the caller */
	int nwarnings;
};

/* Build both bitmaps for the dump level (0..31).  Problems that only
 * weaken the filtering (no VMCOREINFO, an unreadable part of mem_map) are
 * warnings, not errors. */
struct error *page_filter_run(struct vmcore_input *in, int level,
			      struct page_bitmaps **ret);
void page_bitmaps_free(struct page_bitmaps *pb);

static inline bool bitmap_test(const unsigned char *b, uint64_t bit)
{
	return b[bit >> 3] & (1u << (bit & 7));
}

static inline void bitmap_clear(unsigned char *b, uint64_t bit)
{
	b[bit >> 3] &= (unsigned char)~(1u << (bit & 7));
}

static inline void bitmap_set(unsigned char *b, uint64_t bit)
{
	b[bit >> 3] |= (unsigned char)(1u << (bit & 7));
}

/* Bits set in b in [from, to). */
uint64_t bitmap_count(const unsigned char *b, uint64_t from, uint64_t to);

#endif
