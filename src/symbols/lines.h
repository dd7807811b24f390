/* Source lines of kernel addresses (sym, bt -l): the DWARF line tables,
 * read straight from the sections (dwarf_lines.h), opened on first use. */
#ifndef CRASH_LINES_H
#define CRASH_LINES_H

#include <stdint.h>

struct error;
struct lines;
struct vmlinux;

struct error *lines_open(const struct vmlinux *vm, struct lines **ret);
void lines_close(struct lines *l);
/* The file (with its build directory, as GDB shows it) and line of
 * link-time address addr; *file stays valid until the next lookup. */
struct error *lines_lookup(struct lines *l, uint64_t addr, const char **file,
			   int *line);
/* The same with the file as the line table names it, without the unit's
 * build directory ("drivers/tty/sysrq.c"): the name GDB's "list" gives. */
struct error *lines_lookup_short(struct lines *l, uint64_t addr,
				 const char **file, int *line);

#endif
