/* A builder worker's table of the names it met, before the merge.
 *
 * Names in .debug_str are known by their offset: the linker merges equal
 * strings there, so an offset stands for a string, and counting an entry
 * is one lookup of an integer, no string read.  The few names given inline
 * in .debug_info are told apart by content (see struct inline_slot). */
#include <stdlib.h>
#include <string.h>

#include "dwarf_bigalloc.h"
#include "dwarf_build.h"

static const char *const strsec_names[] = {
	".debug_str", ".debug_line_str", ".debug_info", ".debug_types",
};

/* Kernels have some 150000 distinct names in 200 MB: start big enough
 * for them, so that the table seldom grows. */
static uint32_t first_table_size(const struct dwarf_sections *secs)
{
	uint64_t want = (secs->info.size + secs->types.size) / 512;
	uint32_t n = 1024;

	while (n < want && n < (1u << 18))
		n *= 2;
	return n;
}

bool dwarf_local_names_grow(struct dwarf_local_names *ln)
{
	uint32_t n = ln->nslots ? ln->nslots * 2 : first_table_size(ln->secs);
	struct local_slot *slots = dwarf_big_calloc(n, sizeof(*slots));
	uint32_t i;

	if (!slots)
		return false;
	for (i = 0; i < ln->nslots; i++) {
		const struct local_slot *s = &ln->slots[i];
		uint32_t h;

		if (!s->key)
			continue;
		h = dwarf_local_key_hash(s->key & SLOT_KEY_MASK, n - 1);
		while (slots[h].key)
			h = (h + 1) & (n - 1);
		slots[h] = *s;
	}
	dwarf_big_free(ln->slots, ln->nslots, sizeof(*ln->slots));
	ln->slots = slots;
	ln->nslots = n;
	return true;
}

bool dwarf_local_names_init(struct dwarf_local_names *ln,
			    const struct dwarf_sections *secs)
{
	memset(ln, 0, sizeof(*ln));
	ln->secs = secs;
	return dwarf_local_names_grow(ln);
}

void dwarf_local_names_free(struct dwarf_local_names *ln)
{
	dwarf_big_free(ln->slots, ln->nslots, sizeof(*ln->slots));
	free(ln->names);
	free(ln->islots);
	free(ln->pool);
	memset(ln, 0, sizeof(*ln));
}

static bool grow_inline_slots(struct dwarf_local_names *ln)
{
	uint32_t n = ln->nislots ? ln->nislots * 2 : 1024, i;
	struct inline_slot *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return false;
	for (i = 0; i < ln->nislots; i++) {
		uint32_t h;

		if (!ln->islots[i].name)
			continue;
		for (h = ln->islots[i].hash & (n - 1); slots[h].name;
		     h = (h + 1) & (n - 1))
			;
		slots[h] = ln->islots[i];
	}
	free(ln->islots);
	ln->islots = slots;
	ln->nislots = n;
	return true;
}

/* The scanner checked that an inline name ends inside its unit. */
bool dwarf_local_names_count_inline(struct dwarf_local_names *ln,
				    const struct dwarf_raw_entry *r,
				    uint32_t *name)
{
	uint8_t sec = r->name_sec & 3;
	const char *s = (const char *)dwarf_strsec(ln->secs, sec)->data +
			r->name_off;
	size_t len = strlen(s);
	uint32_t hash = dwarf_name_hash(s, len), mask, h;
	struct local_name *n;

	if (!ln->nislots && !grow_inline_slots(ln))
		return false;
	mask = ln->nislots - 1;
	for (h = hash & mask; ln->islots[h].name; h = (h + 1) & mask) {
		n = &ln->names[ln->islots[h].name - 1];
		if (n->hash == hash &&
		    !memcmp(ln->pool + n->pool_off, s, len + 1))
			goto found;
	}
	if (!dwarf_reserve(ln->names, ln->names_cap, ln->nnames + 1) ||
	    !dwarf_reserve(ln->pool, ln->pool_cap, ln->npool + len + 1))
		return false;
	n = &ln->names[ln->nnames];
	memset(n, 0, sizeof(*n));
	n->str = r->name_off;
	n->sec = sec;
	n->hash = hash;
	n->inline_copy = true;
	n->pool_off = ln->npool;
	memcpy(ln->pool + ln->npool, s, len + 1);
	ln->npool += len + 1;
	ln->islots[h].hash = hash;
	ln->islots[h].name = ++ln->nnames;
	if (++ln->nifull * 2 > ln->nislots && !grow_inline_slots(ln))
		return false;
found:
	n->count++;
	n->kinds |= r->kind;
	*name = n - ln->names;
	return true;
}

struct error *dwarf_local_names_finish(struct dwarf_local_names *ln)
{
	size_t i;

	for (i = 0; i < ln->nslots; i++) {
		const struct local_slot *s = &ln->slots[i];

		if (s->key) {
			ln->names[s->name].count = s->count;
			ln->names[s->name].kinds = s->key >> SLOT_KINDS_SHIFT;
		}
	}
	for (i = 0; i < ln->nnames; i++) {
		struct local_name *n = &ln->names[i];
		const struct dwarf_section *sec = dwarf_strsec(ln->secs, n->sec);
		const char *s, *z;

		if (n->inline_copy)
			continue;
		if (n->str >= sec->size)
			return error_create(ERR_FORMAT,
					    "name at %s offset 0x%x is past the "
					    "end of the section",
					    strsec_names[n->sec], n->str);
		s = (const char *)sec->data + n->str;
		z = memchr(s, 0, sec->size - n->str);
		if (!z)
			return error_create(ERR_FORMAT,
					    "name at %s offset 0x%x runs past "
					    "the end of the section",
					    strsec_names[n->sec], n->str);
		n->hash = dwarf_name_hash(s, z - s);
	}
	return NULL;
}

const char *dwarf_local_name_str(const struct dwarf_local_names *ln,
				 const struct local_name *n)
{
	if (n->inline_copy)
		return ln->pool + n->pool_off;
	return (const char *)dwarf_strsec(ln->secs, n->sec)->data + n->str;
}
