#include <stdbool.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../symbols/debuginfo.h"
#include "../symbols/symtab.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "kernel.h"

struct error *kernel_symbol(const struct kernel *k, const char *name,
			    uint64_t *addr)
{
	const struct symbol *sym;

	if (!k->symtab)
		return error_create(ERR_NOT_FOUND, "%s: no symbols", name);
	sym = symtab_lookup_name(k->symtab, name);
	if (!sym)
		return error_create(ERR_NOT_FOUND, "symbol not found: %s",
				    name);
	*addr = sym->addr;
	return NULL;
}

int kernel_symbol_quiet(const struct kernel *k, const char *name,
			uint64_t *addr)
{
	struct error *err = kernel_symbol(k, name, addr);

	error_free(err);
	return err != NULL;
}

struct error *kernel_member(const struct kernel *k, const char *type_name,
			    const char *member, uint64_t *offset,
			    uint64_t *size)
{
	struct type_member_info mi;
	const struct type *t;
	struct error *err;

	err = debuginfo_type(k->di, type_name, DWARF_INDEX_STRUCT |
			     DWARF_INDEX_UNION | DWARF_INDEX_TYPEDEF, &t);
	if (!err)
		err = type_member_lookup(debuginfo_types(k->di), t, member,
					 &mi);
	if (err)
		return err;
	*offset = mi.offset;
	*size = mi.size;
	return NULL;
}

/* The offset and size of member in the type of variable var. */
static struct error *var_member(const struct kernel *k, const char *var,
				const char *member, uint64_t *offset,
				uint64_t *size)
{
	struct dwarf_index_match m;
	struct type_variable v;
	struct type_member_info mi;
	struct error *err;

	if (!debuginfo_lookup(k->di, var, DWARF_INDEX_VARIABLE, &m))
		return error_create(ERR_NOT_FOUND, "no debug info for the "
				    "variable %s", var);
	err = types_variable(debuginfo_types(k->di), debuginfo_die(&m), &v);
	if (err)
		return err;
	if (!member) {
		*offset = 0;
		*size = v.type.type->size;
		return NULL;
	}
	err = type_member_lookup(debuginfo_types(k->di),
				 type_strip_typedefs(v.type).type, member, &mi);
	if (err)
		return err;
	*offset = mi.offset;
	*size = mi.size;
	return NULL;
}

struct error *kernel_read_var(const struct kernel *k, const char *var,
			      const char *member, void *buf, size_t len,
			      size_t *got)
{
	uint64_t addr, off = 0, size = 0;
	struct error *err;

	if (!k->vm)
		return error_create(ERR_UNSUPPORTED, "%s: no kernel virtual "
				    "memory", var);
	err = kernel_symbol(k, var, &addr);
	if (!err)
		err = var_member(k, var, member, &off, &size);
	if (err)
		return err;
	if (size < len)
		len = (size_t)size;
	if (got)
		*got = len;
	return vmem_read(k->vm, addr + off, buf, len);
}

struct error *kernel_var_number(const struct kernel *k, const char *var,
				const char *member, uint64_t *value)
{
	unsigned char b[8] = { 0 };
	size_t got;
	struct error *err = kernel_read_var(k, var, member, b, sizeof(b),
					    &got);
	bool big = k->dump->big_endian;

	if (err)
		return err;
	switch (got) {
	case 1: *value = b[0]; break;
	case 2: *value = get16(b, big); break;
	case 4: *value = get32(b, big); break;
	case 8: *value = get64(b, big); break;
	default:
		return error_create(ERR_INVALID, "%s%s%s is %zu bytes: not a "
				    "number", var, member ? "." : "",
				    member ? member : "", got);
	}
	return NULL;
}
