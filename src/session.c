#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "kernel/modules.h"
#include "session.h"
#include "symbols/symtab.h"
#include "util/error.h"
#include "util/progress.h"
#include "util/expr.h"
#include "util/interrupt.h"

#define MAX_ARGS 64

/*
 * Split a command line into words (quotes keep spaces and | > together;
 * double quotes go, apostrophes stay in the word; the
 * > of a C "->" is no redirection) and
 * find where its output goes: "cmd | shell pipeline", "cmd > file",
 * "cmd >> file", as in the classic crash.  *redirect points at the first
 * unquoted | or > in line (or is NULL).
 */
static int split_words(char *line, char **argv, const char **redirect)
{
	char *p = line, *out = line;
	int argc = 0;

	*redirect = NULL;
	for (;;) {
		char quote = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p || (*p == '#' && !argc))
			break;
		if ((*p == '|' || (*p == '>' && !(p > line && p[-1] == '-'))) &&
		    argc) {
			*redirect = p;
			break;
		}
		if (argc == MAX_ARGS)
			break;
		argv[argc++] = out;
		for (; *p; p++) {
			/* apostrophes stay in the word, as in the classic
			 * crash: ps 'REGEX' and foreach 'REGEX' tell a pattern
			 * from a name by them */
			if (quote) {
				if (*p == quote)
					quote = 0;
				if (*p != '"')
					*out++ = *p;
			} else if (*p == '"' || *p == '\'') {
				quote = *p;
				if (*p == '\'')
					*out++ = *p;
			} else if (*p == ' ' || *p == '\t' || *p == '\n' ||
				   *p == '|' ||
				   (*p == '>' && !(p > line && p[-1] == '-'))) {
				break;
			} else {
				*out++ = *p;
			}
		}
		if (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		*out++ = '\0';
		/* the word was written over the line: go on from p, which is
		 * never behind out */
	}
	argv[argc] = NULL;
	return argc;
}

/* Where the command's output goes; NULL (and a message) if it can't. */
static FILE *open_redirect(const char *r, bool *is_pipe)
{
	const char *target;
	FILE *f;

	*is_pipe = *r == '|';
	if (*is_pipe) {
		target = r + 1;
		while (*target == ' ' || *target == '\t')
			target++;
		fflush(stdout);
		f = popen(target, "w");
		if (!f)
			fprintf(stderr, "crash: cannot run \"%s\": %m\n", target);
		return f;
	}
	target = r[1] == '>' ? r + 2 : r + 1;
	while (*target == ' ' || *target == '\t')
		target++;
	{
		char path[4096];
		size_t n = strcspn(target, "\n");

		while (n && (target[n - 1] == ' ' || target[n - 1] == '\t'))
			n--;
		if (!n || n >= sizeof(path)) {
			fprintf(stderr, "crash: no file to write to\n");
			return NULL;
		}
		memcpy(path, target, n);
		path[n] = '\0';
		f = fopen(path, r[1] == '>' ? "a" : "w");
		if (!f)
			fprintf(stderr, "crash: %s: %m\n", path);
	}
	return f;
}

/* line with an alias in its first word replaced by what it stands for,
 * and "*name" spaced out to "* name"; NULL if out of memory. */
static char *expand(struct session *s, const char *line)
{
	size_t n = strcspn(line, " \t\n");
	const struct alias *a;
	char *word, *out;

	if (line[0] == '*' && line[1] && !strchr(" \t\n", line[1])) {
		if (asprintf(&out, "* %s", line + 1) < 0)
			return NULL;
		return out;
	}
	word = strndup(line, n);
	if (!word)
		return NULL;
	a = session_alias_find(s, word);
	free(word);
	if (!a)
		return strdup(line);
	if (asprintf(&out, "%s%s", a->text, line + n) < 0)
		return NULL;
	return out;
}

static bool is_quit(const char *name)
{
	return !strcmp(name, "q") || !strcmp(name, "exit");
}

