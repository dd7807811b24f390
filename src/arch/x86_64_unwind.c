/*
 * x86_64 backtraces: the ORC tables the kernel keeps in memory, with frame
 * pointers where there is no ORC entry; the stacks of a task and of its
 * cpu (task stack, IRQ stack, exception stacks, entry stack); where a
 * trace starts: a sleeping task's switch frame, an active task's frame
 * found the way the classic crash finds it (a return address into
 * machine_kexec for the task that panicked, into crash_nmi_callback for
 * the cpus the crash stopped), or the registers of a note.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/endian.h"
#include "../util/error.h"
#include "../util/strbuf.h"
#include "unwind.h"
#include "vmem.h"
#include "x86_64.h"
#include "x86_64_orc.h"

/* pt_regs in the order of user_regs_struct (the NT_PRSTATUS names). */
static const char *const pt_regs_names[] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
	"rsp", "ss",
};

static const char *const pt_regs_members[] = {
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8",
	"ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags",
	"sp", "ss",
};

#define NPTREGS 21
enum { R_R13 = 2, R_BP = 4, R_R10 = 7, R_DX = 12, R_DI = 14, R_IP = 16,
       R_CS = 17, R_SP = 19 };

/* The exception stacks of struct cea_exception_stacks, in the order the
 * classic crash searches them, and the names it gives them. */
static const struct {
	const char *member, *name;
} estacks[] = {
	{ "DF_stack", "DOUBLEFAULT" }, { "NMI_stack", "NMI" },
	{ "DB_stack", "DEBUG" }, { "MCE_stack", "MCE" },
	{ "VC_stack", "VC" }, { "VC2_stack", "VC2" },
};

#define NESTACKS (sizeof(estacks) / sizeof(estacks[0]))

struct unwinder {
	struct unwind_env env;
	struct orc_table orc;
	unsigned char *orc_buf;
	char *orc_why;		/* why there is no ORC, or NULL */
	uint64_t thread_size, irq_stack_size;
	uint64_t pt_regs_off[NPTREGS];
	uint64_t pt_regs_size;
	bool have_pt_regs;
	uint64_t thread_sp;	/* task_struct.thread.sp */
	uint64_t itf_bp, itf_ret;	/* inactive_task_frame */
	bool have_itf;
	uint64_t irq_ptr_var;	/* per-cpu pointer near the IRQ stack top */
	uint64_t cea_var;	/* per-cpu cea_exception_stacks */
	uint64_t estack_off[NESTACKS], estack_size[NESTACKS];
	bool have_estacks;
	uint64_t cea_estacks_off, entry_stack_off, entry_stack_size;
	bool have_entry_stack;
};

static struct error *read64(struct unwinder *u, uint64_t addr, uint64_t *v)
{
	return vmem_read_u64(u->env.vm, addr, v);
}

