/* Opening a dump: recognise the format by content, then hand over. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/endian.h"
#include "../util/error.h"
#include "dump.h"
#include "source.h"
#include "vmcoreinfo.h"

static const struct dump_format *const formats[] = {
	&elf_dump_format,
	&kdump_format,
};

static struct error *open_source(const char *path, bool no_mmap,
				 struct source **ret)
{
	struct source *src;
	struct error *err = source_open_file(path, no_mmap, &src);

	if (err)
		return err;
	if (source_is_flattened(src))
		return source_open_flattened(src, ret);
	*ret = src;
	return NULL;
}

static const struct dump_format *probe(struct source *src)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i]->probe(src))
			return formats[i];
	return NULL;
}

struct error *dump_open(const char *const *paths, int npaths,
			const struct dump_options *opts, struct dump **ret)
{
	struct source **srcs;
	struct dump *d;
	struct error *err = NULL;
	int i, nopen = 0;

	if (npaths < 1)
		return error_create(ERR_INVALID, "no dump file given");
	d = calloc(1, sizeof(*d));
	srcs = calloc((size_t)npaths, sizeof(*srcs));
	if (!d || !srcs) {
		free(d);
		free(srcs);
		return error_nomem();
	}
	if (opts)
		d->opts = *opts;
	d->dump_level = -1;
	d->nr_cpus = -1;
	d->paths = calloc((size_t)npaths, sizeof(char *));
	if (!d->paths) {
		err = error_nomem();
		goto fail;
	}
	for (i = 0; i < npaths; i++) {
		const struct dump_format *f;

		if (!(d->paths[i] = strdup(paths[i]))) {
			err = error_nomem();
			goto fail;
		}
		d->npaths++;
		err = open_source(paths[i], opts && opts->no_mmap, &srcs[i]);
		if (err)
			goto fail;
		nopen++;
		f = probe(srcs[i]);
		if (!f) {
			err = error_create(ERR_FORMAT, "%s: not a kernel dump "
					   "(no ELF, KDUMP or makedumpfile "
					   "signature at offset 0)", paths[i]);
			goto fail;
		}
		if (d->format && f != d->format) {
			err = error_create(ERR_FORMAT, "%s: is %s, but %s is %s: "
					   "all parts of a split dump must be "
					   "of one format", paths[i], f->name,
					   paths[0], d->format->name);
			goto fail;
		}
		d->format = f;
	}
	/* From here the format owns the sources. */
	err = d->format->open(d, srcs, npaths);
	nopen = 0;
	free(srcs);
	srcs = NULL;
	if (err)
		goto fail;
	*ret = d;
	return NULL;
fail:
	for (i = 0; i < nopen; i++)
		source_close(srcs[i]);
	free(srcs);
	dump_close(d);
	return err;
}

void dump_close(struct dump *d)
{
	size_t i;

	if (!d)
		return;
	if (d->format && d->priv)
		d->format->destroy(d);
	for (i = 0; i < (size_t)d->npaths; i++)
		free(d->paths[i]);
	free(d->paths);
	for (i = 0; i < d->nnotes; i++) {
		free(d->notes[i].name);
		free((void *)d->notes[i].desc);
	}
	free(d->notes);
	for (i = 0; i < d->nfacts; i++) {
		free(d->facts[i].label);
		free(d->facts[i].value);
	}
	free(d->facts);
	vmcoreinfo_free(d->vmcoreinfo);
	free(d->description);
	free(d->incomplete);
	free(d);
}

struct error *dump_read_phys(struct dump *d, uint64_t paddr, void *buf,
			     size_t len)
{
	if (!len)
		return NULL;
	if (paddr + len < paddr)
		return error_create(ERR_INVALID, "physical address 0x%llx+0x%zx "
				    "wraps around", (unsigned long long)paddr,
				    len);
	return d->format->read(d, paddr, buf, len);
}

void dump_count_pages(struct dump *d, struct page_counts *out)
{
	memset(out, 0, sizeof(*out));
	d->format->count_pages(d, out);
}

