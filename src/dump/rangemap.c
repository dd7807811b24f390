#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "rangemap.h"

struct error *rangemap_add(struct rangemap *rm, uint64_t start, uint64_t end,
			   uint64_t value, uint32_t kind, uint64_t prio)
{
	if (end <= start)
		return NULL;
	if (rm->n == rm->cap) {
		size_t cap = rm->cap ? rm->cap * 2 : 16;
		struct range *r = realloc(rm->r, cap * sizeof(*r));

		if (!r)
			return error_nomem();
		rm->r = r;
		rm->cap = cap;
	}
	rm->r[rm->n++] = (struct range){
		.start = start, .end = end, .value = value, .prio = prio,
		.kind = kind,
	};
	return NULL;
}

static int cmp_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A max-heap of range indices ordered by priority. */
struct heap {
	size_t *v, n;
	const struct range *r;
};

static int heap_above(struct heap *h, size_t a, size_t b)
{
	return h->r[h->v[a]].prio > h->r[h->v[b]].prio;
}

static void heap_swap(struct heap *h, size_t a, size_t b)
{
	size_t t = h->v[a];

	h->v[a] = h->v[b];
	h->v[b] = t;
}

static void heap_push(struct heap *h, size_t idx)
{
	size_t i = h->n++;

	h->v[i] = idx;
	while (i && heap_above(h, i, (i - 1) / 2)) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_pop(struct heap *h)
{
	size_t i = 0;

	h->v[0] = h->v[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < h->n && heap_above(h, l, m))
			m = l;
		if (r < h->n && heap_above(h, r, m))
			m = r;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
}

/* Overlaps are rare (a rewritten header); resolve them with a sweep over
 * the range boundaries, keeping the covering ranges in a priority heap. */
static struct error *resolve_overlaps(struct rangemap *rm)
{
	size_t n = rm->n, nb = 0, i, k, next = 0, nout = 0;
	uint64_t *bounds = malloc(2 * n * sizeof(*bounds));
	struct range *out = malloc(2 * n * sizeof(*out));
	struct heap h = { .v = malloc(n * sizeof(size_t)), .r = rm->r };

	if (!bounds || !out || !h.v) {
		free(bounds);
		free(out);
		free(h.v);
		return error_nomem();
	}
	for (i = 0; i < n; i++) {
		bounds[nb++] = rm->r[i].start;
		bounds[nb++] = rm->r[i].end;
	}
	qsort(bounds, nb, sizeof(*bounds), cmp_u64);
	for (k = 0; k + 1 < nb; k++) {
		uint64_t a = bounds[k], b = bounds[k + 1];
		const struct range *top;

		if (a == b)
			continue;
		while (next < n && rm->r[next].start <= a)
			heap_push(&h, next++);
		while (h.n && rm->r[h.v[0]].end <= a)
			heap_pop(&h);
		if (!h.n)
			continue;
		top = &rm->r[h.v[0]];
		if (nout && out[nout - 1].end == a &&
		    out[nout - 1].prio == top->prio &&
		    out[nout - 1].kind == top->kind &&
		    out[nout - 1].value + (a - out[nout - 1].start) ==
		    top->value + (a - top->start)) {
			out[nout - 1].end = b;
			continue;
		}
		/* Ranges from the 2n boundaries can't outnumber them. */
		out[nout] = *top;
		out[nout].start = a;
		out[nout].end = b;
		out[nout].value = top->value + (a - top->start);
		nout++;
	}
	free(bounds);
	free(h.v);
	free(rm->r);
	rm->r = out;
	rm->n = nout;
	rm->cap = 2 * n;
	return NULL;
}

struct error *rangemap_finalize(struct rangemap *rm)
{
	size_t i;

	if (rm->n < 2)
		return NULL;
	qsort(rm->r, rm->n, sizeof(*rm->r), cmp_start);
	for (i = 1; i < rm->n; i++)
		if (rm->r[i].start < rm->r[i - 1].end)
			return resolve_overlaps(rm);
	return NULL;
}

const struct range *rangemap_next(const struct rangemap *rm, uint64_t addr)
{
	size_t lo = 0, hi = rm->n;

	/* First range whose end is above addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rm->r[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < rm->n ? &rm->r[lo] : NULL;
}

const struct range *rangemap_find(const struct rangemap *rm, uint64_t addr)
{
	const struct range *r = rangemap_next(rm, addr);

	return r && r->start <= addr ? r : NULL;
}

void rangemap_free(struct rangemap *rm)
{
	free(rm->r);
	memset(rm, 0, sizeof(*rm));
}
