/*
 * x86_64 kernel virtual memory: the kernel image mapping by arithmetic
 * (virtual - __START_KERNEL_map + phys_base), everything else by walking
 * the 4- or 5-level page tables from init_top_pgt.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../dump/dump.h"
#include "../dump/vmcoreinfo.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "arch.h"
#include "vmem.h"
#include "x86_64.h"

#define PTE_PRESENT		0x1ULL
#define PTE_LARGE		0x80ULL		/* PS: 1G or 2M page */
#define PTE_ADDR_MASK		0x000ffffffffff000ULL
#define CR4_LA57		(1ULL << 12)

struct x86_64_vmem {
	uint64_t phys_base;	/* where the kernel image was loaded */
	uint64_t pgd;		/* physical address of init_top_pgt */
	uint64_t pgd_vaddr;	/* and its virtual address */
	uint64_t sme_mask;	/* memory encryption bit in entries */
	int levels;		/* 4, or 5 with la57 */
	bool walk_only;		/* phys_base unknown: walk for the image too */
};

static struct error *need(const struct dump *d, const char *what)
{
	return error_create(ERR_NOT_FOUND, "%s: VMCOREINFO has no %s: "
			    "kernel virtual addresses cannot be translated "
			    "without the vmlinux", d->paths[0], what);
}

/*
 * A QEMU dump taken without VMCOREINFO still has each CPU's CR3: the page
 * tables it points to map the kernel.  Where the image was loaded is not
 * known then, so everything is translated by walking them.
 */
static struct error *from_qemu_cr3(struct vmem *vm, struct x86_64_vmem *x)
{
	const struct dump_note *n = dump_find_note(vm->dump, "QEMU", 0, NULL);
	struct regset rs;
	struct error *err;
	unsigned int i;
	uint64_t cr3 = 0, cr4 = 0;

	if (!n)
		return error_create(ERR_NOT_FOUND, "%s: no VMCOREINFO and no "
				    "QEMU CPU state (CR3): kernel virtual "
				    "addresses cannot be translated",
				    vm->dump->paths[0]);
	err = x86_64_arch.decode_qemu_cpu(n, vm->dump->big_endian, &rs);
	if (err)
		return err;
	for (i = 0; i < rs.n; i++) {
		if (!strcmp(rs.names[i], "cr3"))
			cr3 = rs.value[i];
		else if (!strcmp(rs.names[i], "cr4"))
			cr4 = rs.value[i];
	}
	if (!(cr3 & PTE_ADDR_MASK))
		return error_create(ERR_FORMAT, "%s: the QEMU CPU state has no "
				    "page table root (CR3 0x%llx)",
				    vm->dump->paths[0],
				    (unsigned long long)cr3);
	x->pgd = cr3 & PTE_ADDR_MASK;
	x->levels = cr4 & CR4_LA57 ? 5 : 4;
	x->walk_only = true;
	return NULL;
}

struct error *x86_64_vmem_init(struct vmem *vm)
{
	const struct vmcoreinfo *vi = vm->dump->vmcoreinfo;
	struct x86_64_vmem *x = calloc(1, sizeof(*x));
	uint64_t top;
	int64_t v;

	if (!x)
		return error_nomem();
	vm->priv = x;
	if (!vi)
		return from_qemu_cr3(vm, x);
	if (!vmcoreinfo_value(vi, "phys_base", &v))
		return need(vm->dump, "NUMBER(phys_base)");
	x->phys_base = (uint64_t)v;
	if (!vmcoreinfo_symbol(vi, "init_top_pgt", &top))
		return need(vm->dump, "SYMBOL(init_top_pgt)");
	if (top < START_KERNEL_MAP || top >= KERNEL_IMAGE_END)
		return error_create(ERR_FORMAT, "%s: VMCOREINFO "
				    "SYMBOL(init_top_pgt)=%llx is outside the "
				    "kernel image mapping", vm->dump->paths[0],
				    (unsigned long long)top);
	x->pgd = top - START_KERNEL_MAP + x->phys_base;
	x->pgd_vaddr = top;
	x->levels = vmcoreinfo_value(vi, "pgtable_l5_enabled", &v) && v ? 5
									 : 4;
	if (vmcoreinfo_value(vi, "sme_mask", &v))
		x->sme_mask = (uint64_t)v;
	return NULL;
}

static const char *const level_name[] = {
	[5] = "PML5", [4] = "PML4", [3] = "PUD", [2] = "PMD", [1] = "PTE",
};

/* Walk the page tables whose top table is at physical address table. */
static struct error *walk(struct vmem *vm, uint64_t table, uint64_t va,
			  uint64_t *pa, struct vtop_trace *trace)
{
	struct x86_64_vmem *x = vm->priv;
	int level;

	for (level = x->levels; level >= 1; level--) {
		int shift = 12 + 9 * (level - 1);
		uint64_t index = (va >> shift) & 511, entry;
		unsigned char raw[8];
		struct error *err;

		err = dump_read_phys(vm->dump, table + index * 8, raw, 8);
		if (err)
			return error_prefix(err, "virtual address 0x%llx: "
					    "reading its %s entry",
					    (unsigned long long)va,
					    level_name[level]);
		entry = get64(raw, false);
		if (trace && trace->n < 6) {
			trace->step[trace->n].level = level_name[level];
			trace->step[trace->n].entry_paddr = table + index * 8;
			trace->step[trace->n].entry = entry;
			trace->n++;
		}
		entry &= ~x->sme_mask;
		if (!(entry & PTE_PRESENT))
			return error_create(ERR_HOLE, "virtual address 0x%llx "
					    "is not mapped (%s entry %llx not "
					    "present)", (unsigned long long)va,
					    level_name[level],
					    (unsigned long long)entry);
		if (level == 1 || ((level == 2 || level == 3) &&
				   (entry & PTE_LARGE))) {
			uint64_t page_mask = (1ULL << shift) - 1;

			*pa = ((entry & PTE_ADDR_MASK) & ~page_mask) |
			      (va & page_mask);
			if (trace)
				trace->page_size = page_mask + 1;
			return NULL;
		}
		table = entry & PTE_ADDR_MASK;
	}
	return error_create(ERR_HOLE, "virtual address 0x%llx is not mapped",
			    (unsigned long long)va);
}

struct error *x86_64_kvtop(struct vmem *vm, uint64_t va, uint64_t *pa,
			   struct vtop_trace *trace)
{
	struct x86_64_vmem *x = vm->priv;

	/* The kernel image is mapped at a fixed distance from where it was
	 * loaded; vtop still shows the walk, which must agree. */
	if (va >= START_KERNEL_MAP && va < KERNEL_IMAGE_END && !trace &&
	    !x->walk_only) {
		*pa = va - START_KERNEL_MAP + x->phys_base;
		return NULL;
	}
	if (trace)
		trace->table = x->pgd_vaddr;
	return walk(vm, x->pgd, va, pa, trace);
}

struct error *x86_64_uvtop(struct vmem *vm, uint64_t root, uint64_t va,
			   uint64_t *pa, struct vtop_trace *trace)
{
	/* a user address lies below the kernel's half: the top bit clear
	 * (the canonical hole between is no address at all) */
	if (va >> 63)
		return error_create(ERR_INVALID, "0x%llx is not a user "
				    "address", (unsigned long long)va);
	if (trace)
		trace->table = 0;
	return walk(vm, root & PTE_ADDR_MASK, va, pa, trace);
}
