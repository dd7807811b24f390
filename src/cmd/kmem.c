/*
 * kmem: kernel memory.  -i (the memory usage summary), -V (the vm stat
 * counters and vm events), -z (the zones), -s and -S (the SLUB caches),
 * in the classic crash's formats; the numbers come from kernel/meminfo
 * and kernel/slab.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../kernel/kernel.h"
#include "../kernel/meminfo.h"
#include "../kernel/page.h"
#include "../kernel/slab.h"
#include "../session.h"
#include "../util/error.h"
#include "../util/interrupt.h"
#include "../util/progress.h"
#include "commands.h"

const char *const kmem_help[] = {
	"NAME",
	"  kmem - kernel memory",
	"",
	"SYNOPSIS",
	"  kmem -i | -V | -z | -s [name | address | list] | -S [name | address]",
	"",
	"DESCRIPTION",
	"  This command displays information about the use of kernel memory.",
	"",
	"        -i  displays general memory usage information: the total",
	"            memory (totalram_pages), the free pages (each zone's",
	"            NR_FREE_PAGES) and the used ones; SHARED, the pages that",
	"            are not reserved and have more than one reference (a walk",
	"            of every struct page of the present memory sections);",
	"            BUFFERS, the page cache of the block devices; CACHED, the",
	"            file pages less the swap cache and the buffers; SLAB; the",
	"            huge pages of every hstate; swap; and the commit limit",
	"            (the overcommit ratio or kbytes, plus swap) and the",
	"            committed memory (vm_committed_as's global count, as the",
	"            classic crash reads it: the per-cpu parts not yet folded",
	"            into it are left out).  Pages, their size, and the",
	"            percentage of the total each is.",
	"        -V  displays the kernel's vm_zone_stat and vm_node_stat",
	"            counters, and the vm_event_states counters summed over",
	"            the cpus.",
	"        -z  displays each memory node's zones: the address, the size",
	"            (spanned pages) and, where fewer, the present pages, the",
	"            min/low/high watermarks, and the zone's vm_stat counters.",
	"        -s  displays the SLUB allocator's caches (the slab_caches list):",
	"            each kmem_cache's address, object size, allocated and total",
	"            objects, slabs and slab size, counted as the classic crash",
	"            counts them: the total objects and slabs are the nodes'",
	"            total_objects and nr_slabs counters; the allocated ones",
	"            are the total less the free objects found in each cpu's",
	"            slab, on its lockless freelist, in its partial slabs, and",
	"            in the nodes' partial slabs.  Needs CONFIG_SLUB_DEBUG.",
	"        -S  the same, and then each cache's cpus: the per-cpu",
	"            kmem_cache_cpu, its slab with every object (free ones",
	"            plain, allocated ones in brackets) and its partial slabs;",
	"            and each node's kmem_cache_node with its slabs, its",
	"            partial slabs and (with SLAB_STORE_USER) its full ones.",
	"            The slabs are found through the struct page array, whose",
	"            base is not known yet on arm64: there -S shows what -s",
	"            shows and says so.",
	"      name  with -s or -S: only the cache of that name (\\name for a",
	"            cache named list).",
	"   address  with -s or -S: only the kmem_cache at that address.",
	"      list  with -s: the caches' addresses and names.",
	"",
	"  -i and -z may be given together.  A cache that cannot be read is",
	"  named with the address at fault, its counts shown as \"?\", and the",
	"  other caches still shown.  The classic crash's other options (-f, -F,",
	"  -p, -c, -C, -v, -n, -r, -o, -h, -g, -l, -L, -P, -m, -I, -S=cpus,",
	"  looking up an address in the slabs) are not supported yet.",
	"",
	"EXAMPLES",
	"  Display memory usage information:",
	"",
	"    crash> kmem -i",
	"                     PAGES        TOTAL      PERCENTAGE",
	"        TOTAL MEM    76079     297.2 MB         ----",
	"             FREE    64318     251.2 MB   84% of TOTAL MEM",
	"             USED    11761      45.9 MB   15% of TOTAL MEM",
	"           SHARED      431       1.7 MB    0% of TOTAL MEM",
	"          BUFFERS        0            0    0% of TOTAL MEM",
	"           CACHED     5234      20.4 MB    6% of TOTAL MEM",
	"             SLAB     4029      15.7 MB    5% of TOTAL MEM",
	"",
	"       TOTAL HUGE        0            0         ----",
	"        HUGE FREE        0            0    0% of TOTAL HUGE",
	"",
	"       TOTAL SWAP        0            0         ----",
	"        SWAP USED        0            0    0% of TOTAL SWAP",
	"        SWAP FREE        0            0    0% of TOTAL SWAP",
	"",
	"     COMMIT LIMIT    38039     148.6 MB         ----",
	"        COMMITTED      288       1.1 MB    0% of TOTAL LIMIT",
	"",
	"  Display the slab caches, then one of them with its slabs:",
	"",
	"    crash> kmem -s",
	"    CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME",
	"    ffff88f7812d6200      128          2        21      1     4k  bio-128",
	"    ...",
	"    crash> kmem -S kmalloc-64",
	"    CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME",
	"    ffff88f781042500       64       1665      1856     29     4k  kmalloc-64",
	"    CPU 0 KMEM_CACHE_CPU:",
	"      ffff88f79e6370a0",
	"    CPU 0 SLAB:",
	"      SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE",
	"      fffff240806d6dc0  ffff88f79b5b7000     0     64         16    48",
	"      FREE / [ALLOCATED]",
	"       ffff88f79b5b7000  (cpu 0 cache)",
	"      [ffff88f79b5b7040]",
	"    ...",
	"    KMEM_CACHE_NODE   NODE  SLABS  PARTIAL  PER-CPU",
	"    ffff88f781041140     0     29        0        2",
	"    NODE 0 PARTIAL:",
	"      (empty)",
	"    NODE 0 FULL:",
	"      (not tracked)",
	"",
	"  Display the zones:",
	"",
	"    crash> kmem -z",
	"    NODE: 0  ZONE: 0  ADDR: ffff88f79f0b7000  NAME: \"DMA\"",
	"      SIZE: 4095  PRESENT: 3998  MIN/LOW/HIGH: 28/35/42",
	"      VM_STAT:",
	"            NR_FREE_PAGES: 3808",
	"    NR_ZONE_INACTIVE_ANON: 0",
	"    ...",
	"",
	"    NODE: 0  ZONE: 2  ADDR: ffff88f79f0b7c00  NAME: \"Normal\"",
	"      [unpopulated]",
	NULL
};

struct kmem {
	struct session *s;
	FILE *out;
	uint64_t page_size;
	int rc;
};

/* An error about one value: the other values are still shown. */
static void complain(struct kmem *km, const char *what,
		     const struct error *err)
{
	fflush(km->out);
	fprintf(stderr, "kmem: %s: %s\n", what, err->message);
	km->rc = 1;
}

