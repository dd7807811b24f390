/*
 * arm64 kernel virtual memory on synthetic machines: page tables the test
 * builds in a small RAM (4K/16K/64K pages, 2 to 5 levels, blocks, 52-bit
 * output addresses), the layout from a VMCOREINFO text, the linear map,
 * the image, and damaged tables.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/arch/arch.h"
#include "../../src/arch/vmem.h"
#include "../../src/dump/dump.h"
#include "../../src/dump/vmcoreinfo.h"
#include "../../src/util/error.h"
#include "test.h"

#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(8ULL << 20)

struct mach {
	unsigned char *ram;
	uint64_t next;		/* next free page table page (physical) */
	unsigned int shift;	/* page shift */
	int levels;
	unsigned int top_bits;	/* VA bits the top table indexes up to */
	uint64_t pgd;		/* physical */
};

static struct error *mem_read(struct dump *d, uint64_t pa, void *buf,
			      size_t len)
{
	struct mach *m = d->priv;

	if (pa < RAM_BASE || pa + len > RAM_BASE + RAM_SIZE)
		return error_create(ERR_HOLE, "physical 0x%llx is not in the "
				    "synthetic machine", (unsigned long long)pa);
	memcpy(buf, m->ram + (pa - RAM_BASE), len);
	return NULL;
}

static void mem_destroy(struct dump *d)
{
	(void)d;
}

static const struct dump_format mem_format = {
	.name = "synthetic arm64 memory",
	.read = mem_read,
	.destroy = mem_destroy,
};

static void put64(struct mach *m, uint64_t pa, uint64_t v)
{
	memcpy(m->ram + (pa - RAM_BASE), &v, 8);
}

static uint64_t get64m(struct mach *m, uint64_t pa)
{
	uint64_t v;

	memcpy(&v, m->ram + (pa - RAM_BASE), 8);
	return v;
}

static uint64_t new_table(struct mach *m)
{
	uint64_t pa = m->next;

	m->next += 1ULL << m->shift;
	return pa;
}

static void mach_init(struct mach *m, unsigned int shift, int levels,
		      unsigned int top_bits)
{
	memset(m, 0, sizeof(*m));
	m->ram = calloc(1, RAM_SIZE);
	m->shift = shift;
	m->levels = levels;
	m->top_bits = top_bits;
	/* tables from 1 MB up; the first MB is data */
	m->next = RAM_BASE + (1ULL << 20);
	m->pgd = new_table(m);
}

/* Map va to the leaf entry leaf (its low bits included) at level
 * leaf_level (levels - 1: a page; above: a block). */
static void map(struct mach *m, uint64_t va, int leaf_level, uint64_t leaf)
{
	unsigned int bits = m->shift - 3;
	uint64_t table = m->pgd;
	int i;

	for (i = 0; i < m->levels; i++) {
		unsigned int s = m->shift + bits * (m->levels - 1 - i);
		unsigned int n = i ? bits : m->top_bits - s;
		uint64_t slot = table + ((va >> s) & ((1ULL << n) - 1)) * 8;
		uint64_t e;

		if (i == leaf_level) {
			put64(m, slot, leaf);
			return;
		}
		e = get64m(m, slot);
		if (!e) {
			e = new_table(m) | 3;
			put64(m, slot, e);
		}
		table = e & 0x0000fffffffff000ULL & ~((1ULL << m->shift) - 1);
	}
}

/* A dump of m whose VMCOREINFO says this (plus swapper_pg_dir at pgd_va
 * with kimage_voffset making it m->pgd); extra: more lines or "". */
static struct dump *mach_dump(struct mach *m, unsigned int va_bits,
			      uint64_t pgd_va, const char *extra)
{
	struct dump *d = calloc(1, sizeof(*d));
	char text[1024];

	snprintf(text, sizeof(text), "OSRELEASE=6.1.0-synth\nPAGESIZE=%u\n"
		 "SYMBOL(swapper_pg_dir)=%llx\nNUMBER(VA_BITS)=%u\n"
		 "NUMBER(kimage_voffset)=0x%llx\nNUMBER(PHYS_OFFSET)=0x%llx\n"
		 "%s", 1u << m->shift, (unsigned long long)pgd_va, va_bits,
		 (unsigned long long)(pgd_va - m->pgd),
		 (unsigned long long)RAM_BASE, extra);
	d->format = &mem_format;
	d->priv = m;
	d->npaths = 1;
	d->paths = calloc(1, sizeof(*d->paths));
	d->paths[0] = strdup("synthetic-arm64");
	d->page_size = 1u << m->shift;
	d->max_pfn = (RAM_BASE + RAM_SIZE) >> m->shift;
	d->elf_machine = EM_AARCH64;
	snprintf(d->machine, sizeof(d->machine), "aarch64");
	CHECK_OK(vmcoreinfo_parse(text, strlen(text), &d->vmcoreinfo));
	return d;
}

