/*
 * C declarations the way GDB prints them (its c-typeprint rules).
 *
 * A declaration is printed in three parts around the name: the base (the
 * type at the bottom of the declarator, "struct list_head"), a prefix
 * ("*", "(*"), the name, and a suffix ("[4]", ")(int)").  The details that
 * make the text GDB's rather than just valid C:
 *  - show counts down as the printer goes into members; a named type is
 *    written by name once show <= 0, an anonymous one expanded while
 *    show >= 0 and written "struct {...}" below that;
 *  - crash patches GDB so that anonymous members keep their parent's show
 *    (their bodies are printed at every depth), named members get show-1;
 *  - qualifiers go before the base ("const struct cred *") and after a
 *    star ("char * const"), and GDB prints a space after the star there;
 *  - an enum body lists "= value" only where the value is not the
 *    previous one plus one;
 *  - members are indented four spaces a level, the closing brace to the
 *    level of the line that opened it.
 */
#include <inttypes.h>
#include <string.h>

#include "../util/error.h"
#include "type_internal.h"
#include "type_print.h"

/* GDB 13 prints parameter types with show -1 (its c_type_print_args). */
#define PARAM_SHOW (-1)

/* Nested anonymous structs deeper than this come only from damaged DWARF
 * (a struct that contains itself). */
#define MAX_LEVEL (4 * 64)

struct printer {
	struct strbuf *sb;
	struct types *ts;
	struct error *err;
};

static void put(struct printer *p, const char *s)
{
	strbuf_add(p->sb, s, strlen(s));
}

static void spaces(struct printer *p, int n)
{
	static const char blanks[] = "                                ";

	while (n > 0) {
		int k = n < 32 ? n : 32;

		strbuf_add(p->sb, blanks, (size_t)k);
		n -= k;
	}
}

static void print_decl(struct printer *p, struct type_ref t,
		       const char *name, int show, int level);

static void print_quals(struct printer *p, unsigned int quals,
			bool space_before, bool space_after)
{
	static const struct {
		unsigned int bit;
		const char *word;
	} words[] = {
		{ TYPE_CONST, "const" },
		{ TYPE_VOLATILE, "volatile" },
		{ TYPE_RESTRICT, "restrict" },
		{ TYPE_ATOMIC, "_Atomic" },
	};
	bool printed = false;
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!(quals & words[i].bit))
			continue;
		if (printed || space_before)
			put(p, " ");
		put(p, words[i].word);
		printed = true;
	}
	if (printed && space_after)
		put(p, " ");
}

static const char *keyword(enum type_kind kind)
{
	switch (kind) {
	case TYPE_STRUCT:
		return "struct ";
	case TYPE_UNION:
		return "union ";
	case TYPE_ENUM:
		return "enum ";
	default:
		return "";
	}
}

/* Read the type's members, remembering the first error. */
static const void *list_of(struct printer *p, const struct type *t,
			   size_t *n)
{
	const void *list = NULL;
	struct error *err;

	*n = 0;
	if (t->kind == TYPE_ENUM)
		err = type_enumerators(p->ts, t,
				       (const struct type_enumerator **)&list,
				       n);
	else if (t->kind == TYPE_FUNCTION)
		err = type_params(p->ts, t, (const struct type_param **)&list,
				  n);
	else
		err = type_members(p->ts, t, (const struct type_member **)&list,
				   n);
	if (err) {
		if (!p->err)
			p->err = err;
		else
			error_free(err);
		*n = 0;
		return NULL;
	}
	return list;
}

static void print_struct_body(struct printer *p, const struct type *t,
			      int show, int level)
{
	const struct type_member *m;
	size_t n, i;

	put(p, "{\n");
	m = list_of(p, t, &n);
	if (n == 0) {
		spaces(p, level + 4);
		put(p, t->flags & TYPE_INCOMPLETE ? "<incomplete type>\n"
						  : "<no data fields>\n");
	}
	for (i = 0; i < n; i++) {
		spaces(p, level + 4);
		print_decl(p, m[i].type, m[i].name ? m[i].name : "",
			   m[i].name ? show - 1 : show, level + 4);
		if (m[i].bit_size)
			strbuf_printf(p->sb, " : %" PRIu32, m[i].bit_size);
		put(p, ";\n");
	}
	spaces(p, level);
	put(p, "}");
}

static void print_enum_body(struct printer *p, const struct type *t)
{
	const struct type_enumerator *e;
	int64_t next = 0;
	size_t n, i;

	put(p, "{");
	e = list_of(p, t, &n);
	for (i = 0; i < n; i++) {
		if (i)
			put(p, ", ");
		put(p, e[i].name ? e[i].name : "");
		if (e[i].value != next) {
			strbuf_printf(p->sb, " = %" PRId64, e[i].value);
			next = e[i].value;
		}
		next++;
	}
	put(p, "}");
}