/* "297.2 MB", "2 GB", "512 KB", "0": as the classic crash's
 * pages_to_size() writes a number of pages. */
static void pages_to_size(uint64_t pages, uint64_t page_size, char *buf,
			  size_t size)
{
	double total = (double)pages * (double)page_size;
	char *p;

	if (!pages)
		snprintf(buf, size, "0");
	else if (total >= 1073741824.0)
		snprintf(buf, size, "%.1f GB", total / 1073741824.0);
	else if (total >= 1048576.0)
		snprintf(buf, size, "%.1f MB", total / 1048576.0);
	else
		snprintf(buf, size, "%" PRIu64 " KB",
			 (uint64_t)(total / 1024.0));
	p = strstr(buf, ".0 ");
	if (p)
		memmove(p, p + 2, strlen(p + 2) + 1);
}

/* "    TOTAL MEM    76079     297.2 MB         ----" */
static void line_total(struct kmem *km, const char *label, uint64_t pages)
{
	char size[32];

	pages_to_size(pages, km->page_size, size, sizeof(size));
	fprintf(km->out, "%13s  %7" PRId64 "  %11s         ----\n", label,
		(int64_t)pages, size);
}

/* "         FREE    64318     251.2 MB   84% of TOTAL MEM": 0% of a total
 * of 0, as the classic crash has it; "----" if the total is unknown. */
