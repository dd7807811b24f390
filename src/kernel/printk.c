/*
 * The lockless ring buffer (kernel/printk/printk_ringbuffer.h): a ring of
 * descriptors, each with a state and an id in one word, a parallel ring of
 * printk_info (sequence number, time stamp, text length, level, caller,
 * device), and a data ring of text blocks addressed by logical positions.
 * Records from the tail id to the head id that are committed or finalized
 * are the log.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../dump/vmcoreinfo.h"
#include "../util/error.h"
#include "kernel.h"
#include "printk.h"

enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

/* Everything the walk needs of the types, looked up once per walk. */
struct prb_layout {
	uint64_t desc_ring, text_ring, count_bits, descs, infos, head_id,
		tail_id, desc_size, state_var, text_blk_lpos, lpos_begin,
		lpos_next, info_size, seq, ts_nsec, text_len, caller_id,
		size_bits, data, counter;
	/* optional */
	uint64_t dev_info, subsystem, subsystem_len, device, device_len;
	bool have_dev;
	uint64_t level_bit;
	uint32_t level_bits;		/* 0: unknown */
};

enum what { OFF, SIZE, MSIZE };

struct key {
	enum what what;
	const char *type, *member;
	const char *vmcoreinfo;	/* MSIZE: the key VMCOREINFO has for it */
	size_t at;
};

#define K(w, t, m, f) { w, t, m, NULL, offsetof(struct prb_layout, f) }
static const struct key required[] = {
	K(OFF, "printk_ringbuffer", "desc_ring", desc_ring),
	K(OFF, "printk_ringbuffer", "text_data_ring", text_ring),
	K(OFF, "prb_desc_ring", "count_bits", count_bits),
	K(OFF, "prb_desc_ring", "descs", descs),
	K(OFF, "prb_desc_ring", "infos", infos),
	K(OFF, "prb_desc_ring", "head_id", head_id),
	K(OFF, "prb_desc_ring", "tail_id", tail_id),
	K(SIZE, "prb_desc", NULL, desc_size),
	K(OFF, "prb_desc", "state_var", state_var),
	K(OFF, "prb_desc", "text_blk_lpos", text_blk_lpos),
	K(OFF, "prb_data_blk_lpos", "begin", lpos_begin),
	K(OFF, "prb_data_blk_lpos", "next", lpos_next),
	K(SIZE, "printk_info", NULL, info_size),
	K(OFF, "printk_info", "seq", seq),
	K(OFF, "printk_info", "ts_nsec", ts_nsec),
	K(OFF, "printk_info", "text_len", text_len),
	K(OFF, "printk_info", "caller_id", caller_id),
	K(OFF, "prb_data_ring", "size_bits", size_bits),
	K(OFF, "prb_data_ring", "data", data),
	K(OFF, "atomic_long_t", "counter", counter),
};
static const struct key device[] = {
	K(OFF, "printk_info", "dev_info", dev_info),
	K(OFF, "dev_printk_info", "subsystem", subsystem),
	{ MSIZE, "dev_printk_info", "subsystem", "LENGTH(printk_info_subsystem)",
	  offsetof(struct prb_layout, subsystem_len) },
	K(OFF, "dev_printk_info", "device", device),
	{ MSIZE, "dev_printk_info", "device", "LENGTH(printk_info_device)",
	  offsetof(struct prb_layout, device_len) },
};
#undef K

static struct error *from_types(const struct kernel *k, const struct key *key,
				uint64_t *v)
{
	struct kernel_field f;
	struct error *err;

	if (key->what == SIZE)
		return kernel_type_size(k, key->type, v);
	err = kernel_field(k, key->type, key->member, &f);
	if (!err)
		*v = key->what == OFF ? f.offset : f.size;
	return err;
}

