#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/modules.h"
#include "../session.h"
#include "../util/interrupt.h"
#include "../util/progress.h"
#include "../symbols/lines.h"
#include "../symbols/symtab.h"
#include "../util/error.h"
#include "commands.h"

const char *const sym_help[] = {
	"NAME",
	"  sym - translate a symbol to its virtual address, or vice-versa",
	"",
	"SYNOPSIS",
	"  sym [-l] | [-m module] | [-q string] | [symbol | vaddr] ...",
	"",
	"DESCRIPTION",
	"  This command translates a symbol to its virtual address, or a static",
	"  kernel virtual address to its symbol -- or to a symbol-plus-offset",
	"  value, if appropriate.  Each line shows the address, the symbol type",
	"  as nm(1) prints it, the symbol, and the source file and line when",
	"  the vmlinux has line information.  Symbols of loaded modules come",
	"  from the module's own kallsyms table in the dump (and from its",
	"  object file once \"mod -s\" has loaded it); they are followed by the",
	"  module's name in brackets.",
	"",
	"    -l  dumps all symbols and their values, then those of each",
	"        module between lines that mark where its memory starts and",
	"        ends.",
	"    -m  dumps the symbols of one module in the same way.",
	"    -q  searches for all symbols containing string.",
	"",
	"EXAMPLES",
	"    crash> sym jiffies",
	"    ffffffff82a05980 (D) jiffies",
	"    crash> sym ffffffff81c2e2b5",
	"    ffffffff81c2e2b5 (T) schedule+5 kernel/sched/core.c: 6654",
	"    crash> sym ffffffffc0412755",
	"    ffffffffc0412755 (t) virtio_queue_rq+5 [virtio_blk]",
	"    crash> sym -m virtio_blk",
	"    ffffffffc0410000 MODULE TEXT START: virtio_blk",
	"    ffffffffc0410000 (t) __pfx_virtblk_done",
	"    ffffffffc0410010 (t) virtblk_done",
	"    ...",
	NULL,
};

/* One symbol line: "addr (type) name+off [module]" with the source
 * line after a vmlinux function's name, or the same as a JSON object. */
static void emit_symbol(struct session *s, uint64_t addr, char type,
			const char *name, uint64_t off, const char *module,
			const char *file, int line)
{
	struct json *j = session_json_taken(s);

	if (j) {
		json_object(j);
		json_khex(j, "address", addr);
		json_key(j, "type");
		json_string_len(j, &type, 1);
		json_kstring(j, "name", name);
		json_kuint(j, "offset", off);
		json_kstring(j, "module", module);
		json_ksource(j, file, line);
		json_object_end(j);
		return;
	}
	fprintf(s->out, "%016llx (%c) %s", (unsigned long long)addr, type,
		name);
	if (off)
		fprintf(s->out, "+%llu", (unsigned long long)off);
	if (module)
		fprintf(s->out, " [%s]", module);
	if (file)
		fprintf(s->out, " %s: %d", file, line);
	fputc('\n', s->out);
}

static void print_symbol(struct session *s, const struct symbol *sym,
			 uint64_t addr, uint64_t off)
{
	struct lines *l = session_lines(s);
	const char *file = NULL;
	int line = 0;

	if (l && (sym->type == 'T' || sym->type == 't' || sym->type == 'W' ||
		  sym->type == 'w')) {
		struct error *err = lines_lookup(l, addr - symtab_offset(
							 s->symtab), &file,
						 &line);

		if (err)
			file = NULL;
		error_free(err);
	}
	emit_symbol(s, addr, sym->type, sym->name, off, NULL, file, line);
}

/* The modules, or NULL quietly if there are none to read (no debug info,
 * no memory): sym then answers from the vmlinux alone. */
static const struct module_list *modules(struct session *s)
{
	return session_modules(s, NULL);
}

/* "MODULE START: name" or, where modules have several regions (6.4+),
 * "MODULE TEXT START: name". */
static void print_region_mark(struct session *s, const struct kmodule *m,
			      const struct module_region *r, uint64_t addr,
			      const char *what)
{
	struct json *j = session_json_taken(s);

	if (j) {
		json_object(j);
		json_khex(j, "address", addr);
		json_kstring(j, "marker", what);
		json_kstring(j, "region", r->label);
		json_kstring(j, "module", m->name);
		json_object_end(j);
		return;
	}
	fprintf(s->out, "%llx MODULE %s%s%s: %s\n", (unsigned long long)addr,
		r->label, r->label[0] ? " " : "", what, m->name);
}

static void list_module(struct session *s, const struct kmodule *m)
{
	unsigned r;
	size_t i;

	for (r = 0; r < m->nregions; r++) {
		const struct module_region *reg = &m->regions[r];

		print_region_mark(s, m, reg, reg->base, "START");
		for (i = 0; i < m->nsyms; i++)
			if (m->syms[i].region == r)
				/* the marks name the module in the text */
				emit_symbol(s, m->syms[i].addr,
					    m->syms[i].type, m->syms[i].name,
					    0, session_json_taken(s) ?
					    m->name : NULL, NULL, 0);
		print_region_mark(s, m, reg, reg->base + reg->size, "END");
	}
}

