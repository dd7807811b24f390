#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/uio.h>

#include "../src/dump/decompress.h"
#include "../src/dump/source.h"
#include "../src/util/endian.h"
#include "../src/util/error.h"
#include "compress.h"
#include "kdump_out.h"
#include "out_file.h"
#include "page_filter.h"
#include "vmcore_input.h"

#define HEADER_VERSION	6
#define STATUS_INCOMPLETE 0x8
#define SUB_HEADER_SIZE	104
#define DESC_SIZE	24
#define UTS_LEN		65

#define BATCH		256		/* pages per unit of work */
#define DATA_BUF	(1u << 20)
#define DESC_BUF	(8192 * DESC_SIZE)

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void progress_update(struct progress *p, uint64_t more, bool final)
{
	double t;

	p->done += more;
	if (!p->on)
		return;
	t = now_seconds();
	if (!final && t - p->last < 0.25)
		return;
	p->last = t;
	fprintf(stderr, "\rCopying pages: %3d%% (%llu of %llu) %.1f s%s",
		p->total ? (int)(p->done * 100 / p->total) : 100,
		(unsigned long long)p->done, (unsigned long long)p->total,
		t - p->started, final ? "\n" : "");
}

static void put16(unsigned char *p, uint32_t v, bool big)
{
	uint16_t x = (uint16_t)v;

	if (big)
		x = __builtin_bswap16(x);
	memcpy(p, &x, 2);
}

/* Block 0 and the sub header, as the job says. */
static void build_header(const struct kdump_job *job, bool complete,
			 unsigned char *h, unsigned char *sub,
			 uint32_t *sub_blocks, uint32_t *bitmap_blocks)
{
	const struct vmcore_input *in = job->in;
	const struct page_bitmaps *pb = job->pb;
	bool big = in->big_endian;
	uint32_t bs = in->page_size;
	uint64_t max = pb->max_pfn;
	uint64_t note_off = bs + SUB_HEADER_SIZE;
	int i;

	(void)put16;
	*sub_blocks = (uint32_t)((SUB_HEADER_SIZE + in->notes_len + bs - 1) / bs);
	*bitmap_blocks = (uint32_t)(2 * pb->bytes / bs);
	memset(h, 0, bs);
	memcpy(h, "KDUMP   ", 8);
	put32(h + 8, HEADER_VERSION, big);
	for (i = 0; i < 6; i++)
		memcpy(h + 12 + i * UTS_LEN, pb->utsname[i], UTS_LEN);
	put64(h + 408, (uint64_t)job->timestamp, big);	/* tv_sec */
	put64(h + 416, 0, big);				/* tv_usec */
	put32(h + 424, job->method | (complete ? 0 : STATUS_INCOMPLETE), big);
	put32(h + 428, bs, big);
	put32(h + 432, *sub_blocks, big);
	put32(h + 436, *bitmap_blocks, big);
	put32(h + 440, max > UINT32_MAX ? UINT32_MAX : (uint32_t)max, big);
	put32(h + 460, (uint32_t)in->nr_cpus, big);

	memset(sub, 0, SUB_HEADER_SIZE);
	put64(sub + 0, pb->phys_base, big);
	put32(sub + 8, (uint32_t)job->level, big);
	if (job->split) {
		put32(sub + 12, 1, big);
		put64(sub + 16, job->start_pfn > UINT32_MAX ? UINT32_MAX
							    : job->start_pfn, big);
		put64(sub + 24, job->end_pfn > UINT32_MAX ? UINT32_MAX
							  : job->end_pfn, big);
		put64(sub + 80, job->start_pfn, big);
		put64(sub + 88, job->end_pfn, big);
	}
	if (in->notes_len) {
		put64(sub + 48, note_off, big);
		put64(sub + 56, in->notes_len, big);
		if (in->vmcoreinfo_len) {
			put64(sub + 32, note_off + in->vmcoreinfo_off, big);
			put64(sub + 40, in->vmcoreinfo_len, big);
		}
	}
	put64(sub + 96, max, big);
}