static void line_part(struct kmem *km, const char *label, uint64_t pages,
		      uint64_t of, bool of_known, const char *of_label)
{
	char size[32];

	pages_to_size(pages, km->page_size, size, sizeof(size));
	if (!of_known) {
		fprintf(km->out, "%13s  %7" PRId64 "  %11s         ----\n",
			label, (int64_t)pages, size);
		return;
	}
	fprintf(km->out, "%13s  %7" PRId64 "  %11s  %3" PRIu64 "%% of %s\n",
		label, (int64_t)pages, size, of ? pages * 100 / of : 0,
		of_label);
}

static void progress_cb(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	progress_update(done, total);
}

static void print_info(struct kmem *km)
{
	struct kernel k = session_kernel(km->s);
	struct meminfo mi;
	uint64_t shared = 0, total;
	struct error *err_shared;
	bool known;

	meminfo_read(&k, &mi);
	progress_begin("kmem: struct pages");
	err_shared = meminfo_shared_pages(&k, progress_cb, NULL, &shared);
	progress_end();
	if (err_shared && err_shared->code == ERR_INTERRUPTED) {
		complain(km, "-i", err_shared);
		error_free(err_shared);
		meminfo_free(&mi);
		return;
	}
	total = mi.err_totalram ? 0 : mi.totalram;
	known = !mi.err_totalram;

	fprintf(km->out, "                 PAGES        TOTAL      "
		"PERCENTAGE\n");
	if (mi.err_totalram)
		complain(km, "TOTAL MEM", mi.err_totalram);
	else
		line_total(km, "TOTAL MEM", mi.totalram);
	if (mi.err_free) {
		complain(km, "FREE", mi.err_free);
	} else {
		line_part(km, "FREE", mi.free, total, known, "TOTAL MEM");
		if (total)
			line_part(km, "USED", mi.totalram - mi.free, total,
				  known, "TOTAL MEM");
	}
	if (err_shared)
		complain(km, "SHARED", err_shared);
	else
		line_part(km, "SHARED", shared, total, known, "TOTAL MEM");
	if (mi.err_buffers)
		complain(km, "BUFFERS", mi.err_buffers);
	else
		line_part(km, "BUFFERS", mi.buffers, total, known, "TOTAL MEM");
	if (mi.err_cached) {
		complain(km, "CACHED", mi.err_cached);
	} else {
		if (mi.cached < 0) {
			fflush(km->out);
			fprintf(stderr, "kmem: page_cache_size went negative "
				"(%" PRId64 "), setting to 0\n", mi.cached);
			mi.cached = 0;
		}
		line_part(km, "CACHED", (uint64_t)mi.cached, total, known,
			  "TOTAL MEM");
	}
	if (mi.err_slab)
		complain(km, "SLAB", mi.err_slab);
	else
		line_part(km, "SLAB", mi.slab, total, known, "TOTAL MEM");
	if (mi.highmem) {
		fflush(km->out);
		fprintf(stderr, "kmem: TOTAL HIGH: high memory (32-bit "
			"kernels) is not supported\n");
	}

	fputc('\n', km->out);
	if (mi.err_huge) {
		complain(km, "TOTAL HUGE", mi.err_huge);
	} else {
		line_total(km, "TOTAL HUGE", mi.huge_total);
		line_part(km, "HUGE FREE", mi.huge_free, mi.huge_total, true,
			  "TOTAL HUGE");
	}

	fputc('\n', km->out);
	if (mi.has_swap && mi.err_swap) {
		complain(km, "TOTAL SWAP", mi.err_swap);
	} else if (mi.has_swap) {
		line_total(km, "TOTAL SWAP", mi.swap_total);
		line_part(km, "SWAP USED", mi.swap_used, mi.swap_total, true,
			  "TOTAL SWAP");
		line_part(km, "SWAP FREE", mi.swap_total - mi.swap_used,
			  mi.swap_total, true, "TOTAL SWAP");
	}

	if (mi.has_commit) {
		fputc('\n', km->out);
		if (mi.err_commit) {
			complain(km, "COMMIT LIMIT", mi.err_commit);
		} else {
			line_total(km, "COMMIT LIMIT", mi.commit_limit);
			/* no limit: no percentage of it */
			line_part(km, "COMMITTED", (uint64_t)mi.committed,
				  mi.commit_limit, mi.commit_limit != 0,
				  "TOTAL LIMIT");
		}
	}
	error_free(err_shared);
	meminfo_free(&mi);
}

