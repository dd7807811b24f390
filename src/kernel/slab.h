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

/* kmem -S: one cache's slabs, as the classic crash lists them. */

/* One slab (struct slab) and, for the verbose listing, its objects. */
struct slab_detail {
	uint64_t slab;		/* the struct slab (or page) */
	uint64_t memory;	/* where its objects start */
	int node;		/* its memory node; -1 if unknown */
	unsigned int objects;
	int inuse;		/* for a cpu's slab: objects less the free
				 * ones of the cpu's freelist (and the
				 * slab's own ones) */
	int cpu;		/* the cpu whose slab it is, or -1 */
	/* verbose only: each object's address and whether it is free */
	size_t n;
	uint64_t *obj;
	bool *is_free;
};

/* Read slab (of the cache at cache): its counts and, if verbose, its
 * objects (free them with slab_detail_free()). */
struct error *slab_detail_read(const struct kernel *k, uint64_t cache,
			       uint64_t slab, bool verbose,
			       struct slab_detail *out);
void slab_detail_free(struct slab_detail *d);

/* A list of slabs: the addresses, and the fault that ended it early. */
struct slab_list {
	uint64_t *slab;
	size_t n;
	struct error *err;
};
void slab_list_free(struct slab_list *l);

/* A cpu's part of a cache. */
struct slab_cpu {
	unsigned int cpu;
	bool online;
	uint64_t kmem_cache_cpu;	/* its per-cpu struct */
	uint64_t slab;			/* its slab, 0 if none */
	bool has_partial;		/* the kernel keeps cpu partial lists */
	struct slab_list partial;
	struct error *err;		/* slab could not be read */
};
/* A memory node's part. */
struct slab_node {
	unsigned int node;
	uint64_t kmem_cache_node;	/* 0: none */
	uint64_t nr_slabs, nr_partial;
	unsigned int per_cpu;		/* cpu slabs on this node */
	struct slab_list partial;
	bool full_tracked;		/* SLAB_STORE_USER: a full list */
	struct slab_list full;
	struct error *err;		/* its counters could not be read */
};
struct slab_cache_lists {
	struct slab_cpu *cpu;
	size_t ncpu;
	struct slab_node *node;
	size_t nnode;
};
/* Every cpu's slab and partial list, and every node's lists. */
struct error *slab_cache_lists_read(const struct kernel *k, uint64_t cache,
				    struct slab_cache_lists *out);
void slab_cache_lists_free(struct slab_cache_lists *l);

#endif
