/* Abbreviation tables compiled into scanner programs.
 *
 * Decoding a DIE attribute by attribute, with a switch on the form of each,
 * is what makes a naive DWARF walk slow.  A unit's abbreviations say ahead
 * of time which forms every DIE of each shape has, so each abbreviation is
 * turned once into a short program that knows which bytes to skip in bulk
 * and which few attributes the index reads. */
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_scan.h"

/* Bytes taken by a form of fixed size; -1 when the size is in the data. */
static int form_fixed_size(uint64_t form, uint8_t version, uint8_t addr_size)
{
	switch (form) {
	case DW_FORM_flag_present:
	case DW_FORM_implicit_const:
		return 0;
	case DW_FORM_data1:
	case DW_FORM_ref1:
	case DW_FORM_flag:
	case DW_FORM_strx1:
	case DW_FORM_addrx1:
		return 1;
	case DW_FORM_data2:
	case DW_FORM_ref2:
	case DW_FORM_strx2:
	case DW_FORM_addrx2:
		return 2;
	case DW_FORM_strx3:
	case DW_FORM_addrx3:
		return 3;
	case DW_FORM_data4:
	case DW_FORM_ref4:
	case DW_FORM_strx4:
	case DW_FORM_addrx4:
	case DW_FORM_sec_offset:
	case DW_FORM_strp:
	case DW_FORM_line_strp:
	case DW_FORM_strp_sup:
	case DW_FORM_ref_sup4:
	case DW_FORM_GNU_strp_alt:
	case DW_FORM_GNU_ref_alt:
		return 4;
	case DW_FORM_data8:
	case DW_FORM_ref8:
	case DW_FORM_ref_sig8:
	case DW_FORM_ref_sup8:
		return 8;
	case DW_FORM_data16:
		return 16;
	case DW_FORM_addr:
		return addr_size;
	case DW_FORM_ref_addr:
		/* DWARF 2 made it address-sized, later versions offset-sized. */
		return version <= 2 ? addr_size : 4;
	default:
		return -1;
	}
}

/* The skip op of a form of variable size, or OP_END for an unknown form. */
static uint8_t form_skip_op(uint64_t form)
{
	switch (form) {
	case DW_FORM_udata:
	case DW_FORM_sdata:
	case DW_FORM_ref_udata:
	case DW_FORM_strx:
	case DW_FORM_addrx:
	case DW_FORM_loclistx:
	case DW_FORM_rnglistx:
	case DW_FORM_GNU_addr_index:
	case DW_FORM_GNU_str_index:
		return OP_SKIP_ULEB;
	case DW_FORM_string:
		return OP_SKIP_STRING;
	case DW_FORM_block1:
		return OP_SKIP_BLOCK1;
	case DW_FORM_block2:
		return OP_SKIP_BLOCK2;
	case DW_FORM_block4:
		return OP_SKIP_BLOCK4;
	case DW_FORM_block:
	case DW_FORM_exprloc:
		return OP_SKIP_BLOCK_ULEB;
	default:
		return OP_END;
	}
}

static uint8_t name_op(uint64_t form)
{
	switch (form) {
	case DW_FORM_strp:
		return OP_NAME_STRP;
	case DW_FORM_line_strp:
		return OP_NAME_LINE_STRP;
	case DW_FORM_string:
		return OP_NAME_STRING;
	case DW_FORM_strx1:
		return OP_NAME_STRX1;
	case DW_FORM_strx2:
		return OP_NAME_STRX2;
	case DW_FORM_strx3:
		return OP_NAME_STRX3;
	case DW_FORM_strx4:
		return OP_NAME_STRX4;
	case DW_FORM_strx:
	case DW_FORM_GNU_str_index:
		return OP_NAME_STRX_ULEB;
	default:
		return OP_END;	/* e.g. a supplementary file's string */
	}
}

