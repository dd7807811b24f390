/* The DIE scanner: one unit of .debug_info in, raw index entries out.
 *
 * Only the unit's top level (and namespaces, and the enumerators of
 * top-level enums) can hold a name a lookup wants, and the top level is a
 * small part of the bytes: struct members, function bodies and the like are
 * jumped over with DW_AT_sibling, or walked with the "skip" programs of
 * their abbreviations where the producer left no sibling. */
#include <dwarf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dwarf_scan.h"

/* Namespaces nest; damaged data must not make us recurse without end. */
#define MAX_NAMESPACE_DEPTH 64

struct unit_ctx {
	struct dwarf_scanner *s;
	const struct dwarf_unit *u;
	const uint8_t *sec;	/* start of .debug_info or .debug_types */
	const uint8_t *end;	/* end of the unit */
	uint8_t info_sec;	/* STRSEC_INFO or STRSEC_TYPES */
	bool have_str_offsets_base;
	uint64_t str_offsets_base;
};

#define NO_REF UINT64_MAX

/* What the "full" program of one DIE found. */
struct die_attrs {
	uint64_t sibling;	/* section offsets; NO_REF when absent */
	uint64_t spec;
	uint64_t strx;		/* when name_is_strx: resolved afterwards */
	uint64_t str_offsets_base;
	uint32_t name_off;
	uint8_t name_sec;
	bool named;
	bool name_is_strx;
	bool declaration;
	bool have_str_offsets_base;
};

static const char *section_name(const struct unit_ctx *c)
{
	return c->u->in_types ? ".debug_types" : ".debug_info";
}

static struct error *die_error(const struct unit_ctx *c, const uint8_t *at,
			       const char *what)
{
	return error_create(ERR_FORMAT, "%s offset 0x%llx (unit at 0x%llx): %s",
			    section_name(c),
			    (unsigned long long)(at - c->sec),
			    (unsigned long long)c->u->offset, what);
}

struct error *dwarf_unit_header(const struct dwarf_sections *secs,
				bool in_types, uint64_t offset,
				struct dwarf_unit *u)
{
	const struct dwarf_section *sec = in_types ? &secs->types : &secs->info;
	const char *name = in_types ? ".debug_types" : ".debug_info";
	const uint8_t *p, *end;
	uint32_t len;
	size_t need;

	memset(u, 0, sizeof(*u));
	u->offset = offset;
	u->in_types = in_types;
	if (offset > sec->size || sec->size - offset < 4)
		return error_create(ERR_FORMAT,
				    "%s offset 0x%llx: truncated unit header",
				    name, (unsigned long long)offset);
	p = sec->data + offset;
	len = dwarf_le32(p);
	if (len == 0xffffffff)
		return error_create(ERR_UNSUPPORTED,
				    "%s offset 0x%llx: 64-bit DWARF units are "
				    "not supported", name,
				    (unsigned long long)offset);
	if (len >= 0xfffffff0)
		return error_create(ERR_FORMAT,
				    "%s offset 0x%llx: reserved unit length "
				    "0x%x", name, (unsigned long long)offset,
				    len);
	if (len > sec->size - offset - 4)
		return error_create(ERR_FORMAT,
				    "%s offset 0x%llx: unit length 0x%x runs "
				    "past the end of the section (size 0x%zx)",
				    name, (unsigned long long)offset, len,
				    sec->size);
	u->end = offset + 4 + len;
	end = sec->data + u->end;
	p += 4;
	if (end - p < 2)
		goto truncated;
	u->version = dwarf_le16(p);
	p += 2;
	if (u->version < 2 || u->version > 5 || (in_types && u->version != 4))
		return error_create(ERR_UNSUPPORTED,
				    "%s offset 0x%llx: DWARF version %u is "
				    "not supported", name,
				    (unsigned long long)offset, u->version);
	if (u->version >= 5) {
		if (end - p < 6)
			goto truncated;
		u->unit_type = p[0];
		u->addr_size = p[1];
		u->abbrev_offset = dwarf_le32(p + 2);
		p += 6;
		switch (u->unit_type) {
		case DW_UT_compile:
		case DW_UT_partial:
			need = 0;
			break;
		case DW_UT_skeleton:
		case DW_UT_split_compile:
			need = 8;		/* dwo_id */
			break;
		case DW_UT_type:
		case DW_UT_split_type:
			need = 8 + 4;		/* signature, type offset */
			break;
		default:
			return error_create(ERR_UNSUPPORTED,
					    "%s offset 0x%llx: unknown unit "
					    "type 0x%x", name,
					    (unsigned long long)offset,
					    u->unit_type);
		}
	} else {
		if (end - p < 5)
			goto truncated;
		u->abbrev_offset = dwarf_le32(p);
		u->addr_size = p[4];
		p += 5;
		u->unit_type = in_types ? DW_UT_type : DW_UT_compile;
		need = in_types ? 8 + 4 : 0;
	}
	if ((size_t)(end - p) < need)
		goto truncated;
	p += need;
	if (u->addr_size != 1 && u->addr_size != 2 && u->addr_size != 4 &&
	    u->addr_size != 8)
		return error_create(ERR_FORMAT,
				    "%s offset 0x%llx: bad address size %u",
				    name, (unsigned long long)offset,
				    u->addr_size);
	u->die_offset = p - sec->data;
	return NULL;

truncated:
	return error_create(ERR_FORMAT,
			    "%s offset 0x%llx: truncated unit header", name,
			    (unsigned long long)offset);
}

