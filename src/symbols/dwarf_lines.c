/* Source lines from the DWARF sections of a vmlinux: finding the sections,
 * the unit of an address, and a small cache of decoded line tables. */
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dwarf_aranges.h"
#include "dwarf_lines.h"
#include "dwarf_lines_read.h"
#include "vmlinux.h"

/* Line tables kept decoded.  A distribution kernel's take 8 KB on average
 * (200 KB at most) and decode in 50 us: eight cover a backtrace through a
 * few subsystems without holding on to much. */
#define CACHE_SIZE 8

struct cached {
	struct dwarf_line_table *table;	/* NULL: the slot is free */
	struct dwarf_cu cu;
	uint64_t last_use;
};

struct dwarf_lines {
	struct dwarf_lines_sections s;
	struct dwarf_aranges aranges;	/* from .debug_aranges */
	struct dwarf_aranges scanned;	/* units it does not list */
	bool scan_done;
	struct cached cache[CACHE_SIZE];
	uint64_t clock;
};

/*
 * What one page fault may map of a file: the kernel maps fault_around_bytes
 * (64 KiB) around it, and where the page cache holds large folios (ext4,
 * XFS, ... since Linux 6.x) the whole folio, up to a PMD (2 MiB on x86_64).
 * So one byte read can cost 2 MiB of RSS, and giving back a range means
 * giving back those windows too.
 */
#define FAULT_AROUND (2u << 20)

void dwarf_lines_drop(const struct dwarf_lines_sections *s, const void *p,
		      size_t len)
{
	uintptr_t lo = (uintptr_t)p, hi = lo + len;
	uintptr_t map_lo = (uintptr_t)s->map, map_hi = map_lo + s->map_size;
	uintptr_t page = sysconf(_SC_PAGESIZE);

	/* Sections libelf expanded live in its own memory, not the file's. */
	if (!s->droppable || !len || lo < map_lo || hi > map_hi)
		return;
	lo &= ~(uintptr_t)(FAULT_AROUND - 1);
	hi = (hi + FAULT_AROUND - 1) & ~(uintptr_t)(FAULT_AROUND - 1);
	map_lo = (map_lo + page - 1) & ~(page - 1);
	map_hi &= ~(page - 1);
	if (lo < map_lo)
		lo = map_lo;
	if (hi > map_hi)
		hi = map_hi;
	if (lo < hi)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/*
 * Dropping pages is only harmless on a mapping of a file that nothing
 * writes: they come back from the file.  libelf maps the vmlinux that way,
 * but falls back to reading it into anonymous memory when mmap fails, so
 * ask the kernel what the memory is.
 */
bool dwarf_lines_file_mapping(const void *p, size_t len)
{
	uintptr_t lo = (uintptr_t)p, hi = lo + len, covered = lo;
	char line[8192];	/* the longest path, with the numbers */
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, inode;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s %*s %*s %lu", &start, &end,
			   perms, &inode) != 4 || end <= covered ||
		    start > covered)
			continue;
		if (!inode || perms[1] == 'w')
			break;
		covered = end;
		if (covered >= hi)
			break;
	}
	fclose(f);
	return covered >= hi;
}

/* The bytes of section NAME, expanded if the file compresses it. */
static struct error *section(const struct vmlinux *vm, const char *name,
			     struct dwarf_lines_sec *out)
{
	const struct vmlinux_section *sec = vmlinux_section_by_name(vm, name);
	char zname[64];
	Elf_Scn *scn;
	Elf_Data *data;
	bool gnu = false;

	memset(out, 0, sizeof(*out));
	if (!sec) {
		/* The old GNU style: .zdebug_info, zlib with a header. */
		snprintf(zname, sizeof(zname), ".z%s", name + 1);
		sec = vmlinux_section_by_name(vm, zname);
		gnu = true;
	}
	if (!sec || sec->type == SHT_NOBITS || !sec->size)
		return NULL;
	if (!gnu && !(sec->flags & SHF_COMPRESSED)) {
		if (!sec->data)
			return NULL;
		out->data = sec->data;
		out->size = sec->size;
		return NULL;
	}
	scn = elf_getscn(vm->elf, sec->index);
	if (!scn || (gnu ? elf_compress_gnu(scn, 0, 0) :
			   elf_compress(scn, 0, 0)) < 0 ||
	    !(data = elf_getdata(scn, NULL)))
		return error_create(ERR_FORMAT, "%s: cannot expand the "
				    "compressed %s: %s", vm->path, sec->name,
				    elf_errmsg(-1));
	out->data = data->d_buf;
	out->size = data->d_size;
	return NULL;
}

struct error *dwarf_lines_open(const struct vmlinux *vm,
			       struct dwarf_lines **ret)
{
	static const struct {
		const char *name;
		size_t offset;
	} wanted[] = {
#define SEC(name, field) \
	{ name, offsetof(struct dwarf_lines_sections, field) }
		SEC(".debug_info", info),
		SEC(".debug_abbrev", abbrev),
		SEC(".debug_line", line),
		SEC(".debug_str", str),
		SEC(".debug_line_str", line_str),
		SEC(".debug_str_offsets", str_offsets),
		SEC(".debug_addr", addr),
		SEC(".debug_aranges", aranges),
		SEC(".debug_ranges", ranges),
		SEC(".debug_rnglists", rnglists),
#undef SEC
	};
	struct dwarf_lines_sections s = {
		.big_endian = vm->big_endian,
		.path = vm->path,
		.map = vm->map,
		.map_size = vm->map_size,
	};
	struct error *err;
	size_t i;