static void orc_layout_init(struct unwinder *u)
{
	static const char *const need[] = {
		"sp_offset", "bp_offset", "sp_reg", "bp_reg", "type",
	};
	uint64_t bit[5], size, ebit, sz;
	uint32_t bits[5], ebits;
	struct orc_layout *l = &u->orc.layout;
	uint64_t start_ip, stop_ip, start_orc, stop_orc, n;
	struct error *err;
	unsigned int i;

	if (u->env.type_size(u->env.ctx, "orc_entry", &size) || !size ||
	    size > 8) {
		u->orc_why = strdup("no struct orc_entry in the debug info");
		return;
	}
	for (i = 0; i < 5; i++)
		if (u->env.member(u->env.ctx, "orc_entry", need[i], &bit[i],
				  &bits[i], &sz)) {
			if (asprintf(&u->orc_why, "struct orc_entry has no "
				     "member %s", need[i]) < 0)
				u->orc_why = NULL;
			return;
		}
	l->entry_size = (unsigned int)size;
	l->sp_offset_at = (unsigned int)(bit[0] / 8);
	l->bp_offset_at = (unsigned int)(bit[1] / 8);
	l->sp_reg_bit = (unsigned int)bit[2];
	l->sp_reg_bits = bits[2];
	l->bp_reg_bit = (unsigned int)bit[3];
	l->bp_reg_bits = bits[3];
	l->type_bit = (unsigned int)bit[4];
	l->type_bits = bits[4];
	l->end_bit = l->signal_bit = -1;
	if (!u->env.member(u->env.ctx, "orc_entry", "end", &ebit, &ebits, &sz))
		l->end_bit = (int)ebit;
	if (!u->env.member(u->env.ctx, "orc_entry", "signal", &ebit, &ebits,
			   &sz))
		l->signal_bit = (int)ebit;
	if (u->env.symbol(u->env.ctx, "__start_orc_unwind_ip", &start_ip) ||
	    u->env.symbol(u->env.ctx, "__stop_orc_unwind_ip", &stop_ip) ||
	    u->env.symbol(u->env.ctx, "__start_orc_unwind", &start_orc) ||
	    u->env.symbol(u->env.ctx, "__stop_orc_unwind", &stop_orc)) {
		u->orc_why = strdup("no __start_orc_unwind_ip/__start_orc_"
				    "unwind symbols");
		return;
	}
	n = (stop_ip - start_ip) / 4;
	/* the vmlinux's tables hold a few hundred thousand entries */
	if (stop_ip <= start_ip || stop_orc <= start_orc || n > (1u << 23) ||
	    (stop_orc - start_orc) != n * size) {
		if (asprintf(&u->orc_why, "ORC tables at %" PRIx64 "-%" PRIx64
			     " and %" PRIx64 "-%" PRIx64 " do not agree",
			     start_ip, stop_ip, start_orc, stop_orc) < 0)
			u->orc_why = NULL;
		return;
	}
	u->orc_buf = malloc(n * 4 + n * size);
	if (!u->orc_buf)
		return;
	err = vmem_read(u->env.vm, start_ip, u->orc_buf, n * 4);
	if (!err)
		err = vmem_read(u->env.vm, start_orc, u->orc_buf + n * 4,
				n * size);
	if (err) {
		if (asprintf(&u->orc_why, "ORC tables: %s", err->message) < 0)
			u->orc_why = NULL;
		error_free(err);
		free(u->orc_buf);
		u->orc_buf = NULL;
		return;
	}
	u->orc.ips = u->orc_buf;
	u->orc.entries = u->orc_buf + n * 4;
	u->orc.n = n;
	u->orc.ips_addr = start_ip;
}

static void stacks_init(struct unwinder *u)
{
	uint64_t sz, off;
	unsigned int i;

	u->thread_size = 16384;
	if (!u->env.type_size(u->env.ctx, "thread_union", &sz) && sz >= 4096)
		u->thread_size = sz;
	u->irq_stack_size = u->thread_size;
	if (!u->env.type_size(u->env.ctx, "irq_stack", &sz) && sz >= 4096)
		u->irq_stack_size = sz;
	/* Linux 6.2 moved hardirq_stack_ptr into pcpu_hot */
	if (!u->env.symbol(u->env.ctx, "hardirq_stack_ptr", &u->irq_ptr_var))
		;
	else if (!u->env.symbol(u->env.ctx, "pcpu_hot", &u->irq_ptr_var) &&
		 !unwind_member_off(&u->env, "pcpu_hot", "hardirq_stack_ptr", &off, NULL))
		u->irq_ptr_var += off;
	else
		u->irq_ptr_var = 0;
	if (!u->env.symbol(u->env.ctx, "cea_exception_stacks", &u->cea_var)) {
		u->have_estacks = true;
		for (i = 0; i < NESTACKS; i++)
			if (unwind_member_off(&u->env, "cea_exception_stacks",
				       estacks[i].member, &u->estack_off[i],
				       &u->estack_size[i]))
				u->estack_size[i] = 0;
		if (!unwind_member_off(&u->env, "cpu_entry_area", "estacks",
				&u->cea_estacks_off, NULL) &&
		    !unwind_member_off(&u->env, "cpu_entry_area", "entry_stack_page",
				&u->entry_stack_off, NULL) &&
		    !u->env.type_size(u->env.ctx, "entry_stack_page",
				      &u->entry_stack_size))
			u->have_entry_stack = true;
	}
}

struct error *x86_64_unwind_open(const struct unwind_env *env,
					struct unwinder **ret)
{
	struct unwinder *u = calloc(1, sizeof(*u));
	unsigned int i;
	uint64_t off;

