/* The dump writer (capture/) on synthetic ELF vmcores: every output kind
 * and compression read back through our readers, and bad input: no
 * VMCOREINFO, not ELF, cut short, a full disk. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../capture/dump_writer.h"
#include "../../capture/elf_out.h"
#include "../../capture/kdump_out.h"
#include "../../capture/out_file.h"
#include "../../capture/page_filter.h"
#include "../../capture/vmcore_input.h"
#include "../../src/dump/decompress.h"
#include "../../src/dump/dump.h"
#include "../../src/util/error.h"
#include "synth_dump.h"
#include "test.h"

#define PS 4096

/* RAM from 0x1000 (page 0 a hole), a hole at 0x40000, a segment whose end
 * cuts a page (left out, as makedumpfile does), one with an excluded tail. */
static const struct synth_segment segs[] = {
	{ 0x1000, 0x3f000, 0 },
	{ 0x50000, 0x20c00, 0 },
	{ 0x80000, 0x8000, 0xc000 },
};
#define NSEGS (sizeof(segs) / sizeof(segs[0]))
/* Pages of zeros in the input. */
static const uint64_t zero_pfns[] = { 0x3, 0x4, 0x20, 0x55, 0x81 };
#define NZERO (sizeof(zero_pfns) / sizeof(zero_pfns[0]))

/* Save the synthetic vmcore (with its pages of zeros) as name. */
static const char *make_vmcore(const char *name, const char *vmcoreinfo,
			       struct synth_file *f)
{
	struct synth_elf_opts o = {
		.segs = segs, .nsegs = NSEGS, .nr_cpus = 2,
		.vmcoreinfo = vmcoreinfo,
	};
	struct synth_elf_layout lay;
	unsigned char zero[PS] = { 0 };
	size_t i, s;

	synth_elf(&o, f, &lay);
	for (i = 0; i < NZERO; i++) {
		uint64_t pa = zero_pfns[i] * PS;

		for (s = 0; s < NSEGS; s++)
			if (pa >= segs[s].paddr &&
			    pa + PS <= segs[s].paddr + segs[s].filesz)
				synth_put(f, lay.seg_offset[s] +
					  (pa - segs[s].paddr), zero, PS);
	}
	return synth_save(f, name);
}

/* Run crash-dump with stderr (and stdout, if out_path) redirected. */
static int run(const char *out_path, const char *const *args)
{
	char *argv[16];
	int argc = 0, saved_err = dup(2), saved_out = -1, rc, null;

	argv[argc++] = "crash-dump";
	while (*args && argc < 15)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	if (out_path) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		saved_out = dup(1);
		dup2(fd, 1);
		close(fd);
	}
	rc = crash_dump_run(argc, argv);
	fflush(stdout);
	dup2(saved_err, 2);
	close(saved_err);
	close(null);
	if (saved_out >= 0) {
		dup2(saved_out, 1);
		close(saved_out);
	}
	return rc;
}

static struct dump *open_n(const char *const *paths, int n)
{
	struct dump_options opts = { 0 };
	struct dump *d = NULL;
	struct error *err = dump_open(paths, n, &opts, &d);

	if (err) {
		test_fail(__FILE__, __LINE__, "%s: %s", paths[0],
			  err->message);
		error_free(err);
		return NULL;
	}
	return d;
}

/*
 * Every page frame of out must read as in the input: the same bytes, or
 * "not in the dump" where the input has no whole page (or where the ELF
 * output left out a page of zeros).  Returns the pages compared.
 */
