/* bench/bigmap.c — fills the big-map benchmark's pinned hash map (bench/bigmap.bpf.c's struct flow
 * values) with N entries, keys 1..N, in BPF_MAP_UPDATE_BATCH calls of 10,000; or counts what it
 * holds. A bench tool, not part of rawload: raw bpf(2).
 *
 * usage: bigmap fill PIN N     bigmap count PIN */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct flow { /* as bench/bigmap.bpf.c */
	uint64_t packets, bytes;
	uint32_t saddr;
	uint16_t sport, dport;
	uint8_t protocol, pad[3];
	uint32_t last_seen;
};

enum { CHUNK = 10000 };

static int bpf(int cmd, union bpf_attr *a)
{
	long r = syscall(__NR_bpf, cmd, a, sizeof(*a));
	return r < 0 ? -errno : (int)r;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "fill") && strcmp(argv[1], "count")) || (!strcmp(argv[1], "fill") && argc != 4)) {
		fprintf(stderr, "usage: bigmap fill PIN N | bigmap count PIN\n");
		return 2;
	}
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.pathname = (uint64_t)(uintptr_t)argv[2];
	int fd = bpf(BPF_OBJ_GET, &a);
	if (fd < 0) {
		fprintf(stderr, "bigmap: %s: %s\n", argv[2], strerror(-fd));
		return 1;
	}
	if (!strcmp(argv[1], "count")) {
		uint32_t key, next, n = 0;
		void *prev = NULL;
		for (;;) {
			memset(&a, 0, sizeof(a));
			a.map_fd = (uint32_t)fd;
			a.key = (uint64_t)(uintptr_t)prev;
			a.next_key = (uint64_t)(uintptr_t)&next;
			if (bpf(BPF_MAP_GET_NEXT_KEY, &a) < 0)
				break;
			key = next;
			prev = &key;
			n++;
		}
		printf("%u\n", n);
		return 0;
	}
	long n = strtol(argv[3], NULL, 10);
	uint32_t *keys = malloc(CHUNK * sizeof(*keys));
	struct flow *vals = malloc(CHUNK * sizeof(*vals));
	if (n <= 0 || !keys || !vals)
		return 1;
	for (long done = 0; done < n;) {
		uint32_t count = n - done < CHUNK ? (uint32_t)(n - done) : CHUNK;
		for (uint32_t i = 0; i < count; i++) {
			uint32_t k = (uint32_t)(done + i + 1);
			keys[i] = k;
			vals[i] = (struct flow){.packets = k % 1000 + 1, .bytes = (k % 1000 + 1) * 1400,
						.saddr = htonl(0x0a000000u | (k & 0xffffff)), .sport = (uint16_t)(1024 + k % 50000),
						.dport = 443, .protocol = k % 3 ? 6 : 17, .last_seen = k};
		}
		memset(&a, 0, sizeof(a));
		a.batch.map_fd = (uint32_t)fd;
		a.batch.keys = (uint64_t)(uintptr_t)keys;
		a.batch.values = (uint64_t)(uintptr_t)vals;
		a.batch.count = count;
		int err = bpf(BPF_MAP_UPDATE_BATCH, &a);
		if (err) {
			fprintf(stderr, "bigmap: update batch at %ld: %s\n", done, strerror(-err));
			return 1;
		}
		done += count;
	}
	return 0;
}
