/* Private to the DWARF index: zeroed arrays of N elements of ELEM bytes,
 * big ones in transparent huge pages.  Free with the same N and ELEM. */
#ifndef CRASH_DWARF_BIGALLOC_H
#define CRASH_DWARF_BIGALLOC_H

#include <stddef.h>

void *dwarf_big_calloc(size_t n, size_t elem);
void dwarf_big_free(void *p, size_t n, size_t elem);

#endif