/* SIB_BASE is OP_SIB_REF1 or OP_SPEC_REF1: the ops of a reference. */
static uint8_t ref_op(uint64_t form, uint8_t base, uint8_t version)
{
	switch (form) {
	case DW_FORM_ref1:
		return base;
	case DW_FORM_ref2:
		return base + 1;
	case DW_FORM_ref4:
		return base + 2;
	case DW_FORM_ref8:
		return base + 3;
	case DW_FORM_ref_udata:
		return base + 4;
	case DW_FORM_ref_addr:
		return version >= 3 ? base + 5 : OP_END;
	default:
		return OP_END;
	}
}

bool dwarf_compile_attr(uint64_t attr, uint64_t form, int64_t implicit,
			bool full, uint8_t version, uint8_t addr_size,
			uint8_t *buf, size_t *len, bool *declaration)
{
	uint8_t op = OP_END;
	int size;

	if (form == DW_FORM_indirect) {
		buf[(*len)++] = OP_INDIRECT;
		buf[(*len)++] = full;
		do {
			uint8_t b = attr & 0x7f;

			attr >>= 7;
			buf[(*len)++] = b | (attr ? 0x80 : 0);
		} while (attr);
		return true;
	}
	if (attr == DW_AT_sibling)
		op = ref_op(form, OP_SIB_REF1, version);
	else if (full && attr == DW_AT_name)
		op = name_op(form);
	else if (full && attr == DW_AT_specification)
		op = ref_op(form, OP_SPEC_REF1, version);
	else if (full && attr == DW_AT_str_offsets_base &&
		 form == DW_FORM_sec_offset)
		op = OP_STR_OFFSETS_BASE;
	else if (full && attr == DW_AT_declaration) {
		if (form == DW_FORM_flag)
			op = OP_DECL_FLAG;
		else if (form == DW_FORM_flag_present)
			*declaration = true;
		else if (form == DW_FORM_implicit_const)
			*declaration = implicit != 0;
	}
	if (op != OP_END) {
		buf[(*len)++] = op;
		return true;
	}
	size = form_fixed_size(form, version, addr_size);
	if (size > 0) {
		buf[(*len)++] = OP_SKIP;
		buf[(*len)++] = size;
		return true;
	}
	if (size == 0)
		return true;
	op = form_skip_op(form);
	if (op == OP_END)
		return false;
	buf[(*len)++] = op;
	return true;
}

static int compare_code(const void *a, const void *b)
{
	const struct dwarf_abbrev *x = a, *y = b;

	return x->code < y->code ? -1 : x->code > y->code;
}

static struct error *abbrev_error(const struct dwarf_unit *u, uint64_t off,
				  const char *what)
{
	return error_create(ERR_FORMAT,
			    ".debug_abbrev offset 0x%llx (for the unit at "
			    "%s offset 0x%llx): %s",
			    (unsigned long long)off,
			    u->in_types ? ".debug_types" : ".debug_info",
			    (unsigned long long)u->offset, what);
}

/* The size of the skip program when it is nothing but skips. */
static uint16_t fixed_size(const uint8_t *prog, size_t n)
{
	size_t i, total = 0;

	for (i = 0; i < n; i += 2) {
		if (prog[i] != OP_SKIP)
			return ABBREV_NOT_FIXED;
		total += prog[i + 1];
	}
	return total < ABBREV_NOT_FIXED ? total : ABBREV_NOT_FIXED;
}

uint8_t dwarf_top_kind(uint64_t tag)
{
	switch (tag) {
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return DWARF_INDEX_STRUCT;
	case DW_TAG_union_type:
		return DWARF_INDEX_UNION;
	case DW_TAG_enumeration_type:
		return DWARF_INDEX_ENUM;
	case DW_TAG_typedef:
		return DWARF_INDEX_TYPEDEF;
	case DW_TAG_base_type:
		return DWARF_INDEX_BASE;
	case DW_TAG_variable:
		return DWARF_INDEX_VARIABLE;
	case DW_TAG_subprogram:
		return DWARF_INDEX_FUNCTION;
	default:
		return 0;
	}
}

