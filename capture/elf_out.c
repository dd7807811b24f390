#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../src/dump/source.h"
#include "../src/util/endian.h"
#include "../src/util/error.h"
#include "elf_out.h"
#include "out_file.h"
#include "page_filter.h"
#include "vmcore_input.h"

#define ELF_INCOMPLETE 0x1
#define MAX_PHDRS 65000

struct run {
	uint64_t paddr, vaddr, filesz, memsz, offset;
	const struct vm_segment *seg;
};

/* Split the segments into runs of kept pages; excluded gaps shorter than
 * min_gap pages are written as data to keep the header count down. */
static size_t make_runs(const struct kdump_job *job, uint64_t min_gap,
			struct run *out)
{
	const struct vmcore_input *in = job->in;
	const unsigned char *bm = job->pb->bitmap2;
	uint64_t ps = in->page_size;
	size_t n = 0, i;

	for (i = 0; i < in->nseg; i++) {
		const struct vm_segment *s = &in->seg[i];
		uint64_t a = s->paddr, end = s->paddr + s->memsz;
		struct run *cur = NULL;

		while (a < end) {
			uint64_t pfn = a / ps, next = (pfn + 1) * ps;
			bool kept = pfn < job->pb->max_pfn &&
				    bitmap_test(bm, pfn);

			if (next > end)
				next = end;
			if (!kept && cur && min_gap > 1) {
				uint64_t g = pfn;

				while (g < pfn + min_gap && g * ps < end &&
				       !bitmap_test(bm, g))
					g++;
				kept = g * ps < end && g < pfn + min_gap;
			}
			if (kept) {
				if (!cur || cur->memsz != cur->filesz) {
					cur = &out[n++];
					cur->paddr = a;
					cur->vaddr = s->vaddr + (a - s->paddr);
					cur->filesz = cur->memsz = 0;
					cur->seg = s;
					if (n >= MAX_PHDRS + 1)
						return n;
				}
				cur->filesz += next - a;
				cur->memsz += next - a;
			} else {
				if (!cur) {
					cur = &out[n++];
					cur->paddr = a;
					cur->vaddr = s->vaddr + (a - s->paddr);
					cur->filesz = cur->memsz = 0;
					cur->seg = s;
					if (n >= MAX_PHDRS + 1)
						return n;
				}
				cur->memsz += next - a;
			}
			a = next;
		}
	}
	return n;
}

struct touch {
	const unsigned char *page;
	size_t size;
	bool check_zero, zero;
};

/* Read the page where it is mapped: all of it if zero pages are looked
 * for, else a byte of each 4 KiB and the last (is it there at all, in
 * every page of memory it spans?). */
static void touch_page(void *arg)
{
	struct touch *t = arg;
	const uint64_t *w = (const void *)t->page;
	volatile unsigned char sink = 0;
	size_t i;

	if (t->check_zero) {
		t->zero = true;
		for (i = 0; i < t->size / 8 && t->zero; i++)
			t->zero = !w[i];
		return;
	}
	for (i = 0; i < t->size; i += 4096)
		sink ^= t->page[i];
	sink ^= t->page[t->size - 1];
	(void)sink;
}

/* With -d bit 1, zero pages leave bitmap 2 before the headers are made;
 * unreadable pages leave it in any case. */
