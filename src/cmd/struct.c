#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../kernel/kernel.h"
#include "../kernel/value_print.h"
#include "../session.h"
#include "../symbols/debuginfo.h"
#include "../symbols/type_print.h"
#include "../util/endian.h"
#include "../util/error.h"
#include "../util/expr.h"
#include "../util/interrupt.h"
#include "../util/progress.h"
#include "../util/strbuf.h"
#include "commands.h"
#include "value_json.h"

const char *const struct_help[] = {
	"NAME",
	"  struct - structure contents",
	"",
	"SYNOPSIS",
	"  struct struct_name[.member[,member]] [-o] [-x|-d]",
	"         [address [count | -c count]]",
	"",
	"DESCRIPTION",
	"  This command displays the definition of a structure, or of one of",
	"  its members, as the kernel's debug info describes it, with the",
	"  structure's size.",
	"",
	"    struct_name  the name of a C structure (or of a typedef of one).",
	"        .member  only that member (struct_name.member).",
	"             -o  show the offset of each member.",
	"             -x  show offsets and sizes in hexadecimal.",
	"",
	"        address  show the structure in memory at this kernel virtual",
	"                 address (a hex number or a symbol), as GDB prints it;",
	"                 with members, only those, one a line.",
	"  count, -c count  that many structures, one after another.",
	"             -d  show the values in decimal (with an address).",
	"",
	"EXAMPLES",
	"    crash> struct list_head",
	"    struct list_head {",
	"        struct list_head *next;",
	"        struct list_head *prev;",
	"    }",
	"    SIZE: 16",
	"    crash> struct -o list_head",
	"    struct list_head {",
	"       [0] struct list_head *next;",
	"       [8] struct list_head *prev;",
	"    }",
	"    SIZE: 16",
	NULL,
};

const char *const union_help[] = {
	"NAME",
	"  union - union contents",
	"",
	"SYNOPSIS",
	"  union union_name[.member] [-o] [-x]",
	"",
	"DESCRIPTION",
	"  This command displays the definition of a union, or of one of its",
	"  members, with its size; the options are those of struct.",
	"",
	"EXAMPLES",
	"    crash> union -o fpregs_state",
	NULL,
};

/* Print what the type layer wrote, then its error if any. */
void print_answer(struct session *s, const char *cmd, struct strbuf *sb,
		  struct error *err)
{
	if (sb->s && sb->len) {
		fputs(sb->s, s->out);
		if (sb->s[sb->len - 1] != '\n')
			fputc('\n', s->out);
	}
	strbuf_free(sb);
	if (err) {
		fprintf(stderr, "%s: %s\n", cmd, err->message);
		error_free(err);
	}
}

/* Indent every line after the first of text by two spaces. */
static void print_indented(FILE *out, const char *text)
{
	for (; *text; text++) {
		fputc(*text, out);
		if (*text == '\n' && text[1])
			fputs("  ", out);
	}
}

/*
 * "struct NAME[.m1,m2] ADDRESS [COUNT]": the structure (or the members) in
 * memory, as the classic crash prints them: "struct NAME {...}", or one
 * "  member = value," line for each member; several structures apart by a
 * blank line.
 */
/* One structure in memory as {"address", "type", "value"}: the whole
 * value, or an object of the members asked for (by the path given). */
static int json_at(struct session *s, struct json *j,
		   const struct value_print_opts *o, const char *cmd,
		   const char *name, struct type_ref ref, const char *members,
		   uint64_t addr, const unsigned char *buf, uint64_t size)
{
	struct error *err = NULL;
	char *list, *m, *save = NULL;
	char type[256];
	int rc = 0;

	snprintf(type, sizeof(type), "%s %s", cmd, name);
	json_object(j);
	json_khex(j, "address", addr);
	json_kstring(j, "type", type);
	json_key(j, "value");
	if (!members) {
		err = value_json(j, o, ref, addr, buf, size);
		if (err) {
			fprintf(stderr, "%s: %s\n", cmd, err->message);
			error_free(err);
			rc = 1;
		}
		json_object_end(j);
		return rc;
	}
	json_object(j);
	list = strdup(members);
	for (m = list ? strtok_r(list, ",", &save) : NULL; m;
	     m = strtok_r(NULL, ",", &save)) {
		struct type_member_info mi;

		err = type_member_lookup(o->ts, ref.type, m, &mi);
		if (err) {
			fprintf(stderr, "%s: %s\n", cmd, err->message);
			error_free(err);
			rc = 1;
			continue;
		}
		json_key(j, m);
		if (mi.bit_size)
			err = value_json_bits(j, o, mi.type, buf, size,
					      mi.bit_offset, mi.bit_size);
		else
			err = value_json(j, o, mi.type, addr + mi.offset,
					 buf + mi.offset, size - mi.offset);
		if (err) {
			fprintf(stderr, "%s: %s\n", cmd, err->message);
			error_free(err);
			rc = 1;
		}
	}
	free(list);
	json_object_end(j);
	json_object_end(j);
	return rc;
}

