/*
 * Building a type from its DIE: one function per kind of DIE.  Structs,
 * unions and enums are built with their name and size only; their lists
 * are read later (type_list.c).
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "type_internal.h"

#ifndef DW_LANG_C17
#define DW_LANG_C17 0x2c
#endif

/*
 * GDB prints base type names the way its C++ name canonicalizer spells
 * them: "long unsigned int" becomes "unsigned long".  Names made only of
 * the integer keywords are rewritten; anything else ("_Bool", "long
 * double", "__int128 unsigned") is printed as the DWARF says.
 */
static const char *canonical_base_name(const char *name)
{
	int longs = 0, shorts = 0, is_unsigned = 0, is_signed = 0, chars = 0;
	int words = 0;
	const char *p = name, *end;
	size_t len;

	if (!name)
		return NULL;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		end = strchr(p, ' ');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 4 && !memcmp(p, "long", 4))
			longs++;
		else if (len == 5 && !memcmp(p, "short", 5))
			shorts++;
		else if (len == 8 && !memcmp(p, "unsigned", 8))
			is_unsigned++;
		else if (len == 6 && !memcmp(p, "signed", 6))
			is_signed++;
		else if (len == 4 && !memcmp(p, "char", 4))
			chars++;
		else if (!(len == 3 && !memcmp(p, "int", 3)))
			return name;
		p += len;
		words++;
	}
	if (!words)
		return name;
	if (chars)
		return is_unsigned ? "unsigned char" :
		       is_signed ? "signed char" : "char";
	if (shorts)
		return is_unsigned ? "unsigned short" : "short";
	if (longs == 1)
		return is_unsigned ? "unsigned long" : "long";
	if (longs >= 2)
		return is_unsigned ? "unsigned long long" : "long long";
	return is_unsigned ? "unsigned int" : "int";
}

static struct type *new_type(struct types *ts, enum type_kind kind,
			     uint64_t key)
{
	struct type *t = types_alloc(ts, sizeof(*t));

	if (!t)
		return NULL;
	t->kind = kind;
	t->die = key;
	t->target.type = &ts->void_type;
	ts->stats.dies_read++;
	return t;
}

static struct error *build_base(struct types *ts, Dwarf_Die *die,
				uint64_t key, struct type_ref *ret)
{
	uint64_t encoding = 0, size = 0;
	enum type_kind kind;
	struct type *t;

	types_udata(die, DW_AT_encoding, &encoding);
	types_udata(die, DW_AT_byte_size, &size);
	switch (encoding) {
	case DW_ATE_boolean:
		kind = TYPE_BOOL;
		break;
	case DW_ATE_float:
	case DW_ATE_complex_float:
	case DW_ATE_imaginary_float:
	case DW_ATE_decimal_float:
		kind = TYPE_FLOAT;
		break;
	default:
		kind = TYPE_INT;
		break;
	}
	t = new_type(ts, kind, key);
	if (!t)
		return error_nomem();
	t->name = canonical_base_name(dwarf_diename(die));
	t->size = size;
	t->encoding = encoding;
	if (encoding == DW_ATE_signed || encoding == DW_ATE_signed_char ||
	    kind == TYPE_FLOAT)
		t->flags |= TYPE_SIGNED;
	ret->type = t;
	return NULL;
}

static struct error *build_pointer(struct types *ts, Dwarf_Die *die,
				   uint64_t key, struct type_ref *ret)
{
	struct error *err;
	uint8_t address_size = 8;
	Dwarf_Die cu;
	struct type *t;
	uint64_t size;

	t = new_type(ts, TYPE_POINTER, key);
	if (!t)
		return error_nomem();
	if ((err = types_attr_type(ts, die, &t->target)))
		return err;
	if (!types_udata(die, DW_AT_byte_size, &size)) {
		if (dwarf_diecu(die, &cu, &address_size, NULL))
			size = address_size;
		else
			size = 8;
	}
	t->size = size;
	ret->type = t;
	return NULL;
}

/*
 * Qualifying an array qualifies its elements (C99 6.7.3p8), and GDB reads
 * it that way: a copy of the array (of each dimension) whose innermost
 * element carries the qualifiers.  Only const and volatile, as in GDB.
 */
static struct error *qualify_array(struct types *ts, const struct type *arr,
				   unsigned int quals, struct type_ref *ret)
{
	struct type *copy, *inner;

	copy = types_alloc(ts, sizeof(*copy));
	if (!copy)
		return error_nomem();
	*copy = *arr;
	inner = copy;
	while (inner->target.type->kind == TYPE_ARRAY) {
		struct type *next = types_alloc(ts, sizeof(*next));

		if (!next)
			return error_nomem();
		*next = *inner->target.type;
		inner->target.type = next;
		inner = next;
	}
	inner->target.quals |= quals & (TYPE_CONST | TYPE_VOLATILE);
	ret->type = copy;
	ret->quals = quals & ~(TYPE_CONST | TYPE_VOLATILE);
	return NULL;
}

