#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/arch.h"
#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../symbols/debuginfo.h"
#include "../symbols/symtab.h"
#include "../util/error.h"
#include "backtrace.h"
#include "tasks.h"

struct backtrace {
	struct kernel k;
	const struct arch_ops *arch;
	struct unwind_env env;
	struct unwinder *u;		/* opened on first use */
	struct error *open_err;
	bool tried;
	/* the registers of each cpu, from the notes */
	struct regset *regs;
	unsigned int nregs;
	bool live;			/* QEMU's cpu state notes */
};

static int env_symbol(void *ctx, const char *name, uint64_t *addr)
{
	struct backtrace *bt = ctx;

	return kernel_symbol_quiet(&bt->k, name, addr);
}

static const char *env_symbol_at(void *ctx, uint64_t addr, uint64_t *off)
{
	struct backtrace *bt = ctx;
	const struct symbol *sym;

	if (!bt->k.symtab)
		return NULL;
	sym = symtab_lookup_addr(bt->k.symtab, addr, off);
	if (!sym || !strchr("TtWw", sym->type))
		return NULL;
	return sym->name;
}

static int env_member(void *ctx, const char *type, const char *member,
		      uint64_t *bit_offset, uint32_t *bit_size, uint64_t *size)
{
	struct backtrace *bt = ctx;
	struct type_member_info mi;
	const struct type *t;
	struct error *err;

	if (!bt->k.di)
		return -1;
	err = debuginfo_type(bt->k.di, type, DWARF_INDEX_STRUCT |
			     DWARF_INDEX_UNION | DWARF_INDEX_TYPEDEF, &t);
	if (!err)
		err = type_member_lookup(debuginfo_types(bt->k.di), t, member,
					 &mi);
	if (err) {
		error_free(err);
		return -1;
	}
	*bit_offset = mi.bit_offset;
	*bit_size = mi.bit_size;
	*size = mi.size;
	return 0;
}

static int env_type_size(void *ctx, const char *type, uint64_t *size)
{
	struct backtrace *bt = ctx;
	const struct type *t;
	struct error *err;

	if (!bt->k.di)
		return -1;
	err = debuginfo_type(bt->k.di, type, DWARF_INDEX_STRUCT |
			     DWARF_INDEX_UNION | DWARF_INDEX_TYPEDEF, &t);
	if (err) {
		error_free(err);
		return -1;
	}
	t = type_complete(debuginfo_types(bt->k.di), t);
	*size = t->size;
	return 0;
}

static int env_var_size(void *ctx, const char *var, uint64_t *size)
{
	struct backtrace *bt = ctx;
	struct error *err;

	if (!bt->k.di)
		return -1;
	err = kernel_var_size(&bt->k, var, size);
	if (err) {
		error_free(err);
		return -1;
	}
	return 0;
}

static struct error *env_per_cpu(void *ctx, uint64_t addr, unsigned int cpu,
				 uint64_t *ret)
{
	struct backtrace *bt = ctx;

	return kernel_per_cpu(&bt->k, addr, cpu, ret);
}

/* One regset per cpu: QEMU's cpu state when the dump has it (the state
 * of the machine), else NT_PRSTATUS (what the crash code saved), in note
 * order, which is cpu order. */
static void read_notes(struct backtrace *bt)
{
	const struct dump_note *n;
	size_t pos = 0, count = 0;
	struct dump *d = bt->k.dump;

	bt->live = bt->arch->decode_qemu_cpu &&
		dump_find_note(d, "QEMU", 0, NULL);
	for (n = bt->live ? dump_find_note(d, "QEMU", 0, &pos) :
	     dump_find_note(d, "CORE", NT_PRSTATUS, &pos); n;
	     n = bt->live ? dump_find_note(d, "QEMU", 0, &pos) :
	     dump_find_note(d, "CORE", NT_PRSTATUS, &pos))
		count++;
	bt->regs = calloc(count ? count : 1, sizeof(*bt->regs));
	if (!bt->regs)
		return;
	pos = 0;
	while (bt->nregs < count) {
		struct error *err;

		n = bt->live ? dump_find_note(d, "QEMU", 0, &pos) :
			dump_find_note(d, "CORE", NT_PRSTATUS, &pos);
		if (!n)
			break;
		err = bt->live ? bt->arch->decode_qemu_cpu(n, d->big_endian,
							   &bt->regs[bt->nregs]) :
			bt->arch->decode_prstatus(n, d->big_endian,
						  &bt->regs[bt->nregs]);
		if (err)
			bt->regs[bt->nregs].n = 0;
		error_free(err);
		bt->nregs++;
	}
}

