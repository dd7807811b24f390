/* vm: a task's address space (mm_struct, page table root, memory use) and
 * its VMAs, as the classic crash shows them. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../kernel/kernel.h"
#include "../kernel/task_mem.h"
#include "../kernel/task_vma.h"
#include "../kernel/tasks.h"
#include "../session.h"
#include "../util/error.h"
#include "commands.h"

const char *const vm_help[] = {
	"NAME",
	"  vm - virtual memory",
	"",
	"SYNOPSIS",
	"  vm [-p | -P vma | -v | -m | [-p] -R reference] [-x | -d]",
	"     [pid | task] ...",
	"  vm -f vm_flags",
	"",
	"DESCRIPTION",
	"  This command shows the virtual memory of the current context's task,",
	"  or of each task named: the task's mm_struct and page directory",
	"  addresses, its resident set (RSS) and total virtual size, then each",
	"  VM area: its vm_area_struct, start and end addresses, vm_flags in",
	"  hexadecimal and the path of the mapped file, if any.  A kernel thread",
	"  has no address space and shows zeros.  The VM areas come from the",
	"  mm_struct's maple tree (Linux 6.1 and later) or its mmap list.",
	"",
	"        -p  translate each page of each VM area: its physical address,",
	"            or for a page that is not present, the file and offset it",
	"            maps, or \"(not mapped)\".",
	"    -P vma  like -p, for the VMA at the vm_area_struct address vma",
	"            only (without the MM line); \"(not found)\" if the task",
	"            has none there.",
	"        -v  show each vm_area_struct in full (as struct does).",
	"        -m  show the mm_struct in full.",
	"  -R reference  show only what refers to reference, typically in",
	"            \"foreach vm -R\": a hexadecimal number is looked for as the",
	"            mm_struct or page directory address (then the task's header",
	"            alone), a VMA's address or vm_flags, and a page's virtual or",
	"            physical address or file offset (then the VMA and those",
	"            pages); any reference as a part of a VMA's file path (\"/\"",
	"            only as \"/\").  Each task where something is found ends",
	"            with a blank line.",
	"        -x  with -m or -v: members in hexadecimal.",
	"        -d  with -m or -v: members in decimal.",
	"  -f flags  decode a vm_flags value (hexadecimal) into the names the",
	"            classic crash gives its bits.",
	"       pid  a process id.",
	"      task  a task_struct address (hexadecimal).",
	"",
	"  The classic crash's -M is not supported yet, nor the",
	"  swap location of a swapped-out page.  A damaged VM area tree or an",
	"  unreadable vm_area_struct is reported with its address; the areas",
	"  before it are shown.",
	"",
	"EXAMPLES",
	"    crash> vm 115",
	"    PID: 115      TASK: ffff88f79fee4200  CPU: 1    COMMAND: \"sleep\"",
	"           MM               PGD          RSS    TOTAL_VM",
	"    ffff88f78183a880  ffff88f79fef0000  1444k    2260k  ",
	"          VMA           START       END     FLAGS FILE",
	"    ffff88f79ffcf7b8     400000     401000 8000071 /bin/busybox",
	"    ffff88f79ffcfbe0     401000     585000 8000075 /bin/busybox",
	"    ffff88f79ffcf130     585000     5db000 8000071 /bin/busybox",
	"    ffff88f79ffcf428     5db000     5e2000 8100071 /bin/busybox",
	"    ffff88f79ffcf000     5e2000     5e5000 8100073 /bin/busybox",
	"    ffff88f79ffcf2f8     5e5000     5ec000 8100073 ",
	"    ffff88f79ffcf390    c9bb000    c9dd000 8100073 ",
	"    ffff88f79ffcf098 7ffebdf74000 7ffebdf95000 100173 ",
	"    ffff88f79ffcfd10 7ffebdff2000 7ffebdff6000 c044411 ",
	"    ffff88f79ffcfa18 7ffebdff6000 7ffebdff8000 8040075 ",
	"",
	"    crash> vm -p 115",
	"    ...",
	"          VMA           START       END     FLAGS FILE",
	"    ffff88f79ffcfbe0     401000     585000 8000075 /bin/busybox",
	"    VIRTUAL     PHYSICAL",
	"    401000      1f030000",
	"    ...",
	"    420000      FILE: /bin/busybox  OFFSET: 20000",
	"    ...",
	"",
	"    crash> foreach vm -R 1d200000",
	"    PID: 1        TASK: ffff88f781204200  CPU: 0    COMMAND: \"init\"",
	"           MM               PGD          RSS    TOTAL_VM",
	"    ffff88f781061200  ffff88f79aa02000  1828k    2260k  ",
	"          VMA           START       END     FLAGS FILE",
	"    ffff88f78246d5f0     401000     585000 8000075 /bin/busybox",
	"    VIRTUAL     PHYSICAL",
	"    433000      1d200000",
	"",
	"    crash> vm -f 115",
	"    115: (READ|EXEC|MAYREAD|GROWSDOWN)",
	NULL,
};

#define VADDR_W 16	/* kernel addresses: the VMA, MM and PGD columns */
#define UVADDR_W 10	/* user addresses: START, END, VIRTUAL */