/* Only these tags are ever read with the full program: what the index
 * lists, unit DIEs, and the declarations DW_AT_specification points to. */
static bool wants_full(uint64_t tag)
{
	switch (tag) {
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_typedef:
	case DW_TAG_base_type:
	case DW_TAG_variable:
	case DW_TAG_subprogram:
	case DW_TAG_enumerator:
	case DW_TAG_compile_unit:
	case DW_TAG_partial_unit:
	case DW_TAG_type_unit:
	case DW_TAG_skeleton_unit:
		return true;
	default:
		return false;
	}
}

static bool special_attr(uint64_t attr)
{
	return attr == DW_AT_sibling || attr == DW_AT_name ||
	       attr == DW_AT_specification || attr == DW_AT_declaration ||
	       attr == DW_AT_str_offsets_base;
}

static uint8_t ref_size(uint64_t form, int size)
{
	switch (form) {
	case DW_FORM_ref1:
	case DW_FORM_ref2:
	case DW_FORM_ref4:
	case DW_FORM_ref8:
		return size;
	case DW_FORM_ref_addr:
		return size == 4 ? 4 | LAYOUT_REF_ADDR : 0;
	default:
		return 0;
	}
}

/* Note where an attribute the scanner reads is in a fixed layout, or mark
 * the layout as not fixed when the attribute's size or form forbids it. */
static void layout_attr(struct dwarf_abbrev *a, uint64_t attr, uint64_t form,
			int size, size_t pos)
{
	struct dwarf_abbrev_layout *l = &a->layout;

	if (size < 0 || pos > 0xffff) {
		a->fixed = false;
		return;
	}
	switch (attr) {
	case DW_AT_name:
		switch (form) {
		case DW_FORM_strp:
			l->name_form = LAYOUT_NAME_STRP;
			break;
		case DW_FORM_line_strp:
			l->name_form = LAYOUT_NAME_LINE_STRP;
			break;
		case DW_FORM_strx1:
		case DW_FORM_strx2:
		case DW_FORM_strx3:
		case DW_FORM_strx4:
			l->name_form = LAYOUT_NAME_STRX1 + form - DW_FORM_strx1;
			break;
		default:
			return;		/* not a name we can read */
		}
		l->name_pos = pos;
		break;
	case DW_AT_sibling:
		l->sib_size = ref_size(form, size);
		l->sib_pos = pos;
		break;
	case DW_AT_specification:
		l->spec_size = ref_size(form, size);
		l->spec_pos = pos;
		break;
	case DW_AT_declaration:
		if (form == DW_FORM_flag) {
			l->decl_flag = true;
			l->decl_pos = pos;
		}
		break;
	case DW_AT_str_offsets_base:
		/* Read by the unit DIE's program. */
		a->fixed = false;
		break;
	}
}

/* Runs of fixed-size attributes become one OP_SKIP (or a few). */
static void flush_skip(uint8_t *prog, size_t *n, size_t *pending)
{
	while (*pending) {
		size_t k = *pending > 255 ? 255 : *pending;

		prog[(*n)++] = OP_SKIP;
		prog[(*n)++] = k;
		*pending -= k;
	}
}

#define FORM_TABLE_SIZE (DW_FORM_addrx4 + 1)
_Static_assert(FORM_TABLE_SIZE == sizeof(((struct dwarf_abbrev_table *)0)->fixed),
	       "one size per standard form");

static inline bool read_small_uleb(const uint8_t **p, const uint8_t *end,
				   uint64_t *v)
{
	if (*p < end && **p < 0x80) {
		*v = *(*p)++;
		return true;
	}
	return dwarf_uleb(p, end, v);
}

