/*
 * The program crash-dump (its main is crash_dump_run, so the unit tests
 * can run it too): write a kdump-compressed (or ELF) dump from /proc/vmcore or
 * any ELF vmcore, filtered by dump level and compressed in parallel.
 * Options and exit codes follow makedumpfile where the two overlap.
 *
 *   crash-dump [-c|-l|-p|-z] [-d LEVEL] [--num-threads N] VMCORE DUMPFILE
 *   crash-dump -F [-c|-l|-p|-z] [-d LEVEL] VMCORE > DUMPFILE.flat
 *   crash-dump -E [-d LEVEL] VMCORE DUMPFILE
 *   crash-dump --split [-c|-l|-p|-z] [-d LEVEL] VMCORE DUMPFILE1 DUMPFILE2...
 *
 * Exit status: 0 when the dump is complete, 1 on any failure (a dump cut
 * short by a full disk is kept, marked incomplete, and still exits 1).
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/dump/decompress.h"
#include "../src/dump/vmcoreinfo.h"
#include "../src/util/error.h"
#include "dump_writer.h"
#include "elf_out.h"
#include "kdump_out.h"
#include "out_file.h"
#include "page_filter.h"
#include "vmcore_input.h"

#define VERSION "0.1"

static const char usage_text[] =
"usage: crash-dump [-c|-l|-p|-z] [-d LEVEL] [-E] [--num-threads N] VMCORE DUMPFILE\n"
"       crash-dump -F [-c|-l|-p|-z] [-d LEVEL] [-E] VMCORE > DUMPFILE\n"
"       crash-dump --split [-c|-l|-p|-z] [-d LEVEL] VMCORE DUMPFILE1 DUMPFILE2...\n"
"       crash-dump -h | -v\n"
"\n"
"Write a kernel crash dump from VMCORE (/proc/vmcore, or any ELF vmcore)\n"
"to DUMPFILE in the kdump-compressed format, as makedumpfile does.\n"
"\n"
"  -c, -l, -p, -z   compress pages with zlib, lzo, snappy or zstd\n"
"                   (default: no compression)\n"
"  -d LEVEL         leave out pages, adding up: 1 zero pages, 2 page cache,\n"
"                   4 page cache with private data, 8 user process data,\n"
"                   16 free pages (0..31, default 0); decided from the\n"
"                   kernel's VMCOREINFO, no vmlinux needed\n"
"  -E               write an ELF vmcore instead\n"
"  -F               write the flattened format to standard output (for a\n"
"                   pipe, e.g. ssh); makedumpfile -R or crash read it\n"
"  --split          split the dump into one file per DUMPFILE\n"
"  --num-threads N  compress with N threads (default: the CPUs this\n"
"                   process may use; with one CPU, or without\n"
"                   compression, all is done in one thread)\n"
"  -h, --help       this help\n"
"  -v, --version    the version\n"
"\n"
"DUMPFILE is written as DUMPFILE.tmp and renamed when complete.  On a full\n"
"disk or a write error what was written is kept as DUMPFILE, marked\n"
"incomplete in its header, and the exit status is 1.  A page of VMCORE\n"
"that cannot be read is left out of the dump, with a warning.\n";

static int usage_error(const char *why)
{
	fprintf(stderr, "crash-dump: %s\n%s", why, usage_text);
	return 1;
}

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case 62: return "x86_64";
	case 183: return "aarch64";
	case 21: return "ppc64";
	case 22: return "s390x";
	case 243: return "riscv64";
	}
	return "unknown";
}

/* The CPUs this process may run on (taskset, cgroups' cpusets), 1 to 64. */
static int usable_cpus(void)
{
	cpu_set_t set;
	long n;

	if (!sched_getaffinity(0, sizeof(set), &set))
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Frames of bitmap 2 split into nparts ranges of about equal counts. */
static void split_ranges(const struct page_bitmaps *pb, int nparts,
			 uint64_t *bounds)
{
	uint64_t total = bitmap_count(pb->bitmap2, 0, pb->max_pfn);
	uint64_t pfn = 0, seen = 0;
	int k;

	bounds[0] = 0;
	for (k = 1; k < nparts; k++) {
		uint64_t want = total * (uint64_t)k / (uint64_t)nparts;

		while (pfn < pb->max_pfn && seen < want)
			seen += bitmap_test(pb->bitmap2, pfn++);
		bounds[k] = pfn;
	}
	bounds[nparts] = pb->max_pfn;
}

static void report(const char *vmcore, struct page_bitmaps *pb,
		   const struct kdump_result *res, int level,
		   unsigned int method, int threads, uint64_t bytes,
		   const double *t, bool elf)
{
	const struct filter_counts *c = &pb->counts;

	fprintf(stderr, "crash-dump: %s: dump level %d, %s, %s, %d thread%s\n",
		vmcore, level, elf ? "ELF" : "kdump-compressed",
		compression_name(method), threads, threads == 1 ? "" : "s");
	fprintf(stderr, "  page frames: %llu of RAM; left out: %llu zero, "
		"%llu cache, %llu cache private, %llu user, %llu free, "
		"%llu hwpoison, %llu offline, %llu not in VMCORE, "
		"%llu unreadable\n",
		(unsigned long long)c->ram, (unsigned long long)res->zero,
		(unsigned long long)c->cache,
		(unsigned long long)c->cache_private,
		(unsigned long long)c->user, (unsigned long long)c->free,
		(unsigned long long)c->hwpoison,
		(unsigned long long)c->offline,
		(unsigned long long)c->nodata,
		(unsigned long long)res->unreadable);
	fprintf(stderr, "  written: %llu pages, %llu bytes in %.2f s "
		"(choosing pages %.2f s, copying %.2f s, syncing %.2f s)\n",
		(unsigned long long)res->stored, (unsigned long long)bytes,
		t[3] - t[0], t[1] - t[0], t[2] - t[1], t[3] - t[2]);
	if (!elf)
		fprintf(stderr, "  input: %llu pages used where mapped, %llu "
			"read with pread%s%s%s\n",
			(unsigned long long)res->mapped,
			(unsigned long long)res->read,
			res->no_map ? " (" : "", res->no_map ? res->no_map : "",
			res->no_map ? ")" : "");
}

int crash_dump_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "split", no_argument, NULL, 'S' },
		{ "num-threads", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int method = 0;
	int level = 0, threads = 0, opt, nout, i;
	bool flat = false, elf = false, split = false;
	struct vmcore_input *in = NULL;
	struct page_bitmaps *pb = NULL;
	struct kdump_result res = { 0 };
	struct progress prog = { 0 };
	struct out_file *outs = NULL;
	struct kdump_job *jobs = NULL;
	uint64_t *bounds = NULL, total, bytes = 0;
	int opened, status = 1, cpus;
	struct error *err = NULL;
	const char *vmcore;
	char **dumpfiles;
	int64_t crashtime;
	double t[4] = { now_seconds() };	/* start, filtered, copied, done */
	char *end;
	long v;

	optind = 0;	/* getopt starts afresh at each call */
	while ((opt = getopt_long(argc, argv, "clpzd:EFhv", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'c': method = KDUMP_ZLIB; break;
		case 'l': method = KDUMP_LZO; break;
		case 'p': method = KDUMP_SNAPPY; break;
		case 'z': method = KDUMP_ZSTD; break;
		case 'd':
			errno = 0;
			v = strtol(optarg, &end, 0);
			if (errno || *end || end == optarg || v < 0 ||
			    v > DL_MAX)
				return usage_error("-d takes a dump level from 0 to 31");
			level = (int)v;
			break;
		case 'E': elf = true; break;
		case 'F': flat = true; break;
		case 'S': split = true; break;
		case 'T':
			errno = 0;
			v = strtol(optarg, &end, 0);
			if (errno || *end || end == optarg || v < 1 || v > 256)
				return usage_error("--num-threads takes 1 to 256");
			threads = (int)v;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'v':
			printf("crash-dump %s (kdump-compressed writer of the "
			       "crash project)\n", VERSION);
			return 0;
		default:
			return usage_error("unknown option");
		}
	}
	if (elf && method)
		return usage_error("-E writes uncompressed ELF: drop -c/-l/-p/-z");
	if (split && (flat || elf))
		return usage_error("--split writes kdump-compressed files: not with -F "
			  "or -E");
	nout = argc - optind - 1;
	if (nout < 0 || (flat && nout != 0) || (!flat && !split && nout != 1) ||
	    (split && nout < 2))
		return usage_error(flat ? "-F takes VMCORE only (the dump goes to "
			  "standard output)" : split ? "--split takes VMCORE "
			  "and two or more DUMPFILEs" : "give VMCORE and "
			  "DUMPFILE");
	if (flat && isatty(STDOUT_FILENO))
		return usage_error("-F writes binary data to standard output, which is "
			  "a terminal: redirect it");
	vmcore = argv[optind];
	dumpfiles = flat ? (char *[]){ "-" } : argv + optind + 1;
	if (flat)
		nout = 1;
	cpus = usable_cpus();
	if (!threads)
		threads = cpus;
	signal(SIGXFSZ, SIG_IGN);	/* a file size limit is ENOSPC */
	signal(SIGPIPE, SIG_IGN);

	err = vmcore_input_open(vmcore, &in);
	if (err)
		goto fail;
	if (in->truncated)
		fprintf(stderr, "crash-dump: warning: %s ends before its last "
			"PT_LOAD's data: the missing pages are left out\n",
			vmcore);
	err = page_filter_run(in, level, &pb);
	if (err)
		goto fail;
	t[1] = now_seconds();
	for (i = 0; i < pb->nwarnings; i++)
		fprintf(stderr, "crash-dump: warning: %s\n", pb->warnings[i]);
	if (!pb->have_utsname) {
		const char *rel = vmcoreinfo_get(in->vmcoreinfo, "OSRELEASE");

		snprintf(pb->utsname[0], 65, "Linux");
		snprintf(pb->utsname[2], 65, "%s", rel ? rel : "");
		snprintf(pb->utsname[4], 65, "%s", machine_name(in->machine));
	}
	if (!vmcoreinfo_number(in->vmcoreinfo, "CRASHTIME", &crashtime))
		crashtime = (int64_t)time(NULL);

	total = bitmap_count(pb->bitmap2, 0, pb->max_pfn);
	prog.on = isatty(STDERR_FILENO);
	prog.total = total;
	prog.started = now_seconds();
	outs = calloc((size_t)nout, sizeof(*outs));
	jobs = calloc((size_t)nout, sizeof(*jobs));
	bounds = calloc((size_t)nout + 1, sizeof(*bounds));
	if (!outs || !jobs || !bounds) {
		err = error_nomem();
		goto fail;
	}
	split_ranges(pb, nout, bounds);
	for (i = 0; i < nout; i++) {
		struct kdump_job *j = &jobs[i];

		j->in = in;
		j->pb = pb;
		j->level = level;
		j->method = method;
		j->threads = threads;
		j->cpus = cpus;
		j->timestamp = crashtime;
		j->split = split;
		j->start_pfn = bounds[i];
		j->end_pfn = bounds[i + 1];
		j->desc_room = total;
		j->progress = &prog;
		outs[i].fd = -1;
	}
	for (opened = 0; opened < nout && !err; opened++) {
		err = out_open(&outs[opened], dumpfiles[opened], flat);
		if (!err)
			err = elf ? elf_write(&outs[opened], &jobs[opened], &res)
				  : kdump_write(&outs[opened], &jobs[opened],
						&res);
		bytes += outs[opened].bytes;
	}
	progress_update(&prog, 0, true);
	t[2] = now_seconds();
	if (res.unreadable)
		fprintf(stderr, "crash-dump: warning: %llu page%s of %s could "
			"not be read and %s left out of the dump (the first: "
			"%s)\n", (unsigned long long)res.unreadable,
			res.unreadable == 1 ? "" : "s", vmcore,
			res.unreadable == 1 ? "is" : "are",
			res.first_unreadable);
	if (err) {
		fprintf(stderr, "crash-dump: %s\n", err->message);
		error_free(err);
		err = NULL;
		/* Keep what was written.  The header has said "incomplete"
		 * since the start; rewrite it with bitmap 2 so that the two
		 * agree with what is there. */
		for (i = 0; i < opened; i++) {
			struct error *e2 = NULL;

			if (!outs[i].path)
				continue;
			if (!flat && outs[i].fd >= 0)
				e2 = elf ? elf_finalize(&outs[i], false)
					 : kdump_finalize(&outs[i], &jobs[i],
							  false);
			if (e2) {
				fprintf(stderr, "crash-dump: marking %s "
					"incomplete: %s\n", outs[i].tmp_path,
					e2->message);
				error_free(e2);
			}
			if (!flat)
				fprintf(stderr, "crash-dump: %s is incomplete "
					"(%llu bytes written, marked so in its "
					"header); crash can still read what it "
					"holds\n", outs[i].path,
					(unsigned long long)outs[i].bytes);
			out_keep_partial(&outs[i]);
		}
		goto out;
	}
	for (i = 0; i < nout && !err; i++) {
		if (!flat)
			err = elf ? elf_finalize(&outs[i], true)
				  : kdump_finalize(&outs[i], &jobs[i], true);
		else if (res.unreadable && !elf)
			/* bitmap 2 changed after it went out: send it again */
			err = kdump_finalize(&outs[i], &jobs[i], true);
		if (!err)
			err = out_finish(&outs[i]);
	}
	if (err) {
		for (i = 0; i < nout; i++)
			if (outs[i].path)
				out_keep_partial(&outs[i]);
		goto fail;
	}
	t[3] = now_seconds();
	/* (kdump_write compresses in threads when it has more than one CPU
	 * and something to compress: the same rule) */
	report(vmcore, pb, &res, level, method,
	       !elf && cpus > 1 && method ? threads : 1, bytes, t, elf);
	status = 0;
	goto out;
fail:
	fprintf(stderr, "crash-dump: %s\n", err->message);
	error_free(err);
out:
	free(res.first_unreadable);
	free(res.no_map);
	free(outs);
	free(jobs);
	free(bounds);
	page_bitmaps_free(pb);
	vmcore_input_close(in);
	return status;
}
