/* The vmlinux ELF layer and its symbol table, on small kernel-like ELF files
 * the tests write by hand: both classes, both byte orders, and the ways a
 * file can be the wrong one or broken. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>

#include "../../src/symbols/symtab.h"
#include "../../src/symbols/vmlinux.h"
#include "../../src/util/error.h"
#include "test.h"

/* ---- a tiny ELF writer ------------------------------------------------ */

struct tsec {
	const char *name;
	uint32_t type;
	uint64_t flags, addr, size, entsize;
	const void *data;	/* NULL: zero bytes (or none for NOBITS) */
	uint32_t link;
};

struct tsym {
	const char *name;
	uint64_t value, size;
	unsigned char bind, type;
	uint16_t shndx;
	uint32_t xindex;	/* for SHN_XINDEX */
	uint32_t bad_name;	/* nonzero: st_name as given */
};

struct telf {
	bool is64, big, no_symtab, bad_entsize, with_xindex;
	uint16_t type, machine;
	struct tsec sec[24];
	int nsec;		/* including the null section 0 */
	struct tsym sym[160];
	int nsym;
	int pt_note;		/* section to cover with a PT_NOTE, or 0 */
	bool strtab_no_nul;	/* damage: last byte of .strtab not NUL */
};

struct buf {
	unsigned char *p;
	size_t len, cap;
	bool big;
};

static void grow(struct buf *b, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 256;
		b->p = realloc(b->p, b->cap);
	}
}

static void put(struct buf *b, const void *p, size_t len)
{
	grow(b, len);
	if (p)
		memcpy(b->p + b->len, p, len);
	else
		memset(b->p + b->len, 0, len);
	b->len += len;
}

static void putn(struct buf *b, uint64_t v, int n)
{
	unsigned char x[8];
	int i;

	for (i = 0; i < n; i++)
		x[b->big ? n - 1 - i : i] = v >> (8 * i);
	put(b, x, n);
}

static void align(struct buf *b, size_t a)
{
	while (b->len % a)
		put(b, "", 1);
}

static void patchn(struct buf *b, size_t at, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		b->p[at + (b->big ? n - 1 - i : i)] = v >> (8 * i);
}

static int add_sec(struct telf *e, struct tsec s)
{
	e->sec[e->nsec] = s;
	return e->nsec++;
}

static void add_sym(struct telf *e, const char *name, uint64_t value,
		    uint64_t size, int bind, int type, uint16_t shndx)
{
	e->sym[e->nsym++] = (struct tsym){ name, value, size, bind, type,
					   shndx, 0, 0 };
}

/* Section indices of the standard kernel-like layout below. */
enum { TEXT = 1, RODATA, DATA, BSS, PERCPU, NOTE, DEBUG_INFO, DEBUG_ABBREV,
       COMMENT, NSTD };

static const char banner[] = "Linux version 6.1.0-test (synthetic) #1\n";
static const unsigned char build_id[20] = {
	0xeb, 0x4f, 0xbc, 0xd0, 0x37, 0xe7, 0x25, 0x37, 0x17, 0x95,
	0x0b, 0xf2, 0xb9, 0x3b, 0xd5, 0x56, 0x6f, 0x47, 0xc5, 0x6f,
};
static unsigned char text_bytes[0x1000], rodata_bytes[0x100],
	data_bytes[0x100], note_bytes[36];

static uint64_t kbase(const struct telf *e)
{
	return e->is64 ? 0xffffffff81000000ull : 0xc1000000ull;
}

/* .text, .rodata and .data back to back, .bss after a gap, a zero-based
 * .data..percpu, a build-id note, DWARF and a non-allocated section. */
static void std_layout(struct telf *e, bool is64, bool big, uint16_t machine)
{
	uint64_t k;
	size_t i;

	memset(e, 0, sizeof(*e));
	e->is64 = is64;
	e->big = big;
	e->type = ET_EXEC;
	e->machine = machine;
	e->nsec = 1;
	k = kbase(e);
	for (i = 0; i < sizeof(text_bytes); i++)
		text_bytes[i] = i * 7;
	memset(rodata_bytes, 0, sizeof(rodata_bytes));
	memcpy(rodata_bytes + 0x20, banner, sizeof(banner));
	memset(rodata_bytes + 0xf0, 'x', 0x10);	/* runs into .data */
	for (i = 0; i < sizeof(data_bytes); i++)
		data_bytes[i] = 0xd0 + (i & 0xf);
	{
		struct buf nb = { .big = big };

		putn(&nb, 4, 4);
		putn(&nb, 20, 4);
		putn(&nb, NT_GNU_BUILD_ID, 4);
		put(&nb, "GNU", 4);
		put(&nb, build_id, 20);
		memcpy(note_bytes, nb.p, 36);
		free(nb.p);
	}
	add_sec(e, (struct tsec){ ".text", SHT_PROGBITS,
		SHF_ALLOC | SHF_EXECINSTR, k, 0x1000, 0, text_bytes, 0 });
	add_sec(e, (struct tsec){ ".rodata", SHT_PROGBITS, SHF_ALLOC,
		k + 0x1000, 0x100, 0, rodata_bytes, 0 });
	add_sec(e, (struct tsec){ ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
		k + 0x1100, 0x100, 0, data_bytes, 0 });
	add_sec(e, (struct tsec){ ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
		k + 0x2000, 0x1000, 0, NULL, 0 });
	add_sec(e, (struct tsec){ ".data..percpu", SHT_PROGBITS,
		SHF_ALLOC | SHF_WRITE, 0, 0x2000, 0, NULL, 0 });
	add_sec(e, (struct tsec){ ".note.gnu.build-id", SHT_NOTE, SHF_ALLOC,
		k + 0x3000, 36, 0, note_bytes, 0 });
	add_sec(e, (struct tsec){ ".debug_info", SHT_PROGBITS, 0, 0, 16, 0,
		NULL, 0 });
	add_sec(e, (struct tsec){ ".debug_abbrev", SHT_PROGBITS, 0, 0, 8, 0,
		NULL, 0 });
	add_sec(e, (struct tsec){ ".comment", SHT_PROGBITS, 0, 0, 8, 0,
		NULL, 0 });
}

