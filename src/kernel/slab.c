/*
 * SLUB caches as kmem -s counts them.  For each kmem_cache on the
 * slab_caches list:
 *
 *   SLABS      the nodes' nr_slabs summed;
 *   TOTAL      the nodes' total_objects summed;
 *   free       for each cpu with a slab: the slab's objects less its
 *              inuse, the objects on the cpu's lockless freelist, and
 *              the objects less inuse of each slab on the cpu's partial
 *              list (a 16-bit sum, as the classic crash keeps it); plus,
 *              for each node, objects less inuse of every slab on its
 *              partial list;
 *   ALLOCATED  TOTAL less free.
 *
 * This is the classic crash's reckoning (not the kernel's own
 * /proc/slabinfo one), kept with its integer widths so that the numbers
 * agree with it.  Every list walk is bounded and checked for cycles.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/addr_set.h"
#include "../arch/vmem.h"
#include "../util/error.h"
#include "../util/interrupt.h"
#include "kernel.h"
#include "page.h"
#include "slab.h"

/* No cache has more; a longer list is damage. */
#define MAX_CACHES 100000
/* A slab holds at most 2^15 objects; freelists and partial lists longer
 * than these bounds are damage (a node's partial list of a million
 * slabs would be 4 GB of slabs at least). */
#define MAX_FREELIST 65536
#define MAX_PARTIAL 4000000

struct slub {
	const struct kernel *k;
	uint64_t page_size;
	/* kmem_cache */
	struct kernel_field name, objsize, offset, oo, random, cpu_slab,
			    node, list, size, flags, red_left_pad;
	bool has_random, has_red_left_pad;
	/* kmem_cache_cpu */
	struct kernel_field cpu_freelist, cpu_slab_page, cpu_partial;
	bool has_cpu_partial;
	/* struct slab (or struct page, before 5.17) */
	const char *slab_type;
	uint64_t inuse_bit, objects_bit;
	uint32_t inuse_bits, objects_bits;
	struct kernel_field slab_next, slab_list, slab_freelist;
	/* kmem_cache_node */
	struct kernel_field nr_partial, nr_slabs, total_objects, partial, full;
	bool has_full;
	unsigned int nr_node_ids;
	unsigned int cpus;	/* up to the highest present cpu */
};

static struct error *slub_init(const struct kernel *k, struct slub *u)
{
	uint64_t v;
	bool present;
	unsigned int n, cpu;
	struct error *err;

