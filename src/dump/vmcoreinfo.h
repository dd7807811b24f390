/* VMCOREINFO: the KEY=VALUE text the kernel publishes for dump tools
 * (OSRELEASE, PAGESIZE, KERNELOFFSET, SYMBOL(x), OFFSET(x.y), SIZE(x),
 * NUMBER(x), LENGTH(x), CRASHTIME, ...), parsed into a table any layer can
 * ask. */
#ifndef CRASH_VMCOREINFO_H
#define CRASH_VMCOREINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;

struct vmcoreinfo_entry {
	char *key;
	char *value;
};

struct vmcoreinfo {
	char *text;		/* as found, NUL-terminated */
	size_t len;
	struct vmcoreinfo_entry *entries;	/* sorted by key */
	size_t n;
};

struct error *vmcoreinfo_parse(const char *text, size_t len,
			       struct vmcoreinfo **ret);
void vmcoreinfo_free(struct vmcoreinfo *vi);

/* The raw value of KEY, or NULL. */
const char *vmcoreinfo_get(const struct vmcoreinfo *vi, const char *key);
/* KEY parsed as a number of the base the kernel prints it in (SYMBOL and
 * KERNELOFFSET are hex, the others decimal); false if absent or bad. */
bool vmcoreinfo_number(const struct vmcoreinfo *vi, const char *key,
		       int64_t *ret);
bool vmcoreinfo_symbol(const struct vmcoreinfo *vi, const char *name,
		       uint64_t *ret);	/* SYMBOL(name) */
bool vmcoreinfo_offset(const struct vmcoreinfo *vi, const char *type_member,
		       int64_t *ret);	/* OFFSET(type.member) */
bool vmcoreinfo_size(const struct vmcoreinfo *vi, const char *type,
		     int64_t *ret);	/* SIZE(type) */
bool vmcoreinfo_value(const struct vmcoreinfo *vi, const char *name,
		      int64_t *ret);	/* NUMBER(name) */

#endif
