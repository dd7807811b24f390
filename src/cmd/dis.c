#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/arch.h"
#include "../arch/disasm.h"
#include "../arch/vmem.h"
#include "../kernel/modules.h"
#include "../kernel/task_info.h"
#include "../session.h"
#include "../symbols/lines.h"
#include "../symbols/symtab.h"
#include "../util/error.h"
#include "../util/expr.h"
#include "../util/interrupt.h"
#include "commands.h"

const char *const dis_help[] = {
	"NAME",
	"  dis - disassemble",
	"",
	"SYNOPSIS",
	"  dis [-rfludxs][-b [num]] [address | symbol | (expression)] [count]",
	"",
	"DESCRIPTION",
	"  This command disassembles the instructions at a text address given",
	"  as a hexadecimal value, a symbol or an expression, reading them from",
	"  the dump's memory (where the kernel patched its own text at run",
	"  time, the patched instructions are shown).  Each line shows the",
	"  address, its symbol and offset, and the instruction as GDB spells it",
	"  (AT&T syntax on x86_64); branch and call targets are followed by",
	"  their symbol.  A function's first instruction that is the no-op",
	"  ftrace patched over its call to __fentry__ is marked [FTRACE NOP].",
	"",
	"    -r  (reverse) displays all instructions from the start of the",
	"        routine up to and including the designated address.",
	"    -f  (forward) displays all instructions from the given address",
	"        to the end of the routine.",
	"    -l  displays the source file and line before each group of",
	"        instructions that comes from one source line.",
	"    -u  address is a user virtual address in the current context;",
	"        otherwise the address is assumed to be a kernel virtual address.",
	"        If this option is used, then -r and -l are ignored.",
	"    -x  override the default output radix (set radix) with",
	"        hexadecimal: symbol offsets are shown as +0x1c.",
	"    -d  override the default output radix with decimal.",
	"    -s  displays the filename and line number of the source code that",
	"        is associated with the specified text location, followed by a",
	"        source code listing if the file is found on this machine (by",
	"        the name the debug info gives it, from the current directory).",
	"        The line of the text location is marked with an asterisk,",
	"        after up to five lines before it.  If a \"count\" argument is",
	"        entered, it is the number of lines shown after the marked",
	"        one; otherwise the listing ends with the function.",
	"      -b [num]  sets the number of encoded bytes to skip after a kernel",
	"        BUG (\"ud2\") instruction; alone, displays it (0 unless set:",
	"        x86_64 kernels keep their BUG data in a table, not after the",
	"        instruction).  As in the classic crash on x86_64, the number",
	"        does not change the disassembly.",
	"       address  starting hexadecimal text address.",
	"        symbol  symbol of starting text address.",
	"  (expression)  expression evaluating to a starting text address.",
	"         count  the number of instructions to be disassembled (default is 1).",
	"                If no count argument is entered, and the starting address",
	"                is entered as a text symbol, then the whole routine will be",
	"                disassembled.  The count argument is supported when used with",
	"                the -r and -f options: with -r, the last count instructions",
	"                up to the address are shown; with -f, count instructions",
	"                from the address.",
	"",
	"  An address that cannot be read stops the listing with a message that",
	"  names it; instructions shown before it stay.",
	"",
	"EXAMPLES",
	"  Disassemble the start of schedule(), then with source lines:",
	"",
	"    crash> dis schedule 3",
	"    0xffffffff81a52dd0 <schedule>:\tnopl   0x0(%rax,%rax,1) [FTRACE NOP]",
	"    0xffffffff81a52dd5 <schedule+5>:\tpush   %rbp",
	"    0xffffffff81a52dd6 <schedule+6>:\tpush   %rbx",
	"    crash> dis -l schedule 2",
	"    debian/build/build_amd64_none_amd64/kernel/sched/core.c: 6654",
	"    0xffffffff81a52dd0 <schedule>:\tnopl   0x0(%rax,%rax,1) [FTRACE NOP]",
	"    debian/build/build_amd64_none_amd64/arch/x86/include/asm/current.h: 15",
	"    0xffffffff81a52dd5 <schedule+5>:\tpush   %rbp",
	"",
	"  Find what a return address's caller called, with the reverse flag:",
	"",
	"    crash> dis -r schedule+90 2",
	"    0xffffffff81a52e25 <schedule+85>:\tcall   0xffffffff81a523d0 <__schedule>",
	"    0xffffffff81a52e2a <schedule+90>:\tmov    0x0(%rbp),%rax",
	"",
	"  The offsets in hexadecimal:",
	"",
	"    crash> dis -x schedule+5 2",
	"    0xffffffff81a52dd5 <schedule+0x5>:\tpush   %rbp",
	"    0xffffffff81a52dd6 <schedule+0x6>:\tpush   %rbx",
	"",
	"  Where a function comes from:",
	"",
	"    crash> dis -s sysrq_handle_crash",
	"    FILE: drivers/tty/sysrq.c",
	"    LINE: 151",
	"",
	"    dis: sysrq_handle_crash: source code is not available",
	NULL,
};

