/* The range map: lookups, overlaps resolved by priority, values that move
 * with a range's start, checked against a brute-force model. */
#include <stdlib.h>
#include <string.h>

#include "../../src/dump/rangemap.h"
#include "../../src/util/error.h"
#include "test.h"

/* The value a range gives at addr. */
static uint64_t value_at(const struct range *r, uint64_t addr)
{
	return r->value + (addr - r->start);
}

TEST(rangemap_empty)
{
	struct rangemap rm = { 0 };

	CHECK_OK(rangemap_finalize(&rm));
	CHECK(rangemap_find(&rm, 0) == NULL);
	CHECK(rangemap_next(&rm, 0) == NULL);
	/* Empty and backwards ranges are not added. */
	CHECK_OK(rangemap_add(&rm, 10, 10, 0, 1, 1));
	CHECK_OK(rangemap_add(&rm, 10, 5, 0, 1, 1));
	CHECK_EQ(rm.n, 0);
	CHECK_OK(rangemap_finalize(&rm));
	CHECK(rangemap_find(&rm, 10) == NULL);
	rangemap_free(&rm);
	CHECK_EQ(rm.n, 0);
	CHECK(rm.r == NULL);
}

TEST(rangemap_disjoint_in_any_order)
{
	struct rangemap rm = { 0 };
	const struct range *r;

	CHECK_OK(rangemap_add(&rm, 30, 40, 3000, 3, 0));
	CHECK_OK(rangemap_add(&rm, 0, 10, 1000, 1, 0));
	CHECK_OK(rangemap_add(&rm, 10, 20, 2000, 2, 0));
	CHECK_OK(rangemap_finalize(&rm));
	CHECK_EQ(rm.n, 3);

	r = rangemap_find(&rm, 0);
	CHECK(r && r->kind == 1 && value_at(r, 0) == 1000);
	r = rangemap_find(&rm, 9);
	CHECK(r && r->kind == 1 && value_at(r, 9) == 1009);
	r = rangemap_find(&rm, 10);
	CHECK(r && r->kind == 2 && value_at(r, 10) == 2000);
	r = rangemap_find(&rm, 19);
	CHECK(r && r->kind == 2 && value_at(r, 19) == 2009);
	CHECK(rangemap_find(&rm, 20) == NULL);
	CHECK(rangemap_find(&rm, 29) == NULL);
	r = rangemap_find(&rm, 39);
	CHECK(r && r->kind == 3 && value_at(r, 39) == 3009);
	CHECK(rangemap_find(&rm, 40) == NULL);
	CHECK(rangemap_find(&rm, ~0ull) == NULL);

	r = rangemap_next(&rm, 25);
	CHECK(r && r->start == 30);
	r = rangemap_next(&rm, 15);
	CHECK(r && r->start == 10);
	r = rangemap_next(&rm, 20);
	CHECK(r && r->start == 30);
	CHECK(rangemap_next(&rm, 40) == NULL);
	rangemap_free(&rm);
}

/* A high-priority range inside a low one splits it; the low one's value
 * carries on past the split. */
TEST(rangemap_overlap_higher_priority_wins)
{
	int order;

	for (order = 0; order < 2; order++) {
		struct rangemap rm = { 0 };
		const struct range *r;

		if (order) {
			CHECK_OK(rangemap_add(&rm, 20, 30, 5000, 2, 7));
			CHECK_OK(rangemap_add(&rm, 0, 100, 1000, 1, 3));
		} else {
			CHECK_OK(rangemap_add(&rm, 0, 100, 1000, 1, 3));
			CHECK_OK(rangemap_add(&rm, 20, 30, 5000, 2, 7));
		}
		CHECK_OK(rangemap_finalize(&rm));
		CHECK_EQ(rm.n, 3);
		r = rangemap_find(&rm, 19);
		CHECK(r && r->kind == 1 && value_at(r, 19) == 1019);
		r = rangemap_find(&rm, 20);
		CHECK(r && r->kind == 2 && value_at(r, 20) == 5000);
		r = rangemap_find(&rm, 29);
		CHECK(r && r->kind == 2 && value_at(r, 29) == 5009);
		r = rangemap_find(&rm, 30);
		CHECK(r && r->kind == 1 && r->start == 30 &&
		      value_at(r, 30) == 1030);
		r = rangemap_find(&rm, 99);
		CHECK(r && value_at(r, 99) == 1099);
		CHECK(rangemap_find(&rm, 100) == NULL);
		rangemap_free(&rm);
	}
}

