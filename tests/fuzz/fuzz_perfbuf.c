/* tests/fuzz/fuzz_perfbuf.c — libFuzzer target for the perf buffer reader (bpf/perf.h): one ring laid
 * out as the kernel maps it (struct perf_event_mmap_page, then the data pages) in exactly-sized heap
 * blocks, data_head and data_tail from the input. Samples and lost-records reports must lie inside
 * the ring (or the scratch copy of a record that wraps), the tail must move forward to at most the
 * head, and a callback's stop must be honoured.
 * Input: u8 size (data 2^(6 + size % 7) bytes), u8 stop-after, u64 head, u64 tail, the data.
 * Seeds: tests/fuzz/seeds.sh (BPF output samples as the kernel writes them, a lost record, a
 * sample wrapping the end, a truncated header). */
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/perf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	const struct perf_buf *pb;
	const uint8_t *ring_lo, *ring_hi;
	uint32_t calls, stop_after;
	uint64_t sum;
};

static void check(struct seen *s, const void *p, uint32_t len)
{
	const uint8_t *b = p;
	bool in_ring = b >= s->ring_lo && len <= (size_t)(s->ring_hi - b);
	bool in_scratch = b >= s->pb->scratch && len <= (size_t)(s->pb->scratch + s->pb->scratch_size - b);
	if (!in_ring && !in_scratch)
		abort();
	for (uint32_t i = 0; i < len; i++)
		s->sum += b[i];
}

static int on_sample(void *ctx, int cpu, const void *p, uint32_t len)
{
	struct seen *s = ctx;
	if (cpu != 3)
		abort();
	check(s, p, len);
	return ++s->calls == s->stop_after;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct seen *s = ctx;
	if (cpu != 3)
		abort();
	s->sum += lost;
	s->calls++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 18)
		return 0;
	size_t data_size = (size_t)1 << (6 + data[0] % 7), page = 4096;
	uint32_t stop_after = data[1];
	uint64_t head, tail;
	memcpy(&head, data + 2, 8);
	memcpy(&tail, data + 10, 8);
	data += 18;
	size -= 18;

	uint8_t *base = calloc(1, page + data_size);
	struct perf_ring ring = {.cpu = 3, .fd = -1, .base = base};
	struct perf_buf pb = {.map_fd = -1, .epoll_fd = -1, .nr = 1, .rings = &ring, .page_size = page,
			      .data_size = data_size, .scratch_size = data_size < 65536 ? data_size : 65536};
	pb.scratch = malloc(pb.scratch_size);
	if (!base || !pb.scratch) {
		free(base);
		free(pb.scratch);
		return 0;
	}
	struct perf_event_mmap_page *meta = (void *)base;
	meta->data_head = head;
	meta->data_tail = tail;
	memcpy(base + page, data, size < data_size ? size : data_size);

	struct seen s = {&pb, base + page, base + page + data_size, 0, stop_after, 0};
	perf_buf_consume(&pb, on_sample, on_lost, &s);
	uint64_t after = meta->data_tail;
	if (after < tail || (tail < head && after > head) || (tail >= head && after != tail))
		abort();
	free(base);
	free(pb.scratch);
	return 0;
}
