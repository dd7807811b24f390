#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/error.h"
#include "module_object.h"
#include "symtab.h"

/* The name= entry of .modinfo ("key=value\0key=value\0..."), or NULL. */
static char *modinfo_name(Elf *elf, size_t shstrndx)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *secname, *p, *end;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		secname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!secname || strcmp(secname, ".modinfo"))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return NULL;
		p = d->d_buf;
		end = p + d->d_size;
		while (p < end) {
			size_t n = strnlen(p, end - p);

			if (n > 5 && !strncmp(p, "name=", 5) && p + n < end)
				return strndup(p + 5, n - 5);
			p += n + 1;
		}
		return NULL;
	}
	return NULL;
}

/* "dm-mod.ko" -> "dm_mod", as the kernel names modules. */
static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name, *p;

	name = strdup(base ? base + 1 : path);
	if (!name)
		return NULL;
	p = strstr(name, ".ko");
	if (p)
		*p = '\0';
	for (p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

static struct error *read_symbols(Elf *elf, struct module_object *o,
				  const char *path)
{
	Elf_Scn *scn = NULL, *symscn = NULL;
	GElf_Shdr symsh, strsh;
	Elf_Data *syms, *strs;
	size_t count, i, n = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, &symsh) && symsh.sh_type == SHT_SYMTAB) {
			symscn = scn;
			break;
		}
	}
	if (!symscn)
		return error_create(ERR_NOT_FOUND, "%s: no symbol table "
				    "(.symtab): the module file is stripped",
				    path);
	scn = elf_getscn(elf, symsh.sh_link);
	syms = elf_getdata(symscn, NULL);
	if (!scn || !gelf_getshdr(scn, &strsh) || strsh.sh_type != SHT_STRTAB
	    || !(strs = elf_getdata(scn, NULL)) || !strs->d_buf || !syms ||
	    !symsh.sh_entsize)
		return error_create(ERR_FORMAT, "%s: damaged symbol table",
				    path);
	o->strings = malloc(strs->d_size + 1);
	count = syms->d_size / symsh.sh_entsize;
	o->syms = calloc(count ? count : 1, sizeof(*o->syms));
	if (!o->strings || !o->syms)
		return error_nomem();
	memcpy(o->strings, strs->d_buf, strs->d_size);
	o->strings[strs->d_size] = '\0';	/* a damaged last name ends */
	for (i = 1; i < count; i++) {
		struct module_object_symbol *s = &o->syms[n];
		unsigned bind, type;
		GElf_Shdr sh;
		GElf_Sym sym;

		if (!gelf_getsym(syms, (int)i, &sym) || !sym.st_name ||
		    sym.st_name >= strs->d_size)
			continue;
		bind = GELF_ST_BIND(sym.st_info);
		type = GELF_ST_TYPE(sym.st_info);
		if (type != STT_NOTYPE && type != STT_OBJECT &&
		    type != STT_FUNC)
			continue;
		if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
			continue;
		scn = elf_getscn(elf, sym.st_shndx);
		if (!scn || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		s->name = o->strings + sym.st_name;
		/* assembler labels and mapping symbols name no object */
		if (!s->name[0] || (s->name[0] == '$' && bind == STB_LOCAL))
			continue;
		s->value = sym.st_value;
		s->size = sym.st_size;
		s->section = sym.st_shndx;
		s->bind = bind;
		s->elf_type = type;
		s->type = symtab_nm_letter(true, sh.sh_type, sh.sh_flags, bind,
					   type);
		n++;
	}
	o->nsyms = n;
	return NULL;
}

static bool has_section(Elf *elf, size_t shstrndx, const char *name)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *s;

		if (gelf_getshdr(scn, &sh) &&
		    (s = elf_strptr(elf, shstrndx, sh.sh_name)) &&
		    !strcmp(s, name))
			return true;
	}
	return false;
}

struct error *module_object_open(const char *path, struct module_object **ret)
{
	struct module_object *o;
	struct error *err = NULL;
	GElf_Ehdr eh;
	size_t shstrndx;
	Elf *elf = NULL;
	int fd;

	*ret = NULL;
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_create(ERR_IO, "%s: %m", path);
	o = calloc(1, sizeof(*o));
	if (!o) {
		close(fd);
		return error_nomem();
	}
	o->path = strdup(path);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!o->path)
		err = error_nomem();
	else if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		err = error_create(ERR_FORMAT, "%s: not an ELF file (a "
				   "compressed module? unpack it first)",
				   path);
	else if (eh.e_type != ET_REL)
		err = error_create(ERR_FORMAT, "%s: not a kernel module (ELF "
				   "type %u, not ET_REL)", path, eh.e_type);
	else if (elf_getshdrstrndx(elf, &shstrndx))
		err = error_create(ERR_FORMAT, "%s: no section names", path);
	else if (!has_section(elf, shstrndx, ".gnu.linkonce.this_module"))
		err = error_create(ERR_FORMAT, "%s: an object file, but not a "
				   "kernel module (no .gnu.linkonce.this_module)",
				   path);
	if (!err) {
		o->name = modinfo_name(elf, shstrndx);
		if (!o->name)
			o->name = name_from_path(path);
		o->has_debug_info = has_section(elf, shstrndx, ".debug_info");
		if (!o->name)
			err = error_nomem();
		else
			err = read_symbols(elf, o, path);
	}
	if (elf)
		elf_end(elf);
	close(fd);
	if (err) {
		module_object_close(o);
		return err;
	}
	*ret = o;
	return NULL;
}

void module_object_close(struct module_object *o)
{
	if (!o)
		return;
	free(o->path);
	free(o->name);
	free(o->syms);
	free(o->strings);
	free(o);
}
