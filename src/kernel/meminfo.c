/*
 * The kernel's memory counters and zones, and kmem -i's totals.
 *
 * The counters are arrays of atomic_long_t indexed by an enum; their
 * names are the enumerators, looked up in the debug info.  The totals
 * follow what the classic crash computes (which differs from the
 * kernel's /proc/meminfo in places: COMMITTED is vm_committed_as.count
 * without the per-cpu parts, SHARED is a tally of struct pages).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../symbols/types.h"
#include "../util/error.h"
#include "../util/interrupt.h"
#include "kernel.h"
#include "meminfo.h"

/* No kernel has an enum of counters this long: a bigger count is
 * damaged debug info. */
#define MAX_COUNTERS 4096
/* Nor this many block device inodes or memory nodes. */
#define MAX_BDEV_INODES 1000000
#define MAX_NODES 1024

void vm_counters_free(struct vm_counters *c)
{
	free(c->names);
	free(c->values);
	memset(c, 0, sizeof(*c));
}

bool vm_counter(const struct vm_counters *c, const char *name,
		int64_t *value)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->names[i] && !strcmp(c->names[i], name)) {
			*value = c->values[i];
			return true;
		}
	return false;
}

/* out->n and out->names from enum_name, count being the enumerator that
 * ends it ("NR_VM_ZONE_STAT_ITEMS"). */
static struct error *counter_names(const struct kernel *k,
				   const char *enum_name, const char *count,
				   struct vm_counters *out)
{
	const struct type_enumerator *e;
	size_t ne, i;
	int64_t n;
	struct error *err = kernel_enumerator(k, count, &n);

	memset(out, 0, sizeof(*out));
	if (!err && (n <= 0 || n > MAX_COUNTERS))
		err = error_create(ERR_FORMAT, "%s is %" PRId64 ": not a "
				   "number of counters", count, n);
	if (!err)
		err = kernel_enumerators(k, enum_name, &e, &ne);
	if (err)
		return err;
	out->n = (size_t)n;
	out->names = calloc(out->n, sizeof(*out->names));
	out->values = calloc(out->n, sizeof(*out->values));
	if (!out->names || !out->values) {
		vm_counters_free(out);
		return error_nomem();
	}
	/* where enumerators share a value (NR_ZONE_LRU_BASE and
	 * NR_ZONE_INACTIVE_ANON), the last one names it */
	for (i = 0; i < ne; i++)
		if (e[i].value >= 0 && e[i].value < n)
			out->names[e[i].value] = e[i].name;
	return NULL;
}

/* out->n atomic_long_t counters at addr, added to out->values. */
static struct error *add_counters(const struct kernel *k, uint64_t addr,
				  struct vm_counters *out)
{
	uint64_t size, v;
	size_t i;
	struct error *err = kernel_type_size(k, "atomic_long_t", &size);

	if (!err && (size != 4 && size != 8))
		err = error_create(ERR_FORMAT, "atomic_long_t is %" PRIu64
				   " bytes", size);
	for (i = 0; !err && i < out->n; i++) {
		err = kernel_read_number(k, addr + i * size, (size_t)size, &v);
		if (!err)
			out->values[i] += size == 4 ? (int32_t)v : (int64_t)v;
	}
	return err;
}

struct error *meminfo_zone_stat(const struct kernel *k, uint64_t zone,
				struct vm_counters *out)
{
	struct kernel_field f;
	uint64_t addr;
	struct error *err = counter_names(k, "zone_stat_item",
					  "NR_VM_ZONE_STAT_ITEMS", out);

	if (err)
		return err;
	if (zone) {
		err = kernel_field(k, "zone", "vm_stat", &f);
		addr = zone + f.offset;
	} else {
		err = kernel_symbol(k, "vm_zone_stat", &addr);
	}
	if (!err)
		err = add_counters(k, addr, out);
	if (err) {
		vm_counters_free(out);
		if (zone)
			return error_prefix(err, "zone %#" PRIx64 " vm_stat",
					    zone);
		return error_prefix(err, "vm_zone_stat");
	}
	return NULL;
}

