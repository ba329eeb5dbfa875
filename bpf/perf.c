/* bpf/perf.c — perf_event_open(2) for tracepoints, probes and perf buffers; see perf.h.
 * Owns: tracepoint ids from tracefs, PMU types and format bits from sysfs, the ioctl attach, the
 * per-CPU BPF output rings and reading their records. Doesn't own: BPF link attach (sys.c) or what
 * the samples mean. */
#include "bpf/perf.h"
#include "bpf/fs.h"
#include "bpf/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CPU_ONLINE_PATH "/sys/devices/system/cpu/online"
#define MAX_CPU_NUMBER 65535
#define MAX_PAGES_PER_CPU (1u << 16)

static int perf_event_open(struct perf_event_attr *attr, int pid, int cpu, int group, unsigned long flags)
{
	long r = syscall(__NR_perf_event_open, attr, pid, cpu, group, flags);
	return r < 0 ? -errno : (int)r;
}

/* Reads at most n-1 bytes of a small file and NUL-terminates them. Returns the length or -errno. */
static int read_small_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t got = 0;
	while (got < n - 1) {
		ssize_t r = read(fd, buf + got, n - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;
			close(fd);
			return err;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	return (int)got;
}

/* The decimal number a sysfs or tracefs file holds (a newline may follow): 0..max, else -1. */
static int parse_number(const char *text, int len, int max)
{
	long long v = 0;
	int i = 0;
	for (; i < len && text[i] >= '0' && text[i] <= '9' && v <= max; i++)
		v = v * 10 + (text[i] - '0');
	return i == 0 || v > max || (i < len && text[i] != '\n') ? -1 : (int)v;
}

/* A tracefs path component: non-empty, no '/', no "..". */
static int valid_component(const char *s)
{
	return s[0] != '\0' && !strchr(s, '/') && !strstr(s, "..");
}

int perf_tracepoint_id(const char *category, const char *name, struct diag *d)
{
	if (!category || !name || !valid_component(category) || !valid_component(name))
		return diag_set(d, -EINVAL, "perf: tracepoint '%s/%s': bad name", category ? category : "",
				name ? name : "");
	char dir[256], path[512], text[32];
	int err = fs_tracefs_dir(dir, sizeof(dir), d);
	if (err)
		return err;
	int pl = snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, category, name);
	if (pl < 0 || (size_t)pl >= sizeof(path))
		return diag_set(d, -ENAMETOOLONG, "perf: tracepoint '%s/%s': name too long", category, name);

	int len = read_small_file(path, text, sizeof(text));
	if (len < 0)
		return diag_set(d, len, "perf: tracepoint %s/%s: %s: %s", category, name, path,
				sys_errno_name(len));
	int id = parse_number(text, len, 0x7fffffff);
	if (id < 0)
		return diag_set(d, -EINVAL, "perf: tracepoint %s/%s: %s does not hold a number", category,
				name, path);
	return id;
}