static const uint8_t *run_ops(const struct unit_ctx *c, const uint8_t *op,
			      const uint8_t *p, struct die_attrs *d,
			      struct error **err);

/* DW_FORM_indirect: the form is in the data, so compile it now. */
static const uint8_t *run_indirect(const struct unit_ctx *c,
				   const uint8_t **opp, const uint8_t *p,
				   struct die_attrs *d, struct error **err)
{
	const uint8_t *op = *opp;
	uint8_t prog[DWARF_ATTR_OPS_MAX + 1];
	size_t len = 0;
	uint64_t attr, form;
	bool full = *op++, decl = false;
	const uint8_t *at = p;

	if (!dwarf_uleb(&op, op + 10, &attr))
		attr = 0;
	*opp = op;
	do {
		if (!dwarf_uleb(&p, c->end, &form)) {
			*err = die_error(c, at, "truncated DW_FORM_indirect");
			return NULL;
		}
	} while (form == DW_FORM_indirect);
	/* An implicit constant has its value in the abbreviation, and an
	 * indirect form has no abbreviation to hold it: take it as 0. */
	if (!dwarf_compile_attr(attr, form, 0, full, c->u->version,
				c->u->addr_size, prog, &len, &decl)) {
		char msg[64];

		snprintf(msg, sizeof(msg), "unknown form 0x%llx",
			 (unsigned long long)form);
		*err = die_error(c, at, msg);
		return NULL;
	}
	if (decl)
		d->declaration = true;
	prog[len] = OP_END;
	return run_ops(c, prog, p, d, err);
}

static const uint8_t *run_ops(const struct unit_ctx *c, const uint8_t *op,
			      const uint8_t *p, struct die_attrs *d,
			      struct error **err)
{
	const uint8_t *end = c->end, *q;
	uint64_t unit = c->u->offset, v;

