/*
 * Stopping a running command: Ctrl-C (SIGINT) and a closed output pipe
 * (SIGPIPE) only set a flag here; the long loops (output loops, list
 * walks, repeat) look at it and end early, leaving every structure as it
 * was.  Nothing jumps out of running code.  The session clears the flag
 * before each command.
 */
#ifndef CRASH_INTERRUPT_H
#define CRASH_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

enum interrupt_reason {
	INTERRUPT_NONE = 0,
	INTERRUPT_SIGINT,	/* the user pressed Ctrl-C */
	INTERRUPT_PIPE,		/* the command's reader went away */
};

extern volatile sig_atomic_t interrupt_pending;

/* Should the running command stop? */
static inline bool interrupted(void)
{
	return interrupt_pending != INTERRUPT_NONE;
}

static inline enum interrupt_reason interrupt_reason(void)
{
	return (enum interrupt_reason)interrupt_pending;
}

/* Async-signal-safe: a signal handler calls it. */
static inline void interrupt_request(enum interrupt_reason why)
{
	if (interrupt_pending == INTERRUPT_NONE || why == INTERRUPT_SIGINT)
		interrupt_pending = why;
}

static inline void interrupt_clear(void)
{
	interrupt_pending = INTERRUPT_NONE;
}

/* The error a loop returns when it stops for an interrupt. */
struct error *interrupt_error(void);

#endif
