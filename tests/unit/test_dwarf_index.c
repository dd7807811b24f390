/* The DWARF name index and its cache on programs gcc compiles at test time
 * (DWARF 4 and 5, with and without type units), checked against libdw. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/symbols/dwarf_index.h"
#include "../../src/symbols/index_cache.h"
#include "test.h"

static const char fixture_src[] =
	"struct bar;\n"
	"struct foo { int a; struct bar *b; };\n"
	"union num { int i; float f; };\n"
	"enum color { RED, GREEN = 5, BLUE };\n"
	"enum { ANON_ONE = 100, ANON_TWO };\n"
	"typedef struct foo foo_t;\n"
	"typedef unsigned long my_ulong;\n"
	"extern int spec_var;\n"
	"int spec_var = 7;\n"
	"int counter = 3;\n"
	"static int hidden_static = 4;\n"
	"extern int ext_weak __attribute__((weak));\n"
	"struct foo global_foo;\n"
	"union num global_num;\n"
	"enum color global_color = BLUE;\n"
	"int anon_val = ANON_TWO;\n"
	"foo_t *foo_ptr;\n"
	"my_ulong big;\n"
	"__attribute__((noinline)) static int helper(int x)\n"
	"{\n"
	"	return x + hidden_static;\n"
	"}\n"
	"int main(void)\n"
	"{\n"
	"	struct local_tag { int local_member; } ls = { 1 };\n"
	"	return helper(counter) + spec_var + ls.local_member +\n"
	"	       (&ext_weak != 0);\n"
	"}\n";

/* Compile the fixture with COMPILER and FLAGS into the test directory;
 * NULL when the compiler is not there (only gcc is required). */
static char *compile(const char *compiler, const char *flags,
		     const char *out_name)
{
	char src[256], *out = NULL, *cmd = NULL;
	FILE *f;

	snprintf(src, sizeof(src), "%s/fixture.c", test_tmpdir());
	f = fopen(src, "w");
	if (!f || fputs(fixture_src, f) < 0 || fclose(f)) {
		test_fail(__FILE__, __LINE__, "cannot write %s", src);
		return NULL;
	}
	if (asprintf(&out, "%s/%s", test_tmpdir(), out_name) < 0 ||
	    asprintf(&cmd, "%s %s -o %s %s 2>/dev/null", compiler, flags, out,
		     src) < 0)
		return NULL;
	if (system(cmd)) {
		free(cmd);
		free(out);
		return NULL;
	}
	free(cmd);
	return out;
}

struct opened {
	int fd;
	Elf *elf;
	struct dwarf_sections secs;
};

static bool open_elf(const char *path, struct opened *o)
{
	elf_version(EV_CURRENT);
	o->fd = open(path, O_RDONLY);
	o->elf = o->fd >= 0 ? elf_begin(o->fd, ELF_C_READ_MMAP, NULL) : NULL;
	if (!o->elf) {
		test_fail(__FILE__, __LINE__, "cannot open %s", path);
		return false;
	}
	return true;
}

static void close_elf(struct opened *o)
{
	elf_end(o->elf);
	close(o->fd);
}

static const char *own_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;

	return dwarf_attr(die, DW_AT_name, &attr) ? dwarf_formstring(&attr) :
						     NULL;
}

/* libdw must agree with a match: same tag, name and declaration flag. */
static void check_with_libdw(Dwarf *dbg, const struct dwarf_index_match *m)
{
	Dwarf_Attribute attr;
	Dwarf_Die die, spec;
	const char *name;
	bool decl = false;

	if (!(m->in_types_section ? dwarf_offdie_types(dbg, m->die_offset, &die) :
	      dwarf_offdie(dbg, m->die_offset, &die))) {
		test_fail(__FILE__, __LINE__, "%s: no DIE at 0x%llx", m->name,
			  (unsigned long long)m->die_offset);
		return;
	}
	name = own_name(&die);
	if (!name && dwarf_attr(&die, DW_AT_specification, &attr) &&
	    dwarf_formref_die(&attr, &spec))
		name = own_name(&spec);
	if (dwarf_attr(&die, DW_AT_declaration, &attr))
		dwarf_formflag(&attr, &decl);
	if (dwarf_tag(&die) != m->tag || !name || strcmp(name, m->name) ||
	    decl != m->declaration)
		test_fail(__FILE__, __LINE__,
			  "%s at 0x%llx: libdw says tag 0x%x name %s decl %d",
			  m->name, (unsigned long long)m->die_offset,
			  dwarf_tag(&die), name ? name : "(none)", decl);
}