	for (;;) {
		switch (*op++) {
		case OP_END:
			return p;
		case OP_SKIP:
			if (end - p < *op)
				goto truncated;
			p += *op++;
			break;
		case OP_SKIP_ULEB:
			if (!dwarf_skip_leb(&p, end))
				goto truncated;
			break;
		case OP_SKIP_STRING:
			q = memchr(p, 0, end - p);
			if (!q)
				goto truncated;
			p = q + 1;
			break;
		case OP_SKIP_BLOCK1:
			if (end - p < 1)
				goto truncated;
			v = *p++;
			goto skip_v;
		case OP_SKIP_BLOCK2:
			if (end - p < 2)
				goto truncated;
			v = dwarf_le16(p);
			p += 2;
			goto skip_v;
		case OP_SKIP_BLOCK4:
			if (end - p < 4)
				goto truncated;
			v = dwarf_le32(p);
			p += 4;
			goto skip_v;
		case OP_SKIP_BLOCK_ULEB:
			if (!dwarf_uleb(&p, end, &v))
				goto truncated;
skip_v:
			if (v > (uint64_t)(end - p))
				goto truncated;
			p += v;
			break;
		case OP_NAME_STRP:
		case OP_NAME_LINE_STRP:
			if (end - p < 4)
				goto truncated;
			d->name_off = dwarf_le32(p);
			d->name_sec = op[-1] == OP_NAME_STRP ? STRSEC_STR :
							       STRSEC_LINE_STR;
			d->named = true;
			d->name_is_strx = false;
			p += 4;
			break;
		case OP_NAME_STRING:
			q = memchr(p, 0, end - p);
			if (!q)
				goto truncated;
			d->name_off = p - c->sec;
			d->name_sec = c->info_sec;
			d->named = true;
			d->name_is_strx = false;
			p = q + 1;
			break;
		case OP_NAME_STRX1:
		case OP_NAME_STRX2:
		case OP_NAME_STRX3:
		case OP_NAME_STRX4:
			v = op[-1] - OP_NAME_STRX1 + 1;
			if ((uint64_t)(end - p) < v)
				goto truncated;
			d->strx = v == 1 ? *p : v == 2 ? dwarf_le16(p) :
				  v == 3 ? dwarf_le24(p) : dwarf_le32(p);
			p += v;
			d->named = d->name_is_strx = true;
			break;
		case OP_NAME_STRX_ULEB:
			if (!dwarf_uleb(&p, end, &d->strx))
				goto truncated;
			d->named = d->name_is_strx = true;
			break;
		case OP_SIB_REF1:
		case OP_SPEC_REF1:
			if (end - p < 1)
				goto truncated;
			v = unit + *p++;
			goto ref;
		case OP_SIB_REF2:
		case OP_SPEC_REF2:
			if (end - p < 2)
				goto truncated;
			v = unit + dwarf_le16(p);
			p += 2;
			goto ref;
		case OP_SIB_REF4:
		case OP_SPEC_REF4:
			if (end - p < 4)
				goto truncated;
			v = unit + dwarf_le32(p);
			p += 4;
			goto ref;
		case OP_SIB_REF8:
		case OP_SPEC_REF8:
			if (end - p < 8)
				goto truncated;
			v = unit + dwarf_le64(p);
			p += 8;
			goto ref;
		case OP_SIB_REF_ULEB:
		case OP_SPEC_REF_ULEB:
			if (!dwarf_uleb(&p, end, &v))
				goto truncated;
			v += unit;
			goto ref;
		case OP_SIB_REF_ADDR:
		case OP_SPEC_REF_ADDR:
			if (end - p < 4)
				goto truncated;
			v = dwarf_le32(p);
			p += 4;
ref:
			if (op[-1] <= OP_SIB_REF_ADDR)
				d->sibling = v;
			else
				d->spec = v;
			break;
		case OP_DECL_FLAG:
			if (end - p < 1)
				goto truncated;
			d->declaration = *p++ != 0;
			break;
		case OP_STR_OFFSETS_BASE:
			if (end - p < 4)
				goto truncated;
			d->str_offsets_base = dwarf_le32(p);
			d->have_str_offsets_base = true;
			p += 4;
			break;
		case OP_INDIRECT:
			p = run_indirect(c, &op, p, d, err);
			if (!p)
				return NULL;
			break;
		default:
			*err = die_error(c, p, "internal error: bad scanner op");
			return NULL;
		}
	}

truncated:
	*err = die_error(c, p, "DIE attributes run past the end of the unit");
	return NULL;
}

/* Resolve a DW_FORM_strx* name to its .debug_str offset. */
static struct error *resolve_strx(const struct unit_ctx *c, const uint8_t *die,
				  struct die_attrs *d)
{
	const struct dwarf_section *so = &c->s->secs->str_offsets;
	uint64_t base = c->str_offsets_base, off;

