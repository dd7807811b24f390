/* Private to the source-line reader (dwarf_lines*.c, dwarf_aranges*.c): the
 * DWARF sections it reads, a bounds-checked cursor over them, and the few
 * facts of a compile unit that finding its line table needs.
 *
 * Everything reads the section bytes in place: nothing is decoded before a
 * lookup asks for it, so a lookup costs the pages of one unit, not the
 * hundreds of megabytes of a kernel's DWARF. */
#ifndef CRASH_DWARF_LINES_READ_H
#define CRASH_DWARF_LINES_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/endian.h"
#include "../util/error.h"

struct dwarf_lines_sec {
	const uint8_t *data;
	size_t size;		/* 0: the file has no such section */
};

/* The sections a lookup may read; only info, abbrev and line are needed. */
struct dwarf_lines_sections {
	struct dwarf_lines_sec info, abbrev, line, str, line_str, str_offsets,
		addr, aranges, ranges, rnglists;
	bool big_endian;
	const char *path;	/* the file, for messages */
	/* The sections are a read-only private mapping of the file: pages
	 * read once may be given back (see dwarf_lines_drop). */
	const uint8_t *map;
	size_t map_size;
	bool droppable;
};

/*
 * A cursor over [start, end).  A read past the end sets overrun and yields
 * zeros, so a decoder can read a whole record and check once; loops must
 * test overrun to stop on damaged data.
 */
struct dwarf_cursor {
	const uint8_t *start, *p, *end;
	bool big;
	bool overrun;
};

static inline void dwarf_cursor_init(struct dwarf_cursor *c,
				     const uint8_t *data, size_t size,
				     bool big)
{
	c->start = c->p = data;
	c->end = data + size;
	c->big = big;
	c->overrun = false;
}

/* Offset of the cursor from the start of its data. */
static inline uint64_t dwarf_cursor_pos(const struct dwarf_cursor *c)
{
	return c->p - c->start;
}

static inline size_t dwarf_cursor_left(const struct dwarf_cursor *c)
{
	return c->overrun ? 0 : (size_t)(c->end - c->p);
}

static inline bool dwarf_cursor_need(struct dwarf_cursor *c, uint64_t n)
{
	if (c->overrun || n > (uint64_t)(c->end - c->p)) {
		c->overrun = true;
		return false;
	}
	return true;
}

static inline void dwarf_skip(struct dwarf_cursor *c, uint64_t n)
{
	if (dwarf_cursor_need(c, n))
		c->p += n;
}

static inline uint8_t dwarf_u8(struct dwarf_cursor *c)
{
	return dwarf_cursor_need(c, 1) ? *c->p++ : 0;
}

static inline uint16_t dwarf_u16(struct dwarf_cursor *c)
{
	uint16_t v = 0;

	if (dwarf_cursor_need(c, 2)) {
		v = get16(c->p, c->big);
		c->p += 2;
	}
	return v;
}

static inline uint32_t dwarf_u32(struct dwarf_cursor *c)
{
	uint32_t v = 0;

	if (dwarf_cursor_need(c, 4)) {
		v = get32(c->p, c->big);
		c->p += 4;
	}
	return v;
}

static inline uint64_t dwarf_u64(struct dwarf_cursor *c)
{
	uint64_t v = 0;

	if (dwarf_cursor_need(c, 8)) {
		v = get64(c->p, c->big);
		c->p += 8;
	}
	return v;
}

/* An unsigned integer of 1 to 8 bytes (addresses, strx3, ...). */
static inline uint64_t dwarf_uint(struct dwarf_cursor *c, unsigned int size)
{
	uint64_t v = 0;
	unsigned int i;

	if (size < 1 || size > 8) {
		c->overrun = true;
		return 0;
	}
	if (!dwarf_cursor_need(c, size))
		return 0;
	for (i = 0; i < size; i++) {
		unsigned int shift = c->big ? 8 * (size - 1 - i) : 8 * i;

		v |= (uint64_t)c->p[i] << shift;
	}
	c->p += size;
	return v;
}

/* A section offset: 4 bytes, or 8 in 64-bit DWARF. */
static inline uint64_t dwarf_offset(struct dwarf_cursor *c, bool is64)
{
	return is64 ? dwarf_u64(c) : dwarf_u32(c);
}

static inline uint64_t dwarf_uleb(struct dwarf_cursor *c)
{
	uint64_t v = 0;
	unsigned int shift = 0;

	while (dwarf_cursor_need(c, 1)) {
		uint8_t b = *c->p++;

		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
	return 0;
}

static inline int64_t dwarf_sleb(struct dwarf_cursor *c)
{
	uint64_t v = 0;
	unsigned int shift = 0;

	while (dwarf_cursor_need(c, 1)) {
		uint8_t b = *c->p++;

		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				v |= ~(uint64_t)0 << shift;
			return (int64_t)v;
		}
	}
	return 0;
}

/* A NUL-terminated string in place; NULL (and overrun) if it is not
 * terminated before the end. */
const char *dwarf_cstr(struct dwarf_cursor *c);