static struct vmem *open_vm(struct dump *d)
{
	struct vmem *vm = NULL;

	CHECK_OK(vmem_open(d, &vm));
	if (vm)
		CHECK(!strcmp(vm->arch->name, "arm64"));
	return vm;
}

static void done(struct mach *m, struct dump *d, struct vmem *vm)
{
	vmem_close(vm);
	dump_close(d);
	free(m->ram);
}

static uint64_t vtop(struct vmem *vm, uint64_t va)
{
	uint64_t pa = ~0ULL;

	CHECK_OK(vmem_vtop(vm, va, &pa));
	return pa;
}

/* 4K pages, 48 bits: PGD, PUD, PMD, PTE; pages, 2M and 1G blocks. */
TEST(arm64_walk_4k_48)
{
	struct mach m;
	struct dump *d;
	struct vmem *vm;
	struct vtop_trace t;
	uint64_t pgd_va = 0xffff800009a10000ULL, pa = 0;
	uint64_t page_va = 0xffff800010003000ULL;
	uint64_t pxn = 1ULL << 53, uxn = 1ULL << 54, af = 1ULL << 10;

	mach_init(&m, 12, 4, 48);
	map(&m, page_va, 3, (RAM_BASE + 0x5000) | pxn | uxn | af | 0x303);
	map(&m, 0xffff800020000000ULL, 2, (RAM_BASE + 0x200000) | af | 1);
	map(&m, 0xffff800040000000ULL, 1, RAM_BASE | af | 1);
	d = mach_dump(&m, 48, pgd_va, "NUMBER(TCR_EL1_T1SZ)=0x10\n"
		      "NUMBER(KERNELPACMASK)=0xffff000000000000\n");
	vm = open_vm(d);
	if (!vm)
		goto out;
	CHECK_EQ(vm->page_size, 4096);
	CHECK_EQ(vtop(vm, page_va + 0x123), RAM_BASE + 0x5123);
	CHECK_EQ(vtop(vm, page_va + 0x123), RAM_BASE + 0x5123); /* cached */
	CHECK_EQ(vtop(vm, 0xffff800020012345ULL), RAM_BASE + 0x212345);
	CHECK_EQ(vtop(vm, 0xffff80004abcdef0ULL), RAM_BASE + 0xabcdef0);
	/* the linear map: arithmetic from PAGE_OFFSET -2^48 */
	CHECK_EQ(vtop(vm, 0xffff000000001008ULL), RAM_BASE + 0x1008);
	CHECK_EQ(vtop(vm, 0xffff000012345678ULL), RAM_BASE + 0x12345678);
	/* the image, once the session tells where it ends */
	CHECK_ERR(vmem_vtop(vm, pgd_va, &pa), ERR_HOLE);
	vmem_set_image(vm, pgd_va - 0x10000, pgd_va + 0x100000);
	CHECK_EQ(vtop(vm, pgd_va + 8), m.pgd + 8);
	/* not mapped: no entry, at some level */
	CHECK_ERR(vmem_vtop(vm, 0xffff800010004000ULL, &pa), ERR_HOLE);
	CHECK_ERR(vmem_vtop(vm, 0xffff900000000000ULL, &pa), ERR_HOLE);
	/* a user address would alias the linear map in the walk */
	CHECK_ERR(vmem_vtop(vm, 0x1000, &pa), ERR_INVALID);
	CHECK_ERR(vmem_vtop_trace(vm, 0xfffe000000001000ULL, &pa, &t),
		  ERR_INVALID);

	CHECK_OK(vmem_vtop_trace(vm, page_va + 0x10, &pa, &t));
	CHECK_EQ(pa, RAM_BASE + 0x5010);
	CHECK(t.entries_virtual);
	CHECK_EQ(t.table, pgd_va);
	CHECK_EQ(t.n, 4);
	CHECK_EQ(t.page_size, 4096);
	if (t.n == 4) {
		CHECK(!strcmp(t.step[0].level, "PGD"));
		CHECK(!strcmp(t.step[1].level, "PUD"));
		CHECK(!strcmp(t.step[2].level, "PMD"));
		CHECK(!strcmp(t.step[3].level, "PTE"));
		/* index 256 of the top table: bits 47:39 of 0xffff8... */
		CHECK_EQ(t.step[0].entry_paddr, m.pgd + 256 * 8);
		CHECK_EQ(t.step[0].entry_vaddr, pgd_va + 256 * 8);
		/* lower tables by their linear map address */
		CHECK_EQ(t.step[1].entry_vaddr,
			 0xffff000000000000ULL +
			 (t.step[1].entry_paddr - RAM_BASE));
		CHECK_EQ(t.step[3].entry, (RAM_BASE + 0x5000) | pxn | uxn |
			 af | 0x303);
	}
	CHECK_OK(vmem_vtop_trace(vm, 0xffff800020000008ULL, &pa, &t));
	CHECK_EQ(t.n, 3);
	CHECK_EQ(t.page_size, 2 << 20);
	CHECK_OK(vmem_vtop_trace(vm, 0xffff800040000008ULL, &pa, &t));
	CHECK_EQ(t.n, 2);
	CHECK_EQ(t.page_size, 1 << 30);
	/* a trace of a failed walk still has the entries read */
	CHECK_ERR(vmem_vtop_trace(vm, 0xffff800010004000ULL, &pa, &t),
		  ERR_HOLE);
	CHECK_EQ(t.n, 4);
out:
	done(&m, d, vm);
}