	if (!u)
		return error_nomem();
	u->env = *env;
	orc_layout_init(u);
	stacks_init(u);
	u->have_pt_regs = !env->type_size(env->ctx, "pt_regs",
					  &u->pt_regs_size);
	for (i = 0; u->have_pt_regs && i < NPTREGS; i++)
		if (unwind_member_off(&u->env, "pt_regs", pt_regs_members[i],
			       &u->pt_regs_off[i], NULL))
			u->have_pt_regs = false;
	if (!unwind_member_off(env, "task_struct", "thread", &u->thread_sp,
			       NULL) &&
	    !unwind_member_off(env, "thread_struct", "sp", &off, NULL) &&
	    !unwind_member_off(env, "inactive_task_frame", "bp", &u->itf_bp,
			       NULL) &&
	    !unwind_member_off(env, "inactive_task_frame", "ret_addr",
			       &u->itf_ret, NULL)) {
		u->thread_sp += off;
		u->have_itf = true;
	}
	*ret = u;
	return NULL;
}

void x86_64_unwind_close(struct unwinder *u)
{
	if (!u)
		return;
	free(u->orc_buf);
	free(u->orc_why);
	free(u);
}

/* The stacks of task t and its cpu. */
static void find_stacks(struct unwinder *u, const struct unwind_task *t,
			struct unwind_trace *out)
{
	struct unwind_stack *s;
	uint64_t v, cea;
	unsigned int i;
	struct error *err;

	out->nstacks = 0;
	if (t->stack) {
		s = &out->stacks[out->nstacks++];
		s->base = t->stack;
		s->top = t->stack + u->thread_size;
		strcpy(s->name, "task");
	}
	out->task_stack = 0;
	if (t->cpu < 0)
		return;
	if (u->irq_ptr_var) {
		err = u->env.per_cpu(u->env.ctx, u->irq_ptr_var,
				     (unsigned int)t->cpu, &v);
		if (!err)
			err = read64(u, v, &v);
		/* the pointer is 8 bytes below the top: the word there
		 * keeps the interrupted stack pointer */
		if (!err && v) {
			s = &out->stacks[out->nstacks++];
			s->top = v + 8;
			s->base = s->top - u->irq_stack_size;
			strcpy(s->name, "IRQ");
		}
		error_free(err);
	}
	if (!u->have_estacks)
		return;
	err = u->env.per_cpu(u->env.ctx, u->cea_var, (unsigned int)t->cpu,
			     &v);
	if (!err)
		err = read64(u, v, &cea);
	if (err || !cea) {
		error_free(err);
		return;
	}
	for (i = 0; i < NESTACKS; i++) {
		if (!u->estack_size[i] || out->nstacks >= UNWIND_STACKS_MAX)
			continue;
		s = &out->stacks[out->nstacks++];
		s->base = cea + u->estack_off[i];
		s->top = s->base + u->estack_size[i];
		snprintf(s->name, sizeof(s->name), "%s", estacks[i].name);
	}
	if (u->have_entry_stack && out->nstacks < UNWIND_STACKS_MAX) {
		s = &out->stacks[out->nstacks++];
		s->base = cea - u->cea_estacks_off + u->entry_stack_off;
		s->top = s->base + u->entry_stack_size;
		strcpy(s->name, "ENTRY");
	}
}

/*
 * mach's view: the layout of the kernel's address space and the stacks of
 * a cpu as the classic crash lists them: the IRQ stack and the exception
 * stacks up to the first VC one (not VC2 nor the entry stack).
 */
void x86_64_mach_layout(struct unwinder *u, struct mach_value *out,
			size_t *n)
{
	static const struct {
		const char *label, *var;
		uint64_t fixed;
	} layout[] = {
		{ "KERNEL VIRTUAL BASE", "page_offset_base", 0xffff888000000000 },
		{ "KERNEL VMALLOC BASE", "vmalloc_base", 0xffffc90000000000 },
		{ "KERNEL VMEMMAP BASE", "vmemmap_base", 0xffffea0000000000 },
		{ "KERNEL START MAP", NULL, START_KERNEL_MAP },
		/* after the kernel image's 1 GiB */
		{ "KERNEL MODULES BASE", NULL, KERNEL_IMAGE_END },
	};
	size_t i;

	*n = 0;
	for (i = 0; i < sizeof(layout) / sizeof(layout[0]); i++) {
		uint64_t v = layout[i].fixed, at;

		/* randomized under KASLR: the kernel's variables say */
		if (layout[i].var &&
		    !u->env.symbol(u->env.ctx, layout[i].var, &at)) {
			struct error *err = read64(u, at, &v);

			if (err)
				v = layout[i].fixed;
			error_free(err);
		}
		out[(*n)++] = (struct mach_value){ layout[i].label, v, true };
	}
	out[(*n)++] = (struct mach_value){ "KERNEL STACK SIZE", u->thread_size,
					   false };
	out[(*n)++] = (struct mach_value){ "IRQ STACK SIZE", u->irq_stack_size,
					   false };
}

