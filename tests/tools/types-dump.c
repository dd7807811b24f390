/*
 * types-dump: the type layer on a real vmlinux, for tests/cmd/types_check.py
 * and for poking at kernels by hand.
 *
 *   types-dump [--markers] [--time] VMLINUX [COMMAND...]
 *
 * Each COMMAND (or, without any, each line of stdin) is one of:
 *   struct [-o] [-x] NAME[.MEMBER]     as in the classic crash
 *   union [-o] [-x] NAME[.MEMBER]
 *   whatis [struct|union|enum] NAME    a type, variable, function or
 *                                      enumerator
 *   offset NAME PATH                   type_member_lookup(): offset, bit
 *                                      offset, bit size, size, type
 *   address NAME                       a variable's address
 * Names are found through the session's debug info (debuginfo.h), which
 * chooses the way the classic crash does.  For "whatis NAME": a variable or
 * function first, if the ELF symbol table has NAME (so not a static
 * inline); then a struct, union or enum tag; then a typedef or base type;
 * then an enumerator; last a variable or function that has DWARF but no
 * ELF symbol (GDB's bare answer).  Of several definitions the last one,
 * as the classic crash's GDB finds them.
 *
 * --markers prints "==> COMMAND" before each answer; --time prints on
 * stderr how long opening, indexing and each command took.  Errors go to
 * stdout as "NAME: message" lines, so that answers stay in order.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/symbols/debuginfo.h"
#include "../../src/symbols/symtab.h"
#include "../../src/symbols/type_print.h"
#include "../../src/symbols/types.h"
#include "../../src/symbols/vmlinux.h"
#include "../../src/util/error.h"
#include "../../src/util/strbuf.h"

struct tool {
	struct vmlinux *vm;
	struct debuginfo *di;
	struct symtab *st;
	char **symbols;		/* ELF names without ".isra.0" etc. */
	size_t nsymbols;
	struct types *ts;
	bool time;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The classic crash knows a clone "name.isra.0" as "name". */
static void load_symbol_names(struct tool *tool)
{
	const struct symbol *sym;
	struct symtab_iter it;
	size_t n = 0;

	tool->symbols = malloc(symtab_count(tool->st) * sizeof(char *));
	if (!tool->symbols)
		return;
	symtab_iter_init(tool->st, 0, &it);
	while ((sym = symtab_iter_next(&it)) && n < symtab_count(tool->st))
		tool->symbols[n++] = strndup(sym->name,
					     strcspn(sym->name, "."));
	qsort(tool->symbols, n, sizeof(char *), compare_names);
	tool->nsymbols = n;
}

static bool is_symbol(const struct tool *tool, const char *name)
{
	return tool->symbols &&
	       bsearch(&name, tool->symbols, tool->nsymbols, sizeof(char *),
		       compare_names);
}

/* The DIE GDB would find for name, chosen as the session chooses it. */
static bool lookup(struct tool *tool, const char *name, unsigned int kinds,
		   struct dwarf_index_match *ret)
{
	return debuginfo_lookup(tool->di, name, kinds, ret);
}

/* A type by name among kinds; false if there is none. */
static bool find_type(struct tool *tool, const char *name, unsigned int kinds,
		      const struct type **ret)
{
	struct dwarf_index_match m;
	struct type_ref ref;
	struct error *err;

	if (!lookup(tool, name, kinds, &m))
		return false;
	if ((err = types_from_die(tool->ts, debuginfo_die(&m), &ref))) {
		printf("%s: %s\n", name, err->message);
		error_free(err);
		return false;
	}
	*ret = ref.type;
	return true;
}

static void answer(struct strbuf *sb, struct error *err, const char *what)
{
	if (err) {
		printf("%s: %s\n", what, err->message);
		error_free(err);
	}
	fputs(sb->s ? sb->s : "", stdout);
	strbuf_free(sb);
}

static void cmd_struct(struct tool *tool, char **argv, int argc, bool is_union)
{
	const char *cmd = is_union ? "union" : "struct";
	unsigned int flags = 0, kind = is_union ? DWARF_INDEX_UNION
						: DWARF_INDEX_STRUCT;
	struct strbuf sb = { 0 };
	const struct type *t, *s;
	char *name = NULL, *member;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o"))
			flags |= TYPE_PRINT_OFFSETS;
		else if (!strcmp(argv[i], "-x"))
			flags |= TYPE_PRINT_HEX;
		else
			name = argv[i];
	}
	if (!name) {
		printf("%s: no name\n", cmd);
		return;
	}
	member = strchr(name, '.');
	if (member)
		*member++ = '\0';
	if (!find_type(tool, name, kind, &t)) {
		struct type_ref r;

		if (!find_type(tool, name, DWARF_INDEX_TYPEDEF, &t))
			goto invalid;
		r = type_strip_typedefs((struct type_ref){ t, 0 });
		s = r.type;
		if (s->kind != (is_union ? TYPE_UNION : TYPE_STRUCT))
			goto invalid;
	}
	answer(&sb, type_print_struct(&sb, tool->ts, t, member, flags), cmd);
	return;
