/*
 * The type layer on small C programs compiled here with gcc -g: DWARF 5,
 * DWARF 4 (bit fields with DW_AT_bit_offset) and DWARF 4 with type units
 * (-fdebug-types-section, types in .debug_types, DW_FORM_ref_sig8).  Every
 * printed form is checked against the exact text the classic crash prints
 * for such a type (the GDB lines were checked against GDB 13's ptype; the
 * crash rewriting follows its real output on kernels, see
 * tests/cmd/types_check.py).
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/symbols/type_print.h"
#include "../../src/symbols/types.h"
#include "../../src/util/error.h"
#include "test.h"

static const char source_a[] =
	"#include <stddef.h>\n"
	"typedef unsigned long ulong_t;\n"
	"typedef ulong_t ulong2_t;\n"
	"typedef const ulong2_t culong_t;\n"
	"struct node {\n"
	"	struct node *next, *prev;\n"
	"};\n"
	"enum color { RED, GREEN = 5, BLUE, NEG = -2, BIG = 100 };\n"
	"typedef enum { A1, A2 } anon_enum_t;\n"
	"struct bits {\n"
	"	unsigned int a : 3;\n"
	"	unsigned int b : 5;\n"
	"	int c;\n"
	"	unsigned char z[0];\n"
	"	long d : 40;\n"
	"	unsigned short e : 4;\n"
	"};\n"
	"struct bases {\n"
	"	char c; signed char sc; unsigned char uc; short s;\n"
	"	unsigned short us; int i; unsigned u; long l;\n"
	"	unsigned long ul; long long ll; unsigned long long ull;\n"
	"	_Bool b; float f; double d; long double ld;\n"
	"};\n"
	"struct opaque;\n"
	"struct outer {\n"
	"	int x;\n"
	"	union {\n"
	"		int u1;\n"
	"		struct {\n"
	"			short s1;\n"
	"			short s2;\n"
	"		};\n"
	"	};\n"
	"	struct {\n"
	"		int y;\n"
	"		struct {\n"
	"			int deep;\n"
	"		} deeper;\n"
	"	} named;\n"
	"	struct node list;\n"
	"	int arr[2][3];\n"
	"	char name[16];\n"
	"	void (*func)(struct node *);\n"
	"	int (*(*fpp)(int))[4];\n"
	"	void *(*alloc)(size_t, int);\n"
	"	char **(*names)(void);\n"
	"	const char *const cstr;\n"
	"	volatile int vol;\n"
	"	ulong2_t chain;\n"
	"	culong_t cchain;\n"
	"	enum color col;\n"
	"	anon_enum_t ae;\n"
	"	struct bits bf;\n"
	"	struct opaque *op;\n"
	"	int flex[];\n"
	"};\n"
	"struct __attribute__((packed)) packed {\n"
	"	char c;\n"
	"	int i;\n"
	"	short s;\n"
	"};\n"
	"union u {\n"
	"	int i;\n"
	"	float f;\n"
	"	char c[4];\n"
	"};\n"
	"struct empty {\n"
	"};\n"
	"struct outer outer_var;\n"
	"const char banner[] = \"hello\";\n"
	"int int_array[10];\n"
	"struct packed pk;\n"
	"struct bases bases_var;\n"
	"union u u_var;\n"
	"struct empty empty_var;\n"
	"volatile unsigned long jiffies_like;\n"
	"int (*fptr)(const char *, ...);\n"
	"char *const names_c[3] = { 0, 0, 0 };\n"
	"extern int ext_only;\n"
	"static const int konst = 7;\n"
	"int varfunc(const char *fmt, ...)\n"
	"{\n"
	"	return fmt[0] + ext_only + konst;\n"
	"}\n"
	"void noargs(void)\n"
	"{\n"
	"}\n"
	"struct node *mkfunc(int (*cb)(void *), void *arg, int n)\n"
	"{\n"
	"	return (cb(arg) + n) ? (struct node *)0 : 0;\n"
	"}\n"
	"int main(void)\n"
	"{\n"
	"	return varfunc(\"x\") + (int)jiffies_like + (fptr ? 1 : 0);\n"
	"}\n";

static const char source_b[] =
	"struct opaque {\n"
	"	int z;\n"
	"	long w;\n"
	"};\n"
	"struct opaque opaque_var;\n"
	"int ext_only = 3;\n";

/* One compiled program, opened through the type layer. */
struct fixture {
	const char *name;
	const char *flags;
	bool tried;
	int fd;
	Elf *elf;
	Dwarf *dwarf;		/* to find DIEs by name, as the index does */
	struct types *ts;
	char path[256];
};