static struct error *from_vmcoreinfo(const struct vmcoreinfo *vi,
				     const char *file, const struct key *key,
				     uint64_t *v)
{
	char name[96];
	int64_t n;

	if (key->what == MSIZE)
		snprintf(name, sizeof(name), "%s", key->vmcoreinfo);
	else if (key->what == SIZE)
		snprintf(name, sizeof(name), "SIZE(%s)", key->type);
	else
		snprintf(name, sizeof(name), "OFFSET(%s.%s)", key->type,
			 key->member);
	if (!vi)
		return error_create(ERR_NOT_FOUND, "%s: no VMCOREINFO and no "
				    "vmlinux types: the log cannot be found",
				    file);
	if (!vmcoreinfo_number(vi, name, &n) || n < 0)
		return error_create(ERR_NOT_FOUND, "%s: VMCOREINFO has no %s: "
				    "not a lockless printk ring buffer (Linux "
				    "5.10 or later)", file, name);
	*v = (uint64_t)n;
	return NULL;
}

/* Each item from the types if the session has them, else from VMCOREINFO.
 * The types' error wins when both fail and there are types. */
static struct error *lookup(const struct kernel *k,
			    const struct vmcoreinfo *vi, const char *file,
			    const struct key *keys, size_t n,
			    struct prb_layout *l)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t *v = (uint64_t *)((char *)l + keys[i].at);
		struct error *terr = NULL, *verr;

		if (k->di) {
			terr = from_types(k, &keys[i], v);
			if (!terr)
				continue;
		}
		verr = from_vmcoreinfo(vi, file, &keys[i], v);
		if (!verr) {
			error_free(terr);
			continue;
		}
		if (terr) {
			error_free(verr);
			return error_prefix(terr, "%s: the printk ring buffer's "
					    "types", file);
		}
		return verr;
	}
	return NULL;
}

static struct error *layout(const struct kernel *k,
			    const struct vmcoreinfo *vi, const char *file,
			    struct prb_layout *l)
{
	struct error *err;

	memset(l, 0, sizeof(*l));
	err = lookup(k, vi, file, required, sizeof(required) /
		     sizeof(required[0]), l);
	if (err)
		return err;
	err = lookup(k, vi, file, device, sizeof(device) / sizeof(device[0]),
		     l);
	l->have_dev = !err && l->subsystem_len && l->device_len &&
		      l->subsystem_len < 256 && l->device_len < 256;
	error_free(err);
	/* The level is a bit field VMCOREINFO does not publish. */
	if (k->di) {
		err = kernel_bitfield(k, "printk_info", "level", &l->level_bit,
				      &l->level_bits);
		if (err || l->level_bits == 0 || l->level_bits > 8)
			l->level_bits = 0;
		error_free(err);
	}
	return NULL;
}

struct ring {
	const struct kernel *k;
	const struct prb_layout *l;
	uint64_t descs, infos, data;
	uint64_t count, data_size;
	char *text;
	char subsystem[256], device[256];
};

#define ID_MASK (~(UINT64_C(3) << 62))

/* Copy a record's text out of the data ring: its block is [begin, next)
 * in logical positions; a block that would cross the ring's end is stored
 * at its start instead. */
static struct error *read_text(struct ring *r, uint64_t begin, uint64_t next,
			       uint16_t len, struct printk_record *rec)
{
	uint64_t size = r->data_size, off, avail;
	const uint64_t id_size = 8;	/* the block's leading id */

	rec->len = 0;
	rec->text = r->text;
	rec->dataless = (begin & 1) || begin % size == next % size;
	if (rec->dataless)
		return NULL;
	if (begin / size == next / size && begin < next) {
		off = begin % size;
		avail = next - begin;
	} else if (begin / size + 1 == next / size) {
		off = 0;
		avail = next % size;
	} else {
		avail = 0;
	}
	if (avail < id_size || avail > size)
		return error_create(ERR_FORMAT, "its text block %#" PRIx64
				    "-%#" PRIx64 " is malformed", begin, next);
	avail -= id_size;
	if (len > avail)
		len = (uint16_t)avail;
	rec->len = len;
	return vmem_read(r->k->vm, r->data + off + id_size, r->text, len);
}

static struct error *read_string(struct ring *r, uint64_t addr, char *buf,
				 uint64_t len)
{
	struct error *err = vmem_read(r->k->vm, addr, buf, (size_t)len);

	buf[err ? 0 : len] = '\0';
	return err;
}