static size_t longest(const struct vm_counters *c, size_t width)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->names[i] && strlen(c->names[i]) > width)
			width = strlen(c->names[i]);
	return width;
}

static void print_counters(struct kmem *km, const struct vm_counters *c,
			   size_t width, bool is_unsigned)
{
	size_t i;

	for (i = 0; i < c->n && !interrupted(); i++) {
		char unnamed[32];
		const char *name = c->names[i];

		if (!name) {
			snprintf(unnamed, sizeof(unnamed), "[%zu]", i);
			name = unnamed;
		}
		if (is_unsigned)
			fprintf(km->out, "%*s: %" PRIu64 "\n", (int)width, name,
				(uint64_t)c->values[i]);
		else
			fprintf(km->out, "%*s: %" PRId64 "\n", (int)width, name,
				c->values[i]);
	}
}

static const char slab_header[] =
	"CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n";

/* One kmem -s line; "?" for the counts that could not be gathered (the
 * reason goes to stderr first, naming the address). */
static void print_cache(struct kmem *km, const struct slab_cache *c)
{
	if (c->err) {
		fflush(km->out);
		fprintf(stderr, "kmem: %s: cannot gather relevant slab data: "
			"%s\n", c->name, c->err->message);
		km->rc = 1;
		if (!c->have_sizes)
			return;
	}
	fprintf(km->out, "%-16" PRIx64 " %8" PRIu64 "  ", c->addr, c->objsize);
	if (c->err)
		fprintf(km->out, "%9s  %8s  %5s  ", "?", "?", "?");
	else
		fprintf(km->out, "%9" PRId64 "  %8" PRId64 "  %5" PRId64 "  ",
			c->allocated, c->total, (int64_t)c->slabs);
	fprintf(km->out, "%4" PRIu64 "k  %s\n", c->slab_size / 1024, c->name);
}

static const char slab_list_header[] =
	"SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE\n";

static void slab_complain(struct kmem *km, const char *cache,
			  const struct error *err)
{
	fflush(km->out);
	fprintf(stderr, "kmem: %s: %s\n", cache, err->message);
	km->rc = 1;
}

/* One slab: its line and, verbose, its objects; false if it cannot be
 * read (the message is out). */
static bool print_slab(struct kmem *km, const struct slab_cache *c,
		       uint64_t slab, bool verbose)
{
	struct kernel k = session_kernel(km->s);
	struct slab_detail d;
	struct error *err = slab_detail_read(&k, c->addr, slab, verbose, &d);
	size_t i;

	if (err) {
		slab_complain(km, c->name, err);
		error_free(err);
		return false;
	}
	if (verbose)
		fprintf(km->out, "  %s", slab_list_header);
	fprintf(km->out, "  %-16" PRIx64 "  %-16" PRIx64 "  %4d  %5u  %9d  "
		"%4d\n", d.slab, d.memory, d.node, d.objects, d.inuse,
		(int)d.objects - d.inuse);
	if (verbose) {
		fprintf(km->out, "  FREE / [ALLOCATED]\n");
		for (i = 0; i < d.n && !interrupted(); i++) {
			if (!d.is_free[i])
				fprintf(km->out, "  [%" PRIx64 "]\n", d.obj[i]);
			else if (d.cpu >= 0)
				fprintf(km->out, "   %" PRIx64 "  (cpu %d "
					"cache)\n", d.obj[i], d.cpu);
			else
				fprintf(km->out, "   %" PRIx64 "  \n",
					d.obj[i]);
		}
	}
	slab_detail_free(&d);
	return true;
}

