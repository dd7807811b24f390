/* The system call table: each entry's handler address. */
#ifndef CRASH_KERNEL_SYSCALLS_H
#define CRASH_KERNEL_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;

/* sys_call_table's entries (*n of them: the array's length in the debug
 * info); free(*entries) after. */
struct error *syscalls_read(const struct kernel *k, uint64_t **entries,
			    size_t *n);

#endif