/* The symbols most tests use (link-time addresses; k = kernel base). */
static void std_symbols(struct telf *e)
{
	uint64_t k = kbase(e);

	add_sym(e, "_text", k, 0, STB_GLOBAL, STT_NOTYPE, TEXT);
	add_sym(e, "startup", k, 0x40, STB_GLOBAL, STT_FUNC, TEXT);
	add_sym(e, "static_fn", k + 0x100, 0x80, STB_LOCAL, STT_FUNC, TEXT);
	add_sym(e, "weak_fn", k + 0x200, 0x10, STB_WEAK, STT_FUNC, TEXT);
	add_sym(e, "outer", k + 0x400, 0x100, STB_GLOBAL, STT_FUNC, TEXT);
	add_sym(e, "inner", k + 0x410, 0x10, STB_LOCAL, STT_FUNC, TEXT);
	add_sym(e, "outer_label", k + 0x480, 0, STB_GLOBAL, STT_NOTYPE, TEXT);
	add_sym(e, "last_fn", k + 0x800, 0x20, STB_GLOBAL, STT_FUNC, TEXT);
	add_sym(e, "_etext", k + 0x1000, 0, STB_GLOBAL, STT_NOTYPE, TEXT);
	add_sym(e, "linux_banner", k + 0x1020, sizeof(banner), STB_GLOBAL,
		STT_OBJECT, RODATA);
	add_sym(e, "ro_local", k + 0x1080, 8, STB_LOCAL, STT_OBJECT, RODATA);
	add_sym(e, "jiffies", k + 0x1100, 8, STB_GLOBAL, STT_OBJECT, DATA);
	add_sym(e, "data_local", k + 0x1108, 8, STB_LOCAL, STT_OBJECT, DATA);
	add_sym(e, "weak_obj", k + 0x1110, 8, STB_WEAK, STT_OBJECT, DATA);
	add_sym(e, "bss_global", k + 0x2000, 0x10, STB_GLOBAL, STT_OBJECT,
		BSS);
	add_sym(e, "bss_local", k + 0x2010, 0x10, STB_LOCAL, STT_OBJECT, BSS);
	add_sym(e, "__per_cpu_start", 0, 0, STB_GLOBAL, STT_NOTYPE, PERCPU);
	add_sym(e, "fixed_percpu_data", 0, 0x30, STB_GLOBAL, STT_OBJECT,
		PERCPU);
	add_sym(e, "runqueues", 0x1000, 0x400, STB_GLOBAL, STT_OBJECT, PERCPU);
	/* In the per-cpu section but at its load address in the image. */
	add_sym(e, "__per_cpu_load", k + 0x1400, 0, STB_GLOBAL, STT_NOTYPE,
		PERCPU);
	add_sym(e, "text_size", 0x1000, 0, STB_GLOBAL, STT_NOTYPE, SHN_ABS);
	add_sym(e, "sp_offset", 0, 0, STB_LOCAL, STT_NOTYPE, SHN_ABS);
	/* A linker-script address made absolute, in a gap of the image
	 * (x86_64's init_per_cpu__* point into the per-cpu load area). */
	add_sym(e, "init_per_cpu__gdt", k + 0x1800, 0, STB_GLOBAL, STT_NOTYPE,
		SHN_ABS);
	/* Dropped: section, file, empty, .L label, mapping symbol, undefined,
	 * non-allocated section, TLS. */
	add_sym(e, "", k, 0, STB_LOCAL, STT_SECTION, TEXT);
	add_sym(e, "main.c", 0, 0, STB_LOCAL, STT_FILE, SHN_ABS);
	add_sym(e, "", k + 8, 0, STB_LOCAL, STT_NOTYPE, TEXT);
	add_sym(e, ".Ltmp1", k + 0x10, 0, STB_LOCAL, STT_NOTYPE, TEXT);
	add_sym(e, "$x", k + 0x10, 0, STB_LOCAL, STT_NOTYPE, TEXT);
	add_sym(e, "undefined_thing", 0, 0, STB_GLOBAL, STT_NOTYPE, SHN_UNDEF);
	add_sym(e, "in_comment", 4, 0, STB_LOCAL, STT_OBJECT, COMMENT);
	add_sym(e, "tls_var", 0, 4, STB_GLOBAL, STT_TLS, DATA);
}

#define STD_KEPT 23

static struct buf build(struct telf *e)
{
	struct buf b = { .big = e->big }, str = { 0 }, shstr = { 0 },
		   sym = { .big = e->big }, shndx = { .big = e->big };
	int ehsize = e->is64 ? 64 : 52, shentsize = e->is64 ? 64 : 40;
	int phentsize = e->is64 ? 56 : 32, asz = e->is64 ? 8 : 4;
	int phnum = e->pt_note ? 1 : 0, i, nsec = e->nsec;
	int symtab_idx = 0, strtab_idx = 0, shndx_idx = 0, shstrtab_idx;
	size_t off[32] = { 0 }, names[32] = { 0 }, shoff;
	unsigned char ident[EI_NIDENT] = { 0 };

	put(&str, "", 1);
	put(&shstr, "", 1);
	if (!e->no_symtab) {
		put(&sym, NULL, e->is64 ? 24 : 16);
		putn(&shndx, 0, 4);
		for (i = 0; i < e->nsym; i++) {
			const struct tsym *s = &e->sym[i];
			uint32_t name = s->bad_name ? s->bad_name : str.len;

			if (!s->bad_name)
				put(&str, s->name, strlen(s->name) + 1);
			putn(&sym, name, 4);
			if (e->is64) {
				put(&sym, (unsigned char[]){
					ELF64_ST_INFO(s->bind, s->type) }, 1);
				put(&sym, "", 1);
				putn(&sym, s->shndx, 2);
				putn(&sym, s->value, 8);
				putn(&sym, s->size, 8);
			} else {
				putn(&sym, s->value, 4);
				putn(&sym, s->size, 4);
				put(&sym, (unsigned char[]){
					ELF32_ST_INFO(s->bind, s->type) }, 1);
				put(&sym, "", 1);
				putn(&sym, s->shndx, 2);
			}
			putn(&shndx, s->xindex, 4);
		}
		if (e->strtab_no_nul)
			str.p[str.len - 1] = 'Z';
		symtab_idx = nsec++;
		strtab_idx = nsec++;
		if (e->with_xindex)
			shndx_idx = nsec++;
	}
	shstrtab_idx = nsec++;
	for (i = 1; i < nsec; i++) {
		const char *n = i == symtab_idx ? ".symtab" :
				i == strtab_idx ? ".strtab" :
				i == shndx_idx ? ".symtab_shndx" :
				i == shstrtab_idx ? ".shstrtab" : e->sec[i].name;

		names[i] = shstr.len;
		put(&shstr, n, strlen(n) + 1);
	}

	/* The header is patched at the end, when offsets are known. */
	put(&b, NULL, ehsize + phnum * phentsize);
	for (i = 1; i < nsec; i++) {
		align(&b, 8);
		off[i] = b.len;
		if (i == symtab_idx)
			put(&b, sym.p, sym.len);
		else if (i == strtab_idx)
			put(&b, str.p, str.len);
		else if (i == shndx_idx)
			put(&b, shndx.p, shndx.len);
		else if (i == shstrtab_idx)
			put(&b, shstr.p, shstr.len);
		else if (e->sec[i].type != SHT_NOBITS)
			put(&b, e->sec[i].data, e->sec[i].size);
	}
	align(&b, 8);
	shoff = b.len;
	put(&b, NULL, shentsize);	/* section 0 */
	for (i = 1; i < nsec; i++) {
		struct tsec s = i < e->nsec ? e->sec[i] : (struct tsec){ 0 };

		if (i == symtab_idx)
			s = (struct tsec){ NULL, SHT_SYMTAB, 0, 0, sym.len,
				e->bad_entsize ? 7 : (e->is64 ? 24 : 16), NULL,
				strtab_idx };
		else if (i == strtab_idx)
			s = (struct tsec){ NULL, SHT_STRTAB, 0, 0, str.len, 0,
				NULL, 0 };
		else if (i == shndx_idx)
			s = (struct tsec){ NULL, SHT_SYMTAB_SHNDX, 0, 0,
				shndx.len, 4, NULL, symtab_idx };
		else if (i == shstrtab_idx)
			s = (struct tsec){ NULL, SHT_STRTAB, 0, 0, shstr.len, 0,
				NULL, 0 };
		putn(&b, names[i], 4);
		putn(&b, s.type, 4);
		putn(&b, s.flags, asz);
		putn(&b, s.addr, asz);
		putn(&b, off[i], asz);
		putn(&b, s.size, asz);
		putn(&b, s.link, 4);
		putn(&b, i == symtab_idx ? 1 : 0, 4);
		putn(&b, 1, asz);
		putn(&b, s.entsize, asz);
	}

