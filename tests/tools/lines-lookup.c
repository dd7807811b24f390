/*
 * lines-lookup: the source line of kernel addresses, through our reader
 * (src/symbols/lines.c over dwarf_lines.c) and through libdw, for
 * tests/cmd/lines_check.py and for poking at real kernels by hand.
 *
 *   lines-lookup [OPTIONS] VMLINUX [ADDR...]
 *
 * Addresses (hex, link-time) come from the arguments or, if there are none,
 * from stdin, one a line.  Each gives one line: ADDR <tab> OURS <tab> LIBDW,
 * each answer "FILE:LINE", or "-" when there is none.
 *
 *   --ours        only our reader (LIBDW is "?"): peak RSS is ours alone
 *   --libdw       only libdw (OURS is "?")
 *   --no-aranges  our reader as if the file had no .debug_aranges (the walk
 *                 over the unit headers finds the units)
 *
 * Then on stderr: "rss_before_kb N" (after opening the vmlinux), "rss_kb N"
 * (peak, VmHWM), "seconds S" (the lookups).
 *
 * The libdw answer: dwarf_addrdie, then of dwarf_getsrclines' rows the one
 * GDB (and so the classic crash) answers with: at the highest address not
 * above ADDR, the last statement row there, else the last row; its
 * dwarf_linesrc name joined to the unit's DW_AT_comp_dir when relative.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/symbols/dwarf_lines.h"
#include "../../src/symbols/dwarf_lines_read.h"
#include "../../src/symbols/lines.h"
#include "../../src/symbols/vmlinux.h"
#include "../../src/util/error.h"

static long status_kb(const char *key)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			kb = atol(line + strlen(key) + 1);
	fclose(f);
	return kb;
}

static bool libdw_row(Dwarf_Die *cu, uint64_t addr, Dwarf_Line **ret)
{
	Dwarf_Lines *rows;
	Dwarf_Line *best = NULL;
	Dwarf_Addr best_addr = 0;
	bool best_stmt = false;
	size_t n, i;

	if (dwarf_getsrclines(cu, &rows, &n))
		return false;
	for (i = 0; i < n; i++) {
		Dwarf_Line *row = dwarf_onesrcline(rows, i);
		Dwarf_Addr a;
		bool stmt = false, end = false;

		if (!row || dwarf_lineaddr(row, &a) || a > addr ||
		    dwarf_linebeginstatement(row, &stmt) ||
		    dwarf_lineendsequence(row, &end) || end)
			continue;
		/* GDB's choice: the highest address; there, the last
		 * statement row, else the last row */
		if (!best || a > best_addr ||
		    (a == best_addr && (stmt || !best_stmt))) {
			best = row;
			best_addr = a;
			best_stmt = stmt;
		}
	}
	*ret = best;
	return best != NULL;
}

static void libdw_answer(Dwarf *dw, uint64_t addr, char *buf, size_t size)
{
	Dwarf_Attribute attr;
	const char *name, *dir;
	Dwarf_Line *row;
	Dwarf_Die cu;
	int line;

	snprintf(buf, size, "-");
	if (!dwarf_addrdie(dw, addr, &cu) || !libdw_row(&cu, addr, &row) ||
	    dwarf_lineno(row, &line) ||
	    !(name = dwarf_linesrc(row, NULL, NULL)))
		return;
	dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &attr));
	if (name[0] != '/' && dir && dir[0])
		snprintf(buf, size, "%s/%s:%d", dir, name, line);
	else
		snprintf(buf, size, "%s:%d", name, line);
}

/* Our answer without .debug_aranges: dwarf_lines directly, joined the way
 * lines.c joins it. */
static void bare_answer(struct dwarf_lines *dl, uint64_t addr, char *buf,
			size_t size)
{
	struct dwarf_line_info i;
	struct error *err = dwarf_lines_lookup(dl, addr, &i);
	const char *dir, *sep;

	if (err) {
		error_free(err);
		snprintf(buf, size, "-");
		return;
	}
	dir = i.dir ? i.dir : "";
	sep = i.dir ? "/" : "";
	if ((i.dir ? i.dir : i.name)[0] != '/' && i.comp_dir && i.comp_dir[0])
		snprintf(buf, size, "%s/%s%s%s:%d", i.comp_dir, dir, sep,
			 i.name, i.line);
	else
		snprintf(buf, size, "%s%s%s:%d", dir, sep, i.name, i.line);
}

