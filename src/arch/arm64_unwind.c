/*
 * arm64 backtraces by frame pointers.  Every kernel function with a frame
 * keeps a frame record {x29, x30} and points x29 at it, so the records
 * chain from the innermost frame outwards: each holds the caller's record
 * and a return address (with pointer authentication, signed: the bits of
 * KERNELPACMASK are restored before it is looked up).
 *
 * The stacks: the task's (task->stack, THREAD_SIZE), and its cpu's IRQ
 * stack (irq_stack_ptr), overflow stack and SDEI stacks.  The records cross
 * from one to the other as the calls did.
 *
 * Exception frames are found where the kernel's entry code leaves them,
 * not by looking for likely words: it saves struct pt_regs and puts a
 * frame record in it (pt_regs.stackframe) that the handler's record
 * points to.  For an exception taken in the kernel the record holds the
 * interrupted x29 and pc (up to Linux 6.12), or it is zero and a
 * frame_record_meta beside it says FRAME_META_TYPE_PT_REGS (6.13 on); for
 * one taken from user mode it is zero (and FRAME_META_TYPE_FINAL): the
 * last record, at the top of the task stack.  A record is taken for an
 * exception frame only when the pt_regs around it agrees with it.
 *
 * Where a trace starts: a sleeping task at its cpu_context (saved by
 * cpu_switch_to: x19-x29, sp and the return address into __switch_to);
 * an active task from its cpu's NT_PRSTATUS note (what crash_setup_regs
 * saved in __crash_kexec for the cpu that panicked, the interrupted
 * registers for the cpus the crash stopped, the live registers of a QEMU
 * dump).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/endian.h"
#include "../util/error.h"
#include "../util/strbuf.h"
#include "arm64.h"
#include "unwind.h"
#include "vmem.h"

/* pt_regs as the trace keeps it: x0-x30, sp, pc, pstate (the NT_PRSTATUS
 * order), then what only the stack's copy has. */
static const char *const regs_names[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
	"sp", "pc", "pstate", "orig_x0", "syscallno",
};

#define NREGS (sizeof(regs_names) / sizeof(regs_names[0]))
enum { R_FP = 29, R_LR = 30, R_SP = 31, R_PC = 32, R_PSTATE = 33,
       R_ORIG_X0 = 34, R_SYSCALLNO = 35, NOTE_REGS = 34 };

#define PSR_MODE_MASK	0xfULL
#define PSR_MODE_EL0T	0x0ULL
#define PSR_MODE_EL1T	0x4ULL
#define PSR_MODE_EL1H	0x5ULL
#define PSR_MODE32	0x10ULL

/* arch/arm64/include/asm/stacktrace/frame.h (Linux 6.13 on): the type of
 * a frame_record_meta; a #define, not in the debug info. */
#define FRAME_META_TYPE_FINAL	1
#define FRAME_META_TYPE_PT_REGS	2

/* The stacks beside the task's, and the line the trace shows when it
 * leaves one. */
static const struct {
	const char *name, *note;
} stack_notes[] = {
	{ "IRQ", "--- <IRQ stack> ---" },
	{ "Overflow", "--- <Overflow stack> ---" },
	{ "SDEI", "--- <SDEI stack> ---" },
	{ "SDEI critical", "--- <SDEI critical stack> ---" },
};

struct unwinder {
	struct unwind_env env;
	uint64_t pac_mask;
	uint64_t thread_size, irq_stack_size, overflow_size;
	uint64_t irq_ptr_var, overflow_var, sdei_var[2];
	bool have_pt_regs, have_stackframe, have_meta;
	uint64_t pt_regs_size, off_regs, off_sp, off_pc, off_pstate;
	uint64_t off_orig_x0, off_syscallno, syscallno_size;
	uint64_t off_stackframe, off_meta_type;
	bool have_ctx;
	uint64_t ctx_fp, ctx_sp, ctx_pc;	/* in task_struct */
};

static struct error *read64(struct unwinder *u, uint64_t addr, uint64_t *v)
{
	return vmem_read_u64(u->env.vm, addr, v);
}

static bool is_text(struct unwinder *u, uint64_t addr)
{
	uint64_t off;

	return u->env.symbol_at(u->env.ctx, addr, &off) != NULL;
}

/* A return address as the kernel's unwinder sees it: with the pointer
 * authentication code taken out (a kernel address has all the PAC bits
 * set). */
