/*
 * kmem -i's SHARED: a tally over every struct page of the present memory
 * sections (SPARSEMEM, which every x86_64 and arm64 kernel uses).
 *
 * The section layout (SECTION_SIZE_BITS, MAX_PHYSMEM_BITS) is a set of
 * macros, absent from the debug info: it comes from VMCOREINFO, the
 * dump's note or, for a dump without one, the kernel's own copy of the
 * text (vmcoreinfo_data).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../dump/vmcoreinfo.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "../util/interrupt.h"
#include "kernel.h"
#include "meminfo.h"

/* struct pages read at a time */
#define CHUNK_PAGES 512

struct section_walk {
	const struct kernel *k;
	bool big;
	unsigned int page_shift;
	uint64_t section_bits, physmem_bits;
	uint64_t pages_per_section, nr_sections;
	uint64_t ms_size;		/* sizeof(struct mem_section) */
	struct kernel_field smm;	/* mem_section.section_mem_map */
	uint64_t map_mask;		/* SECTION_MAP_MASK */
	uint64_t page_size;		/* sizeof(struct page) */
	struct kernel_field flags, count;
	uint64_t reserved;		/* 1 << PG_reserved */
	unsigned char *buf;		/* CHUNK_PAGES struct pages */
};

/* The kernel's VMCOREINFO text from its own memory: a copy to free. */
static struct error *kernel_vmcoreinfo(const struct kernel *k,
				       struct vmcoreinfo **ret)
{
	uint64_t data, size;
	char *text;
	struct error *err = kernel_var_number(k, "vmcoreinfo_data", NULL,
					      &data);

	if (!err)
		err = kernel_var_number(k, "vmcoreinfo_size", NULL, &size);
	if (err)
		return error_prefix(err, "no VMCOREINFO in the dump, and the "
				    "kernel's own copy");
	if (!data || !size || size > 1 << 16)
		return error_create(ERR_FORMAT, "no VMCOREINFO in the dump, "
				    "and the kernel's vmcoreinfo_data (%#"
				    PRIx64 ", %" PRIu64 " bytes) is none",
				    data, size);
	text = malloc(size);
	if (!text)
		return error_nomem();
	err = kernel_read(k, data, text, size);
	if (!err)
		err = vmcoreinfo_parse(text, size, ret);
	free(text);
	return err ? error_prefix(err, "vmcoreinfo_data") : NULL;
}

static struct error *layout(struct section_walk *w)
{
	const struct kernel *k = w->k;
	const struct vmcoreinfo *vi = k->vm->vmcoreinfo;
	struct vmcoreinfo *own = NULL;
	int64_t section_bits, physmem_bits, pg_reserved, last_bit;
	struct error *err = NULL;

	if (!vi) {
		err = kernel_vmcoreinfo(k, &own);
		vi = own;
	}
	if (!err && (!vmcoreinfo_value(vi, "SECTION_SIZE_BITS",
				       &section_bits) ||
		     !vmcoreinfo_value(vi, "MAX_PHYSMEM_BITS", &physmem_bits)))
		err = error_create(ERR_NOT_FOUND, "the memory sections: "
				   "VMCOREINFO has no NUMBER(SECTION_SIZE_BITS)"
				   " or NUMBER(MAX_PHYSMEM_BITS)");
	vmcoreinfo_free(own);
	if (err)
		return err;
	while ((1u << w->page_shift) < k->vm->page_size)
		w->page_shift++;
	if (section_bits <= w->page_shift || section_bits > 40 ||
	    physmem_bits < section_bits || physmem_bits > 64 ||
	    physmem_bits - section_bits > 32)
		return error_create(ERR_FORMAT, "the memory sections: "
				    "SECTION_SIZE_BITS %" PRId64 ", "
				    "MAX_PHYSMEM_BITS %" PRId64, section_bits,
				    physmem_bits);
	w->pages_per_section = UINT64_C(1) << (section_bits - w->page_shift);
	w->nr_sections = UINT64_C(1) << (physmem_bits - section_bits);
	err = kernel_type_size(k, "mem_section", &w->ms_size);
	if (!err)
		err = kernel_field(k, "mem_section", "section_mem_map", &w->smm);
	if (!err)
		err = kernel_type_size(k, "page", &w->page_size);
	if (!err)
		err = kernel_field(k, "page", "flags", &w->flags);
	if (!err)
		err = kernel_field(k, "page", "_refcount.counter", &w->count);
	if (!err)
		err = kernel_enumerator(k, "PG_reserved", &pg_reserved);
	if (err)
		return err;
	if (!w->ms_size || !w->page_size || w->page_size > 1024 ||
	    pg_reserved < 0 || pg_reserved > 63 || w->flags.size != 8 ||
	    w->count.size != 4 || w->smm.size != 8)
		return error_create(ERR_FORMAT, "struct page or mem_section "
				    "is not what it should be");
	w->reserved = UINT64_C(1) << pg_reserved;
	/* the flag bits below the mem_map pointer: an enumerator since
	 * Linux 6.3, SECTION_MAP_LAST_BIT (1 << 5) before */
	err = kernel_enumerator(k, "SECTION_MAP_LAST_BIT", &last_bit);
	if (err || last_bit < 1 || last_bit > 12)
		last_bit = 5;
	error_free(err);
	w->map_mask = ~((UINT64_C(1) << last_bit) - 1);
	return NULL;
}

/* len bytes at addr into buf, page by page if need be: a page left out of
 * the dump (makedumpfile leaves out the pages of zeros) is zeros; with
 * any_error, so is a page that cannot be read for another reason (an
 * address that is not mapped, say). */
