/* Member paths: "se.load.weight", "pids[1].node" -> offset, size, type. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "type_internal.h"

/* Anonymous structs nest a handful of levels in real code. */
#define MAX_ANON_DEPTH 64

/*
 * C's rule: the members of an anonymous struct or union are members of
 * the enclosing one.  Depth first in declaration order, the first match
 * wins; that is also the order GDB searches in, which the offsets the
 * classic crash prints depend on.
 */
static struct error *find_member(struct types *ts, const struct type *t,
				 const char *name, size_t len, uint64_t base,
				 int depth, const struct type_member **found,
				 uint64_t *bit_offset)
{
	const struct type_member *m;
	struct error *err;
	size_t n, i;

	if (depth > MAX_ANON_DEPTH)
		return NULL;
	if ((err = type_members(ts, t, &m, &n)))
		return err;
	for (i = 0; i < n; i++) {
		const struct type *inner;

		if (m[i].name) {
			if (strlen(m[i].name) == len &&
			    !memcmp(m[i].name, name, len)) {
				*found = &m[i];
				*bit_offset = base + m[i].bit_offset;
				return NULL;
			}
			continue;
		}
		inner = type_strip_typedefs(m[i].type).type;
		if (inner->kind != TYPE_STRUCT && inner->kind != TYPE_UNION)
			continue;
		err = find_member(ts, inner, name, len,
				  base + m[i].bit_offset, depth + 1, found,
				  bit_offset);
		if (err || *found)
			return err;
	}
	return NULL;
}

static size_t ident_len(const char *p)
{
	size_t n = 0;

	if (!isalpha((unsigned char)*p) && *p != '_')
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	return n;
}

static struct error *path_error(enum error_code code, const char *path,
				const struct type *outer, const char *fmt,
				const char *what, size_t len)
{
	char buf[160], why[256];

	snprintf(why, sizeof(why), fmt, (int)len, what);
	return error_create(code, "no member '%s' in %s: %s", path,
			    types_describe(outer, buf, sizeof(buf)), why);
}

struct error *type_member_lookup(struct types *ts, const struct type *t,
				 const char *path,
				 struct type_member_info *ret)
{
	struct type_ref cur = { t, 0 };
	const char *p = path;
	uint64_t bits = 0;
	uint32_t bit_size = 0;
	struct error *err;
	char buf[160], inner[160];

	memset(ret, 0, sizeof(*ret));
	for (;;) {
		const struct type_member *m = NULL;
		const struct type *s;
		const char *name;
		uint64_t off = 0;
		size_t len = ident_len(p);

		if (!len)
			goto malformed;
		s = type_complete(ts, type_strip_typedefs(cur).type);
		if (s->kind != TYPE_STRUCT && s->kind != TYPE_UNION) {
			if (s->kind == TYPE_POINTER)
				return path_error(ERR_INVALID, path, t,
						  "the member before '%.*s' "
						  "is a pointer, and a member "
						  "path stays inside one "
						  "object", p, len);
			return error_create(ERR_INVALID,
					    "no member '%s' in %s: %s is not "
					    "a struct or union", path,
					    types_describe(t, buf,
							   sizeof(buf)),
					    types_describe(s, inner,
							   sizeof(inner)));
		}
		if ((err = find_member(ts, s, p, len, 0, 0, &m, &off)))
			return err;
		if (!m && s == t)
			return error_create(ERR_NOT_FOUND,
					    "%s has no member named '%.*s'",
					    types_describe(s, buf, sizeof(buf)),
					    (int)len, p);
		if (!m)
			return path_error(ERR_NOT_FOUND, path, t,
					  "it has no member named '%.*s'", p,
					  len);
		bits += off;
		bit_size = m->bit_size;
		cur = m->type;
		name = p;
		p += len;
		while (*p == '[') {
			const struct type *a;
			unsigned long long idx;
			char *end;

			if (!isdigit((unsigned char)p[1]))
				goto malformed;
			idx = strtoull(p + 1, &end, 0);
			if (*end != ']')
				goto malformed;
			a = type_strip_typedefs(cur).type;
			if (a->kind != TYPE_ARRAY)
				return path_error(ERR_INVALID, path, t,
						  "'%.*s' is not an array",
						  name, len);
			cur = a->target;
			bits += idx * 8 * type_complete(
				ts, type_strip_typedefs(cur).type)->size;
			bit_size = 0;
			p = end + 1;
		}
		if (*p == '\0')
			break;
		if (p[0] == '-' && p[1] == '>')
			return path_error(ERR_INVALID, path, t,
					  "'->%.*s' follows a pointer, and a "
					  "member path stays inside one "
					  "object", p + 2, ident_len(p + 2));
		if (*p != '.')
			goto malformed;
		p++;
	}
	ret->bit_offset = bits;
	ret->offset = bits / 8;
	ret->bit_size = bit_size;
	ret->type = cur;
	ret->size = type_complete(ts, type_strip_typedefs(cur).type)->size;
	return NULL;

malformed:
	return error_create(ERR_INVALID,
			    "bad member path '%s' at '%s': expected "
			    "member[.member][index]...", path, p);
}
