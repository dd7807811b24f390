/* A small cache of decompressed pages, keyed by page frame number.  Reads
 * of a struct or a stack walk touch the same few pages again and again;
 * decompressing each time would dominate. */
#ifndef CRASH_PAGE_CACHE_H
#define CRASH_PAGE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_CACHE_SLOTS 128	/* power of two */

struct page_cache {
	size_t page_size;
	unsigned char *data;	/* PAGE_CACHE_SLOTS pages, allocated lazily */
	uint64_t pfn[PAGE_CACHE_SLOTS];
	unsigned char valid[PAGE_CACHE_SLOTS];
	uint64_t hits, misses;
};

void page_cache_init(struct page_cache *pc, size_t page_size);
/* The cached page, or NULL. */
const unsigned char *page_cache_get(struct page_cache *pc, uint64_t pfn);
/* A slot to fill for pfn (then page_cache_commit), or NULL if no memory. */
unsigned char *page_cache_slot(struct page_cache *pc, uint64_t pfn);
void page_cache_commit(struct page_cache *pc, uint64_t pfn);
void page_cache_free(struct page_cache *pc);

#endif