/* 4K pages, 39 bits: three levels (PGD, PMD, PTE), linear map at -2^39. */
TEST(arm64_walk_4k_39)
{
	struct mach m;
	struct dump *d;
	struct vmem *vm;
	struct vtop_trace t;
	uint64_t va = 0xffffffc010005000ULL, pa = 0;

	mach_init(&m, 12, 3, 39);
	map(&m, va, 1, (RAM_BASE + 0x400000) | 0x401);	/* a 2M block */
	d = mach_dump(&m, 39, 0xffffffc009a10000ULL, "");
	vm = open_vm(d);
	if (!vm)
		goto out;
	CHECK_EQ(vtop(vm, va + 7), RAM_BASE + 0x405007);
	CHECK_EQ(vtop(vm, 0xffffff8000003000ULL), RAM_BASE + 0x3000);
	CHECK_OK(vmem_vtop_trace(vm, va, &pa, &t));
	CHECK_EQ(t.n, 2);
	if (t.n == 2) {
		CHECK(!strcmp(t.step[0].level, "PGD"));
		CHECK(!strcmp(t.step[1].level, "PMD"));
	}
out:
	done(&m, d, vm);
}

/* A user address space: its own top table (an mm's pgd, TTBR0), walked
 * like the kernel's; kernel addresses are no user addresses. */
TEST(arm64_user_walk)
{
	struct mach m;
	struct dump *d;
	struct vmem *vm;
	struct vtop_trace t;
	uint64_t kpgd, upgd, pa = 0, af = 1ULL << 10;

	mach_init(&m, 12, 4, 48);
	kpgd = m.pgd;
	map(&m, 0xffff800010003000ULL, 3, (RAM_BASE + 0x5000) | af | 3);
	upgd = m.pgd = new_table(&m);
	map(&m, 0x400000, 3, (RAM_BASE + 0x7000) | af | 3);
	map(&m, 0xffffe0000000ULL, 3, (RAM_BASE + 0x9000) | af | 3);
	m.pgd = kpgd;
	d = mach_dump(&m, 48, 0xffff800009a10000ULL, "");
	vm = open_vm(d);
	if (!vm)
		goto out;
	CHECK_OK(vmem_uvtop(vm, upgd, 0x400123, &pa, NULL));
	CHECK_EQ(pa, RAM_BASE + 0x7123);
	CHECK_OK(vmem_uvtop(vm, upgd, 0xffffe0000008ULL, &pa, NULL));
	CHECK_EQ(pa, RAM_BASE + 0x9008);
	/* the kernel's page is not in the user tables, nor the other way */
	CHECK_ERR(vmem_uvtop(vm, upgd, 0x10003000, &pa, NULL), ERR_HOLE);
	CHECK_ERR(vmem_vtop(vm, 0xffff800000400000ULL, &pa), ERR_HOLE);
	CHECK_ERR(vmem_uvtop(vm, upgd, 0xffff800010003000ULL, &pa, NULL),
		  ERR_INVALID);
	CHECK_OK(vmem_uvtop(vm, upgd, 0x400000, &pa, &t));
	CHECK_EQ(t.n, 4);
	CHECK_EQ(t.table, 0xffff000000000000ULL + (upgd - RAM_BASE));
out:
	done(&m, d, vm);
}