struct want {
	const char *name;
	unsigned int kind;
	bool definition;	/* the lookup must find one */
	bool gcc_only;		/* clang leaves it out */
};

static const struct want wanted[] = {
	{ "foo", DWARF_INDEX_STRUCT, true, false },
	{ "bar", DWARF_INDEX_STRUCT, false, false },
	{ "num", DWARF_INDEX_UNION, true, false },
	{ "color", DWARF_INDEX_ENUM, true, false },
	{ "RED", DWARF_INDEX_ENUMERATOR, true, false },
	{ "GREEN", DWARF_INDEX_ENUMERATOR, true, false },
	{ "BLUE", DWARF_INDEX_ENUMERATOR, true, false },
	{ "ANON_ONE", DWARF_INDEX_ENUMERATOR, true, true },
	{ "ANON_TWO", DWARF_INDEX_ENUMERATOR, true, true },
	{ "foo_t", DWARF_INDEX_TYPEDEF, true, false },
	{ "my_ulong", DWARF_INDEX_TYPEDEF, true, false },
	{ "int", DWARF_INDEX_BASE, true, false },
	{ "float", DWARF_INDEX_BASE, true, false },
	{ "spec_var", DWARF_INDEX_VARIABLE, true, false },
	{ "counter", DWARF_INDEX_VARIABLE, true, false },
	{ "hidden_static", DWARF_INDEX_VARIABLE, true, false },
	{ "ext_weak", DWARF_INDEX_VARIABLE, false, true },
	{ "global_foo", DWARF_INDEX_VARIABLE, true, false },
	{ "helper", DWARF_INDEX_FUNCTION, true, false },
	{ "main", DWARF_INDEX_FUNCTION, true, false },
};

static const char *const not_indexed[] = {
	"local_tag", "local_member", "ls", "x", "a", "b", "i", "f",
};

/* Every DIE libdw finds where the index looks, and the count. */
static size_t reference_walk(Dwarf *dbg, Dwarf_Die *parent,
			     const struct dwarf_index *idx);

static bool has_match(const struct dwarf_index *idx, const char *name,
		      Dwarf_Die *die, bool types)
{
	struct dwarf_index_iter it;
	struct dwarf_index_match m;

	dwarf_index_find(idx, name, DWARF_INDEX_ANY, &it);
	while (dwarf_index_next(&it, &m))
		if (m.die_offset == dwarf_dieoffset(die) &&
		    m.in_types_section == types)
			return true;
	return false;
}

static size_t reference_walk(Dwarf *dbg, Dwarf_Die *parent,
			     const struct dwarf_index *idx)
{
	Dwarf_Die child, spec, e;
	Dwarf_Attribute attr;
	size_t n = 0;

	if (dwarf_child(parent, &child))
		return 0;
	do {
		int tag = dwarf_tag(&child);
		const char *name;

		if (tag == DW_TAG_namespace)
			n += reference_walk(dbg, &child, idx);
		if (tag != DW_TAG_structure_type && tag != DW_TAG_class_type &&
		    tag != DW_TAG_union_type &&
		    tag != DW_TAG_enumeration_type && tag != DW_TAG_typedef &&
		    tag != DW_TAG_base_type && tag != DW_TAG_variable &&
		    tag != DW_TAG_subprogram)
			continue;
		name = own_name(&child);
		if (!name && dwarf_attr(&child, DW_AT_specification, &attr) &&
		    dwarf_formref_die(&attr, &spec))
			name = own_name(&spec);
		if (name) {
			n++;
			if (!has_match(idx, name, &child, false) &&
			    !has_match(idx, name, &child, true))
				test_fail(__FILE__, __LINE__,
					  "libdw's %s at 0x%llx is not indexed",
					  name,
					  (unsigned long long)dwarf_dieoffset(&child));
		}
		if (tag != DW_TAG_enumeration_type || dwarf_child(&child, &e))
			continue;
		do {
			const char *en = own_name(&e);

			if (dwarf_tag(&e) == DW_TAG_enumerator && en) {
				n++;
				if (!has_match(idx, en, &e, false) &&
				    !has_match(idx, en, &e, true))
					test_fail(__FILE__, __LINE__,
						  "enumerator %s not indexed",
						  en);
			}
		} while (!dwarf_siblingof(&e, &e));
	} while (!dwarf_siblingof(&child, &child));
	return n;
}

