/*
 * Types as text, the way the classic crash shows them.
 *
 * The classic crash answers struct, union and whatis by asking its built-in
 * GDB for "ptype" or "whatis" and rewriting the text.  Its users read that
 * text and their scripts parse it, so both steps are reproduced here:
 * type_print_c() prints a declaration exactly as GDB's C type printer does
 * (with the change crash makes to it: anonymous structs and unions are
 * expanded at every depth), and the type_print_*() functions below it
 * rewrite that the way crash does, offsets and all.
 *
 * Nothing here reads memory: these print types, not values.
 */
#ifndef CRASH_TYPE_PRINT_H
#define CRASH_TYPE_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/strbuf.h"
#include "types.h"

/*
 * Append the C declaration of name with type t ("" for an abstract
 * declarator, as in "struct list_head *").  show has GDB's meaning:
 *   1  ptype: look through typedefs and expand the outermost struct,
 *      union or enum, and the anonymous ones inside it;
 *   0  name named types, expand anonymous ones;
 *  -1  whatis: name named types, write anonymous ones "struct {...}".
 * No newline is added.  Errors come from reading the DWARF.
 */
struct error *type_print_c(struct strbuf *sb, struct types *ts,
			   struct type_ref t, const char *name, int show);

enum type_print_flags {
	TYPE_PRINT_OFFSETS = 1 << 0,	/* struct -o: "  [offset] member" */
	TYPE_PRINT_HEX = 1 << 1,	/* output radix 16: offsets, SIZE */
};

/*
 * "struct NAME", "union NAME", "struct -o NAME" and "whatis NAME" when NAME
 * names a struct, union or typedef, or a base type (crash then prints only
 * "SIZE: n").  t is the type NAME was found as: a typedef prints as
 * "typedef struct {...} NAME;".  With member ("struct NAME.MEMBER"; no
 * dots), only the lines of that member are printed, with their offsets
 * and without the SIZE line; ERR_NOT_FOUND if t has no such member.
 */
struct error *type_print_struct(struct strbuf *sb, struct types *ts,
				const struct type *t, const char *member,
				unsigned int flags);

/*
 * "whatis NAME" when NAME names a type (and no symbol): what the classic
 * crash prints for each kind, through type_print_struct() (structs,
 * unions, typedefs of integers, pointers, arrays and functions, and just
 * "SIZE: n" for a bare integer type), type_print_enum() (enums and their
 * typedefs), or GDB's one-line answer (the rest: bool, floating point and
 * void types and their typedefs).
 */
struct error *type_print_whatis(struct strbuf *sb, struct types *ts,
				const struct type *t);

/*
 * GDB's own "whatis" line, which the classic crash prints when nothing
 * else answers: for an expression, such as a variable or function that is
 * not in the ELF symbol table, its type ("void *", "const int",
 * "void (size_t, char *)"); for the name of a typedef (type_name), the
 * type it stands for, one level down ("_Bool" for bool).
 */
struct error *type_print_gdb_whatis(struct strbuf *sb, struct types *ts,
				    struct type_ref t, bool type_name);

/* "whatis NAME" for an enum or a typedef of one: every enumerator with its
 * value, one a line. */
struct error *type_print_enum(struct strbuf *sb, struct types *ts,
			      const struct type *t);

/* "whatis ENUMERATOR": "enum TAG = VALUE" (TAG "(unknown)" for an
 * anonymous enum). */
void type_print_enumerator(struct strbuf *sb, const struct type *enum_type,
			   int64_t value);

/* "whatis SYMBOL" for a variable or a function named name: its
 * declaration ("struct task_struct init_task;", "void schedule(void);"). */
struct error *type_print_symbol(struct strbuf *sb, struct types *ts,
				const char *name, struct type_ref t);

#endif
