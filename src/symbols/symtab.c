/*
 * The vmlinux ELF symbol table: read straight from the mapped .symtab (no
 * libelf conversion: one pass over ~130k entries of either class and byte
 * order), radix-sorted by address, with an open-addressing name hash.
 * Loading the 6.1 vmlinux (126k symbols kept) takes about 15 ms.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../util/endian.h"
#include "../util/error.h"
#include "symtab.h"
#include "vmlinux.h"

#define NONE UINT32_MAX

struct name_slot {
	uint32_t hash;
	uint32_t idx1;		/* index + 1 into syms; 0: empty slot */
};

/*
 * syms holds two runs, each sorted by address: [0, nfixed) the symbols
 * that never move, [nfixed, n) those that move with the offset.  Adding
 * one offset to a whole run keeps it sorted, so relocation never re-sorts
 * and pointers to symbols stay valid.
 */
struct symtab {
	const struct vmlinux *vm;
	struct symbol *syms;
	size_t n, nfixed;
	/* up[i]: the innermost sized symbol that starts below syms[i] and
	 * ends above it (same run), or NONE: the enclosing-symbol chain. */
	uint32_t *up;
	uint64_t offset;
	struct name_slot *names;
	size_t name_mask;
};

struct raw_sym {
	uint32_t name;
	uint8_t info;
	uint32_t shndx;
	uint64_t value, size;
};

static void read_raw(const unsigned char *p, bool is64, bool big,
		     struct raw_sym *r)
{
	if (is64) {
		r->name = get32(p, big);
		r->info = p[4];
		r->shndx = get16(p + 6, big);
		r->value = get64(p + 8, big);
		r->size = get64(p + 16, big);
	} else {
		r->name = get32(p, big);
		r->value = get32(p + 4, big);
		r->size = get32(p + 8, big);
		r->info = p[12];
		r->shndx = get16(p + 14, big);
	}
}

static bool is_abs(const struct symbol *s)
{
	return s->section == SHN_ABS;
}

char symtab_nm_letter(bool in_section, uint32_t sh_type, uint64_t sh_flags,
		      unsigned bind, unsigned type)
{
	char c;

	if (bind == STB_WEAK)
		return type == STT_OBJECT ? 'V' : 'W';
	if (bind == STB_GNU_UNIQUE)
		return 'u';
	if (type == STT_GNU_IFUNC)
		return 'i';
	if (!in_section)
		c = 'a';
	else if (sh_flags & SHF_EXECINSTR)
		c = 't';
	else if (sh_type == SHT_NOBITS)
		c = 'b';
	else if (!(sh_flags & SHF_WRITE))
		c = 'r';
	else
		c = 'd';
	return bind == STB_GLOBAL ? c - 'a' + 'A' : c;
}

static char type_letter(const struct vmlinux_section *sec, unsigned bind,
			unsigned type)
{
	return sec ? symtab_nm_letter(true, sec->type, sec->flags, bind, type)
		   : symtab_nm_letter(false, 0, 0, bind, type);
}

static int bind_rank(unsigned bind)
{
	switch (bind) {
	case STB_GLOBAL:
	case STB_GNU_UNIQUE:
		return 0;
	case STB_WEAK:
		return 1;
	}
	return 2;
}

/* Which of two symbols at one address names it best (< 0: a); ties keep
 * .symtab order. */
static int rank_cmp(const struct symbol *a, const struct symbol *b)
{
	int x, y;

	if (!a->size != !b->size)
		return a->size ? -1 : 1;
	if (is_abs(a) != is_abs(b))
		return is_abs(a) ? 1 : -1;
	x = bind_rank(a->bind);
	y = bind_rank(b->bind);
	if (x != y)
		return x - y;
	x = a->elf_type == STT_NOTYPE;
	y = b->elf_type == STT_NOTYPE;
	if (x != y)
		return x - y;
	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return 0;
}

struct rec {
	uint64_t key;
	uint32_t idx;
};

/* LSD radix sort on the 64-bit key, stable; skips the byte positions all
 * keys share (most of the high bytes of kernel addresses).  The result
 * ends in a; tmp is scratch of the same size. */
