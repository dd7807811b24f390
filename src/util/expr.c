#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "expr.h"

struct parser {
	const char *text, *p;
	bool hex_default;
	expr_name_fn resolve;
	void *arg;
	int depth;
};

static struct error *parse_or(struct parser *ps, uint64_t *v);

static void skip_space(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static struct error *syntax(struct parser *ps, const char *what)
{
	return error_create(ERR_INVALID, "expression \"%s\": %s at \"%s\"",
			    ps->text, what, *ps->p ? ps->p : "(end)");
}

static struct error *parse_number(struct parser *ps, uint64_t *v)
{
	const char *start = ps->p, *q = ps->p;
	bool hex = ps->hex_default;
	char *end;

	if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
		hex = true;
		start = q + 2;
	} else {
		for (; isxdigit((unsigned char)*q); q++)
			if (!isdigit((unsigned char)*q))
				hex = true;
	}
	*v = strtoull(start, &end, hex ? 16 : 10);
	if (end == start || isalnum((unsigned char)*end) || *end == '_')
		return syntax(ps, "bad number");
	ps->p = end;
	return NULL;
}

static struct error *parse_primary(struct parser *ps, uint64_t *v)
{
	struct error *err;

	skip_space(ps);
	if (++ps->depth > 100)
		return syntax(ps, "nested too deeply");
	if (*ps->p == '(') {
		ps->p++;
		err = parse_or(ps, v);
		if (err)
			return err;
		skip_space(ps);
		if (*ps->p != ')')
			return syntax(ps, "missing )");
		ps->p++;
		ps->depth--;
		return NULL;
	}
	if (*ps->p == '-' || *ps->p == '~' || *ps->p == '!' || *ps->p == '+') {
		char op = *ps->p++;

		err = parse_primary(ps, v);
		if (err)
			return err;
		if (op == '-')
			*v = -*v;
		else if (op == '~')
			*v = ~*v;
		else if (op == '!')
			*v = !*v;
		ps->depth--;
		return NULL;
	}
	ps->depth--;
	/* A name starts with a letter or _, unless it is all hex digits and
	 * the caller reads numbers as hex (then "dead" is a number). */
	if (isalpha((unsigned char)*ps->p) || *ps->p == '_') {
		const char *q = ps->p;
		bool all_hex = true;
		char name[256];
		size_t n;

		while (isalnum((unsigned char)*q) || *q == '_' || *q == '.')
			all_hex &= isxdigit((unsigned char)*q++) != 0;
		if (!(all_hex && ps->hex_default)) {
			n = (size_t)(q - ps->p);
			if (n >= sizeof(name))
				return syntax(ps, "name too long");
			memcpy(name, ps->p, n);
			name[n] = '\0';
			if (!ps->resolve)
				return syntax(ps, "names are not allowed");
			err = ps->resolve(name, v, ps->arg);
			if (err)
				return err;
			ps->p = q;
			return NULL;
		}
	}
	if (isxdigit((unsigned char)*ps->p))
		return parse_number(ps, v);
	return syntax(ps, "expected a number or a name");
}

/* Binary operators by precedence, lowest first. */
static const char *const levels[][4] = {
	{ "|" }, { "^" }, { "&" }, { "<<", ">>" }, { "+", "-" },
	{ "*", "/", "%" },
};

static struct error *parse_level(struct parser *ps, int level, uint64_t *v)
{
	struct error *err;

	if (level == (int)(sizeof(levels) / sizeof(levels[0])))
		return parse_primary(ps, v);
	err = parse_level(ps, level + 1, v);
	while (!err) {
		const char *op = NULL;
		uint64_t rhs;
		int i;

		skip_space(ps);
		for (i = 0; i < 4 && levels[level][i]; i++) {
			size_t n = strlen(levels[level][i]);

			/* "|" must not eat "||", "&" not "&&" */
			if (!strncmp(ps->p, levels[level][i], n) &&
			    !(n == 1 && ps->p[1] == ps->p[0] &&
			      (*ps->p == '|' || *ps->p == '&' ||
			       *ps->p == '<' || *ps->p == '>'))) {
				op = levels[level][i];
				ps->p += n;
				break;
			}
		}
		if (!op)
			break;
		err = parse_level(ps, level + 1, &rhs);
		if (err)
			break;
		switch (op[0]) {
		case '|': *v |= rhs; break;
		case '^': *v ^= rhs; break;
		case '&': *v &= rhs; break;
		case '<': *v = rhs >= 64 ? 0 : *v << rhs; break;
		case '>': *v = rhs >= 64 ? 0 : *v >> rhs; break;
		case '+': *v += rhs; break;
		case '-': *v -= rhs; break;
		case '*': *v *= rhs; break;
		case '/':
		case '%':
			if (!rhs)
				return syntax(ps, "division by zero");
			*v = op[0] == '/' ? *v / rhs : *v % rhs;
			break;
		}
	}
	return err;
}

static struct error *parse_or(struct parser *ps, uint64_t *v)
{
	return parse_level(ps, 0, v);
}

struct error *expr_eval(const char *text, bool hex_default,
			expr_name_fn resolve, void *arg, uint64_t *value)
{
	struct parser ps = {
		.text = text, .p = text, .hex_default = hex_default,
		.resolve = resolve, .arg = arg,
	};
	struct error *err = parse_or(&ps, value);

	if (err)
		return err;
	skip_space(&ps);
	if (*ps.p)
		return syntax(&ps, "unexpected text");
	return NULL;
}
