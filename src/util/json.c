#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j, FILE *out)
{
	*j = (struct json){ .out = out };
}

/* The separator owed before a new value or key at this level. */
static void item(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->not_first[j->depth])
		fputc(',', j->out);
	j->not_first[j->depth] = true;
}

static void begin(struct json *j, int c)
{
	item(j);
	fputc(c, j->out);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->not_first[j->depth] = false;
}

static void end(struct json *j, int c)
{
	fputc(c, j->out);
	if (j->depth)
		j->depth--;
	if (!j->depth)
		j->closed_at = ftell(j->out);
}

void json_object(struct json *j) { begin(j, '{'); }
void json_object_end(struct json *j) { end(j, '}'); }
void json_array(struct json *j) { begin(j, '['); }
void json_array_end(struct json *j) { end(j, ']'); }

/* The length of the UTF-8 sequence at s (at most n bytes), 0 if it is not
 * a valid one (overlong forms, surrogates and values past U+10FFFF are
 * not). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void put_string(struct json *j, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, l;

	fputc('"', j->out);
	while (i < n) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			fputc('\\', j->out);
			fputc(c, j->out);
		} else if (c == '\n') {
			fputs("\\n", j->out);
		} else if (c == '\t') {
			fputs("\\t", j->out);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(j->out, "\\u%04x", c);
		} else if (c >= 0x80) {
			l = utf8_len(s + i, n - i);
			if (!l) {
				fprintf(j->out, "\\u%04x", c);
			} else {
				fwrite(s + i, 1, l, j->out);
				i += l;
				continue;
			}
		} else {
			fputc(c, j->out);
		}
		i++;
	}
	fputc('"', j->out);
}

void json_key(struct json *j, const char *key)
{
	item(j);
	put_string(j, key, strlen(key));
	fputc(':', j->out);
	j->after_key = true;
}

void json_string_len(struct json *j, const char *s, size_t n)
{
	item(j);
	put_string(j, s, n);
}

void json_string(struct json *j, const char *s)
{
	if (!s)
		json_null(j);
	else
		json_string_len(j, s, strlen(s));
}

void json_uint(struct json *j, uint64_t v)
{
	item(j);
	fprintf(j->out, "%" PRIu64, v);
}

void json_int(struct json *j, int64_t v)
{
	item(j);
	fprintf(j->out, "%" PRId64, v);
}

void json_double(struct json *j, double v, int decimals)
{
	item(j);
	if (isfinite(v))
		fprintf(j->out, "%.*f", decimals, v);
	else
		fputs("null", j->out);	/* JSON has no NaN or infinity */
}

void json_bool(struct json *j, bool v)
{
	item(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	item(j);
	fputs("null", j->out);
}

void json_hex(struct json *j, uint64_t v)
{
	item(j);
	fprintf(j->out, "\"0x%" PRIx64 "\"", v);
}

void json_raw(struct json *j, const char *text, size_t len)
{
	item(j);
	fwrite(text, 1, len, j->out);
}

void json_kstring(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kuint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_kint(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_khex(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_hex(j, v);
}

void json_kbool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_ksource(struct json *j, const char *file, int line)
{
	json_kstring(j, "file", file);
	json_key(j, "line");
	if (file)
		json_int(j, line);
	else
		json_null(j);
}

void json_lines(struct json *j, const char *text, size_t len)
{
	json_array(j);
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		json_string_len(j, text, n);
		if (!nl)
			break;
		text += n + 1;
		len -= n + 1;
	}
	json_array_end(j);
}
