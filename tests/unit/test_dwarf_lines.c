/* Source lines (src/symbols/dwarf_lines*.c, dwarf_aranges*.c, lines.c):
 * programs gcc (and clang, when there) compile at test time, checked
 * address by address against libdw, and hand-made line programs, good and
 * damaged. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/symbols/dwarf_lines.h"
#include "../../src/symbols/dwarf_lines_read.h"
#include "../../src/symbols/lines.h"
#include "../../src/symbols/vmlinux.h"
#include "../../src/util/error.h"
#include "test.h"

/* More units than the reader caches line tables, so lookups evict. */
#define NUNITS 12

static const char helper_src[] =
	"static inline int helper_twice(int x)\n"
	"{ /* L:helper */\n"
	"	return x * 2;\n"
	"}\n";

static const char main_src[] =
	"#include \"lines_helper.h\"\n"
	"\n"
	"extern int unit_fn(int k, int x);\n"
	"\n"
	"int marker_a(int x)\n"
	"{ /* L:marker_a */\n"
	"	int y = helper_twice(x);\n"
	"\n"
	"	return y + 1;\n"
	"}\n"
	"\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"	(void)argv;\n"
	"	return unit_fn(argc, marker_a(argc));\n"
	"}\n";

static bool write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		test_fail(__FILE__, __LINE__, "cannot write %s", path);
		return false;
	}
	return true;
}

/* lines_unit_K.c: unit_fn_K's "{" is on line K + 3 (the first row of a
 * function, for gcc and clang); unit_fn dispatches. */
static bool write_sources(const char *dir)
{
	char name[64], text[1024];
	int k, n;

	if (!write_file(dir, "lines_helper.h", helper_src) ||
	    !write_file(dir, "lines_main.c", main_src))
		return false;
	for (k = 0; k < NUNITS; k++) {
		n = snprintf(text, sizeof(text), "%*s", k + 1, "");
		memset(text, '\n', n);
		snprintf(text + n, sizeof(text) - n,
			 "int unit_fn_%d(int x)\n{\n\treturn x + %d;\n}\n", k,
			 k);
		snprintf(name, sizeof(name), "lines_unit_%d.c", k);
		if (!write_file(dir, name, text))
			return false;
	}
	n = snprintf(text, sizeof(text), "int unit_fn(int k, int x)\n{\n"
		     "\tswitch (k) {\n");
	for (k = 0; k < NUNITS; k++)
		n += snprintf(text + n, sizeof(text) - n,
			      "\tcase %d: { extern int unit_fn_%d(int); "
			      "return unit_fn_%d(x); }\n", k, k, k);
	snprintf(text + n, sizeof(text) - n, "\t}\n\treturn 0;\n}\n");
	return write_file(dir, "lines_dispatch.c", text);
}

/* Compile the fixture with COMPILER and FLAGS into OUT (in the test
 * directory, sources named relative to it); NULL if the compiler is
 * missing.  POST: a command run on OUT afterwards (objcopy ...), or NULL. */
static char *compile(const char *compiler, const char *flags, const char *out,
		     const char *post)
{
	const char *dir = test_tmpdir();
	char *path = NULL, *cmd = NULL;
	static bool written;
	int rc;

	if (!written && !(written = write_sources(dir)))
		return NULL;
	if (asprintf(&path, "%s/%s", dir, out) < 0)
		return NULL;
	if (asprintf(&cmd, "cd %s && %s %s -o %s lines_main.c "
		     "lines_dispatch.c lines_unit_*.c 2>/dev/null%s%s%s%s",
		     dir, compiler, flags, out, post ? " && " : "",
		     post ? post : "", post ? " " : "", post ? out : "") < 0) {
		free(path);
		return NULL;
	}
	rc = system(cmd);
	free(cmd);
	if (rc) {
		free(path);
		return NULL;
	}
	return path;
}

/* The line of the first line of TEXT that contains MARK. */
static int line_of(const char *text, const char *mark)
{
	const char *at = strstr(text, mark), *p;
	int line = 1;

	if (!at)
		return -1;
	for (p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/* libdw's answer, as the old lines.c gave it, but finding the unit by its
 * own ranges (dwarf_haspc) so that it needs no .debug_aranges. */
static void libdw_answer(Dwarf *dw, uint64_t addr, char *buf, size_t size)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	snprintf(buf, size, "-");
	while (!dwarf_next_unit(dw, off, &next, &hsize, NULL, NULL, NULL,
				NULL, NULL, NULL)) {
		Dwarf_Die cu;
		Dwarf_Lines *rows;
		Dwarf_Line *best = NULL;
		Dwarf_Addr best_addr = 0;
		bool best_stmt = false;
		Dwarf_Attribute attr;
		const char *name, *dir;
		size_t n, i;
		int line;

		if (!dwarf_offdie(dw, off + hsize, &cu) ||
		    dwarf_haspc(&cu, addr) != 1) {
			off = next;
			continue;
		}
		if (dwarf_getsrclines(&cu, &rows, &n))
			return;
		for (i = 0; i < n; i++) {
			Dwarf_Line *row = dwarf_onesrcline(rows, i);
			Dwarf_Addr a;
			bool stmt = false, end = false;

			if (!row || dwarf_lineaddr(row, &a) || a > addr ||
			    dwarf_linebeginstatement(row, &stmt) ||
			    dwarf_lineendsequence(row, &end) || end)
				continue;
				/* GDB's choice: the highest address; there, the last
			 * statement row, else the last row */
			if (!best || a > best_addr ||
			    (a == best_addr && (stmt || !best_stmt))) {
				best = row;
				best_addr = a;
				best_stmt = stmt;
			}
		}
		if (!best || dwarf_lineno(best, &line) ||
		    !(name = dwarf_linesrc(best, NULL, NULL)))
			return;
		dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &attr));
		if (name[0] != '/' && dir && dir[0])
			snprintf(buf, size, "%s/%s:%d", dir, name, line);
		else
			snprintf(buf, size, "%s:%d", name, line);
		return;
	}
}

