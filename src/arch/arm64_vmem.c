/*
 * arm64 kernel virtual memory.  The layout comes from VMCOREINFO: PAGESIZE,
 * NUMBER(VA_BITS) (and NUMBER(TCR_EL1_T1SZ), the bits the MMU used),
 * NUMBER(PHYS_OFFSET), NUMBER(kimage_voffset) and SYMBOL(swapper_pg_dir).
 * The linear map of all memory is translated by arithmetic; everything else
 * (the kernel image, vmalloc, modules, vmemmap) by walking swapper_pg_dir:
 * two to five levels of 4K, 16K or 64K tables.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../dump/dump.h"
#include "../dump/vmcoreinfo.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "arch.h"
#include "arm64.h"
#include "vmem.h"

#define DESC_VALID	0x1ULL
#define DESC_TYPE_MASK	0x3ULL
#define DESC_BLOCK	0x1ULL		/* at levels above the last */
#define DESC_TABLE	0x3ULL		/* a table, or at the last level a page */

#define TLB_SIZE	256		/* translations of pages remembered */

struct arm64_vmem {
	unsigned int page_shift;	/* 12, 14 or 16 */
	unsigned int va_bits;		/* VA_BITS the kernel was built for */
	unsigned int va_bits_actual;	/* 64 - TCR_EL1.T1SZ: what it ran with */
	unsigned int walk_bits;		/* the bits the top table indexes up to */
	int levels;			/* 2 to 5 */
	bool lpa2;			/* 52-bit output addresses in 4K/16K */
	uint64_t phys_offset;		/* PHYS_OFFSET (memstart_addr) */
	uint64_t kimage_voffset;	/* image virtual - physical */
	uint64_t page_offset;		/* the linear map: [page_offset, */
	uint64_t page_end;		/* page_end), 0: up to the top */
	uint64_t pgd, pgd_vaddr;	/* swapper_pg_dir */
	uint64_t pac_mask;		/* KERNELPACMASK, 0 if none */
	bool linear_walked;		/* the arithmetic failed its check */
	struct {
		uint64_t vpage, ppage;
		bool valid;
	} tlb[TLB_SIZE];
};

static struct error *need(const struct dump *d, const char *what)
{
	return error_create(ERR_NOT_FOUND, "%s: VMCOREINFO has no %s: arm64 "
			    "kernel virtual addresses cannot be translated",
			    d->paths[0], what);
}

static uint64_t genmask(unsigned int hi, unsigned int lo)
{
	return (~0ULL >> (63 - hi)) & ~((1ULL << lo) - 1);
}

uint64_t arm64_entry_address(const struct vmem *vm, uint64_t e)
{
	const struct arm64_vmem *a = vm ? vm->priv : NULL;
	unsigned int shift = a ? a->page_shift : 12;

	/* 64K pages with 52-bit physical addresses (ARMv8.2 LPA) keep bits
	 * 51:48 in entry bits 15:12, which are zero otherwise. */
	if (shift == 16)
		return (e & genmask(47, 16)) | (((e >> 12) & 0xf) << 48);
	/* 4K/16K with LPA2 (TCR_EL1.DS): bits 51:50 in entry bits 9:8,
	 * which hold the shareability otherwise. */
	if (a && a->lpa2)
		return (e & genmask(49, shift)) | (((e >> 8) & 3) << 50);
	return e & genmask(47, shift);
}

static bool in_linear_map(const struct arm64_vmem *a, uint64_t va)
{
	return !a->linear_walked && va >= a->page_offset &&
	       (!a->page_end || va < a->page_end);
}

static uint64_t linear_va(const struct arm64_vmem *a, uint64_t pa)
{
	return pa - a->phys_offset + a->page_offset;
}

struct error *arm64_direct_map_base(const struct vmem *vm, uint64_t *base)
{
	const struct arm64_vmem *a = vm->priv;

	/* ptov(pa) = pa + base, modulo 2^64 */
	*base = a->page_offset - a->phys_offset;
	return NULL;
}