static void prescan(const struct kdump_job *job, struct kdump_result *res)
{
	const struct vmcore_input *in = job->in;
	struct vm_cursor cur = { .in = in };
	unsigned char *page = malloc(in->page_size);
	uint64_t pfn;

	if (!page)
		return;
	for (pfn = 0; pfn < job->pb->max_pfn; pfn++) {
		struct touch t = {
			.size = in->page_size,
			.check_zero = job->level & DL_ZERO,
		};
		struct error *err;

		if (!(pfn & 63) && pfn + 64 <= job->pb->max_pfn) {
			uint64_t w;

			memcpy(&w, job->pb->bitmap2 + (pfn >> 3), 8);
			if (!w) {
				pfn += 63;
				continue;
			}
		}
		if (!bitmap_test(job->pb->bitmap2, pfn))
			continue;
		t.page = vmcore_cursor_page(&cur, pfn);
		if (t.page) {
			res->mapped++;
			err = mapped_access(in->path, touch_page, &t);
			if (err)
				err = error_prefix(err, "physical address "
						   "0x%llx", (unsigned long long)
						   (pfn << in->page_shift));
		} else {
			res->read++;
			err = vmcore_read_page(in, pfn, page);
			t.page = page;
			if (!err)
				touch_page(&t);
		}
		if (err) {
			bitmap_clear(job->pb->bitmap2, pfn);
			res->unreadable++;
			if (!res->first_unreadable)
				res->first_unreadable = strdup(err->message);
			error_free(err);
			continue;
		}
		if (t.check_zero && t.zero) {
			bitmap_clear(job->pb->bitmap2, pfn);
			res->zero++;
		}
	}
	vmcore_cursor_close(&cur);
	free(page);
}

/* Pages written straight from the mapping, gathered while they follow
 * each other in it and in the output. */
struct pending {
	const unsigned char *src;
	uint64_t off;		/* in the output */
	size_t len;
};

/* Write what is pending; if the mapping faults under pwrite (EFAULT: a
 * page gone since the prescan), page by page through a guarded copy, a
 * page that cannot be read written as zeros. */
static struct error *flush_pending(struct out_file *of,
				   const struct vmcore_input *in,
				   struct pending *p, unsigned char *buf)
{
	struct error *err;
	size_t done;

	if (!p->len)
		return NULL;
	err = out_write(of, p->off, p->src, p->len);
	if (err && of->error_errno == EFAULT) {
		error_free(err);
		err = NULL;
		for (done = 0; done < p->len && !err; done += in->page_size) {
			size_t n = p->len - done < in->page_size ?
				   p->len - done : in->page_size;
			struct error *e = mapped_copy(in->path, buf,
						      p->src + done, n);

			if (e) {
				error_free(e);
				memset(buf, 0, n);
			}
			err = out_write(of, p->off + done, buf, n);
		}
	}
	p->len = 0;
	return err;
}

