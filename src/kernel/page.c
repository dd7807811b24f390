/*
 * struct page, by page frame: with SPARSEMEM_VMEMMAP (every x86_64 and
 * arm64 kernel) the pages lie in one virtual array, vmemmap, indexed by
 * frame number.  Its base is randomized under KASLR; the architecture
 * names the variable that holds it (where it knows one).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../arch/arch.h"
#include "../arch/vmem.h"
#include "../util/error.h"
#include "kernel.h"
#include "page.h"

static struct error *vmemmap(const struct kernel *k, uint64_t *base)
{
	const char *var = k->vm->arch->vmemmap_symbol;
	uint64_t at;

	if (!var || kernel_symbol_quiet(k, var, &at))
		return error_create(ERR_UNSUPPORTED, "the struct pages: no "
				    "vmemmap base known for %s",
				    k->vm->arch->name);
	return kernel_read_pointer(k, at, base);
}

struct error *page_map_base(const struct kernel *k, uint64_t *base)
{
	return vmemmap(k, base);
}

struct error *page_struct_to_phys(const struct kernel *k, uint64_t page,
				  uint64_t *paddr)
{
	uint64_t base, size;
	struct error *err = vmemmap(k, &base);

	if (!err)
		err = kernel_type_size(k, "page", &size);
	if (err)
		return err;
	if (page < base || !size || (page - base) % size ||
	    (page - base) / size > (UINT64_MAX >> 12) / k->vm->page_size)
		return error_create(ERR_FORMAT, "%#" PRIx64 " is not a struct "
				    "page (the memory map starts at %#" PRIx64
				    ")", page, base);
	*paddr = (page - base) / size * k->vm->page_size;
	return NULL;
}

struct error *page_info_read(const struct kernel *k, uint64_t paddr,
			     struct page_info *out)
{
	struct kernel_field flags, mapping, index, count;
	uint64_t base, size, v;
	struct error *err = vmemmap(k, &base);

	memset(out, 0, sizeof(*out));
	if (!err)
		err = kernel_type_size(k, "page", &size);
	if (!err)
		err = kernel_field(k, "page", "flags", &flags);
	if (!err)
		err = kernel_field(k, "page", "mapping", &mapping);
	if (!err)
		err = kernel_field(k, "page", "index", &index);
	if (!err)
		err = kernel_field(k, "page", "_refcount.counter", &count);
	if (err)
		return err;
	out->page = base + paddr / k->vm->page_size * size;
	err = kernel_read_field(k, out->page, &flags, &out->flags);
	if (!err)
		err = kernel_read_field(k, out->page, &mapping, &out->mapping);
	if (!err)
		err = kernel_read_field(k, out->page, &index, &out->index);
	if (!err)
		err = kernel_read_field(k, out->page, &count, &v);
	if (err)
		return error_prefix(err, "struct page %#" PRIx64, out->page);
	out->count = (int32_t)v;
	return NULL;
}

struct error *page_flag_names(const struct kernel *k, uint64_t flags,
			      char *buf, size_t size)
{
	struct kernel_field mask, name;
	uint64_t table, elem, m, str;
	size_t n = 0, i;
	struct error *err;

	buf[0] = '\0';
	if (!flags)
		return NULL;
	err = kernel_symbol(k, "pageflag_names", &table);
	if (!err)
		err = kernel_type_size(k, "trace_print_flags", &elem);
	if (!err)
		err = kernel_field(k, "trace_print_flags", "mask", &mask);
	if (!err)
		err = kernel_field(k, "trace_print_flags", "name", &name);
	/* the table ends with { 0, NULL }; no kernel has 64 flags */
	for (i = 0; !err && i < 64; i++) {
		char text[32];

		err = kernel_read_field(k, table + i * elem, &mask, &m);
		if (!err)
			err = kernel_read_field(k, table + i * elem, &name,
						&str);
		if (err || (!m && !str) || m == UINT64_MAX)
			break;
		if (!(flags & m))
			continue;
		err = vmem_read(k->vm, str, text, sizeof(text) - 1);
		if (err)
			break;
		text[sizeof(text) - 1] = '\0';
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s",
				      n ? "," : "", text);
	}
	if (n >= size && size)
		buf[size - 1] = '\0';
	return err ? error_prefix(err, "pageflag_names") : NULL;
}