static struct fixture fixtures[] = {
	{ .name = "dwarf5", .flags = "-gdwarf-5" },
	{ .name = "dwarf4", .flags = "-gdwarf-4" },
	{ .name = "typeunits", .flags = "-gdwarf-4 -fdebug-types-section" },
};

#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

/* Find a DIE by name and tag the slow way: every unit's top-level DIEs
 * (type units too).  want_decl: a declaration, not a definition. */
static bool find_die(Dwarf *dw, const char *name, int tag, bool want_decl,
		     uint64_t *key)
{
	int pass;

	for (pass = 0; pass < 2; pass++) {
		Dwarf_Off off = 0, next;
		size_t hsize;
		uint64_t sig;
		Dwarf_Off type_off;

		while (dwarf_next_unit(dw, off, &next, &hsize, NULL, NULL, NULL,
				       NULL, pass ? &sig : NULL,
				       pass ? &type_off : NULL) == 0) {
			Dwarf_Die cu, child;
			Dwarf_Off die_off = off + hsize;
			Dwarf_Die *ok = pass ?
				dwarf_offdie_types(dw, die_off, &cu) :
				dwarf_offdie(dw, die_off, &cu);

			off = next;
			if (!ok || dwarf_child(&cu, &child) != 0)
				continue;
			do {
				const char *n = dwarf_diename(&child);
				bool decl = dwarf_hasattr(&child,
							  DW_AT_declaration);

				if (dwarf_tag(&child) == tag && n &&
				    !strcmp(n, name) && decl == want_decl) {
					*key = dwarf_dieoffset(&child) |
					       (pass ? TYPES_DEBUG_TYPES : 0);
					return true;
				}
			} while (dwarf_siblingof(&child, &child) == 0);
		}
	}
	return false;
}

static struct error *resolver(void *arg, const char *name,
			      enum type_kind kind, uint64_t *die)
{
	struct fixture *f = arg;
	int tag = kind == TYPE_UNION ? DW_TAG_union_type :
		  kind == TYPE_ENUM ? DW_TAG_enumeration_type :
		  DW_TAG_structure_type;

	if (!find_die(f->dwarf, name, tag, false, die))
		return error_create(ERR_NOT_FOUND, "no %s", name);
	return NULL;
}

static struct fixture *fixture(size_t i)
{
	struct fixture *f = &fixtures[i];
	char cmd[1024], a[256], b[256];

	if (f->tried)
		return f->ts ? f : NULL;
	f->tried = true;
	snprintf(a, sizeof(a), "%s/types_a.c", test_tmpdir());
	snprintf(b, sizeof(b), "%s/types_b.c", test_tmpdir());
	snprintf(f->path, sizeof(f->path), "%s/types-%s", test_tmpdir(),
		 f->name);
	if (!write_file(a, source_a) || !write_file(b, source_b)) {
		CHECK(!"cannot write the test program");
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "gcc -g %s -O1 -o %s %s %s 2>%s.log",
		 f->flags, f->path, a, b, f->path);
	if (system(cmd) != 0) {
		test_fail(__FILE__, __LINE__, "%s failed", cmd);
		return NULL;
	}
	elf_version(EV_CURRENT);
	f->fd = open(f->path, O_RDONLY);
	f->elf = f->fd >= 0 ? elf_begin(f->fd, ELF_C_READ_MMAP, NULL) : NULL;
	if (!f->elf) {
		CHECK(!"cannot open the test program");
		return NULL;
	}
	f->dwarf = dwarf_begin_elf(f->elf, DWARF_C_READ, NULL);
	CHECK(f->dwarf != NULL);
	CHECK_OK(types_open(f->elf, f->path, &f->ts));
	if (f->ts)
		types_set_resolver(f->ts, resolver, f);
	return f->ts && f->dwarf ? f : NULL;
}

/* Close them at exit so that ASan sees no leak. */
__attribute__((destructor)) static void close_fixtures(void)
{
	size_t i;

	for (i = 0; i < NFIXTURES; i++) {
		types_close(fixtures[i].ts);
		if (fixtures[i].dwarf)
			dwarf_end(fixtures[i].dwarf);
		if (fixtures[i].elf)
			elf_end(fixtures[i].elf);
		if (fixtures[i].fd > 0)
			close(fixtures[i].fd);
	}
}

static const struct type *type_named(struct fixture *f, const char *name,
				     int tag)
{
	struct type_ref ref = { 0 };
	uint64_t key;

	if (!find_die(f->dwarf, name, tag, false, &key)) {
		test_fail(__FILE__, __LINE__, "%s: no DIE for %s", f->name,
			  name);
		return NULL;
	}
	CHECK_OK(types_from_die(f->ts, key, &ref));
	return ref.type;
}

