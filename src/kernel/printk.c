/*
 * The lockless ring buffer (kernel/printk/printk_ringbuffer.h): a ring of
 * descriptors, each with a state and an id in one word, a parallel ring of
 * printk_info (sequence number, time stamp, text length, caller), and a
 * data ring of text blocks addressed by logical positions.  Records from
 * the tail id to the head id that are committed or finalized are the log.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../dump/dump.h"
#include "../dump/vmcoreinfo.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "printk.h"

enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

/* Everything the walk needs from VMCOREINFO, looked up once. */
struct prb_layout {
	int64_t desc_ring, text_ring, count_bits, descs, infos, head_id,
		tail_id, desc_size, state_var, text_blk_lpos, lpos_begin,
		lpos_next, info_size, seq, ts_nsec, text_len, caller_id,
		size_bits, data, counter;
};

static struct error *layout(const struct vmcoreinfo *vi, const char *file,
			    struct prb_layout *l)
{
	static const struct {
		const char *key;
		size_t at;
	} keys[] = {
#define K(k, f) { k, offsetof(struct prb_layout, f) }
		K("OFFSET(printk_ringbuffer.desc_ring)", desc_ring),
		K("OFFSET(printk_ringbuffer.text_data_ring)", text_ring),
		K("OFFSET(prb_desc_ring.count_bits)", count_bits),
		K("OFFSET(prb_desc_ring.descs)", descs),
		K("OFFSET(prb_desc_ring.infos)", infos),
		K("OFFSET(prb_desc_ring.head_id)", head_id),
		K("OFFSET(prb_desc_ring.tail_id)", tail_id),
		K("SIZE(prb_desc)", desc_size),
		K("OFFSET(prb_desc.state_var)", state_var),
		K("OFFSET(prb_desc.text_blk_lpos)", text_blk_lpos),
		K("OFFSET(prb_data_blk_lpos.begin)", lpos_begin),
		K("OFFSET(prb_data_blk_lpos.next)", lpos_next),
		K("SIZE(printk_info)", info_size),
		K("OFFSET(printk_info.seq)", seq),
		K("OFFSET(printk_info.ts_nsec)", ts_nsec),
		K("OFFSET(printk_info.text_len)", text_len),
		K("OFFSET(printk_info.caller_id)", caller_id),
		K("OFFSET(prb_data_ring.size_bits)", size_bits),
		K("OFFSET(prb_data_ring.data)", data),
		K("OFFSET(atomic_long_t.counter)", counter),
#undef K
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!vmcoreinfo_number(vi, keys[i].key,
				       (int64_t *)((char *)l + keys[i].at)))
			return error_create(ERR_NOT_FOUND, "%s: VMCOREINFO has "
					    "no %s: not a lockless printk ring "
					    "buffer (Linux 5.10 or later)",
					    file, keys[i].key);
	return NULL;
}

struct ring {
	uint64_t descs, infos, data;
	uint64_t count, data_size;
};

/* Copy a record's text out of the data ring; NULL if it has none. */
static struct error *read_text(struct vmem *vm, const struct ring *r,
			       uint64_t begin, uint64_t next, uint16_t len,
			       char *buf, uint16_t *got)
{
	uint64_t size = r->data_size, off, avail;
	const uint64_t id_size = 8;	/* the block's leading id */

	*got = 0;
	if ((begin & 1) || begin == next)	/* data-less record */
		return NULL;
	if (begin / size == next / size && begin < next) {
		off = begin % size;
		avail = next - begin;
	} else {
		/* Wrapped: the block starts again at the ring's start. */
		off = 0;
		avail = next % size;
	}
	if (avail < id_size || avail > size)
		return error_create(ERR_FORMAT, "printk text block %llx-%llx "
				    "is malformed", (unsigned long long)begin,
				    (unsigned long long)next);
	avail -= id_size;
	if (len > avail)
		len = (uint16_t)avail;
	*got = len;
	return vmem_read(vm, r->data + off + id_size, buf, len);
}

