/*
 * Backtraces behind the arch vtable.  arch/ sits below kernel/: what an
 * unwinder needs to know of the kernel (symbols, member offsets, per-cpu
 * copies) it asks through struct unwind_env, which the caller fills in;
 * memory it reads through vmem.  The architecture finds the stacks of a
 * task and its cpu, the starting point (a sleeping task's switch frame,
 * the registers of a note, or the classic crash's search of an active
 * task's stacks), and walks the frames.  Nothing here prints.
 */
#ifndef CRASH_UNWIND_H
#define CRASH_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

struct error;
struct strbuf;
struct vmem;

struct unwind_env {
	void *ctx;
	struct vmem *vm;
	/* The runtime address of a symbol; nonzero if there is none. */
	int (*symbol)(void *ctx, const char *name, uint64_t *addr);
	/* The name of the function at addr, *off from its start; NULL if
	 * none. */
	const char *(*symbol_at)(void *ctx, uint64_t addr, uint64_t *off);
	/* Where member lies in struct type: in bits, its bit size (0 if
	 * not a bit field) and the size of its type in bytes; nonzero if
	 * there is no such member. */
	int (*member)(void *ctx, const char *type, const char *member,
		      uint64_t *bit_offset, uint32_t *bit_size,
		      uint64_t *size);
	/* sizeof(type); nonzero if unknown. */
	int (*type_size)(void *ctx, const char *type, uint64_t *size);
	/* sizeof(var) of a global variable; nonzero if unknown. */
	int (*var_size)(void *ctx, const char *var, uint64_t *size);
	/* cpu's copy of the per-cpu variable at addr. */
	struct error *(*per_cpu)(void *ctx, uint64_t addr, unsigned int cpu,
				 uint64_t *ret);
};

/* A stack: [base, top). */
struct unwind_stack {
	uint64_t base, top;
	char name[16];		/* "task", "IRQ", "NMI", ... */
};

#define UNWIND_STACKS_MAX 12

/* The task to unwind, as the kernel/ layer knows it. */
struct unwind_task {
	uint64_t task;		/* task_struct */
	uint64_t stack;		/* task->stack */
	int cpu;
	bool active;		/* running on its cpu when the dump was taken */
	bool panic;		/* the task that crashed */
	/* The registers of its cpu (NT_PRSTATUS or the QEMU state), or
	 * NULL. */
	const struct regset *regs;
	/* Registers are the state of the cpu (a QEMU dump), not the state
	 * the crash code saved: start from them rather than searching the
	 * stacks. */
	bool regs_are_live;
};

/* An exception frame (pt_regs), decoded into the architecture's registers
 * in the order its format_regs prints them. */
struct unwind_regs {
	uint64_t addr;		/* where it lies, 0 if from a note */
	bool user;		/* it returns to user mode */
	bool partial;		/* only the hardware frame is saved */
	bool no_orig;		/* no orig_ax (a QEMU note) */
	uint64_t pc, sp;	/* where it returns to */
	struct regset regs;
};

struct unwind_frame {
	/* The stack address shown for the frame: where its return address
	 * was read (x86_64), or its frame record (arm64). */
	uint64_t slot;
	uint64_t pc;		/* the text address shown */
	uint64_t sp;		/* the stack pointer at pc, as far as known */
	/* An exception frame that the code at pc saved: printed after the
	 * frame.  NULL if none. */
	struct unwind_regs *regs;
	/* bt -f: the stack words of the frame, [words, words_end); both 0:
	 * from slot + 8 up to the next frame's slot. */
	uint64_t words, words_end;
	/* A line shown after the frame: the walk leaves a stack there
	 * ("--- <IRQ stack> ---"); NULL if none. */
	const char *note;
};

struct unwind_trace {
	struct unwind_frame *frames;
	size_t n, cap;
	/* Kernel-mode registers the trace starts from (before frame 0), or
	 * user-mode registers that are all there is; NULL if the trace
	 * starts from a frame found on the stack. */
	struct unwind_regs *start;
	/* Why the walk stopped before the end of the stack; NULL if it
	 * reached the end. */
	struct error *err;
	struct unwind_stack stacks[UNWIND_STACKS_MAX];
	unsigned int nstacks;
	unsigned int task_stack;	/* index of the task's own stack */
};

void unwind_trace_free(struct unwind_trace *t);
/* The stack holding addr, or NULL. */
const struct unwind_stack *unwind_find_stack(const struct unwind_trace *t,
					     uint64_t addr);
/* A new frame at the end of t; NULL if out of memory. */
struct unwind_frame *unwind_add_frame(struct unwind_trace *t, uint64_t slot,
				      uint64_t pc, uint64_t sp);
/* May the walk go from from to to (what: "stack pointer", "frame
 * record")?  Up within one stack, or to a stack not left before (left:
 * a bit per stack of t, kept by the caller). */
struct error *unwind_check_move(struct unwind_trace *t, const char *what,
				uint64_t from, uint64_t to, unsigned int *left);

/* What mach shows of the machine's memory layout: labelled values
 * ("KERNEL VIRTUAL BASE"), and the size and per-cpu bases of the stacks
 * the kernel keeps beside the tasks' (IRQ, exception stacks). */
struct mach_value {
	const char *label;
	uint64_t value;
	bool hex;
};

#define MACH_VALUES_MAX 16

/* The byte offset (and the size) of type.member through env; nonzero if
 * there is no such member. */
int unwind_member_off(const struct unwind_env *env, const char *type,
		      const char *member, uint64_t *off, uint64_t *size);

/* Frames beyond this are damage (a loop the checks missed). */
#define UNWIND_MAX_FRAMES 256

#endif
