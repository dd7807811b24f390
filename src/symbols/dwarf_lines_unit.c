/* One compile unit's header and the attributes of its first DIE, read in
 * place: the only part of .debug_info a source-line lookup touches. */
#include <dwarf.h>
#include <string.h>

#include "dwarf_lines_read.h"

const char *dwarf_cstr(struct dwarf_cursor *c)
{
	const char *s = (const char *)c->p;
	const uint8_t *nul;

	if (c->overrun)
		return NULL;
	nul = memchr(c->p, 0, c->end - c->p);
	if (!nul) {
		c->overrun = true;
		return NULL;
	}
	c->p = nul + 1;
	return s;
}

bool dwarf_initial_length(struct dwarf_cursor *c, uint64_t *len, bool *is64)
{
	uint32_t l = dwarf_u32(c);

	*is64 = false;
	if (l == 0xffffffff) {
		*is64 = true;
		*len = dwarf_u64(c);
	} else {
		*len = l;
	}
	return !c->overrun && !(l >= 0xfffffff0 && l < 0xffffffff);
}

const char *dwarf_sec_str(const struct dwarf_lines_sec *s, uint64_t off)
{
	struct dwarf_cursor c;

	if (off >= s->size)
		return NULL;
	dwarf_cursor_init(&c, s->data + off, s->size - off, false);
	return dwarf_cstr(&c);
}

static struct error *cu_error(const struct dwarf_lines_sections *s,
			      uint64_t offset, const char *what)
{
	return error_create(ERR_FORMAT, "%s: the unit at .debug_info offset "
			    "0x%llx: %s", s->path, (unsigned long long)offset,
			    what);
}

struct error *dwarf_cu_read_header(const struct dwarf_lines_sections *s,
				   uint64_t offset, struct dwarf_cu *cu)
{
	struct dwarf_cursor c;
	uint64_t len;

	memset(cu, 0, sizeof(*cu));
	cu->offset = offset;
	if (offset >= s->info.size)
		return cu_error(s, offset, "beyond the end of the section");
	dwarf_cursor_init(&c, s->info.data, s->info.size, s->big_endian);
	c.p += offset;
	if (!dwarf_initial_length(&c, &len, &cu->is64))
		return cu_error(s, offset, "bad unit length");
	if (len > dwarf_cursor_left(&c))
		return cu_error(s, offset, "the unit runs past the end of the "
				"section");
	cu->end = dwarf_cursor_pos(&c) + len;
	c.end = c.p + len;
	cu->version = dwarf_u16(&c);
	if (cu->version < 2 || cu->version > 5)
		return cu_error(s, offset, "unknown DWARF version");
	if (cu->version >= 5) {
		cu->unit_type = dwarf_u8(&c);
		cu->addr_size = dwarf_u8(&c);
		cu->abbrev_offset = dwarf_offset(&c, cu->is64);
		switch (cu->unit_type) {
		case DW_UT_skeleton:
		case DW_UT_split_compile:
			dwarf_skip(&c, 8);		/* dwo_id */
			break;
		case DW_UT_type:
		case DW_UT_split_type:
			dwarf_skip(&c, 8);		/* type signature */
			dwarf_offset(&c, cu->is64);	/* type offset */
			break;
		}
	} else {
		cu->unit_type = DW_UT_compile;
		cu->abbrev_offset = dwarf_offset(&c, cu->is64);
		cu->addr_size = dwarf_u8(&c);
	}
	if (c.overrun)
		return cu_error(s, offset, "truncated header");
	if (cu->addr_size < 1 || cu->addr_size > 8)
		return cu_error(s, offset, "bad address size");
	cu->die_offset = dwarf_cursor_pos(&c);
	return NULL;
}