static uint64_t check_same(struct dump *in, struct dump *out, bool elf_zero)
{
	unsigned char a[PS], b[PS];
	uint64_t pfn, same = 0;

	for (pfn = 0; pfn < in->max_pfn; pfn++) {
		struct error *ea = dump_read_phys(in, pfn * PS, a, PS);
		struct error *eb = dump_read_phys(out, pfn * PS, b, PS);

		if (ea) {
			if (!eb || !error_not_in_dump(eb))
				test_fail(__FILE__, __LINE__, "pfn 0x%llx: "
					  "input says \"%s\", output %s",
					  (unsigned long long)pfn, ea->message,
					  eb ? eb->message : "has it");
		} else if (eb) {
			bool zero = true;
			size_t i;

			for (i = 0; i < PS; i++)
				zero = zero && !a[i];
			if (!(elf_zero && zero))
				test_fail(__FILE__, __LINE__, "pfn 0x%llx: %s",
					  (unsigned long long)pfn,
					  eb->message);
		} else if (memcmp(a, b, PS)) {
			test_fail(__FILE__, __LINE__, "pfn 0x%llx differs",
				  (unsigned long long)pfn);
		} else {
			same++;
		}
		error_free(ea);
		error_free(eb);
	}
	return same;
}

static struct dump *open_input(const char *path)
{
	return open_n((const char *const[]){ path }, 1);
}

TEST(capture_every_compression_and_level)
{
	static const char *const methods[] = { NULL, "-c", "-l", "-p", "-z" };
	static const char *const names[] = { "none", "zlib", "lzo", "snappy",
					     "zstd" };
	static const char *const levels[] = { "0", "1", "31" };
	struct synth_file f;
	const char *vmcore = make_vmcore("cap-in.elf", synth_vmcoreinfo, &f);
	struct dump *in = open_input(vmcore);
	size_t m, l;

	for (m = 0; in && m < 5; m++) {
		for (l = 0; l < 3; l++) {
			char out[256];
			const char *args[8];
			int n = 0;
			struct dump *d;
			struct page_counts pc = { 0 };

			snprintf(out, sizeof(out), "%s.%s.d%s.kdump", vmcore,
				 names[m], levels[l]);
			if (methods[m])
				args[n++] = methods[m];
			args[n++] = "-d";
			args[n++] = levels[l];
			args[n++] = vmcore;
			args[n++] = out;
			args[n] = NULL;
			CHECK_EQ(run(NULL, args), 0);
			d = open_input(out);
			if (!d)
				continue;
			CHECK(d->incomplete == NULL);
			CHECK_EQ(d->dump_level, atoi(levels[l]));
			CHECK(strstr(d->description, m ? names[m]
					      : "uncompressed") != NULL);
			/* data pages (0x3f + 0x20 + 8 = 0x67 whole ones) */
			CHECK_EQ(check_same(in, d, false), 0x3f + 0x20 + 8);
			dump_count_pages(d, &pc);
			CHECK_EQ(pc.zero, l ? NZERO : 0);
			CHECK_EQ(pc.excluded, 4);	/* the excluded tail */
			dump_close(d);
			CHECK(access(out, F_OK) == 0);
			strcat(out, ".tmp");
			CHECK(access(out, F_OK) != 0);
		}
	}
	if (in)
		dump_close(in);
	synth_file_free(&f);
}

TEST(capture_flattened_split_elf)
{
	struct synth_file f;
	const char *vmcore = make_vmcore("cap-fse.elf", synth_vmcoreinfo, &f);
	struct dump *in = open_input(vmcore), *d;
	char flat[256], p1[256], p2[256], p3[256], elf[256];

	if (!in)
		return;
	snprintf(flat, sizeof(flat), "%s.flat", vmcore);
	CHECK_EQ(run(flat, (const char *const[]){ "-F", "-z", "-d", "31",
						    vmcore, NULL }), 0);
	d = open_input(flat);
	if (d) {
		CHECK(strstr(d->description, "flattened") != NULL);
		CHECK_EQ(check_same(in, d, false), 0x67);
		dump_close(d);
	}
	snprintf(p1, sizeof(p1), "%s.s1", vmcore);
	snprintf(p2, sizeof(p2), "%s.s2", vmcore);
	snprintf(p3, sizeof(p3), "%s.s3", vmcore);
	CHECK_EQ(run(NULL, (const char *const[]){ "--split", "-l", "-d", "1",
						   vmcore, p1, p2, p3, NULL }),
		 0);
	d = open_n((const char *const[]){ p3, p1, p2 }, 3);
	if (d) {
		CHECK(strstr(d->description, "split") != NULL);
		CHECK_EQ(check_same(in, d, false), 0x67);
		dump_close(d);
	}
	snprintf(elf, sizeof(elf), "%s.out.elf", vmcore);
	CHECK_EQ(run(NULL, (const char *const[]){ "-E", "-d", "1", vmcore,
						   elf, NULL }), 0);
	d = open_input(elf);
	if (d) {
		/* pages of zeros left out, every other page there */
		CHECK_EQ(check_same(in, d, true), 0x67 - NZERO);
		dump_close(d);
	}
	dump_close(in);
	synth_file_free(&f);
}

