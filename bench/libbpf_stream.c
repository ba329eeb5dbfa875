/* bench/libbpf_stream.c — what a user of libbpf would write to do what rawload's display does with
 * bench/storm.bpf.c: open and load the object, attach its programs, and print every record of the
 * map `events` as a line on stdout (stdio, fully buffered when it is not a terminal) until SIGINT or
 * SIGTERM, then read what is left and exit. Ring buffer: ring_buffer__poll; perf event array:
 * perf_buffer__poll with PAGES pages per CPU, as rawload uses. The line is the one rawload renders
 * from the record's BTF: events: {seq=1, ts=2, pid=3, cpu=0, comm="storm"}. Linked statically
 * against Debian's libbpf-dev for the bench's comparison only; rawload never uses it.
 *
 * usage: libbpf-stream OBJECT */
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { PAGES = 8 }; /* per CPU, as rawload's display (loader/show/show.c) */

struct storm_event {
	uint64_t seq, ts;
	uint32_t pid, cpu;
	char comm[16];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print(const void *data, size_t size)
{
	struct storm_event e;
	if (size < sizeof(e)) {
		printf("events: (%zu bytes)\n", size);
		return;
	}
	memcpy(&e, data, sizeof(e));
	e.comm[sizeof(e.comm) - 1] = '\0';
	printf("events: {seq=%llu, ts=%llu, pid=%u, cpu=%u, comm=\"%s\"}\n", (unsigned long long)e.seq,
	       (unsigned long long)e.ts, e.pid, e.cpu, e.comm);
}

static int on_ring(void *ctx, void *data, size_t size)
{
	(void)ctx;
	print(data, size);
	return 0;
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx;
	(void)cpu;
	print(data, size);
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	(void)ctx;
	printf("events: lost %llu samples on cpu %d\n", (unsigned long long)n, cpu);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: libbpf-stream OBJECT\n");
		return 2;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "libbpf-stream: %s: cannot open it\n", argv[1]);
		return 1;
	}
	struct bpf_link *links[8];
	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	int n = 0, rc = 1, err = 0;
	if (bpf_object__load(obj)) {
		fprintf(stderr, "libbpf-stream: %s: load failed\n", argv[1]);
		goto out;
	}
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj)
	{
		if (n == 8 || !(links[n] = bpf_program__attach(prog))) {
			fprintf(stderr, "libbpf-stream: %s: attach failed\n", bpf_program__name(prog));
			goto out_links;
		}
		n++;
	}
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "events");
	if (!map) {
		fprintf(stderr, "libbpf-stream: %s: no map 'events'\n", argv[1]);
		goto out_links;
	}
	if (bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF)
		rb = ring_buffer__new(bpf_map__fd(map), on_ring, NULL, NULL);
	else
		pb = perf_buffer__new(bpf_map__fd(map), PAGES, on_sample, on_lost, NULL, NULL);
	if (!rb && !pb) {
		fprintf(stderr, "libbpf-stream: cannot open the buffer of 'events'\n");
		goto out_links;
	}
	fprintf(stderr, "libbpf-stream: %d programs attached, following 'events'\n", n);
	while (!stop) {
		err = rb ? ring_buffer__poll(rb, 100) : perf_buffer__poll(pb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "libbpf-stream: poll: %s\n", strerror(-err));
			break;
		}
	}
	/* What arrived before the stop is still printed. */
	err = rb ? ring_buffer__consume(rb) : perf_buffer__consume(pb);
	rc = err < 0 || fflush(stdout) ? 1 : 0;
	ring_buffer__free(rb);
	perf_buffer__free(pb);
out_links:
	while (n > 0)
		bpf_link__destroy(links[--n]);
out:
	bpf_object__close(obj);
	return rc;
}
