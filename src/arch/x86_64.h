/* The x86_64 pieces that make up its arch_ops (x86_64_notes.c). */
#ifndef CRASH_X86_64_H
#define CRASH_X86_64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct vmem;
struct vtop_trace;

struct error *x86_64_vmem_init(struct vmem *vm);
struct error *x86_64_kvtop(struct vmem *vm, uint64_t vaddr, uint64_t *paddr,
			   struct vtop_trace *trace);

void x86_64_pte_describe(const struct vmem *vm, uint64_t entry, bool large,
			 uint64_t *phys, char *flags, size_t size);

#endif
