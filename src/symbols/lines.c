#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "../util/error.h"
#include "lines.h"
#include "vmlinux.h"

struct lines {
	Dwarf *dw;
	const char *path;
	char file[4096];	/* the last lookup's file, with its directory */
};

struct error *lines_open(const struct vmlinux *vm, struct lines **ret)
{
	struct lines *l;

	if (!vmlinux_has_dwarf(vm))
		return error_create(ERR_NOT_FOUND, "%s has no DWARF: no source "
				    "lines", vm->path);
	l = calloc(1, sizeof(*l));
	if (!l)
		return error_nomem();
	l->dw = dwarf_begin_elf(vm->elf, DWARF_C_READ, NULL);
	if (!l->dw) {
		free(l);
		return error_create(ERR_FORMAT, "%s: libdw: %s", vm->path,
				    dwarf_errmsg(-1));
	}
	l->path = vm->path;
	*ret = l;
	return NULL;
}

void lines_close(struct lines *l)
{
	if (!l)
		return;
	dwarf_end(l->dw);
	free(l);
}

/*
 * The row for addr as GDB chooses it: the statement row at the highest
 * address not above addr, and of several rows at that address the last
 * (an inlined callee's line comes after its caller's).
 */
static Dwarf_Line *best_row(Dwarf_Die *cu, uint64_t addr)
{
	Dwarf_Lines *rows;
	Dwarf_Line *best = NULL;
	Dwarf_Addr best_addr = 0;
	size_t n, i;

	if (dwarf_getsrclines(cu, &rows, &n))
		return NULL;
	for (i = 0; i < n; i++) {
		Dwarf_Line *row = dwarf_onesrcline(rows, i);
		Dwarf_Addr a;
		bool stmt = false, end = false;

		if (!row || dwarf_lineaddr(row, &a) || a > addr ||
		    dwarf_linebeginstatement(row, &stmt) || !stmt ||
		    dwarf_lineendsequence(row, &end) || end)
			continue;
		if (!best || a >= best_addr) {
			best = row;
			best_addr = a;
		}
	}
	return best;
}

struct error *lines_lookup(struct lines *l, uint64_t addr, const char **file,
			   int *line)
{
	Dwarf_Die cu;
	Dwarf_Line *dl;

	if (!dwarf_addrdie(l->dw, addr, &cu))
		return error_create(ERR_NOT_FOUND, "0x%llx: no compile unit "
				    "holds it", (unsigned long long)addr);
	Dwarf_Attribute attr;
	const char *name, *dir;

	dl = best_row(&cu, addr);
	if (!dl || dwarf_lineno(dl, line) || !(name = dwarf_linesrc(dl, NULL,
								    NULL)))
		return error_create(ERR_NOT_FOUND, "0x%llx: no line "
				    "information", (unsigned long long)addr);
	/* A relative name is relative to the unit's build directory, and
	 * that is how GDB (and the classic crash) show it. */
	dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &attr));
	if (name[0] != '/' && dir && dir[0])
		snprintf(l->file, sizeof(l->file), "%s/%s", dir, name);
	else
		snprintf(l->file, sizeof(l->file), "%s", name);
	*file = l->file;
	return NULL;
}