bool dwarf_form_read(struct dwarf_cursor *c, const struct dwarf_cu *cu,
		     uint64_t *form, int64_t implicit, uint64_t *value,
		     const char **str)
{
	int depth;

	*value = 0;
	*str = NULL;
	/* DW_FORM_indirect names the form in the data; once is enough. */
	for (depth = 0; *form == DW_FORM_indirect; depth++) {
		if (depth)
			return false;
		*form = dwarf_uleb(c);
	}
	switch (*form) {
	case DW_FORM_addr:
		*value = dwarf_uint(c, cu->addr_size);
		break;
	case DW_FORM_flag:
	case DW_FORM_data1:
	case DW_FORM_ref1:
	case DW_FORM_strx1:
	case DW_FORM_addrx1:
		*value = dwarf_u8(c);
		break;
	case DW_FORM_data2:
	case DW_FORM_ref2:
	case DW_FORM_strx2:
	case DW_FORM_addrx2:
		*value = dwarf_u16(c);
		break;
	case DW_FORM_strx3:
	case DW_FORM_addrx3:
		*value = dwarf_uint(c, 3);
		break;
	case DW_FORM_data4:
	case DW_FORM_ref4:
	case DW_FORM_strx4:
	case DW_FORM_addrx4:
	case DW_FORM_ref_sup4:
		*value = dwarf_u32(c);
		break;
	case DW_FORM_data8:
	case DW_FORM_ref8:
	case DW_FORM_ref_sig8:
	case DW_FORM_ref_sup8:
		*value = dwarf_u64(c);
		break;
	case DW_FORM_data16:
		dwarf_skip(c, 16);
		break;
	case DW_FORM_sdata:
		*value = (uint64_t)dwarf_sleb(c);
		break;
	case DW_FORM_udata:
	case DW_FORM_ref_udata:
	case DW_FORM_strx:
	case DW_FORM_addrx:
	case DW_FORM_loclistx:
	case DW_FORM_rnglistx:
	case DW_FORM_GNU_addr_index:
	case DW_FORM_GNU_str_index:
		*value = dwarf_uleb(c);
		break;
	case DW_FORM_string:
		*str = dwarf_cstr(c);
		break;
	case DW_FORM_strp:
	case DW_FORM_line_strp:
	case DW_FORM_sec_offset:
	case DW_FORM_strp_sup:
	case DW_FORM_GNU_strp_alt:
	case DW_FORM_GNU_ref_alt:
		*value = dwarf_offset(c, cu->is64);
		break;
	case DW_FORM_ref_addr:
		/* Address-sized in DWARF 2, offset-sized since. */
		*value = cu->version <= 2 ? dwarf_uint(c, cu->addr_size) :
					    dwarf_offset(c, cu->is64);
		break;
	case DW_FORM_flag_present:
		*value = 1;
		break;
	case DW_FORM_implicit_const:
		*value = (uint64_t)implicit;
		break;
	case DW_FORM_block1:
		dwarf_skip(c, dwarf_u8(c));
		break;
	case DW_FORM_block2:
		dwarf_skip(c, dwarf_u16(c));
		break;
	case DW_FORM_block4:
		dwarf_skip(c, dwarf_u32(c));
		break;
	case DW_FORM_block:
	case DW_FORM_exprloc:
		dwarf_skip(c, dwarf_uleb(c));
		break;
	default:
		return false;
	}
	return !c->overrun;
}

const char *dwarf_form_str(const struct dwarf_lines_sections *s,
			   const struct dwarf_cu *cu, uint64_t form,
			   uint64_t value, const char *inplace)
{
	unsigned int size = cu->is64 ? 8 : 4;
	struct dwarf_cursor c;
	uint64_t pos;

	switch (form) {
	case DW_FORM_string:
		return inplace;
	case DW_FORM_strp:
		return dwarf_sec_str(&s->str, value);
	case DW_FORM_line_strp:
		return dwarf_sec_str(&s->line_str, value);
	case DW_FORM_strx:
	case DW_FORM_strx1:
	case DW_FORM_strx2:
	case DW_FORM_strx3:
	case DW_FORM_strx4:
	case DW_FORM_GNU_str_index:
		if (value > (UINT64_MAX - cu->str_offsets_base) / size)
			return NULL;
		pos = cu->str_offsets_base + value * size;
		if (pos >= s->str_offsets.size)
			return NULL;
		dwarf_cursor_init(&c, s->str_offsets.data + pos,
				  s->str_offsets.size - pos, s->big_endian);
		value = dwarf_offset(&c, cu->is64);
		return c.overrun ? NULL : dwarf_sec_str(&s->str, value);
	default:
		return NULL;	/* e.g. a supplementary file's string */
	}
}

