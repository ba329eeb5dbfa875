/* tests/tools/uprobe_target.c — the process the uprobe and tp_btf tests watch, and the executable
 * whose symbols the ELF unit tests resolve. It calls rl_target_func(1..CALLS), makes GETPPIDS
 * getppid() calls through libc, and prints its pid.
 * usage: uprobe_target CALLS [GETPPIDS]   (each <= 1000000)
 * On x86-64 rl_target_func is written in assembly so its bytes are known: `lea 1(%rdi,%rdi), %eax`
 * (8d 44 3f 01), then `ret` (c3). A probe at +4 lands on the ret with %eax = 2x+1 already there. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__x86_64__)
__attribute__((naked, noinline)) int rl_target_func(int x)
{
	__asm__("lea 1(%rdi,%rdi), %eax\n\t"
		"ret\n\t");
}
#else
__attribute__((noinline)) int rl_target_func(int x)
{
	__asm__ volatile("" : "+r"(x)); /* keep the call: the tests count it */
	return 2 * x + 1;
}
#endif

static long count_arg(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || n < 0 || n > 1000000) {
		fprintf(stderr, "uprobe_target: bad count '%s'\n", s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: uprobe_target CALLS [GETPPIDS]\n");
		return 2;
	}
	long calls = count_arg(argv[1]), getppids = argc > 2 ? count_arg(argv[2]) : 0;
	long long sum = 0;
	for (long i = 1; i <= calls; i++)
		sum += rl_target_func((int)i);
	for (long i = 0; i < getppids; i++)
		sum += getppid() > 0;
	printf("%d %lld\n", (int)getpid(), sum);
	return 0;
}
