/*
 * The vmlinux ELF symbol table (.symtab) as a kernel engineer knows it from
 * System.map and nm: functions, objects, untyped labels and absolute values
 * with names, each with an nm type letter.  Section and file symbols, empty
 * names, assembler local labels (.L*) and mapping symbols ($x, $d) are left
 * out, and so are symbols of non-allocated sections (they have no address
 * in the kernel).
 *
 * Lookups answer in runtime addresses once symtab_set_offset() has been
 * given the relocation (KASLR) offset.  Symbols that do not move with the
 * kernel image keep their value: absolute numbers (text_size) and the
 * per-cpu variables of a zero-based per-cpu area (.data..percpu at address
 * 0, as on x86_64), which are offsets, not addresses.  Absolute symbols
 * whose value lies inside the image (x86_64's init_per_cpu__*) and
 * .data..percpu symbols placed at the area's load address in the image
 * (__per_cpu_load) do move.
 *
 * Names point into the vmlinux mapping: a symtab must be freed before the
 * vmlinux it was loaded from is closed.
 */
#ifndef CRASH_SYMTAB_H
#define CRASH_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct vmlinux;
struct symtab;

struct symbol {
	const char *name;
	uint64_t addr;		/* runtime: link-time + offset unless fixed */
	uint64_t size;		/* st_size; 0 for labels */
	uint32_t section;	/* ELF section index; SHN_ABS if absolute */
	char type;		/* nm letter: T t D d B b R r A a W V ... */
	uint8_t bind;		/* STB_LOCAL, STB_GLOBAL, STB_WEAK, ... */
	uint8_t elf_type;	/* STT_NOTYPE, STT_OBJECT, STT_FUNC, ... */
	bool fixed;		/* not moved by the relocation offset */
};

/* The letter nm shows for a symbol of binding bind and type type (STB_*,
 * STT_*) in a section of that type and those flags (in_section false:
 * an absolute symbol), as binutils derives it. */
char symtab_nm_letter(bool in_section, uint32_t sh_type, uint64_t sh_flags,
		      unsigned bind, unsigned type);

/*
 * Read the symbol table of vm.  ERR_NOT_FOUND if the file was stripped
 * (no .symtab) or keeps no usable symbol; ERR_FORMAT if the table is
 * damaged.
 */
struct error *symtab_load(const struct vmlinux *vm, struct symtab **ret);
void symtab_free(struct symtab *st);

size_t symtab_count(const struct symtab *st);

/*
 * Relocate: from now on every symbol that moves answers at its link-time
 * address + offset (mod 2^64; pass a negative offset as its two's
 * complement).  ERR_INVALID, with nothing changed, if the offset would
 * wrap the image around the end of the address space.
 */
struct error *symtab_set_offset(struct symtab *st, uint64_t offset);
uint64_t symtab_offset(const struct symtab *st);
/* The unrelocated (link-time) address of sym, e.g. for vmlinux_read(). */
uint64_t symtab_link_addr(const struct symtab *st, const struct symbol *sym);

/*
 * The symbol for runtime address addr, and *offset = addr - its address.
 * Among the symbols at the nearest address at or below addr, a sized one
 * that contains addr wins, then a label (size 0: it runs to the next
 * symbol, as in kallsyms); if all of them end below addr, the innermost
 * sized symbol that encloses addr, else the nearest symbol if addr is still
 * inside its ELF section.  Absolute symbols match only exactly or within
 * their size.  At one address: sized before unsized, global before weak
 * before local, functions and objects before untyped, smaller before
 * larger, then .symtab order.  NULL if no symbol fits.
 */
const struct symbol *symtab_lookup_addr(const struct symtab *st,
					uint64_t addr, uint64_t *offset);

/* The symbol named name (global before weak before local, then lowest
 * address), or NULL. */
const struct symbol *symtab_lookup_name(const struct symtab *st,
					const char *name);

/* Every symbol named name, in the order symtab_lookup_name() prefers:
 *	for (s = symtab_name_first(st, name, &it); s; s = symtab_name_next(&it))
 */
struct symtab_name_iter {
	const struct symtab *st;
	const char *name;
	uint32_t hash;
	size_t slot;
};
const struct symbol *symtab_name_first(const struct symtab *st,
				       const char *name,
				       struct symtab_name_iter *it);
const struct symbol *symtab_name_next(struct symtab_name_iter *it);

/* Every symbol in runtime address order (at one address, in the order
 * above), starting with the first at or above addr (0: all of them). */
struct symtab_iter {
	const struct symtab *st;
	size_t fixed, moving;	/* next index in each of the two runs */
};
void symtab_iter_init(const struct symtab *st, uint64_t addr,
		      struct symtab_iter *it);
const struct symbol *symtab_iter_next(struct symtab_iter *it);

#endif
