/* Address ranges of the compile units .debug_aranges does not list (or of
 * all, when a file has no .debug_aranges: clang leaves it out by default),
 * from their unit DIEs: a walk over the unit headers, one DIE per unit. */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_aranges.h"

/* Give back what the walk read every so often, not unit by unit: a
 * madvise per unit would cost more than the walk. */
#define DROP_EVERY (8u << 20)

struct scan {
	const struct dwarf_lines_sections *s;
	struct dwarf_aranges *a;
	size_t cap;
};

static struct error *range_error(const struct scan *sc,
				 const struct dwarf_cu *cu, const char *sec,
				 uint64_t off)
{
	return error_create(ERR_FORMAT, "%s: the range list of the unit at "
			    ".debug_info offset 0x%llx (%s offset 0x%llx) is "
			    "damaged", sc->s->path,
			    (unsigned long long)cu->offset, sec,
			    (unsigned long long)off);
}

static struct error *add(struct scan *sc, uint64_t start, uint64_t end,
			 const struct dwarf_cu *cu)
{
	return dwarf_aranges_add(sc->a, &sc->cap, start, end, cu->offset) ?
	       NULL : error_nomem();
}

/* DWARF 2-4: .debug_ranges, pairs of addresses relative to a base. */
static struct error *ranges_v4(struct scan *sc, const struct dwarf_cu *cu)
{
	const struct dwarf_lines_sec *sec = &sc->s->ranges;
	uint64_t base = cu->has_low_pc ? cu->low_pc : 0;
	uint64_t max = cu->addr_size == 8 ? UINT64_MAX :
		       (UINT64_C(1) << (8 * cu->addr_size)) - 1;
	struct dwarf_cursor c;
	struct error *err;

	if (cu->ranges >= sec->size)
		return range_error(sc, cu, ".debug_ranges", cu->ranges);
	dwarf_cursor_init(&c, sec->data, sec->size, sc->s->big_endian);
	c.p += cu->ranges;
	for (;;) {
		uint64_t start = dwarf_uint(&c, cu->addr_size);
		uint64_t end = dwarf_uint(&c, cu->addr_size);

		if (c.overrun)
			return range_error(sc, cu, ".debug_ranges",
					   cu->ranges);
		if (!start && !end)
			return NULL;
		if (start == max) {
			base = end;	/* a base address selection entry */
			continue;
		}
		err = add(sc, base + start, base + end, cu);
		if (err)
			return err;
	}
}

/* DWARF 5: .debug_rnglists, DW_RLE_* entries. */
static struct error *ranges_v5(struct scan *sc, const struct dwarf_cu *cu)
{
	const struct dwarf_lines_sec *sec = &sc->s->rnglists;
	uint64_t base = cu->has_low_pc ? cu->low_pc : 0, off = cu->ranges;
	struct dwarf_cursor c;
	struct error *err;

	/* DW_FORM_rnglistx: an index into the offsets after the header,
	 * which are relative to rnglists_base. */
	if (cu->ranges_is_index) {
		unsigned int size = cu->is64 ? 8 : 4;
		uint64_t at;

		if (cu->ranges > (UINT64_MAX - cu->rnglists_base) / size)
			return range_error(sc, cu, ".debug_rnglists", off);
		at = cu->rnglists_base + cu->ranges * size;
		if (at >= sec->size)
			return range_error(sc, cu, ".debug_rnglists", at);
		dwarf_cursor_init(&c, sec->data + at, sec->size - at,
				  sc->s->big_endian);
		off = cu->rnglists_base + dwarf_offset(&c, cu->is64);
		if (c.overrun)
			return range_error(sc, cu, ".debug_rnglists", at);
	}
	if (off >= sec->size)
		return range_error(sc, cu, ".debug_rnglists", off);
	dwarf_cursor_init(&c, sec->data, sec->size, sc->s->big_endian);
	c.p += off;
	for (;;) {
		uint64_t start = 0, end = 0, x, y;
		bool ok = true, is_base = false;

		switch (dwarf_u8(&c)) {
		case DW_RLE_end_of_list:
			if (c.overrun)
				return range_error(sc, cu, ".debug_rnglists",
						   off);
			return NULL;
		case DW_RLE_base_addressx:
			ok = dwarf_addrx(sc->s, cu, dwarf_uleb(&c), &base);
			is_base = true;
			break;
		case DW_RLE_startx_endx:
			x = dwarf_uleb(&c);
			y = dwarf_uleb(&c);
			ok = dwarf_addrx(sc->s, cu, x, &start) &&
			     dwarf_addrx(sc->s, cu, y, &end);
			break;
		case DW_RLE_startx_length:
			x = dwarf_uleb(&c);
			ok = dwarf_addrx(sc->s, cu, x, &start);
			end = start + dwarf_uleb(&c);
			break;
		case DW_RLE_offset_pair:
			start = base + dwarf_uleb(&c);
			end = base + dwarf_uleb(&c);
			break;
		case DW_RLE_base_address:
			base = dwarf_uint(&c, cu->addr_size);
			is_base = true;
			break;
		case DW_RLE_start_end:
			start = dwarf_uint(&c, cu->addr_size);
			end = dwarf_uint(&c, cu->addr_size);
			break;
		case DW_RLE_start_length:
			start = dwarf_uint(&c, cu->addr_size);
			end = start + dwarf_uleb(&c);
			break;
		default:
			ok = false;
			break;
		}
		if (!ok || c.overrun)
			return range_error(sc, cu, ".debug_rnglists", off);
		if (is_base)
			continue;
		err = add(sc, start, end, cu);
		if (err)
			return err;
	}
}