enum { B_FREE, B_READ, B_BUSY, B_DONE };
enum { K_DATA, K_ZERO, K_BAD };

struct batch {
	uint64_t seq;
	int state, n;
	int win;		/* the window its mapped pages are in, or -1 */
	uint64_t pfn[BATCH];
	const unsigned char *src[BATCH];	/* in the window, or in in */
	uint8_t kind[BATCH];
	bool mapped[BATCH];	/* src is in the window: may fault */
	uint32_t size[BATCH], flags[BATCH];
	char *why[BATCH];	/* K_BAD: why (malloc'ed) */
	unsigned char *in;	/* BATCH pages read with pread */
	unsigned char *out;	/* BATCH compressed pages, bound apart */
};

/* A window of the vmcore mapped for the batches whose pages are in it;
 * unmapped when the last of them is written and the reader has moved on. */
struct window {
	struct vm_window w;
	int refs;
};

struct pipeline {
	const struct kdump_job *job;
	struct out_file *of;
	struct kdump_result *res;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool threaded;			/* else all in the calling thread */
	struct batch *ring;
	int nring;
	int workers;			/* compressing threads (if threaded) */
	size_t bound;
	uint64_t next_read, next_write;	/* batch sequence numbers */
	bool reader_done, stop;
	struct error *err;		/* the writer's, first one */
	/* reader state */
	struct window *win;		/* nring + 1 slots */
	int cur_win;			/* the reader's window, or -1 */
	bool no_map;			/* mmap failed: pread only */
	size_t seg_hint;
	uint64_t nread, nmapped;	/* pages read with pread, mapped */
	/* writer state */
	struct compressor *wc;		/* not threaded: the compressor */
	unsigned char *data, *desc;
	size_t ndata, ndesc;
	uint64_t data_pos, desc_pos, data_flushed_to;
	uint64_t zero_off;
	uint64_t *bad;			/* unreadable frames, for bitmap 2 */
	size_t nbad, badcap;
	struct iovec iov[BATCH];
};

static void lock(struct pipeline *pp)
{
	if (pp->threaded)
		pthread_mutex_lock(&pp->mu);
}

static void unlock(struct pipeline *pp)
{
	if (pp->threaded)
		pthread_mutex_unlock(&pp->mu);
}

static bool is_zero(const unsigned char *p, size_t n)
{
	const uint64_t *w = (const void *)p;
	size_t i;

	for (i = 0; i + 8 <= n / 8; i += 8)
		if (w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] |
		    w[i + 5] | w[i + 6] | w[i + 7])
			return false;
	return true;
}

/* One page's work, run inside mapped_access() when the page is mapped. */
struct page_work {
	struct pipeline *pp;
	struct compressor *c;
	struct batch *b;
	int i;
};

static void work_page(void *arg)
{
	struct page_work *w = arg;
	struct pipeline *pp = w->pp;
	struct batch *b = w->b;
	const unsigned char *page = b->src[w->i];
	size_t ps = pp->job->in->page_size, n = 0;

	if ((pp->job->level & DL_ZERO) && is_zero(page, ps)) {
		b->kind[w->i] = K_ZERO;
		return;
	}
	if (w->c)
		n = compress_page(w->c, page, b->out + (size_t)w->i * pp->bound);
	b->size[w->i] = n ? (uint32_t)n : (uint32_t)ps;
	b->flags[w->i] = n ? pp->job->method : 0;
}

static char *bad_page(struct pipeline *pp, uint64_t pfn, struct error *err)
{
	char *s = NULL;

	if (asprintf(&s, "physical address 0x%llx: %s",
		     (unsigned long long)(pfn << pp->job->in->page_shift),
		     err->message) < 0)
		s = NULL;
	error_free(err);
	return s;
}