static uint64_t strip_pac(struct unwinder *u, uint64_t addr)
{
	if (u->pac_mask && (addr & (1ULL << 55)) &&
	    is_text(u, addr | u->pac_mask))
		return addr | u->pac_mask;
	return addr;
}

static void layout_init(struct unwinder *u)
{
	uint64_t sz, off, t;
	uint32_t bits;

	/* include/linux/sched/task.h: init_stack[THREAD_SIZE / 8] */
	u->thread_size = 16384;
	if (!u->env.var_size(u->env.ctx, "init_stack", &sz) && sz >= 4096)
		u->thread_size = sz;
	/* IRQ_STACK_SIZE is THREAD_SIZE; without VMAP_STACK the stacks are
	 * the per-cpu array irq_stack */
	u->irq_stack_size = u->thread_size;
	if (!u->env.var_size(u->env.ctx, "irq_stack", &sz) && sz >= 4096)
		u->irq_stack_size = sz;
	if (u->env.symbol(u->env.ctx, "irq_stack_ptr", &u->irq_ptr_var))
		u->irq_ptr_var = 0;
	if (u->env.symbol(u->env.ctx, "overflow_stack", &u->overflow_var) ||
	    u->env.var_size(u->env.ctx, "overflow_stack", &u->overflow_size) ||
	    !u->overflow_size)
		u->overflow_var = 0;
	if (u->env.symbol(u->env.ctx, "sdei_stack_normal_ptr", &u->sdei_var[0]))
		u->sdei_var[0] = 0;
	if (u->env.symbol(u->env.ctx, "sdei_stack_critical_ptr",
			  &u->sdei_var[1]))
		u->sdei_var[1] = 0;

	u->have_pt_regs =
		!u->env.type_size(u->env.ctx, "pt_regs", &u->pt_regs_size) &&
		u->pt_regs_size <= 1024 &&
		!unwind_member_off(&u->env, "pt_regs", "regs", &u->off_regs, NULL) &&
		!unwind_member_off(&u->env, "pt_regs", "sp", &u->off_sp, NULL) &&
		!unwind_member_off(&u->env, "pt_regs", "pc", &u->off_pc, NULL) &&
		!unwind_member_off(&u->env, "pt_regs", "pstate", &u->off_pstate, NULL) &&
		!unwind_member_off(&u->env, "pt_regs", "orig_x0", &u->off_orig_x0, NULL) &&
		!unwind_member_off(&u->env, "pt_regs", "syscallno", &u->off_syscallno,
			    &u->syscallno_size);
	/* Linux 5.0 on: the entry code's frame record */
	u->have_stackframe = u->have_pt_regs &&
		!unwind_member_off(&u->env, "pt_regs", "stackframe", &u->off_stackframe,
			    NULL);
	/* Linux 6.13 on: the record is a frame_record_meta */
	if (u->have_stackframe &&
	    !u->env.member(u->env.ctx, "frame_record_meta", "type", &off,
			   &bits, &sz)) {
		u->have_meta = true;
		u->off_meta_type = off / 8;
	}

	if (!unwind_member_off(&u->env, "task_struct", "thread", &t, NULL) &&
	    !unwind_member_off(&u->env, "thread_struct", "cpu_context", &off, NULL) &&
	    !unwind_member_off(&u->env, "cpu_context", "fp", &u->ctx_fp, NULL) &&
	    !unwind_member_off(&u->env, "cpu_context", "sp", &u->ctx_sp, NULL) &&
	    !unwind_member_off(&u->env, "cpu_context", "pc", &u->ctx_pc, NULL)) {
		u->ctx_fp += t + off;
		u->ctx_sp += t + off;
		u->ctx_pc += t + off;
		u->have_ctx = true;
	}
}

struct error *arm64_unwind_open(const struct unwind_env *env,
				struct unwinder **ret)
{
	struct unwinder *u = calloc(1, sizeof(*u));

	if (!u)
		return error_nomem();
	u->env = *env;
	u->pac_mask = arm64_pac_mask(env->vm);
	layout_init(u);
	*ret = u;
	return NULL;
}

void arm64_unwind_close(struct unwinder *u)
{
	free(u);
}