void x86_64_mach_cpu_stacks(struct unwinder *u, unsigned int cpu,
			    struct unwind_trace *out)
{
	struct unwind_task t = { .cpu = (int)cpu };
	unsigned int i, n = 0;

	find_stacks(u, &t, out);
	for (i = 0; i < out->nstacks; i++) {
		if (!strcmp(out->stacks[i].name, "VC2") ||
		    !strcmp(out->stacks[i].name, "ENTRY"))
			continue;
		out->stacks[n++] = out->stacks[i];
	}
	out->nstacks = n;
}

static struct error *read_pt_regs(struct unwinder *u, uint64_t addr,
				  bool partial, struct unwind_regs **ret)
{
	struct unwind_regs *r;
	unsigned char buf[512];
	unsigned int i;
	struct error *err;

	if (!u->have_pt_regs || u->pt_regs_size > sizeof(buf))
		return error_create(ERR_UNSUPPORTED, "no struct pt_regs in the "
				    "debug info");
	err = vmem_read(u->env.vm, addr, buf, (size_t)u->pt_regs_size);
	if (err)
		return error_prefix(err, "exception frame at %" PRIx64, addr);
	r = calloc(1, sizeof(*r));
	if (!r)
		return error_nomem();
	r->addr = addr;
	r->partial = partial;
	r->regs.n = NPTREGS;
	r->regs.names = pt_regs_names;
	r->regs.pid = -1;
	for (i = 0; i < NPTREGS; i++)
		r->regs.value[i] = get64(buf + u->pt_regs_off[i], false);
	r->user = (r->regs.value[R_CS] & 3) != 0;
	r->pc = r->regs.value[R_IP];
	r->sp = r->regs.value[R_SP];
	*ret = r;
	return NULL;
}

static int reg_index(const struct regset *rs, const char *name)
{
	unsigned int i;

	for (i = 0; i < rs->n; i++)
		if (!strcmp(rs->names[i], name))
			return (int)i;
	return -1;
}

static uint64_t reg_value(const struct regset *rs, const char *name,
			  const char *alias)
{
	int i = reg_index(rs, name);

	if (i < 0 && alias)
		i = reg_index(rs, alias);
	return i < 0 ? 0 : rs->value[i];
}

/* A note's registers as an exception frame. */
static struct unwind_regs *regs_from_note(const struct regset *rs,
					  bool live)
{
	struct unwind_regs *r = calloc(1, sizeof(*r));
	unsigned int i;

	if (!r)
		return NULL;
	r->regs.n = NPTREGS;
	r->regs.names = pt_regs_names;
	r->regs.pid = rs->pid;
	for (i = 0; i < NPTREGS; i++)
		r->regs.value[i] = reg_value(rs, pt_regs_names[i],
					     i == 18 ? "rflags" : NULL);
	r->no_orig = reg_index(rs, "orig_rax") < 0 || live;
	r->user = (r->regs.value[R_CS] & 3) != 0;
	r->pc = r->regs.value[R_IP];
	r->sp = r->regs.value[R_SP];
	return r;
}

struct state {
	uint64_t ip, sp, bp;
	bool signal;
	const struct unwind_regs *regs;	/* the last exception frame */
};

static bool is_text(struct unwinder *u, uint64_t addr)
{
	uint64_t off;

	return u->env.symbol_at(u->env.ctx, addr, &off) != NULL;
}

/* The previous stack pointer for entry o; an error if it cannot be
 * computed. */
