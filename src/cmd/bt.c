#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../kernel/backtrace.h"
#include "../kernel/tasks.h"
#include "../kernel/modules.h"
#include "../session.h"
#include "../symbols/lines.h"
#include "../symbols/symtab.h"
#include "../util/error.h"
#include "../util/strbuf.h"
#include "commands.h"

const char *const bt_help[] = {
	"NAME",
	"  bt - backtrace",
	"",
	"SYNOPSIS",
	"  bt [-a|-c cpu(s)|-p] [-f|-F] [-l] [-r] [-t|-T] [-s [-x|-d]]",
	"     [pid | task] ...",
	"",
	"DESCRIPTION",
	"  Show the kernel stack backtrace of a task: by default the task that",
	"  panicked (in a dump without a panic, cpu 0's idle task).  Each",
	"  frame shows the stack address that holds its return address, the",
	"  function and the text address.  Exception frames (an interrupt, an",
	"  exception, a system call's entry from user mode) show the registers",
	"  they saved.  Sleeping tasks start in the scheduler, where they",
	"  switched out; the active tasks of a crash dump start where the",
	"  crash stopped them.  The frames come from the kernel's ORC unwind",
	"  tables, else from frame pointers; a frame that cannot be unwound",
	"  says why and the trace ends there.",
	"",
	"  On arm64 the frames come from the frame records (x29, x30) the",
	"  functions keep, with the pointer authentication bits taken out of",
	"  the return addresses (KERNELPACMASK), across the task stack and the",
	"  cpu's IRQ, overflow and SDEI stacks.  A frame shows its record's",
	"  address and the branch that made the call (return address - 4), or",
	"  the pc itself where the code was stopped.  The exception frames",
	"  (pt_regs) the kernel's entry code saved show PC, LR, SP, PSTATE and",
	"  X29..X0, and from user mode ORIG_X0 and SYSCALLNO; \"--- <IRQ",
	"  stack> ---\" marks where the trace leaves a cpu stack.  A sleeping",
	"  task starts at its saved cpu_context, an active one at its cpu's",
	"  NT_PRSTATUS: for the task that panicked the registers __crash_kexec",
	"  saved; for the other cpus the registers the crash interrupted, shown",
	"  first.",
	"",
	"       -a  the active task of every cpu.",
	"       -p  the task that panicked.",
	"   -c cpu  the active task of the cpus given as \"3\", \"1,8,9\", \"1-23\"",
	"           or \"1,8,9-14\".",
	"       -f  also every word of the stack within each frame.",
	"       -F  as -f, with the words that are kernel symbols shown as",
	"           symbol+offset.",
	"       -l  the source file and line of each frame's text address.",
	"       -s  the function with its offset (symbol+offset).",
	"       -x  with -s, offsets in hexadecimal.",
	"       -d  with -s, offsets in decimal (the default).",
	"       -r  the raw contents of the task's whole stack.",
	"       -t  every kernel text address on the stack, from where the",
	"           trace starts up to the top of the stack.",
	"       -T  the same, from the bottom of the stack.",
	"      pid  the task with this pid.",
	"     task  the task whose task_struct is at this hexadecimal address.",
	"",
	"EXAMPLES",
	"    crash> bt",
	"    PID: 1        TASK: ffff88f781204200  CPU: 0    COMMAND: \"init\"",
	"     #0 [ffffcfa2c0013a80] machine_kexec at ffffffff8647754f",
	"     #1 [ffffcfa2c0013ad8] __crash_kexec at ffffffff86574117",
	"     #2 [ffffcfa2c0013b98] panic at ffffffff86e01ded",
	"     ...",
	"     #9 [ffffcfa2c0013d48] do_syscall_64 at ffffffff86e43e1d",
	"    #10 [ffffcfa2c0013f50] entry_SYSCALL_64_after_hwframe at ffffffff87000126",
	"        RIP: 000000000047b7a0  RSP: 00007ffd5ce3d988  RFLAGS: 00000202",
	"        RAX: ffffffffffffffda  RBX: 0000000000000001  RCX: 000000000047b7a0",
	"        ...",
	"        ORIG_RAX: 0000000000000001  CS: 0033  SS: 002b",
	"",
	"    On arm64:",
	"    crash> bt",
	"    PID: 1        TASK: ffff0000025be180  CPU: 1    COMMAND: \"init\"",
	"     #0 [ffff80000802b7e0] __crash_kexec at ffffca7e11187688",
	"     #1 [ffff80000802b860] panic at ffffca7e11cc5e48",
	"     ...",
	"    #14 [ffff80000802bfe0] el0t_64_sync at ffffca7e11011544",
	"         PC: 000000000044a7cc   LR: 00000000004ba534   SP: 0000fffff01538b0",
	"        X29: 0000fffff01538b0  X28: 0000000000000000  X27: 0000000000000001",
	"        ...",
	"         X2: 0000000000000002   X1: 0000000010d88740   X0: 0000000000000001",
	"        ORIG_X0: 0000000000000001  SYSCALLNO: 40  PSTATE: 80001000",
	NULL,
};