static void our_answer(struct lines *l, uint64_t addr, char *buf,
		       size_t size)
{
	struct error *err;
	const char *file;
	int line;

	err = lines_lookup(l, addr, &file, &line);
	if (err)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s:%d", file, line);
	error_free(err);
}

struct func {
	char name[64];
	uint64_t addr, size;
};

/* The program's functions with a size, from its ELF symbol table. */
static size_t functions(Elf *elf, struct func *out, size_t max)
{
	Elf_Scn *scn = NULL;
	size_t n = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		for (i = 0; i < sh.sh_size / sh.sh_entsize && n < max; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    !sym.st_size || !sym.st_value)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			snprintf(out[n].name, sizeof(out[n].name), "%s",
				 name ? name : "?");
			out[n].addr = sym.st_value;
			out[n].size = sym.st_size;
			n++;
		}
	}
	return n;
}

static const struct func *find_func(const struct func *f, size_t n,
				    const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return &f[i];
	return NULL;
}

/* Our answer for ADDR must be FILE (in the test directory) and LINE.
 * (clang names the directory of a header "."; that stays in the name.) */
static void expect_line(struct lines *l, uint64_t addr, const char *file,
			int line, int src_line)
{
	char want[600], got[600], *dot;

	snprintf(want, sizeof(want), "%s/%s:%d", test_tmpdir(), file, line);
	our_answer(l, addr, got, sizeof(got));
	dot = strstr(got, "/./");
	if (dot)
		memmove(dot, dot + 2, strlen(dot + 2) + 1);
	if (strcmp(want, got))
		test_fail(__FILE__, src_line, "0x%llx: %s, want %s",
			  (unsigned long long)addr, got, want);
}

/*
 * Every byte of every function: our answer equals libdw's.  With
 * KNOWN_LINES (-O0 builds), function starts also give the line of their
 * "{", in the right file, and cycling through more units than the cache
 * holds changes nothing.
 */
static void check_program(const char *path, bool known_lines)
{
	struct func funcs[256];
	struct vmlinux *vm = NULL;
	struct lines *l = NULL;
	size_t n, i, checked = 0, answered = 0;
	Dwarf *dw;
	int k, round;

	CHECK_OK(vmlinux_open(path, &vm));
	if (!vm)
		return;
	CHECK_OK(lines_open(vm, &l));
	dw = dwarf_begin_elf(vm->elf, DWARF_C_READ, NULL);
	CHECK(dw != NULL);
	if (!l || !dw)
		goto out;
	n = functions(vm->elf, funcs, sizeof(funcs) / sizeof(funcs[0]));
	CHECK(n >= NUNITS + 3);
	for (i = 0; i < n; i++) {
		uint64_t a;

		for (a = funcs[i].addr; a < funcs[i].addr + funcs[i].size;
		     a++) {
			char ours[600], theirs[600];

			our_answer(l, a, ours, sizeof(ours));
			libdw_answer(dw, a, theirs, sizeof(theirs));
			checked++;
			answered += ours[0] != '-';
			if (strcmp(ours, theirs))
				test_fail(__FILE__, __LINE__, "%s: %s+0x%llx:"
					  " ours %s, libdw %s", path,
					  funcs[i].name,
					  (unsigned long long)(a -
							       funcs[i].addr),
					  ours, theirs);
		}
	}
	/* Most of the code is the fixture's, with lines. */
	CHECK(answered > checked / 2);
	if (known_lines) {
		const struct func *f = find_func(funcs, n, "marker_a");
		const struct func *h = find_func(funcs, n, "helper_twice");

		CHECK(f && h);
		if (f)
			expect_line(l, f->addr, "lines_main.c",
				    line_of(main_src, "L:marker_a"), __LINE__);
		if (h)
			expect_line(l, h->addr, "lines_helper.h",
				    line_of(helper_src, "L:helper"), __LINE__);
		for (round = 0; round < 3; round++)
			for (k = 0; k < NUNITS; k++) {
				char name[32], file[32];

				snprintf(name, sizeof(name), "unit_fn_%d", k);
				snprintf(file, sizeof(file),
					 "lines_unit_%d.c", k);
				f = find_func(funcs, n, name);
				CHECK(f != NULL);
				if (f)
					expect_line(l, f->addr, file, k + 3,
						    __LINE__);
			}
	}
out:
	if (dw)
		dwarf_end(dw);
	lines_close(l);
	vmlinux_close(vm);
}

#define NO_ARANGES "objcopy --remove-section=.debug_aranges"

static void check_build(const char *compiler, const char *flags,
			const char *out, const char *post, bool known,
			bool needed)
{
	char *p = compile(compiler, flags, out, post);

	if (!p) {
		if (needed)
			test_fail(__FILE__, __LINE__, "%s %s failed", compiler,
				  flags);
		return;
	}
	check_program(p, known);
	free(p);
}

