/*
 * p's expressions, parsed by recursive descent: the unary operators * and
 * casts, then the postfix ones (. -> [index]) on a variable, a number or a
 * parenthesized expression.  Memory is read only to follow a pointer; the
 * result is where the value lies, which print.c reads and prints.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../session.h"
#include "../symbols/debuginfo.h"
#include "../symbols/symtab.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "print_expr.h"

struct error *unsupported(const char *expr)
{
	return error_create(ERR_UNSUPPORTED, "%s: not supported yet (only "
			    "variables, numbers, members, elements, *, ->, "
			    "casts, & and sizeof)", expr);
}

const char *base_name(const char *c)
{
	static const char *const names[][2] = {
		{ "long", "long int" },
		{ "unsigned long", "long unsigned int" },
		{ "unsigned long int", "long unsigned int" },
		{ "long long", "long long int" },
		{ "unsigned long long", "long long unsigned int" },
		{ "unsigned long long int", "long long unsigned int" },
		{ "short", "short int" },
		{ "unsigned short", "short unsigned int" },
		{ "unsigned short int", "short unsigned int" },
		{ "unsigned", "unsigned int" },
		{ "signed", "int" },
		{ "signed int", "int" },
		{ "signed long", "long int" },
		{ "unsigned char", "unsigned char" },
		{ "bool", "_Bool" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(c, names[i][0]))
			return names[i][1];
	return c;
}

/* The runtime address of a variable: the symbol table's, which knows
 * about relocation, else the debug info's moved by the same offset. */
static uint64_t runtime_addr(struct print_req *r, const struct type_variable *v)
{
	const struct symbol *sym = r->s->symtab ?
		symtab_lookup_name(r->s->symtab, v->name) : NULL;

	if (sym && symtab_link_addr(r->s->symtab, sym) == v->address)
		return sym->addr;
	return v->address + (r->s->symtab ? symtab_offset(r->s->symtab)
					  : r->s->kaslr_offset);
}

/* Per-cpu variables live at offsets in the per-cpu section, which
 * __per_cpu_offset[cpu] moves to each cpu's copy. */
static bool is_percpu(struct print_req *r, uint64_t link_addr)
{
	const struct symbol *start, *end;

	if (!r->s->symtab)
		return false;
	start = symtab_lookup_name(r->s->symtab, "__per_cpu_start");
	end = symtab_lookup_name(r->s->symtab, "__per_cpu_end");
	return start && end &&
	       link_addr >= symtab_link_addr(r->s->symtab, start) &&
	       link_addr < symtab_link_addr(r->s->symtab, end);
}

static struct error *find_variable(struct print_req *r, const char *name,
				   struct type_variable *v)
{
	struct dwarf_index_match m;
	const struct symbol *sym;
	struct error *err;

	if (!debuginfo_lookup(r->s->debuginfo, name, DWARF_INDEX_VARIABLE, &m))
		return error_create(ERR_NOT_FOUND, "no symbol \"%s\" in the "
				    "debug info", name);
	err = types_variable(r->ts, debuginfo_die(&m), v);
	if (err || v->has_address)
		return err;
	/* only declared in C ("extern unsigned long volatile jiffies"):
	 * the linker script defines it, and GDB takes the ELF symbol's
	 * address with the declared type */
	sym = r->s->symtab ? symtab_lookup_name(r->s->symtab, name) : NULL;
	if (!sym)
		return type_variable_address(v, &v->address);
	v->address = symtab_link_addr(r->s->symtab, sym);
	v->has_address = true;
	return NULL;
}

struct parser {
	struct print_req *r;
	const char *expr;	/* the whole, for messages */
	const char *p;
};