/* text in width columns, centred; the odd space goes right, or left if
 * lean_left */
static void centre(FILE *out, const char *text, int width, bool lean_left)
{
	int len = (int)strlen(text), left = 0;

	if (len < width)
		left = lean_left ? (width - len + 1) / 2 : (width - len) / 2;
	fprintf(out, "%*s%s%*s", left, "", text,
		len < width ? width - len - left : 0, "");
}

struct vm_req {
	struct session *s;
	struct kernel k;
	struct task_mem_reader *mem;
	bool pages;		/* -p */
	bool vmas;		/* -v */
	bool mm;		/* -m */
	bool single;		/* -P: only the VMA at single_vma */
	uint64_t single_vma;
	bool single_found;
	char format;		/* -x / -d: 'x', 'd' or 0 */
	int phys_w;		/* the PHYSICAL column */
	uint64_t root;		/* -p: the page tables' physical address */
	bool translate;		/* -p, -R: not init_mm, whose pages the
				 * classic crash does not translate */
	struct vm_ref *ref;	/* -R */
	const struct task *task;
	const struct task_mem *mem_use;
	uint64_t mm_addr, pgd;
};

/* -R: what is searched for and where the search stands in one task (the
 * classic crash's reference search: a number matches the mm_struct, the
 * pgd, a VMA's address or flags, a page's virtual or physical address or
 * file offset; a string a part of a VMA's file path). */
struct vm_ref {
	const char *str;
	bool number;
	uint64_t value;
	bool header;		/* the task's header is out */
	bool vma_shown;		/* a VMA header and row are out */
	bool page_shown;	/* ...and pages after them */
	uint64_t last_vma;	/* the VMA last shown */
	uint64_t page;		/* the first matching page of this VMA */
};

static void print_vm_data(struct vm_req *r, uint64_t mm, uint64_t pgd,
			  const struct task_mem *m)
{
	FILE *out = r->s->out;
	uint64_t kb = r->k.vm->page_size / 1024;
	char t[32];

	centre(out, "MM", VADDR_W, false);
	fputs("  ", out);
	centre(out, "PGD", VADDR_W, false);
	fputs("  ", out);
	centre(out, "RSS", 6, false);
	fputs("  ", out);
	centre(out, "TOTAL_VM", 8, false);
	fputc('\n', out);
	snprintf(t, sizeof(t), "%" PRIx64, mm);
	centre(out, t, VADDR_W, false);
	fputs("  ", out);
	snprintf(t, sizeof(t), "%" PRIx64, pgd);
	centre(out, t, VADDR_W, false);
	fputs("  ", out);
	snprintf(t, sizeof(t), "%" PRIu64 "k", m->rss * kb);
	centre(out, t, 6, false);
	fputs("  ", out);
	snprintf(t, sizeof(t), "%" PRIu64 "k", m->total_vm * kb);
	centre(out, t, 8, false);
	fputc('\n', out);
}