#define STRUCT(f, n) type_named(f, n, DW_TAG_structure_type)
#define UNION(f, n) type_named(f, n, DW_TAG_union_type)
#define TYPEDEF(f, n) type_named(f, n, DW_TAG_typedef)
#define ENUM(f, n) type_named(f, n, DW_TAG_enumeration_type)

static void check_text(struct fixture *f, int line, struct error *err,
		       struct strbuf *sb, const char *want)
{
	const char *got = sb->s ? sb->s : "";

	if (err) {
		test_fail(__FILE__, line, "%s: %s", f->name, err->message);
		error_free(err);
	} else if (strcmp(got, want)) {
		test_fail(__FILE__, line, "%s: got\n%s\nwant\n%s", f->name,
			  got, want);
	}
	strbuf_free(sb);
}

#define CHECK_TEXT(f, expr, want)					\
	do {								\
		struct strbuf sb_ = { 0 };				\
		struct strbuf *sb = &sb_;				\
		check_text(f, __LINE__, (expr), sb, want);		\
	} while (0)

#define EACH_FIXTURE(f)							\
	for (size_t i_ = 0; i_ < NFIXTURES; i_++)			\
		for (struct fixture *f = fixture(i_); f; f = NULL)

/* "struct outer": nested anonymous unions and structs, a named member of
 * anonymous type (its own anonymous member is "struct {...}" in GDB's
 * rules), function pointers, qualifiers, typedefs, arrays. */
static const char outer_text[] =
	"struct outer {\n"
	"    int x;\n"
	"    union {\n"
	"        int u1;\n"
	"        struct {\n"
	"            short s1;\n"
	"            short s2;\n"
	"        };\n"
	"    };\n"
	"    struct {\n"
	"        int y;\n"
	"        struct {...} deeper;\n"
	"    } named;\n"
	"    struct node list;\n"
	"    int arr[2][3];\n"
	"    char name[16];\n"
	"    void (*func)(struct node *);\n"
	"    int (*(*fpp)(int))[4];\n"
	"    void *(*alloc)(size_t, int);\n"
	"    char **(*names)(void);\n"
	"    const char * const cstr;\n"
	"    volatile int vol;\n"
	"    ulong2_t chain;\n"
	"    culong_t cchain;\n"
	"    enum color col;\n"
	"    anon_enum_t ae;\n"
	"    struct bits bf;\n"
	"    struct opaque *op;\n"
	"    int flex[];\n"
	"}\n"
	"SIZE: 168\n";

TEST(types_struct_outer)
{
	EACH_FIXTURE(f) {
		const struct type *t = STRUCT(f, "outer");

		if (!t)
			continue;
		CHECK_EQ(t->kind, TYPE_STRUCT);
		CHECK_EQ(t->size, 168);
		CHECK(!strcmp(t->name, "outer"));
		CHECK_TEXT(f, type_print_struct(sb, f->ts, t, NULL, 0),
			   outer_text);
		/* whatis of a struct name prints the same */
		CHECK_TEXT(f, type_print_whatis(sb, f->ts, t), outer_text);
	}
}

/* "struct -o outer": offsets right-aligned to the width of the size plus
 * brackets, the lines without one indented to match; members of the
 * named anonymous struct have no offset of their own (crash looks names
 * up in the outer struct), its closing line has. */
TEST(types_struct_outer_offsets)
{
	static const char want[] =
		"struct outer {\n"
		"    [0] int x;\n"
		"        union {\n"
		"    [4]     int u1;\n"
		"            struct {\n"
		"    [4]         short s1;\n"
		"    [6]         short s2;\n"
		"            };\n"
		"        };\n"
		"        struct {\n"
		"            int y;\n"
		"            struct {...} deeper;\n"
		"    [8] } named;\n"
		"   [16] struct node list;\n"
		"   [32] int arr[2][3];\n"
		"   [56] char name[16];\n"
		"   [72] void (*func)(struct node *);\n"
		"   [80] int (*(*fpp)(int))[4];\n"
		"   [88] void *(*alloc)(size_t, int);\n"
		"   [96] char **(*names)(void);\n"
		"  [104] const char * const cstr;\n"
		"  [112] volatile int vol;\n"
		"  [120] ulong2_t chain;\n"
		"  [128] culong_t cchain;\n"
		"  [136] enum color col;\n"
		"  [140] anon_enum_t ae;\n"
		"  [144] struct bits bf;\n"
		"  [160] struct opaque *op;\n"
		"  [168] int flex[];\n"
		"}\n"
		"SIZE: 168\n";
	static const char want_hex[] =
		"struct node {\n"
		"   [0x0] struct node *next;\n"
		"   [0x8] struct node *prev;\n"
		"}\n"
		"SIZE: 0x10\n";

	EACH_FIXTURE(f) {
		const struct type *t = STRUCT(f, "outer");

		if (!t)
			continue;
		CHECK_TEXT(f, type_print_struct(sb, f->ts, t, NULL,
						TYPE_PRINT_OFFSETS), want);
		t = STRUCT(f, "node");
		if (t)
			CHECK_TEXT(f, type_print_struct(
					   sb, f->ts, t, NULL,
					   TYPE_PRINT_OFFSETS | TYPE_PRINT_HEX),
				   want_hex);
	}
}

