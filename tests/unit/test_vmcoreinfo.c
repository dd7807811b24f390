/* VMCOREINFO text: every kind of key, number bases, odd text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/dump/vmcoreinfo.h"
#include "../../src/util/error.h"
#include "synth_dump.h"
#include "test.h"

static struct vmcoreinfo *parse(const char *text, size_t len)
{
	struct vmcoreinfo *vi = NULL;

	CHECK_OK(vmcoreinfo_parse(text, len, &vi));
	return vi;
}

static bool get_is(const struct vmcoreinfo *vi, const char *key,
		   const char *want)
{
	const char *v = vmcoreinfo_get(vi, key);

	return v && !strcmp(v, want);
}

TEST(vmcoreinfo_every_kind_of_key)
{
	struct vmcoreinfo *vi = parse(synth_vmcoreinfo,
				      strlen(synth_vmcoreinfo));
	uint64_t sym = 0;
	int64_t v = 0;

	if (!vi)
		return;
	CHECK_EQ(vi->n, 14);
	CHECK_EQ(vi->len, strlen(synth_vmcoreinfo));
	CHECK(!strcmp(vi->text, synth_vmcoreinfo));
	CHECK(get_is(vi, "OSRELEASE", "6.1.0-synth"));
	CHECK(get_is(vi, "BUILD-ID",
		     "0123456789abcdef0123456789abcdef01234567"));
	CHECK(vmcoreinfo_symbol(vi, "init_uts_ns", &sym));
	CHECK_EQ(sym, 0xffffffff82a1b2c0ull);
	CHECK(vmcoreinfo_symbol(vi, "swapper_pg_dir", &sym));
	CHECK_EQ(sym, 0xffffffff8240a000ull);
	CHECK(vmcoreinfo_offset(vi, "list_head.next", &v));
	CHECK_EQ(v, 0);
	CHECK(vmcoreinfo_offset(vi, "task_struct.tasks", &v));
	CHECK_EQ(v, 2232);
	CHECK(vmcoreinfo_size(vi, "page", &v));
	CHECK_EQ(v, 64);
	CHECK(vmcoreinfo_value(vi, "x", &v));
	CHECK_EQ(v, -1);
	CHECK(vmcoreinfo_value(vi, "PAGE_BUDDY_MAPCOUNT_VALUE", &v));
	CHECK_EQ(v, -129);
	/* A 0x prefix makes a NUMBER hex. */
	CHECK(vmcoreinfo_value(vi, "kimage_voffset", &v));
	CHECK_EQ(v, 0xffff800008000000ull);
	/* KERNELOFFSET is hex without a prefix, CRASHTIME decimal. */
	CHECK(vmcoreinfo_number(vi, "KERNELOFFSET", &v));
	CHECK_EQ(v, 0x1c000000);
	CHECK(vmcoreinfo_number(vi, "CRASHTIME", &v));
	CHECK_EQ(v, 1700000123);
	CHECK(vmcoreinfo_number(vi, "PAGESIZE", &v));
	CHECK_EQ(v, 4096);
	CHECK(vmcoreinfo_number(vi, "LENGTH(mem_section)", &v));
	CHECK_EQ(v, 2048);
	vmcoreinfo_free(vi);
}

TEST(vmcoreinfo_missing_keys)
{
	struct vmcoreinfo *vi = parse(synth_vmcoreinfo,
				      strlen(synth_vmcoreinfo));
	uint64_t sym = 42;
	int64_t v = 42;

	if (!vi)
		return;
	CHECK(vmcoreinfo_get(vi, "NOPE") == NULL);
	CHECK(vmcoreinfo_get(vi, "osrelease") == NULL);	/* exact case */
	CHECK(vmcoreinfo_get(vi, "OSRELEASE=") == NULL);
	CHECK(!vmcoreinfo_symbol(vi, "no_such_symbol", &sym));
	CHECK_EQ(sym, 42);
	CHECK(!vmcoreinfo_offset(vi, "list_head.prev", &v));
	CHECK(!vmcoreinfo_size(vi, "pages", &v));
	CHECK(!vmcoreinfo_value(vi, "y", &v));
	CHECK(!vmcoreinfo_number(vi, "OSRELEASE", &v));	/* not a number */
	CHECK_EQ(v, 42);
	vmcoreinfo_free(vi);

	/* No table at all asks like an empty one. */
	CHECK(vmcoreinfo_get(NULL, "OSRELEASE") == NULL);
	CHECK(!vmcoreinfo_number(NULL, "PAGESIZE", &v));
	CHECK(!vmcoreinfo_symbol(NULL, "x", &sym));
}

