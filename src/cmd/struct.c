#include <stdlib.h>
#include <string.h>

#include "../session.h"
#include "../symbols/debuginfo.h"
#include "../symbols/type_print.h"
#include "../util/error.h"
#include "../util/strbuf.h"
#include "commands.h"

const char *const struct_help[] = {
	"NAME",
	"  struct - structure contents",
	"",
	"SYNOPSIS",
	"  struct struct_name[.member] [-o] [-x]",
	"",
	"DESCRIPTION",
	"  This command displays the definition of a structure, or of one of",
	"  its members, as the kernel's debug info describes it, with the",
	"  structure's size.",
	"",
	"    struct_name  the name of a C structure (or of a typedef of one).",
	"        .member  only that member (struct_name.member).",
	"             -o  show the offset of each member.",
	"             -x  show offsets and sizes in hexadecimal.",
	"",
	"  Showing the contents of a structure in memory (struct_name",
	"  address) needs the value printer, which this crash does not have",
	"  yet.",
	"",
	"EXAMPLES",
	"    crash> struct list_head",
	"    struct list_head {",
	"        struct list_head *next;",
	"        struct list_head *prev;",
	"    }",
	"    SIZE: 16",
	"    crash> struct -o list_head",
	"    struct list_head {",
	"       [0] struct list_head *next;",
	"       [8] struct list_head *prev;",
	"    }",
	"    SIZE: 16",
	NULL,
};

const char *const union_help[] = {
	"NAME",
	"  union - union contents",
	"",
	"SYNOPSIS",
	"  union union_name[.member] [-o] [-x]",
	"",
	"DESCRIPTION",
	"  This command displays the definition of a union, or of one of its",
	"  members, with its size; the options are those of struct.",
	"",
	"EXAMPLES",
	"    crash> union -o fpregs_state",
	NULL,
};

/* Print what the type layer wrote, then its error if any. */
void print_answer(struct session *s, const char *cmd, struct strbuf *sb,
		  struct error *err)
{
	if (sb->s && sb->len) {
		fputs(sb->s, s->out);
		if (sb->s[sb->len - 1] != '\n')
			fputc('\n', s->out);
	}
	strbuf_free(sb);
	if (err) {
		fprintf(stderr, "%s: %s\n", cmd, err->message);
		error_free(err);
	}
}

static int struct_or_union(struct session *s, int argc, char **argv,
			   bool is_union)
{
	const char *cmd = is_union ? "union" : "struct";
	unsigned int flags = 0, kind = is_union ? DWARF_INDEX_UNION
						: DWARF_INDEX_STRUCT;
	struct strbuf sb = { 0 };
	const struct type *t;
	char *name = NULL, *member;
	struct error *err;
	int i;

	if (!s->debuginfo) {
		fprintf(stderr, "%s: no vmlinux: types are unknown\n", cmd);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o")) {
			flags |= TYPE_PRINT_OFFSETS;
		} else if (!strcmp(argv[i], "-x")) {
			flags |= TYPE_PRINT_HEX;
		} else if (argv[i][0] == '-' || name) {
			fprintf(stderr, "%s: %s: not supported (see help %s)\n",
				cmd, argv[i], cmd);
			return 1;
		} else {
			name = argv[i];
		}
	}
	if (!name) {
		fprintf(stderr, "usage: %s %s_name[.member] [-o] [-x]\n", cmd,
			cmd);
		return 1;
	}
	member = strchr(name, '.');
	if (member)
		*member++ = '\0';
	err = debuginfo_type(s->debuginfo, name, kind, &t);
	if (err && err->code == ERR_NOT_FOUND) {
		const struct type *td;

		error_free(err);
		/* a typedef of a struct (or union) names it too */
		err = debuginfo_type(s->debuginfo, name, DWARF_INDEX_TYPEDEF,
				     &td);
		if (!err) {
			struct type_ref r = type_strip_typedefs(
				(struct type_ref){ td, 0 });

			if (r.type->kind == (is_union ? TYPE_UNION
						      : TYPE_STRUCT))
				t = td;
			else
				err = error_create(ERR_NOT_FOUND, "x");
		}
		if (err) {
			error_free(err);
			fprintf(stderr, "%s: invalid data structure reference: "
				"%s\n", cmd, name);
			return 1;
		}
	} else if (err) {
		fprintf(stderr, "%s: %s\n", cmd, err->message);
		error_free(err);
		return 1;
	}
	err = type_print_struct(&sb, debuginfo_types(s->debuginfo), t, member,
				flags);
	print_answer(s, cmd, &sb, err);
	return 0;
}

int cmd_struct(struct session *s, int argc, char **argv)
{
	return struct_or_union(s, argc, argv, false);
}

int cmd_union(struct session *s, int argc, char **argv)
{
	return struct_or_union(s, argc, argv, true);
}
