/* The DWARF index on debug info the tests assemble byte by byte: every
 * form, unit kinds compilers rarely make, and damaged units. */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/symbols/dwarf_index.h"
#include "test.h"

struct bytes {
	uint8_t *d;
	size_t n, cap;
};

static void put(struct bytes *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->d = realloc(b->d, b->cap);
	}
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

static void b8(struct bytes *b, uint64_t v)
{
	uint8_t x = v;

	put(b, &x, 1);
}

static void bn(struct bytes *b, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		b8(b, v >> (8 * i));
}

static void uleb(struct bytes *b, uint64_t v)
{
	do {
		uint8_t x = v & 0x7f;

		v >>= 7;
		b8(b, x | (v ? 0x80 : 0));
	} while (v);
}

static void sleb(struct bytes *b, int64_t v)
{
	for (;;) {
		uint8_t x = v & 0x7f;

		v >>= 7;
		if ((v == 0 && !(x & 0x40)) || (v == -1 && (x & 0x40))) {
			b8(b, x);
			return;
		}
		b8(b, x | 0x80);
	}
}

static void cstr(struct bytes *b, const char *s)
{
	put(b, s, strlen(s) + 1);
}

static uint32_t str_add(struct bytes *b, const char *s)
{
	uint32_t off = b->n;

	cstr(b, s);
	return off;
}

struct synth {
	struct bytes info, abbrev, str, str_offsets, line_str, types;
};

static void synth_free(struct synth *s)
{
	free(s->info.d);
	free(s->abbrev.d);
	free(s->str.d);
	free(s->str_offsets.d);
	free(s->line_str.d);
	free(s->types.d);
	memset(s, 0, sizeof(*s));
}

static struct dwarf_sections sections(const struct synth *s)
{
	struct dwarf_sections secs = {
		{ s->info.d, s->info.n }, { s->abbrev.d, s->abbrev.n },
		{ s->str.d, s->str.n }, { s->str_offsets.d, s->str_offsets.n },
		{ s->line_str.d, s->line_str.n }, { s->types.d, s->types.n },
		false,
	};

	return secs;
}

/* A DWARF 5 unit header with a placeholder length; returns its offset. */
static size_t unit5(struct bytes *info, uint8_t type, uint32_t abbrev_off)
{
	size_t start = info->n;

	bn(info, 0, 4);
	bn(info, 5, 2);
	b8(info, type);
	b8(info, 8);
	bn(info, abbrev_off, 4);
	return start;
}

static size_t unit4(struct bytes *info, uint16_t version, uint32_t abbrev_off,
		    uint8_t addr_size)
{
	size_t start = info->n;

	bn(info, 0, 4);
	bn(info, version, 2);
	bn(info, abbrev_off, 4);
	b8(info, addr_size);
	return start;
}

static void unit_end(struct bytes *info, size_t start)
{
	uint32_t len = info->n - start - 4;

	memcpy(info->d + start, &len, 4);
}

/* An abbreviation: code, tag, children, then (attr, form) pairs ending
 * with 0, 0; an implicit_const takes a third number. */
static void abbrev(struct bytes *ab, uint64_t code, uint64_t tag,
		   bool children, const int64_t *spec)
{
	uleb(ab, code);
	uleb(ab, tag);
	b8(ab, children);
	for (; spec[0] || spec[1]; spec += 2) {
		uleb(ab, spec[0]);
		uleb(ab, spec[1]);
		if (spec[1] == DW_FORM_implicit_const)
			sleb(ab, *++spec);
	}
	uleb(ab, 0);
	uleb(ab, 0);
}

struct expect {
	const char *name;
	unsigned int kind;
	uint64_t die;
	bool decl;
	bool types;
};

static void check_expected(const struct dwarf_index *idx,
			   const struct expect *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct dwarf_index_iter it;
		struct dwarf_index_match m;
		bool found = false;

		dwarf_index_find(idx, e[i].name, DWARF_INDEX_ANY, &it);
		while (dwarf_index_next(&it, &m))
			if (m.die_offset == e[i].die && m.kind == e[i].kind &&
			    m.declaration == e[i].decl &&
			    m.in_types_section == e[i].types &&
			    !strcmp(m.name, e[i].name))
				found = true;
		if (!found)
			test_fail(__FILE__, __LINE__,
				  "%s (kind 0x%x) not found at 0x%llx",
				  e[i].name, e[i].kind,
				  (unsigned long long)e[i].die);
	}
}

static size_t count_all(const struct dwarf_index *idx, const char *name)
{
	struct dwarf_index_iter it;
	struct dwarf_index_match m;
	size_t n = 0;

	dwarf_index_find(idx, name, DWARF_INDEX_ANY, &it);
	while (dwarf_index_next(&it, &m))
		n++;
	return n;
}

/* One DWARF 5 unit that uses every form, in attributes the scanner must
 * skip and in those it reads; names in every string form. */
