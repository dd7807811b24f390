/*
 * Backtraces of tasks: the kernel/ side of the arch unwinder.  It hands
 * the unwinder the symbols, types and per-cpu data it asks for, and picks
 * a task's starting registers from the dump's notes.
 */
#ifndef CRASH_KERNEL_BACKTRACE_H
#define CRASH_KERNEL_BACKTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arch/unwind.h"
#include "kernel.h"

struct error;
struct task;
struct backtrace;

/* Cheap to keep: the ORC tables are read on first use. */
struct error *backtrace_open(const struct kernel *k,
			     struct backtrace **ret);
void backtrace_close(struct backtrace *bt);

/* The frames of task (panic: it is the task that crashed); out is freed
 * with unwind_trace_free() even after an error. */
struct error *backtrace_task(struct backtrace *bt, const struct task *task,
			     bool panic, struct unwind_trace *out);

/* mach's layout values (MACH_VALUES_MAX at most) and the stacks it lists
 * for cpu (in out->stacks). */
struct error *backtrace_mach(struct backtrace *bt, struct mach_value *layout,
			     size_t *n);
struct error *backtrace_cpu_stacks(struct backtrace *bt, unsigned int cpu,
				   struct unwind_trace *out);

/* The architecture's way of printing an exception frame. */
void backtrace_format_regs(struct backtrace *bt, const struct unwind_regs *r,
			   int indent, arch_symbolize_fn sym, void *ctx,
			   struct strbuf *out);

#endif