struct error *meminfo_node_stat(const struct kernel *k,
				struct vm_counters *out)
{
	uint64_t addr;
	struct error *err = counter_names(k, "node_stat_item",
					  "NR_VM_NODE_STAT_ITEMS", out);

	if (!err)
		err = kernel_symbol(k, "vm_node_stat", &addr);
	if (!err)
		err = add_counters(k, addr, out);
	if (err) {
		vm_counters_free(out);
		return error_prefix(err, "vm_node_stat");
	}
	return NULL;
}

struct error *meminfo_vm_events(const struct kernel *k,
				struct vm_counters *out)
{
	uint64_t var, at, v;
	unsigned int ncpus, cpu;
	size_t i;
	struct error *err = counter_names(k, "vm_event_item",
					  "NR_VM_EVENT_ITEMS", out);

	if (!err)
		err = kernel_symbol(k, "vm_event_states", &var);
	if (!err)
		err = kernel_nr_cpu_ids(k, &ncpus);
	/* unsigned long each; a cpu's events move to another one when it
	 * goes offline, so the possible cpus have them all */
	for (cpu = 0; !err && cpu < ncpus; cpu++) {
		err = kernel_per_cpu(k, var, cpu, &at);
		for (i = 0; !err && i < out->n; i++) {
			err = kernel_read_number(k, at + 8 * i, 8, &v);
			if (!err)
				out->values[i] += (int64_t)v;
		}
		if (err)
			err = error_prefix(err, "cpu %u", cpu);
	}
	if (err) {
		vm_counters_free(out);
		return error_prefix(err, "vm_event_states");
	}
	return NULL;
}

/* The pglist_data of each memory node (node_data[], or contig_page_data
 * on a kernel without NUMA). */
static struct error *node_pgdats(const struct kernel *k, uint64_t *pgdat,
				 size_t max, size_t *n)
{
	uint64_t base, size, nodes, p;
	struct error *err;
	size_t i;

	*n = 0;
	if (kernel_symbol_quiet(k, "node_data", &base)) {
		err = kernel_symbol(k, "contig_page_data", &pgdat[0]);
		if (!err)
			*n = 1;
		return err;
	}
	err = kernel_var_size(k, "node_data", &size);
	if (!err)
		err = kernel_var_number(k, "nr_node_ids", NULL, &nodes);
	if (err)
		return err;
	if (nodes > size / 8)
		nodes = size / 8;
	for (i = 0; i < nodes && *n < max; i++) {
		err = kernel_read_pointer(k, base + 8 * i, &p);
		if (err)
			return error_prefix(err, "node_data[%zu]", i);
		if (p)
			pgdat[(*n)++] = p;
	}
	if (!*n)
		return error_create(ERR_FORMAT, "node_data at %#" PRIx64
				    ": no memory node", base);
	return NULL;
}

/* A C string of at most size - 1 bytes at addr: bytes up to an
 * unreadable one (a name lies in one page, mostly). */
static struct error *read_string(const struct kernel *k, uint64_t addr,
				 char *buf, size_t size)
{
	size_t i;
	struct error *err = NULL;

	for (i = 0; i + 1 < size; i++) {
		err = kernel_read(k, addr + i, &buf[i], 1);
		if (err || !buf[i])
			break;
	}
	buf[i] = '\0';
	return i ? NULL : err;
}

static struct error *read_zone(const struct kernel *k, struct zone_info *z)
{
	static const char *const wmark_enum[3] = {
		"WMARK_MIN", "WMARK_LOW", "WMARK_HIGH"
	};
	uint64_t *wmark[3] = { &z->wmark_min, &z->wmark_low, &z->wmark_high };
	const char *wm = kernel_has_member(k, "zone", "_watermark") ?
		"_watermark" : "watermark";
	struct kernel_field f;
	uint64_t name;
	int64_t nr_free = 0;
	char path[64];
	struct error *err;
	int i;