	memset(u, 0, sizeof(*u));
	u->k = k;
	u->page_size = k->vm ? k->vm->page_size : 4096;
	if (!kernel_has_member(k, "kmem_cache", "cpu_slab") ||
	    !kernel_has_member(k, "kmem_cache_node", "nr_partial"))
		return error_create(ERR_UNSUPPORTED, "kmem -s: the kernel does "
				    "not use the SLUB allocator (no "
				    "kmem_cache.cpu_slab)");
	if (!kernel_has_member(k, "kmem_cache_node", "nr_slabs"))
		return error_create(ERR_UNSUPPORTED, "kmem -s: no "
				    "kmem_cache_node.nr_slabs (the kernel "
				    "must be built with CONFIG_SLUB_DEBUG)");
	if ((err = kernel_field(k, "kmem_cache", "name", &u->name)) ||
	    (!kernel_field_if(k, "kmem_cache", "object_size", &u->objsize) &&
	     (err = kernel_field(k, "kmem_cache", "objsize", &u->objsize))) ||
	    (err = kernel_field(k, "kmem_cache", "offset", &u->offset)) ||
	    (err = kernel_field(k, "kmem_cache", "oo", &u->oo)) ||
	    (err = kernel_field(k, "kmem_cache", "cpu_slab", &u->cpu_slab)) ||
	    (err = kernel_field(k, "kmem_cache", "node", &u->node)) ||
	    (err = kernel_field(k, "kmem_cache", "list", &u->list)) ||
	    (err = kernel_field(k, "kmem_cache_cpu", "freelist",
				&u->cpu_freelist)))
		return err;
	u->has_random = kernel_field_if(k, "kmem_cache", "random", &u->random);
	u->has_red_left_pad = kernel_field_if(k, "kmem_cache", "red_left_pad",
					      &u->red_left_pad) &&
		kernel_field_if(k, "kmem_cache", "flags", &u->flags);
	u->has_full = kernel_field_if(k, "kmem_cache_node", "full", &u->full);
	if ((err = kernel_field(k, "kmem_cache", "size", &u->size)))
		return err;
	u->has_cpu_partial = kernel_field_if(k, "kmem_cache_cpu", "partial",
					     &u->cpu_partial);
	if (!kernel_field_if(k, "kmem_cache_cpu", "slab", &u->cpu_slab_page) &&
	    (err = kernel_field(k, "kmem_cache_cpu", "page",
				&u->cpu_slab_page)))
		return err;
	u->slab_type = kernel_has_member(k, "slab", "slab_list") ? "slab" :
		"page";
	if ((err = kernel_bitfield(k, u->slab_type, "inuse", &u->inuse_bit,
				   &u->inuse_bits)) ||
	    (err = kernel_bitfield(k, u->slab_type, "objects",
				   &u->objects_bit, &u->objects_bits)) ||
	    (err = kernel_field(k, u->slab_type, "next", &u->slab_next)) ||
	    (err = kernel_field(k, u->slab_type, "freelist",
				&u->slab_freelist)) ||
	    (!kernel_field_if(k, u->slab_type, "slab_list", &u->slab_list) &&
	     (err = kernel_field(k, u->slab_type, "lru", &u->slab_list))) ||
	    (err = kernel_field(k, "kmem_cache_node", "nr_partial",
				&u->nr_partial)) ||
	    (err = kernel_field(k, "kmem_cache_node", "nr_slabs.counter",
				&u->nr_slabs)) ||
	    (err = kernel_field(k, "kmem_cache_node", "total_objects.counter",
				&u->total_objects)) ||
	    (err = kernel_field(k, "kmem_cache_node", "partial",
				&u->partial)))
		return err;
	/* a bit field of 16 bits or a plain member (then the width is 0) */
	if (!u->inuse_bits)
		u->inuse_bits = 16;
	if (!u->objects_bits)
		u->objects_bits = 16;
	if (kernel_var_number(k, "nr_node_ids", NULL, &v) == NULL &&
	    v >= 1 && v <= 1024)
		u->nr_node_ids = (unsigned int)v;
	else
		u->nr_node_ids = 1;
	if ((err = kernel_nr_cpu_ids(k, &n)))
		return err;
	/* the cpus up to the highest present one, as the classic crash */
	u->cpus = n;
	for (cpu = n; cpu > 0; cpu--) {
		struct error *e = kernel_cpu_in_mask(k, "__cpu_present_mask",
						     cpu - 1, &present);

		if (e) {
			error_free(e);
			break;
		}
		if (present) {
			u->cpus = cpu;
			break;
		}
	}
	return NULL;
}

struct error *slab_cache_list(const struct kernel *k, uint64_t **ret,
			      size_t *n, struct error **list_err)
{
	struct kernel_field list;
	uint64_t head, next, *v = NULL;
	size_t cap = 0, cnt = 0;
	struct addr_set seen = { 0 };
	struct error *err;

	*ret = NULL;
	*n = 0;
	*list_err = NULL;
	if ((err = kernel_field(k, "kmem_cache", "list", &list)) ||
	    (err = kernel_symbol(k, "slab_caches", &head)))
		return err;
	if ((err = kernel_read_pointer(k, head, &next)))
		return error_prefix(err, "slab_caches list head at %#" PRIx64,
				    head);
	while (next != head) {
		uint64_t prev = next;

		if (interrupted()) {
			*list_err = interrupt_error();
			break;
		}
		if (cnt >= MAX_CACHES || !addr_set_add(&seen, next)) {
			*list_err = error_create(ERR_FORMAT, "slab_caches: the "
						 "list loops at %#" PRIx64,
						 next);
			break;
		}
		if (cnt == cap) {
			uint64_t *nv;

			cap = cap ? cap * 2 : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				addr_set_free(&seen);
				return error_nomem();
			}
			v = nv;
		}
		v[cnt++] = next - list.offset;
		if ((err = kernel_read_pointer(k, prev, &next))) {
			*list_err = error_prefix(err, "slab_caches: the "
						 "list entry at %#" PRIx64,
						 prev);
			break;
		}
	}
	addr_set_free(&seen);
	*ret = v;
	*n = cnt;
	return NULL;
}