/* "struct outer.MEMBER": only that member's line, with its offset; a
 * member inside an anonymous block keeps its indentation. */
TEST(types_struct_member_forms)
{
	EACH_FIXTURE(f) {
		const struct type *t = STRUCT(f, "outer");

		if (!t)
			continue;
		CHECK_TEXT(f, type_print_struct(sb, f->ts, t, "list", 0),
			   "struct outer {\n"
			   "   [16] struct node list;\n"
			   "}\n");
		CHECK_TEXT(f, type_print_struct(sb, f->ts, t, "s2", 0),
			   "struct outer {\n"
			   "    [6]         short s2;\n"
			   "}\n");
		CHECK_TEXT(f, type_print_struct(sb, f->ts, t, "named", 0),
			   "struct outer {\n"
			   "            [8] } named;\n"
			   "}\n");
		CHECK_TEXT(f, type_print_struct(sb, f->ts, t, "func", 0),
			   "struct outer {\n"
			   "   [72] void (*func)(struct node *);\n"
			   "}\n");
		{
			struct strbuf sb = { 0 };

			CHECK_ERR(type_print_struct(&sb, f->ts, t, "nope", 0),
				  ERR_NOT_FOUND);
			CHECK_ERR(type_print_struct(&sb, f->ts, t, "list.next",
						    0), ERR_INVALID);
			strbuf_free(&sb);
		}
	}
}

/* Bit fields: DWARF 5 says DW_AT_data_bit_offset, DWARF 4 the older
 * DW_AT_bit_offset counted from the top of a storage unit; both must give
 * the same bits.  crash shows the byte of the first bit. */
TEST(types_bit_fields)
{
	static const char want[] =
		"struct bits {\n"
		"   [0] unsigned int a : 3;\n"
		"   [0] unsigned int b : 5;\n"
		"   [4] int c;\n"
		"   [8] unsigned char z[0];\n"
		"   [8] long d : 40;\n"
		"  [13] unsigned short e : 4;\n"
		"}\n"
		"SIZE: 16\n";
	static const struct {
		const char *path;
		uint64_t bit_offset;
		uint32_t bit_size;
		uint64_t size;
	} fields[] = {
		{ "a", 0, 3, 4 }, { "b", 3, 5, 4 }, { "c", 32, 0, 4 },
		{ "z", 64, 0, 0 }, { "d", 64, 40, 8 }, { "e", 104, 4, 2 },
	};

	EACH_FIXTURE(f) {
		const struct type *t = STRUCT(f, "bits");
		struct type_member_info mi;
		size_t k;

		if (!t)
			continue;
		CHECK_TEXT(f, type_print_struct(sb, f->ts, t, NULL,
						TYPE_PRINT_OFFSETS), want);
		for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			CHECK_OK(type_member_lookup(f->ts, t, fields[k].path,
						    &mi));
			CHECK_EQ(mi.bit_offset, fields[k].bit_offset);
			CHECK_EQ(mi.offset, fields[k].bit_offset / 8);
			CHECK_EQ(mi.bit_size, fields[k].bit_size);
			CHECK_EQ(mi.size, fields[k].size);
		}
	}
}