static struct error *prev_sp(struct unwinder *u, const struct state *st,
			     const struct orc_entry *o, uint64_t *ret)
{
	uint64_t sp;
	struct error *err;

	switch (o->sp_reg) {
	case ORC_REG_SP:
		*ret = st->sp + (uint64_t)(int64_t)o->sp_offset;
		return NULL;
	case ORC_REG_BP:
		*ret = st->bp + (uint64_t)(int64_t)o->sp_offset;
		return NULL;
	case ORC_REG_SP_INDIRECT:
		/* Linux 5.12 on: (%rsp) + offset; unused before */
		err = read64(u, st->sp, &sp);
		if (err)
			return err;
		*ret = sp + (uint64_t)(int64_t)o->sp_offset;
		return NULL;
	case ORC_REG_BP_INDIRECT:
		return read64(u, st->bp + (uint64_t)(int64_t)o->sp_offset,
			      ret);
	case ORC_REG_R10:
	case ORC_REG_R13:
	case ORC_REG_DI:
	case ORC_REG_DX:
		if (!st->regs || st->regs->partial)
			return error_create(ERR_NOT_FOUND, "the stack pointer "
					    "at %" PRIx64 " is in a register "
					    "no frame saved", st->ip);
		*ret = st->regs->regs.value[
			o->sp_reg == ORC_REG_R10 ? R_R10 :
			o->sp_reg == ORC_REG_R13 ? R_R13 :
			o->sp_reg == ORC_REG_DI ? R_DI : R_DX];
		return NULL;
	default:
		return error_create(ERR_FORMAT, "ORC entry for %" PRIx64 " has "
				    "stack pointer register %u", st->ip,
				    o->sp_reg);
	}
}

/*
 * Where there is no ORC entry, the classic crash measures the frame from
 * the function's prologue: its pushes and the "sub $n, %rsp" that follows
 * them.  The bytes it knows; anything else ends the prologue.  Returns the
 * frame size below the return address, or -1 if there is no function.
 */
static int64_t prologue_frame(struct unwinder *u, uint64_t pc)
{
	unsigned char b[64];
	uint64_t off, start;
	int64_t size = 0;
	unsigned int i = 0;
	struct error *err;

	if (!u->env.symbol_at(u->env.ctx, pc, &off))
		return -1;
	start = pc - off;
	err = vmem_read(u->env.vm, start, b, sizeof(b));
	if (err) {
		error_free(err);
		return -1;
	}
	while (i + 7 < sizeof(b) && start + i < pc) {
		if (!memcmp(b + i, "\x0f\x1f\x44\x00\x00", 5) ||
		    b[i] == 0xe8) {		/* ftrace's nop or call */
			i += 5;
		} else if (!memcmp(b + i, "\xf3\x0f\x1e\xfa", 4) ||
			   !memcmp(b + i, "\x66\x0f\x1f\x00", 4) ||
			   !memcmp(b + i, "\x0f\x1f\x40\x00", 4)) {
			i += 4;			/* endbr64, or nops for it */
		} else if (!memcmp(b + i, "\x66\x0f\x1f\x44\x00\x00", 6)) {
			i += 6;
		} else if (!memcmp(b + i, "\x0f\x1f\x00", 3)) {
			i += 3;
		} else if (b[i] == 0x90) {
			i++;
		} else if (b[i] >= 0x50 && b[i] <= 0x57) {
			size += 8;		/* push */
			i++;
		} else if (b[i] == 0x41 && b[i + 1] >= 0x50 &&
			   b[i + 1] <= 0x57) {
			size += 8;		/* push %r8-%r15 */
			i += 2;
		} else if ((b[i] & 0xf0) == 0x40 && (b[i + 1] == 0x89 ||
			   b[i + 1] == 0x8b) && b[i + 2] >= 0xc0) {
			i += 3;			/* mov between registers */
		} else if ((b[i] == 0x89 || b[i] == 0x31) && b[i + 1] >= 0xc0) {
			i += 2;			/* 32-bit mov, xor */
		} else if (b[i] >= 0xb8 && b[i] <= 0xbf) {
			i += 5;			/* mov $imm32 */
		} else if (b[i] == 0x48 && b[i + 1] == 0x83 &&
			   b[i + 2] == 0xec) {
			size += b[i + 3];
			break;
		} else if (b[i] == 0x48 && b[i + 1] == 0x81 &&
			   b[i + 2] == 0xec) {
			size += (int64_t)get32(b + i + 3, false);
			break;
		} else {
			break;
		}
	}
	return size;
}

