/*
 * A maple tree (6.1+, mm->mm_mt holds the VMAs) is a B-tree of ranges.
 * ma_root is either an entry of its own (the range [0, 0]) or an encoded
 * node pointer: nodes are 256-byte aligned, the low byte of the pointer
 * carries the node's type at bits 3-6 (MAPLE_NODE_TYPE_SHIFT/MASK in
 * include/linux/maple_tree.h) and bit 1 set with bit 0 clear marks an
 * internal pointer (xa_is_node: (p & 3) == 2 and p above 4096).
 *
 * maple_leaf_64 and maple_range_64 nodes are struct maple_range_64,
 * maple_arange_64 nodes struct maple_arange_64: slot i covers the indexes
 * from one past pivot[i - 1] (the node's minimum for slot 0) up to
 * pivot[i] (the node's maximum past the last pivot).  How many slots are
 * in use is the node's metadata end (arange_64 always; range_64 when its
 * last pivot is 0, for then the last slot holds the metadata), else the
 * last pivot equal to the node's maximum, else all of them, as
 * ma_data_end() decides.  Offsets, sizes and the enum maple_type values
 * come from the debug info.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>

#include "../util/error.h"
#include "kernel.h"
#include "maple.h"

#define NODE_MASK 0xffull	/* MAPLE_NODE_MASK */
#define TYPE_SHIFT 3		/* MAPLE_NODE_TYPE_SHIFT */
#define TYPE_MASK 0xfull	/* MAPLE_NODE_TYPE_MASK */
#define MAX_HEIGHT 32		/* MAPLE_HEIGHT_MAX is 31 */
#define MAX_NODES (1u << 20)
#define MAX_SLOTS 64

struct layout {
	bool has_meta;
	struct kernel_field piv, slot, meta;	/* of one kind of node */
	unsigned int npiv, nslot;
};

struct walker {
	const struct kernel *k;
	int64_t dense, leaf, range, arange;
	struct layout r64, a64;
	struct kernel_field dense_slot;
	unsigned int dense_n;
	uint64_t path[MAX_HEIGHT];
	unsigned int nodes;
	maple_entry_fn fn;
	void *arg;
	int stop;
};

static bool is_node(uint64_t p)
{
	return (p & 3) == 2 && p > 4096;
}

static struct error *layout_of(const struct kernel *k, const char *kind,
			       struct layout *l)
{
	char member[64];
	struct error *err;

	snprintf(member, sizeof(member), "%s.pivot", kind);
	err = kernel_field(k, "maple_node", member, &l->piv);
	snprintf(member, sizeof(member), "%s.slot", kind);
	if (!err)
		err = kernel_field(k, "maple_node", member, &l->slot);
	if (err)
		return err;
	snprintf(member, sizeof(member), "%s.meta.end", kind);
	l->has_meta = kernel_field_if(k, "maple_node", member, &l->meta);
	l->npiv = (unsigned int)(l->piv.size / 8);
	l->nslot = (unsigned int)(l->slot.size / 8);
	if (l->nslot > MAX_SLOTS || l->npiv >= l->nslot || !l->npiv)
		return error_create(ERR_FORMAT, "maple_node.%s: %u pivots, "
				    "%u slots", kind, l->npiv, l->nslot);
	return NULL;
}

static struct error *walker_init(const struct kernel *k, struct walker *w)
{
	struct error *err;

	w->k = k;
	err = kernel_enumerator(k, "maple_dense", &w->dense);
	if (!err)
		err = kernel_enumerator(k, "maple_leaf_64", &w->leaf);
	if (!err)
		err = kernel_enumerator(k, "maple_range_64", &w->range);
	if (!err)
		err = kernel_enumerator(k, "maple_arange_64", &w->arange);
	if (!err)
		err = layout_of(k, "mr64", &w->r64);
	if (!err)
		err = layout_of(k, "ma64", &w->a64);
	if (!err)
		err = kernel_field(k, "maple_node", "slot", &w->dense_slot);
	w->dense_n = (unsigned int)(w->dense_slot.size / 8);
	if (!err && w->dense_n > MAX_SLOTS)
		w->dense_n = MAX_SLOTS;
	return err;
}

static struct error *word(struct walker *w, uint64_t addr, uint64_t *v)
{
	return kernel_read_number(w->k, addr, 8, v);
}

__attribute__((format(printf, 2, 3)))
static struct error *damaged(uint64_t node, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_create(ERR_FORMAT, "maple node at %#" PRIx64 ": %s",
			    node, msg);
}

static struct error *walk_node(struct walker *w, uint64_t enode, uint64_t min,
			       uint64_t max, unsigned int depth);