	err = kernel_field(k, "zone", "name", &f);
	if (!err)
		err = kernel_read_field(k, z->addr, &f, &name);
	if (!err)
		err = read_string(k, name, z->name, sizeof(z->name));
	if (err) {
		z->name[0] = '\0';
		error_free(err);
	}
	err = kernel_field(k, "zone", "spanned_pages", &f);
	if (!err)
		err = kernel_read_field(k, z->addr, &f, &z->spanned);
	if (!err)
		err = kernel_field(k, "zone", "present_pages", &f);
	if (!err)
		err = kernel_read_field(k, z->addr, &f, &z->present);
	for (i = 0; !err && i < 3; i++) {
		int64_t idx;
		struct error *e = kernel_enumerator(k, wmark_enum[i], &idx);

		if (e) {	/* the order they always had */
			error_free(e);
			idx = i;
		}
		snprintf(path, sizeof(path), "%s[%" PRId64 "]", wm, idx);
		err = kernel_field(k, "zone", path, &f);
		if (!err)
			err = kernel_read_field(k, z->addr, &f, wmark[i]);
	}
	if (!err)
		err = kernel_enumerator(k, "NR_FREE_PAGES", &nr_free);
	if (!err) {
		snprintf(path, sizeof(path), "vm_stat[%" PRId64 "]", nr_free);
		err = kernel_field(k, "zone", path, &f);
	}
	if (!err)
		err = kernel_read_field(k, z->addr, &f, &z->nr_free);
	return err ? error_prefix(err, "zone %#" PRIx64, z->addr) : NULL;
}

struct error *meminfo_zones(const struct kernel *k, struct zone_info **ret,
			    size_t *n)
{
	uint64_t pgdat[MAX_NODES], zone_size;
	struct kernel_field zones;
	struct zone_info *z;
	size_t nodes, per_node, i, j;
	struct error *err = node_pgdats(k, pgdat, MAX_NODES, &nodes);

	*ret = NULL;
	*n = 0;
	if (!err)
		err = kernel_field(k, "pglist_data", "node_zones", &zones);
	if (!err)
		err = kernel_type_size(k, "zone", &zone_size);
	if (err)
		return err;
	if (!zone_size || zones.size % zone_size || zones.size / zone_size > 16)
		return error_create(ERR_FORMAT, "pglist_data.node_zones is %"
				    PRIu64 " bytes, struct zone %" PRIu64,
				    zones.size, zone_size);
	per_node = zones.size / zone_size;
	z = calloc(nodes * per_node, sizeof(*z));
	if (!z)
		return error_nomem();
	for (i = 0; i < nodes; i++)
		for (j = 0; j < per_node; j++) {
			struct zone_info *zi = &z[i * per_node + j];

			zi->node = (unsigned int)i;
			zi->index = (unsigned int)j;
			zi->addr = pgdat[i] + zones.offset + j * zone_size;
			zi->err = read_zone(k, zi);
		}
	*ret = z;
	*n = nodes * per_node;
	return NULL;
}

void meminfo_zones_free(struct zone_info *z, size_t n)
{
	size_t i;

	for (i = 0; z && i < n; i++)
		error_free(z[i].err);
	free(z);
}

/* The page cache of one address space. */
static struct error *mapping_pages(const struct kernel *k, uint64_t inode,
				   uint64_t *pages)
{
	struct kernel_field f_mapping, f_nrpages;
	uint64_t mapping;
	struct error *err = kernel_field(k, "inode", "i_mapping", &f_mapping);

	if (!err)
		err = kernel_field(k, "address_space", "nrpages", &f_nrpages);
	if (!err)
		err = kernel_read_field(k, inode, &f_mapping, &mapping);
	if (!err)
		err = kernel_read_field(k, mapping, &f_nrpages, pages);
	return err ? error_prefix(err, "inode %#" PRIx64, inode) : NULL;
}

