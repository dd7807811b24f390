/* A set of addresses, for the cycle checks of list and tree walks: open
 * addressing, grown as it fills.  Address 0 is never kept (it ends lists):
 * adding it always says "new". */
#ifndef CRASH_ADDR_SET_H
#define CRASH_ADDR_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct addr_set {
	uint64_t *slot;
	size_t cap, n;
};

/* 1 if addr was new (it is kept now), 0 if it was there, -1 if out of
 * memory. */
int addr_set_add(struct addr_set *s, uint64_t addr);
bool addr_set_has(const struct addr_set *s, uint64_t addr);
void addr_set_free(struct addr_set *s);

#endif
