/*
 * The lists of a type, read from its DIE's children on first use: members
 * of structs and unions (with bit field positions), enumerators, and
 * function parameters.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "type_internal.h"

/* A growable array that ends up in the arena. */
struct list_builder {
	void *items;
	size_t n, cap, size;
};

static void *list_next(struct list_builder *lb)
{
	if (lb->n == lb->cap) {
		size_t cap = lb->cap ? lb->cap * 2 : 16;
		void *p = realloc(lb->items, cap * lb->size);

		if (!p)
			return NULL;
		lb->items = p;
		lb->cap = cap;
	}
	return memset((char *)lb->items + lb->n++ * lb->size, 0, lb->size);
}

static struct error *list_finish(struct types *ts, struct list_builder *lb,
				 const struct type *t)
{
	struct type *mt = (struct type *)t;
	void *copy = NULL;

	if (lb->n) {
		copy = types_alloc(ts, lb->n * lb->size);
		if (!copy) {
			free(lb->items);
			return error_nomem();
		}
		memcpy(copy, lb->items, lb->n * lb->size);
	}
	free(lb->items);
	mt->list = copy;
	mt->nlist = lb->n;
	mt->listed = true;
	ts->stats.lists_read++;
	return NULL;
}

/* DW_AT_data_member_location: a constant, or in DWARF 2 an expression
 * DW_OP_plus_uconst N. */
static bool member_location(Dwarf_Die *die, uint64_t *off, bool *bad)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	int64_t v;

	*off = 0;
	if (!dwarf_attr(die, DW_AT_data_member_location, &attr))
		return false;
	if (types_constant(&attr, &v)) {
		*off = (uint64_t)v;
		return true;
	}
	if (dwarf_getlocation(&attr, &ops, &nops) == 0 && nops == 1 &&
	    (ops[0].atom == DW_OP_plus_uconst || ops[0].atom == DW_OP_constu)) {
		*off = ops[0].number;
		return true;
	}
	*bad = true;
	return false;
}

static struct error *read_member(struct types *ts, Dwarf_Die *die,
				 struct type_member *m)
{
	Dwarf_Attribute attr;
	struct error *err;
	uint64_t loc, bit_size = 0, anon_size;
	int64_t bit_offset;
	bool bad = false;

	m->name = dwarf_diename(die);
	if ((err = types_attr_type(ts, die, &m->type)))
		return err;
	types_udata(die, DW_AT_bit_size, &bit_size);
	m->bit_size = (uint32_t)bit_size;
	if (dwarf_attr(die, DW_AT_data_bit_offset, &attr) &&
	    types_constant(&attr, &bit_offset)) {
		m->bit_offset = (uint64_t)bit_offset;
		return NULL;
	}
	member_location(die, &loc, &bad);
	if (bad)
		return types_bad_die(ts, die,
				     "member location is not a constant");
	m->bit_offset = loc * 8;
	if (!dwarf_attr(die, DW_AT_bit_offset, &attr) ||
	    !types_constant(&attr, &bit_offset))
		return NULL;
	/* DWARF 2/3 count bit_offset from the most significant bit of
	 * a storage unit of DW_AT_byte_size bytes (default: the size of the
	 * member's type); what we keep is the offset of the least
	 * significant bit from the start, little-endian style. */
	if (ts->big_endian) {
		m->bit_offset += (uint64_t)bit_offset;
	} else {
		if (!types_udata(die, DW_AT_byte_size, &anon_size))
			anon_size = types_sizeof(ts, m->type);
		m->bit_offset += anon_size * 8 - (uint64_t)bit_offset -
				 bit_size;
	}
	return NULL;
}

static struct error *load_list(struct types *ts, const struct type *t)
{
	struct list_builder lb = { 0 };
	Dwarf_Attribute attr;
	struct error *err;
	Dwarf_Die die, child;
	int rc;

	if ((err = types_die(ts, t->die, &die)))
		return err;
	switch (t->kind) {
	case TYPE_STRUCT:
	case TYPE_UNION:
		lb.size = sizeof(struct type_member);
		break;
	case TYPE_ENUM:
		lb.size = sizeof(struct type_enumerator);
		break;
	default:
		lb.size = sizeof(struct type_param);
		break;
	}
	rc = dwarf_child(&die, &child);
	while (rc == 0) {
		int tag = dwarf_tag(&child);
		void *item = NULL;

		if ((tag == DW_TAG_member && (t->kind == TYPE_STRUCT ||
					      t->kind == TYPE_UNION)) ||
		    (tag == DW_TAG_enumerator && t->kind == TYPE_ENUM) ||
		    (tag == DW_TAG_formal_parameter &&
		     t->kind == TYPE_FUNCTION)) {
			item = list_next(&lb);
			if (!item) {
				free(lb.items);
				return error_nomem();
			}
		}
		if (item && tag == DW_TAG_member) {
			err = read_member(ts, &child, item);
		} else if (item && tag == DW_TAG_enumerator) {
			struct type_enumerator *e = item;

			e->name = dwarf_diename(&child);
			if (!dwarf_attr(&child, DW_AT_const_value, &attr) ||
			    !types_constant(&attr, &e->value))
				err = types_bad_die(ts, &child,
						    "enumerator without a "
						    "value");
		} else if (item) {
			struct type_param *p = item;

			p->name = dwarf_diename(&child);
			err = types_attr_type(ts, &child, &p->type);
		}
		if (err) {
			free(lb.items);
			return err;
		}
		rc = dwarf_siblingof(&child, &child);
	}
	if (rc < 0) {
		free(lb.items);
		return types_bad_die(ts, &die, "damaged list of children");
	}
	return list_finish(ts, &lb, t);
}

static struct error *get_list(struct types *ts, const struct type *t,
			      enum type_kind k1, enum type_kind k2,
			      const char *what, const void **ret, size_t *n)
{
	char buf[160];
	struct error *err;

	*ret = NULL;
	*n = 0;
	t = type_complete(ts, t);
	if (t->kind != k1 && t->kind != k2)
		return error_create(ERR_INVALID, "%s has no %s",
				    types_describe(t, buf, sizeof(buf)),
				    what);
	if (t->flags & TYPE_INCOMPLETE)
		return NULL;
	if (!t->listed && (err = load_list(ts, t)))
		return err;
	*ret = t->list;
	*n = t->nlist;
	return NULL;
}

struct error *type_members(struct types *ts, const struct type *t,
			   const struct type_member **ret, size_t *n)
{
	return get_list(ts, t, TYPE_STRUCT, TYPE_UNION, "members",
			(const void **)ret, n);
}

struct error *type_enumerators(struct types *ts, const struct type *t,
			       const struct type_enumerator **ret, size_t *n)
{
	return get_list(ts, t, TYPE_ENUM, TYPE_ENUM, "enumerators",
			(const void **)ret, n);
}

struct error *type_params(struct types *ts, const struct type *t,
			  const struct type_param **ret, size_t *n)
{
	return get_list(ts, t, TYPE_FUNCTION, TYPE_FUNCTION, "parameters",
			(const void **)ret, n);
}