static int print_at(struct session *s, const char *cmd, const struct type *t,
		    const char *name, const char *members, uint64_t addr,
		    uint64_t count, char format)
{
	struct json *j;
	struct kernel k = session_kernel(s);
	struct value_print_opts o = {
		.ts = debuginfo_types(s->debuginfo), .k = &k,
		.big_endian = s->dump->big_endian, .format = format,
		.radix = s->radix, .format_is_radix = true,
	};
	struct type_ref ref = type_strip_typedefs((struct type_ref){ t, 0 });
	uint64_t size = ref.type->size, i;
	unsigned char *buf;
	int rc = 0;

	if (!s->vmem) {
		fprintf(stderr, "%s: no kernel virtual memory: %s\n", cmd,
			s->vmem_why);
		return 1;
	}
	if (!size || size > (64u << 20)) {
		fprintf(stderr, "%s: %s: size %llu cannot be shown\n", cmd, name,
			(unsigned long long)size);
		return 1;
	}
	buf = malloc(size);
	if (!buf)
		return 1;
	/* JSON: an array of the structures */
	if ((j = session_json(s)))
		json_array(j);
	progress_begin(cmd);
	for (i = 0; i < count && !rc && !interrupted(); i++, addr += size) {
		struct error *err = vmem_read(s->vmem, addr, buf, size);
		char *list, *m, *save = NULL;

		progress_update(i, count);
		if (i && !j)
			fputc('\n', s->out);
		if (err) {
			fprintf(stderr, "%s: %s\n", cmd, err->message);
			error_free(err);
			rc = 1;
			break;
		}
		if (j) {
			rc = json_at(s, j, &o, cmd, name, ref, members, addr,
				     buf, size);
			continue;
		}
		if (!members) {
			struct strbuf sb = { 0 };

			err = value_print(&sb, &o, ref, addr, buf, size);
			if (!err)
				fprintf(s->out, "%s %s %s\n", cmd, name, sb.s);
			strbuf_free(&sb);
			if (err) {
				fprintf(stderr, "%s: %s\n", cmd, err->message);
				error_free(err);
				rc = 1;
			}
			continue;
		}
		list = strdup(members);
		for (m = strtok_r(list, ",", &save); m && !rc;
		     m = strtok_r(NULL, ",", &save)) {
			struct type_member_info mi;
			struct strbuf sb = { 0 };
			struct type_ref mt;

			err = type_member_lookup(o.ts, ref.type, m, &mi);
			if (!err) {
				mt = type_strip_typedefs(mi.type);
				if (mi.bit_size)
					err = value_print_bits(&sb, &o, mi.type,
						buf, size, mi.bit_offset,
						mi.bit_size);
				else if (mt.type->kind == TYPE_POINTER)
					/* inside a struct GDB shows the bare
					 * address, without the type */
					strbuf_printf(&sb, "0x%llx",
						(unsigned long long)get64(
						buf + mi.offset,
						s->dump->big_endian));
				else
					err = value_print(&sb, &o, mi.type,
						addr + mi.offset,
						buf + mi.offset,
						size - mi.offset);
			}
			if (err) {
				fprintf(stderr, "%s: %s\n", cmd, err->message);
				error_free(err);
				rc = 1;
			} else {
				fprintf(s->out, "  %s = ", m);
				print_indented(s->out, sb.s);
				fputs(",\n", s->out);
			}
			strbuf_free(&sb);
		}
		free(list);
	}
	if (j)
		json_array_end(j);
	free(buf);
	return rc;
}

/* A member's name, C type, offset and size (bits for a bit field); an
 * anonymous struct or union with its own members. */
