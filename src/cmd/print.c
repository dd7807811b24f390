#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../kernel/kernel.h"
#include "../kernel/value_print.h"
#include "../session.h"
#include "../symbols/debuginfo.h"
#include "../symbols/symtab.h"
#include "../symbols/type_print.h"
#include "../util/error.h"
#include "../util/strbuf.h"
#include "commands.h"
#include "print_expr.h"

const char *const p_help[] = {
	"NAME",
	"  p - print the value of an expression",
	"",
	"SYNOPSIS",
	"  p[/x|/d] [-x|-d] expression",
	"",
	"DESCRIPTION",
	"  This command prints the value of a kernel variable, one of its",
	"  members or array elements, its address or the size of a type, the",
	"  way GDB prints them.  Each value is numbered $1, $2, ... in the",
	"  session; a bare variable name is shown first (\"jiffies = $1 =",
	"  ...\").  For a per-cpu variable, its type and the address of",
	"  each cpu's instance are shown.",
	"",
	"    expression  a C expression of:",
	"                  variables and numbers,",
	"                  members and elements: a.b, a->b, a[i] (. also",
	"                  follows a pointer, as in GDB),",
	"                  *pointer, &lvalue, (type)expression casts (struct,",
	"                  union, enum, typedef and base types, with *'s),",
	"                  parentheses, and sizeof(type or expression);",
	"                or variable:cpus for a per-cpu variable: its",
	"                instance on each of the cpus (\"1\", \"0,2\", \"0-3\",",
	"                \"a\" for all), shown as per_cpu(variable, cpu) = ...",
	"            /x  integers and pointers in hexadecimal.",
	"            /d  integers and pointers in signed decimal.",
	"            -x  the same as /x (the px alias).",
	"            -d  the same as /d (the pd alias).",
	"",
	"  Without a format, integers are shown in the radix that set radix",
	"  chose (decimal unless set otherwise; see help set).",
	"",
	"  Arithmetic and function calls are not supported; members of a",
	"  per-cpu variable are reached through variable:cpu first.",
	"",
	"EXAMPLES",
	"    crash> p jiffies",
	"    jiffies = $1 = 4294894831",
	"    crash> p init_task.sched_class",
	"    $2 = (const struct sched_class *) 0xffffffff87815660 "
	"<idle_sched_class>",
	"    crash> p sizeof(struct task_struct)",
	"    $3 = 9792",
	"    crash> p init_task.real_parent->comm",
	"    $4 = \"swapper/0\\000\\000\\000\\000\\000\\000\"",
	"    crash> p cpu_number:a",
	"    per_cpu(cpu_number, 0) = $5 = 0",
	"    per_cpu(cpu_number, 1) = $6 = 1",
	NULL,
};

/* Values bigger than this are refused rather than read. */
#define VALUE_MAX (64u << 20)


static void print_number(struct print_req *r, uint64_t v)
{
	if (r->format == 'x' || (!r->format && r->s->radix == 16))
		fprintf(r->s->out, "$%u = 0x%" PRIx64 "\n", ++r->s->value_history, v);
	else if (r->format == 'd')
		fprintf(r->s->out, "$%u = %" PRId64 "\n", ++r->s->value_history,
			(int64_t)v);
	else
		fprintf(r->s->out, "$%u = %" PRIu64 "\n", ++r->s->value_history, v);
}

/* sizeof(struct x), sizeof(type) or sizeof(expression). */
static struct error *print_sizeof(struct print_req *r, char *arg)
{
	static const struct {
		const char *word;
		unsigned int kind;
	} tags[] = {
		{ "struct ", DWARF_INDEX_STRUCT },
		{ "union ", DWARF_INDEX_UNION },
		{ "enum ", DWARF_INDEX_ENUM },
	};
	const struct type *t;
	struct lvalue lv;
	struct error *err;
	size_t i, n = strlen(arg);

