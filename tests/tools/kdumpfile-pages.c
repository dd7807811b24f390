/*
 * kdumpfile-pages: list every physical page that libkdumpfile can read
 * from a dump, as "PFN HASH" lines (both 16 hex digits, zero-padded so
 * that text order is pfn order and join(1)/comm(1) work), pfn ascending.
 * HASH is the 64-bit FNV-1a of the page.  It is the independent peer of
 * dump-pages, which prints the same through our own reader: the test
 * suite compares the two.  It links only libkdumpfile, never libcrash,
 * so that a bug in our code cannot show up on both sides.
 *
 *   kdumpfile-pages [-a ARCH] [--zero-excluded] [--pagemap] FILE...
 *
 * Several files are one dump (a split set).  -a sets arch.name for dumps
 * whose header does not say it (QEMU kdump files, ELF without
 * VMCOREINFO).  By default every pfn below max_pfn is tried; --pagemap
 * tries only the pages libkdumpfile's file.pagemap marks present.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

static uint64_t fnv1a64(const unsigned char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void usage(void)
{
	fprintf(stderr, "usage: kdumpfile-pages [-a ARCH] [--zero-excluded] "
		"[--pagemap] FILE...\n");
	exit(2);
}

/* Counts of failed reads, by libkdumpfile status. */
struct tally {
	uint64_t read;
	uint64_t failed[16];
	int reported;		/* non-NODATA errors printed so far */
};

static int read_page(kdump_ctx_t *ctx, uint64_t pfn, size_t psize,
		     unsigned char *buf, struct tally *t)
{
	size_t len = psize;
	kdump_status st;

	st = kdump_read(ctx, KDUMP_MACHPHYSADDR, pfn * psize, buf, &len);
	if (st == KDUMP_OK) {
		printf("%016" PRIx64 " %016" PRIx64 "\n", pfn,
		       fnv1a64(buf, psize));
		t->read++;
		return 0;
	}
	t->failed[(unsigned)st < 16 ? (unsigned)st : 15]++;
	/* NODATA is the normal "not in this dump"; anything else is worth
	 * seeing, but a damaged file could say it for every page. */
	if (st != KDUMP_ERR_NODATA && t->reported++ < 10)
		fprintf(stderr, "kdumpfile-pages: pfn 0x%" PRIx64 ": %s\n",
			pfn, kdump_get_err(ctx));
	return -1;
}

/* Open the files as one dump; NULL (after saying why) if that fails.
 * libkdumpfile keeps using the descriptors: *fds must stay open. */
static kdump_ctx_t *open_dump(char **paths, int n, int *fds,
			      const char *arch, int zero_excluded)
{
	kdump_ctx_t *ctx = kdump_new();
	const char *what = "";
	int k;

	if (!ctx) {
		fprintf(stderr, "kdumpfile-pages: out of memory\n");
		return NULL;
	}
	/* Set before opening: the format code reads them while it opens. */
	if (arch && kdump_set_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, arch)) {
		what = "arch.name";
		goto fail;
	}
	if (zero_excluded &&
	    kdump_set_number_attr(ctx, KDUMP_ATTR_ZERO_EXCLUDED, 1)) {
		what = "file.zero_excluded";
		goto fail;
	}
	for (k = 0; k < n; k++) {
		fds[k] = open(paths[k], O_RDONLY);
		if (fds[k] < 0) {
			fprintf(stderr, "kdumpfile-pages: %s: %s\n", paths[k],
				strerror(errno));
			kdump_free(ctx);
			return NULL;
		}
	}
	if (kdump_open_fdset(ctx, (unsigned)n, fds) == KDUMP_OK)
		return ctx;
	what = n > 1 ? " (split set): cannot open" : ": cannot open";
	fprintf(stderr, "kdumpfile-pages: %s%s: %s\n", paths[0], what,
		kdump_get_err(ctx));
	kdump_free(ctx);
	return NULL;
