/* alias: list and define command aliases, as the classic crash's. */
#include <stdlib.h>
#include <string.h>

#include "../session.h"
#include "../util/error.h"
#include "../util/strbuf.h"
#include "commands.h"

const char *const alias_help[] = {
	"NAME",
	"  alias - command aliases",
	"",
	"SYNOPSIS",
	"  alias [alias] [command string]",
	"",
	"DESCRIPTION",
	"  With no argument, lists the aliases; with one, the command string of",
	"  that alias.  With more, makes the first word an alias for the rest:",
	"  typed as the first word of a command line, it is replaced by its",
	"  command string, and what follows on the line is kept.",
	"",
	"           alias  the word that stands for the command string.",
	"  command string  the command (and options) it stands for; it must",
	"                  begin with a command name.  Quote it to keep | and >",
	"                  in it.  An empty string (\"\") deletes the alias.",
	"",
	"  Aliases come from four places, later ones replacing earlier ones of",
	"  the same name: the built-in ones, $HOME/.crashrc, .crashrc in the",
	"  current directory, and this command (typed, or in a -i file).  The",
	"  ORIGIN column says which.  A command name cannot be an alias.",
	"",
	"  The built-in aliases are the classic crash's: man and ? (help),",
	"  quit (q), sf and sn (set scroll off/on), hex and dec (set radix 16/10),",
	"  g (gdb, which this crash does not have), px and pd (p -x, p -d), for",
	"  (foreach), size (*), dmesg (log), lsmod (mod) and last (ps -l).",
	"",
	"EXAMPLES",
	"    crash> alias kp ps -k",
	"    ORIGIN   ALIAS    COMMAND",
	"    runtime  kp       ps -k ",
	"",
	"    crash> alias pb \"ps | grep bash\"",
	"    ORIGIN   ALIAS    COMMAND",
	"    runtime  pb       ps | grep bash ",
	"",
	"    crash> alias kp \"\"",
	"    alias deleted: kp",
	NULL,
};

static const char *origin_name(enum alias_origin o)
{
	switch (o) {
	case ALIAS_BUILTIN: return "builtin";
	case ALIAS_RCHOME: return "$HOME/.crashrc";
	case ALIAS_RCLOCAL: return ".crashrc";
	case ALIAS_RUNTIME: break;
	}
	return "runtime";
}

/* The table (only name's line, if name is not NULL), in the classic
 * layout: the ORIGIN column as wide as its longest entry, each word of
 * the command string followed by a space. */
static void list(struct session *s, const char *name)
{
	const struct alias *a;
	size_t width = 7;
	bool found = false;

	for (a = session_aliases(s); a; a = a->next)
		if (strlen(origin_name(a->origin)) > width)
			width = strlen(origin_name(a->origin));
	fprintf(s->out, "%-*s  ALIAS    COMMAND\n", (int)width, "ORIGIN");
	for (a = session_aliases(s); a; a = a->next) {
		const char *p = a->text;

		if (name && strcmp(name, a->name))
			continue;
		found = true;
		fprintf(s->out, "%-*s  %-7s  ", (int)width,
			origin_name(a->origin), a->name);
		while (*p) {
			size_t n = strcspn(p, " \t");

			if (n)
				fprintf(s->out, "%.*s ", (int)n, p);
			p += n;
			p += strspn(p, " \t");
		}
		fputc('\n', s->out);
	}
	if (name && !found)
		fprintf(s->out, "alias does not exist: %s\n", name);
}

int cmd_alias(struct session *s, int argc, char **argv)
{
	struct error *err;
	struct strbuf text = { 0 };
	char first[64];
	size_t n;
	int i;

	if (argc == 1 || argc == 2) {
		list(s, argc == 2 ? argv[1] : NULL);
		return 0;
	}
	if (command_find(argv[1]) && !strchr(argv[1], '/')) {
		fprintf(stderr, "alias: cannot alias existing command name: "
			"%s\n", argv[1]);
		return 1;
	}
	n = strcspn(argv[2], " \t");
	snprintf(first, sizeof(first), "%.*s", (int)n, argv[2]);
	if (!*first) {
		if (session_alias_delete(s, argv[1]))
			fprintf(s->out, "alias deleted: %s\n", argv[1]);
		return 0;
	}
	if (!command_find(first)) {
		fprintf(stderr, "alias: invalid alias attempt on non-existent "
			"command: %s\n", first);
		return 1;
	}
	for (i = 2; i < argc; i++)
		strbuf_printf(&text, "%s%s", i > 2 ? " " : "", argv[i]);
	err = text.s ? session_alias_define(s, argv[1], text.s,
					    s->alias_origin) : error_nomem();
	strbuf_free(&text);
	if (err) {
		fprintf(stderr, "alias: %s\n", err->message);
		error_free(err);
		return 1;
	}
	list(s, argv[1]);
	return 0;
}