static void build_all_forms(struct synth *s, struct expect *e, size_t *ne)
{
	struct bytes *in = &s->info, *ab = &s->abbrev;
	uint32_t so_base, cu, sib_fixup, spec_target = 0, off;
	static const char *strx_names[] = {
		"pad0", "strx1_var", "strx2_struct", "strx3_func",
		"strx4_enum", "strx_uleb_enumerator", "indirect_strx",
	};
	size_t i;

	/* .debug_str_offsets: an 8-byte header, then one offset each. */
	bn(&s->str_offsets, 4 + 4 * 7, 4);
	bn(&s->str_offsets, 5, 2);
	bn(&s->str_offsets, 0, 2);
	so_base = s->str_offsets.n;
	str_add(&s->str, "");
	for (i = 0; i < 7; i++)
		bn(&s->str_offsets, str_add(&s->str, strx_names[i]), 4);

	abbrev(ab, 1, DW_TAG_compile_unit, true, (const int64_t[]){
		DW_AT_producer, DW_FORM_strp,
		DW_AT_language, DW_FORM_data2,
		DW_AT_name, DW_FORM_line_strp,
		DW_AT_str_offsets_base, DW_FORM_sec_offset, 0, 0 });
	/* Every form before the name. */
	abbrev(ab, 2, DW_TAG_variable, false, (const int64_t[]){
		DW_AT_low_pc, DW_FORM_addr,
		DW_AT_const_value, DW_FORM_data16,
		DW_AT_location, DW_FORM_block1,
		DW_AT_frame_base, DW_FORM_exprloc,
		DW_AT_external, DW_FORM_flag,
		DW_AT_artificial, DW_FORM_flag_present,
		DW_AT_decl_file, DW_FORM_implicit_const, -3,
		DW_AT_decl_line, DW_FORM_sdata,
		DW_AT_decl_column, DW_FORM_udata,
		DW_AT_stmt_list, DW_FORM_sec_offset,
		DW_AT_type, DW_FORM_ref_addr,
		DW_AT_signature, DW_FORM_ref_sig8,
		DW_AT_byte_size, DW_FORM_data1,
		DW_AT_bit_size, DW_FORM_data2,
		DW_AT_alignment, DW_FORM_data4,
		DW_AT_high_pc, DW_FORM_data8,
		DW_AT_producer, DW_FORM_string,
		DW_AT_linkage_name, DW_FORM_strx,
		DW_AT_entry_pc, DW_FORM_addrx,
		DW_AT_ranges, DW_FORM_rnglistx,
		DW_AT_data_location, DW_FORM_loclistx,
		DW_AT_GNU_locviews, DW_FORM_block2,
		DW_AT_count, DW_FORM_block4,
		DW_AT_upper_bound, DW_FORM_block,
		DW_AT_containing_type, DW_FORM_ref1,
		DW_AT_abstract_origin, DW_FORM_ref2,
		DW_AT_import, DW_FORM_ref4,
		DW_AT_friend, DW_FORM_ref8,
		DW_AT_object_pointer, DW_FORM_ref_udata,
		DW_AT_description, DW_FORM_indirect,
		DW_AT_call_file, DW_FORM_addrx1,
		DW_AT_call_line, DW_FORM_addrx2,
		DW_AT_call_column, DW_FORM_addrx3,
		DW_AT_call_pc, DW_FORM_addrx4,
		DW_AT_comp_dir, DW_FORM_strx1,
		DW_AT_picture_string, DW_FORM_strx2,
		DW_AT_name, DW_FORM_strx1, 0, 0 });
	abbrev(ab, 3, DW_TAG_structure_type, true, (const int64_t[]){
		DW_AT_name, DW_FORM_strx2,
		DW_AT_sibling, DW_FORM_ref_udata, 0, 0 });
	abbrev(ab, 4, DW_TAG_member, false, (const int64_t[]){
		DW_AT_name, DW_FORM_string, 0, 0 });
	/* A function without DW_AT_sibling: its children are walked. */
	abbrev(ab, 5, DW_TAG_subprogram, true, (const int64_t[]){
		DW_AT_name, DW_FORM_strx3, 0, 0 });
	abbrev(ab, 6, DW_TAG_lexical_block, true, (const int64_t[]){
		DW_AT_low_pc, DW_FORM_addr, 0, 0 });
	abbrev(ab, 7, DW_TAG_variable, false, (const int64_t[]){
		DW_AT_name, DW_FORM_string,
		DW_AT_location, DW_FORM_exprloc, 0, 0 });
	abbrev(ab, 8, DW_TAG_enumeration_type, true, (const int64_t[]){
		DW_AT_name, DW_FORM_strx4, 0, 0 });
	abbrev(ab, 9, DW_TAG_enumerator, false, (const int64_t[]){
		DW_AT_name, DW_FORM_strx,
		DW_AT_const_value, DW_FORM_sdata, 0, 0 });
	abbrev(ab, 10, DW_TAG_typedef, false, (const int64_t[]){
		DW_AT_name, DW_FORM_indirect, 0, 0 });
	abbrev(ab, 11, DW_TAG_base_type, false, (const int64_t[]){
		DW_AT_name, DW_FORM_string,
		DW_AT_encoding, DW_FORM_data1, 0, 0 });
	abbrev(ab, 12, DW_TAG_variable, false, (const int64_t[]){
		DW_AT_name, DW_FORM_strp,
		DW_AT_declaration, DW_FORM_flag, 0, 0 });
	abbrev(ab, 13, DW_TAG_variable, false, (const int64_t[]){
		DW_AT_specification, DW_FORM_ref4,
		DW_AT_location, DW_FORM_exprloc, 0, 0 });
	abbrev(ab, 14, DW_TAG_namespace, true, (const int64_t[]){
		DW_AT_name, DW_FORM_strp, 0, 0 });
	abbrev(ab, 15, DW_TAG_union_type, false, (const int64_t[]){
		DW_AT_name, DW_FORM_line_strp,
		DW_AT_declaration, DW_FORM_implicit_const, 1, 0, 0 });
	abbrev(ab, 16, DW_TAG_class_type, true, (const int64_t[]){
		DW_AT_name, DW_FORM_strp,
		DW_AT_sibling, DW_FORM_ref4, 0, 0 });
	abbrev(ab, 17, DW_TAG_subprogram, false, (const int64_t[]){
		DW_AT_name, DW_FORM_strp,
		DW_AT_declaration, DW_FORM_flag_present, 0, 0 });
	b8(ab, 0);

	cu = unit5(in, DW_UT_compile, 0);
	uleb(in, 1);
	bn(in, str_add(&s->str, "producer"), 4);
	bn(in, DW_LANG_C11, 2);
	bn(in, str_add(&s->line_str, "unit.c"), 4);
	bn(in, so_base, 4);

#define EXPECT(n, k, d, dc) (e[(*ne)++] = (struct expect){ n, k, d, dc, false })
	/* abbrev 2 */
	EXPECT("strx1_var", DWARF_INDEX_VARIABLE, in->n, false);
	uleb(in, 2);
	bn(in, 0x1122334455667788ull, 8);		/* addr */
	bn(in, 0, 8), bn(in, 0, 8);			/* data16 */
	b8(in, 2), b8(in, 0x9c), b8(in, 0x9c);		/* block1 */
	uleb(in, 1), b8(in, 0x9c);			/* exprloc */
	b8(in, 1);					/* flag */
	sleb(in, -1000);				/* sdata */
	uleb(in, 100000);				/* udata */
	bn(in, 0, 4);					/* sec_offset */
	bn(in, 0, 4);					/* ref_addr */
	bn(in, 0xdeadbeef, 8);				/* ref_sig8 */
	b8(in, 1), bn(in, 2, 2), bn(in, 3, 4), bn(in, 4, 8);
	cstr(in, "inline producer");			/* string */
	uleb(in, 0);					/* strx */
	uleb(in, 300);					/* addrx */
	uleb(in, 1), uleb(in, 2);			/* rnglistx, loclistx */
	bn(in, 3, 2), put(in, "abc", 3);		/* block2 */
	bn(in, 1, 4), b8(in, 0);			/* block4 */
	uleb(in, 2), b8(in, 0), b8(in, 0);		/* block */
	b8(in, 0), bn(in, 0, 2), bn(in, 0, 4), bn(in, 0, 8);
	uleb(in, 5);					/* ref_udata */
	uleb(in, DW_FORM_data2), bn(in, 7, 2);		/* indirect */
	b8(in, 0), bn(in, 0, 2), bn(in, 0, 3), bn(in, 0, 4);
	b8(in, 0), bn(in, 0, 2);			/* strx1, strx2 */
	b8(in, 1);					/* name: strx1 */

	/* abbrev 3 with members, jumped over with DW_AT_sibling */
	off = in->n;
	EXPECT("strx2_struct", DWARF_INDEX_STRUCT, off, false);
	uleb(in, 3);
	bn(in, 2, 2);
	sib_fixup = in->n;
	uleb(in, 0x7fff);	/* patched below: 3-byte uleb */
	uleb(in, 4), cstr(in, "member_a");
	uleb(in, 4), cstr(in, "member_b");
	b8(in, 0);
	{
		uint32_t rel = in->n - cu;

		in->d[sib_fixup] = 0x80 | (rel & 0x7f);
		in->d[sib_fixup + 1] = 0x80 | ((rel >> 7) & 0x7f);
		in->d[sib_fixup + 2] = (rel >> 14) & 0x7f;
	}

	/* abbrev 5: children walked, with a nested block and a local */
	EXPECT("strx3_func", DWARF_INDEX_FUNCTION, in->n, false);
	uleb(in, 5), bn(in, 3, 3);
	uleb(in, 6), bn(in, 0, 8);
	uleb(in, 7), cstr(in, "local_var"), uleb(in, 1), b8(in, 0x9c);
	b8(in, 0);
	uleb(in, 7), cstr(in, "local_var2"), uleb(in, 1), b8(in, 0x9c);
	b8(in, 0);

	/* abbrev 8 and 9: an enum and its values */
	EXPECT("strx4_enum", DWARF_INDEX_ENUM, in->n, false);
	uleb(in, 8), bn(in, 4, 4);
	EXPECT("strx_uleb_enumerator", DWARF_INDEX_ENUMERATOR, in->n, false);
	uleb(in, 9), uleb(in, 5), sleb(in, -1);
	EXPECT("ENUM_TWO", DWARF_INDEX_ENUMERATOR, in->n, false);
	uleb(in, 9), uleb(in, 0), sleb(in, 2);	/* patched name below */
	b8(in, 0);

	/* abbrev 10: the name's form is in the DIE */
	EXPECT("indirect_strx", DWARF_INDEX_TYPEDEF, in->n, false);
	uleb(in, 10), uleb(in, DW_FORM_strx1), b8(in, 6);
	EXPECT("indirect_strp", DWARF_INDEX_TYPEDEF, in->n, false);
	uleb(in, 10), uleb(in, DW_FORM_indirect), uleb(in, DW_FORM_strp);
	bn(in, str_add(&s->str, "indirect_strp"), 4);
	EXPECT("int", DWARF_INDEX_BASE, in->n, false);
	uleb(in, 11), cstr(in, "int"), b8(in, DW_ATE_signed);

	/* abbrev 12, 13: a declaration and its definition */
	spec_target = in->n;
	EXPECT("spec_var", DWARF_INDEX_VARIABLE, in->n, true);
	uleb(in, 12), bn(in, str_add(&s->str, "spec_var"), 4), b8(in, 1);
	EXPECT("spec_var", DWARF_INDEX_VARIABLE, in->n, false);
	uleb(in, 13), bn(in, spec_target - cu, 4), uleb(in, 1), b8(in, 0x9c);
	EXPECT("flag_zero", DWARF_INDEX_VARIABLE, in->n, false);
	uleb(in, 12), bn(in, str_add(&s->str, "flag_zero"), 4), b8(in, 0);

	/* abbrev 14: namespaces, nested */
	uleb(in, 14), bn(in, str_add(&s->str, "outer_ns"), 4);
	EXPECT("in_ns", DWARF_INDEX_VARIABLE, in->n, true);
	uleb(in, 12), bn(in, str_add(&s->str, "in_ns"), 4), b8(in, 1);
	uleb(in, 14), bn(in, str_add(&s->str, "inner_ns"), 4);
	EXPECT("in_inner_ns", DWARF_INDEX_BASE, in->n, false);
	uleb(in, 11), cstr(in, "in_inner_ns"), b8(in, DW_ATE_signed);
	b8(in, 0);
	b8(in, 0);

	EXPECT("line_union", DWARF_INDEX_UNION, in->n, true);
	uleb(in, 15), bn(in, str_add(&s->line_str, "line_union"), 4);
	off = in->n;
	EXPECT("a_class", DWARF_INDEX_STRUCT, off, false);
	uleb(in, 16), bn(in, str_add(&s->str, "a_class"), 4);
	bn(in, off + 9 + 1 + sizeof("m") + 1 - cu, 4);
	uleb(in, 4), cstr(in, "m");
	b8(in, 0);
	EXPECT("ext_func", DWARF_INDEX_FUNCTION, in->n, true);
	uleb(in, 17), bn(in, str_add(&s->str, "ext_func"), 4);
	b8(in, 0);
	unit_end(in, cu);
#undef EXPECT
	/* ENUM_TWO via string index 0 ("pad0"): point that offset at it. */
	{
		uint32_t o = str_add(&s->str, "ENUM_TWO");

		memcpy(s->str_offsets.d + so_base, &o, 4);
	}
}