	memcpy(ident, ELFMAG, SELFMAG);
	ident[EI_CLASS] = e->is64 ? ELFCLASS64 : ELFCLASS32;
	ident[EI_DATA] = e->big ? ELFDATA2MSB : ELFDATA2LSB;
	ident[EI_VERSION] = EV_CURRENT;
	memcpy(b.p, ident, EI_NIDENT);
	patchn(&b, 16, e->type, 2);
	patchn(&b, 18, e->machine, 2);
	patchn(&b, 20, EV_CURRENT, 4);
	if (e->is64) {
		patchn(&b, 24, kbase(e), 8);
		patchn(&b, 32, phnum ? ehsize : 0, 8);
		patchn(&b, 40, shoff, 8);
		patchn(&b, 52, ehsize, 2);
		patchn(&b, 54, phentsize, 2);
		patchn(&b, 56, phnum, 2);
		patchn(&b, 58, shentsize, 2);
		patchn(&b, 60, nsec, 2);
		patchn(&b, 62, shstrtab_idx, 2);
	} else {
		patchn(&b, 24, kbase(e), 4);
		patchn(&b, 28, phnum ? ehsize : 0, 4);
		patchn(&b, 32, shoff, 4);
		patchn(&b, 40, ehsize, 2);
		patchn(&b, 42, phentsize, 2);
		patchn(&b, 44, phnum, 2);
		patchn(&b, 46, shentsize, 2);
		patchn(&b, 48, nsec, 2);
		patchn(&b, 50, shstrtab_idx, 2);
	}
	if (phnum) {
		const struct tsec *s = &e->sec[e->pt_note];
		size_t p = ehsize;

		if (e->is64) {
			patchn(&b, p, PT_NOTE, 4);
			patchn(&b, p + 4, PF_R, 4);
			patchn(&b, p + 8, off[e->pt_note], 8);
			patchn(&b, p + 16, s->addr, 8);
			patchn(&b, p + 24, s->addr, 8);
			patchn(&b, p + 32, s->size, 8);
			patchn(&b, p + 40, s->size, 8);
			patchn(&b, p + 48, 4, 8);
		} else {
			patchn(&b, p, PT_NOTE, 4);
			patchn(&b, p + 4, off[e->pt_note], 4);
			patchn(&b, p + 8, s->addr, 4);
			patchn(&b, p + 12, s->addr, 4);
			patchn(&b, p + 16, s->size, 4);
			patchn(&b, p + 20, s->size, 4);
			patchn(&b, p + 24, PF_R, 4);
			patchn(&b, p + 28, 4, 4);
		}
	}
	free(str.p);
	free(shstr.p);
	free(sym.p);
	free(shndx.p);
	return b;
}

static char *write_file(const char *name, const void *p, size_t len)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", test_tmpdir(), name) < 0)
		abort();
	f = fopen(path, "wb");
	if (!f || (len && fwrite(p, 1, len, f) != len)) {
		perror(path);
		abort();
	}
	fclose(f);
	return path;
}

static char *write_elf(const char *name, struct telf *e)
{
	struct buf b = build(e);
	char *path = write_file(name, b.p, b.len);

	free(b.p);
	return path;
}

/* Open a file and load its table; NULLs (and a failed check) on error. */
static struct vmlinux *open_ok(const char *path, struct symtab **st)
{
	struct vmlinux *vm = NULL;

	*st = NULL;
	CHECK_OK(vmlinux_open(path, &vm));
	if (vm)
		CHECK_OK(symtab_load(vm, st));
	return vm;
}

static struct vmlinux *open_std(const char *name, bool is64, bool big,
				uint16_t machine, struct symtab **st)
{
	struct telf e;
	struct vmlinux *vm;
	char *path;

	std_layout(&e, is64, big, machine);
	std_symbols(&e);
	path = write_elf(name, &e);
	vm = open_ok(path, st);
	free(path);
	return vm;
}

static void close_both(struct vmlinux *vm, struct symtab *st)
{
	symtab_free(st);
	vmlinux_close(vm);
}

static bool message_has(struct error *err, const char *what)
{
	bool ok = err && strstr(err->message, what);

	if (err && !ok)
		printf("    (message was: %s)\n", err->message);
	error_free(err);
	return ok;
}

/* lookup_addr answers NAME with OFF, or nothing when name is NULL. */
static bool lookup_is(const struct symtab *st, uint64_t addr,
		      const char *name, uint64_t off)
{
	uint64_t got_off = ~0ull;
	const struct symbol *s = symtab_lookup_addr(st, addr, &got_off);

	if (!name && !s)
		return true;
	if (name && s && !strcmp(s->name, name) && got_off == off)
		return true;
	printf("    lookup 0x%llx: got %s+0x%llx, want %s+0x%llx\n",
	       (unsigned long long)addr, s ? s->name : "(none)",
	       (unsigned long long)got_off, name ? name : "(none)",
	       (unsigned long long)off);
	return false;
}

static char letter_of(const struct symtab *st, const char *name)
{
	const struct symbol *s = symtab_lookup_name(st, name);

	return s ? s->type : '?';
}

/* ---- the file --------------------------------------------------------- */

TEST(vmlinux_facts)
{
	struct symtab *st;
	struct vmlinux *vm = open_std("facts", true, false, EM_X86_64, &st);
	char id[129];

	if (!vm)
		return;
	CHECK_EQ(vm->machine, EM_X86_64);
	CHECK_EQ(vm->elf_class, ELFCLASS64);
	CHECK(!vm->big_endian);
	CHECK_EQ(vm->type, ET_EXEC);
	CHECK(!vm->compression);
	CHECK(!strcmp(vmlinux_build_id_hex(vm, id, sizeof(id)),
		      "eb4fbcd037e7253717950bf2b93bd5566f47c56f"));
	CHECK(vm->symtab && vm->strtab);
	CHECK(vmlinux_has_dwarf(vm));
	CHECK_EQ(vm->debug, VMLINUX_DEBUG_INFO | VMLINUX_DEBUG_ABBREV);
	CHECK(!vm->debug_compressed);
	CHECK(vmlinux_section_by_name(vm, ".bss") == &vm->sections[BSS]);
	CHECK(vmlinux_section_by_name(vm, ".nope") == NULL);
	CHECK(vmlinux_section_at(vm, 0xffffffff81001150ull) ==
	      &vm->sections[DATA]);
	CHECK(!strcmp(vmlinux_machine_name(vm->machine, vm->elf_class),
		      "x86_64"));
	CHECK(!strcmp(vmlinux_machine_name(EM_S390, ELFCLASS64), "s390x"));
	CHECK(vmlinux_machine_name(0x7777, ELFCLASS64) == NULL);
	close_both(vm, st);
}

