/* tests/fuzz/seedgen.c — binary seeds for the fuzz targets whose inputs carry a small header
 * (tests/fuzz/seeds.sh runs it):
 *   seedgen ringbuf DIR            ring images: events of execsnoop's layout, a busy and a
 *                                  discarded record, one wrapping the end, an early stop
 *   seedgen perfbuf DIR            perf rings: BPF output samples as the kernel writes them, a lost
 *                                  record, a sample wrapping the end, a cut header
 *   seedgen render OUT BTF         a .BTF with a value, for fuzz_render's header
 *   seedgen core2 OUT OBJ BTF      an object and a target BTF, for fuzz_core2's header
 * Record layouts from the kernel's UAPI (linux/bpf.h ring buffer header, linux/perf_event.h). */
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		uint8_t *p = realloc(buf, cap *= 2);
		if (!p) {
			free(buf);
			buf = NULL;
		}
		buf = p;
	}
	fclose(f);
	*len = n;
	return buf;
}

static int spit(const char *path, const void *a, size_t na, const void *b, size_t nb)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(a, 1, na, f) == na && (!nb || fwrite(b, 1, nb, f) == nb);
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* ---- ring buffer ------------------------------------------------------------------------------ */

/* execsnoop's event: pid, ppid, uid, comm[16], filename[64] (examples/execsnoop.bpf.c's shape). */
struct event {
	uint32_t pid, ppid, uid;
	char comm[16], filename[64];
};

struct ring {
	uint8_t hdr[18];  /* size code, stop-after, consumer, producer */
	uint8_t data[4096];
	uint64_t cons, prod;
};

/* Append a record at the producer position (wrapping through the data area). */
static void ring_put(struct ring *r, const void *rec, uint32_t len, uint32_t flags)
{
	uint32_t size = sizeof(r->data), at = (uint32_t)(r->prod % size);
	uint32_t word = len | flags, pgoff = 0;
	uint8_t tmp[8 + 256];
	memcpy(tmp, &word, 4);
	memcpy(tmp + 4, &pgoff, 4);
	memcpy(tmp + 8, rec, len);
	uint32_t total = (len + 8 + 7) & ~7u;
	memset(tmp + 8 + len, 0, total - 8 - len);
	for (uint32_t i = 0; i < total; i++)
		r->data[(at + i) % size] = tmp[i];
	r->prod += total;
}

static int ring_write(const char *dir, const char *name, struct ring *r, uint8_t stop_after)
{
	char path[512];
	r->hdr[0] = 8; /* 2^(4 + 8) = 4096 bytes */
	r->hdr[1] = stop_after;
	memcpy(r->hdr + 2, &r->cons, 8);
	memcpy(r->hdr + 10, &r->prod, 8);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return spit(path, r->hdr, sizeof(r->hdr), r->data, sizeof(r->data));
}

static int gen_ringbuf(const char *dir)
{
	static const char *const cmds[][2] = {{"sh", "/usr/bin/uname"}, {"bash", "/usr/bin/ls"}, {"make", "/usr/bin/cc"}};
	struct event e;
	struct ring r;
	int err = 0;

	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 3; i++) {
		memset(&e, 0, sizeof(e));
		e.pid = 23388 + i;
		e.ppid = 23385;
		snprintf(e.comm, sizeof(e.comm), "%s", cmds[i][0]);
		snprintf(e.filename, sizeof(e.filename), "%s", cmds[i][1]);
		ring_put(&r, &e, sizeof(e), 0);
	}
	err |= ring_write(dir, "events", &r, 0);
	err |= ring_write(dir, "events-stop-after-1", &r, 1);

	memset(&r, 0, sizeof(r));
	ring_put(&r, &e, sizeof(e), 0);
	ring_put(&r, &e, sizeof(e), BPF_RINGBUF_BUSY_BIT);
	ring_put(&r, &e, sizeof(e), 0);
	err |= ring_write(dir, "busy-in-the-middle", &r, 0);

	memset(&r, 0, sizeof(r));
	ring_put(&r, &e, sizeof(e), BPF_RINGBUF_DISCARD_BIT);
	ring_put(&r, &e, 12, 0);
	err |= ring_write(dir, "discarded-then-short", &r, 0);

	memset(&r, 0, sizeof(r)); /* positions a lap and a bit in, a record across the end */
	r.cons = r.prod = 3 * sizeof(r.data) - 40;
	ring_put(&r, &e, sizeof(e), 0);
	ring_put(&r, "x", 1, 0);
	err |= ring_write(dir, "wrapping", &r, 0);
	return err;
}

/* ---- perf buffer ------------------------------------------------------------------------------ */

struct pring {
	uint8_t hdr[18];
	uint8_t data[4096];
	uint64_t tail, head;
};

static void pring_put(struct pring *r, const void *rec, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		r->data[(r->head + i) % sizeof(r->data)] = ((const uint8_t *)rec)[i];
	r->head += len;
}

