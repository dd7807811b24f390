/*
 * The SLUB allocator's caches: the kmem_cache structures on the
 * slab_caches list and the object counts kmem -s shows, computed as the
 * classic crash computes them (from the nodes' nr_slabs and total_objects
 * counters less the free objects it finds in the per-cpu slabs, their
 * freelists, the per-cpu partial slabs and the nodes' partial lists).
 */
#ifndef CRASH_KERNEL_SLAB_H
#define CRASH_KERNEL_SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;

struct slab_cache {
	uint64_t addr;		/* the struct kmem_cache */
	char name[128];		/* "(unknown)" if it cannot be read */
	uint64_t objsize;	/* object_size */
	uint64_t slab_size;	/* bytes: the page size << oo's order */
	/* the counts; meaningless when err is set */
	int64_t allocated;	/* total objects less the free ones found */
	int64_t total;
	uint64_t slabs;
	/* the cache or its counts could not be read: the message names
	 * the address; name and objsize may still be known (then
	 * have_sizes is true) */
	struct error *err;
	bool have_sizes;
};

/* The addresses of the kmem_cache structures on the slab_caches list, in
 * its order (free *ret with free()).  A list that loops or breaks gives
 * the caches found before the fault and *list_err (the list is not
 * otherwise an error). */
struct error *slab_cache_list(const struct kernel *k, uint64_t **ret,
			      size_t *n, struct error **list_err);

/* Read one cache: its name, sizes and counts.  Faults are in out->err;
 * the function fails only when the kernel has no SLUB caches it knows
 * (no kmem_cache_node.nr_slabs: a kernel without CONFIG_SLUB_DEBUG). */
struct error *slab_cache_read(const struct kernel *k, uint64_t addr,
			      struct slab_cache *out);
/* The name only (kmem -s NAME looks for its cache): "(unknown)" if it
 * cannot be read. */
void slab_cache_name(const struct kernel *k, uint64_t addr, char *buf,
		     size_t size);

#endif
