/* Variables and functions: their types, and where they are. */
#include <dwarf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "type_internal.h"

static struct error *wrong_tag(struct types *ts, Dwarf_Die *die,
			       const char *want)
{
	return error_create(ERR_INVALID,
			    "%s: DWARF DIE at %#" PRIx64 " (%s) is not %s",
			    ts->path, (uint64_t)dwarf_dieoffset(die),
			    dwarf_diename(die) ? dwarf_diename(die) : "unnamed",
			    want);
}

/* Only the DIE's own attribute: a definition points at its declaration
 * with DW_AT_specification, and must not inherit "declaration" from it. */
static bool own_flag(Dwarf_Die *die, unsigned int name)
{
	Dwarf_Attribute attr;
	bool flag = false;

	return dwarf_attr(die, name, &attr) && !dwarf_formflag(&attr, &flag) &&
	       flag;
}

/* A fixed address: the location is exactly DW_OP_addr (or DW_OP_addrx,
 * its DWARF 5 form through .debug_addr). */
static const char *location_address(Dwarf_Attribute *loc, uint64_t *addr)
{
	Dwarf_Attribute result;
	Dwarf_Addr a;
	Dwarf_Op *ops;
	size_t nops;

	if (dwarf_getlocation(loc, &ops, &nops) != 0)
		return "its location is a location list, not a fixed address";
	if (nops != 1)
		return nops ? "its location is computed, not a fixed address"
			    : "its location is empty (optimized out)";
	if (ops[0].atom == DW_OP_addr) {
		*addr = ops[0].number;
		return NULL;
	}
	if ((ops[0].atom == DW_OP_addrx || ops[0].atom == DW_OP_GNU_addr_index)
	    && dwarf_getlocation_attr(loc, &ops[0], &result) == 0 &&
	    dwarf_formaddr(&result, &a) == 0) {
		*addr = a;
		return NULL;
	}
	return "its location is not a fixed address";
}

struct error *types_variable(struct types *ts, uint64_t die_offset,
			     struct type_variable *ret)
{
	Dwarf_Attribute loc;
	struct error *err;
	Dwarf_Die die;

	memset(ret, 0, sizeof(*ret));
	ret->type.type = &ts->void_type;
	if ((err = types_die(ts, die_offset, &die)))
		return err;
	if (dwarf_tag(&die) != DW_TAG_variable)
		return wrong_tag(ts, &die, "a variable");
	ret->name = dwarf_diename(&die);
	ret->declaration = own_flag(&die, DW_AT_declaration);
	if ((err = types_attr_type(ts, &die, &ret->type)))
		return err;
	if (dwarf_attr(&die, DW_AT_location, &loc))
		ret->no_address = location_address(&loc, &ret->address);
	else if (dwarf_hasattr(&die, DW_AT_const_value))
		ret->no_address = "it was optimized into a constant";
	else if (ret->declaration)
		ret->no_address = "this is a declaration, not its definition";
	else
		ret->no_address = "it was optimized out";
	ret->has_address = !ret->no_address;
	return NULL;
}

struct error *type_variable_address(const struct type_variable *v,
				    uint64_t *addr)
{
	if (!v->has_address)
		return error_create(ERR_NOT_FOUND,
				    "variable %s has no address in the debug "
				    "info: %s", v->name ? v->name : "(unnamed)",
				    v->no_address);
	*addr = v->address;
	return NULL;
}

struct error *types_function(struct types *ts, uint64_t die_offset,
			     struct type_function *ret)
{
	struct type_ref ref;
	struct error *err;
	Dwarf_Addr pc;
	Dwarf_Die die;

	memset(ret, 0, sizeof(*ret));
	ret->type = &ts->void_type;
	if ((err = types_die(ts, die_offset, &die)))
		return err;
	if (dwarf_tag(&die) != DW_TAG_subprogram)
		return wrong_tag(ts, &die, "a function");
	ret->name = dwarf_diename(&die);
	ret->declaration = own_flag(&die, DW_AT_declaration);
	if (dwarf_lowpc(&die, &pc) == 0) {
		ret->has_pc = true;
		ret->low_pc = pc;
	}
	/* Cached like any type, under the subprogram's own offset. */
	if ((err = types_from_die(ts, die_offset, &ref)))
		return err;
	ret->type = ref.type;
	return NULL;
}

/*
 * libdw keeps no parent links: walk down from the unit, into the one child
 * whose subtree holds the DIE (siblings are skipped whole, with
 * DW_AT_sibling where the compiler wrote it).
 */
static struct error *find_parent(struct types *ts, Dwarf_Die *die,
				 Dwarf_Die *parent)
{
	Dwarf_Off target = dwarf_dieoffset(die);
	Dwarf_Die child, next;
	int rc, depth;

	if (!dwarf_diecu(die, parent, NULL, NULL))
		return wrong_tag(ts, die, "in a unit");
	for (depth = 0; depth < 64; depth++) {
		rc = dwarf_child(parent, &child);
		while (rc == 0) {
			if (dwarf_dieoffset(&child) == target)
				return NULL;
			rc = dwarf_siblingof(&child, &next);
			if (rc != 0 || dwarf_dieoffset(&next) > target)
				break;
			child = next;
		}
		if (rc < 0 || dwarf_dieoffset(&child) > target)
			break;
		*parent = child;
	}
	return wrong_tag(ts, die, "found under its unit");
}

struct error *types_enumerator(struct types *ts, uint64_t die_offset,
			       const struct type **enum_type, int64_t *value)
{
	Dwarf_Die die, parent;
	Dwarf_Attribute attr;
	struct type_ref ref;
	struct error *err;

	*enum_type = &ts->void_type;
	*value = 0;
	if ((err = types_die(ts, die_offset, &die)))
		return err;
	if (dwarf_tag(&die) != DW_TAG_enumerator)
		return wrong_tag(ts, &die, "an enumerator");
	if (!dwarf_attr(&die, DW_AT_const_value, &attr) ||
	    !types_constant(&attr, value))
		return wrong_tag(ts, &die, "an enumerator with a value");
	if ((err = find_parent(ts, &die, &parent)))
		return err;
	if (dwarf_tag(&parent) != DW_TAG_enumeration_type)
		return wrong_tag(ts, &die, "inside an enum");
	if ((err = types_from_die(ts, types_die_key(&parent), &ref)))
		return err;
	*enum_type = ref.type;
	return NULL;
}