TEST(dwarf_lines_gcc_dwarf4)
{
	check_build("gcc", "-g -gdwarf-4 -O0", "l4", NULL, true, true);
}

TEST(dwarf_lines_gcc_dwarf5)
{
	check_build("gcc", "-g -gdwarf-5 -O0", "l5", NULL, true, true);
}

/* Inlining, several sequences per unit, units with DW_AT_ranges. */
TEST(dwarf_lines_gcc_optimized)
{
	check_build("gcc", "-g -gdwarf-4 -O2 -ffunction-sections", "l4o",
		    NULL, false, true);
	check_build("gcc", "-g -gdwarf-5 -O2 -ffunction-sections", "l5o",
		    NULL, false, true);
}

/* Without .debug_aranges the units are found from their own ranges:
 * DW_AT_low_pc/high_pc, .debug_ranges (DWARF 4), .debug_rnglists (5). */
TEST(dwarf_lines_gcc_no_aranges)
{
	check_build("gcc", "-g -gdwarf-4 -O0", "l4n", NO_ARANGES, true, true);
	check_build("gcc", "-g -gdwarf-5 -O0", "l5n", NO_ARANGES, true, true);
	check_build("gcc", "-g -gdwarf-4 -O2 -ffunction-sections", "l4on",
		    NO_ARANGES, false, true);
	check_build("gcc", "-g -gdwarf-5 -O2 -ffunction-sections", "l5on",
		    NO_ARANGES, false, true);
}

/* Compressed debug sections (SHF_COMPRESSED, and the older .zdebug_*)
 * are expanded through libelf. */
TEST(dwarf_lines_gcc_compressed)
{
	check_build("gcc", "-g -gdwarf-5 -O0", "l5z",
		    "objcopy --compress-debug-sections=zlib", true, true);
	check_build("gcc", "-g -gdwarf-4 -O0", "l4z",
		    "objcopy --compress-debug-sections=zlib-gnu", true, true);
}

/* clang writes no .debug_aranges, and strx/addrx forms with their bases,
 * DW_FORM_rnglistx, MD5 in the file table. */
TEST(dwarf_lines_clang)
{
	check_build("clang", "-g -gdwarf-5 -O0", "c5", NULL, true, false);
	check_build("clang", "-g -gdwarf-5 -O2 -ffunction-sections", "c5o",
		    NULL, false, false);
	check_build("clang", "-g -gdwarf-4 -O0", "c4", NULL, true, false);
}

/* Hand-made sections: a byte buffer and its writers. */
struct bytes {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct bytes *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void u8(struct bytes *b, uint8_t v)
{
	put(b, &v, 1);
}

static void u16(struct bytes *b, uint16_t v)
{
	put(b, &v, 2);
}

static void u32(struct bytes *b, uint32_t v)
{
	put(b, &v, 4);
}

static void u64(struct bytes *b, uint64_t v)
{
	put(b, &v, 8);
}

static void uleb(struct bytes *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		u8(b, c | (v ? 0x80 : 0));
	} while (v);
}

static void sleb(struct bytes *b, int64_t v)
{
	bool more = true;

	while (more) {
		uint8_t c = v & 0x7f;

		v >>= 7;
		more = !((v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40)));
		u8(b, c | (more ? 0x80 : 0));
	}
}

static void str(struct bytes *b, const char *s)
{
	put(b, s, strlen(s) + 1);
}

static void patch32(struct bytes *b, size_t at, uint32_t v)
{
	memcpy(b->p + at, &v, 4);
}

static void patch64(struct bytes *b, size_t at, uint64_t v)
{
	memcpy(b->p + at, &v, 8);
}

/* Hand-made sections for dwarf_lines_open_sections. */
struct synth {
	struct bytes info, abbrev, line, aranges, line_str, str, str_offsets,
		addr;
};

static void synth_free(struct synth *s)
{
	free(s->info.p);
	free(s->abbrev.p);
	free(s->line.p);
	free(s->aranges.p);
	free(s->line_str.p);
	free(s->str.p);
	free(s->str_offsets.p);
	free(s->addr.p);
	memset(s, 0, sizeof(*s));
}

/* A DWARF 4 unit whose DIE has name, comp_dir, stmt_list and low/high pc,
 * and a .debug_aranges set for [LOW, LOW + LEN). */
static void synth_v4_unit(struct synth *s, uint32_t stmt_list, uint64_t low,
			  uint64_t len)
{
	size_t at;

	uleb(&s->abbrev, 1);
	uleb(&s->abbrev, DW_TAG_compile_unit);
	u8(&s->abbrev, DW_CHILDREN_no);
	uleb(&s->abbrev, DW_AT_name);
	uleb(&s->abbrev, DW_FORM_string);
	uleb(&s->abbrev, DW_AT_comp_dir);
	uleb(&s->abbrev, DW_FORM_string);
	uleb(&s->abbrev, DW_AT_stmt_list);
	uleb(&s->abbrev, DW_FORM_sec_offset);
	uleb(&s->abbrev, DW_AT_low_pc);
	uleb(&s->abbrev, DW_FORM_addr);
	uleb(&s->abbrev, DW_AT_high_pc);
	uleb(&s->abbrev, DW_FORM_data8);
	uleb(&s->abbrev, 0);
	uleb(&s->abbrev, 0);
	uleb(&s->abbrev, 0);

	at = s->info.n;
	u32(&s->info, 0);
	u16(&s->info, 4);
	u32(&s->info, 0);	/* abbrev_offset */
	u8(&s->info, 8);
	uleb(&s->info, 1);
	str(&s->info, "t.c");
	str(&s->info, "/build");
	u32(&s->info, stmt_list);
	u64(&s->info, low);
	u64(&s->info, len);
	patch32(&s->info, at, s->info.n - at - 4);

	at = s->aranges.n;
	u32(&s->aranges, 0);
	u16(&s->aranges, 2);
	u32(&s->aranges, 0);	/* the unit's offset */
	u8(&s->aranges, 8);
	u8(&s->aranges, 0);
	u32(&s->aranges, 0);	/* padding to a tuple */
	u64(&s->aranges, low);
	u64(&s->aranges, len);
	u64(&s->aranges, 0);
	u64(&s->aranges, 0);
	patch32(&s->aranges, at, s->aranges.n - at - 4);
}