TEST(vmlinux_build_id_from_segment)
{
	struct vmlinux *vm = NULL;
	struct telf e;
	char *path, id[129];

	/* A notes section that lost its type: only the PT_NOTE finds it. */
	std_layout(&e, true, false, EM_X86_64);
	std_symbols(&e);
	e.sec[NOTE].type = SHT_PROGBITS;
	e.pt_note = NOTE;
	path = write_elf("note-segment", &e);
	CHECK_OK(vmlinux_open(path, &vm));
	if (vm)
		CHECK(!strcmp(vmlinux_build_id_hex(vm, id, sizeof(id)),
			      "eb4fbcd037e7253717950bf2b93bd5566f47c56f"));
	vmlinux_close(vm);
	free(path);

	/* No note at all: an empty build-id, not an error. */
	std_layout(&e, true, false, EM_X86_64);
	std_symbols(&e);
	e.sec[NOTE].type = SHT_PROGBITS;
	path = write_elf("no-build-id", &e);
	vm = NULL;
	CHECK_OK(vmlinux_open(path, &vm));
	if (vm) {
		CHECK_EQ(vm->build_id_len, 0);
		CHECK(!strcmp(vmlinux_build_id_hex(vm, id, sizeof(id)), ""));
	}
	vmlinux_close(vm);
	free(path);
}

TEST(vmlinux_read_sections)
{
	struct symtab *st;
	struct vmlinux *vm = open_std("read", true, false, EM_X86_64, &st);
	const struct symbol *s;
	unsigned char b[0x20];
	char str[128];
	uint64_t k = 0xffffffff81000000ull;

	if (!vm)
		return;
	CHECK_OK(vmlinux_read(vm, k + 5, b, 3));
	CHECK(b[0] == 35 && b[1] == 42 && b[2] == 49);
	/* One read across the end of .rodata into .data. */
	CHECK_OK(vmlinux_read(vm, k + 0x10fc, b, 8));
	CHECK(!memcmp(b, "xxxx\xd0\xd1\xd2\xd3", 8));
	s = symtab_lookup_name(st, "linux_banner");
	CHECK(s != NULL);
	if (s) {
		CHECK_OK(vmlinux_read_string(vm, symtab_link_addr(st, s), str,
					     sizeof(str)));
		CHECK(!strcmp(str, banner));
		/* Too small a buffer: an error, and still a C string. */
		CHECK_ERR(vmlinux_read_string(vm, s->addr, str, 10),
			  ERR_FORMAT);
		CHECK(strlen(str) == 9);
	}
	/* .bss has no bytes in the file; the gap has no section at all. */
	CHECK(message_has(vmlinux_read(vm, k + 0x2008, b, 4), ".bss"));
	CHECK_ERR(vmlinux_read(vm, k + 0x2008, b, 4), ERR_NOT_FOUND);
	CHECK_ERR(vmlinux_read(vm, k + 0x1f00, b, 4), ERR_NOT_FOUND);
	/* .text and .rodata touch: one read spans them. */
	CHECK_OK(vmlinux_read(vm, k + 0xffe, b, 4));
	CHECK(message_has(vmlinux_read(vm, k + 0x1ffe, b, 4), "no section"));
	/* A read running off the end of .data into the gap fails whole. */
	CHECK_ERR(vmlinux_read(vm, k + 0x11f8, b, 0x10), ERR_NOT_FOUND);
	/* Non-allocated sections have no address. */
	CHECK_ERR(vmlinux_read(vm, 0x3000, b, 4), ERR_NOT_FOUND);
	/* The zero-based per-cpu area reads its initial values. */
	CHECK_OK(vmlinux_read(vm, 0x10, b, 4));
	close_both(vm, st);
}

/* ---- the symbol table ------------------------------------------------- */

