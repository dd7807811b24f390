/* The address set of the cycle checks: growth, repeats, membership. */
#include "../../src/util/addr_set.h"
#include "test.h"

TEST(addr_set_adds_finds_and_grows)
{
	struct addr_set s = { 0 };
	uint64_t a;
	int fresh = 0, again = 0;

	for (a = 0x1000; a < 0x1000 + 5000 * 64; a += 64)
		fresh += addr_set_add(&s, a) == 1;
	for (a = 0x1000; a < 0x1000 + 5000 * 64; a += 64)
		again += addr_set_add(&s, a) == 0;
	CHECK_EQ(fresh, 5000);
	CHECK_EQ(again, 5000);
	CHECK_EQ(s.n, 5000);
	CHECK(addr_set_has(&s, 0x1040));
	CHECK(!addr_set_has(&s, 0x1020));
	CHECK(!addr_set_has(&s, 0));
	CHECK_EQ(addr_set_add(&s, 0), 1);	/* 0 is never kept */
	addr_set_free(&s);
	CHECK(!addr_set_has(&s, 0x1040));
}