static void list_matching(struct session *s, const char *needle)
{
	const struct module_list *ml = modules(s);
	struct symtab_iter it;
	const struct symbol *sym;
	size_t m, i, done = 0, total = symtab_count(s->symtab);
	int n = 0;

	progress_begin("sym");
	symtab_iter_init(s->symtab, 0, &it);
	while ((sym = symtab_iter_next(&it)) && !interrupted()) {
		progress_update(++done, total);
		if (!needle || strstr(sym->name, needle)) {
			emit_symbol(s, sym->addr, sym->type, sym->name, 0,
				    NULL, NULL, 0);
			n++;
		}
	}
	for (m = 0; ml && m < ml->n; m++) {
		const struct kmodule *mod = &ml->mods[m];

		if (!needle) {
			list_module(s, mod);
			continue;
		}
		for (i = 0; i < mod->nsyms; i++)
			if (strstr(mod->syms[i].name, needle)) {
				emit_symbol(s, mod->syms[i].addr,
					    mod->syms[i].type,
					    mod->syms[i].name, 0, mod->name,
					    NULL, 0);
				n++;
			}
	}
	if (needle && !n && !session_json_taken(s))
		fprintf(s->out, "  (none found)\n");
}

static int list_one_module(struct session *s, const char *name)
{
	const struct error *why;
	const struct module_list *ml = session_modules(s, &why);
	const struct kmodule *m;

	if (!ml) {
		fprintf(stderr, "sym: %s\n", why ? why->message :
			"no module list");
		return 1;
	}
	m = modules_find(ml, name);
	if (!m) {
		fprintf(stderr, "sym: %s: no such module is loaded\n", name);
		return 1;
	}
	list_module(s, m);
	return 0;
}

static void print_module_symbol(struct session *s, const struct kmodule *m,
				const struct module_symbol *ms, uint64_t addr,
				uint64_t off)
{
	emit_symbol(s, addr, ms->type, ms->name, off, m->name, NULL, 0);
}

static int cmp_addr(const void *a, const void *b)
{
	const struct symbol *x = *(const struct symbol *const *)a;
	const struct symbol *y = *(const struct symbol *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The module symbols of that name, module by module; how many. */
static size_t print_named_in_modules(struct session *s, const char *name)
{
	const struct module_list *ml = modules(s);
	struct modules_name_iter it;
	const struct module_symbol *ms;
	size_t n = 0;

	if (!ml)
		return 0;
	/* the classic crash shows name.isra.N as name: find both */
	for (ms = modules_name_first(ml, name, true, &it); ms;
	     ms = modules_name_next(&it), n++)
		print_module_symbol(s, it.mod, ms, ms->addr, 0);
	return n;
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
	return n + print_named_in_modules(s, name) > 0;
}

/* An address inside a module: its symbol, or the start of its memory
 * region when no symbol comes before it there (as the classic crash
 * names it: "_MODULE_DATA_START_name+16"). */
static int sym_in_module(struct session *s, const char *arg, uint64_t addr)
{
	const struct module_list *ml = modules(s);
	const struct module_symbol *ms;
	const struct kmodule *m;
	uint64_t off;
	unsigned r;

	if (ml && (ms = modules_lookup_addr(ml, addr, &m, &off))) {
		print_module_symbol(s, m, ms, addr, off);
		return 0;
	}
	if (ml && (m = modules_at(ml, addr, &r))) {
		const struct module_region *reg = &m->regions[r];
		char name[128];

		snprintf(name, sizeof(name), "_MODULE_%s%sSTART_%s",
			 reg->label, reg->label[0] ? "_" : "", m->name);
		emit_symbol(s, addr, 'm', name, addr - reg->base, m->name,
			    NULL, 0);
		return 0;
	}
	fprintf(stderr, "sym: invalid address: %s\n", arg);
	return 1;
}

static int sym_one(struct session *s, const char *arg)
{
	const struct symbol *sym;
	uint64_t addr, off;
	char *end;

	if (print_named(s, arg))
		return 0;
	addr = strtoull(arg, &end, 16);
	if ((*end || end == arg) && session_json_taken(s)) {
		fprintf(stderr, "sym: symbol not found: %s\n", arg);
		return 1;
	}
	if (*end || end == arg) {
		fprintf(s->out, "symbol not found: %s\npossible alternatives:\n",
			arg);
		list_matching(s, arg);
		return 1;
	}
	sym = symtab_lookup_addr(s->symtab, addr, &off);
	/* per-cpu symbols are offsets into a per-cpu area, not addresses */
	if (sym && !(sym->fixed && sym->type != 'A')) {
		print_symbol(s, sym, addr, off);
		return 0;
	}
	return sym_in_module(s, arg, addr);
}

static int sym_run(struct session *s, int argc, char **argv);

int cmd_sym(struct session *s, int argc, char **argv)
{
	struct json *j;
	int rc;

	if (!s->symtab) {
		fprintf(stderr, "sym: no symbols (%s)\n", s->namelist ?
			"the vmlinux has no symbol table" : "no vmlinux given");
		return 1;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: sym [-l] | [-m module] | [-q string] | "
			"[symbol | vaddr] ...\n");
		return 1;
	}
	/* every form gives a list of symbols (and -l's, -m's marks) */
	if ((j = session_json(s)))
		json_array(j);
	rc = sym_run(s, argc, argv);
	if (j)
		json_array_end(j);
	return rc;
}

static int sym_run(struct session *s, int argc, char **argv)
{
	int i, rc = 0;

	if (!strcmp(argv[1], "-l")) {
		list_matching(s, NULL);
		return 0;
	}
	if (!strcmp(argv[1], "-m")) {
		if (argc < 3) {
			fprintf(stderr, "sym: -m needs a module name\n");
			return 1;
		}
		for (i = 2; i < argc; i++)
			rc |= list_one_module(s, argv[i]);
		return rc;
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
