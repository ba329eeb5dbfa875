/* tests/unit/check.h — the smallest harness that will do: TEST(name) { CHECK(cond, "fmt", ...); }
 * Tests register themselves (constructor attribute, fine in test code); the runner in check.c runs
 * them in name order, prints "ok NAME" or "FAIL NAME" with each failed check, and ends with
 * "N passed, N failed" counting test cases. A test calls SKIP("why") to skip (counted apart). */
#ifndef RAWLOAD_CHECK_H
#define RAWLOAD_CHECK_H

#include <stdio.h>

struct test_case {
	const char *name;
	void (*fn)(void);
	struct test_case *next;
};

void test_register(struct test_case *tc);
extern int test_failed_checks; /* failed checks in the running test */
extern int test_skipped;       /* set by SKIP in the running test */
/* Directory holding the test objects (build/progs), the examples and the rawload binary. */
const char *test_path(const char *rel); /* "examples/show-ip.o" -> absolute path; static buffer ring */

#define TEST(fn_)                                                                        \
	static void fn_(void);                                                           \
	__attribute__((constructor)) static void register_##fn_(void)                    \
	{                                                                                \
		static struct test_case tc = {#fn_, fn_, 0};                             \
		test_register(&tc);                                                      \
	}                                                                                \
	static void fn_(void)

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			test_failed_checks++;                                            \
			fprintf(stderr, "  check failed at %s:%d: %s: ", __FILE__, __LINE__, \
				#cond);                                                  \
			fprintf(stderr, __VA_ARGS__);                                    \
			fputc('\n', stderr);                                             \
		}                                                                        \
	} while (0)

/* CHECK and leave the test when it fails (for preconditions later checks depend on). */
#define REQUIRE(cond, ...)                                                               \
	do {                                                                             \
		int before_ = test_failed_checks;                                        \
		CHECK(cond, __VA_ARGS__);                                                \
		if (test_failed_checks != before_)                                       \
			return;                                                          \
	} while (0)

#define SKIP(why)                                                                        \
	do {                                                                             \
		fprintf(stderr, "  skip: %s\n", why);                                    \
		test_skipped = 1;                                                        \
		return;                                                                  \
	} while (0)

#endif