static void compress_batch(struct pipeline *pp, struct compressor *c,
			   struct batch *b)
{
	struct page_work w = { .pp = pp, .c = c, .b = b };

	for (w.i = 0; w.i < b->n; w.i++) {
		struct error *err;

		if (b->kind[w.i] == K_BAD)
			continue;
		if (!b->mapped[w.i]) {
			work_page(&w);
			continue;
		}
		err = mapped_access(pp->job->in->path, work_page, &w);
		if (err) {
			b->kind[w.i] = K_BAD;
			b->why[w.i] = bad_page(pp, b->pfn[w.i], err);
		}
	}
}

static void *worker(void *arg)
{
	struct pipeline *pp = arg;
	struct compressor *c = NULL;

	if (pp->job->method)
		c = compressor_new(pp->job->method, pp->job->in->page_size);
	pthread_mutex_lock(&pp->mu);
	for (;;) {
		struct batch *b = NULL;
		int i;

		for (i = 0; i < pp->nring; i++) {
			struct batch *x = &pp->ring[i];

			if (x->state == B_READ && (!b || x->seq < b->seq))
				b = x;
		}
		if (!b) {
			if (pp->stop || pp->reader_done)
				break;
			pthread_cond_wait(&pp->cv, &pp->mu);
			continue;
		}
		b->state = B_BUSY;
		pthread_mutex_unlock(&pp->mu);
		compress_batch(pp, c, b);
		pthread_mutex_lock(&pp->mu);
		b->state = B_DONE;
		pthread_cond_broadcast(&pp->cv);
	}
	pthread_mutex_unlock(&pp->mu);
	compressor_free(c);
	return NULL;
}

/* Data first, then the descriptors that point to it: whatever is on
 * disk when writing stops is consistent. */
static struct error *flush_desc(struct pipeline *pp)
{
	uint64_t at = pp->desc_pos - pp->ndesc;
	struct error *err = NULL;

	if (pp->ndata)
		err = out_write(pp->of, pp->data_flushed_to, pp->data,
				pp->ndata);
	if (err) {
		/* Save the descriptors of the pages that did reach the file:
		 * those before the first whose data is not all there. */
		uint64_t there = pp->data_flushed_to + pp->of->partial;
		bool big = pp->job->in->big_endian;
		size_t k;

		for (k = 0; k < pp->ndesc; k += DESC_SIZE) {
			uint64_t off = get64(pp->desc + k, big);
			uint32_t size = get32(pp->desc + k + 8, big);

			if (off != pp->zero_off && off + size > there)
				break;
		}
		if (k && !pp->of->flat) {
			struct error *e2 = out_write(pp->of, at, pp->desc, k);

			error_free(e2);
		}
		return err;
	}
	pp->data_flushed_to += pp->ndata;
	pp->ndata = 0;
	if (pp->ndesc)
		err = out_write(pp->of, at, pp->desc, pp->ndesc);
	if (!err)
		pp->ndesc = 0;
	return err;
}

static struct error *emit_desc(struct pipeline *pp, uint64_t off,
			       uint32_t size, uint32_t flags)
{
	bool big = pp->job->in->big_endian;
	unsigned char *d;
	struct error *err;

	if (pp->ndesc + DESC_SIZE > DESC_BUF && (err = flush_desc(pp)))
		return err;
	d = pp->desc + pp->ndesc;
	put64(d, off, big);
	put32(d + 8, size, big);
	put32(d + 12, flags, big);
	put64(d + 16, 0, big);
	pp->ndesc += DESC_SIZE;
	pp->desc_pos += DESC_SIZE;
	return NULL;
}

/* A page's data into the buffer, and its descriptor.  A page copied from
 * the mapping that faults is not written: *fault says why. */
static struct error *emit_data(struct pipeline *pp, uint32_t size,
			       uint32_t flags, const void *data, bool from_map,
			       struct error **fault)
{
	struct error *err;