/*
 * What the kernel's nr_blockdev_pages() counts: the page cache of every
 * block device inode (the inodes of the bdev pseudo file system's super
 * block, since Linux 5.9; before, the all_bdevs list of block devices).
 */
static struct error *blockdev_pages(const struct kernel *k, uint64_t *pages)
{
	struct kernel_field link, bd_inode;
	uint64_t head, next, slow, entry, inode, n, count = 0;
	const char *what;
	struct error *err;

	*pages = 0;
	if (!kernel_symbol_quiet(k, "all_bdevs", &head)) {
		what = "all_bdevs";
		err = kernel_field(k, "block_device", "bd_list", &link);
		if (!err)
			err = kernel_field(k, "block_device", "bd_inode",
					   &bd_inode);
	} else {
		struct kernel_field s_inodes;
		uint64_t sb;

		what = "blockdev_superblock's s_inodes";
		err = kernel_var_number(k, "blockdev_superblock", NULL, &sb);
		if (!err)
			err = kernel_field(k, "super_block", "s_inodes",
					   &s_inodes);
		if (!err)
			err = kernel_field(k, "inode", "i_sb_list", &link);
		if (!err)
			head = sb + s_inodes.offset;
	}
	if (!err)
		err = kernel_read_pointer(k, head, &next);
	slow = head;
	while (!err && next != head) {
		if (++count > MAX_BDEV_INODES)
			return error_create(ERR_FORMAT, "%s list at %#" PRIx64
					    " does not end after %d entries",
					    what, head, MAX_BDEV_INODES);
		/* a loop that misses the head: a second walker at half the
		 * pace meets the first one */
		if (count % 2 == 0) {
			err = kernel_read_pointer(k, slow, &slow);
			if (!err && slow == next)
				return error_create(ERR_FORMAT, "%s list at %#"
						    PRIx64 " loops at entry %#"
						    PRIx64, what, head, next);
		}
		if (interrupted())
			return interrupt_error();
		entry = next - link.offset;
		if (!strcmp(what, "all_bdevs"))
			err = kernel_read_field(k, entry, &bd_inode, &inode);
		else
			inode = entry;
		if (!err)
			err = mapping_pages(k, inode, &n);
		if (!err) {
			*pages += n;
			err = kernel_read_pointer(k, next, &next);
		}
	}
	return err ? error_prefix(err, "%s", what) : NULL;
}

static void read_totalram(const struct kernel *k, struct meminfo *mi)
{
	uint64_t at;

	if (!kernel_symbol_quiet(k, "_totalram_pages", &at))
		mi->err_totalram = kernel_var_number(k, "_totalram_pages",
						     "counter", &mi->totalram);
	else
		mi->err_totalram = kernel_var_number(k, "totalram_pages", NULL,
						     &mi->totalram);
}

static void read_free(const struct kernel *k, struct meminfo *mi)
{
	struct zone_info *z;
	size_t n, i;

	mi->err_free = meminfo_zones(k, &z, &n);
	if (mi->err_free)
		return;
	for (i = 0; i < n; i++) {
		if (z[i].err && !mi->err_free) {
			mi->err_free = z[i].err;
			z[i].err = NULL;
		}
		mi->free += z[i].nr_free;
	}
	meminfo_zones_free(z, n);
}

/* A counter of the zone or node stats, by name. */
static bool find_stat(const struct vm_counters *zone, const struct vm_counters *node,
		 const char *name, int64_t *v)
{
	return vm_counter(zone, name, v) || vm_counter(node, name, v);
}

