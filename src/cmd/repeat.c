/* repeat: run a command again and again, until Ctrl-C. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../session.h"
#include "../util/interrupt.h"
#include "../util/strbuf.h"
#include "commands.h"

const char *const repeat_help[] = {
	"NAME",
	"  repeat - repeat a command",
	"",
	"SYNOPSIS",
	"  repeat [-seconds] command",
	"",
	"DESCRIPTION",
	"  This command runs a command line again and again, waiting the given",
	"  number of seconds between two runs, until Ctrl-C stops it (or the",
	"  reader of its output, such as a pager or a pipe, goes away).  The",
	"  command line may use aliases, pipes and redirections.",
	"",
	"    -seconds  wait this many seconds between two runs; it must come",
	"              before the command.",
	"",
	"  On a dump nothing changes from one run to the next: this is the",
	"  classic crash's command for live systems, kept for scripts.",
	"",
	"EXAMPLES",
	"    crash> repeat -1 p jiffies",
	"    jiffies = $1 = 4294894831",
	"    jiffies = $2 = 4294894831",
	"    ^C",
	NULL,
};

/* Sleep, but wake up for Ctrl-C. */
static void pause_for(unsigned long seconds)
{
	struct timespec t = { (time_t)seconds, 0 };

	while (!interrupted() && nanosleep(&t, &t) && errno == EINTR)
		;
}

int cmd_repeat(struct session *s, int argc, char **argv)
{
	unsigned long delay = 0;
	struct strbuf sb = { 0 };
	char *line, *end;
	int i, first = 1;

	if (argc > 1 && argv[1][0] == '-') {
		delay = strtoul(argv[1] + 1, &end, 10);
		if (!argv[1][1] || *end) {
			command_usage(s->out, "repeat");
			return 1;
		}
		first = 2;
	}
	if (first >= argc) {
		command_usage(s->out, "repeat");
		return 1;
	}
	for (i = first; i < argc; i++)
		strbuf_printf(&sb, "%s%s", i > first ? " " : "", argv[i]);
	line = strbuf_steal(&sb);
	if (!line)
		return 1;
	while (!interrupted()) {
		if (!session_run_command(s, line))
			break;
		fflush(s->out);
		if (ferror(s->out))
			break;
		if (delay)
			pause_for(delay);
	}
	free(line);
	return 0;
}