static size_t reference_all(Dwarf *dbg, const struct dwarf_index *idx)
{
	size_t n = 0;
	int types;

	for (types = 0; types < 2; types++) {
		Dwarf_Off off = 0, next;
		size_t hsize;
		uint64_t sig;
		Dwarf_Off toff;

		while (!dwarf_next_unit(dbg, off, &next, &hsize, NULL, NULL,
					NULL, NULL, types ? &sig : NULL,
					types ? &toff : NULL)) {
			Dwarf_Die cu;

			if (types ? dwarf_offdie_types(dbg, off + hsize, &cu) :
			    dwarf_offdie(dbg, off + hsize, &cu))
				n += reference_walk(dbg, &cu, idx);
			off = next;
		}
	}
	return n;
}

static void check_fixture(const char *path, bool types_section, bool gcc)
{
	struct dwarf_index *idx = NULL;
	struct opened o;
	Dwarf *dbg;
	size_t i;

	if (!open_elf(path, &o))
		return;
	CHECK_OK(dwarf_sections_from_elf(o.elf, path, &o.secs));
	CHECK(!types_section || o.secs.types.size);
	CHECK_OK(dwarf_index_build(&o.secs, 2, &idx));
	dbg = dwarf_begin_elf(o.elf, DWARF_C_READ, NULL);
	CHECK(dbg);
	if (!idx || !dbg)
		goto out;
	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		struct dwarf_index_iter it;
		struct dwarf_index_match m;
		size_t n = 0;

		if (wanted[i].gcc_only && !gcc)
			continue;
		dwarf_index_find(idx, wanted[i].name, DWARF_INDEX_ANY, &it);
		while (dwarf_index_next(&it, &m)) {
			check_with_libdw(dbg, &m);
			n++;
		}
		if (!n)
			test_fail(__FILE__, __LINE__, "%s: %s not indexed",
				  path, wanted[i].name);
		CHECK_OK(dwarf_index_lookup(idx, wanted[i].name,
					    wanted[i].kind, &m));
		if (m.declaration == wanted[i].definition)
			test_fail(__FILE__, __LINE__,
				  "%s: lookup of %s gives a %s", path,
				  wanted[i].name, m.declaration ?
				  "declaration" : "definition");
	}
	for (i = 0; i < sizeof(not_indexed) / sizeof(not_indexed[0]); i++) {
		struct dwarf_index_match m;

		CHECK_ERR(dwarf_index_lookup(idx, not_indexed[i],
					     DWARF_INDEX_ANY, &m),
			  ERR_NOT_FOUND);
	}
	/* Exactly what libdw's walk finds, nothing more. */
	CHECK_EQ(reference_all(dbg, idx), dwarf_index_num_entries(idx));
out:
	if (dbg)
		dwarf_end(dbg);
	dwarf_index_free(idx);
	close_elf(&o);
}

TEST(dwarf_index_gcc_dwarf4)
{
	char *p = compile("gcc", "-g -gdwarf-4 -O0", "f4");

	CHECK(p);
	if (p)
		check_fixture(p, false, true);
	free(p);
}

TEST(dwarf_index_gcc_dwarf5)
{
	char *p = compile("gcc", "-g -gdwarf-5 -O0", "f5");

	CHECK(p);
	if (p)
		check_fixture(p, false, true);
	free(p);
}

TEST(dwarf_index_gcc_type_units)
{
	char *p4 = compile("gcc", "-g -gdwarf-4 -O2 -fdebug-types-section",
			   "t4");
	char *p5 = compile("gcc", "-g -gdwarf-5 -O2 -fdebug-types-section",
			   "t5");

	CHECK(p4 && p5);
	if (p4)
		check_fixture(p4, true, true);
	if (p5)
		check_fixture(p5, false, true);
	free(p4);
	free(p5);
}

/* clang uses DW_FORM_strx1 names and str_offsets_base: tested when there
 * is a clang. */
TEST(dwarf_index_clang_dwarf5)
{
	char *p = compile("clang", "-g -gdwarf-5 -O1", "c5");

	if (p)
		check_fixture(p, false, false);
	free(p);
}

