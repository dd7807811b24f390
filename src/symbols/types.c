/*
 * The type cache: types by DIE offset, memory, and the DWARF attribute
 * helpers the other type_*.c files share (see types.h).
 *
 * libdw decodes the DIEs.  It is opened with dwarf_begin_elf() over the
 * caller's Elf rather than with our own dwarf_begin() on a new descriptor:
 * the vmlinux is already mapped once by vmlinux_open(), and sharing its Elf
 * means one mapping, and one inflated copy of any compressed section, for
 * the symbol table, the name index and the types.  libdw itself reads
 * nothing up front; it finds a unit's header when a DIE in it is first
 * asked for.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "type_internal.h"

/* Deeper than any declarator a compiler writes; reached only through a
 * reference cycle in damaged DWARF. */
#define MAX_DEPTH 256

struct types_arena_chunk {
	struct types_arena_chunk *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

#define ARENA_CHUNK 65536

void *types_alloc(struct types *ts, size_t size)
{
	struct types_arena_chunk *c;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (size > ARENA_CHUNK / 4) {
		/* A big list gets a chunk of its own behind the current one,
		 * so the current chunk keeps filling up. */
		c = calloc(1, sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		if (ts->arena) {
			c->next = ts->arena->next;
			ts->arena->next = c;
		} else {
			c->next = NULL;
			ts->arena = c;
			ts->arena_used = size;
		}
		return c->data;
	}
	if (!ts->arena || ts->arena_used + size > ts->arena->size) {
		c = calloc(1, sizeof(*c) + ARENA_CHUNK);
		if (!c)
			return NULL;
		c->size = ARENA_CHUNK;
		c->next = ts->arena;
		ts->arena = c;
		ts->arena_used = 0;
	}
	p = ts->arena->data + ts->arena_used;
	ts->arena_used += size;
	return p;
}

/* The cache: DIE key -> type_ref. */

#define EMPTY_KEY UINT64_MAX

static size_t slot_of(uint64_t key, size_t cap)
{
	return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 20) &
	       (cap - 1);
}

static const struct type_ref *cache_find(const struct types *ts,
					 uint64_t key)
{
	size_t i;

	if (!ts->cap)
		return NULL;
	for (i = slot_of(key, ts->cap); ts->keys[i] != EMPTY_KEY;
	     i = (i + 1) & (ts->cap - 1))
		if (ts->keys[i] == key)
			return &ts->refs[i];
	return NULL;
}

static struct error *cache_grow(struct types *ts)
{
	size_t cap = ts->cap ? ts->cap * 2 : 1024, i, j;
	uint64_t *keys = malloc(cap * sizeof(*keys));
	struct type_ref *refs = malloc(cap * sizeof(*refs));

	if (!keys || !refs) {
		free(keys);
		free(refs);
		return error_nomem();
	}
	for (i = 0; i < cap; i++)
		keys[i] = EMPTY_KEY;
	for (i = 0; i < ts->cap; i++) {
		if (ts->keys[i] == EMPTY_KEY)
			continue;
		for (j = slot_of(ts->keys[i], cap); keys[j] != EMPTY_KEY;
		     j = (j + 1) & (cap - 1))
			;
		keys[j] = ts->keys[i];
		refs[j] = ts->refs[i];
	}
	free(ts->keys);
	free(ts->refs);
	ts->keys = keys;
	ts->refs = refs;
	ts->cap = cap;
	return NULL;
}

static struct error *cache_add(struct types *ts, uint64_t key,
			       struct type_ref ref)
{
	struct error *err;
	size_t i;

	if ((ts->count + 1) * 4 > ts->cap * 3 && (err = cache_grow(ts)))
		return err;
	for (i = slot_of(key, ts->cap); ts->keys[i] != EMPTY_KEY;
	     i = (i + 1) & (ts->cap - 1))
		if (ts->keys[i] == key)
			break;
	if (ts->keys[i] == EMPTY_KEY)
		ts->count++;
	ts->keys[i] = key;
	ts->refs[i] = ref;
	return NULL;
}

/* Opening and closing. */

struct error *types_open(Elf *elf, const char *path, struct types **ret)
{
	struct types *ts;
	const char *ident;

