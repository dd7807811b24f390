/* Private to the DWARF index: unit headers, compiled abbreviation tables and
 * the DIE scanner that turns one unit into raw index entries. */
#ifndef CRASH_DWARF_SCAN_H
#define CRASH_DWARF_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/error.h"
#include "dwarf_index.h"

/* Where a name's bytes are: names are kept as (section, offset). */
enum dwarf_strsec {
	STRSEC_STR,
	STRSEC_LINE_STR,
	STRSEC_INFO,
	STRSEC_TYPES,
};

struct dwarf_unit {
	uint64_t offset;	/* of the unit header in its section */
	uint64_t die_offset;	/* of the unit DIE */
	uint64_t end;		/* one past the unit */
	uint64_t abbrev_offset;
	uint8_t version;
	uint8_t unit_type;	/* DW_UT_*; DWARF 4 units get the equivalent */
	uint8_t addr_size;
	bool in_types;		/* a unit of .debug_types */
};

/* Read the header of the unit at OFFSET of .debug_info (or .debug_types
 * when IN_TYPES).  64-bit DWARF is ERR_UNSUPPORTED. */
struct error *dwarf_unit_header(const struct dwarf_sections *secs,
				bool in_types, uint64_t offset,
				struct dwarf_unit *u);

/* An abbreviation compiled into two little programs for the scanner: "full"
 * collects what an index entry needs (name, declaration, specification,
 * sibling), "skip" only the sibling.  When skipping needs no attribute at
 * all, skip_size says how many bytes the attributes take (else it is
 * ABBREV_NOT_FIXED). */
#define ABBREV_NOT_FIXED 0xffff

/* Most abbreviations have only attributes of fixed size: then the scanner
 * reads the few it needs at known positions and runs no program at all. */
struct dwarf_abbrev_layout {
	uint16_t size;		/* of all the attributes */
	uint16_t name_pos;
	uint16_t sib_pos;
	uint16_t spec_pos;
	uint16_t decl_pos;
	uint8_t name_form;	/* LAYOUT_NAME_*, 0 when there is no name */
	uint8_t sib_size;	/* 1, 2, 4 or 8 (| LAYOUT_REF_ADDR); 0: none */
	uint8_t spec_size;	/* likewise */
	bool decl_flag;		/* a DW_FORM_flag DW_AT_declaration */
};

enum {
	LAYOUT_NAME_STRP = 1,
	LAYOUT_NAME_LINE_STRP,
	LAYOUT_NAME_STRX1,	/* ..._STRX4 follow */
};

#define LAYOUT_REF_ADDR 0x80	/* a section offset, not unit-relative */

struct dwarf_abbrev {
	uint64_t code;
	uint16_t tag;
	uint8_t kind;		/* index kind at a unit's top level, or 0 */
	bool children;
	bool declaration;	/* DW_AT_declaration as flag_present/implicit */
	bool fixed;		/* layout is valid */
	bool compiled;		/* everything below is valid */
	uint32_t specs;		/* .debug_abbrev offset of the attributes */
	uint16_t skip_size;
	uint32_t full_ops;	/* offsets into dwarf_abbrev_table.ops */
	uint32_t skip_ops;
	struct dwarf_abbrev_layout layout;
};

struct dwarf_abbrev_table {
	uint64_t offset;	/* in .debug_abbrev, with the unit shape: */
	uint8_t version, addr_size;
	bool valid;
	struct dwarf_abbrev *abbrevs;	/* sorted by code */
	size_t nabbrevs, abbrevs_cap;
	uint32_t *by_code;	/* code -> index + 1 when codes are dense */
	size_t by_code_len;
	uint32_t *by_code_buf;
	size_t by_code_cap;
	uint8_t *ops;
	size_t nops, ops_cap;
	uint8_t *scratch;	/* the skip program while compiling */
	size_t nscratch, scratch_cap;
	const struct dwarf_section *section;
	int8_t fixed[0x2d];	/* size of each standard form, -1: varies */
};

/* The index kind of a DIE at the top level of a unit, 0 when not indexed. */
uint8_t dwarf_top_kind(uint64_t tag);

/* Compile the table at U's abbrev_offset into T (its memory is reused from
 * one unit to the next; free with dwarf_abbrev_table_free). */
struct error *dwarf_abbrev_table_load(struct dwarf_abbrev_table *t,
				      const struct dwarf_sections *secs,
				      const struct dwarf_unit *u);
void dwarf_abbrev_table_free(struct dwarf_abbrev_table *t);

/* Compile abbreviation A of T (which the unit U uses) on its first use. */
struct error *dwarf_abbrev_compile(struct dwarf_abbrev_table *t,
				   struct dwarf_abbrev *a,
				   const struct dwarf_unit *u);