TEST(capture_without_vmcoreinfo)
{
	struct synth_file f;
	const char *vmcore = make_vmcore("cap-novi.elf", NULL, &f);
	struct dump *in = open_input(vmcore), *d;
	char out[256];
	struct page_counts pc = { 0 };

	if (!in)
		return;
	snprintf(out, sizeof(out), "%s.kdump", vmcore);
	/* -d 31 falls back to leaving out pages of zeros only */
	CHECK_EQ(run(NULL, (const char *const[]){ "-c", "-d", "31", vmcore,
						   out, NULL }), 0);
	d = open_input(out);
	if (d) {
		CHECK_EQ(check_same(in, d, false), 0x67);
		dump_count_pages(d, &pc);
		CHECK_EQ(pc.zero, NZERO);
		dump_close(d);
	}
	dump_close(in);
	synth_file_free(&f);
}

TEST(capture_bad_input)
{
	struct synth_file f = { 0 };
	const char *notelf, *vmcore;
	char out[256];
	struct dump *in, *d;

	synth_put(&f, 0, "this is not a vmcore\n", 21);
	notelf = synth_save(&f, "cap-notelf");
	snprintf(out, sizeof(out), "%s.kdump", notelf);
	CHECK_EQ(run(NULL, (const char *const[]){ notelf, out, NULL }), 1);
	CHECK(access(out, F_OK) != 0);
	strcat(out, ".tmp");
	CHECK(access(out, F_OK) != 0);
	CHECK_EQ(run(NULL, (const char *const[]){ "/nonexistent/vmcore", out,
						   NULL }), 1);
	synth_file_free(&f);

	/* Usage errors, as makedumpfile: status 1. */
	CHECK_EQ(run(NULL, (const char *const[]){ "-d", "32", notelf, out,
						   NULL }), 1);
	CHECK_EQ(run(NULL, (const char *const[]){ "-E", "-c", notelf, out,
						   NULL }), 1);
	CHECK_EQ(run(NULL, (const char *const[]){ notelf, NULL }), 1);

	/* Cut in the middle of the second segment's data: the pages that
	 * are gone are left out, the rest is there. */
	vmcore = make_vmcore("cap-cut.elf", synth_vmcoreinfo, &f);
	synth_resize(&f, f.size - 0x10000 - 0x8000);
	vmcore = synth_save(&f, "cap-cut.elf");
	in = open_input(vmcore);
	snprintf(out, sizeof(out), "%s.kdump", vmcore);
	CHECK_EQ(run(NULL, (const char *const[]){ "-l", "-d", "1", vmcore,
						   out, NULL }), 0);
	d = open_input(out);
	if (in && d) {
		struct page_counts pc = { 0 };

		CHECK(check_same(in, d, false) > 0x3f);
		dump_count_pages(d, &pc);
		CHECK(pc.excluded > 4);
		CHECK(d->incomplete == NULL);
	}
	if (d)
		dump_close(d);
	if (in)
		dump_close(in);
	synth_file_free(&f);
}

