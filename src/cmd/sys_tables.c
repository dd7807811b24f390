/* sys -t (the kernel's taints) and sys -c (the system call table). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/syscalls.h"
#include "../kernel/taint.h"
#include "../session.h"
#include "../symbols/lines.h"
#include "../symbols/symtab.h"
#include "../util/error.h"
#include "commands.h"

int sys_taints(struct session *s)
{
	struct kernel k = session_kernel(s);
	char letters[128];
	uint64_t mask = 0;
	struct error *err = kernel_taints(&k, &mask, letters, sizeof(letters));

	if (err) {
		fprintf(stderr, "sys: %s\n", err->message);
		error_free(err);
		return 1;
	}
	fprintf(s->out, "TAINTED_MASK: %" PRIx64 "  %s\n", mask, letters);
	return 0;
}

/* "FILE: LINE" of addr, or "" if the line table has none. */
static void line_of(struct session *s, struct lines *l, uint64_t addr,
		    char *buf, size_t size)
{
	const char *file;
	int line;
	struct error *err;

	buf[0] = '\0';
	if (!l)
		return;
	err = lines_lookup(l, addr - symtab_offset(s->symtab), &file, &line);
	if (err)
		error_free(err);
	else
		snprintf(buf, size, "%s: %d", file, line);
}

/* The build directory as the classic crash finds it: schedule()'s file up
 * to "/kernel/"; "" if that does not work. */
static void build_directory(struct session *s, struct lines *l, char *buf,
			    size_t size)
{
	const struct symbol *sym = symtab_lookup_name(s->symtab, "schedule");
	char *p;

	buf[0] = '\0';
	if (!sym)
		return;
	line_of(s, l, sym->addr, buf, size);
	p = strstr(buf, "/kernel/");
	if (p)
		*p = '\0';
	else
		buf[0] = '\0';
}

/*
 * Where a system call is: the first address of its handler whose line is
 * not in an include/ header (a handler often starts with an inlined
 * helper), shown relative to the build directory ("../fs/read_write.c:
 * 621").
 */
static void syscall_file(struct session *s, struct lines *l, uint64_t addr,
			 const char *builddir, char *buf, size_t size)
{
	const struct symbol *next;
	struct symtab_iter it;
	char line[512];
	uint64_t end, a;

	buf[0] = '\0';
	if (!*builddir)
		return;
	symtab_iter_init(s->symtab, addr + 1, &it);
	next = symtab_iter_next(&it);
	end = next ? next->addr : addr + 1;
	if (end - addr > 65536)	/* a bounded scan, whatever the symbols */
		end = addr + 65536;
	for (a = addr; a < end; a++) {
		char *p;

		line_of(s, l, a, line, sizeof(line));
		if (strstr(line, ".h: ") && strstr(line, "include/"))
			continue;
		p = strstr(line, builddir);
		if (p) {
			snprintf(buf, size, "..%s", p + strlen(builddir));
			return;
		}
	}
}

/* The name the classic crash gives a handler with aliases (__do_sys_X,
 * __ia32_sys_X, __x64_sys_X at one address): its symbol table is sorted
 * like nm -n, by address and then by name, and it takes the first. */
static const struct symbol *first_by_name(struct session *s, uint64_t addr)
{
	const struct symbol *best = NULL, *sym;
	struct symtab_iter it;

	symtab_iter_init(s->symtab, addr, &it);
	while ((sym = symtab_iter_next(&it)) && sym->addr == addr)
		if (!best || strcmp(sym->name, best->name) < 0)
			best = sym;
	return best;
}

static bool is_number(const char *t)
{
	return *t && strspn(t, "0123456789") == strlen(t);
}

int sys_calls(struct session *s, const char *spec)
{
	struct kernel k = session_kernel(s);
	struct lines *l = session_lines(s);
	const struct symbol *ni = symtab_lookup_name(s->symtab,
						      "sys_ni_syscall");
	char builddir[512], file[512];
	uint64_t *entry = NULL;
	size_t n = 0, i;
	bool header = false;
	struct error *err = syscalls_read(&k, &entry, &n);

	if (err) {
		fprintf(stderr, "sys: %s\n", err->message);
		error_free(err);
		return 1;
	}
	if (!l)
		fprintf(stderr, "sys: line numbers are not available\n");
	build_directory(s, l, builddir, sizeof(builddir));
	for (i = 0; i < n; i++) {
		const struct symbol *sym;
		uint64_t off;
		const char *name;
		char num[24];

		snprintf(num, sizeof(num), "%zu", i);
		sym = symtab_lookup_addr(s->symtab, entry[i], &off);
		if (!sym || off) {
			if (!spec)
				fprintf(s->out, "%3zu  invalid sys_call_table "
					"entry: %" PRIx64 "\n", i, entry[i]);
			continue;
		}
		name = ni && entry[i] == ni->addr ? "sys_ni_syscall"
						  : first_by_name(s, entry[i])->name;
		if (spec && (is_number(spec) ? strtoul(spec, NULL, 10) != i
					     : !strstr(name, spec)))
			continue;
		if (!header)
			fputs("NUM  SYSTEM CALL                FILE AND LINE "
			      "NUMBER\n", s->out);
		header = true;
		syscall_file(s, l, entry[i], builddir, file, sizeof(file));
		fprintf(s->out, "%3s  %-26s %s\n", num, name, file);
	}
	free(entry);
	return 0;
}