/*
 * --minimal: the classic crash's few commands that need neither the task
 * list nor the modules, for a dump too damaged for the rest (and help and
 * the way out).
 */
static const char *const minimal_names[] = {
	"log", "dis", "rd", "sym", "eval", "set", "help", "exit", "q", NULL,
};
const char session_minimal_commands[] = "log, rd, sym, eval, set, help and "
					"exit";

bool session_minimal_command(const char *name)
{
	int i;

	for (i = 0; minimal_names[i]; i++)
		if (!strcmp(minimal_names[i], name))
			return true;
	return false;
}

static bool run_line(struct session *s, const char *line, unsigned int flags)
{
	char *copy;
	char *argv[MAX_ARGS + 1];
	const char *redirect;
	const struct command *c;
	FILE *saved = s->out, *out = NULL;
	bool is_pipe = false, paged = false;
	int argc, rc;

	if (*line == '!') {
		/* a shell command, as in the classic crash */
		fflush(s->out);
		if (system(line + 1) == -1)
			fprintf(stderr, "crash: !: %m\n");
		return true;
	}
	/* copy and line have the same offsets: the redirection is found in
	 * the copy and read from the line */
	copy = strdup(line);
	if (!copy) {
		fprintf(stderr, "crash: out of memory\n");
		return true;
	}
	argc = split_words(copy, argv, &redirect);
	if (!argc) {
		free(copy);
		return true;
	}
	c = command_find(argv[0]);
	if (!c) {
		if (s->json)
			session_json_error(s, argv[0], "crash: command not "
					   "found: %s", argv[0]);
		else
			fprintf(stderr, "crash: command not found: %s\n",
				argv[0]);
		free(copy);
		return true;
	}
	if (s->minimal && !session_minimal_command(c->name)) {
		if (s->json)
			session_json_error(s, c->name, "crash: %s: not "
					   "available in --minimal mode (only "
					   "%s)", c->name,
					   session_minimal_commands);
		else
			fprintf(stderr, "crash: %s: not available in --minimal "
				"mode (only %s)\n", c->name,
				session_minimal_commands);
		free(copy);
		return true;
	}
	if (redirect) {
		/* the redirection's text lies in the original line */
		out = open_redirect(line + (redirect - copy), &is_pipe);
		if (!out) {
			free(copy);
			return true;
		}
		s->out = out;
	} else if ((flags & SESSION_LINE_TYPED) && s->scroll && !s->json &&
		   s->open_pager && !is_quit(argv[0])) {
		fflush(s->out);
		out = s->open_pager(s);
		if (out) {
			s->out = out;
			paged = true;
		}
	}
	/* a progress line only where it cannot mix with the output: the
	 * output goes to a file or a pipe, not to the terminal or a pager */
	progress_allow(!paged && (redirect || !isatty(STDOUT_FILENO)));
	/* repeat's lines are documents of their own */
	if (s->json && strcmp(c->name, "repeat") && !is_quit(argv[0]))
		rc = session_json_run(s, c, argc, argv, s->out);
	else
		rc = c->run(s, argc, argv);
	progress_end();	/* a long command's progress line goes */
	progress_allow(false);
	fflush(s->out);
	if (out) {
		if (is_pipe)
			pclose(out);
		else
			fclose(out);
		s->out = saved;
	}
	free(copy);
	/* our own output's reader went away (crash ... | head): nobody
	 * reads what the next commands would say */
	if (!out && !paged && interrupt_reason() == INTERRUPT_PIPE &&
	    s->depth == 1)
		return false;
	return rc >= 0;
}

bool session_run_line(struct session *s, const char *line,
		      unsigned int flags)
{
	char *expanded;
	bool go_on;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '\n')
		return true;
	expanded = expand(s, line);
	if (!expanded) {
		fprintf(stderr, "crash: out of memory\n");
		return true;
	}
	/* a new command starts with no interrupt pending; one that repeat
	 * runs leaves it for repeat to see */
	if (!s->depth++)
		interrupt_clear();
	go_on = run_line(s, expanded, flags);
	s->depth--;
	free(expanded);
	return go_on;
}

