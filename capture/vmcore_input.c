#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/dump/vmcoreinfo.h"
#include "../src/util/endian.h"
#include "../src/util/error.h"
#include "vmcore_input.h"

/* Notes are kilobytes; more means a damaged header. */
#define MAX_NOTES (64u << 20)
#define MAX_SEGMENTS 65534

static struct error *pread_all(const struct vmcore_input *in, void *buf,
			       size_t len, uint64_t off, const char *what)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = pread(in->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_create(ERR_IO, "%s: reading the %s at offset "
					    "0x%llx: %s", in->path, what,
					    (unsigned long long)off,
					    strerror(errno));
		if (n == 0)
			return error_create(ERR_TRUNCATED, "%s: the file ends "
					    "inside the %s (offset 0x%llx)",
					    in->path, what,
					    (unsigned long long)off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return NULL;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Find VMCOREINFO and count the CPUs (NT_PRSTATUS) in the notes. */
static struct error *scan_notes(struct vmcore_input *in)
{
	size_t pos = 0;
	bool big = in->big_endian;

	while (pos + 12 <= in->notes_len) {
		uint32_t namesz = get32(in->notes + pos, big);
		uint32_t descsz = get32(in->notes + pos + 4, big);
		uint32_t type = get32(in->notes + pos + 8, big);
		size_t name = pos + 12, desc = name + pad4(namesz);

		if (namesz > in->notes_len || descsz > in->notes_len ||
		    desc + descsz > in->notes_len)
			break;	/* padding at the end of a PT_NOTE */
		if (!namesz && !descsz && !type)
			break;
		if (namesz == 11 && !memcmp(in->notes + name, "VMCOREINFO", 10)) {
			in->vmcoreinfo_off = desc;
			in->vmcoreinfo_len = descsz;
		} else if (namesz == 5 && !memcmp(in->notes + name, "CORE", 4) &&
			   type == NT_PRSTATUS) {
			in->nr_cpus++;
		}
		pos = desc + pad4(descsz);
	}
	if (!in->vmcoreinfo_len)
		return NULL;
	return vmcoreinfo_parse((const char *)in->notes + in->vmcoreinfo_off,
				in->vmcoreinfo_len, &in->vmcoreinfo);
}

static struct error *add_notes(struct vmcore_input *in, uint64_t off,
			       uint64_t len)
{
	unsigned char *n;

	if (len > MAX_NOTES || in->notes_len + len > MAX_NOTES)
		return error_create(ERR_FORMAT, "%s: PT_NOTE at offset 0x%llx "
				    "claims %llu bytes: damaged", in->path,
				    (unsigned long long)off,
				    (unsigned long long)len);
	n = realloc(in->notes, in->notes_len + len + 1);
	if (!n)
		return error_nomem();
	in->notes = n;
	n[in->notes_len + len] = 0;
	if (len) {
		struct error *err = pread_all(in, n + in->notes_len, len, off,
					      "PT_NOTE");
		if (err)
			return err;
	}
	in->notes_len += len;
	return NULL;
}

static struct error *read_headers(struct vmcore_input *in)
{
	unsigned char eh[sizeof(Elf64_Ehdr)];
	uint64_t phoff;
	uint16_t phnum, phentsize;
	struct error *err;
	bool big;
	size_t i;

	err = pread_all(in, eh, EI_NIDENT, 0, "ELF header");
	if (err || memcmp(eh, ELFMAG, SELFMAG)) {
		error_free(err);
		return error_create(ERR_FORMAT, "%s: not an ELF vmcore (no ELF "
				    "signature at offset 0)", in->path);
	}
	if (eh[EI_CLASS] != ELFCLASS64)
		return error_create(ERR_UNSUPPORTED, "%s: a 32-bit ELF vmcore; "
				    "only ELF64 vmcores are read", in->path);
	if (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB)
		return error_create(ERR_FORMAT, "%s: offset 0x%x: bad ELF data "
				    "encoding %u", in->path, EI_DATA,
				    eh[EI_DATA]);
	big = in->big_endian = eh[EI_DATA] == ELFDATA2MSB;
	err = pread_all(in, eh, sizeof(eh), 0, "ELF header");
	if (err)
		return err;
	if (get16(eh + 16, big) != ET_CORE)
		return error_create(ERR_FORMAT, "%s: ELF type %u is not ET_CORE: "
				    "not a vmcore", in->path,
				    get16(eh + 16, big));
	in->machine = get16(eh + 18, big);
	phoff = get64(eh + 32, big);
	phentsize = get16(eh + 54, big);
	phnum = get16(eh + 56, big);
	if (phentsize != sizeof(Elf64_Phdr) || !phnum || phnum > MAX_SEGMENTS)
		return error_create(ERR_FORMAT, "%s: bad program header table "
				    "(%u entries of %u bytes)", in->path, phnum,
				    phentsize);
	in->seg = calloc(phnum, sizeof(*in->seg));
	if (!in->seg)
		return error_nomem();
	for (i = 0; i < phnum; i++) {
		unsigned char ph[sizeof(Elf64_Phdr)];
		struct vm_segment s;
		uint32_t type;

		err = pread_all(in, ph, sizeof(ph), phoff + i * phentsize,
				"program header table");
		if (err)
			return err;
		type = get32(ph, big);
		s.offset = get64(ph + 8, big);
		s.vaddr = get64(ph + 16, big);
		s.paddr = get64(ph + 24, big);
		s.filesz = get64(ph + 32, big);
		s.memsz = get64(ph + 40, big);
		if (type == PT_NOTE) {
			if (s.offset > in->file_size ||
			    s.filesz > in->file_size - s.offset)
				return error_create(ERR_FORMAT, "%s: PT_NOTE at "
					"offset 0x%llx, size 0x%llx, runs past "
					"the end of the file", in->path,
					(unsigned long long)s.offset,
					(unsigned long long)s.filesz);
			err = add_notes(in, s.offset, s.filesz);
			if (err)
				return err;
		} else if (type == PT_LOAD) {
			if (s.paddr + s.memsz < s.paddr)
				return error_create(ERR_FORMAT, "%s: PT_LOAD %zu "
					"wraps around the address space",
					in->path, i);
			if (s.filesz > s.memsz)
				s.filesz = s.memsz;
			if (s.offset > in->file_size ||
			    s.filesz > in->file_size - s.offset)
				in->truncated = true;
			in->seg[in->nseg++] = s;
		}
	}
	if (!in->nseg)
		return error_create(ERR_FORMAT, "%s: no PT_LOAD segments: no "
				    "memory in this vmcore", in->path);
	return NULL;
}

struct error *vmcore_input_open(const char *path, struct vmcore_input **ret)
{
	struct vmcore_input *in = calloc(1, sizeof(*in));
	struct error *err;
	struct stat st;
	int64_t ps;
	size_t i;

	if (!in)
		return error_nomem();
	in->path = path;
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		err = error_create(errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
				   "%s: %s", path, strerror(errno));
		free(in);
		return err;
	}
	if (fstat(in->fd, &st) < 0) {
		err = error_create(ERR_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	in->file_size = (uint64_t)st.st_size;
	if (!S_ISREG(st.st_mode))
		in->file_size = UINT64_MAX;	/* trust the headers */
	else
		in->can_map = true;
	err = read_headers(in);
	if (!err)
		err = scan_notes(in);
	if (err)
		goto fail;
	in->page_size = 4096;
	if (vmcoreinfo_number(in->vmcoreinfo, "PAGESIZE", &ps) &&
	    ps >= 1024 && ps <= (1 << 20) && !(ps & (ps - 1)))
		in->page_size = (uint32_t)ps;
	while ((1u << in->page_shift) < in->page_size)
		in->page_shift++;
	for (i = 0; i < in->nseg; i++) {
		uint64_t end = in->seg[i].paddr + in->seg[i].memsz;
		uint64_t pfn = (end + in->page_size - 1) >> in->page_shift;

		if (pfn > in->max_pfn)
			in->max_pfn = pfn;
	}
	*ret = in;
	return NULL;
fail:
	vmcore_input_close(in);
	return err;
}

void vmcore_input_close(struct vmcore_input *in)
{
	if (!in)
		return;
	if (in->fd >= 0)
		close(in->fd);
	vmcoreinfo_free(in->vmcoreinfo);
	free(in->notes);
	free(in->seg);
	free(in);
}

bool vmcore_pfn_in_segments(const struct vmcore_input *in, uint64_t pfn)
{
	uint64_t start = pfn << in->page_shift;
	size_t i;

	for (i = 0; i < in->nseg; i++) {
		const struct vm_segment *s = &in->seg[i];

		if (s->paddr <= start && start < s->paddr + s->memsz)
			return true;
	}
	return false;
}

struct error *vmcore_read_page(const struct vmcore_input *in, uint64_t pfn,
			       void *buf)
{
	uint64_t start = pfn << in->page_shift, end = start + in->page_size;
	unsigned char *out = buf;
	bool any = false;
	size_t i;

	memset(buf, 0, in->page_size);
	for (i = 0; i < in->nseg; i++) {
		const struct vm_segment *s = &in->seg[i];
		uint64_t from, to, data_end, avail;
		struct error *err;

		if (!s->memsz || s->paddr >= end || start >= s->paddr + s->memsz)
			continue;
		from = s->paddr > start ? s->paddr : start;
		to = s->paddr + s->memsz < end ? s->paddr + s->memsz : end;
		data_end = s->paddr + s->filesz;
		/* What the file holds of this segment, if it is cut short. */
		avail = s->offset < in->file_size ?
			in->file_size - s->offset : 0;
		if (avail < s->filesz)
			data_end = s->paddr + avail;
		if (to > data_end)
			return error_create(ERR_EXCLUDED, "%s: physical address "
					    "0x%llx is not in the file (%s)",
					    in->path, (unsigned long long)start,
					    to > s->paddr + s->filesz ?
					    "excluded: memsz past filesz" :
					    "the file ends first");
		err = pread_all(in, out + (from - start), to - from,
				s->offset + (from - s->paddr), "page");
		if (err) {
			if (err->code == ERR_TRUNCATED)
				err->code = ERR_EXCLUDED;
			return error_prefix(err, "physical address 0x%llx",
					    (unsigned long long)start);
		}
		any = true;
	}
	if (!any)
		return error_create(ERR_HOLE, "physical address 0x%llx is in no "
				    "PT_LOAD", (unsigned long long)start);
	return NULL;
}

bool vmcore_read_run(const struct vmcore_input *in, uint64_t pfn, uint64_t n,
		     void *buf)
{
	uint64_t start = pfn << in->page_shift, end = (pfn + n) << in->page_shift;
	size_t i;

	for (i = 0; i < in->nseg; i++) {
		const struct vm_segment *s = &in->seg[i];
		struct error *err;

		if (start < s->paddr || end > s->paddr + s->filesz)
			continue;
		if (s->offset + (end - s->paddr) > in->file_size)
			return false;
		err = pread_all(in, buf, end - start,
				s->offset + (start - s->paddr), "pages");
		if (err) {
			error_free(err);
			return false;
		}
		return true;
	}
	return false;
}

bool vmcore_pfn_has_data(const struct vmcore_input *in, uint64_t pfn)
{
	uint64_t start = pfn << in->page_shift, end = start + in->page_size;
	size_t i;

	for (i = 0; i < in->nseg; i++) {
		const struct vm_segment *s = &in->seg[i];
		uint64_t avail = s->offset < in->file_size ?
				 in->file_size - s->offset : 0;
		uint64_t data = s->filesz < avail ? s->filesz : avail;

		if (s->paddr <= start && start < s->paddr + s->memsz &&
		    (end <= s->paddr + data ||
		     s->paddr + s->memsz <= s->paddr + data))
			return true;
	}
	return false;
}

bool vmcore_pfn_offset(const struct vmcore_input *in, uint64_t pfn,
		       size_t *hint, uint64_t *off)
{
	uint64_t start = pfn << in->page_shift, end = start + in->page_size;
	size_t i, k;

	for (k = 0; k < in->nseg; k++) {
		const struct vm_segment *s;

		i = (*hint + k) % in->nseg;
		s = &in->seg[i];
		if (start < s->paddr || start >= s->paddr + s->memsz)
			continue;
		if (end > s->paddr + s->filesz ||
		    s->offset + (end - s->paddr) > in->file_size)
			return false;
		*hint = i;
		*off = s->offset + (start - s->paddr);
		return true;
	}
	return false;
}

struct error *vmcore_map_window(const struct vmcore_input *in, uint64_t off,
				struct vm_window *w)
{
	uint64_t start = off & ~(uint64_t)(VMCORE_WINDOW - 1);
	uint64_t len = VMCORE_WINDOW + in->page_size;
	void *m;

	w->base = NULL;
	if (!in->can_map || start >= in->file_size)
		return error_create(ERR_UNSUPPORTED, "%s: offset 0x%llx cannot "
				    "be mapped", in->path,
				    (unsigned long long)off);
	if (len > in->file_size - start)
		len = in->file_size - start;
	m = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, in->fd,
		 (off_t)start);
	if (m == MAP_FAILED)
		return error_create(ERR_IO, "%s: mmap at offset 0x%llx: %s",
				    in->path, (unsigned long long)start,
				    strerror(errno));
	w->base = m;
	w->off = start;
	w->len = (size_t)len;
	return NULL;
}

void vmcore_unmap_window(struct vm_window *w)
{
	if (w->base)
		munmap((void *)w->base, w->len);
	w->base = NULL;
}

bool vmcore_cursor_holds(struct vm_cursor *c, uint64_t pfn)
{
	uint64_t off;

	return c->w.base && vmcore_pfn_offset(c->in, pfn, &c->hint, &off) &&
	       off >= c->w.off && off + c->in->page_size <= c->w.off + c->w.len;
}

const unsigned char *vmcore_cursor_page(struct vm_cursor *c, uint64_t pfn)
{
	uint64_t off;
	struct error *err;

	if (c->failed || !vmcore_pfn_offset(c->in, pfn, &c->hint, &off))
		return NULL;
	if (!c->w.base || off < c->w.off ||
	    off + c->in->page_size > c->w.off + c->w.len) {
		vmcore_unmap_window(&c->w);
		err = vmcore_map_window(c->in, off, &c->w);
		if (err) {
			error_free(err);
			c->failed = true;
			return NULL;
		}
	}
	return c->w.base + (off - c->w.off);
}

void vmcore_cursor_close(struct vm_cursor *c)
{
	vmcore_unmap_window(&c->w);
}