static void add_stack(struct unwind_trace *out, uint64_t base, uint64_t size,
		      const char *name)
{
	struct unwind_stack *s;

	if (!base || out->nstacks >= UNWIND_STACKS_MAX)
		return;
	s = &out->stacks[out->nstacks++];
	s->base = base;
	s->top = base + size;
	snprintf(s->name, sizeof(s->name), "%s", name);
}

/* The stack a per-cpu pointer variable points to, 0 if none. */
static uint64_t per_cpu_pointer(struct unwinder *u, uint64_t var,
				unsigned int cpu)
{
	uint64_t v = 0;
	struct error *err = u->env.per_cpu(u->env.ctx, var, cpu, &v);

	if (!err)
		err = read64(u, v, &v);
	if (err) {
		error_free(err);
		return 0;
	}
	return v;
}

/* The stacks of task t and its cpu. */
static void find_stacks(struct unwinder *u, const struct unwind_task *t,
			struct unwind_trace *out)
{
	unsigned int cpu = (unsigned int)t->cpu;
	uint64_t v;

	out->nstacks = 0;
	out->task_stack = 0;
	add_stack(out, t->stack, u->thread_size, "task");
	if (t->cpu < 0)
		return;
	if (u->irq_ptr_var)
		add_stack(out, per_cpu_pointer(u, u->irq_ptr_var, cpu),
			  u->irq_stack_size, "IRQ");
	if (u->overflow_var) {
		struct error *err = u->env.per_cpu(u->env.ctx, u->overflow_var,
						   cpu, &v);

		if (!err)
			add_stack(out, v, u->overflow_size, "Overflow");
		error_free(err);
	}
	if (u->sdei_var[0])
		add_stack(out, per_cpu_pointer(u, u->sdei_var[0], cpu),
			  u->irq_stack_size, "SDEI");
	if (u->sdei_var[1])
		add_stack(out, per_cpu_pointer(u, u->sdei_var[1], cpu),
			  u->irq_stack_size, "SDEI critical");
}

static const char *leave_note(const struct unwind_stack *s)
{
	size_t i;

	for (i = 0; s && i < sizeof(stack_notes) / sizeof(stack_notes[0]); i++)
		if (!strcmp(s->name, stack_notes[i].name))
			return stack_notes[i].note;
	return NULL;
}

/* Where the registers return to; in kernel mode, lr as a return address
 * (shown so, as the classic crash does). */
static void set_mode(struct unwinder *u, struct unwind_regs *r)
{
	uint64_t ps = r->regs.value[R_PSTATE];

	r->user = (ps & PSR_MODE_MASK) == PSR_MODE_EL0T;
	r->pc = r->regs.value[R_PC];
	r->sp = r->regs.value[R_SP];
	if (!r->user)
		r->regs.value[R_LR] = strip_pac(u, r->regs.value[R_LR]);
}

static bool kernel_mode(const struct unwind_regs *r)
{
	uint64_t ps = r->regs.value[R_PSTATE];

	return !(ps >> 32) && !(ps & PSR_MODE32) &&
	       ((ps & PSR_MODE_MASK) == PSR_MODE_EL1T ||
		(ps & PSR_MODE_MASK) == PSR_MODE_EL1H);
}

static struct error *read_pt_regs(struct unwinder *u, uint64_t addr,
				  struct unwind_regs **ret)
{
	unsigned char buf[1024];
	struct unwind_regs *r;
	struct error *err;
	unsigned int i;

	err = vmem_read(u->env.vm, addr, buf, (size_t)u->pt_regs_size);
	if (err)
		return error_prefix(err, "exception frame at %016" PRIx64,
				    addr);
	r = calloc(1, sizeof(*r));
	if (!r)
		return error_nomem();
	r->addr = addr;
	r->regs.n = NREGS;
	r->regs.names = regs_names;
	r->regs.pid = -1;
	for (i = 0; i < 31; i++)
		r->regs.value[i] = get64(buf + u->off_regs + 8 * i, false);
	r->regs.value[R_SP] = get64(buf + u->off_sp, false);
	r->regs.value[R_PC] = get64(buf + u->off_pc, false);
	r->regs.value[R_PSTATE] = get64(buf + u->off_pstate, false);
	r->regs.value[R_ORIG_X0] = get64(buf + u->off_orig_x0, false);
	r->regs.value[R_SYSCALLNO] = u->syscallno_size == 4 ?
		(uint64_t)(int64_t)(int32_t)get32(buf + u->off_syscallno,
						  false) :
		get64(buf + u->off_syscallno, false);
	set_mode(u, r);
	*ret = r;
	return NULL;
}

