/*
 * dump-pages: list every physical page our dump layer can read, as
 * "PFN HASH" lines (16 zero-padded hex digits each, pfn ascending; HASH
 * is the 64-bit FNV-1a of the page) -- the same output as
 * kdumpfile-pages, so the two can be compared with join(1) or comm(1).
 *
 *   dump-pages [--zero-excluded] [--page-size N] FILE...
 *
 * --page-size lists N-byte pages instead of the dump's own (to compare
 * QEMU's arm64 kdump files, written in 64K blocks, with the ELF dump of
 * the same guest); a page any part of which is not in the dump is not
 * listed.
 * Several files are one split dump.  Every pfn below max_pfn is read
 * with dump_read_phys().  A page that is not in the dump (hole, excluded,
 * truncated) is skipped and counted; any other error means the reader
 * or the file is broken: it is printed, the scan goes on, and the exit
 * status is 1.  A summary goes to stderr.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/dump/dump.h"
#include "../../src/util/error.h"

static uint64_t fnv1a64(const unsigned char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int main(int argc, char **argv)
{
	struct dump_options opts = { 0 };
	struct page_counts pc;
	struct dump *d;
	struct error *err;
	uint64_t pfn, nread = 0, nhole = 0, nexcl = 0, ntrunc = 0, nbad = 0;
	unsigned char *buf;
	uint64_t unit = 0, max;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--zero-excluded")) {
			opts.zero_excluded = true;
		} else if (!strcmp(argv[i], "--page-size") && i + 1 < argc &&
			   (unit = strtoull(argv[i + 1], NULL, 0)) >= 512 &&
			   unit <= (1u << 24) && !(unit & (unit - 1))) {
			i++;
		} else {
			fprintf(stderr, "usage: dump-pages [--zero-excluded] "
				"[--page-size N] FILE...\n");
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: dump-pages [--zero-excluded] "
			"FILE...\n");
		return 2;
	}
	err = dump_open((const char *const *)argv + i, argc - i, &opts, &d);
	if (err) {
		fprintf(stderr, "dump-pages: %s\n", err->message);
		error_free(err);
		return 1;
	}
	if (!unit)
		unit = d->page_size;
	max = d->max_pfn * d->page_size / unit;
	buf = malloc(unit);
	if (!buf) {
		fprintf(stderr, "dump-pages: out of memory\n");
		dump_close(d);
		return 1;
	}
	for (pfn = 0; pfn < max; pfn++) {
		err = dump_read_phys(d, pfn * unit, buf, unit);
		if (!err) {
			printf("%016" PRIx64 " %016" PRIx64 "\n", pfn,
			       fnv1a64(buf, unit));
			nread++;
			continue;
		}
		switch (err->code) {
		case ERR_HOLE:
			nhole++;
			break;
		case ERR_EXCLUDED:
			nexcl++;
			break;
		case ERR_TRUNCATED:
			ntrunc++;
			break;
		default:
			/* A damaged file can fail every page: show a few. */
			if (nbad++ < 10)
				fprintf(stderr, "dump-pages: pfn 0x%" PRIx64
					": %s: %s\n", pfn,
					error_code_name(err->code),
					err->message);
		}
		error_free(err);
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "dump-pages: write error\n");
		nbad++;
	}
	dump_count_pages(d, &pc);
	fprintf(stderr, "dump-pages: %s, page size %" PRIu32 ", max_pfn 0x%"
		PRIx64 ": %" PRIu64 " pages read, %" PRIu64 " hole, %" PRIu64
		" excluded, %" PRIu64 " truncated, %" PRIu64 " errors; "
		"count_pages: %" PRIu64 " present, %" PRIu64 " zero, %" PRIu64
		" excluded, %" PRIu64 " missing\n",
		d->description ? d->description : d->format->name,
		(uint32_t)unit, max, nread, nhole, nexcl, ntrunc, nbad,
		pc.present, pc.zero, pc.excluded, pc.missing);
	free(buf);
	dump_close(d);
	return nbad ? 1 : 0;
}