	if (!pp->data && !(pp->data = malloc(DATA_BUF)))
		return error_nomem();
	if (pp->ndata + size > DATA_BUF && (err = flush_desc(pp)))
		return err;
	if (from_map) {
		*fault = mapped_copy(pp->job->in->path, pp->data + pp->ndata,
				     data, size);
		if (*fault)
			return NULL;
	} else {
		memcpy(pp->data + pp->ndata, data, size);
	}
	pp->ndata += size;
	err = emit_desc(pp, pp->data_pos, size, flags);
	pp->data_pos += size;
	return err;
}

/* An unreadable page: counted, said once, and out of bitmap 2 when the
 * pages are all written (the reader still reads bitmap 2 meanwhile). */
static void note_bad(struct pipeline *pp, uint64_t pfn, char *why)
{
	pp->res->unreadable++;
	if (!pp->res->first_unreadable && why) {
		pp->res->first_unreadable = why;
		why = NULL;
	}
	free(why);
	if (pp->nbad == pp->badcap) {
		size_t cap = pp->badcap ? 2 * pp->badcap : 64;
		uint64_t *n = realloc(pp->bad, cap * sizeof(*n));

		if (!n)
			return;		/* then bitmap 2 keeps it: no data */
		pp->bad = n;
		pp->badcap = cap;
	}
	pp->bad[pp->nbad++] = pfn;
}

/* Pages i.. of b, each copied into the data buffer. */
static struct error *copy_pages(struct pipeline *pp, struct batch *b, int i)
{
	size_t ps = pp->job->in->page_size;
	struct error *err = NULL, *fault;

	for (; i < b->n && !err; i++) {
		fault = NULL;
		switch (b->kind[i]) {
		case K_BAD:
			note_bad(pp, b->pfn[i], b->why[i]);
			b->why[i] = NULL;
			continue;
		case K_ZERO:
			pp->res->zero++;
			err = emit_desc(pp, pp->zero_off, (uint32_t)ps, 0);
			break;
		default:
			if (b->flags[i])
				err = emit_data(pp, b->size[i], b->flags[i],
						b->out + (size_t)i * pp->bound,
						false, &fault);
			else
				err = emit_data(pp, b->size[i], 0, b->src[i],
						b->mapped[i], &fault);
			if (fault)
				note_bad(pp, b->pfn[i],
					 bad_page(pp, b->pfn[i], fault));
			else if (!err)
				pp->res->stored++;
		}
	}
	for (; i < b->n; i++) {		/* stopped by an error */
		free(b->why[i]);
		b->why[i] = NULL;
	}
	return err;
}

/*
 * Into a file (not the flattened stream): the batch's data straight from
 * where it is (the mapping, the batch's buffers) with one pwritev, no
 * copy; then its descriptors, which reach the file after their data as
 * above.  A mapped page that cannot be read stops pwritev short with
 * EFAULT: the pages before it are kept and the rest of the batch is
 * copied, which finds the page.
 */
static struct error *write_direct(struct pipeline *pp, struct batch *b)
{
	size_t ps = pp->job->in->page_size, done = 0, total = 0;
	struct iovec *iov = pp->iov;
	struct error *err = NULL, *e2;
	int niov = 0, i;