/*
 * Is the frame record at fp, holding {next_fp, lr}, the one the entry code
 * put in a pt_regs?  *ret: the exception frame (kernel or user mode), or
 * NULL; *final: the record ends the chain.
 */
static struct error *exception_at(struct unwinder *u, struct unwind_trace *t,
				  uint64_t fp, uint64_t next_fp, uint64_t lr,
				  struct unwind_regs **ret, bool *final)
{
	const struct unwind_stack *s = unwind_find_stack(t, fp);
	uint64_t at = fp - u->off_stackframe, type = 0;
	bool zero = !next_fp && !lr;
	struct unwind_regs *r;
	struct error *err;

	*ret = NULL;
	*final = zero;
	if (!u->have_stackframe || !s || fp < u->off_stackframe ||
	    at < s->base || at + u->pt_regs_size > s->top)
		return NULL;
	if (zero && u->have_meta) {
		err = read64(u, fp + u->off_meta_type, &type);
		error_free(err);	/* unread: type 0, no meta record */
	}
	err = read_pt_regs(u, at, &r);
	if (err) {
		/* not one that can be read: not taken for one */
		error_free(err);
		return NULL;
	}
	if (zero && type == FRAME_META_TYPE_PT_REGS && kernel_mode(r)) {
		*final = false;
		*ret = r;
	} else if (zero && r->user && (r->pc || r->sp)) {
		*ret = r;		/* from user mode: the last record */
	} else if (!zero && r->pc == lr && r->regs.value[R_FP] == next_fp &&
		   kernel_mode(r)) {
		*ret = r;
	} else {
		free(r);
	}
	return NULL;
}

/*
 * Has the function at pc, stopped there by an exception or a note, made
 * its frame record yet?  It has if its code up to pc points x29 at the
 * stack ("mov x29, sp" or "add x29, sp, #n", after the "stp x29, x30"
 * that saved the caller's); a leaf function without a record, or one
 * stopped in its prologue, has not: x29 is still its caller's, and its
 * return address is in lr.
 */
static bool has_record(struct unwinder *u, uint64_t pc)
{
	unsigned char code[4 * 64];
	uint64_t off, start, n, i;
	struct error *err;

	if (!u->env.symbol_at(u->env.ctx, pc, &off))
		return true;
	start = pc - off;
	n = off / 4 < 64 ? off / 4 : 64;
	if (!n)
		return false;
	err = vmem_read(u->env.vm, start, code, (size_t)n * 4);
	if (err) {
		error_free(err);
		return true;	/* cannot tell: trust the record */
	}
	for (i = 0; i < n; i++)
		if ((get32(code + 4 * i, false) & 0xff8003ff) == 0x910003fd)
			return true;
	return false;
}

/* Walk the records from frame (pc, fp); exact: pc is where the code was,
 * not a return address, and regs (if not NULL) the registers there. */
