/* One debugging session: the dump, the vmlinux and what was learned from
 * them when they were opened.  Commands get it; nothing below cmd/ sees
 * it. */
#ifndef CRASH_SESSION_H
#define CRASH_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dump/dump.h"
#include "kernel/kernel.h"

struct backtrace;
struct debuginfo;
struct lines;
struct symtab;
struct vmem;
struct vmlinux;
struct error;

struct session_options {
	struct dump_options dump;
	bool force;		/* open a vmlinux that does not match */
	bool kaslr_given;	/* --kaslr=OFFSET */
	uint64_t kaslr;
};

struct session {
	struct dump *dump;
	char *namelist;		/* the vmlinux path, or NULL */
	struct vmlinux *vmlinux;
	struct symtab *symtab;	/* NULL: no symbols (stripped vmlinux) */
	struct debuginfo *debuginfo;	/* NULL: no vmlinux */
	struct lines *lines;	/* source lines, opened on first use */
	bool lines_tried;
	struct backtrace *backtrace;	/* bt's unwinder, opened on first use */
	struct vmem *vmem;	/* NULL: no kernel virtual memory */
	char *vmem_why;		/* why not, if vmem is NULL */
	uint64_t kaslr_offset;
	const char *kaslr_from;	/* where the offset came from */
	bool silent;		/* -s: no banner */
	unsigned int value_history;	/* p's $N, one per value printed */
	FILE *out;
};

/* Open the dump and, if namelist is not NULL, the vmlinux, check that they
 * belong together and set up symbols and memory.  Warnings (what does not
 * work and why) go to stderr; errors are returned. */
struct error *session_open(struct session *s, const char *namelist,
			   const char *const *dumps, int ndumps,
			   const struct session_options *opts);
void session_close(struct session *s);

/* What the kernel/ readers see of the session. */
static inline struct kernel session_kernel(const struct session *s)
{
	return (struct kernel){ .dump = s->dump, .vm = s->vmem,
				.symtab = s->symtab, .di = s->debuginfo };
}

/* Run one command line; returns false when the session should end. */
bool session_run_command(struct session *s, const char *line);

/* The address of a symbol or expression ("jiffies", "schedule+5",
 * "ffffffff81000000"): numbers are hex. */
struct error *session_address(struct session *s, const char *text,
			      uint64_t *addr);

#endif
