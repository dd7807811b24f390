#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/dump/decompress.h"
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
	uint64_t pfn[BATCH];
	uint8_t kind[BATCH];
	uint32_t size[BATCH], flags[BATCH];
	unsigned char *in;	/* BATCH pages */
	unsigned char *out;	/* BATCH compressed pages, bound apart */
};

struct pipeline {
	const struct kdump_job *job;
	struct out_file *of;
	struct kdump_result *res;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *ring;
	int nring;
	size_t bound;
	uint64_t next_read, next_write;	/* batch sequence numbers */
	bool reader_done, stop;
	struct error *err;		/* the writer's, first one */
	/* writer state */
	unsigned char *data, *desc;
	size_t ndata, ndesc;
	uint64_t data_pos, desc_pos, data_flushed_to;
	uint64_t zero_off;
};

static bool is_zero(const unsigned char *p, size_t n)
{
	const uint64_t *w = (const void *)p;
	size_t i;

	for (i = 0; i < n / 8; i++)
		if (w[i])
			return false;
	return true;
}

static void compress_batch(struct pipeline *pp, struct compressor *c,
			   struct batch *b)
{
	size_t ps = pp->job->in->page_size;
	int i;

	for (i = 0; i < b->n; i++) {
		const unsigned char *page = b->in + i * ps;
		size_t n = 0;

		if (b->kind[i] == K_BAD)
			continue;
		if ((pp->job->level & DL_ZERO) && is_zero(page, ps)) {
			b->kind[i] = K_ZERO;
			continue;
		}
		b->kind[i] = K_DATA;
		if (c)
			n = compress_page(c, page, b->out + i * pp->bound);
		b->size[i] = n ? (uint32_t)n : (uint32_t)ps;
		b->flags[i] = n ? pp->job->method : 0;
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

static struct error *emit(struct pipeline *pp, uint64_t off, uint32_t size,
			  uint32_t flags, const void *data)
{
	bool big = pp->job->in->big_endian;
	unsigned char *d;
	struct error *err;

	if (data) {
		if (pp->ndata + size > DATA_BUF && (err = flush_desc(pp)))
			return err;
		memcpy(pp->data + pp->ndata, data, size);
		pp->ndata += size;
		pp->data_pos += size;
	}
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

static struct error *write_batch(struct pipeline *pp, struct batch *b)
{
	size_t ps = pp->job->in->page_size;
	struct error *err = NULL;
	int i;

	for (i = 0; i < b->n && !err; i++) {
		switch (b->kind[i]) {
		case K_BAD:
			continue;
		case K_ZERO:
			pp->res->zero++;
			err = emit(pp, pp->zero_off, (uint32_t)ps, 0, NULL);
			break;
		default:
			pp->res->stored++;
			err = emit(pp, pp->data_pos, b->size[i], b->flags[i],
				   b->flags[i] ? b->out + i * pp->bound
					       : b->in + i * ps);
		}
	}
	progress_update(pp->job->progress, (uint64_t)b->n, false);
	return err;
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

/* Read the pages of b; the unreadable ones leave bitmap 2. */
static void read_batch(struct pipeline *pp, struct batch *b)
{
	const struct vmcore_input *in = pp->job->in;
	size_t ps = in->page_size;
	int i = 0;

	while (i < b->n) {
		int j = i + 1;

		while (j < b->n && b->pfn[j] == b->pfn[j - 1] + 1)
			j++;
		if (!vmcore_read_run(in, b->pfn[i], (uint64_t)(j - i),
				     b->in + i * ps)) {
			int k;

			for (k = i; k < j; k++) {
				struct error *err = vmcore_read_page(
					in, b->pfn[k], b->in + k * ps);

				b->kind[k] = K_DATA;
				if (!err)
					continue;
				b->kind[k] = K_BAD;
				bitmap_clear(pp->job->pb->bitmap2, b->pfn[k]);
				pp->res->unreadable++;
				if (!pp->res->first_unreadable)
					pp->res->first_unreadable =
						strdup(err->message);
				error_free(err);
			}
		} else {
			memset(b->kind + i, K_DATA, (size_t)(j - i));
		}
		i = j;
	}
}

static void reader(struct pipeline *pp)
{
	const struct kdump_job *job = pp->job;
	const unsigned char *bm = job->pb->bitmap2;
	uint64_t pfn = job->start_pfn;

	while (pfn < job->end_pfn) {
		struct batch *b = &pp->ring[pp->next_read % pp->nring];

		pthread_mutex_lock(&pp->mu);
		while (b->state != B_FREE && !pp->stop)
			pthread_cond_wait(&pp->cv, &pp->mu);
		pthread_mutex_unlock(&pp->mu);
		if (pp->stop)
			break;
		b->n = 0;
		for (; pfn < job->end_pfn && b->n < BATCH; pfn++) {
			if (!(pfn & 63) && pfn + 64 <= job->end_pfn) {
				uint64_t w;

				memcpy(&w, bm + (pfn >> 3), 8);
				if (!w) {
					pfn += 63;
					continue;
				}
			}
			if (bitmap_test(bm, pfn))
				b->pfn[b->n++] = pfn;
		}
		if (!b->n)
			break;
		read_batch(pp, b);
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

static struct error *run_pipeline(struct pipeline *pp)
{
	int nthreads = pp->job->threads < 1 ? 1 : pp->job->threads;
	pthread_t *tids = calloc((size_t)nthreads, sizeof(*tids));
	pthread_t wtid;
	size_t ps = pp->job->in->page_size;
	struct compressor *probe;
	struct error *err = NULL;
	int i, started = 0;

	probe = compressor_new(pp->job->method, ps);
	if (!probe || !tids) {
		compressor_free(probe);
		free(tids);
		return error_create(ERR_NOMEM, "cannot set up %s compression",
				    compression_name(pp->job->method));
	}
	pp->bound = compressor_bound(probe);
	compressor_free(probe);
	pp->nring = 2 * nthreads + 2;
	pp->ring = calloc((size_t)pp->nring, sizeof(*pp->ring));
	pp->data = malloc(DATA_BUF);
	pp->desc = malloc(DESC_BUF);
	if (!pp->ring || !pp->data || !pp->desc) {
		err = error_nomem();
		goto out;
	}
	for (i = 0; i < pp->nring; i++) {
		pp->ring[i].in = malloc(BATCH * ps);
		pp->ring[i].out = malloc(BATCH * pp->bound);
		if (!pp->ring[i].in || !pp->ring[i].out) {
			err = error_nomem();
			goto out;
		}
	}
	pthread_mutex_init(&pp->mu, NULL);
	pthread_cond_init(&pp->cv, NULL);
	for (i = 0; i < nthreads; i++) {
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
	if (!err)
		err = flush_desc(pp);
destroy:
	pthread_mutex_destroy(&pp->mu);
	pthread_cond_destroy(&pp->cv);
out:
	for (i = 0; pp->ring && i < pp->nring; i++) {
		free(pp->ring[i].in);
		free(pp->ring[i].out);
	}
	free(pp->ring);
	free(pp->data);
	free(pp->desc);
	free(tids);
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
