/*
 * Kernel virtual memory of the dumped machine: translation through the
 * architecture's page tables and reads at virtual addresses.  What the
 * architecture needs to start (page table root, physical base, paging
 * mode) comes from VMCOREINFO here; the symbols layer can supply it later
 * for dumps without VMCOREINFO.
 */
#ifndef CRASH_VMEM_H
#define CRASH_VMEM_H

#include <stddef.h>
#include <stdint.h>

struct arch_ops;
struct dump;
struct error;

struct vmem {
	struct dump *dump;
	const struct arch_ops *arch;
	void *priv;		/* the architecture's state */
};

/* Set up translation for d from its VMCOREINFO. */
struct error *vmem_open(struct dump *d, struct vmem **ret);
void vmem_close(struct vmem *vm);

struct error *vmem_vtop(struct vmem *vm, uint64_t vaddr, uint64_t *paddr);
/* Read len bytes at a kernel virtual address, page by page. */
struct error *vmem_read(struct vmem *vm, uint64_t vaddr, void *buf,
			size_t len);
struct error *vmem_read_u64(struct vmem *vm, uint64_t vaddr, uint64_t *ret);
struct error *vmem_read_u32(struct vmem *vm, uint64_t vaddr, uint32_t *ret);
struct error *vmem_read_u16(struct vmem *vm, uint64_t vaddr, uint16_t *ret);

#endif