/* Member paths through nested, anonymous and array members. */
TEST(types_member_paths)
{
	static const struct {
		const char *path;
		uint64_t offset, size;
		const char *type;
	} ok[] = {
		{ "x", 0, 4, "int" },
		{ "u1", 4, 4, "int" },
		{ "s2", 6, 2, "short" },
		{ "named.y", 8, 4, "int" },
		{ "named.deeper.deep", 12, 4, "int" },
		{ "list.prev", 24, 8, "struct node *" },
		{ "arr", 32, 24, "int [2][3]" },
		{ "arr[1]", 44, 12, "int [3]" },
		{ "arr[1][2]", 52, 4, "int" },
		{ "name[15]", 71, 1, "char" },
		{ "bf.e", 157, 2, "unsigned short" },
		{ "flex", 168, 0, "int []" },
		{ "flex[3]", 180, 4, "int" },
		{ "cchain", 128, 8, "culong_t" },
		{ "fpp", 80, 8, "int (*(*)(int))[4]" },
	};
	static const struct {
		const char *path;
		enum error_code code;
	} bad[] = {
		{ "nope", ERR_NOT_FOUND }, { "named.nope", ERR_NOT_FOUND },
		{ "list.next.next", ERR_INVALID }, { "x[1]", ERR_INVALID },
		{ "list->next", ERR_INVALID }, { "", ERR_INVALID },
		{ "arr[", ERR_INVALID }, { "arr[1]x", ERR_INVALID },
		{ "named..y", ERR_INVALID }, { "1x", ERR_INVALID },
	};

	EACH_FIXTURE(f) {
		const struct type *t = STRUCT(f, "outer");
		struct type_member_info mi;
		size_t k;

		if (!t)
			continue;
		for (k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
			struct strbuf sb = { 0 };

			CHECK_OK(type_member_lookup(f->ts, t, ok[k].path, &mi));
			CHECK_EQ(mi.offset, ok[k].offset);
			CHECK_EQ(mi.bit_offset, ok[k].offset * 8);
			CHECK_EQ(mi.size, ok[k].size);
			CHECK_OK(type_print_c(&sb, f->ts, mi.type, "", -1));
			if (!sb.s || strcmp(sb.s, ok[k].type))
				test_fail(__FILE__, __LINE__,
					  "%s: %s: %s != %s", f->name,
					  ok[k].path, sb.s ? sb.s : "",
					  ok[k].type);
			strbuf_free(&sb);
		}
		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
			CHECK_ERR(type_member_lookup(f->ts, t, bad[k].path,
						     &mi), bad[k].code);
		/* Through a typedef of a struct. */
		t = TYPEDEF(f, "anon_enum_t");
		if (t)
			CHECK_ERR(type_member_lookup(f->ts, t, "x", &mi),
				  ERR_INVALID);
	}
}

/* Base type names in GDB's spelling, and qualifiers. */
TEST(types_base_names)
{
	static const char want[] =
		"struct bases {\n"
		"    char c;\n"
		"    signed char sc;\n"
		"    unsigned char uc;\n"
		"    short s;\n"
		"    unsigned short us;\n"
		"    int i;\n"
		"    unsigned int u;\n"
		"    long l;\n"
		"    unsigned long ul;\n"
		"    long long ll;\n"
		"    unsigned long long ull;\n"
		"    _Bool b;\n"
		"    float f;\n"
		"    double d;\n"
		"    long double ld;\n"
		"}\n"
		"SIZE: 80\n";

	EACH_FIXTURE(f) {
		const struct type *t = STRUCT(f, "bases");
		const struct type_member *m;
		size_t n;

		if (!t)
			continue;
		CHECK_TEXT(f, type_print_struct(sb, f->ts, t, NULL, 0), want);
		CHECK_OK(type_members(f->ts, t, &m, &n));
		if (n != 15)
			continue;
		CHECK_EQ(m[0].type.type->kind, TYPE_INT);
		CHECK_EQ(m[1].type.type->flags & TYPE_SIGNED, TYPE_SIGNED);
		CHECK_EQ(m[2].type.type->flags & TYPE_SIGNED, 0);
		CHECK_EQ(m[11].type.type->kind, TYPE_BOOL);
		CHECK_EQ(m[12].type.type->kind, TYPE_FLOAT);
		CHECK_EQ(m[14].type.type->size, 16);
	}
}

TEST(types_packed_union_empty)
{
	EACH_FIXTURE(f) {
		const struct type *t;

		if ((t = STRUCT(f, "packed")))
			CHECK_TEXT(f, type_print_struct(sb, f->ts, t, NULL,
							TYPE_PRINT_OFFSETS),
				   "struct packed {\n"
				   "  [0] char c;\n"
				   "  [1] int i;\n"
				   "  [5] short s;\n"
				   "}\n"
				   "SIZE: 7\n");
		if ((t = UNION(f, "u"))) {
			CHECK_TEXT(f, type_print_struct(sb, f->ts, t, NULL, 0),
				   "union u {\n"
				   "    int i;\n"
				   "    float f;\n"
				   "    char c[4];\n"
				   "}\n"
				   "SIZE: 4\n");
			CHECK_TEXT(f, type_print_struct(sb, f->ts, t, NULL,
							TYPE_PRINT_OFFSETS),
				   "union u {\n"
				   "  [0] int i;\n"
				   "  [0] float f;\n"
				   "  [0] char c[4];\n"
				   "}\n"
				   "SIZE: 4\n");
		}
		if ((t = STRUCT(f, "empty")))
			CHECK_TEXT(f, type_print_struct(sb, f->ts, t, NULL,
							TYPE_PRINT_OFFSETS),
				   "struct empty {\n"
				   "      <no data fields>\n"
				   "}\n"
				   "SIZE: 0\n");
	}
}