/* A name: the bytes up to a NUL or to an unreadable byte. */
static bool read_name(const struct kernel *k, uint64_t addr, char *buf,
		      size_t size)
{
	size_t got = 0;

	while (got + 1 < size) {
		uint64_t at = addr + got;
		size_t chunk = 4096 - (at & 4095), i;

		if (chunk > size - 1 - got)
			chunk = size - 1 - got;
		struct error *err = kernel_read(k, at, buf + got, chunk);

		if (err) {
			error_free(err);
			break;
		}
		for (i = 0; i < chunk; i++)
			if (!buf[got + i]) {
				return true;
			}
		got += chunk;
	}
	buf[got] = '\0';
	return got > 0;
}

void slab_cache_name(const struct kernel *k, uint64_t addr, char *buf,
		     size_t size)
{
	struct kernel_field f;
	uint64_t name;
	struct error *err = kernel_field(k, "kmem_cache", "name", &f);

	if (!err)
		err = kernel_read_field(k, addr, &f, &name);
	if (err || !read_name(k, name, buf, size))
		snprintf(buf, size, "(unknown)");
	error_free(err);
}

/* A struct slab's (or page's) inuse and objects: the classic crash reads
 * inuse as a 16-bit signed number and objects less the frozen bit. */
static struct error *slab_counts(const struct slub *u, uint64_t slab,
				 int16_t *inuse, uint16_t *objects)
{
	uint64_t a, b;
	struct error *err;

	if ((err = kernel_read_bitfield(u->k, slab, u->inuse_bit,
					u->inuse_bits, &a)) ||
	    (err = kernel_read_bitfield(u->k, slab, u->objects_bit,
					u->objects_bits, &b)))
		return error_prefix(err, "slab %#" PRIx64, slab);
	*inuse = (int16_t)(uint16_t)a;
	*objects = (uint16_t)b;
	if (*inuse == -1)
		return error_create(ERR_FORMAT, "slab %#" PRIx64 ": invalid "
				    "inuse: -1", slab);
	if (*objects == 0 || *objects == 0xffff)
		return error_create(ERR_FORMAT, "slab %#" PRIx64 ": invalid "
				    "objects: %u", slab, *objects);
	return NULL;
}

/* Whether addr can be read (the classic crash's accessible()). */
static bool readable(const struct kernel *k, uint64_t addr)
{
	uint8_t c;
	struct error *err = kernel_read(k, addr, &c, 1);

	error_free(err);
	return !err;
}

/* The next free object after obj, as CONFIG_SLAB_FREELIST_HARDENED hides
 * it: the stored pointer xor the cache's random and the byte-swapped
 * address it is stored at (the unswapped one as a fall-back, for the
 * kernels that did not swap it). */
static struct error *next_free(const struct slub *u, uint64_t random,
			       uint64_t offset, uint64_t obj, uint64_t *next)
{
	uint64_t at = obj + offset, v;
	struct error *err = kernel_read_pointer(u->k, at, &v);

	if (err)
		return error_prefix(err, "free object %#" PRIx64 ": its "
				    "free pointer", obj);
	if (u->has_random) {
		uint64_t d = v ^ random ^ __builtin_bswap64(at);

		if (!d || readable(u->k, d))
			v = d;
		else
			v = v ^ random ^ at;
	}
	*next = v;
	return NULL;
}

