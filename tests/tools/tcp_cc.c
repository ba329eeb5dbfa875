/* tests/tools/tcp_cc.c — TCP connections over loopback that select a congestion control by name
 * (setsockopt TCP_CONGESTION), for the struct_ops kernel test. A child process accepts and reads;
 * the parent connects CONNS times, checks with getsockopt that each socket runs CC, sends BYTES on
 * each and closes it. Only 127.0.0.1, in whatever network namespace it runs in (the test's own);
 * bounded by a 20 s alarm.
 * usage: tcp_cc CC CONNS BYTES     prints "cc CC conns CONNS bytes BYTES" on success */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "tcp_cc: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long count_arg(const char *s, long max)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || n < 1 || n > max) {
		fprintf(stderr, "tcp_cc: bad number '%s'\n", s);
		exit(2);
	}
	return n;
}

/* Accept conns connections one after the other and read each to its end; exit 0 when each
 * brought exactly bytes. */
static void serve(int ls, long conns, long bytes)
{
	static char buf[65536];
	for (long c = 0; c < conns; c++) {
		int s = accept(ls, NULL, NULL);
		if (s < 0)
			die("accept");
		long got = 0;
		ssize_t r;
		while ((r = read(s, buf, sizeof(buf))) > 0)
			got += r;
		if (r < 0)
			die("read");
		close(s);
		if (got != bytes) {
			fprintf(stderr, "tcp_cc: connection %ld brought %ld bytes, not %ld\n", c + 1, got, bytes);
			exit(1);
		}
	}
	exit(0);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: tcp_cc CC CONNS BYTES\n");
		return 2;
	}
	const char *cc = argv[1];
	long conns = count_arg(argv[2], 100), bytes = count_arg(argv[3], 64L << 20);
	alarm(20);

	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 16) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &alen) < 0)
		die("listening on 127.0.0.1");
	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0)
		serve(ls, conns, bytes);
	close(ls);

	static char buf[65536];
	memset(buf, 'x', sizeof(buf));
	for (long c = 0; c < conns; c++) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			die("socket");
		if (setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, (socklen_t)strlen(cc)) < 0)
			die("setsockopt TCP_CONGESTION");
		if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("connect");
		char now[32] = "";
		socklen_t n = sizeof(now) - 1;
		if (getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, now, &n) < 0)
			die("getsockopt TCP_CONGESTION");
		if (strcmp(now, cc) != 0) {
			fprintf(stderr, "tcp_cc: connection %ld runs '%s', not '%s'\n", c + 1, now, cc);
			return 1;
		}
		for (long sent = 0; sent < bytes;) {
			size_t chunk = bytes - sent < (long)sizeof(buf) ? (size_t)(bytes - sent) : sizeof(buf);
			ssize_t w = write(s, buf, chunk);
			if (w < 0)
				die("write");
			sent += w;
		}
		close(s);
	}
	int status;
	if (waitpid(child, &status, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "tcp_cc: the receiving side failed\n");
		return 1;
	}
	printf("cc %s conns %ld bytes %ld\n", cc, conns, bytes);
	return 0;
}
