#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../session.h"
#include "../symbols/lines.h"
#include "../symbols/symtab.h"
#include "../util/error.h"
#include "commands.h"

const char *const sym_help[] = {
	"NAME",
	"  sym - translate a symbol to its virtual address, or vice-versa",
	"",
	"SYNOPSIS",
	"  sym [-l] | [-q string] | [symbol | vaddr] ...",
	"",
	"DESCRIPTION",
	"  This command translates a symbol to its virtual address, or a static",
	"  kernel virtual address to its symbol -- or to a symbol-plus-offset",
	"  value, if appropriate.  Each line shows the address, the symbol type",
	"  as nm(1) prints it, the symbol, and the source file and line when",
	"  the vmlinux has line information.",
	"",
	"    -l  dumps all symbols and their values.",
	"    -q  searches for all symbols containing string.",
	"",
	"EXAMPLES",
	"    crash> sym jiffies",
	"    ffffffff82a05980 (D) jiffies",
	"    crash> sym ffffffff81c2e2b5",
	"    ffffffff81c2e2b5 (T) schedule+5 kernel/sched/core.c: 6654",
	NULL,
};

/* The session's line table, opened on first use (NULL if there is none). */
static struct lines *session_lines(struct session *s)
{
	if (!s->lines_tried && s->vmlinux) {
		struct error *err = lines_open(s->vmlinux, &s->lines);

		s->lines_tried = true;
		error_free(err);
	}
	return s->lines;
}

static void print_symbol(struct session *s, const struct symbol *sym,
			 uint64_t addr, uint64_t off)
{
	struct lines *l = session_lines(s);
	const char *file;
	int line;

	fprintf(s->out, "%016llx (%c) %s", (unsigned long long)addr,
		sym->type, sym->name);
	if (off)
		fprintf(s->out, "+%llu", (unsigned long long)off);
	if (l && (sym->type == 'T' || sym->type == 't' || sym->type == 'W' ||
		  sym->type == 'w')) {
		struct error *err = lines_lookup(l, addr - symtab_offset(
							 s->symtab), &file,
						 &line);

		if (!err)
			fprintf(s->out, " %s: %d", file, line);
		error_free(err);
	}
	fputc('\n', s->out);
}

static void list_matching(struct session *s, const char *needle)
{
	struct symtab_iter it;
	const struct symbol *sym;
	int n = 0;

	symtab_iter_init(s->symtab, 0, &it);
	while ((sym = symtab_iter_next(&it)))
		if (!needle || strstr(sym->name, needle)) {
			fprintf(s->out, "%016llx (%c) %s\n",
				(unsigned long long)sym->addr, sym->type,
				sym->name);
			n++;
		}
	if (needle && !n)
		fprintf(s->out, "  (none found)\n");
}

static int cmp_addr(const void *a, const void *b)
{
	const struct symbol *x = *(const struct symbol *const *)a;
	const struct symbol *y = *(const struct symbol *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Every symbol of that name (static functions repeat), by address. */
static int print_named(struct session *s, const char *name)
{
	struct symtab_name_iter it;
	const struct symbol *sym, *all[64];
	size_t n = 0, i;

	char part[300];
	int k;

	for (sym = symtab_name_first(s->symtab, name, &it); sym && n < 64;
	     sym = symtab_name_next(&it))
		all[n++] = sym;
	/* gcc's partial-inlining clones (name.part.N) are the same function
	 * to a reader of the source: the classic crash lists them too */
	for (k = 0; n && k < 4; k++) {
		snprintf(part, sizeof(part), "%s.part.%d", name, k);
		for (sym = symtab_name_first(s->symtab, part, &it);
		     sym && n < 64; sym = symtab_name_next(&it))
			all[n++] = sym;
	}
	qsort(all, n, sizeof(*all), cmp_addr);
	for (i = 0; i < n; i++)
		print_symbol(s, all[i], all[i]->addr, 0);
	return n > 0;
}

static int sym_one(struct session *s, const char *arg)
{
	const struct symbol *sym;
	uint64_t addr, off;
	char *end;

	if (print_named(s, arg))
		return 0;
	addr = strtoull(arg, &end, 16);
	if (*end || end == arg) {
		fprintf(s->out, "symbol not found: %s\npossible alternatives:\n",
			arg);
		list_matching(s, arg);
		return 1;
	}
	sym = symtab_lookup_addr(s->symtab, addr, &off);
	/* per-cpu symbols are offsets into a per-cpu area, not addresses */
	if (!sym || (sym->fixed && sym->type != 'A')) {
		fprintf(stderr, "sym: invalid address: %s\n", arg);
		return 1;
	}
	print_symbol(s, sym, addr, off);
	return 0;
}

int cmd_sym(struct session *s, int argc, char **argv)
{
	int i, rc = 0;

	if (!s->symtab) {
		fprintf(stderr, "sym: no symbols (%s)\n", s->namelist ?
			"the vmlinux has no symbol table" : "no vmlinux given");
		return 1;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: sym [-l] | [-q string] | [symbol | "
			"vaddr] ...\n");
		return 1;
	}
	if (!strcmp(argv[1], "-l")) {
		list_matching(s, NULL);
		return 0;
	}
	if (!strcmp(argv[1], "-q")) {
		if (argc < 3) {
			fprintf(stderr, "sym: -q needs a string\n");
			return 1;
		}
		list_matching(s, argv[2]);
		return 0;
	}
	for (i = 1; i < argc; i++)
		rc |= sym_one(s, argv[i]);
	return rc;
}
