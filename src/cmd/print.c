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
	"    expression  one of:",
	"                  variable[.member|[index]]...",
	"                  &variable[.member|[index]]...",
	"                  sizeof(struct name), sizeof(type), sizeof(variable)",
	"            /x  integers and pointers in hexadecimal.",
	"            /d  integers and pointers in signed decimal.",
	"            -x  the same as /x (the px alias).",
	"            -d  the same as /d (the pd alias).",
	"",
	"  Without a format, integers are shown in the radix that set radix",
	"  chose (decimal unless set otherwise; see help set).",
	"",
	"  Other C expressions (*pointer, ->, casts, arithmetic) are not",
	"  supported yet.",
	"",
	"EXAMPLES",
	"    crash> p jiffies",
	"    jiffies = $1 = 4294894831",
	"    crash> p init_task.sched_class",
	"    $2 = (const struct sched_class *) 0xffffffff87815660 "
	"<idle_sched_class>",
	"    crash> p sizeof(struct task_struct)",
	"    $3 = 9792",
	NULL,
};

/* Values bigger than this are refused rather than read. */
#define VALUE_MAX (64u << 20)


struct print_req {
	struct session *s;
	struct types *ts;
	struct kernel k;
	char format;		/* 0, 'x', 'd' */
};

/* Where an lvalue expression lies and what it is. */
struct lvalue {
	struct type_variable v;
	uint64_t addr;		/* runtime address of the value */
	struct type_ref type;
	uint64_t bit_offset;	/* within the byte at addr: bit fields */
	uint32_t bit_size;	/* 0 unless a bit field */
	bool percpu;
	bool bare;		/* just a variable's name */
};

static struct error *unsupported(const char *expr)
{
	return error_create(ERR_UNSUPPORTED, "%s: not supported yet (only "
			    "variables, their members and elements, & and "
			    "sizeof)", expr);
}

/* The runtime address of a variable: the symbol table's, which knows
 * about relocation, else the debug info's moved by the same offset. */
static uint64_t runtime_addr(struct print_req *r, const struct type_variable *v)
{
	const struct symbol *sym = r->s->symtab ?
		symtab_lookup_name(r->s->symtab, v->name) : NULL;

	if (sym && symtab_link_addr(r->s->symtab, sym) == v->address)
		return sym->addr;
	return v->address + (r->s->symtab ? symtab_offset(r->s->symtab)
					  : r->s->kaslr_offset);
}

/* Per-cpu variables live at offsets in the per-cpu section, which
 * __per_cpu_offset[cpu] moves to each cpu's copy. */
static bool is_percpu(struct print_req *r, uint64_t link_addr)
{
	const struct symbol *start, *end;

	if (!r->s->symtab)
		return false;
	start = symtab_lookup_name(r->s->symtab, "__per_cpu_start");
	end = symtab_lookup_name(r->s->symtab, "__per_cpu_end");
	return start && end &&
	       link_addr >= symtab_link_addr(r->s->symtab, start) &&
	       link_addr < symtab_link_addr(r->s->symtab, end);
}

static struct error *find_variable(struct print_req *r, const char *name,
				   struct type_variable *v)
{
	struct dwarf_index_match m;
	const struct symbol *sym;
	struct error *err;

	if (!debuginfo_lookup(r->s->debuginfo, name, DWARF_INDEX_VARIABLE, &m))
		return error_create(ERR_NOT_FOUND, "no symbol \"%s\" in the "
				    "debug info", name);
	err = types_variable(r->ts, debuginfo_die(&m), v);
	if (err || v->has_address)
		return err;
	/* only declared in C ("extern unsigned long volatile jiffies"):
	 * the linker script defines it, and GDB takes the ELF symbol's
	 * address with the declared type */
	sym = r->s->symtab ? symtab_lookup_name(r->s->symtab, name) : NULL;
	if (!sym)
		return type_variable_address(v, &v->address);
	v->address = symtab_link_addr(r->s->symtab, sym);
	v->has_address = true;
	return NULL;
}

/* Resolve "name[.member|[index]]..." to where its value is. */
static struct error *resolve(struct print_req *r, const char *expr,
			     struct lvalue *lv)
{
	char name[256];
	const char *p = expr;
	struct type_member_info mi;
	struct error *err;
	size_t n;