	if (!c->have_str_offsets_base) {
		/* GNU split DWARF 4 had one table per file, at 0. */
		if (c->u->version >= 5)
			return die_error(c, die, "DW_FORM_strx without "
					 "DW_AT_str_offsets_base");
		base = 0;
	}
	off = base + d->strx * 4;
	if (d->strx > so->size / 4 || off > so->size || so->size - off < 4)
		return die_error(c, die, "string index past the end of "
				 ".debug_str_offsets");
	d->name_off = dwarf_le32(so->data + off);
	d->name_sec = STRSEC_STR;
	d->name_is_strx = false;
	return NULL;
}

static struct error *emit(const struct unit_ctx *c, const uint8_t *die,
			  uint16_t tag, uint8_t kind,
			  const struct die_attrs *d)
{
	struct dwarf_raw_vec *out = &c->s->out;
	struct dwarf_raw_entry *e;

	if (!dwarf_reserve(out->v, out->cap, out->n + 1))
		return error_nomem();
	e = &out->v[out->n++];
	e->name_off = d->name_off;
	e->name_sec = d->name_sec | (d->declaration ? RAW_DECLARATION : 0);
	e->kind = kind;
	e->tag = tag;
	e->die_offset = die - c->sec;
	return NULL;
}

static inline bool read_code(const uint8_t **p, const uint8_t *end,
			     uint64_t *code)
{
	if (*p < end && **p < 0x80) {
		*code = *(*p)++;
		return true;
	}
	return dwarf_uleb(p, end, code);
}

static struct error *bad_code(const struct unit_ctx *c, const uint8_t *die,
			      uint64_t code)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "unknown abbreviation code %" PRIu64, code);
	return die_error(c, die, msg);
}

static inline __attribute__((always_inline)) const struct dwarf_abbrev *
find_abbrev(const struct unit_ctx *c, const uint8_t *die, uint64_t code,
	    struct error **err)
{
	struct dwarf_abbrev_table *t = &c->s->abbrevs;
	struct dwarf_abbrev *a;

	if (__builtin_expect(t->by_code && code < t->by_code_len &&
			     t->by_code[code], 1))
		a = &t->abbrevs[t->by_code[code] - 1];
	else
		a = dwarf_abbrev_find(t, code);
	if (!a) {
		*err = bad_code(c, die, code);
		return NULL;
	}
	if (__builtin_expect(!a->compiled, 0)) {
		*err = dwarf_abbrev_compile(t, a, c->u);
		if (*err)
			return NULL;
	}
	return a;
}

/* Where DW_AT_sibling says the next DIE is: only forward, in the unit. */
static const uint8_t *follow_sibling(const struct unit_ctx *c,
				     const uint8_t *die, const uint8_t *p,
				     uint64_t sibling, struct error **err)
{
	if (sibling < (uint64_t)(p - c->sec) ||
	    sibling > (uint64_t)(c->end - c->sec)) {
		*err = die_error(c, die, "DW_AT_sibling points outside the "
				 "DIE's parent");
		return NULL;
	}
	return c->sec + sibling;
}

static inline uint64_t layout_ref(const struct unit_ctx *c, const uint8_t *q,
				  uint8_t size)
{
	uint64_t v;

	switch (size & ~LAYOUT_REF_ADDR) {
	case 1:
		v = *q;
		break;
	case 2:
		v = dwarf_le16(q);
		break;
	case 4:
		v = dwarf_le32(q);
		break;
	default:
		v = dwarf_le64(q);
		break;
	}
	return size & LAYOUT_REF_ADDR ? v : v + c->u->offset;
}

/* Read the attributes of the DIE whose abbreviation is A, at P: with its
 * fixed layout when it has one, else with its full or skip program.
 * Returns the position after them, NULL on error. */
static inline __attribute__((always_inline)) const uint8_t *
read_attrs(const struct unit_ctx *c, const struct dwarf_abbrev *a,
	   const uint8_t *p, bool full, struct die_attrs *d,
	   struct error **err)
{
	const struct dwarf_abbrev_layout *l = &a->layout;

