/* The session's source line table and backtrace layer, opened when a
 * command first needs them: reading the line index and the ORC tables
 * costs time most sessions never need. */
#include "kernel/backtrace.h"
#include "session.h"
#include "symbols/lines.h"
#include "util/error.h"

struct lines *session_lines(struct session *s)
{
	if (!s->lines_tried && s->vmlinux) {
		struct error *err = lines_open(s->vmlinux, &s->lines);

		s->lines_tried = true;
		error_free(err);
	}
	return s->lines;
}

struct error *session_backtrace(struct session *s, struct backtrace **ret)
{
	struct kernel k = session_kernel(s);
	struct error *err;

	if (!s->backtrace) {
		err = backtrace_open(&k, &s->backtrace);
		if (err)
			return err;
	}
	if (ret)
		*ret = s->backtrace;
	return NULL;
}