static struct error *unit_ranges(struct scan *sc, const struct dwarf_cu *cu)
{
	if (cu->has_ranges)
		return cu->version >= 5 ? ranges_v5(sc, cu) :
					  ranges_v4(sc, cu);
	if (cu->has_low_pc && cu->has_high_pc)
		return add(sc, cu->low_pc, cu->high_pc_is_offset ?
			   cu->low_pc + cu->high_pc : cu->high_pc, cu);
	return NULL;
}

static int compare_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

/* The units KNOWN lists, sorted, to skip them in the walk. */
static struct error *known_units(const struct dwarf_aranges *known,
				 uint64_t **ret, size_t *n)
{
	uint64_t *v;
	size_t i, k = 0;

	*ret = NULL;
	*n = 0;
	if (!known || !known->n)
		return NULL;
	v = malloc(known->n * sizeof(*v));
	if (!v)
		return error_nomem();
	for (i = 0; i < known->n; i++)
		v[i] = known->v[i].cu_offset;
	qsort(v, known->n, sizeof(*v), compare_u64);
	for (i = 0; i < known->n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	*ret = v;
	*n = k;
	return NULL;
}

static bool listed(const uint64_t *v, size_t n, uint64_t off)
{
	return n && bsearch(&off, v, n, sizeof(*v), compare_u64);
}

struct error *dwarf_aranges_scan(const struct dwarf_lines_sections *s,
				 const struct dwarf_aranges *known,
				 struct dwarf_aranges *a)
{
	struct scan sc = { .s = s, .a = a };
	uint64_t off = 0, dropped = 0, *skip;
	struct error *err;
	size_t nskip;

	memset(a, 0, sizeof(*a));
	err = known_units(known, &skip, &nskip);
	while (!err && off < s->info.size) {
		struct dwarf_cu cu;

		err = dwarf_cu_read_header(s, off, &cu);
		if (err)
			break;
		/* Type units hold no code; units aranges lists are done. */
		if ((cu.unit_type == DW_UT_compile ||
		     cu.unit_type == DW_UT_partial) &&
		    !listed(skip, nskip, off)) {
			struct error *bad = dwarf_cu_read_die(s, &cu);

			/* A unit whose DIE or range list is damaged adds
			 * nothing; the walk goes on to the next one.  Only
			 * running out of memory stops it. */
			if (!bad)
				bad = unit_ranges(&sc, &cu);
			if (bad && bad->code == ERR_NOMEM)
				err = bad;
			else
				error_free(bad);
		}
		off = cu.end;
		if (off - dropped >= DROP_EVERY) {
			dwarf_lines_drop(s, s->info.data + dropped,
					 off - dropped);
			dropped = off;
		}
	}
	if (off > dropped)
		dwarf_lines_drop(s, s->info.data + dropped, off - dropped);
	free(skip);
	if (!err)
		err = dwarf_aranges_finish(a);
	if (err)
		dwarf_aranges_free(a);
	return err;
}
