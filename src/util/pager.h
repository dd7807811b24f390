/* Which program pages long output on a terminal, as the classic crash
 * chooses it: $CRASHPAGER if usable, else less, else more. */
#ifndef CRASH_PAGER_H
#define CRASH_PAGER_H

#include <stdbool.h>
#include <stddef.h>

enum pager_kind {
	PAGER_NONE,
	PAGER_LESS,		/* /usr/bin/less */
	PAGER_MORE,		/* /bin/more */
	PAGER_CRASHPAGER,	/* the CRASHPAGER environment variable */
};

/* The first of CRASHPAGER, less and more that can be run; PAGER_NONE if
 * none can. */
enum pager_kind pager_default(void);
/* $CRASHPAGER names a program that can be run, with no | < > in it (a
 * message on stderr says why it is ignored, the first time). */
bool pager_crashpager_valid(void);
/* As set shows it: "/usr/bin/less", "/bin/more", "none",
 * "CRASHPAGER: less -R" (in buf). */
const char *pager_describe(enum pager_kind kind, char *buf, size_t len);
/* The shell command that runs it (in buf), or NULL for PAGER_NONE. */
const char *pager_command(enum pager_kind kind, char *buf, size_t len);

#endif