bool session_run_command(struct session *s, const char *line)
{
	return session_run_line(s, line, 0);
}

struct module_list *session_modules(struct session *s,
				    const struct error **why)
{
	if (!s->modules_tried) {
		struct kernel k = session_kernel(s);

		s->modules_tried = true;
		if (s->minimal || s->no_modules)
			s->modules_error = error_create(ERR_UNSUPPORTED,
				"no module list: module access is off (%s)",
				s->minimal ? "--minimal" : "--no_modules");
		else if (!s->symtab || !s->debuginfo || !s->vmem)
			s->modules_error = error_create(ERR_UNSUPPORTED,
				"no module list: %s", !s->vmem ?
				"no kernel virtual memory" :
				"it needs the vmlinux with its debug info");
		else
			s->modules_error = modules_read(&k, &s->modules);
	}
	if (why)
		*why = s->modules_error;
	return s->modules;
}

void session_modules_reset(struct session *s)
{
	modules_free(s->modules);
	error_free(s->modules_error);
	s->modules = NULL;
	s->modules_error = NULL;
	s->modules_tried = false;
}

static void from_module(const struct module_symbol *ms,
			const struct kmodule *m, struct session_symbol *ret)
{
	*ret = (struct session_symbol){ .name = ms->name, .addr = ms->addr,
					.type = ms->type, .module = m };
}

bool session_symbol_at(struct session *s, uint64_t addr,
		       struct session_symbol *ret, uint64_t *off)
{
	const struct symbol *sym = NULL;
	const struct module_symbol *ms;
	const struct module_list *ml;
	const struct kmodule *m;
	uint64_t o = 0;

	if (s->symtab)
		sym = symtab_lookup_addr(s->symtab, addr, &o);
	/* per-cpu symbols are offsets into a per-cpu area, not addresses */
	if (sym && !(sym->fixed && sym->type != 'A')) {
		*ret = (struct session_symbol){ .name = sym->name,
						.addr = sym->addr,
						.type = sym->type,
						.vmlinux = sym };
		*off = o;
		return true;
	}
	ml = session_modules(s, NULL);
	if (!ml || !(ms = modules_lookup_addr(ml, addr, &m, off)))
		return false;
	from_module(ms, m, ret);
	return true;
}

bool session_symbol_named(struct session *s, const char *name,
			  struct session_symbol *ret)
{
	const struct symbol *sym = s->symtab ?
				   symtab_lookup_name(s->symtab, name) : NULL;
	struct modules_name_iter it;
	const struct module_symbol *ms;
	const struct module_list *ml;

	if (sym) {
		*ret = (struct session_symbol){ .name = sym->name,
						.addr = sym->addr,
						.type = sym->type,
						.vmlinux = sym };
		return true;
	}
	ml = session_modules(s, NULL);
	if (!ml || !(ms = modules_name_first(ml, name, false, &it)))
		return false;
	from_module(ms, it.mod, ret);
	return true;
}

static struct error *resolve_symbol(const char *name, uint64_t *value,
				    void *arg)
{
	struct session *s = arg;
	struct session_symbol sym;

	if (!s->symtab)
		return error_create(ERR_NOT_FOUND, "symbol not found: %s (no "
				    "symbols: no vmlinux or a stripped one)",
				    name);
	if (!session_symbol_named(s, name, &sym))
		return error_create(ERR_NOT_FOUND, "symbol not found: %s",
				    name);
	*value = sym.addr;
	return NULL;
}

struct error *session_address(struct session *s, const char *text,
			      uint64_t *addr)
{
	return expr_eval(text, true, resolve_symbol, s, addr);
}
