/*
 * What kmem -i, -V and -z show: the kernel's memory counters (the vm_stat
 * arrays, the per-cpu vm events), its zones, and the totals the classic
 * crash derives from them.  Each number is read on its own: one that
 * cannot be read carries its error and the others are still there.
 */
#ifndef CRASH_KERNEL_MEMINFO_H
#define CRASH_KERNEL_MEMINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;

/* A counter array indexed by an enum (zone_stat_item, node_stat_item,
 * vm_event_item): names[i] is the enumerator of value i (the last one
 * declared, where several share it, as GDB lists them), NULL if none. */
struct vm_counters {
	size_t n;
	const char **names;
	int64_t *values;
};

/* vm_zone_stat (zone 0) or a zone's own vm_stat (zone: the struct zone's
 * address), NR_VM_ZONE_STAT_ITEMS counters. */
struct error *meminfo_zone_stat(const struct kernel *k, uint64_t zone,
				struct vm_counters *out);
/* vm_node_stat: NR_VM_NODE_STAT_ITEMS counters. */
struct error *meminfo_node_stat(const struct kernel *k,
				struct vm_counters *out);
/* vm_event_states summed over the possible cpus: NR_VM_EVENT_ITEMS. */
struct error *meminfo_vm_events(const struct kernel *k,
				struct vm_counters *out);
void vm_counters_free(struct vm_counters *c);
/* The counter named name; false if c has none. */
bool vm_counter(const struct vm_counters *c, const char *name,
		int64_t *value);

/* One struct zone of one memory node. */
struct zone_info {
	unsigned int node;	/* the node's place among the nodes */
	unsigned int index;	/* in the node's node_zones[] */
	uint64_t addr;
	char name[32];		/* "DMA32"; "" if it cannot be read */
	uint64_t spanned, present;
	uint64_t wmark_min, wmark_low, wmark_high;
	uint64_t nr_free;	/* vm_stat[NR_FREE_PAGES] */
	struct error *err;	/* what of it could not be read */
};

/* Every zone of every node, in order (*n of them; free with
 * meminfo_zones_free()). */
struct error *meminfo_zones(const struct kernel *k, struct zone_info **ret,
			    size_t *n);
void meminfo_zones_free(struct zone_info *z, size_t n);

/* kmem -i's numbers, in pages. */
struct meminfo {
	uint64_t totalram;
	struct error *err_totalram;
	uint64_t free;			/* the zones' NR_FREE_PAGES */
	struct error *err_free;
	uint64_t buffers;		/* block device page cache */
	struct error *err_buffers;
	int64_t cached;			/* file pages less swap cache and
					 * buffers: may be negative */
	struct error *err_cached;
	uint64_t slab;
	struct error *err_slab;
	bool highmem;			/* the kernel has HIGHMEM counters */
	uint64_t huge_total, huge_free;
	struct error *err_huge;
	bool has_swap;			/* the kernel has swap */
	uint64_t swap_total, swap_used;
	struct error *err_swap;
	bool has_commit;		/* overcommit accounting */
	uint64_t commit_limit;
	int64_t committed;		/* vm_committed_as.count */
	struct error *err_commit;
};

void meminfo_read(const struct kernel *k, struct meminfo *mi);
void meminfo_free(struct meminfo *mi);

/* Called now and then during a long walk: how far it is. */
typedef void (*meminfo_progress_fn)(void *arg, uint64_t done,
				    uint64_t total);

/* The pages the classic crash calls SHARED: of every struct page of the
 * present memory sections, those not PG_reserved whose _refcount is above
 * one.  Reads the struct pages in large chunks; a chunk that cannot be
 * read counts as pages of no interest (as in the classic crash).  Stops
 * with interrupt_error() when the command is interrupted. */
struct error *meminfo_shared_pages(const struct kernel *k,
				   meminfo_progress_fn progress, void *arg,
				   uint64_t *shared);

#endif
