#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "../arch/arch.h"
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

struct error *kernel_var_size(const struct kernel *k, const char *var,
			      uint64_t *size)
{
	uint64_t off;

	return var_member(k, var, NULL, &off, size);
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

struct error *kernel_read_number(const struct kernel *k, uint64_t addr,
				 size_t size, uint64_t *value)
{
	unsigned char b[8];
	bool big = k->dump->big_endian;
	struct error *err;

	if (!k->vm)
		return error_create(ERR_UNSUPPORTED, "%#" PRIx64 ": no kernel "
				    "virtual memory", addr);
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return error_create(ERR_INVALID, "%#" PRIx64 ": a %zu-byte "
				    "value is not a number", addr, size);
	err = vmem_read(k->vm, addr, b, size);
	if (err)
		return err;
	switch (size) {
	case 1: *value = b[0]; break;
	case 2: *value = get16(b, big); break;
	case 4: *value = get32(b, big); break;
	default: *value = get64(b, big); break;
	}
	return NULL;
}

struct error *kernel_read(const struct kernel *k, uint64_t addr, void *buf,
			  size_t len)
{
	if (!k->vm)
		return error_create(ERR_UNSUPPORTED, "%#" PRIx64 ": no kernel "
				    "virtual memory", addr);
	return vmem_read(k->vm, addr, buf, len);
}

struct error *kernel_read_pointer(const struct kernel *k, uint64_t addr,
				  uint64_t *value)
{
	return kernel_read_number(k, addr, 8, value);
}

struct error *kernel_field(const struct kernel *k, const char *type_name,
			   const char *member, struct kernel_field *f)
{
	struct error *err;

	if (!k->di)
		return error_create(ERR_UNSUPPORTED, "%s.%s: no debug info",
				    type_name, member);
	err = kernel_member(k, type_name, member, &f->offset, &f->size);
	return err ? error_prefix(err, "%s.%s", type_name, member) : NULL;
}

struct error *kernel_type_size(const struct kernel *k, const char *type_name,
			       uint64_t *size)
{
	const struct type *t;
	struct error *err;

	if (!k->di)
		return error_create(ERR_UNSUPPORTED, "%s: no debug info",
				    type_name);
	err = debuginfo_type(k->di, type_name, DWARF_INDEX_STRUCT |
			     DWARF_INDEX_UNION | DWARF_INDEX_TYPEDEF, &t);
	if (err)
		return err;
	t = type_strip_typedefs((struct type_ref){ .type = t }).type;
	t = type_complete(debuginfo_types(k->di), t);
	*size = t->size;
	return NULL;
}

struct error *kernel_bitfield(const struct kernel *k, const char *type_name,
			      const char *member, uint64_t *bit_offset,
			      uint32_t *bit_size)
{
	struct type_member_info mi;
	const struct type *t;
	struct error *err;

	if (!k->di)
		return error_create(ERR_UNSUPPORTED, "%s.%s: no debug info",
				    type_name, member);
	err = debuginfo_type(k->di, type_name, DWARF_INDEX_STRUCT |
			     DWARF_INDEX_UNION | DWARF_INDEX_TYPEDEF, &t);
	if (!err)
		err = type_member_lookup(debuginfo_types(k->di), t, member,
					 &mi);
	if (err)
		return error_prefix(err, "%s.%s", type_name, member);
	*bit_offset = mi.bit_offset;
	*bit_size = mi.bit_size;
	return NULL;
}

struct error *kernel_read_bitfield(const struct kernel *k, uint64_t addr,
				   uint64_t bit_offset, uint32_t bit_size,
				   uint64_t *value)
{
	unsigned char b[8] = { 0 };
	unsigned int shift = (unsigned int)(bit_offset % 8), i, n;
	uint64_t v = 0;
	struct error *err;

	if (!k->vm)
		return error_create(ERR_UNSUPPORTED, "%#" PRIx64 ": no kernel "
				    "virtual memory", addr);
	if (bit_size == 0 || bit_size > 57)
		return error_create(ERR_INVALID, "a %u-bit field is not read "
				    "as a number", bit_size);
	n = (shift + bit_size + 7) / 8;
	err = vmem_read(k->vm, addr + bit_offset / 8, b, n);
	if (err)
		return err;
	/* DWARF counts bits from the first byte's least significant bit on
	 * little-endian machines, from its most significant on big-endian
	 * ones. */
	if (k->dump->big_endian) {
		for (i = 0; i < n; i++)
			v = v << 8 | b[i];
		v >>= n * 8 - shift - bit_size;
	} else {
		for (i = n; i-- > 0;)
			v = v << 8 | b[i];
		v >>= shift;
	}
	*value = v & ((UINT64_C(1) << bit_size) - 1);
	return NULL;
}

bool kernel_field_if(const struct kernel *k, const char *type_name,
		     const char *member, struct kernel_field *f)
{
	struct error *err = kernel_field(k, type_name, member, f);

	error_free(err);
	return !err;
}

bool kernel_has_member(const struct kernel *k, const char *type_name,
		       const char *member)
{
	struct kernel_field f;

	return kernel_field_if(k, type_name, member, &f);
}

struct error *kernel_read_field(const struct kernel *k, uint64_t addr,
				const struct kernel_field *f, uint64_t *value)
{
	return kernel_read_number(k, addr + f->offset, (size_t)f->size, value);
}

struct error *kernel_nr_cpu_ids(const struct kernel *k, unsigned int *n)
{
	uint64_t v;
	struct error *err = kernel_var_number(k, "nr_cpu_ids", NULL, &v);

	if (err)
		return err;
	/* The kernel's own limit (CONFIG_NR_CPUS is at most 8192): a larger
	 * number is damage, not a machine. */
	if (v == 0 || v > 8192)
		return error_create(ERR_FORMAT, "nr_cpu_ids is %" PRIu64 ": "
				    "not a number of cpus", v);
	*n = (unsigned int)v;
	return NULL;
}

struct error *kernel_per_cpu(const struct kernel *k, uint64_t addr,
			     unsigned int cpu, uint64_t *ret)
{
	uint64_t offsets, off;
	struct error *err = kernel_symbol(k, "__per_cpu_offset", &offsets);

	if (!err)
		err = kernel_read_pointer(k, offsets + 8 * (uint64_t)cpu, &off);
	if (err)
		return error_prefix(err, "per-cpu offset of cpu %u", cpu);
	*ret = addr + off;
	return NULL;
}

struct error *kernel_cpu_in_mask(const struct kernel *k, const char *mask_var,
				 unsigned int cpu, bool *set)
{
	uint64_t addr = 0, word = 0;
	struct error *err = kernel_symbol(k, mask_var, &addr);

	if (!err)
		err = kernel_read_number(k, addr + 8 * (uint64_t)(cpu / 64), 8,
					 &word);
	if (err)
		return err;
	*set = (word >> (cpu % 64)) & 1;
	return NULL;
}

struct error *kernel_enumerator(const struct kernel *k, const char *name,
				int64_t *value)
{
	struct dwarf_index_match m;
	const struct type *t;

	if (!k->di || !debuginfo_lookup(k->di, name, DWARF_INDEX_ENUMERATOR,
					&m))
		return error_create(ERR_NOT_FOUND, "no debug info for the "
				    "enumerator %s", name);
	return types_enumerator(debuginfo_types(k->di), debuginfo_die(&m), &t,
				value);
}

struct error *kernel_enumerators(const struct kernel *k, const char *enum_name,
				 const struct type_enumerator **ret, size_t *n)
{
	const struct type *t;
	struct error *err;

	if (!k->di)
		return error_create(ERR_UNSUPPORTED, "enum %s: no debug info",
				    enum_name);
	err = debuginfo_type(k->di, enum_name, DWARF_INDEX_ENUM, &t);
	if (!err) {
		t = type_complete(debuginfo_types(k->di), t);
		err = type_enumerators(debuginfo_types(k->di), t, ret, n);
	}
	return err ? error_prefix(err, "enum %s", enum_name) : NULL;
}

struct error *kernel_direct_map_base(const struct kernel *k, uint64_t *base)
{
	const struct arch_ops *arch;
	uint64_t at;
	struct error *err;

	if (!k->vm)
		return error_create(ERR_UNSUPPORTED, "no kernel virtual memory");
	arch = k->vm->arch;
	if (arch->direct_map_base)
		return arch->direct_map_base(k->vm, base);
	*base = arch->direct_map_default;
	if (!arch->direct_map_symbol || !k->symtab ||
	    kernel_symbol_quiet(k, arch->direct_map_symbol, &at))
		return NULL;
	err = kernel_read_pointer(k, at, base);
	return err ? error_prefix(err, "%s", arch->direct_map_symbol) : NULL;
}