/* Every name, every entry, in order: two indexes say the same. */
static void check_same(struct dwarf_index *a, struct dwarf_index *b)
{
	struct dwarf_index_prefix_iter pa, pb;
	const char *na, *nb;

	CHECK_EQ(dwarf_index_num_names(a), dwarf_index_num_names(b));
	CHECK_EQ(dwarf_index_num_entries(a), dwarf_index_num_entries(b));
	CHECK_OK(dwarf_index_prefix(a, "", DWARF_INDEX_ANY, &pa));
	CHECK_OK(dwarf_index_prefix(b, "", DWARF_INDEX_ANY, &pb));
	while (dwarf_index_prefix_next(&pa, &na)) {
		struct dwarf_index_iter ia, ib;
		struct dwarf_index_match ma, mb;

		if (!dwarf_index_prefix_next(&pb, &nb) || strcmp(na, nb)) {
			test_fail(__FILE__, __LINE__, "names differ at %s", na);
			return;
		}
		dwarf_index_find(a, na, DWARF_INDEX_ANY, &ia);
		dwarf_index_find(b, nb, DWARF_INDEX_ANY, &ib);
		while (dwarf_index_next(&ia, &ma)) {
			if (!dwarf_index_next(&ib, &mb) ||
			    ma.die_offset != mb.die_offset ||
			    ma.cu_offset != mb.cu_offset || ma.tag != mb.tag ||
			    ma.declaration != mb.declaration ||
			    ma.in_types_section != mb.in_types_section) {
				test_fail(__FILE__, __LINE__,
					  "entries of %s differ", na);
				return;
			}
		}
		CHECK(!dwarf_index_next(&ib, &mb));
	}
	CHECK(!dwarf_index_prefix_next(&pb, &nb));
}

TEST(dwarf_index_threads_agree)
{
	char *p = compile("gcc", "-g -gdwarf-4 -O2 -fdebug-types-section",
			  "t4j");
	struct dwarf_index *one = NULL, *many = NULL;
	struct opened o;

	if (!p || !open_elf(p, &o)) {
		CHECK(p);
		free(p);
		return;
	}
	CHECK_OK(dwarf_sections_from_elf(o.elf, p, &o.secs));
	CHECK_OK(dwarf_index_build(&o.secs, 1, &one));
	CHECK_OK(dwarf_index_build(&o.secs, 8, &many));
	if (one && many)
		check_same(one, many);
	dwarf_index_free(one);
	dwarf_index_free(many);
	close_elf(&o);
	free(p);
}

TEST(dwarf_index_relocatable_refused)
{
	char *p = compile("gcc", "-g -c", "f.o");
	struct dwarf_sections secs;
	struct opened o;

	CHECK(p);
	if (p && open_elf(p, &o)) {
		CHECK_ERR(dwarf_sections_from_elf(o.elf, p, &secs),
			  ERR_UNSUPPORTED);
		close_elf(&o);
	}
	free(p);
}

TEST(dwarf_index_no_debug_info)
{
	char *p = compile("gcc", "-g0", "nodebug");
	struct dwarf_sections secs;
	struct opened o;

	CHECK(p);
	if (p && open_elf(p, &o)) {
		CHECK_ERR(dwarf_sections_from_elf(o.elf, p, &secs),
			  ERR_NOT_FOUND);
		close_elf(&o);
	}
	free(p);
}

/* ---- the cache ---- */

static char *cache_dir(const char *name)
{
	char *dir;

	if (asprintf(&dir, "%s/%s", test_tmpdir(), name) < 0)
		return NULL;
	setenv("CRASH_CACHE_DIR", dir, 1);
	unsetenv("CRASH_NO_INDEX_CACHE");
	return dir;
}

static void open_cached(struct opened *o, const char *path,
			struct dwarf_index **idx, struct index_cache_status *st)
{
	*idx = NULL;
	CHECK_OK(dwarf_index_open(path, o->elf, &o->secs, 2, idx, st));
}

/* Open twice: built and saved, then loaded, with the same answers. */
static void round_trip(struct opened *o, const char *path)
{
	struct index_cache_status st;
	struct dwarf_index *built, *loaded;

	open_cached(o, path, &built, &st);
	CHECK(!st.loaded && st.saved);
	error_free(st.why);
	open_cached(o, path, &loaded, &st);
	CHECK(st.loaded && !st.saved && !st.why);
	error_free(st.why);
	if (built && loaded)
		check_same(built, loaded);
	dwarf_index_free(built);
	dwarf_index_free(loaded);
}