TEST(dwarf_index_every_form)
{
	struct expect e[32];
	struct synth s = { 0 };
	struct dwarf_sections secs;
	struct dwarf_index *idx = NULL;
	unsigned int threads;
	size_t ne = 0;

	build_all_forms(&s, e, &ne);
	secs = sections(&s);
	for (threads = 1; threads <= 3; threads++) {
		CHECK_OK(dwarf_index_build(&secs, threads, &idx));
		if (!idx)
			continue;
		check_expected(idx, e, ne);
		CHECK_EQ(dwarf_index_num_entries(idx), ne);
		CHECK_EQ(dwarf_index_num_units(idx), 1);
		/* Members, locals and namespaces are not indexed. */
		CHECK_EQ(count_all(idx, "member_a"), 0);
		CHECK_EQ(count_all(idx, "local_var"), 0);
		CHECK_EQ(count_all(idx, "local_var2"), 0);
		CHECK_EQ(count_all(idx, "outer_ns"), 0);
		CHECK_EQ(count_all(idx, "m"), 0);
		CHECK_EQ(count_all(idx, "spec_var"), 2);
		dwarf_index_free(idx);
		idx = NULL;
	}
	synth_free(&s);
}

TEST(dwarf_index_lookup_prefers_definitions)
{
	struct expect e[32];
	struct synth s = { 0 };
	struct dwarf_sections secs;
	struct dwarf_index *idx = NULL;
	struct dwarf_index_match m;
	size_t ne = 0;

	build_all_forms(&s, e, &ne);
	secs = sections(&s);
	CHECK_OK(dwarf_index_build(&secs, 1, &idx));
	if (idx) {
		CHECK_OK(dwarf_index_lookup(idx, "spec_var",
					    DWARF_INDEX_VARIABLE, &m));
		CHECK(!m.declaration);
		CHECK_OK(dwarf_index_lookup(idx, "in_ns", DWARF_INDEX_ANY, &m));
		CHECK(m.declaration);
		CHECK_ERR(dwarf_index_lookup(idx, "spec_var",
					     DWARF_INDEX_FUNCTION, &m),
			  ERR_NOT_FOUND);
		CHECK_ERR(dwarf_index_lookup(idx, "no_such", DWARF_INDEX_ANY,
					     &m), ERR_NOT_FOUND);
		CHECK_OK(dwarf_index_lookup(idx, "a_class", DWARF_INDEX_STRUCT,
					    &m));
		CHECK_EQ(m.tag, DW_TAG_class_type);
		CHECK_EQ(m.cu_offset, 0);
		dwarf_index_free(idx);
	}
	synth_free(&s);
}