/* The type at the bottom of the declarator. */
static void print_base(struct printer *p, struct type_ref t, int show,
		       int level)
{
	const struct type *ty = t.type;

	if (show <= 0 && ty->name) {
		print_quals(p, t.quals, false, true);
		put(p, keyword(ty->kind));
		put(p, ty->name);
		return;
	}
	t = type_strip_typedefs(t);
	ty = type_complete(p->ts, t.type);
	switch (ty->kind) {
	case TYPE_POINTER:
	case TYPE_ARRAY:
	case TYPE_FUNCTION:
		print_base(p, ty->target, show, level);
		return;
	case TYPE_STRUCT:
	case TYPE_UNION:
	case TYPE_ENUM:
		print_quals(p, t.quals, false, true);
		put(p, keyword(ty->kind));
		if (ty->name) {
			put(p, ty->name);
			if (show > 0)
				put(p, " ");
		}
		if (show < 0) {
			if (!ty->name)
				put(p, "{...}");
		} else if (show > 0 || !ty->name) {
			if (level > MAX_LEVEL) {
				put(p, "{...}");
				return;
			}
			if (ty->kind == TYPE_ENUM)
				print_enum_body(p, ty);
			else
				print_struct_body(p, ty, show, level);
		}
		return;
	case TYPE_VOID:
		put(p, "void");
		return;
	default:
		print_quals(p, t.quals, false, true);
		put(p, ty->name ? ty->name : "<unnamed type>");
		return;
	}
}

/* Stars and opening parentheses before the name. */
static void print_prefix(struct printer *p, struct type_ref t, int show,
			 bool after_pointer, bool space_after)
{
	const struct type *ty = t.type;

	if (ty->name && show <= 0)
		return;
	switch (ty->kind) {
	case TYPE_POINTER:
		print_prefix(p, ty->target, show, true, true);
		put(p, "*");
		print_quals(p, t.quals, true, space_after);
		break;
	case TYPE_FUNCTION:
		print_prefix(p, ty->target, show, false, false);
		if (after_pointer)
			put(p, "(");
		break;
	case TYPE_ARRAY:
		print_prefix(p, ty->target, show, false, space_after);
		if (after_pointer)
			put(p, "(");
		break;
	case TYPE_TYPEDEF:
		print_prefix(p, ty->target, show, after_pointer, false);
		break;
	default:
		break;
	}
}

static void print_params(struct printer *p, const struct type *fn)
{
	const struct type_param *params;
	size_t n, i;

	put(p, "(");
	params = list_of(p, fn, &n);
	for (i = 0; i < n; i++) {
		if (i)
			put(p, ", ");
		print_decl(p, params[i].type, "", PARAM_SHOW, 0);
	}
	if (n && (fn->flags & TYPE_VARIADIC))
		put(p, ", ...");
	else if (!n && (fn->flags & TYPE_PROTOTYPED))
		put(p, "void");
	put(p, ")");
}

/* Array bounds, parameter lists and closing parentheses after it. */
static void print_suffix(struct printer *p, struct type_ref t, int show,
			 bool after_pointer)
{
	const struct type *ty = t.type;

	if (ty->name && show <= 0)
		return;
	switch (ty->kind) {
	case TYPE_ARRAY:
		if (after_pointer)
			put(p, ")");
		put(p, ty->flags & TYPE_VECTOR ?
		       " __attribute__ ((vector_size(" : "[");
		if (ty->flags & TYPE_VARIABLE_LENGTH)
			put(p, "variable length");
		else if (!(ty->flags & TYPE_NO_BOUND))
			strbuf_printf(p->sb, "%" PRIu64, ty->count);
		put(p, ty->flags & TYPE_VECTOR ? ")))" : "]");
		print_suffix(p, ty->target, show, false);
		break;
	case TYPE_POINTER:
		print_suffix(p, ty->target, show, true);
		break;
	case TYPE_FUNCTION:
		if (after_pointer)
			put(p, ")");
		print_params(p, ty);
		print_suffix(p, ty->target, show, after_pointer);
		break;
	case TYPE_TYPEDEF:
		print_suffix(p, ty->target, show, after_pointer);
		break;
	default:
		break;
	}
}

static void print_decl(struct printer *p, struct type_ref t,
		       const char *name, int show, int level)
{
	enum type_kind kind;

	if (show > 0)
		t = type_strip_typedefs(t);
	kind = t.type->kind;
	print_base(p, t, show, level);
	/* A space between the base and the declarator, except before a
	 * plain type name. */
	if (*name || ((show > 0 || !t.type->name) &&
		      (kind == TYPE_POINTER || kind == TYPE_FUNCTION ||
		       (kind == TYPE_ARRAY && !(t.type->flags & TYPE_VECTOR)))))
		put(p, " ");
	print_prefix(p, t, show, false, *name != '\0');
	put(p, name);
	print_suffix(p, t, show, false);
}

struct error *type_print_c(struct strbuf *sb, struct types *ts,
			   struct type_ref t, const char *name, int show)
{
	struct printer p = { .sb = sb, .ts = ts };

	print_decl(&p, t, name ? name : "", show, 0);
	if (!p.err && sb->failed)
		return error_nomem();
	return p.err;
}
