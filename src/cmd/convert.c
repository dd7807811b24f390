/* Small conversions: btop, ptob, ascii. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>

#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../session.h"
#include "../util/error.h"
#include "../util/expr.h"
#include "commands.h"

const char *const btop_help[] = {
	"NAME",
	"  btop - bytes to page",
	"",
	"SYNOPSIS",
	"  btop address ...",
	"",
	"DESCRIPTION",
	"  This command translates a hexadecimal address to its page number.",
	"",
	"EXAMPLES",
	"    crash> btop 512a000",
	"    512a000: 512a",
	NULL,
};

const char *const ptob_help[] = {
	"NAME",
	"  ptob - page to bytes",
	"",
	"SYNOPSIS",
	"  ptob page_number ...",
	"",
	"DESCRIPTION",
	"  This command translates a page number (decimal, or hex with 0x or",
	"  a-f digits) to its physical address (byte value), in hex.",
	"",
	"EXAMPLES",
	"    crash> ptob 123",
	"    7b: 7b000",
	NULL,
};

const char *const ascii_help[] = {
	"NAME",
	"  ascii - translate a hexadecimal string to ASCII",
	"",
	"SYNOPSIS",
	"  ascii value ...",
	"",
	"DESCRIPTION",
	"  Translates 64-bit hexadecimal values to ASCII, lowest byte first as",
	"  they lie in memory; a NUL shows as <NUL>, other unprintable bytes as",
	"  <xx>.",
	"",
	"EXAMPLES",
	"    crash> ascii 62696c2f7273752f",
	"    62696c2f7273752f: /usr/lib",
	NULL,
};

static int page_shift(struct session *s)
{
	return __builtin_ctz(s->vmem ? s->vmem->page_size
				     : s->dump->page_size);
}

/* btop and ascii take hex; ptob takes a page number as eval reads one
 * (decimal unless it says otherwise), as the classic crash does. */
static int each_value(struct session *s, int argc, char **argv,
		      const char *cmd, bool hex,
		      void (*fn)(struct session *, uint64_t))
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s value ...\n", cmd);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		uint64_t v;
		struct error *err = expr_eval(argv[i], hex, NULL, NULL, &v);

		if (err) {
			error_free(err);
			fprintf(stderr, "%s: invalid input: %s\n", cmd,
				argv[i]);
			return 1;
		}
		fn(s, v);
	}
	return 0;
}

static void btop_one(struct session *s, uint64_t v)
{
	fprintf(s->out, "%" PRIx64 ": %" PRIx64 "\n", v, v >> page_shift(s));
}

static void ptob_one(struct session *s, uint64_t v)
{
	fprintf(s->out, "%" PRIx64 ": %" PRIx64 "\n", v, v << page_shift(s));
}

static void ascii_one(struct session *s, uint64_t v)
{
	int i;

	fprintf(s->out, "%016" PRIx64 ": ", v);
	for (i = 0; i < 8; i++) {
		unsigned char c = (unsigned char)(v >> (8 * i));

		if (!c)
			fputs("<NUL>", s->out);
		else if (isprint(c))
			fputc(c, s->out);
		else
			fprintf(s->out, "<%02x>", c);
	}
	fputc('\n', s->out);
}

int cmd_btop(struct session *s, int argc, char **argv)
{
	return each_value(s, argc, argv, "btop", true, btop_one);
}

int cmd_ptob(struct session *s, int argc, char **argv)
{
	return each_value(s, argc, argv, "ptob", false, ptob_one);
}

int cmd_ascii(struct session *s, int argc, char **argv)
{
	return each_value(s, argc, argv, "ascii", true, ascii_one);
}
