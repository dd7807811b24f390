/*
 * C types of the kernel, built from DWARF DIEs on first use.
 *
 * A struct types reads the debug info of one ELF file through libdw and
 * turns DIE offsets (from the name index, dwarf_index.h) into struct type
 * objects.  Nothing is read before it is asked for: a struct is built with
 * its name and size only, its members are read the first time someone asks
 * for them, and every type is cached by the offset of the DIE it came from,
 * so asking twice costs a hash lookup.
 *
 * The model follows GDB's, so that types print the way GDB (and with it the
 * classic crash) prints them: const, volatile, restrict and _Atomic are
 * qualifiers on a reference to a type (struct type_ref), not types of their
 * own; a qualifier on an array qualifies its elements (C99 6.7.3); base type
 * names are in the canonical order GDB prints ("unsigned long", not the
 * "long unsigned int" of the DWARF).
 *
 * Types, names and lists stay valid until types_close().  Nothing here is
 * safe to call from two threads at once (the cache fills in as it goes).
 */
#ifndef CRASH_TYPES_H
#define CRASH_TYPES_H

#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct types;

enum type_kind {
	TYPE_VOID = 1,
	TYPE_INT,		/* integers, char included */
	TYPE_BOOL,
	TYPE_FLOAT,		/* also complex and decimal floats */
	TYPE_POINTER,
	TYPE_ARRAY,
	TYPE_STRUCT,
	TYPE_UNION,
	TYPE_ENUM,
	TYPE_TYPEDEF,
	TYPE_FUNCTION,
};

enum type_qualifier {
	TYPE_CONST = 1 << 0,
	TYPE_VOLATILE = 1 << 1,
	TYPE_RESTRICT = 1 << 2,
	TYPE_ATOMIC = 1 << 3,
};

enum type_flag {
	/* struct, union, enum: only declared here ("struct foo;"), and no
	 * definition was found: no members, size 0. */
	TYPE_INCOMPLETE = 1 << 0,
	/* array: no bound, a flexible array member ("int a[]"): count 0 */
	TYPE_NO_BOUND = 1 << 1,
	/* array: the bound is computed at run time (a VLA) */
	TYPE_VARIABLE_LENGTH = 1 << 2,
	/* array: a GNU vector (__attribute__((vector_size))) */
	TYPE_VECTOR = 1 << 3,
	/* function: has a prototype; "(void)" rather than "()" */
	TYPE_PROTOTYPED = 1 << 4,
	/* function: ends with "..." */
	TYPE_VARIADIC = 1 << 5,
	/* integers and enums: signed */
	TYPE_SIGNED = 1 << 6,
};

struct type;

/* A type with qualifiers: "const struct cred" is the struct cred type
 * with TYPE_CONST.  type is never NULL in a ref the layer hands out. */
struct type_ref {
	const struct type *type;
	unsigned int quals;		/* enum type_qualifier bits */
};

struct type {
	enum type_kind kind;
	unsigned int flags;		/* enum type_flag bits */
	/* Struct/union/enum tag, typedef name or base type name; NULL when
	 * anonymous (and for pointers, arrays and functions). */
	const char *name;
	uint64_t size;			/* sizeof in bytes (1 for void and
					 * functions, as GNU C says) */
	/* pointer: the pointee; array: the element; typedef: the aliased
	 * type; function: the return type; enum: the underlying integer
	 * type (void when the DWARF does not say). */
	struct type_ref target;
	uint64_t count;			/* array: number of elements */
	unsigned int encoding;		/* base types: DW_ATE_* */

	/* Private to the type layer. */
	uint64_t die;			/* where it was read from */
	const void *list;		/* members, enumerators or params */
	size_t nlist;
	bool listed;			/* list was read */
};

struct type_member {
	const char *name;	/* NULL for an anonymous struct or union */
	struct type_ref type;
	uint64_t bit_offset;	/* from the start of the enclosing type */
	uint32_t bit_size;	/* 0 unless a bit field */
};

struct type_enumerator {
	const char *name;
	int64_t value;		/* as GDB reads it: see types.c */
};

struct type_param {
	const char *name;	/* NULL in function types */
	struct type_ref type;
};

/* Set in a DIE offset for a DIE of .debug_types (DWARF 4 type units)
 * rather than .debug_info; dwarf_index_match.in_types_section says. */
#define TYPES_DEBUG_TYPES (UINT64_C(1) << 63)

/*
 * Read the DWARF of elf (opened from path, which is named in errors).  The
 * caller keeps elf open until types_close(): libdw reads the sections of
 * that same descriptor, so a compressed section is inflated only once for
 * every reader of the file.  ERR_NOT_FOUND if the file has no DWARF.
 */
