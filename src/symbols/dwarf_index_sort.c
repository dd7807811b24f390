/* The index's names in strcmp() order, for prefix iteration (completion).
 *
 * Comparing strings is slow when they are scattered over a 4 MB section,
 * so the names are first radix-sorted by their first eight bytes, held in
 * one integer; only names that share those eight bytes are then compared
 * as strings, and those runs are short. */
#include <stdlib.h>
#include <string.h>

#include "dwarf_bigalloc.h"
#include "dwarf_index_table.h"

struct sort_item {
	uint64_t key;		/* first 8 bytes, big-endian, NUL padded */
	uint32_t name;
	uint32_t pad;
};

static uint64_t prefix_key(const char *s)
{
	uint64_t key = 0;
	int i;

	for (i = 0; i < 8; i++) {
		key = key << 8 | (uint8_t)*s;
		if (*s)
			s++;
	}
	return key;
}

static int compare_tail(const void *a, const void *b, void *arg)
{
	const struct dwarf_index *idx = arg;
	const struct sort_item *x = a, *y = b;

	return strcmp(dwarf_index_name_str(idx, &idx->names[x->name]) + 8,
		      dwarf_index_name_str(idx, &idx->names[y->name]) + 8);
}

/* LSD radix sort by key, 16 bits a pass. */
static bool radix_sort(struct sort_item *items, size_t n)
{
	struct sort_item *tmp = malloc(n * sizeof(*tmp)), *src = items, *dst = tmp;
	size_t *count = malloc(65536 * sizeof(*count));
	int pass;

	if (!tmp || !count) {
		free(tmp);
		free(count);
		return false;
	}
	for (pass = 0; pass < 4; pass++) {
		unsigned int shift = 16 * pass;
		size_t i, sum = 0;
		struct sort_item *t;

		memset(count, 0, 65536 * sizeof(*count));
		for (i = 0; i < n; i++)
			count[(src[i].key >> shift) & 0xffff]++;
		for (i = 0; i < 65536; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & 0xffff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	/* Four passes: the result is back in items. */
	free(tmp);
	free(count);
	return true;
}

struct error *dwarf_index_sort_names(struct dwarf_index *idx)
{
	size_t n = idx->nnames, i, j;
	struct sort_item *items;
	uint32_t *sorted;

	if (idx->sorted)
		return NULL;
	items = malloc((n ? n : 1) * sizeof(*items));
	sorted = dwarf_big_calloc(n, sizeof(*sorted));
	if (!items || !sorted)
		goto nomem;
	for (i = 0; i < n; i++) {
		items[i].key = prefix_key(dwarf_index_name_str(idx,
							       &idx->names[i]));
		items[i].name = i;
	}
	if (!radix_sort(items, n))
		goto nomem;
	/* Equal keys without a NUL in them: order by the rest.  (Distinct
	 * names with a NUL inside the key cannot have equal keys.) */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && items[j].key == items[i].key; j++)
			;
		if (j - i > 1 && (items[i].key & 0xff))
			qsort_r(items + i, j - i, sizeof(*items),
				compare_tail, idx);
	}
	for (i = 0; i < n; i++)
		sorted[i] = items[i].name;
	free(items);
	idx->sorted = sorted;
	idx->owned[4].p = sorted;
	idx->owned[4].n = n;
	idx->owned[4].elem = sizeof(*sorted);
	return NULL;

nomem:
	free(items);
	dwarf_big_free(sorted, n, sizeof(*sorted));
	return error_nomem();
}