TEST(dwarf_index_prefix_iteration)
{
	struct expect e[32];
	struct synth s = { 0 };
	struct dwarf_sections secs;
	struct dwarf_index *idx = NULL;
	struct dwarf_index_prefix_iter it;
	const char *name, *prev = NULL;
	size_t ne = 0, n = 0;

	build_all_forms(&s, e, &ne);
	secs = sections(&s);
	CHECK_OK(dwarf_index_build(&secs, 2, &idx));
	if (!idx)
		return;
	CHECK_OK(dwarf_index_prefix(idx, "strx", DWARF_INDEX_ANY, &it));
	while (dwarf_index_prefix_next(&it, &name)) {
		CHECK(!strncmp(name, "strx", 4));
		CHECK(!prev || strcmp(prev, name) < 0);
		prev = name;
		n++;
	}
	CHECK_EQ(n, 5);
	CHECK_OK(dwarf_index_prefix(idx, "strx", DWARF_INDEX_STRUCT, &it));
	CHECK(dwarf_index_prefix_next(&it, &name) &&
	      !strcmp(name, "strx2_struct"));
	CHECK(!dwarf_index_prefix_next(&it, &name));
	CHECK_OK(dwarf_index_prefix(idx, "zzz", DWARF_INDEX_ANY, &it));
	CHECK(!dwarf_index_prefix_next(&it, &name));
	n = 0;
	CHECK_OK(dwarf_index_prefix(idx, "", DWARF_INDEX_ANY, &it));
	while (dwarf_index_prefix_next(&it, &name))
		n++;
	CHECK_EQ(n, dwarf_index_num_names(idx));
	dwarf_index_free(idx);
	synth_free(&s);
}

