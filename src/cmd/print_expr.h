/* p's expressions: what an expression names (a place in memory, or a
 * value made by a cast), parsed from C's postfix and unary forms. */
#ifndef CRASH_CMD_PRINT_EXPR_H
#define CRASH_CMD_PRINT_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "../kernel/kernel.h"
#include "../symbols/types.h"

struct session;

#define MADE_TYPES 8

struct print_req {
	struct session *s;
	struct types *ts;
	struct kernel k;
	char format;		/* 0, 'x', 'd' */
	/* pointer types a cast asked for (the type layer makes only those
	 * the DWARF has) */
	struct type made[MADE_TYPES];
	unsigned int nmade;
};

/* Where an expression's value lies and what it is. */
struct lvalue {
	struct type_variable v;	/* the variable it starts at, if bare */
	uint64_t addr;		/* runtime address of the value */
	struct type_ref type;
	uint64_t bit_offset;	/* within the byte at addr: bit fields */
	uint32_t bit_size;	/* 0 unless a bit field */
	bool percpu;
	bool bare;		/* just a variable's name */
	/* A value that is not in memory (a cast's result): its bytes, in
	 * the dumped machine's order; addr is 0. */
	bool rvalue;
	unsigned char value[8];
};

/*
 * Resolve expr: variable, number, (type)expr, (expr), *expr, expr.member,
 * expr->member, expr[index].  Pointers are followed by reading memory.
 */
struct error *resolve(struct print_req *r, const char *expr,
		      struct lvalue *lv);

/* C's spelling of an integer type as the DWARF spells it ("unsigned long"
 * is "long unsigned int"). */
const char *base_name(const char *c);

/* "EXPR: not supported yet (...)" */
struct error *unsupported(const char *expr);

#endif