/* Skip one abbreviation's attribute specifications. */
static bool skip_attr_specs(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;

	for (;;) {
		/* Both are almost always one byte, and 0, 0 ends the list. */
		if (end - p >= 2 && !((p[0] | p[1]) & 0x80)) {
			uint8_t attr = p[0], form = p[1];

			p += 2;
			if (!attr && !form)
				break;
			if (form == DW_FORM_implicit_const &&
			    !dwarf_skip_leb(&p, end))
				return false;
			continue;
		} else {
			uint64_t attr, form;

			if (!dwarf_uleb(&p, end, &attr) ||
			    !dwarf_uleb(&p, end, &form))
				return false;
			if (!attr && !form)
				break;
			if (form == DW_FORM_implicit_const &&
			    !dwarf_skip_leb(&p, end))
				return false;
		}
	}
	*pp = p;
	return true;
}

/* Most of a unit's abbreviations serve DIEs that the scanner jumps over
 * (members, parameters, the insides of functions), so the table is only
 * indexed here, and each abbreviation is compiled when first met. */
struct error *dwarf_abbrev_table_load(struct dwarf_abbrev_table *t,
				      const struct dwarf_sections *secs,
				      const struct dwarf_unit *u)
{
	const uint8_t *start = secs->abbrev.data, *end = start + secs->abbrev.size;
	const uint8_t *p;
	uint64_t max_code = 0;
	bool sorted = true;
	size_t i;

	if (t->valid && t->offset == u->abbrev_offset &&
	    t->version == u->version && t->addr_size == u->addr_size)
		return NULL;
	t->valid = false;
	t->nabbrevs = 0;
	t->nops = 0;
	t->by_code = NULL;
	if (u->abbrev_offset >= secs->abbrev.size)
		return abbrev_error(u, u->abbrev_offset,
				    "past the end of .debug_abbrev");
	for (i = 0; i < FORM_TABLE_SIZE; i++)
		t->fixed[i] = form_fixed_size(i, u->version, u->addr_size);
	t->section = &secs->abbrev;
	p = start + u->abbrev_offset;
	for (;;) {
		struct dwarf_abbrev *a;
		uint64_t code, tag;
		const uint8_t *here = p;

		if (!read_small_uleb(&p, end, &code))
			return abbrev_error(u, here - start, "truncated");
		if (!code)
			break;
		if (!read_small_uleb(&p, end, &tag) || p >= end)
			return abbrev_error(u, here - start, "truncated");
		if (tag > 0xffff)
			return abbrev_error(u, here - start, "tag too large");
		if (!dwarf_reserve(t->abbrevs, t->abbrevs_cap, t->nabbrevs + 1))
			return error_nomem();
		a = &t->abbrevs[t->nabbrevs++];
		a->code = code;
		a->tag = tag;
		a->children = *p++ != 0;
		a->compiled = false;
		a->specs = p - start;
		if (!skip_attr_specs(&p, end))
			return abbrev_error(u, here - start, "truncated");
		if (t->nabbrevs > 1 && a[-1].code >= code)
			sorted = false;
		if (code > max_code)
			max_code = code;
	}
	if (!sorted)
		qsort(t->abbrevs, t->nabbrevs, sizeof(*t->abbrevs),
		      compare_code);
	/* Compilers number abbreviations 1, 2, 3...: index them directly. */
	if (max_code < 4 * t->nabbrevs + 64) {
		if (!dwarf_reserve(t->by_code_buf, t->by_code_cap, max_code + 1))
			return error_nomem();
		t->by_code = t->by_code_buf;
		t->by_code_len = max_code + 1;
		memset(t->by_code, 0, t->by_code_len * sizeof(uint32_t));
		for (i = 0; i < t->nabbrevs; i++)
			t->by_code[t->abbrevs[i].code] = i + 1;
	}
	t->offset = u->abbrev_offset;
	t->version = u->version;
	t->addr_size = u->addr_size;
	t->valid = true;
	return NULL;
}

