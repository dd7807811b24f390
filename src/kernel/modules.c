#include <ctype.h>
#include <elf.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dump/dump.h"
#include "../symbols/module_object.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "kernel.h"
#include "modules.h"

/* Bounds on what a sane module has: more is damage, not a module. */
#define MAX_REGION_SIZE (UINT64_C(1) << 30)
#define MAX_SYMBOLS (1u << 20)

/* The members the reader uses, looked up once per read. */
struct layout {
	struct kernel_field list_next;	/* list_head.next */
	uint64_t list_off;		/* module.list */
	struct kernel_field name, state, taints;
	bool has_state, has_taints;
	/* 6.4+ (commit ac3b43283923 "module: replace module_layout with
	 * module_memory"): mem[type].base/size */
	bool mem;
	uint64_t mem_off, mem_elem;
	struct kernel_field mem_base, mem_size;
	struct {
		const char *label;
		int64_t index;
		bool init;
	} types[MODULE_REGIONS_MAX];
	unsigned ntypes;
	/* before: core_layout.base/size (4.5-6.3), module_core/core_size
	 * (older) */
	struct kernel_field core_base, core_size;
	/* kallsyms: mod->kallsyms->{symtab,num_symtab,strtab,typetab} (4.5+)
	 * or the same members in struct module itself (older) */
	bool kallsyms_ptr, has_typetab, has_symbols;
	struct kernel_field kallsyms, symtab, num_symtab, strtab, typetab;
};

/* Look up an optional member: false (and no error) if the kernel has no
 * such member. */
static bool optional_field(const struct kernel *k, const char *type,
			   const char *member, struct kernel_field *f)
{
	struct error *err = kernel_field(k, type, member, f);

	error_free(err);
	return !err;
}

static struct error *find_layout(const struct kernel *k, struct layout *l)
{
	static const char *const mem_types[] = {
		"MOD_TEXT", "MOD_DATA", "MOD_RODATA", "MOD_RO_AFTER_INIT",
		"MOD_INIT_TEXT", "MOD_INIT_DATA", "MOD_INIT_RODATA",
	};
	struct kernel_field f;
	const char *holder;
	struct error *err;
	unsigned i;

	if ((err = kernel_field(k, "list_head", "next", &l->list_next)) ||
	    (err = kernel_field(k, "module", "list", &f)) ||
	    (err = kernel_field(k, "module", "name", &l->name)))
		return err;
	l->list_off = f.offset;
	l->has_state = optional_field(k, "module", "state", &l->state);
	l->has_taints = optional_field(k, "module", "taints", &l->taints);
	l->mem = kernel_has_member(k, "module", "mem");
	if (l->mem) {
		if ((err = kernel_field(k, "module", "mem", &f)) ||
		    (err = kernel_type_size(k, "module_memory", &l->mem_elem)) ||
		    (err = kernel_field(k, "module_memory", "base",
					&l->mem_base)) ||
		    (err = kernel_field(k, "module_memory", "size",
					&l->mem_size)))
			return err;
		l->mem_off = f.offset;
		for (i = 0; i < sizeof(mem_types) / sizeof(*mem_types); i++) {
			int64_t v;
			struct error *e = kernel_enumerator(k, mem_types[i],
							    &v);

			if (e) {
				error_free(e);
				continue;
			}
			if (v < 0 || (uint64_t)(v + 1) * l->mem_elem > f.size)
				continue;
			l->types[l->ntypes].label = mem_types[i] + 4;
			l->types[l->ntypes].index = v;
			l->types[l->ntypes].init = !strncmp(mem_types[i],
							    "MOD_INIT", 8);
			l->ntypes++;
		}
		if (!l->ntypes)
			return error_create(ERR_NOT_FOUND, "struct module has "
					    "mem[] but the debug info names no "
					    "MOD_TEXT");
	} else if (kernel_has_member(k, "module", "core_layout")) {
		if ((err = kernel_field(k, "module", "core_layout.base",
					&l->core_base)) ||
		    (err = kernel_field(k, "module", "core_layout.size",
					&l->core_size)))
			return err;
	} else if ((err = kernel_field(k, "module", "module_core",
				       &l->core_base)) ||
		   (err = kernel_field(k, "module", "core_size",
				       &l->core_size))) {
		return error_prefix(err, "struct module has neither mem[] nor "
				    "core_layout");
	}
	l->kallsyms_ptr = optional_field(k, "module", "kallsyms",
					 &l->kallsyms);
	holder = l->kallsyms_ptr ? "mod_kallsyms" : "module";
	l->has_symbols = optional_field(k, holder, "symtab", &l->symtab) &&
			 optional_field(k, holder, "num_symtab",
					&l->num_symtab) &&
			 optional_field(k, holder, "strtab", &l->strtab);
	l->has_typetab = l->has_symbols &&
			 optional_field(k, holder, "typetab", &l->typetab);
	return NULL;
}