static inline struct dwarf_abbrev *
dwarf_abbrev_find(const struct dwarf_abbrev_table *t, uint64_t code)
{
	size_t lo, hi;

	if (t->by_code) {
		if (code < t->by_code_len && t->by_code[code])
			return &t->abbrevs[t->by_code[code] - 1];
		return NULL;
	}
	lo = 0;
	hi = t->nabbrevs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->abbrevs[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->nabbrevs && t->abbrevs[lo].code == code)
		return &t->abbrevs[lo];
	return NULL;
}

/* Scanner programs: one byte of opcode, then its operands. */
enum dwarf_abbrev_op {
	OP_END,
	OP_SKIP,		/* u8 count */
	OP_SKIP_ULEB,
	OP_SKIP_STRING,
	OP_SKIP_BLOCK1,
	OP_SKIP_BLOCK2,
	OP_SKIP_BLOCK4,
	OP_SKIP_BLOCK_ULEB,
	OP_NAME_STRP,
	OP_NAME_LINE_STRP,
	OP_NAME_STRING,
	OP_NAME_STRX1,
	OP_NAME_STRX2,
	OP_NAME_STRX3,
	OP_NAME_STRX4,
	OP_NAME_STRX_ULEB,
	OP_SIB_REF1,
	OP_SIB_REF2,
	OP_SIB_REF4,
	OP_SIB_REF8,
	OP_SIB_REF_ULEB,
	OP_SIB_REF_ADDR,
	OP_SPEC_REF1,
	OP_SPEC_REF2,
	OP_SPEC_REF4,
	OP_SPEC_REF8,
	OP_SPEC_REF_ULEB,
	OP_SPEC_REF_ADDR,
	OP_DECL_FLAG,
	OP_STR_OFFSETS_BASE,	/* of the unit DIE */
	OP_INDIRECT,		/* u8 mode (full/skip), uleb attribute */
};

/* Compile one attribute specification into ops (appended to BUF, at most
 * DWARF_ATTR_OPS_MAX bytes).  FULL: the program collects name etc.
 * Returns false for a form this reader does not know. */
#define DWARF_ATTR_OPS_MAX 16
bool dwarf_compile_attr(uint64_t attr, uint64_t form, int64_t implicit,
			bool full, uint8_t version, uint8_t addr_size,
			uint8_t *buf, size_t *len, bool *declaration);

/* One DIE found by the scanner, before names are merged. */
struct dwarf_raw_entry {
	uint32_t name_off;
	uint8_t name_sec;	/* enum dwarf_strsec | RAW_DECLARATION */
	uint8_t kind;		/* enum dwarf_index_kind, one bit */
	uint16_t tag;
	uint32_t die_offset;
};

#define RAW_DECLARATION 0x80

struct dwarf_raw_vec {
	struct dwarf_raw_entry *v;
	size_t n, cap;
};

/* Per-thread scanner state. */
struct dwarf_scanner {
	const struct dwarf_sections *secs;
	struct dwarf_abbrev_table abbrevs;
	struct dwarf_raw_vec out;
};

/* Append the entries of unit U to S->out. */
struct error *dwarf_scan_unit(struct dwarf_scanner *s,
			      const struct dwarf_unit *u);

/* Make room for NEED elements in the array ARR of capacity CAP (both
 * lvalues); false when memory runs out, leaving ARR as it was. */
#define dwarf_reserve(arr, cap, need)					\
	({								\
		bool ok_ = true;					\
		size_t need_ = (need);					\
		if (need_ > (cap)) {					\
			size_t n_ = (cap) ? (cap) : 64;			\
			typeof(arr) p_;					\
			while (n_ < need_)				\
				n_ *= 2;				\
			p_ = realloc((arr), n_ * sizeof(*(arr)));	\
			if (p_) {					\
				(arr) = p_;				\
				(cap) = n_;				\
			} else {					\
				ok_ = false;				\
			}						\
		}							\
		ok_;							\
	})

/* LEB128, bounds-checked: false when it runs past END. */
static inline bool dwarf_uleb(const uint8_t **pp, const uint8_t *end,
			      uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;
	unsigned int shift = 0;

	while (p < end) {
		uint8_t b = *p++;

		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			*pp = p;
			*out = v;
			return true;
		}
	}
	return false;
}

static inline bool dwarf_skip_leb(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;

	while (p < end)
		if (!(*p++ & 0x80)) {
			*pp = p;
			return true;
		}
	return false;
}

/* Fixed-size little-endian reads from unaligned memory. */
static inline uint16_t dwarf_le16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	return v;
}

static inline uint32_t dwarf_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint64_t dwarf_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint32_t dwarf_le24(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

#endif