static void walk(struct unwinder *u, struct unwind_trace *t, uint64_t pc,
		 bool exact, uint64_t fp, const struct unwind_regs *regs)
{
	unsigned int left = 0;
	struct error *err = NULL;
	uint64_t prev_fp = 0;

	for (;;) {
		struct unwind_frame *f;
		struct unwind_regs *r;
		uint64_t next_fp, lr;
		bool final;

		if (t->n >= UNWIND_MAX_FRAMES) {
			err = error_create(ERR_FORMAT, "more than %d frames: "
					   "giving up", UNWIND_MAX_FRAMES);
			break;
		}
		if (exact && regs && !has_record(u, pc)) {
			/* the caller is in lr, its record at fp */
			f = unwind_add_frame(t, regs->sp, pc, regs->sp);
			if (!f) {
				err = error_nomem();
				break;
			}
			pc = regs->regs.value[R_LR];
			regs = NULL;
			if (!is_text(u, pc))
				break;	/* called from user mode */
			exact = false;
			continue;
		}
		regs = NULL;
		f = unwind_add_frame(t, fp, exact ? pc : pc - 4, fp);
		if (!f) {
			err = error_nomem();
			break;
		}
		if (!fp)
			break;		/* no record: the outermost frame */
		if (prev_fp) {
			const struct unwind_stack *a = unwind_find_stack(t,
								prev_fp);

			err = unwind_check_move(t, "frame record", prev_fp, fp,
						&left);
			if (err)
				break;
			if (a != unwind_find_stack(t, fp)) {
				t->frames[t->n - 2].note = leave_note(a);
			} else {
				t->frames[t->n - 2].words = prev_fp;
				t->frames[t->n - 2].words_end = fp;
			}
		} else if (!unwind_find_stack(t, fp)) {
			err = error_create(ERR_FORMAT, "frame record %016"
					   PRIx64 " is outside every stack of "
					   "the task and its cpu", fp);
			break;
		}
		if (fp & 15) {
			err = error_create(ERR_FORMAT, "frame record %016"
					   PRIx64 " is not 16-byte aligned", fp);
			break;
		}
		err = read64(u, fp, &next_fp);
		if (!err)
			err = read64(u, fp + 8, &lr);
		if (!err)
			err = exception_at(u, t, fp, next_fp, lr, &r, &final);
		if (err)
			break;
		if (r) {
			f->regs = r;
			if (r->user)
				break;
			pc = r->pc;
			exact = true;
			regs = r;
			prev_fp = fp;
			fp = r->regs.value[R_FP];
			continue;
		}
		if (final)
			break;
		pc = strip_pac(u, lr);
		if (!is_text(u, pc)) {
			unsigned char rec[16];
			struct error *e = NULL;

			/* the record below the final one (__primary_switched's)
			 * keeps whatever was in x30 */
			if (next_fp)
				e = vmem_read(u->env.vm, next_fp, rec,
					      sizeof(rec));
			if (next_fp && !e && !get64(rec, false) &&
			    !get64(rec + 8, false))
				break;
			error_free(e);
			err = error_create(ERR_FORMAT, "%016" PRIx64 " at %016"
					   PRIx64 " is not a kernel text "
					   "address", lr, fp + 8);
			break;
		}
		exact = false;
		prev_fp = fp;
		fp = next_fp;
	}
	t->err = err;
}

/* A note's registers (x0-x30, sp, pc, pstate) as an exception frame. */
static struct unwind_regs *regs_from_note(struct unwinder *u,
					  const struct regset *rs)
{
	struct unwind_regs *r = calloc(1, sizeof(*r));
	unsigned int i;

	if (!r)
		return NULL;
	r->regs.n = NREGS;
	r->regs.names = regs_names;
	r->regs.pid = rs->pid;
	for (i = 0; i < NOTE_REGS && i < rs->n; i++)
		r->regs.value[i] = rs->value[i];
	r->no_orig = true;
	set_mode(u, r);
	return r;
}

static struct error *start_from_note(struct unwinder *u,
				     const struct unwind_task *task,
				     struct unwind_trace *t)
{
	struct unwind_regs *r = regs_from_note(u, task->regs);
	const struct unwind_stack *s = t->nstacks ? &t->stacks[0] : NULL;
	struct unwind_regs *top = NULL;

	if (!r)
		return error_nomem();
	if (r->user) {
		/* the pt_regs at the top of the task stack has the same
		 * registers, and orig_x0 and the system call number */
		if (u->have_pt_regs && s &&
		    !read_pt_regs(u, s->top - u->pt_regs_size, &top) &&
		    top->pc == r->pc && top->sp == r->sp) {
			free(r);
			r = top;
		} else {
			free(top);
		}
		t->start = r;
		return NULL;
	}
	/* the panic cpu's registers are crash_setup_regs' in __crash_kexec,
	 * not an exception: they start the trace, not shown */
	walk(u, t, r->pc, true, r->regs.value[R_FP], r);
	if (task->panic)
		free(r);
	else
		t->start = r;
	return NULL;
}

struct error *arm64_unwind_task(struct unwinder *u,
				const struct unwind_task *task,
				struct unwind_trace *t)
{
	uint64_t fp, sp, pc, off;
	struct error *err;