/* At most this many instructions in one listing: a damaged size or a
 * huge count must not run forever. */
#define DIS_MAX 1000000

struct dis {
	struct session *s;
	struct disasm *d;
	unsigned int radix;	/* of symbol offsets: 10 or 16 */
	bool user;
	uint64_t user_root;
	bool lines;		/* -l */
	char last_file[4096];	/* -l: the last "file: line" shown */
};

static int bug_bytes;		/* dis -b N: kept for the session */

static struct error *read_mem(void *ctx, uint64_t addr, void *buf,
			      size_t len)
{
	struct dis *dis = ctx;

	if (!dis->s->vmem)
		return error_create(ERR_UNSUPPORTED, "no kernel virtual "
				    "memory: %s", dis->s->vmem_why);
	if (dis->user)
		return vmem_read_user(dis->s->vmem, dis->user_root, addr, buf,
				      len);
	return vmem_read(dis->s->vmem, addr, buf, len);
}

/* The classic crash shows gcc's clones by their function's name:
 * "finish_task_switch" for finish_task_switch.isra.0, cutting at the
 * first of these suffixes it finds, in this order. */
static const char *const clone_suffix[] = { ".isra.", ".part.", ".llvm." };
#define NCLONE (sizeof(clone_suffix) / sizeof(clone_suffix[0]))

static void classic_name(const char *name, char *buf, size_t size)
{
	const char *p = NULL;
	size_t i;

	for (i = 0; i < NCLONE && !p; i++)
		p = strstr(name, clone_suffix[i]);
	snprintf(buf, size, "%.*s", p ? (int)(p - name) : (int)strlen(name),
		 name);
}

/* The vmlinux symbols that the classic crash calls name: name itself and
 * its clones name.isra.N and name.part.N; up to max, by address. */