static void read_slab_cached(const struct kernel *k, struct meminfo *mi)
{
	static const char *const slab[][2] = {
		{ "NR_SLAB_RECLAIMABLE_B", "NR_SLAB_UNRECLAIMABLE_B" },
		{ "NR_SLAB_RECLAIMABLE", "NR_SLAB_UNRECLAIMABLE" },
		{ "NR_SLAB", NULL },
	};
	struct vm_counters zone, node;
	int64_t a, b, file, swapcache;
	struct error *err = meminfo_zone_stat(k, 0, &zone);
	size_t i;

	if (!err) {
		err = meminfo_node_stat(k, &node);
		if (err)
			vm_counters_free(&zone);
	}
	if (err) {
		mi->err_slab = err;
		mi->err_cached = error_create(err->code, "%s", err->message);
		return;
	}
	for (i = 0; i < sizeof(slab) / sizeof(slab[0]); i++)
		if (find_stat(&zone, &node, slab[i][0], &a)) {
			b = 0;
			if (slab[i][1])
				find_stat(&zone, &node, slab[i][1], &b);
			mi->slab = (uint64_t)(a + b);
			break;
		}
	if (i == sizeof(slab) / sizeof(slab[0]))
		mi->err_slab = error_create(ERR_UNSUPPORTED, "the vm stats "
					    "have no NR_SLAB_RECLAIMABLE_B");
	if (!find_stat(&zone, &node, "NR_FILE_PAGES", &file))
		mi->err_cached = error_create(ERR_UNSUPPORTED, "the vm stats "
					      "have no NR_FILE_PAGES");
	else if (!find_stat(&zone, &node, "NR_SWAPCACHE", &swapcache))
		/* before Linux 5.13: the swapper_spaces' page counts */
		mi->err_cached = error_create(ERR_UNSUPPORTED, "the vm stats "
					      "have no NR_SWAPCACHE");
	else
		mi->cached = file - swapcache - (int64_t)mi->buffers;
	vm_counters_free(&zone);
	vm_counters_free(&node);
}

static void read_huge(const struct kernel *k, struct meminfo *mi)
{
	struct kernel_field order, nr, nr_free;
	uint64_t at, size, elem, o, v, f, i;
	struct error *err;

	/* no hugetlbfs: none, as the classic crash says */
	if (kernel_symbol_quiet(k, "hstates", &at))
		return;
	err = kernel_var_size(k, "hstates", &size);
	if (!err)
		err = kernel_type_size(k, "hstate", &elem);
	if (!err)
		err = kernel_field(k, "hstate", "order", &order);
	if (!err)
		err = kernel_field(k, "hstate", "nr_huge_pages", &nr);
	if (!err)
		err = kernel_field(k, "hstate", "free_huge_pages", &nr_free);
	for (i = 0; !err && elem && i < size / elem; i++) {
		err = kernel_read_field(k, at + i * elem, &order, &o);
		if (err || !o)
			continue;
		if (o > 30) {
			err = error_create(ERR_FORMAT, "hstates[%" PRIu64 "] "
					   "at %#" PRIx64 ": order %" PRIu64,
					   i, at + i * elem, o);
			break;
		}
		err = kernel_read_field(k, at + i * elem, &nr, &v);
		if (!err)
			err = kernel_read_field(k, at + i * elem, &nr_free, &f);
		if (!err) {
			mi->huge_total += v << o;
			mi->huge_free += f << o;
		}
	}
	mi->err_huge = err ? error_prefix(err, "hstates") : NULL;
}