static const uint8_t std_lengths[12] = { 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1 };

struct v4_shape {
	uint16_t version;
	uint8_t line_range, opcode_base;
	bool bad_dir;		/* a file names directory 5 of 2 */
};

/* A DWARF 4 line program header (directories "inc"; files t.c in the
 * build directory and inc/h.h); returns where the program starts. */
static size_t v4_header(struct bytes *l, const struct v4_shape *shape,
			size_t *len_at, size_t *hlen_at)
{
	uint8_t i;

	*len_at = l->n;
	u32(l, 0);
	u16(l, shape->version);
	*hlen_at = l->n;
	u32(l, 0);
	u8(l, 1);		/* minimum_instruction_length */
	if (shape->version >= 4)
		u8(l, 1);	/* maximum_operations_per_instruction */
	u8(l, 1);		/* default_is_stmt */
	u8(l, (uint8_t)-5);	/* line_base */
	u8(l, shape->line_range);
	u8(l, shape->opcode_base);
	for (i = 1; i < shape->opcode_base; i++)
		u8(l, i <= 12 ? std_lengths[i - 1] : 2);
	str(l, "inc");
	u8(l, 0);
	str(l, "t.c");
	uleb(l, 0);
	uleb(l, 0);
	uleb(l, 0);
	str(l, "h.h");
	uleb(l, shape->bad_dir ? 5 : 1);
	uleb(l, 0);
	uleb(l, 0);
	u8(l, 0);
	patch32(l, *hlen_at, l->n - *hlen_at - 4);
	return l->n;
}

static void op_set_address(struct bytes *l, uint64_t a)
{
	u8(l, 0);
	uleb(l, 9);
	u8(l, DW_LNE_set_address);
	u64(l, a);
}

static void op_end_sequence(struct bytes *l)
{
	u8(l, 0);
	uleb(l, 1);
	u8(l, DW_LNE_end_sequence);
}

/* A special opcode advancing the address by ADDR and the line by LINE
 * (line_base -5, line_range 14; LINE in -5 to 8). */
static void op_special(struct bytes *l, unsigned int addr, int line,
		       uint8_t opcode_base)
{
	u8(l, (line + 5) + 14 * addr + opcode_base);
}

/*
 * The program every good variant shares, from 0x1000:
 *   0x1000 t.c:10   0x1004 t.c:11 then h.h:101 (the later row answers)
 *   0x1008 h.h:102 not a statement   0x1010 t.c:10   0x1021 t.c:10
 *   0x1040 end of sequence
 * With an opcode_base above 13, opcode 13 (2 LEB128 operands, says the
 * header) comes in too, for the reader to skip.
 */
static void good_program(struct bytes *l, uint8_t opcode_base)
{
	op_set_address(l, 0x1000);
	u8(l, DW_LNS_advance_line);
	sleb(l, 9);
	u8(l, DW_LNS_copy);
	if (opcode_base > 13) {
		u8(l, 13);
		uleb(l, 300);
		uleb(l, 5);
	}
	op_special(l, 4, 1, opcode_base);
	u8(l, DW_LNS_set_file);
	uleb(l, 2);
	u8(l, DW_LNS_advance_line);
	sleb(l, 90);
	u8(l, DW_LNS_copy);
	u8(l, DW_LNS_negate_stmt);
	op_special(l, 4, 1, opcode_base);
	u8(l, DW_LNS_negate_stmt);
	u8(l, DW_LNS_set_file);
	uleb(l, 1);
	u8(l, DW_LNS_advance_line);
	sleb(l, -92);
	u8(l, DW_LNS_fixed_advance_pc);
	u16(l, 8);
	u8(l, DW_LNS_copy);
	u8(l, DW_LNS_const_add_pc);
	u8(l, DW_LNS_copy);
	u8(l, DW_LNS_advance_pc);
	uleb(l, 0x1f);
	op_end_sequence(l);
}

static struct dwarf_lines_sections synth_sections(struct synth *s)
{
	return (struct dwarf_lines_sections){
		.info = { s->info.p, s->info.n },
		.abbrev = { s->abbrev.p, s->abbrev.n },
		.line = { s->line.p, s->line.n },
		.aranges = { s->aranges.p, s->aranges.n },
		.line_str = { s->line_str.p, s->line_str.n },
		.str = { s->str.p, s->str.n },
		.str_offsets = { s->str_offsets.p, s->str_offsets.n },
		.addr = { s->addr.p, s->addr.n },
		.path = "synthetic",
	};
}