/* Names of the levels as the kernel folds them for 2 to 5 levels. */
static const char *level_name(int levels, int i)
{
	static const char *const names[4][5] = {
		{ "PGD", "PTE" },
		{ "PGD", "PMD", "PTE" },
		{ "PGD", "PUD", "PMD", "PTE" },
		{ "PGD", "P4D", "PUD", "PMD", "PTE" },
	};

	return names[levels - 2][i];
}

/* Walk the tables whose top one is at physical address root (virtual
 * root_vaddr): swapper_pg_dir for the kernel, an mm's pgd for a user
 * address. */
static struct error *walk(struct vmem *vm, uint64_t root, uint64_t root_vaddr,
			  uint64_t va, uint64_t *pa, struct vtop_trace *trace,
			  uint64_t *page_size)
{
	struct arm64_vmem *a = vm->priv;
	unsigned int bits = a->page_shift - 3;
	uint64_t table = root;
	int i;

	if (trace)
		trace->table = root_vaddr;
	for (i = 0; i < a->levels; i++) {
		unsigned int shift = a->page_shift +
				     bits * (unsigned int)(a->levels - 1 - i);
		unsigned int nbits = i ? bits : a->walk_bits - shift;
		uint64_t index = (va >> shift) & ((1ULL << nbits) - 1), e;
		const char *name = level_name(a->levels, i);
		unsigned char raw[8];
		struct error *err;

		err = dump_read_phys(vm->dump, table + index * 8, raw, 8);
		if (err)
			return error_prefix(err, "virtual address 0x%llx: "
					    "reading its %s entry at physical "
					    "0x%llx", (unsigned long long)va,
					    name, (unsigned long long)
					    (table + index * 8));
		e = get64(raw, vm->dump->big_endian);
		if (trace && trace->n < 6) {
			trace->step[trace->n].level = name;
			trace->step[trace->n].entry_paddr = table + index * 8;
			trace->step[trace->n].entry_vaddr =
				(i ? linear_va(a, table) : root_vaddr) +
				index * 8;
			trace->step[trace->n].entry = e;
			trace->n++;
		}
		if (!(e & DESC_VALID))
			return error_create(ERR_HOLE, "virtual address 0x%llx "
					    "is not mapped (%s entry %llx not "
					    "valid)", (unsigned long long)va,
					    name, (unsigned long long)e);
		if (i == a->levels - 1 && (e & DESC_TYPE_MASK) != DESC_TABLE)
			return error_create(ERR_FORMAT, "virtual address 0x%llx: "
					    "%s entry %llx is neither a page "
					    "nor invalid", (unsigned long long)
					    va, name, (unsigned long long)e);
		if (i == a->levels - 1 ||
		    (e & DESC_TYPE_MASK) == DESC_BLOCK) {
			uint64_t mask = (1ULL << shift) - 1;

			*pa = (arm64_entry_address(vm, e) & ~mask) | (va & mask);
			*page_size = mask + 1;
			return NULL;
		}
		table = arm64_entry_address(vm, e);
	}
	/* not reached: the last level either maps or fails */
	return error_create(ERR_HOLE, "virtual address 0x%llx is not mapped",
			    (unsigned long long)va);
}

struct error *arm64_kvtop(struct vmem *vm, uint64_t va, uint64_t *pa,
			  struct vtop_trace *trace)
{
	struct arm64_vmem *a = vm->priv;
	uint64_t vpage = va >> a->page_shift, page_size, page_mask;
	unsigned int slot = (unsigned int)(vpage % TLB_SIZE);
	struct error *err;

