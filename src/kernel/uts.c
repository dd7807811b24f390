#include <string.h>

#include "../arch/vmem.h"
#include "../dump/vmcoreinfo.h"
#include "../util/error.h"
#include "uts.h"

#define UTS_FIELD 65

struct error *uts_from_vmcoreinfo(struct vmem *vm,
				  const struct vmcoreinfo *vi,
				  struct uts *out)
{
	char *const fields[] = { out->sysname, out->nodename, out->release,
				 out->version, out->machine, out->domainname };
	char raw[6 * UTS_FIELD];
	uint64_t ns;
	int64_t off;
	struct error *err;
	int i;

	if (!vmcoreinfo_symbol(vi, "init_uts_ns", &ns) ||
	    !vmcoreinfo_offset(vi, "uts_namespace.name", &off))
		return error_create(ERR_NOT_FOUND, "VMCOREINFO has no "
				    "SYMBOL(init_uts_ns) or "
				    "OFFSET(uts_namespace.name)");
	err = vmem_read(vm, ns + (uint64_t)off, raw, sizeof(raw));
	if (err)
		return error_prefix(err, "init_uts_ns");
	for (i = 0; i < 6; i++) {
		memcpy(fields[i], raw + i * UTS_FIELD, UTS_FIELD);
		fields[i][UTS_FIELD - 1] = '\0';
	}
	return NULL;
}
