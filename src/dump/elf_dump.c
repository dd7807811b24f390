/*
 * ELF vmcores: /proc/vmcore copied raw, makedumpfile -E, QEMU's
 * dump-guest-memory.  Physical memory is in PT_LOAD segments by p_paddr;
 * per-CPU registers and VMCOREINFO are in PT_NOTE.  Where p_memsz exceeds
 * p_filesz, makedumpfile -E left the pages out (dump level filtering), so we
 * report them as excluded rather than pretend they were zeros.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/endian.h"
#include "../util/error.h"
#include "dump.h"
#include "rangemap.h"
#include "source.h"
#include "vmcoreinfo.h"

/* Kinds of physical range, in order of precedence for a page that straddles
 * two: a page is only as present as its worst part. */
enum { SEG_DATA = 1, SEG_EXCLUDED = 2, SEG_MISSING = 3 };

struct elf_dump {
	struct source *src;
	struct rangemap mem;	/* physical address -> file offset */
	uint64_t file_end;	/* source size */
};

static bool elf_probe(struct source *src)
{
	unsigned char id[EI_NIDENT];

	if (!source_peek(src, 0, id, sizeof(id)))
		return false;
	return !memcmp(id, ELFMAG, SELFMAG);
}

/* The fields we use of a program header, whatever the ELF class. */
struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static void get_phdr(const unsigned char *p, bool is64, bool big,
		     struct phdr *ph)
{
	if (is64) {
		ph->type = get32(p, big);
		ph->offset = get64(p + 8, big);
		ph->vaddr = get64(p + 16, big);
		ph->paddr = get64(p + 24, big);
		ph->filesz = get64(p + 32, big);
		ph->memsz = get64(p + 40, big);
	} else {
		ph->type = get32(p, big);
		ph->offset = get32(p + 4, big);
		ph->vaddr = get32(p + 8, big);
		ph->paddr = get32(p + 12, big);
		ph->filesz = get32(p + 16, big);
		ph->memsz = get32(p + 20, big);
	}
}

static const char *elf_machine_name(uint16_t m)
{
	switch (m) {
	case EM_X86_64: return "x86_64";
	case EM_386: return "i386";
	case EM_AARCH64: return "aarch64";
	case EM_ARM: return "arm";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390x";
	case EM_RISCV: return "riscv64";
	}
	return "unknown";
}

static struct error *read_notes(struct dump *d, struct elf_dump *ed,
				const struct phdr *ph)
{
	unsigned char *buf;
	struct error *err;

	if (ph->filesz > ed->file_end || ph->offset > ed->file_end - ph->filesz)
		return error_create(ERR_FORMAT, "%s: PT_NOTE at file offset "
				    "0x%llx, size 0x%llx, runs past the end of "
				    "the file (0x%llx)", ed->src->name,
				    (unsigned long long)ph->offset,
				    (unsigned long long)ph->filesz,
				    (unsigned long long)ed->file_end);
	/* notes are kilobytes; more is damage (or a sparse flattened file) */
	if (ph->filesz > (64u << 20))
		return error_create(ERR_FORMAT, "%s: PT_NOTE at file offset "
				    "0x%llx claims %llu bytes: damaged",
				    ed->src->name,
				    (unsigned long long)ph->offset,
				    (unsigned long long)ph->filesz);
	buf = malloc(ph->filesz ? ph->filesz : 1);
	if (!buf)
		return error_nomem();
	err = source_read(ed->src, ph->offset, buf, ph->filesz);
	if (!err)
		err = dump_parse_notes(d, ed->src->name, buf, ph->filesz,
				       ph->offset);
	free(buf);
	return err;
}

/*
 * A PT_LOAD becomes up to three ranges: the data the file holds, the data
 * it should hold but does not (cut short), and the excluded tail (p_memsz
 * beyond p_filesz).  /proc/vmcore maps the kernel text twice (its own
 * segment and inside a RAM segment); where a cut file still holds one copy,
 * that copy wins.
 */
