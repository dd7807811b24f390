#include <inttypes.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../session.h"
#include "../kernel/printk.h"
#include "../util/error.h"
#include "commands.h"

const char *const log_help[] = {
	"NAME",
	"  log - dump system message buffer",
	"",
	"SYNOPSIS",
	"  log [-t]",
	"",
	"DESCRIPTION",
	"  This command dumps the kernel log_buf contents in chronological",
	"  order: the lockless printk ring buffer of Linux 5.10 and later, found",
	"  through VMCOREINFO.  Each record is shown after its time stamp in",
	"  seconds since boot; lines after the first of a record are indented",
	"  under its text.",
	"",
	"    -t  do not show the time stamps.",
	"",
	"  The level (-m), wall-clock time (-T), audit (-a) and caller (-c)",
	"  options of the classic crash need the vmlinux's types, which this",
	"  crash does not read yet.",
	"",
	"EXAMPLES",
	"    crash> log",
	"    [    0.000000] Linux version 6.1.0-56-amd64 ...",
	NULL,
};

struct log_opts {
	FILE *out;
	bool no_time;
};

static int print_record(const struct printk_record *rec, void *arg)
{
	struct log_opts *o = arg;
	const char *p = rec->text, *end = rec->text + rec->len;
	int indent = 0;

	if (!o->no_time)
		indent = fprintf(o->out, "[%5" PRIu64 ".%06" PRIu64 "] ",
				 rec->ts_nsec / 1000000000,
				 (rec->ts_nsec % 1000000000) / 1000);
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl) {
			fprintf(o->out, "%.*s\n", (int)(end - p), p);
			return 0;
		}
		fprintf(o->out, "%.*s\n%*s", (int)(nl - p), p, indent, "");
		p = nl + 1;
	}
}

/* The log of a session's dump, with or without time stamps: for `log` and
 * for `crash --log`. */
struct error *log_print(FILE *out, struct vmem *vm,
			const struct vmcoreinfo *vi, bool no_time)
{
	struct log_opts o = { .out = out, .no_time = no_time };
	struct printk_stats st;
	struct error *err = printk_walk(vm, vi, print_record, &o, &st);

	if (!err && st.first_error)
		fprintf(stderr, "log: %llu record(s) could not be read; the "
			"first: %s\n", (unsigned long long)st.skipped,
			st.first_error->message);
	error_free(st.first_error);
	return err;
}

int cmd_log(struct session *s, int argc, char **argv)
{
	bool no_time = false;
	struct error *err;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t")) {
			no_time = true;
		} else {
			fprintf(stderr, "log: %s: not supported (see help "
				"log)\n", argv[i]);
			return 1;
		}
	}
	if (!s->vmem) {
		fprintf(stderr, "log: no kernel virtual memory: %s\n",
			s->vmem_why);
		return 1;
	}
	err = log_print(s->out, s->vmem, s->dump->vmcoreinfo, no_time);
	if (err) {
		fprintf(stderr, "log: %s\n", err->message);
		error_free(err);
		return 1;
	}
	return 0;
}