TEST(capture_full_disk)
{
	struct synth_file f;
	const char *vmcore = make_vmcore("cap-full.elf", synth_vmcoreinfo, &f);
	struct dump *in = open_input(vmcore), *d;
	char out[256];
	int status = -1;
	pid_t pid;

	if (!in)
		return;
	snprintf(out, sizeof(out), "%s.kdump", vmcore);
	/* A file size limit stands in for a full disk (EFBIG as ENOSPC):
	 * room for the headers and some pages, not all. */
	fflush(stdout);		/* or the child writes the buffer again */
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 0x30000, 0x30000 };

		setrlimit(RLIMIT_FSIZE, &rl);
		_exit(run(NULL, (const char *const[]){ "-d", "0", vmcore, out,
						       NULL }));
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	/* kept under its name, marked incomplete, and readable */
	d = open_input(out);
	if (d) {
		unsigned char a[PS], b[PS];
		uint64_t pfn, good = 0;

		CHECK(d->incomplete != NULL);
		for (pfn = 0; pfn < in->max_pfn; pfn++) {
			struct error *eb = dump_read_phys(d, pfn * PS, b, PS);
			struct error *ea = dump_read_phys(in, pfn * PS, a, PS);

			if (!eb && !ea) {
				CHECK(!memcmp(a, b, PS));
				good++;
			} else if (eb) {
				CHECK(error_not_in_dump(eb));
			}
			error_free(ea);
			error_free(eb);
		}
		CHECK(good > 0);
		CHECK(good < 0x67);
		dump_close(d);
	}
	dump_close(in);
	synth_file_free(&f);
}

/*
 * Write vmcore to out as crash-dump does, but with the input's pages past
 * cut (a file offset; 0: none) gone after it was opened, as when a file
 * shrinks or storage fails under a mapping (SIGBUS when touched), with
 * mmap or pread (map), one thread or several (cpus).
 */
static struct error *write_cut(const char *vmcore, const char *out,
			       unsigned int method, int level, int cpus,
			       bool map, uint64_t cut, struct kdump_result *res,
			       bool elf)
{
	struct vmcore_input *vi = NULL;
	struct page_bitmaps *pb = NULL;
	struct progress prog = { 0 };
	struct kdump_job job = { 0 };
	struct out_file of;
	struct error *err;

	memset(res, 0, sizeof(*res));
	err = vmcore_input_open(vmcore, &vi);
	if (err)
		return err;
	vi->can_map = map;
	err = page_filter_run(vi, level, &pb);
	if (!err && cut && truncate(vmcore, (off_t)cut) < 0)
		err = error_create(ERR_IO, "truncate %s", vmcore);
	if (err)
		goto out;
	job.in = vi;
	job.pb = pb;
	job.level = level;
	job.method = method;
	job.threads = job.cpus = cpus;
	job.end_pfn = pb->max_pfn;
	job.desc_room = bitmap_count(pb->bitmap2, 0, pb->max_pfn);
	job.progress = &prog;
	err = out_open(&of, out, false);
	if (!err)
		err = elf ? elf_write(&of, &job, res) : kdump_write(&of, &job, res);
	if (!err)
		err = elf ? elf_finalize(&of, true)
			  : kdump_finalize(&of, &job, true);
	if (!err)
		err = out_finish(&of);
	else
		out_discard(&of);
out:
	page_bitmaps_free(pb);
	vmcore_input_close(vi);
	return err;
}