enum { SHOW_PLAIN, SHOW_WORDS, SHOW_SYMBOLS };

struct bt_opts {
	bool all, panic_only, lines, offsets, hex, raw, text, text_all;
	int words;		/* SHOW_* */
	const char *cpus;
	struct json *json;	/* JSON output: the array of traces */
};

/* A function's name as the classic crash shows it: without gcc's
 * ".isra.N" and ".part.N" clone suffixes (".constprop.N" and ".cold"
 * stay). */
static const char *shown_name(const char *name, char *buf, size_t size)
{
	static const char *const cut[] = { ".isra.", ".part." };
	const char *p;
	size_t i;

	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		p = strstr(name, cut[i]);
		if (p && p[strlen(cut[i])] &&
		    strspn(p + strlen(cut[i]), "0123456789") ==
		    strlen(p + strlen(cut[i]))) {
			snprintf(buf, size, "%.*s", (int)(p - name), name);
			return buf;
		}
	}
	return name;
}

/* "name" or, with -s, "name+off"; "" if addr has no symbol. */
static void symbol_text(struct session *s, uint64_t addr, bool offsets,
			bool hex, char *buf, size_t size)
{
	const struct symbol *sym = NULL;
	uint64_t off = 0;

	if (s->symtab)
		sym = symtab_lookup_addr(s->symtab, addr, &off);
	char name[256];

	if (!sym) {
		snprintf(buf, size, "(unknown)");
		return;
	}
	if (!offsets || !off)
		snprintf(buf, size, "%s", shown_name(sym->name, name,
						     sizeof(name)));
	else
		snprintf(buf, size, hex ? "%s+0x%" PRIx64 : "%s+%" PRIu64,
			 shown_name(sym->name, name, sizeof(name)), off);
}

static bool is_text(struct session *s, uint64_t addr)
{
	const struct symbol *sym;
	uint64_t off;

	if (!s->symtab || addr < 0xffff800000000000ULL)
		return false;
	sym = symtab_lookup_addr(s->symtab, addr, &off);
	return sym && strchr("TtWw", sym->type);
}

/* Names an address in an exception frame (arch_symbolize_fn). */
static bool regs_symbol(void *ctx, uint64_t addr, char *buf, size_t size)
{
	struct session *s = ctx;

	symbol_text(s, addr, true, false, buf, size);
	return is_text(s, addr);
}

static void print_regs(struct session *s, const struct unwind_regs *r)
{
	struct strbuf sb = { 0 };

	backtrace_format_regs(s->backtrace, r, 4, regs_symbol, s, &sb);
	if (sb.s)
		fputs(sb.s, s->out);
	strbuf_free(&sb);
}

/* One stack word as -F shows it: symbol+offset, or the number. */
static void word_text(struct session *s, uint64_t v, char *buf, size_t size)
{
	const struct symbol *sym = NULL;
	uint64_t off = 0;

	if (s->symtab && v >= 0xffff800000000000ULL)
		sym = symtab_lookup_addr(s->symtab, v, &off);
	if (sym && strchr("TtWwDdBbRr", sym->type)) {
		char name[256];
		const char *n = shown_name(sym->name, name, sizeof(name));

		if (off)
			snprintf(buf, size, "%s+%" PRIu64, n, off);
		else
			snprintf(buf, size, "%s", n);
		return;
	}
	snprintf(buf, size, "%016" PRIx64, v);
}

