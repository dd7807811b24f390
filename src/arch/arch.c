/* The registry of architectures. */
#include <elf.h>
#include <string.h>

#include "../dump/dump.h"
#include "arch.h"

static const struct arch_ops *const arches[] = {
	&x86_64_arch,
	&arm64_arch,
};

#define NARCH (sizeof(arches) / sizeof(arches[0]))

const struct arch_ops *arch_by_name(const char *name)
{
	size_t i;
	const char *const *m;

	for (i = 0; i < NARCH; i++) {
		if (!strcmp(arches[i]->name, name))
			return arches[i];
		for (m = arches[i]->uts_machines; *m; m++)
			if (!strcmp(*m, name))
				return arches[i];
	}
	return NULL;
}

const struct arch_ops *arch_for_dump(const struct dump *d)
{
	const struct dump_note *n;
	size_t i;

	for (i = 0; i < NARCH; i++)
		if (d->elf_machine && d->elf_machine == arches[i]->elf_machine)
			return arches[i];
	if (d->machine[0] && arch_by_name(d->machine))
		return arch_by_name(d->machine);
	/* QEMU's kdump headers may say "Unknown": the notes still tell. */
	n = dump_find_note(d, "CORE", NT_PRSTATUS, NULL);
	for (i = 0; n && i < NARCH; i++)
		if (n->descsz == arches[i]->prstatus_size)
			return arches[i];
	return NULL;
}
