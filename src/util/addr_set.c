#include <stdlib.h>

#include "addr_set.h"

static size_t addr_hash(uint64_t a, size_t cap)
{
	return (size_t)((a >> 4) * UINT64_C(0x9e3779b97f4a7c15) >> 20) &
	       (cap - 1);
}

int addr_set_add(struct addr_set *s, uint64_t addr)
{
	size_t i;

	if (!addr)
		return 1;
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256, j;
		uint64_t *slot = calloc(cap, sizeof(*slot));

		if (!slot)
			return -1;
		for (j = 0; j < s->cap; j++) {
			if (!s->slot[j])
				continue;
			i = addr_hash(s->slot[j], cap);
			while (slot[i])
				i = (i + 1) & (cap - 1);
			slot[i] = s->slot[j];
		}
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	for (i = addr_hash(addr, s->cap); s->slot[i];
	     i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == addr)
			return 0;
	s->slot[i] = addr;
	s->n++;
	return 1;
}

bool addr_set_has(const struct addr_set *s, uint64_t addr)
{
	size_t i;

	if (!s->cap || !addr)
		return false;
	for (i = addr_hash(addr, s->cap); s->slot[i];
	     i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == addr)
			return true;
	return false;
}

void addr_set_free(struct addr_set *s)
{
	free(s->slot);
	s->slot = NULL;
	s->cap = s->n = 0;
}
