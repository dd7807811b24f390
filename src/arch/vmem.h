/*
 * Kernel virtual memory of the dumped machine: translation through the
 * architecture's page tables and reads at virtual addresses.  What the
 * architecture needs to start (page table root, physical base, paging
 * mode) comes from VMCOREINFO here; the symbols layer can supply it later
 * for dumps without VMCOREINFO.
 */
#ifndef CRASH_VMEM_H
#define CRASH_VMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arch_ops;
struct dump;
struct error;
struct vmcoreinfo;

struct vmem {
	struct dump *dump;
	const struct arch_ops *arch;
	/* The kernel's page size: VMCOREINFO PAGESIZE, else the dump's.
	 * They differ where the dump's blocks are not the kernel's pages
	 * (QEMU writes arm64 kdump files in 64K blocks whatever the guest
	 * used). */
	uint32_t page_size;
	/* The dump's VMCOREINFO, or the kernel's own copy of the text found
	 * in its memory when the dump has no note (vmem_find_vmcoreinfo);
	 * NULL if neither. */
	const struct vmcoreinfo *vmcoreinfo;
	struct vmcoreinfo *found;	/* that copy, owned */
	/* The kernel image's virtual range [_text, _end), once the symbols
	 * tell it (vmem_set_image); 0, 0 before. */
	uint64_t image_start, image_end;
	void *priv;		/* the architecture's state */
};

/* Set up translation for d from its VMCOREINFO. */
struct error *vmem_open(struct dump *d, struct vmem **ret);
void vmem_close(struct vmem *vm);

/* The steps of one translation, for vtop: each page table entry read. */
struct vtop_trace {
	int n;
	struct {
		const char *level;	/* "PML4", "PUD", "PMD", "PTE" */
		uint64_t entry_paddr;	/* where the entry is */
		uint64_t entry_vaddr;	/* and its virtual address, or 0 */
		uint64_t entry;		/* its value */
	} step[6];
	uint64_t table;		/* the top table's virtual address, or 0 */
	uint64_t page_size;	/* of the mapping found (4K, 2M, 1G) */
	bool by_offset;		/* translated without tables (image map) */
	/* How the classic crash shows the walk on this architecture: the
	 * top table as "PAGE DIRECTORY" and every entry by its virtual
	 * address (arm64), or the top entry as "PAGE DIRECTORY" and the
	 * others by their physical addresses (x86_64). */
	bool entries_virtual;
};

/* For an architecture that cannot start without VMCOREINFO: look for the
 * text the kernel keeps in a page of its own (vmcoreinfo_data, which
 * starts "OSRELEASE=") in the dump's memory; it must have every key of
 * need[] (NULL-terminated).  Sets vm->vmcoreinfo. */
struct error *vmem_find_vmcoreinfo(struct vmem *vm, const char *const *need);

/* Where the kernel image lies: architectures that translate it by
 * arithmetic, as the classic crash does, need its end. */
void vmem_set_image(struct vmem *vm, uint64_t start, uint64_t end);

struct error *vmem_vtop(struct vmem *vm, uint64_t vaddr, uint64_t *paddr);
/* The same, recording the page table walk (trace->n = 0 if none). */
struct error *vmem_vtop_trace(struct vmem *vm, uint64_t vaddr,
			      uint64_t *paddr, struct vtop_trace *trace);
/* A user virtual address through the page tables whose top table is at
 * physical address root (a task's mm->pgd, translated). */
struct error *vmem_uvtop(struct vmem *vm, uint64_t root, uint64_t vaddr,
			 uint64_t *paddr, struct vtop_trace *trace);
/* Read len bytes at a user virtual address of that address space. */
struct error *vmem_read_user(struct vmem *vm, uint64_t root, uint64_t vaddr,
			     void *buf, size_t len);
/* Read len bytes at a kernel virtual address, page by page. */
struct error *vmem_read(struct vmem *vm, uint64_t vaddr, void *buf,
			size_t len);
struct error *vmem_read_u64(struct vmem *vm, uint64_t vaddr, uint64_t *ret);
struct error *vmem_read_u32(struct vmem *vm, uint64_t vaddr, uint32_t *ret);
struct error *vmem_read_u16(struct vmem *vm, uint64_t vaddr, uint16_t *ret);

#endif