/* Look ADDR up in S: DIR/NAME:LINE ("-" for an error, with its code). */
static struct error *synth_lookup(struct synth *s, uint64_t addr, char *buf,
				  size_t size)
{
	struct dwarf_lines_sections secs = synth_sections(s);
	struct dwarf_line_info info;
	struct dwarf_lines *dl;
	struct error *err;

	snprintf(buf, size, "-");
	err = dwarf_lines_open_sections(&secs, &dl);
	if (err)
		return err;
	err = dwarf_lines_lookup(dl, addr, &info);
	if (!err)
		snprintf(buf, size, "%s%s%s:%d", info.dir ? info.dir : "",
			 info.dir ? "/" : "", info.name, info.line);
	dwarf_lines_close(dl);
	return err;
}

static void expect(struct synth *s, uint64_t addr, const char *want,
		   int line)
{
	char got[256];
	struct error *err = synth_lookup(s, addr, got, sizeof(got));

	if (err) {
		test_fail(__FILE__, line, "0x%llx: %s",
			  (unsigned long long)addr, err->message);
		error_free(err);
	} else if (strcmp(got, want)) {
		test_fail(__FILE__, line, "0x%llx: %s, want %s",
			  (unsigned long long)addr, got, want);
	}
}

/* ADDR must fail with CODE, naming WHAT in the message. */
static void expect_error(struct synth *s, uint64_t addr, int code,
			 const char *what, int line)
{
	char got[256];
	struct error *err = synth_lookup(s, addr, got, sizeof(got));

	if (!err)
		test_fail(__FILE__, line, "0x%llx: %s, want an error",
			  (unsigned long long)addr, got);
	else if ((int)err->code != code || (what &&
					    !strstr(err->message, what)))
		test_fail(__FILE__, line, "0x%llx: \"%s\" (%s)",
			  (unsigned long long)addr, err->message,
			  error_code_name(err->code));
	error_free(err);
}

static const struct v4_shape v4 = { 4, 14, 13, false };

static void make_v4(struct synth *s, const struct v4_shape *shape)
{
	size_t len_at, hlen_at;

	memset(s, 0, sizeof(*s));
	synth_v4_unit(s, 0, 0x1000, 0x100);
	v4_header(&s->line, shape, &len_at, &hlen_at);
	good_program(&s->line, shape->opcode_base);
	patch32(&s->line, len_at, s->line.n - len_at - 4);
}

TEST(dwarf_lines_synthetic_v4)
{
	struct synth s;

	/* Before DWARF 5, directory 0 is the unit's DW_AT_comp_dir. */
	make_v4(&s, &v4);
	expect(&s, 0x1000, "/build/t.c:10", __LINE__);
	expect(&s, 0x1003, "/build/t.c:10", __LINE__);
	expect(&s, 0x1004, "inc/h.h:101", __LINE__);
	/* 0x1008 starts a row that is not a statement (line 102): GDB, so
	 * the classic crash, answers with it all the same */
	expect(&s, 0x1007, "inc/h.h:101", __LINE__);
	expect(&s, 0x100f, "inc/h.h:102", __LINE__);
	expect(&s, 0x1010, "/build/t.c:10", __LINE__);
	expect(&s, 0x1030, "/build/t.c:10", __LINE__);
	/* Past the end of the sequence but inside the unit: the last row
	 * still answers, as GDB's choice (and libdw's) does. */
	expect(&s, 0x10ff, "/build/t.c:10", __LINE__);
	expect_error(&s, 0xfff, ERR_NOT_FOUND, "no compile unit", __LINE__);
	expect_error(&s, 0x1100, ERR_NOT_FOUND, "no compile unit", __LINE__);
	synth_free(&s);

	/* DWARF 2 and 3 headers: no maximum_operations_per_instruction. */
	make_v4(&s, &(struct v4_shape){ 3, 14, 13, false });
	expect(&s, 0x1004, "inc/h.h:101", __LINE__);
	synth_free(&s);
	make_v4(&s, &(struct v4_shape){ 2, 14, 13, false });
	expect(&s, 0x1010, "/build/t.c:10", __LINE__);
	synth_free(&s);
	/* An opcode the reader does not know, declared with 2 operands. */
	make_v4(&s, &(struct v4_shape){ 4, 14, 14, false });
	expect(&s, 0x1000, "/build/t.c:10", __LINE__);
	expect(&s, 0x1004, "inc/h.h:101", __LINE__);
	expect(&s, 0x1021, "/build/t.c:10", __LINE__);
	synth_free(&s);
}

/* A program with one more opcode OP (and operands) before the good ones. */
static void make_v4_with(struct synth *s, const uint8_t *op, size_t n)
{
	size_t len_at, hlen_at;

	memset(s, 0, sizeof(*s));
	synth_v4_unit(s, 0, 0x1000, 0x100);
	v4_header(&s->line, &v4, &len_at, &hlen_at);
	put(&s->line, op, n);
	good_program(&s->line, 13);
	patch32(&s->line, len_at, s->line.n - len_at - 4);
}