/* kmem -S: a cache's cpus (their slabs and partial lists) and nodes
 * (their partial and full lists). */
static void print_cache_slabs(struct kmem *km, const struct slab_cache *c)
{
	struct kernel k = session_kernel(km->s);
	struct slab_cache_lists l;
	struct error *err = slab_cache_lists_read(&k, c->addr, &l);
	size_t i, j;

	if (err) {
		slab_complain(km, c->name, err);
		error_free(err);
		return;
	}
	for (i = 0; i < l.ncpu && !interrupted(); i++) {
		const struct slab_cpu *cpu = &l.cpu[i];

		if (!cpu->online) {
			fprintf(km->out, "CPU %u [OFFLINE]\n", cpu->cpu);
			continue;
		}
		if (cpu->err) {
			slab_complain(km, c->name, cpu->err);
			continue;
		}
		fprintf(km->out, "CPU %u KMEM_CACHE_CPU:\n  %" PRIx64 "\n",
			cpu->cpu, cpu->kmem_cache_cpu);
		fprintf(km->out, "CPU %u SLAB:\n%s", cpu->cpu,
			cpu->slab ? "" : "  (empty)\n");
		if (cpu->slab && !print_slab(km, c, cpu->slab, true))
			continue;
		if (!cpu->has_partial)
			continue;
		fprintf(km->out, "CPU %u PARTIAL:\n%s", cpu->cpu,
			cpu->partial.n || cpu->partial.err ? "" :
			"  (empty)\n");
		for (j = 0; j < cpu->partial.n && !interrupted(); j++)
			if (!print_slab(km, c, cpu->partial.slab[j], true))
				break;
		if (j == cpu->partial.n && cpu->partial.err)
			slab_complain(km, c->name, cpu->partial.err);
	}
	for (i = 0; i < l.nnode && !interrupted(); i++) {
		const struct slab_node *n = &l.node[i];
		const struct slab_list *lists[2] = { &n->partial, &n->full };
		const char *names[2] = { "PARTIAL", "FULL" };
		int w;

		if (n->err) {
			slab_complain(km, c->name, n->err);
			break;
		}
		fprintf(km->out, "KMEM_CACHE_NODE   NODE  SLABS  PARTIAL  "
			"PER-CPU\n");
		fprintf(km->out, "%" PRIx64 "  %4u  %5" PRIu64 "  %7" PRIu64
			"  %7u\n", n->kmem_cache_node, n->node, n->nr_slabs,
			n->nr_partial, n->per_cpu);
		if (!n->kmem_cache_node)
			continue;
		for (w = 0; w < 2; w++) {
			const struct slab_list *sl = lists[w];

			if (w == 1 && !n->full_tracked) {
				fprintf(km->out, "NODE %u FULL:\n  (not "
					"tracked)\n", n->node);
				break;
			}
			fprintf(km->out, "NODE %u %s:\n%s", n->node, names[w],
				sl->n || sl->err ? "" : "  (empty)\n");
			for (j = 0; j < sl->n && !interrupted(); j++) {
				if (!j)
					fprintf(km->out, "  %s",
						slab_list_header);
				if (!print_slab(km, c, sl->slab[j], false))
					break;
			}
			if (j == sl->n && sl->err)
				slab_complain(km, c->name, sl->err);
		}
	}
	fputc('\n', km->out);
	slab_cache_lists_free(&l);
}

/* Whether s is all hex digits (with or without 0x): an address. */
static bool is_hex(const char *s)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789abcdefABCDEF", *s))
			return false;
	return true;
}

/* kmem -s: every cache on slab_caches; with want, only the cache of that
 * name (or at that address: want_addr); "list": addresses and names. */
