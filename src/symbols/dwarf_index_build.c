/* Building the DWARF name index in parallel.
 *
 * 1. Workers take the units one after the other from a queue and scan them
 *    (dwarf_scan.c), counting each entry under a local name number in
 *    their own name table (dwarf_local_names.c).
 * 2. Each worker then checks and hashes the strings of its local names.
 * 3. One thread merges the workers' local names into the global table, by
 *    string.
 * 4. Workers scatter the entries into one array grouped by name, each
 *    worker owning a range of names; they walk the units in order, so every
 *    name's entries come out sorted by DIE offset, whatever the timing. */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dwarf_bigalloc.h"
#include "dwarf_build.h"

#define MAX_THREADS 64

/* An entry before the merge.  Its unit is known from where it is (each
 * unit has a range of its worker's entries), so it fits in 8 bytes. */
struct local_entry {
	uint32_t die;
	uint32_t local;		/* local name << 5 | the kind and flags of
				 * dwarf_index_entry.info, shifted down */
};

#define LOCAL_FLAG_BITS 5
#define LOCAL_FLAGS(local) ((local) & ((1u << LOCAL_FLAG_BITS) - 1))
#define MAX_LOCAL_NAMES (1u << (32 - LOCAL_FLAG_BITS))
_Static_assert((ENTRY_CLASS | ENTRY_DECLARATION | 7u << ENTRY_KIND_SHIFT) >>
	       ENTRY_UNIT_BITS < 1u << LOCAL_FLAG_BITS,
	       "an entry's kind and flags fit in a local entry");

struct builder;

struct worker {
	struct builder *b;
	unsigned int id;
	pthread_t thread;
	struct dwarf_scanner scan;
	struct dwarf_local_names names;
	struct local_entry *entries;
	size_t nentries, entries_cap;
	/* Phase 3: each local name's global number, compact for phase 4. */
	uint32_t *global;
	/* Phase 4: the range of global names this worker places. */
	uint32_t lo, hi;
	struct error *err;
	uint32_t err_unit;
};

struct builder {
	const struct dwarf_sections *secs;
	struct dwarf_unit_queue queue;
	unsigned int nworkers;
	struct worker *workers;
	/* The result. */
	struct dwarf_index_name *names;
	uint32_t nnames;
	size_t names_cap;
	uint32_t *slots;
	uint32_t nslots;
	uint32_t *cursor;
	struct dwarf_index_entry *entries;
	uint32_t nentries;
};

/* Turn the scanner's output for a unit into local entries. */
static struct error *collect(struct worker *w)
{
	const struct dwarf_raw_vec *raw = &w->scan.out;
	size_t i;

	if (w->nentries + raw->n > w->entries_cap) {
		size_t cap = 2 * (w->nentries + raw->n);
		struct local_entry *e = dwarf_big_calloc(cap, sizeof(*e));

		if (!e)
			return error_nomem();
		memcpy(e, w->entries, w->nentries * sizeof(*e));
		dwarf_big_free(w->entries, w->entries_cap, sizeof(*e));
		w->entries = e;
		w->entries_cap = cap;
	}
	for (i = 0; i < raw->n; i++) {
		const struct dwarf_raw_entry *r = &raw->v[i];
		struct local_entry *e = &w->entries[w->nentries++];
		uint32_t local = 0, info;

		if (i + 8 < raw->n)
			dwarf_local_names_prefetch(&w->names, &raw->v[i + 8]);
		if (!dwarf_local_names_count(&w->names, r, &local))
			return error_nomem();
		if (local >= MAX_LOCAL_NAMES)
			return error_create(ERR_UNSUPPORTED, "too many names");
		info = (uint32_t)__builtin_ctz(r->kind) << ENTRY_KIND_SHIFT |
		       (r->name_sec & RAW_DECLARATION ? ENTRY_DECLARATION : 0) |
		       (r->tag == DW_TAG_class_type ? ENTRY_CLASS : 0);
		e->die = r->die_offset;
		e->local = local << LOCAL_FLAG_BITS | info >> ENTRY_UNIT_BITS;
	}
	return NULL;
}

