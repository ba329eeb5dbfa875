/* tests/tools/tcpmsg.c — one TCP connection over loopback inside the caller's network namespace:
 * listen on 127.0.0.1:PORT, connect to it, send COUNT messages of SIZE bytes from the client (one
 * send() each, GAP_MS apart), and read them all on the accepted socket. For the sockmap kernel
 * test, which runs it in a namespace and a cgroup of its own. Bounded: every wait ends within 5 s.
 * usage: tcpmsg PORT COUNT SIZE [GAP_MS]   (COUNT <= 10000, SIZE 1..4096, GAP_MS <= 100)
 * Prints "received BYTES" and exits 0 when all COUNT * SIZE bytes arrived, else 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what)
{
	perror(what);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: tcpmsg PORT COUNT SIZE [GAP_MS]\n");
		return 2;
	}
	long port = atol(argv[1]), count = atol(argv[2]), size = atol(argv[3]), gap = argc > 4 ? atol(argv[4]) : 0;
	if (port <= 0 || port > 65535 || count < 0 || count > 10000 || size < 1 || size > 4096 || gap < 0 || gap > 100) {
		fprintf(stderr, "tcpmsg: bad arguments\n");
		return 2;
	}
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	int lsn = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsn < 0 || setsockopt(lsn, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lsn, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lsn, 1) < 0)
		return fail("tcpmsg: listen");
	int cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cli < 0 || connect(cli, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return fail("tcpmsg: connect");
	struct pollfd pl = {.fd = lsn, .events = POLLIN};
	if (poll(&pl, 1, 5000) != 1)
		return fail("tcpmsg: no connection to accept");
	int srv = accept(lsn, NULL, NULL);
	if (srv < 0)
		return fail("tcpmsg: accept");

	char msg[4096], buf[65536];
	long want = count * size, got = 0;
	for (long i = 0; i < count; i++) {
		memset(msg, 'a' + (int)(i % 26), (size_t)size);
		if (send(cli, msg, (size_t)size, 0) != size)
			return fail("tcpmsg: send");
		if (gap) {
			struct timespec ts = {0, gap * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	/* The client never closes before this ends, so a recv of 0 is no end of stream: a socket in a
	 * sockmap whose verdict passes data to itself can wake its reader before the data is there
	 * and return 0 (seen on 6.18). Read on until everything came or 5 s passed. */
	struct timespec start, now, pause = {0, 10 * 1000000L};
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = 5000 - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
		if (got >= want || left <= 0)
			break;
		struct pollfd pr = {.fd = srv, .events = POLLIN};
		if (poll(&pr, 1, (int)left) != 1)
			break;
		ssize_t n = recv(srv, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			got += n;
		else if (n == 0 || errno == EAGAIN)
			nanosleep(&pause, NULL);
		else
			return fail("tcpmsg: recv");
	}
	printf("received %ld\n", got);
	close(cli);
	close(srv);
	close(lsn);
	return got == want ? 0 : 1;
}
