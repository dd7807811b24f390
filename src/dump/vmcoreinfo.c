#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "vmcoreinfo.h"

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct vmcoreinfo_entry *)a)->key,
		      ((const struct vmcoreinfo_entry *)b)->key);
}

struct error *vmcoreinfo_parse(const char *text, size_t len,
			       struct vmcoreinfo **ret)
{
	struct vmcoreinfo *vi = calloc(1, sizeof(*vi));
	size_t cap = 0;
	char *line, *save = NULL;
	char *copy;

	if (!vi)
		return error_nomem();
	/* The note's text may carry NUL padding: stop at the first NUL. */
	len = strnlen(text, len);
	vi->text = strndup(text, len);
	copy = strndup(text, len);
	if (!vi->text || !copy)
		goto nomem;
	vi->len = len;
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (!eq || eq == line)
			continue;	/* not KEY=VALUE: keep the text only */
		if (vi->n == cap) {
			size_t ncap = cap ? 2 * cap : 128;
			void *p = realloc(vi->entries,
					  ncap * sizeof(*vi->entries));

			if (!p)
				goto nomem;
			vi->entries = p;
			cap = ncap;
		}
		*eq = '\0';
		vi->entries[vi->n].key = strdup(line);
		vi->entries[vi->n].value = strdup(eq + 1);
		if (!vi->entries[vi->n].key || !vi->entries[vi->n].value) {
			free(vi->entries[vi->n].key);
			free(vi->entries[vi->n].value);
			goto nomem;
		}
		vi->n++;
	}
	free(copy);
	/* The kernel never repeats a key; if a damaged note does, lookups
	 * find one of the copies. */
	if (vi->n)
		qsort(vi->entries, vi->n, sizeof(*vi->entries), cmp_entry);
	*ret = vi;
	return NULL;
nomem:
	free(copy);
	vmcoreinfo_free(vi);
	return error_nomem();
}

void vmcoreinfo_free(struct vmcoreinfo *vi)
{
	size_t i;

	if (!vi)
		return;
	for (i = 0; i < vi->n; i++) {
		free(vi->entries[i].key);
		free(vi->entries[i].value);
	}
	free(vi->entries);
	free(vi->text);
	free(vi);
}

const char *vmcoreinfo_get(const struct vmcoreinfo *vi, const char *key)
{
	struct vmcoreinfo_entry k = { .key = (char *)key }, *e;

	if (!vi || !vi->n)
		return NULL;
	e = bsearch(&k, vi->entries, vi->n, sizeof(*vi->entries), cmp_entry);
	return e ? e->value : NULL;
}

static bool parse_number(const char *s, int base, int64_t *ret)
{
	char *end;
	long long v;
	unsigned long long u;

	if (!s || !*s)
		return false;
	errno = 0;
	if (base == 16) {
		u = strtoull(s, &end, 16);
		v = (long long)u;
	} else {
		v = strtoll(s, &end, base);
	}
	if (errno || end == s || (*end && *end != ' ' && *end != '\r'))
		return false;
	*ret = v;
	return true;
}

bool vmcoreinfo_number(const struct vmcoreinfo *vi, const char *key,
		       int64_t *ret)
{
	const char *v = vmcoreinfo_get(vi, key);
	int base = 10;

	/* SYMBOL() and KERNELOFFSET are hex without a prefix; a few arch
	 * values (NUMBER(kimage_voffset), KERNELPACMASK) say 0x. */
	if (!strncmp(key, "SYMBOL(", 7) || !strcmp(key, "KERNELOFFSET") ||
	    (v && (!strncmp(v, "0x", 2) || !strncmp(v, "0X", 2))))
		base = 16;
	return parse_number(v, base, ret);
}

static bool lookup_fmt(const struct vmcoreinfo *vi, const char *fmt,
		       const char *name, int64_t *ret)
{
	char key[256];

	if (snprintf(key, sizeof(key), fmt, name) >= (int)sizeof(key))
		return false;
	return vmcoreinfo_number(vi, key, ret);
}

bool vmcoreinfo_symbol(const struct vmcoreinfo *vi, const char *name,
		       uint64_t *ret)
{
	int64_t v;

	if (!lookup_fmt(vi, "SYMBOL(%s)", name, &v))
		return false;
	*ret = (uint64_t)v;
	return true;
}

bool vmcoreinfo_offset(const struct vmcoreinfo *vi, const char *type_member,
		       int64_t *ret)
{
	return lookup_fmt(vi, "OFFSET(%s)", type_member, ret);
}

bool vmcoreinfo_size(const struct vmcoreinfo *vi, const char *type,
		     int64_t *ret)
{
	return lookup_fmt(vi, "SIZE(%s)", type, ret);
}

bool vmcoreinfo_value(const struct vmcoreinfo *vi, const char *name,
		      int64_t *ret)
{
	return lookup_fmt(vi, "NUMBER(%s)", name, ret);
}
