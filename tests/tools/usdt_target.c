/* tests/tools/usdt_target.c — the process the USDT kernel test watches: SystemTap SDT probes
 * (<sys/sdt.h>, Debian's systemtap-sdt-dev) with known arguments, fired a known number of times.
 * For fire i = 1..N:
 *   rl:args     5 arguments as the compiler places them ("nor": registers and immediates):
 *               (int)i - 3, (long)i * -1000, (unsigned char)(250 + i), a pointer to a long
 *               holding i * i, and the constant 7;
 *   rl:sites    at two call sites: i (a register) and the constant 100 (two argument specs);
 *   rl:mem      (usdt_mem.c) i and (short)-i read from memory ("m": -4@-20(%rbp) forms);
 *   rl:guarded  (usdt_sema.c) i, only while its semaphore is non-zero (a tracer is attached);
 *   rl_lib:hit  (usdt_lib.c, in libusdt_lib.so) i and (long)i * 3.
 * usage: usdt_target N        fire N times, print "PID GUARDED" (guarded: fires of rl:guarded)
 *        usdt_target --serve  read commands on stdin: "sema" prints "sema V" (rl:guarded's
 *                             semaphore), "fire N" fires N times and prints "fired N guarded G",
 *                             "pid" prints the pid; EOF ends it. Output is flushed per line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <unistd.h>

int rl_fire_mem(int i);            /* usdt_mem.c */
int rl_fire_guarded(int i);        /* usdt_sema.c: 1 when the probe fired */
unsigned short rl_guarded_value(void);
void rl_lib_fire(int i);           /* libusdt_lib.so */

static long slots[4];

__attribute__((noinline)) static void site_reg(int i)
{
	STAP_PROBE1(rl, sites, i);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void site_const(void)
{
	STAP_PROBE1(rl, sites, 100);
	__asm__ volatile("" ::: "memory");
}

static long fire(long n)
{
	long guarded = 0;
	for (int i = 1; i <= n; i++) {
		long *p = &slots[i % 4];
		*p = (long)i * i;
		STAP_PROBE5(rl, args, i - 3, (long)i * -1000, (unsigned char)(250 + i), p, 7);
		site_reg(i);
		site_const();
		rl_fire_mem(i);
		guarded += rl_fire_guarded(i);
		rl_lib_fire(i);
	}
	return guarded;
}

static long count_arg(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || n < 0 || n > 1000000) {
		fprintf(stderr, "usdt_target: bad count '%s'\n", s);
		exit(2);
	}
	return n;
}

static int serve(void)
{
	char line[64];
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		if (strcmp(line, "sema\n") == 0) {
			printf("sema %u\n", rl_guarded_value());
		} else if (strcmp(line, "pid\n") == 0) {
			printf("pid %d\n", (int)getpid());
		} else if (strncmp(line, "fire ", 5) == 0) {
			line[strcspn(line, "\n")] = '\0';
			long n = count_arg(line + 5);
			printf("fired %ld guarded %ld\n", n, fire(n));
		} else {
			fprintf(stderr, "usdt_target: unknown command '%s'\n", line);
			return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--serve") == 0)
		return serve();
	if (argc != 2) {
		fprintf(stderr, "usage: usdt_target N | usdt_target --serve\n");
		return 2;
	}
	long guarded = fire(count_arg(argv[1]));
	printf("%d %ld\n", (int)getpid(), guarded);
	return 0;
}
