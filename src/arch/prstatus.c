/* The general registers of a 64-bit Linux elf_prstatus: the same layout on
 * every 64-bit architecture up to pr_reg (pr_pid at 32, pr_reg at 112);
 * only the registers' names and number differ. */
#include "../dump/dump.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "arch.h"

#define PR_PID	32
#define PR_REG	112

struct error *prstatus64_decode(const struct dump_note *note, bool big,
				const char *arch, const char *const *names,
				unsigned int n, unsigned int full_size,
				struct regset *out)
{
	unsigned int i;

	if (note->descsz < PR_REG + n * 8)
		return error_create(ERR_FORMAT, "NT_PRSTATUS note at file "
				    "offset 0x%llx is %u bytes, too small for "
				    "%s (%u)", (unsigned long long)
				    note->file_offset, note->descsz, arch,
				    full_size);
	out->n = n;
	out->names = names;
	out->pid = (int)get32(note->desc + PR_PID, big);
	for (i = 0; i < n; i++)
		out->value[i] = get64(note->desc + PR_REG + 8 * i, big);
	return NULL;
}