/* Where the node's data ends: the last slot in use. */
static struct error *data_end(struct walker *w, uint64_t node,
			      const struct layout *l, bool arange,
			      uint64_t max, unsigned int *end)
{
	uint64_t last, meta;
	struct error *err;

	if (!arange) {
		err = word(w, node + l->piv.offset + 8 * (l->npiv - 1), &last);
		if (err)
			return err;
		if (last) {
			*end = last == max ? l->npiv - 1 : l->npiv;
			return NULL;
		}
	}
	if (l->has_meta) {
		err = kernel_read_number(w->k, node + l->meta.offset, 1, &meta);
		if (err)
			return err;
		if (meta >= l->nslot)
			return damaged(node, "metadata end %" PRIu64
				       " past its %u slots", meta, l->nslot);
		*end = (unsigned int)meta;
		return NULL;
	}
	*end = l->nslot - 1;	/* no metadata: the pivots tell (below) */
	return NULL;
}

static struct error *walk_ranges(struct walker *w, uint64_t node,
				 const struct layout *l, bool leaf,
				 bool arange, uint64_t min, uint64_t max,
				 unsigned int depth)
{
	uint64_t first = min, last, slot;
	unsigned int end = 0, i;
	struct error *err = data_end(w, node, l, arange, max, &end);

	for (i = 0; !err && i <= end && !w->stop; i++) {
		if (i < l->npiv) {
			err = word(w, node + l->piv.offset + 8 * i, &last);
			if (err)
				break;
			/* as mas_logical_pivot(): a zero pivot after the
			 * first slot reaches the node's maximum */
			if (!last && i)
				last = max;
			if (last > max)
				return damaged(node, "pivot %u (%#" PRIx64
					       ") past the node's maximum %#"
					       PRIx64, i, last, max);
		} else {
			last = max;
		}
		if (last < first)
			return damaged(node, "pivot %u (%#" PRIx64 ") below "
				       "the range's start %#" PRIx64, i, last,
				       first);
		err = word(w, node + l->slot.offset + 8 * i, &slot);
		if (err)
			break;
		if (leaf) {
			/* internal entries (XA_ZERO_ENTRY) are no data */
			if (slot && !((slot & 3) == 2 && slot < 4096))
				w->stop = w->fn(first, last, slot, w->arg);
		} else if (slot) {
			err = walk_node(w, slot, first, last, depth + 1);
		}
		if (last == max)
			break;
		first = last + 1;
	}
	return err;
}

static struct error *walk_node(struct walker *w, uint64_t enode, uint64_t min,
			       uint64_t max, unsigned int depth)
{
	uint64_t node = enode & ~NODE_MASK, slot;
	int64_t type = (int64_t)((enode >> TYPE_SHIFT) & TYPE_MASK);
	unsigned char probe;
	struct error *err;
	unsigned int i;

	if (!is_node(enode))
		return error_create(ERR_FORMAT, "maple tree: %#" PRIx64
				    " is not a node pointer", enode);
	if (depth >= MAX_HEIGHT)
		return damaged(node, "deeper than %d levels", MAX_HEIGHT);
	if (++w->nodes > MAX_NODES)
		return damaged(node, "more than %u nodes", MAX_NODES);
	for (i = 0; i < depth; i++)
		if (w->path[i] == node)
			return damaged(node, "met twice on one path (a cycle "
				       "at depths %u and %u)",
				       i, depth);
	w->path[depth] = node;
	err = kernel_read(w->k, node, &probe, 1);
	if (err)
		return error_prefix(err, "maple node at %#" PRIx64, node);
	if (type == w->leaf || type == w->range)
		return walk_ranges(w, node, &w->r64, type == w->leaf, false,
				   min, max, depth);
	if (type == w->arange)
		return walk_ranges(w, node, &w->a64, false, true, min, max,
				   depth);
	if (type == w->dense) {
		for (i = 0; i < w->dense_n && !w->stop; i++) {
			if (min + i > max)
				break;
			err = word(w, node + w->dense_slot.offset + 8 * i,
				   &slot);
			if (err)
				return err;
			if (slot)
				w->stop = w->fn(min + i, min + i, slot, w->arg);
		}
		return NULL;
	}
	return damaged(node, "unknown node type %" PRId64, type);
}

struct error *maple_tree_walk(const struct kernel *k, uint64_t tree,
			      maple_entry_fn fn, void *arg)
{
	struct walker w = { .fn = fn, .arg = arg };
	struct kernel_field root_f;
	uint64_t root;
	struct error *err = walker_init(k, &w);

	if (!err)
		err = kernel_field(k, "maple_tree", "ma_root", &root_f);
	if (!err)
		err = kernel_read_field(k, tree, &root_f, &root);
	if (err)
		return error_prefix(err, "maple tree at %#" PRIx64, tree);
	if (!root)
		return NULL;
	if (!is_node(root)) {
		fn(0, 0, root, arg);
		return NULL;
	}
	return walk_node(&w, root, 0, UINT64_MAX, 0);
}