	*ret = NULL;
	ts = calloc(1, sizeof(*ts));
	if (!ts)
		return error_nomem();
	ts->path = strdup(path);
	if (!ts->path) {
		free(ts);
		return error_nomem();
	}
	ts->dwarf = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!ts->dwarf) {
		struct error *err = error_create(
			ERR_NOT_FOUND, "%s has no usable DWARF debug info: %s",
			path, dwarf_errmsg(-1));
		free(ts->path);
		free(ts);
		return err;
	}
	ident = elf_getident(elf, NULL);
	ts->big_endian = ident && ident[EI_DATA] == ELFDATA2MSB;
	ts->void_type.kind = TYPE_VOID;
	ts->void_type.name = "void";
	ts->void_type.size = 1;
	ts->void_type.die = EMPTY_KEY;
	ts->void_type.target.type = &ts->void_type;
	*ret = ts;
	return NULL;
}

void types_close(struct types *ts)
{
	struct types_arena_chunk *c, *next;

	if (!ts)
		return;
	for (c = ts->arena; c; c = next) {
		next = c->next;
		free(c);
	}
	free(ts->keys);
	free(ts->refs);
	dwarf_end(ts->dwarf);
	free(ts->path);
	free(ts);
}

void types_set_resolver(struct types *ts, types_resolve_fn fn, void *arg)
{
	ts->resolve = fn;
	ts->resolve_arg = arg;
}

void types_get_stats(const struct types *ts, struct types_stats *ret)
{
	*ret = ts->stats;
	ret->cached = ts->count;
}

/* DIEs. */

struct error *types_die(struct types *ts, uint64_t key, Dwarf_Die *die)
{
	bool in_types = key & TYPES_DEBUG_TYPES;
	uint64_t off = key & ~TYPES_DEBUG_TYPES;
	Dwarf_Die *d;

	d = in_types ? dwarf_offdie_types(ts->dwarf, off, die)
		     : dwarf_offdie(ts->dwarf, off, die);
	if (!d)
		return error_create(ERR_FORMAT,
				    "%s: no DWARF DIE at %s offset %#" PRIx64
				    ": %s", ts->path,
				    in_types ? ".debug_types" : ".debug_info",
				    off, dwarf_errmsg(-1));
	return NULL;
}

uint64_t types_die_key(Dwarf_Die *die)
{
	uint64_t key = dwarf_dieoffset(die);
	Dwarf_Half version;
	uint8_t unit_type;

	/* DWARF 5 keeps type units in .debug_info; only DWARF 4 type units
	 * live in a section of their own, with offsets of their own. */
	if (dwarf_cu_info(die->cu, &version, &unit_type, NULL, NULL, NULL,
			  NULL, NULL) == 0 &&
	    version < 5 && unit_type == DW_UT_type)
		key |= TYPES_DEBUG_TYPES;
	return key;
}

struct error *types_bad_die(struct types *ts, Dwarf_Die *die,
			     const char *what)
{
	return error_create(ERR_FORMAT, "%s: DWARF DIE at %#" PRIx64 ": %s",
			    ts->path, (uint64_t)dwarf_dieoffset(die), what);
}

const char *types_describe(const struct type *t, char *buf, size_t size)
{
	static const char *const kinds[] = {
		[TYPE_VOID] = "void", [TYPE_INT] = "integer type",
		[TYPE_BOOL] = "boolean type", [TYPE_FLOAT] = "float type",
		[TYPE_POINTER] = "pointer type", [TYPE_ARRAY] = "array type",
		[TYPE_STRUCT] = "struct", [TYPE_UNION] = "union",
		[TYPE_ENUM] = "enum", [TYPE_TYPEDEF] = "typedef",
		[TYPE_FUNCTION] = "function type",
	};
	const char *kind = t->kind <= TYPE_FUNCTION && kinds[t->kind] ?
			   kinds[t->kind] : "type";

	if (t->name && (t->kind == TYPE_INT || t->kind == TYPE_BOOL ||
			t->kind == TYPE_FLOAT || t->kind == TYPE_VOID))
		snprintf(buf, size, "%s", t->name);
	else if (t->name)
		snprintf(buf, size, "%s %s", kind, t->name);
	else
		snprintf(buf, size, "(anonymous %s)", kind);
	return buf;
}

/* Attribute values. */

bool types_is_constant_form(unsigned int form)
{
	switch (form) {
	case DW_FORM_data1:
	case DW_FORM_data2:
	case DW_FORM_data4:
	case DW_FORM_data8:
	case DW_FORM_sdata:
	case DW_FORM_udata:
	case DW_FORM_implicit_const:
		return true;
	default:
		return false;
	}
}

/*
 * A constant the way GDB reads it: the fixed-size data forms are
 * zero-extended (DWARF does not say whether they are signed; GCC writes
 * DW_FORM_sdata for negative values), sdata and implicit_const are
 * signed.
 */