	d->sibling = NO_REF;
	if (full) {
		d->spec = NO_REF;
		d->named = false;
		d->name_is_strx = false;
		d->declaration = a->declaration;
	}
	if (!a->fixed) {
		if (!full && a->skip_size != ABBREV_NOT_FIXED) {
			if (c->end - p < a->skip_size)
				goto truncated;
			return p + a->skip_size;
		}
		return run_ops(c, c->s->abbrevs.ops +
			       (full ? a->full_ops : a->skip_ops), p, d, err);
	}
	if (c->end - p < l->size)
		goto truncated;
	if (l->sib_size && a->children)
		d->sibling = layout_ref(c, p + l->sib_pos, l->sib_size);
	if (!full)
		return p + l->size;
	if (l->spec_size)
		d->spec = layout_ref(c, p + l->spec_pos, l->spec_size);
	if (l->decl_flag)
		d->declaration = p[l->decl_pos] != 0;
	switch (l->name_form) {
	case 0:
		break;
	case LAYOUT_NAME_STRP:
	case LAYOUT_NAME_LINE_STRP:
		d->name_off = dwarf_le32(p + l->name_pos);
		d->name_sec = l->name_form == LAYOUT_NAME_STRP ?
			      STRSEC_STR : STRSEC_LINE_STR;
		d->named = true;
		break;
	default: {
		const uint8_t *q = p + l->name_pos;
		unsigned int n = l->name_form - LAYOUT_NAME_STRX1 + 1;

		d->strx = n == 1 ? *q : n == 2 ? dwarf_le16(q) :
			  n == 3 ? dwarf_le24(q) : dwarf_le32(q);
		d->named = d->name_is_strx = true;
		break;
	}
	}
	return p + l->size;

truncated:
	*err = die_error(c, p, "DIE attributes run past the end of the unit");
	return NULL;
}

/* Skip the children of a DIE: P is just past its attributes. */
static const uint8_t *skip_children(const struct unit_ctx *c, const uint8_t *p,
				    struct error **err)
{
	const uint8_t *end = c->end;
	size_t depth = 1;

	while (depth) {
		const uint8_t *die = p;
		const struct dwarf_abbrev *a;
		struct die_attrs d;
		uint64_t code;

		if (p >= end)
			return end;	/* trailing null entries left out */
		if (!read_code(&p, end, &code))
			goto truncated;
		if (!code) {
			depth--;
			continue;
		}
		a = find_abbrev(c, die, code, err);
		if (!a)
			return NULL;
		p = read_attrs(c, a, p, false, &d, err);
		if (!p)
			return NULL;
		if (!a->children)
			continue;
		if (d.sibling != NO_REF) {
			p = follow_sibling(c, die, p, d.sibling, err);
			if (!p)
				return NULL;
		} else {
			depth++;
		}
	}
	return p;

truncated:
	*err = die_error(c, p, "DIE runs past the end of the unit");
	return NULL;
}

/* The name of the declaration a DW_AT_specification points to. */
static struct error *spec_name(const struct unit_ctx *c, struct die_attrs *d)
{
	const struct dwarf_abbrev *a;
	struct die_attrs decl = { 0 };
	struct error *err = NULL;
	const uint8_t *p;
	uint64_t code;

	/* A reference into another unit would need that unit's
	 * abbreviations; compilers of C do not make those. */
	if (d->spec < c->u->die_offset || d->spec >= (uint64_t)(c->end - c->sec))
		return NULL;
	p = c->sec + d->spec;
	if (!read_code(&p, c->end, &code) || !code)
		return die_error(c, c->sec + d->spec,
				 "DW_AT_specification points to no DIE");
	a = find_abbrev(c, c->sec + d->spec, code, &err);
	if (!a)
		return err;
	if (!read_attrs(c, a, p, true, &decl, &err))
		return err;
	if (!decl.named)
		return NULL;
	if (decl.name_is_strx) {
		err = resolve_strx(c, c->sec + d->spec, &decl);
		if (err)
			return err;
	}
	d->named = true;
	d->name_off = decl.name_off;
	d->name_sec = decl.name_sec;
	return NULL;
}

