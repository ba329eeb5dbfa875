/* bpf/perf.h — perf_event_open(2): tracepoint and probe events (ids from tracefs, dynamic PMU
 * types from sysfs, attaching a program by ioctl) and perf buffers, the per-CPU rings behind
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY.
 * Doesn't own: BPF_LINK_CREATE for perf events (sys.h), finding tracefs (fs.h), rendering. */
#ifndef RAWLOAD_PERF_H
#define RAWLOAD_PERF_H

#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

/* The id of tracepoint category/name, from <tracefs>/events/<category>/<name>/id (tracefs is
 * mounted if needed, see fs.h). Both names must be non-empty, without '/' and without "..".
 * Returns the id (>= 0) or a negative errno with d set: -ENOENT when there is no such tracepoint. */
int perf_tracepoint_id(const char *category, const char *name, struct diag *d);

/* A PERF_TYPE_TRACEPOINT event for every process on one cpu (pid -1); once a BPF program is
 * attached it runs for the tracepoint on every CPU, so one event is enough. Returns an fd
 * (O_CLOEXEC) or a negative errno. */
int perf_tracepoint_open(uint64_t id, int cpu);

/* Attaches prog_fd to the perf event the pre-5.15 way: PERF_EVENT_IOC_SET_BPF, then
 * PERF_EVENT_IOC_ENABLE. The program stays attached until perf_fd is closed. 0 or -errno. */
int perf_attach_ioctl(int perf_fd, int prog_fd);

/* The type number of a dynamic PMU ("uprobe", "kprobe") from
 * /sys/bus/event_source/devices/<pmu>/type. Returns it (>= 0) or a negative errno with d set:
 * -ENOENT when the kernel has no such PMU (kernels before 4.17 have no uprobe PMU). */
int perf_pmu_type(const char *pmu, struct diag *d);
/* The bit a one-bit field takes in a PMU's config, from .../<pmu>/format/<field> (uprobe's
 * "retprobe" holds "config:0"). Returns the bit (0..63) or a negative errno with d set. */
int perf_pmu_config_bit(const char *pmu, const char *field, struct diag *d);
/* Parses that file's text, "config:N" with an optional newline, from s[len] (need not be
 * NUL-terminated). Returns N (0..63) or -EINVAL, also for ranges ("config:32-63"). Pure. */
int perf_parse_config_bit(const char *s, size_t len);
/* A field of a PMU's config that may span bits, from .../<pmu>/format/<field> (uprobe's
 * "ref_ctr_offset" holds "config:32-63", kernel 4.20): its lowest bit in *shift and its width in
 * *width. Returns 0 or a negative errno with d set (-ENOENT: the kernel has no such field). */
int perf_pmu_config_field(const char *pmu, const char *field, int *shift, int *width, struct diag *d);
/* Parses "config:N" or "config:LOW-HIGH" (bits 0..63) with an optional newline, from s[len].
 * Returns 0 with *shift and *width set, or -EINVAL. Pure. */
int perf_parse_config_field(const char *s, size_t len, int *shift, int *width);
/* A probe event of a dynamic PMU for every process (pid -1, CPU 0): config as given (the retprobe
 * bit), config1 = name (uprobe: the file's path; kprobe: the function), config2 = offset (uprobe:
 * in the file; kprobe: from the function). name must stay valid during the call only.
 * Returns an fd (O_CLOEXEC) or a negative errno. Attach with a perf link or perf_attach_ioctl. */
int perf_probe_open(uint32_t type, uint64_t config, const char *name, uint64_t offset);

/* A sampling event for perf_event programs: the software cpu-clock (an hrtimer, so it works in
 * VMs without a PMU) on one CPU for every process (pid -1), freq samples a second (attr.freq; the
 * kernel turns it into a fixed period for this clock: NSEC_PER_SEC / freq). The event starts
 * enabled; an attached program runs at every sample. Returns an fd (O_CLOEXEC) or a negative errno
 * (EINVAL above kernel.perf_event_max_sample_rate). */
int perf_sampling_open(int cpu, uint64_t freq);

/* Parses a CPU list as in /sys/devices/system/cpu/online ("0-3,8,10-11\n") from s[len] (need not
 * be NUL-terminated). Stores up to cap CPU numbers in cpus (may be NULL when cap is 0) and returns
 * how many the list holds (possibly more than cap), or -EINVAL when malformed, -E2BIG when absurd
 * (a CPU number above 65535). Pure: no I/O. */
int perf_parse_cpu_list(const char *s, size_t len, int *cpus, int cap);

/* How many CPUs the kernel may ever bring up (/sys/devices/system/cpu/possible): per-CPU map
 * values come in this many slots, and a perf event array has one per CPU. 1 when unreadable. */
int perf_possible_cpus(void);
/* The online CPUs, from /sys/devices/system/cpu/online: as perf_parse_cpu_list. */
int perf_online_cpus(int *cpus, int cap, struct diag *d);

/* One ring: a PERF_COUNT_SW_BPF_OUTPUT event on one CPU and its mmap. */
struct perf_ring {
	int cpu;    /* CPU number, also the key of this ring's fd in the map */
	int fd;     /* the perf event */
	void *base; /* the mmap: one metadata page (struct perf_event_mmap_page), then the data */
};

struct perf_buf {
	int map_fd;           /* the PERF_EVENT_ARRAY (not owned) */
	int epoll_fd;         /* over every ring's fd */
	int nr;               /* rings in use */
	struct perf_ring *rings;
	size_t page_size;
	size_t data_size;     /* bytes of data in each ring: pages_per_cpu pages */
	unsigned char *scratch; /* a record that wraps past the ring's end is copied here */
	size_t scratch_size;
};

/* A sample: data starts with what the program passed to bpf_perf_event_output; size can be up to 7
 * bytes more, because the kernel pads the raw record (u32 size + data) to 8 bytes and reports the
 * padded size (28 bytes sent arrive as 28, 16 bytes as 20). Valid only during the call. Returning
 * non-zero stops reading (progress so far is kept). */
typedef int (*perf_sample_fn)(void *ctx, int cpu, const void *data, uint32_t size);
/* The kernel dropped `lost` samples on cpu because the ring was full. */
typedef void (*perf_lost_fn)(void *ctx, int cpu, uint64_t lost);

/* Opens one ring of pages_per_cpu pages (a power of 2) per online CPU below the map's max_entries
 * and stores each ring's fd in map_fd at its CPU number. On failure everything made is undone.
 * Returns 0 or a negative errno with d set ("perf: ..."). */
int perf_buf_open(struct perf_buf *pb, int map_fd, uint32_t pages_per_cpu, struct diag *d);

/* Waits up to timeout_ms (-1: forever, 0: not at all) for data, then reads every ring.
 * lost may be NULL. Returns the number of records handled (samples and lost records), 0 on
 * timeout, or a negative errno (-EINTR when a signal arrived). */
int perf_buf_poll(struct perf_buf *pb, int timeout_ms, perf_sample_fn sample, perf_lost_fn lost,
		  void *ctx);

/* Reads every ring without waiting; as perf_buf_poll. */
int perf_buf_consume(struct perf_buf *pb, perf_sample_fn sample, perf_lost_fn lost, void *ctx);

/* Removes the rings' fds from the map, unmaps and closes everything. Safe on any perf_buf that
 * perf_buf_open was given (whether it succeeded or not), and twice. */
void perf_buf_close(struct perf_buf *pb);

#endif
