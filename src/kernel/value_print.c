#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../arch/vmem.h"
#include "../symbols/symtab.h"
#include "../symbols/type_print.h"
#include "../util/error.h"
#include "kernel.h"
#include "value_print.h"

/* GDB stops a string a char pointer points to at "print elements"; the
 * classic crash makes that unlimited, so this only bounds bad memory. */
#define STRING_MAX 4096

uint64_t value_get_uint(const void *buf, size_t n, bool big)
{
	const unsigned char *p = buf;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n && i < 8; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

int64_t value_sign_extend(uint64_t v, unsigned int bits)
{
	if (bits && bits < 64 && (v & (UINT64_C(1) << (bits - 1))))
		v |= ~UINT64_C(0) << bits;
	return (int64_t)v;
}

static void indent(struct strbuf *sb, unsigned int n)
{
	strbuf_printf(sb, "%*s", (int)n, "");
}

void value_print_char(struct strbuf *sb, unsigned char c, char quote)
{
	static const char esc[] = "\a\b\f\n\r\t\v";
	static const char letter[] = "abfnrtv";
	const char *e = c ? strchr(esc, c) : NULL;

	if (e)
		strbuf_printf(sb, "\\%c", letter[e - esc]);
	else if (c == (unsigned char)quote || c == '\\')
		strbuf_printf(sb, "\\%c", c);
	else if (c >= 0x20 && c < 0x7f)
		strbuf_printf(sb, "%c", c);
	else
		/* GDB writes three octal digits, always */
		strbuf_printf(sb, "\\%03o", c);
}

/* An integer as GDB prints it: in its own signedness, or as the format
 * says (hex shows the value's own width, /d reads it as signed). */
static void print_int(struct strbuf *sb, const struct value_print_opts *o,
		      uint64_t raw, unsigned int bits, bool is_signed)
{
	uint64_t mask = bits >= 64 ? ~UINT64_C(0)
				   : (UINT64_C(1) << bits) - 1;

	raw &= mask;
	if (o->format == 'x' || (!o->format && o->radix == 16))
		strbuf_printf(sb, "0x%" PRIx64, raw);
	else if (o->format == 'd' || is_signed)
		strbuf_printf(sb, "%" PRId64, value_sign_extend(raw, bits));
	else
		strbuf_printf(sb, "%" PRIu64, raw);
}

/* A 16-byte integer (arm64's fpsimd registers are __uint128_t): GDB
 * prints the whole value, in decimal or with /x in hex. */
static void print_int128(struct strbuf *sb, const struct value_print_opts *o,
			 const unsigned char *buf, bool is_signed)
{
	unsigned __int128 v = 0;
	char digits[48];
	size_t n = 0;
	bool neg = false;
	int i;

	for (i = 0; i < 16; i++)
		v |= (unsigned __int128)buf[o->big_endian ? 15 - i : i]
		     << (8 * i);
	if (o->format == 'x') {
		uint64_t hi = (uint64_t)(v >> 64), lo = (uint64_t)v;

		if (hi)
			strbuf_printf(sb, "0x%" PRIx64 "%016" PRIx64, hi, lo);
		else
			strbuf_printf(sb, "0x%" PRIx64, lo);
		return;
	}
	if ((o->format == 'd' || is_signed) && (v >> 127)) {
		neg = true;
		v = -v;
	}
	do {
		digits[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	if (neg)
		strbuf_printf(sb, "-");
	while (n)
		strbuf_printf(sb, "%c", digits[--n]);
}

/* A one-byte integer is a char to GDB: "115 's'". */
static bool is_char(struct type_ref t)
{
	t = type_strip_typedefs(t);
	return t.type->kind == TYPE_INT && t.type->size == 1;
}

static void print_enum(struct strbuf *sb, const struct value_print_opts *o,
		       const struct type *t, int64_t v)
{
	const struct type_enumerator *en;
	uint64_t seen = 0, rest = (uint64_t)v;
	bool flags = true, first = true;
	struct error *err;
	size_t n, i;

	err = type_enumerators(o->ts, t, &en, &n);
	if (err) {
		error_free(err);
		n = 0;
	}
	for (i = 0; i < n; i++)
		if (en[i].value == v) {
			strbuf_printf(sb, "%s", en[i].name);
			return;
		}
	/* GDB's "flag enum": every value a set of bits no other value
	 * uses; an unknown value is then shown as the flags it is made of */
	for (i = 0; i < n && flags; i++) {
		if (en[i].value < 0 || ((uint64_t)en[i].value & seen))
			flags = false;
		seen |= (uint64_t)en[i].value;
	}
	if (!flags || !n || !v) {
		strbuf_printf(sb, "%" PRId64, v);
		return;
	}
	strbuf_printf(sb, "(");
	for (i = 0; i < n; i++) {
		uint64_t e = (uint64_t)en[i].value;

		if (e && (rest & e) == e) {
			strbuf_printf(sb, "%s%s", first ? "" : " | ",
				      en[i].name);
			rest &= ~e;
			first = false;
		}
	}
	if (rest)
		strbuf_printf(sb, "%sunknown: 0x%" PRIx64, first ? "" : " | ",
			      rest);
	strbuf_printf(sb, ")");
}

/* A scalar (integer, char, bool, enum) of bits bits, already extracted. */
static struct error *print_scalar(struct strbuf *sb,
				  const struct value_print_opts *o,
				  struct type_ref t, uint64_t raw,
				  unsigned int bits)
{
	const struct type *st = type_strip_typedefs(t).type;
	bool is_signed = st->flags & TYPE_SIGNED;

	switch (st->kind) {
	case TYPE_INT:
		print_int(sb, o, raw, bits, is_signed);
		/* GDB's output-radix 16 shows a char as its number alone */
		if (!o->format && o->radix != 16 && st->size == 1) {
			strbuf_printf(sb, " '");
			value_print_char(sb, (unsigned char)raw, '\'');
			strbuf_printf(sb, "'");
		}
		return NULL;
	case TYPE_BOOL:
		if (o->format || raw > 1)
			print_int(sb, o, raw, bits, false);
		else
			strbuf_printf(sb, "%s", raw ? "true" : "false");
		return NULL;
	case TYPE_ENUM:
		if (o->format)
			print_int(sb, o, raw, bits, is_signed);
		else
			print_enum(sb, o, st, is_signed ? value_sign_extend(raw, bits)
							: (int64_t)raw);
		return NULL;
	default:
		return error_create(ERR_UNSUPPORTED, "a bit field of this type");
	}
}

/* " <symbol+off>" when addr is inside a kernel symbol, as GDB adds. */
static void print_symbol(struct strbuf *sb, const struct value_print_opts *o,
			 uint64_t addr)
{
	const struct symbol *sym;
	uint64_t off;

	if (!addr || !o->k || !o->k->symtab)
		return;
	sym = symtab_lookup_addr(o->k->symtab, addr, &off);
	/* GDB names only addresses inside a sized symbol, or after a
	 * code label; a data label ("init_stack = .") it ignores */
	/* per-cpu symbols are offsets, not addresses: GDB names none */
	if (!sym || (sym->fixed && sym->type != 'A') ||
	    (sym->size && off >= sym->size) ||
	    (!sym->size && sym->type != 'T' && sym->type != 't'))
		return;
	if (off)
		strbuf_printf(sb, " <%s+%" PRIu64 ">", sym->name, off);
	else
		strbuf_printf(sb, " <%s>", sym->name);
}

/* The string a char pointer points to, as GDB shows it after the
 * address: read a page at a time, up to the NUL. */
static void print_pointed_string(struct strbuf *sb,
				 const struct value_print_opts *o,
				 uint64_t addr)
{
	unsigned char buf[256];
	size_t done = 0, n, i;
	struct error *err;

	if (!o->k || !o->k->vm)
		return;
	while (done < STRING_MAX) {
		/* never cross into a page that may not be there */
		n = sizeof(buf) - ((addr + done) % sizeof(buf));
		err = vmem_read(o->k->vm, addr + done, buf, n);
		if (err) {
			error_free(err);
			if (!done)
				strbuf_printf(sb, " <error: Cannot access "
					      "memory at address 0x%" PRIx64
					      ">", addr);
			else
				strbuf_printf(sb, "\"...");
			return;
		}
		if (!done)
			strbuf_printf(sb, " \"");
		for (i = 0; i < n; i++) {
			if (!buf[i]) {
				strbuf_printf(sb, "\"");
				return;
			}
			value_print_char(sb, buf[i], '"');
		}
		done += n;
	}
	strbuf_printf(sb, "\"...");
}

static struct error *print_pointer(struct strbuf *sb,
				   const struct value_print_opts *o,
				   const struct type *pt, uint64_t addr)
{
	if (o->format) {
		print_int(sb, o, addr, 8 * pt->size, false);
		return NULL;
	}
	strbuf_printf(sb, "0x%" PRIx64, addr);
	print_symbol(sb, o, addr);
	if (addr && is_char(pt->target))
		print_pointed_string(sb, o, addr);
	return NULL;
}

static struct error *print_any(struct strbuf *sb,
			       const struct value_print_opts *o,
			       struct type_ref t, const unsigned char *buf,
			       uint64_t addr, unsigned int recurse);

/*
 * A char array as a C string: every byte but a last NUL, as GDB does when
 * "print null-stop" is off.  GDB stops a long one after "print elements"
 * (256 in the classic crash) characters, counted by runs of one repeated
 * character: a run that crosses the limit is shown whole, then "...".
 */
#define PRINT_ELEMENTS 256
static void print_char_array(struct strbuf *sb, const unsigned char *buf,
			     uint64_t n)
{
	uint64_t i = 0, run;

	if (n && !buf[n - 1])
		n--;
	strbuf_printf(sb, "\"");
	while (i < n && i < PRINT_ELEMENTS) {
		for (run = 1; i + run < n && buf[i + run] == buf[i]; run++)
			;
		for (; run; run--, i++)
			value_print_char(sb, buf[i], '"');
	}
	strbuf_printf(sb, i < n ? "\"..." : "\"");
}

static struct error *print_array(struct strbuf *sb,
				 const struct value_print_opts *o,
				 const struct type *at,
				 const unsigned char *buf, uint64_t addr,
				 unsigned int recurse)
{
	uint64_t esize = type_strip_typedefs(at->target).type->size, i;
	struct error *err;

	if (at->flags & (TYPE_VARIABLE_LENGTH | TYPE_VECTOR))
		return error_create(ERR_UNSUPPORTED, "variable-length and "
				    "vector arrays");
	/* an array of no size (a flexible array member) GDB shows as a
	 * pointer to its first element */
	if (!at->count || !esize) {
		struct type elt_ptr = { .kind = TYPE_POINTER, .size = 8,
					.target = at->target };

		return print_pointer(sb, o, &elt_ptr, addr);
	}
	if ((!o->format || o->format_is_radix) && is_char(at->target)) {
		print_char_array(sb, buf, at->count);
		return NULL;
	}
	strbuf_printf(sb, "{");
	for (i = 0; i < at->count; i++) {
		if (i)
			strbuf_printf(sb, ", ");
		err = print_any(sb, o, at->target, buf + i * esize,
				addr + i * esize, recurse + 1);
		if (err)
			return err;
	}
	strbuf_printf(sb, "}");
	return NULL;
}

static struct error *print_members(struct strbuf *sb,
				   const struct value_print_opts *o,
				   const struct type *st,
				   const unsigned char *buf, uint64_t addr,
				   unsigned int recurse)
{
	const struct type_member *m;
	struct error *err;
	size_t n, i;

	err = type_members(o->ts, st, &m, &n);
	if (err)
		return err;
	if (!n) {
		strbuf_printf(sb, "{<No data fields>}");
		return NULL;
	}
	strbuf_printf(sb, "{\n");
	for (i = 0; i < n; i++) {
		indent(sb, 2 + 2 * recurse);
		if (m[i].name)
			strbuf_printf(sb, "%s = ", m[i].name);
		if (m[i].bit_size) {
			uint64_t first = m[i].bit_offset / 8;

			err = value_print_bits(sb, o, m[i].type, buf + first,
					       st->size - first,
					       m[i].bit_offset % 8,
					       m[i].bit_size);
		} else {
			err = print_any(sb, o, m[i].type,
					buf + m[i].bit_offset / 8,
					addr + m[i].bit_offset / 8,
					recurse + 1);
		}
		if (err)
			return err;
		strbuf_printf(sb, "%s\n", i + 1 < n ? "," : "");
	}
	indent(sb, 2 * recurse);
	strbuf_printf(sb, "}");
	return NULL;
}

static struct error *print_any(struct strbuf *sb,
			       const struct value_print_opts *o,
			       struct type_ref t, const unsigned char *buf,
			       uint64_t addr, unsigned int recurse)
{
	const struct type *st = type_strip_typedefs(t).type;

	switch (st->kind) {
	case TYPE_INT:
	case TYPE_BOOL:
	case TYPE_ENUM:
		if (st->kind == TYPE_INT && st->size == 16) {
			print_int128(sb, o, buf, st->flags & TYPE_SIGNED);
			return NULL;
		}
		if (!st->size || st->size > 8)
			return error_create(ERR_UNSUPPORTED, "%" PRIu64
					    "-byte integers", st->size);
		return print_scalar(sb, o, t, value_get_uint(buf, st->size,
						       o->big_endian),
				    8 * st->size);
	case TYPE_POINTER:
		return print_pointer(sb, o, st, value_get_uint(buf, st->size,
							 o->big_endian));
	case TYPE_ARRAY:
		return print_array(sb, o, st, buf, addr, recurse);
	case TYPE_STRUCT:
	case TYPE_UNION:
		return print_members(sb, o, type_complete(o->ts, st), buf,
				     addr, recurse);
	case TYPE_FLOAT:
		return error_create(ERR_UNSUPPORTED, "floating point values");
	case TYPE_FUNCTION:
		return error_create(ERR_UNSUPPORTED, "function values");
	default:
		return error_create(ERR_UNSUPPORTED, "values of this type");
	}
}

struct error *value_print(struct strbuf *sb, const struct value_print_opts *o,
			  struct type_ref t, uint64_t addr, const void *buf,
			  size_t len)
{
	const struct type *st = type_strip_typedefs(t).type;
	size_t start = sb->len;
	struct error *err;

	if (len < st->size)
		return error_create(ERR_INVALID, "%zu bytes for a value of "
				    "%" PRIu64, len, st->size);
	/* GDB names a pointer's type first, except for plain char
	 * pointers, whose string says enough */
	if (st->kind == TYPE_POINTER && !o->format &&
	    !(t.type == st && st->target.type->kind == TYPE_INT &&
	      st->target.type->name &&
	      !strcmp(st->target.type->name, "char"))) {
		strbuf_printf(sb, "(");
		err = type_print_c(sb, o->ts, t, "", -1);
		if (err)
			return err;
		strbuf_printf(sb, ") ");
	}
	err = print_any(sb, o, t, buf, addr, 0);
	if (err && sb->s) {
		sb->len = start;
		sb->s[start] = '\0';
	}
	return err;
}

struct error *value_bits(const void *buf, size_t len, bool big,
			 uint64_t bit_offset, uint32_t bit_size,
			 bool is_signed, uint64_t *ret)
{
	const unsigned char *p = (const unsigned char *)buf + bit_offset / 8;
	unsigned int shift = bit_offset % 8;
	size_t nbytes = (shift + bit_size + 7) / 8, i;
	/* a field of up to 64 bits may straddle 9 bytes */
	unsigned __int128 wide = 0;
	uint64_t raw;

	if (bit_size == 0 || bit_size > 64 || bit_offset / 8 + nbytes > len)
		return error_create(ERR_UNSUPPORTED, "a %" PRIu32 "-bit field",
				    bit_size);
	for (i = 0; i < nbytes; i++)
		wide |= (unsigned __int128)p[big ? nbytes - 1 - i : i]
			<< (8 * i);
	if (big)
		wide >>= 8 * nbytes - shift - bit_size;
	else
		wide >>= shift;
	raw = (uint64_t)wide;
	if (bit_size < 64)
		raw &= (UINT64_C(1) << bit_size) - 1;
	if (is_signed)
		raw = (uint64_t)value_sign_extend(raw, bit_size);
	*ret = raw;
	return NULL;
}

struct error *value_print_bits(struct strbuf *sb,
			       const struct value_print_opts *o,
			       struct type_ref t, const void *buf, size_t len,
			       uint64_t bit_offset, uint32_t bit_size)
{
	uint64_t raw;
	struct error *err = value_bits(buf, len, o->big_endian, bit_offset,
				       bit_size, type_strip_typedefs(t).type->
				       flags & TYPE_SIGNED, &raw);

	if (err)
		return err;
	return print_scalar(sb, o, t, raw, bit_size);
}