/* The objects on a cpu's lockless freelist. */
static struct error *count_freelist(const struct slub *u, uint64_t random,
				    uint64_t offset, uint64_t freelist,
				    uint64_t *count)
{
	struct addr_set seen = { 0 };
	uint64_t q = freelist, c = 0;
	struct error *err = NULL;

	while (q && !(q & 1)) {
		if (c >= MAX_FREELIST || !addr_set_add(&seen, q)) {
			err = error_create(ERR_FORMAT, "freelist %#" PRIx64
					   ": loops at %#" PRIx64, freelist,
					   q);
			break;
		}
		c++;
		if ((err = next_free(u, random, offset, q, &q)))
			break;
	}
	addr_set_free(&seen);
	*count = c;
	return err;
}

/* The free objects of a cpu's partial slabs, summed in 16 bits. */
static struct error *count_cpu_partial(const struct slub *u, uint64_t cpu_slab,
				       int16_t *free_objects)
{
	struct addr_set seen = { 0 };
	uint64_t p;
	struct error *err;
	int16_t sum = 0;

	*free_objects = 0;
	if (!u->has_cpu_partial)
		return NULL;
	if ((err = kernel_read_field(u->k, cpu_slab, &u->cpu_partial, &p)))
		return error_prefix(err, "kmem_cache_cpu %#" PRIx64, cpu_slab);
	while (p) {
		int16_t inuse;
		uint16_t objects;

		if (!addr_set_add(&seen, p) || seen.n > MAX_PARTIAL) {
			err = error_create(ERR_FORMAT, "kmem_cache_cpu %#"
					   PRIx64 ": the partial list loops "
					   "at %#" PRIx64, cpu_slab, p);
			break;
		}
		if ((err = slab_counts(u, p, &inuse, &objects)))
			break;
		sum = (int16_t)(sum + (int16_t)objects - inuse);
		if ((err = kernel_read_field(u->k, p, &u->slab_next, &p))) {
			err = error_prefix(err, "partial slab %#" PRIx64, p);
			break;
		}
	}
	addr_set_free(&seen);
	if (!err)
		*free_objects = sum;
	return err;
}

/* A node's partial list: objects less inuse of each slab on it. */
static struct error *count_partial(const struct slub *u, uint64_t node,
				   uint64_t *free_objects)
{
	struct addr_set seen = { 0 };
	uint64_t head = node + u->partial.offset, next, slab;
	struct error *err = kernel_read_pointer(u->k, head, &next);

	if (err)
		return error_prefix(err, "kmem_cache_node %#" PRIx64
				    ": partial list", node);
	while (next != head) {
		int16_t inuse;
		uint16_t objects;

		slab = next - u->slab_list.offset;
		if (!addr_set_add(&seen, next) || seen.n > MAX_PARTIAL) {
			err = error_create(ERR_FORMAT, "kmem_cache_node %#"
					   PRIx64 ": the partial list loops "
					   "at %#" PRIx64, node, next);
			break;
		}
		if ((err = slab_counts(u, slab, &inuse, &objects)))
			break;
		*free_objects += (uint64_t)((int)objects - inuse);
		if ((err = kernel_read_pointer(u->k, next, &next))) {
			err = error_prefix(err, "partial slab %#" PRIx64,
					   slab);
			break;
		}
		if (interrupted()) {
			err = interrupt_error();
			break;
		}
	}
	addr_set_free(&seen);
	return err;
}

static struct error *cache_counts(const struct slub *u, uint64_t cache,
				  struct slab_cache *out)
{
	const struct kernel *k = u->k;
	uint64_t offset, random = 0, cpu_slab, free_objects = 0;
	uint64_t total = 0, slabs = 0, node_array;
	unsigned int cpu, n;
	struct error *err;

	if ((err = kernel_read_field(k, cache, &u->offset, &offset)) ||
	    (u->has_random &&
	     (err = kernel_read_field(k, cache, &u->random, &random))) ||
	    (err = kernel_read_field(k, cache, &u->cpu_slab, &cpu_slab)))
		return error_prefix(err, "kmem_cache %#" PRIx64, cache);