/* Enums: GDB's inline list (values only where they break the count), and
 * crash's own one-per-line list. */
TEST(types_enums)
{
	EACH_FIXTURE(f) {
		const struct type *t = ENUM(f, "color");
		const struct type_enumerator *e;
		size_t n;

		if (!t)
			continue;
		CHECK_OK(type_enumerators(f->ts, t, &e, &n));
		CHECK_EQ(n, 5);
		if (n == 5) {
			CHECK_EQ(e[3].value, -2);
			CHECK(!strcmp(e[4].name, "BIG"));
		}
		CHECK_EQ(t->flags & TYPE_SIGNED, TYPE_SIGNED);
		CHECK_TEXT(f, type_print_c(sb, f->ts, (struct type_ref){ t, 0 },
					   "", 1),
			   "enum color {RED, GREEN = 5, BLUE, NEG = -2, "
			   "BIG = 100}");
		CHECK_TEXT(f, type_print_whatis(sb, f->ts, t),
			   "enum color {\n"
			   "  RED = 0\n"
			   "  GREEN = 5\n"
			   "  BLUE = 6\n"
			   "  NEG = -2\n"
			   "  BIG = 100\n"
			   "};\n");
		if ((t = TYPEDEF(f, "anon_enum_t")))
			CHECK_TEXT(f, type_print_whatis(sb, f->ts, t),
				   "typedef enum {\n"
				   "  A1 = 0\n"
				   "  A2 = 1\n"
				   "} anon_enum_t;\n");
	}
}

TEST(types_enumerator_dies)
{
	EACH_FIXTURE(f) {
		const struct type *en = NULL;
		struct strbuf sb = { 0 };
		uint64_t key;
		int64_t v = 0;
		Dwarf_Die die, child;

		/* The enumerators are children of the enum DIE. */
		if (!find_die(f->dwarf, "color", DW_TAG_enumeration_type,
			      false, &key)) {
			CHECK(!"no enum color");
			continue;
		}
		if (!((key & TYPES_DEBUG_TYPES) ?
		      dwarf_offdie_types(f->dwarf, key & ~TYPES_DEBUG_TYPES,
					 &die) :
		      dwarf_offdie(f->dwarf, key, &die)) ||
		    dwarf_child(&die, &child) != 0 ||
		    dwarf_siblingof(&child, &child) != 0) {
			CHECK(!"no second enumerator");
			continue;
		}
		key = dwarf_dieoffset(&child) | (key & TYPES_DEBUG_TYPES);
		CHECK_OK(types_enumerator(f->ts, key, &en, &v));
		CHECK_EQ(v, 5);
		type_print_enumerator(&sb, en, v);
		CHECK(sb.s && !strcmp(sb.s, "enum color = 5\n"));
		strbuf_free(&sb);
		CHECK_ERR(types_enumerator(f->ts, dwarf_dieoffset(&die) |
					   (key & TYPES_DEBUG_TYPES), &en, &v),
			  ERR_INVALID);
	}
}

/* whatis of typedefs: looked through to the end, as GDB's ptype does. */
TEST(types_typedefs)
{
	EACH_FIXTURE(f) {
		const struct type *t;

		if ((t = TYPEDEF(f, "culong_t"))) {
			CHECK_EQ(t->size, 8);
			CHECK_TEXT(f, type_print_whatis(sb, f->ts, t),
				   "typedef const unsigned long culong_t;\n"
				   "SIZE: 8\n");
			CHECK_EQ(type_strip_typedefs(
					 (struct type_ref){ t, 0 }).quals,
				 TYPE_CONST);
		}
		if ((t = TYPEDEF(f, "ulong2_t")))
			CHECK_TEXT(f, type_print_gdb_whatis(
					   sb, f->ts, (struct type_ref){ t, 0 },
					   true),
				   "ulong_t\n");
		if ((t = TYPEDEF(f, "size_t")))
			CHECK_TEXT(f, type_print_struct(sb, f->ts, t, NULL, 0),
				   "typedef unsigned long size_t;\n"
				   "SIZE: 8\n");
	}
}

static bool variable(struct fixture *f, const char *name, bool decl,
		     struct type_variable *v)
{
	uint64_t key;

