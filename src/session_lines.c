/* The session's source line table, opened when a command first needs a
 * file and line: reading its index costs time most sessions never need. */
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
