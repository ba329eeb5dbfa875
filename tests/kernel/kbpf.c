/* tests/kernel/kbpf.c — helpers of the bpf/ layer tests (see kbpf.h): loads with a verifier log,
 * maps, shell commands, a child in a private mount namespace. The instruction forms are inline in
 * kbpf.h. Doesn't own assertions beyond reporting a child's failed checks. */
#include "kbpf.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>

#include "bpf/sys.h"

double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 32, fmt, ap);
	va_end(ap);
	strcat(cmd, " >/dev/null 2>&1");
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void close_fd(int *fd)
{
	if (*fd > 0)
		close(*fd);
	*fd = -1;
}

/* ---- loads and maps ------------------------------------------------------------------------------ */

char verifier_log[65536];

int load(uint32_t type, const char *name, const struct bpf_insn *insns, uint32_t cnt)
{
	struct sys_prog_def def = {.name = name, .type = type, .insns = insns, .insn_cnt = cnt,
				   .license = "GPL", .log_buf = verifier_log,
				   .log_size = sizeof(verifier_log), .log_level = 1};
	return sys_prog_load(&def);
}

int load_xdp_ret(int v)
{
	struct bpf_insn p[] = {mov64_imm(BPF_REG_0, v), exit_insn()};
	return load(BPF_PROG_TYPE_XDP, "rl_xdp_ret", p, 2);
}

int map_make(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries, const char *name)
{
	struct sys_map_def def = {.name = name, .type = type, .key_size = key_size,
				  .value_size = value_size, .max_entries = max_entries};
	return sys_map_create(&def);
}

/* ---- processes ------------------------------------------------------------------------------------ */

void in_private_mounts(void (*fn)(void))
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		CHECK(0, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		test_failed_checks = 0;
		test_skipped = 0;
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
			fprintf(stderr, "  private mount namespace: %s\n", strerror(errno));
			_exit(100);
		}
		fn();
		fflush(stderr);
		_exit(test_skipped ? 101 : test_failed_checks > 99 ? 99 : test_failed_checks);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 100;
	if (code == 101)
		test_skipped = 1;
	else
		CHECK(code == 0, "child reported %d failed checks (or died: status %d)", code, st);
}
