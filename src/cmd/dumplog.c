#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../kernel/kernel.h"
#include "../util/error.h"
#include "commands.h"
#include "dumplog.h"

struct error *dumplog_print(FILE *out, struct dump *d)
{
	struct vmem *vm;
	struct error *err = vmem_open(d, &vm);

	if (err)
		return err;
	struct kernel k = { .dump = d, .vm = vm };
	struct log_options o = { 0 };

	err = log_print(out, &k, d->vmcoreinfo, &o);
	vmem_close(vm);
	return err;
}
