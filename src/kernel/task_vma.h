/* A task's address space: its mm_struct's page table root and its VMAs,
 * what vm shows. */
#ifndef CRASH_KERNEL_TASK_VMA_H
#define CRASH_KERNEL_TASK_VMA_H

#include <stdint.h>

struct error;
struct kernel;

struct vma {
	uint64_t addr;		/* the struct vm_area_struct */
	uint64_t start, end;	/* vm_start, vm_end */
	uint64_t flags;		/* vm_flags */
	uint64_t file;		/* vm_file, or 0 */
	uint64_t pgoff;		/* vm_pgoff: the file offset in pages */
	char path[1024];	/* vm_file's path ("" if none or unreadable) */
};

/* mm->pgd: the virtual address of the top page table. */
struct error *mm_pgd(const struct kernel *k, uint64_t mm, uint64_t *pgd);

/* Each VMA of the mm_struct at mm in address order: from the maple tree
 * mm->mm_mt (6.1+), else the list mm->mmap.  fn's nonzero return stops.
 * An error (a damaged tree, an unreadable VMA) names the address; fn has
 * seen the VMAs before it. */
typedef int (*vma_fn)(const struct vma *v, void *arg);
struct error *mm_vmas(const struct kernel *k, uint64_t mm, vma_fn fn,
		      void *arg);

#endif
