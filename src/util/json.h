/* A streaming JSON writer: one well-formed document, written as it is
 * built, with commas and escapes taken care of.  Kernel addresses are
 * written as "0x..." strings (64-bit values do not survive the doubles
 * most JSON readers use); counts and sizes as numbers. */
#ifndef CRASH_JSON_H
#define CRASH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 64

struct json {
	FILE *out;
	unsigned int depth;
	bool after_key;			/* a value follows "key": */
	bool not_first[JSON_MAX_DEPTH];	/* a comma before the next item */
	long closed_at;		/* where the outermost object or array ended */
};

void json_init(struct json *j, FILE *out);

/* Inside an object, the key of the value written next. */
void json_key(struct json *j, const char *key);

void json_object(struct json *j);
void json_object_end(struct json *j);
void json_array(struct json *j);
void json_array_end(struct json *j);

/* A string; NULL writes null.  Bytes that are not UTF-8 are written as
 * the code points U+0080..U+00FF of the same value, so any byte string
 * gives valid JSON. */
void json_string(struct json *j, const char *s);
void json_string_len(struct json *j, const char *s, size_t len);
void json_uint(struct json *j, uint64_t v);
void json_int(struct json *j, int64_t v);
void json_double(struct json *j, double v, int decimals);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* "0x<hex>": an address or a bit mask */
void json_hex(struct json *j, uint64_t v);
/* A value that is already JSON text (a document built elsewhere). */
void json_raw(struct json *j, const char *text, size_t len);

/* text as an array of its lines (a last newline ends the last line) */
void json_lines(struct json *j, const char *text, size_t len);

/* key and value at once, for objects */
void json_kstring(struct json *j, const char *key, const char *s);
void json_kuint(struct json *j, const char *key, uint64_t v);
void json_kint(struct json *j, const char *key, int64_t v);
void json_khex(struct json *j, const char *key, uint64_t v);
void json_kbool(struct json *j, const char *key, bool v);
/* "file" and "line" of a source location; both null if file is NULL */
void json_ksource(struct json *j, const char *file, int line);

#endif