static struct error *add_load(struct elf_dump *ed, const struct phdr *ph,
			      uint64_t data)
{
	uint64_t in_file = 0;
	struct error *err;

	if (ph->offset < ed->file_end)
		in_file = ed->file_end - ph->offset;
	if (in_file > data)
		in_file = data;
	err = rangemap_add(&ed->mem, ph->paddr, ph->paddr + in_file,
			   ph->offset, SEG_DATA, 3);
	if (!err)
		err = rangemap_add(&ed->mem, ph->paddr + in_file,
				   ph->paddr + data, ph->offset + in_file,
				   SEG_MISSING, 2);
	if (!err)
		err = rangemap_add(&ed->mem, ph->paddr + data,
				   ph->paddr + ph->memsz, 0, SEG_EXCLUDED, 1);
	return err;
}

static struct error *elf_open(struct dump *d, struct source **srcs, int nsrcs)
{
	struct elf_dump *ed;
	unsigned char eh[sizeof(Elf64_Ehdr)];
	uint64_t phoff, nload = 0, nnote = 0, memory = 0;
	uint16_t phnum, phentsize;
	const char *file = srcs[0]->name;
	struct error *err;
	bool is64, big;
	int64_t pagesize;
	size_t i;

	if (nsrcs != 1) {
		err = error_create(ERR_INVALID, "%s: an ELF dump is one file; "
				   "only kdump-compressed dumps are split",
				   file);
		for (i = 0; i < (size_t)nsrcs; i++)
			source_close(srcs[i]);
		return err;
	}
	ed = calloc(1, sizeof(*ed));
	if (!ed) {
		source_close(srcs[0]);
		return error_nomem();
	}
	ed->src = srcs[0];
	ed->file_end = ed->src->size;
	d->priv = ed;