/* Phases 1 and 2. */
static void *scan_worker(void *arg)
{
	struct worker *w = arg;
	struct builder *b = w->b;
	uint32_t ui, done = NO_UNIT;
	struct unit_info *r;

	while ((r = dwarf_unit_queue_next(&b->queue, done, &ui))) {
		r->worker = w->id;
		r->begin = w->nentries;
		w->scan.out.n = 0;
		w->err = dwarf_scan_unit(&w->scan, &r->u);
		if (!w->err)
			w->err = collect(w);
		if (w->err) {
			w->err_unit = ui;
			dwarf_unit_queue_stop(&b->queue);
			return NULL;
		}
		r->end = w->nentries;
		done = ui;
	}
	if (!atomic_load(&b->queue.failed))
		w->err = dwarf_local_names_finish(&w->names);
	if (w->err) {
		w->err_unit = MAX_UNITS;
		dwarf_unit_queue_stop(&b->queue);
	}
	return NULL;
}

/* Phase 3: the global names and their hash table. */
static struct error *merge_names(struct builder *b)
{
	uint64_t total = 0;
	uint32_t mask, n = 0;
	unsigned int wi;
	const char **str;	/* each global name's string, to compare */
	size_t i;

	for (wi = 0; wi < b->nworkers; wi++)
		total += b->workers[wi].names.nnames;
	if (total > UINT32_MAX / 4)
		return error_create(ERR_UNSUPPORTED, "too many names");
	for (b->nslots = 1024; b->nslots < total * 3 / 2;)
		b->nslots *= 2;
	mask = b->nslots - 1;
	b->slots = dwarf_big_calloc(b->nslots, sizeof(*b->slots));
	b->names_cap = total;
	b->names = dwarf_big_calloc(total, sizeof(*b->names));
	str = dwarf_big_calloc(total, sizeof(*str));
	if (!b->slots || !b->names || !str) {
		dwarf_big_free(str, total, sizeof(*str));
		return error_nomem();
	}
	for (wi = 0; wi < b->nworkers; wi++) {
		struct dwarf_local_names *ln = &b->workers[wi].names;
		uint32_t *global = malloc((ln->nnames + 1) * sizeof(*global));

		if (!global) {
			dwarf_big_free(str, total, sizeof(*str));
			return error_nomem();
		}
		b->workers[wi].global = global;
		for (i = 0; i < ln->nnames; i++) {
			struct local_name *l = &ln->names[i];
			const char *ls = dwarf_local_name_str(ln, l);
			uint32_t h = l->hash & mask, s;
			struct dwarf_index_name *g;

			/* The same offset is the same string; other
			 * offsets may be too. */
			while ((s = b->slots[h])) {
				g = &b->names[s - 1];
				if (g->hash == l->hash &&
				    ((g->sec == l->sec && g->str == l->str) ||
				     !strcmp(ls, str[s - 1])))
					break;
				h = (h + 1) & mask;
			}
			if (!s) {
				g = &b->names[n];
				memset(g, 0, sizeof(*g));
				g->hash = l->hash;
				g->str = l->str;
				g->sec = l->sec;
				str[n] = ls;
				s = b->slots[h] = ++n;
			}
			g = &b->names[s - 1];
			g->count += l->count;
			g->kinds |= l->kinds;
			global[i] = s - 1;
		}
	}
	b->nnames = n;
	dwarf_big_free(str, total, sizeof(*str));
	return NULL;
}

/* Phase 4 set-up: where each name's entries go, and who places them. */
static struct error *plan_scatter(struct builder *b)
{
	uint64_t total = 0, done = 0;
	unsigned int wi = 0;
	uint32_t i;

