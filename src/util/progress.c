#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static struct {
	const char *what;
	double start, last;
	bool tty, shown, allowed;
	int fd;			/* the terminal's stderr */
} p = { .fd = STDERR_FILENO };

int progress_set_fd(int fd)
{
	int old = p.fd;

	p.fd = fd;
	return old;
}

void progress_allow(bool allowed)
{
	p.allowed = allowed;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The delay before the line appears: a second, or CRASH_PROGRESS_AFTER
 * seconds (for tests). */
static double delay(void)
{
	const char *e = getenv("CRASH_PROGRESS_AFTER");

	return e ? atof(e) : 1.0;
}

void progress_begin(const char *what)
{
	p.what = what;
	p.start = p.last = now();
	p.shown = false;
	p.tty = p.allowed && isatty(p.fd);
}

void progress_update(uint64_t done, uint64_t total)
{
	double t;

	if (!p.tty || !p.what)
		return;
	t = now();
	/* a few redraws a second are enough */
	if (t - p.start < delay() || (p.shown && t - p.last < 0.2))
		return;
	p.last = t;
	p.shown = true;
	fflush(stderr);	/* anything the command said comes first */
	if (total)
		dprintf(p.fd, "\r%s: %llu/%llu (%llu%%)\033[K", p.what,
			(unsigned long long)done, (unsigned long long)total,
			(unsigned long long)(done * 100 / total));
	else
		dprintf(p.fd, "\r%s: %llu\033[K", p.what,
			(unsigned long long)done);
}

void progress_end(void)
{
	if (p.shown) {
		fflush(stderr);
		dprintf(p.fd, "\r\033[K");
	}
	p.shown = false;
	p.what = NULL;
}