	while (n && isspace((unsigned char)arg[n - 1]))
		arg[--n] = '\0';
	if (arg[0] == '(' && n > 1 && arg[n - 1] == ')') {
		arg[--n] = '\0';
		arg++;
	}
	while (isspace((unsigned char)*arg))
		arg++;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (!strncmp(arg, tags[i].word, strlen(tags[i].word))) {
			err = debuginfo_type(r->s->debuginfo,
					     arg + strlen(tags[i].word),
					     tags[i].kind, &t);
			if (err)
				return err;
			print_number(r, type_complete(r->ts, t)->size);
			return NULL;
		}
	err = debuginfo_type(r->s->debuginfo, base_name(arg),
			     DWARF_INDEX_TYPEDEF | DWARF_INDEX_BASE, &t);
	if (!err) {
		print_number(r, type_strip_typedefs(
			(struct type_ref){ t, 0 }).type->size);
		return NULL;
	}
	error_free(err);
	err = resolve(r, arg, &lv);
	if (err)
		return err;
	print_number(r, type_strip_typedefs(lv.type).type->size);
	return NULL;
}

/* &lvalue: a pointer to its type, as GDB prints one. */
static struct error *print_address(struct print_req *r, const char *expr)
{
	struct value_print_opts o = { r->ts, &r->k, false, r->format,
					 r->s->radix, false };
	struct type ptr = { 0 };
	struct strbuf sb = { 0 };
	unsigned char buf[8];
	struct lvalue lv;
	struct error *err;

	err = resolve(r, expr, &lv);
	if (err)
		return err;
	if (lv.bit_size)
		return error_create(ERR_INVALID, "%s: a bit field has no "
				    "address", expr);
	if (lv.rvalue)
		return error_create(ERR_INVALID, "%s: attempt to take address "
				    "of a value not located in memory", expr);
	if (lv.percpu)
		return error_create(ERR_UNSUPPORTED, "&%s: per-cpu variable "
				    "addresses are not supported yet", expr);
	/* a pointer type made here: the type layer only makes those it
	 * reads from the DWARF */
	ptr.kind = TYPE_POINTER;
	ptr.size = sizeof(buf);
	ptr.target = lv.type;
	ptr.listed = true;
	o.big_endian = r->s->dump->big_endian;
	memcpy(buf, &lv.addr, sizeof(buf));
	if (o.big_endian)
		return error_create(ERR_UNSUPPORTED, "&: big-endian targets");
	err = value_print(&sb, &o, (struct type_ref){ &ptr, 0 }, 0, buf,
			  sizeof(buf));
	if (!err)
		fprintf(r->s->out, "$%u = %s\n", ++r->s->value_history, sb.s);
	strbuf_free(&sb);
	return err;
}

/* "PER-CPU DATA TYPE:" and each cpu's address, as the classic crash
 * answers for a per-cpu variable. */
static struct error *print_percpu(struct print_req *r, struct lvalue *lv)
{
	struct strbuf sb = { 0 };
	uint64_t ncpus, offsets, off;
	struct error *err;
	unsigned int cpu;

	if (!lv->bare)
		return error_create(ERR_UNSUPPORTED, "%s: members of per-cpu "
				    "variables are not supported yet",
				    lv->v.name);
	err = kernel_var_number(&r->k, "nr_cpu_ids", NULL, &ncpus);
	if (!err)
		err = kernel_symbol(&r->k, "__per_cpu_offset", &offsets);
	if (!err)
		err = type_print_c(&sb, r->ts, lv->v.type, lv->v.name, -1);
	if (err) {
		strbuf_free(&sb);
		return err;
	}
	fprintf(r->s->out, "PER-CPU DATA TYPE:\n  %s;\nPER-CPU ADDRESSES:\n",
		sb.s);
	strbuf_free(&sb);
	for (cpu = 0; cpu < ncpus && cpu < 8192; cpu++) {
		err = vmem_read_u64(r->k.vm, offsets + 8 * cpu, &off);
		if (err)
			return err;
		fprintf(r->s->out, "  [%u]: %" PRIx64 "\n", cpu,
			lv->addr + off);
	}
	return NULL;
}

/* A function, as GDB prints one: "{void (void)} 0x... <schedule>". */
static struct error *print_function(struct print_req *r, const char *name,
				    struct strbuf *sb, uint64_t *addr)
{
	struct dwarf_index_match m;
	struct type_function f;
	const struct symbol *sym;
	struct error *err;

