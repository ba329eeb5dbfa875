/* tests/tools/udploop.c — UDP datagrams to oneself over loopback, inside the caller's network
 * namespace: bind a socket on 127.0.0.1 or ::1 at PORT, send COUNT datagrams to it from another
 * socket, read them all back. Nothing leaves the namespace and, with a listener there, no ICMP
 * error comes back: each datagram crosses the output and input paths exactly once. Bounded: the
 * reading ends after 5 s at most.
 * usage: udploop 127.0.0.1|::1 PORT COUNT   (COUNT <= 10000)
 * Prints "received N" and exits 0 when all COUNT came back, else 1. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: udploop 127.0.0.1|::1 PORT COUNT\n");
		return 2;
	}
	long port = atol(argv[2]), count = atol(argv[3]);
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof(ss));
	int v6 = strchr(argv[1], ':') != NULL;
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		len = sizeof(*a);
		if (inet_pton(AF_INET6, argv[1], &a->sin6_addr) != 1 || !IN6_IS_ADDR_LOOPBACK(&a->sin6_addr))
			port = -1;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		len = sizeof(*a);
		if (inet_pton(AF_INET, argv[1], &a->sin_addr) != 1 || (ntohl(a->sin_addr.s_addr) >> 24) != 127)
			port = -1;
	}
	if (port <= 0 || port > 65535 || count < 0 || count > 10000) {
		fprintf(stderr, "udploop: bad arguments (a loopback address, a port, at most 10000)\n");
		return 2;
	}
	int rx = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int tx = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int big = 1 << 20;
	setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&ss, len) < 0) {
		perror("udploop: socket");
		return 1;
	}
	long got = 0;
	char buf[64] = "rawload";
	for (long i = 0; i < count; i++) {
		if (sendto(tx, buf, 16, 0, (struct sockaddr *)&ss, len) != 16) {
			perror("udploop: sendto");
			return 1;
		}
		/* Read as we go: the receive buffer never fills. */
		while (recv(rx, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			got++;
	}
	while (got < count) {
		struct pollfd p = {.fd = rx, .events = POLLIN};
		if (poll(&p, 1, 5000) != 1 || recv(rx, buf, sizeof(buf), 0) <= 0)
			break;
		got++;
	}
	printf("received %ld\n", got);
	return got == count ? 0 : 1;
}