bool types_constant(Dwarf_Attribute *attr, int64_t *value)
{
	Dwarf_Sword s;
	Dwarf_Word u;

	switch (dwarf_whatform(attr)) {
	case DW_FORM_sdata:
	case DW_FORM_implicit_const:
		if (dwarf_formsdata(attr, &s))
			return false;
		*value = s;
		return true;
	case DW_FORM_data1:
	case DW_FORM_data2:
	case DW_FORM_data4:
	case DW_FORM_data8:
	case DW_FORM_udata:
		if (dwarf_formudata(attr, &u))
			return false;
		*value = (int64_t)u;
		return true;
	default:
		return false;
	}
}

bool types_udata(Dwarf_Die *die, unsigned int name, uint64_t *value)
{
	Dwarf_Attribute attr;
	Dwarf_Word u;

	if (!dwarf_attr_integrate(die, name, &attr) ||
	    dwarf_formudata(&attr, &u))
		return false;
	*value = u;
	return true;
}

bool types_flag(Dwarf_Die *die, unsigned int name)
{
	Dwarf_Attribute attr;
	bool flag = false;

	return dwarf_attr(die, name, &attr) && !dwarf_formflag(&attr, &flag) &&
	       flag;
}

struct error *types_attr_type(struct types *ts, Dwarf_Die *die,
			      struct type_ref *ret)
{
	Dwarf_Attribute attr;
	Dwarf_Die target;

	if (!dwarf_attr_integrate(die, DW_AT_type, &attr)) {
		ret->type = &ts->void_type;
		ret->quals = 0;
		return NULL;
	}
	if (!dwarf_formref_die(&attr, &target))
		return types_bad_die(ts, die, "bad DW_AT_type reference");
	return types_ref_from_die(ts, &target, ret);
}

struct type_ref type_strip_typedefs(struct type_ref t)
{
	unsigned int quals = t.quals;
	int n = 0;

	while (t.type->kind == TYPE_TYPEDEF && n++ < MAX_DEPTH) {
		t = t.type->target;
		quals |= t.quals;
	}
	t.quals = quals;
	return t;
}

const struct type *type_complete(struct types *ts, const struct type *t)
{
	struct type *mt = (struct type *)t;
	struct type_ref ref;
	struct error *err;
	uint64_t off;

	if (!(t->flags & TYPE_INCOMPLETE) || !t->name || !ts->resolve)
		return t;
	/* list caches the answer, NULL meaning "asked, none found". */
	if (t->listed)
		return t->list ? t->list : t;
	mt->listed = true;
	err = ts->resolve(ts->resolve_arg, t->name, t->kind, &off);
	if (err) {
		error_free(err);
		return t;
	}
	err = types_from_die(ts, off, &ref);
	if (err) {
		error_free(err);
		return t;
	}
	if (ref.type->kind != t->kind || (ref.type->flags & TYPE_INCOMPLETE))
		return t;
	mt->list = ref.type;
	return ref.type;
}

uint64_t types_sizeof(struct types *ts, struct type_ref ref)
{
	const struct type *t = type_strip_typedefs(ref).type;

	return type_complete(ts, t)->size;
}

struct error *types_ref_from_die(struct types *ts, Dwarf_Die *die,
				 struct type_ref *ret)
{
	uint64_t key = types_die_key(die);
	const struct type_ref *hit = cache_find(ts, key);
	struct error *err;

	if (hit) {
		*ret = *hit;
		return NULL;
	}
	if (ts->depth >= MAX_DEPTH)
		return types_bad_die(ts, die, "type references nest too "
				     "deeply (a reference cycle?)");
	ts->depth++;
	if (dwarf_hasattr(die, DW_AT_signature)) {
		/* A stub that stands for a type in a type unit (DWARF 4
		 * -fdebug-types-section): the type is over there. */
		Dwarf_Attribute attr;
		Dwarf_Die target;

		if (!dwarf_attr(die, DW_AT_signature, &attr) ||
		    !dwarf_formref_die(&attr, &target))
			err = types_bad_die(ts, die,
					    "type unit signature not found");
		else
			err = types_ref_from_die(ts, &target, ret);
	} else {
		err = types_build(ts, die, key, ret);
	}
	ts->depth--;
	if (err)
		return err;
	return cache_add(ts, key, *ret);
}

struct error *types_from_die(struct types *ts, uint64_t die_offset,
			     struct type_ref *ret)
{
	struct error *err;
	Dwarf_Die die;

	ret->type = &ts->void_type;
	ret->quals = 0;
	if ((err = types_die(ts, die_offset, &die)))
		return err;
	return types_ref_from_die(ts, &die, ret);
}

struct Dwarf *types_dwarf(struct types *ts)
{
	return ts->dwarf;
}