enum result { RECORD, NOT_VALID, FOREIGN, UNREADABLE };

/* The record with this id, if its descriptor holds it committed. */
static enum result read_record(struct ring *r, uint64_t id,
			       struct printk_record *rec, struct error **errp)
{
	const struct prb_layout *l = r->l;
	struct vmem *vm = r->k->vm;
	uint64_t d = r->descs + (id % r->count) * l->desc_size;
	uint64_t info = r->infos + (id % r->count) * l->info_size;
	uint64_t sv, begin, next, level;
	unsigned int state;
	uint16_t len;
	struct error *err;

	memset(rec, 0, sizeof(*rec));
	rec->id = id;
	rec->level = -1;
	rec->subsystem = rec->device = "";
	err = vmem_read_u64(vm, d + l->state_var + l->counter, &sv);
	if (err)
		goto bad;
	if ((sv & ID_MASK) != id)
		return FOREIGN;
	state = (unsigned int)(sv >> 62) & 3;
	if (state != DESC_COMMITTED && state != DESC_FINALIZED)
		return NOT_VALID;
	if ((err = vmem_read_u64(vm, d + l->text_blk_lpos + l->lpos_begin,
				 &begin)) ||
	    (err = vmem_read_u64(vm, d + l->text_blk_lpos + l->lpos_next,
				 &next)) ||
	    (err = vmem_read_u64(vm, info + l->seq, &rec->seq)) ||
	    (err = vmem_read_u64(vm, info + l->ts_nsec, &rec->ts_nsec)) ||
	    (err = vmem_read_u16(vm, info + l->text_len, &len)) ||
	    (err = vmem_read_u32(vm, info + l->caller_id, &rec->caller_id)) ||
	    (err = read_text(r, begin, next, len, rec)))
		goto bad;
	if (l->level_bits) {
		err = kernel_read_bitfield(r->k, info, l->level_bit,
					   l->level_bits, &level);
		if (err)
			goto bad;
		rec->level = (int)level;
	}
	if (l->have_dev) {
		uint64_t dev = info + l->dev_info;

		if ((err = read_string(r, dev + l->subsystem, r->subsystem,
				       l->subsystem_len)) ||
		    (err = read_string(r, dev + l->device, r->device,
				       l->device_len)))
			goto bad;
		rec->subsystem = r->subsystem;
		rec->device = r->device;
	}
	return RECORD;
bad:
	*errp = error_prefix(err, "printk record id %" PRIu64 " (descriptor "
			     "at %#" PRIx64 ")", id, d);
	return UNREADABLE;
}

/* Hand one id's record to fn, counting what is wrong with it; nonzero
 * when fn wants to stop. */
static int visit(struct ring *r, uint64_t id, printk_fn fn, void *arg,
		 struct printk_stats *st)
{
	struct printk_record rec;
	struct error *err = NULL;

	switch (read_record(r, id, &rec, &err)) {
	case RECORD:
		st->records++;
		return fn(&rec, arg);
	case FOREIGN:
		if (!st->foreign++)
			st->first_foreign = id;
		st->last_foreign = id;
		break;
	case UNREADABLE:
		if (!st->unreadable++) {
			st->first_unreadable = id;
			st->first_error = err;
		} else {
			error_free(err);
		}
		st->last_unreadable = id;
		break;
	case NOT_VALID:
		break;
	}
	st->skipped++;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The head and tail ids are damaged: take every descriptor that holds the
 * id its place says, oldest first. */
static struct error *rescan(struct ring *r, printk_fn fn, void *arg,
			    struct printk_stats *st)
{
	const struct prb_layout *l = r->l;
	uint64_t *ids, n = 0, i, sv;
	struct error *err;

