/* bench/runner.c — runs one tool's cycle many times and measures only the tool's own processes
 * (fork + exec, no shell between): CPU from wait4(), wall time around each child, peak RSS. Prints
 * one line of per-cycle figures. The namespace, the checks and the table are bench/run.sh's.
 *
 * usage: runner [-n CYCLES] [-w WARMUP] [-r RSSCYCLES] [-e ERRFILE] [-o OUTFILE] -- STEP [::: STEP ...]
 * A STEP is an absolute program path and its arguments, run as a child and measured; or
 * "@unlink PATH", done by the runner itself between processes (removing a pin, the bookkeeping
 * `rm` would do) and not measured. Each child's stdout goes to /dev/null, or to OUTFILE (emptied
 * before each child), its stderr to ERRFILE. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_STEPS = 16 };

struct step {
	char **argv;
	const char *unlink_path; /* "@unlink PATH" */
};

struct totals {
	int64_t user_us, sys_us, wall_ns;
	long maxrss_kb;          /* the largest child's ru_maxrss */
	long hwm_kb;             /* the largest child's VmHWM at its exit (traced cycles) */
	int64_t *cycle_wall_ns;  /* per measured cycle, for the median */
};

static int devnull = -1, errfd = -1;
static const char *outfile; /* -o: children's stdout, emptied before each */

