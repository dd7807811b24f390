/* Writers of synthetic dumps for the unit tests; see synth_dump.h. */
#include <elf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "../../src/dump/dump.h"
#include "../../src/util/error.h"
#include "synth_dump.h"
#include "test.h"

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p) {
		fprintf(stderr, "synth_dump: out of memory\n");
		abort();
	}
	return p;
}

static uint64_t divup(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* ---- Files in memory ------------------------------------------------ */

void synth_file_free(struct synth_file *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f));
}

void synth_resize(struct synth_file *f, size_t size)
{
	if (size > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;

		while (cap < size)
			cap *= 2;
		f->data = realloc(f->data, cap);
		if (!f->data)
			abort();
		memset(f->data + f->cap, 0, cap - f->cap);
		f->cap = cap;
	}
	if (size < f->size)
		memset(f->data + size, 0, f->size - size);
	f->size = size;
}

void synth_put(struct synth_file *f, uint64_t off, const void *p, size_t len)
{
	if (!len)
		return;
	if (off + len > f->size)
		synth_resize(f, off + len);
	memcpy(f->data + off, p, len);
}

void synth_put_int(struct synth_file *f, uint64_t off, int width, uint64_t v,
		   bool big)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < width; i++)
		b[big ? width - 1 - i : i] = (unsigned char)(v >> (8 * i));
	synth_put(f, off, b, (size_t)width);
}

uint64_t synth_get_int(const struct synth_file *f, uint64_t off, int width,
		       bool big)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < width; i++)
		v |= (uint64_t)f->data[off + (big ? width - 1 - i : i)] << (8 * i);
	return v;
}

const char *synth_save(const struct synth_file *f, const char *name)
{
	static char paths[32][256];
	static int next;
	char *path = paths[next++ % 32];
	FILE *fp;

	snprintf(path, sizeof(paths[0]), "%s/%s", test_tmpdir(), name);
	fp = fopen(path, "wb");
	if (!fp || (f->size && fwrite(f->data, 1, f->size, fp) != f->size) ||
	    fclose(fp)) {
		perror(path);
		abort();
	}
	return path;
}

/* ---- The synthetic machine ------------------------------------------ */

uint8_t synth_byte(uint64_t paddr)
{
	uint64_t block = paddr >> 6, pfn = paddr >> 12;
	unsigned int o = paddr & 63;

	if (o < 8)
		return (uint8_t)((block * 0x9e3779b97f4a7c15ull + 0x1234567) >>
				 (8 * o));
	return (uint8_t)(((pfn * 37 + 1) | 1) ^ (o & 0x38));
}

void synth_fill(uint64_t paddr, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = synth_byte(paddr + i);
}

uint64_t synth_reg(int cpu, int reg)
{
	return 0xffff888000000000ull + ((uint64_t)cpu << 16) +
	       (uint64_t)reg * 8 + 1;
}

const char synth_vmcoreinfo[] =
	"OSRELEASE=6.1.0-synth\n"
	"BUILD-ID=0123456789abcdef0123456789abcdef01234567\n"
	"PAGESIZE=4096\n"
	"SYMBOL(init_uts_ns)=ffffffff82a1b2c0\n"
	"SYMBOL(swapper_pg_dir)=ffffffff8240a000\n"
	"OFFSET(list_head.next)=0\n"
	"OFFSET(task_struct.tasks)=2232\n"
	"SIZE(page)=64\n"
	"LENGTH(mem_section)=2048\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
	"NUMBER(x)=-1\n"
	"NUMBER(kimage_voffset)=0xffff800008000000\n"
	"KERNELOFFSET=1c000000\n"
	"CRASHTIME=1700000123\n";

/* ---- ELF notes ------------------------------------------------------ */

struct note_layout {
	uint64_t vmcoreinfo_note, vmcoreinfo_desc, vmcoreinfo_size;
};

static void add_note(struct synth_file *f, bool big, const char *name,
		     uint32_t type, const void *desc, uint32_t descsz)
{
	uint64_t at = f->size;
	uint32_t namesz = (uint32_t)strlen(name) + 1;

	synth_put_int(f, at, 4, namesz, big);
	synth_put_int(f, at + 4, 4, descsz, big);
	synth_put_int(f, at + 8, 4, type, big);
	synth_put(f, at + 12, name, namesz);
	at += 12 + divup(namesz, 4) * 4;
	synth_put(f, at, desc, descsz);
	synth_resize(f, at + divup(descsz, 4) * 4);
}

/* Per CPU a PRSTATUS (x86_64 layout) and maybe a QEMU note; then the
 * VMCOREINFO note, where the kernel puts it. */
static void build_notes(struct synth_file *f, bool big, int nr_cpus,
			bool qemu, const char *vmcoreinfo,
			struct note_layout *nl)
{
	int cpu, i;

	memset(nl, 0, sizeof(*nl));
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		struct synth_file d = { 0 };