static struct error *read_zero_filled(const struct kernel *k, uint64_t addr,
				      void *buf, size_t len, bool any_error)
{
	uint64_t psize = k->vm->page_size, at = addr;
	unsigned char *b = buf;
	struct error *err = kernel_read(k, addr, buf, len);

	if (!err)
		return NULL;
	error_free(err);
	while (at < addr + len) {
		uint64_t n = psize - (at & (psize - 1));

		if (n > addr + len - at)
			n = addr + len - at;
		err = kernel_read(k, at, b + (at - addr), n);
		if (err && !any_error && err->code != ERR_EXCLUDED)
			return err;
		if (err) {
			memset(b + (at - addr), 0, n);
			error_free(err);
		}
		at += n;
	}
	return NULL;
}

/* len bytes of struct pages at addr; what cannot be read is zeros (pages
 * of no interest), as the classic crash has it. */
static void read_pages(struct section_walk *w, uint64_t addr, size_t len)
{
	error_free(read_zero_filled(w->k, addr, w->buf, len, true));
}

static uint64_t tally(struct section_walk *w, size_t n)
{
	uint64_t shared = 0, flags;
	int32_t count;
	size_t i;

	for (i = 0; i < n; i++) {
		const unsigned char *p = w->buf + i * w->page_size;

		flags = get64(p + w->flags.offset, w->big);
		count = (int32_t)get32(p + w->count.offset, w->big);
		if (!(flags & w->reserved) && count > 1)
			shared++;
	}
	return shared;
}

/* The struct pages of section nr, whose section_mem_map is smm. */
static struct error *section_pages(struct section_walk *w, uint64_t nr,
				   uint64_t smm, uint64_t *shared)
{
	uint64_t pfn = nr * w->pages_per_section;
	uint64_t map = (smm & w->map_mask) + pfn * w->page_size;
	uint64_t i, n;

	for (i = 0; i < w->pages_per_section; i += n) {
		if (interrupted())
			return interrupt_error();
		n = w->pages_per_section - i;
		if (n > CHUNK_PAGES)
			n = CHUNK_PAGES;
		read_pages(w, map + i * w->page_size,
			   (size_t)(n * w->page_size));
		*shared += tally(w, (size_t)n);
	}
	return NULL;
}

/* Each root's sections (CONFIG_SPARSEMEM_EXTREME: mem_section points to
 * an array of pointers to pages of sections) or the one array of them. */
static struct error *walk(struct section_walk *w, meminfo_progress_fn progress,
			  void *arg, uint64_t *shared)
{
	const struct kernel *k = w->k;
	uint64_t var, var_size, per_root, nr_roots, root, r, j, smm;
	uint64_t *roots = NULL;
	unsigned char *sections = NULL;
	struct error *err = kernel_symbol(k, "mem_section", &var);

	if (!err)
		err = kernel_var_size(k, "mem_section", &var_size);
	if (err)
		return err;
	if (var_size == 8) {	/* struct mem_section **mem_section */
		per_root = k->vm->page_size / w->ms_size;
		if (!per_root)
			return error_create(ERR_FORMAT, "struct mem_section "
					    "is %" PRIu64 " bytes", w->ms_size);
		nr_roots = (w->nr_sections + per_root - 1) / per_root;
		err = kernel_read_pointer(k, var, &root);
		if (!err && nr_roots > 1 << 20)
			err = error_create(ERR_FORMAT, "%" PRIu64 " section "
					   "roots", nr_roots);
		if (!err && !(roots = calloc(nr_roots, 8)))
			err = error_nomem();
		if (!err)
			err = read_zero_filled(k, root, roots, nr_roots * 8,
					       false);
		for (r = 0; !err && r < nr_roots; r++)
			roots[r] = get64(&roots[r], w->big);
		if (err) {
			free(roots);
			return error_prefix(err, "mem_section");
		}
	} else {		/* mem_section[NR_SECTION_ROOTS][...] */
		per_root = var_size / w->ms_size;
		nr_roots = 1;
		if (!(roots = calloc(1, 8)))
			return error_nomem();
		roots[0] = var;
		if (w->nr_sections < per_root)
			per_root = w->nr_sections;
	}
	sections = malloc(per_root * w->ms_size);
	if (!sections)
		err = error_nomem();
	for (r = 0; !err && r < nr_roots; r++) {
		if (progress)
			progress(arg, r, nr_roots);
		if (!roots[r])
			continue;
		err = read_zero_filled(k, roots[r], sections,
				       per_root * w->ms_size, false);
		if (err) {
			err = error_prefix(err, "mem_section root %" PRIu64, r);
			break;
		}
		for (j = 0; !err && j < per_root; j++) {
			uint64_t nr = r * per_root + j;

			if (nr >= w->nr_sections)
				break;
			smm = w->smm.size == 8 ?
				get64(sections + j * w->ms_size +
				      w->smm.offset, w->big) : 0;
			if (smm & 1)	/* SECTION_MARKED_PRESENT */
				err = section_pages(w, nr, smm, shared);
		}
	}
	free(sections);
	free(roots);
	return err;
}

struct error *meminfo_shared_pages(const struct kernel *k,
				   meminfo_progress_fn progress, void *arg,
				   uint64_t *shared)
{
	struct section_walk w;
	struct error *err;

	*shared = 0;
	memset(&w, 0, sizeof(w));
	w.k = k;
	w.big = k->dump->big_endian;
	err = layout(&w);
	if (!err && !(w.buf = malloc(CHUNK_PAGES * w.page_size)))
		err = error_nomem();
	if (!err)
		err = walk(&w, progress, arg, shared);
	free(w.buf);
	return err;
}