bool dwarf_addrx(const struct dwarf_lines_sections *s,
		 const struct dwarf_cu *cu, uint64_t idx, uint64_t *addr)
{
	struct dwarf_cursor c;
	uint64_t pos;

	if (idx > (UINT64_MAX - cu->addr_base) / cu->addr_size)
		return false;
	pos = cu->addr_base + idx * cu->addr_size;
	if (pos >= s->addr.size)
		return false;
	dwarf_cursor_init(&c, s->addr.data + pos, s->addr.size - pos,
			  s->big_endian);
	*addr = dwarf_uint(&c, cu->addr_size);
	return !c.overrun;
}

/* Find abbreviation CODE in the table at OFFSET of .debug_abbrev; C is left
 * at its attribute specifications. */
static bool find_abbrev(const struct dwarf_lines_sections *s, uint64_t offset,
			uint64_t code, struct dwarf_cursor *c, uint64_t *tag)
{
	if (offset >= s->abbrev.size)
		return false;
	dwarf_cursor_init(c, s->abbrev.data, s->abbrev.size, s->big_endian);
	c->p += offset;
	while (!c->overrun) {
		uint64_t this = dwarf_uleb(c);

		if (!this)
			return false;	/* the end of the table */
		*tag = dwarf_uleb(c);
		dwarf_u8(c);		/* DW_CHILDREN_* */
		if (this == code)
			return !c->overrun;
		for (;;) {
			uint64_t attr = dwarf_uleb(c), form = dwarf_uleb(c);

			if (c->overrun || (!attr && !form))
				break;
			if (form == DW_FORM_implicit_const)
				dwarf_sleb(c);
		}
	}
	return false;
}

/* An attribute whose meaning depends on another one of the same DIE
 * (strx on DW_AT_str_offsets_base, addrx on DW_AT_addr_base). */
struct pending {
	uint64_t form, value;
	const char *inplace;
	bool present;
};

static bool is_constant(uint64_t form)
{
	switch (form) {
	case DW_FORM_data1:
	case DW_FORM_data2:
	case DW_FORM_data4:
	case DW_FORM_data8:
	case DW_FORM_sdata:
	case DW_FORM_udata:
	case DW_FORM_implicit_const:
		return true;
	default:
		return false;
	}
}

static bool is_addrx(uint64_t form)
{
	return form == DW_FORM_addrx || form == DW_FORM_addrx1 ||
	       form == DW_FORM_addrx2 || form == DW_FORM_addrx3 ||
	       form == DW_FORM_addrx4 || form == DW_FORM_GNU_addr_index;
}

/* A low or high pc of an address form, resolved; false if unreadable. */
static bool resolve_addr(const struct dwarf_lines_sections *s,
			 const struct dwarf_cu *cu, const struct pending *p,
			 uint64_t *addr)
{
	if (p->form == DW_FORM_addr) {
		*addr = p->value;
		return true;
	}
	return is_addrx(p->form) && dwarf_addrx(s, cu, p->value, addr);
}

/* Fill CU from the attributes of the DIE at C, specifications at SPECS. */
static struct error *read_attrs(const struct dwarf_lines_sections *s,
				struct dwarf_cu *cu, struct dwarf_cursor *c,
				struct dwarf_cursor *specs)
{
	struct pending name = { 0 }, comp_dir = { 0 }, low = { 0 },
		       high = { 0 }, ranges = { 0 };
	bool has_str_base = false, has_addr_base = false,
	     has_rng_base = false;

