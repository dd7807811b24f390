/* arm64 page table entries as text: the physical address and the flag
 * names the classic crash shows. */
#include <stdio.h>

#include "arch.h"
#include "arm64.h"

void arm64_pte_describe(const struct vmem *vm, uint64_t e, bool large,
			uint64_t *phys, char *flags, size_t size)
{
	/* Hardware bits, and the kernel's software bits (DIRTY 55, SPECIAL
	 * 56, PROT_NONE 58: arch/arm64/include/asm/pgtable-prot.h). */
	static const struct {
		int bit;
		uint64_t mask;
		const char *name;
	} bits[] = {
		{ 0, 1, "VALID" }, { 58, 1, "PROT_NONE" }, { 6, 1, "USER" },
		{ 7, 1, "RDONLY" }, { 8, 3, "SHARED" }, { 10, 1, "AF" },
		{ 11, 1, "NG" }, { 53, 1, "PXN" }, { 54, 1, "UXN" },
		{ 55, 1, "DIRTY" }, { 56, 1, "SPECIAL" },
	};
	size_t i, n = 0;

	(void)large;
	*phys = arm64_entry_address(vm, e);
	if (size)
		flags[0] = '\0';
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (((e >> bits[i].bit) & bits[i].mask) != bits[i].mask)
			continue;
		n += (size_t)snprintf(flags + (n < size ? n : size),
				      n < size ? size - n : 0, "%s%s",
				      n ? "|" : "", bits[i].name);
	}
}
