/*
 * The struct, union and whatis output of the classic crash.
 *
 * Crash prints GDB's "ptype" text and rewrites it line by line: "type = "
 * goes, a typedef gets "typedef ... NAME;", and with -o every member line
 * gets "[offset]" in front.  The offset comes from looking the member's
 * name up in the outermost type, so it is the offset of the member C
 * finds by that name there: the lines inside a named member of anonymous
 * type ("struct {...} lru_gen;") get no offset, or the offset of a
 * same-named member outside, and only the line that closes it
 * ("} lru_gen;") gets its own.  The rewriting is reproduced here step by
 * step on the same text, quirks included, because scripts parse it.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../util/error.h"
#include "type_internal.h"
#include "type_print.h"

#define IN_UNION 1
#define IN_STRUCT 2

struct rewrite {
	struct strbuf *sb;
	struct types *ts;
	const struct type *outer;	/* typedefs stripped */
	const char *member;
	unsigned int flags;
	char size[32];			/* SIZE as printed */
	unsigned int block;		/* IN_UNION, IN_STRUCT */
};

static void put(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

static void spaces(struct strbuf *sb, size_t n)
{
	while (n--)
		strbuf_add(sb, " ", 1);
}

/* What crash takes for the member a line declares: the word before a
 * " : " (bit field), the name inside "(*name)" (function pointer), else
 * the last word if it ends the declaration; then without * [ ] ; ( ). */
#define MAX_WORDS 128

static size_t split_words(char *s, char **words)
{
	size_t n = 0;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || n == MAX_WORDS)
			return n;
		words[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
}

static bool line_target(const char *line, char *name, size_t size)
{
	char copy[1500], *words[MAX_WORDS], *target = NULL, *t, *end;
	size_t n, i = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	n = split_words(copy, words);
	if (strchr(line, ':')) {
		for (i = 1; i < n; i++)
			if (!strcmp(words[i], ":")) {
				target = words[i - 1];
				break;
			}
	} else if (n) {
		bool fnptr = strstr(line, "(*") != NULL;

		for (i = 0; fnptr && i < n; i++) {
			if (!strncmp(words[i], "(*", 2))
				t = words[i] + 2;
			else if (!strncmp(words[i], "*(*", 3))
				t = words[i] + 3;
			else if (!strncmp(words[i], "**(*", 4))
				t = words[i] + 4;
			else
				continue;
			if (!(end = strchr(t, ')')))
				continue;
			*end = '\0';
			target = t;
			break;
		}
		if (!fnptr || i == n) {
			target = words[n - 1];
			if (!strchr(target, ';'))
				target = NULL;
		}
	}
	if (!target)
		return false;
	for (t = target; *t; t++)
		if (strchr("*[];()", *t))
			*t = ' ';
	while (*target == ' ')
		target++;
	end = strchr(target, ' ');
	if (end)
		*end = '\0';
	if (!*target)
		return false;
	snprintf(name, size, "%s", target);
	return true;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void offset_text(const struct rewrite *rw, uint64_t off, char *buf,
			size_t size)
{
	if (rw->flags & TYPE_PRINT_HEX)
		snprintf(buf, size, "  [0x%" PRIx64 "]", off);
	else
		snprintf(buf, size, "  [%" PRIu64 "]", off);
}

/* One member line of "struct -o" (crash's show_member_offset()). */
static void member_line(struct rewrite *rw, const char *line)
{
	struct type_member_info mi;
	size_t width = strlen(rw->size) + 4;
	char name[256], buf[64];
	bool end_of_block;
	struct error *err;

	if (!starts(line, "    ")) {
		put(rw->sb, "rejecting: ");
		put(rw->sb, line);
		return;
	}
	if (starts(line, "    union {"))
		rw->block |= IN_UNION;
	if (starts(line, "    struct {"))
		rw->block |= IN_STRUCT;
	end_of_block = starts(line, "    } ");
	if (!line_target(line, name, sizeof(name)))
		goto no_offset;
	if (rw->member && strcmp(rw->member, name)) {
		if (end_of_block)
			rw->block = 0;
		return;
	}
	err = type_member_lookup(rw->ts, rw->outer, name, &mi);
	if (err) {
		error_free(err);
		goto no_offset;
	}
	offset_text(rw, mi.offset, buf, sizeof(buf));
	if (end_of_block && rw->member) {
		/* The member is a named struct or union at the first level:
		 * crash reopens the block it closes. */
		spaces(rw->sb, width + 1);
		if (rw->block == IN_UNION)
			put(rw->sb, "union {\n");
		else if (rw->block == IN_STRUCT)
			put(rw->sb, "struct {\n");
		rw->block = 0;
	}
	if (strlen(buf) < width)
		spaces(rw->sb, width - strlen(buf));
	put(rw->sb, buf);
	put(rw->sb, line + 3);
	return;

no_offset:
	if (end_of_block)
		rw->block = 0;
	if (rw->member)
		return;
	spaces(rw->sb, strlen(rw->size) + 1);
	put(rw->sb, line);
}

static void put_without_newline(struct strbuf *sb, const char *s)
{
	size_t len = strlen(s);

	while (len && s[len - 1] == '\n')
		len--;
	strbuf_add(sb, s, len);
}

/* The line that closes the outermost braces, for a typedef. */
static void closing_line(struct strbuf *sb, const char *line,
			 const char *name)
{
	if (strstr(line, "} **()")) {
		strbuf_printf(sb, "} **(%s)();\n", name);
		return;
	}
	put_without_newline(sb, line);
	strbuf_printf(sb, " %s;\n", name);
}

/* The first line, "type = ...". */
static bool first_line(struct rewrite *rw, char *line, bool typedef_name,
		       const char *name)
{
	char *text = line + strlen("type = "), *p;
	bool multiline = strchr(line, '{') != NULL;

	if (typedef_name)
		put(rw->sb, "typedef ");
	if ((p = strstr(line, "(*)()"))) {
		*p = '\0';
		strbuf_printf(rw->sb, "%s(*%s)();\n", text, name);
	} else if ((p = strstr(line, "()"))) {
		*p = '\0';
		strbuf_printf(rw->sb, "%s(%s)();\n", text, name);
	} else if (multiline) {
		put(rw->sb, text);
	} else {
		put_without_newline(rw->sb, text);
		strbuf_printf(rw->sb, " %s;\n", name);
	}
	return multiline;
}

struct error *type_print_struct(struct strbuf *sb, struct types *ts,
				const struct type *t, const char *member,
				unsigned int flags)
{
	struct rewrite rw = { .sb = sb, .ts = ts, .member = member };
	struct type_ref ref = { t, 0 };
	struct strbuf text = { 0 };
	bool typedef_name = t->kind == TYPE_TYPEDEF, multiline = false;
	const char *name = t->name ? t->name : "";
	struct type_member_info mi;
	struct error *err;
	char *line, *next;

	rw.outer = type_complete(ts, type_strip_typedefs(ref).type);
	rw.flags = flags | (member ? TYPE_PRINT_OFFSETS : 0);
	snprintf(rw.size, sizeof(rw.size),
		 flags & TYPE_PRINT_HEX ? "0x%" PRIx64 : "%" PRIu64,
		 rw.outer->size);
	if (member && strchr(member, '.'))
		return error_create(ERR_INVALID,
				    "invalid data structure reference: %s.%s",
				    name, member);
	if (member && (err = type_member_lookup(ts, rw.outer, member, &mi)))
		return err;
	/* Crash asks GDB only for structs, unions and typedefs; of
	 * anything else ("whatis int") it prints just the size. */
	if (typedef_name || rw.outer->kind == TYPE_STRUCT ||
	    rw.outer->kind == TYPE_UNION) {
		put(&text, "type = ");
		if ((err = type_print_c(&text, ts, ref, "", 1))) {
			strbuf_free(&text);
			return err;
		}
		put(&text, "\n");
		if (text.failed) {
			strbuf_free(&text);
			return error_nomem();
		}
		for (line = text.s; *line; line = next) {
			char saved;

			next = strchr(line, '\n');
			next = next ? next + 1 : line + strlen(line);
			saved = *next;
			*next = '\0';
			if (starts(line, "type = "))
				multiline = first_line(&rw, line, typedef_name,
						       name);
			else if (multiline && line[0] == '}' && typedef_name)
				closing_line(sb, line, name);
			else if ((rw.flags & TYPE_PRINT_OFFSETS) &&
				 isspace((unsigned char)line[0]))
				member_line(&rw, line);
			else
				put(sb, line);
			*next = saved;
		}
		strbuf_free(&text);
	}
	if (!member)
		strbuf_printf(sb, "SIZE: %s\n", rw.size);
	return sb->failed ? error_nomem() : NULL;
}

struct error *type_print_enum(struct strbuf *sb, struct types *ts,
			      const struct type *t)
{
	struct type_ref ref = { t, 0 };
	const struct type_enumerator *e;
	const struct type *en;
	struct error *err;
	size_t n, i;

	en = type_complete(ts, type_strip_typedefs(ref).type);
	if ((err = type_enumerators(ts, en, &e, &n)))
		return err;
	if (t->kind == TYPE_TYPEDEF)
		put(sb, "typedef ");
	if (en->name)
		strbuf_printf(sb, "enum %s {\n", en->name);
	else
		put(sb, "enum {\n");
	for (i = 0; i < n; i++)
		strbuf_printf(sb, "  %s = %" PRId64 "\n",
			      e[i].name ? e[i].name : "", e[i].value);
	if (en->name)
		put(sb, "};\n");
	else
		strbuf_printf(sb, "} %s;\n", t->name ? t->name : "");
	return sb->failed ? error_nomem() : NULL;
}

void type_print_enumerator(struct strbuf *sb, const struct type *enum_type,
			   int64_t value)
{
	strbuf_printf(sb, "enum %s = %" PRId64 "\n",
		      enum_type->name ? enum_type->name : "(unknown)", value);
}

/* Put name into text at p. */
static void insert_at(struct strbuf *sb, const char *text, const char *p,
		      const char *name)
{
	strbuf_add(sb, text, (size_t)(p - text));
	put(sb, name);
	put(sb, p);
}

struct error *type_print_symbol(struct strbuf *sb, struct types *ts,
				const char *name, struct type_ref t)
{
	struct strbuf text = { 0 };
	struct error *err;
	const char *s, *p;
	size_t len;

	strbuf_add(&text, "", 0);
	if ((err = type_print_c(&text, ts, t, "", -1))) {
		strbuf_free(&text);
		return err;
	}
	if (text.failed || !text.s) {
		strbuf_free(&text);
		return error_nomem();
	}
	/* Crash puts the name into GDB's "whatis" text: before the first
	 * "[", before the only "(", or before the first ")" when there
	 * are more (which lands inside a function pointer parameter when
	 * the function itself is not a pointer). */
	s = text.s;
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	((char *)s)[len] = '\0';
	if ((p = strchr(s, '[')))
		insert_at(sb, s, p, name);
	else if ((p = strchr(s, '(')) && p == strrchr(s, '('))
		insert_at(sb, s, p, name);
	else if (p && (p = strchr(s, ')')))
		insert_at(sb, s, p, name);
	else
		strbuf_printf(sb, "%s%s%s", s,
			      len && s[len - 1] == '*' ? "" : " ", name);
	put(sb, ";\n");
	strbuf_free(&text);
	return sb->failed ? error_nomem() : NULL;
}

struct error *type_print_gdb_whatis(struct strbuf *sb, struct types *ts,
				    struct type_ref t, bool type_name)
{
	struct error *err;

	if (type_name && t.type->kind == TYPE_TYPEDEF) {
		unsigned int quals = t.quals;

		t = t.type->target;
		t.quals |= quals;
	}
	if ((err = type_print_c(sb, ts, t, "", -1)))
		return err;
	put(sb, "\n");
	return sb->failed ? error_nomem() : NULL;
}

struct error *type_print_whatis(struct strbuf *sb, struct types *ts,
				const struct type *t)
{
	struct type_ref ref = { t, 0 };
	const struct type *s = type_complete(ts, type_strip_typedefs(ref).type);

	/* Crash's own answers cover the kinds its datatype lookup knows;
	 * for the others it lets GDB answer. */
	switch (s->kind) {
	case TYPE_ENUM:
		return type_print_enum(sb, ts, t);
	case TYPE_STRUCT:
	case TYPE_UNION:
	case TYPE_INT:
	case TYPE_POINTER:
	case TYPE_ARRAY:
	case TYPE_FUNCTION:
		return type_print_struct(sb, ts, t, NULL, 0);
	default:
		return type_print_gdb_whatis(sb, ts, ref, true);
	}
}
