/* The session's input: .crashrc files, -i scripts, the prompt. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "../cmd/commands.h"
#include "../session.h"
#include "../util/interrupt.h"
#include "../util/pager.h"
#include "ui.h"

#define HISTORY_FILE ".crash_history"
#define HISTORY_LINES 1000

static void on_signal(int sig)
{
	interrupt_request(sig == SIGINT ? INTERRUPT_SIGINT : INTERRUPT_PIPE);
}

/* Ctrl-C and a closed pipe set the interrupt flag and nothing more: the
 * running command looks at it.  System calls go on (SA_RESTART), so that
 * a read of the dump is not cut in the middle. */
static void catch_signals(bool keyboard)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	if (keyboard)
		sigaction(SIGINT, &sa, NULL);
}

/* ---- .crashrc ---- */

/* As the classic crash: a file anyone may write, or someone else's, is
 * not run. */
static FILE *open_trusted(const char *path)
{
	struct stat st;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) || st.st_uid != getuid() ||
	    (st.st_mode & S_IWOTH) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "crash: WARNING: not using untrusted file: "
			"\"%s\"\n", path);
		fclose(f);
		return NULL;
	}
	return f;
}

/* A line that takes effect before the banner: alias, or set of a crash
 * variable. */
static bool early_line(const char *line)
{
	char w1[32] = "", w2[32] = "";

	if (sscanf(line, " %31s %31s", w1, w2) < 1)
		return false;
	return !strcmp(w1, "alias") ||
	       (!strcmp(w1, "set") && set_is_variable(w2));
}

static void crashrc_paths(char *home, char *local, size_t len)
{
	const char *h = getenv("HOME");
	struct stat a, b;

	home[0] = local[0] = '\0';
	if (h && *h)
		snprintf(home, len, "%s/.crashrc", h);
	snprintf(local, len, ".crashrc");
	/* crash started in $HOME: one file, read once */
	if (*home && !stat(home, &a) && !stat(local, &b) &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		local[0] = '\0';
}

/* early: run only the early lines, with their output thrown away;
 * otherwise only the others. */
static bool run_crashrc(struct session *s, const char *path,
			enum alias_origin origin, bool early)
{
	FILE *f = *path ? open_trusted(path) : NULL;
	FILE *saved = s->out, *null = NULL;
	char *line = NULL;
	size_t cap = 0;
	bool go_on = true;

	if (!f)
		return true;
	if (early) {
		null = fopen("/dev/null", "w");
		if (null)
			s->out = null;
	}
	s->alias_origin = origin;
	while (go_on && getline(&line, &cap, f) > 0) {
		if (early_line(line) == early)
			go_on = session_run_command(s, line);
		if (interrupt_reason() == INTERRUPT_SIGINT)
			break;
	}
	s->alias_origin = ALIAS_RUNTIME;
	s->out = saved;
	if (null)
		fclose(null);
	free(line);
	fclose(f);
	return go_on;
}

/* ---- history ---- */

static char *history_path;

static void history_open(void)
{
	const char *home = getenv("HOME");

	if (!home || !*home ||
	    asprintf(&history_path, "%s/%s", home, HISTORY_FILE) < 0) {
		history_path = NULL;
		return;
	}
	using_history();
	stifle_history(HISTORY_LINES);
	/* a missing or unreadable file is an empty history */
	read_history(history_path);
}

/* Each line is saved as it is typed, so that a session that is killed
 * keeps its history; a home that cannot be written keeps none, quietly. */
static void history_add(const char *line)
{
	HIST_ENTRY *last;
	int fd;

	if (!*line || strspn(line, " \t") == strlen(line))
		return;
	last = history_length ? history_get(history_base + history_length - 1)
			      : NULL;
	if (last && !strcmp(last->line, line))
		return;
	add_history(line);
	if (!history_path)
		return;
	fd = open(history_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd < 0)
		return;
	close(fd);
	append_history(1, history_path);
}

static void history_close(void)
{
	if (history_path)
		history_truncate_file(history_path, HISTORY_LINES);
	free(history_path);
	history_path = NULL;
}

/* ---- the prompt ---- */

/* Ctrl-C at the prompt drops the line typed so far and shows a new
 * prompt, as a shell does.  Readline calls this when a signal came while
 * it waited for a key (readline 8 has the hook). */
static int signal_at_prompt(void)
{
	if (interrupt_reason() == INTERRUPT_SIGINT) {
		interrupt_clear();
		rl_replace_line("", 0);
		rl_crlf();
		rl_on_new_line();
		rl_redisplay();
	}
	return 0;
}

static void readline_loop(struct session *s, bool page)
{
	char *line;

	rl_readline_name = "crash";
	rl_attempted_completion_function = ui_complete;
	rl_signal_event_hook = signal_at_prompt;
	ui_complete_init(s);
	history_open();
	for (;;) {
		bool go_on;

		interrupt_clear();
		line = readline("crash> ");
		if (!line) {
			/* Ctrl-D: leave on a line of one's own */
			fputc('\n', stdout);
			break;
		}
		history_add(line);
		go_on = session_run_line(s, line, page ? SESSION_LINE_TYPED : 0);
		free(line);
		fflush(s->out);
		if (interrupt_reason() == INTERRUPT_SIGINT)
			fputc('\n', stderr);
		if (!go_on)
			break;
	}
	history_close();
	ui_complete_done();
}

static void stdin_loop(struct session *s)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, stdin) > 0)
		if (!session_run_command(s, line))
			break;
	free(line);
}

/* -i FILE: its lines, as if typed (but never paged); false if one of them
 * ended the session. */
static bool run_file(struct session *s, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	bool go_on = true;

	if (!f) {
		fprintf(stderr, "crash: -i %s: %m\n", path);
		return true;
	}
	while (go_on && getline(&line, &cap, f) > 0) {
		go_on = session_run_command(s, line);
		/* Ctrl-C stops the script too */
		if (interrupt_reason() == INTERRUPT_SIGINT)
			break;
	}
	free(line);
	fclose(f);
	return go_on;
}

static char rc_home[4096], rc_local[4096];

void ui_init(struct session *s, const struct ui_options *o)
{
	bool keyboard = isatty(STDIN_FILENO);

	catch_signals(keyboard);
	if (!s->radix)
		s->radix = 10;
	/* the classic crash pages when stdout is a terminal */
	s->pager = isatty(STDOUT_FILENO) ? pager_default() : PAGER_NONE;
	s->scroll = s->pager != PAGER_NONE;
	s->open_pager = ui_pager_open;
	if (o->no_crashrc)
		return;
	crashrc_paths(rc_home, rc_local, sizeof(rc_home));
	run_crashrc(s, rc_home, ALIAS_RCHOME, true);
	run_crashrc(s, rc_local, ALIAS_RCLOCAL, true);
}

void ui_run(struct session *s, const struct ui_options *o)
{
	bool typed = isatty(STDIN_FILENO);

	if (!o->no_crashrc &&
	    (!run_crashrc(s, rc_home, ALIAS_RCHOME, false) ||
	     !run_crashrc(s, rc_local, ALIAS_RCLOCAL, false)))
		return;
	if (o->script && !run_file(s, o->script))
		return;
	if (typed)
		readline_loop(s, isatty(STDOUT_FILENO));
	else
		stdin_loop(s);
}