struct error *dwarf_abbrev_compile(struct dwarf_abbrev_table *t,
				   struct dwarf_abbrev *a,
				   const struct dwarf_unit *u)
{
	const uint8_t *start = t->section->data;
	const uint8_t *end = start + t->section->size, *p = start + a->specs;
	size_t pend_full = 0, pend_skip = 0, full_start = t->nops, pos = 0;
	bool decl = false, unused, full = wants_full(a->tag);
	uint64_t attr, form;

	a->kind = dwarf_top_kind(a->tag);
	a->fixed = true;
	memset(&a->layout, 0, sizeof(a->layout));
	t->nscratch = 0;
	for (;;) {
		const uint8_t *aspec = p;
		int64_t implicit = 0;
		int size;

		if (!read_small_uleb(&p, end, &attr) ||
		    !read_small_uleb(&p, end, &form))
			return abbrev_error(u, aspec - start, "truncated");
		if (!attr && !form)
			break;
		if (!dwarf_reserve(t->ops, t->ops_cap, t->nops + 64) ||
		    !dwarf_reserve(t->scratch, t->scratch_cap,
				   t->nscratch + 64))
			return error_nomem();
		if (form == DW_FORM_implicit_const) {
			uint64_t v;
			const uint8_t *q = p;
			unsigned int shift;

			if (!dwarf_uleb(&p, end, &v))
				return abbrev_error(u, aspec - start,
						    "truncated");
			/* Sign-extend the SLEB128. */
			shift = 7 * (p - q);
			if (shift < 64 && (p[-1] & 0x40))
				v |= ~(uint64_t)0 << shift;
			implicit = (int64_t)v;
		}
		if (form < FORM_TABLE_SIZE)
			size = t->fixed[form];
		else
			size = form_fixed_size(form, u->version, u->addr_size);
		if (a->fixed)
			layout_attr(a, attr, form, size, pos);
		if (size > 0)
			pos += size;
		/* The common case: an attribute nobody reads. */
		if (size >= 0 && !special_attr(attr)) {
			pend_full += size;
			pend_skip += size;
			if (pend_full > 200)
				flush_skip(t->ops, &t->nops, &pend_full);
			if (pend_skip > 200)
				flush_skip(t->scratch, &t->nscratch, &pend_skip);
			continue;
		}
		flush_skip(t->ops, &t->nops, &pend_full);
		flush_skip(t->scratch, &t->nscratch, &pend_skip);
		if ((full && !dwarf_compile_attr(attr, form, implicit, true,
						 u->version, u->addr_size,
						 t->ops, &t->nops, &decl)) ||
		    !dwarf_compile_attr(attr, form, implicit, false,
					u->version, u->addr_size, t->scratch,
					&t->nscratch, &unused)) {
			char msg[96];

			snprintf(msg, sizeof(msg),
				 "unknown form 0x%llx in abbreviation %llu",
				 (unsigned long long)form,
				 (unsigned long long)a->code);
			return abbrev_error(u, aspec - start, msg);
		}
	}
	flush_skip(t->ops, &t->nops, &pend_full);
	flush_skip(t->scratch, &t->nscratch, &pend_skip);
	a->declaration = decl;
	a->skip_size = fixed_size(t->scratch, t->nscratch);
	if (pos > 0xffff)
		a->fixed = false;
	a->layout.size = pos;
	if (!dwarf_reserve(t->ops, t->ops_cap, t->nops + t->nscratch + 2))
		return error_nomem();
	if (full) {
		t->ops[t->nops++] = OP_END;
		a->full_ops = full_start;
	} else {
		t->nops = full_start;
	}
	a->skip_ops = t->nops;
	if (!full)
		a->full_ops = a->skip_ops;
	if (t->nscratch)
		memcpy(t->ops + t->nops, t->scratch, t->nscratch);
	t->nops += t->nscratch;
	t->ops[t->nops++] = OP_END;
	a->compiled = true;
	return NULL;
}

void dwarf_abbrev_table_free(struct dwarf_abbrev_table *t)
{
	free(t->abbrevs);
	free(t->by_code_buf);
	free(t->ops);
	free(t->scratch);
	memset(t, 0, sizeof(*t));
}
