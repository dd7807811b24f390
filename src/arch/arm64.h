/* The arm64 pieces that make up its arch_ops (arm64_notes.c). */
#ifndef CRASH_ARM64_H
#define CRASH_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

struct error;
struct strbuf;
struct unwind_env;
struct unwind_regs;
struct unwind_task;
struct unwind_trace;
struct unwinder;
struct vmem;
struct vtop_trace;

struct error *arm64_vmem_init(struct vmem *vm);
/* A user address through the tables at physical address root. */
struct error *arm64_uvtop(struct vmem *vm, uint64_t root, uint64_t vaddr,
			  uint64_t *paddr, struct vtop_trace *trace);
struct error *arm64_kvtop(struct vmem *vm, uint64_t vaddr, uint64_t *paddr,
			  struct vtop_trace *trace);
struct error *arm64_direct_map_base(const struct vmem *vm, uint64_t *base);
/* The physical address an entry points to (its output address bits,
 * which depend on the page size and the physical address width). */
uint64_t arm64_entry_address(const struct vmem *vm, uint64_t entry);

/* NUMBER(KERNELPACMASK): the bits pointer authentication puts in kernel
 * return addresses, 0 if none (for unwinding). */
uint64_t arm64_pac_mask(const struct vmem *vm);

void arm64_pte_describe(const struct vmem *vm, uint64_t entry, bool large,
			uint64_t *phys, char *flags, size_t size);

/* arm64_unwind.c */
struct error *arm64_unwind_open(const struct unwind_env *env,
				struct unwinder **ret);
void arm64_unwind_close(struct unwinder *u);
struct error *arm64_unwind_task(struct unwinder *u,
				const struct unwind_task *task,
				struct unwind_trace *out);
void arm64_format_regs(const struct unwind_regs *r, int indent,
		       arch_symbolize_fn sym, void *ctx, struct strbuf *out);

#endif
