/*
 * The user interface around the commands: the prompt (GNU readline, with
 * history kept across sessions and tab completion), .crashrc files, -i
 * scripts, the pager for long output, and Ctrl-C.  Commands never see
 * it: they write to the session's stream, and stop when
 * util/interrupt.h says so.
 */
#ifndef CRASH_UI_H
#define CRASH_UI_H

#include <stdbool.h>
#include <stdio.h>

struct session;

struct ui_options {
	const char *script;	/* -i FILE, or NULL */
	bool no_crashrc;	/* --no_crashrc */
};

/* Before the banner: signal handlers, the pager, and the set and alias
 * lines of $HOME/.crashrc and ./.crashrc (so that "set silent on" there
 * can keep the banner away). */
void ui_init(struct session *s, const struct ui_options *o);
/* After it: the other .crashrc lines, the -i script, then the commands
 * typed at the prompt (or read from stdin) until q, exit or end of
 * input. */
void ui_run(struct session *s, const struct ui_options *o);

/* The pager (pager.c): a stream that holds what is written to it until
 * it fills the screen, then hands it and the rest to the session's pager
 * program; closed (fclose) before it filled the screen, it writes what it
 * holds to stdout. */
FILE *ui_pager_open(struct session *s);

/* Tab completion (complete.c): readline's completion function. */
char **ui_complete(const char *text, int start, int end);
void ui_complete_init(struct session *s);
void ui_complete_done(void);

#endif