/* A PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW: header, u32 size, the bytes, padded to 8. */
static void pring_sample(struct pring *r, const void *raw, uint32_t n)
{
	uint8_t rec[8 + 4 + 256] = {0};
	uint32_t body = (4 + n + 7) & ~7u;
	struct perf_event_header h = {.type = PERF_RECORD_SAMPLE, .misc = 0, .size = (uint16_t)(8 + body)};
	uint32_t raw_size = body - 4; /* the kernel reports the padded size */
	memcpy(rec, &h, 8);
	memcpy(rec + 8, &raw_size, 4);
	memcpy(rec + 12, raw, n);
	pring_put(r, rec, 8 + body);
}

static int pring_write(const char *dir, const char *name, struct pring *r, uint8_t stop_after)
{
	char path[512];
	r->hdr[0] = 6; /* 2^(6 + 6) = 4096 bytes */
	r->hdr[1] = stop_after;
	memcpy(r->hdr + 2, &r->head, 8);
	memcpy(r->hdr + 10, &r->tail, 8);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return spit(path, r->hdr, sizeof(r->hdr), r->data, sizeof(r->data));
}

static int gen_perfbuf(const char *dir)
{
	struct pring r;
	struct event e;
	int err = 0;
	memset(&e, 0, sizeof(e));
	e.pid = 812;
	snprintf(e.comm, sizeof(e.comm), "sshd");
	snprintf(e.filename, sizeof(e.filename), "/usr/sbin/sshd");

	memset(&r, 0, sizeof(r));
	pring_sample(&r, &e, sizeof(e));
	pring_sample(&r, "0123456789abcdef0123456789ab", 28); /* 28 bytes arrive as 28 */
	pring_sample(&r, "0123456789abcdef", 16);             /* 16 arrive as 20 */
	err |= pring_write(dir, "samples", &r, 0);
	err |= pring_write(dir, "samples-stop-after-1", &r, 1);

	memset(&r, 0, sizeof(r));
	struct {
		struct perf_event_header h;
		uint64_t id, lost;
	} lost = {{PERF_RECORD_LOST, 0, sizeof(lost)}, 7, 1234};
	pring_sample(&r, &e, sizeof(e));
	pring_put(&r, &lost, sizeof(lost));
	err |= pring_write(dir, "lost", &r, 0);

	memset(&r, 0, sizeof(r)); /* a sample across the end of the ring */
	r.tail = r.head = 5 * sizeof(r.data) - 24;
	pring_sample(&r, &e, sizeof(e));
	err |= pring_write(dir, "wrapping", &r, 0);

	memset(&r, 0, sizeof(r)); /* head inside a header */
	pring_sample(&r, &e, sizeof(e));
	r.head = 4;
	err |= pring_write(dir, "cut-header", &r, 0);
	return err;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "ringbuf") == 0)
		return gen_ringbuf(argv[2]) ? 1 : 0;
	if (argc == 3 && strcmp(argv[1], "perfbuf") == 0)
		return gen_perfbuf(argv[2]) ? 1 : 0;
	if (argc == 4 && strcmp(argv[1], "render") == 0) {
		size_t n;
		uint8_t *btf = slurp(argv[3], &n);
		if (!btf)
			return 1;
		/* flags 0, depth 12, 4096 x 16 bytes (64 KiB), 2^20 steps, the BTF, then a value */
		uint8_t hdr[12] = {0, 12};
		uint16_t kib = 4096;
		uint32_t steps = 1u << 20, len = (uint32_t)n;
		memcpy(hdr + 2, &kib, 2);
		memcpy(hdr + 4, &steps, 4);
		memcpy(hdr + 8, &len, 4);
		uint8_t *all = malloc(n + 64);
		if (!all)
			return 1;
		memcpy(all, btf, n);
		for (int i = 0; i < 64; i++)
			all[n + i] = (uint8_t)(i * 37 + 10);
		int err = spit(argv[2], hdr, sizeof(hdr), all, n + 64);
		free(all);
		free(btf);
		return err ? 1 : 0;
	}
	if (argc == 5 && strcmp(argv[1], "core2") == 0) {
		size_t no, nb;
		uint8_t *obj = slurp(argv[3], &no), *btf = slurp(argv[4], &nb);
		if (!obj || !btf || no > 0x7fffffff)
			return 1;
		uint32_t head = (uint32_t)no;
		uint8_t *all = malloc(4 + no);
		if (!all)
			return 1;
		memcpy(all, &head, 4);
		memcpy(all + 4, obj, no);
		int err = spit(argv[2], all, 4 + no, btf, nb);
		free(all);
		free(obj);
		free(btf);
		return err ? 1 : 0;
	}
	fprintf(stderr, "usage: seedgen ringbuf DIR | perfbuf DIR | render OUT BTF | core2 OUT OBJ BTF\n");
	return 2;
}