static int cmp_addr(const void *a, const void *b)
{
	const struct symbol *x = *(const struct symbol *const *)a;
	const struct symbol *y = *(const struct symbol *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static size_t classic_named(struct session *s, const char *name,
			    const struct symbol **out, size_t max)
{
	struct symtab_name_iter it;
	const struct symbol *sym;
	char variant[300], cut[300];
	size_t n = 0, i;

	/* name, then name.isra.0 ... name.part.9 (not .llvm.: its
	 * suffixes are hashes) */
	for (i = 0; i < 1 + 2 * 10; i++) {
		if (i)
			snprintf(variant, sizeof(variant), "%s%s%zu", name,
				 clone_suffix[(i - 1) / 10], (i - 1) % 10);
		else
			snprintf(variant, sizeof(variant), "%s", name);
		for (sym = symtab_name_first(s->symtab, variant, &it);
		     sym && n < max; sym = symtab_name_next(&it)) {
			classic_name(sym->name, cut, sizeof(cut));
			if (!strcmp(cut, name))
				out[n++] = sym;
		}
	}
	qsort(out, n, sizeof(*out), cmp_addr);
	return n;
}

/* "name", "name+12" or "name+0xc": how the classic crash names a kernel
 * or module address (empty if nothing does). */
static void symstr(struct dis *dis, uint64_t addr, char *buf, size_t size)
{
	struct session_symbol sym;
	uint64_t off;

	char name[256];

	buf[0] = '\0';
	if (!session_symbol_at(dis->s, addr, &sym, &off))
		return;
	classic_name(sym.name, name, sizeof(name));
	if (!off)
		snprintf(buf, size, "%s", name);
	else if (dis->radix == 16)
		snprintf(buf, size, "%s+0x%" PRIx64, name, off);
	else
		snprintf(buf, size, "%s+%" PRIu64, name, off);
}

/* The GDB inside the classic crash names kernel and module addresses
 * through the crash's own symbols (which then rename them once more in
 * the output radix): what symstr() gives.  Per-cpu offsets and user
 * addresses have no name. */
static void gdb_name(void *ctx, uint64_t addr, char *buf, size_t size)
{
	struct dis *dis = ctx;

	buf[0] = '\0';
	if (!dis->user)
		symstr(dis, addr, buf, size);
}

static bool is_text(char type)
{
	return type == 'T' || type == 't' || type == 'W' || type == 'w';
}

/* A symbol starts exactly at addr. */
static bool symbol_starts(struct session *s, uint64_t addr)
{
	struct session_symbol sym;
	uint64_t off;

	return session_symbol_at(s, addr, &sym, &off) && !off;
}

/* Where the function holding addr ends: its symbol's size, else the next
 * symbol (as the classic crash does for module functions, whose kallsyms
 * sizes it does not trust). */
static bool function_end(struct session *s, uint64_t addr, uint64_t *start,
			 uint64_t *end)
{
	struct session_symbol sym;
	uint64_t off;
	size_t i;

	if (!session_symbol_at(s, addr, &sym, &off))
		return false;
	*start = sym.addr;
	if (sym.vmlinux) {
		struct symtab_iter it;
		const struct symbol *next;

		if (sym.vmlinux->size && addr < sym.addr + sym.vmlinux->size) {
			*end = sym.addr + sym.vmlinux->size;
			return true;
		}
		symtab_iter_init(s->symtab, sym.addr + 1, &it);
		while ((next = symtab_iter_next(&it)))
			if (next->addr > sym.addr && !next->fixed) {
				*end = next->addr;
				return true;
			}
		return false;
	}
	for (i = 0; sym.module && i < sym.module->nsyms; i++)
		if (sym.module->syms[i].addr > sym.addr) {
			*end = sym.module->syms[i].addr;
			return true;
		}
	return false;
}

/* The line of an instruction as the classic crash's -l shows it. */
static void show_line(struct dis *dis, uint64_t addr)
{
	struct lines *l = session_lines(dis->s);
	const char *file;
	char buf[sizeof(dis->last_file)];
	struct error *err;
	int line;

	buf[0] = '\0';
	if (l && addr >= dis->s->vmem->image_start &&
	    addr < dis->s->vmem->image_end) {
		err = lines_lookup(l, addr - symtab_offset(dis->s->symtab),
				   &file, &line);
		if (!err)
			snprintf(buf, sizeof(buf), "%s: %d", file, line);
		error_free(err);
	}
	if (strcmp(buf, dis->last_file)) {
		fprintf(dis->s->out, "%s\n", buf);
		strcpy(dis->last_file, buf);
	}
}

/* Whether the instruction text ends with "<name>" already. */
static bool ends_named(const char *text)
{
	size_t n = strlen(text);

	while (n && text[n - 1] == ' ')
		n--;
	return n && text[n - 1] == '>';
}

/* One instruction line in the classic crash's form. */
static void print_insn(struct dis *dis, const struct disasm_insn *in)
{
	char name[512], target[512];
	const char *last;

	symstr(dis, in->addr, name, sizeof(name));
	fprintf(dis->s->out, "0x%" PRIx64 " <%s>:\t%s", in->addr, name,
		in->text);
	/* a jump GDB left bare (into a module): the classic crash names
	 * its target itself */
	if (!ends_named(in->text) && disasm_is_jump(dis->d, in->text) &&
	    (last = strrchr(in->text, ' '))) {
		symstr(dis, strtoull(last + 1, NULL, 16), target,
		       sizeof(target));
		if (target[0])
			fprintf(dis->s->out, " <%s>", target);
	}
	if (disasm_is_ftrace_nop(dis->d, in->text) &&
	    symbol_starts(dis->s, in->addr))
		fputs(" [FTRACE NOP]", dis->s->out);
	fputc('\n', dis->s->out);
}

/* Instructions from start: count of them, or up to end (exclusive). */
static int listing(struct dis *dis, uint64_t start, uint64_t end,
		   uint64_t count)
{
	struct disasm_insn in;
	struct error *err;
	uint64_t addr = start, n;

	for (n = 0; n < count && n < DIS_MAX && (!end || addr < end); n++) {
		if (interrupted())
			return 1;
		err = disasm_next(dis->d, addr, &in);
		if (err) {
			fprintf(stderr, "dis: %s\n", err->message);
			error_free(err);
			return 1;
		}
		if (dis->lines)
			show_line(dis, addr);
		print_insn(dis, &in);
		addr += in.len;
	}
	return 0;
}

/* -r: the instructions from start up to and including the one at or
 * after target; with a count, only the last count of them. */
static int reverse_listing(struct dis *dis, uint64_t start, uint64_t target,
			   uint64_t count)
{
	struct disasm_insn in;
	struct error *err;
	uint64_t addr = start, *ring, n = 0, first;
	size_t cap = count ? (size_t)(count < DIS_MAX ? count : DIS_MAX) : 0;
	int rc = 0;

	if (!cap) {
		first = start;
		goto show;
	}
	ring = calloc(cap, sizeof(*ring));
	if (!ring) {
		fprintf(stderr, "dis: out of memory\n");
		return 1;
	}
	/* find where the last count instructions begin */
	for (;;) {
		if (interrupted()) {
			free(ring);
			return 1;
		}
		err = disasm_next(dis->d, addr, &in);
		if (err) {
			fprintf(stderr, "dis: %s\n", err->message);
			error_free(err);
			free(ring);
			return 1;
		}
		ring[n % cap] = addr;
		n++;
		if (addr >= target || n >= DIS_MAX)
			break;
		addr += in.len;
	}
	first = n > cap ? ring[n % cap] : start;
	free(ring);
show:
	n = 0;
	addr = first;
	while (n++ < DIS_MAX) {
		err = disasm_next(dis->d, addr, &in);
		if (err) {
			fprintf(stderr, "dis: %s\n", err->message);
			error_free(err);
			return 1;
		}
		if (dis->lines)
			show_line(dis, addr);
		print_insn(dis, &in);
		if (addr >= target)
			break;
		addr += in.len;
	}
	return rc;
}

/* GDB's x/Ni of an address it has no symbol for: "   0xADDR:\tinsn". */
static int raw_listing(struct dis *dis, uint64_t addr, uint64_t count)
{
	struct disasm_insn in;
	struct error *err;
	uint64_t n;

	for (n = 0; n < count && n < DIS_MAX; n++) {
		if (interrupted())
			return 1;
		err = disasm_next(dis->d, addr, &in);
		if (err) {
			fprintf(stderr, "dis: %s\n", err->message);
			error_free(err);
			return 1;
		}
		fprintf(dis->s->out, "   0x%" PRIx64 ":\t%s\n", addr, in.text);
		addr += in.len;
	}
	return 0;
}

/* -s: the file and line of addr, and the source around it if the file
 * is here. */
static int source_listing(struct dis *dis, const char *arg, uint64_t addr,
			  bool count_given, uint64_t count)
{
	struct session_symbol sym;
	struct lines *l = session_lines(dis->s);
	const char *file;
	struct error *err;
	char path[4096], text[4096];
	uint64_t off, remaining = count;
	int line, n = 0, first;
	bool after = false;
	FILE *f;

	if (!session_symbol_at(dis->s, addr, &sym, &off) ||
	    !is_text(sym.type)) {
		fprintf(stderr, "dis: %" PRIx64 ": not a kernel text address\n",
			addr);
		return 1;
	}
	if (sym.module) {
		fprintf(stderr, "dis: %s: module source code is not "
			"available\n", sym.module->name);
		return 1;
	}
	err = l ? lines_lookup_short(l, addr - symtab_offset(dis->s->symtab),
				     &file, &line) :
		  error_create(ERR_NOT_FOUND, "no line numbers");
	if (err) {
		error_free(err);
		fprintf(dis->s->out, "FILE: (unknown)\nLINE: (unknown)\n\n");
		fprintf(stderr, "dis: %s: source code is not available\n",
			arg);
		return 1;
	}
	fprintf(dis->s->out, "FILE: %s\nLINE: %d\n\n", file, line);
	snprintf(path, sizeof(path), "%s", file);
	f = fopen(path, "r");
	if (!f) {
		fflush(dis->s->out);
		fprintf(stderr, "dis: %s: source code is not available\n\n",
			arg);
		return 1;
	}
	/* as GDB's "list *ADDR": five lines before, then on to the end of
	 * the function (a "}" alone at the start of a line) or count more */
	first = line > 5 ? line - 5 : 1;
	while (fgets(text, sizeof(text), f) && !interrupted()) {
		size_t len = strlen(text);

		if (len && text[len - 1] == '\n')
			text[--len] = '\0';
		if (++n < first)
			continue;
		if (after && count_given && !remaining--)
			break;
		fprintf(dis->s->out, "%s%d\t%s\n", n == line ? "* " : "  ", n,
			text);
		if (n >= line)
			after = true;
		if (!count_given && n > line && !strcmp(text, "}"))
			break;
		if (n >= line + 100000)
			break;
	}
	fclose(f);
	fputc('\n', dis->s->out);
	return 0;
}

/* Several static functions share the name (in the vmlinux, or one in
 * each module): the classic crash lists them rather than choosing. */
static bool duplicate_text(struct dis *dis, const char *name, const char *arg)
{
	const struct module_list *ml = session_modules(dis->s, NULL);
	struct modules_name_iter mit;
	const struct module_symbol *ms;
	const struct symbol *all[64];
	struct lines *l;
	char cut[300];
	size_t n, i;
	int text = 0;

	n = classic_named(dis->s, name, all, 64);
	for (i = 0; i < n; i++)
		text += is_text(all[i]->type);
	for (ms = ml ? modules_name_first(ml, name, false, &mit) : NULL; ms;
	     ms = modules_name_next(&mit))
		text += is_text(ms->type);
	if (text < 2)
		return false;
	fflush(dis->s->out);
	fprintf(stderr, "dis: %s: duplicate text symbols found:\n", arg);
	l = session_lines(dis->s);
	for (i = 0; i < n; i++) {
		const char *file = NULL;
		struct error *err;
		int line = 0;

		if (!is_text(all[i]->type))
			continue;
		classic_name(all[i]->name, cut, sizeof(cut));
		fprintf(dis->s->out, "%016" PRIx64 " (%c) %s", all[i]->addr,
			all[i]->type, cut);
		err = l ? lines_lookup(l, all[i]->addr -
				       symtab_offset(dis->s->symtab), &file,
				       &line) : NULL;
		if (!err && file)
			fprintf(dis->s->out, " %s: %d", file, line);
		error_free(err);
		fputc('\n', dis->s->out);
	}
	for (ms = ml ? modules_name_first(ml, name, false, &mit) : NULL; ms;
	     ms = modules_name_next(&mit))
		if (is_text(ms->type))
			fprintf(dis->s->out, "%016" PRIx64 " (%c) %s [%s] \n",
				ms->addr, ms->type, ms->name, mit.mod->name);
	return true;
}

/* A symbol by the name the classic crash knows it by. */
static bool named(struct session *s, const char *name,
		  struct session_symbol *ret)
{
	const struct symbol *one;

	if (session_symbol_named(s, name, ret))
		return true;
	if (!classic_named(s, name, &one, 1))
		return false;
	*ret = (struct session_symbol){ .name = one->name, .addr = one->addr,
					.type = one->type, .vmlinux = one };
	return true;
}

static bool is_hex(const char *t)
{
	if (!strncmp(t, "0x", 2) || !strncmp(t, "0X", 2))
		t += 2;
	return *t && strspn(t, "0123456789abcdefABCDEF") == strlen(t);
}

static bool parse_count(const char *t, uint64_t *count)
{
	char *end;

	if (!*t || *t == '-')
		return false;
	*count = strtoull(t, &end, !strncmp(t, "0x", 2) ? 16 : 10);
	return !*end;
}

/* "symbol not found" as the classic crash answers it: the symbols whose
 * names hold the text, if any. */
static void not_found(struct dis *dis, const char *arg)
{
	struct symtab_iter it;
	const struct symbol *sym;
	int n = 0;

	fprintf(dis->s->out, "symbol not found: %s\npossible alternatives:\n",
		arg);
	symtab_iter_init(dis->s->symtab, 0, &it);
	while ((sym = symtab_iter_next(&it)) && n < 10000)
		if (strstr(sym->name, arg)) {
			fprintf(dis->s->out, "  %016" PRIx64 " (%c) %s\n",
				sym->addr, sym->type, sym->name);
			n++;
		}
	if (!n)
		fprintf(dis->s->out, "  (none found)\n");
}

/* Names in an expression: a symbol of the vmlinux or of a module. */
static struct error *resolve(const char *name, uint64_t *value, void *arg)
{
	struct session_symbol sym;

	if (!named(arg, name, &sym))
		return error_create(ERR_NOT_FOUND, "symbol not found: %s",
				    name);
	*value = sym.addr;
	return NULL;
}

static int dis_run(struct dis *dis, int argc, char **argv);

int cmd_dis(struct session *s, int argc, char **argv)
{
	struct dis dis = { .s = s };
	struct error *err;
	int rc;

	if (argc == 2 && !strcmp(argv[1], "-b")) {
		fprintf(s->out, "encoded bytes being skipped after ud2a: %d\n",
			bug_bytes);
		return 0;
	}
	if (!s->symtab) {
		fprintf(stderr, "dis: no symbols (%s)\n", s->namelist ?
			"the vmlinux has no symbol table" : "no vmlinux given");
		return 1;
	}
	if (!s->vmem) {
		fprintf(stderr, "dis: no kernel virtual memory: %s\n",
			s->vmem_why ? s->vmem_why : "unknown");
		return 1;
	}
	err = disasm_open(s->vmem->arch->name, read_mem, gdb_name, &dis,
			  &dis.d);
	if (err) {
		fprintf(stderr, "dis: %s\n", err->message);
		error_free(err);
		return 1;
	}
	rc = dis_run(&dis, argc, argv);
	disasm_close(dis.d);
	return rc;
}

static int usage(struct dis *dis)
{
	command_usage(dis->s->out, "dis");
	return 1;
}

static int dis_run(struct dis *dis, int argc, char **argv)
{
	struct session *s = dis->s;
	bool reverse = false, forward = false, sources = false, bug = false;
	bool function = false, raw = false, count_given = false;
	uint64_t addr, count = 1, start, end = 0, off;
	struct session_symbol sym;
	const char *arg;
	struct error *err;
	char *endp;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "dxhulsrfUb:B:")) != -1) {
		switch (c) {
		case 'd':
			if (dis->radix == 16)
				goto exclusive_dx;
			dis->radix = 10;
			break;
		case 'x':
		case 'h':
			if (dis->radix == 10)
				goto exclusive_dx;
			dis->radix = 16;
			break;
		case 'U':
			break;
		case 'u':
			if (sources)
				goto s_kernel_only;
			dis->user = true;
			break;
		case 'r':
			if (forward || sources) {
				fprintf(stderr, "dis: -r and -%c are mutually "
					"exclusive\n", forward ? 'f' : 's');
				return 1;
			}
			reverse = true;
			break;
		case 'f':
			if (reverse || sources) {
				fprintf(stderr, "dis: -%c and -f are mutually "
					"exclusive\n", reverse ? 'r' : 's');
				return 1;
			}
			forward = true;
			break;
		case 'l':
			dis->lines = true;
			if (!session_lines(s))
				fprintf(stderr, "dis: line numbers are not "
					"available\n");
			break;
		case 's':
			if (reverse || forward) {
				fprintf(stderr, "dis: -%c and -s are mutually "
					"exclusive\n", reverse ? 'r' : 'f');
				return 1;
			}
			if (dis->user)
				goto s_kernel_only;
			sources = true;
			break;
		case 'b':
		case 'B':
			bug_bytes = (int)strtol(optarg, &endp, 0);
			bug = true;
			break;
		default:
			if (optopt == 'b' || optopt == 'B') {
				fprintf(s->out, "encoded bytes being skipped "
					"after ud2a: %d\n", bug_bytes);
				return 0;
			}
			fprintf(stderr, "dis: invalid option -- '%c'\n",
				optopt);
			return usage(dis);
		}
	}
	if (!dis->radix)
		dis->radix = s->radix == 16 ? 16 : 10;
	if (optind >= argc)
		return bug ? 0 : usage(dis);
	if (argc - optind > 2) {
		fprintf(stderr, "dis: too many arguments\n");
		return usage(dis);
	}
	arg = argv[optind];

	if (strpbrk(arg, "+-*/%&|^<>~()")) {
		/* an expression: "schedule+20", "(do_no_page+65)" */
		struct session_symbol found;
		char name[256], cut[256];
		size_t n;
		uint64_t soff;

		/* "schedule+20" is 20 bytes in, as in the classic crash */
		err = expr_eval(arg, false, resolve, s, &addr);
		if (err) {
			fprintf(stderr, "dis: invalid expression: %s\n", arg);
			error_free(err);
			return 1;
		}
		arg += strspn(arg, "( ");
		n = strcspn(arg, "><+-&|*/%^() ");
		snprintf(name, sizeof(name), "%.*s", (int)(n < 255 ? n : 255),
			 arg);
		arg = argv[optind];
		if (name[0] && !dis->user && duplicate_text(dis, name, arg))
			return 1;
		if (!dis->user && name[0] &&
		    named(s, name, &found) && is_text(found.type) &&
		    session_symbol_at(s, addr, &sym, &soff) &&
		    (classic_name(sym.name, cut, sizeof(cut)), 1) &&
		    strcmp(cut, name) && !strstr(arg, cut)) {
			fprintf(stderr, "dis: invalid expression: %s evaluates "
				"to: %s+%" PRIx64 "\n", arg, cut, soff);
			return 1;
		}
	} else if (is_hex(arg) && !named(s, arg, &sym)) {
		addr = strtoull(arg, NULL, 16);
		if (!session_symbol_at(s, addr, &sym, &off)) {
			if (!dis->user) {
				fprintf(stderr, "WARNING: %" PRIx64 ": no "
					"associated kernel symbol found\n",
					addr);
				raw = true;
			}
		} else if (!off && is_text(sym.type)) {
			function = true;
		}
	} else if (named(s, arg, &sym)) {
		if (!dis->user && duplicate_text(dis, arg, arg))
			return 1;
		addr = sym.addr;
		function = is_text(sym.type);
	} else {
		not_found(dis, arg);
		return 1;
	}

	if (optind + 1 < argc) {
		if (!parse_count(argv[optind + 1], &count)) {
			fprintf(stderr, "dis: invalid count argument: %s\n",
				argv[optind + 1]);
			return 1;
		}
		if (!count) {
			fprintf(stderr, "dis: invalid count argument: 0\n");
			return 1;
		}
		forward = false;
		function = false;
		count_given = true;
	}

	if (sources)
		return source_listing(dis, argv[optind], addr, count_given,
				      count);
	if (dis->user) {
		struct kernel k = session_kernel(s);
		const struct task *t;

		err = session_context(s, &t);
		if (!err)
			err = task_user_root(&k, t, &dis->user_root);
		if (err) {
			fprintf(stderr, "dis: %s\n", err->message);
			error_free(err);
			return 1;
		}
		return raw_listing(dis, addr, count);
	}
	if (raw)
		return raw_listing(dis, addr, count);
	if ((int64_t)addr >= 0) {
		fprintf(stderr, "dis: %" PRIx64 " is not a kernel virtual "
			"address\n", addr);
		return 1;
	}

	if (reverse || forward || function) {
		if (!function_end(s, addr, &start, &end)) {
			fprintf(stderr, "dis: cannot tell where the function "
				"at %" PRIx64 " ends\n", addr);
			return 1;
		}
	}
	if (reverse)
		return reverse_listing(dis, start, addr, count_given ? count : 0);
	if (forward) {
		/* from the function's start, as the classic crash does,
		 * so that addr inside an instruction starts at the next */
		struct disasm_insn in;

		while (start < addr) {
			err = disasm_next(dis->d, start, &in);
			if (err) {
				fprintf(stderr, "dis: %s\n", err->message);
				error_free(err);
				return 1;
			}
			start += in.len;
		}
		return listing(dis, start, end, UINT64_MAX);
	}
	if (function)
		return listing(dis, addr, end, UINT64_MAX);
	return listing(dis, addr, 0, count);

exclusive_dx:
	fprintf(stderr, "dis: -d and -x are mutually exclusive\n");
	return 1;
s_kernel_only:
	fprintf(stderr, "dis: -s can only be used with kernel addresses\n");
	return 1;
}
