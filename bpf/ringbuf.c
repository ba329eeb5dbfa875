/* bpf/ringbuf.c — consuming a BPF ring buffer from user space; see ringbuf.h.
 * Owns: the two mmaps, the record walk and its memory ordering. Doesn't own: the map's creation.
 * Layout (kernel/bpf/ringbuf.c): page 0 consumer position (we write it), page 1 producer position
 * (kernel writes it), then the data pages twice. Each record: u32 length word, u32 page offset,
 * then the data, the whole padded to 8 bytes. */
#include "bpf/ringbuf.h"
#include "bpf/sys.h"

#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

int rb_open(struct rb *rb, int map_fd, uint32_t max_entries, struct diag *d)
{
	memset(rb, 0, sizeof(*rb));
	rb->map_fd = map_fd;
	rb->epoll_fd = -1;
	rb->page_size = (size_t)sysconf(_SC_PAGESIZE);

	struct bpf_map_info info;
	uint32_t info_len = sizeof(info);
	memset(&info, 0, sizeof(info));
	int err = sys_obj_info(map_fd, &info, &info_len);
	if (err)
		return diag_set(d, err, "ringbuf: map fd %d: cannot get its info (%s)", map_fd,
				sys_errno_name(err));
	if (info.type != BPF_MAP_TYPE_RINGBUF)
		return diag_set(d, -EINVAL, "ringbuf: map fd %d: type %u is not a RINGBUF", map_fd,
				info.type);
	if (max_entries == 0)
		max_entries = info.max_entries;
	if (max_entries != info.max_entries)
		return diag_set(d, -EINVAL, "ringbuf: map fd %d: size %u given, the kernel says %u",
				map_fd, max_entries, info.max_entries);
	if ((max_entries & (max_entries - 1)) || max_entries % rb->page_size ||
	    max_entries > (SIZE_MAX - rb->page_size) / 2)
		return diag_set(d, -EINVAL, "ringbuf: map fd %d: size %u is not a power-of-2 number of pages",
				map_fd, max_entries);
	rb->data_size = max_entries;

	void *p = mmap(NULL, rb->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		diag_set(d, err, "ringbuf: map fd %d: mmap of the consumer page failed (%s)", map_fd,
			 sys_errno_name(err));
		goto undo;
	}
	rb->consumer = p;
	/* The producer side must be read-only: the kernel refuses PROT_WRITE there. */
	p = mmap(NULL, rb->page_size + 2 * rb->data_size, PROT_READ, MAP_SHARED, map_fd,
		 (off_t)rb->page_size);
	if (p == MAP_FAILED) {
		err = -errno;
		diag_set(d, err, "ringbuf: map fd %d: mmap of the producer page and data failed (%s)",
			 map_fd, sys_errno_name(err));
		goto undo;
	}
	rb->producer = p;

	rb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (rb->epoll_fd < 0) {
		err = -errno;
		diag_set(d, err, "ringbuf: epoll_create1 failed (%s)", sys_errno_name(err));
		goto undo;
	}
	struct epoll_event ev = {.events = EPOLLIN};
	if (epoll_ctl(rb->epoll_fd, EPOLL_CTL_ADD, map_fd, &ev) < 0) {
		err = -errno;
		diag_set(d, err, "ringbuf: map fd %d: epoll_ctl failed (%s)", map_fd, sys_errno_name(err));
		goto undo;
	}
	return 0;
undo:
	rb_close(rb);
	return err;
}

int rb_consume(struct rb *rb, rb_record_fn cb, void *ctx)
{
	uint64_t *cons_pos = rb->consumer;
	const uint64_t *prod_pos = rb->producer;
	const unsigned char *data = (const unsigned char *)rb->producer + rb->page_size;
	uint64_t mask = rb->data_size - 1;
	int count = 0;

	/* We are the only writer of the consumer position: a plain read is enough. The producer
	 * position is read with acquire so the records before it are visible. One pass over what is
	 * committed now keeps the call bounded even when the producer never stops. */
	uint64_t cons = *cons_pos;
	uint64_t prod = __atomic_load_n(prod_pos, __ATOMIC_ACQUIRE);
	/* The kernel never runs more than the data area ahead of us: a producer position further on
	 * is not one to walk to (2^60 empty records would be a hang). */
	if (cons < prod && prod - cons > rb->data_size)
		return -EBADMSG;
	while (cons < prod) {
		const uint32_t *hdr = (const uint32_t *)(data + (cons & mask));
		/* The length word is written last by the producer (commit): acquire it too. */
		uint32_t word = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (word & BPF_RINGBUF_BUSY_BIT)
			break; /* still being written; everything after it waits too */
		uint32_t len = word & ~(uint32_t)(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		if (len > rb->data_size - BPF_RINGBUF_HDR_SZ)
			return -EBADMSG;
		uint64_t next = cons + ((len + BPF_RINGBUF_HDR_SZ + 7) & ~(uint64_t)7);
		if (next > prod || next < cons)
			return -EBADMSG; /* a committed record ends before the producer position */
		int stop = 0;
		if (!(word & BPF_RINGBUF_DISCARD_BIT)) {
			count++;
			stop = cb(ctx, hdr + 2, len) != 0;
		}
		cons = next;
		/* Release: our reads of the record happen before the kernel may reuse its space. */
		__atomic_store_n(cons_pos, cons, __ATOMIC_RELEASE);
		if (stop)
			break;
	}
	return count;
}

int rb_poll(struct rb *rb, int timeout_ms, rb_record_fn cb, void *ctx)
{
	struct epoll_event ev;
	int n = epoll_wait(rb->epoll_fd, &ev, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	return rb_consume(rb, cb, ctx);
}

void rb_close(struct rb *rb)
{
	if (rb->producer)
		munmap(rb->producer, rb->page_size + 2 * rb->data_size);
	if (rb->consumer)
		munmap(rb->consumer, rb->page_size);
	if (rb->epoll_fd >= 0)
		close(rb->epoll_fd);
	rb->producer = NULL;
	rb->consumer = NULL;
	rb->epoll_fd = -1;
}
