/* sys_call_table, read whole: its length comes from the debug info. */
#include <stdlib.h>

#include "../util/endian.h"
#include "../util/error.h"
#include "../dump/dump.h"
#include "kernel.h"
#include "syscalls.h"

/* More than any kernel has (x86_64 has about 460). */
#define MAX_SYSCALLS 4096

struct error *syscalls_read(const struct kernel *k, uint64_t **entries,
			    size_t *n)
{
	unsigned char *raw = malloc(MAX_SYSCALLS * 8);
	uint64_t *v = malloc(MAX_SYSCALLS * sizeof(*v));
	struct error *err;
	size_t got = 0, i;

	if (!raw || !v) {
		free(raw);
		free(v);
		return error_nomem();
	}
	err = kernel_read_var(k, "sys_call_table", NULL, raw, MAX_SYSCALLS * 8,
			      &got);
	if (!err && (got < 8 || got % 8))
		err = error_create(ERR_FORMAT, "sys_call_table is %zu bytes: "
				   "not an array of pointers", got);
	if (err) {
		free(raw);
		free(v);
		return err;
	}
	for (i = 0; i < got / 8; i++)
		v[i] = get64(raw + 8 * i, k->dump->big_endian);
	free(raw);
	*entries = v;
	*n = got / 8;
	return NULL;
}