/* The words from..to (inclusive), two a line. */
static void print_words(struct session *s, uint64_t from, uint64_t to,
			int mode)
{
	uint64_t a, v;
	char text[256];
	int col = 0;

	for (a = from; a <= to && a - from < 65536; a += 8) {
		struct error *err = vmem_read_u64(s->vmem, a, &v);

		if (!col)
			fprintf(s->out, "    %016" PRIx64 ": ", a);
		if (err) {
			fprintf(s->out, "%-16s ", "(unreadable)");
			error_free(err);
		} else if (mode == SHOW_SYMBOLS) {
			word_text(s, v, text, sizeof(text));
			fprintf(s->out, "%-16s ", text);
		} else {
			fprintf(s->out, "%016" PRIx64 " ", v);
		}
		if (++col == 2) {
			fputc('\n', s->out);
			col = 0;
		}
	}
	if (col)
		fputc('\n', s->out);
}

static void print_line(struct session *s, uint64_t pc)
{
	struct lines *l = session_lines(s);
	const char *file;
	int line;
	struct error *err;

	if (!l)
		return;
	err = lines_lookup(l, pc - symtab_offset(s->symtab), &file, &line);
	if (!err)
		fprintf(s->out, "    %s: %d\n", file, line);
	error_free(err);
}

/* A frame's exception frame, and with -l where its pc is. */
static void print_frame_regs(struct session *s, const struct bt_opts *o,
			     const struct unwind_regs *r)
{
	print_regs(s, r);
	if (o->lines && !r->user)
		print_line(s, r->pc);
}

static void print_frames(struct session *s, const struct bt_opts *o,
			 const struct unwind_trace *t)
{
	char sym[256];
	size_t i;

	if (t->start && (!t->start->user || !t->n))
		print_regs(s, t->start);
	for (i = 0; i < t->n; i++) {
		const struct unwind_frame *f = &t->frames[i];

		symbol_text(s, f->pc, o->offsets, o->hex, sym, sizeof(sym));
		fprintf(s->out, "%s#%zu [%016" PRIx64 "] %s at %016" PRIx64 "\n",
			i < 10 ? " " : "", i, f->slot, sym, f->pc);
		if (o->lines)
			print_line(s, f->pc);
		/* a frame shown at its exception frame (the interrupt
		 * entry after the IRQ stack) shows it before its words */
		if (f->regs && f->regs->addr == f->slot)
			print_frame_regs(s, o, f->regs);
		if (o->words && f->words_end > f->words)
			print_words(s, f->words, f->words_end - 8, o->words);
		else if (o->words && !f->words_end && i + 1 < t->n &&
			 unwind_find_stack(t, f->slot) ==
			 unwind_find_stack(t, t->frames[i + 1].slot) &&
			 t->frames[i + 1].slot > f->slot)
			print_words(s, f->slot + 8, t->frames[i + 1].slot,
				    o->words);
		if (f->regs && f->regs->addr != f->slot)
			print_frame_regs(s, o, f->regs);
		if (f->note)
			fprintf(s->out, "%s\n", f->note);
	}
	if (t->err)
		fprintf(s->out, "bt: %s\n", t->err->message);
}

/* -t, -T: the text addresses on the stack. */
/* The text addresses among the words [from, to). */
static void print_text_words(struct session *s, const struct bt_opts *o,
			     uint64_t from, uint64_t to)
{
	uint64_t a, v;
	char sym[256];

	for (a = from; a + 8 <= to; a += 8) {
		struct error *err = vmem_read_u64(s->vmem, a, &v);

		if (err) {
			fprintf(s->out, "bt: %s\n", err->message);
			error_free(err);
			a = (a | 4095);
			a -= 7;
			continue;
		}
		if (!is_text(s, v))
			continue;
		symbol_text(s, v, o->offsets, o->hex, sym, sizeof(sym));
		fprintf(s->out, "  [%016" PRIx64 "] %s at %016" PRIx64 "\n", a,
			sym, v);
	}
}