		synth_resize(&d, SYNTH_PRSTATUS_SIZE);
		synth_put_int(&d, SYNTH_PR_PID, 4, SYNTH_PID(cpu), big);
		for (i = 0; i < SYNTH_NREGS; i++)
			synth_put_int(&d, SYNTH_PR_REG + 8 * i, 8,
				      synth_reg(cpu, i), big);
		add_note(f, big, "CORE", NT_PRSTATUS, d.data, (uint32_t)d.size);
		if (qemu) {
			synth_resize(&d, 0);
			synth_put_int(&d, 0, 4, 1, big);
			synth_put_int(&d, 4, 4, SYNTH_QEMU_NOTE_SIZE, big);
			for (i = 1; i < SYNTH_QEMU_NOTE_SIZE / 8; i++)
				synth_put_int(&d, 8 * i, 8,
					      synth_reg(cpu, 100 + i), big);
			add_note(f, big, "QEMU", 0, d.data, (uint32_t)d.size);
		}
		synth_file_free(&d);
	}
	if (vmcoreinfo) {
		nl->vmcoreinfo_note = f->size;
		nl->vmcoreinfo_desc = f->size + 12 + 12;  /* "VMCOREINFO\0" */
		nl->vmcoreinfo_size = strlen(vmcoreinfo);
		add_note(f, big, "VMCOREINFO", 0, vmcoreinfo,
			 (uint32_t)nl->vmcoreinfo_size);
	}
}

/* ---- ELF vmcores ---------------------------------------------------- */

#define PUT_EHDR(f, is64, field, v, big)				\
	synth_put_int(f, is64 ? offsetof(Elf64_Ehdr, field)		\
			      : offsetof(Elf32_Ehdr, field),		\
		      is64 ? (int)sizeof(((Elf64_Ehdr *)0)->field)	\
			   : (int)sizeof(((Elf32_Ehdr *)0)->field), v, big)
#define PUT_PHDR(f, at, is64, field, v, big)				\
	synth_put_int(f, (at) + (is64 ? offsetof(Elf64_Phdr, field)	\
				      : offsetof(Elf32_Phdr, field)),	\
		      is64 ? (int)sizeof(((Elf64_Phdr *)0)->field)	\
			   : (int)sizeof(((Elf32_Phdr *)0)->field), v, big)

static void put_phdr(struct synth_file *f, uint64_t at, bool is64, bool big,
		     uint32_t type, uint64_t off, uint64_t paddr,
		     uint64_t filesz, uint64_t memsz)
{
	uint64_t vaddr = is64 ? 0xffff888000000000ull + paddr
			      : (uint32_t)(0xc0000000u + paddr);

	PUT_PHDR(f, at, is64, p_type, type, big);
	PUT_PHDR(f, at, is64, p_flags, type == PT_LOAD ? PF_R | PF_W | PF_X : 0,
		 big);
	PUT_PHDR(f, at, is64, p_offset, off, big);
	PUT_PHDR(f, at, is64, p_vaddr, type == PT_LOAD ? vaddr : 0, big);
	PUT_PHDR(f, at, is64, p_paddr, paddr, big);
	PUT_PHDR(f, at, is64, p_filesz, filesz, big);
	PUT_PHDR(f, at, is64, p_memsz, memsz, big);
	PUT_PHDR(f, at, is64, p_align, type == PT_LOAD ? 0 : 4, big);
}

void synth_elf(const struct synth_elf_opts *o, struct synth_file *out,
	       struct synth_elf_layout *lay)
{
	bool is64 = o->elf_class != 32, big = o->big_endian;
	uint64_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	uint64_t phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	struct synth_file notes = { 0 };
	struct note_layout nl;
	uint16_t machine = o->machine ? o->machine
				      : big ? EM_PPC64 : EM_X86_64;
	bool has_notes;
	uint64_t pos, ph;
	size_t i, k;

	memset(out, 0, sizeof(*out));
	memset(lay, 0, sizeof(*lay));
	build_notes(&notes, big, o->nr_cpus, o->qemu_notes, o->vmcoreinfo, &nl);
	has_notes = notes.size > 0;

