/* The value printer on hand-made types: the parts of GDB's layout that need
 * no DWARF (integers in each format, chars, bools, strings, arrays, bit
 * fields).  Structs and enums are checked against the classic crash on real
 * dumps by tests/cmd/print_check.py. */
#include <string.h>

#include "../../src/kernel/value_print.h"
#include "../../src/util/error.h"
#include "test.h"

static const struct type t_int = { .kind = TYPE_INT, .flags = TYPE_SIGNED,
				   .name = "int", .size = 4 };
static const struct type t_ulong = { .kind = TYPE_INT, .name = "unsigned long",
				     .size = 8 };
static const struct type t_char = { .kind = TYPE_INT, .flags = TYPE_SIGNED,
				    .name = "char", .size = 1 };
static const struct type t_bool = { .kind = TYPE_BOOL, .name = "_Bool",
				    .size = 1 };

/* Print and compare; the text is freed. */
static int printed(struct type_ref t, const void *buf, size_t len, char fmt,
		   const char *want)
{
	struct value_print_opts o = { .format = fmt };
	struct strbuf sb = { 0 };
	struct error *err = value_print(&sb, &o, t, 0, buf, len);
	int ok = !err && sb.s && !strcmp(sb.s, want);

	if (!ok)
		fprintf(stderr, "got \"%s\" (%s), want \"%s\"\n",
			sb.s ? sb.s : "", err ? err->message : "no error", want);
	error_free(err);
	strbuf_free(&sb);
	return ok;
}

TEST(value_print_integers)
{
	int32_t minus = -2;
	uint64_t big = 18446613195829280768ull;

	CHECK(printed((struct type_ref){ &t_int, 0 }, &minus, 4, 0, "-2"));
	CHECK(printed((struct type_ref){ &t_int, 0 }, &minus, 4, 'x',
		      "0xfffffffe"));
	CHECK(printed((struct type_ref){ &t_ulong, 0 }, &big, 8, 0,
		      "18446613195829280768"));
	/* /d reads the bits as signed, as GDB does */
	CHECK(printed((struct type_ref){ &t_ulong, 0 }, &big, 8, 'd',
		      "-130877880270848"));
}

/* arm64's fpsimd registers are __uint128_t: the whole value, as GDB */
TEST(value_print_int128)
{
	static const struct type t_u128 = { .kind = TYPE_INT, .size = 16,
					    .name = "__int128 unsigned" };
	static const struct type t_s128 = { .kind = TYPE_INT, .size = 16,
					    .flags = TYPE_SIGNED,
					    .name = "__int128" };
	unsigned char v[16] = { 5, 0, 0, 0, 0, 0, 0, 0, 1 }, ones[16];

	memset(ones, 0xff, sizeof(ones));
	CHECK(printed((struct type_ref){ &t_u128, 0 }, v, 16, 0,
		      "18446744073709551621"));
	CHECK(printed((struct type_ref){ &t_u128, 0 }, v, 16, 'x',
		      "0x10000000000000005"));
	CHECK(printed((struct type_ref){ &t_s128, 0 }, ones, 16, 0, "-1"));
	CHECK(printed((struct type_ref){ &t_u128, 0 }, ones, 16, 0,
		      "340282366920938463463374607431768211455"));
	CHECK(printed((struct type_ref){ &t_u128, 0 }, ones, 16, 'x',
		      "0xffffffffffffffffffffffffffffffff"));
}

TEST(value_print_chars_and_bools)
{
	unsigned char c = 's', nul = 0, one = 1;

	CHECK(printed((struct type_ref){ &t_char, 0 }, &c, 1, 0, "115 's'"));
	CHECK(printed((struct type_ref){ &t_char, 0 }, &nul, 1, 0,
		      "0 '\\000'"));
	CHECK(printed((struct type_ref){ &t_char, 0 }, &c, 1, 'x', "0x73"));
	CHECK(printed((struct type_ref){ &t_bool, 0 }, &one, 1, 0, "true"));
	CHECK(printed((struct type_ref){ &t_bool, 0 }, &nul, 1, 0, "false"));
}

TEST(value_print_arrays)
{
	struct type str = { .kind = TYPE_ARRAY, .size = 8, .count = 8,
			    .target = { &t_char, 0 } };
	struct type ints = { .kind = TYPE_ARRAY, .size = 12, .count = 3,
			     .target = { &t_int, 0 } };
	int32_t v[3] = { 466, 101, -33 };

	/* every byte but the last NUL; quotes, backslashes, escapes */
	CHECK(printed((struct type_ref){ &str, 0 }, "a\"\\\n\033\0\0", 8, 0,
		      "\"a\\\"\\\\\\n\\033\\000\\000\""));
	CHECK(printed((struct type_ref){ &str, 0 }, "abcdefgh", 8, 0,
		      "\"abcdefgh\""));
	CHECK(printed((struct type_ref){ &ints, 0 }, v, sizeof(v), 0,
		      "{466, 101, -33}"));
	CHECK(printed((struct type_ref){ &ints, 0 }, v, sizeof(v), 'x',
		      "{0x1d2, 0x65, 0xffffffdf}"));
}

TEST(value_print_bit_fields)
{
	struct value_print_opts o = { 0 };
	struct strbuf sb = { 0 };
	/* a 3-bit signed field holding -3 (0b101) at bit 6, across bytes */
	unsigned char buf[2] = { 0x40, 0x01 };

	CHECK_OK(value_print_bits(&sb, &o, (struct type_ref){ &t_int, 0 }, buf,
				  2, 6, 3));
	CHECK(sb.s && !strcmp(sb.s, "-3"));
	strbuf_free(&sb);
	CHECK_ERR(value_print_bits(&sb, &o, (struct type_ref){ &t_int, 0 },
				   buf, 1, 6, 3), ERR_UNSUPPORTED);
	strbuf_free(&sb);
}
