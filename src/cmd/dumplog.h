/* The kernel log of a dump without a vmlinux: `crash --log DUMPFILE`. */
#ifndef CRASH_CMD_DUMPLOG_H
#define CRASH_CMD_DUMPLOG_H

#include <stdio.h>

struct dump;
struct error;

/* Print the log as the classic `log` does: "[seconds.micros] text". */
struct error *dumplog_print(FILE *out, struct dump *d);

#endif