/* The stdout a child gets: /dev/null, or OUTFILE emptied. -1 when OUTFILE cannot be opened. */
static int child_stdout(void)
{
	if (!outfile)
		return devnull;
	int fd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		fprintf(stderr, "runner: %s: %s\n", outfile, strerror(errno));
	return fd;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t tv_us(struct timeval tv)
{
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* Run one child to its end. 0, or -1 with a line on stderr when it could not run or failed. */
static int run_child(char **argv, struct totals *t)
{
	int out = child_stdout();
	if (out < 0)
		return -1;
	int64_t start = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		perror("runner: fork");
		return -1;
	}
	if (pid == 0) {
		dup2(out, 1);
		dup2(errfd, 2);
		execv(argv[0], argv);
		dprintf(2, "runner: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("runner: wait4");
			return -1;
		}
	int64_t wall = now_ns() - start;
	if (out != devnull)
		close(out);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "runner: %s: %s %d\n", argv[0], WIFEXITED(status) ? "exit status" : "killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	if (t) {
		t->user_us += tv_us(ru.ru_utime);
		t->sys_us += tv_us(ru.ru_stime);
		t->wall_ns += wall;
		if (ru.ru_maxrss > t->maxrss_kb)
			t->maxrss_kb = ru.ru_maxrss;
	}
	return 0;
}

/* VmHWM of a process, in kB; -1 when it cannot be read. */
static long vmhwm_kb(pid_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *p = strstr(buf, "\nVmHWM:");
	return p ? strtol(p + 7, NULL, 10) : -1;
}

/* Run one child under ptrace, stopped at its exit to read its VmHWM (the mm is still there).
 * Why not ru_maxrss alone: since Linux 6.2 the RSS counters are per-CPU (percpu_counter) and the
 * exit path reads them without folding in the per-CPU parts, which can hide up to a batch of 32
 * pages per CPU; /proc/PID/status sums them exactly (fs/proc/task_mmu.c, task_mem). It also
 * counts only the new image, not the pages the forked child had from us before exec. Traced
 * cycles are kept out of the CPU and wall figures. */
static int run_child_traced(char **argv, struct totals *t)
{
	int out = child_stdout();
	if (out < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		perror("runner: fork");
		return -1;
	}
	if (pid == 0) {
		dup2(out, 1);
		dup2(errfd, 2);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(126);
		raise(SIGSTOP); /* lets the parent set its options before exec */
		execv(argv[0], argv);
		dprintf(2, "runner: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out != devnull)
		close(out); /* the child has its copy */
	int status;
	long hwm = -1;
	bool options_set = false;
	for (;;) {
		if (waitpid(pid, &status, 0) < 0) {
			if (errno == EINTR)
				continue;
			perror("runner: waitpid");
			return -1;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		int sig = WSTOPSIG(status), event = status >> 16, deliver = 0;
		if (!options_set && sig == SIGSTOP) {
			ptrace(PTRACE_SETOPTIONS, pid, NULL,
			       (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
			options_set = true;
		} else if (sig == SIGTRAP && event == PTRACE_EVENT_EXIT) {
			hwm = vmhwm_kb(pid);
		} else if (!(sig == SIGTRAP && event)) {
			deliver = sig; /* the tool's own signals go through */
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)deliver);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "runner: %s (traced): %s %d\n", argv[0],
			WIFEXITED(status) ? "exit status" : "killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	if (hwm < 0) {
		fprintf(stderr, "runner: %s: could not read its VmHWM at exit\n", argv[0]);
		return -1;
	}
	if (hwm > t->hwm_kb)
		t->hwm_kb = hwm;
	return 0;
}

/* One cycle: every step in order. t NULL: a warm-up cycle, not counted; traced: only VmHWM. */
static int run_cycle(const struct step *steps, int nsteps, struct totals *t, int64_t *cycle_wall, bool traced)
{
	int64_t before = t ? t->wall_ns : 0;
	for (int s = 0; s < nsteps; s++) {
		if (steps[s].unlink_path) {
			if (unlink(steps[s].unlink_path) < 0 && errno != ENOENT) {
				fprintf(stderr, "runner: unlink %s: %s\n", steps[s].unlink_path, strerror(errno));
				return -1;
			}
			continue;
		}
		if (traced ? run_child_traced(steps[s].argv, t) : run_child(steps[s].argv, t))
			return -1;
	}
	if (t && !traced)
		*cycle_wall = t->wall_ns - before;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int usage(void)
{
	fprintf(stderr, "usage: runner [-n CYCLES] [-w WARMUP] [-r RSSCYCLES] [-e ERRFILE] [-o OUTFILE] -- STEP [::: STEP ...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int cycles = 200, warmup = 5, rss_cycles = 5, i = 1;
	const char *errfile = "/dev/null";
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "-n"))
			cycles = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-w"))
			warmup = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-r"))
			rss_cycles = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-e"))
			errfile = argv[++i];
		else if (!strcmp(argv[i], "-o"))
			outfile = argv[++i];
		else
			return usage();
	}
	if (i >= argc - 1 || cycles <= 0 || warmup < 0 || rss_cycles < 0)
		return usage();

	/* Split the rest at ":::" into steps (argv is ours to cut: each step ends at a NULL). */
	struct step steps[MAX_STEPS];
	int nsteps = 0;
	for (int k = ++i; k <= argc; k++) {
		if (k < argc && strcmp(argv[k], ":::") != 0)
			continue;
		if (k == i || nsteps == MAX_STEPS)
			return usage();
		struct step *s = &steps[nsteps++];
		s->argv = argv + i;
		s->unlink_path = NULL;
		argv[k] = NULL;
		if (!strcmp(s->argv[0], "@unlink")) {
			if (k - i != 2)
				return usage();
			s->unlink_path = s->argv[1];
		} else if (s->argv[0][0] != '/') {
			fprintf(stderr, "runner: %s: give an absolute path (no PATH search is measured)\n", s->argv[0]);
			return 2;
		}
		i = k + 1;
	}

	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	errfd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (devnull < 0 || errfd < 0) {
		fprintf(stderr, "runner: %s: %s\n", devnull < 0 ? "/dev/null" : errfile, strerror(errno));
		return 1;
	}
	struct totals t = {0, 0, 0, 0, -1, calloc((size_t)cycles, sizeof(int64_t))};
	if (!t.cycle_wall_ns)
		return 1;
	for (int c = 0; c < warmup; c++)
		if (run_cycle(steps, nsteps, NULL, NULL, false))
			return 1;
	for (int c = 0; c < cycles; c++)
		if (run_cycle(steps, nsteps, &t, &t.cycle_wall_ns[c], false))
			return 1;
	for (int c = 0; c < rss_cycles; c++)
		if (run_cycle(steps, nsteps, &t, NULL, true))
			return 1;
	qsort(t.cycle_wall_ns, (size_t)cycles, sizeof(int64_t), cmp_i64);
	/* Per cycle, in microseconds (CPU from rusage has microsecond resolution). */
	printf("cycles=%d cpu_us=%.1f user_us=%.1f sys_us=%.1f wall_us=%.1f wall_median_us=%.1f maxrss_kb=%ld hwm_kb=%ld\n",
	       cycles, (double)(t.user_us + t.sys_us) / cycles, (double)t.user_us / cycles,
	       (double)t.sys_us / cycles, (double)t.wall_ns / 1000.0 / cycles,
	       (double)t.cycle_wall_ns[cycles / 2] / 1000.0, t.maxrss_kb, t.hwm_kb);
	return fflush(stdout) == 0 ? 0 : 1;
}