static void print_slabs(struct kmem *km, const char *want, uint64_t want_addr,
			bool list, bool verbose)
{
	struct kernel k = session_kernel(km->s);
	struct error *list_err = NULL, *err;
	uint64_t *caches = NULL;
	size_t n = 0, i;
	bool found = false;

	err = slab_cache_list(&k, &caches, &n, &list_err);
	if (err) {
		complain(km, "-s", err);
		error_free(err);
		return;
	}
	if (verbose) {
		uint64_t base;

		/* the slabs are found by their struct pages */
		err = page_map_base(&k, &base);
		if (err) {
			complain(km, "-S", err);
			error_free(err);
			verbose = false;
		}
	}
	if (!want && !want_addr && !list)
		fprintf(km->out, "%s", slab_header);
	for (i = 0; i < n && !interrupted(); i++) {
		struct slab_cache c;
		char name[128];

		if (list) {
			slab_cache_name(&k, caches[i], name, sizeof(name));
			fprintf(km->out, "%" PRIx64 " %s\n", caches[i], name);
			continue;
		}
		if (want_addr && caches[i] != want_addr)
			continue;
		if (want) {
			slab_cache_name(&k, caches[i], name, sizeof(name));
			if (strcmp(name, want))
				continue;
		}
		err = slab_cache_read(&k, caches[i], &c);
		if (err) {	/* not a SLUB kernel: nothing to show */
			complain(km, "-s", err);
			error_free(err);
			break;
		}
		if (want || want_addr)
			fprintf(km->out, "%s", slab_header);
		print_cache(km, &c);
		if (verbose && !c.err) {
			print_cache_slabs(km, &c);
			if (!want && !want_addr && i + 1 < n)
				fprintf(km->out, "%s", slab_header);
		}
		error_free(c.err);
		found = true;
		if (want || want_addr)
			break;
	}
	if (list_err) {
		complain(km, "-s", list_err);
		error_free(list_err);
	}
	if (want_addr && !found && !interrupted()) {
		fflush(km->out);
		fprintf(stderr, "kmem: %" PRIx64 ": looking up an address is "
			"not supported yet\n", want_addr);
		km->rc = 1;
	}
	free(caches);
}

static void print_vm_stats(struct kmem *km)
{
	struct kernel k = session_kernel(km->s);
	struct vm_counters zone, node, events;
	struct error *ez, *en, *ee;
	size_t width = 0;

	ez = meminfo_zone_stat(&k, 0, &zone);
	en = meminfo_node_stat(&k, &node);
	if (!ez)
		width = longest(&zone, width);
	if (!en)
		width = longest(&node, width);
	fprintf(km->out, "  VM_ZONE_STAT:\n");
	if (ez)
		complain(km, "VM_ZONE_STAT", ez);
	else
		print_counters(km, &zone, width, false);
	fprintf(km->out, "\n  VM_NODE_STAT:\n");
	if (en)
		complain(km, "VM_NODE_STAT", en);
	else
		print_counters(km, &node, width, false);

	ee = meminfo_vm_events(&k, &events);
	fprintf(km->out, "\n  VM_EVENT_STATES:\n");
	if (ee)
		complain(km, "VM_EVENT_STATES", ee);
	else
		print_counters(km, &events, longest(&events, 0), true);
	error_free(ez);
	error_free(en);
	error_free(ee);
	if (!ez)
		vm_counters_free(&zone);
	if (!en)
		vm_counters_free(&node);
	if (!ee)
		vm_counters_free(&events);
}

