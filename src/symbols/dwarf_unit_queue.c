/* The queue of DWARF units the index builder's workers take, in order.
 *
 * Headers are read as the units are handed out, not all first: a first
 * pass over 2500 headers spread over 200 MB would fault in (and, with the
 * kernel's fault-around, keep resident) nearly every page of .debug_info.
 * When the caller allows it (dwarf_sections.drop_after_scan), the queue
 * also gives back the pages of the units every worker is done with. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dwarf_build.h"

/* Dropping pages makes the kernel flush the other CPUs' TLBs, so it is
 * done in big steps, not unit by unit. */
#define DROP_STEP ((uint64_t)8 << 20)

void dwarf_unit_queue_init(struct dwarf_unit_queue *q,
			   const struct dwarf_sections *secs)
{
	memset(q, 0, sizeof(*q));
	q->secs = secs;
	pthread_mutex_init(&q->lock, NULL);
	q->page_size = sysconf(_SC_PAGESIZE);
	atomic_init(&q->failed, false);
}

void dwarf_unit_queue_destroy(struct dwarf_unit_queue *q)
{
	size_t i;

	for (i = 0; i < q->nchunks; i++)
		free(q->chunks[i]);
	free(q->chunks);
	error_free(q->err);
	pthread_mutex_destroy(&q->lock);
}

/* A range of a section's pages that every worker is done with. */
struct drop_range {
	const uint8_t *start, *end;
};

/* Under the lock: the part of the sections below every unit still being
 * scanned, in DROP_STEP pieces (or all that is left, when ALL). */
static void plan_drop(struct dwarf_unit_queue *q, struct drop_range *r,
		      bool all)
{
	const struct dwarf_sections *secs = q->secs;
	uintptr_t page = q->page_size;
	int pass = q->pass;
	uint64_t to = q->next_off;
	const struct dwarf_section *sec;

	r->start = r->end = NULL;
	if (!secs->drop_after_scan || q->drop_pass >= 2)
		return;
	while (q->done_mark < q->nunits && dwarf_unit_at(q, q->done_mark)->done)
		q->done_mark++;
	if (q->done_mark < q->nunits) {
		pass = dwarf_unit_at(q, q->done_mark)->u.in_types;
		to = dwarf_unit_at(q, q->done_mark)->u.offset;
	}
	sec = q->drop_pass ? &secs->types : &secs->info;
	if (pass > q->drop_pass || all)
		to = sec->size;		/* all of this section is done */
	else if (to < q->drop_from + DROP_STEP)
		return;
	/* Whole pages only: the ends may hold units still being read. */
	if (sec->size) {
		r->start = (const uint8_t *)(((uintptr_t)sec->data +
					      q->drop_from + page - 1) &
					     ~(page - 1));
		r->end = (const uint8_t *)(((uintptr_t)sec->data + to) &
					   ~(page - 1));
	}
	if (to == sec->size) {
		q->drop_pass++;
		q->drop_from = 0;
	} else {
		q->drop_from = to;
	}
}

/* Outside the lock. */
static void drop(const struct drop_range *r)
{
	if (r->end > r->start)
		madvise((void *)r->start, r->end - r->start, MADV_DONTNEED);
}

struct unit_info *dwarf_unit_queue_next(struct dwarf_unit_queue *q,
					uint32_t done, uint32_t *ui)
{
	const struct dwarf_sections *secs = q->secs;
	struct drop_range range = { NULL, NULL };
	struct unit_info *info = NULL;
	struct error *err = NULL;

	pthread_mutex_lock(&q->lock);
	if (done != NO_UNIT)
		dwarf_unit_at(q, done)->done = true;
	while (q->pass < 2 &&
	       q->next_off >= (q->pass ? secs->types.size : secs->info.size)) {
		q->pass++;
		q->next_off = 0;
	}
	plan_drop(q, &range, false);
	if (q->pass >= 2 || atomic_load(&q->failed))
		goto out;
	if (q->nunits >= MAX_UNITS) {
		err = error_create(ERR_UNSUPPORTED, "more than %u DWARF units",
				   MAX_UNITS);
		goto out;
	}
	if (!(q->nunits & (UNIT_CHUNK - 1))) {
		struct unit_info *chunk;

		if (!dwarf_reserve(q->chunks, q->chunks_cap, q->nchunks + 1) ||
		    !(chunk = malloc(UNIT_CHUNK * sizeof(*chunk)))) {
			err = error_nomem();
			goto out;
		}
		q->chunks[q->nchunks++] = chunk;
	}
	info = dwarf_unit_at(q, q->nunits);
	info->done = false;
	err = dwarf_unit_header(secs, q->pass, q->next_off, &info->u);
	if (err) {
		info = NULL;
		goto out;
	}
	*ui = q->nunits++;
	q->next_off = info->u.end;
out:
	if (err) {
		q->err = err;
		atomic_store(&q->failed, true);
	}
	pthread_mutex_unlock(&q->lock);
	drop(&range);
	return info;
}

void dwarf_unit_queue_drop_rest(struct dwarf_unit_queue *q)
{
	while (q->secs->drop_after_scan && q->drop_pass < 2) {
		struct drop_range range;

		plan_drop(q, &range, true);
		drop(&range);
	}
}