	if (!debuginfo_lookup(r->s->debuginfo, name, DWARF_INDEX_FUNCTION, &m))
		return error_create(ERR_NOT_FOUND, "no symbol \"%s\" in the "
				    "debug info", name);
	err = types_function(r->ts, debuginfo_die(&m), &f);
	if (err)
		return err;
	sym = r->s->symtab ? symtab_lookup_name(r->s->symtab, name) : NULL;
	if (sym)
		*addr = sym->addr;
	else if (f.has_pc)
		*addr = f.low_pc + r->s->kaslr_offset;
	else
		return error_create(ERR_NOT_FOUND, "function %s has no "
				    "address", name);
	strbuf_printf(sb, "{");
	err = type_print_c(sb, r->ts, (struct type_ref){ f.type, 0 }, "", -1);
	if (!err)
		strbuf_printf(sb, "} 0x%" PRIx64 " <%s>", *addr, name);
	return err;
}

/* The classic crash names a bare variable first; a value on one line
 * between braces (an array, a function) it moves to a line of its own. */
static void print_result(struct print_req *r, const char *name,
			 const char *text)
{
	const char *nl = strchr(text, '\n');
	size_t first = nl ? (size_t)(nl - text) : strlen(text);
	bool named = name && !r->format && r->s->symtab &&
		     symtab_lookup_name(r->s->symtab, name);

	if (named)
		fprintf(r->s->out, "%s = ", name);
	fprintf(r->s->out, "$%u = %s%s\n", ++r->s->value_history,
		named && text[0] == '{' && text[first - 1] != '{' ? "\n " : "",
		text);
}

static struct error *print_place(struct print_req *r, const struct lvalue *l);

static struct error *print_lvalue(struct print_req *r, const char *expr)
{
	struct strbuf sb = { 0 };
	struct lvalue lv;
	struct error *err;

