#include <stdlib.h>
#include <string.h>

#include "../dump/dump.h"
#include "../dump/vmcoreinfo.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "arch.h"
#include "vmem.h"

struct error *vmem_open(struct dump *d, struct vmem **ret)
{
	const struct arch_ops *arch = arch_for_dump(d);
	struct vmem *vm;
	struct error *err;
	int64_t ps;

	if (!arch)
		return error_create(ERR_UNSUPPORTED, "%s: unknown architecture "
				    "\"%s\"", d->paths[0], d->machine);
	if (!arch->vmem_init)
		return error_create(ERR_UNSUPPORTED, "%s: no virtual memory "
				    "support for %s yet", d->paths[0],
				    arch->name);
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return error_nomem();
	vm->dump = d;
	vm->arch = arch;
	vm->page_size = d->page_size;
	vm->vmcoreinfo = d->vmcoreinfo;
	if (vmcoreinfo_number(d->vmcoreinfo, "PAGESIZE", &ps) && ps >= 1024 &&
	    ps <= (1 << 20) && !(ps & (ps - 1)))
		vm->page_size = (uint32_t)ps;
	err = arch->vmem_init(vm);
	if (err) {
		vmem_close(vm);
		return err;
	}
	*ret = vm;
	return NULL;
}

void vmem_close(struct vmem *vm)
{
	if (!vm)
		return;
	vmcoreinfo_free(vm->found);
	free(vm->priv);
	free(vm);
}

/* The kernel's VMCOREINFO page is one page of RAM (get_zeroed_page() in
 * kernel/crash_core.c): look at the start of each 4K frame. */
#define SCAN_STEP	4096
#define SCAN_TEXT_MAX	4096

static bool has_all(const struct vmcoreinfo *vi, const char *const *need)
{
	for (; *need; need++)
		if (!vmcoreinfo_get(vi, *need))
			return false;
	return true;
}

struct error *vmem_find_vmcoreinfo(struct vmem *vm, const char *const *need)
{
	static const char magic[] = "OSRELEASE=";
	char *text = malloc(SCAN_TEXT_MAX + 1);
	uint64_t pa, end = vm->dump->max_pfn * (uint64_t)vm->dump->page_size;
	struct error *err;

	if (!text)
		return error_nomem();
	for (pa = 0; pa < end; pa += SCAN_STEP) {
		char head[sizeof(magic) - 1];
		struct vmcoreinfo *vi;
		size_t len;

		err = dump_read_phys(vm->dump, pa, head, sizeof(head));
		if (err) {
			error_free(err);
			continue;
		}
		if (memcmp(head, magic, sizeof(head)))
			continue;
		err = dump_read_phys(vm->dump, pa, text, SCAN_TEXT_MAX);
		if (err) {
			error_free(err);
			continue;
		}
		text[SCAN_TEXT_MAX] = '\0';
		len = strlen(text);
		err = vmcoreinfo_parse(text, len, &vi);
		if (err) {
			error_free(err);
			continue;
		}
		if (has_all(vi, need)) {
			free(text);
			vm->found = vi;
			vm->vmcoreinfo = vi;
			return NULL;
		}
		vmcoreinfo_free(vi);
	}
	free(text);
	return error_create(ERR_NOT_FOUND, "%s: no VMCOREINFO note, and no "
			    "VMCOREINFO text in the dumped memory",
			    vm->dump->paths[0]);
}

void vmem_set_image(struct vmem *vm, uint64_t start, uint64_t end)
{
	if (start < end) {
		vm->image_start = start;
		vm->image_end = end;
	}
}

struct error *vmem_vtop(struct vmem *vm, uint64_t vaddr, uint64_t *paddr)
{
	return vm->arch->kvtop(vm, vaddr, paddr, NULL);
}

struct error *vmem_vtop_trace(struct vmem *vm, uint64_t vaddr,
			      uint64_t *paddr, struct vtop_trace *trace)
{
	trace->n = 0;
	trace->table = 0;
	trace->page_size = vm->page_size;
	trace->by_offset = false;
	trace->entries_virtual = false;
	return vm->arch->kvtop(vm, vaddr, paddr, trace);
}

struct error *vmem_uvtop(struct vmem *vm, uint64_t root, uint64_t vaddr,
			 uint64_t *paddr, struct vtop_trace *trace)
{
	if (trace)
		memset(trace, 0, sizeof(*trace));
	if (!vm->arch->uvtop)
		return error_create(ERR_UNSUPPORTED, "user addresses of %s "
				    "are not supported yet", vm->arch->name);
	return vm->arch->uvtop(vm, root, vaddr, paddr, trace);
}

/* Read page by page, through the kernel's page tables (root 0) or those
 * at root. */
static struct error *read_pages(struct vmem *vm, bool user, uint64_t root,
				uint64_t vaddr, void *buf, size_t len)
{
	unsigned char *out = buf;
	uint64_t ps = vm->page_size;

	while (len) {
		size_t n = ps - (vaddr % ps);
		uint64_t pa;
		struct error *err;

		if (n > len)
			n = len;
		err = user ? vmem_uvtop(vm, root, vaddr, &pa, NULL)
			   : vmem_vtop(vm, vaddr, &pa);
		if (!err)
			err = dump_read_phys(vm->dump, pa, out, n);
		if (err)
			return error_prefix(err, "reading virtual address "
					    "0x%llx", (unsigned long long)vaddr);
		out += n;
		vaddr += n;
		len -= n;
	}
	return NULL;
}

struct error *vmem_read(struct vmem *vm, uint64_t vaddr, void *buf,
			size_t len)
{
	return read_pages(vm, false, 0, vaddr, buf, len);
}

struct error *vmem_read_user(struct vmem *vm, uint64_t root, uint64_t vaddr,
			     void *buf, size_t len)
{
	return read_pages(vm, true, root, vaddr, buf, len);
}

struct error *vmem_read_u64(struct vmem *vm, uint64_t vaddr, uint64_t *ret)
{
	unsigned char b[8];
	struct error *err = vmem_read(vm, vaddr, b, sizeof(b));

	if (!err)
		*ret = get64(b, vm->dump->big_endian);
	return err;
}

struct error *vmem_read_u32(struct vmem *vm, uint64_t vaddr, uint32_t *ret)
{
	unsigned char b[4];
	struct error *err = vmem_read(vm, vaddr, b, sizeof(b));

	if (!err)
		*ret = get32(b, vm->dump->big_endian);
	return err;
}

struct error *vmem_read_u16(struct vmem *vm, uint64_t vaddr, uint16_t *ret)
{
	unsigned char b[2];
	struct error *err = vmem_read(vm, vaddr, b, sizeof(b));

	if (!err)
		*ret = get16(b, vm->dump->big_endian);
	return err;
}
