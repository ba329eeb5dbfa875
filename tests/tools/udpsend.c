/* tests/tools/udpsend.c — send a bounded number of UDP datagrams to one IPv4 address, for the
 * kernel tests and the demo (which only ever point it at a namespace they created).
 * usage: udpsend ADDR PORT COUNT [GAP_MS] [TTL]   (COUNT <= 100000, GAP_MS <= 1000) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: udpsend ADDR PORT COUNT [GAP_MS] [TTL]\n");
		return 2;
	}
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
	long count = atol(argv[3]), gap = argc > 4 ? atol(argv[4]) : 0;
	int ttl = argc > 5 ? atoi(argv[5]) : 64;
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 || count < 0 || count > 100000 || gap < 0 || gap > 1000) {
		fprintf(stderr, "udpsend: bad arguments\n");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0) {
		perror("udpsend");
		return 1;
	}
	struct timespec pause = {gap / 1000, (gap % 1000) * 1000000};
	for (long i = 0; i < count; i++) {
		char msg[32];
		int n = snprintf(msg, sizeof(msg), "rawload test %ld", i);
		if (sendto(fd, msg, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			perror("udpsend: sendto");
			return 1;
		}
		if (gap)
			nanosleep(&pause, NULL);
	}
	close(fd);
	return 0;
}