	if (!find_die(f->dwarf, name, DW_TAG_variable, decl, &key)) {
		test_fail(__FILE__, __LINE__, "%s: no variable %s", f->name,
			  name);
		return false;
	}
	CHECK_OK(types_variable(f->ts, key, v));
	return true;
}

/* The ELF symbol's value, to check the DWARF address against. */
static uint64_t elf_symbol(struct fixture *f, const char *name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(f->elf, scn))) {
		Elf_Data *d;
		size_t i;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *n;

			if (!gelf_getsym(d, (int)i, &sym))
				continue;
			n = elf_strptr(f->elf, sh.sh_link, sym.st_name);
			if (n && !strcmp(n, name))
				return sym.st_value;
		}
	}
	return 0;
}

TEST(types_variables)
{
	static const struct {
		const char *name, *want;
	} whatis[] = {
		{ "outer_var", "struct outer outer_var;\n" },
		{ "banner", "const char banner[6];\n" },
		{ "int_array", "int int_array[10];\n" },
		{ "jiffies_like", "volatile unsigned long jiffies_like;\n" },
		{ "fptr", "int (*fptr)(const char *, ...);\n" },
		{ "names_c", "char * constnames_c[3];\n" },
		{ "u_var", "union u u_var;\n" },
	};

	EACH_FIXTURE(f) {
		struct type_variable v;
		uint64_t addr = 0;
		size_t k;

		for (k = 0; k < sizeof(whatis) / sizeof(whatis[0]); k++) {
			if (!variable(f, whatis[k].name, false, &v))
				continue;
			CHECK(v.has_address && !v.declaration);
			CHECK_EQ(v.address, elf_symbol(f, whatis[k].name));
			CHECK_TEXT(f, type_print_symbol(sb, f->ts,
							whatis[k].name, v.type),
				   whatis[k].want);
		}
		if (variable(f, "outer_var", false, &v)) {
			CHECK_OK(type_variable_address(&v, &addr));
			CHECK_EQ(addr, elf_symbol(f, "outer_var"));
			CHECK_TEXT(f, type_print_gdb_whatis(sb, f->ts, v.type,
							    false),
				   "struct outer\n");
		}
		/* An extern declaration has no address; the message says
		 * which variable and why. */
		if (variable(f, "ext_only", true, &v)) {
			struct error *err = type_variable_address(&v, &addr);

			CHECK(v.declaration && !v.has_address);
			CHECK(err && err->code == ERR_NOT_FOUND &&
			      strstr(err->message, "ext_only") &&
			      strstr(err->message, "declaration"));
			error_free(err);
		}
		/* A constant the compiler folded away. */
		if (variable(f, "konst", false, &v)) {
			struct error *err = type_variable_address(&v, &addr);

			CHECK(!v.has_address);
			CHECK(err && strstr(err->message, "konst") &&
			      strstr(err->message, "constant"));
			error_free(err);
			CHECK_TEXT(f, type_print_gdb_whatis(sb, f->ts, v.type,
							    false),
				   "const int\n");
		}
	}
}

TEST(types_functions)
{
	static const struct {
		const char *name, *want;
	} whatis[] = {
		{ "varfunc", "int varfunc(const char *, ...);\n" },
		{ "noargs", "void noargs(void);\n" },
		/* crash puts the name before the first ")" when there are
		 * two "(": inside the parameter list here (its bug, kept) */
		{ "mkfunc", "struct node *(int (*mkfunc)(void *), void *, "
			    "int);\n" },
		{ "main", "int main(void);\n" },
	};

	EACH_FIXTURE(f) {
		const struct type_param *p;
		struct type_function fn;
		uint64_t key;
		size_t k, n;

		for (k = 0; k < sizeof(whatis) / sizeof(whatis[0]); k++) {
			if (!find_die(f->dwarf, whatis[k].name,
				      DW_TAG_subprogram, false, &key)) {
				test_fail(__FILE__, __LINE__, "no %s",
					  whatis[k].name);
				continue;
			}
			CHECK_OK(types_function(f->ts, key, &fn));
			CHECK(fn.has_pc && !fn.declaration);
			CHECK_EQ(fn.low_pc, elf_symbol(f, whatis[k].name));
			CHECK_EQ(fn.type->kind, TYPE_FUNCTION);
			CHECK_TEXT(f, type_print_symbol(
					   sb, f->ts, whatis[k].name,
					   (struct type_ref){ fn.type, 0 }),
				   whatis[k].want);
			if (!strcmp(whatis[k].name, "mkfunc")) {
				CHECK_OK(type_params(f->ts, fn.type, &p, &n));
				CHECK_EQ(n, 3);
				if (n == 3)
					CHECK(p[1].name &&
					      !strcmp(p[1].name, "arg"));
				CHECK_TEXT(f, type_print_gdb_whatis(
						   sb, f->ts,
						   (struct type_ref){ fn.type,
								      0 },
						   false),
					   "struct node *(int (*)(void *), "
					   "void *, int)\n");
			}
			if (!strcmp(whatis[k].name, "varfunc"))
				CHECK(fn.type->flags & TYPE_VARIADIC);
		}
	}
}

