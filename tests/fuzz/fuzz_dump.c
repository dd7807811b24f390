/*
 * libFuzzer target: any bytes, opened as a dump file, must give an error or
 * a dump that can be described and read everywhere -- never a crash, a hang
 * or a sanitizer report.  The input goes through a real file because the
 * dump layer maps files; the flattened path is reached when the input starts
 * with its signature.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cmd/dumpinfo.h"
#include "../../src/dump/dump.h"
#include "../../src/util/error.h"

static char path[64];
static FILE *devnull;

static void read_everywhere(struct dump *d)
{
	unsigned char buf[8192];
	uint64_t pfn, step;
	struct page_counts pc;

	dump_count_pages(d, &pc);
	dumpinfo_print(devnull, d, DUMPINFO_ALL);
	/* At most ~256 pages, spread over the whole range, plus reads that
	 * straddle page boundaries. */
	step = d->max_pfn / 256 + 1;
	for (pfn = 0; pfn < d->max_pfn; pfn += step) {
		uint64_t pa = pfn * d->page_size;

		error_free(dump_read_phys(d, pa, buf, d->page_size <= sizeof(buf)
					  ? d->page_size : sizeof(buf)));
		error_free(dump_read_phys(d, pa + d->page_size - 8, buf, 16));
	}
	error_free(dump_read_phys(d, UINT64_MAX - 4, buf, 16));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *paths[1] = { path };
	struct dump_options opts = { .zero_excluded = size & 1 };
	struct dump *d;
	struct error *err;
	FILE *f;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/crash-fuzz-%d.dump",
			 (int)getpid());
		devnull = fopen("/dev/null", "w");
	}
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	err = dump_open(paths, 1, &opts, &d);
	if (err) {
		error_free(err);
		return 0;
	}
	read_everywhere(d);
	dump_close(d);
	return 0;
}