/* -t from the IRQ stack, as the classic crash goes: its words from sp,
 * then the interrupt entry's frame and exception frame on the stack it
 * came in on, and that stack's words from where the exception frame
 * returns to.  false if the trace does not leave the IRQ stack so. */
static bool print_text_from_irq(struct session *s, const struct bt_opts *o,
				const struct unwind_trace *t, uint64_t sp)
{
	const struct unwind_stack *irq = unwind_find_stack(t, sp), *back;
	const struct unwind_frame *f = NULL;
	char sym[256];
	size_t i;

	if (!irq || strcmp(irq->name, "IRQ"))
		return false;
	for (i = 0; i < t->n && !f; i++)
		if (unwind_find_stack(t, t->frames[i].slot) != irq)
			f = &t->frames[i];
	if (!f || !f->regs || f->regs->addr != f->slot ||
	    !(back = unwind_find_stack(t, f->regs->sp)))
		return false;
	print_text_words(s, o, sp, irq->top);
	fprintf(s->out, "--- <IRQ stack> ---\n");
	symbol_text(s, f->pc, o->offsets, o->hex, sym, sizeof(sym));
	fprintf(s->out, "  [%016" PRIx64 "] %s at %016" PRIx64 "\n", f->slot,
		sym, f->pc);
	print_regs(s, f->regs);
	print_text_words(s, o, f->regs->sp, back->top);
	return true;
}

static void print_text(struct session *s, const struct bt_opts *o,
		       const struct unwind_trace *t)
{
	const struct unwind_stack *st = t->nstacks ?
		&t->stacks[t->task_stack] : NULL;
	uint64_t from;
	char sym[256];

	if (!st) {
		fprintf(s->out, "bt: no stack\n");
		return;
	}
	from = st->base;
	if (o->text && t->start && !t->start->user) {
		/* the registers the trace starts from: pc and sp */
		uint64_t pc = t->start->pc, sp = t->start->sp;

		symbol_text(s, pc, false, false, sym, sizeof(sym));
		fprintf(s->out, "              START: %s at %016" PRIx64 "\n",
			sym, pc);
		if (print_text_from_irq(s, o, t, sp))
			return;
		if (unwind_find_stack(t, sp) == st)
			from = sp;
	} else if (o->text && t->n) {
		symbol_text(s, t->frames[0].pc, false, false, sym, sizeof(sym));
		fprintf(s->out, "              START: %s at %016" PRIx64 "\n",
			sym, t->frames[0].pc);
		if (print_text_from_irq(s, o, t, t->frames[0].slot))
			return;
		if (unwind_find_stack(t, t->frames[0].slot) == st)
			from = t->frames[0].slot;
	}
	print_text_words(s, o, from, st->top);
	if (t->n && t->frames[t->n - 1].regs && t->frames[t->n - 1].regs->user)
		print_regs(s, t->frames[t->n - 1].regs);
}

/* -r: the whole stack, two words a line, symbols as -F shows them. */
static void print_raw(struct session *s, const struct unwind_trace *t)
{
	const struct unwind_stack *st = t->nstacks ?
		&t->stacks[t->task_stack] : NULL;
	uint64_t a, v;
	char text[256];
	int col = 0;

	if (!st) {
		fprintf(s->out, "bt: no stack\n");
		return;
	}
	for (a = st->base; a + 8 <= st->top; a += 8) {
		struct error *err = vmem_read_u64(s->vmem, a, &v);

		if (!col)
			fprintf(s->out, "%016" PRIx64 ":  ", a);
		if (err) {
			fprintf(s->out, "%-16s ", "(unreadable)");
			error_free(err);
		} else {
			word_text(s, v, text, sizeof(text));
			fprintf(s->out, "%-16s ", text);
		}
		if (++col == 2) {
			fputc('\n', s->out);
			col = 0;
		}
	}
}

