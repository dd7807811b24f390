/*
 * A kernel module's object file (.ko): its name as the kernel knows it and
 * its ELF symbol table.  The symbols of a relocatable object have values
 * relative to their sections; the caller places the sections (where the
 * kernel loaded them is a fact of the dump, not of the file).
 */
#ifndef CRASH_MODULE_OBJECT_H
#define CRASH_MODULE_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;

struct module_object_symbol {
	const char *name;
	uint64_t value, size;	/* value: from the start of its section */
	uint32_t section;	/* ELF section index */
	char type;		/* nm letter */
	uint8_t bind, elf_type;	/* STB_*, STT_* */
};

struct module_object {
	char *path;
	/* The module's name: .modinfo's name=, else the file name without
	 * .ko; as the kernel has it (dashes become underscores). */
	char *name;
	bool has_debug_info;	/* .debug_info: types and lines */
	struct module_object_symbol *syms;	/* allocated sections only */
	size_t nsyms;
	char *strings;		/* the names */
};

/* Read path.  ERR_FORMAT if it is not an ELF relocatable object (ET_REL)
 * or its symbol table is damaged; ERR_NOT_FOUND if it has none. */
struct error *module_object_open(const char *path, struct module_object **ret);
void module_object_close(struct module_object *o);

#endif
