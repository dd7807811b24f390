#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../session.h"
#include "commands.h"
#include "dumpinfo.h"

const char *const help_help[] = {
	"NAME",
	"  help - get help",
	"",
	"SYNOPSIS",
	"  help [command | -D | -n]",
	"",
	"DESCRIPTION",
	"  With no argument, lists the commands.  With a command name, shows",
	"  that command's help.",
	"",
	"    -D  describe the dump file: its format, page size, dump level,",
	"        release, CPUs, crash time, page counts (present, zero,",
	"        excluded, missing), header fields, per-CPU registers and",
	"        VMCOREINFO (the same as crash --dumpinfo).",
	"    -n  the dump's notes: per-CPU registers and VMCOREINFO.",
	"",
	"EXAMPLES",
	"    crash> help ps",
	"    NAME",
	"      ps - display process status information",
	"    ...",
	NULL,
};

static void print_help(FILE *out, const struct command *c)
{
	const char *const *l;

	for (l = c->help; *l; l++)
		fprintf(out, "%s\n", *l);
}

int cmd_help(struct session *s, int argc, char **argv)
{
	unsigned int i;

	if (argc == 2 && (!strcmp(argv[1], "-D") || !strcmp(argv[1], "-n"))) {
		if (!s->dump) {
			fprintf(stderr, "help: no dump file is open\n");
			return 1;
		}
		dumpinfo_print(s->out, s->dump, argv[1][1] == 'D' ?
			       DUMPINFO_ALL :
			       DUMPINFO_REGS | DUMPINFO_VMCOREINFO);
		return 0;
	}
	if (argc == 2 && argv[1][0] == '-') {
		fprintf(stderr, "help: unknown option %s (try -D or -n)\n",
			argv[1]);
		return 1;
	}
	if (argc >= 2) {
		for (i = 1; i < (unsigned int)argc; i++) {
			if (help_command(s->out, argv[i])) {
				fprintf(stderr, "help: no such command: %s\n",
					argv[i]);
				return 1;
			}
		}
		return 0;
	}
	help_list(s->out);
	return 0;
}

int help_command(FILE *out, const char *name)
{
	const struct command *c = command_find(name);

	if (!c)
		return -1;
	print_help(out, c);
	return 0;
}

void help_list(FILE *out)
{
	unsigned int i, n;
	const struct command *table = command_table(&n);

	for (i = 0; i < n; i++)
		fprintf(out, "%-12s %s\n", table[i].name, table[i].summary);
}

/* One help line as troff text: backslashes escaped, a leading . or '
 * kept from being a request. */
static void man_line(FILE *out, const char *l)
{
	if (*l == '.' || *l == '\'')
		fputs("\\&", out);
	for (; *l; l++) {
		if (*l == '\\')
			fputs("\\e", out);
		else if (*l == '-')
			fputs("\\-", out);
		else
			fputc(*l, out);
	}
	fputc('\n', out);
}

void help_print_man(FILE *out)
{
	unsigned int i, n;
	const struct command *table = command_table(&n);

	fputs(".\\\" Made by crash --man-commands from each command's help "
	      "text: edit those\n", out);
	for (i = 0; i < n; i++) {
		const char *const *l;
		unsigned int j;

		/* exit and q share one page: shown once */
		for (j = 0; j < i && table[j].help != table[i].help; j++)
			;
		if (j < i)
			continue;
		fprintf(out, ".SS %s\n.nf\n", table[i].name);
		for (l = table[i].help; *l; l++)
			man_line(out, *l);
		fputs(".fi\n", out);
	}
}
