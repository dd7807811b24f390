/*
 * The vmlinux's debug info as the commands use it: names found through the
 * DWARF name index (built, or loaded from its cache, on first use), types
 * built from the DIEs it finds.  When a name has several DIEs, the one
 * GDB (and so the classic crash) would answer with is chosen: the last
 * definition, else the first declaration.
 */
#ifndef CRASH_DEBUGINFO_H
#define CRASH_DEBUGINFO_H

#include <stdbool.h>

#include "dwarf_index.h"
#include "types.h"

struct error;
struct symtab;
struct vmlinux;

struct debuginfo;

/* Cheap: nothing is read until the first lookup. */
struct error *debuginfo_open(struct vmlinux *vm, struct debuginfo **ret);
void debuginfo_close(struct debuginfo *di);

/* The index and the types, opening them if needed; an error says why the
 * vmlinux has no usable DWARF (stripped of it, damaged). */
struct error *debuginfo_ready(struct debuginfo *di);
struct types *debuginfo_types(struct debuginfo *di);

/* The distinct names starting with prefix that have a DIE of one of
 * kinds, in strcmp() order (for completion): dwarf_index_prefix() on the
 * index, which is opened if needed. */
struct error *debuginfo_names(struct debuginfo *di, const char *prefix,
			      unsigned int kinds,
			      struct dwarf_index_prefix_iter *it);

/* The DIE GDB would answer with for name among kinds; false if none. */
bool debuginfo_lookup(struct debuginfo *di, const char *name,
		      unsigned int kinds, struct dwarf_index_match *ret);
/* The DIE offset as the type layer takes it. */
uint64_t debuginfo_die(const struct dwarf_index_match *m);
/* A type by name among kinds (DWARF_INDEX_*); ERR_NOT_FOUND if none. */
struct error *debuginfo_type(struct debuginfo *di, const char *name,
			     unsigned int kinds, const struct type **ret);

#endif
