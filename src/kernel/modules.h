/*
 * The loaded kernel modules: the kernel's `modules` list, each module's
 * memory (one core area up to 6.3, the mem[] regions TEXT, DATA, RODATA,
 * ... from 6.4: the debug info says which), its taints, and its symbols
 * from the module's own kallsyms copy (mod->kallsyms), so that addresses
 * inside modules have names.  A module's object file (.ko) can add the
 * symbols kallsyms lacks and nm's letters (modules_add_object()).
 *
 * The walk is bounded: a list that does not come back to its head, points
 * into nowhere or holds implausible sizes ends the walk with an error
 * naming the address, keeping the modules read before it.
 */
#ifndef CRASH_MODULES_H
#define CRASH_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;
struct module_object;

#define MODULES_MAX 4096	/* more is a damaged list, not a system */
#define MODULE_REGIONS_MAX 8

struct module_region {
	uint64_t base, size;
	/* "TEXT", "DATA", "RODATA", "RO_AFTER_INIT", ... (6.4+); "" for the
	 * single core area of older kernels */
	char label[24];
	bool init;		/* freed when the module finished loading */
};

struct module_symbol {
	const char *name;
	uint64_t addr, size;
	char type;		/* nm letter: t T d D r R b B ... */
	uint8_t bind;		/* STB_* */
	uint8_t region;		/* index into the module's regions */
	uint32_t order;		/* as the kernel (or the .ko) lists them */
};

struct kmodule {
	uint64_t addr;		/* the struct module */
	char name[64];
	int64_t state;		/* enum module_state */
	uint64_t taints;
	/* What mod shows: the text (core) base and the size of the core
	 * regions (init ones are freed once the module is loaded). */
	uint64_t base, size;
	struct module_region regions[MODULE_REGIONS_MAX];
	unsigned nregions;
	struct module_symbol *syms;	/* by address, then kernel order */
	size_t nsyms;
	bool kallsyms;		/* the symbols came from the kernel's copy */
	/* Why the kernel's copy gave no symbols (NULL if it did). */
	struct error *sym_error;
	char *kstrtab;		/* the names of the kallsyms symbols */
	struct module_object *object;	/* loaded with mod -s / -S */
};

struct module_list {
	struct kmodule *mods;	/* by base address */
	size_t n;
	bool regions_named;	/* mem[] regions (6.4+) */
	bool has_taints;	/* struct module has taints */
	/* The list broke off (a bad pointer, a cycle): the modules above are
	 * those read before. */
	struct error *walk_error;
};

/* Read the module list.  An error only if nothing can be read at all (no
 * `modules` symbol, no debug info for struct module); a list that breaks
 * off later is in walk_error. */
struct error *modules_read(const struct kernel *k, struct module_list **ret);
void modules_free(struct module_list *ml);

struct kmodule *modules_find(const struct module_list *ml, const char *name);

/* The module and region holding addr; NULL if no module's memory does. */
const struct kmodule *modules_at(const struct module_list *ml, uint64_t addr,
				 unsigned *region);

/* The symbol naming addr: the nearest at or below it in the same module
 * region; *off = addr - its address.  Of several at one address, the
 * first names that address, the last the bytes after it (as in the
 * classic crash).  NULL if none. */
const struct module_symbol *modules_lookup_addr(const struct module_list *ml,
						uint64_t addr,
						const struct kmodule **mod,
						uint64_t *off);

/* Every module symbol named name (with clones, also gcc's and clang's
 * copies of a function: name.isra.N, name.part.N, name.constprop.N,
 * name.llvm.N), module by module, by address:
 *	for (s = modules_name_first(ml, name, false, &it); s;
 *	     s = modules_name_next(&it))
 * it.mod is the module of the symbol returned. */
struct modules_name_iter {
	const struct module_list *ml;
	const char *name;
	bool clones;
	size_t m, i;
	const struct kmodule *mod;
};
const struct module_symbol *modules_name_first(const struct module_list *ml,
					       const char *name, bool clones,
					       struct modules_name_iter *it);
const struct module_symbol *modules_name_next(struct modules_name_iter *it);

/* The taint letters of a module's taints bits, as the kernel shows them in
 * /proc/modules (from its taint_flags table); the bits in hexadecimal if
 * the kernel has no such table. */
struct error *modules_taint_string(const struct kernel *k, uint64_t taints,
				   char *buf, size_t size);

/*
 * Take the symbols of object file o for module m (m then owns o): each
 * section of o is placed where a symbol of it that the kernel's kallsyms
 * also names lies; the symbols of placed sections that kallsyms lacks are
 * added, and those it has take nm's letter from the file.  ERR_INVALID if
 * o is another module; ERR_NOT_FOUND if no section could be placed.
 */
struct error *modules_add_object(struct kmodule *m, struct module_object *o,
				 size_t *added);

#endif
