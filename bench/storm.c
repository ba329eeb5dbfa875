/* bench/storm.c — drives the stream benchmark: starts a consumer (rawload's display, or the libbpf
 * consumer) on bench/storm.bpf.c with its stdout on a sink, waits until its program is attached,
 * makes the program emit for a while (getpriority(STORM_MAGIC, n) calls, as fast as it can or at
 * a set rate), stops the consumer with SIGINT (both read what is left before they exit) and reports
 * what the program sent and could not send (its map rlb_storm_stats, found by name), and the
 * consumer's CPU time (wait4) and peak RSS (VmHWM just before the stop).
 *
 * usage: storm -t SECONDS [-r RATE] -o SINK -e ERRFILE -- CONSUMER ARGS...
 * prints: sent=N lost=N calls=N storm_us=N rate=N consumer_cpu_us=N hwm_kb=N
 * A bench tool, not part of rawload: raw bpf(2) for the map lookups. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STORM_MAGIC 0x524c4253 /* as bench/storm.bpf.c */

static int bpf(int cmd, union bpf_attr *a)
{
	long r = syscall(__NR_bpf, cmd, a, sizeof(*a));
	return r < 0 ? -errno : (int)r;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The newest map named rlb_storm_stats with an id above `after`: an fd, or -1. after == UINT32_MAX:
 * nothing found, *last gets the highest map id there is (maps of an earlier run may outlive it
 * for a while: ids above the one before the consumer started are its own). */
static int find_stats(uint32_t after, uint32_t *last)
{
	int best = -1;
	union bpf_attr a;
	uint32_t id = after == UINT32_MAX ? 0 : after;
	for (;;) {
		memset(&a, 0, sizeof(a));
		a.start_id = id;
		if (bpf(BPF_MAP_GET_NEXT_ID, &a) < 0)
			break;
		id = a.next_id;
		if (last)
			*last = id;
		if (after == UINT32_MAX)
			continue;
		memset(&a, 0, sizeof(a));
		a.map_id = id;
		int fd = bpf(BPF_MAP_GET_FD_BY_ID, &a);
		if (fd < 0)
			continue;
		struct bpf_map_info info;
		memset(&info, 0, sizeof(info));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)fd;
		a.info.info_len = sizeof(info);
		a.info.info = (uint64_t)(uintptr_t)&info;
		if (bpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0 && !strcmp(info.name, "rlb_storm_stats")) {
			if (best >= 0)
				close(best);
			best = fd;
		} else {
			close(fd);
		}
	}
	return best;
}

static uint64_t stat_of(int fd, uint32_t key)
{
	uint64_t v = 0;
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uint64_t)(uintptr_t)&key;
	a.value = (uint64_t)(uintptr_t)&v;
	return bpf(BPF_MAP_LOOKUP_ELEM, &a) == 0 ? v : 0;
}

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

static void emit(unsigned long n)
{
	syscall(SYS_getpriority, STORM_MAGIC, n);
}

int main(int argc, char **argv)
{
	double seconds = 0, rate = 0;
	const char *sink = NULL, *errfile = "/dev/null";
	int i = 1;
	for (; i + 1 < argc && strcmp(argv[i], "--"); i += 2) {
		if (!strcmp(argv[i], "-t"))
			seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "-r"))
			rate = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "-o"))
			sink = argv[i + 1];
		else if (!strcmp(argv[i], "-e"))
			errfile = argv[i + 1];
		else
			break;
	}
	if (i >= argc || strcmp(argv[i], "--") || i + 1 >= argc || seconds <= 0 || !sink || rate < 0) {
		fprintf(stderr, "usage: storm -t SECONDS [-r RATE] -o SINK -e ERRFILE -- CONSUMER ARGS...\n");
		return 2;
	}
	char **cmd = argv + i + 1;
	uint32_t last_id = 0;
	find_stats(UINT32_MAX, &last_id);
	int out = open(sink, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0 || err < 0) {
		fprintf(stderr, "storm: %s: %s\n", out < 0 ? sink : errfile, strerror(errno));
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		execv(cmd[0], cmd);
		dprintf(2, "storm: exec %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}

	/* Attached when a probe call is counted (as sent or lost): up to 20 s for the load. */
	int fd = -1, status;
	uint64_t before = 0;
	for (int64_t until = now_ns() + 20 * 1000000000LL; now_ns() < until;) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "storm: %s ended before its program was attached\n", cmd[0]);
			return 1;
		}
		if (fd < 0)
			fd = find_stats(last_id, NULL);
		if (fd >= 0) {
			emit(0);
			before = stat_of(fd, 0) + stat_of(fd, 1);
			if (before)
				break;
		}
		usleep(10000);
	}
	if (!before) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fprintf(stderr, "storm: %s: its program never ran\n", cmd[0]);
		return 1;
	}
	usleep(100000); /* the consumer reaches its wait */

	/* The storm: in 1 ms slices; with a rate, each slice's share, then a sleep to the next slice. */
	uint64_t calls = 0;
	int64_t start = now_ns(), end = start + (int64_t)(seconds * 1e9), t = start;
	while (t < end) {
		if (rate > 0) {
			uint64_t due = (uint64_t)((double)(t - start) / 1e9 * rate) + 1;
			while (calls < due)
				emit(++calls);
			struct timespec ts = {0, 1000000 - (now_ns() - start) % 1000000};
			nanosleep(&ts, NULL);
		} else {
			for (int k = 0; k < 256; k++)
				emit(++calls);
		}
		t = now_ns();
	}
	int64_t storm_ns = now_ns() - start;
	long hwm = vmhwm_kb(pid);
	kill(pid, SIGINT);
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return 1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "storm: %s: %s %d\n", cmd[0], WIFEXITED(status) ? "exit status" : "killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return 1;
	}
	uint64_t sent = stat_of(fd, 0), lost = stat_of(fd, 1);
	int64_t cpu_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
			 (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
	printf("sent=%llu lost=%llu calls=%llu storm_us=%lld rate=%.0f consumer_cpu_us=%lld hwm_kb=%ld\n",
	       (unsigned long long)sent, (unsigned long long)lost, (unsigned long long)calls,
	       (long long)(storm_ns / 1000), (double)calls / ((double)storm_ns / 1e9), (long long)cpu_us, hwm);
	return 0;
}