struct error *types_open(Elf *elf, const char *path, struct types **ret);
void types_close(struct types *ts);

/*
 * A struct, union or enum is often only declared in the unit that uses it
 * ("struct task_struct;").  When its members are needed, the type layer
 * asks this function for the DIE of a definition of the same name and
 * kind (TYPE_STRUCT, TYPE_UNION, TYPE_ENUM); it returns ERR_NOT_FOUND when
 * there is none.  Without a resolver such types stay incomplete.
 */
typedef struct error *(*types_resolve_fn)(void *arg, const char *name,
					  enum type_kind kind,
					  uint64_t *die_offset);
void types_set_resolver(struct types *ts, types_resolve_fn fn, void *arg);

/* The type described by the DIE at die_offset (a type DIE: base, struct,
 * typedef, pointer, const, ...). */
struct error *types_from_die(struct types *ts, uint64_t die_offset,
			     struct type_ref *ret);

/* t without typedefs: the qualifiers on the way are added to t's. */
struct type_ref type_strip_typedefs(struct type_ref t);

/* For a declared-only struct, union or enum, its definition (through the
 * resolver); otherwise, or when none is found, t itself. */
const struct type *type_complete(struct types *ts, const struct type *t);

/* The members of a struct or union in declaration order (those of its
 * definition if t is only declared); ERR_INVALID for other kinds. */
struct error *type_members(struct types *ts, const struct type *t,
			   const struct type_member **ret, size_t *n);
/* The enumerators of an enum. */
struct error *type_enumerators(struct types *ts, const struct type *t,
			       const struct type_enumerator **ret,
			       size_t *n);
/* The parameters of a function type ("..." is TYPE_VARIADIC). */
struct error *type_params(struct types *ts, const struct type *t,
			  const struct type_param **ret, size_t *n);

/* Where a member is, found by a path such as "se.load.weight",
 * "pids[1].node" or "numbers[0]": */
struct type_member_info {
	uint64_t offset;	/* bytes from the start of the outer type */
	uint64_t bit_offset;	/* the same in bits (exact for bit
				 * fields) */
	uint32_t bit_size;	/* 0 unless the last member is a bit field */
	uint64_t size;		/* sizeof the member's type */
	struct type_ref type;
};

/*
 * Resolve path in t (typedefs are looked through).  Members of anonymous
 * structs and unions are found by their own names, as in C.  An index
 * is not checked against the array bound (the kernel indexes past
 * one-element and flexible arrays on purpose).  ERR_NOT_FOUND names the
 * missing member and the type; ERR_INVALID a path that indexes a
 * non-array, goes through a pointer or does not parse.
 */
struct error *type_member_lookup(struct types *ts, const struct type *t,
				 const char *path,
				 struct type_member_info *ret);

/* A global variable. */
struct type_variable {
	const char *name;
	struct type_ref type;
	bool declaration;	/* an extern declaration, not the definition */
	bool has_address;
	uint64_t address;	/* link-time address (DW_OP_addr) */
	/* Why there is no address, for messages ("optimized out", ...). */
	const char *no_address;
};

/* The variable described by the DIE at die_offset (DW_TAG_variable). */
struct error *types_variable(struct types *ts, uint64_t die_offset,
			     struct type_variable *ret);
/* v's address, or ERR_NOT_FOUND with a message that names v and why it
 * has none. */
struct error *type_variable_address(const struct type_variable *v,
				    uint64_t *addr);

/* A function. */
struct type_function {
	const char *name;
	const struct type *type;	/* TYPE_FUNCTION: its prototype */
	bool declaration;
	bool has_pc;
	uint64_t low_pc;		/* link-time entry address */
};

/* The function described by the DIE at die_offset (DW_TAG_subprogram). */
struct error *types_function(struct types *ts, uint64_t die_offset,
			     struct type_function *ret);

/* The enumerator described by the DIE at die_offset (DW_TAG_enumerator):
 * its enum type and its value. */
struct error *types_enumerator(struct types *ts, uint64_t die_offset,
			       const struct type **enum_type,
			       int64_t *value);

/* The libdw handle the types are read through (for debuginfo.c, which
 * bounds what libdw's first look at the units costs). */
struct Dwarf;
struct Dwarf *types_dwarf(struct types *ts);

/* What the cache did so far, for tests of laziness and for benchmarks. */
struct types_stats {
	size_t dies_read;	/* type DIEs turned into types */
	size_t lists_read;	/* member, enumerator and parameter lists */
	size_t cached;		/* entries in the cache */
};
void types_get_stats(const struct types *ts, struct types_stats *ret);

#endif