static void radix_sort(struct rec *a, struct rec *tmp, size_t n)
{
	size_t count[8][256] = { { 0 } };
	struct rec *src = a, *dst = tmp, *t;
	size_t i, b;

	if (n < 2)
		return;
	for (i = 0; i < n; i++)
		for (b = 0; b < 8; b++)
			count[b][(a[i].key >> (8 * b)) & 0xff]++;
	for (b = 0; b < 8; b++) {
		size_t sum = 0, pos[256], d;

		if (count[b][(a[0].key >> (8 * b)) & 0xff] == n)
			continue;
		for (d = 0; d < 256; d++) {
			pos[d] = sum;
			sum += count[b][d];
		}
		for (i = 0; i < n; i++)
			dst[pos[(src[i].key >> (8 * b)) & 0xff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

static uint64_t end_of(const struct symbol *s)
{
	return s->addr + s->size < s->addr ? UINT64_MAX : s->addr + s->size;
}

static int larger_first(const void *a, const void *b, void *syms)
{
	const struct symbol *s = syms;
	uint64_t x = s[*(const uint32_t *)a].size;
	uint64_t y = s[*(const uint32_t *)b].size;

	return x > y ? -1 : x < y;
}

/* The enclosing chain of one run, with a stack of the sized symbols still
 * open at each address. */
static struct error *link_enclosing(struct symtab *st, size_t lo, size_t hi)
{
	struct symbol *s = st->syms;
	uint32_t *stack;
	size_t sp = 0, top, g, e, k;

	stack = malloc((hi - lo + 1) * sizeof(*stack));
	if (!stack)
		return error_nomem();
	for (g = lo; g < hi; g = e) {
		uint32_t up;

		for (e = g + 1; e < hi && s[e].addr == s[g].addr; e++)
			;
		while (sp && end_of(&s[stack[sp - 1]]) <= s[g].addr)
			sp--;
		up = sp ? stack[sp - 1] : NONE;
		for (k = g; k < e; k++)
			st->up[k] = up;
		/* Push the group's sized symbols ordered largest first, so
		 * the innermost is on top. */
		top = sp;
		for (k = g; k < e; k++)
			if (s[k].size && !is_abs(&s[k]))
				stack[sp++] = k;
		qsort_r(stack + top, sp - top, sizeof(*stack), larger_first,
			s);
	}
	free(stack);
	return NULL;
}

static uint32_t name_hash(const char *p)
{
	uint32_t h = 2166136261u;

	while (*p)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

/* Sort slot entries by home slot (hash & mask), stable. */
static void sort_by_slot(struct name_slot *a, struct name_slot *tmp, size_t n,
			 uint32_t mask)
{
	struct name_slot *src = a, *dst = tmp, *t;
	unsigned shift;

	for (shift = 0; shift < 32 && (mask >> shift); shift += 11) {
		size_t count[2048] = { 0 }, sum = 0, d, i;

		for (i = 0; i < n; i++)
			count[((src[i].hash & mask) >> shift) & 2047]++;
		for (d = 0; d < 2048; d++) {
			size_t c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[((src[i].hash & mask) >> shift) & 2047]++] =
				src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

/*
 * An open-addressing table with linear probing, filled in home-slot order
 * so the writes sweep the table once instead of missing the cache on
 * every insert.  Insertion order is lookup order (equal names share a
 * home slot and stay in input order): globals, then weak, then locals,
 * each in address order.
 */
static struct error *build_name_hash(struct symtab *st, const uint32_t *hash)
{
	struct name_slot *e, *tmp;
	size_t cap = 16, pass, k = 0, pos = 0, i;

	while (cap < 2 * st->n)
		cap *= 2;
	st->names = calloc(cap, sizeof(*st->names));
	e = malloc(st->n * sizeof(*e));
	tmp = malloc(st->n * sizeof(*tmp));
	if (!st->names || !e || !tmp) {
		free(e);
		free(tmp);
		return error_nomem();
	}
	st->name_mask = cap - 1;
	for (pass = 0; pass < 3; pass++) {
		struct symtab_iter it;
		const struct symbol *s;

		symtab_iter_init(st, 0, &it);
		while ((s = symtab_iter_next(&it))) {
			if (bind_rank(s->bind) != (int)pass)
				continue;
			e[k].hash = hash[s - st->syms];
			e[k].idx1 = s - st->syms + 1;
			k++;
		}
	}
	sort_by_slot(e, tmp, k, st->name_mask);
	for (i = 0; i < k; i++) {
		size_t slot = e[i].hash & st->name_mask;

		if (slot < pos)
			slot = pos;
		/* Past the end: wrap around as probing does. */
		while (slot > st->name_mask || st->names[slot].idx1)
			slot = slot > st->name_mask ? 0 : slot + 1;
		st->names[slot] = e[i];
		pos = slot + 1;
	}
	free(e);
	free(tmp);
	return NULL;
}

/* Where a symbol's section sits, to tell which symbols move. */
struct layout {
	size_t percpu;		/* zero-based .data..percpu section, or 0 */
	uint64_t image_lo, image_hi;	/* span of the other alloc sections */
};

static void find_layout(const struct vmlinux *vm, struct layout *lay)
{
	size_t i;

	lay->percpu = 0;
	lay->image_lo = UINT64_MAX;
	lay->image_hi = 0;
	for (i = 1; i < vm->nsections; i++) {
		const struct vmlinux_section *s = &vm->sections[i];

		if (!(s->flags & SHF_ALLOC) || !s->size)
			continue;
		/* x86_64 (and others before 6.15-ish) link the per-cpu area
		 * at address 0: its symbols are offsets into each CPU's
		 * copy and never move. */
		if (s->addr == 0 && !strcmp(s->name, ".data..percpu")) {
			lay->percpu = i;
			continue;
		}
		if (s->addr < lay->image_lo)
			lay->image_lo = s->addr;
		if (s->addr + s->size > lay->image_hi)
			lay->image_hi = s->addr + s->size;
	}
}

static struct error *check_tables(const struct vmlinux *vm, size_t *entsize)
{
	const struct vmlinux_section *sym = vm->symtab, *str = vm->strtab;
	size_t want = vm->elf_class == ELFCLASS64 ? 24 : 16;

	if (!sym)
		return error_create(ERR_NOT_FOUND, "%s: no symbol table "
				    "(.symtab): the file is stripped; crash "
				    "needs the unstripped vmlinux of this "
				    "kernel (for example from the -dbg or "
				    "-debuginfo package)", vm->path);
	if (!sym->data || (sym->entsize && sym->entsize != want) ||
	    sym->size % want)
		return error_create(ERR_FORMAT, "%s: damaged .symtab (size "
				    "0x%llx, entry size %llu, expected %zu)",
				    vm->path, (unsigned long long)sym->size,
				    (unsigned long long)sym->entsize, want);
	if (!str || !str->data)
		return error_create(ERR_FORMAT, "%s: the symbol string table "
				    "is missing or empty", vm->path);
	if (vm->symtab_shndx && (!vm->symtab_shndx->data ||
				 vm->symtab_shndx->size / 4 <
				 sym->size / want))
		return error_create(ERR_FORMAT, "%s: .symtab_shndx is shorter "
				    "than .symtab", vm->path);
	*entsize = want;
	return NULL;
}

/* Decide whether raw symbol r is kept, and fill *out if so. */
static bool convert(const struct vmlinux *vm, const struct layout *lay,
		    size_t strlimit, size_t index, const struct raw_sym *r,
		    struct symbol *out)
{
	const struct vmlinux_section *sec = NULL;
	unsigned type = ELF64_ST_TYPE(r->info), bind = ELF64_ST_BIND(r->info);
	uint32_t shndx = r->shndx;
	const char *name;

	if (type != STT_NOTYPE && type != STT_OBJECT && type != STT_FUNC &&
	    type != STT_GNU_IFUNC)
		return false;
	if (bind != STB_LOCAL && bind != STB_GLOBAL && bind != STB_WEAK &&
	    bind != STB_GNU_UNIQUE)
		return false;
	if (r->name == 0 || r->name >= strlimit)
		return false;
	name = (const char *)vm->strtab->data + r->name;
	if (!name[0] || (name[0] == '.' && name[1] == 'L') ||
	    (bind == STB_LOCAL && name[0] == '$'))
		return false;
	if (shndx == SHN_XINDEX && vm->symtab_shndx)
		shndx = get32(vm->symtab_shndx->data + 4 * index,
			      vm->big_endian);
	else if (shndx >= SHN_LORESERVE && shndx != SHN_ABS)
		return false;	/* SHN_COMMON and friends: not linked */
	if (shndx == SHN_UNDEF)
		return false;
	if (shndx != SHN_ABS) {
		if (shndx >= vm->nsections)
			return false;
		sec = &vm->sections[shndx];
		if (!(sec->flags & SHF_ALLOC))
			return false;
	}
	out->name = name;
	out->addr = r->value;
	out->size = r->size;
	out->section = shndx;
	out->type = type_letter(sec, bind, type);
	out->bind = bind;
	out->elf_type = type;
	if (!sec)
		/* Absolute symbols are numbers (text_size), except the few
		 * the linker script computes from addresses inside the image
		 * (x86_64's init_per_cpu__*): the kernel relocates those
		 * too (see arch/x86/tools/relocs.c). */
		out->fixed = !(r->value >= lay->image_lo &&
			       r->value <= lay->image_hi);
	else
		/* Only values inside the area are per-cpu offsets: the linker
		 * script also defines __per_cpu_load (and, on 6.1,
		 * __init_begin) in this section at the area's load address in
		 * the image, and those move. */
		out->fixed = lay->percpu && shndx == lay->percpu &&
			     r->value <= sec->addr + sec->size;
	return true;
}

/* The symbols as read, in .symtab order, with their name hashes. */
struct raw_table {
	struct symbol *syms;
	uint32_t *hash;
	size_t n, nfixed;
};

/* Map the pages of a section in one call rather than one page fault at a
 * time: a third of the load time otherwise.  Only a hint. */
static void prefault(const struct vmlinux_section *sec)
{
#ifdef MADV_POPULATE_READ
	uintptr_t page = sysconf(_SC_PAGESIZE);
	uintptr_t lo = (uintptr_t)sec->data & ~(page - 1);
	uintptr_t hi = (uintptr_t)sec->data + sec->size;

	madvise((void *)lo, hi - lo, MADV_POPULATE_READ);
#else
	(void)sec;
#endif
}

static struct error *read_symbols(const struct vmlinux *vm,
				  struct raw_table *raw)
{
	const struct vmlinux_section *str = vm->strtab;
	bool is64 = vm->elf_class == ELFCLASS64, big = vm->big_endian;
	struct layout lay;
	struct error *err;
	size_t entsize = 0, count, strlimit, i, n = 0, nf = 0;

	err = check_tables(vm, &entsize);
	if (err)
		return err;
	count = vm->symtab->size / entsize;
	prefault(vm->symtab);
	prefault(str);
	/* A name must end before the table does; a damaged last string is
	 * cut off rather than read past. */
	strlimit = str->size;
	while (strlimit && str->data[strlimit - 1])
		strlimit--;
	find_layout(vm, &lay);
	raw->syms = malloc((count ? count : 1) * sizeof(*raw->syms));
	raw->hash = malloc((count ? count : 1) * sizeof(*raw->hash));
	if (!raw->syms || !raw->hash)
		return error_nomem();
	for (i = 1; i < count; i++) {
		struct raw_sym r;

		read_raw(vm->symtab->data + i * entsize, is64, big, &r);
		if (convert(vm, &lay, strlimit, i, &r, &raw->syms[n])) {
			/* Hash now, while .strtab is read in order: later,
			 * in address order, every name is a cache miss. */
			raw->hash[n] = name_hash(raw->syms[n].name);
			nf += raw->syms[n].fixed;
			n++;
		}
	}
	if (n == 0)
		return error_create(ERR_NOT_FOUND, "%s: .symtab holds no "
				    "function, object or label symbols",
				    vm->path);
	if (n >= NONE - 1)
		return error_create(ERR_UNSUPPORTED, "%s: too many symbols "
				    "(%zu)", vm->path, n);
	raw->n = n;
	raw->nfixed = nf;
	return NULL;
}

static int rec_rank_cmp(const void *a, const void *b, void *raw)
{
	const struct symbol *s = raw;
	const struct rec *x = a, *y = b;
	int c = rank_cmp(&s[x->idx], &s[y->idx]);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Order each group of equal addresses best first.  Most groups are a
 * few aliases; one can be huge (6.1 has 10330 __kstrtabns_* at one
 * merged empty string). */
static void rank_groups(struct rec *r, size_t n, const struct symbol *raw)
{
	size_t g, e, i, j;

	for (g = 0; g < n; g = e) {
		for (e = g + 1; e < n && r[e].key == r[g].key; e++)
			;
		if (e - g > 16) {
			qsort_r(r + g, e - g, sizeof(*r), rec_rank_cmp,
				(void *)raw);
			continue;
		}
		for (i = g + 1; i < e; i++) {
			struct rec cur = r[i];

			for (j = i; j > g && rank_cmp(&raw[cur.idx],
						      &raw[r[j - 1].idx]) < 0;
			     j--)
				r[j] = r[j - 1];
			r[j] = cur;
		}
	}
}

/* Sort the raw symbols into st->syms (fixed run first, then moving) and
 * their hashes into *hash, in the same order. */
static struct error *sort_symbols(struct symtab *st,
				  const struct raw_table *raw, uint32_t **hash)
{
	size_t i, f = 0, m = raw->nfixed, n = raw->n;
	struct rec *rec, *tmp;

	rec = malloc(n * sizeof(*rec));
	tmp = malloc(n * sizeof(*tmp));
	st->syms = malloc(n * sizeof(*st->syms));
	st->up = malloc(n * sizeof(*st->up));
	*hash = malloc(n * sizeof(**hash));
	if (!rec || !tmp || !st->syms || !st->up || !*hash) {
		free(rec);
		free(tmp);
		return error_nomem();
	}
	for (i = 0; i < n; i++) {
		size_t at = raw->syms[i].fixed ? f++ : m++;

		rec[at].key = raw->syms[i].addr;
		rec[at].idx = i;
	}
	radix_sort(rec, tmp, raw->nfixed);
	radix_sort(rec + raw->nfixed, tmp, n - raw->nfixed);
	rank_groups(rec, raw->nfixed, raw->syms);
	rank_groups(rec + raw->nfixed, n - raw->nfixed, raw->syms);
	for (i = 0; i < n; i++) {
		st->syms[i] = raw->syms[rec[i].idx];
		(*hash)[i] = raw->hash[rec[i].idx];
	}
	free(rec);
	free(tmp);
	st->n = n;
	st->nfixed = raw->nfixed;
	return NULL;
}

struct error *symtab_load(const struct vmlinux *vm, struct symtab **ret)
{
	struct raw_table raw = { 0 };
	uint32_t *hash = NULL;
	struct symtab *st;
	struct error *err;

	*ret = NULL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return error_nomem();
	st->vm = vm;
	err = read_symbols(vm, &raw);
	if (!err)
		err = sort_symbols(st, &raw, &hash);
	free(raw.syms);
	free(raw.hash);
	if (!err)
		err = link_enclosing(st, 0, st->nfixed);
	if (!err)
		err = link_enclosing(st, st->nfixed, st->n);
	if (!err)
		err = build_name_hash(st, hash);
	free(hash);
	if (err) {
		symtab_free(st);
		return err;
	}
	*ret = st;
	return NULL;
}

void symtab_free(struct symtab *st)
{
	if (!st)
		return;
	free(st->syms);
	free(st->up);
	free(st->names);
	free(st);
}

size_t symtab_count(const struct symtab *st)
{
	return st->n;
}

uint64_t symtab_offset(const struct symtab *st)
{
	return st->offset;
}

uint64_t symtab_link_addr(const struct symtab *st, const struct symbol *sym)
{
	return sym->fixed ? sym->addr : sym->addr - st->offset;
}

struct error *symtab_set_offset(struct symtab *st, uint64_t offset)
{
	uint64_t delta = offset - st->offset;
	size_t i;

	if (st->nfixed < st->n) {
		uint64_t lo = st->syms[st->nfixed].addr - st->offset;
		uint64_t hi = st->syms[st->n - 1].addr - st->offset;

		if (lo + offset > hi + offset)
			return error_create(ERR_INVALID, "relocation offset "
					    "0x%llx would wrap the kernel "
					    "symbols (0x%llx-0x%llx) around "
					    "the end of the address space",
					    (unsigned long long)offset,
					    (unsigned long long)lo,
					    (unsigned long long)hi);
	}
	for (i = st->nfixed; i < st->n; i++)
		st->syms[i].addr += delta;
	st->offset = offset;
	return NULL;
}

/* First index in [lo, hi) whose address is above addr. */
static size_t upper_bound(const struct symbol *s, size_t lo, size_t hi,
			  uint64_t addr)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t lower_bound(const struct symbol *s, size_t lo, size_t hi,
			  uint64_t addr)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is runtime address addr still inside sym's ELF section? */
static bool in_section(const struct symtab *st, const struct symbol *sym,
		       uint64_t addr)
{
	const struct vmlinux_section *sec = &st->vm->sections[sym->section];
	uint64_t link = sym->fixed ? addr : addr - st->offset;

	return link >= sec->addr && link - sec->addr < sec->size;
}

static const struct symbol *lookup_run(const struct symtab *st, size_t lo,
				       size_t hi, uint64_t addr)
{
	const struct symbol *s = st->syms;
	size_t i = upper_bound(s, lo, hi, addr), g, k;
	uint32_t c;

	if (i == lo)
		return NULL;
	i--;
	for (;;) {
		bool positional = false;

		g = lower_bound(s, lo, i, s[i].addr);
		/* Sized symbols come first in a group. */
		for (k = g; k <= i && s[k].size; k++)
			if (addr - s[k].addr < s[k].size)
				return &s[k];
		for (k = g; k <= i; k++) {
			if (is_abs(&s[k])) {
				if (addr == s[k].addr)
					return &s[k];
				continue;
			}
			positional = true;
			if (!s[k].size && (addr == s[k].addr ||
					   in_section(st, &s[k], addr)))
				return &s[k];
		}
		if (positional)
			break;
		/* Only absolute values here: they mark no place in the
		 * image, so look further down. */
		if (g == lo)
			return NULL;
		i = g - 1;
	}
	for (c = st->up[g]; c != NONE; c = st->up[c])
		if (addr - s[c].addr < s[c].size)
			return &s[c];
	for (k = g; k <= i; k++)
		if (!is_abs(&s[k]) && in_section(st, &s[k], addr))
			return &s[k];
	return NULL;
}

const struct symbol *symtab_lookup_addr(const struct symtab *st,
					uint64_t addr, uint64_t *offset)
{
	const struct symbol *a = lookup_run(st, 0, st->nfixed, addr);
	const struct symbol *b = lookup_run(st, st->nfixed, st->n, addr);
	const struct symbol *best = a;

	/* The runs live in different places (per-cpu offsets and numbers
	 * near 0, the image high up); if both answer, the nearer wins. */
	if (!a || (b && b->addr > a->addr))
		best = b;
	if (best && offset)
		*offset = addr - best->addr;
	return best;
}

const struct symbol *symtab_name_first(const struct symtab *st,
				       const char *name,
				       struct symtab_name_iter *it)
{
	it->st = st;
	it->name = name;
	it->hash = name_hash(name);
	it->slot = it->hash & st->name_mask;
	return symtab_name_next(it);
}

const struct symbol *symtab_name_next(struct symtab_name_iter *it)
{
	const struct symtab *st = it->st;

	while (st->names[it->slot].idx1) {
		const struct name_slot *ns = &st->names[it->slot];

		it->slot = (it->slot + 1) & st->name_mask;
		if (ns->hash == it->hash &&
		    !strcmp(st->syms[ns->idx1 - 1].name, it->name))
			return &st->syms[ns->idx1 - 1];
	}
	return NULL;
}

const struct symbol *symtab_lookup_name(const struct symtab *st,
					const char *name)
{
	struct symtab_name_iter it;

	return symtab_name_first(st, name, &it);
}

void symtab_iter_init(const struct symtab *st, uint64_t addr,
		      struct symtab_iter *it)
{
	it->st = st;
	it->fixed = lower_bound(st->syms, 0, st->nfixed, addr);
	it->moving = lower_bound(st->syms, st->nfixed, st->n, addr);
}

const struct symbol *symtab_iter_next(struct symtab_iter *it)
{
	const struct symtab *st = it->st;
	const struct symbol *s = st->syms;
	bool f = it->fixed < st->nfixed, m = it->moving < st->n;

	if (f && (!m || s[it->fixed].addr <= s[it->moving].addr))
		return &s[it->fixed++];
	if (m)
		return &s[it->moving++];
	return NULL;
}