/* DWARF 4 type units in .debug_types, a DWARF 5 type unit and a partial
 * unit in .debug_info, a DWARF 2 unit, and a skeleton that is skipped. */
TEST(dwarf_index_unit_kinds)
{
	struct synth s = { 0 };
	struct bytes *in = &s.info, *ty = &s.types, *ab = &s.abbrev;
	struct dwarf_sections secs;
	struct dwarf_index *idx = NULL;
	struct expect e[8];
	size_t ne = 0, u;

	abbrev(ab, 1, DW_TAG_type_unit, true, (const int64_t[]){
		DW_AT_language, DW_FORM_data1, 0, 0 });
	abbrev(ab, 2, DW_TAG_structure_type, false, (const int64_t[]){
		DW_AT_name, DW_FORM_string,
		DW_AT_byte_size, DW_FORM_data1, 0, 0 });
	abbrev(ab, 3, DW_TAG_partial_unit, true, (const int64_t[]){ 0, 0 });
	abbrev(ab, 4, DW_TAG_compile_unit, true, (const int64_t[]){ 0, 0 });
	abbrev(ab, 5, DW_TAG_variable, false, (const int64_t[]){
		DW_AT_name, DW_FORM_string,
		DW_AT_type, DW_FORM_ref_addr, 0, 0 });
	abbrev(ab, 6, DW_TAG_skeleton_unit, false, (const int64_t[]){
		DW_AT_name, DW_FORM_string, 0, 0 });
	b8(ab, 0);

	/* .debug_types, DWARF 4: signature and type offset. */
	u = unit4(ty, 4, 0, 8);
	bn(ty, 0x1234, 8);
	bn(ty, 0, 4);
	uleb(ty, 1), b8(ty, 12);
	e[ne++] = (struct expect){ "v4_type", DWARF_INDEX_STRUCT, ty->n,
				   false, true };
	uleb(ty, 2), cstr(ty, "v4_type"), b8(ty, 4);
	b8(ty, 0);
	unit_end(ty, u);

	/* DWARF 5 type unit. */
	u = unit5(in, DW_UT_type, 0);
	bn(in, 0x5678, 8);
	bn(in, 0, 4);
	uleb(in, 1), b8(in, 12);
	e[ne++] = (struct expect){ "v5_type", DWARF_INDEX_STRUCT, in->n,
				   false, false };
	uleb(in, 2), cstr(in, "v5_type"), b8(in, 4);
	b8(in, 0);
	unit_end(in, u);

	/* A partial unit. */
	u = unit5(in, DW_UT_partial, 0);
	uleb(in, 3);
	e[ne++] = (struct expect){ "in_partial", DWARF_INDEX_STRUCT, in->n,
				   false, false };
	uleb(in, 2), cstr(in, "in_partial"), b8(in, 4);
	b8(in, 0);
	unit_end(in, u);

	/* DWARF 2: ref_addr is address-sized (here 4 of 4). */
	u = unit4(in, 2, 0, 4);
	uleb(in, 4);
	e[ne++] = (struct expect){ "v2_var", DWARF_INDEX_VARIABLE, in->n,
				   false, false };
	uleb(in, 5), cstr(in, "v2_var"), bn(in, 0, 4);
	b8(in, 0);
	unit_end(in, u);

	/* DWARF 3 with 8-byte addresses: ref_addr is 4 bytes. */
	u = unit4(in, 3, 0, 8);
	uleb(in, 4);
	e[ne++] = (struct expect){ "v3_var", DWARF_INDEX_VARIABLE, in->n,
				   false, false };
	uleb(in, 5), cstr(in, "v3_var"), bn(in, 0, 4);
	b8(in, 0);
	unit_end(in, u);

	/* A skeleton unit: its DWO holds the names, not this file. */
	u = unit5(in, DW_UT_skeleton, 0);
	bn(in, 0x99, 8);
	uleb(in, 6), cstr(in, "skeleton.c");
	unit_end(in, u);

	secs = sections(&s);
	CHECK_OK(dwarf_index_build(&secs, 0, &idx));
	if (idx) {
		struct dwarf_index_match m;

		check_expected(idx, e, ne);
		CHECK_EQ(dwarf_index_num_entries(idx), ne);
		CHECK_EQ(dwarf_index_num_units(idx), 6);
		CHECK_OK(dwarf_index_lookup(idx, "v4_type", DWARF_INDEX_TYPE,
					    &m));
		CHECK(m.in_types_section);
		CHECK_EQ(m.cu_offset, 0);
		CHECK_EQ(count_all(idx, "skeleton.c"), 0);
		dwarf_index_free(idx);
	}
	synth_free(&s);
}