struct error *backtrace_open(const struct kernel *k, struct backtrace **ret)
{
	struct backtrace *bt;

	if (!k->vm)
		return error_create(ERR_UNSUPPORTED, "backtraces need kernel "
				    "virtual memory");
	if (!k->vm->arch->unwind_open)
		return error_create(ERR_UNSUPPORTED, "no backtraces for %s yet",
				    k->vm->arch->name);
	bt = calloc(1, sizeof(*bt));
	if (!bt)
		return error_nomem();
	bt->k = *k;
	bt->arch = k->vm->arch;
	bt->env = (struct unwind_env){
		.ctx = bt, .vm = k->vm, .symbol = env_symbol,
		.symbol_at = env_symbol_at, .member = env_member,
		.type_size = env_type_size, .var_size = env_var_size,
		.per_cpu = env_per_cpu,
	};
	read_notes(bt);
	*ret = bt;
	return NULL;
}

void backtrace_close(struct backtrace *bt)
{
	if (!bt)
		return;
	if (bt->u)
		bt->arch->unwind_close(bt->u);
	error_free(bt->open_err);
	free(bt->regs);
	free(bt);
}

/* The unwinder, opened on first use; an error says why there is none. */
static struct error *unwinder(struct backtrace *bt)
{
	if (!bt->tried) {
		bt->tried = true;
		bt->open_err = bt->arch->unwind_open(&bt->env, &bt->u);
	}
	if (bt->open_err)
		return error_create(bt->open_err->code, "%s",
				    bt->open_err->message);
	return NULL;
}

struct error *backtrace_mach(struct backtrace *bt, struct mach_value *layout,
			     size_t *n)
{
	struct error *err = unwinder(bt);

	*n = 0;
	if (!err && !bt->arch->mach_layout)
		err = error_create(ERR_UNSUPPORTED, "mach: not supported for "
				   "%s yet", bt->arch->name);
	if (!err)
		bt->arch->mach_layout(bt->u, layout, n);
	return err;
}

struct error *backtrace_cpu_stacks(struct backtrace *bt, unsigned int cpu,
				   struct unwind_trace *out)
{
	struct error *err = unwinder(bt);

	memset(out, 0, sizeof(*out));
	if (!err && bt->arch->mach_cpu_stacks)
		bt->arch->mach_cpu_stacks(bt->u, cpu, out);
	return err;
}

struct error *backtrace_task(struct backtrace *bt, const struct task *task,
			     bool panic, struct unwind_trace *out)
{
	struct unwind_task ut = { 0 };
	struct error *err;

	memset(out, 0, sizeof(*out));
	err = unwinder(bt);
	if (err)
		return err;
	ut.task = task->addr;
	ut.stack = task->stack;
	ut.cpu = task->cpu;
	ut.active = task->active;
	ut.panic = panic;
	if (task->active && task->cpu >= 0 &&
	    (unsigned int)task->cpu < bt->nregs &&
	    bt->regs[task->cpu].n) {
		ut.regs = &bt->regs[task->cpu];
		ut.regs_are_live = bt->live;
	}
	return bt->arch->unwind_task(bt->u, &ut, out);
}

void backtrace_format_regs(struct backtrace *bt, const struct unwind_regs *r,
			   int indent, arch_symbolize_fn sym, void *ctx,
			   struct strbuf *out)
{
	bt->arch->format_regs(r, indent, sym, ctx, out);
}