	*ret = NULL;
	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		err = section(vm, wanted[i].name,
			      (void *)((char *)&s + wanted[i].offset));
		if (err)
			return err;
	}
	if (!s.info.size || !s.abbrev.size || !s.line.size)
		return error_create(ERR_NOT_FOUND, "%s has no DWARF line "
				    "tables (.debug_info, .debug_abbrev, "
				    ".debug_line): no source lines",
				    vm->path);
	s.droppable = dwarf_lines_file_mapping(vm->map, vm->map_size);
	return dwarf_lines_open_sections(&s, ret);
}

struct error *dwarf_lines_open_sections(const struct dwarf_lines_sections *s,
					struct dwarf_lines **ret)
{
	struct dwarf_lines *dl = calloc(1, sizeof(*dl));
	struct error *err;

	*ret = NULL;
	if (!dl)
		return error_nomem();
	dl->s = *s;
	/* A damaged .debug_aranges is no worse than a missing one: the
	 * walk over the units finds what it would have said. */
	if (s->aranges.size) {
		err = dwarf_aranges_read(&dl->s, &dl->aranges);
		error_free(err);
		/* Read once into the table: its pages are not needed. */
		dwarf_lines_drop(&dl->s, s->aranges.data, s->aranges.size);
	}
	*ret = dl;
	return NULL;
}

void dwarf_lines_close(struct dwarf_lines *dl)
{
	size_t i;

	if (!dl)
		return;
	for (i = 0; i < CACHE_SIZE; i++)
		dwarf_line_table_free(dl->cache[i].table);
	dwarf_aranges_free(&dl->aranges);
	dwarf_aranges_free(&dl->scanned);
	free(dl);
}

static struct error *find_unit(struct dwarf_lines *dl, uint64_t addr,
			       uint64_t *cu_offset)
{
	struct error *err;

	if (dwarf_aranges_find(&dl->aranges, addr, cu_offset))
		return NULL;
	/* Once, on the first address .debug_aranges does not cover. */
	if (!dl->scan_done) {
		err = dwarf_aranges_scan(&dl->s, &dl->aranges, &dl->scanned);
		if (err)
			return err;
		dl->scan_done = true;
	}
	if (dwarf_aranges_find(&dl->scanned, addr, cu_offset))
		return NULL;
	return error_create(ERR_NOT_FOUND, "0x%llx: no compile unit holds it",
			    (unsigned long long)addr);
}

/* Decode the line table of the unit at CU_OFFSET into a cache slot. */
static struct error *load(struct dwarf_lines *dl, uint64_t cu_offset,
			  struct cached **ret)
{
	struct cached *slot = &dl->cache[0];
	struct dwarf_line_table *t;
	struct dwarf_cu cu;
	struct error *err;
	size_t i;

	err = dwarf_cu_read_header(&dl->s, cu_offset, &cu);
	if (!err)
		err = dwarf_cu_read_die(&dl->s, &cu);
	if (!err)
		err = dwarf_line_table_read(&dl->s, &cu, &t);
	if (err)
		return err;
	/* What was read to get here is decoded now, or never read again
	 * for this unit while it stays cached: give its pages back. */
	dwarf_lines_drop(&dl->s, dl->s.info.data + cu.offset,
			 cu.die_end - cu.offset);
	dwarf_lines_drop(&dl->s, dl->s.abbrev.data + cu.abbrev_offset,
			 cu.abbrev_end - cu.abbrev_offset);
	dwarf_lines_drop(&dl->s, dl->s.line.data + t->offset,
			 t->end - t->offset);
	for (i = 1; i < CACHE_SIZE; i++)
		if (!dl->cache[i].table ||
		    (slot->table && dl->cache[i].last_use < slot->last_use))
			slot = &dl->cache[i];
	dwarf_line_table_free(slot->table);
	slot->table = t;
	slot->cu = cu;
	*ret = slot;
	return NULL;
}

struct error *dwarf_lines_lookup(struct dwarf_lines *dl, uint64_t addr,
				 struct dwarf_line_info *info)
{
	const struct dwarf_line_row *row;
	const struct dwarf_line_file *file;
	struct cached *slot = NULL;
	uint64_t cu_offset;
	struct error *err;
	size_t i;

	err = find_unit(dl, addr, &cu_offset);
	if (err)
		return err;
	for (i = 0; i < CACHE_SIZE && !slot; i++)
		if (dl->cache[i].table && dl->cache[i].cu.offset == cu_offset)
			slot = &dl->cache[i];
	if (!slot) {
		err = load(dl, cu_offset, &slot);
		if (err)
			return err;
	}
	slot->last_use = ++dl->clock;
	row = dwarf_line_table_find(slot->table, addr);
	if (!row || row->file >= slot->table->nfiles)
		return error_create(ERR_NOT_FOUND, "0x%llx: no line "
				    "information", (unsigned long long)addr);
	file = &slot->table->files[row->file];
	*info = (struct dwarf_line_info){
		.dir = file->dir,
		.name = file->name,
		.comp_dir = slot->cu.comp_dir,
		.cu_name = slot->cu.name,
		.cu_offset = cu_offset,
		.row_addr = row->addr,
		.line = (int)row->line,
	};
	return NULL;
}
