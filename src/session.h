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
#include "util/json.h"
#include "util/pager.h"

struct backtrace;
struct debuginfo;
struct kmodule;
struct lines;
struct module_list;
struct symtab;
struct vmem;
struct vmlinux;
struct error;
struct task;
struct task_table;

/* Where an alias was defined, as alias lists it. */
enum alias_origin {
	ALIAS_RUNTIME,		/* the alias command, -i files */
	ALIAS_BUILTIN,
	ALIAS_RCHOME,		/* $HOME/.crashrc */
	ALIAS_RCLOCAL,		/* ./.crashrc */
};

struct alias {
	struct alias *next;
	char *name;
	char *text;		/* what the name stands for */
	enum alias_origin origin;
};

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
	/* The loaded modules, read on first use (session_modules()). */
	struct module_list *modules;
	struct error *modules_error;	/* why they could not be read */
	bool modules_tried;
	struct backtrace *backtrace;	/* bt's unwinder, opened on first use */
	struct vmem *vmem;	/* NULL: no kernel virtual memory */
	char *vmem_why;		/* why not, if vmem is NULL */
	uint64_t kaslr_offset;
	const char *kaslr_from;	/* where the offset came from */
	bool silent;		/* -s: no banner */
	unsigned int debug;	/* -d N: at 1 and up, session_open says what
				 * it decided on stderr */
	bool minimal;		/* --minimal: a few commands, no tasks or
				 * modules (session_minimal_command()) */
	bool no_modules;	/* --no_modules: the module list is not read */
	struct task_table *tasks;	/* read on first use */
	char *tasks_why;	/* why there is no task table */
	const struct task *context;	/* set's current task, or NULL */
	bool page_header_shown;	/* vtop's struct page header, once */
	unsigned int value_history;	/* p's $N, one per value printed */
	FILE *out;

	/* set's crash variables */
	unsigned int radix;	/* 10 or 16: integers of p, struct, ... */
	bool scroll;		/* page typed commands' long output */
	enum pager_kind pager;	/* PAGER_NONE: no terminal to page on */
	/* The aliases (the built-in ones are added on first use), and where
	 * the alias commands being run now come from. */
	struct alias *aliases;
	bool aliases_ready;
	enum alias_origin alias_origin;
	/* A stream that pages what is written to it on the terminal, or NULL
	 * (set by the user interface; closed with fclose()). */
	FILE *(*open_pager)(struct session *s);
	unsigned int depth;	/* command lines running (repeat nests) */
	/* set output json / --json: each command line's answer is one JSON
	 * document (session_json.c) */
	bool json;
	bool json_offered;	/* the running command may write a result */
	bool json_result;	/* it did: s->out holds a JSON value */
	struct json json_writer;
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

/* The vmlinux's source line table, opened on first use (NULL if there is
 * none). */
struct lines *session_lines(struct session *s);

/* The backtrace layer, opened on first use (*ret may be NULL: s->backtrace
 * is set either way). */
struct backtrace;
struct error *session_backtrace(struct session *s, struct backtrace **ret);

/* The task table (read on first use; a warning about a damaged list is
 * printed then), or an error that says why there is none. */
struct error *session_tasks(struct session *s, const struct task_table **ret);
/* The current context (set, the panic task by default): NULL and an error
 * if there are no tasks. */
struct error *session_context(struct session *s, const struct task **ret);

/* The loaded modules and their symbols, read on first use; NULL if they
 * cannot be read (*why says why; it stays the session's). */
struct module_list *session_modules(struct session *s,
				    const struct error **why);
/* Forget the modules (and the object files loaded for them): the next
 * session_modules() reads them again. */
void session_modules_reset(struct session *s);

/* A symbol of either source: the vmlinux's symbol table or a module's. */
struct session_symbol {
	const char *name;
	uint64_t addr;
	char type;		/* nm letter */
	const struct kmodule *module;	/* NULL: a vmlinux symbol */
	const struct symbol *vmlinux;	/* the vmlinux symbol, if one */
};

/* The symbol naming addr (*off = addr - its address): the vmlinux's, else
 * that of the module holding addr.  Per-cpu offsets name no address.
 * false if none does. */
bool session_symbol_at(struct session *s, uint64_t addr,
		       struct session_symbol *ret, uint64_t *off);
/* The symbol named name: the vmlinux's, else the first module's. */
bool session_symbol_named(struct session *s, const char *name,
			  struct session_symbol *ret);

/* Whether the command may run in --minimal mode; the list of those that
 * may, for messages. */
bool session_minimal_command(const char *name);
extern const char session_minimal_commands[];

/* Run one command line (aliases, "*", "!shell", "| pipe", "> file",
 * ">> file"); returns false when the session should end.  Ctrl-C and a
 * closed pipe stop the command (util/interrupt.h). */
bool session_run_command(struct session *s, const char *line);
/* In JSON output mode, the writer for the running command's result, the
 * first time it asks (the command then writes exactly one JSON value with
 * it); NULL in text mode, and to commands run inside another (their text
 * becomes the outer command's). */
struct json *session_json(struct session *s);
/* The writer the running command took with session_json(), or NULL: for
 * the functions that write parts of its answer. */
static inline struct json *session_json_taken(struct session *s)
{
	return s->json_result ? &s->json_writer : NULL;
}
/*
 * A command that runs another once per item (foreach) answers with an
 * array of objects: begin gives the array's writer (NULL in text mode),
 * the caller opens each item's object and writes what names it, each_run
 * adds the inner command's "result" (or its "text" lines), and the caller
 * closes the object; end closes the array.
 */
struct session_json_each {
	struct json list;
	FILE *out;
};
struct json *session_json_each_begin(struct session *s,
				     struct session_json_each *e);
void session_json_each_run(struct session *s, struct session_json_each *e,
			   int (*run)(void *arg), void *arg);
void session_json_each_end(struct session *s, struct session_json_each *e);

struct command;
/* Run a command with its answer made one JSON document on out: its
 * result, or its text output as lines, with what it said on stderr. */
int session_json_run(struct session *s, const struct command *c, int argc,
		     char **argv, FILE *out);
/* The document of a command line that could not run (an unknown command):
 * status 1 and the message. */
void session_json_error(struct session *s, const char *name,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same; SESSION_LINE_TYPED: typed at the prompt, its output may be
 * paged. */
#define SESSION_LINE_TYPED 1u
bool session_run_line(struct session *s, const char *line,
		      unsigned int flags);

/* The aliases (session_alias.c).  The first call adds the built-in
 * ones. */
const struct alias *session_aliases(struct session *s);
const struct alias *session_alias_find(struct session *s, const char *name);
/* Define (replacing one of the same name: the new one goes last) or, with
 * an empty text, delete; ERR_NOMEM only. */
struct error *session_alias_define(struct session *s, const char *name,
				   const char *text, enum alias_origin origin);
bool session_alias_delete(struct session *s, const char *name);
void session_aliases_free(struct session *s);

/* The address of a symbol or expression ("jiffies", "schedule+5",
 * "ffffffff81000000"): numbers are hex. */
struct error *session_address(struct session *s, const char *text,
			      uint64_t *addr);

#endif