struct error *printk_walk(struct vmem *vm, const struct vmcoreinfo *vi,
			  printk_fn fn, void *arg, struct printk_stats *st)
{
	const char *file = vm->dump->paths[0];
	uint64_t prb_ptr, rb, dr, tr, head, tail, id, n;
	uint32_t count_bits, size_bits;
	struct prb_layout l;
	struct ring r;
	struct error *err;
	char *text;

	memset(st, 0, sizeof(*st));
	if (!vi)
		return error_create(ERR_NOT_FOUND, "%s: no VMCOREINFO: the log "
				    "cannot be found without the vmlinux",
				    file);
	if (!vmcoreinfo_symbol(vi, "prb", &prb_ptr))
		return error_create(ERR_NOT_FOUND, "%s: VMCOREINFO has no "
				    "SYMBOL(prb): not a lockless printk ring "
				    "buffer (Linux 5.10 or later)", file);
	err = layout(vi, file, &l);
	if (err)
		return err;
	err = vmem_read_u64(vm, prb_ptr, &rb);
	if (err)
		return error_prefix(err, "printk ring buffer pointer prb");
	dr = rb + (uint64_t)l.desc_ring;
	tr = rb + (uint64_t)l.text_ring;
	if ((err = vmem_read_u32(vm, dr + l.count_bits, &count_bits)) ||
	    (err = vmem_read_u64(vm, dr + l.descs, &r.descs)) ||
	    (err = vmem_read_u64(vm, dr + l.infos, &r.infos)) ||
	    (err = vmem_read_u64(vm, dr + l.head_id + l.counter, &head)) ||
	    (err = vmem_read_u64(vm, dr + l.tail_id + l.counter, &tail)) ||
	    (err = vmem_read_u32(vm, tr + l.size_bits, &size_bits)) ||
	    (err = vmem_read_u64(vm, tr + l.data, &r.data)))
		return error_prefix(err, "printk ring buffer at 0x%llx",
				    (unsigned long long)rb);
	if (count_bits > 30 || size_bits > 40)
		return error_create(ERR_FORMAT, "%s: printk ring buffer at "
				    "0x%llx is damaged (count_bits %u, "
				    "size_bits %u)", file,
				    (unsigned long long)rb, count_bits,
				    size_bits);
	r.count = 1ULL << count_bits;
	r.data_size = 1ULL << size_bits;
	text = malloc(65536);
	if (!text)
		return error_nomem();
	/* ids count up without wrapping in practice; bound the walk by the
	 * ring size so a damaged head can never make it endless. */
	const uint64_t id_mask = ~(3ULL << 62);

	for (id = tail & id_mask, n = 0; n <= r.count; id = (id + 1) & id_mask,
	     n++) {
		uint64_t d = r.descs + (id % r.count) * (uint64_t)l.desc_size;
		uint64_t info = r.infos + (id % r.count) * (uint64_t)l.info_size;
		uint64_t sv, begin, next;
		struct printk_record rec;
		uint16_t len;
		unsigned int state;

		err = vmem_read_u64(vm, d + l.state_var + l.counter, &sv);
		if (!err)
			err = vmem_read_u64(vm, d + l.text_blk_lpos +
					    l.lpos_begin, &begin);
		if (!err)
			err = vmem_read_u64(vm, d + l.text_blk_lpos +
					    l.lpos_next, &next);
		if (!err)
			err = vmem_read_u64(vm, info + l.seq, &rec.seq);
		if (!err)
			err = vmem_read_u64(vm, info + l.ts_nsec, &rec.ts_nsec);
		if (!err)
			err = vmem_read_u16(vm, info + l.text_len, &len);
		if (!err)
			err = vmem_read_u32(vm, info + l.caller_id,
					    &rec.caller_id);
		state = (unsigned int)(sv >> 62) & 3;
		if (!err && (sv & id_mask) == id &&
		    (state == DESC_COMMITTED || state == DESC_FINALIZED))
			err = read_text(vm, &r, begin, next, len, text,
					&rec.len);
		else if (!err) {
			st->skipped++;
			goto next;
		}
		if (err) {
			st->skipped++;
			if (!st->first_error)
				st->first_error = error_prefix(err, "printk "
					"record id %llu",
					(unsigned long long)id);
			else
				error_free(err);
			err = NULL;
			goto next;
		}
		rec.text = text;
		st->records++;
		if (fn(&rec, arg))
			break;
next:
		if (id == (head & id_mask))
			break;
	}
	free(text);
	return NULL;
}
