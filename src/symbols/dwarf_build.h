/* Private to the DWARF index builder (dwarf_index_build.c): the queue that
 * hands units to the worker threads, and each worker's table of names. */
#ifndef CRASH_DWARF_BUILD_H
#define CRASH_DWARF_BUILD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "dwarf_index_table.h"
#include "dwarf_scan.h"

/* ---- the unit queue (dwarf_unit_queue.c) ---- */

/* A unit, and where the builder put its entries. */
struct unit_info {
	struct dwarf_unit u;
	uint32_t begin, end;	/* range of the worker's entries */
	uint32_t worker;
	bool done;		/* scanned (under the queue's lock) */
};

/* Units are numbered as their headers are read, into chunks that never
 * move once made. */
#define UNIT_CHUNK_BITS 10
#define UNIT_CHUNK (1u << UNIT_CHUNK_BITS)

struct dwarf_unit_queue {
	const struct dwarf_sections *secs;
	pthread_mutex_t lock;	/* guards all below but "failed" */
	int pass;		/* 0: .debug_info, 1: .debug_types, 2: done */
	uint64_t next_off;
	struct unit_info **chunks;
	size_t nchunks, chunks_cap;
	uint32_t nunits;
	struct error *err;	/* a bad unit header, or no memory */
	/* Dropping scanned pages: the units below done_mark are scanned;
	 * pages of section drop_pass below drop_from are dropped. */
	uint32_t done_mark;
	int drop_pass;
	uint64_t drop_from;
	uintptr_t page_size;
	atomic_bool failed;	/* stop handing out units */
};

void dwarf_unit_queue_init(struct dwarf_unit_queue *q,
			   const struct dwarf_sections *secs);
void dwarf_unit_queue_destroy(struct dwarf_unit_queue *q);

#define NO_UNIT UINT32_MAX

/* Note that unit DONE is scanned (unless NO_UNIT), then hand out the next
 * unit and its number; NULL when there are no more or after a failure. */
struct unit_info *dwarf_unit_queue_next(struct dwarf_unit_queue *q,
					uint32_t done, uint32_t *ui);

/* Hand out no more units. */
static inline void dwarf_unit_queue_stop(struct dwarf_unit_queue *q)
{
	atomic_store(&q->failed, true);
}

/* Once no worker runs: drop what is left of the scanned pages (see
 * dwarf_sections.drop_after_scan). */
void dwarf_unit_queue_drop_rest(struct dwarf_unit_queue *q);

static inline struct unit_info *
dwarf_unit_at(const struct dwarf_unit_queue *q, uint32_t ui)
{
	return &q->chunks[ui >> UNIT_CHUNK_BITS][ui & (UNIT_CHUNK - 1)];
}

/* ---- a worker's names (dwarf_local_names.c) ---- */

struct local_name {
	uint32_t str;		/* offset in section sec */
	uint8_t sec;		/* enum dwarf_strsec */
	uint8_t kinds;
	bool inline_copy;	/* a DW_FORM_string name, copied to the pool */
	uint32_t count;
	uint32_t hash;
	uint32_t pool_off;	/* of the copy, when inline_copy */
};

/* A slot of the table from (section, offset) to local name.  The entry
 * count and kinds live here, not with the name, so that counting an entry
 * costs one cache miss, not two. */
struct local_slot {
	uint64_t key;		/* SLOT_USED | kinds << 40 | sec << 32 | offset */
	uint32_t name;
	uint32_t count;
};

#define SLOT_KEY_MASK ((1ull << 34) - 1)
#define SLOT_USED (1ull << 34)
#define SLOT_KINDS_SHIFT 40

/* Names given inline (DW_FORM_string: short ones, "u8", "int") are many
 * copies of a few strings spread over all of .debug_info; they are told
 * apart by content, against a copy in the pool, so that nothing after the
 * scan reads .debug_info pages again. */
struct inline_slot {
	uint32_t hash;
	uint32_t name;		/* local name + 1; 0 when empty */
};

struct dwarf_local_names {
	const struct dwarf_sections *secs;
	struct local_slot *slots;
	uint32_t nslots, nfull;
	struct local_name *names;
	size_t nnames, names_cap;
	struct inline_slot *islots;
	uint32_t nislots, nifull;
	char *pool;
	size_t npool, pool_cap;
};

bool dwarf_local_names_init(struct dwarf_local_names *ln,
			    const struct dwarf_sections *secs);
void dwarf_local_names_free(struct dwarf_local_names *ln);

bool dwarf_local_names_grow(struct dwarf_local_names *ln);
bool dwarf_local_names_count_inline(struct dwarf_local_names *ln,
				    const struct dwarf_raw_entry *r,
				    uint32_t *name);

static inline uint32_t dwarf_local_key_hash(uint64_t key, uint32_t mask)
{
	return (key * 0x9e3779b97f4a7c15ull) >> 40 & mask;
}

static inline uint64_t dwarf_raw_key(const struct dwarf_raw_entry *r)
{
	return (uint64_t)(r->name_sec & 3) << 32 | r->name_off;
}

/* The table is bigger than the caches: ask for R's slot ahead of time. */
static inline void dwarf_local_names_prefetch(const struct dwarf_local_names *ln,
					      const struct dwarf_raw_entry *r)
{
	__builtin_prefetch(&ln->slots[dwarf_local_key_hash(dwarf_raw_key(r),
							   ln->nslots - 1)]);
}

/* Count the entry R under its name; its local name number in *NAME. */
static inline bool dwarf_local_names_count(struct dwarf_local_names *ln,
					   const struct dwarf_raw_entry *r,
					   uint32_t *name)
{
	uint64_t key = dwarf_raw_key(r);
	uint32_t mask = ln->nslots - 1, h = dwarf_local_key_hash(key, mask);
	struct local_slot *s;

	if ((r->name_sec & 3) >= STRSEC_INFO)
		return dwarf_local_names_count_inline(ln, r, name);
	for (;; h = (h + 1) & mask) {
		s = &ln->slots[h];
		if (s->key && (s->key & SLOT_KEY_MASK) == key)
			break;
		if (!s->key) {
			struct local_name *n;

			if (!dwarf_reserve(ln->names, ln->names_cap,
					   ln->nnames + 1))
				return false;
			n = &ln->names[ln->nnames];
			memset(n, 0, sizeof(*n));
			n->str = (uint32_t)key;
			n->sec = key >> 32;
			s->key = key | SLOT_USED;
			s->name = ln->nnames++;
			break;
		}
	}
	s->key |= (uint64_t)r->kind << SLOT_KINDS_SHIFT;
	s->count++;
	*name = s->name;
	/* A table that stays small stays in cache: let it fill to 3/4. */
	if (s->count == 1 && ++ln->nfull * 4 > ln->nslots * 3)
		return dwarf_local_names_grow(ln);
	return true;
}

/* After the scan: gather the counts, check that every name is a string
 * inside its section, and hash them. */
struct error *dwarf_local_names_finish(struct dwarf_local_names *ln);

/* The string of local name N, for comparing. */
const char *dwarf_local_name_str(const struct dwarf_local_names *ln,
				 const struct local_name *n);

#endif
