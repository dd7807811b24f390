#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../util/error.h"
#include "commands.h"
#include "dumplog.h"

struct error *dumplog_print(FILE *out, struct dump *d)
{
	struct vmem *vm;
	struct error *err = vmem_open(d, &vm);

	if (err)
		return err;
	err = log_print(out, vm, d->vmcoreinfo, false);
	vmem_close(vm);
	return err;
}