TEST(symtab_letters_and_filter)
{
	struct symtab *st;
	struct vmlinux *vm = open_std("letters", true, false, EM_X86_64, &st);
	static const char *const dropped[] = {
		"main.c", ".Ltmp1", "$x", "undefined_thing", "in_comment",
		"tls_var", "",
	};
	size_t i;

	if (!vm)
		return;
	CHECK_EQ(symtab_count(st), STD_KEPT);
	CHECK_EQ(letter_of(st, "startup"), 'T');
	CHECK_EQ(letter_of(st, "static_fn"), 't');
	CHECK_EQ(letter_of(st, "weak_fn"), 'W');
	CHECK_EQ(letter_of(st, "weak_obj"), 'V');
	CHECK_EQ(letter_of(st, "linux_banner"), 'R');
	CHECK_EQ(letter_of(st, "ro_local"), 'r');
	CHECK_EQ(letter_of(st, "jiffies"), 'D');
	CHECK_EQ(letter_of(st, "data_local"), 'd');
	CHECK_EQ(letter_of(st, "bss_global"), 'B');
	CHECK_EQ(letter_of(st, "bss_local"), 'b');
	CHECK_EQ(letter_of(st, "runqueues"), 'D');
	CHECK_EQ(letter_of(st, "text_size"), 'A');
	CHECK_EQ(letter_of(st, "sp_offset"), 'a');
	CHECK_EQ(letter_of(st, "_text"), 'T');
	for (i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		CHECK(symtab_lookup_name(st, dropped[i]) == NULL);
	close_both(vm, st);
}

TEST(symtab_sorted_iteration)
{
	struct symtab *st;
	struct vmlinux *vm = open_std("iter", true, false, EM_X86_64, &st);
	struct symtab_iter it;
	const struct symbol *s, *prev = NULL;
	size_t n = 0;
	uint64_t k = 0xffffffff81000000ull;

	if (!vm)
		return;
	symtab_iter_init(st, 0, &it);
	while ((s = symtab_iter_next(&it))) {
		if (prev)
			CHECK(prev->addr <= s->addr);
		prev = s;
		n++;
	}
	CHECK_EQ(n, symtab_count(st));
	/* At one address, sized before labels: startup before _text. */
	symtab_iter_init(st, k, &it);
	s = symtab_iter_next(&it);
	CHECK(s && !strcmp(s->name, "startup"));
	s = symtab_iter_next(&it);
	CHECK(s && !strcmp(s->name, "_text"));
	s = symtab_iter_next(&it);
	CHECK(s && !strcmp(s->name, "static_fn"));
	/* From an address between symbols. */
	symtab_iter_init(st, k + 0x401, &it);
	s = symtab_iter_next(&it);
	CHECK(s && !strcmp(s->name, "inner"));
	/* Per-cpu and absolute values sort low; the image after them. */
	symtab_iter_init(st, 0, &it);
	s = symtab_iter_next(&it);
	CHECK(s && !strcmp(s->name, "fixed_percpu_data"));
	close_both(vm, st);
}

TEST(symtab_ranking_at_one_address)
{
	struct symtab *st;
	struct vmlinux *vm;
	struct telf e;
	char *path;
	uint64_t k;
	int i;

	std_layout(&e, true, false, EM_X86_64);
	k = kbase(&e);
	/* Listed worst first, so only ranking can put them right. */
	add_sym(&e, "l_notype", k + 0x100, 0, STB_LOCAL, STT_NOTYPE, TEXT);
	add_sym(&e, "g_notype", k + 0x100, 0, STB_GLOBAL, STT_NOTYPE, TEXT);
	add_sym(&e, "l_func", k + 0x100, 0x20, STB_LOCAL, STT_FUNC, TEXT);
	add_sym(&e, "w_func", k + 0x100, 0x20, STB_WEAK, STT_FUNC, TEXT);
	add_sym(&e, "g_big", k + 0x100, 0x40, STB_GLOBAL, STT_FUNC, TEXT);
	add_sym(&e, "g_func", k + 0x100, 0x20, STB_GLOBAL, STT_FUNC, TEXT);
	/* A crowd of labels at one address (6.1 has 10330 __kstrtabns_*). */
	for (i = 0; i < 100; i++)
		add_sym(&e, "crowd", k + 0x800, 0, STB_LOCAL, STT_NOTYPE,
			TEXT);
	add_sym(&e, "crowd_obj", k + 0x800, 4, STB_LOCAL, STT_FUNC, TEXT);
	path = write_elf("ranking", &e);
	vm = open_ok(path, &st);
	free(path);
	if (!st) {
		vmlinux_close(vm);
		return;
	}
	CHECK(lookup_is(st, k + 0x100, "g_func", 0));
	CHECK(lookup_is(st, k + 0x11f, "g_func", 0x1f));
	/* Past the smaller ones, the one that still contains the address. */
	CHECK(lookup_is(st, k + 0x130, "g_big", 0x30));
	/* Past every sized one: the best label. */
	CHECK(lookup_is(st, k + 0x150, "g_notype", 0x50));
	CHECK(lookup_is(st, k + 0x800, "crowd_obj", 0));
	CHECK(lookup_is(st, k + 0x806, "crowd", 6));
	close_both(vm, st);
}

TEST(symtab_duplicate_names)
{
	struct symtab *st;
	struct vmlinux *vm;
	struct symtab_name_iter it;
	const struct symbol *s;
	struct telf e;
	char *path;
	uint64_t k;
	int n = 0;

	std_layout(&e, true, false, EM_X86_64);
	k = kbase(&e);
	add_sym(&e, "dup", k + 0x300, 8, STB_LOCAL, STT_FUNC, TEXT);
	add_sym(&e, "dup", k + 0x100, 8, STB_LOCAL, STT_FUNC, TEXT);
	add_sym(&e, "dup", k + 0x1100, 8, STB_GLOBAL, STT_OBJECT, DATA);
	add_sym(&e, "dup", k + 0x200, 8, STB_WEAK, STT_FUNC, TEXT);
	add_sym(&e, "other", k + 0x400, 8, STB_LOCAL, STT_FUNC, TEXT);
	path = write_elf("dups", &e);
	vm = open_ok(path, &st);
	free(path);
	if (!st) {
		vmlinux_close(vm);
		return;
	}
	s = symtab_lookup_name(st, "dup");
	CHECK(s && s->bind == STB_GLOBAL && s->addr == k + 0x1100);
	/* Global, weak, then locals by address. */
	for (s = symtab_name_first(st, "dup", &it); s;
	     s = symtab_name_next(&it)) {
		static const uint64_t want[] = { 0x1100, 0x200, 0x100, 0x300 };

		if (n < 4)
			CHECK_EQ(s->addr, k + want[n]);
		n++;
	}
	CHECK_EQ(n, 4);
	CHECK(symtab_lookup_name(st, "du") == NULL);
	CHECK(symtab_lookup_name(st, "dupe") == NULL);
	CHECK(symtab_name_first(st, "nothing", &it) == NULL);
	close_both(vm, st);
}

TEST(symtab_containment_and_nearest)
{
	struct symtab *st;
	struct vmlinux *vm = open_std("lookup", true, false, EM_X86_64, &st);
	uint64_t k = 0xffffffff81000000ull;

	if (!vm)
		return;
	CHECK(lookup_is(st, k + 0x3f, "startup", 0x3f));
	/* Past startup's end: the label at the same address runs on. */
	CHECK(lookup_is(st, k + 0x50, "_text", 0x50));
	CHECK(lookup_is(st, k + 0x400, "outer", 0));
	CHECK(lookup_is(st, k + 0x415, "inner", 5));
	/* After inner ends, the symbol enclosing it. */
	CHECK(lookup_is(st, k + 0x430, "outer", 0x30));
	/* A label inside outer names what follows it, as kallsyms does. */
	CHECK(lookup_is(st, k + 0x490, "outer_label", 0x10));
	/* Padding after a function: the nearest symbol, still in .text. */
	CHECK(lookup_is(st, k + 0x900, "last_fn", 0x100));
	CHECK(lookup_is(st, k + 0xfff, "last_fn", 0x7ff));
	/* A label at the end of .text matches only itself... */
	CHECK(lookup_is(st, k + 0x1000, "_etext", 0));
	/* ...and .rodata's first symbol is further on. */
	CHECK(lookup_is(st, k + 0x1010, NULL, 0));
	CHECK(lookup_is(st, k + 0x1021, "linux_banner", 1));
	CHECK(lookup_is(st, k + 0x10ff, "ro_local", 0x7f));
	CHECK(lookup_is(st, k + 0x1118, "weak_obj", 8));
	CHECK(lookup_is(st, k + 0x2018, "bss_local", 8));
	/* Below the image, above it, in a gap between sections. */
	CHECK(lookup_is(st, k - 1, NULL, 0));
	CHECK(lookup_is(st, k + 0x3000, NULL, 0));
	CHECK(lookup_is(st, k + 0x1200, NULL, 0));
	/* Absolute symbols match exactly, and mark no place. */
	CHECK(lookup_is(st, k + 0x1400, "__per_cpu_load", 0));
	CHECK(lookup_is(st, k + 0x1401, NULL, 0));
	CHECK(lookup_is(st, k + 0x1800, "init_per_cpu__gdt", 0));
	CHECK(lookup_is(st, k + 0x1801, NULL, 0));
	CHECK(lookup_is(st, 0x1000, "runqueues", 0));
	CHECK(lookup_is(st, 0x1010, "runqueues", 0x10));
	CHECK(lookup_is(st, 0x8, "fixed_percpu_data", 8));
	CHECK(lookup_is(st, 0x40, "__per_cpu_start", 0x40));
	CHECK(lookup_is(st, 0x2000, NULL, 0));
	CHECK(symtab_lookup_addr(st, UINT64_MAX, NULL) == NULL);
	close_both(vm, st);
}

TEST(symtab_absolute_between)
{
	struct symtab *st;
	struct vmlinux *vm;
	struct telf e;
	char *path;
	uint64_t k;

	/* An absolute value inside a function's range (it moves: it lies in
	 * the image) must not hide the function. */
	std_layout(&e, true, false, EM_X86_64);
	k = kbase(&e);
	add_sym(&e, "func", k + 0x100, 0x100, STB_GLOBAL, STT_FUNC, TEXT);
	add_sym(&e, "abs_in_image", k + 0x150, 0, STB_GLOBAL, STT_NOTYPE,
		SHN_ABS);
	add_sym(&e, "abs_number", 0x10, 0, STB_GLOBAL, STT_NOTYPE, SHN_ABS);
	path = write_elf("abs-between", &e);
	vm = open_ok(path, &st);
	free(path);
	if (!st) {
		vmlinux_close(vm);
		return;
	}
	CHECK(lookup_is(st, k + 0x150, "abs_in_image", 0));
	CHECK(lookup_is(st, k + 0x160, "func", 0x60));
	CHECK(lookup_is(st, 0x10, "abs_number", 0));
	CHECK(lookup_is(st, 0x11, NULL, 0));
	CHECK(lookup_is(st, 0x1, NULL, 0));
	close_both(vm, st);
}

TEST(symtab_relocation)
{
	struct symtab *st;
	struct vmlinux *vm = open_std("reloc", true, false, EM_X86_64, &st);
	const uint64_t k = 0xffffffff81000000ull, off = 0x5400000;
	const struct symbol *s;
	struct symtab_iter it;
	const struct symbol *prev = NULL;

	if (!vm)
		return;
	CHECK_OK(symtab_set_offset(st, off));
	CHECK_EQ(symtab_offset(st), off);
	s = symtab_lookup_name(st, "jiffies");
	CHECK(s && s->addr == k + 0x1100 + off && !s->fixed);
	if (s)
		CHECK_EQ(symtab_link_addr(st, s), k + 0x1100);
	CHECK(lookup_is(st, k + off + 0x415, "inner", 5));
	CHECK(lookup_is(st, k + off + 0x1000, "_etext", 0));
	CHECK(lookup_is(st, k + off + 0x1010, NULL, 0));
	CHECK(lookup_is(st, k + 0x415, NULL, 0));
	/* Per-cpu offsets and numbers stay; image addresses move even when
	 * absolute. */
	s = symtab_lookup_name(st, "runqueues");
	CHECK(s && s->addr == 0x1000 && s->fixed);
	if (s)
		CHECK_EQ(symtab_link_addr(st, s), 0x1000);
	CHECK(lookup_is(st, 0x1010, "runqueues", 0x10));
	s = symtab_lookup_name(st, "text_size");
	CHECK(s && s->addr == 0x1000 && s->fixed);
	s = symtab_lookup_name(st, "init_per_cpu__gdt");
	CHECK(s && s->addr == k + 0x1800 + off && !s->fixed);
	s = symtab_lookup_name(st, "__per_cpu_load");
	CHECK(s && s->addr == k + 0x1400 + off && !s->fixed);
	CHECK(lookup_is(st, k + 0x1400 + off, "__per_cpu_load", 0));
	/* Iteration stays in runtime address order. */
	symtab_iter_init(st, 0, &it);
	while ((s = symtab_iter_next(&it))) {
		if (prev)
			CHECK(prev->addr <= s->addr);
		prev = s;
	}
	/* An offset that would wrap the image is refused, nothing moves. */
	CHECK_ERR(symtab_set_offset(st, 0x7efff000ull), ERR_INVALID);
	CHECK_EQ(symtab_offset(st), off);
	CHECK(lookup_is(st, k + off + 0x415, "inner", 5));
	/* A negative offset, and back to none. */
	CHECK_OK(symtab_set_offset(st, -0x200000ull));
	CHECK(lookup_is(st, k - 0x200000 + 0x415, "inner", 5));
	CHECK_OK(symtab_set_offset(st, 0));
	CHECK(lookup_is(st, k + 0x415, "inner", 5));
	s = symtab_lookup_name(st, "jiffies");
	CHECK(s && s->addr == k + 0x1100);
	close_both(vm, st);
}

TEST(symtab_percpu_not_zero_based)
{
	struct symtab *st;
	struct vmlinux *vm;
	struct telf e;
	char *path;
	const struct symbol *s;
	uint64_t k;

	/* Where .data..percpu is linked inside the image (arm64, and x86_64
	 * from 6.15 or so), its symbols are addresses and move. */
	std_layout(&e, true, false, EM_AARCH64);
	k = kbase(&e);
	e.sec[PERCPU].addr = k + 0x4000;
	add_sym(&e, "runqueues", k + 0x4100, 0x100, STB_GLOBAL, STT_OBJECT,
		PERCPU);
	path = write_elf("percpu-in-image", &e);
	vm = open_ok(path, &st);
	free(path);
	if (!st) {
		vmlinux_close(vm);
		return;
	}
	CHECK_OK(symtab_set_offset(st, 0x100000));
	s = symtab_lookup_name(st, "runqueues");
	CHECK(s && !s->fixed && s->addr == k + 0x4100 + 0x100000);
	close_both(vm, st);
}

static void check_foreign(const char *name, bool is64, bool big,
			  uint16_t machine)
{
	struct symtab *st;
	struct vmlinux *vm = open_std(name, is64, big, machine, &st);
	const struct symbol *s;
	char str[128], id[129];
	uint64_t k = is64 ? 0xffffffff81000000ull : 0xc1000000ull;
	unsigned char b[4];

	if (!vm)
		return;
	CHECK_EQ(vm->big_endian, big);
	CHECK_EQ(vm->elf_class, is64 ? ELFCLASS64 : ELFCLASS32);
	CHECK_EQ(vm->machine, machine);
	CHECK(!strcmp(vmlinux_build_id_hex(vm, id, sizeof(id)),
		      "eb4fbcd037e7253717950bf2b93bd5566f47c56f"));
	if (!st) {
		vmlinux_close(vm);
		return;
	}
	CHECK_EQ(symtab_count(st), STD_KEPT);
	s = symtab_lookup_name(st, "linux_banner");
	CHECK(s && s->addr == k + 0x1020 && s->size == sizeof(banner));
	if (s) {
		CHECK_OK(vmlinux_read_string(vm, s->addr, str, sizeof(str)));
		CHECK(!strcmp(str, banner));
	}
	CHECK_EQ(letter_of(st, "static_fn"), 't');
	CHECK_EQ(letter_of(st, "bss_global"), 'B');
	CHECK(lookup_is(st, k + 0x415, "inner", 5));
	CHECK(lookup_is(st, 0x1010, "runqueues", 0x10));
	CHECK_OK(vmlinux_read(vm, k + 5, b, 3));
	CHECK(b[0] == 35 && b[1] == 42 && b[2] == 49);
	close_both(vm, st);
}

TEST(symtab_big_endian_64)
{
	check_foreign("be64", true, true, EM_S390);
}

TEST(symtab_elf32_little)
{
	check_foreign("le32", false, false, EM_386);
}

TEST(symtab_elf32_big)
{
	check_foreign("be32", false, true, EM_PPC);
}

TEST(symtab_extended_section_index)
{
	struct symtab *st;
	struct vmlinux *vm;
	struct telf e;
	char *path;
	uint64_t k;

	std_layout(&e, true, false, EM_X86_64);
	k = kbase(&e);
	e.with_xindex = true;
	add_sym(&e, "via_xindex", k + 0x1100, 8, STB_GLOBAL, STT_OBJECT,
		SHN_XINDEX);
	e.sym[e.nsym - 1].xindex = DATA;
	path = write_elf("xindex", &e);
	vm = open_ok(path, &st);
	free(path);
	if (st) {
		CHECK_EQ(letter_of(st, "via_xindex"), 'D');
		CHECK(lookup_is(st, k + 0x1104, "via_xindex", 4));
	}
	close_both(vm, st);
}

/* ---- wrong and broken files ------------------------------------------- */

TEST(vmlinux_stripped)
{
	struct vmlinux *vm = NULL;
	struct symtab *st = NULL;
	struct telf e;
	char *path;

	std_layout(&e, true, false, EM_X86_64);
	e.no_symtab = true;
	path = write_elf("stripped", &e);
	CHECK_OK(vmlinux_open(path, &vm));
	if (vm) {
		CHECK(vm->symtab == NULL);
		CHECK(message_has(symtab_load(vm, &st), "stripped"));
		CHECK(st == NULL);
		CHECK_ERR(symtab_load(vm, &st), ERR_NOT_FOUND);
	}
	vmlinux_close(vm);
	free(path);
}

TEST(vmlinux_no_usable_symbols)
{
	struct vmlinux *vm = NULL;
	struct symtab *st = NULL;
	struct telf e;
	char *path;

	std_layout(&e, true, false, EM_X86_64);
	add_sym(&e, "", 0, 0, STB_LOCAL, STT_SECTION, TEXT);
	add_sym(&e, "f.c", 0, 0, STB_LOCAL, STT_FILE, SHN_ABS);
	path = write_elf("no-usable", &e);
	CHECK_OK(vmlinux_open(path, &vm));
	if (vm)
		CHECK_ERR(symtab_load(vm, &st), ERR_NOT_FOUND);
	CHECK(st == NULL);
	vmlinux_close(vm);
	free(path);
}

static struct error *open_bytes(const char *name, const void *p, size_t len)
{
	struct vmlinux *vm = (void *)1;
	char *path = write_file(name, p, len);
	struct error *err = vmlinux_open(path, &vm);

	CHECK(vm == NULL);
	if (err && !strstr(err->message, path))
		test_fail(__FILE__, __LINE__, "message does not name %s: %s",
			  path, err->message);
	free(path);
	return err;
}

TEST(vmlinux_not_elf)
{
	static const char text[] = "hello, this is not a kernel\n";
	static const char map[] = "ffffffff81000000 T _text\n";
	unsigned char bz[0x210] = { 'M', 'Z' };
	struct vmlinux *vm = (void *)1;
	char *path;

	memcpy(bz + 0x202, "HdrS", 4);
	CHECK(message_has(open_bytes("text", text, sizeof(text)),
			  "not an ELF file"));
	CHECK_ERR(open_bytes("text", text, sizeof(text)), ERR_FORMAT);
	CHECK(message_has(open_bytes("system-map", map, sizeof(map) - 1),
			  "System.map"));
	CHECK(message_has(open_bytes("bzimage", bz, sizeof(bz)),
			  "boot image"));
	CHECK(message_has(open_bytes("xz", "\xfd" "7zXZ\0\0\0", 8),
			  "the xz data is damaged"));
	CHECK(message_has(open_bytes("zst", "\x28\xb5\x2f\xfd\0", 5),
			  "zstd"));
	CHECK(message_has(open_bytes("kdump", "KDUMP   \0\0", 10),
			  "crash dump"));
	CHECK(message_has(open_bytes("empty", "", 0), "empty"));
	CHECK(message_has(open_bytes("short", "\177EL", 3),
			  "not an ELF file"));
	CHECK(message_has(open_bytes("elf-ident-only", "\177ELF\2\1\1", 7),
			  "damaged ELF header"));
	CHECK_ERR(vmlinux_open(test_tmpdir(), &vm), ERR_INVALID);
	CHECK(vm == NULL);
	if (asprintf(&path, "%s/does-not-exist", test_tmpdir()) < 0)
		return;
	CHECK_ERR(vmlinux_open(path, &vm), ERR_NOT_FOUND);
	free(path);
}

TEST(vmlinux_wrong_elf_types)
{
	struct telf e;
	struct buf b;

	std_layout(&e, true, false, EM_X86_64);
	std_symbols(&e);
	e.type = ET_CORE;
	b = build(&e);
	CHECK(message_has(open_bytes("core", b.p, b.len), "core dump"));
	free(b.p);
	e.type = ET_REL;
	b = build(&e);
	CHECK(message_has(open_bytes("module.ko", b.p, b.len), "module"));
	free(b.p);
	/* Bad class byte. */
	e.type = ET_EXEC;
	b = build(&e);
	b.p[EI_CLASS] = 9;
	CHECK(message_has(open_bytes("bad-class", b.p, b.len), "class"));
	free(b.p);
}

TEST(vmlinux_truncated)
{
	struct telf e;
	struct buf b;

	std_layout(&e, true, false, EM_X86_64);
	std_symbols(&e);
	/* An incomplete copy: the file ends mid-way, the section headers
	 * (at the end) are gone. */
	b = build(&e);
	CHECK(message_has(open_bytes("truncated-half", b.p, b.len / 2),
			  "truncated"));
	CHECK_ERR(open_bytes("truncated-header", b.p, 40), ERR_FORMAT);
	free(b.p);
}

TEST(vmlinux_truncated_section_data)
{
	struct telf e;
	struct buf b;
	uint64_t shoff;
	int i;

	std_layout(&e, true, false, EM_X86_64);
	std_symbols(&e);
	b = build(&e);
	/* A section whose data would run past the end of the file. */
	shoff = 0;
	for (i = 0; i < 8; i++)
		shoff |= (uint64_t)b.p[40 + i] << (8 * i);
	patchn(&b, shoff + DATA * 64 + 32, 0x10000000, 8);
	CHECK(message_has(open_bytes("section-past-end", b.p, b.len),
			  "truncated"));
	free(b.p);
}

TEST(symtab_damaged_tables)
{
	struct vmlinux *vm;
	struct symtab *st;
	struct telf e;
	char *path;

	/* Wrong entry size: refused. */
	std_layout(&e, true, false, EM_X86_64);
	std_symbols(&e);
	e.bad_entsize = true;
	path = write_elf("bad-entsize", &e);
	vm = NULL;
	st = NULL;
	CHECK_OK(vmlinux_open(path, &vm));
	if (vm)
		CHECK(message_has(symtab_load(vm, &st), "damaged .symtab"));
	vmlinux_close(vm);
	free(path);

	/* Names beyond the string table, sections beyond the table, and a
	 * string table without its final NUL: those symbols are skipped. */
	std_layout(&e, true, false, EM_X86_64);
	add_sym(&e, "good", kbase(&e) + 0x10, 4, STB_GLOBAL, STT_FUNC, TEXT);
	add_sym(&e, "x", kbase(&e) + 0x20, 4, STB_GLOBAL, STT_FUNC, TEXT);
	e.sym[e.nsym - 1].bad_name = 0x7fffffff;
	add_sym(&e, "bad_section", kbase(&e), 4, STB_GLOBAL, STT_FUNC, 200);
	add_sym(&e, "last_name", kbase(&e) + 0x30, 4, STB_GLOBAL, STT_FUNC,
		TEXT);
	e.strtab_no_nul = true;
	path = write_elf("bad-names", &e);
	vm = open_ok(path, &st);
	if (st) {
		CHECK_EQ(symtab_count(st), 1);
		CHECK(symtab_lookup_name(st, "good") != NULL);
		CHECK(symtab_lookup_name(st, "bad_section") == NULL);
	}
	close_both(vm, st);
	free(path);
}

TEST(vmlinux_gzip)
{
	struct vmlinux *vm = NULL;
	struct symtab *st = NULL;
	struct telf e;
	struct buf b;
	char *path, str[128];
	gzFile gz;
	const struct symbol *s;

	std_layout(&e, true, false, EM_X86_64);
	std_symbols(&e);
	b = build(&e);
	if (asprintf(&path, "%s/vmlinux.gz", test_tmpdir()) < 0)
		return;
	gz = gzopen(path, "wb");
	CHECK(gz != NULL);
	if (gz) {
		CHECK(gzwrite(gz, b.p, b.len) == (int)b.len);
		gzclose(gz);
	}
	free(b.p);
	vm = open_ok(path, &st);
	if (vm) {
		CHECK(vm->compression && !strcmp(vm->compression, "gzip"));
		CHECK_EQ(symtab_count(st), STD_KEPT);
		s = st ? symtab_lookup_name(st, "linux_banner") : NULL;
		CHECK(s != NULL);
		if (s) {
			CHECK_OK(vmlinux_read_string(vm, s->addr, str,
						     sizeof(str)));
			CHECK(!strcmp(str, banner));
		}
	}
	close_both(vm, st);
	free(path);

	/* gzip of something that is not ELF, and damaged gzip data. */
	if (asprintf(&path, "%s/text.gz", test_tmpdir()) < 0)
		return;
	gz = gzopen(path, "wb");
	if (gz) {
		gzputs(gz, "just text\n");
		gzclose(gz);
	}
	vm = NULL;
	CHECK(message_has(vmlinux_open(path, &vm), "inside the gzip data"));
	free(path);
	CHECK(message_has(open_bytes("bad.gz", "\x1f\x8b\x08\0\0\0\0\0\0\3"
				     "garbage-garbage", 25), "gzip"));

	/* a gzip file cut short: no trailer, the data ends too soon */
	b = build(&e);
	if (asprintf(&path, "%s/whole.gz", test_tmpdir()) < 0)
		return;
	gz = gzopen(path, "wb");
	if (gz) {
		gzwrite(gz, b.p, b.len);
		gzclose(gz);
	}
	free(b.p);
	{
		FILE *f = fopen(path, "rb");
		char part[256];
		size_t n = f ? fread(part, 1, sizeof(part), f) : 0;

		if (f)
			fclose(f);
		CHECK_EQ(n, sizeof(part));
		CHECK(message_has(open_bytes("cut.gz", part, n),
				  "ends too soon"));
	}
	free(path);
}

/* A vmlinux compressed with xz: inflated like gzip; one that is not ELF
 * inside, and one cut short, say so. */
TEST(vmlinux_xz)
{
	struct vmlinux *vm = NULL;
	struct symtab *st = NULL;
	struct telf e;
	struct buf b;
	char *path = NULL, str[128];
	unsigned char *xz;
	size_t len = 0, cap;
	const struct symbol *s;
	FILE *f;

	std_layout(&e, true, false, EM_X86_64);
	std_symbols(&e);
	b = build(&e);
	cap = lzma_stream_buffer_bound(b.len);
	xz = malloc(cap);
	CHECK(xz != NULL);
	if (!xz || asprintf(&path, "%s/vmlinux.xz", test_tmpdir()) < 0) {
		free(xz);
		free(b.p);
		return;
	}
	CHECK_EQ(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, NULL, b.p,
					 b.len, xz, &len, cap), LZMA_OK);
	free(b.p);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ(fwrite(xz, 1, len, f), len);
		fclose(f);
	}
	vm = open_ok(path, &st);
	if (vm) {
		CHECK(vm->compression && !strcmp(vm->compression, "xz"));
		CHECK_EQ(symtab_count(st), STD_KEPT);
		s = st ? symtab_lookup_name(st, "linux_banner") : NULL;
		CHECK(s != NULL);
		if (s) {
			CHECK_OK(vmlinux_read_string(vm, s->addr, str,
						     sizeof(str)));
			CHECK(!strcmp(str, banner));
		}
	}
	close_both(vm, st);
	free(path);
	/* cut in the middle: the decoder runs out of input */
	vm = NULL;
	CHECK(message_has(open_bytes("cut.xz", (const char *)xz, len / 2),
			  "the xz data is damaged"));
	free(xz);

	cap = lzma_stream_buffer_bound(10);
	xz = malloc(cap);
	len = 0;
	if (xz && lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, NULL,
					  (const uint8_t *)"just text\n", 10,
					  xz, &len, cap) == LZMA_OK)
		CHECK(message_has(open_bytes("text.xz", (const char *)xz, len),
				  "inside the xz data"));
	free(xz);
}

TEST(symtab_load_is_repeatable)
{
	struct symtab *a, *b;
	struct vmlinux *vm = open_std("repeat", true, false, EM_X86_64, &a);
	struct symtab_iter ia, ib;
	const struct symbol *x, *y;

	if (!vm || !a) {
		close_both(vm, a);
		return;
	}
	CHECK_OK(symtab_load(vm, &b));
	if (!b) {
		close_both(vm, a);
		return;
	}
	symtab_iter_init(a, 0, &ia);
	symtab_iter_init(b, 0, &ib);
	do {
		x = symtab_iter_next(&ia);
		y = symtab_iter_next(&ib);
		CHECK((x == NULL) == (y == NULL));
		if (x && y)
			CHECK(x->addr == y->addr && !strcmp(x->name, y->name));
	} while (x && y);
	symtab_free(b);
	close_both(vm, a);
}