enum level_mode {
	LEVEL_TOP,	/* a unit's or a namespace's children */
	LEVEL_ENUM,	/* an enumeration type's children */
};

/* Index one list of sibling DIEs, starting at P; returns the position
 * after its terminating null entry. */
static const uint8_t *scan_level(const struct unit_ctx *c, const uint8_t *p,
				 enum level_mode mode, unsigned int depth,
				 struct error **err)
{
	const uint8_t *end = c->end;

	for (;;) {
		const uint8_t *die = p;
		const struct dwarf_abbrev *a;
		struct die_attrs d;
		uint64_t code;
		uint8_t kind;

		if (p >= end)
			return end;
		if (!read_code(&p, end, &code))
			goto truncated;
		if (!code)
			return p;
		a = find_abbrev(c, die, code, err);
		if (!a)
			return NULL;
		if (mode == LEVEL_TOP)
			kind = a->kind;
		else
			kind = a->tag == DW_TAG_enumerator ?
			       DWARF_INDEX_ENUMERATOR : 0;
		p = read_attrs(c, a, p, kind != 0, &d, err);
		if (!p)
			return NULL;
		if (kind) {
			if (!d.named && d.spec != NO_REF)
				*err = spec_name(c, &d);
			else if (d.name_is_strx)
				*err = resolve_strx(c, die, &d);
			if (!*err && d.named)
				*err = emit(c, die, a->tag, kind, &d);
			if (*err)
				return NULL;
		}
		if (!a->children)
			continue;
		if (mode == LEVEL_TOP && a->tag == DW_TAG_enumeration_type)
			p = scan_level(c, p, LEVEL_ENUM, depth, err);
		else if (mode == LEVEL_TOP && a->tag == DW_TAG_namespace &&
			 depth < MAX_NAMESPACE_DEPTH)
			p = scan_level(c, p, LEVEL_TOP, depth + 1, err);
		else if (d.sibling != NO_REF)
			p = follow_sibling(c, die, p, d.sibling, err);
		else
			p = skip_children(c, p, err);
		if (!p)
			return NULL;
	}

truncated:
	*err = die_error(c, p, "DIE runs past the end of the unit");
	return NULL;
}

struct error *dwarf_scan_unit(struct dwarf_scanner *s,
			      const struct dwarf_unit *u)
{
	const struct dwarf_section *sec = u->in_types ? &s->secs->types :
							&s->secs->info;
	struct unit_ctx c = {
		.s = s,
		.u = u,
		.sec = sec->data,
		.end = sec->data + u->end,
		.info_sec = u->in_types ? STRSEC_TYPES : STRSEC_INFO,
	};
	const uint8_t *p = sec->data + u->die_offset, *die = p;
	const struct dwarf_abbrev *a;
	struct die_attrs d = { 0 };
	struct error *err;
	uint64_t code;

	/* Split units live in .dwo files, which this index does not read;
	 * a skeleton's unit DIE names no types or variables. */
	if (u->unit_type == DW_UT_skeleton ||
	    u->unit_type == DW_UT_split_compile ||
	    u->unit_type == DW_UT_split_type)
		return NULL;
	err = dwarf_abbrev_table_load(&s->abbrevs, s->secs, u);
	if (err)
		return err;
	if (p >= c.end)
		return NULL;	/* an empty unit */
	if (!read_code(&p, c.end, &code))
		return die_error(&c, die, "truncated unit DIE");
	if (!code)
		return NULL;
	a = find_abbrev(&c, die, code, &err);
	if (!a)
		return err;
	p = run_ops(&c, s->abbrevs.ops + a->full_ops, p, &d, &err);
	if (!p)
		return err;
	c.have_str_offsets_base = d.have_str_offsets_base;
	c.str_offsets_base = d.str_offsets_base;
	if (!a->children)
		return NULL;
	if (!scan_level(&c, p, LEVEL_TOP, 0, &err))
		return err;
	return NULL;
}