/* 16K pages, 47 bits: three levels, 32M blocks. */
TEST(arm64_walk_16k_47)
{
	struct mach m;
	struct dump *d;
	struct vmem *vm;

	mach_init(&m, 14, 3, 47);
	map(&m, 0xffffc00010008000ULL, 2, (RAM_BASE + 0x8000) | 0x403);
	map(&m, 0xffffc00022000000ULL, 1, RAM_BASE | 0x401);
	d = mach_dump(&m, 47, 0xffffc00009a10000ULL, "");
	vm = open_vm(d);
	if (!vm)
		goto out;
	CHECK_EQ(vm->page_size, 16384);
	CHECK_EQ(vtop(vm, 0xffffc0001000a123ULL), RAM_BASE + 0xa123);
	CHECK_EQ(vtop(vm, 0xffffc00023456789ULL), RAM_BASE + 0x1456789);
	CHECK_EQ(vtop(vm, 0xffff800000004000ULL), RAM_BASE + 0x4000);
out:
	done(&m, d, vm);
}

/* 64K pages: 42 bits in two levels; 48 bits in three with 52-bit output
 * addresses (bits 51:48 in entry bits 15:12). */
TEST(arm64_walk_64k)
{
	struct mach m;
	struct dump *d;
	struct vmem *vm;
	struct vtop_trace t;
	uint64_t pa = 0;

	mach_init(&m, 16, 2, 42);
	map(&m, 0xfffffe0010030000ULL, 1, (RAM_BASE + 0x30000) | 0x403);
	d = mach_dump(&m, 42, 0xfffffe0009a10000ULL, "");
	vm = open_vm(d);
	if (vm) {
		CHECK_EQ(vtop(vm, 0xfffffe0010031234ULL), RAM_BASE + 0x31234);
		/* the linear map from -2^42 */
		CHECK_EQ(vtop(vm, 0xfffffc0000050000ULL), RAM_BASE + 0x50000);
		CHECK_OK(vmem_vtop_trace(vm, 0xfffffe0010030000ULL, &pa, &t));
		CHECK_EQ(t.n, 2);
		CHECK_EQ(t.page_size, 65536);
	}
	done(&m, d, vm);

	mach_init(&m, 16, 3, 48);
	/* 0x3_0000_4005_0000: bits 49:48 = 3 in entry bits 13:12 */
	map(&m, 0xffff800010050000ULL, 2, 0x40050000ULL | 0x3000 | 0x403);
	map(&m, 0xffff800020000000ULL, 1, (RAM_BASE + 0x20000000) | 0x401);
	d = mach_dump(&m, 48, 0xffff800009a10000ULL, "");
	vm = open_vm(d);
	if (vm) {
		CHECK_EQ(vtop(vm, 0xffff800010050010ULL),
			 0x3000040050010ULL);
		/* a 512M block */
		CHECK_EQ(vtop(vm, 0xffff800021234567ULL),
			 RAM_BASE + 0x21234567);
	}
	done(&m, d, vm);
}

/* 4K pages and 52 bits (LPA2, 6.9+): five levels, bits 51:50 in entry
 * bits 9:8. */
TEST(arm64_walk_4k_52_lpa2)
{
	struct mach m;
	struct dump *d;
	struct vmem *vm;
	struct vtop_trace t;
	uint64_t pa = 0, va = 0xffff800010003000ULL;

	mach_init(&m, 12, 5, 52);
	map(&m, va, 4, 0x40007000ULL | (1ULL << 8) | 0x403);
	/* the image above VA_BITS_MIN's (48) linear map end, as in 5.4+ */
	d = mach_dump(&m, 52, 0xffff800009a10000ULL,
		      "NUMBER(TCR_EL1_T1SZ)=0xc\n");
	vm = open_vm(d);
	if (!vm)
		goto out;
	CHECK_EQ(vtop(vm, va + 0x10), (1ULL << 50) | 0x40007010ULL);
	/* the linear map from -2^52 */
	CHECK_EQ(vtop(vm, 0xfff0000000006000ULL), RAM_BASE + 0x6000);
	CHECK_OK(vmem_vtop_trace(vm, va, &pa, &t));
	CHECK_EQ(t.n, 5);
	if (t.n == 5)
		CHECK(!strcmp(t.step[1].level, "P4D"));
out:
	done(&m, d, vm);
}

/* Before 5.4 the linear map was the upper half and the image below it. */
TEST(arm64_old_layout)
{
	struct mach m;
	struct dump *d;
	struct vmem *vm;

	mach_init(&m, 12, 4, 48);
	map(&m, 0xffff000010003000ULL, 3, (RAM_BASE + 0x3000) | 0x403);
	d = mach_dump(&m, 48, 0xffff000009a10000ULL, "");
	vm = open_vm(d);
	if (!vm)
		goto out;
	CHECK_EQ(vtop(vm, 0xffff800000002008ULL), RAM_BASE + 0x2008);
	CHECK_EQ(vtop(vm, 0xffff000010003008ULL), RAM_BASE + 0x3008);
out:
	done(&m, d, vm);
}

