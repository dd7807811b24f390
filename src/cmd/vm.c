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
	"  vm [-p | -v | -m] [-x | -d] [pid | task] ...",
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
	"        -v  show each vm_area_struct in full (as struct does).",
	"        -m  show the mm_struct in full.",
	"        -x  with -m or -v: members in hexadecimal.",
	"        -d  with -m or -v: members in decimal.",
	"  -f flags  decode a vm_flags value (hexadecimal) into the names the",
	"            classic crash gives its bits.",
	"       pid  a process id.",
	"      task  a task_struct address (hexadecimal).",
	"",
	"  The classic crash's -P, -M and -R are not supported yet, nor the",
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
	char format;		/* -x / -d: 'x', 'd' or 0 */
	int phys_w;		/* the PHYSICAL column */
	uint64_t root;		/* -p: the page tables' physical address */
	uint64_t init_mm;
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

static void print_pages(struct vm_req *r, const struct vma *v)
{
	FILE *out = r->s->out;
	uint64_t page = r->k.vm->page_size, at, paddr;
	unsigned int shift = 0;

	while ((1ull << shift) < page)
		shift++;
	fprintf(out, "%-*s  %-*s\n", UVADDR_W, "VIRTUAL", r->phys_w,
		"PHYSICAL");
	for (at = v->start & ~(page - 1); at < v->end; at += page) {
		struct error *err = vmem_uvtop(r->k.vm, r->root, at, &paddr,
					       NULL);
		char virt[32];

		if (err && err->code == ERR_UNSUPPORTED) {
			fprintf(stderr, "vm: %s\n", err->message);
			error_free(err);
			return;
		}
		snprintf(virt, sizeof(virt), "%-*" PRIx64, UVADDR_W, at);
		if (!err)
			fprintf(out, "%s  %*" PRIx64 "\n", virt, r->phys_w,
				paddr);
		else if (v->path[0])
			fprintf(out, "%s  FILE: %s  OFFSET: %" PRIx64 "\n",
				virt, v->path,
				(((at - v->start) >> shift) + v->pgoff) << shift);
		else
			fprintf(out, "%s  (not mapped)\n", virt);
		error_free(err);
		if (at + page < at)
			break;
	}
}

static int print_vma(const struct vma *v, void *arg)
{
	struct vm_req *r = arg;
	FILE *out = r->s->out;
	char addr[32];

	if (r->vmas) {
		print_struct_at(r->s, "vm_area_struct", NULL, v->addr,
				r->format);
		return 0;
	}
	if (r->pages)
		print_vma_header(out);
	snprintf(addr, sizeof(addr), "%" PRIx64, v->addr);
	fprintf(out, "%-*s %*" PRIx64 " %*" PRIx64 " %6" PRIx64 " %s\n",
		VADDR_W, addr, UVADDR_W, v->start, UVADDR_W, v->end, v->flags,
		v->path);
	if (r->pages && r->init_mm != 0)
		print_pages(r, v);
	return 0;
}

static int vm_of(struct vm_req *r, const struct task *t)
{
	struct task_mem m = { 0 };
	uint64_t pgd = 0, mm = t->mm;
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
	if (!r->vmas && !r->mm)
		print_vm_data(r, mm, pgd, &m);
	if (!mm)
		return 0;
	if (r->mm)
		return print_struct_at(r->s, "mm_struct", NULL, mm, r->format);
	if (!r->pages && !r->vmas)
		print_vma_header(r->s->out);
	if (r->pages) {
		err = vmem_vtop(r->k.vm, pgd, &r->root);
		if (err) {
			fprintf(stderr, "vm: page directory of mm_struct %#"
				PRIx64 " at %#" PRIx64 ": %s\n", mm, pgd,
				err->message);
			error_free(err);
			return 1;
		}
		/* the classic translates no pages of init_mm */
		r->init_mm = mm;
		if (!kernel_symbol_quiet(&r->k, "init_mm", &pgd) && pgd == mm)
			r->init_mm = 0;
	}
	err = mm_vmas(&r->k, mm, print_vma, r);
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

int cmd_vm(struct session *s, int argc, char **argv)
{
	struct vm_req r = { .s = s, .k = session_kernel(s) };
	const struct task_table *t;
	const struct task *task;
	struct error *err;
	int c, i, rc = 0, nmodes = 0, shown = 0;
	const char *flags = NULL;

	optind = 0;
	while ((c = getopt(argc, argv, "f:pmvxd")) != -1) {
		switch (c) {
		case 'f':
			flags = optarg;
			nmodes++;
			break;
		case 'p':
			r.pages = true;
			nmodes++;
			break;
		case 'm':
			r.mm = true;
			nmodes++;
			break;
		case 'v':
			r.vmas = true;
			nmodes++;
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
			command_usage(s->out, "vm");
			return 1;
		}
	}
	if (nmodes > 1) {
		command_usage(s->out, "vm");
		return 1;
	}
	if (flags)
		return vm_flags_decode(s, flags);
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
			if (shown++)
				fputc('\n', s->out);
			print_task_header(s->out, one);
			rc |= vm_of(&r, one);
		}
	}
	task_mem_close(r.mem);
	return rc;
}
