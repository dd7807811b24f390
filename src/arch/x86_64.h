/* The x86_64 pieces that make up its arch_ops (x86_64_notes.c). */
#ifndef CRASH_X86_64_H
#define CRASH_X86_64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

struct error;
struct strbuf;
struct unwind_env;
struct unwind_regs;
struct unwind_task;
struct mach_value;
struct unwind_trace;
struct unwinder;
struct vmem;
struct vtop_trace;

/* Where the kernel image is mapped; the modules lie above it. */
#define START_KERNEL_MAP	0xffffffff80000000ULL
#define KERNEL_IMAGE_END	0xffffffffc0000000ULL

struct error *x86_64_vmem_init(struct vmem *vm);
struct error *x86_64_kvtop(struct vmem *vm, uint64_t vaddr, uint64_t *paddr,
			   struct vtop_trace *trace);
struct error *x86_64_uvtop(struct vmem *vm, uint64_t root, uint64_t vaddr,
			   uint64_t *paddr, struct vtop_trace *trace);

void x86_64_pte_describe(const struct vmem *vm, uint64_t entry, bool large,
			 uint64_t *phys, char *flags, size_t size);

/* x86_64_unwind.c */
struct error *x86_64_unwind_open(const struct unwind_env *env,
				 struct unwinder **ret);
void x86_64_unwind_close(struct unwinder *u);
struct error *x86_64_unwind_task(struct unwinder *u,
				 const struct unwind_task *task,
				 struct unwind_trace *out);
void x86_64_mach_layout(struct unwinder *u, struct mach_value *out,
			size_t *n);
void x86_64_mach_cpu_stacks(struct unwinder *u, unsigned int cpu,
			    struct unwind_trace *out);
void x86_64_format_regs(const struct unwind_regs *r, int indent,
			arch_symbolize_fn sym, void *ctx, struct strbuf *out);

#endif