	st->rescanned = true;
	if (r->count > (UINT64_C(1) << 24))
		return error_create(ERR_FORMAT, "printk ring buffer at %#"
				    PRIx64 ": its head and tail ids (%" PRIu64
				    ", %" PRIu64 ") do not fit its %" PRIu64
				    " descriptors, too many to scan",
				    st->ring_addr, st->head_id, st->tail_id,
				    r->count);
	ids = malloc(r->count * sizeof(*ids));
	if (!ids)
		return error_nomem();
	for (i = 0; i < r->count; i++) {
		err = vmem_read_u64(r->k->vm, r->descs + i * l->desc_size +
				    l->state_var + l->counter, &sv);
		if (err) {
			if (!st->unreadable++) {
				st->first_unreadable = i;
				st->first_error = error_prefix(err, "printk "
					"descriptor %" PRIu64, i);
			} else {
				error_free(err);
			}
			st->last_unreadable = i;
			continue;
		}
		if ((sv & ID_MASK) % r->count == i)
			ids[n++] = sv & ID_MASK;
	}
	qsort(ids, (size_t)n, sizeof(*ids), by_id);
	for (i = 0; i < n; i++)
		if (visit(r, ids[i], fn, arg, st))
			break;
	free(ids);
	return NULL;
}

struct error *printk_walk(const struct kernel *k, const struct vmcoreinfo *vi,
			  printk_fn fn, void *arg, struct printk_stats *st)
{
	const char *file = k->dump->paths[0];
	uint64_t prb_ptr, rb, dr, tr, head, tail, id, n;
	uint32_t count_bits, size_bits;
	struct prb_layout l;
	struct ring r = { .k = k, .l = &l };
	struct error *err;

	memset(st, 0, sizeof(*st));
	if (!k->symtab || kernel_symbol_quiet(k, "prb", &prb_ptr)) {
		if (!vi)
			return error_create(ERR_NOT_FOUND, "%s: no VMCOREINFO: "
					    "the log cannot be found without "
					    "the vmlinux", file);
		if (!vmcoreinfo_symbol(vi, "prb", &prb_ptr))
			return error_create(ERR_NOT_FOUND, "%s: VMCOREINFO has "
					    "no SYMBOL(prb): not a lockless "
					    "printk ring buffer (Linux 5.10 or "
					    "later)", file);
	}
	err = layout(k, vi, file, &l);
	if (err)
		return err;
	st->have_level = l.level_bits != 0;
	err = vmem_read_u64(k->vm, prb_ptr, &rb);
	if (err)
		return error_prefix(err, "printk ring buffer pointer prb");
	st->ring_addr = rb;
	dr = rb + l.desc_ring;
	tr = rb + l.text_ring;
	if ((err = vmem_read_u32(k->vm, dr + l.count_bits, &count_bits)) ||
	    (err = vmem_read_u64(k->vm, dr + l.descs, &r.descs)) ||
	    (err = vmem_read_u64(k->vm, dr + l.infos, &r.infos)) ||
	    (err = vmem_read_u64(k->vm, dr + l.head_id + l.counter, &head)) ||
	    (err = vmem_read_u64(k->vm, dr + l.tail_id + l.counter, &tail)) ||
	    (err = vmem_read_u32(k->vm, tr + l.size_bits, &size_bits)) ||
	    (err = vmem_read_u64(k->vm, tr + l.data, &r.data)))
		return error_prefix(err, "printk ring buffer at %#" PRIx64, rb);
	if (count_bits > 30 || size_bits > 40 || size_bits < 4)
		return error_create(ERR_FORMAT, "%s: printk ring buffer at %#"
				    PRIx64 " is damaged (count_bits %u, "
				    "size_bits %u)", file, rb, count_bits,
				    size_bits);
	r.count = UINT64_C(1) << count_bits;
	r.data_size = UINT64_C(1) << size_bits;
	st->ring_size = r.count;
	head &= ID_MASK;
	tail &= ID_MASK;
	st->head_id = head;
	st->tail_id = tail;
	r.text = malloc(65536);
	if (!r.text)
		return error_nomem();
	/* The kernel keeps the head less than a ring's length ahead of the
	 * tail; anything else is damage. */
	if (((head - tail) & ID_MASK) >= r.count) {
		err = rescan(&r, fn, arg, st);
	} else {
		for (id = tail, n = 0; n < r.count; id = (id + 1) & ID_MASK,
		     n++) {
			if (visit(&r, id, fn, arg, st) || id == head)
				break;
		}
	}
	free(r.text);
	return err;
}