static struct error *build_qualified(struct types *ts, Dwarf_Die *die,
				     unsigned int qual, struct type_ref *ret)
{
	struct error *err;

	if ((err = types_attr_type(ts, die, ret)))
		return err;
	ret->quals |= qual;
	if (ret->type->kind == TYPE_ARRAY && (qual & (TYPE_CONST |
						      TYPE_VOLATILE)))
		return qualify_array(ts, ret->type, ret->quals, ret);
	return NULL;
}

static struct error *build_typedef(struct types *ts, Dwarf_Die *die,
				   uint64_t key, struct type_ref *ret)
{
	struct error *err;
	struct type *t;

	t = new_type(ts, TYPE_TYPEDEF, key);
	if (!t)
		return error_nomem();
	t->name = dwarf_diename(die);
	if ((err = types_attr_type(ts, die, &t->target)))
		return err;
	t->size = types_sizeof(ts, t->target);
	ret->type = t;
	return NULL;
}

static struct error *build_compound(struct types *ts, Dwarf_Die *die,
				    enum type_kind kind, uint64_t key,
				    struct type_ref *ret)
{
	struct error *err;
	struct type *t;
	uint64_t size = 0;

	t = new_type(ts, kind, key);
	if (!t)
		return error_nomem();
	t->name = dwarf_diename(die);
	types_udata(die, DW_AT_byte_size, &size);
	t->size = size;
	if (types_flag(die, DW_AT_declaration)) {
		t->flags |= TYPE_INCOMPLETE;
		t->size = 0;
	}
	if (kind == TYPE_ENUM) {
		if ((err = types_attr_type(ts, die, &t->target)))
			return err;
		if (type_strip_typedefs(t->target).type->flags & TYPE_SIGNED)
			t->flags |= TYPE_SIGNED;
	}
	ret->type = t;
	return NULL;
}

/*
 * One bound of an array dimension.  Returns false when there is none;
 * *variable when it is computed at run time.  GCC writes negative bounds
 * (the -1 upper bound of a zero-length array, in older versions) with the
 * unsigned data forms; like GDB, sign-extend them when the index type is
 * signed.
 */
static bool array_bound(Dwarf_Die *sub, unsigned int name, int64_t *value,
			bool *variable)
{
	Dwarf_Attribute attr, tattr;
	unsigned int form;
	uint64_t size = 0, encoding = 0;
	Dwarf_Die index;

	if (!dwarf_attr(sub, name, &attr))
		return false;
	form = dwarf_whatform(&attr);
	if (!types_is_constant_form(form) || !types_constant(&attr, value)) {
		*variable = true;
		return true;
	}
	if (form == DW_FORM_sdata || form == DW_FORM_implicit_const ||
	    !dwarf_attr(sub, DW_AT_type, &tattr) ||
	    !dwarf_formref_die(&tattr, &index) ||
	    !types_udata(&index, DW_AT_byte_size, &size) ||
	    !types_udata(&index, DW_AT_encoding, &encoding))
		return true;
	if ((encoding == DW_ATE_signed || encoding == DW_ATE_signed_char) &&
	    size > 0 && size < 8 &&
	    ((uint64_t)*value & (UINT64_C(1) << (size * 8 - 1))))
		*value = (int64_t)((uint64_t)*value |
				   ~((UINT64_C(1) << (size * 8)) - 1));
	return true;
}

struct dimension {
	uint64_t count;
	unsigned int flags;
};

static void read_dimension(Dwarf_Die *sub, struct dimension *d)
{
	int64_t low = 0, high = 0, count = 0;
	bool variable = false;

	d->count = 0;
	d->flags = 0;
	array_bound(sub, DW_AT_lower_bound, &low, &variable);
	if (array_bound(sub, DW_AT_count, &count, &variable)) {
		if (count > 0)
			d->count = (uint64_t)count;
	} else if (array_bound(sub, DW_AT_upper_bound, &high, &variable)) {
		if (high >= low)
			d->count = (uint64_t)(high - low) + 1;
	} else {
		d->flags = TYPE_NO_BOUND;
	}
	if (variable) {
		d->flags = TYPE_VARIABLE_LENGTH;
		d->count = 0;
	}
}

