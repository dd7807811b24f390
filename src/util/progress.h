/*
 * The progress line of a long command: after about a second, and only
 * when stderr is a terminal, one line on stderr says what the command is
 * doing and how far it is; it is erased when the command ends.  Output
 * redirected to a file or a pipe never sees it (it is on stderr), and a
 * batch run without a terminal never shows it.
 */
#ifndef CRASH_PROGRESS_H
#define CRASH_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Whether the running command may show one (the session says: not when
 * its output goes to the terminal itself or through a pager). */
void progress_allow(bool allowed);
/* Start measuring: what is said is "WHAT: done/total (NN%)". */
void progress_begin(const char *what);
/* How far: total 0 when it is not known. */
void progress_update(uint64_t done, uint64_t total);
/* Where the line goes (stderr's descriptor at first; JSON output mode
 * points stderr elsewhere during a command): the previous one. */
int progress_set_fd(int fd);
/* Erase the line if it was shown. */
void progress_end(void);

#endif