invalid:
	printf("%s: invalid data structure reference: %s\n", cmd, name);
}

/*
 * A variable or function: with its declaration if it is in the ELF symbol
 * table (crash's symbol_search()), else with GDB's bare answer.
 */
static bool whatis_symbol(struct tool *tool, const char *name, bool symbol)
{
	struct dwarf_index_match m;
	struct type_variable v;
	struct type_function f;
	struct strbuf sb = { 0 };
	struct type_ref type;
	struct error *err;

	if (symbol != is_symbol(tool, name))
		return false;
	if (!lookup(tool, name, DWARF_INDEX_VARIABLE | DWARF_INDEX_FUNCTION,
		    &m))
		return false;
	if (m.kind == DWARF_INDEX_VARIABLE) {
		err = types_variable(tool->ts, debuginfo_die(&m), &v);
		type = v.type;
	} else {
		err = types_function(tool->ts, debuginfo_die(&m), &f);
		type = (struct type_ref){ f.type, 0 };
	}
	if (!err && symbol)
		err = type_print_symbol(&sb, tool->ts, name, type);
	else if (!err)
		err = type_print_gdb_whatis(&sb, tool->ts, type, false);
	answer(&sb, err, name);
	return true;
}

static bool whatis_enumerator(struct tool *tool, const char *name)
{
	struct dwarf_index_match m;
	const struct type *en;
	struct strbuf sb = { 0 };
	struct error *err;
	int64_t value;

	if (!lookup(tool, name, DWARF_INDEX_ENUMERATOR, &m))
		return false;
	if ((err = types_enumerator(tool->ts, debuginfo_die(&m), &en, &value))) {
		answer(&sb, err, name);
		return true;
	}
	type_print_enumerator(&sb, en, value);
	answer(&sb, NULL, name);
	return true;
}

static void cmd_whatis(struct tool *tool, char **argv, int argc)
{
	unsigned int kinds = DWARF_INDEX_STRUCT | DWARF_INDEX_UNION |
			     DWARF_INDEX_ENUM;
	const char *name;
	struct strbuf sb = { 0 };
	const struct type *t;
	int i = 1;

	if (argc > 2) {
		if (!strcmp(argv[1], "struct"))
			kinds = DWARF_INDEX_STRUCT;
		else if (!strcmp(argv[1], "union"))
			kinds = DWARF_INDEX_UNION;
		else if (!strcmp(argv[1], "enum"))
			kinds = DWARF_INDEX_ENUM;
		i = 2;
	}
	if (i >= argc) {
		printf("whatis: no name\n");
		return;
	}
	name = argv[i];
	if (i == 1 && whatis_symbol(tool, name, true))
		return;
	if (!find_type(tool, name, kinds, &t) &&
	    (i == 2 || !find_type(tool, name, DWARF_INDEX_TYPEDEF |
				  DWARF_INDEX_BASE, &t))) {
		if (i == 1 && (whatis_enumerator(tool, name) ||
			       whatis_symbol(tool, name, false)))
			return;
		printf("whatis: cannot resolve: %s\n", name);
		return;
	}
	answer(&sb, type_print_whatis(&sb, tool->ts, t), "whatis");
}

static void cmd_offset(struct tool *tool, char **argv, int argc)
{
	struct type_member_info mi;
	struct strbuf sb = { 0 };
	const struct type *t;
	struct error *err;

	if (argc != 3) {
		printf("offset: usage: offset NAME PATH\n");
		return;
	}
	if (!find_type(tool, argv[1], DWARF_INDEX_STRUCT | DWARF_INDEX_UNION |
		       DWARF_INDEX_TYPEDEF, &t)) {
		printf("offset: no type %s\n", argv[1]);
		return;
	}
	if ((err = type_member_lookup(tool->ts, t, argv[2], &mi))) {
		answer(&sb, err, "offset");
		return;
	}
	printf("%s %s: offset %" PRIu64 " bit_offset %" PRIu64
	       " bit_size %" PRIu32 " size %" PRIu64 " type ", argv[1],
	       argv[2], mi.offset, mi.bit_offset, mi.bit_size, mi.size);
	answer(&sb, type_print_c(&sb, tool->ts, mi.type, "", -1), "offset");
	printf("\n");
}