	for (i = 0; i < b->nnames; i++)
		total += b->names[i].count;
	if (total > UINT32_MAX)
		return error_create(ERR_UNSUPPORTED, "too many index entries");
	b->nentries = total;
	b->entries = dwarf_big_calloc(total, sizeof(*b->entries));
	b->cursor = dwarf_big_calloc(b->nnames, sizeof(*b->cursor));
	if (!b->entries || !b->cursor)
		return error_nomem();
	b->workers[0].lo = 0;
	for (i = 0; i < b->nnames; i++) {
		b->names[i].first = done;
		b->cursor[i] = done;
		done += b->names[i].count;
		/* Split the names where the entries are evenly shared. */
		while (wi + 1 < b->nworkers &&
		       done * b->nworkers >= total * (wi + 1)) {
			b->workers[wi].hi = i + 1;
			b->workers[++wi].lo = i + 1;
		}
	}
	for (; wi < b->nworkers; wi++) {
		b->workers[wi].hi = b->nnames;
		if (wi + 1 < b->nworkers)
			b->workers[wi + 1].lo = b->nnames;
	}
	return NULL;
}

/* Phase 4: place the entries of names lo..hi-1, in unit order. */
static void *scatter_worker(void *arg)
{
	struct worker *me = arg;
	struct builder *b = me->b;
	uint32_t ui, lo = me->lo, hi = me->hi;

	for (ui = 0; ui < b->queue.nunits; ui++) {
		const struct unit_info *r = dwarf_unit_at(&b->queue, ui);
		const struct worker *w = &b->workers[r->worker];
		uint32_t i;

		for (i = r->begin; i < r->end; i++) {
			const struct local_entry *e = &w->entries[i];
			uint32_t g = w->global[e->local >> LOCAL_FLAG_BITS];

			if (g >= lo && g < hi) {
				struct dwarf_index_entry *out =
					&b->entries[b->cursor[g]++];

				out->die = e->die;
				out->info = ui | LOCAL_FLAGS(e->local) <<
						 ENTRY_UNIT_BITS;
			}
		}
	}
	return NULL;
}

/* Run FN on every worker, in threads when there are several.  A worker
 * whose thread could not be made runs here afterwards: a scanning one then
 * finds the queue empty, a scattering one places its names. */
static void run_workers(struct builder *b, void *(*fn)(void *))
{
	unsigned int i, started = 0;

	if (b->nworkers > 1)
		for (; started < b->nworkers; started++)
			if (pthread_create(&b->workers[started].thread, NULL,
					   fn, &b->workers[started]))
				break;
	for (i = 0; i < started; i++)
		pthread_join(b->workers[i].thread, NULL);
	for (i = started; i < b->nworkers; i++)
		fn(&b->workers[i]);
}

static void free_workers(struct builder *b)
{
	unsigned int i;

	for (i = 0; b->workers && i < b->nworkers; i++) {
		struct worker *w = &b->workers[i];

		dwarf_abbrev_table_free(&w->scan.abbrevs);
		free(w->scan.out.v);
		dwarf_local_names_free(&w->names);
		free(w->global);
		dwarf_big_free(w->entries, w->entries_cap,
			       sizeof(*w->entries));
		error_free(w->err);
	}
	free(b->workers);
	b->workers = NULL;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One worker per CPU, unless there is too little to share. */
static unsigned int worker_count(unsigned int nthreads,
				 const struct dwarf_sections *secs)
{
	uint64_t size = secs->info.size + secs->types.size;
	long cpus;

	if (!nthreads) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = cpus > 0 ? cpus : 1;
	}
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	if (nthreads > size / 4096 + 1)
		nthreads = size / 4096 + 1;
	return nthreads;
}

/* The error of the earliest unit, so that it does not depend on timing. */
static struct error *take_error(struct builder *b)
{
	struct worker *first = NULL;
	struct error *err;
	unsigned int i;

	for (i = 0; i < b->nworkers; i++)
		if (b->workers[i].err &&
		    (!first || b->workers[i].err_unit < first->err_unit))
			first = &b->workers[i];
	/* A bad header stops the queue: every unit before it was handed
	 * out, so an error in one of those comes first. */
	if (!first && b->queue.err) {
		err = b->queue.err;
		b->queue.err = NULL;
		return err;
	}
	if (!first)
		return NULL;
	err = first->err;
	first->err = NULL;
	return err;
}

/* The finished index: the builder's tables move into it. */
static struct error *make_index(struct builder *b, struct dwarf_index **out)
{
	uint32_t i, nunits = b->queue.nunits;
	struct dwarf_index_unit_rec *units;
	struct dwarf_index *idx;

