#include "../session.h"
#include "commands.h"

const char *const quit_help[] = {
	"NAME",
	"  q, exit - exit this session",
	"",
	"SYNOPSIS",
	"  q",
	"",
	"DESCRIPTION",
	"  Ends the crash session.  End of input (Ctrl-D) does the same.",
	"",
	"EXAMPLES",
	"    crash> q",
	NULL,
};

int cmd_quit(struct session *s, int argc, char **argv)
{
	return -1;	/* tells the session to end */
}
