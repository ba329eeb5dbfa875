/* tests/kernel/ktest.h — small helpers shared by kernel tests that load whole objects: read, parse
 * and load an object (struct kobj), run a program with BPF_PROG_TEST_RUN, build test frames, read
 * kernel object info and map slots, ask bpftool (an independent witness, run through popen), count
 * open fds, remove a test's bpffs directory. Doesn't own assertions: tests CHECK what these return
 * (only FDS_END and the map-slot readers CHECK, as documented below). */
#ifndef RAWLOAD_KTEST_H
#define RAWLOAD_KTEST_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "common/diag.h"
#include "loader/load/load.h"
#include "loader/obj/obj.h"

/* SKIP unless root and the bpf() syscall works (an ARRAY map can be created). */
#define KTEST_NEED_BPF()                                                                           \
	do {                                                                                       \
		const char *why_ = ktest_bpf_unavailable();                                        \
		if (why_)                                                                          \
			SKIP(why_);                                                                \
	} while (0)

/* NULL when root and BPF works, else why not (static text). */
const char *ktest_bpf_unavailable(void);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A test starts with FDS_BEGIN() and ends with FDS_END(): it CHECKs that the test left no fd open. */
#define FDS_BEGIN() int fds_at_start_ = ktest_count_fds()
#define FDS_END()                                                                                  \
	CHECK(ktest_count_fds() == fds_at_start_, "fds open: %d at the start, %d at the end",     \
	      fds_at_start_, ktest_count_fds())

/* Test objects several load tests use (relative to RAWLOAD_ROOT). */
#define BTF_MAPS "build/progs/btf_maps.bpfel.o"
#define IPROUTE2 "build/progs/legacy_iproute2.bpfel.o"

/* One object file: its bytes, its model, what load_object made of it. */
struct kobj {
	uint8_t *buf;     /* the file's bytes (owned) */
	size_t size;
	struct obj o;
	struct loaded l;
	bool parsed;      /* o is valid */
	bool loaded;      /* load_object succeeded; l holds fds */
	bool tried;       /* load_object ran (l must be load_close'd, also after a failure) */
	int err;          /* the last result of kobj_open / kobj_load */
	struct diag d;    /* why it failed */
};

/* Read RAWLOAD_ROOT/relpath and build its model. Returns 0 or a negative errno (k->d says why).
 * k need not be initialised. */
int kobj_open(struct kobj *k, const char *relpath);
/* load_object on a model kobj_open built. Returns 0 or a negative errno; after a failure the model,
 * k->l.failed_prog and k->l.verifier_log stay until kobj_close. */
int kobj_load_opened(struct kobj *k, const struct load_opts *opts);
/* kobj_open then kobj_load_opened. */
int kobj_load(struct kobj *k, const char *relpath, const struct load_opts *opts);
/* Closes every fd and frees everything; safe after any outcome, on a zeroed kobj, and twice. */
void kobj_close(struct kobj *k);
/* The fd of the named program / map, or -1 (absent or not loaded). */
int kobj_prog_fd(const struct kobj *k, const char *name);
int kobj_map_fd(const struct kobj *k, const char *name);

/* BPF_PROG_TEST_RUN on pkt[len], repeat times (0 and 1 both mean once). Returns the program's
 * return value (0 .. UINT32_MAX) or a negative errno. */
int64_t ktest_run(int prog_fd, const void *pkt, size_t len, uint32_t repeat);

/* Frames for test runs, written into buf[cap]; return their length, 0 when cap is too small.
 * Addresses are dotted quads. Ethernet: dst 02:00:00:00:00:02, src 02:00:00:00:00:01. */
/* Ethernet + IPv4 (ihl 5, checksum set) + an 8-byte UDP (17) or ICMP echo (1) header for those
 * protocols + payload_len zero bytes. */
size_t ktest_frame_ipv4(uint8_t *buf, size_t cap, const char *src, const char *dst, uint8_t ttl,
			uint8_t proto, size_t payload_len);
/* Ethernet + ARP request (who has target? tell sender). */
size_t ktest_frame_arp(uint8_t *buf, size_t cap, const char *sender, const char *target);
/* Ethernet + IPv6 (fd00::1 -> fd00::2, hop limit 64) + 8-byte UDP header. */
size_t ktest_frame_ipv6(uint8_t *buf, size_t cap);

/* BPF_OBJ_GET_INFO_BY_FD. Return 0 or a negative errno; info zeroed first. */
int ktest_map_info(int fd, struct bpf_map_info *info);
int ktest_prog_info(int fd, struct bpf_prog_info *info);
uint32_t ktest_map_id(int fd);   /* 0 when unknown */
uint32_t ktest_prog_id(int fd);
uint32_t ktest_btf_id(int btf_fd); /* the id of a loaded BTF object; 0 when unknown or btf_fd < 0 */

/* The value of slot key of an ARRAY or HASH map with 8- / 4-byte values. CHECKs that the lookup
 * succeeded (a failed one counts against the running test) and then returns all-ones. */
uint64_t read_u64(int fd, uint32_t key);
uint32_t read_u32(int fd, uint32_t key);

/* Runs the shell command built like printf with popen and returns its stdout (malloc'd,
 * NUL-terminated; NULL when it cannot run). *status receives its exit status (-1 when killed). */
char *ktest_popen(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* `bpftool -j ARGS`: its JSON output, malloc'd, or NULL when bpftool failed. */
char *ktest_bpftool(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Values of "key" in JSON text (the first occurrence: meant for bpftool's flat objects).
 * Numbers and true/false (1/0) for _u64; strings for _str. Return 0, or -ENOENT. */
int ktest_json_u64(const char *json, const char *key, uint64_t *out);
int ktest_json_str(const char *json, const char *key, char *out, size_t n);

/* For humans: printed (as "  note: ...") only when RAWLOAD_NOTES is set. */
void ktest_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open file descriptors of this process (entries of /proc/self/fd, minus the one used to count). */
int ktest_count_fds(void);
/* Removes dir and everything in it; only below /sys/fs/bpf/ (refuses other paths: -EPERM).
 * Missing dir is fine. Returns 0 or a negative errno. */
int ktest_rm_bpffs_tree(const char *dir);
/* A fresh directory name below /sys/fs/bpf for this test (not created): /sys/fs/bpf/rawload-<tag>-<pid>. */
void ktest_bpffs_dir(char *out, size_t n, const char *tag);
/* Whether path exists (lstat). */
bool ktest_exists(const char *path);

#endif