	memset(eh, 0, sizeof(eh));
	err = source_read(ed->src, 0, eh, EI_NIDENT);
	if (err)
		return err;
	if (eh[EI_CLASS] != ELFCLASS64 && eh[EI_CLASS] != ELFCLASS32)
		return error_create(ERR_FORMAT, "%s: offset 0x%x: bad ELF class "
				    "%u", file, EI_CLASS, eh[EI_CLASS]);
	if (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB)
		return error_create(ERR_FORMAT, "%s: offset 0x%x: bad ELF data "
				    "encoding %u", file, EI_DATA, eh[EI_DATA]);
	is64 = eh[EI_CLASS] == ELFCLASS64;
	big = eh[EI_DATA] == ELFDATA2MSB;
	d->is_64bit = is64;
	d->big_endian = big;
	err = source_read(ed->src, 0, eh, is64 ? sizeof(Elf64_Ehdr)
					       : sizeof(Elf32_Ehdr));
	if (err)
		return error_prefix(err, "ELF header");
	if (get16(eh + 16, big) != ET_CORE)
		return error_create(ERR_FORMAT, "%s: offset 0x10: ELF type %u is "
				    "not ET_CORE: this is not a vmcore (a "
				    "vmlinux in place of the dump?)", file,
				    get16(eh + 16, big));
	d->elf_machine = get16(eh + 18, big);
	if (is64) {
		phoff = get64(eh + 32, big);
		phentsize = get16(eh + 54, big);
		phnum = get16(eh + 56, big);
	} else {
		phoff = get32(eh + 28, big);
		phentsize = get16(eh + 42, big);
		phnum = get16(eh + 44, big);
	}
	if (phentsize != (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return error_create(ERR_FORMAT, "%s: e_phentsize %u is wrong "
				    "for ELF%d", file, phentsize,
				    is64 ? 64 : 32);
	if (phnum == PN_XNUM)
		return error_create(ERR_UNSUPPORTED, "%s: more than 65534 "
				    "program headers (PN_XNUM)", file);
	if (!phnum)
		return error_create(ERR_FORMAT, "%s: no program headers", file);

	for (i = 0; i < phnum; i++) {
		unsigned char raw[sizeof(Elf64_Phdr)];
		uint64_t at = phoff + i * phentsize;
		struct phdr ph;

		err = source_read(ed->src, at, raw, phentsize);
		if (err)
			return error_prefix(err, "program header %zu", i);
		get_phdr(raw, is64, big, &ph);
		if (ph.type == PT_NOTE) {
			nnote++;
			err = read_notes(d, ed, &ph);
		} else if (ph.type == PT_LOAD) {
			uint64_t data = ph.filesz < ph.memsz ? ph.filesz
							     : ph.memsz;

			nload++;
			memory += ph.memsz;
			err = dump_add_fact(d, "PT_LOAD", "paddr 0x%llx-0x%llx "
					    "vaddr 0x%llx offset 0x%llx filesz "
					    "0x%llx memsz 0x%llx",
					    (unsigned long long)ph.paddr,
					    (unsigned long long)(ph.paddr +
								 ph.memsz),
					    (unsigned long long)ph.vaddr,
					    (unsigned long long)ph.offset,
					    (unsigned long long)ph.filesz,
					    (unsigned long long)ph.memsz);
			if (err)
				return err;
			if (ph.paddr + ph.memsz < ph.paddr)
				return error_create(ERR_FORMAT, "%s: PT_LOAD at "
						    "file offset 0x%llx wraps "
						    "around the address space",
						    file, (unsigned long long)at);
			err = add_load(ed, &ph, data);
			if (!err && data && (ph.offset > ed->file_end ||
					     data > ed->file_end - ph.offset))
				err = dump_set_incomplete(d, "%s: PT_LOAD for "
					"physical 0x%llx-0x%llx needs file "
					"offsets up to 0x%llx, but the file "
					"ends at 0x%llx", file,
					(unsigned long long)ph.paddr,
					(unsigned long long)(ph.paddr + data),
					(unsigned long long)(ph.offset + data),
					(unsigned long long)ed->file_end);
		}
		if (err)
			return err;
	}
	err = rangemap_finalize(&ed->mem);
	if (!err && ed->src->cut_short)
		err = dump_set_incomplete(d, "%s: %s", file,
					  ed->src->cut_short);
	if (err)
		return err;
	if (!nload)
		return error_create(ERR_FORMAT, "%s: no PT_LOAD segments: no "
				    "memory in this dump", file);

	d->page_size = 4096;
	if (vmcoreinfo_number(d->vmcoreinfo, "PAGESIZE", &pagesize) &&
	    pagesize >= 1024 && !(pagesize & (pagesize - 1)))
		d->page_size = (uint32_t)pagesize;
	d->max_pfn = ed->mem.n ? (ed->mem.r[ed->mem.n - 1].end +
				  d->page_size - 1) / d->page_size : 0;
	snprintf(d->machine, sizeof(d->machine), "%s",
		 elf_machine_name(d->elf_machine));
	if (asprintf(&d->description, "ELF%d %s%s%s", is64 ? 64 : 32,
		     dump_find_note(d, "QEMU", 0, NULL) ?
		     "(QEMU dump-guest-memory)" : "vmcore",
		     strcmp(ed->src->kind, "file") ? ", " : "",
		     strcmp(ed->src->kind, "file") ? ed->src->kind : "") < 0) {
		d->description = NULL;
		return error_nomem();
	}
	if ((err = dump_add_fact(d, "ELF class", "ELF%d, %s-endian",
				 is64 ? 64 : 32, big ? "big" : "little")) ||
	    (err = dump_add_fact(d, "e_machine", "%u (%s)", d->elf_machine,
				 elf_machine_name(d->elf_machine))) ||
	    (err = dump_add_fact(d, "program headers", "%u at offset 0x%llx",
				 phnum, (unsigned long long)phoff)) ||
	    (err = dump_add_fact(d, "PT_LOAD segments", "%llu (%llu bytes of "
				 "memory)", (unsigned long long)nload,
				 (unsigned long long)memory)) ||
	    (err = dump_add_fact(d, "PT_NOTE segments", "%llu (%zu notes)",
				 (unsigned long long)nnote, d->nnotes)))
		return err;
	return NULL;
}

static struct error *elf_read(struct dump *d, uint64_t paddr, void *buf,
			      size_t len)
{
	struct elf_dump *ed = d->priv;
	unsigned char *out = buf;

	while (len) {
		const struct range *r = rangemap_find(&ed->mem, paddr);
		struct error *err;
		size_t n;

		if (!r)
			return error_create(ERR_HOLE, "physical address 0x%llx "
					    "is not in the dump (no PT_LOAD "
					    "segment holds it)",
					    (unsigned long long)paddr);
		n = r->end - paddr < len ? (size_t)(r->end - paddr) : len;
		if (r->kind == SEG_EXCLUDED) {
			if (!d->opts.zero_excluded)
				return error_create(ERR_EXCLUDED, "physical "
					"address 0x%llx: page excluded from "
					"the dump (PT_LOAD memsz beyond "
					"filesz)", (unsigned long long)paddr);
			memset(out, 0, n);
		} else {
			err = source_read(ed->src,
					  r->value + (paddr - r->start), out, n);
			if (err)
				return error_prefix(err, "physical address "
						    "0x%llx",
						    (unsigned long long)paddr);
		}
		out += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

/* The kind of a page frame that straddles ranges: the worst of its parts,
 * or 0 if part of it lies in a hole (then it is no whole page of the dump;
 * /proc/vmcore ends RAM where the firmware map does, e.g. at 0x9fc00). */
static uint32_t frame_kind(const struct elf_dump *ed, uint64_t pfn,
			   uint64_t ps)
{
	uint64_t pos = pfn * ps, end = pos + ps;
	uint32_t worst = SEG_DATA;

	while (pos < end) {
		const struct range *r = rangemap_find(&ed->mem, pos);

		if (!r)
			return 0;
		if (r->kind > worst)
			worst = r->kind;
		pos = r->end;
	}
	return worst;
}

static void add_count(struct page_counts *out, uint32_t kind, uint64_t n)
{
	if (kind == SEG_DATA)
		out->present += n;
	else if (kind == SEG_EXCLUDED)
		out->excluded += n;
	else if (kind == SEG_MISSING)
		out->missing += n;
}

static void elf_count_pages(struct dump *d, struct page_counts *out)
{
	struct elf_dump *ed = d->priv;
	uint64_t ps = d->page_size, last_partial = UINT64_MAX;
	size_t i;

	for (i = 0; i < ed->mem.n; i++) {
		const struct range *r = &ed->mem.r[i];
		uint64_t first = (r->start + ps - 1) / ps, last = r->end / ps;
		uint64_t edge[2] = { r->start / ps, r->end / ps };
		int k;

		/* Frames wholly inside the range are of its kind. */
		if (last > first)
			add_count(out, r->kind, last - first);
		/* A frame cut by either end is counted once, by its parts. */
		for (k = 0; k < 2; k++) {
			if ((k ? r->end : r->start) % ps == 0 ||
			    edge[k] == last_partial)
				continue;
			last_partial = edge[k];
			add_count(out, frame_kind(ed, edge[k], ps), 1);
		}
	}
}

static void elf_destroy(struct dump *d)
{
	struct elf_dump *ed = d->priv;

	rangemap_free(&ed->mem);
	source_close(ed->src);
	free(ed);
	d->priv = NULL;
}

const struct dump_format elf_dump_format = {
	.name = "ELF",
	.probe = elf_probe,
	.open = elf_open,
	.read = elf_read,
	.count_pages = elf_count_pages,
	.destroy = elf_destroy,
};