static void print_vma_header(FILE *out)
{
	centre(out, "VMA", VADDR_W, false);
	fputc(' ', out);
	centre(out, "START", UVADDR_W, true);
	fputc(' ', out);
	centre(out, "END", UVADDR_W, true);
	fputs("  FLAGS FILE\n", out);
}

/* One page of a VMA as -p shows it: its physical address, else the file
 * offset it maps, else nothing.  An architecture that cannot translate
 * user addresses gives its error. */
struct page_at {
	uint64_t vaddr, paddr, offset;
	enum { PAGE_MAPPED, PAGE_FILE, PAGE_NONE } kind;
};

static struct error *page_at(struct vm_req *r, const struct vma *v,
			     uint64_t at, struct page_at *p)
{
	uint64_t page = r->k.vm->page_size;
	struct error *err = vmem_uvtop(r->k.vm, r->root, at, &p->paddr, NULL);

	p->vaddr = at;
	if (err && err->code == ERR_UNSUPPORTED)
		return err;
	if (!err)
		p->kind = PAGE_MAPPED;
	else if (v->path[0])
		p->kind = PAGE_FILE;
	else
		p->kind = PAGE_NONE;
	p->offset = ((at - v->start) / page + v->pgoff) * page;
	error_free(err);
	return NULL;
}

static void print_page(struct vm_req *r, const struct vma *v,
		       const struct page_at *p)
{
	FILE *out = r->s->out;
	char virt[32];

	snprintf(virt, sizeof(virt), "%-*" PRIx64, UVADDR_W, p->vaddr);
	if (p->kind == PAGE_MAPPED)
		fprintf(out, "%s  %*" PRIx64 "\n", virt, r->phys_w, p->paddr);
	else if (p->kind == PAGE_FILE)
		fprintf(out, "%s  FILE: %s  OFFSET: %" PRIx64 "\n", virt,
			v->path, p->offset);
	else
		fprintf(out, "%s  (not mapped)\n", virt);
}

static bool page_matches(const struct vm_ref *ref, const struct page_at *p)
{
	if (!ref->number)
		return false;
	return p->vaddr == ref->value ||
	       (p->kind == PAGE_MAPPED && p->paddr == ref->value) ||
	       (p->kind == PAGE_FILE && p->offset == ref->value);
}

/* The pages of v from from on: all of them, or with ref only those that
 * match.  With search, look only: the first matching page, or 0 (*found
 * false). */
static struct error *vma_pages(struct vm_req *r, const struct vma *v,
			       uint64_t from, bool search, bool *found)
{
	uint64_t page = r->k.vm->page_size, at;
	struct page_at p;
	struct error *err;

	if (!search)
		fprintf(r->s->out, "%-*s  %-*s\n", UVADDR_W, "VIRTUAL",
			r->phys_w, "PHYSICAL");
	for (at = from & ~(page - 1); at < v->end; at += page) {
		err = page_at(r, v, at, &p);
		if (err)
			return err;
		if (search && page_matches(r->ref, &p)) {
			r->ref->page = at;
			*found = true;
			return NULL;
		}
		if (!search && (!r->ref || page_matches(r->ref, &p)))
			print_page(r, v, &p);
		if (at + page < at)
			break;
	}
	return NULL;
}

static void print_vma_row(FILE *out, const struct vma *v)
{
	char addr[32];

	snprintf(addr, sizeof(addr), "%" PRIx64, v->addr);
	fprintf(out, "%-*s %*" PRIx64 " %*" PRIx64 " %6" PRIx64 " %s\n",
		VADDR_W, addr, UVADDR_W, v->start, UVADDR_W, v->end, v->flags,
		v->path);
}

static void ref_header(struct vm_req *r)
{
	if (r->ref->header)
		return;
	print_task_header(r->s->out, r->task);
	print_vm_data(r, r->mm_addr, r->pgd, r->mem_use);
	r->ref->header = true;
}

