/* The expression evaluator of eval, rd, sym and friends. */
#include <string.h>

#include "../../src/util/error.h"
#include "../../src/util/expr.h"
#include "test.h"

static struct error *names(const char *name, uint64_t *v, void *arg)
{
	(void)arg;
	if (!strcmp(name, "jiffies")) {
		*v = 0xffffffff82a05980ULL;
		return NULL;
	}
	if (!strcmp(name, "init_task.x")) {
		*v = 7;
		return NULL;
	}
	return error_create(ERR_NOT_FOUND, "symbol not found: %s", name);
}

static uint64_t eval(const char *text, bool hex)
{
	uint64_t v = 0xdeadbeef;

	CHECK_OK(expr_eval(text, hex, names, NULL, &v));
	return v;
}

TEST(expr_numbers_and_radix)
{
	CHECK_EQ(eval("10", false), 10);
	CHECK_EQ(eval("10", true), 0x10);
	CHECK_EQ(eval("0x10", false), 16);
	CHECK_EQ(eval("1f", false), 0x1f);	/* a-f digits: hex */
	CHECK_EQ(eval("dead", true), 0xdead);	/* hex before names */
	CHECK_EQ(eval("ffffffffffffffff", true), ~0ULL);
}

TEST(expr_operators_and_precedence)
{
	CHECK_EQ(eval("1+2*3", false), 7);
	CHECK_EQ(eval("(1+2)*3", false), 9);
	CHECK_EQ(eval("1 << 40", false), 1ULL << 40);
	CHECK_EQ(eval("0xff & 0x0f | 0x100", false), 0x10f);
	CHECK_EQ(eval("6 ^ 3", false), 5);
	CHECK_EQ(eval("-1", false), ~0ULL);
	CHECK_EQ(eval("~0 >> 60", false), 0xf);
	CHECK_EQ(eval("!0 + !5", false), 1);
	CHECK_EQ(eval("100 / 7 % 5", false), 4);
	CHECK_EQ(eval("1 << 64", false), 0);	/* no UB: shifts saturate */
}

TEST(expr_names)
{
	CHECK_EQ(eval("jiffies", true), 0xffffffff82a05980ULL);
	CHECK_EQ(eval("jiffies+8", true), 0xffffffff82a05988ULL);
	CHECK_EQ(eval("init_task.x * 2", false), 14);
}

TEST(expr_errors)
{
	uint64_t v;

	CHECK_ERR(expr_eval("nosuch", false, names, NULL, &v), ERR_NOT_FOUND);
	CHECK_ERR(expr_eval("1 +", false, names, NULL, &v), ERR_INVALID);
	CHECK_ERR(expr_eval("(1", false, names, NULL, &v), ERR_INVALID);
	CHECK_ERR(expr_eval("1 / 0", false, names, NULL, &v), ERR_INVALID);
	CHECK_ERR(expr_eval("12z", false, names, NULL, &v), ERR_INVALID);
	CHECK_ERR(expr_eval("", false, names, NULL, &v), ERR_INVALID);
	CHECK_ERR(expr_eval("1 2", false, names, NULL, &v), ERR_INVALID);
	CHECK_ERR(expr_eval("jiffies", false, NULL, NULL, &v), ERR_INVALID);
}

TEST(expr_deep_nesting_is_an_error_not_a_crash)
{
	char text[1000];
	uint64_t v;

	memset(text, '(', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	CHECK_ERR(expr_eval(text, false, names, NULL, &v), ERR_INVALID);
	memset(text, '-', sizeof(text) - 2);
	text[sizeof(text) - 2] = '1';
	CHECK_ERR(expr_eval(text, false, names, NULL, &v), ERR_INVALID);
}