/* Damage: a reserved last-level entry, a table outside the dump, a
 * missing key, a page size arm64 does not have. */
TEST(arm64_bad_tables)
{
	struct mach m;
	struct dump *d;
	struct vmem *vm = NULL;
	struct error *err;
	uint64_t pa;

	mach_init(&m, 12, 4, 48);
	map(&m, 0xffff800010003000ULL, 3, (RAM_BASE + 0x3000) | 0x401);
	map(&m, 0xffff800010200000ULL, 2, 0x7000000000ULL | 3);
	d = mach_dump(&m, 48, 0xffff800009a10000ULL, "");
	vm = open_vm(d);
	if (vm) {
		CHECK_ERR(vmem_vtop(vm, 0xffff800010003000ULL, &pa),
			  ERR_FORMAT);
		err = vmem_vtop(vm, 0xffff800010200000ULL, &pa);
		CHECK(err && err->code == ERR_HOLE &&
		      strstr(err->message, "0xffff800010200000") &&
		      strstr(err->message, "PTE entry"));
		error_free(err);
	}
	done(&m, d, vm);

	mach_init(&m, 12, 4, 48);
	d = mach_dump(&m, 48, 0xffff800009a10000ULL, "");
	vmcoreinfo_free(d->vmcoreinfo);
	CHECK_OK(vmcoreinfo_parse("PAGESIZE=4096\nNUMBER(VA_BITS)=48\n", 33,
				  &d->vmcoreinfo));
	vm = NULL;
	err = vmem_open(d, &vm);
	CHECK(err && err->code == ERR_NOT_FOUND &&
	      strstr(err->message, "synthetic-arm64"));
	error_free(err);
	done(&m, d, NULL);

	mach_init(&m, 12, 4, 48);
	d = mach_dump(&m, 48, 0xffff800009a10000ULL, "");
	vmcoreinfo_free(d->vmcoreinfo);
	CHECK_OK(vmcoreinfo_parse("PAGESIZE=8192\n", 14, &d->vmcoreinfo));
	err = vmem_open(d, &vm);
	CHECK(err && err->code == ERR_FORMAT);
	error_free(err);
	done(&m, d, NULL);
}

/* No note: the kernel's own copy of the text, in a page of its RAM. */
TEST(arm64_vmcoreinfo_in_memory)
{
	struct mach m;
	struct dump *d;
	struct vmem *vm = NULL;
	char *text;

	mach_init(&m, 12, 4, 48);
	map(&m, 0xffff800010003000ULL, 3, (RAM_BASE + 0x3000) | 0x403);
	d = mach_dump(&m, 48, 0xffff800009a10000ULL, "KERNELOFFSET=0\n");
	text = d->vmcoreinfo->text;
	/* a decoy first: the start of the text, without the keys */
	memcpy(m.ram + 0x6000, "OSRELEASE=6.1.0-synth\n", 22);
	memcpy(m.ram + 0x9000, text, strlen(text));
	vmcoreinfo_free(d->vmcoreinfo);
	d->vmcoreinfo = NULL;
	CHECK_OK(vmem_open(d, &vm));
	if (vm) {
		CHECK(vm->vmcoreinfo && vm->found);
		CHECK_EQ(vtop(vm, 0xffff800010003010ULL), RAM_BASE + 0x3010);
	}
	done(&m, d, vm);

	/* and with no copy: an error naming the file */
	mach_init(&m, 12, 4, 48);
	d = mach_dump(&m, 48, 0xffff800009a10000ULL, "");
	vmcoreinfo_free(d->vmcoreinfo);
	d->vmcoreinfo = NULL;
	vm = NULL;
	{
		struct error *err = vmem_open(d, &vm);

		CHECK(err && strstr(err->message, "synthetic-arm64"));
		error_free(err);
	}
	done(&m, d, NULL);
}

TEST(arm64_pte_describe)
{
	char flags[128];
	uint64_t phys;

	arm64_arch.pte_describe(NULL, 0x00e0000041858783ULL, false, &phys,
				flags, sizeof(flags));
	CHECK_EQ(phys, 0x41858000);
	CHECK(!strcmp(flags, "VALID|RDONLY|SHARED|AF|PXN|UXN|DIRTY"));
	/* a tiny buffer: cut, never overrun */
	arm64_arch.pte_describe(NULL, 0x00e0000041858783ULL, false, &phys,
				flags, 4);
	CHECK(strlen(flags) < 4);
}