int perf_tracepoint_open(uint64_t id, int cpu)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	return perf_event_open(&attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

int perf_attach_ioctl(int perf_fd, int prog_fd)
{
	if (ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0)
		return -errno;
	if (ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return -errno;
	return 0;
}

/* ---- dynamic PMUs: uprobe (and kprobe) events ------------------------------------------------- */

#define PMU_DIR "/sys/bus/event_source/devices"

int perf_pmu_type(const char *pmu, struct diag *d)
{
	char path[256], text[32];
	if (!valid_component(pmu))
		return diag_set(d, -EINVAL, "perf: PMU '%s': bad name", pmu);
	snprintf(path, sizeof(path), PMU_DIR "/%s/type", pmu);
	int len = read_small_file(path, text, sizeof(text));
	if (len < 0)
		return diag_set(d, len, "perf: %s: %s%s", path, sys_errno_name(len),
				len == -ENOENT ? " (the kernel has no such PMU)" : "");
	int type = parse_number(text, len, 0xffffff);
	if (type < 0)
		return diag_set(d, -EINVAL, "perf: %s does not hold a number", path);
	return type;
}

int perf_parse_config_field(const char *s, size_t len, int *shift, int *width)
{
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\0'))
		len--;
	if (len < 8 || memcmp(s, "config:", 7) != 0)
		return -EINVAL;
	int lo = -1, hi = -1, *cur = &lo;
	for (size_t i = 7; i < len; i++) {
		if (s[i] == '-' && cur == &lo && lo >= 0) {
			cur = &hi;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || *cur > 6) /* two digits at most: 0..63 */
			return -EINVAL;
		*cur = (*cur < 0 ? 0 : *cur * 10) + (s[i] - '0');
	}
	if (lo < 0 || (cur == &hi && hi < 0))
		return -EINVAL;
	if (hi < 0)
		hi = lo;
	if (lo > 63 || hi > 63 || hi < lo)
		return -EINVAL;
	*shift = lo;
	*width = hi - lo + 1;
	return 0;
}

int perf_pmu_config_field(const char *pmu, const char *field, int *shift, int *width, struct diag *d)
{
	char path[256], text[64];
	if (!valid_component(pmu) || !valid_component(field))
		return diag_set(d, -EINVAL, "perf: PMU '%s' format '%s': bad name", pmu, field);
	snprintf(path, sizeof(path), PMU_DIR "/%s/format/%s", pmu, field);
	int len = read_small_file(path, text, sizeof(text));
	if (len < 0)
		return diag_set(d, len, "perf: %s: %s%s", path, sys_errno_name(len),
				len == -ENOENT ? " (the kernel does not have this field)" : "");
	if (perf_parse_config_field(text, (size_t)len, shift, width) < 0)
		return diag_set(d, -EINVAL, "perf: %s: '%.20s' is not config:BIT or config:LOW-HIGH", path, text);
	return 0;
}

int perf_parse_config_bit(const char *s, size_t len)
{
	int shift, width;
	return perf_parse_config_field(s, len, &shift, &width) == 0 && width == 1 ? shift : -EINVAL;
}

int perf_pmu_config_bit(const char *pmu, const char *field, struct diag *d)
{
	int shift, width, err = perf_pmu_config_field(pmu, field, &shift, &width, d);
	if (!err && width != 1)
		return diag_set(d, -EINVAL, "perf: PMU %s format %s: %d bits, not one", pmu, field, width);
	return err ? err : shift;
}

int perf_probe_open(uint32_t type, uint64_t config, const char *name, uint64_t offset)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config;
	attr.config1 = (uint64_t)(uintptr_t)name; /* uprobe_path / kprobe_func */
	attr.config2 = offset;                    /* probe_offset */
	/* pid -1 needs a CPU; the event then filters on nothing, and an attached program runs for the
	 * probe on every CPU (kernel/trace/trace_uprobe.c: a system-wide event passes the filter). */
	return perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

int perf_sampling_open(int cpu, uint64_t freq)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.freq = 1;
	attr.sample_freq = freq;
	return perf_event_open(&attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Reads a decimal number at s[*i]; -1 when there is none or it is above MAX_CPU_NUMBER. */
static int parse_cpu_number(const char *s, size_t len, size_t *i)
{
	int v = 0;
	size_t start = *i;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		if (v > MAX_CPU_NUMBER)
			return -1;
		(*i)++;
	}
	return *i == start ? -1 : v;
}

int perf_parse_cpu_list(const char *s, size_t len, int *cpus, int cap)
{
	/* Trailing newline and NULs (a file read into a bigger buffer) end the list. */
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\0'))
		len--;
	if (len == 0)
		return -EINVAL;
	int count = 0;
	size_t i = 0;
	for (;;) {
		size_t before = i;
		int lo = parse_cpu_number(s, len, &i);
		int hi = lo;
		if (lo < 0)
			return i > before ? -E2BIG : -EINVAL;
		if (i < len && s[i] == '-') {
			i++;
			before = i;
			hi = parse_cpu_number(s, len, &i);
			if (hi < 0)
				return i > before ? -E2BIG : -EINVAL;
			if (hi < lo)
				return -EINVAL;
		}
		for (int c = lo; c <= hi; c++) {
			if (count < cap)
				cpus[count] = c;
			if (count == MAX_CPU_NUMBER + 1) /* repeated ranges; nothing real is that big */
				return -E2BIG;
			count++;
		}
		if (i == len)
			return count;
		if (s[i] != ',')
			return -EINVAL;
		i++;
	}
}

int perf_possible_cpus(void)
{
	char text[4096];
	int len = read_small_file("/sys/devices/system/cpu/possible", text, sizeof(text));
	if (len == -ENOENT && fs_sysfs_ensure(NULL) == 1) /* an empty root: no sysfs yet */
		len = read_small_file("/sys/devices/system/cpu/possible", text, sizeof(text));
	int n = len < 0 ? len : perf_parse_cpu_list(text, (size_t)len, NULL, 0);
	return n > 0 ? n : 1;
}

int perf_online_cpus(int *cpus, int cap, struct diag *d)
{
	char text[4096];
	int len = read_small_file(CPU_ONLINE_PATH, text, sizeof(text));
	if (len < 0)
		return diag_set(d, len, "perf: %s: %s", CPU_ONLINE_PATH, sys_errno_name(len));
	int n = perf_parse_cpu_list(text, (size_t)len, cpus, cap);
	if (n < 0)
		return diag_set(d, n, "perf: %s: cannot parse '%.40s'", CPU_ONLINE_PATH, text);
	return n;
}

/* ---- perf buffers ------------------------------------------------------------------------- */

static int ring_fail(struct diag *d, int err, int cpu, const char *what)
{
	return diag_set(d, err, "perf: cpu %d: %s failed (%s)", cpu, what, sys_errno_name(err));
}

/* One BPF output event on cpu, mapped, enabled, stored in the map and watched by epoll. */
static int ring_open(struct perf_buf *pb, struct perf_ring *r, int cpu, struct diag *d)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	r->cpu = cpu;
	r->base = NULL;
	r->fd = perf_event_open(&attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (r->fd < 0)
		return ring_fail(d, r->fd, cpu, "perf_event_open of a BPF output event");
	void *base = mmap(NULL, pb->page_size + pb->data_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			  r->fd, 0);
	if (base == MAP_FAILED)
		return ring_fail(d, -errno, cpu, "mmap of the ring");
	r->base = base;
	if (ioctl(r->fd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return ring_fail(d, -errno, cpu, "enabling the event");
	uint32_t key = (uint32_t)cpu, value = (uint32_t)r->fd;
	int err = sys_map_update(pb->map_fd, &key, &value, BPF_ANY);
	if (err)
		return ring_fail(d, err, cpu, "storing the event fd in the map");
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)(r - pb->rings)};
	if (epoll_ctl(pb->epoll_fd, EPOLL_CTL_ADD, r->fd, &ev) < 0)
		return ring_fail(d, -errno, cpu, "epoll_ctl");
	return 0;
}

int perf_buf_open(struct perf_buf *pb, int map_fd, uint32_t pages_per_cpu, struct diag *d)
{
	int *cpus = NULL;
	int err;
	memset(pb, 0, sizeof(*pb));
	pb->epoll_fd = -1;
	pb->map_fd = map_fd;
	if (pages_per_cpu == 0 || (pages_per_cpu & (pages_per_cpu - 1)) ||
	    pages_per_cpu > MAX_PAGES_PER_CPU)
		return diag_set(d, -EINVAL, "perf: %u pages per CPU: not a power of 2 up to %u",
				pages_per_cpu, MAX_PAGES_PER_CPU);
	pb->page_size = (size_t)sysconf(_SC_PAGESIZE);
	pb->data_size = pb->page_size * pages_per_cpu;

	struct bpf_map_info info;
	uint32_t info_len = sizeof(info);
	memset(&info, 0, sizeof(info));
	err = sys_obj_info(map_fd, &info, &info_len);
	if (err)
		return diag_set(d, err, "perf: map fd %d: cannot get its info (%s)", map_fd,
				sys_errno_name(err));
	if (info.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return diag_set(d, -EINVAL, "perf: map fd %d: type %u is not a PERF_EVENT_ARRAY", map_fd,
				info.type);

	int n = perf_online_cpus(NULL, 0, d);
	if (n < 0)
		return n;
	cpus = calloc((size_t)n, sizeof(*cpus));
	pb->rings = calloc((size_t)n, sizeof(*pb->rings));
	pb->scratch_size = pb->data_size < 65536 ? pb->data_size : 65536; /* a record's size is a u16 */
	pb->scratch = malloc(pb->scratch_size);
	if (!cpus || !pb->rings || !pb->scratch) {
		err = diag_set(d, -ENOMEM, "perf: out of memory for %d rings", n);
		goto undo;
	}
	/* Read again to fill the list; a CPU that came online in between gets no ring. */
	int cap = n;
	n = perf_online_cpus(cpus, cap, d);
	if (n < 0) {
		err = n;
		goto undo;
	}
	if (n > cap)
		n = cap;
	pb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (pb->epoll_fd < 0) {
		err = -errno;
		diag_set(d, err, "perf: epoll_create1 failed (%s)", sys_errno_name(err));
		goto undo;
	}
	for (int i = 0; i < n; i++) {
		if ((uint32_t)cpus[i] >= info.max_entries) /* the map has no slot for this CPU */
			continue;
		pb->nr++;
		err = ring_open(pb, &pb->rings[pb->nr - 1], cpus[i], d);
		if (err)
			goto undo;
	}
	if (pb->nr == 0) {
		err = diag_set(d, -EINVAL, "perf: map fd %d: max_entries %u leaves no slot for any CPU",
			       map_fd, info.max_entries);
		goto undo;
	}
	free(cpus);
	return 0;
undo:
	free(cpus);
	perf_buf_close(pb);
	return err;
}

/* Copies n bytes at offset off of a ring of size bytes (a power of 2), wrapping at the end. */
static void ring_copy(void *dst, const unsigned char *ring, size_t size, size_t off, size_t n)
{
	size_t first = size - off < n ? size - off : n;
	memcpy(dst, ring + off, first);
	memcpy((unsigned char *)dst + first, ring, n - first);
}

/* Handles the records of one ring. Returns how many, and sets *stop when a callback asked. */
static int ring_read(struct perf_buf *pb, struct perf_ring *r, perf_sample_fn sample,
		     perf_lost_fn lost, void *ctx, int *stop)
{
	struct perf_event_mmap_page *meta = r->base;
	const unsigned char *data = (const unsigned char *)r->base + pb->page_size;
	size_t size = pb->data_size;
	/* The kernel writes records, then data_head (release); we read data_head (acquire), then the
	 * records, then publish data_tail (release) so it may reuse the space. */
	uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = meta->data_tail;
	int count = 0;
	if (tail < head && head - tail > size)
		tail = head; /* more than the ring holds: garbage (the kernel counts overruns as lost) */

	while (tail < head && !*stop) {
		size_t off = (size_t)(tail & (size - 1));
		struct perf_event_header eh;
		ring_copy(&eh, data, size, off, sizeof(eh));
		if (eh.size < sizeof(eh) || eh.size > head - tail || eh.size > pb->scratch_size) {
			tail = head; /* garbage: drop what is there rather than loop on it */
			break;
		}
		const unsigned char *rec = data + off;
		if (off + eh.size > size) { /* wraps around the end: make it contiguous */
			ring_copy(pb->scratch, data, size, off, eh.size);
			rec = pb->scratch;
		}
		if (eh.type == PERF_RECORD_SAMPLE) {
			/* PERF_SAMPLE_RAW: header, u32 size, then the bytes (padded to 8). */
			uint32_t raw_size;
			if (eh.size >= sizeof(eh) + 4) {
				memcpy(&raw_size, rec + sizeof(eh), 4);
				if (raw_size <= eh.size - sizeof(eh) - 4 && sample)
					*stop = sample(ctx, r->cpu, rec + sizeof(eh) + 4, raw_size) != 0;
			}
		} else if (eh.type == PERF_RECORD_LOST) {
			/* header, u64 id, u64 lost */
			uint64_t n;
			if (eh.size >= sizeof(eh) + 16 && lost) {
				memcpy(&n, rec + sizeof(eh) + 8, 8);
				lost(ctx, r->cpu, n);
			}
		}
		tail += eh.size;
		count++;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return count;
}

int perf_buf_consume(struct perf_buf *pb, perf_sample_fn sample, perf_lost_fn lost, void *ctx)
{
	int total = 0, stop = 0;
	for (int i = 0; i < pb->nr && !stop; i++)
		total += ring_read(pb, &pb->rings[i], sample, lost, ctx, &stop);
	return total;
}

int perf_buf_poll(struct perf_buf *pb, int timeout_ms, perf_sample_fn sample, perf_lost_fn lost,
		  void *ctx)
{
	struct epoll_event ev[16];
	int n = epoll_wait(pb->epoll_fd, ev, 16, timeout_ms);
	if (n < 0)
		return -errno;
	/* A perf fd reports readiness once per wakeup, not while data remains (kernel's perf_poll
	 * clears its state): so after any wakeup, read every ring rather than only the woken ones. */
	return perf_buf_consume(pb, sample, lost, ctx);
}

void perf_buf_close(struct perf_buf *pb)
{
	for (int i = 0; i < pb->nr; i++) {
		struct perf_ring *r = &pb->rings[i];
		if (r->fd >= 0) {
			uint32_t key = (uint32_t)r->cpu;
			sys_map_delete(pb->map_fd, &key); /* the map holds the event open otherwise */
			close(r->fd);
		}
		if (r->base)
			munmap(r->base, pb->page_size + pb->data_size);
	}
	free(pb->rings);
	free(pb->scratch);
	if (pb->epoll_fd >= 0)
		close(pb->epoll_fd);
	pb->rings = NULL;
	pb->scratch = NULL;
	pb->nr = 0;
	pb->epoll_fd = -1;
}