TEST(dwarf_lines_synthetic_opcodes)
{
	/* DW_LNE_define_file adds file 3 (d.c in directory 1); a vendor
	 * extended opcode and an empty one are skipped by their length;
	 * the opcodes that change no row change nothing.  The sequence
	 * comes before the good one's lower addresses: rows get sorted. */
	static const uint8_t ops[] = {
		0, 8, DW_LNE_define_file, 'd', '.', 'c', 0, 1, 0, 0,
		0, 3, 0x80, 0xaa, 0xbb,
		0, 0,
		DW_LNS_set_file, 3, DW_LNS_advance_line, 4,
		0, 9, DW_LNE_set_address, 0x80, 0x10, 0, 0, 0, 0, 0, 0,
		DW_LNS_set_column, 7, DW_LNS_set_isa, 1,
		DW_LNS_set_prologue_end, DW_LNS_set_epilogue_begin,
		DW_LNS_set_basic_block,
		0, 2, DW_LNE_set_discriminator, 3,
		DW_LNS_copy,
		0, 1, DW_LNE_end_sequence,
	};
	struct synth s;

	make_v4_with(&s, ops, sizeof(ops));
	expect(&s, 0x1080, "inc/d.c:5", __LINE__);
	expect(&s, 0x10ff, "inc/d.c:5", __LINE__);
	expect(&s, 0x1000, "/build/t.c:10", __LINE__);
	expect(&s, 0x1004, "inc/h.h:101", __LINE__);
	expect(&s, 0x107f, "/build/t.c:10", __LINE__);
	synth_free(&s);
}

TEST(dwarf_lines_synthetic_malformed)
{
	struct synth s;
	size_t len_at, hlen_at;

	/* The unit length says more than there is. */
	make_v4(&s, &v4);
	s.line.n = 30;
	expect_error(&s, 0x1000, ERR_FORMAT, ".debug_line offset 0x0",
		     __LINE__);
	synth_free(&s);

	/* Truncated inside the header's tables (lengths agree). */
	make_v4(&s, &v4);
	s.line.n = 40;
	patch32(&s.line, 0, 36);
	patch32(&s.line, 6, 30);
	expect_error(&s, 0x1000, ERR_FORMAT, "table runs past", __LINE__);
	synth_free(&s);

	/* A version that does not exist. */
	make_v4(&s, &(struct v4_shape){ 7, 14, 13, false });
	expect_error(&s, 0x1000, ERR_FORMAT, "unknown version", __LINE__);
	synth_free(&s);

	/* header_length beyond the program. */
	make_v4(&s, &v4);
	patch32(&s.line, 6, 0x10000);
	expect_error(&s, 0x1000, ERR_FORMAT, "header runs past", __LINE__);
	synth_free(&s);

	/* line_range 0 would divide by zero. */
	make_v4(&s, &(struct v4_shape){ 4, 0, 13, false });
	expect_error(&s, 0x1000, ERR_FORMAT, "must not be 0", __LINE__);
	synth_free(&s);

	/* opcode_base 0. */
	make_v4(&s, &(struct v4_shape){ 4, 14, 0, false });
	expect_error(&s, 0x1000, ERR_FORMAT, NULL, __LINE__);
	synth_free(&s);

	/* A file names a directory that is not there. */
	make_v4(&s, &(struct v4_shape){ 4, 14, 13, true });
	expect_error(&s, 0x1000, ERR_FORMAT, "directory", __LINE__);
	synth_free(&s);

	/* An extended opcode longer than what is left. */
	memset(&s, 0, sizeof(s));
	synth_v4_unit(&s, 0, 0x1000, 0x100);
	v4_header(&s.line, &v4, &len_at, &hlen_at);
	good_program(&s.line, 13);
	u8(&s.line, 0);
	uleb(&s.line, 50);
	u8(&s.line, DW_LNE_set_address);
	patch32(&s.line, len_at, s.line.n - len_at - 4);
	expect_error(&s, 0x1000, ERR_FORMAT, "extended opcode runs past",
		     __LINE__);
	synth_free(&s);

	/* An operand cut off by the end: DW_LNS_advance_pc, LEB128 going on. */
	memset(&s, 0, sizeof(s));
	synth_v4_unit(&s, 0, 0x1000, 0x100);
	v4_header(&s.line, &v4, &len_at, &hlen_at);
	good_program(&s.line, 13);
	u8(&s.line, DW_LNS_advance_pc);
	u8(&s.line, 0x80);
	patch32(&s.line, len_at, s.line.n - len_at - 4);
	expect_error(&s, 0x1000, ERR_FORMAT, "opcode runs past", __LINE__);
	synth_free(&s);

	/* An extended opcode whose operands run beyond its own length. */
	memset(&s, 0, sizeof(s));
	synth_v4_unit(&s, 0, 0x1000, 0x100);
	v4_header(&s.line, &v4, &len_at, &hlen_at);
	u8(&s.line, 0);
	uleb(&s.line, 2);
	u8(&s.line, DW_LNE_define_file);
	u8(&s.line, 'x');
	good_program(&s.line, 13);
	patch32(&s.line, len_at, s.line.n - len_at - 4);
	expect_error(&s, 0x1000, ERR_FORMAT, "past its length", __LINE__);
	synth_free(&s);

	/* A row in a file the table does not have: no answer, no crash. */
	memset(&s, 0, sizeof(s));
	synth_v4_unit(&s, 0, 0x1000, 0x100);
	v4_header(&s.line, &v4, &len_at, &hlen_at);
	op_set_address(&s.line, 0x1000);
	u8(&s.line, DW_LNS_set_file);
	uleb(&s.line, 9);
	u8(&s.line, DW_LNS_copy);
	op_end_sequence(&s.line);
	patch32(&s.line, len_at, s.line.n - len_at - 4);
	expect_error(&s, 0x1000, ERR_NOT_FOUND, "no line information",
		     __LINE__);
	synth_free(&s);

	/* stmt_list beyond .debug_line. */
	memset(&s, 0, sizeof(s));
	synth_v4_unit(&s, 0x5000, 0x1000, 0x100);
	v4_header(&s.line, &v4, &len_at, &hlen_at);
	good_program(&s.line, 13);
	patch32(&s.line, len_at, s.line.n - len_at - 4);
	expect_error(&s, 0x1000, ERR_FORMAT, "beyond the end", __LINE__);
	synth_free(&s);

	/* A unit whose abbreviation is missing. */
	make_v4(&s, &v4);
	s.info.p[11] = 7;	/* the DIE's abbreviation code */
	expect_error(&s, 0x1000, ERR_FORMAT, "abbreviation 7", __LINE__);
	synth_free(&s);

	/* A unit of an unknown DWARF version. */
	make_v4(&s, &v4);
	s.info.p[4] = 9;
	expect_error(&s, 0x1000, ERR_FORMAT, "unknown DWARF version",
		     __LINE__);
	synth_free(&s);
}

