/* bpf/ringbuf.h — the user-space consumer of a BPF_MAP_TYPE_RINGBUF map (kernel ≥ 5.8).
 * Owns: mapping the ring, walking its records, publishing the consumer position, waiting with epoll.
 * Doesn't own: creating the map (sys.h) or interpreting the records. */
#ifndef RAWLOAD_RINGBUF_H
#define RAWLOAD_RINGBUF_H

#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

struct rb {
	int map_fd;        /* the ring buffer map (not owned) */
	int epoll_fd;      /* waits on map_fd */
	size_t page_size;
	size_t data_size;  /* the map's max_entries: a power of 2, a multiple of the page size */
	void *consumer;    /* one read-write page; the consumer position (u64) at its start */
	void *producer;    /* read-only: a page with the producer position (u64), then the data
	                    * area mapped twice in a row, so no record is ever split at the end */
};

/* Maps the ring of map_fd, whose max_entries (data size) is max_entries, or 0 to ask the kernel.
 * Returns 0 or a negative errno with d set ("ringbuf: ..."). On failure nothing stays mapped. */
int rb_open(struct rb *rb, int map_fd, uint32_t max_entries, struct diag *d);

/* A record: data[len] as the program submitted it, valid only during the call. Returning non-zero
 * stops reading after this record (progress is published first). */
typedef int (*rb_record_fn)(void *ctx, const void *data, uint32_t len);

/* Hands every record committed so far to cb, without waiting. Discarded records are skipped and
 * not counted; reading stops at a record still being written. Returns the number of records given
 * to cb, or -EBADMSG when a record length is impossible or runs past the producer position, or the
 * producer is further ahead than the ring holds (the ring is then not advanced past it). */
int rb_consume(struct rb *rb, rb_record_fn cb, void *ctx);

/* Waits up to timeout_ms (-1: forever) for data, then rb_consume. Returns as rb_consume, 0 on
 * timeout, or a negative errno (-EINTR when a signal arrived). */
int rb_poll(struct rb *rb, int timeout_ms, rb_record_fn cb, void *ctx);

/* Unmaps and closes what rb_open made; safe on any rb that rb_open was given, and twice. */
void rb_close(struct rb *rb);

#endif
