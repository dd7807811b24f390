#include <elfutils/libdw.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <string.h>

#include "../util/error.h"
#include "debuginfo.h"
#include "index_cache.h"
#include "vmlinux.h"

struct debuginfo {
	struct vmlinux *vm;
	struct dwarf_sections secs;
	struct dwarf_index *idx;
	struct types *ts;
	struct error *failed;	/* why the DWARF cannot be used */
	bool tried;
};

struct error *debuginfo_open(struct vmlinux *vm, struct debuginfo **ret)
{
	struct debuginfo *di = calloc(1, sizeof(*di));

	if (!di)
		return error_nomem();
	di->vm = vm;
	*ret = di;
	return NULL;
}

void debuginfo_close(struct debuginfo *di)
{
	if (!di)
		return;
	types_close(di->ts);
	dwarf_index_free(di->idx);
	if (di->failed)
		error_free(di->failed);
	free(di);
}

uint64_t debuginfo_die(const struct dwarf_index_match *m)
{
	return m->die_offset | (m->in_types_section ? TYPES_DEBUG_TYPES : 0);
}

struct error *debuginfo_names(struct debuginfo *di, const char *prefix,
			      unsigned int kinds,
			      struct dwarf_index_prefix_iter *it)
{
	const struct error *why = debuginfo_ready(di);

	/* that error stays the debuginfo's: the caller gets its own */
	if (why)
		return error_create(why->code, "%s", why->message);
	return dwarf_index_prefix(di->idx, prefix, kinds, it);
}

bool debuginfo_lookup(struct debuginfo *di, const char *name,
		      unsigned int kinds, struct dwarf_index_match *ret)
{
	struct dwarf_index_iter it;
	struct dwarf_index_match m;
	bool found = false, defined = false;

	if (debuginfo_ready(di))
		return false;
	dwarf_index_find(di->idx, name, kinds, &it);
	while (dwarf_index_next(&it, &m)) {
		if (!m.declaration) {
			*ret = m;
			found = defined = true;
		} else if (!found && !defined) {
			*ret = m;
			found = true;
		}
	}
	return found;
}

/* A struct, union or enum only declared where it is used: its definition. */
static struct error *resolve(void *arg, const char *name,
			     enum type_kind kind, uint64_t *die)
{
	struct debuginfo *di = arg;
	struct dwarf_index_match m;
	unsigned int kinds = kind == TYPE_UNION ? DWARF_INDEX_UNION :
			     kind == TYPE_ENUM ? DWARF_INDEX_ENUM :
			     DWARF_INDEX_STRUCT;

	if (!debuginfo_lookup(di, name, kinds, &m) || m.declaration)
		return error_create(ERR_NOT_FOUND, "no definition of %s",
				    name);
	*die = debuginfo_die(&m);
	return NULL;
}

/*
 * libdw finds the unit of a DIE by reading every unit header before it, the
 * first time.  Each header is a page fault, and the kernel maps the pages
 * around a faulting one too, so that first look maps most of .debug_info
 * into the process: 150 MB of resident memory for one "struct list_head".
 * Walk the units here instead, in order, handing the pages behind back
 * every few megabytes: libdw keeps what it learned, the memory goes back
 * to the page cache, and later lookups touch only the units they need.
 */
#define INTERN_DROP_BYTES (8u << 20)

static void intern_units(struct debuginfo *di)
{
	Dwarf *dw = types_dwarf(di->ts);
	const uint8_t *info = di->secs.info.data;
	long page = sysconf(_SC_PAGESIZE);
	Dwarf_Off off = 0, next, dropped = 0;
	size_t header;

	if (!dw || !info || page <= 0)
		return;
	while (!dwarf_next_unit(dw, off, &next, &header, NULL, NULL, NULL,
				NULL, NULL, NULL)) {
		Dwarf_Die die;

		dwarf_offdie(dw, off + header, &die);
		if (next - dropped >= INTERN_DROP_BYTES) {
			uintptr_t start = ((uintptr_t)(info + dropped) +
					   (uintptr_t)page - 1) &
					  ~((uintptr_t)page - 1);
			uintptr_t end = (uintptr_t)(info + off) &
					~((uintptr_t)page - 1);

			if (end > start)
				madvise((void *)start, end - start,
					MADV_DONTNEED);
			dropped = off;
		}
		off = next;
	}
}

struct error *debuginfo_ready(struct debuginfo *di)
{
	struct error *err;

	if (di->tried)
		return di->failed;
	di->tried = true;
	if (!vmlinux_has_dwarf(di->vm)) {
		di->failed = error_create(ERR_NOT_FOUND, "%s has no debug info "
			"(.debug_info): types are unknown; symbols come from "
			"its ELF symbol table", di->vm->path);
		return di->failed;
	}
	err = dwarf_sections_from_elf(di->vm->elf, di->vm->path, &di->secs);
	/* the file is mapped read-only: scanned pages can go back */
	di->secs.drop_after_scan = true;
	if (!err)
		err = dwarf_index_open(di->vm->path, di->vm->elf, &di->secs, 0,
				       &di->idx, NULL);
	if (!err)
		err = types_open(di->vm->elf, di->vm->path, &di->ts);
	if (err) {
		di->failed = err;
		return err;
	}
	types_set_resolver(di->ts, resolve, di);
	intern_units(di);
	return NULL;
}

struct types *debuginfo_types(struct debuginfo *di)
{
	return debuginfo_ready(di) ? NULL : di->ts;
}

struct error *debuginfo_type(struct debuginfo *di, const char *name,
			     unsigned int kinds, const struct type **ret)
{
	struct dwarf_index_match m;
	struct type_ref ref;
	struct error *err = debuginfo_ready(di);

	if (err)
		return error_create(err->code, "%s", err->message);
	if (!debuginfo_lookup(di, name, kinds, &m))
		return error_create(ERR_NOT_FOUND, "no type named %s", name);
	err = types_from_die(di->ts, debuginfo_die(&m), &ref);
	if (!err)
		*ret = ref.type;
	return err;
}