static void cmd_address(struct tool *tool, char **argv, int argc)
{
	struct dwarf_index_match m;
	struct type_variable v;
	struct error *err;
	uint64_t addr;

	if (argc != 2) {
		printf("address: usage: address NAME\n");
		return;
	}
	if (!lookup(tool, argv[1], DWARF_INDEX_VARIABLE, &m)) {
		printf("address: no variable %s\n", argv[1]);
		return;
	}
	if ((err = types_variable(tool->ts, debuginfo_die(&m), &v)) ||
	    (err = type_variable_address(&v, &addr))) {
		printf("address: %s\n", err->message);
		error_free(err);
		return;
	}
	printf("%s: %#" PRIx64 "\n", argv[1], addr);
}

static void run(struct tool *tool, const char *line, bool markers)
{
	char copy[1024], *argv[16], *p;
	int argc = 0;
	double t0 = now();

	snprintf(copy, sizeof(copy), "%s", line);
	for (p = strtok(copy, " \t\n"); p && argc < 16;
	     p = strtok(NULL, " \t\n"))
		argv[argc++] = p;
	if (!argc)
		return;
	if (markers)
		printf("==> %s\n", line);
	if (!strcmp(argv[0], "struct") || !strcmp(argv[0], "union"))
		cmd_struct(tool, argv, argc, argv[0][0] == 'u');
	else if (!strcmp(argv[0], "whatis"))
		cmd_whatis(tool, argv, argc);
	else if (!strcmp(argv[0], "offset"))
		cmd_offset(tool, argv, argc);
	else if (!strcmp(argv[0], "address"))
		cmd_address(tool, argv, argc);
	else
		printf("%s: unknown command\n", argv[0]);
	fflush(stdout);
	if (tool->time)
		fprintf(stderr, "time: %.6f s: %s\n", now() - t0, line);
}

int main(int argc, char **argv)
{
	struct tool tool = { 0 };
	bool markers = false;
	struct error *err;
	char line[1024];
	double t0, t1, t2, t3;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--markers"))
			markers = true;
		else if (!strcmp(argv[i], "--time"))
			tool.time = true;
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: types-dump [--markers] [--time] "
			"VMLINUX [COMMAND...]\n");
		return 2;
	}
	t0 = now();
	if ((err = vmlinux_open(argv[i], &tool.vm)))
		goto fail;
	t1 = now();
	/* the session's own debug info: index (or its cache), types and
	 * the resolver of declared-only structs */
	if ((err = debuginfo_open(tool.vm, &tool.di)))
		goto fail;
	t2 = now();
	if ((err = debuginfo_ready(tool.di))) {
		err = error_create(err->code, "%s", err->message);
		goto fail;
	}
	tool.ts = debuginfo_types(tool.di);
	t3 = now();
	if ((err = symtab_load(tool.vm, &tool.st))) {
		fprintf(stderr, "types-dump: %s\n", err->message);
		error_free(err);
	} else {
		load_symbol_names(&tool);
	}
	if (tool.time)
		fprintf(stderr, "time: %.6f s: vmlinux_open\n"
			"time: %.6f s: debuginfo_open\n"
			"time: %.6f s: debuginfo_ready (index and types)\n",
			t1 - t0, t2 - t1, t3 - t2);
	if (i + 1 < argc) {
		for (i++; i < argc; i++)
			run(&tool, argv[i], markers);
	} else {
		while (fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, "\n")] = '\0';
			run(&tool, line, markers);
		}
	}
	if (tool.time) {
		struct types_stats st;

		types_get_stats(tool.ts, &st);
		fprintf(stderr, "stats: %zu type DIEs read, %zu lists read, "
			"%zu cached\n", st.dies_read, st.lists_read,
			st.cached);
	}
	for (size_t k = 0; k < tool.nsymbols; k++)
		free(tool.symbols[k]);
	free(tool.symbols);
	symtab_free(tool.st);
	debuginfo_close(tool.di);
	vmlinux_close(tool.vm);
	return 0;
fail:
	fprintf(stderr, "types-dump: %s\n", err->message);
	error_free(err);
	debuginfo_close(tool.di);
	vmlinux_close(tool.vm);
	return 1;
}