	for (cpu = 0; cpu < u->cpus; cpu++) {
		uint64_t c, slab, freelist, nfree;
		int16_t inuse, partial;
		uint16_t objects;

		if ((err = kernel_per_cpu(k, cpu_slab, cpu, &c)))
			return err;
		if ((err = kernel_read_field(k, c, &u->cpu_slab_page, &slab)))
			return error_prefix(err, "cpu %u's kmem_cache_cpu %#"
					    PRIx64, cpu, c);
		if (!slab)
			continue;
		if ((err = kernel_read_field(k, c, &u->cpu_freelist,
					     &freelist)))
			return error_prefix(err, "cpu %u's kmem_cache_cpu %#"
					    PRIx64, cpu, c);
		if ((err = slab_counts(u, slab, &inuse, &objects)))
			return error_prefix(err, "cpu %u", cpu);
		free_objects += (uint64_t)((int)objects - inuse);
		if ((err = count_freelist(u, random, offset, freelist,
					  &nfree)))
			return error_prefix(err, "cpu %u", cpu);
		free_objects += nfree;
		if ((err = count_cpu_partial(u, c, &partial)))
			return error_prefix(err, "cpu %u", cpu);
		free_objects += (uint64_t)(int64_t)partial;
	}

	node_array = cache + u->node.offset;
	for (n = 0; n < u->nr_node_ids; n++) {
		uint64_t node, nr_slabs, nr_objects;

		if ((err = kernel_read_pointer(k, node_array + 8 * n, &node)))
			return error_prefix(err, "kmem_cache %#" PRIx64
					    ": node %u", cache, n);
		if (!node)
			continue;
		if ((err = kernel_read_field(k, node, &u->nr_slabs,
					     &nr_slabs)) ||
		    (err = kernel_read_field(k, node, &u->total_objects,
					     &nr_objects)))
			return error_prefix(err, "kmem_cache_node %#" PRIx64,
					    node);
		if ((err = count_partial(u, node, &free_objects)))
			return err;
		slabs += nr_slabs;
		total += nr_objects;
	}
	out->slabs = slabs;
	out->allocated = (int64_t)(total - free_objects);
	out->total = (int64_t)total;
	return NULL;
}

struct error *slab_cache_read(const struct kernel *k, uint64_t addr,
			      struct slab_cache *out)
{
	struct slub u;
	uint64_t name, objsize, oo;
	struct error *err = slub_init(k, &u);

	memset(out, 0, sizeof(*out));
	out->addr = addr;
	if (err)
		return err;
	if ((err = kernel_read_field(k, addr, &u.name, &name)) ||
	    (err = kernel_read_field(k, addr, &u.objsize, &objsize)) ||
	    (err = kernel_read_field(k, addr, &u.oo, &oo))) {
		snprintf(out->name, sizeof(out->name), "(unknown)");
		out->err = error_prefix(err, "kmem_cache %#" PRIx64, addr);
		return NULL;
	}
	if (!read_name(k, name, out->name, sizeof(out->name)))
		snprintf(out->name, sizeof(out->name), "(unknown)");
	out->objsize = objsize;
	/* oo: the order above 16 bits, the objects per slab below */
	out->slab_size = u.page_size << ((oo >> 16) & 63);
	out->have_sizes = true;
	out->err = cache_counts(&u, addr, out);
	return NULL;
}

/* kmem -S */

void slab_detail_free(struct slab_detail *d)
{
	free(d->obj);
	free(d->is_free);
	d->obj = NULL;
	d->is_free = NULL;
	d->n = 0;
}

void slab_list_free(struct slab_list *l)
{
	free(l->slab);
	error_free(l->err);
	memset(l, 0, sizeof(*l));
}

/* The memory node of the frame at paddr: the node whose span holds it
 * (node_data[]); 0 on a kernel without nodes, -1 if none holds it. */