/* a path names the string searched for: a part of it ("/" only "/") */
static bool path_matches(const char *path, const char *str)
{
	if (!path[0])
		return false;
	if (!strcmp(str, "/"))
		return !strcmp(path, "/");
	return strstr(path, str) != NULL;
}

static int search_vma(struct vm_req *r, const struct vma *v)
{
	struct vm_ref *ref = r->ref;
	FILE *out = r->s->out;
	struct error *err;
	bool found = false;

	if ((ref->number && (v->addr == ref->value ||
			     v->flags == ref->value)) ||
	    path_matches(v->path, ref->str)) {
		ref_header(r);
		if (!ref->vma_shown || ref->page_shown) {
			print_vma_header(out);
			ref->vma_shown = true;
			ref->page_shown = false;
			ref->last_vma = v->addr;
		}
		print_vma_row(out, v);
	}
	if (!r->translate)
		return 0;
	err = vma_pages(r, v, v->start, true, &found);
	if (!err && found) {
		ref_header(r);
		if (!ref->vma_shown || ref->last_vma != v->addr) {
			print_vma_header(out);
			print_vma_row(out, v);
			ref->vma_shown = true;
			ref->last_vma = v->addr;
		}
		ref->page_shown = true;
		err = vma_pages(r, v, ref->page, false, &found);
	}
	if (err) {
		fprintf(stderr, "vm: %s\n", err->message);
		error_free(err);
		return 1;
	}
	return 0;
}

static int print_vma(const struct vma *v, void *arg)
{
	struct vm_req *r = arg;
	struct error *err;
	bool found;

	if (r->ref)
		return search_vma(r, v);
	if (r->single) {
		if (v->addr != r->single_vma)
			return 0;
		r->single_found = true;
	}
	if (r->vmas) {
		print_struct_at(r->s, "vm_area_struct", NULL, v->addr,
				r->format);
		return 0;
	}
	if (r->pages || r->single)
		print_vma_header(r->s->out);
	print_vma_row(r->s->out, v);
	if (!(r->pages || r->single) || !r->translate)
		return 0;
	err = vma_pages(r, v, v->start, false, &found);
	if (err) {
		fprintf(stderr, "vm: %s\n", err->message);
		error_free(err);
		return 1;	/* the next VMA could not do better */
	}
	return 0;
}

static int vm_of(struct vm_req *r, const struct task *t)
{
	struct task_mem m = { 0 };
	uint64_t pgd = 0, mm = t->mm, init_mm;
	struct error *err = NULL;

	if (mm && r->mem)
		err = task_mem_read(r->mem, t, &m);
	if (!err && mm)
		err = mm_pgd(&r->k, mm, &pgd);
	if (err) {
		fprintf(stderr, "vm: %s\n", err->message);
		error_free(err);
		return 1;
	}
	r->task = t;
	r->mem_use = &m;
	r->mm_addr = mm;
	r->pgd = pgd;
	if (r->ref) {
		*r->ref = (struct vm_ref){ .str = r->ref->str,
					   .number = r->ref->number,
					   .value = r->ref->value };
		/* (a kernel thread's mm and pgd are 0: "vm -R 0" finds it) */
		if (r->ref->number && (r->ref->value == mm ||
				       r->ref->value == pgd)) {
			ref_header(r);
			fputc('\n', r->s->out);
			return 0;
		}
	} else if (!r->vmas && !r->mm && !r->single) {
		print_vm_data(r, mm, pgd, &m);
	}
	if (!mm)
		return 0;
	if (r->mm)
		return print_struct_at(r->s, "mm_struct", NULL, mm, r->format);
	if (!r->pages && !r->vmas && !r->ref && !r->single)
		print_vma_header(r->s->out);
	r->translate = false;
	r->single_found = false;
	if (r->pages || r->ref || r->single) {
		err = vmem_vtop(r->k.vm, pgd, &r->root);
		if (err) {
			fprintf(stderr, "vm: page directory of mm_struct %#"
				PRIx64 " at %#" PRIx64 ": %s\n", mm, pgd,
				err->message);
			error_free(err);
			return 1;
		}
		/* the classic translates no pages of init_mm */
		r->translate = kernel_symbol_quiet(&r->k, "init_mm", &init_mm)
			       || init_mm != mm;
	}
	err = mm_vmas(&r->k, mm, print_vma, r);
	if (r->ref && r->ref->header)
		fputc('\n', r->s->out);
	if (!err && r->single && !r->single_found)
		fputs("(not found)\n", r->s->out);
	if (err) {
		fprintf(stderr, "vm: %s\n", err->message);
		error_free(err);
		return 1;
	}
	return 0;
}

