/*
 * symtab-dump: look at a vmlinux through src/symbols, for the checks in
 * tests/cmd/symtab_check.py and for poking at real kernels by hand.
 *
 *   symtab-dump info VMLINUX         facts, one "key: value" a line
 *   symtab-dump syms VMLINUX         every symbol: ADDR TYPE NAME SIZE
 *   symtab-dump lookup VMLINUX ADDR...   ADDR NAME+OFF (or ADDR -)
 *   symtab-dump names VMLINUX NAME...    NAME ADDR TYPE (or NAME -)
 *   symtab-dump check-map VMLINUX < System.map
 *       for each "ADDR TYPE NAME" line: ADDR TYPE NAME BYNAME OURTYPE LOOKUP
 *       BYNAME: "same" if a symbol of that name has that address, else
 *       "other:ADDR" (the addresses it has) or "missing"; OURTYPE: the
 *       letter of that symbol ("-" if none); LOOKUP: NAME@ADDR of the
 *       lookup of ADDR, or "-"
 *   symtab-dump banner VMLINUX       linux_banner read from the file
 *   symtab-dump time VMLINUX [RUNS]  best vmlinux_open + symtab_load time
 *
 * --offset OFF (before the command) relocates the table first.
 * Exit status 1 on an error (printed on stderr).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/symbols/symtab.h"
#include "../../src/symbols/vmlinux.h"
#include "../../src/util/error.h"

static int fail(struct error *err)
{
	fprintf(stderr, "symtab-dump: %s\n", err->message);
	error_free(err);
	return 1;
}

static void print_info(const struct vmlinux *vm, const struct symtab *st)
{
	static const char *const debug_names[] = {
		"info", "abbrev", "str", "line", "frame", "aranges",
		"ranges", "loc", "types", "other",
	};
	const char *machine = vmlinux_machine_name(vm->machine,
						   vm->elf_class);
	char id[2 * sizeof(vm->build_id) + 1];
	size_t i;

	printf("machine: %s (%u)\n", machine ? machine : "unknown",
	       vm->machine);
	printf("class: ELF%d\n", vm->elf_class == 2 ? 64 : 32);
	printf("byte order: %s\n", vm->big_endian ? "big" : "little");
	printf("type: %u\n", vm->type);
	printf("build-id: %s\n", vmlinux_build_id_hex(vm, id, sizeof(id)));
	printf("sections: %zu\n", vm->nsections);
	printf("symtab: %s\n", vm->symtab ? "yes" : "no");
	printf("dwarf: %s\n", vmlinux_has_dwarf(vm) ? "yes" : "no");
	printf("debug sections:");
	for (i = 0; i < sizeof(debug_names) / sizeof(debug_names[0]); i++)
		if (vm->debug & (1u << i))
			printf(" %s", debug_names[i]);
	printf("%s\n", vm->debug_compressed ? " (compressed)" : "");
	if (st)
		printf("symbols: %zu\n", symtab_count(st));
}

static void print_lookup(const struct symtab *st, uint64_t addr)
{
	uint64_t off;
	const struct symbol *s = symtab_lookup_addr(st, addr, &off);

	if (!s)
		printf("%016" PRIx64 " -\n", addr);
	else if (off)
		printf("%016" PRIx64 " %s+0x%" PRIx64 "\n", addr, s->name, off);
	else
		printf("%016" PRIx64 " %s\n", addr, s->name);
}

static void check_map_line(const struct symtab *st, char *line)
{
	char type[8], name[512], byname[4096] = "", our = '-';
	const struct symbol *s, *same = NULL;
	struct symtab_name_iter it;
	uint64_t addr, off;
	size_t len = 0;

	if (sscanf(line, "%" SCNx64 " %7s %511s", &addr, type, name) != 3)
		return;
	for (s = symtab_name_first(st, name, &it); s;
	     s = symtab_name_next(&it)) {
		if (s->addr == addr && !same)
			same = s;
		if (len < sizeof(byname) - 40)
			len += snprintf(byname + len, sizeof(byname) - len,
					"%s%" PRIx64, len ? "," : "other:",
					s->addr);
	}
	if (same) {
		strcpy(byname, "same");
		our = same->type;
	} else if (!len) {
		strcpy(byname, "missing");
	}
	s = symtab_lookup_addr(st, addr, &off);
	if (s)
		printf("%016" PRIx64 " %s %s %s %c %s@%" PRIx64 "\n", addr,
		       type, name, byname, our, s->name, s->addr);
	else
		printf("%016" PRIx64 " %s %s %s %c -\n", addr, type, name,
		       byname, our);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int time_load(const char *path, int runs)
{
	double best_open = 1e9, best_load = 1e9;
	size_t n = 0;
	int i;

	for (i = 0; i < runs; i++) {
		struct vmlinux *vm;
		struct symtab *st;
		struct error *err;
		double t0 = now(), t1, t2;

		err = vmlinux_open(path, &vm);
		if (err)
			return fail(err);
		t1 = now();
		err = symtab_load(vm, &st);
		if (err) {
			vmlinux_close(vm);
			return fail(err);
		}
		t2 = now();
		n = symtab_count(st);
		symtab_free(st);
		vmlinux_close(vm);
		if (t1 - t0 < best_open)
			best_open = t1 - t0;
		if (t2 - t1 < best_load)
			best_load = t2 - t1;
	}
	printf("symbols: %zu\nvmlinux_open: %.2f ms\nsymtab_load: %.2f ms\n",
	       n, best_open * 1e3, best_load * 1e3);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: symtab-dump [--offset OFF] "
		"info|syms|lookup|names|check-map|banner|time VMLINUX "
		"[ARGS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd, *path;
	struct vmlinux *vm = NULL;
	struct symtab *st = NULL;
	struct error *err;
	uint64_t offset = 0;
	int i = 1, rc = 0;

	if (argc > 2 && !strcmp(argv[1], "--offset")) {
		offset = strtoull(argv[2], NULL, 0);
		i = 3;
	}
	if (argc - i < 2)
		return usage();
	cmd = argv[i];
	path = argv[i + 1];
	i += 2;
	if (!strcmp(cmd, "time"))
		return time_load(path, i < argc ? atoi(argv[i]) : 5);
	err = vmlinux_open(path, &vm);
	if (err)
		return fail(err);
	err = symtab_load(vm, &st);
	if (err && strcmp(cmd, "info")) {
		vmlinux_close(vm);
		return fail(err);
	}
	error_free(err);
	if (st && offset && (err = symtab_set_offset(st, offset))) {
		rc = fail(err);
	} else if (!strcmp(cmd, "info")) {
		print_info(vm, st);
	} else if (!strcmp(cmd, "syms")) {
		struct symtab_iter it;
		const struct symbol *s;

		symtab_iter_init(st, 0, &it);
		while ((s = symtab_iter_next(&it)))
			printf("%016" PRIx64 " %c %s %" PRIx64 "\n", s->addr,
			       s->type, s->name, s->size);
	} else if (!strcmp(cmd, "lookup")) {
		for (; i < argc; i++)
			print_lookup(st, strtoull(argv[i], NULL, 16));
	} else if (!strcmp(cmd, "names")) {
		for (; i < argc; i++) {
			const struct symbol *s = symtab_lookup_name(st, argv[i]);

			if (s)
				printf("%s %016" PRIx64 " %c\n", argv[i],
				       s->addr, s->type);
			else
				printf("%s -\n", argv[i]);
		}
	} else if (!strcmp(cmd, "check-map")) {
		char line[1024];

		while (fgets(line, sizeof(line), stdin))
			check_map_line(st, line);
	} else if (!strcmp(cmd, "banner")) {
		const struct symbol *s = symtab_lookup_name(st, "linux_banner");
		char buf[1024];

		if (!s) {
			fprintf(stderr, "symtab-dump: no linux_banner\n");
			rc = 1;
		} else if ((err = vmlinux_read_string(vm,
						      symtab_link_addr(st, s),
						      buf, sizeof(buf)))) {
			rc = fail(err);
		} else {
			fputs(buf, stdout);
		}
	} else {
		rc = usage();
	}
	symtab_free(st);
	vmlinux_close(vm);
	return rc;
}
