/* tests/unit/check.c — runs the registered tests (see check.h). Shared by the unit and the kernel
 * test binaries. Usage: TESTBIN [NAME-SUBSTRING...] runs the tests whose name contains any of them. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

static struct test_case *tests;
int test_failed_checks;
int test_skipped;

void test_register(struct test_case *tc)
{
	struct test_case **p = &tests;
	while (*p && strcmp((*p)->name, tc->name) < 0)
		p = &(*p)->next;
	tc->next = *p;
	*p = tc;
}

const char *test_path(const char *rel)
{
	static char bufs[8][4096];
	static unsigned next;
	const char *root = getenv("RAWLOAD_ROOT");
	char *b = bufs[next++ % 8];
	snprintf(b, sizeof(bufs[0]), "%s/%s", root ? root : ".", rel);
	return b;
}

static int selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (struct test_case *tc = tests; tc; tc = tc->next) {
		if (!selected(tc->name, argc, argv))
			continue;
		test_failed_checks = 0;
		test_skipped = 0;
		fflush(stdout);
		tc->fn();
		fflush(stderr);
		if (test_failed_checks) {
			failed++;
			printf("FAIL %s\n", tc->name);
		} else if (test_skipped) {
			skipped++;
			printf("skip %s\n", tc->name);
		} else {
			passed++;
			printf("ok   %s\n", tc->name);
		}
	}
	if (skipped)
		printf("(%d skipped)\n", skipped);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