static struct error *build_array(struct types *ts, Dwarf_Die *die,
				 uint64_t key, struct type_ref *ret)
{
	struct dimension dims_small[8], *dims = dims_small;
	size_t n = 0, cap = 8, i;
	struct type_ref elem;
	struct error *err;
	Dwarf_Die child;
	uint64_t size;
	int rc;

	if ((err = types_attr_type(ts, die, &elem)))
		return err;
	rc = dwarf_child(die, &child);
	while (rc == 0) {
		int tag = dwarf_tag(&child);

		if (tag == DW_TAG_subrange_type ||
		    tag == DW_TAG_enumeration_type) {
			if (n == cap) {
				struct dimension *nd = malloc(2 * cap *
							      sizeof(*nd));

				if (!nd) {
					err = error_nomem();
					goto out;
				}
				memcpy(nd, dims, n * sizeof(*nd));
				if (dims != dims_small)
					free(dims);
				dims = nd;
				cap *= 2;
			}
			read_dimension(&child, &dims[n++]);
		}
		rc = dwarf_siblingof(&child, &child);
	}
	if (rc < 0) {
		err = types_bad_die(ts, die, "damaged array dimensions");
		goto out;
	}
	if (n == 0) {
		dims[0].count = 0;
		dims[0].flags = TYPE_NO_BOUND;
		n = 1;
	}
	/* int a[2][3] is an array of 2 arrays of 3 ints: build inside out. */
	for (i = n; i-- > 0;) {
		struct type *t = new_type(ts, TYPE_ARRAY, key);

		if (!t) {
			err = error_nomem();
			goto out;
		}
		t->target = elem;
		t->count = dims[i].count;
		t->flags = dims[i].flags;
		t->size = t->count * types_sizeof(ts, elem);
		elem.type = t;
		elem.quals = 0;
	}
	if (types_udata(die, DW_AT_byte_size, &size))
		((struct type *)elem.type)->size = size;
	if (types_flag(die, DW_AT_GNU_vector))
		((struct type *)elem.type)->flags |= TYPE_VECTOR;
	*ret = elem;
out:
	if (dims != dims_small)
		free(dims);
	return err;
}

/* C leaves a function without a prototype "()"; the other languages
 * (assembler units included) have no such thing. */
static bool is_prototyped(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	bool flag = false;
	Dwarf_Die cu;

	if (dwarf_attr_integrate(die, DW_AT_prototyped, &attr) &&
	    !dwarf_formflag(&attr, &flag) && flag)
		return true;
	if (!dwarf_diecu(die, &cu, NULL, NULL))
		return false;
	switch (dwarf_srclang(&cu)) {
	case DW_LANG_C89:
	case DW_LANG_C:
	case DW_LANG_C99:
	case DW_LANG_C11:
	case DW_LANG_C17:
	case DW_LANG_ObjC:
	case DW_LANG_OpenCL:
		return false;
	default:
		return true;
	}
}

/* Only the direct children: those of a function body are its blocks. */
static bool has_child(Dwarf_Die *die, int tag)
{
	Dwarf_Die child;
	int rc = dwarf_child(die, &child);

	while (rc == 0) {
		if (dwarf_tag(&child) == tag)
			return true;
		rc = dwarf_siblingof(&child, &child);
	}
	return false;
}

struct error *types_function_type(struct types *ts, Dwarf_Die *die,
				  const struct type **ret)
{
	struct error *err;
	struct type *t;

	t = new_type(ts, TYPE_FUNCTION, types_die_key(die));
	if (!t)
		return error_nomem();
	t->size = 1;
	if ((err = types_attr_type(ts, die, &t->target)))
		return err;
	if (is_prototyped(die))
		t->flags |= TYPE_PROTOTYPED;
	if (has_child(die, DW_TAG_unspecified_parameters))
		t->flags |= TYPE_VARIADIC;
	*ret = t;
	return NULL;
}

struct error *types_build(struct types *ts, Dwarf_Die *die, uint64_t key,
			  struct type_ref *ret)
{
	const struct type *fn;
	struct type *t;
	struct error *err;
	int tag = dwarf_tag(die);

	ret->quals = 0;
	switch (tag) {
	case DW_TAG_base_type:
		return build_base(ts, die, key, ret);
	case DW_TAG_unspecified_type:
		/* What assembler units give a function's return type. */
		t = new_type(ts, TYPE_VOID, key);
		if (!t)
			return error_nomem();
		t->name = dwarf_diename(die);
		t->size = 1;
		ret->type = t;
		return NULL;
	case DW_TAG_pointer_type:
		return build_pointer(ts, die, key, ret);
	case DW_TAG_const_type:
		return build_qualified(ts, die, TYPE_CONST, ret);
	case DW_TAG_volatile_type:
		return build_qualified(ts, die, TYPE_VOLATILE, ret);
	case DW_TAG_restrict_type:
		return build_qualified(ts, die, TYPE_RESTRICT, ret);
	case DW_TAG_atomic_type:
		return build_qualified(ts, die, TYPE_ATOMIC, ret);
	case DW_TAG_typedef:
		return build_typedef(ts, die, key, ret);
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return build_compound(ts, die, TYPE_STRUCT, key, ret);
	case DW_TAG_union_type:
		return build_compound(ts, die, TYPE_UNION, key, ret);
	case DW_TAG_enumeration_type:
		return build_compound(ts, die, TYPE_ENUM, key, ret);
	case DW_TAG_array_type:
		return build_array(ts, die, key, ret);
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		if ((err = types_function_type(ts, die, &fn)))
			return err;
		ret->type = fn;
		return NULL;
	default:
		return error_create(ERR_UNSUPPORTED,
				    "%s: DWARF DIE at %#" PRIx64
				    " has tag %#x, which is not a C type",
				    ts->path, (uint64_t)dwarf_dieoffset(die),
				    tag);
	}
}