	for (i = 0; i < b->n; i++) {
		const unsigned char *p;

		if (b->kind[i] != K_DATA)
			continue;
		p = b->flags[i] ? b->out + (size_t)i * pp->bound : b->src[i];
		if (niov && (const unsigned char *)iov[niov - 1].iov_base +
			    iov[niov - 1].iov_len == p) {
			iov[niov - 1].iov_len += b->size[i];
		} else {
			iov[niov].iov_base = (void *)p;
			iov[niov].iov_len = b->size[i];
			niov++;
		}
		total += b->size[i];
	}
	if (niov)
		err = out_writev(pp->of, pp->data_pos, iov, niov);
	done = err ? pp->of->partial : total;
	for (i = 0; i < b->n; i++) {
		struct error *e = NULL;

		switch (b->kind[i]) {
		case K_BAD:
			note_bad(pp, b->pfn[i], b->why[i]);
			b->why[i] = NULL;
			continue;
		case K_ZERO:
			pp->res->zero++;
			e = emit_desc(pp, pp->zero_off, (uint32_t)ps, 0);
			break;
		default:
			if (b->size[i] > done)
				goto stop;	/* not all there */
			done -= b->size[i];
			pp->res->stored++;
			e = emit_desc(pp, pp->data_pos, b->size[i],
				      b->flags[i]);
			pp->data_pos += b->size[i];
			pp->data_flushed_to += b->size[i];
		}
		if (e) {
			error_free(err);
			return e;
		}
	}
stop:
	if (!err)
		return NULL;
	if (pp->of->error_errno == EFAULT) {
		/* our input's fault, not the output's */
		error_free(err);
		err = copy_pages(pp, b, i);
		return err ? err : flush_desc(pp);
	}
	/* the output failed: keep the descriptors of what is there */
	if (pp->ndesc) {
		e2 = out_write(pp->of, pp->desc_pos - pp->ndesc, pp->desc,
			       pp->ndesc);
		error_free(e2);
	}
	for (; i < b->n; i++) {
		free(b->why[i]);
		b->why[i] = NULL;
	}
	return err;
}

static struct error *write_batch(struct pipeline *pp, struct batch *b)
{
	struct error *err = pp->of->flat ? copy_pages(pp, b, 0)
					 : write_direct(pp, b);

	progress_update(pp->job->progress, (uint64_t)b->n, false);
	return err;
}

/* Drop a reference to window slot k; unmap it when it was the last. */
static void window_put(struct pipeline *pp, int k)
{
	struct vm_window w = { 0 };

	if (k < 0)
		return;
	lock(pp);
	if (--pp->win[k].refs == 0) {
		w = pp->win[k].w;
		pp->win[k].w.base = NULL;
	}
	unlock(pp);
	vmcore_unmap_window(&w);
}

/* The slot of a window that holds the frame at file offset off, with a
 * reference for the caller, or -1 (then read with pread). */
static int window_get(struct pipeline *pp, uint64_t off)
{
	size_t ps = pp->job->in->page_size;
	struct window *cur = pp->cur_win >= 0 ? &pp->win[pp->cur_win] : NULL;
	struct vm_window w;
	struct error *err;
	int k;

	if (cur && off >= cur->w.off && off + ps <= cur->w.off + cur->w.len) {
		lock(pp);
		cur->refs++;
		unlock(pp);
		return pp->cur_win;
	}
	window_put(pp, pp->cur_win);
	pp->cur_win = -1;
	err = vmcore_map_window(pp->job->in, off, &w);
	if (err) {
		if (!pp->res->no_map)
			pp->res->no_map = strdup(err->message);
		error_free(err);
		pp->no_map = true;	/* read the rest with pread */
		return -1;
	}
	/* A free slot: batches hold one window each, the reader one more. */
	lock(pp);
	for (k = 0; k < pp->nring + 1 && pp->win[k].w.base; k++)
		;
	pp->win[k].w = w;
	pp->win[k].refs = 2;
	unlock(pp);
	pp->cur_win = k;
	return k;
}

/* Choose the next kept frames from *pfn on, up to BATCH of them and, for
 * those that can be used where they are mapped, all in one window; read
 * the others.  Unreadable ones become K_BAD. */
