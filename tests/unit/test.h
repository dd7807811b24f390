/* A minimal unit-test harness: TEST() registers a function, CHECK() records
 * a failure with its location and goes on.  The runner prints one line per
 * failing check and ends with "N passed, N failed". */
#ifndef CRASH_TEST_H
#define CRASH_TEST_H

#include <inttypes.h>
#include <stdio.h>

void test_register(const char *name, void (*fn)(void));
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void register_##name(void)	\
	{								\
		test_register(#name, name);				\
	}								\
	static void name(void)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			test_fail(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		unsigned long long a_ = (unsigned long long)(a);	\
		unsigned long long b_ = (unsigned long long)(b);	\
		if (a_ != b_)						\
			test_fail(__FILE__, __LINE__,			\
				  "%s == %s: 0x%llx != 0x%llx", #a, #b,	\
				  a_, b_);				\
	} while (0)

/* err must be NULL; otherwise its message is shown and it is freed. */
#define CHECK_OK(err_expr)						\
	do {								\
		struct error *e_ = (err_expr);				\
		if (e_) {						\
			test_fail(__FILE__, __LINE__, "%s: %s",		\
				  #err_expr, e_->message);		\
			error_free(e_);					\
		}							\
	} while (0)

/* err must have this code; it is freed either way. */
#define CHECK_ERR(err_expr, expected_code)				\
	do {								\
		struct error *e_ = (err_expr);				\
		if (!e_)						\
			test_fail(__FILE__, __LINE__,			\
				  "%s: succeeded, expected %s",		\
				  #err_expr, #expected_code);		\
		else if (e_->code != (expected_code))			\
			test_fail(__FILE__, __LINE__,			\
				  "%s: got \"%s\", expected %s",		\
				  #err_expr, e_->message,		\
				  #expected_code);			\
		error_free(e_);						\
	} while (0)

/* A fresh temporary directory for this test run (created on first use). */
const char *test_tmpdir(void);

#endif
