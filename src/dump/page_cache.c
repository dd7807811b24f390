#include <stdlib.h>
#include <string.h>

#include "page_cache.h"

void page_cache_init(struct page_cache *pc, size_t page_size)
{
	memset(pc, 0, sizeof(*pc));
	pc->page_size = page_size;
}

static size_t slot_of(uint64_t pfn)
{
	/* Neighbouring pages land in different slots. */
	return (size_t)(pfn ^ (pfn >> 7)) & (PAGE_CACHE_SLOTS - 1);
}

const unsigned char *page_cache_get(struct page_cache *pc, uint64_t pfn)
{
	size_t s = slot_of(pfn);

	if (pc->valid[s] && pc->pfn[s] == pfn) {
		pc->hits++;
		return pc->data + s * pc->page_size;
	}
	pc->misses++;
	return NULL;
}

unsigned char *page_cache_slot(struct page_cache *pc, uint64_t pfn)
{
	size_t s = slot_of(pfn);

	if (!pc->data) {
		pc->data = malloc(PAGE_CACHE_SLOTS * pc->page_size);
		if (!pc->data)
			return NULL;
	}
	pc->valid[s] = 0;
	return pc->data + s * pc->page_size;
}

void page_cache_commit(struct page_cache *pc, uint64_t pfn)
{
	size_t s = slot_of(pfn);

	pc->pfn[s] = pfn;
	pc->valid[s] = 1;
}

void page_cache_free(struct page_cache *pc)
{
	free(pc->data);
	pc->data = NULL;
	memset(pc->valid, 0, sizeof(pc->valid));
}