static void sec(const struct vmlinux *vm, const char *name,
		struct dwarf_lines_sec *out)
{
	const struct vmlinux_section *s = vmlinux_section_by_name(vm, name);

	memset(out, 0, sizeof(*out));
	if (s && s->data && !(s->flags & SHF_COMPRESSED)) {
		out->data = s->data;
		out->size = s->size;
	}
}

static struct error *open_bare(const struct vmlinux *vm,
			       struct dwarf_lines **ret)
{
	struct dwarf_lines_sections s = {
		.big_endian = vm->big_endian,
		.path = vm->path,
		.map = vm->map,
		.map_size = vm->map_size,
		.droppable = dwarf_lines_file_mapping(vm->map, vm->map_size),
	};

	sec(vm, ".debug_info", &s.info);
	sec(vm, ".debug_abbrev", &s.abbrev);
	sec(vm, ".debug_line", &s.line);
	sec(vm, ".debug_str", &s.str);
	sec(vm, ".debug_line_str", &s.line_str);
	sec(vm, ".debug_str_offsets", &s.str_offsets);
	sec(vm, ".debug_addr", &s.addr);
	sec(vm, ".debug_ranges", &s.ranges);
	sec(vm, ".debug_rnglists", &s.rnglists);
	return dwarf_lines_open_sections(&s, ret);
}

static int fail(struct error *err)
{
	fprintf(stderr, "lines-lookup: %s\n", err->message);
	error_free(err);
	return 1;
}

int main(int argc, char **argv)
{
	bool ours = true, libdw = true, bare = false, from_args;
	struct dwarf_lines *dl = NULL;
	struct lines *l = NULL;
	struct vmlinux *vm;
	struct error *err;
	struct timespec t0, t1;
	char line[128];
	Dwarf *dw = NULL;
	int i = 1, rc = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--ours")) {
			libdw = false;
		} else if (!strcmp(argv[i], "--libdw")) {
			ours = false;
		} else if (!strcmp(argv[i], "--no-aranges")) {
			bare = true;
		} else {
			fprintf(stderr, "lines-lookup: unknown option %s\n",
				argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: lines-lookup [--ours|--libdw] "
			"[--no-aranges] VMLINUX [ADDR...]\n");
		return 2;
	}
	err = vmlinux_open(argv[i++], &vm);
	if (err)
		return fail(err);
	from_args = i < argc;
	fprintf(stderr, "rss_before_kb %ld\n", status_kb("VmRSS:"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ours) {
		err = bare ? open_bare(vm, &dl) : lines_open(vm, &l);
		if (err)
			return fail(err);
	}
	if (libdw) {
		dw = dwarf_begin_elf(vm->elf, DWARF_C_READ, NULL);
		if (!dw) {
			fprintf(stderr, "lines-lookup: libdw: %s\n",
				dwarf_errmsg(-1));
			return 1;
		}
	}
	for (;;) {
		char mine[4200] = "?", theirs[4200] = "?";
		const char *arg;
		uint64_t addr;
		char *end;

		if (from_args) {
			if (i >= argc)
				break;
			arg = argv[i++];
		} else if (fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, "\r\n")] = '\0';
			if (!line[0])
				continue;
			arg = line;
		} else {
			break;
		}
		addr = strtoull(arg, &end, 16);
		if (*end) {
			fprintf(stderr, "lines-lookup: bad address %s\n", arg);
			rc = 1;
			continue;
		}
		if (l) {
			const char *file;
			int n;

			err = lines_lookup(l, addr, &file, &n);
			if (err)
				snprintf(mine, sizeof(mine), "-");
			else
				snprintf(mine, sizeof(mine), "%s:%d", file, n);
			error_free(err);
		} else if (dl) {
			bare_answer(dl, addr, mine, sizeof(mine));
		}
		if (dw)
			libdw_answer(dw, addr, theirs, sizeof(theirs));
		printf("%016" PRIx64 "\t%s\t%s\n", addr, mine, theirs);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fflush(stdout);
	fprintf(stderr, "rss_kb %ld\nseconds %.3f\n", status_kb("VmHWM:"),
		(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	lines_close(l);
	dwarf_lines_close(dl);
	if (dw)
		dwarf_end(dw);
	vmlinux_close(vm);
	return rc;
}