static int phys_to_node(const struct kernel *k, const struct slub *u,
			uint64_t paddr)
{
	struct kernel_field start, spanned;
	uint64_t base, pfn = paddr / u->page_size;
	unsigned int n;

	if (kernel_symbol_quiet(k, "node_data", &base))
		return 0;
	if (!kernel_field_if(k, "pglist_data", "node_start_pfn", &start) ||
	    !kernel_field_if(k, "pglist_data", "node_spanned_pages", &spanned))
		return -1;
	for (n = 0; n < u->nr_node_ids; n++) {
		uint64_t pgdat, s, len;
		struct error *err = kernel_read_pointer(k, base + 8 * n, &pgdat);

		if (!err && pgdat)
			err = kernel_read_field(k, pgdat, &start, &s);
		if (!err && pgdat)
			err = kernel_read_field(k, pgdat, &spanned, &len);
		if (err) {
			error_free(err);
			continue;
		}
		if (pgdat && pfn >= s && pfn < s + len)
			return (int)n;
	}
	return -1;
}

/* The objects of a freelist, in a set (bounded, cycle-checked). */
static struct error *freelist_set(const struct slub *u, uint64_t random,
				  uint64_t offset, uint64_t freelist,
				  struct addr_set *set)
{
	uint64_t q = freelist;
	size_t c = 0;
	struct error *err = NULL;

	while (q && !(q & 1)) {
		if (c++ >= MAX_FREELIST || !addr_set_add(set, q))
			return error_create(ERR_FORMAT, "freelist %#" PRIx64
					    ": duplicate object %#" PRIx64,
					    freelist, q);
		if ((err = next_free(u, random, offset, q, &q)))
			return err;
	}
	return NULL;
}

struct error *slab_detail_read(const struct kernel *k, uint64_t cache,
			       uint64_t slab, bool verbose,
			       struct slab_detail *out)
{
	struct slub u;
	uint64_t paddr, base, freelist, cpu_freelist = 0, cpu_slab, offset;
	uint64_t random = 0, size, flags = 0, pad = 0;
	int16_t inuse;
	uint16_t objects;
	unsigned int cpu, i;
	struct addr_set set = { 0 };
	struct error *err = slub_init(k, &u);

	memset(out, 0, sizeof(*out));
	out->slab = slab;
	out->cpu = -1;
	out->node = -1;
	if (err)
		return err;
	if ((err = page_struct_to_phys(k, slab, &paddr)))
		return err;
	if ((err = kernel_direct_map_base(k, &base)))
		return err;
	out->memory = base + paddr;
	out->node = phys_to_node(k, &u, paddr);
	if ((err = slab_counts(&u, slab, &inuse, &objects)) ||
	    (err = kernel_read_field(k, slab, &u.slab_freelist, &freelist)))
		return error_prefix(err, "slab %#" PRIx64, slab);
	out->objects = objects;
	out->inuse = (uint16_t)inuse;
	if (!verbose)
		return NULL;

	if ((err = kernel_read_field(k, cache, &u.offset, &offset)) ||
	    (u.has_random &&
	     (err = kernel_read_field(k, cache, &u.random, &random))) ||
	    (err = kernel_read_field(k, cache, &u.size, &size)) ||
	    (err = kernel_read_field(k, cache, &u.cpu_slab, &cpu_slab)) ||
	    (u.has_red_left_pad &&
	     (err = kernel_read_field(k, cache, &u.flags, &flags))))
		return error_prefix(err, "kmem_cache %#" PRIx64, cache);
	/* SLAB_RED_ZONE: the objects start after the left red zone */
	if (u.has_red_left_pad && (flags & 0x400) &&
	    (err = kernel_read_field(k, cache, &u.red_left_pad, &pad)))
		return error_prefix(err, "kmem_cache %#" PRIx64, cache);