static void read_swap(const struct kernel *k, struct meminfo *mi)
{
	struct kernel_field flags, pages, inuse;
	uint64_t at, size, nr, p, fl, pg, in, i;
	struct error *err;

	mi->has_swap = !kernel_symbol_quiet(k, "swap_info", &at);
	if (!mi->has_swap)
		return;
	err = kernel_var_number(k, "nr_swapfiles", NULL, &nr);
	if (!err)
		err = kernel_var_size(k, "swap_info", &size);
	if (!err)
		err = kernel_field(k, "swap_info_struct", "flags", &flags);
	if (!err)
		err = kernel_field(k, "swap_info_struct", "pages", &pages);
	if (!err)
		err = kernel_field(k, "swap_info_struct", "inuse_pages",
				   &inuse);
	/* swap_info[]: pointers to the swap_info_structs in use */
	for (i = 0; !err && i < nr && i < size / 8; i++) {
		err = kernel_read_pointer(k, at + 8 * i, &p);
		if (err || !p)
			continue;
		err = kernel_read_field(k, p, &flags, &fl);
		if (err || !(fl & 1))	/* SWP_USED */
			continue;
		err = kernel_read_field(k, p, &pages, &pg);
		if (!err)
			err = kernel_read_field(k, p, &inuse, &in);
		if (err) {
			err = error_prefix(err, "swap_info[%" PRIu64 "]", i);
			break;
		}
		/* int pages: sign-extended, as the classic crash reads it */
		mi->swap_total += pages.size == 4 ? (uint64_t)(int64_t)
						    (int32_t)pg : pg;
		mi->swap_used += in;
	}
	mi->err_swap = err;
}

static void read_commit(const struct kernel *k, struct meminfo *mi)
{
	uint64_t at, kbytes = 0, ratio, count;
	unsigned int shift = 0;
	struct error *err = NULL;

	mi->has_commit = !kernel_symbol_quiet(k, "sysctl_overcommit_memory",
					      &at);
	if (!mi->has_commit)
		return;
	while ((1u << shift) < k->vm->page_size)
		shift++;
	if (!kernel_symbol_quiet(k, "sysctl_overcommit_kbytes", &at))
		err = kernel_var_number(k, "sysctl_overcommit_kbytes", NULL,
					&kbytes);
	if (!err && kbytes) {
		mi->commit_limit = kbytes >> (shift - 10);
	} else if (!err) {
		err = kernel_var_number(k, "sysctl_overcommit_ratio", NULL,
					&ratio);
		if (!err && (mi->err_totalram || mi->err_huge))
			err = error_create(ERR_UNSUPPORTED, "no total memory "
					   "or huge pages to take the ratio "
					   "of");
		if (!err)
			mi->commit_limit = (mi->totalram - mi->huge_total) *
					   (uint64_t)(int32_t)ratio / 100;
	}
	if (!err)
		err = kernel_var_number(k, "vm_committed_as", "count", &count);
	if (!err) {
		mi->committed = (int64_t)count;
		if (mi->committed < 0)
			mi->committed = 0;
		mi->commit_limit += mi->swap_total;
	}
	mi->err_commit = err;
}

void meminfo_read(const struct kernel *k, struct meminfo *mi)
{
	uint64_t at;

	memset(mi, 0, sizeof(*mi));
	read_totalram(k, mi);
	read_free(k, mi);
	if (!kernel_symbol_quiet(k, "nr_blockdev_pages", &at))
		mi->err_buffers = blockdev_pages(k, &mi->buffers);
	read_slab_cached(k, mi);
	if (mi->err_buffers && !mi->err_cached)
		mi->err_cached = error_create(mi->err_buffers->code, "%s",
					      mi->err_buffers->message);
	mi->highmem = !kernel_symbol_quiet(k, "_totalhigh_pages", &at) ||
		      !kernel_symbol_quiet(k, "totalhigh_pages", &at);
	read_huge(k, mi);
	read_swap(k, mi);
	read_commit(k, mi);
}

void meminfo_free(struct meminfo *mi)
{
	struct error **e[] = { &mi->err_totalram, &mi->err_free,
			       &mi->err_buffers, &mi->err_cached,
			       &mi->err_slab, &mi->err_huge, &mi->err_swap,
			       &mi->err_commit };
	size_t i;

	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		error_free(*e[i]);
		*e[i] = NULL;
	}
}