/* Is [addr, addr + len) inside one region of m?  Its index, or -1. */
static int region_of(const struct kmodule *m, uint64_t addr, uint64_t len)
{
	unsigned i;

	for (i = 0; i < m->nregions; i++) {
		const struct module_region *r = &m->regions[i];

		if (addr >= r->base && addr - r->base <= r->size &&
		    len <= r->size - (addr - r->base) &&
		    (len || addr - r->base < r->size))
			return (int)i;
	}
	return -1;
}

static struct error *read_regions(const struct kernel *k,
				  const struct layout *l, struct kmodule *m)
{
	struct error *err;
	uint64_t base, size;
	unsigned i;

	if (!l->mem) {
		if ((err = kernel_read_field(k, m->addr, &l->core_base,
					     &base)) ||
		    (err = kernel_read_field(k, m->addr, &l->core_size, &size)))
			return err;
		if (size > MAX_REGION_SIZE || base + size < base)
			return error_create(ERR_FORMAT, "module %s at %#" PRIx64
					    ": core size %#" PRIx64 " at %#"
					    PRIx64 " is not plausible", m->name,
					    m->addr, size, base);
		m->regions[0] = (struct module_region){ .base = base,
							.size = size };
		m->nregions = 1;
		m->base = base;
		m->size = size;
		return NULL;
	}
	for (i = 0; i < l->ntypes; i++) {
		uint64_t at = m->addr + l->mem_off +
			      (uint64_t)l->types[i].index * l->mem_elem;
		struct module_region *r = &m->regions[m->nregions];

		if ((err = kernel_read_field(k, at, &l->mem_base, &base)) ||
		    (err = kernel_read_field(k, at, &l->mem_size, &size)))
			return err;
		if (size > MAX_REGION_SIZE || base + size < base)
			return error_create(ERR_FORMAT, "module %s at %#" PRIx64
					    ": %s size %#" PRIx64 " at %#"
					    PRIx64 " is not plausible", m->name,
					    m->addr, l->types[i].label, size,
					    base);
		if (!strcmp(l->types[i].label, "TEXT"))
			m->base = base;
		if (!size)
			continue;
		if (!l->types[i].init)
			m->size += size;
		r->base = base;
		r->size = size;
		r->init = l->types[i].init;
		snprintf(r->label, sizeof(r->label), "%s", l->types[i].label);
		m->nregions++;
	}
	return NULL;
}

static int cmp_symbols(const void *a, const void *b)
{
	const struct module_symbol *x = a, *y = b;

	/* at one address, in the kernel's order (the classic crash names an
	 * address with the first of them) */
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The letter for a kallsyms symbol: the kernel's own (typetab, as
 * /proc/kallsyms has it), upper case for global symbols as nm shows them;
 * kernels before typetab kept the letter in st_info. */
static char kallsyms_letter(unsigned char typ, bool has_typetab,
			    unsigned char info)
{
	unsigned bind = ELF64_ST_BIND(info);

	if (has_typetab && isalpha(typ)) {
		if (typ == 'w' || typ == 'v' || bind == STB_GLOBAL)
			return (char)toupper(typ);
		return (char)typ;
	}
	if (!has_typetab && info >= ' ' && info < 0x7f)
		return (char)info;
	if (ELF64_ST_TYPE(info) == STT_FUNC)
		return bind == STB_GLOBAL ? 'T' : 't';
	return '?';
}