	memset(t, 0, sizeof(*t));
	find_stacks(u, task, t);
	if (task->active && task->regs && task->regs->n >= NOTE_REGS)
		return start_from_note(u, task, t);
	if (task->active)
		return error_create(ERR_NOT_FOUND, "no registers for the "
				    "active task %" PRIx64 " (no NT_PRSTATUS "
				    "note for cpu %d)", task->task, task->cpu);
	if (!u->have_ctx)
		return error_create(ERR_UNSUPPORTED, "no struct cpu_context "
				    "in the debug info");
	err = read64(u, task->task + u->ctx_fp, &fp);
	if (!err)
		err = read64(u, task->task + u->ctx_sp, &sp);
	if (!err)
		err = read64(u, task->task + u->ctx_pc, &pc);
	if (err)
		return error_prefix(err, "thread.cpu_context of task %" PRIx64,
				    task->task);
	if (!unwind_find_stack(t, sp))
		return error_create(ERR_FORMAT, "saved stack pointer %016"
				    PRIx64 " of task %" PRIx64 " is outside "
				    "its stack", sp, task->task);
	if (!u->env.symbol_at(u->env.ctx, pc, &off))
		return error_create(ERR_FORMAT, "saved pc %016" PRIx64 " of "
				    "task %" PRIx64 " is not kernel text", pc,
				    task->task);
	/* the return address into __switch_to; a task that never ran
	 * starts at ret_from_fork itself */
	walk(u, t, pc, off == 0, fp, NULL);
	return NULL;
}

/* Registers x<top>..x0, rows of per_row, as the classic crash lays them
 * out. */
static void reg_rows(struct strbuf *sb, const uint64_t *v, int top,
		     int per_row, bool wide, int indent)
{
	int i, n = 0;

	for (i = top; i >= 0; i--, n++) {
		if (n % per_row == 0)
			strbuf_printf(sb, "%*s", indent, "");
		else
			strbuf_printf(sb, wide ? "  " : " ");
		strbuf_printf(sb, "%sX%d: ", i < 10 ? " " : "", i);
		strbuf_printf(sb, wide ? "%016" PRIx64 : "%08" PRIx64, v[i]);
		if (n % per_row == per_row - 1 || i == 0)
			strbuf_printf(sb, "\n");
	}
}

void arm64_format_regs(const struct unwind_regs *r, int indent,
		       arch_symbolize_fn sym, void *ctx, struct strbuf *sb)
{
	const uint64_t *v = r->regs.value;
	char name[256];

	if (r->user && (v[R_PSTATE] & PSR_MODE32)) {
		/* AArch32: lr and sp are r14 and r13 */
		strbuf_printf(sb, "%*s PC: %08" PRIx64 "  LR: %08" PRIx64
			      "  SP: %08" PRIx64 "  PSTATE: %08" PRIx64 "\n",
			      indent, "", v[R_PC], v[14], v[13], v[R_PSTATE]);
		reg_rows(sb, v, 12, 4, false, indent);
		return;
	}
	if (r->user) {
		strbuf_printf(sb, "%*s PC: %016" PRIx64 "   LR: %016" PRIx64
			      "   SP: %016" PRIx64 "\n", indent, "", v[R_PC],
			      v[R_LR], v[R_SP]);
		reg_rows(sb, v, 29, 3, true, indent);
		if (r->no_orig)
			strbuf_printf(sb, "%*sPSTATE: %08" PRIx64 "\n", indent,
				      "", v[R_PSTATE]);
		else
			strbuf_printf(sb, "%*sORIG_X0: %016" PRIx64
				      "  SYSCALLNO: %" PRIx64 "  PSTATE: %08"
				      PRIx64 "\n", indent, "", v[R_ORIG_X0],
				      v[R_SYSCALLNO], v[R_PSTATE]);
		return;
	}
	strbuf_printf(sb, "%*s PC: %016" PRIx64 "  ", indent, "", v[R_PC]);
	if (sym(ctx, v[R_PC], name, sizeof(name)))
		strbuf_printf(sb, "[%s]\n", name);
	else
		strbuf_printf(sb, "[unknown or invalid address]\n");
	strbuf_printf(sb, "%*s LR: %016" PRIx64 "  ", indent, "", v[R_LR]);
	if (sym(ctx, v[R_LR], name, sizeof(name)))
		strbuf_printf(sb, "[%s]\n", name);
	else
		strbuf_printf(sb, "[unknown or invalid address]\n");
	strbuf_printf(sb, "%*s SP: %016" PRIx64 "  PSTATE: %08" PRIx64 "\n",
		      indent, "", v[R_SP], v[R_PSTATE]);
	reg_rows(sb, v, 29, 3, true, indent);
}
