/* The struct page of a page frame: where it is and what vtop and kmem -p
 * show of it. */
#ifndef CRASH_KERNEL_PAGE_H
#define CRASH_KERNEL_PAGE_H

#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;

struct page_info {
	uint64_t page;		/* the struct page's address */
	uint64_t flags, mapping, index;
	int32_t count;		/* _refcount */
};

/* The struct page of the frame holding physical address paddr: found in
 * the virtual memory map (vmemmap). */
struct error *page_info_read(const struct kernel *k, uint64_t paddr,
			     struct page_info *out);

/* The names of the flags set in flags (the kernel's pageflag_names
 * table: "locked,referenced,..."), "" if none; up to size bytes. */
struct error *page_flag_names(const struct kernel *k, uint64_t flags,
			      char *buf, size_t size);

/* Where the struct page array (vmemmap) starts: an error where the
 * architecture does not tell it yet. */
struct error *page_map_base(const struct kernel *k, uint64_t *base);

/* The physical address of the frame whose struct page is at page: an
 * error if page is not one of the virtual memory map's entries. */
struct error *page_struct_to_phys(const struct kernel *k, uint64_t page,
				  uint64_t *paddr);

#endif