static char *the_cache_file(struct opened *o, const char *path)
{
	struct index_cache_key key;
	char *file = NULL;

	CHECK_OK(index_cache_key(path, o->elf, &key));
	CHECK_OK(index_cache_path(&key, &file));
	return file;
}

/* Open once more and expect the file to be rejected for WHY, rebuilt and
 * saved again. */
static void expect_rejected(struct opened *o, const char *path,
			    const char *why)
{
	struct index_cache_status st;
	struct dwarf_index *idx;

	open_cached(o, path, &idx, &st);
	CHECK(!st.loaded && st.saved);
	if (!st.why || !strstr(st.why->message, why))
		test_fail(__FILE__, __LINE__, "rejected for \"%s\", not \"%s\"",
			  st.why ? st.why->message : "(nothing)", why);
	error_free(st.why);
	dwarf_index_free(idx);
}

static void patch_file(const char *file, off_t off, const void *bytes,
		       size_t n)
{
	int fd = open(file, O_WRONLY);

	CHECK(fd >= 0 && pwrite(fd, bytes, n, off) == (ssize_t)n);
	if (fd >= 0)
		close(fd);
}

static size_t file_size(const char *file)
{
	struct stat st;

	return stat(file, &st) ? 0 : st.st_size;
}

TEST(index_cache_round_trip_and_rejects)
{
	char *dir = cache_dir("cache1");
	char *p = compile("gcc", "-g -gdwarf-5 -O2 -fdebug-types-section",
			  "cached");
	char *file = NULL;
	struct opened o;
	uint32_t header_size;
	size_t size;
	int fd;

	if (!p || !dir || !open_elf(p, &o)) {
		CHECK(p && dir);
		goto out;
	}
	CHECK_OK(dwarf_sections_from_elf(o.elf, p, &o.secs));
	round_trip(&o, p);
	file = the_cache_file(&o, p);
	if (!file)
		goto close;
	CHECK(!strncmp(file, dir, strlen(dir)));
	size = file_size(file);
	CHECK(size > 0);
	fd = open(file, O_RDONLY);
	CHECK(fd >= 0 && pread(fd, &header_size, 4, 12) == 4);
	if (fd >= 0)
		close(fd);

	/* Cut short. */
	CHECK(!truncate(file, size / 2));
	expect_rejected(&o, p, "truncated");
	CHECK(!truncate(file, 10));
	expect_rejected(&o, p, "truncated header");
	/* One byte of the tables changed. */
	patch_file(file, size - 1, "\x5a", 1);
	expect_rejected(&o, p, "checksum");
	/* Another format version. */
	patch_file(file, 8, "\x63", 1);
	expect_rejected(&o, p, "another version");
	/* Not a cache file at all. */
	patch_file(file, 0, "garbage!", 8);
	expect_rejected(&o, p, "not an index cache");
	/* The vmlinux changed: its mtime says so. */
	{
		struct timespec times[2] = { { 0, UTIME_OMIT }, { 12345, 0 } };

		CHECK(!utimensat(AT_FDCWD, p, times, 0));
		expect_rejected(&o, p, "changed");
	}
	/* A consistent file whose tables point nowhere: the checksums are
	 * right, the contents checked one by one. */
	{
		size_t n = file_size(file) - header_size, i;
		uint8_t *buf = malloc(file_size(file));
		uint64_t ck;

		fd = open(file, O_RDONLY);
		CHECK(fd >= 0 && pread(fd, buf, file_size(file), 0) ==
		      (ssize_t)file_size(file));
		if (fd >= 0)
			close(fd);
		for (i = 0; i < n; i++)
			buf[header_size + i] = 0xff;
		ck = index_cache_checksum(buf + header_size, n);
		memcpy(buf + header_size - 16, &ck, 8);
		memset(buf + header_size - 8, 0, 8);
		ck = index_cache_checksum(buf, header_size);
		memcpy(buf + header_size - 8, &ck, 8);
		patch_file(file, 0, buf, header_size + n);
		free(buf);
		expect_rejected(&o, p, "out of range");
	}
	/* After all that, a good file again. */
	{
		struct index_cache_status st;
		struct dwarf_index *idx;

		open_cached(&o, p, &idx, &st);
		CHECK(st.loaded);
		error_free(st.why);
		dwarf_index_free(idx);
	}
close:
	close_elf(&o);
out:
	unsetenv("CRASH_CACHE_DIR");
	free(file);
	free(dir);
	free(p);
}

