#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../defs.h"
#include "error.h"

_Static_assert(ERR_TRUNCATED == (int)CRASH_ERR_TRUNCATED &&
	       ERR_HOLE == (int)CRASH_ERR_HOLE &&
	       ERR_NOMEM == (int)CRASH_ERR_NOMEM &&
	       ERR_INTERRUPTED == (int)CRASH_ERR_INTERRUPTED,
	       "defs.h error codes must match error.h");

/* Allocation failure must not need an allocation to be reported. */
static struct error nomem = {
	.code = ERR_NOMEM, .is_static = true, .message = "out of memory",
};

struct error *error_nomem(void)
{
	return &nomem;
}

struct error *error_create(enum error_code code, const char *fmt, ...)
{
	struct error *err = malloc(sizeof(*err));
	va_list ap;

	if (!err)
		return &nomem;
	va_start(ap, fmt);
	if (vasprintf(&err->message, fmt, ap) < 0) {
		va_end(ap);
		free(err);
		return &nomem;
	}
	va_end(ap);
	err->code = code;
	err->is_static = false;
	return err;
}

struct error *error_prefix(struct error *err, const char *fmt, ...)
{
	char *prefix, *msg;
	va_list ap;

	if (!err || err->is_static)
		return err;
	va_start(ap, fmt);
	if (vasprintf(&prefix, fmt, ap) < 0) {
		va_end(ap);
		return err;
	}
	va_end(ap);
	if (asprintf(&msg, "%s: %s", prefix, err->message) >= 0) {
		free(err->message);
		err->message = msg;
	}
	free(prefix);
	return err;
}

void error_free(struct error *err)
{
	if (!err || err->is_static)
		return;
	free(err->message);
	free(err);
}

const char *error_code_name(enum error_code code)
{
	switch (code) {
	case ERR_NOMEM: return "out of memory";
	case ERR_IO: return "I/O error";
	case ERR_FORMAT: return "bad format";
	case ERR_INVALID: return "invalid argument";
	case ERR_UNSUPPORTED: return "unsupported";
	case ERR_NOT_FOUND: return "not found";
	case ERR_HOLE: return "not in the dump (hole)";
	case ERR_EXCLUDED: return "not in the dump (excluded)";
	case ERR_TRUNCATED: return "not in the dump (truncated)";
	case ERR_INTERRUPTED: return "interrupted";
	}
	return "unknown error";
}
