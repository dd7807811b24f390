/* Shared by the type_*.c files of the type layer; not for other layers. */
#ifndef CRASH_TYPE_INTERNAL_H
#define CRASH_TYPE_INTERNAL_H

#include <elfutils/libdw.h>

#include "types.h"

struct types_arena_chunk;

struct types {
	Dwarf *dwarf;
	char *path;
	bool big_endian;

	/* DIE key (offset | TYPES_DEBUG_TYPES) -> type, open addressing. */
	uint64_t *keys;
	struct type_ref *refs;
	size_t cap, count;

	struct types_arena_chunk *arena;
	size_t arena_used;

	types_resolve_fn resolve;
	void *resolve_arg;

	struct type void_type;
	unsigned int depth;	/* of the type being built, against cycles */
	struct types_stats stats;
};

/* Memory that lives as long as ts; zeroed; NULL when out of memory. */
void *types_alloc(struct types *ts, size_t size);

/* The DIE for a key, with an error naming the offset. */
struct error *types_die(struct types *ts, uint64_t key, Dwarf_Die *die);
uint64_t types_die_key(Dwarf_Die *die);

/* The type a DIE's DW_AT_type names (void when it has none). */
struct error *types_attr_type(struct types *ts, Dwarf_Die *die,
			      struct type_ref *ret);

/* A DW_AT_const_value and the like, read the way GDB reads it. */
bool types_constant(Dwarf_Attribute *attr, int64_t *value);
bool types_is_constant_form(unsigned int form);
/* An unsigned attribute (looked up through DW_AT_abstract_origin and
 * DW_AT_specification); false if absent. */
bool types_udata(Dwarf_Die *die, unsigned int name, uint64_t *value);
/* A flag of the DIE itself (not inherited from a specification). */
bool types_flag(Dwarf_Die *die, unsigned int name);
/* "PATH: DWARF DIE at 0x...: what", ERR_FORMAT. */
struct error *types_bad_die(struct types *ts, Dwarf_Die *die,
			    const char *what);

/* sizeof the type, looking through typedefs and declarations. */
uint64_t types_sizeof(struct types *ts, struct type_ref ref);

/* The type a DIE describes, through the cache (type_build.c's
 * types_build() fills it). */
struct error *types_ref_from_die(struct types *ts, Dwarf_Die *die,
				 struct type_ref *ret);
struct error *types_build(struct types *ts, Dwarf_Die *die, uint64_t key,
			  struct type_ref *ret);

/* Build a TYPE_FUNCTION from a DW_TAG_subprogram (or subroutine type). */
struct error *types_function_type(struct types *ts, Dwarf_Die *die,
				  const struct type **ret);

/* "struct task_struct", "(anonymous union)", "typedef atomic_t", for
 * messages, into buf; returns buf. */
const char *types_describe(const struct type *t, char *buf, size_t size);

#endif