TEST(index_cache_foreign_build_id)
{
	char *dir = cache_dir("cache2");
	char *a = compile("gcc", "-g -O0", "build_a");
	char *b = compile("gcc", "-g -O1", "build_b");
	char *fa = NULL, *fb = NULL, *cmd = NULL;
	struct opened oa, ob;

	if (!a || !b || !dir || !open_elf(a, &oa)) {
		CHECK(a && b && dir);
		goto out;
	}
	if (!open_elf(b, &ob)) {
		close_elf(&oa);
		goto out;
	}
	CHECK_OK(dwarf_sections_from_elf(oa.elf, a, &oa.secs));
	CHECK_OK(dwarf_sections_from_elf(ob.elf, b, &ob.secs));
	round_trip(&ob, b);
	fa = the_cache_file(&oa, a);
	fb = the_cache_file(&ob, b);
	CHECK(fa && fb && strcmp(fa, fb));
	/* B's file where A's belongs. */
	if (fa && fb && asprintf(&cmd, "cp %s %s", fb, fa) > 0) {
		CHECK(!system(cmd));
		expect_rejected(&oa, a, "another build-id");
	}
	close_elf(&oa);
	close_elf(&ob);
out:
	unsetenv("CRASH_CACHE_DIR");
	free(cmd);
	free(fa);
	free(fb);
	free(dir);
	free(a);
	free(b);
}

TEST(index_cache_disabled_and_no_build_id)
{
	char *dir = cache_dir("cache3");
	char *p = compile("gcc", "-g -O0", "nocache");
	char *q = compile("gcc", "-g -O0 -Wl,--build-id=none", "noid");
	struct index_cache_status st;
	struct dwarf_index *idx;
	struct opened o;
	struct stat sb;

	if (!p || !q || !dir) {
		CHECK(p && q && dir);
		goto out;
	}
	if (open_elf(p, &o)) {
		CHECK_OK(dwarf_sections_from_elf(o.elf, p, &o.secs));
		setenv("CRASH_NO_INDEX_CACHE", "1", 1);
		open_cached(&o, p, &idx, &st);
		CHECK(!st.loaded && !st.saved);
		CHECK(idx && dwarf_index_num_entries(idx) > 0);
		error_free(st.why);
		dwarf_index_free(idx);
		/* Nothing was written. */
		CHECK(stat(dir, &sb) && errno == ENOENT);
		unsetenv("CRASH_NO_INDEX_CACHE");
		close_elf(&o);
	}
	if (open_elf(q, &o)) {
		uint8_t id[64];
		size_t len;

		CHECK_ERR(index_cache_build_id(o.elf, id, sizeof(id), &len),
			  ERR_NOT_FOUND);
		CHECK_OK(dwarf_sections_from_elf(o.elf, q, &o.secs));
		open_cached(&o, q, &idx, &st);
		CHECK(idx && !st.loaded && !st.saved);
		CHECK(st.why && st.why->code == ERR_NOT_FOUND);
		error_free(st.why);
		dwarf_index_free(idx);
		close_elf(&o);
	}
out:
	unsetenv("CRASH_CACHE_DIR");
	free(dir);
	free(p);
	free(q);
}

TEST(index_cache_build_id_matches_readelf)
{
	char *p = compile("gcc", "-g -O0 -Wl,--build-id=sha1", "sha1");
	char *cmd = NULL, line[256] = "", hex[129] = "";
	uint8_t id[64];
	size_t len = 0, i;
	struct opened o;
	FILE *f;

	if (!p || !open_elf(p, &o)) {
		CHECK(p);
		free(p);
		return;
	}
	CHECK_OK(index_cache_build_id(o.elf, id, sizeof(id), &len));
	CHECK_EQ(len, 20);
	for (i = 0; i < len && i < 64; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	if (asprintf(&cmd, "readelf -n %s | grep 'Build ID'", p) > 0 &&
	    (f = popen(cmd, "r"))) {
		if (fgets(line, sizeof(line), f))
			CHECK(strstr(line, hex));
		pclose(f);
	}
	close_elf(&o);
	free(cmd);
	free(p);
}
