/*
 * Values as text, the way GDB (and so the classic crash's "p") prints
 * them: a value of a C type, from the bytes of the dumped kernel, with
 * GDB's pretty layout (two spaces of indentation a level, ", " between
 * elements), char arrays as C strings with every byte, pointers with the
 * kernel symbol they point into.
 *
 * Nothing here prints to a FILE: the text goes to a strbuf.
 */
#ifndef CRASH_VALUE_PRINT_H
#define CRASH_VALUE_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../symbols/types.h"
#include "../util/strbuf.h"

struct kernel;

struct value_print_opts {
	struct types *ts;
	/* Symbols for "<name+off>" and memory for the strings char
	 * pointers point to; either may be NULL (then not shown). */
	const struct kernel *k;
	bool big_endian;	/* byte order of the dumped machine */
	/* GDB's print format: 0 (natural), 'x' (hex) or 'd' (signed
	 * decimal).  With a format, pointers are plain numbers. */
	char format;
	/* With no format: 16 shows integers (and chars) in hexadecimal, as
	 * GDB's "set output-radix 16" (the classic crash's set radix); 0
	 * or 10 in decimal. */
	unsigned int radix;
	/* The format is the output radix of struct -x/-d (and task, mach),
	 * not a print format: char arrays stay strings then. */
	bool format_is_radix;
};

/*
 * Append the value of type t held in buf (len bytes, at least t's size),
 * read from addr (GDB shows an array of no size by its address), as
 * "print" shows it at the top level: a pointer with its type in
 * parentheses first ("(struct mm_struct *) 0x0").  No newline is added.
 * ERR_UNSUPPORTED for values GDB would print but this does not (floating
 * point, functions); nothing is appended then.
 */
struct error *value_print(struct strbuf *sb, const struct value_print_opts *o,
			  struct type_ref t, uint64_t addr, const void *buf,
			  size_t len);

/* The same for a bit field: bit_size bits at bit_offset (from the start
 * of buf, in the target's bit order) of an integer, bool or enum type. */
struct error *value_print_bits(struct strbuf *sb,
			       const struct value_print_opts *o,
			       struct type_ref t, const void *buf, size_t len,
			       uint64_t bit_offset, uint32_t bit_size);

/* The n-byte (n <= 8) unsigned integer at buf in the given byte order. */
uint64_t value_get_uint(const void *buf, size_t n, bool big);
/* v's low bits bits as a signed number. */
int64_t value_sign_extend(uint64_t v, unsigned int bits);
/* bit_size bits at bit_offset of buf (len bytes), sign-extended if
 * is_signed; ERR_UNSUPPORTED for fields past len or wider than 64. */
struct error *value_bits(const void *buf, size_t len, bool big,
			 uint64_t bit_offset, uint32_t bit_size,
			 bool is_signed, uint64_t *ret);

/* One byte as GDB writes it inside a string (quote is the delimiter that
 * must be escaped: '"' in strings, '\'' in char literals). */
void value_print_char(struct strbuf *sb, unsigned char c, char quote);

#endif