/* Walk from st until the end of the stack, an error or the frame limit. */
/*
 * Where the walk leaves the IRQ stack for the stack the interrupt came in
 * on, the classic crash says so ("--- <IRQ stack> ---" after the last
 * frame on it) and shows the next frame, the interrupt entry's, at its
 * exception frame (the pt_regs just above the return address).
 */
static void mark_irq_exit(struct unwind_trace *t)
{
	size_t i;

	for (i = 0; i + 1 < t->n; i++) {
		const struct unwind_stack *from = unwind_find_stack(
			t, t->frames[i].slot);
		const struct unwind_stack *to = unwind_find_stack(
			t, t->frames[i + 1].slot);
		struct unwind_frame *next = &t->frames[i + 1];

		if (!from || from == to || strcmp(from->name, "IRQ") ||
		    t->frames[i].note)
			continue;
		t->frames[i].note = "--- <IRQ stack> ---";
		if (next->regs && next->regs->addr)
			next->slot = next->regs->addr;
	}
}

static void walk(struct unwinder *u, struct state st, struct unwind_trace *t)
{
	unsigned int left = 0, steps;
	struct orc_entry o;
	struct error *err = NULL;
	uint64_t sp, slot, pc, bp;

	for (steps = 0; steps < 2 * UNWIND_MAX_FRAMES; steps++) {
		bool found = u->orc.n &&
			orc_find(&u->orc, st.signal ? st.ip : st.ip - 1, &o);

		if (t->n >= UNWIND_MAX_FRAMES) {
			err = error_create(ERR_FORMAT, "more than %d frames: "
					   "giving up", UNWIND_MAX_FRAMES);
			break;
		}
		if (found && o.type == ORC_END)
			break;
		if (!found || o.type == ORC_UNDEFINED) {
			int64_t size = prologue_frame(u, st.signal ? st.ip :
						      st.ip - 1);

			if (size >= 0) {
				o.type = ORC_CALL;
				o.sp_reg = ORC_REG_SP;
				o.sp_offset = (int16_t)(size + 8);
				o.bp_reg = ORC_REG_UNDEFINED;
				o.signal = false;
				found = size + 8 < 32768;
			}
		}
		if (!found || o.type == ORC_UNDEFINED) {
			/* frame pointers: bp points at the saved bp, the
			 * return address above it */
			if (!st.bp || st.bp < st.sp ||
			    !unwind_find_stack(t, st.bp)) {
				if (u->orc_why)
					err = error_create(ERR_NOT_FOUND,
						"no frame pointer at %016" PRIx64
						" (%s)", st.ip, u->orc_why);
				else
					err = error_create(ERR_NOT_FOUND,
						"no ORC entry and no frame "
						"pointer for %016" PRIx64,
						st.ip);
				break;
			}
			slot = st.bp + 8;
			err = read64(u, slot, &pc);
			if (!err)
				err = read64(u, st.bp, &bp);
			if (err)
				break;
			sp = slot + 8;
			err = unwind_check_move(t, "stack pointer", st.sp, sp, &left);
			if (err)
				break;
			if (!is_text(u, pc)) {
				err = error_create(ERR_FORMAT, "%016" PRIx64
						   " at %016" PRIx64 " is not "
						   "a kernel text address", pc,
						   slot);
				break;
			}
			if (!unwind_add_frame(t, slot, pc, sp))
				break;
			st.ip = pc;
			st.sp = sp;
			st.bp = bp;
			st.signal = false;
			continue;
		}
		err = prev_sp(u, &st, &o, &sp);
		if (err)
			break;
		if (o.type == ORC_CALL) {
			slot = sp - 8;
			err = unwind_check_move(t, "stack pointer", st.sp, sp, &left);
			if (!err)
				err = read64(u, slot, &pc);
			if (err)
				break;
			if (!is_text(u, pc)) {
				err = error_create(ERR_FORMAT, "%016" PRIx64
						   " at %016" PRIx64 " is not "
						   "a kernel text address", pc,
						   slot);
				break;
			}
			bp = st.bp;
			if (o.bp_reg == ORC_REG_PREV_SP)
				err = read64(u, sp + (uint64_t)(int64_t)
					     o.bp_offset, &bp);
			else if (o.bp_reg == ORC_REG_BP)
				err = read64(u, st.bp + (uint64_t)(int64_t)
					     o.bp_offset, &bp);
			error_free(err);	/* bp is a hint */
			err = NULL;
			if (!unwind_add_frame(t, slot, pc, sp))
				break;
			st.ip = pc;
			st.sp = sp;
			st.bp = bp;
			st.signal = o.signal;
			st.regs = NULL;
			continue;
		}
		/* REGS, REGS_PARTIAL: an exception frame */
		{
			bool partial = o.type == ORC_REGS_PARTIAL;
			uint64_t at = partial ? sp - u->pt_regs_off[R_IP] : sp;
			struct unwind_regs *r = NULL;

			if (!unwind_find_stack(t, sp - 1)) {
				err = error_create(ERR_FORMAT, "exception frame "
						   "at %016" PRIx64 " is outside "
						   "every stack of the task and "
						   "its cpu", at);
				break;
			}
			err = read_pt_regs(u, at, partial, &r);
			if (err)
				break;
			if (t->n && !t->frames[t->n - 1].regs)
				t->frames[t->n - 1].regs = r;
			else if (!t->start)
				t->start = r;
			else {
				free(r);
				err = error_create(ERR_FORMAT, "two exception "
						   "frames at one frame (%016"
						   PRIx64 ")", at);
				break;
			}
			if (r->user)
				break;
			err = unwind_check_move(t, "stack pointer", st.sp,
						r->regs.value[R_SP], &left);
			if (err)
				break;
			st.ip = r->regs.value[R_IP];
			st.sp = r->regs.value[R_SP];
			if (!partial)
				st.bp = r->regs.value[R_BP];
			st.signal = true;
			st.regs = r;
		}
	}
	t->err = err;
	mark_irq_exit(t);
}