fail:
	fprintf(stderr, "kdumpfile-pages: %s: %s\n", what, kdump_get_err(ctx));
	kdump_free(ctx);
	return NULL;
}

/* Read and print the pages; returns max_pfn, or 0 after an error. */
static uint64_t list_pages(kdump_ctx_t *ctx, int use_pagemap, size_t psize,
			   unsigned char *buf, struct tally *t)
{
	kdump_num_t max_pfn = 0;
	kdump_addr_t idx = 0;
	kdump_attr_t attr;

	if (!use_pagemap && kdump_get_number_attr(ctx, "max_pfn", &max_pfn))
		use_pagemap = 1;	/* no max_pfn: the pagemap must do */
	if (!use_pagemap) {
		for (idx = 0; idx < max_pfn; idx++)
			read_page(ctx, idx, psize, buf, t);
		return max_pfn;
	}
	if (kdump_get_attr(ctx, KDUMP_ATTR_FILE_PAGEMAP, &attr) ||
	    attr.type != KDUMP_BITMAP) {
		fprintf(stderr, "kdumpfile-pages: neither max_pfn nor "
			"file.pagemap: %s\n", kdump_get_err(ctx));
		return 0;
	}
	kdump_bmp_incref(attr.val.bitmap);
	while (kdump_bmp_find_set(attr.val.bitmap, &idx) == KDUMP_OK) {
		read_page(ctx, idx, psize, buf, t);
		if (idx >= max_pfn)
			max_pfn = idx + 1;
		idx++;
	}
	kdump_bmp_decref(attr.val.bitmap);
	return max_pfn;
}

int main(int argc, char **argv)
{
	const char *arch = NULL, *fmt = "?";
	int zero_excluded = 0, use_pagemap = 0, ret = 1;
	int i, k, nfiles, *fds;
	kdump_ctx_t *ctx;
	kdump_num_t psize = 0;
	unsigned char *buf = NULL;
	struct tally t = { 0 };
	uint64_t max_pfn;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-a") && i + 1 < argc)
			arch = argv[++i];
		else if (!strcmp(argv[i], "--zero-excluded"))
			zero_excluded = 1;
		else if (!strcmp(argv[i], "--pagemap"))
			use_pagemap = 1;
		else
			usage();
	}
	nfiles = argc - i;
	if (nfiles < 1)
		usage();
	fds = malloc((size_t)nfiles * sizeof(*fds));
	if (!fds)
		return 1;
	for (k = 0; k < nfiles; k++)
		fds[k] = -1;
	ctx = open_dump(argv + i, nfiles, fds, arch, zero_excluded);
	if (!ctx)
		goto out;
	if (kdump_get_number_attr(ctx, KDUMP_ATTR_PAGE_SIZE, &psize) ||
	    !psize) {
		fprintf(stderr, "kdumpfile-pages: no page size: %s\n",
			kdump_get_err(ctx));
		goto out;
	}
	kdump_get_string_attr(ctx, KDUMP_ATTR_FILE_FORMAT, &fmt);
	buf = malloc(psize);
	if (!buf)
		goto out;
	max_pfn = list_pages(ctx, use_pagemap, psize, buf, &t);
	if (!max_pfn)
		goto out;
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "kdumpfile-pages: write error\n");
		goto out;
	}
	fprintf(stderr, "kdumpfile-pages: %s, page size %" PRIu64
		", max_pfn 0x%" PRIx64 ": %" PRIu64 " pages read",
		fmt, (uint64_t)psize, max_pfn, t.read);
	for (int s = 1; s < 16; s++)
		if (t.failed[s])
			fprintf(stderr, ", %" PRIu64 " %s", t.failed[s],
				kdump_strerror((kdump_status)s));
	fputc('\n', stderr);
	ret = 0;
out:
	free(buf);
	if (ctx)
		kdump_free(ctx);
	for (k = 0; k < nfiles; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	free(fds);
	return ret;
}
