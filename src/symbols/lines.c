/* Source lines of kernel addresses (sym, bt -l), shown the way GDB and the
 * classic crash show them.  The DWARF is read by dwarf_lines.c, which
 * touches one unit per lookup: libdw's dwarf_addrdie reads every unit
 * header on its first call, about 110 MB of a distribution vmlinux. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "dwarf_lines.h"
#include "lines.h"
#include "vmlinux.h"

struct lines {
	struct dwarf_lines *dl;
	char file[4096];	/* the last lookup's file, with its directory */
};

struct error *lines_open(const struct vmlinux *vm, struct lines **ret)
{
	struct error *err;
	struct lines *l;

	if (!vmlinux_has_dwarf(vm))
		return error_create(ERR_NOT_FOUND, "%s has no DWARF: no source "
				    "lines", vm->path);
	l = calloc(1, sizeof(*l));
	if (!l)
		return error_nomem();
	err = dwarf_lines_open(vm, &l->dl);
	if (err) {
		free(l);
		return err;
	}
	*ret = l;
	return NULL;
}

void lines_close(struct lines *l)
{
	if (!l)
		return;
	dwarf_lines_close(l->dl);
	free(l);
}

struct error *lines_lookup(struct lines *l, uint64_t addr, const char **file,
			   int *line)
{
	struct dwarf_line_info info;
	const char *dir, *sep;
	struct error *err;
	bool relative;

	err = dwarf_lines_lookup(l->dl, addr, &info);
	if (err)
		return err;
	/* The line table's directory goes before a relative name; if that
	 * is still relative, it is relative to the unit's build directory,
	 * and GDB (and the classic crash) show it with that too. */
	dir = info.dir ? info.dir : "";
	sep = info.dir ? "/" : "";
	relative = (info.dir ? info.dir : info.name)[0] != '/';
	if (relative && info.comp_dir && info.comp_dir[0])
		snprintf(l->file, sizeof(l->file), "%s/%s%s%s", info.comp_dir,
			 dir, sep, info.name);
	else
		snprintf(l->file, sizeof(l->file), "%s%s%s", dir, sep,
			 info.name);
	*file = l->file;
	*line = info.line;
	return NULL;
}

struct error *lines_lookup_short(struct lines *l, uint64_t addr,
				 const char **file, int *line)
{
	struct dwarf_line_info info;
	struct error *err;

	err = dwarf_lines_lookup(l->dl, addr, &info);
	if (err)
		return err;
	/* directory 0 is the build directory: the name stands alone */
	if (info.dir && info.dir != info.comp_dir &&
	    !(info.comp_dir && !strcmp(info.dir, info.comp_dir)))
		snprintf(l->file, sizeof(l->file), "%s/%s", info.dir,
			 info.name);
	else
		snprintf(l->file, sizeof(l->file), "%s", info.name);
	*file = l->file;
	*line = info.line;
	return NULL;
}