static void skip_space(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

/* An identifier at p (into buf), or 0 if there is none. */
static size_t identifier(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	if (!isalpha((unsigned char)*p) && *p != '_')
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	if (n >= size)
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n;
}

/* The number a pointer-sized (or smaller) value holds. */
static uint64_t value_of(struct print_req *r, const unsigned char *b,
			 uint64_t size)
{
	bool big = r->s->dump->big_endian;

	switch (size) {
	case 1: return b[0];
	case 2: return get16(b, big);
	case 4: return get32(b, big);
	default: return get64(b, big);
	}
}

/* The value of lv as a number (an integer or a pointer). */
static struct error *number_of(struct parser *ps, const struct lvalue *lv,
			       uint64_t *v)
{
	const struct type *t = type_strip_typedefs(lv->type).type;
	unsigned char b[8] = { 0 };
	struct error *err;

	if (t->kind == TYPE_ARRAY) {	/* an array stands for its address */
		*v = lv->addr;
		return NULL;
	}
	if (!t->size || t->size > 8 || lv->bit_size)
		return error_create(ERR_INVALID, "%s: not a number or a "
				    "pointer", ps->expr);
	if (lv->rvalue) {
		*v = value_of(ps->r, lv->value, t->size);
		return NULL;
	}
	err = vmem_read(ps->r->k.vm, lv->addr, b, t->size);
	if (err)
		return err;
	*v = value_of(ps->r, b, t->size);
	return NULL;
}

static void set_rvalue(struct print_req *r, struct lvalue *lv,
		       struct type_ref t, uint64_t v)
{
	uint64_t size = type_strip_typedefs(t).type->size;
	bool big = r->s->dump->big_endian;
	unsigned int i;

	memset(lv, 0, sizeof(*lv));
	lv->rvalue = true;
	lv->type = t;
	for (i = 0; i < 8 && i < size; i++)
		lv->value[big ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

/* *lv: the place a pointer points to. */
static struct error *deref(struct parser *ps, struct lvalue *lv)
{
	const struct type *t = type_strip_typedefs(lv->type).type;
	struct type_ref target;
	uint64_t ptr;
	struct error *err;

	if (t->kind != TYPE_POINTER && t->kind != TYPE_ARRAY)
		return error_create(ERR_INVALID, "%s: attempt to take contents "
				    "of a non-pointer value", ps->expr);
	target = t->target;
	if (!target.type || type_strip_typedefs(target).type->kind ==
	    TYPE_VOID)
		return error_create(ERR_INVALID, "%s: attempt to take contents "
				    "of a void pointer", ps->expr);
	err = number_of(ps, lv, &ptr);
	if (err)
		return err;
	if (!ptr)
		return error_create(ERR_INVALID, "%s: cannot access memory at "
				    "address 0x0", ps->expr);
	memset(lv, 0, sizeof(*lv));
	lv->addr = ptr;
	lv->type = target;
	return NULL;
}

static struct error *member(struct parser *ps, struct lvalue *lv,
			    const char *name)
{
	struct type_member_info mi;
	const struct type *t = type_strip_typedefs(lv->type).type;
	struct error *err;

	/* GDB lets "." follow a pointer as "->" does */
	if (t->kind == TYPE_POINTER) {
		err = deref(ps, lv);
		if (err)
			return err;
		t = type_strip_typedefs(lv->type).type;
	}
	t = type_complete(ps->r->ts, t);
	if (t->kind != TYPE_STRUCT && t->kind != TYPE_UNION)
		return error_create(ERR_INVALID, "%s: .%s of something that "
				    "is not a struct or union", ps->expr, name);
	if (lv->rvalue)
		return unsupported(ps->expr);
	err = type_member_lookup(ps->r->ts, t, name, &mi);
	if (err)
		return err;
	lv->type = mi.type;
	lv->bare = false;
	lv->bit_size = mi.bit_size;
	if (mi.bit_size) {
		lv->addr += mi.bit_offset / 8;
		lv->bit_offset = mi.bit_offset % 8;
	} else {
		lv->addr += mi.offset;
	}
	return NULL;
}

static struct error *index_of(struct parser *ps, struct lvalue *lv)
{
	const struct type *t = type_strip_typedefs(lv->type).type;
	char *end;
	uint64_t i = strtoull(ps->p, &end, 0), esize;
	struct error *err;

	if (end == ps->p || *end != ']')
		return unsupported(ps->expr);
	ps->p = end + 1;
	if (t->kind == TYPE_POINTER) {	/* p[i] is *(p + i) */
		err = deref(ps, lv);
		if (err)
			return err;
	} else if (t->kind == TYPE_ARRAY) {
		lv->type = t->target;
	} else {
		return error_create(ERR_INVALID, "%s: cannot index that",
				    ps->expr);
	}
	esize = type_complete(ps->r->ts,
			      type_strip_typedefs(lv->type).type)->size;
	lv->addr += i * esize;
	lv->bare = false;
	return NULL;
}

/* A pointer type to t, made here. */
static struct error *pointer_to(struct print_req *r, struct type_ref t,
				struct type_ref *ret)
{
	struct type *p;

	if (r->nmade == MADE_TYPES)
		return error_create(ERR_UNSUPPORTED, "too many pointer casts");
	p = &r->made[r->nmade++];
	memset(p, 0, sizeof(*p));
	p->kind = TYPE_POINTER;
	p->size = 8;
	p->target = t;
	p->listed = true;
	*ret = (struct type_ref){ p, 0 };
	return NULL;
}

/* After '(': a type name and its '*'s up to ')', if that is what
 * follows; false (and p unmoved) if it is an expression. */
static struct error *cast_type(struct parser *ps, bool *is_cast,
			       struct type_ref *ret)
{
	static const char *const words[] = {
		"struct", "union", "enum", "unsigned", "signed", "char",
		"short", "int", "long", "void", "_Bool", "bool",
	};
	const char *start = ps->p, *end;
	char name[256];
	unsigned int kinds = DWARF_INDEX_TYPEDEF | DWARF_INDEX_BASE;
	const char *lookup;
	const struct type *t;
	struct error *err;
	size_t n, i;
	int stars = 0;
	bool keyword = false;

	*is_cast = false;
	n = identifier(start, name, sizeof(name));
	if (!n)
		return NULL;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		keyword |= !strcmp(name, words[i]);
	end = strchr(start, ')');
	if (!end)
		return NULL;
	/* the name: everything up to the stars, spaces squeezed */
	n = 0;
	for (const char *c = start; c < end && *c != '*'; c++) {
		if (isspace((unsigned char)*c) && (!n || name[n - 1] == ' '))
			continue;
		if (n + 1 < sizeof(name))
			name[n++] = isspace((unsigned char)*c) ? ' ' : *c;
	}
	while (n && name[n - 1] == ' ')
		n--;
	name[n] = '\0';
	for (const char *c = start; c < end; c++)
		if (*c == '*')
			stars++;
		else if (stars && !isspace((unsigned char)*c))
			return NULL;	/* "a * b": not a type */
	lookup = name;
	if (!strncmp(name, "struct ", 7)) {
		kinds = DWARF_INDEX_STRUCT;
		lookup = name + 7;
	} else if (!strncmp(name, "union ", 6)) {
		kinds = DWARF_INDEX_UNION;
		lookup = name + 6;
	} else if (!strncmp(name, "enum ", 5)) {
		kinds = DWARF_INDEX_ENUM;
		lookup = name + 5;
	} else if (!keyword) {
		/* a name that is a variable is an expression */
		struct dwarf_index_match m;

		if (debuginfo_lookup(ps->r->s->debuginfo, name,
				     DWARF_INDEX_VARIABLE, &m) && !stars)
			return NULL;
	}
	if (!strcmp(lookup, "void")) {
		static struct type void_type = { .kind = TYPE_VOID,
						 .name = "void" };

		t = &void_type;
	} else {
		err = debuginfo_type(ps->r->s->debuginfo, base_name(lookup),
				     kinds, &t);
		if (err && !keyword && kinds != DWARF_INDEX_STRUCT &&
		    kinds != DWARF_INDEX_UNION && kinds != DWARF_INDEX_ENUM) {
			error_free(err);
			return NULL;	/* not a type: an expression */
		}
		if (err)
			return err;
	}
	*ret = (struct type_ref){ t, 0 };
	while (stars--) {
		err = pointer_to(ps->r, *ret, ret);
		if (err)
			return err;
	}
	ps->p = end + 1;
	*is_cast = true;
	return NULL;
}

static struct error *unary(struct parser *ps, struct lvalue *lv);

static struct error *primary(struct parser *ps, struct lvalue *lv)
{
	char name[256];
	size_t n;
	struct error *err;

	skip_space(ps);
	if (*ps->p == '(') {
		ps->p++;
		err = unary(ps, lv);
		skip_space(ps);
		if (!err && *ps->p != ')')
			err = unsupported(ps->expr);
		if (!err)
			ps->p++;
		if (lv->percpu)
			return unsupported(ps->expr);
		lv->bare = false;
		return err;
	}
	if (isdigit((unsigned char)*ps->p)) {
		char *end;
		uint64_t v = strtoull(ps->p, &end, 0);
		const struct type *t;

		/* a number is a long, as in GDB on 64-bit machines */
		err = debuginfo_type(ps->r->s->debuginfo, "long int",
				     DWARF_INDEX_BASE, &t);
		if (err)
			return err;
		ps->p = end;
		set_rvalue(ps->r, lv, (struct type_ref){ t, 0 }, v);
		return NULL;
	}
	n = identifier(ps->p, name, sizeof(name));
	if (!n)
		return unsupported(ps->expr);
	ps->p += n;
	memset(lv, 0, sizeof(*lv));
	err = find_variable(ps->r, name, &lv->v);
	if (err)
		return err;
	lv->type = lv->v.type;
	lv->bare = true;
	lv->percpu = is_percpu(ps->r, lv->v.address);
	lv->addr = lv->percpu ? lv->v.address : runtime_addr(ps->r, &lv->v);
	return NULL;
}

static struct error *postfix(struct parser *ps, struct lvalue *lv)
{
	struct error *err = primary(ps, lv);
	char name[256];
	size_t n;

	for (;;) {
		if (err)
			return err;
		skip_space(ps);
		if (lv->percpu && (*ps->p == '.' || *ps->p == '[' ||
				   *ps->p == '-'))
			return error_create(ERR_UNSUPPORTED, "%s: members of "
					    "per-cpu variables are not "
					    "supported yet", ps->expr);
		if (*ps->p == '.' || (ps->p[0] == '-' && ps->p[1] == '>')) {
			bool arrow = *ps->p == '-';

			ps->p += arrow ? 2 : 1;
			skip_space(ps);
			n = identifier(ps->p, name, sizeof(name));
			if (!n)
				return unsupported(ps->expr);
			ps->p += n;
			if (arrow)
				err = deref(ps, lv);
			if (!err)
				err = member(ps, lv, name);
		} else if (*ps->p == '[') {
			ps->p++;
			err = index_of(ps, lv);
		} else {
			return NULL;
		}
	}
}

static struct error *unary(struct parser *ps, struct lvalue *lv)
{
	struct error *err;

	skip_space(ps);
	if (*ps->p == '*') {
		ps->p++;
		err = unary(ps, lv);
		return err ? err : deref(ps, lv);
	}
	if (*ps->p == '&') {	/* inside an expression: a pointer value */
		struct type_ref pt;

		ps->p++;
		err = unary(ps, lv);
		if (!err && (lv->rvalue || lv->bit_size || lv->percpu))
			err = error_create(ERR_INVALID, "%s: attempt to take "
					   "address of a value not located in "
					   "memory", ps->expr);
		if (!err)
			err = pointer_to(ps->r, lv->type, &pt);
		if (!err)
			set_rvalue(ps->r, lv, pt, lv->addr);
		return err;
	}
	if (*ps->p == '(') {
		const char *save = ps->p;
		struct type_ref t;
		bool is_cast;

		ps->p++;
		skip_space(ps);
		err = cast_type(ps, &is_cast, &t);
		if (err)
			return err;
		if (is_cast) {
			uint64_t v;

			err = unary(ps, lv);
			if (!err)
				err = number_of(ps, lv, &v);
			if (!err)
				set_rvalue(ps->r, lv, t, v);
			return err;
		}
		ps->p = save;
	}
	return postfix(ps, lv);
}

struct error *resolve(struct print_req *r, const char *expr,
		      struct lvalue *lv)
{
	struct parser ps = { .r = r, .expr = expr, .p = expr };
	struct error *err;

	memset(lv, 0, sizeof(*lv));
	err = unary(&ps, lv);
	if (err)
		return err;
	skip_space(&ps);
	if (*ps.p)
		return unsupported(expr);
	return NULL;
}