static struct error *read_kallsyms(const struct kernel *k,
				   const struct layout *l, struct kmodule *m)
{
	uint64_t holder = m->addr, symtab, num, strtab, typetab = 0;
	unsigned char *syms = NULL, *types = NULL;
	bool big = k->dump->big_endian;
	struct error *err;
	uint64_t strlen_max, i, n = 0;
	int sreg;

	if (!l->has_symbols)
		return error_create(ERR_UNSUPPORTED, "struct module has no "
				    "kallsyms members (CONFIG_KALLSYMS off?)");
	if (l->kallsyms_ptr &&
	    (err = kernel_read_field(k, m->addr, &l->kallsyms, &holder)))
		return err;
	if ((err = kernel_read_field(k, holder, &l->symtab, &symtab)) ||
	    (err = kernel_read_field(k, holder, &l->num_symtab, &num)) ||
	    (err = kernel_read_field(k, holder, &l->strtab, &strtab)) ||
	    (l->has_typetab &&
	     (err = kernel_read_field(k, holder, &l->typetab, &typetab))))
		return err;
	if (num > MAX_SYMBOLS || region_of(m, symtab, num *
					   sizeof(Elf64_Sym)) < 0)
		return error_create(ERR_FORMAT, "kallsyms at %#" PRIx64 ": %"
				    PRIu64 " symbols at %#" PRIx64 " are not "
				    "inside the module", holder, num, symtab);
	sreg = region_of(m, strtab, 1);
	if (sreg < 0 || (l->has_typetab && region_of(m, typetab, num) < 0))
		return error_create(ERR_FORMAT, "kallsyms at %#" PRIx64 ": the "
				    "names (%#" PRIx64 ") or the types (%#"
				    PRIx64 ") are not inside the module",
				    holder, strtab, typetab);
	/* the names run to the end of their region at most */
	strlen_max = m->regions[sreg].base + m->regions[sreg].size - strtab;
	syms = malloc(num * sizeof(Elf64_Sym) + 1);
	types = malloc(num + 1);
	m->kstrtab = malloc(strlen_max + 1);
	m->syms = calloc(num + 1, sizeof(*m->syms));
	if (!syms || !types || !m->kstrtab || !m->syms) {
		err = error_nomem();
		goto out;
	}
	if ((err = kernel_read(k, symtab, syms, num * sizeof(Elf64_Sym))) ||
	    (err = kernel_read(k, strtab, m->kstrtab, strlen_max)) ||
	    (l->has_typetab && (err = kernel_read(k, typetab, types, num))))
		goto out;
	m->kstrtab[strlen_max] = '\0';
	/* entry 0 is the ELF null symbol */
	for (i = 1; i < num; i++) {
		const unsigned char *e = syms + i * sizeof(Elf64_Sym);
		uint32_t name = get32(e + offsetof(Elf64_Sym, st_name), big);
		unsigned char info = e[offsetof(Elf64_Sym, st_info)];
		uint16_t shndx = get16(e + offsetof(Elf64_Sym, st_shndx), big);
		uint64_t value = get64(e + offsetof(Elf64_Sym, st_value), big);
		struct module_symbol *s = &m->syms[n];
		int reg;

		if (shndx == SHN_UNDEF || name >= strlen_max ||
		    !m->kstrtab[name])
			continue;
		/* symbols of freed init memory and per-cpu offsets name no
		 * place in the module */
		reg = region_of(m, value, 0);
		if (reg < 0)
			continue;
		s->name = m->kstrtab + name;
		s->addr = value;
		s->size = get64(e + offsetof(Elf64_Sym, st_size), big);
		s->bind = ELF64_ST_BIND(info);
		s->type = kallsyms_letter(types[i], l->has_typetab, info);
		s->region = (uint8_t)reg;
		s->order = (uint32_t)i;
		n++;
	}
	m->nsyms = n;
	qsort(m->syms, n, sizeof(*m->syms), cmp_symbols);
	m->kallsyms = true;
out:
	free(syms);
	free(types);
	return err;
}