	memset(lv, 0, sizeof(*lv));
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	n = (size_t)(p - expr);
	if (!n || n >= sizeof(name) || isdigit((unsigned char)expr[0]))
		return unsupported(expr);
	memcpy(name, expr, n);
	name[n] = '\0';
	err = find_variable(r, name, &lv->v);
	if (err)
		return err;
	lv->type = lv->v.type;
	lv->bare = !*p;
	lv->percpu = is_percpu(r, lv->v.address);
	lv->addr = lv->percpu ? lv->v.address : runtime_addr(r, &lv->v);
	/* the type layer's paths start with a member; indexes that come
	 * first are ours */
	while (*p == '[') {
		struct type_ref at = type_strip_typedefs(lv->type);
		char *end;
		uint64_t i = strtoull(p + 1, &end, 0);

		if (at.type->kind != TYPE_ARRAY || end == p + 1 ||
		    *end != ']')
			return error_create(ERR_INVALID, "%s: cannot index "
					    "that", expr);
		lv->type = at.type->target;
		lv->addr += i * type_strip_typedefs(lv->type).type->size;
		p = end + 1;
	}
	if (!*p)
		return NULL;
	if (*p != '.')
		return unsupported(expr);
	err = type_member_lookup(r->ts, type_strip_typedefs(lv->type).type,
				 p + 1, &mi);
	if (err && err->code == ERR_INVALID && strstr(err->message,
						      "pointer")) {
		/* GDB would follow the pointer and read what it points to */
		error_free(err);
		return error_create(ERR_UNSUPPORTED, "%s: following a pointer "
				    "is not supported yet", expr);
	}
	if (err)
		return err;
	lv->type = mi.type;
	lv->bit_size = mi.bit_size;
	if (mi.bit_size) {
		lv->addr += mi.bit_offset / 8;
		lv->bit_offset = mi.bit_offset % 8;
	} else {
		lv->addr += mi.offset;
	}
	return NULL;
}

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

/* The DWARF spells C's integer types its own way ("long unsigned
 * int"); a type written as in C is looked up by that name. */
static const char *base_name(const char *c)
{
	static const char *const names[][2] = {
		{ "long", "long int" },
		{ "unsigned long", "long unsigned int" },
		{ "unsigned long int", "long unsigned int" },
		{ "long long", "long long int" },
		{ "unsigned long long", "long long unsigned int" },
		{ "unsigned long long int", "long long unsigned int" },
		{ "short", "short int" },
		{ "unsigned short", "short unsigned int" },
		{ "unsigned short int", "short unsigned int" },
		{ "unsigned", "unsigned int" },
		{ "signed", "int" },
		{ "signed int", "int" },
		{ "signed long", "long int" },
		{ "bool", "_Bool" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(c, names[i][0]))
			return names[i][1];
	return c;
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
					 r->s->radix };
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

static struct error *print_lvalue(struct print_req *r, const char *expr)
{
	struct value_print_opts o = { r->ts, &r->k, false, r->format,
					 r->s->radix };
	struct strbuf sb = { 0 };
	const struct type *st;
	unsigned char *buf;
	struct lvalue lv;
	struct error *err;
	size_t len;

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
	st = type_strip_typedefs(lv.type).type;
	if (st->kind == TYPE_FUNCTION)
		return error_create(ERR_UNSUPPORTED, "%s: function values are "
				    "not supported yet", expr);
	if (st->size > VALUE_MAX)
		return error_create(ERR_UNSUPPORTED, "%s: %" PRIu64 " bytes "
				    "is too big to print", expr, st->size);
	len = lv.bit_size ? (lv.bit_offset + lv.bit_size + 7) / 8 : st->size;
	buf = malloc(len ? len : 1);
	if (!buf)
		return error_nomem();
	err = vmem_read(r->k.vm, lv.addr, buf, len);
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
		else if (strspn(e + (*e == '&'), "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]") !=
			 strlen(e + (*e == '&')))
			err = unsupported(e);
		else if (*e == '&')
			err = print_address(&r, e + 1);
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
