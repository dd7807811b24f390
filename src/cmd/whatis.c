#include <string.h>

#include "../session.h"
#include "../symbols/debuginfo.h"
#include "../symbols/symtab.h"
#include "../symbols/type_print.h"
#include "../util/error.h"
#include "../util/strbuf.h"
#include "commands.h"

const char *const whatis_help[] = {
	"NAME",
	"  whatis - search symbol table for data or type information",
	"",
	"SYNOPSIS",
	"  whatis [struct | union | enum] name",
	"",
	"DESCRIPTION",
	"  This command displays the definition of a structure, union,",
	"  typedef or enum, or the declaration of a variable or function, and",
	"  for an enumerator its enum and value.",
	"",
	"EXAMPLES",
	"    crash> whatis init_task",
	"    struct task_struct init_task;",
	"    crash> whatis schedule",
	"    void schedule(void);",
	NULL,
};

/* A variable or a function: its declaration if the ELF symbol table has
 * it (as the classic crash checks), else GDB's bare type. */
static bool whatis_symbol(struct session *s, const char *name, bool symbol)
{
	struct debuginfo *di = s->debuginfo;
	struct types *ts = debuginfo_types(di);
	struct dwarf_index_match m;
	struct type_variable v;
	struct type_function f;
	struct strbuf sb = { 0 };
	struct type_ref type;
	struct error *err;
	bool in_symtab = s->symtab && symtab_lookup_name(s->symtab, name);

	if (symbol != in_symtab ||
	    !debuginfo_lookup(di, name, DWARF_INDEX_VARIABLE |
			      DWARF_INDEX_FUNCTION, &m))
		return false;
	if (m.kind == DWARF_INDEX_VARIABLE) {
		err = types_variable(ts, debuginfo_die(&m), &v);
		type = v.type;
	} else {
		err = types_function(ts, debuginfo_die(&m), &f);
		type = (struct type_ref){ f.type, 0 };
	}
	if (!err && symbol)
		err = type_print_symbol(&sb, ts, name, type);
	else if (!err)
		err = type_print_gdb_whatis(&sb, ts, type, false);
	print_answer(s, "whatis", &sb, err);
	return true;
}

static bool whatis_enumerator(struct session *s, const char *name)
{
	struct dwarf_index_match m;
	const struct type *en;
	struct strbuf sb = { 0 };
	struct error *err;
	int64_t value;

	if (!debuginfo_lookup(s->debuginfo, name, DWARF_INDEX_ENUMERATOR, &m))
		return false;
	err = types_enumerator(debuginfo_types(s->debuginfo),
			       debuginfo_die(&m), &en, &value);
	if (!err)
		type_print_enumerator(&sb, en, value);
	print_answer(s, "whatis", &sb, err);
	return true;
}

int cmd_whatis(struct session *s, int argc, char **argv)
{
	unsigned int kinds = DWARF_INDEX_STRUCT | DWARF_INDEX_UNION |
			     DWARF_INDEX_ENUM;
	struct strbuf sb = { 0 };
	const struct type *t;
	const char *name;
	struct error *err;
	int i = 1;

	if (!s->debuginfo) {
		fprintf(stderr, "whatis: no vmlinux: types are unknown\n");
		return 1;
	}
	err = debuginfo_ready(s->debuginfo);
	if (err) {
		fprintf(stderr, "whatis: %s\n", err->message);
		return 1;
	}
	if (argc > 2) {
		/* the classic crash reads the keyword and then only the next
		 * word ("whatis unsigned long" asks about "unsigned") */
		if (!strcmp(argv[1], "struct"))
			kinds = DWARF_INDEX_STRUCT;
		else if (!strcmp(argv[1], "union"))
			kinds = DWARF_INDEX_UNION;
		else if (!strcmp(argv[1], "enum"))
			kinds = DWARF_INDEX_ENUM;
		else
			i = 0;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: whatis [struct | union | enum] name\n");
		return 1;
	}
	name = argv[i];
	if (i == 1 && whatis_symbol(s, name, true))
		return 0;
	err = debuginfo_type(s->debuginfo, name, kinds, &t);
	if (err && i == 1) {
		error_free(err);
		err = debuginfo_type(s->debuginfo, name, DWARF_INDEX_TYPEDEF |
				     DWARF_INDEX_BASE, &t);
	}
	if (err) {
		error_free(err);
		if (i == 1 && (whatis_enumerator(s, name) ||
			       whatis_symbol(s, name, false)))
			return 0;
		fprintf(stderr, "whatis: cannot resolve: %s\n", name);
		return 1;
	}
	err = type_print_whatis(&sb, debuginfo_types(s->debuginfo), t);
	print_answer(s, "whatis", &sb, err);
	return 0;
}