/* Random damage to a good program: any answer or a clear error, never a
 * crash or a read out of bounds (run it under make SANITIZE=1). */
TEST(dwarf_lines_synthetic_fuzz)
{
	struct synth good, s;
	unsigned int seed = 12345, i;

	make_v4(&good, &v4);
	for (i = 0; i < 3000; i++) {
		size_t cut;
		int k;

		memset(&s, 0, sizeof(s));
		put(&s.info, good.info.p, good.info.n);
		put(&s.abbrev, good.abbrev.p, good.abbrev.n);
		put(&s.aranges, good.aranges.p, good.aranges.n);
		put(&s.line, good.line.p, good.line.n);
		for (k = 0; k < 1 + (int)(i % 4); k++) {
			seed = seed * 1103515245 + 12345;
			s.line.p[(seed >> 8) % s.line.n] = seed >> 20;
		}
		if (i % 3 == 0) {
			seed = seed * 1103515245 + 12345;
			cut = (seed >> 8) % s.line.n;
			s.line.n = cut ? cut : 1;
		}
		if (i % 7 == 0) {
			seed = seed * 1103515245 + 12345;
			s.info.p[(seed >> 8) % s.info.n] = seed >> 20;
		}
		/* Copies of exactly their size, so ASan sees any overrun. */
		{
			struct dwarf_lines_sections secs;
			uint8_t *line = malloc(s.line.n), *info =
				malloc(s.info.n);
			struct dwarf_line_info info_out;
			struct dwarf_lines *dl;
			struct error *err;
			uint64_t a;

			memcpy(line, s.line.p, s.line.n);
			memcpy(info, s.info.p, s.info.n);
			secs = synth_sections(&s);
			secs.line.data = line;
			secs.info.data = info;
			err = dwarf_lines_open_sections(&secs, &dl);
			for (a = 0xff0; !err && a < 0x1110; a += 0x11) {
				struct error *e = dwarf_lines_lookup(dl, a,
								     &info_out);

				if (e && e->code != ERR_FORMAT &&
				    e->code != ERR_NOT_FOUND)
					test_fail(__FILE__, __LINE__, "%s",
						  e->message);
				error_free(e);
			}
			error_free(err);
			if (!err)
				dwarf_lines_close(dl);
			free(line);
			free(info);
		}
		synth_free(&s);
	}
	synth_free(&good);
}

/*
 * DWARF 5, as gcc and clang write it: line_strp directory names, a file
 * table with MD5, the unit's name as strx1 before its
 * DW_AT_str_offsets_base, low_pc as addrx, no .debug_aranges.  IS64: the
 * line program in the 64-bit DWARF format.
 */