static bool same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	bool same = fa && fb;
	int ca, cb;

	while (same) {
		ca = getc(fa);
		cb = getc(fb);
		same = ca == cb;
		if (ca == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* Mapped or read with pread, threaded or not: the same file. */
TEST(capture_mmap_and_pread_agree)
{
	static const unsigned int methods[] = { 0, KDUMP_LZO, KDUMP_ZSTD };
	struct synth_file f;
	const char *vmcore = make_vmcore("cap-agree.elf", synth_vmcoreinfo, &f);
	char ref[256], out[256];
	struct kdump_result res;
	size_t m;
	int cpus;

	snprintf(ref, sizeof(ref), "%s.pread", vmcore);
	snprintf(out, sizeof(out), "%s.mmap", vmcore);
	for (m = 0; m < 3; m++) {
		CHECK_OK(write_cut(vmcore, ref, methods[m], 1, 1, false, 0,
				   &res, false));
		free(res.first_unreadable);
		CHECK_EQ(res.unreadable, 0);
		CHECK_EQ(res.zero, NZERO);
		CHECK(res.no_map != NULL);	/* said why */
		free(res.no_map);
		CHECK_EQ(res.mapped, 0);
		CHECK_EQ(res.read, 0x67);
		for (cpus = 1; cpus <= 3; cpus++) {
			CHECK_OK(write_cut(vmcore, out, methods[m], 1, cpus,
					   true, 0, &res, false));
			free(res.first_unreadable);
			CHECK_EQ(res.unreadable, 0);
			CHECK(res.no_map == NULL);
			free(res.no_map);
			CHECK_EQ(res.mapped, 0x67);
			CHECK_EQ(res.read, 0);
			CHECK(same_file(ref, out));
		}
	}
	synth_file_free(&f);
}

/*
 * The input's last 4 pages (pfns 0x84-0x87, the end of the last segment)
 * go away after it was opened: through the mapping they fault (SIGBUS),
 * through pread they read short.  Either way they are left out as
 * unreadable, with the first one's address said, and every other page is
 * written as it was.
 */
TEST(capture_unreadable_pages)
{
	/* none, lzo, and (3) ELF output */
	static const unsigned int methods[] = { 0, KDUMP_LZO, 0 };
	struct synth_file f;
	const char *vmcore = make_vmcore("cap-gone-ref.elf", synth_vmcoreinfo,
					 &f);
	struct dump *in = open_input(vmcore), *d;
	const char *cut_path;
	char out[256];
	uint64_t cut = f.size - 4 * PS;
	size_t m;
	int level, cpus, map;

	cut_path = synth_save(&f, "cap-gone.elf");
	snprintf(out, sizeof(out), "%s.kdump", cut_path);
	for (m = 0; in && m < 3; m++)
	for (level = 0; level <= 1; level++)
	for (cpus = 1; cpus <= 2; cpus++)
	for (map = 0; map <= 1; map++) {
		struct kdump_result res;
		struct error *err;
		unsigned char a[PS], b[PS];
		uint64_t pfn, there = 0, gone = 0;

		synth_save(&f, "cap-gone.elf");		/* whole again */
		err = write_cut(cut_path, out, methods[m], level, cpus, map,
				cut, &res, m == 2);
		CHECK_OK(err);
		CHECK_EQ(res.unreadable, 4);
		CHECK(res.first_unreadable &&
		      strstr(res.first_unreadable, "0x84000"));
		if (map)
			CHECK(res.first_unreadable &&
			      strstr(res.first_unreadable, "SIGBUS"));
		free(res.first_unreadable);
		free(res.no_map);
		d = err ? NULL : open_input(out);
		if (!d)
			continue;
		CHECK(d->incomplete == NULL);
		for (pfn = 0; pfn < in->max_pfn; pfn++) {
			struct error *ea = dump_read_phys(in, pfn * PS, a, PS);
			struct error *eb = dump_read_phys(d, pfn * PS, b, PS);

			if (!ea && !eb) {
				CHECK(!memcmp(a, b, PS));
				there++;
			} else if (!ea && eb) {
				CHECK(error_not_in_dump(eb));
				if (m == 2 && level)	/* zero pages too */
					CHECK(pfn == 0x3 || pfn == 0x4 ||
					      pfn == 0x20 || pfn == 0x55 ||
					      pfn == 0x81 ||
					      (pfn >= 0x84 && pfn <= 0x87));
				else
					CHECK(pfn >= 0x84 && pfn <= 0x87);
				gone++;
			}
			error_free(ea);
			error_free(eb);
		}
		CHECK_EQ(there, 0x67 - 4 - (m == 2 && level ? NZERO : 0));
		CHECK_EQ(gone, 4 + (m == 2 && level ? NZERO : 0));
		dump_close(d);
	}
	if (in)
		dump_close(in);
	synth_file_free(&f);
}