static void fill_batch(struct pipeline *pp, struct batch *b, uint64_t *pfnp)
{
	const struct kdump_job *job = pp->job;
	const struct vmcore_input *in = job->in;
	const unsigned char *bm = job->pb->bitmap2;
	size_t ps = in->page_size;
	uint64_t pfn = *pfnp, off;
	int i;

	b->n = 0;
	b->win = -1;
	for (; pfn < job->end_pfn && b->n < BATCH; pfn++) {
		if (!(pfn & 63) && pfn + 64 <= job->end_pfn) {
			uint64_t w;

			memcpy(&w, bm + (pfn >> 3), 8);
			if (!w) {
				pfn += 63;
				continue;
			}
		}
		if (!bitmap_test(bm, pfn))
			continue;
		i = b->n;
		b->pfn[i] = pfn;
		b->why[i] = NULL;
		b->kind[i] = K_DATA;
		b->mapped[i] = false;
		b->src[i] = NULL;
		if (!pp->no_map && vmcore_pfn_offset(in, pfn, &pp->seg_hint,
						     &off)) {
			if (b->win < 0)
				b->win = window_get(pp, off);
			if (b->win >= 0) {
				const struct vm_window *w = &pp->win[b->win].w;

				if (off < w->off || off + ps > w->off + w->len)
					break;	/* the next batch's window */
				b->src[i] = w->base + (off - w->off);
				b->mapped[i] = true;
				pp->nmapped++;
			}
		}
		b->n++;
	}
	*pfnp = pfn;
	/* The frames not mapped: runs with one pread where they can. */
	i = 0;
	while (i < b->n) {
		int j = i + 1, k;

		if (b->src[i]) {
			i++;
			continue;
		}
		while (j < b->n && !b->src[j] && b->pfn[j] == b->pfn[j - 1] + 1)
			j++;
		if (!b->in && !(b->in = malloc(BATCH * ps))) {
			for (k = i; k < j; k++) {
				b->kind[k] = K_BAD;
				b->why[k] = strdup("no memory to read it");
			}
			i = j;
			continue;
		}
		for (k = i; k < j; k++)
			b->src[k] = b->in + (size_t)k * ps;
		pp->nread += (uint64_t)(j - i);
		if (!vmcore_read_run(in, b->pfn[i], (uint64_t)(j - i),
				     b->in + (size_t)i * ps)) {
			for (k = i; k < j; k++) {
				struct error *err = vmcore_read_page(
					in, b->pfn[k], b->in + (size_t)k * ps);

				if (!err)
					continue;
				b->kind[k] = K_BAD;
				b->why[k] = strdup(err->message);
				error_free(err);
			}
		}
		i = j;
	}
}

static void *writer(void *arg)
{
	struct pipeline *pp = arg;

	pthread_mutex_lock(&pp->mu);
	for (;;) {
		struct batch *b = &pp->ring[pp->next_write % pp->nring];
		struct error *err;

		if (pp->stop)
			break;
		if (b->state != B_DONE || b->seq != pp->next_write) {
			if (pp->reader_done && pp->next_write == pp->next_read)
				break;
			pthread_cond_wait(&pp->cv, &pp->mu);
			continue;
		}
		pthread_mutex_unlock(&pp->mu);
		err = write_batch(pp, b);
		window_put(pp, b->win);
		pthread_mutex_lock(&pp->mu);
		if (err) {
			pp->err = err;
			pp->stop = true;
		}
		b->state = B_FREE;
		pp->next_write++;
		pthread_cond_broadcast(&pp->cv);
	}
	pthread_mutex_unlock(&pp->mu);
	return NULL;
}