static void print_zones(struct kmem *km)
{
	struct kernel k = session_kernel(km->s);
	struct zone_info *z;
	size_t n, i;
	struct error *err = meminfo_zones(&k, &z, &n);

	if (err) {
		complain(km, "-z", err);
		error_free(err);
		return;
	}
	for (i = 0; i < n && !interrupted(); i++) {
		struct vm_counters c;

		fprintf(km->out, "NODE: %u  ZONE: %u  ADDR: %" PRIx64
			"  NAME: \"%s\"\n", z[i].node, z[i].index, z[i].addr,
			z[i].name[0] ? z[i].name : "(unknown) ");
		if (z[i].err) {
			complain(km, "ZONE", z[i].err);
			fputc('\n', km->out);
			continue;
		}
		if (!z[i].spanned) {
			fprintf(km->out, "  [unpopulated]\n\n");
			continue;
		}
		fprintf(km->out, "  SIZE: %" PRIu64, z[i].spanned);
		if (z[i].present < z[i].spanned)
			fprintf(km->out, "  PRESENT: %" PRIu64, z[i].present);
		fprintf(km->out, "  MIN/LOW/HIGH: %" PRIu64 "/%" PRIu64 "/%"
			PRIu64 "\n", z[i].wmark_min, z[i].wmark_low,
			z[i].wmark_high);
		fprintf(km->out, "  VM_STAT:\n");
		err = meminfo_zone_stat(&k, z[i].addr, &c);
		if (err) {
			complain(km, "VM_STAT", err);
			error_free(err);
		} else {
			print_counters(km, &c, longest(&c, 0), false);
			vm_counters_free(&c);
		}
		fprintf(km->out, "\n\n");
	}
	meminfo_zones_free(z, n);
}

int cmd_kmem(struct session *s, int argc, char **argv)
{
	struct kmem km = { .s = s, .out = s->out };
	bool info = false, vm_stat = false, zones = false, slabs = false;
	bool verbose = false;
	const char *want = NULL;
	uint64_t want_addr = 0;
	bool list = false;
	int c;

	optind = 0;
	/* the classic crash's options: those we do not have say so */
	while ((c = getopt(argc, argv, "gI:sS::rFfm:pvczCinl:L:PVoh")) != -1) {
		switch (c) {
		case 'i': info = true; break;
		case 'V': vm_stat = true; break;
		case 'z': zones = true; break;
		/* -s and -S: the last given counts, as in the classic crash */
		case 's': slabs = true; verbose = false; break;
		case 'S':
			if (optarg) {
				fprintf(stderr, "kmem: -S%s: choosing cpus is "
					"not supported yet\n", optarg);
				return 1;
			}
			slabs = verbose = true;
			break;
		case '?':
			command_usage(s->out, "kmem");
			return 1;
		default:
			fprintf(stderr, "kmem: -%c: not supported yet\n", c);
			return 1;
		}
	}
	if (info + vm_stat + slabs > 1) {
		fprintf(stderr, "kmem: only one flag allowed!\n");
		command_usage(s->out, "kmem");
		return 1;
	}
	for (; slabs && optind < argc; optind++) {
		const char *a = argv[optind];

		if (is_hex(a)) {
			if (want_addr) {
				fprintf(stderr, "kmem: %s: only one address "
					"is supported\n", a);
				return 1;
			}
			want_addr = strtoull(a, NULL, 16);
			continue;
		}
		if (want) {
			fprintf(stderr, "kmem: only one kmem_cache reference "
				"is allowed\n");
			return 1;
		}
		/* "\\list": the cache named list, not the list */
		if (a[0] == '\\')
			want = a + 1;
		else if (!strcmp(a, "list"))
			list = true;
		else
			want = a;
	}
	if (list && (want || want_addr)) {
		fprintf(stderr, "kmem: only one kmem_cache reference is "
			"allowed\n");
		return 1;
	}
	if (optind < argc) {
		if (info || vm_stat || zones) {
			fprintf(stderr, "kmem: no address arguments allowed "
				"with this option\n");
			command_usage(s->out, "kmem");
		} else {
			fprintf(stderr, "kmem: %s: looking up an address is "
				"not supported yet\n", argv[optind]);
		}
		return 1;
	}
	if (!info && !vm_stat && !zones && !slabs) {
		command_usage(s->out, "kmem");
		return 1;
	}
	if (!s->vmem || !s->debuginfo) {
		fprintf(stderr, "kmem: needs the vmlinux and kernel memory\n");
		return 1;
	}
	km.page_size = s->vmem->page_size;
	if (info)
		print_info(&km);
	if (slabs && !interrupted())
		print_slabs(&km, want, want_addr, list, verbose);
	if (zones && !interrupted())
		print_zones(&km);
	if (vm_stat && !interrupted())
		print_vm_stats(&km);
	return km.rc;
}