/* A minimal valid unit (one named variable), for the damage tests. */
static void build_small(struct synth *s)
{
	size_t u;

	abbrev(&s->abbrev, 1, DW_TAG_compile_unit, true,
	       (const int64_t[]){ 0, 0 });
	abbrev(&s->abbrev, 2, DW_TAG_variable, false, (const int64_t[]){
		DW_AT_name, DW_FORM_strp,
		DW_AT_location, DW_FORM_exprloc, 0, 0 });
	abbrev(&s->abbrev, 3, DW_TAG_structure_type, true, (const int64_t[]){
		DW_AT_name, DW_FORM_string,
		DW_AT_sibling, DW_FORM_ref4, 0, 0 });
	abbrev(&s->abbrev, 4, DW_TAG_member, false, (const int64_t[]){
		DW_AT_name, DW_FORM_string, 0, 0 });
	b8(&s->abbrev, 0);
	str_add(&s->str, "");
	u = unit5(&s->info, DW_UT_compile, 0);
	uleb(&s->info, 1);
	uleb(&s->info, 2);
	bn(&s->info, str_add(&s->str, "small_var"), 4);
	uleb(&s->info, 2), b8(&s->info, 0x9c), b8(&s->info, 0x9c);
	uleb(&s->info, 3), cstr(&s->info, "st");
	bn(&s->info, s->info.n + 4 + 4 - u, 4);
	uleb(&s->info, 4), cstr(&s->info, "m");
	b8(&s->info, 0);
	b8(&s->info, 0);
	unit_end(&s->info, u);
}

static struct error *build_with(struct synth *s, unsigned int threads)
{
	struct dwarf_sections secs = sections(s);
	struct dwarf_index *idx = NULL;
	struct error *err = dwarf_index_build(&secs, threads, &idx);

	dwarf_index_free(idx);
	return err;
}

static struct error *build_error(struct synth *s)
{
	return build_with(s, 2);
}

/* The error must say what is wrong, and where. */
static void check_message(struct error *err, const char *want)
{
	if (!err) {
		test_fail(__FILE__, __LINE__, "no error, expected \"%s\"", want);
		return;
	}
	if (!strstr(err->message, want))
		test_fail(__FILE__, __LINE__, "\"%s\" does not say \"%s\"",
			  err->message, want);
}

