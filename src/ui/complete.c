/*
 * Tab completion at the prompt: command names and aliases first; then,
 * after struct, union and *, struct and union names and "name.member"
 * paths; after help, command names; after set, its variables; after > or
 * |, file names; anywhere else, kernel symbols.
 *
 * Each key press is a binary search: the symbol names are sorted once,
 * on the first completion that needs them, and the DWARF index keeps its
 * names sorted (dwarf_index_prefix()).
 */
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "../cmd/commands.h"
#include "../session.h"
#include "../symbols/debuginfo.h"
#include "../symbols/symtab.h"
#include "../symbols/types.h"
#include "../util/error.h"
#include "ui.h"

/* Never offer more than this many: readline would list them all. */
#define MAX_MATCHES 100000

static struct session *session;
static const char **symbols;	/* sorted, distinct; NULL: not read yet */
static size_t nsymbols;

/* The candidates of one completion, handed out by next_match(). */
static struct {
	char **v;
	size_t n, cap, next;
} found;

static void add(const char *prefix, const char *name, size_t len)
{
	char *m;

	if (found.n >= MAX_MATCHES)
		return;
	if (found.n == found.cap) {
		size_t cap = found.cap ? 2 * found.cap : 64;
		char **v = realloc(found.v, cap * sizeof(*v));

		if (!v)
			return;
		found.v = v;
		found.cap = cap;
	}
	if (asprintf(&m, "%s%.*s", prefix, (int)len, name) >= 0)
		found.v[found.n++] = m;
}

static char *next_match(const char *text, int state)
{
	return found.next < found.n ? found.v[found.next++] : NULL;
}

static void reset(void)
{
	size_t i;

	/* readline frees the ones it was given */
	for (i = found.next; i < found.n; i++)
		free(found.v[i]);
	found.n = found.next = 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The symbol names, sorted and without repeats (read on first use). */
static void load_symbols(void)
{
	struct symtab_iter it;
	const struct symbol *sym;
	size_t n = 0, i, out = 0;

	if (symbols || !session->symtab)
		return;
	symbols = malloc(symtab_count(session->symtab) * sizeof(*symbols) + 1);
	if (!symbols)
		return;
	symtab_iter_init(session->symtab, 0, &it);
	while ((sym = symtab_iter_next(&it)) &&
	       n < symtab_count(session->symtab))
		symbols[n++] = sym->name;
	qsort(symbols, n, sizeof(*symbols), compare_names);
	for (i = 0; i < n; i++)
		if (!out || strcmp(symbols[out - 1], symbols[i]))
			symbols[out++] = symbols[i];
	nsymbols = out;
}

static void complete_symbols(const char *text)
{
	size_t lo = 0, hi, len = strlen(text);

	load_symbols();
	hi = nsymbols;
	/* the first name not below text */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(symbols[mid], text) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nsymbols && !strncmp(symbols[lo], text, len); lo++)
		add("", symbols[lo], strlen(symbols[lo]));
}

static void complete_commands(const char *text)
{
	const struct command *c;
	const struct alias *a;
	unsigned int n, i;
	size_t len = strlen(text);

	c = command_table(&n);
	for (i = 0; i < n; i++)
		if (!strncmp(c[i].name, text, len))
			add("", c[i].name, strlen(c[i].name));
	for (a = session_aliases(session); a; a = a->next)
		if (!strncmp(a->name, text, len) && !command_find(a->name))
			add("", a->name, strlen(a->name));
}

static void complete_words(const char *text, const char *const *words)
{
	size_t len = strlen(text);

	for (; *words; words++)
		if (!strncmp(*words, text, len))
			add("", *words, strlen(*words));
}

/* The members of t whose names start with want, as prefix + name; those
 * of anonymous structs and unions are the outer type's. */
static void add_members(struct types *ts, const struct type *t,
			const char *prefix, const char *want, int depth)
{
	const struct type_member *m;
	size_t n, i, len = strlen(want);
	struct error *err;

	t = type_strip_typedefs((struct type_ref){ t, 0 }).type;
	if (depth > 8 || (t->kind != TYPE_STRUCT && t->kind != TYPE_UNION))
		return;
	err = type_members(ts, t, &m, &n);
	if (err) {
		error_free(err);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!m[i].name)
			add_members(ts, m[i].type.type, prefix, want, depth + 1);
		else if (!strncmp(m[i].name, want, len))
			add(prefix, m[i].name, strlen(m[i].name));
	}
}