	/* Whose cpu slab it is; the classic crash's cpu freelist is the
	 * last cpu's where it is no cpu's slab. */
	for (cpu = 0; cpu < u.cpus; cpu++) {
		uint64_t c, s, fl;

		if ((err = kernel_per_cpu(k, cpu_slab, cpu, &c)))
			return err;
		if ((err = kernel_read_field(k, c, &u.cpu_freelist, &fl))) {
			error_free(err);
			fl = 0;
		}
		cpu_freelist = fl;
		if ((err = kernel_read_field(k, c, &u.cpu_slab_page, &s))) {
			error_free(err);
			continue;
		}
		if (s && s == slab) {
			uint64_t nfree;

			out->cpu = (int)cpu;
			if ((err = count_freelist(&u, random, offset, fl,
						  &nfree)))
				return error_prefix(err, "cpu %u", cpu);
			if (freelist)
				nfree += objects - (uint16_t)inuse;
			/* 16 bits unsigned, as the classic crash keeps it */
			out->inuse = (uint16_t)((int)objects - (int)nfree);
			break;
		}
	}

	if ((err = freelist_set(&u, random, offset, freelist, &set)) ||
	    (err = freelist_set(&u, random, offset, cpu_freelist, &set))) {
		addr_set_free(&set);
		return error_prefix(err, "slab %#" PRIx64, slab);
	}
	out->obj = calloc(objects, sizeof(*out->obj));
	out->is_free = calloc(objects, sizeof(*out->is_free));
	if (!out->obj || !out->is_free) {
		addr_set_free(&set);
		slab_detail_free(out);
		return error_nomem();
	}
	for (i = 0; i < objects; i++) {
		uint64_t p = out->memory + (uint64_t)i * size + pad;

		out->obj[i] = p;
		out->is_free[i] = addr_set_has(&set, p);
	}
	out->n = objects;
	addr_set_free(&set);
	return NULL;
}

/* A list of slabs linked by next (the cpu partial lists: stop at 0) or
 * by list_head (the node lists: stop at head). */
static void walk_slabs(const struct slub *u, uint64_t first, bool by_next,
		       uint64_t head, struct slab_list *l)
{
	struct addr_set seen = { 0 };
	size_t cap = 0;
	uint64_t next = first, paddr;

	while (by_next ? next != 0 : next != head) {
		uint64_t slab = by_next ? next : next - u->slab_list.offset;
		struct error *err;

		if (interrupted()) {
			l->err = interrupt_error();
			break;
		}
		if (!addr_set_add(&seen, next) || seen.n > MAX_PARTIAL) {
			l->err = error_create(ERR_FORMAT, "the slab list loops "
					      "at %#" PRIx64, slab);
			break;
		}
		if ((err = page_struct_to_phys(u->k, slab, &paddr))) {
			l->err = error_prefix(err, "invalid slab pointer");
			break;
		}
		if (l->n == cap) {
			uint64_t *v;

			cap = cap ? cap * 2 : 64;
			v = realloc(l->slab, cap * sizeof(*v));
			if (!v) {
				l->err = error_nomem();
				break;
			}
			l->slab = v;
		}
		l->slab[l->n++] = slab;
		err = by_next ? kernel_read_field(u->k, slab, &u->slab_next,
						  &next)
			: kernel_read_pointer(u->k, next, &next);
		if (err) {
			l->err = error_prefix(err, "slab %#" PRIx64
					      ": the next one", slab);
			break;
		}
	}
	addr_set_free(&seen);
}

void slab_cache_lists_free(struct slab_cache_lists *l)
{
	size_t i;

	for (i = 0; i < l->ncpu; i++) {
		slab_list_free(&l->cpu[i].partial);
		error_free(l->cpu[i].err);
	}
	for (i = 0; i < l->nnode; i++) {
		slab_list_free(&l->node[i].partial);
		slab_list_free(&l->node[i].full);
		error_free(l->node[i].err);
	}
	free(l->cpu);
	free(l->node);
	memset(l, 0, sizeof(*l));
}

struct error *slab_cache_lists_read(const struct kernel *k, uint64_t cache,
				    struct slab_cache_lists *out)
{
	struct slub u;
	uint64_t cpu_slab, flags = 0;
	unsigned int cpu, n;
	struct error *err = slub_init(k, &u);

