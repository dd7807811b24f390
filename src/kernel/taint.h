/* The kernel's taint: tainted_mask and its letters, as the kernel's own
 * taint_flags table spells them. */
#ifndef CRASH_KERNEL_TAINT_H
#define CRASH_KERNEL_TAINT_H

#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;

/* tainted_mask and, in buf, a letter per flag of the table: the "true"
 * letter of each set bit, the "false" letter of each clear bit unless it
 * is blank, '-' or 'G' (the classic crash's sys -t). */
struct error *kernel_taints(const struct kernel *k, uint64_t *mask,
			    char *buf, size_t size);

#endif
