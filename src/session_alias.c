/* Command aliases: a word that stands for a command line. */
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "util/error.h"

/* The classic crash's built-in aliases, in its order (alias lists them
 * so).  Those naming commands this crash lacks (gdb) say so when run. */
static const char *const builtin[][2] = {
	{ "man", "help" }, { "?", "help" }, { "quit", "q" },
	{ "sf", "set scroll off" }, { "sn", "set scroll on" },
	{ "hex", "set radix 16" }, { "dec", "set radix 10" },
	{ "g", "gdb" }, { "px", "p -x" }, { "pd", "p -d" },
	{ "for", "foreach" }, { "size", "*" }, { "dmesg", "log" },
	{ "lsmod", "mod" }, { "last", "ps -l" },
};

static struct alias **find(struct session *s, const char *name)
{
	struct alias **a;

	for (a = &s->aliases; *a; a = &(*a)->next)
		if (!strcmp((*a)->name, name))
			return a;
	return NULL;
}

static struct error *add(struct session *s, const char *name,
			 const char *text, enum alias_origin origin)
{
	struct alias *n = calloc(1, sizeof(*n)), **end;

	if (!n || !(n->name = strdup(name)) || !(n->text = strdup(text))) {
		if (n)
			free(n->name);
		free(n);
		return error_nomem();
	}
	n->origin = origin;
	for (end = &s->aliases; *end; end = &(*end)->next)
		;
	*end = n;
	return NULL;
}

const struct alias *session_aliases(struct session *s)
{
	size_t i;

	if (!s->aliases_ready) {
		s->aliases_ready = true;
		for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
			error_free(add(s, builtin[i][0], builtin[i][1],
				       ALIAS_BUILTIN));
	}
	return s->aliases;
}

const struct alias *session_alias_find(struct session *s, const char *name)
{
	struct alias **a;

	session_aliases(s);
	a = find(s, name);
	return a ? *a : NULL;
}

bool session_alias_delete(struct session *s, const char *name)
{
	struct alias **a, *gone;

	session_aliases(s);
	a = find(s, name);
	if (!a)
		return false;
	gone = *a;
	*a = gone->next;
	free(gone->name);
	free(gone->text);
	free(gone);
	return true;
}

struct error *session_alias_define(struct session *s, const char *name,
				   const char *text, enum alias_origin origin)
{
	session_alias_delete(s, name);
	return *text ? add(s, name, text, origin) : NULL;
}

void session_aliases_free(struct session *s)
{
	while (s->aliases) {
		struct alias *next = s->aliases->next;

		free(s->aliases->name);
		free(s->aliases->text);
		free(s->aliases);
		s->aliases = next;
	}
	s->aliases_ready = false;
}
