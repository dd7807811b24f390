/* Looking names up in the DWARF index (built by dwarf_index_build.c or
 * loaded by index_cache.c: both fill the same flat tables). */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dwarf_bigalloc.h"
#include "dwarf_index_table.h"

/* Word at a time: names are short, and this runs once per distinct name
 * when building and once per lookup. */
uint32_t dwarf_name_hash(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	uint64_t h = 0x243f6a8885a308d3ull ^ (len * 0x9e3779b97f4a7c15ull);
	uint64_t w;

	while (len >= 8) {
		h = (h ^ dwarf_le64(p)) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		p += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		while (len--)
			w = w << 8 | p[len];
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
		h ^= h >> 29;
	}
	h *= 0x9e3779b97f4a7c15ull;
	return h >> 32;
}

void dwarf_index_free(struct dwarf_index *idx)
{
	size_t i;

	if (!idx)
		return;
	for (i = 0; i < sizeof(idx->owned) / sizeof(idx->owned[0]); i++)
		dwarf_big_free(idx->owned[i].p, idx->owned[i].n,
			       idx->owned[i].elem);
	if (idx->map)
		munmap(idx->map, idx->map_size);
	free(idx);
}

size_t dwarf_index_num_names(const struct dwarf_index *idx)
{
	return idx->nnames;
}

size_t dwarf_index_num_entries(const struct dwarf_index *idx)
{
	return idx->nentries;
}

size_t dwarf_index_num_units(const struct dwarf_index *idx)
{
	return idx->nunits;
}

const struct dwarf_index_timings *
dwarf_index_timings(const struct dwarf_index *idx)
{
	return &idx->timings;
}

static const struct dwarf_index_name *find_name(const struct dwarf_index *idx,
						const char *name)
{
	size_t len = strlen(name);
	uint32_t hash = dwarf_name_hash(name, len), mask, h, s;

	if (!idx->nslots)
		return NULL;
	mask = idx->nslots - 1;
	for (h = hash & mask; (s = idx->slots[h]); h = (h + 1) & mask) {
		const struct dwarf_index_name *n = &idx->names[s - 1];

		if (n->hash == hash && !strcmp(dwarf_index_name_str(idx, n), name))
			return n;
	}
	return NULL;
}

void dwarf_index_find(const struct dwarf_index *idx, const char *name,
		      unsigned int kinds, struct dwarf_index_iter *it)
{
	const struct dwarf_index_name *n = find_name(idx, name);

	it->idx = idx;
	it->kinds = kinds;
	it->pos = it->end = NULL;
	if (!n || !(n->kinds & kinds))
		return;
	it->name = dwarf_index_name_str(idx, n);
	it->pos = idx->entries + n->first;
	it->end = idx->entries + n->first + n->count;
}

static const uint16_t kind_tags[8] = {
	DW_TAG_structure_type, DW_TAG_union_type, DW_TAG_enumeration_type,
	DW_TAG_typedef, DW_TAG_base_type, DW_TAG_variable, DW_TAG_subprogram,
	DW_TAG_enumerator,
};

bool dwarf_index_next(struct dwarf_index_iter *it,
		      struct dwarf_index_match *m)
{
	const struct dwarf_index_entry *e = it->pos, *end = it->end;

	for (; e < end; e++) {
		uint32_t kind = ENTRY_KIND(e->info);
		const struct dwarf_index_unit_rec *u;

		if (!(kind & it->kinds))
			continue;
		u = &it->idx->units[ENTRY_UNIT(e->info)];
		m->name = it->name;
		m->die_offset = e->die;
		m->cu_offset = u->offset;
		m->kind = kind;
		m->tag = e->info & ENTRY_CLASS ? DW_TAG_class_type :
			 kind_tags[(e->info >> ENTRY_KIND_SHIFT) & 7];
		m->declaration = e->info & ENTRY_DECLARATION;
		m->in_types_section = u->flags & UNIT_IN_TYPES;
		it->pos = e + 1;
		return true;
	}
	it->pos = end;
	return false;
}

struct error *dwarf_index_lookup(const struct dwarf_index *idx,
				 const char *name, unsigned int kinds,
				 struct dwarf_index_match *m)
{
	struct dwarf_index_iter it;
	struct dwarf_index_match cur;
	bool found = false;

	dwarf_index_find(idx, name, kinds, &it);
	while (dwarf_index_next(&it, &cur)) {
		if (!cur.declaration) {
			*m = cur;
			return NULL;
		}
		if (!found)
			*m = cur;
		found = true;
	}
	if (found)
		return NULL;
	return error_create(ERR_NOT_FOUND, "no symbol \"%s\" in the debug info",
			    name);
}

struct error *dwarf_index_prefix(struct dwarf_index *idx, const char *prefix,
				 unsigned int kinds,
				 struct dwarf_index_prefix_iter *it)
{
	size_t len = strlen(prefix), lo = 0, hi;
	struct error *err;

	if (!idx->sorted) {
		err = dwarf_index_sort_names(idx);
		if (err)
			return err;
	}
	/* The names with this prefix are one run of the sorted array. */
	hi = idx->nnames;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = dwarf_index_name_str(idx,
					&idx->names[idx->sorted[mid]]);

		if (strcmp(s, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	it->idx = idx;
	it->kinds = kinds;
	it->pos = lo;
	hi = idx->nnames;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = dwarf_index_name_str(idx,
					&idx->names[idx->sorted[mid]]);

		if (strncmp(s, prefix, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	it->end = lo;
	return NULL;
}

bool dwarf_index_prefix_next(struct dwarf_index_prefix_iter *it,
			     const char **name)
{
	const struct dwarf_index *idx = it->idx;

	while (it->pos < it->end) {
		const struct dwarf_index_name *n =
			&idx->names[idx->sorted[it->pos++]];

		if (n->kinds & it->kinds) {
			*name = dwarf_index_name_str(idx, n);
			return true;
		}
	}
	return false;
}