	page_mask = (1ULL << a->page_shift) - 1;
	/* swapper_pg_dir maps the top of the address space (TTBR1): an
	 * address below it would alias a kernel one in the walk */
	if (va < -(1ULL << a->va_bits))
		return error_create(ERR_INVALID, "0x%llx is not a kernel "
				    "virtual address (arm64 kernel addresses "
				    "start at 0x%llx)", (unsigned long long)va,
				    (unsigned long long)-(1ULL << a->va_bits));
	if (trace) {
		trace->entries_virtual = true;
		return walk(vm, a->pgd, a->pgd_vaddr, va, pa, trace,
			    &trace->page_size);
	}
	if (in_linear_map(a, va)) {
		*pa = va - a->page_offset + a->phys_offset;
		return NULL;
	}
	/* The image is where it was loaded, less kimage_voffset, mapped or
	 * not: its header and the init sections freed after boot have no
	 * entries in swapper_pg_dir, and the classic crash reads them too
	 * (vtop still shows the walk). */
	if (va >= vm->image_start && va < vm->image_end) {
		*pa = va - a->kimage_voffset;
		return NULL;
	}
	if (a->tlb[slot].valid && a->tlb[slot].vpage == vpage) {
		*pa = a->tlb[slot].ppage | (va & page_mask);
		return NULL;
	}
	err = walk(vm, a->pgd, a->pgd_vaddr, va, pa, NULL, &page_size);
	if (!err) {
		a->tlb[slot].vpage = vpage;
		a->tlb[slot].ppage = *pa & ~page_mask;
		a->tlb[slot].valid = true;
	}
	return err;
}

struct error *arm64_uvtop(struct vmem *vm, uint64_t root, uint64_t va,
			  uint64_t *pa, struct vtop_trace *trace)
{
	struct arm64_vmem *a = vm->priv;
	uint64_t page_size;

	/* user addresses are the bottom of the address space (TTBR0), as
	 * far up as the tables the kernel's walk indexes */
	if (va >> a->walk_bits)
		return error_create(ERR_INVALID, "0x%llx is not a user "
				    "address", (unsigned long long)va);
	if (!trace)
		return walk(vm, root, linear_va(a, root), va, pa, NULL,
			    &page_size);
	trace->entries_virtual = true;
	return walk(vm, root, linear_va(a, root), va, pa, trace,
		    &trace->page_size);
}

static unsigned int page_shift_of(uint32_t page_size)
{
	switch (page_size) {
	case 4096: return 12;
	case 16384: return 14;
	case 65536: return 16;
	}
	return 0;
}

/*
 * Where the linear map is.  Since 5.4 (commit 14c127c957c1, "arm64: mm:
 * Flip kernel VA space") it is the lower half of the kernel's space,
 * [-2^VA_BITS, -2^(VA_BITS_MIN - 1)), with the image above; before, the
 * upper half, with the image below.  The image address tells them apart.
 */
static void set_linear_map(struct arm64_vmem *a)
{
	unsigned int min = a->va_bits > 48 ? 48 : a->va_bits;
	uint64_t half = -(1ULL << (min - 1));

	if (a->pgd_vaddr >= half) {
		a->page_offset = -(1ULL << a->va_bits);
		a->page_end = half;
	} else {
		a->page_offset = -(1ULL << (a->va_bits - 1));
		a->page_end = 0;
	}
}

/*
 * The linear map by arithmetic must agree with the page tables.  It does
 * unless PHYS_OFFSET and the page offset are counted from different VA
 * widths (52-bit kernels on 48-bit hardware): then the actual width is
 * tried, and if that fails too the linear map is walked like the rest.
 */
static void check_linear_map(struct vmem *vm, struct arm64_vmem *a)
{
	uint64_t pa, size, probe = a->pgd, first = a->page_offset;
	struct error *err;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		uint64_t va = linear_va(a, probe);

		err = walk(vm, a->pgd, a->pgd_vaddr, va, &pa, NULL, &size);
		if (err) {
			/* not mapped there: nothing to compare */
			error_free(err);
			return;
		}
		if (pa == probe)
			return;
		if (a->va_bits_actual == a->va_bits)
			break;
		a->page_offset = -(1ULL << a->va_bits_actual);
	}
	a->page_offset = first;
	a->linear_walked = true;
}

struct error *arm64_vmem_init(struct vmem *vm)
{
	static const char *const keys[] = {
		"SYMBOL(swapper_pg_dir)", "NUMBER(VA_BITS)",
		"NUMBER(PHYS_OFFSET)", "NUMBER(kimage_voffset)", "PAGESIZE",
		NULL,
	};
	const struct dump *d = vm->dump;
	const struct vmcoreinfo *vi;
	struct arm64_vmem *a = calloc(1, sizeof(*a));
	struct error *err;
	int64_t v;

