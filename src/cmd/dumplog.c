#include <inttypes.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../kernel/printk.h"
#include "../util/error.h"
#include "dumplog.h"

/* Lines after the first of a multi-line record are indented under the
 * text, as the classic crash does. */
static int print_record(const struct printk_record *rec, void *arg)
{
	FILE *out = arg;
	const char *p = rec->text, *end = rec->text + rec->len;
	int indent = fprintf(out, "[%5" PRIu64 ".%06" PRIu64 "] ",
			     rec->ts_nsec / 1000000000,
			     (rec->ts_nsec % 1000000000) / 1000);

	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl) {
			fprintf(out, "%.*s\n", (int)(end - p), p);
			return 0;
		}
		fprintf(out, "%.*s\n%*s", (int)(nl - p), p, indent, "");
		p = nl + 1;
	}
}

struct error *dumplog_print(FILE *out, struct dump *d)
{
	struct printk_stats st;
	struct vmem *vm;
	struct error *err = vmem_open(d, &vm);

	if (err)
		return err;
	err = printk_walk(vm, d->vmcoreinfo, print_record, out, &st);
	if (!err && st.first_error)
		fprintf(stderr, "crash: log: %llu record(s) could not be read; "
			"the first: %s\n", (unsigned long long)st.skipped,
			st.first_error->message);
	error_free(st.first_error);
	vmem_close(vm);
	return err;
}