/*
 * An initial length field: the length of what follows it, and whether the
 * record is 64-bit DWARF.  False for the reserved values 0xfffffff0 to
 * 0xfffffffe (or a short read).
 */
bool dwarf_initial_length(struct dwarf_cursor *c, uint64_t *len, bool *is64);

/* The NUL-terminated string at OFF of section S, or NULL. */
const char *dwarf_sec_str(const struct dwarf_lines_sec *s, uint64_t off);

/* What a lookup needs of a compile unit: its header and the attributes of
 * its first DIE. */
struct dwarf_cu {
	uint64_t offset;	/* of the unit header in .debug_info */
	uint64_t end;		/* one past the unit */
	uint64_t die_offset;	/* of the unit DIE */
	uint64_t die_end;	/* one past its attributes, once read */
	uint64_t abbrev_offset;
	uint64_t abbrev_end;	/* one past its abbreviation, once read */
	uint16_t version;
	uint8_t unit_type;	/* DW_UT_*; DWARF 2-4 units: DW_UT_compile */
	uint8_t addr_size;
	bool is64;

	/* From the unit DIE. */
	uint64_t tag;
	const char *name, *comp_dir;	/* NULL when absent */
	bool has_stmt_list;
	uint64_t stmt_list;		/* offset in .debug_line */
	uint64_t str_offsets_base;
	/* The unit's addresses, for the scan without .debug_aranges. */
	bool has_low_pc, has_high_pc, high_pc_is_offset, has_ranges;
	bool ranges_is_index;		/* DW_FORM_rnglistx */
	uint64_t low_pc, high_pc, ranges;
	uint64_t addr_base, rnglists_base;
};

/* The header of the unit at OFFSET of .debug_info (version 2 to 5); no DIE
 * is read.  cu->end says where the next unit starts. */
struct error *dwarf_cu_read_header(const struct dwarf_lines_sections *s,
				   uint64_t offset, struct dwarf_cu *cu);
/* Decode the unit DIE of CU (its header read) through its abbreviation. */
struct error *dwarf_cu_read_die(const struct dwarf_lines_sections *s,
				struct dwarf_cu *cu);

/* The string of a string-class attribute: DW_FORM_string (*inplace),
 * strp, line_strp, strx*; NULL if it cannot be read. */
const char *dwarf_form_str(const struct dwarf_lines_sections *s,
			   const struct dwarf_cu *cu, uint64_t form,
			   uint64_t value, const char *inplace);

/* The value of one attribute of form FORM at C: an integer (constant,
 * offset, index, reference or address) in *value, or for DW_FORM_string a
 * pointer in *str.  Blocks are skipped.  False for an unknown form. */
bool dwarf_form_read(struct dwarf_cursor *c, const struct dwarf_cu *cu,
		     uint64_t *form, int64_t implicit, uint64_t *value,
		     const char **str);

/* Entry IDX of .debug_addr for CU (DW_FORM_addrx*); false if outside. */
bool dwarf_addrx(const struct dwarf_lines_sections *s,
		 const struct dwarf_cu *cu, uint64_t idx, uint64_t *addr);

/* A file of a line table.  Both strings point into the sections. */
struct dwarf_line_file {
	const char *dir;	/* NULL: the name is absolute, or no
				 * directory is known */
	const char *name;
};

/* A row the lookup can answer with: one that does not end a sequence.
 * Of several at one address one is kept: the last statement row (is_stmt)
 * if there is one, else the last row, the one GDB answers with. */
struct dwarf_line_row {
	uint64_t addr;
	uint32_t file;		/* index into files */
	uint32_t line : 31;
	uint32_t stmt : 1;
};

/* The decoded line program of one unit. */
struct dwarf_line_table {
	uint64_t offset;	/* of the program in .debug_line */
	uint64_t end;		/* one past it */
	uint16_t version;
	struct dwarf_line_file *files;
	size_t nfiles;
	struct dwarf_line_row *rows;	/* sorted by address */
	size_t nrows;
};

/* Decode the line program of CU (its DIE read, so stmt_list and comp_dir
 * are known).  ERR_FORMAT names the offset of what is wrong; the table is
 * all or nothing. */
struct error *dwarf_line_table_read(const struct dwarf_lines_sections *s,
				    const struct dwarf_cu *cu,
				    struct dwarf_line_table **ret);
void dwarf_line_table_free(struct dwarf_line_table *t);
/* The row that answers for ADDR: the last statement row at the highest
 * address not above it (as GDB chooses); NULL if there is none. */
const struct dwarf_line_row *
dwarf_line_table_find(const struct dwarf_line_table *t, uint64_t addr);

/*
 * Give back the pages of [p, p + len) (and the pages the kernel mapped
 * around them on the fault) when the sections are a private file mapping:
 * they stay in the page cache and fault in again if read, but do not add
 * to this process's resident size.  A no-op otherwise.
 */
void dwarf_lines_drop(const struct dwarf_lines_sections *s, const void *p,
		      size_t len);
/* Whether [p, p + len) is a read-only mapping of a file, whose pages
 * dwarf_lines_drop may give back. */
bool dwarf_lines_file_mapping(const void *p, size_t len);

#endif