TEST(dwarf_index_small_unit_is_valid)
{
	struct synth s = { 0 };

	build_small(&s);
	CHECK_OK(build_error(&s));
	synth_free(&s);
}

TEST(dwarf_index_truncated_unit_header)
{
	struct synth s = { 0 };
	struct error *err;

	build_small(&s);
	s.info.n = 9;	/* inside the header */
	memcpy(s.info.d, &(uint32_t){ 5 }, 4);
	err = build_error(&s);
	check_message(err, "truncated unit header");
	CHECK_ERR(err, ERR_FORMAT);
	s.info.n = 2;	/* not even a length */
	CHECK_ERR(build_error(&s), ERR_FORMAT);
	synth_free(&s);
}

TEST(dwarf_index_unit_length_past_section)
{
	struct synth s = { 0 };
	struct error *err;

	build_small(&s);
	s.info.n -= 3;
	err = build_error(&s);
	check_message(err, "runs past the end of the section");
	check_message(err, "offset 0x0");
	CHECK_ERR(err, ERR_FORMAT);
	synth_free(&s);
}

TEST(dwarf_index_64bit_dwarf_rejected)
{
	struct synth s = { 0 };
	struct error *err;

	build_small(&s);
	memset(s.info.d, 0xff, 4);
	err = build_error(&s);
	check_message(err, "64-bit DWARF");
	CHECK_ERR(err, ERR_UNSUPPORTED);
	memcpy(s.info.d, &(uint32_t){ 0xfffffff0 }, 4);
	CHECK_ERR(build_error(&s), ERR_FORMAT);
	synth_free(&s);
}

TEST(dwarf_index_bad_version_and_address_size)
{
	struct synth s = { 0 };

	build_small(&s);
	s.info.d[4] = 6;
	CHECK_ERR(build_error(&s), ERR_UNSUPPORTED);
	s.info.d[4] = 1;
	CHECK_ERR(build_error(&s), ERR_UNSUPPORTED);
	s.info.d[4] = 5;
	s.info.d[7] = 3;	/* address size */
	CHECK_ERR(build_error(&s), ERR_FORMAT);
	s.info.d[7] = 8;
	s.info.d[6] = 0x7f;	/* unit type */
	CHECK_ERR(build_error(&s), ERR_UNSUPPORTED);
	synth_free(&s);
}

TEST(dwarf_index_bad_abbrev_code)
{
	struct synth s = { 0 };
	struct error *err;

	build_small(&s);
	s.info.d[13] = 0x55;	/* the variable's code */
	err = build_error(&s);
	check_message(err, "unknown abbreviation code 85");
	check_message(err, "offset 0xd");
	CHECK_ERR(err, ERR_FORMAT);
	synth_free(&s);
}

TEST(dwarf_index_unknown_form)
{
	struct synth s = { 0 };
	struct error *err;
	size_t i;

	build_small(&s);
	/* Abbreviation 2's location form (exprloc, 0x18) becomes 0x7f. */
	for (i = 0; i + 1 < s.abbrev.n; i++)
		if (s.abbrev.d[i] == DW_AT_location &&
		    s.abbrev.d[i + 1] == DW_FORM_exprloc)
			s.abbrev.d[i + 1] = 0x7f;
	err = build_error(&s);
	check_message(err, "unknown form 0x7f");
	check_message(err, ".debug_abbrev offset");
	CHECK_ERR(err, ERR_FORMAT);
	synth_free(&s);
}

TEST(dwarf_index_attributes_past_unit)
{
	struct synth s = { 0 };
	struct error *err;

	build_small(&s);
	/* The exprloc's length now reaches past the unit. */
	s.info.d[18] = 0x7f;
	err = build_error(&s);
	check_message(err, "past the end of the unit");
	CHECK_ERR(err, ERR_FORMAT);
	synth_free(&s);
}

TEST(dwarf_index_sibling_backwards)
{
	struct synth s = { 0 };
	struct error *err;

	build_small(&s);
	/* The struct's DW_AT_sibling (after "st\0") points at the unit. */
	memset(s.info.d + 25, 0, 4);
	err = build_error(&s);
	check_message(err, "DW_AT_sibling");
	CHECK_ERR(err, ERR_FORMAT);
	synth_free(&s);
}

TEST(dwarf_index_bad_string_offsets)
{
	struct synth s = { 0 };
	struct error *err;

	build_small(&s);
	memcpy(s.info.d + 14, &(uint32_t){ 0x10000 }, 4);
	err = build_error(&s);
	check_message(err, ".debug_str offset 0x10000");
	CHECK_ERR(err, ERR_FORMAT);
	/* A name that runs to the end without its NUL. */
	memcpy(s.info.d + 14, &(uint32_t){ 1 }, 4);
	s.str.n--;
	CHECK_ERR(build_error(&s), ERR_FORMAT);
	synth_free(&s);
}

