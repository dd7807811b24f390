/* Source lines of code addresses, read straight from the DWARF sections:
 * .debug_aranges (once) finds the unit, then only that unit's header, first
 * DIE and line program are read.  The decoded line tables of the last few
 * units are kept, so nearby lookups (a backtrace) decode nothing again. */
#ifndef CRASH_DWARF_LINES_H
#define CRASH_DWARF_LINES_H

#include <stdint.h>

struct dwarf_lines;
struct dwarf_lines_sections;
struct error;
struct vmlinux;

/* What a lookup answers.  The strings point into the sections (or the
 * reader's cache) and stay valid until the next lookup. */
struct dwarf_line_info {
	/* The file as the line table names it: its directory entry (NULL
	 * when the name is absolute or no directory is known) and name. */
	const char *dir, *name;
	const char *comp_dir;	/* the unit's DW_AT_comp_dir, or NULL */
	const char *cu_name;	/* the unit's DW_AT_name, or NULL */
	uint64_t cu_offset;	/* of the unit header in .debug_info */
	uint64_t row_addr;	/* where the row that answers starts */
	int line;
};

/* Find the sections of VM (expanding compressed ones through libelf).
 * ERR_NOT_FOUND when it has no line tables. */
struct error *dwarf_lines_open(const struct vmlinux *vm,
			       struct dwarf_lines **ret);
/* The same over sections in memory (which must outlive the reader). */
struct error *dwarf_lines_open_sections(const struct dwarf_lines_sections *s,
					struct dwarf_lines **ret);
void dwarf_lines_close(struct dwarf_lines *dl);

/* The line of link-time address ADDR: the last statement row at the
 * highest address not above it, in the line table of the unit whose
 * ranges hold it.  ERR_NOT_FOUND when no unit or row covers ADDR,
 * ERR_FORMAT (naming the section offset) for damaged DWARF.  Lookups
 * update the cache: one thread at a time. */
struct error *dwarf_lines_lookup(struct dwarf_lines *dl, uint64_t addr,
				 struct dwarf_line_info *info);

#endif