/* A struct only declared in this unit gets its members from a definition
 * elsewhere, through the resolver. */
TEST(types_incomplete_resolved)
{
	EACH_FIXTURE(f) {
		const struct type *t = STRUCT(f, "outer"), *op, *full;
		const struct type_member *m;
		struct type_member_info mi;
		size_t n;

		if (!t)
			continue;
		CHECK_OK(type_member_lookup(f->ts, t, "op", &mi));
		if (mi.type.type->kind != TYPE_POINTER)
			continue;
		op = mi.type.type->target.type;
		CHECK_EQ(op->kind, TYPE_STRUCT);
		CHECK(op->flags & TYPE_INCOMPLETE);
		CHECK_EQ(op->size, 0);
		full = type_complete(f->ts, op);
		CHECK(full != op && !(full->flags & TYPE_INCOMPLETE));
		CHECK_EQ(full->size, 16);
		CHECK_OK(type_members(f->ts, op, &m, &n));
		CHECK_EQ(n, 2);
		CHECK_OK(type_member_lookup(f->ts, op, "w", &mi));
		CHECK_EQ(mi.offset, 8);
		CHECK_TEXT(f, type_print_struct(sb, f->ts, op, NULL,
						TYPE_PRINT_OFFSETS),
			   "struct opaque {\n"
			   "   [0] int z;\n"
			   "   [8] long w;\n"
			   "}\n"
			   "SIZE: 16\n");
	}
}

/* Nothing is read before it is asked for: building struct outer reads
 * its DIE alone; its members come on first use, and their own members
 * only when printing expands them. */
TEST(types_lazy)
{
	struct fixture *f = fixture(0);
	struct types_stats before, after;
	const struct type_member *m;
	const struct type *t;
	size_t n;

	if (!f)
		return;
	types_get_stats(f->ts, &before);
	t = STRUCT(f, "outer");
	if (!t)
		return;
	types_get_stats(f->ts, &after);
	CHECK(after.dies_read <= before.dies_read + 1);
	CHECK_EQ(after.lists_read, before.lists_read);
	CHECK_OK(type_members(f->ts, t, &m, &n));
	types_get_stats(f->ts, &before);
	CHECK(before.lists_read <= after.lists_read + 1);
	/* Asking again costs nothing. */
	CHECK_OK(type_members(f->ts, t, &m, &n));
	types_get_stats(f->ts, &after);
	CHECK_EQ(after.lists_read, before.lists_read);
	CHECK_EQ(after.dies_read, before.dies_read);
}

/* Bad input: a DIE offset that is no DIE, a DIE of the wrong kind, a
 * file without DWARF. */
TEST(types_bad_input)
{
	struct fixture *f = fixture(0);
	struct type_variable v;
	struct type_function fn;
	struct type_ref ref;
	struct types *ts = NULL;
	uint64_t key;
	char cmd[512], path[256];
	int fd;
	Elf *elf;

	if (!f)
		return;
	CHECK_ERR(types_from_die(f->ts, 0xfffffff0, &ref), ERR_FORMAT);
	CHECK(ref.type != NULL);
	if (find_die(f->dwarf, "outer_var", DW_TAG_variable, false, &key)) {
		CHECK_ERR(types_function(f->ts, key, &fn), ERR_INVALID);
		CHECK_ERR(types_from_die(f->ts, key, &ref), ERR_UNSUPPORTED);
	}
	if (find_die(f->dwarf, "noargs", DW_TAG_subprogram, false, &key))
		CHECK_ERR(types_variable(f->ts, key, &v), ERR_INVALID);

	snprintf(path, sizeof(path), "%s/types-nodwarf", test_tmpdir());
	snprintf(cmd, sizeof(cmd), "gcc -g0 -o %s %s/types_b.c -nostdlib "
		 "-Wl,-e,0 2>/dev/null", path, test_tmpdir());
	if (system(cmd) != 0) {
		CHECK(!"cannot link a program without DWARF");
		return;
	}
	fd = open(path, O_RDONLY);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	CHECK_ERR(types_open(elf, path, &ts), ERR_NOT_FOUND);
	CHECK(ts == NULL);
	elf_end(elf);
	close(fd);
}
