/* Walking a maple tree (lib/maple_tree.c): the ranges it maps, in order. */
#ifndef CRASH_KERNEL_MAPLE_H
#define CRASH_KERNEL_MAPLE_H

#include <stdint.h>

struct error;
struct kernel;

/* One stored entry: the range [first, last] maps to entry (never NULL).
 * A nonzero return stops the walk. */
typedef int (*maple_entry_fn)(uint64_t first, uint64_t last, uint64_t entry,
			      void *arg);

/* Each entry of the struct maple_tree at tree, in index order.  The walk
 * is bounded (height, node count) and refuses a node met twice on one
 * path; a damaged node gives an error naming its address, after fn has
 * seen the entries before it. */
struct error *maple_tree_walk(const struct kernel *k, uint64_t tree,
			      maple_entry_fn fn, void *arg);

#endif