TEST(rangemap_same_start_and_nesting)
{
	struct rangemap rm = { 0 };
	const struct range *r;

	/* Same start: the higher priority covers it, the lower shows after. */
	CHECK_OK(rangemap_add(&rm, 0, 50, 100, 1, 1));
	CHECK_OK(rangemap_add(&rm, 0, 10, 900, 2, 2));
	/* Three levels. */
	CHECK_OK(rangemap_add(&rm, 100, 200, 0, 3, 1));
	CHECK_OK(rangemap_add(&rm, 110, 190, 0x10000, 4, 5));
	CHECK_OK(rangemap_add(&rm, 120, 130, 0x20000, 5, 9));
	CHECK_OK(rangemap_add(&rm, 185, 195, 0x30000, 6, 2));
	CHECK_OK(rangemap_finalize(&rm));

	r = rangemap_find(&rm, 5);
	CHECK(r && r->kind == 2 && value_at(r, 5) == 905);
	r = rangemap_find(&rm, 10);
	CHECK(r && r->kind == 1 && value_at(r, 10) == 110);
	r = rangemap_find(&rm, 105);
	CHECK(r && r->kind == 3 && value_at(r, 105) == 5);
	r = rangemap_find(&rm, 115);
	CHECK(r && r->kind == 4 && value_at(r, 115) == 0x10005);
	r = rangemap_find(&rm, 125);
	CHECK(r && r->kind == 5 && value_at(r, 125) == 0x20005);
	r = rangemap_find(&rm, 135);
	CHECK(r && r->kind == 4 && value_at(r, 135) == 0x10000 + 25);
	r = rangemap_find(&rm, 187);
	CHECK(r && r->kind == 4);
	r = rangemap_find(&rm, 192);
	CHECK(r && r->kind == 6 && value_at(r, 192) == 0x30007);
	r = rangemap_find(&rm, 197);
	CHECK(r && r->kind == 3 && value_at(r, 197) == 97);
	rangemap_free(&rm);
}

TEST(rangemap_top_of_address_space)
{
	struct rangemap rm = { 0 };
	const struct range *r;
	uint64_t top = ~0ull;

	CHECK_OK(rangemap_add(&rm, top - 100, top, 7, 1, 0));
	CHECK_OK(rangemap_add(&rm, top - 50, top - 10, 70, 2, 1));
	CHECK_OK(rangemap_finalize(&rm));
	r = rangemap_find(&rm, top - 1);
	CHECK(r && r->kind == 1 && value_at(r, top - 1) == 7 + 99);
	r = rangemap_find(&rm, top - 50);
	CHECK(r && r->kind == 2);
	CHECK(rangemap_find(&rm, top) == NULL);
	rangemap_free(&rm);
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

/* Many random ranges (later ones win, as flattened records do) against
 * a model that simply asks every range. */
TEST(rangemap_matches_model)
{
	enum { N = 300, SPAN = 2000 };
	uint64_t seed = 12345;
	int round;

	for (round = 0; round < 20; round++) {
		struct rangemap rm = { 0 };
		uint64_t start[N], end[N], a;
		size_t i;
		int n = round < 5 ? 3 + round : N;

		for (i = 0; i < (size_t)n; i++) {
			start[i] = lcg(&seed) % SPAN;
			end[i] = start[i] + lcg(&seed) % (round % 3 ? 50 : 400);
			CHECK_OK(rangemap_add(&rm, start[i], end[i],
					      i * 100000 + 7, (uint32_t)i, i));
		}
		CHECK_OK(rangemap_finalize(&rm));
		for (i = 1; i < rm.n; i++)
			CHECK(rm.r[i - 1].end <= rm.r[i].start);
		for (a = 0; a < SPAN + 500; a++) {
			const struct range *r = rangemap_find(&rm, a);
			const struct range *nx = rangemap_next(&rm, a);
			int best = -1;

			for (i = 0; i < (size_t)n; i++)
				if (a >= start[i] && a < end[i])
					best = (int)i;
			if (best < 0) {
				CHECK(r == NULL);
				CHECK(!nx || nx->start > a);
				continue;
			}
			CHECK(r && r == nx);
			if (!r)
				continue;
			CHECK_EQ(r->kind, best);
			CHECK_EQ(value_at(r, a),
				 (uint64_t)best * 100000 + 7 + a - start[best]);
		}
		rangemap_free(&rm);
	}
}
