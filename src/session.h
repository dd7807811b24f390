/* One debugging session: the dump, the vmlinux, the options it was opened
 * with.  Commands get it; nothing below cmd/ sees it. */
#ifndef CRASH_SESSION_H
#define CRASH_SESSION_H

#include <stdbool.h>
#include <stdio.h>

struct dump;

struct session {
	struct dump *dump;
	char *namelist;		/* the vmlinux path, or NULL */
	bool silent;		/* -s: no banner */
	FILE *out;
};

/* Run one command line; returns false when the session should end. */
bool session_run_command(struct session *s, const char *line);

#endif