/* The word on the stacks the classic crash starts an active task from:
 * for the task that panicked, a return address into machine_kexec (else
 * into panic); for the others, into crash_nmi_callback. */
static bool search_start(struct unwinder *u, const struct unwind_task *task,
			 struct unwind_trace *t, uint64_t *slot_ret)
{
	uint64_t panic_slot = 0, w, off;
	unsigned int i;
	uint64_t a;

	for (i = 0; i < t->nstacks; i++) {
		const struct unwind_stack *s = &t->stacks[i];
		size_t len = (size_t)(s->top - s->base);
		unsigned char *buf;
		struct error *err;

		if (len > (1u << 20))
			continue;
		buf = malloc(len);
		if (!buf)
			return false;
		err = vmem_read(u->env.vm, s->base, buf, len);
		if (err) {
			error_free(err);
			free(buf);
			continue;
		}
		for (a = 0; a + 8 <= len; a += 8) {
			const char *name;

			w = get64(buf + a, false);
			if (w < 0xffff800000000000ULL)
				continue;
			name = u->env.symbol_at(u->env.ctx, w, &off);
			if (!name)
				continue;
			if (task->panic && (!strcmp(name, "machine_kexec") ||
					    !strcmp(name, "crash_kexec"))) {
				*slot_ret = s->base + a;
				free(buf);
				return true;
			}
			if (task->panic && !panic_slot &&
			    !strcmp(name, "panic") && i == t->task_stack)
				panic_slot = s->base + a;
			if (!task->panic &&
			    !strcmp(name, "crash_nmi_callback")) {
				*slot_ret = s->base + a;
				free(buf);
				return true;
			}
		}
		free(buf);
		if (panic_slot) {
			*slot_ret = panic_slot;
			return true;
		}
	}
	return false;
}

static struct error *start_from_slot(struct unwinder *u, uint64_t slot,
				     uint64_t bp, struct unwind_trace *t)
{
	struct state st = { 0 };
	uint64_t pc;
	struct error *err = read64(u, slot, &pc);

	if (err)
		return error_prefix(err, "return address at %016" PRIx64, slot);
	if (!unwind_add_frame(t, slot, pc, slot + 8))
		return error_nomem();
	st.ip = pc;
	st.sp = slot + 8;
	st.bp = bp;
	walk(u, st, t);
	return NULL;
}

static struct error *start_from_regs(struct unwinder *u,
				     const struct unwind_task *task,
				     struct unwind_trace *t)
{
	struct state st = { 0 };
	struct unwind_regs *r = regs_from_note(task->regs,
					       task->regs_are_live);