/* vm -f: the classic crash's names of vm_flags bits, in its order (its
 * table dates from older kernels: 0x200 reads GROWSUP where the kernel
 * has expand_upwards, else NOHUGEPAGE; 0x400 PFNMAP). */
static int vm_flags_decode(struct session *s, const char *text)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ 0x1, "READ" }, { 0x2, "WRITE" }, { 0x4, "EXEC" },
		{ 0x8, "SHARED" }, { 0x10, "MAYREAD" }, { 0x20, "MAYWRITE" },
		{ 0x40, "MAYEXEC" }, { 0x80, "MAYSHARE" },
		{ 0x100, "GROWSDOWN" }, { 0x200, NULL },
		{ 0x400, "PFNMAP" }, { 0x800, "DENYWRITE" },
		{ 0x1000, "EXECUTABLE" }, { 0x2000, "LOCKED" },
		{ 0x4000, "IO" }, { 0x8000, "SEQ_READ" },
		{ 0x10000, "RAND_READ" }, { 0x20000, "DONTCOPY" },
		{ 0x40000, "DONTEXPAND" }, { 0x80000, "RESERVED" },
		{ 0x400000, "HUGETLB" }, { 0x100000, "ACCOUNT" },
		{ 0x800000, "NONLINEAR" }, { 0x1000000, NULL },
		{ 0x2000000, "INSERTPAGE" }, { 0x4000000, "ALWAYSDUMP" },
		{ 0x8000000, "CAN_NONLINEAR" }, { 0x10000000, "MIXEDMAP" },
		{ 0x20000000, "SAO" }, { 0x40000000, "PFN_AT_MMAP" },
		{ 0x80000000, "MERGEABLE" },
	};
	struct kernel k = session_kernel(s);
	const char *p = text;
	uint64_t flags, addr;
	char *end;
	size_t i;
	int n = 0;

	if (!strncmp(p, "0x", 2) || !strncmp(p, "0X", 2))
		p += 2;
	flags = strtoull(p, &end, 16);
	if (!*p || *end) {
		fprintf(stderr, "vm: invalid vm_flags value: %s\n", text);
		return 1;
	}
	fprintf(s->out, "%" PRIx64 ": (", flags);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *name = names[i].name;

		if (!(flags & names[i].bit))
			continue;
		if (names[i].bit == 0x200)
			name = kernel_symbol_quiet(&k, "expand_upwards", &addr)
				       ? "NOHUGEPAGE" : "GROWSUP";
		else if (names[i].bit == 0x1000000)
			name = kernel_has_member(&k, "mm_struct",
						 "pmd_huge_pte")
				       ? "HUGEPAGE" : "MAPPED_COPY";
		fprintf(s->out, "%s%s", n++ ? "|" : "", name);
	}
	fputs(")\n", s->out);
	return 0;
}

/* The PHYSICAL column: as wide as the highest physical address. */
static int phys_width(const struct kernel *k)
{
	uint64_t max_pfn;
	char buf[32];
	int w;

	if (kernel_var_number(k, "max_pfn", NULL, &max_pfn) || !max_pfn)
		return 8;
	w = snprintf(buf, sizeof(buf), "%" PRIx64,
		     max_pfn * k->vm->page_size);
	return w < 8 ? 8 : w;
}