static struct error *json_member(struct json *j, struct types *ts,
				 const char *name, struct type_ref type,
				 uint64_t bit_offset, uint32_t bit_size)
{
	const struct type *st = type_strip_typedefs(type).type;
	struct strbuf sb = { 0 };
	struct error *err = type_print_c(&sb, ts, type, "", -1);
	const struct type_member *m;
	size_t n, i;

	json_object(j);
	json_kstring(j, "name", name);
	json_kstring(j, "type", err ? NULL : sb.s);
	strbuf_free(&sb);
	json_kuint(j, "offset", bit_offset / 8);
	json_kuint(j, "size", st->size);
	if (bit_size) {
		json_kuint(j, "bit_offset", bit_offset);
		json_kuint(j, "bit_size", bit_size);
	}
	if (!err && !name && !bit_size &&
	    (st->kind == TYPE_STRUCT || st->kind == TYPE_UNION)) {
		err = type_members(ts, type_complete(ts, st), &m, &n);
		json_key(j, "members");
		json_array(j);
		for (i = 0; !err && i < n; i++)
			err = json_member(j, ts, m[i].name, m[i].type,
					  bit_offset + m[i].bit_offset,
					  m[i].bit_size);
		json_array_end(j);
	}
	json_object_end(j);
	return err;
}

/* struct NAME[.member] in JSON: the type's size and its members (or the
 * one asked for, by its path). */
static int json_layout(struct json *j, struct types *ts, const char *cmd,
		       const char *name, const struct type *t,
		       const char *member)
{
	const struct type *st = type_complete(ts, type_strip_typedefs(
		(struct type_ref){ t, 0 }).type);
	const struct type_member *m;
	struct type_member_info mi;
	struct error *err = NULL;
	char type[256];
	size_t n, i;

	snprintf(type, sizeof(type), "%s %s", cmd, name);
	json_object(j);
	json_kstring(j, "type", type);
	json_kuint(j, "size", st->size);
	json_key(j, "members");
	json_array(j);
	if (member) {
		err = type_member_lookup(ts, st, member, &mi);
		if (!err)
			err = json_member(j, ts, member, mi.type,
					  mi.bit_offset, mi.bit_size);
	} else {
		err = type_members(ts, st, &m, &n);
		for (i = 0; !err && i < n; i++)
			err = json_member(j, ts, m[i].name, m[i].type,
					  m[i].bit_offset, m[i].bit_size);
	}
	json_array_end(j);
	json_object_end(j);
	if (err) {
		fprintf(stderr, "%s: %s\n", cmd, err->message);
		error_free(err);
		return 1;
	}
	return 0;
}

