/* One error convention for the whole code base: a fallible function returns a
 * struct error *, NULL on success.  The message names the file, offset or
 * address involved, so the caller can print it as it is and go on. */
#ifndef CRASH_ERROR_H
#define CRASH_ERROR_H

#include <stdbool.h>

enum error_code {
	ERR_NOMEM = 1,
	ERR_IO,		/* the operating system failed a read: the data may exist */
	ERR_FORMAT,	/* the file is damaged or is not what it claims to be */
	ERR_INVALID,	/* bad argument from the user */
	ERR_UNSUPPORTED,
	ERR_NOT_FOUND,
	/* "Not in the dump": the dump is fine, it just does not hold this. */
	ERR_HOLE,	/* no memory at this physical address in the dump */
	ERR_EXCLUDED,	/* filtered out when the dump was written (dump level) */
	ERR_TRUNCATED,	/* lies beyond where the file's data ends */
	ERR_INTERRUPTED,	/* stopped by Ctrl-C or a closed pipe */
};

struct error {
	enum error_code code;
	bool is_static;
	char *message;
};

struct error *error_create(enum error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Replace err's message with "PREFIX: old message"; returns err. */
struct error *error_prefix(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct error *error_nomem(void);
void error_free(struct error *err);
const char *error_code_name(enum error_code code);

static inline bool error_not_in_dump(const struct error *err)
{
	return err && (err->code == ERR_HOLE || err->code == ERR_EXCLUDED ||
		       err->code == ERR_TRUNCATED);
}

#endif