	synth_put(out, 0, ELFMAG, SELFMAG);
	out->data[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	out->data[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
	out->data[EI_VERSION] = EV_CURRENT;
	PUT_EHDR(out, is64, e_type, ET_CORE, big);
	PUT_EHDR(out, is64, e_machine, machine, big);
	PUT_EHDR(out, is64, e_version, EV_CURRENT, big);
	PUT_EHDR(out, is64, e_phoff, ehsize, big);
	PUT_EHDR(out, is64, e_ehsize, ehsize, big);
	PUT_EHDR(out, is64, e_phentsize, phsize, big);
	PUT_EHDR(out, is64, e_phnum, o->nsegs + has_notes, big);
	lay->phoff = ehsize;
	lay->phentsize = phsize;

	ph = ehsize;
	pos = ehsize + (o->nsegs + has_notes) * phsize;
	if (has_notes) {
		lay->note_offset = pos;
		lay->note_size = notes.size;
		if (o->vmcoreinfo)
			lay->vmcoreinfo_note = pos + nl.vmcoreinfo_note;
		put_phdr(out, ph, is64, big, PT_NOTE, pos, 0, notes.size, 0);
		synth_put(out, pos, notes.data, notes.size);
		pos += notes.size;
		ph += phsize;
	}
	synth_file_free(&notes);

	/* The data, with a few bytes of 0xee between segments, so reading
	 * from a wrong offset cannot pass for the pattern. */
	for (k = 0; k < o->nsegs; k++) {
		const struct synth_segment *s;
		unsigned char *buf;

		i = o->reverse_data ? o->nsegs - 1 - k : k;
		s = &o->segs[i];
		pos = divup(pos, 8) * 8 + 24;
		synth_resize(out, pos);
		memset(out->data + pos - 24, 0xee, 24);
		lay->seg_offset[i] = pos;
		buf = xmalloc(s->filesz);
		synth_fill(s->paddr, buf, s->filesz);
		synth_put(out, pos, buf, s->filesz);
		free(buf);
		pos += s->filesz;
	}
	for (i = 0; i < o->nsegs; i++) {
		const struct synth_segment *s = &o->segs[i];

		put_phdr(out, ph, is64, big, PT_LOAD, lay->seg_offset[i],
			 s->paddr, s->filesz,
			 s->memsz > s->filesz ? s->memsz : s->filesz);
		ph += phsize;
	}
}

/* ---- kdump-compressed ----------------------------------------------- */

enum synth_page synth_page_kind(const struct synth_kdump_opts *o,
				uint64_t pfn)
{
	return o->pages ? (enum synth_page)o->pages[pfn] : SYNTH_DATA;
}

uint8_t *synth_std_pages(uint64_t n)
{
	uint8_t *p = xmalloc(n);
	uint64_t pfn;

	for (pfn = 0; pfn < n; pfn++) {
		if (pfn % 11 == 3 || (pfn >= n / 3 && pfn < n / 3 + 20))
			p[pfn] = SYNTH_HOLE;
		else if (pfn % 7 == 2)
			p[pfn] = SYNTH_EXCLUDED;
		else if (pfn % 5 == 1)
			p[pfn] = SYNTH_ZERO;
		else
			p[pfn] = SYNTH_DATA;
	}
	return p;
}

static const uint32_t comp_flag[SYNTH_NCOMP] = { 0, 0x1, 0x2, 0x4, 0x20 };

/* Compress a page as makedumpfile does; if the result is no smaller than
 * the page, the page is stored raw.  Returns the method used. */
static int compress_page(int method, const unsigned char *page, size_t len,
			 unsigned char *out, size_t *outlen)
{
	static unsigned char lzo_work[LZO1X_1_MEM_COMPRESS];
	size_t cap = len * 2 + 4096;
	int ok = 0;

	*outlen = cap;
	switch (method) {
	case SYNTH_ZLIB: {
		uLongf n = cap;

		ok = compress2(out, &n, page, len, Z_BEST_SPEED) == Z_OK;
		*outlen = n;
		break;
	}
	case SYNTH_LZO: {
		lzo_uint n = cap;

		ok = lzo_init() == LZO_E_OK &&
		     lzo1x_1_compress(page, len, out, &n, lzo_work) == LZO_E_OK;
		*outlen = n;
		break;
	}
	case SYNTH_SNAPPY:
		ok = snappy_compress((const char *)page, len, (char *)out,
				     outlen) == SNAPPY_OK;
		break;
	case SYNTH_ZSTD:
		*outlen = ZSTD_compress(out, cap, page, len, 1);
		ok = !ZSTD_isError(*outlen);
		break;
	}
	if (ok && *outlen < len)
		return method;
	memcpy(out, page, len);
	*outlen = len;
	return SYNTH_NONE;
}

static void put_utsname(struct synth_file *f, int field, const char *s)
{
	synth_put(f, 12 + 65 * field, s, strlen(s));
}

static void put_header(const struct synth_kdump_opts *o, int ver,
		       const struct synth_kdump_layout *l, uint32_t status,
		       struct synth_file *f)
{
	uint64_t n = o->max_mapnr;
	bool big = o->big_endian;

	synth_put(f, 0, "KDUMP   ", 8);
	synth_put_int(f, 8, 4, (uint32_t)ver, big);
	put_utsname(f, 0, "Linux");
	put_utsname(f, 1, "synth");
	put_utsname(f, 2, "6.1.0-synth");
	put_utsname(f, 3, "#1 SMP PREEMPT_DYNAMIC");
	put_utsname(f, 4, big ? "ppc64" : "x86_64");
	put_utsname(f, 5, "(none)");
	synth_put_int(f, 408, 8, 1700000123, big);	/* tv_sec */
	synth_put_int(f, 416, 8, 456789, big);		/* tv_usec */
	synth_put_int(f, KDUMP_HEADER_STATUS, 4, status, big);
	synth_put_int(f, KDUMP_HEADER_BLOCK_SIZE, 4, l->block_size, big);
	synth_put_int(f, KDUMP_HEADER_SUB_HDR_SIZE, 4, l->sub_hdr_size, big);
	synth_put_int(f, KDUMP_HEADER_BITMAP_BLOCKS, 4, l->bitmap_blocks, big);
	synth_put_int(f, KDUMP_HEADER_MAX_MAPNR, 4,
		      n > UINT32_MAX ? UINT32_MAX : n, big);
	synth_put_int(f, 456, 4, o->nr_cpus > 1 ? 1 : 0, big); /* current */
	synth_put_int(f, KDUMP_HEADER_NR_CPUS, 4, (uint32_t)o->nr_cpus, big);
}

/* The sub header: each field only from the version that has it, or junk
 * if asked, as an older writer's would be undefined there. */
static void put_sub_header(const struct synth_kdump_opts *o, int ver,
			   const struct synth_kdump_layout *l, bool split,
			   struct synth_file *f)
{
	uint64_t at = l->block_size;
	bool junk = o->junk_beyond_version, big = o->big_endian;

#define SUB(field, width, since, v)					\
	do {								\
		if (ver >= (since))					\
			synth_put_int(f, at + (field), width, v, big);	\
		else if (junk)						\
			synth_put_int(f, at + (field), width,		\
				      0xdeadbeefdead0000ull | (field), big); \
	} while (0)
	SUB(KDUMP_SUB_PHYS_BASE, 8, 1, o->phys_base);
	SUB(KDUMP_SUB_DUMP_LEVEL, 4, 1, (uint32_t)o->dump_level);
	SUB(KDUMP_SUB_SPLIT, 4, 2, split);
	SUB(KDUMP_SUB_START_PFN, 8, 2, split ? l->start_pfn : 0);
	SUB(KDUMP_SUB_END_PFN, 8, 2, split ? l->end_pfn : 0);
	SUB(KDUMP_SUB_OFFSET_VMCOREINFO, 8, 3, l->vmcoreinfo_offset);
	SUB(KDUMP_SUB_SIZE_VMCOREINFO, 8, 3, l->vmcoreinfo_size);
	SUB(KDUMP_SUB_OFFSET_NOTE, 8, 4, l->note_offset);
	SUB(KDUMP_SUB_SIZE_NOTE, 8, 4, l->note_size);
	SUB(KDUMP_SUB_OFFSET_ERASEINFO, 8, 5, 0);
	SUB(KDUMP_SUB_SIZE_ERASEINFO, 8, 5, 0);
	SUB(KDUMP_SUB_START_PFN_64, 8, 6, split ? l->start_pfn : 0);
	SUB(KDUMP_SUB_END_PFN_64, 8, 6, split ? l->end_pfn : 0);
	SUB(KDUMP_SUB_MAX_MAPNR_64, 8, 6, o->max_mapnr);
#undef SUB
}

/* Header, sub header (with notes or VMCOREINFO after it), bitmaps. */
static void put_headers(const struct synth_kdump_opts *o, int ver,
			bool split, struct synth_kdump_layout *l,
			struct synth_file *f)
{
	struct synth_file notes = { 0 };
	struct note_layout nl;
	uint64_t bs = l->block_size, half, pfn, extra = KDUMP_SUB_SIZE;
	uint32_t status = 0;

	if (ver >= 4 && o->notes) {
		build_notes(&notes, o->big_endian, o->nr_cpus, false,
			    o->vmcoreinfo, &nl);
		l->note_offset = bs + KDUMP_SUB_SIZE;
		l->note_size = notes.size;
		if (o->vmcoreinfo) {
			l->vmcoreinfo_offset = l->note_offset +
					       nl.vmcoreinfo_desc;
			l->vmcoreinfo_size = nl.vmcoreinfo_size;
		}
		synth_put(f, l->note_offset, notes.data, notes.size);
		extra += notes.size;
	} else if (ver >= 3 && o->vmcoreinfo) {
		/* As makedumpfile wrote it before it kept the notes. */
		l->vmcoreinfo_offset = bs + KDUMP_SUB_SIZE;
		l->vmcoreinfo_size = strlen(o->vmcoreinfo);
		synth_put(f, l->vmcoreinfo_offset, o->vmcoreinfo,
			  l->vmcoreinfo_size);
		extra += l->vmcoreinfo_size;
	}
	synth_file_free(&notes);
	l->sub_hdr_size = divup(extra, bs);
	half = divup(divup(o->max_mapnr, 8), bs) * bs;
	l->bitmap_blocks = 2 * half / bs;
	l->bitmap1 = (1 + l->sub_hdr_size) * bs;
	l->bitmap2 = l->bitmap1 + half;
	l->desc = l->bitmap2 + half;
	synth_resize(f, l->desc);
	for (pfn = 0; pfn < o->max_mapnr; pfn++) {
		enum synth_page k = synth_page_kind(o, pfn);

		if (k != SYNTH_HOLE)
			f->data[l->bitmap1 + pfn / 8] |= 1 << (pfn % 8);
		if (k == SYNTH_DATA || k == SYNTH_ZERO) {
			f->data[l->bitmap2 + pfn / 8] |= 1 << (pfn % 8);
			l->ndesc++;
		}
		if (k == SYNTH_EXCLUDED)
			l->excluded++;
	}
	l->data = l->desc + l->ndesc * KDUMP_PD_SIZE;
	if (o->incomplete)
		status |= KDUMP_STATUS_INCOMPLETE;
	status |= comp_flag[o->comp == SYNTH_MIXED ? SYNTH_ZLIB : o->comp];
	put_header(o, ver, l, status, f);
	put_sub_header(o, ver, l, split, f);
}

/* One file of a dump: everything but the pages outside [start, end). */
static void build_kdump(const struct synth_kdump_opts *o, uint64_t start,
			uint64_t end, bool split, struct synth_file *f,
			struct synth_kdump_layout *l)
{
	int ver = o->header_version ? o->header_version : 6;
	bool big = o->big_endian;
	uint64_t bs, pfn, idx = 0, ndata = 0, i, pos;
	uint64_t *data_pfns;
	unsigned char *page, *out;
	bool any_zero = false;

	memset(f, 0, sizeof(*f));
	memset(l, 0, sizeof(*l));
	l->block_size = bs = o->block_size ? o->block_size : 4096;
	l->start_pfn = start;
	l->end_pfn = end;
	l->pd = xmalloc(o->max_mapnr * sizeof(*l->pd));
	for (pfn = 0; pfn < o->max_mapnr; pfn++) {
		l->pd[pfn] = (struct synth_pd){ -1, -1, 0, 0 };
		any_zero |= synth_page_kind(o, pfn) == SYNTH_ZERO;
	}
	put_headers(o, ver, split, l, f);

	/* makedumpfile writes the shared zero page first when zero pages
	 * are excluded (in every part of a split set). */
	pos = l->data;
	if (any_zero) {
		l->zero_page = pos;
		synth_resize(f, pos + bs);
		pos += bs;
	}
	/* Descriptors of this file's pages fill the table from its start;
	 * the data follows the room for every page of the whole dump. */
	data_pfns = xmalloc(o->max_mapnr * sizeof(*data_pfns));
	for (pfn = start; pfn < end; pfn++) {
		enum synth_page k = synth_page_kind(o, pfn);
		struct synth_pd *pd = &l->pd[pfn];

		if (k != SYNTH_DATA && k != SYNTH_ZERO)
			continue;
		pd->desc_off = (int64_t)(l->desc + idx * KDUMP_PD_SIZE);
		if (o->incomplete && idx >= o->incomplete_from) {
			pd->offset = 0;		/* left zero */
			l->missing++;
		} else if (k == SYNTH_ZERO) {
			pd->offset = (int64_t)l->zero_page;
			pd->size = (uint32_t)bs;
			l->zero++;
		} else {
			data_pfns[ndata++] = pfn;
		}
		idx++;
	}
	synth_resize(f, pos > l->data ? pos : l->data);
	page = xmalloc(bs);
	out = xmalloc(bs * 2 + 4096);
	for (i = 0; i < ndata; i++) {
		int m;
		size_t n;

		uint64_t nth = o->reverse_data ? ndata - 1 - i : i;

		/* Mixed: the methods in turn, by place in pfn order. */
		pfn = data_pfns[nth];
		m = o->comp == SYNTH_MIXED ? (int)(nth % SYNTH_NCOMP)
					   : (int)o->comp;
		synth_fill(pfn * bs, page, bs);
		m = compress_page(m, page, bs, out, &n);
		l->pd[pfn].offset = (int64_t)pos;
		l->pd[pfn].size = (uint32_t)n;
		l->pd[pfn].flags = comp_flag[m];
		l->stored[m]++;
		l->present++;
		synth_put(f, pos, out, n);
		pos += n;
	}
	for (pfn = start; pfn < end; pfn++) {
		struct synth_pd *pd = &l->pd[pfn];

		if (pd->desc_off < 0 || !pd->offset)
			continue;
		synth_put_int(f, pd->desc_off, 8, (uint64_t)pd->offset, big);
		synth_put_int(f, pd->desc_off + 8, 4, pd->size, big);
		synth_put_int(f, pd->desc_off + 12, 4, pd->flags, big);
		synth_put_int(f, pd->desc_off + 16, 8, 0, big);
	}
	free(page);
	free(out);
	free(data_pfns);
}

void synth_kdump(const struct synth_kdump_opts *o, struct synth_file *out,
		 struct synth_kdump_layout *lay)
{
	build_kdump(o, 0, o->max_mapnr, false, out, lay);
}

/*
 * What makedumpfile --split writes (makedumpfile.c, writeout_multiple_
 * dumpfiles() forking a writeout_dumpfile() per part): each part has the
 * full header and sub header (split = 1, start_pfn/end_pfn and their _64
 * twins for its range), both bitmaps whole for all of [0, max_mapnr), and
 * the descriptor table sized for every dumpable page of the whole dump
 * (info->num_dumpable, counted before the split), but only its own range's
 * descriptors are written, from the start of the table; the data starts
 * after the full-size table, with the shared zero page first if zero pages
 * are excluded.  The ranges are contiguous from 0 to max_mapnr.
 */
void synth_kdump_split(const struct synth_kdump_opts *o, int nparts,
		       const uint64_t *bounds, struct synth_file *out,
		       struct synth_kdump_layout *lay)
{
	int i;

	for (i = 0; i < nparts; i++)
		build_kdump(o, bounds[i], bounds[i + 1], true, &out[i],
			    &lay[i]);
}

void synth_kdump_layout_free(struct synth_kdump_layout *lay)
{
	free(lay->pd);
	lay->pd = NULL;
}

/* ---- Flattened ------------------------------------------------------ */

static void flat_record(struct synth_file *out, int64_t off, int64_t size,
			const void *data)
{
	uint64_t at = out->size;

	synth_put_int(out, at, 8, (uint64_t)off, true);
	synth_put_int(out, at + 8, 8, (uint64_t)size, true);
	if (size > 0)
		synth_put(out, at + 16, data, (size_t)size);
}

static bool all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

void synth_flatten(const struct synth_file *in,
		   const struct synth_flat_opts *o, struct synth_file *out)
{
	size_t rs = o->record_size ? o->record_size : 4096;
	size_t nrec = divup(in->size, rs), i, k;

	memset(out, 0, sizeof(*out));
	synth_resize(out, 4096);
	memcpy(out->data, "makedumpfile", 12);
	synth_put_int(out, 16, 8, 1, true);	/* type */
	synth_put_int(out, 24, 8, 1, true);	/* version */

	if (o->rewrite && in->size > 2 * rs) {
		/* Junk over a range not on record boundaries, and over the
		 * file's last bytes; both rewritten below. */
		unsigned char *junk = xmalloc(rs + rs / 2);
		size_t tail = in->size < 100 ? in->size : 100;

		memset(junk, 0xbd, rs + rs / 2);
		flat_record(out, (int64_t)(rs / 2), (int64_t)(rs + rs / 2),
			    junk);
		flat_record(out, (int64_t)(in->size - tail), (int64_t)tail,
			    junk);
		free(junk);
	}
	for (k = 0; k < nrec; k++) {
		size_t len;

		/* Scrambled: the odd records backwards, then the even ones
		 * forwards. */
		i = k;
		if (o->out_of_order) {
			size_t nodd = nrec / 2;

			i = k < nodd ? 2 * (nodd - k) - 1 : 2 * (k - nodd);
		}
		len = in->size - i * rs < rs ? in->size - i * rs : rs;
		if (o->skip_zero_records && i != nrec - 1 &&
		    all_zero(in->data + i * rs, len))
			continue;
		flat_record(out, (int64_t)(i * rs), (int64_t)len,
			    in->data + i * rs);
	}
	if (!o->no_end_marker)
		flat_record(out, -1, -1, NULL);
}

/* ---- Checking ------------------------------------------------------- */

struct dump *synth_open_at(const char *file, int line, const char *const *paths,
			   int n, const struct dump_options *opts)
{
	struct dump *d = NULL;
	struct error *err = dump_open(paths, n, opts, &d);

	if (err) {
		test_fail(file, line, "opening %s: %s", paths[0], err->message);
		error_free(err);
		return NULL;
	}
	return d;
}

void synth_check_phys_at(const char *file, int line, struct dump *d,
			 uint64_t paddr, size_t len, bool zeros)
{
	unsigned char *buf = xmalloc(len);
	struct error *err;
	size_t i;

	memset(buf, 0x5c, len);
	err = dump_read_phys(d, paddr, buf, len);
	if (err) {
		test_fail(file, line, "read 0x%" PRIx64 "+0x%zx: %s", paddr, len,
			  err->message);
		error_free(err);
		free(buf);
		return;
	}
	for (i = 0; i < len; i++) {
		uint8_t want = zeros ? 0 : synth_byte(paddr + i);

		if (buf[i] != want) {
			test_fail(file, line, "read 0x%" PRIx64 "+0x%zx: byte at "
				  "0x%" PRIx64 " is 0x%02x, not 0x%02x", paddr,
				  len, paddr + i, buf[i], want);
			break;
		}
	}
	free(buf);
}

void synth_check_read_err_at(const char *file, int line, struct dump *d,
			     uint64_t paddr, size_t len, int code)
{
	unsigned char *buf = xmalloc(len);
	struct error *err = dump_read_phys(d, paddr, buf, len);

	if (!err)
		test_fail(file, line, "read 0x%" PRIx64 "+0x%zx succeeded, "
			  "expected %s", paddr, len,
			  error_code_name((enum error_code)code));
	else if ((int)err->code != code)
		test_fail(file, line, "read 0x%" PRIx64 "+0x%zx: got \"%s\" "
			  "(%s), expected %s", paddr, len, err->message,
			  error_code_name(err->code),
			  error_code_name((enum error_code)code));
	error_free(err);
	free(buf);
}

static bool names_a_file(const char *msg, const char *const *paths, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strstr(msg, paths[i]))
			return true;
	return false;
}

void synth_check_open_err_at(const char *file, int line,
			     const char *const *paths, int n, int code)
{
	struct dump *d = NULL;
	struct error *err = dump_open(paths, n, NULL, &d);

	if (!err) {
		test_fail(file, line, "opening %s succeeded, expected %s",
			  paths[0], error_code_name((enum error_code)code));
		dump_close(d);
		return;
	}
	if ((int)err->code != code)
		test_fail(file, line, "opening %s: got \"%s\" (%s), expected %s",
			  paths[0], err->message, error_code_name(err->code),
			  error_code_name((enum error_code)code));
	if (!names_a_file(err->message, paths, n))
		test_fail(file, line, "error \"%s\" does not name the file",
			  err->message);
	error_free(err);
}

void synth_check_bad_at(const char *file, int line, const char *const *paths,
			int n, uint64_t paddr, size_t len, unsigned codes)
{
	struct dump *d = NULL;
	struct error *err = dump_open(paths, n, NULL, &d);
	const char *when = "opening";
	unsigned char *buf;

	if (!err) {
		if (!len) {
			test_fail(file, line, "opening %s succeeded; expected "
				  "an error", paths[0]);
			dump_close(d);
			return;
		}
		buf = xmalloc(len);
		err = dump_read_phys(d, paddr, buf, len);
		free(buf);
		dump_close(d);
		when = "reading";
		if (!err) {
			test_fail(file, line, "opening %s and reading 0x%"
				  PRIx64 "+0x%zx succeeded; expected an error",
				  paths[0], paddr, len);
			return;
		}
	}
	if (err->code >= 32 || !(codes & SYNTH_CODE(err->code)))
		test_fail(file, line, "%s %s: unexpected code %s: %s", when,
			  paths[0], error_code_name(err->code), err->message);
	if (!names_a_file(err->message, paths, n))
		test_fail(file, line, "%s %s: error \"%s\" does not name the "
			  "file", when, paths[0], err->message);
	error_free(err);
}

/* ---- Checking whole dumps ------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

enum { ST_HOLE, ST_DATA, ST_EXCLUDED, ST_CUT };

/* What an ELF vmcore written from o and cut to size bytes has at a. */
static int elf_state(const struct synth_elf_opts *o,
		     const struct synth_elf_layout *lay, uint64_t size,
		     uint64_t a)
{
	int st = ST_HOLE;
	size_t i;

	for (i = 0; i < o->nsegs; i++) {
		const struct synth_segment *s = &o->segs[i];

		if (a >= s->paddr && a < s->paddr + s->filesz)
			return lay->seg_offset[i] + (a - s->paddr) < size
			       ? ST_DATA : ST_CUT;
		if (a >= s->paddr && a < s->paddr + s->memsz)
			st = ST_EXCLUDED;
	}
	return st;
}

static const int state_code[] = {
	[ST_HOLE] = ERR_HOLE, [ST_EXCLUDED] = ERR_EXCLUDED,
	[ST_CUT] = ERR_TRUNCATED,
};

static void check_interval(const char *file, int line, struct dump *d,
			   int st, uint64_t a, uint64_t b)
{
	if (st == ST_DATA) {
		synth_check_phys_at(file, line, d, a, b - a, false);
		synth_check_phys_at(file, line, d, b - 1, 1, false);
	} else if (st == ST_EXCLUDED && d->opts.zero_excluded) {
		synth_check_phys_at(file, line, d, a, b - a, true);
	} else {
		synth_check_read_err_at(file, line, d, a, b - a,
					state_code[st]);
		synth_check_read_err_at(file, line, d, b - 1, 1,
					state_code[st]);
	}
}

void synth_check_elf_at(const char *file, int line, struct dump *d,
			const struct synth_elf_opts *o,
			const struct synth_elf_layout *lay, uint64_t size)
{
	uint64_t *b = xmalloc((4 * o->nsegs + 2) * sizeof(*b));
	uint64_t ps = d->page_size, pfn, end = 0;
	struct page_counts want = { 0 }, got;
	size_t i, n = 0;

	b[n++] = 0;
	for (i = 0; i < o->nsegs; i++) {
		const struct synth_segment *s = &o->segs[i];
		uint64_t m = s->memsz > s->filesz ? s->memsz : s->filesz;

		b[n++] = s->paddr;
		b[n++] = s->paddr + s->filesz;
		b[n++] = s->paddr + m;
		if (lay->seg_offset[i] < size &&
		    size - lay->seg_offset[i] < s->filesz)
			b[n++] = s->paddr + (size - lay->seg_offset[i]);
		if (s->paddr + m > end)
			end = s->paddr + m;
	}
	b[n++] = end + 3 * ps;
	qsort(b, n, sizeof(*b), cmp_u64);
	for (i = 0; i + 1 < n; i++) {
		int st = elf_state(o, lay, size, b[i]), next;

		if (b[i] == b[i + 1])
			continue;
		check_interval(file, line, d, st, b[i], b[i + 1]);
		/* A read running from data into something else fails as
		 * that something. */
		next = elf_state(o, lay, size, b[i + 1]);
		if (st == ST_DATA && next != ST_DATA &&
		    !(next == ST_EXCLUDED && d->opts.zero_excluded))
			synth_check_read_err_at(file, line, d, b[i + 1] - 1,
						16, state_code[next]);
	}
	free(b);

	if (d->max_pfn != divup(end, ps))
		test_fail(file, line, "max_pfn 0x%" PRIx64 ", expected 0x%"
			  PRIx64, d->max_pfn, divup(end, ps));
	/* Only whole page frames count (one with a hole in it is no page
	 * of the dump), each as its worst byte: cut, excluded, then data. */
	for (pfn = 0; pfn < divup(end, ps); pfn++) {
		bool seen[4] = { false };
		uint64_t a;

		for (a = pfn * ps; a < (pfn + 1) * ps; a++)
			seen[elf_state(o, lay, size, a)] = true;
		if (seen[ST_HOLE])
			continue;
		if (seen[ST_CUT])
			want.missing++;
		else if (seen[ST_EXCLUDED])
			want.excluded++;
		else
			want.present++;
	}
	dump_count_pages(d, &got);
	if (memcmp(&want, &got, sizeof(want)))
		test_fail(file, line, "page counts present %" PRIu64 " zero %"
			  PRIu64 " excluded %" PRIu64 " missing %" PRIu64
			  ", expected %" PRIu64 " %" PRIu64 " %" PRIu64 " %"
			  PRIu64, got.present, got.zero, got.excluded,
			  got.missing, want.present, want.zero, want.excluded,
			  want.missing);
}

/* Which of the files holds pfn. */
static const struct synth_kdump_layout *part_for(
	const struct synth_kdump_layout *lays, int n, uint64_t pfn, int *idx)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pfn >= lays[i].start_pfn && pfn < lays[i].end_pfn) {
			*idx = i;
			return &lays[i];
		}
	}
	return NULL;
}