/* "name.path.partial": the members of name.path starting with partial */
static void complete_members(const char *text, const char *star)
{
	const char *dot = strchr(text, '.'), *last = strrchr(text, '.');
	struct types *ts;
	const struct type *t;
	struct error *err;
	char *name, *prefix;

	name = strndup(text, (size_t)(dot - text));
	prefix = strndup(text, (size_t)(last + 1 - text));
	if (!name || !prefix)
		goto out;
	err = debuginfo_type(session->debuginfo, name, DWARF_INDEX_STRUCT |
			     DWARF_INDEX_UNION | DWARF_INDEX_TYPEDEF, &t);
	if (err) {
		error_free(err);
		goto out;
	}
	ts = debuginfo_types(session->debuginfo);
	if (last > dot) {
		/* the member path between the first and the last dot */
		char *path = strndup(dot + 1, (size_t)(last - dot - 1));
		struct type_member_info mi;

		err = path ? type_member_lookup(ts, t, path, &mi) : NULL;
		free(path);
		if (err || !path) {
			error_free(err);
			goto out;
		}
		t = mi.type.type;
	}
	{
		char *full;

		if (asprintf(&full, "%s%s", star, prefix) >= 0) {
			add_members(ts, t, full, last + 1, 0);
			free(full);
		}
	}
out:
	free(name);
	free(prefix);
}

static void complete_types(const char *text, unsigned int kinds)
{
	const char *star = *text == '*' ? "*" : "";
	struct dwarf_index_prefix_iter it;
	struct error *err;
	const char *name;

	text += *star ? 1 : 0;
	if (!session->debuginfo)
		return;
	/* no space after the name: a "." and a member may follow */
	rl_completion_append_character = '\0';
	if (strchr(text, '.')) {
		complete_members(text, star);
		return;
	}
	err = debuginfo_names(session->debuginfo, text, kinds, &it);
	if (err) {
		error_free(err);
		return;
	}
	while (dwarf_index_prefix_next(&it, &name) && found.n < MAX_MATCHES)
		add(star, name, strlen(name));
}

/* The command of the line being typed, its aliases resolved. */
static void first_word(char *buf, size_t len)
{
	const char *line = rl_line_buffer;
	const struct alias *a;
	size_t n;

	line += strspn(line, " \t");
	n = strcspn(line, " \t");
	snprintf(buf, len, "%.*s", (int)n, line);
	a = session_alias_find(session, buf);
	if (a)
		snprintf(buf, len, "%.*s", (int)strcspn(a->text, " \t"),
			 a->text);
}

char **ui_complete(const char *text, int start, int end)
{
	static const char *const variables[] = { "scroll", "radix", "silent",
						 "-v", NULL };
	char cmd[64];
	int i = start;

	rl_attempted_completion_over = 1;
	reset();
	if (!session)
		return NULL;
	/* after > or |: a file name (readline's own completion) */
	while (i > 0 && (rl_line_buffer[i - 1] == ' ' ||
			 rl_line_buffer[i - 1] == '\t'))
		i--;
	if (i > 0 && (rl_line_buffer[i - 1] == '>' ||
		      rl_line_buffer[i - 1] == '|')) {
		rl_attempted_completion_over = 0;
		return NULL;
	}
	if (!i) {
		if (*text == '*')
			complete_types(text, DWARF_INDEX_STRUCT |
				       DWARF_INDEX_UNION);
		else
			complete_commands(text);
	} else {
		first_word(cmd, sizeof(cmd));
		if (!strcmp(cmd, "struct"))
			complete_types(text, DWARF_INDEX_STRUCT);
		else if (!strcmp(cmd, "union"))
			complete_types(text, DWARF_INDEX_UNION);
		else if (!strcmp(cmd, "*"))
			complete_types(text, DWARF_INDEX_STRUCT |
				       DWARF_INDEX_UNION);
		else if (!strcmp(cmd, "help"))
			complete_commands(text);
		else if (!strcmp(cmd, "set"))
			complete_words(text, variables);
		else if (!strcmp(cmd, "whatis")) {
			complete_types(text, DWARF_INDEX_TYPE);
			complete_symbols(text);
		} else
			complete_symbols(text);
	}
	if (!found.n)
		return NULL;
	return rl_completion_matches(text, next_match);
}

void ui_complete_init(struct session *s)
{
	session = s;
}

void ui_complete_done(void)
{
	reset();
	free(found.v);
	found.v = NULL;
	found.cap = 0;
	free(symbols);
	symbols = NULL;
	nsymbols = 0;
	session = NULL;
}