	if (!a)
		return error_nomem();
	vm->priv = a;
	/* A QEMU dump taken before the guest published VMCOREINFO has no
	 * note, and arm64 CPU notes carry no TTBR1: the kernel's own copy
	 * of the text in its memory is then the only way in. */
	if (!vm->vmcoreinfo) {
		err = vmem_find_vmcoreinfo(vm, keys);
		if (err)
			return error_prefix(err, "arm64 kernel virtual "
					    "addresses cannot be translated");
		if (vmcoreinfo_number(vm->vmcoreinfo, "PAGESIZE", &v))
			vm->page_size = (uint32_t)v;
	}
	vi = vm->vmcoreinfo;
	a->page_shift = page_shift_of(vm->page_size);
	if (!a->page_shift)
		return error_create(ERR_FORMAT, "%s: page size %u: arm64 "
				    "pages are 4K, 16K or 64K", d->paths[0],
				    vm->page_size);
	if (!vmcoreinfo_value(vi, "VA_BITS", &v))
		return need(d, "NUMBER(VA_BITS)");
	if (v < 36 || v > 52)
		return error_create(ERR_FORMAT, "%s: VMCOREINFO NUMBER(VA_BITS)"
				    "=%lld is not an arm64 address width",
				    d->paths[0], (long long)v);
	a->va_bits = a->va_bits_actual = (unsigned int)v;
	if (vmcoreinfo_value(vi, "TCR_EL1_T1SZ", &v) && v >= 12 && v <= 28)
		a->va_bits_actual = 64 - (unsigned int)v;
	else if (vmcoreinfo_value(vi, "VA_BITS_ACTUAL", &v) && v >= 36 &&
		 v <= 52)
		a->va_bits_actual = (unsigned int)v;
	if (!vmcoreinfo_value(vi, "PHYS_OFFSET", &v))
		return need(d, "NUMBER(PHYS_OFFSET)");
	a->phys_offset = (uint64_t)v;
	if (!vmcoreinfo_value(vi, "kimage_voffset", &v))
		return need(d, "NUMBER(kimage_voffset)");
	a->kimage_voffset = (uint64_t)v;
	if (vmcoreinfo_value(vi, "KERNELPACMASK", &v))
		a->pac_mask = (uint64_t)v;
	if (!vmcoreinfo_symbol(vi, "swapper_pg_dir", &a->pgd_vaddr))
		return need(d, "SYMBOL(swapper_pg_dir)");
	a->pgd = a->pgd_vaddr - a->kimage_voffset;
	if (a->pgd & ((1ULL << a->page_shift) - 1))
		return error_create(ERR_FORMAT, "%s: VMCOREINFO swapper_pg_dir "
				    "0x%llx - kimage_voffset 0x%llx is not at "
				    "the start of a page", d->paths[0],
				    (unsigned long long)a->pgd_vaddr,
				    (unsigned long long)a->kimage_voffset);
	/*
	 * The top table is indexed by the bits the kernel was built for,
	 * except with 4K/16K pages and 52 bits (LPA2, 6.9+), where a kernel
	 * on hardware without LPA2 folds the top level away at run time.
	 * With 64K pages the kernel keeps the full 52-bit table and points
	 * the MMU into its end instead, so the built width is right.
	 */
	a->lpa2 = a->page_shift != 16 && a->va_bits_actual == 52;
	a->walk_bits = a->page_shift == 16 ? a->va_bits : a->va_bits_actual;
	a->levels = (int)((a->walk_bits - a->page_shift +
			   (a->page_shift - 3) - 1) / (a->page_shift - 3));
	if (a->levels < 2 || a->levels > 5)
		return error_create(ERR_FORMAT, "%s: %u-bit addresses with %u "
				    "byte pages make %d page table levels",
				    d->paths[0], a->walk_bits, vm->page_size,
				    a->levels);
	set_linear_map(a);
	check_linear_map(vm, a);
	return NULL;
}

uint64_t arm64_pac_mask(const struct vmem *vm)
{
	const struct arm64_vmem *a = vm->priv;

	return a ? a->pac_mask : 0;
}
