/* x86_64 page table entries as text: the physical address and the flag
 * names the classic crash shows. */
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "x86_64.h"

#define PTE_ADDR_MASK	0x000ffffffffff000ULL

void x86_64_pte_describe(const struct vmem *vm, uint64_t e, bool large,
			 uint64_t *phys, char *flags, size_t size)
{
	static const struct {
		int bit;
		const char *name;
	} bits[] = {
		{ 0, "PRESENT" }, { 1, "RW" }, { 2, "USER" }, { 3, "PWT" },
		{ 4, "PCD" }, { 5, "ACCESSED" }, { 6, "DIRTY" }, { 7, "PSE" },
		{ 8, "GLOBAL" }, { 63, "NX" },
	};
	size_t i, n = 0;

	*phys = e & PTE_ADDR_MASK;
	/* in a 2 MB entry bit 12 is PAT, not an address bit */
	if (large || (e & (1ULL << 7)))
		*phys &= ~0x1fffffULL;
	if (size)
		flags[0] = '\0';
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		const char *name = bits[i].name;

		if (!(e & (1ULL << bits[i].bit)))
			continue;
		if (bits[i].bit == 7 && !large && !(e & 1))
			name = "PAT";
		n += (size_t)snprintf(flags + (n < size ? n : size),
				      n < size ? size - n : 0, "%s%s",
				      n ? "|" : "", name);
	}
}