static int cmp_base(const void *a, const void *b)
{
	const struct kmodule *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* The name at addr: a C string within the member's size. */
static struct error *read_name(const struct kernel *k, const struct layout *l,
			       struct kmodule *m)
{
	size_t len = l->name.size < sizeof(m->name) ? l->name.size :
		     sizeof(m->name) - 1;
	struct error *err = kernel_read(k, m->addr + l->name.offset, m->name,
					len);
	size_t i;

	if (err)
		return err;
	m->name[len] = '\0';
	for (i = 0; m->name[i]; i++)
		if (!isprint((unsigned char)m->name[i]))
			return error_create(ERR_FORMAT, "module at %#" PRIx64
					    ": the name is not text", m->addr);
	if (!i)
		return error_create(ERR_FORMAT, "module at %#" PRIx64 ": empty "
				    "name", m->addr);
	return NULL;
}

static struct error *read_module(const struct kernel *k,
				 const struct layout *l, struct kmodule *m)
{
	struct error *err;
	uint64_t state = 0;

	if ((err = read_name(k, l, m)) ||
	    (l->has_state &&
	     (err = kernel_read_field(k, m->addr, &l->state, &state))) ||
	    (l->has_taints &&
	     (err = kernel_read_field(k, m->addr, &l->taints, &m->taints))) ||
	    (err = read_regions(k, l, m)))
		return err;
	m->state = (int64_t)state;
	m->sym_error = read_kallsyms(k, l, m);
	if (m->sym_error)
		error_prefix(m->sym_error, "module %s: no kallsyms", m->name);
	return NULL;
}

static void free_module(struct kmodule *m)
{
	free(m->syms);
	free(m->kstrtab);
	error_free(m->sym_error);
	module_object_close(m->object);
}

struct error *modules_read(const struct kernel *k, struct module_list **ret)
{
	struct module_list *ml;
	struct layout l = { 0 };
	uint64_t head, next;
	struct error *err;
	size_t cap = 0;

	*ret = NULL;
	if ((err = kernel_symbol(k, "modules", &head)))
		return error_prefix(err, "the module list");
	if ((err = find_layout(k, &l)))
		return error_prefix(err, "the module list");
	ml = calloc(1, sizeof(*ml));
	if (!ml)
		return error_nomem();
	ml->regions_named = l.mem;
	ml->has_taints = l.has_taints;
	err = kernel_read_field(k, head, &l.list_next, &next);
	if (err) {
		ml->walk_error = error_prefix(err, "modules (list head at %#"
					      PRIx64 ")", head);
		goto done;
	}
	while (next != head) {
		struct kmodule *m;
		size_t i;

		if (ml->n == MODULES_MAX) {
			ml->walk_error = error_create(ERR_FORMAT, "modules: "
						      "the list does not end "
						      "after %d entries",
						      MODULES_MAX);
			break;
		}
		for (i = 0; i < ml->n; i++)
			if (ml->mods[i].addr == next - l.list_off)
				break;
		if (i < ml->n) {
			ml->walk_error = error_create(ERR_FORMAT, "modules: "
						      "the list runs in a "
						      "circle at %#" PRIx64
						      " (module %s) without "
						      "coming back to its head "
						      "%#" PRIx64, next,
						      ml->mods[i].name, head);
			break;
		}
		if (ml->n == cap) {
			struct kmodule *bigger;

			cap = cap ? 2 * cap : 16;
			bigger = realloc(ml->mods, cap * sizeof(*bigger));
			if (!bigger) {
				ml->walk_error = error_nomem();
				break;
			}
			ml->mods = bigger;
		}
		m = &ml->mods[ml->n];
		memset(m, 0, sizeof(*m));
		m->addr = next - l.list_off;
		err = read_module(k, &l, m);
		if (!err)
			err = kernel_read_field(k, next, &l.list_next, &next);
		if (err) {
			ml->walk_error = error_prefix(err, "modules: the "
						      "module at %#" PRIx64
						      " (list entry %zu)",
						      m->addr, ml->n + 1);
			free_module(m);
			break;
		}
		ml->n++;
	}
done:
	if (ml->n)	/* mods is NULL when the first read failed */
		qsort(ml->mods, ml->n, sizeof(*ml->mods), cmp_base);
	*ret = ml;
	return NULL;
}

void modules_free(struct module_list *ml)
{
	size_t i;

	if (!ml)
		return;
	for (i = 0; i < ml->n; i++)
		free_module(&ml->mods[i]);
	free(ml->mods);
	error_free(ml->walk_error);
	free(ml);
}

struct kmodule *modules_find(const struct module_list *ml, const char *name)
{
	size_t i;

	for (i = 0; i < ml->n; i++)
		if (!strcmp(ml->mods[i].name, name))
			return &ml->mods[i];
	return NULL;
}

const struct kmodule *modules_at(const struct module_list *ml, uint64_t addr,
				 unsigned *region)
{
	size_t i;

	for (i = 0; i < ml->n; i++) {
		int r = region_of(&ml->mods[i], addr, 0);

		if (r >= 0) {
			if (region)
				*region = (unsigned)r;
			return &ml->mods[i];
		}
	}
	return NULL;
}

const struct module_symbol *modules_lookup_addr(const struct module_list *ml,
						uint64_t addr,
						const struct kmodule **mod,
						uint64_t *off)
{
	const struct kmodule *m;
	const struct module_symbol *s;
	size_t lo = 0, hi;
	unsigned r;

	m = modules_at(ml, addr, &r);
	if (!m)
		return NULL;
	hi = m->nsyms;
	/* the first symbol above addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &m->syms[lo - 1];
	/* the first of several at addr itself, the last of those below it,
	 * as the classic crash names them (cleanup_module's alias is named
	 * at its entry, cleanup_module inside it) */
	while (s->addr == addr && s > m->syms && s[-1].addr == s->addr)
		s--;
	if (s->region != r)
		return NULL;
	if (mod)
		*mod = m;
	if (off)
		*off = addr - s->addr;
	return s;
}

/* name is base with a compiler's clone suffix: base.isra.N, base.part.N,
 * base.constprop.N, base.llvm.N */
static bool is_clone(const char *name, const char *base)
{
	static const char *const suffixes[] = { ".isra.", ".part.",
						".constprop.", ".llvm." };
	size_t n = strlen(base), i;

	if (strncmp(name, base, n) || name[n] != '.')
		return false;
	for (i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++)
		if (!strncmp(name + n, suffixes[i], strlen(suffixes[i])))
			return true;
	return false;
}

const struct module_symbol *modules_name_first(const struct module_list *ml,
					       const char *name, bool clones,
					       struct modules_name_iter *it)
{
	it->clones = clones;
	it->ml = ml;
	it->name = name;
	it->m = 0;
	it->i = 0;
	it->mod = NULL;
	return modules_name_next(it);
}

const struct module_symbol *modules_name_next(struct modules_name_iter *it)
{
	for (; it->m < it->ml->n; it->m++, it->i = 0) {
		const struct kmodule *m = &it->ml->mods[it->m];

		while (it->i < m->nsyms) {
			const struct module_symbol *s = &m->syms[it->i++];

			if (!strcmp(s->name, it->name) ||
			    (it->clones && is_clone(s->name, it->name))) {
				it->mod = m;
				return s;
			}
		}
	}
	return NULL;
}

struct error *modules_taint_string(const struct kernel *k, uint64_t taints,
				   char *buf, size_t size)
{
	struct kernel_field c_true, module;
	unsigned char table[64 * 8];
	uint64_t elem;
	size_t got = 0, i, n = 0;
	struct error *err;

	if (!size)
		return error_create(ERR_INVALID, "no room for taints");
	/* taint_flags[]: { c_true, c_false, module } per bit (4.9+) */
	err = kernel_type_size(k, "taint_flag", &elem);
	if (!err)
		err = kernel_field(k, "taint_flag", "c_true", &c_true);
	if (!err)
		err = kernel_field(k, "taint_flag", "module", &module);
	if (!err)
		err = kernel_read_var(k, "taint_flags", NULL, table,
				      sizeof(table), &got);
	if (err || !elem || elem > 64) {
		error_free(err);
		snprintf(buf, size, "%" PRIx64, taints);
		return NULL;
	}
	for (i = 0; i < 64 && (i + 1) * elem <= got; i++) {
		const unsigned char *f = table + i * elem;

		if (!((taints >> i) & 1))
			continue;
		if (n + 1 < size)
			buf[n++] = module.offset < elem && f[module.offset] ?
				   (char)f[c_true.offset] : '?';
	}
	/* bits the table does not name still show */
	if (got / elem < 64 && taints >> (got / elem))
		n += snprintf(buf + n, size - n, "(%" PRIx64 ")",
			      taints >> (got / elem) << (got / elem));
	if (n >= size)
		n = size - 1;
	buf[n] = '\0';
	return NULL;
}

/* A unique kallsyms symbol of m named name (an anchor), or NULL. */
static const struct module_symbol *unique_named(const struct kmodule *m,
						const char *name)
{
	const struct module_symbol *found = NULL;
	size_t i;

	for (i = 0; i < m->nsyms; i++)
		if (!strcmp(m->syms[i].name, name)) {
			if (found)
				return NULL;
			found = &m->syms[i];
		}
	return found;
}

struct error *modules_add_object(struct kmodule *m, struct module_object *o,
				 size_t *added)
{
	uint64_t *place = NULL;
	bool *placed = NULL;
	struct module_symbol *syms;
	uint32_t maxsec = 0;
	size_t i, n = 0, placed_count = 0;

	*added = 0;
	if (strcmp(o->name, m->name))
		return error_create(ERR_INVALID, "%s is the module %s, not %s",
				    o->path, o->name, m->name);
	for (i = 0; i < o->nsyms; i++)
		if (o->syms[i].section > maxsec)
			maxsec = o->syms[i].section;
	place = calloc(maxsec + 1, sizeof(*place));
	placed = calloc(maxsec + 1, sizeof(*placed));
	syms = realloc(m->syms, (m->nsyms + o->nsyms + 1) * sizeof(*syms));
	if (!place || !placed || !syms) {
		free(place);
		free(placed);
		if (syms)
			m->syms = syms;
		return error_nomem();
	}
	m->syms = syms;
	/* where the kernel put each section: found through a symbol both
	 * name (sections the kernel freed, .init.*, stay unplaced) */
	for (i = 0; i < o->nsyms; i++) {
		const struct module_object_symbol *os = &o->syms[i];
		const struct module_symbol *ks;

		if (placed[os->section])
			continue;
		ks = unique_named(m, os->name);
		if (ks && ks->addr >= os->value) {
			place[os->section] = ks->addr - os->value;
			placed[os->section] = true;
			placed_count++;
		}
	}
	if (!placed_count) {
		free(place);
		free(placed);
		return error_create(ERR_NOT_FOUND, "%s: none of its symbols is "
				    "among the kernel's symbols of %s: cannot "
				    "tell where its sections lie", o->path,
				    m->name);
	}
	for (i = 0; i < o->nsyms; i++) {
		const struct module_object_symbol *os = &o->syms[i];
		uint64_t addr = place[os->section] + os->value;
		struct module_symbol *ks = NULL;
		size_t j;
		int reg;

		if (!placed[os->section] || (reg = region_of(m, addr, 0)) < 0)
			continue;
		for (j = 0; j < m->nsyms; j++)
			if (m->syms[j].addr == addr &&
			    !strcmp(m->syms[j].name, os->name)) {
				ks = &m->syms[j];
				break;
			}
		if (ks) {
			/* the file knows the section's kind, as nm */
			ks->type = os->type;
			if (!ks->size)
				ks->size = os->size;
			continue;
		}
		m->syms[m->nsyms + n] = (struct module_symbol){
			.name = os->name, .addr = addr, .size = os->size,
			.type = os->type, .bind = os->bind,
			.region = (uint8_t)reg,
			.order = (uint32_t)(MAX_SYMBOLS + i),
		};
		n++;
	}
	m->nsyms += n;
	qsort(m->syms, m->nsyms, sizeof(*m->syms), cmp_symbols);
	free(place);
	free(placed);
	module_object_close(m->object);
	m->object = o;
	*added = n;
	return NULL;
}