void synth_check_kdump_at(const char *file, int line, struct dump *d,
			  const struct synth_kdump_opts *o,
			  const struct synth_kdump_layout *lays,
			  const size_t *sizes, int nfiles)
{
	uint64_t ps = lays[0].block_size, pfn, run = 0;
	struct page_counts want = { 0 }, got;

	if (d->page_size != ps || d->max_pfn != o->max_mapnr)
		test_fail(file, line, "page size %u, max_pfn 0x%" PRIx64
			  ", expected %" PRIu64 ", 0x%" PRIx64, d->page_size,
			  d->max_pfn, ps, o->max_mapnr);
	for (pfn = 0; pfn < o->max_mapnr; pfn++) {
		enum synth_page k = synth_page_kind(o, pfn);
		const struct synth_kdump_layout *l;
		const struct synth_pd *pd;
		uint64_t a = pfn * ps;
		int i = 0;
		bool cut;

		if (k == SYNTH_HOLE) {
			synth_check_read_err_at(file, line, d, a, ps, ERR_HOLE);
			run = 0;
			continue;
		}
		if (k == SYNTH_EXCLUDED) {
			want.excluded++;
			if (d->opts.zero_excluded)
				synth_check_phys_at(file, line, d, a, ps, true);
			else
				synth_check_read_err_at(file, line, d, a, ps,
							ERR_EXCLUDED);
			run = 0;
			continue;
		}
		l = part_for(lays, nfiles, pfn, &i);
		pd = &l->pd[pfn];
		cut = !pd->offset ||
		      (uint64_t)pd->desc_off + KDUMP_PD_SIZE > sizes[i] ||
		      (uint64_t)pd->offset + pd->size > sizes[i];
		if (cut) {
			want.missing++;
			synth_check_read_err_at(file, line, d, a, ps,
						ERR_TRUNCATED);
			run = 0;
			continue;
		}
		if (k == SYNTH_ZERO) {
			want.zero++;
			synth_check_phys_at(file, line, d, a, ps, true);
			run = 0;
			continue;
		}
		want.present++;
		/* Twice (the second from the cache), and a read from the
		 * middle of the previous page if that was data too. */
		synth_check_phys_at(file, line, d, a, ps, false);
		synth_check_phys_at(file, line, d, a + 3, ps - 5, false);
		if (run)
			synth_check_phys_at(file, line, d, a - ps / 2 - 1, ps,
					    false);
		run++;
	}
	synth_check_read_err_at(file, line, d, o->max_mapnr * ps, 1, ERR_HOLE);
	dump_count_pages(d, &got);
	if (memcmp(&want, &got, sizeof(want)))
		test_fail(file, line, "page counts present %" PRIu64 " zero %"
			  PRIu64 " excluded %" PRIu64 " missing %" PRIu64
			  ", expected %" PRIu64 " %" PRIu64 " %" PRIu64 " %"
			  PRIu64, got.present, got.zero, got.excluded,
			  got.missing, want.present, want.zero, want.excluded,
			  want.missing);
}