static void reader(struct pipeline *pp)
{
	const struct kdump_job *job = pp->job;
	uint64_t pfn = job->start_pfn;

	while (pfn < job->end_pfn) {
		struct batch *b = &pp->ring[pp->next_read % pp->nring];

		pthread_mutex_lock(&pp->mu);
		while (b->state != B_FREE && !pp->stop)
			pthread_cond_wait(&pp->cv, &pp->mu);
		pthread_mutex_unlock(&pp->mu);
		if (pp->stop)
			break;
		fill_batch(pp, b, &pfn);
		if (!b->n) {
			window_put(pp, b->win);
			break;
		}
		pthread_mutex_lock(&pp->mu);
		b->seq = pp->next_read++;
		b->state = B_READ;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
	}
	pthread_mutex_lock(&pp->mu);
	pp->reader_done = true;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

/* Without threads: each batch read, compressed and written in turn. */
static struct error *run_inline(struct pipeline *pp)
{
	struct batch *b = &pp->ring[0];
	uint64_t pfn = pp->job->start_pfn;
	struct error *err = NULL;

	while (pfn < pp->job->end_pfn && !err) {
		fill_batch(pp, b, &pfn);
		if (b->n) {
			compress_batch(pp, pp->wc, b);
			err = write_batch(pp, b);
		}
		window_put(pp, b->win);
		if (!b->n)
			break;
	}
	return err;
}

static struct error *run_pipeline(struct pipeline *pp)
{
	size_t ps = pp->job->in->page_size;
	pthread_t *tids = NULL;
	pthread_t wtid;
	struct compressor *probe;
	struct error *err = NULL;
	int i, started = 0;
	size_t k;

	/* One CPU, or no compression (nothing to share out: the copy into
	 * the output is the work): one thread, no hand-offs.  Else a reader
	 * (this thread), a writer and the compressing threads. */
	pp->threaded = pp->job->cpus > 1 && pp->job->method;
	pp->workers = !pp->threaded ? 0 : pp->job->threads < 1 ? 1
					: pp->job->threads;
	probe = compressor_new(pp->job->method, ps);
	if (!probe) {
		return error_create(ERR_NOMEM, "cannot set up %s compression",
				    compression_name(pp->job->method));
	}
	pp->bound = compressor_bound(probe);
	if (!pp->threaded)
		pp->wc = probe;
	else
		compressor_free(probe);
	pp->nring = pp->threaded ? 2 * pp->workers + 3 : 1;
	pp->cur_win = -1;
	pp->ring = calloc((size_t)pp->nring, sizeof(*pp->ring));
	pp->win = calloc((size_t)pp->nring + 1, sizeof(*pp->win));
	tids = calloc((size_t)pp->workers + 1, sizeof(*tids));
	/* (the data buffer, for the flattened stream or a page copied after
	 * a fault, when first needed) */
	pp->desc = malloc(DESC_BUF);
	if (!pp->ring || !pp->win || !tids || !pp->desc) {
		err = error_nomem();
		goto out;
	}
	/* (a batch's in, for pages read with pread, when first needed) */
	for (i = 0; i < pp->nring; i++) {
		pp->ring[i].out = pp->job->method ? malloc(BATCH * pp->bound)
						  : NULL;
		pp->ring[i].win = -1;
		if (pp->job->method && !pp->ring[i].out) {
			err = error_nomem();
			goto out;
		}
	}
	if (!pp->threaded) {
		err = run_inline(pp);
		goto done;
	}
	pthread_mutex_init(&pp->mu, NULL);
	pthread_cond_init(&pp->cv, NULL);
	for (i = 0; i < pp->workers; i++) {
		if (pthread_create(&tids[i], NULL, worker, pp))
			break;
		started++;
	}
	if (!started || pthread_create(&wtid, NULL, writer, pp)) {
		pthread_mutex_lock(&pp->mu);
		pp->stop = pp->reader_done = true;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
		for (i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
		err = error_create(ERR_NOMEM, "cannot start threads");
		goto destroy;
	}
	reader(pp);
	pthread_join(wtid, NULL);
	pthread_mutex_lock(&pp->mu);
	pp->stop = true;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	err = pp->err;
destroy:
	pthread_mutex_destroy(&pp->mu);
	pthread_cond_destroy(&pp->cv);
	pp->threaded = false;
done:
	if (!err)
		err = flush_desc(pp);
out:
	for (k = 0; k < pp->nbad; k++)
		bitmap_clear(pp->job->pb->bitmap2, pp->bad[k]);
	pp->res->read += pp->nread;
	pp->res->mapped += pp->nmapped;
	for (i = 0; pp->ring && i < pp->nring; i++) {
		struct batch *b = &pp->ring[i];
		int j;

		for (j = 0; j < BATCH; j++)
			free(b->why[j]);
		free(b->in);
		free(b->out);
	}
	for (i = 0; pp->win && i < pp->nring + 1; i++)
		vmcore_unmap_window(&pp->win[i].w);
	free(pp->win);
	free(pp->ring);
	free(pp->data);
	free(pp->desc);
	free(pp->bad);
	free(tids);
	compressor_free(pp->wc);
	return err;
}

struct error *kdump_write(struct out_file *of, const struct kdump_job *job,
			  struct kdump_result *res)
{
	const struct vmcore_input *in = job->in;
	uint32_t bs = in->page_size, sub_blocks, bitmap_blocks;
	unsigned char *h = calloc(1, bs), sub[SUB_HEADER_SIZE];
	struct pipeline pp = { .job = job, .of = of, .res = res };
	uint64_t desc_off;
	struct error *err;

	if (!h)
		return error_nomem();
	/* Until the end, the header says the dump is incomplete: a file
	 * cut short by a crash of this program says so too. */
	build_header(job, of->flat, h, sub, &sub_blocks, &bitmap_blocks);
	err = out_write(of, 0, h, bs);
	free(h);
	if (!err)
		err = out_write(of, bs, sub, SUB_HEADER_SIZE);
	if (!err && in->notes_len)
		err = out_write(of, bs + SUB_HEADER_SIZE, in->notes,
				in->notes_len);
	if (!err)
		err = out_write(of, (uint64_t)(1 + sub_blocks) * bs,
				job->pb->bitmap1, job->pb->bytes);
	if (!err)
		err = out_write(of, (uint64_t)(1 + sub_blocks) * bs +
				job->pb->bytes, job->pb->bitmap2,
				job->pb->bytes);
	if (err)
		return err;
	desc_off = (uint64_t)(1 + sub_blocks + bitmap_blocks) * bs;
	pp.desc_pos = desc_off;
	/* Room for the descriptors now: on a disk that fills up later, the
	 * descriptors of the pages already written still find their
	 * place. */
	if (!of->flat && job->desc_room &&
	    fallocate(of->fd, 0, (off_t)desc_off,
		      (off_t)(job->desc_room * DESC_SIZE)) < 0 &&
	    (errno == ENOSPC || errno == EFBIG || errno == EDQUOT))
		return error_create(ERR_IO, "%s: no space left for the page "
				    "descriptors (%llu bytes at offset 0x%llx): "
				    "%s", of->tmp_path,
				    (unsigned long long)job->desc_room *
				    DESC_SIZE, (unsigned long long)desc_off,
				    strerror(errno));
	pp.data_pos = pp.data_flushed_to = desc_off + job->desc_room * DESC_SIZE;
	if (job->level & DL_ZERO) {
		unsigned char *zero = calloc(1, bs);

		if (!zero)
			return error_nomem();
		pp.zero_off = pp.data_pos;
		err = out_write(of, pp.data_pos, zero, bs);
		free(zero);
		if (err)
			return err;
		pp.data_pos += bs;
		pp.data_flushed_to += bs;
	}
	return run_pipeline(&pp);
}

struct error *kdump_finalize(struct out_file *of, const struct kdump_job *job,
			     bool complete)
{
	uint32_t bs = job->in->page_size, sub_blocks, bitmap_blocks;
	unsigned char *h = calloc(1, bs), sub[SUB_HEADER_SIZE];
	struct error *err;

	if (!h)
		return error_nomem();
	build_header(job, complete, h, sub, &sub_blocks, &bitmap_blocks);
	err = out_write(of, (uint64_t)(1 + sub_blocks) * bs + job->pb->bytes,
			job->pb->bitmap2, job->pb->bytes);
	if (!err)
		err = out_write(of, 0, h, sizeof(h[0]) * 464);
	free(h);
	return err;
}