static struct error *write_ehdr(struct out_file *of, const struct kdump_job *job,
				uint16_t phnum, bool complete)
{
	const struct vmcore_input *in = job->in;
	unsigned char eh[sizeof(Elf64_Ehdr)] = { 0 };
	bool big = in->big_endian;

	memcpy(eh, ELFMAG, SELFMAG);
	eh[EI_CLASS] = ELFCLASS64;
	eh[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
	eh[EI_VERSION] = EV_CURRENT;
	memcpy(eh + 16, &(uint16_t){ big ? __builtin_bswap16(ET_CORE)
					 : ET_CORE }, 2);
	memcpy(eh + 18, &(uint16_t){ big ? __builtin_bswap16(in->machine)
					 : in->machine }, 2);
	put32(eh + 20, EV_CURRENT, big);
	put64(eh + 32, sizeof(Elf64_Ehdr), big);		/* e_phoff */
	put32(eh + 48, complete ? 0 : ELF_INCOMPLETE, big);	/* e_flags */
	memcpy(eh + 52, &(uint16_t){ big ? __builtin_bswap16(64) : 64 }, 2);
	memcpy(eh + 54, &(uint16_t){ big ? __builtin_bswap16(56) : 56 }, 2);
	memcpy(eh + 56, &(uint16_t){ big ? __builtin_bswap16(phnum) : phnum },
	       2);
	return out_write(of, 0, eh, sizeof(eh));
}

static void put_phdr(unsigned char *p, uint32_t type, uint64_t off,
		     uint64_t vaddr, uint64_t paddr, uint64_t filesz,
		     uint64_t memsz, bool big)
{
	memset(p, 0, 56);
	put32(p, type, big);
	put32(p + 4, type == PT_LOAD ? PF_R | PF_W | PF_X : 0, big);
	put64(p + 8, off, big);
	put64(p + 16, vaddr, big);
	put64(p + 24, paddr, big);
	put64(p + 32, filesz, big);
	put64(p + 40, memsz, big);
	put64(p + 48, type == PT_LOAD ? 0 : 0, big);
}

static uint16_t saved_phnum;
static const struct kdump_job *saved_job;

struct error *elf_write(struct out_file *of, const struct kdump_job *job,
			struct kdump_result *res)
{
	const struct vmcore_input *in = job->in;
	uint64_t gaps[] = { 1, 256, 4096, 65536, UINT64_MAX / 2 };
	struct run *runs = calloc(MAX_PHDRS + 2, sizeof(*runs));
	struct vm_cursor cur = { .in = in };
	struct pending pend = { 0 };
	unsigned char *ph = NULL, *page = NULL;
	struct error *err = NULL;
	uint64_t off, ps = in->page_size;
	size_t n = 0, i, g;
	bool big = in->big_endian;

	if (!runs)
		return error_nomem();
	prescan(job, res);
	for (g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		n = make_runs(job, gaps[g], runs);
		if (n <= MAX_PHDRS)
			break;
	}
	ph = calloc(n + 1, 56);
	page = malloc(ps);
	if (!ph || !page) {
		err = error_nomem();
		goto out;
	}
	off = sizeof(Elf64_Ehdr) + (n + 1) * 56;
	put_phdr(ph, PT_NOTE, off, 0, 0, in->notes_len, in->notes_len, big);
	off += in->notes_len;
	off = (off + ps - 1) / ps * ps;
	for (i = 0; i < n; i++) {
		runs[i].offset = off;
		put_phdr(ph + (i + 1) * 56, PT_LOAD, off, runs[i].vaddr,
			 runs[i].paddr, runs[i].filesz, runs[i].memsz, big);
		off += runs[i].filesz;
	}
	saved_phnum = (uint16_t)(n + 1);
	saved_job = job;
	err = write_ehdr(of, job, saved_phnum, of->flat);
	if (!err)
		err = out_write(of, sizeof(Elf64_Ehdr), ph, (n + 1) * 56);
	if (!err)
		err = out_write(of, sizeof(Elf64_Ehdr) + (n + 1) * 56,
				in->notes, in->notes_len);
	for (i = 0; i < n && !err; i++) {
		const struct run *r = &runs[i];
		uint64_t a = r->paddr, end = r->paddr + r->filesz;

		while (a < end && !err) {
			uint64_t pfn = a / ps, next = (pfn + 1) * ps;
			uint64_t at = r->offset + (a - r->paddr);
			const unsigned char *src = NULL;
			struct error *rerr;

			if (next > end)
				next = end;
			/* whole frames from the mapping, into a file */
			if (pend.len && (pend.off + pend.len != at ||
					 pend.len >= (1u << 20) ||
					 !vmcore_cursor_holds(&cur, pfn)))
				err = flush_pending(of, in, &pend, page);
			if (!err && !of->flat && a == pfn * ps && next - a == ps)
				src = vmcore_cursor_page(&cur, pfn);
			if (err) {
				;
			} else if (src && pend.len &&
				   pend.src + pend.len == src) {
				pend.len += ps;
			} else if (src) {
				err = flush_pending(of, in, &pend, page);
				pend.src = src;
				pend.off = at;
				pend.len = ps;
			} else {
				err = flush_pending(of, in, &pend, page);
				rerr = err ? NULL :
				       vmcore_read_page(in, pfn, page);
				if (rerr) {	/* read before; a gap as data */
					error_free(rerr);
					memset(page, 0, ps);
				}
				if (!err)
					err = out_write(of, at, page +
							(a - pfn * ps),
							next - a);
			}
			if (!err && bitmap_test(job->pb->bitmap2, pfn))
				res->stored++;
			progress_update(job->progress, 1, false);
			a = next;
		}
	}
	if (!err)
		err = flush_pending(of, in, &pend, page);
out:
	vmcore_cursor_close(&cur);
	free(runs);
	free(ph);
	free(page);
	return err;
}

struct error *elf_finalize(struct out_file *of, bool complete)
{
	return write_ehdr(of, saved_job, saved_phnum, complete);
}