	units = dwarf_big_calloc(nunits, sizeof(*units));
	idx = calloc(1, sizeof(*idx));
	if (!units || !idx) {
		dwarf_big_free(units, nunits, sizeof(*units));
		free(idx);
		return error_nomem();
	}
	for (i = 0; i < nunits; i++) {
		const struct dwarf_unit *u = &dwarf_unit_at(&b->queue, i)->u;

		units[i].offset = u->offset;
		units[i].flags = u->in_types ? UNIT_IN_TYPES : 0;
	}
	idx->secs = *b->secs;
	idx->units = units;
	idx->nunits = nunits;
	idx->names = b->names;
	idx->nnames = b->nnames;
	idx->slots = b->slots;
	idx->nslots = b->nslots;
	idx->entries = b->entries;
	idx->nentries = b->nentries;
	idx->owned[0].p = units;
	idx->owned[0].n = nunits;
	idx->owned[0].elem = sizeof(*units);
	idx->owned[1].p = b->names;
	idx->owned[1].n = b->names_cap;
	idx->owned[1].elem = sizeof(*b->names);
	idx->owned[2].p = b->slots;
	idx->owned[2].n = b->nslots;
	idx->owned[2].elem = sizeof(*b->slots);
	idx->owned[3].p = b->entries;
	idx->owned[3].n = b->nentries;
	idx->owned[3].elem = sizeof(*b->entries);
	b->names = NULL;
	b->slots = NULL;
	b->entries = NULL;
	*out = idx;
	return NULL;
}

struct error *dwarf_index_build(const struct dwarf_sections *secs,
				unsigned int nthreads,
				struct dwarf_index **out)
{
	struct builder b = { .secs = secs };
	double t0 = seconds(), t1, t2, t3;
	struct error *err;
	unsigned int i;

	*out = NULL;
	if (!secs->info.data || !secs->abbrev.data)
		return error_create(ERR_NOT_FOUND, "no .debug_info or "
				    ".debug_abbrev section");
	if (secs->info.size > UINT32_MAX || secs->types.size > UINT32_MAX)
		return error_create(ERR_UNSUPPORTED,
				    "debug info sections over 4 GiB are not "
				    "supported");
	dwarf_unit_queue_init(&b.queue, secs);
	b.nworkers = worker_count(nthreads, secs);
	b.workers = calloc(b.nworkers, sizeof(*b.workers));
	if (!b.workers) {
		err = error_nomem();
		goto out;
	}
	for (i = 0; i < b.nworkers; i++) {
		struct worker *w = &b.workers[i];

		w->b = &b;
		w->id = i;
		w->scan.secs = secs;
		/* Room for what any one worker may find, so that the array
		 * is not copied as it grows: kernels have an entry per 80
		 * bytes of .debug_info.  Untouched pages cost nothing. */
		w->entries_cap = (secs->info.size + secs->types.size) / 32 + 1024;
		w->entries = dwarf_big_calloc(w->entries_cap,
					      sizeof(*w->entries));
		if (!w->entries || !dwarf_local_names_init(&w->names, secs)) {
			err = error_nomem();
			goto out;
		}
	}
	run_workers(&b, scan_worker);
	dwarf_unit_queue_drop_rest(&b.queue);
	t1 = seconds();
	err = take_error(&b);
	if (err)
		goto out;
	err = merge_names(&b);
	if (!err)
		err = plan_scatter(&b);
	if (err)
		goto out;
	t2 = seconds();
	run_workers(&b, scatter_worker);
	t3 = seconds();
	err = make_index(&b, out);
	if (!err) {
		(*out)->timings.scan = t1 - t0;
		(*out)->timings.merge = t2 - t1;
		(*out)->timings.scatter = t3 - t2;
		(*out)->timings.threads = b.nworkers;
	}
out:
	free_workers(&b);
	dwarf_unit_queue_destroy(&b.queue);
	dwarf_big_free(b.names, b.names_cap, sizeof(*b.names));
	dwarf_big_free(b.slots, b.nslots, sizeof(*b.slots));
	dwarf_big_free(b.cursor, b.nnames, sizeof(*b.cursor));
	dwarf_big_free(b.entries, b.nentries, sizeof(*b.entries));
	return err;
}