static void make_v5(struct synth *s, bool is64)
{
	size_t at, hlen_at;
	int i;

	memset(s, 0, sizeof(*s));
	str(&s->line_str, "/build");		/* 0 */
	str(&s->line_str, "inc");		/* 7 */
	str(&s->str, "t.c");			/* 0 */
	/* .debug_str_offsets: header, then offset 0 (the name). */
	u32(&s->str_offsets, 8);
	u16(&s->str_offsets, 5);
	u16(&s->str_offsets, 0);
	u32(&s->str_offsets, 0);
	/* .debug_addr: header, then 0x1000. */
	u32(&s->addr, 12);
	u16(&s->addr, 5);
	u8(&s->addr, 8);
	u8(&s->addr, 0);
	u64(&s->addr, 0x1000);

	uleb(&s->abbrev, 1);
	uleb(&s->abbrev, DW_TAG_compile_unit);
	u8(&s->abbrev, DW_CHILDREN_no);
	uleb(&s->abbrev, DW_AT_name);
	uleb(&s->abbrev, DW_FORM_strx1);
	uleb(&s->abbrev, DW_AT_comp_dir);
	uleb(&s->abbrev, DW_FORM_line_strp);
	uleb(&s->abbrev, DW_AT_low_pc);
	uleb(&s->abbrev, DW_FORM_addrx);
	uleb(&s->abbrev, DW_AT_high_pc);
	uleb(&s->abbrev, DW_FORM_implicit_const);
	sleb(&s->abbrev, 0x100);
	uleb(&s->abbrev, DW_AT_str_offsets_base);
	uleb(&s->abbrev, DW_FORM_sec_offset);
	uleb(&s->abbrev, DW_AT_addr_base);
	uleb(&s->abbrev, DW_FORM_sec_offset);
	uleb(&s->abbrev, DW_AT_stmt_list);
	uleb(&s->abbrev, DW_FORM_sec_offset);
	uleb(&s->abbrev, 0);
	uleb(&s->abbrev, 0);
	uleb(&s->abbrev, 0);

	u32(&s->info, 0);
	u16(&s->info, 5);
	u8(&s->info, DW_UT_compile);
	u8(&s->info, 8);
	u32(&s->info, 0);
	uleb(&s->info, 1);
	u8(&s->info, 0);	/* name: string 0 */
	u32(&s->info, 0);	/* comp_dir: "/build" */
	uleb(&s->info, 0);	/* low_pc: address 0 */
	u32(&s->info, 8);	/* str_offsets_base */
	u32(&s->info, 8);	/* addr_base */
	u32(&s->info, 0);	/* stmt_list */
	patch32(&s->info, 0, s->info.n - 4);

	if (is64) {
		u32(&s->line, 0xffffffff);
		u64(&s->line, 0);
	} else {
		u32(&s->line, 0);
	}
	u16(&s->line, 5);
	u8(&s->line, 8);
	u8(&s->line, 0);
	hlen_at = s->line.n;
	if (is64)
		u64(&s->line, 0);
	else
		u32(&s->line, 0);
	u8(&s->line, 1);
	u8(&s->line, 1);
	u8(&s->line, 1);
	u8(&s->line, (uint8_t)-5);
	u8(&s->line, 14);
	u8(&s->line, 13);
	put(&s->line, std_lengths, sizeof(std_lengths));
	u8(&s->line, 1);			/* directory format */
	uleb(&s->line, DW_LNCT_path);
	uleb(&s->line, DW_FORM_line_strp);
	uleb(&s->line, 2);
	for (i = 0; i < 2; i++) {
		if (is64)
			u64(&s->line, i ? 7 : 0);
		else
			u32(&s->line, i ? 7 : 0);
	}
	u8(&s->line, 3);			/* file format */
	uleb(&s->line, DW_LNCT_path);
	uleb(&s->line, DW_FORM_string);
	uleb(&s->line, DW_LNCT_directory_index);
	uleb(&s->line, DW_FORM_udata);
	uleb(&s->line, DW_LNCT_MD5);
	uleb(&s->line, DW_FORM_data16);
	uleb(&s->line, 2);
	str(&s->line, "t.c");
	uleb(&s->line, 0);
	put(&s->line, "0123456789abcdef", 16);
	str(&s->line, "h.h");
	uleb(&s->line, 1);
	put(&s->line, "0123456789abcdef", 16);
	at = s->line.n;
	if (is64)
		patch64(&s->line, hlen_at, at - hlen_at - 8);
	else
		patch32(&s->line, hlen_at, at - hlen_at - 4);
	/* File 1 by default is h.h here; the good program's "set_file 1"
	 * and "set_file 2" become 0 and 1 with a first set_file 0. */
	op_set_address(&s->line, 0x1000);
	u8(&s->line, DW_LNS_set_file);
	uleb(&s->line, 0);
	u8(&s->line, DW_LNS_advance_line);
	sleb(&s->line, 9);
	u8(&s->line, DW_LNS_copy);
	u8(&s->line, DW_LNS_set_file);
	uleb(&s->line, 1);
	u8(&s->line, DW_LNS_advance_line);
	sleb(&s->line, 91);
	op_special(&s->line, 4, 0, 13);
	op_end_sequence(&s->line);
	if (is64)
		patch64(&s->line, 4, s->line.n - 12);
	else
		patch32(&s->line, 0, s->line.n - 4);
}

TEST(dwarf_lines_synthetic_v5)
{
	struct dwarf_lines_sections secs;
	struct dwarf_line_info info;
	struct dwarf_lines *dl;
	struct synth s;
	int is64;

	for (is64 = 0; is64 < 2; is64++) {
		make_v5(&s, is64);
		secs = synth_sections(&s);
		CHECK_OK(dwarf_lines_open_sections(&secs, &dl));
		CHECK_OK(dwarf_lines_lookup(dl, 0x1002, &info));
		CHECK(info.dir && !strcmp(info.dir, "/build"));
		CHECK(!strcmp(info.name, "t.c"));
		CHECK(info.comp_dir && !strcmp(info.comp_dir, "/build"));
		CHECK(info.cu_name && !strcmp(info.cu_name, "t.c"));
		CHECK_EQ(info.line, 10);
		CHECK_EQ(info.row_addr, 0x1000);
		CHECK_OK(dwarf_lines_lookup(dl, 0x1005, &info));
		CHECK(info.dir && !strcmp(info.dir, "inc"));
		CHECK(!strcmp(info.name, "h.h"));
		CHECK_EQ(info.line, 101);
		CHECK_ERR(dwarf_lines_lookup(dl, 0x1100, &info),
			  ERR_NOT_FOUND);
		CHECK_ERR(dwarf_lines_lookup(dl, 0xfff, &info),
			  ERR_NOT_FOUND);
		dwarf_lines_close(dl);
		synth_free(&s);
	}
}
