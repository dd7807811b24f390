/* What a dump file says about itself, printed without a vmlinux: for
 * `crash --dumpinfo` and, in a session, `help -D` / `help -n`. */
#ifndef CRASH_CMD_DUMPINFO_H
#define CRASH_CMD_DUMPINFO_H

#include <stdio.h>

struct dump;

enum {
	DUMPINFO_SUMMARY = 1,	/* format, sizes, utsname, crash time, pages */
	DUMPINFO_HEADER = 2,	/* the format's header fields */
	DUMPINFO_REGS = 4,	/* per-CPU register notes */
	DUMPINFO_VMCOREINFO = 8,	/* the VMCOREINFO text */
	DUMPINFO_ALL = 15,
};

void dumpinfo_print(FILE *out, struct dump *d, unsigned int what);

#endif