TEST(vmcoreinfo_odd_text)
{
	static const char padded[] = "A=1\nB=2\n\0\0\0C=3\n";
	static const char crlf[] = "PAGESIZE=16384\r\nSIZE(page)=56\r\n";
	static const char junk[] =
		"no equals sign here\n=novalue\n\n\nKEY=a=b\nLAST=9";
	struct vmcoreinfo *vi;
	int64_t v = 0;

	/* The note's NUL padding ends the text. */
	vi = parse(padded, sizeof(padded) - 1);
	if (vi) {
		CHECK_EQ(vi->n, 2);
		CHECK_EQ(vi->len, 8);
		CHECK(get_is(vi, "B", "2"));
		CHECK(vmcoreinfo_get(vi, "C") == NULL);
		vmcoreinfo_free(vi);
	}
	/* CRLF line ends still give numbers. */
	vi = parse(crlf, sizeof(crlf) - 1);
	if (vi) {
		CHECK(vmcoreinfo_number(vi, "PAGESIZE", &v));
		CHECK_EQ(v, 16384);
		CHECK(vmcoreinfo_size(vi, "page", &v));
		CHECK_EQ(v, 56);
		vmcoreinfo_free(vi);
	}
	/* Lines that are not KEY=VALUE are kept in the text only; the value
	 * runs to the end of the line, '=' and all; the last line needs no
	 * newline. */
	vi = parse(junk, sizeof(junk) - 1);
	if (vi) {
		CHECK_EQ(vi->n, 2);
		CHECK(get_is(vi, "KEY", "a=b"));
		CHECK(get_is(vi, "LAST", "9"));
		CHECK(!strcmp(vi->text, junk));
		vmcoreinfo_free(vi);
	}
	/* Nothing at all. */
	vi = parse("", 0);
	if (vi) {
		CHECK_EQ(vi->n, 0);
		CHECK(vmcoreinfo_get(vi, "A") == NULL);
		vmcoreinfo_free(vi);
	}
	/* Only part of a buffer counts. */
	vi = parse("AB=12345", 5);
	if (vi) {
		CHECK(get_is(vi, "AB", "12"));
		vmcoreinfo_free(vi);
	}
}

TEST(vmcoreinfo_bad_numbers)
{
	static const char text[] =
		"SIZE(a)=abc\nSIZE(b)=12abc\nSIZE(c)=\n"
		"NUMBER(big)=99999999999999999999\nSYMBOL(s)=xyz\n"
		"SYMBOL(t)=ffffffffffffffff\nSIZE(d)= 5\nOFFSET(e.f)=-0\n";
	struct vmcoreinfo *vi = parse(text, sizeof(text) - 1);
	uint64_t sym = 0;
	int64_t v = 7;
	char key[400];

	if (!vi)
		return;
	CHECK(!vmcoreinfo_size(vi, "a", &v));
	CHECK(!vmcoreinfo_size(vi, "b", &v));
	CHECK(!vmcoreinfo_size(vi, "c", &v));
	CHECK(!vmcoreinfo_value(vi, "big", &v));
	CHECK(!vmcoreinfo_symbol(vi, "s", &sym));
	CHECK_EQ(v, 7);
	CHECK(vmcoreinfo_symbol(vi, "t", &sym));
	CHECK_EQ(sym, ~0ull);
	CHECK(vmcoreinfo_offset(vi, "e.f", &v));
	CHECK_EQ(v, 0);
	/* A name too long for any key is simply not there. */
	memset(key, 'x', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	CHECK(!vmcoreinfo_size(vi, key, &v));
	vmcoreinfo_free(vi);
}

/* Duplicates (a damaged note) give one of their values, never garbage. */
TEST(vmcoreinfo_duplicate_keys)
{
	static const char text[] = "K=1\nK=2\nJ=0\nK=3\n";
	struct vmcoreinfo *vi = parse(text, sizeof(text) - 1);
	int64_t v = 0;

	if (!vi)
		return;
	CHECK_EQ(vi->n, 4);
	CHECK(vmcoreinfo_number(vi, "K", &v));
	CHECK(v >= 1 && v <= 3);
	vmcoreinfo_free(vi);
}

/* Thousands of keys: every one found. */
TEST(vmcoreinfo_many_keys)
{
	size_t cap = 1 << 20, len = 0;
	char *text = malloc(cap);
	struct vmcoreinfo *vi;
	int i;

	for (i = 0; i < 5000; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"OFFSET(s%d.m)=%d\n", i, i * 3);
	vi = parse(text, len);
	if (vi) {
		CHECK_EQ(vi->n, 5000);
		for (i = 0; i < 5000; i += 7) {
			char name[32];
			int64_t v = -1;

			snprintf(name, sizeof(name), "s%d.m", i);
			CHECK(vmcoreinfo_offset(vi, name, &v));
			CHECK_EQ(v, i * 3);
		}
		vmcoreinfo_free(vi);
	}
	free(text);
}
