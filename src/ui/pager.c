/*
 * Long output of a typed command goes through a pager, as in the classic
 * crash; short output is written as it is, with no pager started.  The
 * output is held until it fills the screen (then the pager starts and
 * gets it), until the command ends (then it goes to stdout), or until it
 * has been held a second (then the pager starts anyway, so that a slow
 * command shows what it has; less -F leaves at once if it fits).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../session.h"
#include "../util/interrupt.h"
#include "../util/pager.h"
#include "ui.h"

#define HOLD_SECONDS 1.0

struct pager {
	struct session *s;
	char *held;
	size_t len, cap;
	unsigned int rows, cols;
	unsigned int lines, col;	/* screen lines the held text takes */
	double since;			/* when the first byte was held */
	FILE *pipe;			/* the pager, once started */
	bool failed;			/* it could not be started */
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void screen_size(struct pager *p)
{
	struct winsize ws;

	p->rows = 24;
	p->cols = 80;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		p->rows = ws.ws_row;
		p->cols = ws.ws_col;
	}
}

/* Write all of buf to f; false (and the command is told to stop) if the
 * reader went away. */
static bool put(FILE *f, const char *buf, size_t n)
{
	if (n && fwrite(buf, 1, n, f) != n) {
		interrupt_request(INTERRUPT_PIPE);
		return false;
	}
	return true;
}

static void start(struct pager *p)
{
	char cmd[4096];
	const char *c = pager_command(p->s->pager, cmd, sizeof(cmd));

	fflush(stdout);
	p->pipe = c ? popen(c, "w") : NULL;
	if (!p->pipe) {
		if (c)
			fprintf(stderr, "crash: cannot run the pager "
				"\"%s\": %m\n", c);
		p->failed = true;
		put(stdout, p->held, p->len);
	} else {
		put(p->pipe, p->held, p->len);
	}
	p->len = 0;
}

/* Count the screen lines of text, long lines wrapping. */
static void count(struct pager *p, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || ++p->col >= p->cols) {
			p->lines++;
			p->col = 0;
		}
	}
}

static ssize_t pager_write(void *cookie, const char *buf, size_t n)
{
	struct pager *p = cookie;

	if (p->pipe)
		return put(p->pipe, buf, n) ? (ssize_t)n : -1;
	if (p->failed)
		return put(stdout, buf, n) ? (ssize_t)n : -1;
	if (!p->len)
		p->since = now();
	if (p->len + n > p->cap) {
		size_t cap = (p->len + n) * 2;
		char *held = realloc(p->held, cap);

		if (!held) {
			start(p);
			return pager_write(cookie, buf, n);
		}
		p->held = held;
		p->cap = cap;
	}
	memcpy(p->held + p->len, buf, n);
	p->len += n;
	count(p, buf, n);
	/* a line is kept free for the pager's prompt */
	if (p->lines + 1 >= p->rows || now() - p->since > HOLD_SECONDS)
		start(p);
	return (ssize_t)n;
}

static int pager_close(void *cookie)
{
	struct pager *p = cookie;

	if (p->pipe)
		pclose(p->pipe);
	else if (p->len)
		put(stdout, p->held, p->len);
	fflush(stdout);
	free(p->held);
	free(p);
	return 0;
}

FILE *ui_pager_open(struct session *s)
{
	static const cookie_io_functions_t io = {
		.write = pager_write, .close = pager_close,
	};
	struct pager *p;
	FILE *f;

	if (s->pager == PAGER_NONE || !s->scroll)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->s = s;
	screen_size(p);
	f = fopencookie(p, "w", io);
	if (!f) {
		free(p);
		return NULL;
	}
	/* line by line: the held text is counted as it comes */
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}