	for (;;) {
		uint64_t attr = dwarf_uleb(specs), form = dwarf_uleb(specs);
		int64_t implicit = 0;
		struct pending v = { .present = true };

		if (specs->overrun)
			return cu_error(s, cu->offset, "its abbreviation runs "
					"past the end of .debug_abbrev");
		if (!attr && !form)
			break;
		if (form == DW_FORM_implicit_const)
			implicit = dwarf_sleb(specs);
		if (!dwarf_form_read(c, cu, &form, implicit, &v.value,
				     &v.inplace))
			return cu_error(s, cu->offset, c->overrun ?
					"its first DIE runs past the unit" :
					"unknown attribute form in its first "
					"DIE");
		v.form = form;
		switch (attr) {
		case DW_AT_name:
			name = v;
			break;
		case DW_AT_comp_dir:
			comp_dir = v;
			break;
		case DW_AT_stmt_list:
			cu->has_stmt_list = true;
			cu->stmt_list = v.value;
			break;
		case DW_AT_str_offsets_base:
			has_str_base = true;
			cu->str_offsets_base = v.value;
			break;
		case DW_AT_addr_base:
		case DW_AT_GNU_addr_base:
			has_addr_base = true;
			cu->addr_base = v.value;
			break;
		case DW_AT_rnglists_base:
		case DW_AT_GNU_ranges_base:
			has_rng_base = true;
			cu->rnglists_base = v.value;
			break;
		case DW_AT_low_pc:
			low = v;
			break;
		case DW_AT_high_pc:
			high = v;
			break;
		case DW_AT_ranges:
			ranges = v;
			break;
		}
	}
	/* Without the base attributes, a unit's entries start right after
	 * the header of its contribution to the section (DWARF 5, 7.26). */
	if (!has_str_base)
		cu->str_offsets_base = cu->is64 ? 16 : 8;
	if (!has_addr_base)
		cu->addr_base = cu->is64 ? 16 : 8;
	if (!has_rng_base)
		cu->rnglists_base = cu->is64 ? 20 : 12;
	if (name.present)
		cu->name = dwarf_form_str(s, cu, name.form, name.value,
					  name.inplace);
	if (comp_dir.present)
		cu->comp_dir = dwarf_form_str(s, cu, comp_dir.form,
					      comp_dir.value,
					      comp_dir.inplace);
	if (low.present)
		cu->has_low_pc = resolve_addr(s, cu, &low, &cu->low_pc);
	if (high.present) {
		cu->high_pc_is_offset = is_constant(high.form);
		if (cu->high_pc_is_offset) {
			cu->high_pc = high.value;
			cu->has_high_pc = true;
		} else {
			cu->has_high_pc = resolve_addr(s, cu, &high,
						       &cu->high_pc);
		}
	}
	if (ranges.present) {
		cu->has_ranges = true;
		cu->ranges_is_index = ranges.form == DW_FORM_rnglistx;
		cu->ranges = ranges.value;
	}
	return NULL;
}

struct error *dwarf_cu_read_die(const struct dwarf_lines_sections *s,
				struct dwarf_cu *cu)
{
	struct dwarf_cursor c, specs;
	struct error *err;
	uint64_t code;

	dwarf_cursor_init(&c, s->info.data, cu->end, s->big_endian);
	c.p += cu->die_offset;
	code = dwarf_uleb(&c);
	if (c.overrun || !code)
		return cu_error(s, cu->offset, "no unit DIE");
	if (!find_abbrev(s, cu->abbrev_offset, code, &specs, &cu->tag))
		return error_create(ERR_FORMAT, "%s: the unit at .debug_info "
				    "offset 0x%llx: abbreviation %llu is not "
				    "in the table at .debug_abbrev offset "
				    "0x%llx", s->path,
				    (unsigned long long)cu->offset,
				    (unsigned long long)code,
				    (unsigned long long)cu->abbrev_offset);
	err = read_attrs(s, cu, &c, &specs);
	cu->die_end = dwarf_cursor_pos(&c);
	cu->abbrev_end = dwarf_cursor_pos(&specs);
	return err;
}