const struct dump_note *dump_find_note(const struct dump *d, const char *name,
				       uint32_t type, size_t *pos)
{
	size_t i = pos ? *pos : 0;

	for (; i < d->nnotes; i++) {
		if (d->notes[i].type == type && !strcmp(d->notes[i].name, name)) {
			if (pos)
				*pos = i + 1;
			return &d->notes[i];
		}
	}
	if (pos)
		*pos = d->nnotes;
	return NULL;
}

struct error *dump_add_fact(struct dump *d, const char *label,
			    const char *fmt, ...)
{
	struct dump_fact *f;
	va_list ap;
	char *value;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (n < 0)
		return error_nomem();
	f = realloc(d->facts, (d->nfacts + 1) * sizeof(*f));
	if (!f) {
		free(value);
		return error_nomem();
	}
	d->facts = f;
	f[d->nfacts].label = strdup(label);
	f[d->nfacts].value = value;
	if (!f[d->nfacts].label) {
		free(value);
		return error_nomem();
	}
	d->nfacts++;
	return NULL;
}

struct error *dump_set_incomplete(struct dump *d, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (d->incomplete)
		return NULL;	/* the first reason found is the one to tell */
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return error_nomem();
	d->incomplete = s;
	return NULL;
}

#define NOTE_ALIGN(x) (((x) + 3) & ~(uint64_t)3)

static struct error *add_note(struct dump *d, const char *name, size_t nlen,
			      uint32_t type, const unsigned char *desc,
			      uint32_t descsz, uint64_t off)
{
	struct dump_note *n = realloc(d->notes, (d->nnotes + 1) * sizeof(*n));
	unsigned char *copy;

	if (!n)
		return error_nomem();
	d->notes = n;
	n += d->nnotes;
	n->name = strndup(name, nlen);
	copy = malloc(descsz ? descsz : 1);
	if (!n->name || !copy) {
		free(n->name);
		free(copy);
		return error_nomem();
	}
	memcpy(copy, desc, descsz);
	n->desc = copy;
	n->descsz = descsz;
	n->type = type;
	n->file_offset = off;
	d->nnotes++;
	return NULL;
}

#define NT_VMCOREINFO_NAME "VMCOREINFO"

struct error *dump_parse_notes(struct dump *d, const char *file,
			       const unsigned char *buf, size_t len,
			       uint64_t base_offset)
{
	uint64_t pos = 0;
	struct error *err;

	while (pos + 12 <= len) {
		uint32_t namesz = get32(buf + pos, d->big_endian);
		uint32_t descsz = get32(buf + pos + 4, d->big_endian);
		uint32_t type = get32(buf + pos + 8, d->big_endian);
		uint64_t name_off = pos + 12;
		uint64_t desc_off = name_off + NOTE_ALIGN((uint64_t)namesz);
		const char *name = (const char *)buf + name_off;
		size_t nlen;

		/* /proc/vmcore pads its note segment with zeros. */
		if (!namesz && !descsz && !type)
			break;
		if (desc_off > len || descsz > len - desc_off)
			return error_create(ERR_FORMAT, "%s: ELF note at file "
					    "offset 0x%llx: name size %u and "
					    "descriptor size %u run past the "
					    "end of the notes (0x%zx bytes)",
					    file, (unsigned long long)
					    (base_offset + pos), namesz,
					    descsz, len);
		nlen = strnlen(name, namesz);
		err = add_note(d, name, nlen, type, buf + desc_off, descsz,
			       base_offset + pos);
		if (err)
			return err;
		if (nlen == strlen(NT_VMCOREINFO_NAME) &&
		    !memcmp(name, NT_VMCOREINFO_NAME, nlen) && !d->vmcoreinfo) {
			err = vmcoreinfo_parse((const char *)buf + desc_off,
					       descsz, &d->vmcoreinfo);
			if (err)
				return err;
		}
		pos = desc_off + NOTE_ALIGN((uint64_t)descsz);
	}
	return NULL;
}