static int struct_or_union(struct session *s, int argc, char **argv,
			   bool is_union)
{
	const char *cmd = is_union ? "union" : "struct";
	/* errors name the command typed: "*" or this one */
	const char *who = strcmp(argv[0], "*") ? cmd : "*";
	unsigned int flags = 0, kind = is_union ? DWARF_INDEX_UNION
						: DWARF_INDEX_STRUCT;
	struct strbuf sb = { 0 };
	const struct type *t;
	char *name = NULL, *member;
	const char *where = NULL, *how_many = NULL;
	struct json *j;
	char format = 0;
	struct error *err;
	int i;

	if (!s->debuginfo) {
		fprintf(stderr, "%s: no vmlinux: types are unknown\n", who);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o")) {
			flags |= TYPE_PRINT_OFFSETS;
		} else if (!strcmp(argv[i], "-x")) {
			flags |= TYPE_PRINT_HEX;
			format = 'x';
		} else if (!strcmp(argv[i], "-d")) {
			format = 'd';
		} else if (!strcmp(argv[i], "-c") && i + 1 < argc &&
			   !how_many) {
			how_many = argv[++i];
		} else if (name && !where && argv[i][0] != '-') {
			where = argv[i];
		} else if (where && !how_many && argv[i][0] != '-') {
			how_many = argv[i];
		} else if (argv[i][0] == '-' || name) {
			fprintf(stderr, "%s: %s: not supported (see help %s)\n",
				who, argv[i], who);
			return 1;
		} else {
			name = argv[i];
		}
	}
	if (!name) {
		fprintf(stderr, "usage: %s %s_name[.member] [-o] [-x]\n", who,
			who);
		return 1;
	}
	member = strchr(name, '.');
	if (member)
		*member++ = '\0';
	err = debuginfo_type(s->debuginfo, name, kind, &t);
	if (err && err->code == ERR_NOT_FOUND) {
		const struct type *td;

		error_free(err);
		/* a typedef of a struct (or union) names it too */
		err = debuginfo_type(s->debuginfo, name, DWARF_INDEX_TYPEDEF,
				     &td);
		if (!err) {
			struct type_ref r = type_strip_typedefs(
				(struct type_ref){ td, 0 });

			if (r.type->kind == (is_union ? TYPE_UNION
						      : TYPE_STRUCT))
				t = td;
			else
				err = error_create(ERR_NOT_FOUND, "x");
		}
		if (err) {
			error_free(err);
			fprintf(stderr, "%s: invalid data structure reference: "
				"%s\n", who, name);
			return 1;
		}
	} else if (err) {
		fprintf(stderr, "%s: %s\n", who, err->message);
		error_free(err);
		return 1;
	}
	if (where) {
		uint64_t addr, count = 1;

		err = session_address(s, where, &addr);
		if (!err && how_many)
			err = expr_eval(how_many, false, NULL, NULL, &count);
		if (err) {
			fprintf(stderr, "%s: %s\n", who, err->message);
			error_free(err);
			return 1;
		}
		return print_at(s, cmd, t, name, member, addr, count, format);
	}
	if ((j = session_json(s)))
		return json_layout(j, debuginfo_types(s->debuginfo), cmd, name,
				   t, member);
	err = type_print_struct(&sb, debuginfo_types(s->debuginfo), t, member,
				flags);
	print_answer(s, cmd, &sb, err);
	return 0;
}

int cmd_struct(struct session *s, int argc, char **argv)
{
	return struct_or_union(s, argc, argv, false);
}

int cmd_union(struct session *s, int argc, char **argv)
{
	return struct_or_union(s, argc, argv, true);
}

int print_struct_at(struct session *s, const char *type_name,
		    const char *members, uint64_t addr, char format)
{
	const struct type *t;
	struct error *err;

	if (!s->debuginfo) {
		fprintf(stderr, "struct: no vmlinux: types are unknown\n");
		return 1;
	}
	err = debuginfo_type(s->debuginfo, type_name, DWARF_INDEX_STRUCT, &t);
	if (err) {
		fprintf(stderr, "struct %s: %s\n", type_name, err->message);
		error_free(err);
		return 1;
	}
	return print_at(s, "struct", t, type_name, members, addr, 1, format);
}

const char *const pointer_help[] = {
	"NAME",
	"  * - pointer-to short-cut",
	"",
	"SYNOPSIS",
	"  * (struct or union command arguments)",
	"",
	"DESCRIPTION",
	"  This command is struct or union without the command's name: the",
	"  type named decides which of the two runs.  It takes their arguments",
	"  (see help struct and help union); the * may touch the name",
	"  (*task_struct) or stand apart (* task_struct).",
	"",
	"EXAMPLES",
	"    crash> *list_head ffffffff82a1b8c0",
	"    struct list_head {",
	"      next = 0xffffffff82a1b8c0 <init_task+...>,",
	"      prev = 0xffffffff82a1b8c0 <init_task+...>",
	"    }",
	NULL,
};

int cmd_pointer(struct session *s, int argc, char **argv)
{
	char name[256];
	const struct type *t;
	struct error *err;
	int i;

	if (!s->debuginfo) {
		fprintf(stderr, "*: no vmlinux: types are unknown\n");
		return 1;
	}
	for (i = 1; i < argc && argv[i][0] == '-'; i++)
		;
	if (i == argc) {
		command_usage(s->out, "*");
		return 1;
	}
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[i], "."),
		 argv[i]);
	/* a union only when no struct (or typedef) has that name */
	err = debuginfo_type(s->debuginfo, name, DWARF_INDEX_STRUCT |
			     DWARF_INDEX_TYPEDEF, &t);
	if (err) {
		error_free(err);
		err = debuginfo_type(s->debuginfo, name, DWARF_INDEX_UNION, &t);
		if (!err)
			return struct_or_union(s, argc, argv, true);
		error_free(err);
	}
	return struct_or_union(s, argc, argv, false);
}