	memset(out, 0, sizeof(*out));
	if (err)
		return err;
	if ((err = kernel_read_field(k, cache, &u.cpu_slab, &cpu_slab)))
		return error_prefix(err, "kmem_cache %#" PRIx64, cache);
	if (kernel_field_if(k, "kmem_cache", "flags", &u.flags) &&
	    (err = kernel_read_field(k, cache, &u.flags, &flags)))
		return error_prefix(err, "kmem_cache %#" PRIx64, cache);
	out->cpu = calloc(u.cpus, sizeof(*out->cpu));
	out->node = calloc(u.nr_node_ids, sizeof(*out->node));
	if (!out->cpu || !out->node) {
		slab_cache_lists_free(out);
		return error_nomem();
	}
	for (cpu = 0; cpu < u.cpus; cpu++) {
		struct slab_cpu *c = &out->cpu[out->ncpu++];
		uint64_t first, paddr;
		bool online = true;
		int nid;

		c->cpu = cpu;
		if ((err = kernel_cpu_in_mask(k, "__cpu_online_mask", cpu,
					      &online)))
			error_free(err);
		c->online = online;
		if ((err = kernel_per_cpu(k, cpu_slab, cpu,
					  &c->kmem_cache_cpu))) {
			c->err = err;
			continue;
		}
		if ((err = kernel_read_field(k, c->kmem_cache_cpu,
					     &u.cpu_slab_page, &c->slab))) {
			c->slab = 0;
			error_free(err);
		}
		if (c->slab && !page_struct_to_phys(k, c->slab, &paddr) &&
		    (nid = phys_to_node(k, &u, paddr)) >= 0 &&
		    (unsigned int)nid < u.nr_node_ids)
			out->node[nid].per_cpu++;
		c->has_partial = u.has_cpu_partial;
		if (!u.has_cpu_partial)
			continue;
		if ((err = kernel_read_field(k, c->kmem_cache_cpu,
					     &u.cpu_partial, &first))) {
			c->partial.err = error_prefix(err, "kmem_cache_cpu %#"
						      PRIx64,
						      c->kmem_cache_cpu);
			continue;
		}
		walk_slabs(&u, first, true, 0, &c->partial);
	}
	for (n = 0; n < u.nr_node_ids; n++) {
		struct slab_node *nd = &out->node[out->nnode++];
		uint64_t head, first;

		nd->node = n;
		if ((err = kernel_read_pointer(k, cache + u.node.offset + 8 * n,
					       &nd->kmem_cache_node))) {
			nd->err = error_prefix(err, "kmem_cache %#" PRIx64
					       ": node %u", cache, n);
			continue;
		}
		if (!nd->kmem_cache_node)
			continue;
		if ((err = kernel_read_field(k, nd->kmem_cache_node,
					     &u.nr_partial, &nd->nr_partial)) ||
		    (err = kernel_read_field(k, nd->kmem_cache_node,
					     &u.nr_slabs, &nd->nr_slabs))) {
			nd->err = error_prefix(err, "kmem_cache_node %#"
					       PRIx64, nd->kmem_cache_node);
			continue;
		}
		head = nd->kmem_cache_node + u.partial.offset;
		if ((err = kernel_read_pointer(k, head, &first)))
			nd->partial.err = error_prefix(err, "kmem_cache_node "
						       "%#" PRIx64,
						       nd->kmem_cache_node);
		else
			walk_slabs(&u, first, false, head, &nd->partial);
		/* SLAB_STORE_USER: the kernel keeps a list of full slabs */
		nd->full_tracked = u.has_full && (flags & 0x10000);
		if (!nd->full_tracked)
			continue;
		head = nd->kmem_cache_node + u.full.offset;
		if ((err = kernel_read_pointer(k, head, &first)))
			nd->full.err = error_prefix(err, "kmem_cache_node %#"
						    PRIx64,
						    nd->kmem_cache_node);
		else
			walk_slabs(&u, first, false, head, &nd->full);
	}
	return NULL;
}
