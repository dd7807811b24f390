#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/arch/vmem.h"
#include "../src/dump/dump.h"
#include "../src/dump/vmcoreinfo.h"
#include "../src/util/endian.h"
#include "../src/util/error.h"
#include "page_filter.h"
#include "vmcore_input.h"

#define MISSING INT64_MIN
/* struct page entries read at once (a power of two). */
#define PAGES_PER_READ 512

uint64_t bitmap_count(const unsigned char *b, uint64_t from, uint64_t to)
{
	uint64_t n = 0;

	while (from < to && (from & 63))
		n += bitmap_test(b, from++);
	for (; from + 64 <= to; from += 64) {
		uint64_t w;

		memcpy(&w, b + (from >> 3), sizeof(w));
		n += (uint64_t)__builtin_popcountll(w);
	}
	while (from < to)
		n += bitmap_test(b, from++);
	return n;
}

static void warn(struct page_bitmaps *pb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void warn(struct page_bitmaps *pb, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (pb->nwarnings >= (int)(sizeof(pb->warnings) /
				   sizeof(pb->warnings[0])))
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		pb->warnings[pb->nwarnings++] = s;
	va_end(ap);
}

/* What VMCOREINFO tells about struct page and the page flags. */
struct page_layout {
	int64_t size, flags, refcount, mapping, mapcount, private,
		compound_head;
	int64_t order_off, dtor_off;	/* in the first tail page */
	int64_t pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_slab,
		pg_hwpoison, pg_buddy, pg_hugetlb, head_mask;
	int64_t buddy_value, slab_value, offline_value, hugetlb_value,
		unaccepted_value, hugetlb_dtor;
	uint64_t free_huge_page;	/* SYMBOL, or 0 */
	int64_t max_order;		/* LENGTH(zone.free_area) */
};

static int64_t vi_get(const struct vmcoreinfo *vi, const char *kind,
		      const char *name)
{
	int64_t v;
	bool ok;

	if (!strcmp(kind, "NUMBER"))
		ok = vmcoreinfo_value(vi, name, &v);
	else if (!strcmp(kind, "OFFSET"))
		ok = vmcoreinfo_offset(vi, name, &v);
	else if (!strcmp(kind, "SIZE"))
		ok = vmcoreinfo_size(vi, name, &v);
	else {
		char key[128];

		snprintf(key, sizeof(key), "%s(%s)", kind, name);
		ok = vmcoreinfo_number(vi, key, &v);
	}
	return ok ? v : MISSING;
}

static void get_layout(const struct vmcoreinfo *vi, struct page_layout *l)
{
	int64_t v;
	uint64_t sym;

	l->size = vi_get(vi, "SIZE", "page");
	l->flags = vi_get(vi, "OFFSET", "page.flags");
	l->refcount = vi_get(vi, "OFFSET", "page._refcount");
	if (l->refcount == MISSING)
		l->refcount = vi_get(vi, "OFFSET", "page._count");
	l->mapping = vi_get(vi, "OFFSET", "page.mapping");
	l->mapcount = vi_get(vi, "OFFSET", "page._mapcount");
	l->private = vi_get(vi, "OFFSET", "page.private");
	l->compound_head = vi_get(vi, "OFFSET", "page.compound_head");
	if (l->compound_head == MISSING)	/* Linux 7.1 renamed it */
		l->compound_head = vi_get(vi, "OFFSET", "page.compound_info");
	/* Where a compound page keeps its order and destructor: in the
	 * folio (6.x), or in the first tail page (4.16+). */
	l->order_off = l->dtor_off = MISSING;
	v = vi_get(vi, "OFFSET", "folio._folio_order");
	if (v != MISSING && l->size != MISSING)
		l->order_off = v - l->size;
	else
		l->order_off = vi_get(vi, "OFFSET", "page.compound_order");
	v = vi_get(vi, "OFFSET", "folio._folio_dtor");
	if (v != MISSING && l->size != MISSING)
		l->dtor_off = v - l->size;
	else
		l->dtor_off = vi_get(vi, "OFFSET", "page.compound_dtor");
	l->pg_lru = vi_get(vi, "NUMBER", "PG_lru");
	l->pg_private = vi_get(vi, "NUMBER", "PG_private");
	l->pg_swapcache = vi_get(vi, "NUMBER", "PG_swapcache");
	l->pg_swapbacked = vi_get(vi, "NUMBER", "PG_swapbacked");
	l->pg_slab = vi_get(vi, "NUMBER", "PG_slab");
	l->pg_hwpoison = vi_get(vi, "NUMBER", "PG_hwpoison");
	l->pg_buddy = vi_get(vi, "NUMBER", "PG_buddy");
	l->pg_hugetlb = vi_get(vi, "NUMBER", "PG_hugetlb");
	l->head_mask = vi_get(vi, "NUMBER", "PG_head_mask");
	l->buddy_value = vi_get(vi, "NUMBER", "PAGE_BUDDY_MAPCOUNT_VALUE");
	l->slab_value = vi_get(vi, "NUMBER", "PAGE_SLAB_MAPCOUNT_VALUE");
	l->offline_value = vi_get(vi, "NUMBER", "PAGE_OFFLINE_MAPCOUNT_VALUE");
	l->hugetlb_value = vi_get(vi, "NUMBER", "PAGE_HUGETLB_MAPCOUNT_VALUE");
	l->unaccepted_value = vi_get(vi, "NUMBER",
				     "PAGE_UNACCEPTED_MAPCOUNT_VALUE");
	l->hugetlb_dtor = vi_get(vi, "NUMBER", "HUGETLB_PAGE_DTOR");
	l->free_huge_page = vmcoreinfo_symbol(vi, "free_huge_page", &sym) ?
			    sym : 0;
	l->max_order = vi_get(vi, "LENGTH", "zone.free_area");
}

static bool flag(const struct page_layout *l, int64_t bit, uint64_t flags)
{
	return bit != MISSING && bit >= 0 && bit < 64 && (flags >> bit & 1);
}

static bool is_slab(const struct page_layout *l, uint64_t flags,
		    int32_t mapcount)
{
	/* Linux 6.10+: a page type in _mapcount, not a flag. */
	if (l->slab_value != MISSING && mapcount == (int32_t)l->slab_value)
		return true;
	return flag(l, l->pg_slab, flags);
}

static bool is_buddy(const struct page_layout *l, uint64_t flags,
		     int32_t mapcount)
{
	if (l->private == MISSING)
		return false;
	if (l->buddy_value != MISSING && l->mapcount != MISSING)
		return !is_slab(l, flags, mapcount) &&
		       mapcount == (int32_t)l->buddy_value;
	return flag(l, l->pg_buddy, flags);	/* 2.6.17 - 2.6.37 */
}

static bool is_anon(const struct page_layout *l, uint64_t mapping,
		    uint64_t flags, int32_t mapcount)
{
	return (mapping & 1) && !is_slab(l, flags, mapcount);
}

static bool is_cache(const struct page_layout *l, uint64_t flags)
{
	if (flag(l, l->pg_lru, flags))
		return true;
	/* PG_swapcache means it only with PG_swapbacked (4.10+). */
	return (l->pg_swapbacked == MISSING ||
		flag(l, l->pg_swapbacked, flags)) &&
	       flag(l, l->pg_swapcache, flags);
}

#define IS_HUGETLB UINT64_MAX

static bool is_hugetlb(const struct page_layout *l, uint64_t dtor)
{
	return dtor == IS_HUGETLB ||
	       (l->hugetlb_dtor != MISSING && (uint64_t)l->hugetlb_dtor == dtor) ||
	       (l->free_huge_page && l->free_huge_page == dtor);
}

struct scan {
	struct page_bitmaps *pb;
	struct vmcore_input *in;
	struct vmem *vm;
	struct page_layout l;
	int level;
	unsigned char *buf;	/* PAGES_PER_READ struct pages */
};

static void exclude(struct scan *s, uint64_t pfn, uint64_t n, uint64_t *count)
{
	uint64_t end = pfn + n;

	if (end > s->pb->max_pfn)
		end = s->pb->max_pfn;
	for (; pfn < end; pfn++) {
		if (bitmap_test(s->pb->bitmap2, pfn)) {
			bitmap_clear(s->pb->bitmap2, pfn);
			(*count)++;
		}
	}
}

/* Decide about one struct page; returns how many frames it covers. */
static uint64_t judge(struct scan *s, uint64_t pfn, const unsigned char *pg,
		      const unsigned char *next)
{
	const struct page_layout *l = &s->l;
	struct filter_counts *c = &s->pb->counts;
	bool big = s->in->big_endian;
	uint64_t flags = get64(pg + l->flags, big);
	uint64_t mapping = get64(pg + l->mapping, big);
	int32_t mapcount = l->mapcount != MISSING ?
			   (int32_t)get32(pg + l->mapcount, big) : 0;
	uint64_t private = l->private != MISSING ? get64(pg + l->private, big)
						 : 0;
	uint64_t head = l->compound_head != MISSING ?
			get64(pg + l->compound_head, big) : 0;
	uint64_t order = 0, dtor = 0, n;
	uint64_t *count;

	if (next && l->head_mask != MISSING &&
	    (flags & (uint64_t)l->head_mask)) {
		uint64_t flags1 = get64(next + l->flags, big);

		if (l->hugetlb_value != MISSING) {
			/* 6.9+: the order in folio._flags_1's low byte */
			order = flags1 & 0xff;
			if (mapcount == (int32_t)l->hugetlb_value)
				dtor = IS_HUGETLB;
		} else if (l->pg_hugetlb != MISSING) {
			order = flags1 & 0xff;		/* 6.6 - 6.8 */
			if (flag(l, l->pg_hugetlb, flags1))
				dtor = IS_HUGETLB;
		} else {
			if (l->order_off != MISSING && l->order_off >= 0 &&
			    l->order_off < l->size)
				order = next[l->order_off];
			if (l->dtor_off != MISSING && l->dtor_off >= 0 &&
			    l->dtor_off < l->size)
				dtor = next[l->dtor_off];
		}
		if (order >= 64 || (pfn & ((1ull << order) - 1)))
			order = 0;
	}
	if (head & 1)		/* a tail page: its head decided for it */
		return 1;
	n = 1ull << order;
	if ((s->level & DL_FREE) && is_buddy(l, flags, mapcount)) {
		if (l->max_order != MISSING && private >= (uint64_t)l->max_order)
			return 1;	/* a damaged order: keep the page */
		n = 1ull << private;
		count = &c->free;
	} else if ((s->level & DL_FREE) && l->unaccepted_value != MISSING &&
		   mapcount == (int32_t)l->unaccepted_value &&
		   l->max_order != MISSING) {
		n = 1ull << (l->max_order - 1);
		count = &c->free;
	} else if ((s->level & DL_CACHE) && is_cache(l, flags) &&
		   !flag(l, l->pg_private, flags) &&
		   !is_anon(l, mapping, flags, mapcount)) {
		count = &c->cache;
	} else if ((s->level & DL_CACHE_PRI) && is_cache(l, flags) &&
		   !is_anon(l, mapping, flags, mapcount)) {
		count = flag(l, l->pg_private, flags) ? &c->cache_private
						     : &c->cache;
	} else if ((s->level & DL_USER) &&
		   (is_anon(l, mapping, flags, mapcount) ||
		    is_hugetlb(l, dtor))) {
		count = &c->user;
	} else if (flag(l, l->pg_hwpoison, flags)) {
		count = &c->hwpoison;
	} else if (l->offline_value != MISSING &&
		   !is_slab(l, flags, mapcount) &&
		   mapcount == (int32_t)l->offline_value) {
		count = &c->offline;
	} else {
		return 1;
	}
	if (n == 1) {
		exclude(s, pfn, 1, count);
		return 1;
	}
	exclude(s, pfn, n, count);
	return n;
}

/* Scan the struct pages of [start, end), which live at mem_map. */
static void scan_range(struct scan *s, uint64_t mem_map, uint64_t start,
		       uint64_t end)
{
	uint64_t pfn = start, psize = (uint64_t)s->l.size;
	uint64_t got_start = 1, got_end = 0;	/* pfns in s->buf */

	while (pfn < end) {
		uint64_t n;

		if (!vmcore_pfn_in_segments(s->in, pfn)) {
			pfn++;
			continue;
		}
		if (pfn < got_start || pfn >= got_end) {
			uint64_t want = PAGES_PER_READ - pfn % PAGES_PER_READ;
			struct error *err;

			if (want > end - pfn)
				want = end - pfn;
			err = vmem_read(s->vm, mem_map + (pfn - start) * psize,
					s->buf, want * psize);
			if (err) {
				s->pb->counts.unreadable += want;
				if (s->pb->counts.unreadable == want)
					warn(s->pb, "the page array (mem_map) "
					     "is partly unreadable, those "
					     "pages are kept: %s",
					     err->message);
				error_free(err);
				pfn += want;
				continue;
			}
			got_start = pfn;
			got_end = pfn + want;
		}
		n = judge(s, pfn, s->buf + (pfn - got_start) * psize,
			  pfn + 1 < got_end ?
			  s->buf + (pfn + 1 - got_start) * psize : NULL);
		pfn += n;
	}
}

static struct error *scan_mem_sections(struct scan *s,
				       const struct vmcoreinfo *vi)
{
	struct page_bitmaps *pb = s->pb;
	int64_t bits = vi_get(vi, "NUMBER", "SECTION_SIZE_BITS");
	int64_t physbits = vi_get(vi, "NUMBER", "MAX_PHYSMEM_BITS");
	int64_t ms_size = vi_get(vi, "SIZE", "mem_section");
	int64_t ms_map = vi_get(vi, "OFFSET", "mem_section.section_mem_map");
	int64_t roots_len = vi_get(vi, "LENGTH", "mem_section");
	uint64_t sym, pps, nsec, per_root, nroots, nr, *roots;
	unsigned int shift = s->in->page_shift;
	bool extreme;
	int pass;

	if (!vmcoreinfo_symbol(vi, "mem_section", &sym) || bits == MISSING ||
	    ms_size == MISSING || ms_map == MISSING || ms_size <= 0 ||
	    bits <= shift || bits > 40)
		return error_create(ERR_UNSUPPORTED, "VMCOREINFO has no "
				    "SPARSEMEM mem_section (SYMBOL(mem_section), "
				    "NUMBER(SECTION_SIZE_BITS), SIZE(mem_section))");
	pps = 1ull << (bits - shift);
	nsec = (pb->max_pfn + pps - 1) / pps;
	per_root = s->in->page_size / (uint64_t)ms_size;
	/* SPARSEMEM_EXTREME: mem_section is an array of pointers to pages
	 * of struct mem_section. */
	extreme = roots_len == MISSING ||
		  (physbits != MISSING && physbits > bits && per_root &&
		   (uint64_t)roots_len == ((1ull << (physbits - bits)) +
					   per_root - 1) / per_root);
	if (!extreme)
		per_root = 1;
	nroots = (nsec + per_root - 1) / per_root;
	roots = calloc(nroots, sizeof(*roots));
	if (!roots)
		return error_nomem();
	/* SYMBOL(mem_section) is the root array; some kernels publish the
	 * address of a pointer to it instead: try both, as makedumpfile. */
	for (pass = 0; pass < 2; pass++) {
		uint64_t base = sym, present = 0;
		struct error *err = NULL;

		if (pass == 1 && (!extreme ||
				  (err = vmem_read_u64(s->vm, sym, &base)))) {
			error_free(err);
			break;
		}
		for (nr = 0; extreme && nr < nroots; nr++) {
			err = vmem_read_u64(s->vm, base + nr * 8, &roots[nr]);
			if (err) {
				error_free(err);
				roots[nr] = 0;
			}
		}
		for (nr = 0; nr < nsec; nr++) {
			uint64_t at = extreme ? roots[nr / per_root] : base;
			uint64_t map, first = nr * pps, last = first + pps;

			if (!at)
				continue;
			at += (extreme ? nr % per_root : nr) * (uint64_t)ms_size;
			err = vmem_read_u64(s->vm, at + (uint64_t)ms_map, &map);
			if (err) {
				error_free(err);
				continue;
			}
			if (!(map & 1))		/* SECTION_MARKED_PRESENT */
				continue;
			/* The low bits are section flags; the map is stored
			 * minus the section's first pfn. */
			map &= ~(uint64_t)0x3f;
			if (last > pb->max_pfn)
				last = pb->max_pfn;
			present++;
			if (pass == 0 && nr == 0) {
				uint64_t probe;

				/* a root array that is no root array gives
				 * maps that do not read */
				err = vmem_read_u64(s->vm, map + first *
						    (uint64_t)s->l.size, &probe);
				if (err) {
					error_free(err);
					present = 0;
					break;
				}
			}
			scan_range(s, map + first * (uint64_t)s->l.size, first,
				   last);
		}
		if (present) {
			free(roots);
			return NULL;
		}
	}
	free(roots);
	return error_create(ERR_FORMAT, "no present memory section found "
			    "through SYMBOL(mem_section) 0x%llx",
			    (unsigned long long)sym);
}

static void read_utsname(struct page_bitmaps *pb, struct vmem *vm,
			 const struct vmcoreinfo *vi)
{
	uint64_t addr;
	int64_t off = vi_get(vi, "OFFSET", "uts_namespace.name");
	unsigned char raw[6 * 65];
	struct error *err;
	int i;

	if (vmcoreinfo_symbol(vi, "system_utsname", &addr))
		;
	else if (vmcoreinfo_symbol(vi, "init_uts_ns", &addr))
		addr += off != MISSING ? (uint64_t)off : 4;
	else
		return;
	err = vmem_read(vm, addr, raw, sizeof(raw));
	if (err) {
		error_free(err);
		return;
	}
	for (i = 0; i < 6; i++) {
		memcpy(pb->utsname[i], raw + i * 65, 65);
		pb->utsname[i][64] = 0;
	}
	pb->have_utsname = true;
}

static bool layout_usable(const struct page_layout *l)
{
	return l->size > 0 && l->size <= 4096 && l->flags != MISSING &&
	       l->mapping != MISSING && l->refcount != MISSING;
}

struct error *page_filter_run(struct vmcore_input *in, int level,
			      struct page_bitmaps **ret)
{
	struct page_bitmaps *pb = calloc(1, sizeof(*pb));
	const struct vmcoreinfo *vi = in->vmcoreinfo;
	struct scan s = { 0 };
	struct dump *d = NULL;
	const char *paths[1] = { in->path };
	struct dump_options opts = { 0 };
	struct error *err;
	size_t i;
	int64_t v;

	if (!pb)
		return error_nomem();
	pb->max_pfn = in->max_pfn;
	pb->bytes = ((in->max_pfn + 7) / 8 + in->page_size - 1) /
		    in->page_size * in->page_size;
	if (!pb->bytes)
		pb->bytes = in->page_size;
	pb->bitmap1 = calloc(1, pb->bytes);
	pb->bitmap2 = calloc(1, pb->bytes);
	if (!pb->bitmap1 || !pb->bitmap2) {
		page_bitmaps_free(pb);
		return error_nomem();
	}
	/* Bitmap 1: the frames of each PT_LOAD, one cut by its start too,
	 * but not one cut by its end (makedumpfile leaves that out: the
	 * page frame 0x9f that RAM ends inside, at 0x9fc00, is a hole). */
	for (i = 0; i < in->nseg; i++) {
		uint64_t a = in->seg[i].paddr, e = a + in->seg[i].memsz, pfn;

		for (pfn = a >> in->page_shift; pfn < e >> in->page_shift;
		     pfn++)
			bitmap_set(pb->bitmap1, pfn);
	}
	memcpy(pb->bitmap2, pb->bitmap1, pb->bytes);
	/* Frames the file does not hold (makedumpfile -E left them out, or
	 * the file is cut short) stay left out. */
	for (i = 0; i < in->nseg; i++) {
		uint64_t a = in->seg[i].paddr, e = a + in->seg[i].memsz, pfn;

		if (in->seg[i].filesz == in->seg[i].memsz && !in->truncated)
			continue;
		for (pfn = a >> in->page_shift; pfn < e >> in->page_shift;
		     pfn++)
			if (!vmcore_pfn_has_data(in, pfn)) {
				bitmap_clear(pb->bitmap2, pfn);
				pb->counts.nodata++;
			}
	}
	pb->counts.ram = bitmap_count(pb->bitmap1, 0, pb->max_pfn);
	if (vi && vmcoreinfo_value(vi, "phys_base", &v))
		pb->phys_base = (uint64_t)v;
	*ret = pb;

	if (!vi) {
		if (level & ~DL_ZERO)
			warn(pb, "%s has no VMCOREINFO: only pages of zeros "
			     "can be left out (as with -d 1)", in->path);
		return NULL;
	}
	s.pb = pb;
	s.in = in;
	s.level = level;
	get_layout(vi, &s.l);
	/* never map the whole vmcore: on /proc/vmcore that fills in the
	 * page tables of all the crashed machine's memory at once */
	opts.no_mmap = true;
	err = dump_open(paths, 1, &opts, &d);
	if (!err)
		err = vmem_open(d, &s.vm);
	if (err) {
		if (level & ~DL_ZERO)
			warn(pb, "cannot read kernel memory (%s): only pages "
			     "of zeros can be left out", err->message);
		error_free(err);
		goto out;
	}
	read_utsname(pb, s.vm, vi);
	if (!(level & ~DL_ZERO) && s.l.pg_hwpoison == MISSING &&
	    s.l.offline_value == MISSING)
		goto out;
	if (!layout_usable(&s.l)) {
		if (level & ~DL_ZERO)
			warn(pb, "VMCOREINFO lacks SIZE(page) or OFFSET(page."
			     "flags/mapping/_refcount): only pages of zeros "
			     "can be left out");
		goto out;
	}
	if ((level & DL_FREE) && !is_buddy(&s.l, 0, 0) &&
	    s.l.buddy_value == MISSING && s.l.pg_buddy == MISSING)
		warn(pb, "VMCOREINFO does not say how free pages are marked "
		     "(PAGE_BUDDY_MAPCOUNT_VALUE or PG_buddy): free pages are "
		     "kept");
	s.buf = malloc(PAGES_PER_READ * (size_t)s.l.size);
	if (!s.buf) {
		err = error_nomem();
		goto fail;
	}
	err = scan_mem_sections(&s, vi);
	if (err) {
		warn(pb, "%s: dump level %d is reduced to leaving out pages of "
		     "zeros", err->message, level);
		error_free(err);
		memcpy(pb->bitmap2, pb->bitmap1, pb->bytes);
		memset(&pb->counts, 0, sizeof(pb->counts));
		pb->counts.ram = bitmap_count(pb->bitmap1, 0, pb->max_pfn);
	}
out:
	free(s.buf);
	vmem_close(s.vm);
	if (d)
		dump_close(d);
	return NULL;
fail:
	free(s.buf);
	vmem_close(s.vm);
	if (d)
		dump_close(d);
	page_bitmaps_free(pb);
	*ret = NULL;
	return err;
}

void page_bitmaps_free(struct page_bitmaps *pb)
{
	int i;

	if (!pb)
		return;
	for (i = 0; i < pb->nwarnings; i++)
		free(pb->warnings[i]);
	free(pb->bitmap1);
	free(pb->bitmap2);
	free(pb);
}