	err = resolve(r, expr, &lv);
	if (err && err->code == ERR_NOT_FOUND &&
	    !expr[strspn(expr, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")]) {
		uint64_t addr;
		struct error *ferr;

		if (r->format) {
			error_free(err);
			return error_create(ERR_UNSUPPORTED, "%s: a function "
					    "with a format is not supported "
					    "yet", expr);
		}
		ferr = print_function(r, expr, &sb, &addr);
		if (!ferr) {
			error_free(err);
			print_result(r, expr, sb.s);
		}
		strbuf_free(&sb);
		error_free(ferr);
		return ferr ? err : NULL;
	}
	if (err)
		return err;
	if (lv.percpu)
		return print_percpu(r, &lv);
	return print_place(r, &lv);
}

/* The value of the place lv as "$N = value" (a bare variable named
 * first). */
static struct error *print_place(struct print_req *r, const struct lvalue *l)
{
	struct value_print_opts o = { r->ts, &r->k, false, r->format,
					 r->s->radix, false };
	struct strbuf sb = { 0 };
	const struct type *st;
	unsigned char *buf;
	struct lvalue lv = *l;
	struct error *err;
	size_t len;

	st = type_complete(r->ts, type_strip_typedefs(lv.type).type);
	if (st->kind == TYPE_FUNCTION)
		return error_create(ERR_UNSUPPORTED, "function values are not "
				    "supported yet");
	if (st->size > VALUE_MAX)
		return error_create(ERR_UNSUPPORTED, "%" PRIu64 " bytes is too "
				    "big to print", st->size);
	len = lv.bit_size ? (lv.bit_offset + lv.bit_size + 7) / 8 : st->size;
	buf = malloc(len ? len : 1);
	if (!buf)
		return error_nomem();
	if (lv.rvalue) {	/* a cast's value: its bytes are at hand */
		memset(buf, 0, len);
		memcpy(buf, lv.value, len < sizeof(lv.value) ? len
							     : sizeof(lv.value));
		err = NULL;
	} else {
		err = vmem_read(r->k.vm, lv.addr, buf, len);
	}
	o.big_endian = r->s->dump->big_endian;
	if (!err && lv.bit_size)
		err = value_print_bits(&sb, &o, lv.type, buf, len,
				       lv.bit_offset, lv.bit_size);
	else if (!err)
		err = value_print(&sb, &o, lv.type, lv.addr, buf, len);
	free(buf);
	if (!err)
		print_result(r, lv.bare ? lv.v.name : NULL, sb.s);
	strbuf_free(&sb);
	return err;
}

/* "NAME:CPUS": NAME on each cpu of CPUS ("1", "0,2", "0-3", "a"), as
 * the classic crash's "per_cpu(NAME, CPU) = $N = value" lines. */
static struct error *print_cpus(struct print_req *r, char *expr, char *spec)
{
	struct lvalue lv;
	unsigned int ncpus, cpu;
	struct error *err = resolve(r, expr, &lv);
	char *tok, *save = NULL;
	bool *want;

	if (err)
		return err;
	if (!lv.percpu) {
		fprintf(stderr, "WARNING: %s is not percpu; cpuspec ignored.\n",
			expr);
		return print_place(r, &lv);
	}
	err = kernel_nr_cpu_ids(&r->k, &ncpus);
	if (err)
		return err;
	if (!strcmp(spec, "a") || !strcmp(spec, "all")) {
		static char all[32];

		snprintf(all, sizeof(all), "0-%u", ncpus - 1);
		spec = all;
	}
	want = calloc(ncpus, sizeof(*want));
	if (!want)
		return error_nomem();
	/* a set of cpus, shown in order, as the classic crash's bitmap */
	for (tok = strtok_r(spec, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long lo = strtoul(tok, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (end == tok || *end || hi < lo || hi >= ncpus)
			err = error_create(ERR_INVALID, "invalid cpu "
					   "specification: %s", tok);
		for (cpu = (unsigned int)lo; !err && cpu <= hi; cpu++)
			want[cpu] = true;
	}
	for (cpu = 0; !err && cpu < ncpus; cpu++) {
		struct lvalue one = lv;

		if (!want[cpu])
			continue;
		err = kernel_per_cpu(&r->k, lv.addr, cpu, &one.addr);
		if (err)
			break;
		one.percpu = one.bare = false;
		fprintf(r->s->out, "per_cpu(%s, %u) = ", expr, cpu);
		err = print_place(r, &one);
	}
	free(want);
	return err;
}

int cmd_p(struct session *s, int argc, char **argv)
{
	struct print_req r = { .s = s };
	const char *fmt = strchr(argv[0], '/');
	struct error *err;
	char expr[1024] = "", *e;
	int i;

	if (fmt && (!strcmp(fmt, "/x") || !strcmp(fmt, "/d"))) {
		r.format = fmt[1];
	} else if (fmt) {
		fprintf(stderr, "p: format %s not supported yet (only /x and "
			"/d)\n", fmt);
		return 1;
	}
	/* p -x and p -d: the classic crash's spelling of p/x and p/d (the
	 * px and pd aliases) */
	for (i = 1; i < argc && (!strcmp(argv[i], "-x") ||
				 !strcmp(argv[i], "-d")); i++)
		r.format = argv[i][1];
	for (; i < argc; i++) {
		strncat(expr, argv[i], sizeof(expr) - strlen(expr) - 2);
		if (i + 1 < argc)
			strcat(expr, " ");
	}
	if (!expr[0]) {
		fprintf(stderr, "usage: p[/x|/d] expression\n");
		return 1;
	}
	if (!s->debuginfo || !s->vmem) {
		fprintf(stderr, "p: %s\n", !s->debuginfo ?
			"no vmlinux: variables are unknown" :
			"no kernel memory in this dump");
		return 1;
	}
	err = debuginfo_ready(s->debuginfo);
	if (!err) {
		r.ts = debuginfo_types(s->debuginfo);
		r.k = session_kernel(s);
		e = expr;
		if (!strncmp(e, "sizeof", 6) &&
		    (e[6] == '(' || isspace((unsigned char)e[6])))
			err = print_sizeof(&r, e + 6);
		else if (*e == '&')
			err = print_address(&r, e + 1);
		else if (strchr(e, ':') &&
			 strspn(e, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
				"OPQRSTUVWXYZ0123456789_") ==
			 (size_t)(strchr(e, ':') - e)) {
			char *colon = strchr(e, ':');

			*colon = '\0';
			err = print_cpus(&r, e, colon + 1);
		}
		else
			err = print_lvalue(&r, e);
	}
	if (err) {
		fprintf(stderr, "p: %s\n", err->message);
		error_free(err);
		return 1;
	}
	return 0;
}
