/* The JSON writer: separators, nesting, escapes, invalid UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "../../src/util/json.h"
#include "test.h"

/* Run build on a writer over a memory stream; the text it wrote. */
static char *written(void (*build)(struct json *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f);
	build(&j);
	fclose(f);
	return buf;
}

#define CHECK_TEXT(build, expected)					\
	do {								\
		char *got_ = written(build);				\
		if (strcmp(got_, (expected)))				\
			test_fail(__FILE__, __LINE__, "%s: got %s, "	\
				  "expected %s", #build, got_,		\
				  (expected));				\
		free(got_);						\
	} while (0)

static void nested(struct json *j)
{
	json_object(j);
	json_kstring(j, "a", "x");
	json_key(j, "list");
	json_array(j);
	json_uint(j, 1);
	json_int(j, -2);
	json_object(j);
	json_object_end(j);
	json_array(j);
	json_array_end(j);
	json_null(j);
	json_array_end(j);
	json_khex(j, "addr", 0xffffffff81000000ULL);
	json_kbool(j, "ok", true);
	json_key(j, "d");
	json_double(j, 0.25, 1);
	json_object_end(j);
}

static void escapes(struct json *j)
{
	json_string(j, "q\"b\\n\nt\tc\001\177");
}

static void utf8(struct json *j)
{
	/* valid two and three byte sequences kept; a stray continuation
	 * byte, an overlong form, a surrogate and a cut sequence are not */
	json_array(j);
	json_string(j, "\xc3\xa9\xe2\x82\xac");
	json_string(j, "\x80");
	json_string(j, "\xc0\xaf");
	json_string(j, "\xed\xa0\x80");
	json_string(j, "\xe2\x82");
	json_string(j, NULL);
	json_array_end(j);
}

static void raw(struct json *j)
{
	json_array(j);
	json_raw(j, "{\"x\":1}", 7);
	json_raw(j, "2", 1);
	json_array_end(j);
}

static void not_finite(struct json *j)
{
	json_double(j, 1.0 / 0.0, 2);
}

TEST(json_nesting_and_separators)
{
	CHECK_TEXT(nested, "{\"a\":\"x\",\"list\":[1,-2,{},[],null],"
		   "\"addr\":\"0xffffffff81000000\",\"ok\":true,\"d\":0.2}");
}

TEST(json_string_escapes)
{
	CHECK_TEXT(escapes, "\"q\\\"b\\\\n\\nt\\tc\\u0001\\u007f\"");
	CHECK_TEXT(utf8, "[\"\xc3\xa9\xe2\x82\xac\",\"\\u0080\","
		   "\"\\u00c0\\u00af\",\"\\u00ed\\u00a0\\u0080\","
		   "\"\\u00e2\\u0082\",null]");
}

TEST(json_raw_values_and_non_finite_numbers)
{
	CHECK_TEXT(raw, "[{\"x\":1},2]");
	CHECK_TEXT(not_finite, "null");
}