TEST(dwarf_index_strx_without_base)
{
	struct synth s = { 0 };
	size_t u;

	abbrev(&s.abbrev, 1, DW_TAG_compile_unit, true,
	       (const int64_t[]){ 0, 0 });
	abbrev(&s.abbrev, 2, DW_TAG_variable, false, (const int64_t[]){
		DW_AT_name, DW_FORM_strx1, 0, 0 });
	b8(&s.abbrev, 0);
	str_add(&s.str, "x");
	bn(&s.str_offsets, 0, 4);
	u = unit5(&s.info, DW_UT_compile, 0);
	uleb(&s.info, 1);
	uleb(&s.info, 2), b8(&s.info, 0);
	b8(&s.info, 0);
	unit_end(&s.info, u);
	CHECK_ERR(build_error(&s), ERR_FORMAT);
	synth_free(&s);
}

TEST(dwarf_index_abbrev_damage)
{
	struct synth s = { 0 };

	build_small(&s);
	/* The unit's table starts past the section. */
	memcpy(s.info.d + 8, &(uint32_t){ 0x1000 }, 4);
	CHECK_ERR(build_error(&s), ERR_FORMAT);
	memcpy(s.info.d + 8, &(uint32_t){ 0 }, 4);
	/* The table stops in the middle. */
	s.abbrev.n = 5;
	CHECK_ERR(build_error(&s), ERR_FORMAT);
	synth_free(&s);
}

TEST(dwarf_index_empty_and_missing)
{
	struct dwarf_sections secs = { 0 };
	struct dwarf_index *idx = NULL;
	static const uint8_t nothing[1];

	CHECK_ERR(dwarf_index_build(&secs, 1, &idx), ERR_NOT_FOUND);
	secs.info.data = nothing;
	secs.abbrev.data = nothing;
	CHECK_OK(dwarf_index_build(&secs, 1, &idx));
	if (idx) {
		CHECK_EQ(dwarf_index_num_names(idx), 0);
		CHECK_EQ(count_all(idx, "x"), 0);
		dwarf_index_free(idx);
	}
}

/* Children nested far deeper than any stack: walked, not recursed. */
TEST(dwarf_index_deep_nesting)
{
	struct synth s = { 0 };
	struct dwarf_sections secs;
	struct dwarf_index *idx = NULL;
	size_t u, i, depth = 200000;

	abbrev(&s.abbrev, 1, DW_TAG_compile_unit, true,
	       (const int64_t[]){ 0, 0 });
	abbrev(&s.abbrev, 2, DW_TAG_lexical_block, true,
	       (const int64_t[]){ 0, 0 });
	abbrev(&s.abbrev, 3, DW_TAG_namespace, true,
	       (const int64_t[]){ 0, 0 });
	abbrev(&s.abbrev, 4, DW_TAG_base_type, false, (const int64_t[]){
		DW_AT_name, DW_FORM_string, 0, 0 });
	b8(&s.abbrev, 0);
	u = unit5(&s.info, DW_UT_compile, 0);
	uleb(&s.info, 1);
	for (i = 0; i < depth; i++)
		uleb(&s.info, 2);
	for (i = 0; i < depth; i++)
		b8(&s.info, 0);
	/* Namespaces past the nesting limit are skipped, not followed. */
	for (i = 0; i < 1000; i++)
		uleb(&s.info, 3);
	uleb(&s.info, 4), cstr(&s.info, "deep");
	for (i = 0; i < 1000; i++)
		b8(&s.info, 0);
	uleb(&s.info, 4), cstr(&s.info, "shallow");
	b8(&s.info, 0);
	unit_end(&s.info, u);
	secs = sections(&s);
	CHECK_OK(dwarf_index_build(&secs, 1, &idx));
	if (idx) {
		CHECK_EQ(count_all(idx, "shallow"), 1);
		CHECK_EQ(count_all(idx, "deep"), 0);
		dwarf_index_free(idx);
	}
	synth_free(&s);
}

/* Every byte of a valid unit, changed: an error or an index, never a
 * crash or a hang (run it under ASan and UBSan). */
TEST(dwarf_index_byte_damage)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	struct expect e[32];
	struct synth s = { 0 };
	size_t ne = 0, i, v;
	struct bytes *sec[2];
	int which;

	build_all_forms(&s, e, &ne);
	sec[0] = &s.info;
	sec[1] = &s.abbrev;
	for (which = 0; which < 2; which++) {
		for (i = 0; i < sec[which]->n; i++) {
			uint8_t saved = sec[which]->d[i];

			for (v = 0; v < sizeof(values); v++) {
				sec[which]->d[i] = values[v];
				error_free(build_with(&s, 1));
			}
			sec[which]->d[i] = saved;
		}
		/* And cut short at every length. */
		for (i = 0; i < sec[which]->n; i++) {
			size_t n = sec[which]->n;

			sec[which]->n = i;
			error_free(build_with(&s, 1));
			sec[which]->n = n;
		}
	}
	CHECK_OK(build_error(&s));
	synth_free(&s);
}