/* An exception frame or a cpu's registers: where, and each register. */
static void json_regs(struct json *j, const struct unwind_regs *r)
{
	unsigned int i;

	if (!r) {
		json_null(j);
		return;
	}
	json_object(j);
	json_key(j, "address");
	if (r->addr)
		json_hex(j, r->addr);
	else
		json_null(j);
	json_kbool(j, "user", r->user);
	json_key(j, "registers");
	json_object(j);
	for (i = 0; i < r->regs.n; i++)
		json_khex(j, r->regs.names[i], r->regs.value[i]);
	json_object_end(j);
	json_object_end(j);
}

static void json_frame(struct session *s, const struct bt_opts *o,
		       const struct unwind_frame *f, size_t level)
{
	struct json *j = o->json;
	struct session_symbol sym;
	struct lines *l = o->lines ? session_lines(s) : NULL;
	const char *file = NULL;
	uint64_t off = 0;
	char name[256];
	int line = 0;
	bool named = session_symbol_at(s, f->pc, &sym, &off);
	struct error *err;

	json_object(j);
	json_kuint(j, "level", level);
	json_khex(j, "sp", f->slot);
	json_khex(j, "pc", f->pc);
	json_kstring(j, "function", named ? shown_name(sym.name, name,
						       sizeof(name)) : NULL);
	json_key(j, "offset");
	if (named)
		json_uint(j, off);
	else
		json_null(j);
	json_kstring(j, "module", named && sym.module ? sym.module->name :
		     NULL);
	if (l && named && !sym.module) {
		err = lines_lookup(l, f->pc - symtab_offset(s->symtab), &file,
				   &line);
		if (err)
			file = NULL;
		error_free(err);
	}
	json_ksource(j, file, line);
	json_key(j, "exception_frame");
	json_regs(j, f->regs);
	json_kstring(j, "note", f->note);
	json_object_end(j);
}

/* One task's trace as an object; err: why there is none. */
static void json_trace(struct session *s, const struct bt_opts *o,
		       const struct task_table *tt, const struct task *task,
		       const struct unwind_trace *t, struct error *err)
{
	struct json *j = o->json;
	size_t i;

	json_object(j);
	json_kint(j, "pid", task->pid);
	json_khex(j, "task", task->addr);
	json_kint(j, "cpu", task->cpu);
	json_kstring(j, "command", task->comm);
	json_kbool(j, "active", task->active);
	json_kbool(j, "panic", task == tt->panic);
	json_key(j, "start");
	json_regs(j, err ? NULL : t->start);
	json_key(j, "frames");
	json_array(j);
	for (i = 0; !err && i < t->n; i++)
		json_frame(s, o, &t->frames[i], i);
	json_array_end(j);
	json_kstring(j, "error", err ? err->message : t->err ?
		     t->err->message : NULL);
	json_object_end(j);
}

static void backtrace_one(struct session *s, const struct bt_opts *o,
			  const struct task_table *tt, const struct task *task)
{
	struct unwind_trace t;
	struct error *err;

	if (o->json) {
		err = backtrace_task(s->backtrace, task, task == tt->panic,
				     &t);
		json_trace(s, o, tt, task, &t, err);
		unwind_trace_free(&t);
		error_free(err);
		return;
	}
	print_task_header(s->out, task);
	err = backtrace_task(s->backtrace, task, task == tt->panic, &t);
	if (err) {
		fprintf(s->out, "bt: %s\n", err->message);
		error_free(err);
	} else if (o->raw) {
		print_raw(s, &t);
	} else if (o->text || o->text_all) {
		print_text(s, o, &t);
	} else {
		print_frames(s, o, &t);
	}
	unwind_trace_free(&t);
}

/* "1,8,9-14" into a mask of ncpus bits; false if it does not parse. */
static bool parse_cpus(const char *text, unsigned int ncpus, bool *mask)
{
	const char *p = text;

	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p)
			return false;
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				return false;
			p = end;
		}
		for (; a <= b && a < ncpus; a++)
			mask[a] = true;
		if (*p == ',')
			p++;
		else if (*p)
			return false;
	}
	return true;
}

