/* tests/fuzz/fuzz_ringbuf.c — libFuzzer target for the BPF ring buffer consumer (bpf/ringbuf.h):
 * a ring laid out as the kernel maps it (a consumer page, a producer page, the data area twice in a
 * row) in exactly-sized heap blocks, with the positions and the records taken from the input.
 * rb_consume must hand out only bytes inside the data area, move the consumer position forward by
 * whole 8-byte steps, never past the producer's, and stop when asked.
 * Input: u8 size (data area 2^(4 + size % 9) bytes), u8 stop-after, u64 consumer, u64 producer,
 * then the data area's bytes (zero-padded). Seeds: tests/fuzz/seeds.sh (records shaped like
 * execsnoop's events, busy and discarded ones, a record wrapping the end). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/ringbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	const uint8_t *lo, *hi; /* the data area, both copies */
	uint32_t records, stop_after;
	uint64_t sum;
};

static int on_record(void *ctx, const void *p, uint32_t len)
{
	struct seen *s = ctx;
	const uint8_t *b = p;
	if (b < s->lo || len > (size_t)(s->hi - b))
		abort(); /* a record outside the mapping */
	for (uint32_t i = 0; i < len; i++)
		s->sum += b[i]; /* every byte read: ASan sees any overrun */
	return ++s->records == s->stop_after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 18)
		return 0;
	size_t data_size = (size_t)1 << (4 + data[0] % 9), page = 64;
	uint32_t stop_after = data[1];
	uint64_t cons, prod;
	memcpy(&cons, data + 2, 8);
	memcpy(&prod, data + 10, 8);
	data += 18;
	size -= 18;

	uint64_t *consumer = malloc(sizeof(uint64_t));
	uint8_t *producer = malloc(page + 2 * data_size);
	if (!consumer || !producer) {
		free(consumer);
		free(producer);
		return 0;
	}
	memset(producer, 0, page + 2 * data_size);
	memcpy(producer, &prod, 8);
	memcpy(producer + page, data, size < data_size ? size : data_size);
	memcpy(producer + page + data_size, producer + page, data_size); /* mapped twice */
	*consumer = cons;

	struct rb rb = {.map_fd = -1, .epoll_fd = -1, .page_size = page, .data_size = data_size,
			.consumer = consumer, .producer = producer};
	struct seen s = {producer + page, producer + page + 2 * data_size, 0, stop_after, 0};
	int n = rb_consume(&rb, on_record, &s);
	uint64_t after = *consumer;
	if (n >= 0 && (uint32_t)n != s.records)
		abort();
	if (after < cons || (after - cons) % 8 || (cons < prod && after > prod) || (cons >= prod && after != cons))
		abort();
	free(consumer);
	free(producer);
	return 0;
}
