#include <inttypes.h>
#include <string.h>

#include "../session.h"
#include "../util/error.h"
#include "../util/expr.h"
#include "commands.h"

const char *const eval_help[] = {
	"NAME",
	"  eval - evaluate",
	"",
	"SYNOPSIS",
	"  eval [-b] expression",
	"",
	"DESCRIPTION",
	"  This command evaluates an expression and shows the result in",
	"  hexadecimal, decimal, octal and binary.  The expression may use",
	"  + - * / % << >> & | ^ ~ and parentheses, numbers (0x... is hex,",
	"  plain digits decimal, digits with a-f in them hex) and symbols.",
	"",
	"    -b  also list the bits that are set.",
	"",
	"EXAMPLES",
	"    crash> eval 0x1000 * 3",
	"    hexadecimal: 3000  (12KB)",
	"        decimal: 12288  ",
	"          octal: 30000",
	"         binary: 0000000000000000000000000000000000000000000000000011000000000000",
	NULL,
};

static struct error *eval_symbol(const char *name, uint64_t *v, void *arg)
{
	/* a symbol's address, as rd and sym take them */
	return session_address(arg, name, v);
}

int cmd_eval(struct session *s, int argc, char **argv)
{
	char text[1024] = "";
	struct error *err;
	uint64_t v;
	int i, bits = 0, b;

	for (i = 1; i < argc && !strcmp(argv[i], "-b"); i++)
		bits = 1;
	for (; i < argc; i++) {
		strncat(text, argv[i], sizeof(text) - strlen(text) - 2);
		strcat(text, " ");
	}
	if (!text[0]) {
		fprintf(stderr, "usage: eval [-b] expression\n");
		return 1;
	}
	err = expr_eval(text, false, eval_symbol, s, &v);
	if (err) {
		fprintf(stderr, "eval: %s\n", err->message);
		error_free(err);
		return 1;
	}
	fprintf(s->out, "hexadecimal: %" PRIx64 "  ", v);
	if (v && !(v % (1ULL << 30)))
		fprintf(s->out, "(%" PRIu64 "GB)", v >> 30);
	else if (v && !(v % (1ULL << 20)))
		fprintf(s->out, "(%" PRIu64 "MB)", v >> 20);
	else if (v && !(v % 1024))
		fprintf(s->out, "(%" PRIu64 "KB)", v >> 10);
	fprintf(s->out, "\n    decimal: %" PRIu64 "  ", v);
	if ((int64_t)v < 0)
		fprintf(s->out, "(%" PRId64 ")", (int64_t)v);
	fprintf(s->out, "\n      octal: %" PRIo64 "\n     binary: ", v);
	for (b = 63; b >= 0; b--)
		fputc(v >> b & 1 ? '1' : '0', s->out);
	fputc('\n', s->out);
	if (bits) {
		fprintf(s->out, "   bits set: ");
		for (b = 63; b >= 0; b--)
			if (v >> b & 1)
				fprintf(s->out, "%d ", b);
		fputc('\n', s->out);
	}
	return 0;
}
