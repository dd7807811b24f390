/* The address table of .debug_aranges, and lookups in it. */
#include <stdlib.h>
#include <string.h>

#include "dwarf_aranges.h"

bool dwarf_aranges_add(struct dwarf_aranges *a, size_t *cap, uint64_t start,
		       uint64_t end, uint64_t cu_offset)
{
	if (end <= start)
		return true;
	if (a->n == *cap) {
		size_t n = *cap ? 2 * *cap : 1024;
		struct dwarf_arange *v = realloc(a->v, n * sizeof(*v));

		if (!v)
			return false;
		a->v = v;
		*cap = n;
	}
	a->v[a->n++] = (struct dwarf_arange){ start, end, cu_offset };
	return true;
}

static int compare_start(const void *x, const void *y)
{
	const struct dwarf_arange *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return (a->cu_offset > b->cu_offset) - (a->cu_offset < b->cu_offset);
}

struct error *dwarf_aranges_finish(struct dwarf_aranges *a)
{
	size_t i;

	if (!a->n)
		return NULL;
	qsort(a->v, a->n, sizeof(*a->v), compare_start);
	a->max_end = malloc(a->n * sizeof(*a->max_end));
	if (!a->max_end)
		return error_nomem();
	for (i = 0; i < a->n; i++)
		a->max_end[i] = i && a->max_end[i - 1] > a->v[i].end ?
				a->max_end[i - 1] : a->v[i].end;
	return NULL;
}

/* The tuples of one set, from C (at the first byte after its header). */
static struct error *read_tuples(const struct dwarf_lines_sections *s,
				 struct dwarf_cursor *c, uint64_t set,
				 uint8_t addr_size, uint8_t seg_size,
				 uint64_t cu_offset, struct dwarf_aranges *a,
				 size_t *cap)
{
	unsigned int tuple = 2 * addr_size + seg_size;
	uint64_t used = c->p - (s->aranges.data + set);

	/* The first tuple is aligned to the size of a tuple, counted from
	 * the start of the set. */
	if (used % tuple)
		dwarf_skip(c, tuple - used % tuple);
	while (dwarf_cursor_left(c) >= tuple) {
		uint64_t seg = seg_size ? dwarf_uint(c, seg_size) : 0;
		uint64_t start = dwarf_uint(c, addr_size);
		uint64_t len = dwarf_uint(c, addr_size);
		uint64_t end = start + len < start ? UINT64_MAX : start + len;

		if (!seg && !start && !len)
			break;
		if (!dwarf_aranges_add(a, cap, start, end, cu_offset))
			return error_nomem();
	}
	return NULL;
}

struct error *dwarf_aranges_read(const struct dwarf_lines_sections *s,
				 struct dwarf_aranges *a)
{
	struct dwarf_cursor c;
	struct error *err = NULL;
	size_t cap = 0;

	memset(a, 0, sizeof(*a));
	dwarf_cursor_init(&c, s->aranges.data, s->aranges.size,
			  s->big_endian);
	while (!err && dwarf_cursor_left(&c)) {
		uint64_t set = dwarf_cursor_pos(&c), len, cu_offset;
		struct dwarf_cursor sc;
		uint8_t addr_size, seg_size;
		uint16_t version;
		bool is64;

		if (!dwarf_initial_length(&c, &len, &is64) ||
		    len > dwarf_cursor_left(&c)) {
			err = error_create(ERR_FORMAT, "%s: the .debug_aranges "
					   "set at offset 0x%llx runs past "
					   "the end of the section", s->path,
					   (unsigned long long)set);
			break;
		}
		sc = c;
		sc.end = c.p + len;
		c.p += len;
		version = dwarf_u16(&sc);
		cu_offset = dwarf_offset(&sc, is64);
		addr_size = dwarf_u8(&sc);
		seg_size = dwarf_u8(&sc);
		/* Version 2 is the only one there is (DWARF 2 to 5). */
		if (sc.overrun || version != 2 || addr_size < 1 ||
		    addr_size > 8 || seg_size > 8)
			continue;
		err = read_tuples(s, &sc, set, addr_size, seg_size, cu_offset,
				  a, &cap);
	}
	if (!err)
		err = dwarf_aranges_finish(a);
	if (err)
		dwarf_aranges_free(a);
	return err;
}

bool dwarf_aranges_find(const struct dwarf_aranges *a, uint64_t addr,
			uint64_t *cu_offset)
{
	size_t lo = 0, hi = a->n;

	/* The first range starting above addr ... */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* ... and back through those that may still reach addr. */
	while (lo-- > 0 && a->max_end[lo] > addr)
		if (a->v[lo].end > addr) {
			*cu_offset = a->v[lo].cu_offset;
			return true;
		}
	return false;
}

void dwarf_aranges_free(struct dwarf_aranges *a)
{
	free(a->v);
	free(a->max_end);
	memset(a, 0, sizeof(*a));
}
