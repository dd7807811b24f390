/* Big arrays of the DWARF index, aligned for transparent huge pages.
 *
 * The index builder writes tens of megabytes of tables in scattered order.
 * Where the system backs anonymous memory with huge pages on its own
 * (transparent_hugepage=always), a 2 MiB-aligned mapping gets them: one
 * page fault per 2 MiB instead of 512, and fewer TLB misses.  We do not
 * ask with MADV_HUGEPAGE: under the common defrag=madvise setting that
 * makes the kernel compact memory inside our page faults, and on a VM
 * whose free memory went back to the host, a first touch of huge pages
 * measured six times slower than of small ones.  Small arrays use malloc;
 * the size given to dwarf_big_free() says which way an array came. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "dwarf_bigalloc.h"

#define HUGE_SIZE ((size_t)2 << 20)
#define BIG_THRESHOLD (HUGE_SIZE / 2)

void *dwarf_big_calloc(size_t n, size_t elem)
{
	size_t size, len;
	uintptr_t start, aligned;
	void *p;

	if (elem && n > (SIZE_MAX - 2 * HUGE_SIZE) / elem)
		return NULL;
	size = n * elem;
	if (size < BIG_THRESHOLD)
		return calloc(n ? n : 1, elem ? elem : 1);
	len = size + HUGE_SIZE;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (uintptr_t)p;
	aligned = (start + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1);
	/* Give back the unaligned head and the tail beyond the array. */
	if (aligned > start)
		munmap(p, aligned - start);
	len -= aligned - start;
	size = (size + 4095) & ~(size_t)4095;
	if (len > size)
		munmap((void *)(aligned + size), len - size);
	return (void *)aligned;
}

void dwarf_big_free(void *p, size_t n, size_t elem)
{
	size_t size = n * elem;

	if (!p)
		return;
	if (size < BIG_THRESHOLD) {
		free(p);
		return;
	}
	munmap(p, (size + 4095) & ~(size_t)4095);
}
