#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "session.h"
#include "symbols/symtab.h"
#include "util/error.h"
#include "util/expr.h"

#define MAX_ARGS 64

bool session_run_command(struct session *s, const char *line)
{
	char *copy = strdup(line), *save = NULL, *tok;
	char *argv[MAX_ARGS + 1];
	const struct command *c;
	int argc = 0, rc;

	if (!copy) {
		fprintf(stderr, "crash: out of memory\n");
		return true;
	}
	for (tok = strtok_r(copy, " \t\n", &save); tok && argc < MAX_ARGS;
	     tok = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (!argc || argv[0][0] == '#') {
		free(copy);
		return true;
	}
	c = command_find(argv[0]);
	if (!c) {
		fprintf(stderr, "crash: command not found: %s\n", argv[0]);
		free(copy);
		return true;
	}
	rc = c->run(s, argc, argv);
	fflush(s->out);
	free(copy);
	return rc >= 0;
}

static struct error *resolve_symbol(const char *name, uint64_t *value,
				    void *arg)
{
	struct session *s = arg;
	const struct symbol *sym;

	if (!s->symtab)
		return error_create(ERR_NOT_FOUND, "symbol not found: %s (no "
				    "symbols: no vmlinux or a stripped one)",
				    name);
	sym = symtab_lookup_name(s->symtab, name);
	if (!sym)
		return error_create(ERR_NOT_FOUND, "symbol not found: %s",
				    name);
	*value = sym->addr;
	return NULL;
}

struct error *session_address(struct session *s, const char *text,
			      uint64_t *addr)
{
	return expr_eval(text, true, resolve_symbol, s, addr);
}
