/* Finding the DWARF sections of an ELF file for the index. */
#include <gelf.h>
#include <string.h>

#include "dwarf_index.h"

struct error *dwarf_sections_from_elf(Elf *elf, const char *path,
				      struct dwarf_sections *out)
{
	static const struct {
		const char *name;
		size_t offset;
	} wanted[] = {
		{ ".debug_info", offsetof(struct dwarf_sections, info) },
		{ ".debug_abbrev", offsetof(struct dwarf_sections, abbrev) },
		{ ".debug_str", offsetof(struct dwarf_sections, str) },
		{ ".debug_str_offsets",
		  offsetof(struct dwarf_sections, str_offsets) },
		{ ".debug_line_str", offsetof(struct dwarf_sections, line_str) },
		{ ".debug_types", offsetof(struct dwarf_sections, types) },
	};
	const char *ident;
	Elf_Scn *scn = NULL;
	size_t shstrndx, n;
	GElf_Ehdr ehdr;

	memset(out, 0, sizeof(*out));
	ident = elf_getident(elf, &n);
	if (!ident || n < EI_NIDENT || !gelf_getehdr(elf, &ehdr) ||
	    elf_getshdrstrndx(elf, &shstrndx))
		return error_create(ERR_FORMAT, "%s: not an ELF file: %s",
				    path, elf_errmsg(-1));
	/* The scanner reads little-endian data. */
	if (ident[EI_DATA] != ELFDATA2LSB)
		return error_create(ERR_UNSUPPORTED,
				    "%s: big-endian debug info is not "
				    "supported yet", path);
	/* Relocatable files (modules) need their .rela.debug_* applied
	 * first; an executable's are already applied (--emit-relocs). */
	if (ehdr.e_type == ET_REL)
		return error_create(ERR_UNSUPPORTED,
				    "%s: debug info of a relocatable file is "
				    "not supported yet", path);
	while ((scn = elf_nextscn(elf, scn))) {
		struct dwarf_section *sec = NULL;
		const char *name;
		GElf_Shdr shdr;
		Elf_Data *data;
		size_t i;

		if (!gelf_getshdr(scn, &shdr))
			continue;
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name)
			continue;
		for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
			if (!strcmp(name, wanted[i].name))
				sec = (void *)((char *)out + wanted[i].offset);
		if (!sec || shdr.sh_type == SHT_NOBITS)
			continue;
		if ((shdr.sh_flags & SHF_COMPRESSED) &&
		    elf_compress(scn, 0, 0) < 0)
			return error_create(ERR_FORMAT,
					    "%s: cannot decompress %s: %s",
					    path, name, elf_errmsg(-1));
		data = elf_getdata(scn, NULL);
		if (!data)
			return error_create(ERR_FORMAT, "%s: cannot read %s: %s",
					    path, name, elf_errmsg(-1));
		sec->data = data->d_buf;
		sec->size = data->d_size;
	}
	if (!out->info.size || !out->abbrev.size)
		return error_create(ERR_NOT_FOUND,
				    "%s: no DWARF debug info (.debug_info)",
				    path);
	return NULL;
}