/* -R's argument: a number if all of it reads as hexadecimal */
static void parse_ref(struct vm_ref *ref, const char *str)
{
	const char *p = str;
	char *end;

	ref->str = str;
	if (!strncmp(p, "0x", 2) || !strncmp(p, "0X", 2))
		p += 2;
	ref->value = strtoull(p, &end, 16);
	ref->number = *p && !*end && p[strspn(p, "0123456789abcdefABCDEF")]
		      == '\0';
}

int cmd_vm(struct session *s, int argc, char **argv)
{
	struct vm_req r = { .s = s, .k = session_kernel(s) };
	struct vm_ref ref = { 0 };
	const struct task_table *t;
	const struct task *task;
	struct error *err;
	int c, i, rc = 0, shown = 0;
	bool usage = false;

	/* -p, -m, -v, -f and -R exclude each other, except -R after -p
	 * (-R implies -p); -f decodes at once, as the classic crash does */
	optind = 0;
	while ((c = getopt(argc, argv, "f:pmvxdR:P:")) != -1) {
		bool any = r.pages || r.mm || r.vmas || r.ref || r.single;
		char *end;

		switch (c) {
		case 'f':
			if (any) {
				usage = true;
				break;
			}
			return vm_flags_decode(s, optarg);
		case 'p':
			usage |= any;
			r.pages = true;
			break;
		case 'm':
			usage |= any;
			r.mm = true;
			break;
		case 'v':
			usage |= any;
			r.vmas = true;
			break;
		case 'P':
			usage |= any;
			r.single = true;
			r.single_vma = strtoull(optarg, &end, 16);
			if (!*optarg || *end) {
				fprintf(stderr, "vm: invalid vma address: "
					"%s\n", optarg);
				return 1;
			}
			break;
		case 'R':
			if (r.ref) {
				fprintf(stderr, "vm: only one -R option "
					"allowed\n");
				usage = true;
			}
			usage |= any && !r.pages;
			parse_ref(&ref, optarg);
			r.ref = &ref;
			break;
		case 'x':
		case 'd':
			if (r.format && r.format != c) {
				fprintf(stderr, "vm: -d and -x are mutually "
					"exclusive\n");
				return 1;
			}
			r.format = (char)c;
			break;
		default:
			usage = true;
			break;
		}
	}
	if (usage) {
		command_usage(s->out, "vm");
		return 1;
	}
	err = session_tasks(s, &t);
	if (!err && optind == argc)
		err = session_context(s, &task);
	if (!err)
		err = task_mem_open(&r.k, t, &r.mem);
	if (err) {
		fprintf(stderr, "vm: %s\n", err->message);
		error_free(err);
		return 1;
	}
	r.phys_w = phys_width(&r.k);
	if (optind == argc) {
		if (!r.ref)
			print_task_header(s->out, task);
		rc = vm_of(&r, task);
	}
	for (i = optind; i < argc; i++) {
		const char *arg = argv[i];
		char *end;
		long pid = strtol(arg, &end, 10);
		bool by_pid = *arg && !*end && pid >= 0;
		size_t j;

		task = tasks_find(t, arg);
		if (!task) {
			/* the classic crash's blank line comes first */
			if (shown++) {
				fputc('\n', s->out);
				fflush(s->out);
			}
			fprintf(stderr, "vm: invalid task or pid value: %s\n",
				arg);
			rc = 1;
			continue;
		}
		/* a pid names every task that has it (the idle tasks) */
		for (j = 0; j < t->n; j++) {
			const struct task *one = &t->tasks[j];

			if (by_pid ? one->pid != pid : one != task)
				continue;
			/* -R shows only what it finds, with its own header */
			if (!r.ref) {
				if (shown++)
					fputc('\n', s->out);
				print_task_header(s->out, one);
			}
			rc |= vm_of(&r, one);
		}
	}
	task_mem_close(r.mem);
	return rc;
}