static const struct task *active_task(const struct task_table *tt,
				      unsigned int cpu)
{
	return cpu < tt->ncpus && tt->curr[cpu] ?
		tasks_by_addr(tt, tt->curr[cpu]) : NULL;
}

static int backtraces(struct session *s, const struct bt_opts *o,
		      const struct task_table *tt, int argc, char **argv);

int cmd_bt(struct session *s, int argc, char **argv)
{
	struct bt_opts o = { 0 };
	const struct task_table *tt = NULL;
	struct error *err;
	int c, rc;

	optind = 0;
	while ((c = getopt(argc, argv, "apc:fFlsxdrtT")) != -1) {
		switch (c) {
		case 'a': o.all = true; break;
		case 'p': o.panic_only = true; break;
		case 'c': o.cpus = optarg; break;
		case 'f': o.words = SHOW_WORDS; break;
		case 'F': o.words = SHOW_SYMBOLS; break;
		case 'l': o.lines = true; break;
		case 's': o.offsets = true; break;
		case 'x': o.hex = true; break;
		case 'd': o.hex = false; break;
		case 'r': o.raw = true; break;
		case 't': o.text = true; break;
		case 'T': o.text_all = true; break;
		default:
			command_usage(s->out, "bt");
			return 1;
		}
	}
	if (!s->vmem || !s->symtab || !s->debuginfo) {
		fprintf(stderr, "bt: needs the vmlinux and kernel memory\n");
		return 1;
	}
	err = session_backtrace(s, NULL);
	if (err) {
		fprintf(stderr, "bt: %s\n", err->message);
		error_free(err);
		return 1;
	}
	err = session_tasks(s, &tt);
	if (err) {
		fprintf(stderr, "bt: %s\n", err->message);
		error_free(err);
		return 1;
	}
	/* the traces (not -f, -F, -r, -t, -T: their words stay text) */
	if (!o.words && !o.raw && !o.text && !o.text_all &&
	    (o.json = session_json(s)))
		json_array(o.json);
	rc = backtraces(s, &o, tt, argc, argv);
	if (o.json)
		json_array_end(o.json);
	return rc;
}

static int backtraces(struct session *s, const struct bt_opts *o,
		      const struct task_table *tt, int argc, char **argv)
{
	struct error *err;
	bool first = true;
	int i;

	if (o->all || o->cpus) {
		bool *mask = calloc(tt->ncpus, sizeof(*mask));
		unsigned int cpu;

		if (!mask || (o->cpus && !parse_cpus(o->cpus, tt->ncpus, mask))) {
			fprintf(stderr, "bt: invalid cpu list: %s\n",
				o->cpus ? o->cpus : "");
			free(mask);
			return 1;
		}
		for (cpu = 0; cpu < tt->ncpus; cpu++) {
			const struct task *t = active_task(tt, cpu);

			if ((!o->all && !mask[cpu]) || !t)
				continue;
			if (!first && !o->json)
				fputc('\n', s->out);
			first = false;
			backtrace_one(s, o, tt, t);
		}
		free(mask);
	} else if (o->panic_only) {
		if (!tt->panic)
			fprintf(stderr, "bt: the dump records no panic\n");
		else
			backtrace_one(s, o, tt, tt->panic);
	} else if (optind < argc) {
		for (i = optind; i < argc; i++) {
			const struct task *t = tasks_find(tt, argv[i]);

			if (!t) {
				fprintf(stderr, "bt: invalid task or pid "
					"value: %s\n", argv[i]);
				continue;
			}
			if (!first && !o->json)
				fputc('\n', s->out);
			first = false;
			backtrace_one(s, o, tt, t);
		}
	} else {
		/* the current context: set's, the panic task at first */
		const struct task *t;

		err = session_context(s, &t);
		if (err) {
			fprintf(stderr, "bt: %s\n", err->message);
			error_free(err);
			return 1;
		}
		backtrace_one(s, o, tt, t);
	}
	return 0;
}
