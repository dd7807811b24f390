/*
 * What the kernel/ readers need: memory at kernel virtual addresses,
 * symbols and types.  Readers ask for variables and members by name; the
 * offsets come from the debug info, never from numbers written here.
 */
#ifndef CRASH_KERNEL_H
#define CRASH_KERNEL_H

#include <stddef.h>
#include <stdint.h>

struct debuginfo;
struct dump;
struct error;
struct symtab;
struct vmem;

struct kernel {
	struct dump *dump;
	struct vmem *vm;
	struct symtab *symtab;
	struct debuginfo *di;
};

/* The runtime address of a symbol. */
struct error *kernel_symbol(const struct kernel *k, const char *name,
			    uint64_t *addr);
/* The same, without an error: nonzero if there is no such symbol. */
int kernel_symbol_quiet(const struct kernel *k, const char *name,
			uint64_t *addr);
/* Where member (a path: "a.b[2].c") lies in struct or union type_name,
 * and its size. */
struct error *kernel_member(const struct kernel *k, const char *type_name,
			    const char *member, uint64_t *offset,
			    uint64_t *size);
/* Read member (NULL: all of it) of global variable var: len bytes at most;
 * *got says how many the member has (may be NULL). */
struct error *kernel_read_var(const struct kernel *k, const char *var,
			      const char *member, void *buf, size_t len,
			      size_t *got);
/* The same as an unsigned number of the member's size (1 to 8 bytes). */
struct error *kernel_var_number(const struct kernel *k, const char *var,
				const char *member, uint64_t *value);

#endif
