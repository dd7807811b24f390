/*
 * What the kernel/ readers need: memory at kernel virtual addresses,
 * symbols and types.  Readers ask for variables and members by name; the
 * offsets come from the debug info, never from numbers written here.
 */
#ifndef CRASH_KERNEL_H
#define CRASH_KERNEL_H

#include <stdbool.h>
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
/* sizeof(var): the size of a global variable's type. */
struct error *kernel_var_size(const struct kernel *k, const char *var,
			      uint64_t *size);
/* The same as an unsigned number of the member's size (1 to 8 bytes). */
struct error *kernel_var_number(const struct kernel *k, const char *var,
				const char *member, uint64_t *value);

/* A number of size bytes (1, 2, 4 or 8) at addr, in the dump's byte
 * order. */
struct error *kernel_read_number(const struct kernel *k, uint64_t addr,
				 size_t size, uint64_t *value);
/* len bytes at kernel virtual address addr. */
struct error *kernel_read(const struct kernel *k, uint64_t addr, void *buf,
			  size_t len);
/* A pointer (8 bytes on 64-bit kernels) at addr. */
struct error *kernel_read_pointer(const struct kernel *k, uint64_t addr,
				  uint64_t *value);

/* A member's place in a structure, looked up once by its user (the
 * readers keep a table of these, filled on first use). */
struct kernel_field {
	uint64_t offset, size;
};
/* Look up type_name.member: the offset and size, or an error naming both. */
struct error *kernel_field(const struct kernel *k, const char *type_name,
			   const char *member, struct kernel_field *f);
/* Whether type_name has member (a quiet kernel_field: for readers that
 * follow the kernel's changes by asking the debug info). */
bool kernel_has_member(const struct kernel *k, const char *type_name,
		       const char *member);
/* sizeof(type_name): a struct, union or typedef. */
struct error *kernel_type_size(const struct kernel *k, const char *type_name,
			       uint64_t *size);
/* A bit field's place: bits from the start of type_name, and its width
 * (0 if member is not a bit field). */
struct error *kernel_bitfield(const struct kernel *k, const char *type_name,
			      const char *member, uint64_t *bit_offset,
			      uint32_t *bit_size);
/* The bit field at bit_offset, bit_size wide, of the structure at addr, as
 * the dump's byte order lays bit fields out (bit_size 1 to 57). */
struct error *kernel_read_bitfield(const struct kernel *k, uint64_t addr,
				   uint64_t bit_offset, uint32_t bit_size,
				   uint64_t *value);
/* kernel_field for a member that a kernel may not have: false (and no
 * error) if it has not. */
bool kernel_field_if(const struct kernel *k, const char *type_name,
		     const char *member, struct kernel_field *f);
/* The number stored in field f of the structure at addr. */
struct error *kernel_read_field(const struct kernel *k, uint64_t addr,
				const struct kernel_field *f, uint64_t *value);

/* Where the direct map of physical memory starts (it moves with KASLR). */
struct error *kernel_direct_map_base(const struct kernel *k, uint64_t *base);


/* The value of an enumerator ("MOD_TEXT") of some enum type. */
struct error *kernel_enumerator(const struct kernel *k, const char *name,
				int64_t *value);

/* The enumerators of enum enum_name ("zone_stat_item") in declaration
 * order; they belong to the debug info (not to be freed). */
struct type_enumerator;
struct error *kernel_enumerators(const struct kernel *k, const char *enum_name,
				 const struct type_enumerator **ret,
				 size_t *n);

/* Per-cpu data: the number of possible cpu ids, and where cpu's copy of
 * the per-cpu variable at addr lies. */
struct error *kernel_nr_cpu_ids(const struct kernel *k, unsigned int *n);
struct error *kernel_per_cpu(const struct kernel *k, uint64_t addr,
			     unsigned int cpu, uint64_t *ret);
/* Whether cpu is set in the cpumask variable mask_var
 * ("__cpu_online_mask"). */
struct error *kernel_cpu_in_mask(const struct kernel *k, const char *mask_var,
				 unsigned int cpu, bool *set);

#endif