	if (!r)
		return error_nomem();
	t->start = r;
	if (r->user)
		return NULL;
	st.ip = r->regs.value[R_IP];
	st.sp = r->regs.value[R_SP];
	st.bp = r->regs.value[R_BP];
	st.signal = true;
	st.regs = r;
	if (!unwind_find_stack(t, st.sp)) {
		t->err = error_create(ERR_FORMAT, "stack pointer %016" PRIx64
				      " is outside every stack of the task "
				      "and its cpu", st.sp);
		return NULL;
	}
	walk(u, st, t);
	return NULL;
}

struct error *x86_64_unwind_task(struct unwinder *u,
					const struct unwind_task *task,
					struct unwind_trace *t)
{
	uint64_t sp, bp, slot;
	struct error *err;

	memset(t, 0, sizeof(*t));
	find_stacks(u, task, t);
	if (task->active && task->regs && task->regs_are_live)
		return start_from_regs(u, task, t);
	if (task->active && search_start(u, task, t, &slot))
		return start_from_slot(u, slot, 0, t);
	if (task->active && task->regs)
		return start_from_regs(u, task, t);
	if (task->active)
		return error_create(ERR_NOT_FOUND, "no registers for the "
				    "active task %" PRIx64 " and no crash "
				    "frame on its stacks", task->task);
	if (!u->have_itf)
		return error_create(ERR_UNSUPPORTED, "no struct "
				    "inactive_task_frame in the debug info");
	err = read64(u, task->task + u->thread_sp, &sp);
	if (err)
		return error_prefix(err, "thread.sp of task %" PRIx64,
				    task->task);
	if (!unwind_find_stack(t, sp))
		return error_create(ERR_FORMAT, "saved stack pointer %016"
				    PRIx64 " of task %" PRIx64 " is outside "
				    "its stack", sp, task->task);
	err = read64(u, sp + u->itf_bp, &bp);
	if (err)
		return error_prefix(err, "switch frame of task %" PRIx64,
				    task->task);
	return start_from_slot(u, sp + u->itf_ret, bp, t);
}

void x86_64_format_regs(const struct unwind_regs *r, int indent,
			arch_symbolize_fn sym, void *ctx, struct strbuf *sb)
{
	const uint64_t *v = r->regs.value;
	char name[256];

	if (!r->user) {
		sym(ctx, r->pc, name, sizeof(name));
		strbuf_printf(sb, "%*s[exception RIP: %s]\n", indent, "",
			      name);
	}
	strbuf_printf(sb, "%*sRIP: %016" PRIx64 "  RSP: %016" PRIx64
		      "  RFLAGS: %08" PRIx64 "\n", indent, "", v[16], v[19],
		      v[18]);
	strbuf_printf(sb, "%*sRAX: %016" PRIx64 "  RBX: %016" PRIx64
		      "  RCX: %016" PRIx64 "\n", indent, "", v[10], v[5],
		      v[11]);
	strbuf_printf(sb, "%*sRDX: %016" PRIx64 "  RSI: %016" PRIx64
		      "  RDI: %016" PRIx64 "\n", indent, "", v[12], v[13],
		      v[14]);
	strbuf_printf(sb, "%*sRBP: %016" PRIx64 "   R8: %016" PRIx64
		      "   R9: %016" PRIx64 "\n", indent, "", v[4], v[9], v[8]);
	strbuf_printf(sb, "%*sR10: %016" PRIx64 "  R11: %016" PRIx64
		      "  R12: %016" PRIx64 "\n", indent, "", v[7], v[6], v[3]);
	strbuf_printf(sb, "%*sR13: %016" PRIx64 "  R14: %016" PRIx64
		      "  R15: %016" PRIx64 "\n", indent, "", v[2], v[1], v[0]);
	if (r->no_orig)
		strbuf_printf(sb, "%*sCS: %04" PRIx64 "  SS: %04" PRIx64 "\n",
			      indent, "", v[17], v[20]);
	else
		strbuf_printf(sb, "%*sORIG_RAX: %016" PRIx64 "  CS: %04" PRIx64
			      "  SS: %04" PRIx64 "\n", indent, "", v[15], v[17],
			      v[20]);
}
