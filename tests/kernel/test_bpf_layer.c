/* tests/kernel/test_bpf_layer.c — bpf/ against the running kernel, with hand-assembled programs
 * (no ELF): maps, program loads and the verifier log, test runs, ring and perf buffers, XDP through
 * netlink and bpf_link on veths in namespaces made here, tracepoints, tracefs and bpffs.
 * Root only (skips otherwise). Everything made here is removed, also when a check fails. */
#include "check.h"

#include "bpf/fs.h"
#include "bpf/netlink.h"
#include "bpf/perf.h"
#include "bpf/ringbuf.h"
#include "bpf/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- small helpers ----------------------------------------------------------------------------- */

#define SKIP_UNLESS_ROOT()                                                                         \
	do {                                                                                       \
		if (geteuid() != 0)                                                                \
			SKIP("needs root");                                                        \
	} while (0)

/* Measurements for humans: printed only when RAWLOAD_NOTES is set. */
static void note(const char *fmt, ...)
{
	if (!getenv("RAWLOAD_NOTES"))
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "  note: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Runs a shell command built like printf; its output goes to /dev/null. Returns its exit status. */
static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 32, fmt, ap);
	va_end(ap);
	strcat(cmd, " >/dev/null 2>&1");
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void close_fd(int *fd)
{
	if (*fd > 0)
		close(*fd);
	*fd = -1;
}

/* ---- instructions, one function per form ----------------------------------------------------- */

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = {.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
	return i;
}
static struct bpf_insn mov64_imm(uint8_t dst, int32_t imm)
{
	return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
static struct bpf_insn mov32_imm(uint8_t dst, int32_t imm) /* zero-extends */
{
	return insn(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
static struct bpf_insn mov64_reg(uint8_t dst, uint8_t src)
{
	return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}
static struct bpf_insn add64_imm(uint8_t dst, int32_t imm)
{
	return insn(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm);
}
static struct bpf_insn rsh64_imm(uint8_t dst, int32_t imm)
{
	return insn(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm);
}
static struct bpf_insn ldx_dw(uint8_t dst, uint8_t src, int16_t off) /* dst = *(u64 *)(src + off) */
{
	return insn(BPF_LDX | BPF_MEM | BPF_DW, dst, src, off, 0);
}
static struct bpf_insn st_w(uint8_t dst, int16_t off, int32_t imm) /* *(u32 *)(dst + off) = imm */
{
	return insn(BPF_ST | BPF_MEM | BPF_W, dst, 0, off, imm);
}
static struct bpf_insn atomic_add64(uint8_t dst, uint8_t src, int16_t off)
{
	return insn(BPF_STX | BPF_ATOMIC | BPF_DW, dst, src, off, BPF_ADD);
}
static struct bpf_insn jeq_imm(uint8_t dst, int32_t imm, int16_t off)
{
	return insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm);
}
static struct bpf_insn jne_imm(uint8_t dst, int32_t imm, int16_t off)
{
	return insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm);
}
static struct bpf_insn call(int32_t helper)
{
	return insn(BPF_JMP | BPF_CALL, 0, 0, 0, helper);
}
static struct bpf_insn exit_insn(void)
{
	return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}
/* ld_imm64 of a map fd takes two instructions: this one and ld_map_fd_hi(). */
static struct bpf_insn ld_map_fd_lo(uint8_t dst, int fd)
{
	return insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd);
}
static struct bpf_insn ld_map_fd_hi(void)
{
	return insn(0, 0, 0, 0, 0);
}

static char verifier_log[65536];

static int load(uint32_t type, const char *name, const struct bpf_insn *insns, uint32_t cnt)
{
	struct sys_prog_def def = {.name = name, .type = type, .insns = insns, .insn_cnt = cnt,
				   .license = "GPL", .log_buf = verifier_log,
				   .log_size = sizeof(verifier_log), .log_level = 1};
	return sys_prog_load(&def);
}

/* XDP: return v. */
static int load_xdp_ret(int v)
{
	struct bpf_insn p[] = {mov64_imm(BPF_REG_0, v), exit_insn()};
	return load(BPF_PROG_TYPE_XDP, "rl_xdp_ret", p, 2);
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	return sys_obj_info(fd, &info, &len) == 0 ? info.id : 0;
}

static int map_make(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
		    const char *name)
{
	struct sys_map_def def = {.name = name, .type = type, .key_size = key_size,
				  .value_size = value_size, .max_entries = max_entries};
	return sys_map_create(&def);
}

/* Runs fn in a child with a private mount namespace, so tracefs/bpffs mounts made by the code under
 * test disappear with it. The child's failed checks count for the calling test. */
static void in_private_mounts(void (*fn)(void))
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		CHECK(0, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		test_failed_checks = 0;
		test_skipped = 0;
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
			fprintf(stderr, "  private mount namespace: %s\n", strerror(errno));
			_exit(100);
		}
		fn();
		fflush(stderr);
		_exit(test_skipped ? 101 : test_failed_checks > 99 ? 99 : test_failed_checks);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 100;
	if (code == 101)
		test_skipped = 1;
	else
		CHECK(code == 0, "child reported %d failed checks (or died: status %d)", code, st);
}

/* ---- maps -------------------------------------------------------------------------------------- */

TEST(bpf_map_hash_ops)
{
	SKIP_UNLESS_ROOT();
	int fd = map_make(BPF_MAP_TYPE_HASH, 4, 8, 16, "rl_test_hash");
	REQUIRE(fd > 0, "map create: %s", sys_errno_name(fd));

	for (uint32_t k = 1; k <= 5; k++) {
		uint64_t v = k * 1000 + 7;
		CHECK(sys_map_update(fd, &k, &v, BPF_NOEXIST) == 0, "update %u", k);
	}
	uint32_t k = 3;
	uint64_t v = 0;
	CHECK(sys_map_update(fd, &k, &v, BPF_NOEXIST) == -EEXIST, "NOEXIST on a present key");
	CHECK(sys_map_lookup(fd, &k, &v, 0) == 0 && v == 3007, "lookup 3: %llu", (unsigned long long)v);

	/* Walk with next_key: every key once. */
	uint32_t seen = 0, key, next;
	int r, steps = 0;
	for (r = sys_map_next_key(fd, NULL, &next); r == 0 && steps < 10;
	     r = sys_map_next_key(fd, &key, &next), steps++) {
		CHECK(next >= 1 && next <= 5, "next_key gave %u", next);
		seen |= 1u << next;
		key = next;
	}
	CHECK(r == -ENOENT, "walk ends with ENOENT, got %d", r);
	CHECK(seen == 0x3e, "walk saw keys mask %#x", seen);

	k = 2;
	CHECK(sys_map_delete(fd, &k) == 0, "delete 2");
	CHECK(sys_map_lookup(fd, &k, &v, 0) == -ENOENT, "lookup of a deleted key");
	CHECK(sys_map_delete(fd, &k) == -ENOENT, "second delete");

	/* One batch big enough for all: -ENOENT (walk complete) with count 4. */
	uint32_t keys[16], count = 16;
	uint64_t vals[16], out_batch = 0;
	r = sys_map_lookup_batch(fd, NULL, &out_batch, keys, vals, &count, 0);
	CHECK(r == -ENOENT && count == 4, "batch: r=%d count=%u", r, count);
	uint32_t bseen = 0;
	for (uint32_t i = 0; i < count && i < 16; i++) {
		CHECK(vals[i] == keys[i] * 1000 + 7, "batch pair %u -> %llu", keys[i],
		      (unsigned long long)vals[i]);
		bseen |= 1u << keys[i];
	}
	CHECK(bseen == 0x3a, "batch saw keys mask %#x", bseen);
	/* Small batches of at most 3: a hash map hands out whole buckets, so a batch may hold fewer
	 * than asked (which keys share a bucket depends on the map's random seed); the batches
	 * together hold the 4 keys once each, and the last one ends the walk with -ENOENT. */
	uint64_t in_batch;
	uint32_t total = 0, small_seen = 0;
	int first = 1;
	for (int round = 0; round < 8; round++) {
		count = 3;
		r = sys_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch, keys, vals, &count, 0);
		first = 0;
		CHECK((r == 0 || r == -ENOENT) && count <= 3, "batch of at most 3: r=%d count=%u", r, count);
		for (uint32_t i = 0; i < count && i < 3; i++) {
			CHECK(!(small_seen & (1u << keys[i])), "key %u handed out twice", keys[i]);
			small_seen |= 1u << keys[i];
		}
		total += count;
		in_batch = out_batch;
		if (r != 0)
			break;
	}
	CHECK(r == -ENOENT && total == 4 && small_seen == 0x3a, "small batches: r=%d, %u keys, mask %#x", r,
	      total, small_seen);

	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	CHECK(sys_obj_info(fd, &info, &len) == 0, "map info");
	CHECK(info.type == BPF_MAP_TYPE_HASH && info.key_size == 4 && info.value_size == 8 &&
		      info.max_entries == 16 && strcmp(info.name, "rl_test_hash") == 0,
	      "info: type %u sizes %u/%u max %u name '%s'", info.type, info.key_size, info.value_size,
	      info.max_entries, info.name);
	int fd2 = sys_map_fd_by_id(info.id);
	CHECK(fd2 > 0, "map fd by id: %s", sys_errno_name(fd2));
	k = 4;
	CHECK(fd2 > 0 && sys_map_lookup(fd2, &k, &v, 0) == 0 && v == 4007, "lookup via the second fd");
	CHECK(fd2 < 0 || (fcntl(fd2, F_GETFD) & FD_CLOEXEC), "fds are close-on-exec");
	close_fd(&fd2);
	close_fd(&fd);
}

TEST(bpf_map_name_truncated)
{
	SKIP_UNLESS_ROOT();
	int fd = map_make(BPF_MAP_TYPE_ARRAY, 4, 4, 1, "a_name_longer_than_fifteen");
	REQUIRE(fd > 0, "map create: %s", sys_errno_name(fd));
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	CHECK(sys_obj_info(fd, &info, &len) == 0 && strcmp(info.name, "a_name_longer_t") == 0,
	      "name '%s'", info.name);
	close_fd(&fd);
}

TEST(bpf_map_freeze)
{
	SKIP_UNLESS_ROOT();
	int fd = map_make(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "rl_test_frozen");
	REQUIRE(fd > 0, "map create: %s", sys_errno_name(fd));
	uint32_t k = 0;
	uint64_t v = 42, got = 0;
	CHECK(sys_map_update(fd, &k, &v, BPF_ANY) == 0, "update before freeze");
	CHECK(sys_map_freeze(fd) == 0, "freeze");
	v = 43;
	int r = sys_map_update(fd, &k, &v, BPF_ANY);
	CHECK(r == -EPERM, "update after freeze: %d (%s)", r, sys_errno_name(r));
	CHECK(sys_map_lookup(fd, &k, &got, 0) == 0 && got == 42, "value kept: %llu",
	      (unsigned long long)got);
	close_fd(&fd);
}

/* ---- programs ---------------------------------------------------------------------------------- */

TEST(bpf_prog_load_and_verifier_log)
{
	SKIP_UNLESS_ROOT();
	int fd = load_xdp_ret(XDP_PASS);
	REQUIRE(fd > 0, "load: %s\n%s", sys_errno_name(fd), verifier_log);
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	CHECK(sys_obj_info(fd, &info, &len) == 0, "prog info");
	CHECK(info.type == BPF_PROG_TYPE_XDP && strcmp(info.name, "rl_xdp_ret") == 0 && info.id != 0,
	      "info: type %u name '%s'", info.type, info.name);
	int fd2 = sys_prog_fd_by_id(info.id);
	CHECK(fd2 > 0 && prog_id(fd2) == info.id, "prog fd by id");
	close_fd(&fd2);
	close_fd(&fd);

	/* Only "exit": r0 is never set. */
	struct bpf_insn bad[] = {exit_insn()};
	memset(verifier_log, 'x', sizeof(verifier_log));
	fd = load(BPF_PROG_TYPE_XDP, "rl_bad", bad, 1);
	CHECK(fd == -EACCES, "bad program: %d (%s)", fd, sys_errno_name(fd));
	CHECK(strstr(verifier_log, "R0 !read_ok") != NULL, "log: %.300s", verifier_log);
	close_fd(&fd);

	/* Without a log the same error comes back. */
	struct sys_prog_def def = {.type = BPF_PROG_TYPE_XDP, .insns = bad, .insn_cnt = 1,
				   .license = "GPL"};
	fd = sys_prog_load(&def);
	CHECK(fd == -EACCES, "bad program without log: %d", fd);
	close_fd(&fd);

	/* A log too small: ENOSPC, the caller's cue to grow it. */
	char small[16];
	struct bpf_insn two_errors_log[] = {mov64_imm(BPF_REG_1, 0), exit_insn()};
	def.insns = two_errors_log;
	def.insn_cnt = 2;
	def.log_buf = small;
	def.log_size = sizeof(small);
	def.log_level = 2;
	fd = sys_prog_load(&def);
	CHECK(fd == -ENOSPC || fd == -EACCES, "small log: %d (%s)", fd, sys_errno_name(fd));
	note("verifier with a 16-byte log and an invalid program: %s", sys_errno_name(fd));
	close_fd(&fd);
}

TEST(bpf_prog_test_run)
{
	SKIP_UNLESS_ROOT();
	int fd = load_xdp_ret(XDP_TX);
	REQUIRE(fd > 0, "load: %s", sys_errno_name(fd));
	unsigned char in[64], out[128];
	for (int i = 0; i < 64; i++)
		in[i] = (unsigned char)(i * 7);
	struct sys_test_run t = {.prog_fd = fd, .repeat = 3, .data_in = in, .data_size_in = 64,
				 .data_out = out, .data_size_out = sizeof(out)};
	int r = sys_prog_test_run(&t);
	CHECK(r == 0, "test run: %s", sys_errno_name(r));
	CHECK(t.retval == XDP_TX, "retval %u", t.retval);
	CHECK(t.data_size_out == 64 && memcmp(in, out, 64) == 0, "data out: %u bytes", t.data_size_out);
	close_fd(&fd);
}

/* A BTF blob with one type, [1] int (32 bits, signed). */
static size_t tiny_btf(unsigned char *buf)
{
	static const char strings[] = "\0int"; /* offsets 0 "" and 1 "int" */
	struct btf_header h = {.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
			       .type_off = 0, .type_len = 16, .str_off = 16, .str_len = sizeof(strings)};
	struct btf_type t = {.name_off = 1, .info = BTF_KIND_INT << 24, .size = 4};
	uint32_t enc = BTF_INT_SIGNED << 24 | 32; /* encoding, offset 0, bits */
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &t, sizeof(t));
	memcpy(buf + sizeof(h) + sizeof(t), &enc, 4);
	memcpy(buf + sizeof(h) + 16, strings, sizeof(strings));
	return sizeof(h) + 16 + sizeof(strings);
}

TEST(bpf_btf_load_and_map_with_btf)
{
	SKIP_UNLESS_ROOT();
	unsigned char blob[64];
	size_t n = tiny_btf(blob);
	int btf = sys_btf_load(blob, (uint32_t)n, verifier_log, sizeof(verifier_log), 1);
	REQUIRE(btf > 0, "btf load: %s\n%s", sys_errno_name(btf), verifier_log);
	struct sys_map_def def = {.name = "rl_btf_map", .type = BPF_MAP_TYPE_HASH, .key_size = 4,
				  .value_size = 4, .max_entries = 4, .btf_fd = btf,
				  .btf_key_type_id = 1, .btf_value_type_id = 1};
	int map = sys_map_create(&def);
	CHECK(map > 0, "map with BTF: %s", sys_errno_name(map));
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	CHECK(map > 0 && sys_obj_info(map, &info, &len) == 0 && info.btf_id != 0 &&
		      info.btf_key_type_id == 1 && info.btf_value_type_id == 1,
	      "map info: btf %u key %u value %u", info.btf_id, info.btf_key_type_id,
	      info.btf_value_type_id);
	close_fd(&map);
	/* A value type id that is not there. */
	def.btf_value_type_id = 7;
	map = sys_map_create(&def);
	CHECK(map == -EINVAL, "bad BTF id: %d (%s)", map, sys_errno_name(map));
	close_fd(&map);
	close_fd(&btf);

	/* A bad magic: refused, and the log says why. */
	blob[0] ^= 0xff;
	verifier_log[0] = '\0';
	btf = sys_btf_load(blob, (uint32_t)n, verifier_log, sizeof(verifier_log), 1);
	CHECK(btf == -EINVAL && verifier_log[0] != '\0', "bad magic: %d, log '%.80s'", btf, verifier_log);
	note("BTF with a bad magic: %s, log: %.60s", sys_errno_name(btf), verifier_log);
	close_fd(&btf);
}

/* ---- ring buffer ------------------------------------------------------------------------------- */

struct rb_seen {
	int records;
	int bad;
	int stop_after; /* 0: never stop */
};

static const uint32_t rb_words[4] = {0x11223344, 0x55667788, 0x99aabbcc, 0xddeeff00};

static int rb_check_record(void *ctx, const void *data, uint32_t len)
{
	struct rb_seen *s = ctx;
	/* The program alternates a 16-byte and a 12-byte record of the same words. */
	uint32_t want = s->records % 2 == 0 ? 16 : 12;
	if (len != want || memcmp(data, rb_words, len) != 0)
		s->bad++;
	s->records++;
	return s->stop_after && s->records == s->stop_after;
}

static int rb_count_record(void *ctx, const void *data, uint32_t len)
{
	struct rb_seen *s = ctx;
	static const uint32_t want[2] = {0x01020304, 0x05060708};
	if (len != 8 || memcmp(data, want, 8) != 0)
		s->bad++;
	s->records++;
	return 0;
}

TEST(bpf_ringbuf_records)
{
	SKIP_UNLESS_ROOT();
	int map = map_make(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, "rl_test_rb");
	REQUIRE(map > 0, "ringbuf map: %s", sys_errno_name(map));
	int prog = -1;
	struct rb rb;
	struct diag d = {""};
	int r = rb_open(&rb, map, 4096, &d);
	if (r) {
		CHECK(0, "rb_open: %s", d.msg);
		goto close_map;
	}
	struct bpf_insn p[] = {
		st_w(BPF_REG_10, -16, (int32_t)rb_words[0]),
		st_w(BPF_REG_10, -12, (int32_t)rb_words[1]),
		st_w(BPF_REG_10, -8, (int32_t)rb_words[2]),
		st_w(BPF_REG_10, -4, (int32_t)rb_words[3]),
		ld_map_fd_lo(BPF_REG_1, map), ld_map_fd_hi(),
		mov64_reg(BPF_REG_2, BPF_REG_10), add64_imm(BPF_REG_2, -16),
		mov64_imm(BPF_REG_3, 16), mov64_imm(BPF_REG_4, 0),
		call(BPF_FUNC_ringbuf_output),
		ld_map_fd_lo(BPF_REG_1, map), ld_map_fd_hi(),
		mov64_reg(BPF_REG_2, BPF_REG_10), add64_imm(BPF_REG_2, -16),
		mov64_imm(BPF_REG_3, 12), mov64_imm(BPF_REG_4, 0),
		call(BPF_FUNC_ringbuf_output),
		mov64_imm(BPF_REG_0, XDP_PASS), exit_insn(),
	};
	prog = load(BPF_PROG_TYPE_XDP, "rl_rb_out", p, sizeof(p) / sizeof(p[0]));
	if (prog < 0) {
		CHECK(0, "load: %s\n%s", sys_errno_name(prog), verifier_log);
		goto close_rb;
	}
	struct rb_seen s = {0};
	CHECK(rb_consume(&rb, rb_check_record, &s) == 0, "empty ring");
	CHECK(rb_poll(&rb, 0, rb_check_record, &s) == 0, "empty ring, poll");

	unsigned char pkt[64] = {0};
	struct sys_test_run t = {.prog_fd = prog, .repeat = 1, .data_in = pkt, .data_size_in = 64};
	CHECK(sys_prog_test_run(&t) == 0 && t.retval == XDP_PASS, "test run");
	r = rb_poll(&rb, 1000, rb_check_record, &s);
	CHECK(r == 2 && s.records == 2 && s.bad == 0, "poll: r=%d records=%d bad=%d", r, s.records, s.bad);

	/* 10 rounds of 20 runs: 9600 bytes through a 4096-byte ring, records crossing its end.
	 * In round 5 the callback stops after one record: the rest must still come, in order. */
	int total = 0;
	for (int round = 0; round < 10; round++) {
		t.repeat = 20;
		CHECK(sys_prog_test_run(&t) == 0, "test run round %d", round);
		if (round == 5) {
			s.stop_after = s.records + 1;
			r = rb_consume(&rb, rb_check_record, &s);
			CHECK(r == 1, "stopping callback: consumed %d", r);
			total += r;
			s.stop_after = 0;
		}
		for (int tries = 0; tries < 10; tries++) {
			r = rb_poll(&rb, 100, rb_check_record, &s);
			if (r <= 0)
				break;
			total += r;
		}
	}
	CHECK(total == 400 && s.bad == 0, "rounds: %d records, %d bad", total, s.bad);
	close_fd(&prog);

	/* A discarded record is skipped. */
	struct bpf_insn q[] = {
		ld_map_fd_lo(BPF_REG_1, map), ld_map_fd_hi(),
		mov64_imm(BPF_REG_2, 8), mov64_imm(BPF_REG_3, 0),
		call(BPF_FUNC_ringbuf_reserve),
		jeq_imm(BPF_REG_0, 0, 3),
		mov64_reg(BPF_REG_1, BPF_REG_0), mov64_imm(BPF_REG_2, 0),
		call(BPF_FUNC_ringbuf_discard),
		st_w(BPF_REG_10, -8, 0x01020304), st_w(BPF_REG_10, -4, 0x05060708),
		ld_map_fd_lo(BPF_REG_1, map), ld_map_fd_hi(),
		mov64_reg(BPF_REG_2, BPF_REG_10), add64_imm(BPF_REG_2, -8),
		mov64_imm(BPF_REG_3, 8), mov64_imm(BPF_REG_4, 0),
		call(BPF_FUNC_ringbuf_output),
		mov64_imm(BPF_REG_0, XDP_PASS), exit_insn(),
	};
	prog = load(BPF_PROG_TYPE_XDP, "rl_rb_discard", q, sizeof(q) / sizeof(q[0]));
	if (prog < 0) {
		CHECK(0, "load: %s\n%s", sys_errno_name(prog), verifier_log);
		goto close_rb;
	}
	t.prog_fd = prog;
	t.repeat = 3;
	CHECK(sys_prog_test_run(&t) == 0, "test run discard");
	struct rb_seen s2 = {0};
	r = rb_poll(&rb, 1000, rb_count_record, &s2);
	CHECK(r == 3 && s2.records == 3 && s2.bad == 0, "discard: r=%d records=%d bad=%d", r, s2.records,
	      s2.bad);
	uint64_t cons = *(volatile uint64_t *)rb.consumer, prod = *(volatile uint64_t *)rb.producer;
	CHECK(cons == prod, "consumer %llu caught up with producer %llu", (unsigned long long)cons,
	      (unsigned long long)prod);
	close_fd(&prog);
close_rb:
	rb_close(&rb);
	rb_close(&rb); /* twice is fine */
close_map:
	close_fd(&map);
}

TEST(bpf_ringbuf_open_refuses)
{
	SKIP_UNLESS_ROOT();
	struct diag d = {""};
	struct rb rb;
	int map = map_make(BPF_MAP_TYPE_ARRAY, 4, 4, 1, "rl_not_rb");
	REQUIRE(map > 0, "map: %s", sys_errno_name(map));
	CHECK(rb_open(&rb, map, 4096, &d) == -EINVAL && strncmp(d.msg, "ringbuf: ", 9) == 0, "%s", d.msg);
	close_fd(&map);
	map = map_make(BPF_MAP_TYPE_RINGBUF, 0, 0, 8192, "rl_test_rb");
	REQUIRE(map > 0, "map: %s", sys_errno_name(map));
	CHECK(rb_open(&rb, map, 4096, &d) == -EINVAL, "wrong size: %s", d.msg);
	CHECK(rb_open(&rb, map, 0, &d) == 0 && rb.data_size == 8192, "size from the kernel: %s", d.msg);
	rb_close(&rb);
	close_fd(&map);
}

/* ---- perf buffer ------------------------------------------------------------------------------- */

static const uint32_t pb_words[8] = {0xa1a2a3a4, 0xb1b2b3b4, 0xc1c2c3c4, 0xd1d2d3d4,
				     0xe1e2e3e4, 0xf1f2f3f4, 0x01020304, 0x11121314};

struct pb_seen {
	int samples, bad, wrong_cpu, lost_records;
	uint64_t lost;
	int cpu;
};

static int pb_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct pb_seen *s = ctx;
	/* 28 bytes were sent; the kernel pads the raw record so size may be up to 7 bytes more. */
	if (size < 28 || size > 35 || memcmp(data, pb_words, 28) != 0)
		s->bad++;
	if (cpu != s->cpu)
		s->wrong_cpu++;
	s->samples++;
	return 0;
}

static void pb_lost(void *ctx, int cpu, uint64_t lost)
{
	struct pb_seen *s = ctx;
	if (cpu != s->cpu)
		s->wrong_cpu++;
	s->lost += lost;
	s->lost_records++;
}

TEST(bpf_perf_cpu_list)
{
	int cpus[8];
	CHECK(perf_parse_cpu_list("0-3,8,10-11\n", 12, cpus, 8) == 7 && cpus[4] == 8 && cpus[6] == 11,
	      "list");
	CHECK(perf_parse_cpu_list("0", 1, cpus, 8) == 1 && cpus[0] == 0, "one");
	CHECK(perf_parse_cpu_list("0-15", 4, cpus, 8) == 16 && cpus[7] == 7, "more than cap");
	CHECK(perf_parse_cpu_list("0-15", 4, NULL, 0) == 16, "count only");
	CHECK(perf_parse_cpu_list("", 0, cpus, 8) == -EINVAL, "empty");
	CHECK(perf_parse_cpu_list("3-1", 3, cpus, 8) == -EINVAL, "backwards");
	CHECK(perf_parse_cpu_list("1,,2", 4, cpus, 8) == -EINVAL, "double comma");
	CHECK(perf_parse_cpu_list("1-", 2, cpus, 8) == -EINVAL, "open range");
	CHECK(perf_parse_cpu_list("99999999", 8, cpus, 8) == -E2BIG, "absurd");
	int n = perf_online_cpus(NULL, 0, NULL);
	CHECK(n >= 1 && n == sysconf(_SC_NPROCESSORS_ONLN), "online: %d", n);
}

TEST(bpf_perf_buffer)
{
	SKIP_UNLESS_ROOT();
	int cpus[1024];
	int ncpu = perf_online_cpus(cpus, 1024, NULL);
	REQUIRE(ncpu >= 1 && ncpu <= 1024, "online cpus: %d", ncpu);
	int map = map_make(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, (uint32_t)cpus[ncpu - 1] + 1, "rl_test_pb");
	REQUIRE(map > 0, "perf event array: %s", sys_errno_name(map));
	int prog = -1;
	cpu_set_t old_set, one;
	sched_getaffinity(0, sizeof(old_set), &old_set);
	struct perf_buf pb;
	struct diag d = {""};
	if (perf_buf_open(&pb, map, 1, &d) != 0) {
		CHECK(0, "perf_buf_open: %s", d.msg);
		goto close_map;
	}
	CHECK(pb.nr == ncpu, "%d rings for %d cpus", pb.nr, ncpu);

	struct bpf_insn p[] = {
		mov64_reg(BPF_REG_6, BPF_REG_1),
		st_w(BPF_REG_10, -32, (int32_t)pb_words[0]), st_w(BPF_REG_10, -28, (int32_t)pb_words[1]),
		st_w(BPF_REG_10, -24, (int32_t)pb_words[2]), st_w(BPF_REG_10, -20, (int32_t)pb_words[3]),
		st_w(BPF_REG_10, -16, (int32_t)pb_words[4]), st_w(BPF_REG_10, -12, (int32_t)pb_words[5]),
		st_w(BPF_REG_10, -8, (int32_t)pb_words[6]), st_w(BPF_REG_10, -4, (int32_t)pb_words[7]),
		mov64_reg(BPF_REG_1, BPF_REG_6),
		ld_map_fd_lo(BPF_REG_2, map), ld_map_fd_hi(),
		mov32_imm(BPF_REG_3, -1), /* BPF_F_CURRENT_CPU: 0xffffffff */
		mov64_reg(BPF_REG_4, BPF_REG_10), add64_imm(BPF_REG_4, -32),
		mov64_imm(BPF_REG_5, 28),
		call(BPF_FUNC_perf_event_output),
		mov64_imm(BPF_REG_0, XDP_PASS), exit_insn(),
	};
	prog = load(BPF_PROG_TYPE_XDP, "rl_pb_out", p, sizeof(p) / sizeof(p[0]));
	if (prog < 0) {
		CHECK(0, "load: %s\n%s", sys_errno_name(prog), verifier_log);
		goto close_pb;
	}
	/* Run on one CPU, so the samples land in one known ring. */
	struct pb_seen s = {.cpu = cpus[ncpu - 1]};
	CPU_ZERO(&one);
	CPU_SET(s.cpu, &one);
	CHECK(sched_setaffinity(0, sizeof(one), &one) == 0, "pin to cpu %d", s.cpu);

	unsigned char pkt[64] = {0};
	struct sys_test_run t = {.prog_fd = prog, .repeat = 1, .data_in = pkt, .data_size_in = 64};
	CHECK(sys_prog_test_run(&t) == 0 && t.retval == XDP_PASS, "test run");
	int r = perf_buf_poll(&pb, 1000, pb_sample, pb_lost, &s);
	CHECK(r == 1 && s.samples == 1 && s.bad == 0 && s.wrong_cpu == 0, "poll: r=%d samples=%d bad=%d wrong cpu=%d",
	      r, s.samples, s.bad, s.wrong_cpu);

	/* 40-byte records through a 4096-byte ring: 10 rounds of 50 cross its end many times. */
	for (int round = 0; round < 10; round++) {
		t.repeat = 50;
		CHECK(sys_prog_test_run(&t) == 0, "round %d", round);
		perf_buf_consume(&pb, pb_sample, pb_lost, &s);
	}
	CHECK(s.samples == 501 && s.bad == 0 && s.lost == 0, "rounds: %d samples, %d bad, %llu lost",
	      s.samples, s.bad, (unsigned long long)s.lost);

	/* Overflow: 200 records without reading, then one more after reading: the kernel reports
	 * the dropped ones in a LOST record before that last sample. */
	s.samples = 0;
	t.repeat = 200;
	CHECK(sys_prog_test_run(&t) == 0, "overflow run");
	int first = perf_buf_consume(&pb, pb_sample, pb_lost, &s);
	t.repeat = 1;
	CHECK(sys_prog_test_run(&t) == 0, "after overflow");
	perf_buf_consume(&pb, pb_sample, pb_lost, &s);
	CHECK(s.lost_records == 1 && (uint64_t)s.samples + s.lost == 201 && s.bad == 0 && s.wrong_cpu == 0,
	      "overflow: first read %d, samples %d, lost %llu in %d records", first, s.samples,
	      (unsigned long long)s.lost, s.lost_records);
	note("perf buffer of 1 page: 200 samples of 40 bytes gave %d samples and %llu lost", first,
	     (unsigned long long)s.lost);
	sched_setaffinity(0, sizeof(old_set), &old_set);
	close_fd(&prog);
close_pb:
	perf_buf_close(&pb);
	perf_buf_close(&pb);
	/* The rings' fds were taken out of the map (user space cannot look them up: delete says). */
	uint32_t key = (uint32_t)cpus[0];
	CHECK(sys_map_delete(map, &key) == -ENOENT, "map slot cleared");
close_map:
	sched_setaffinity(0, sizeof(old_set), &old_set);
	close_fd(&map);
}

/* ---- XDP through netlink and bpf_link, on a veth in namespaces made here ------------------------ */

struct netns_pair {
	char a[32], b[32]; /* namespace names */
	int orig;          /* our original network namespace */
	int entered;
};

static int netns_enter(struct netns_pair *n, const char *name)
{
	char path[64];
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
	close(fd);
	if (r == 0)
		n->entered = 1;
	return r;
}

static void netns_leave(struct netns_pair *n)
{
	if (n->entered && setns(n->orig, CLONE_NEWNET) == 0)
		n->entered = 0;
}

/* Leaves and deletes both namespaces (their veths go with them); checks they are gone. */
static void netns_remove(struct netns_pair *n)
{
	char path[64];
	netns_leave(n);
	CHECK(!n->entered, "back in the original namespace");
	run("ip netns del %s", n->a);
	run("ip netns del %s", n->b);
	snprintf(path, sizeof(path), "/run/netns/%s", n->a);
	CHECK(access(path, F_OK) != 0, "%s removed", n->a);
	if (n->orig >= 0)
		close(n->orig);
	n->orig = -1;
}

/* Namespaces A and B joined by veth va (in A) and vb (in B), both up. 0 or -1. */
static int netns_make(struct netns_pair *n, const char *tag)
{
	snprintf(n->a, sizeof(n->a), "rl%sA%d", tag, (int)getpid());
	snprintf(n->b, sizeof(n->b), "rl%sB%d", tag, (int)getpid());
	n->entered = 0;
	n->orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (n->orig < 0)
		return -1;
	if (run("ip netns add %s", n->a) || run("ip netns add %s", n->b) ||
	    run("ip -n %s link add va type veth peer name vb netns %s", n->a, n->b) ||
	    run("ip -n %s link set va up", n->a) || run("ip -n %s link set vb up", n->b)) {
		netns_remove(n);
		return -1;
	}
	return 0;
}

static void xdp_netlink_body(struct netns_pair *n)
{
	struct diag d = {""};
	struct nl_xdp_state st;
	int p1 = -1, p2 = -1;
	REQUIRE(netns_enter(n, n->a) == 0, "enter %s", n->a);
	int ifindex = (int)if_nametoindex("va");
	REQUIRE(ifindex > 0, "va has no index");

	p1 = load_xdp_ret(XDP_PASS);
	p2 = load_xdp_ret(XDP_DROP);
	REQUIRE(p1 > 0 && p2 > 0, "load");
	uint32_t id1 = prog_id(p1), id2 = prog_id(p2);

	CHECK(nl_xdp_query(ifindex, &st, &d) == 0, "query: %s", d.msg);
	CHECK(st.mode == XDP_ATTACHED_NONE && st.prog_id == 0, "nothing attached at first: mode %u", st.mode);

	double t0 = now_ms();
	int r = nl_xdp_set(ifindex, p1, XDP_FLAGS_SKB_MODE, -1, &d);
	double t1 = now_ms();
	CHECK(r == 0, "attach generic: %s", d.msg);
	note("netlink XDP attach (generic) on veth: %.1f ms", t1 - t0);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0, "query: %s", d.msg);
	CHECK(st.mode == XDP_ATTACHED_SKB && st.prog_id == id1 && st.skb_prog_id == id1 &&
		      st.drv_prog_id == 0,
	      "after attach: mode %u prog %u skb %u drv %u (want %u)", st.mode, st.prog_id,
	      st.skb_prog_id, st.drv_prog_id, id1);
	CHECK(run("ip -n %s link show va | grep -q xdpgeneric", n->a) == 0, "ip link shows xdpgeneric");

	/* Native while generic is active: refused with the kernel's own words. */
	r = nl_xdp_set(ifindex, p2, XDP_FLAGS_DRV_MODE, -1, &d);
	CHECK(r == -EEXIST && strstr(d.msg, "Native and generic XDP can't be active at the same time"),
	      "native over generic: %d %s", r, d.msg);
	CHECK(strncmp(d.msg, "netlink: XDP attach on ifindex ", 31) == 0, "subject: %s", d.msg);
	note("native over generic: %s", d.msg);
	/* Two mode flags at once: rtnetlink refuses them before XDP code runs, without a message. */
	r = nl_xdp_set(ifindex, p2, XDP_FLAGS_SKB_MODE | XDP_FLAGS_DRV_MODE, -1, &d);
	CHECK(r == -EINVAL && strstr(d.msg, "failed (EINVAL)"), "two modes: %d %s", r, d.msg);
	note("two mode flags: %s", d.msg);
	/* UPDATE_IF_NOEXIST while one is attached. */
	r = nl_xdp_set(ifindex, p2, XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, -1, &d);
	CHECK(r == -EBUSY, "update if noexist: %d %s", r, d.msg);
	note("UPDATE_IF_NOEXIST over an attached program: %s", d.msg);
	/* Replace with the wrong expected program, then the right one. */
	r = nl_xdp_set(ifindex, p2, XDP_FLAGS_SKB_MODE, p2, &d);
	CHECK(r < 0 && strncmp(d.msg, "netlink: XDP replace on ifindex", 31) == 0, "replace expecting the wrong program: %d %s", r, d.msg);
	note("replace expecting the wrong program: %s", d.msg);
	r = nl_xdp_set(ifindex, p2, XDP_FLAGS_SKB_MODE, p1, &d);
	CHECK(r == 0, "replace: %s", d.msg);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.prog_id == id2, "replaced: prog %u want %u",
	      st.prog_id, id2);

	t0 = now_ms();
	r = nl_xdp_set(ifindex, -1, XDP_FLAGS_SKB_MODE, -1, &d);
	t1 = now_ms();
	CHECK(r == 0, "detach: %s", d.msg);
	note("netlink XDP detach (generic) on veth: %.1f ms", t1 - t0);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.mode == XDP_ATTACHED_NONE && st.prog_id == 0,
	      "after detach: mode %u prog %u", st.mode, st.prog_id);

	/* Native mode on veth, attached and detached. */
	t0 = now_ms();
	r = nl_xdp_set(ifindex, p1, XDP_FLAGS_DRV_MODE, -1, &d);
	t1 = now_ms();
	CHECK(r == 0, "attach native: %s", d.msg);
	note("netlink XDP attach (native) on veth: %.1f ms", t1 - t0);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.mode == XDP_ATTACHED_DRV && st.drv_prog_id == id1,
	      "native: mode %u drv %u", st.mode, st.drv_prog_id);
	t0 = now_ms();
	r = nl_xdp_set(ifindex, -1, XDP_FLAGS_DRV_MODE, -1, &d);
	t1 = now_ms();
	CHECK(r == 0, "detach native: %s", d.msg);
	note("netlink XDP detach (native) on veth: %.1f ms", t1 - t0);

	/* A bad index. */
	r = nl_xdp_query(987654, &st, &d);
	CHECK(r == -ENODEV, "query of a missing interface: %d %s", r, d.msg);
	r = nl_xdp_set(987654, p1, XDP_FLAGS_SKB_MODE, -1, &d);
	CHECK(r == -ENODEV, "attach to a missing interface: %d %s", r, d.msg);
	close_fd(&p1);
	close_fd(&p2);
}

TEST(bpf_xdp_netlink)
{
	SKIP_UNLESS_ROOT();
	struct netns_pair n;
	REQUIRE(netns_make(&n, "x") == 0, "making namespaces and veth");
	xdp_netlink_body(&n);
	netns_remove(&n);
}

static void xdp_link_body(struct netns_pair *n)
{
	struct diag d = {""};
	struct nl_xdp_state st;
	int p1 = -1, link = -1;
	REQUIRE(netns_enter(n, n->a) == 0, "enter %s", n->a);
	int ifindex = (int)if_nametoindex("va");
	REQUIRE(ifindex > 0, "va has no index");
	p1 = load_xdp_ret(XDP_PASS);
	REQUIRE(p1 > 0, "load");
	uint32_t id1 = prog_id(p1);

	double t0 = now_ms();
	link = sys_link_create(p1, ifindex, BPF_XDP, XDP_FLAGS_SKB_MODE);
	double t1 = now_ms();
	if (link < 0) {
		CHECK(0, "link create: %s", sys_errno_name(link));
		goto out;
	}
	note("bpf_link XDP attach (generic) on veth: %.1f ms", t1 - t0);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.mode == XDP_ATTACHED_SKB && st.prog_id == id1,
	      "link visible through netlink: mode %u prog %u", st.mode, st.prog_id);
	struct bpf_link_info li;
	uint32_t len = sizeof(li);
	memset(&li, 0, sizeof(li));
	CHECK(sys_obj_info(link, &li, &len) == 0 && li.type == BPF_LINK_TYPE_XDP && li.prog_id == id1 &&
		      li.xdp.ifindex == (uint32_t)ifindex,
	      "link info: type %u prog %u ifindex %u", li.type, li.prog_id, li.xdp.ifindex);

	/* Netlink may neither replace nor remove a link's program. */
	int r = nl_xdp_set(ifindex, p1, XDP_FLAGS_SKB_MODE, -1, &d);
	CHECK(r == -EBUSY, "netlink attach over a link: %d %s", r, d.msg);
	note("netlink attach over a bpf_link: %s", d.msg);
	r = nl_xdp_set(ifindex, -1, XDP_FLAGS_SKB_MODE, -1, &d);
	CHECK(r == -EBUSY, "netlink detach of a link: %d %s", r, d.msg);
	note("netlink detach of a bpf_link: %s", d.msg);
	/* A second link on the same interface. */
	int link2 = sys_link_create(p1, ifindex, BPF_XDP, XDP_FLAGS_SKB_MODE);
	CHECK(link2 == -EBUSY, "second link: %d (%s)", link2, sys_errno_name(link2));
	note("second bpf_link on the same interface: %s", sys_errno_name(link2));
	close_fd(&link2);

	t0 = now_ms();
	close_fd(&link);
	t1 = now_ms();
	note("bpf_link XDP detach (close) on veth: %.1f ms", t1 - t0);
	CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.mode == XDP_ATTACHED_NONE, "closing the link detaches");

	/* The other way round: netlink first, then a link. */
	CHECK(nl_xdp_set(ifindex, p1, XDP_FLAGS_SKB_MODE, -1, &d) == 0, "netlink attach: %s", d.msg);
	link = sys_link_create(p1, ifindex, BPF_XDP, XDP_FLAGS_SKB_MODE);
	CHECK(link == -EBUSY, "link over netlink: %d (%s)", link, sys_errno_name(link));
	note("bpf_link over a netlink attachment: %s", sys_errno_name(link));
	close_fd(&link);
	CHECK(nl_xdp_set(ifindex, -1, XDP_FLAGS_SKB_MODE, -1, &d) == 0, "netlink detach: %s", d.msg);

	/* sys_link_detach leaves the fd but takes the program off. */
	link = sys_link_create(p1, ifindex, BPF_XDP, 0);
	CHECK(link > 0, "link (no mode flag): %s", sys_errno_name(link));
	if (link > 0) {
		CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.prog_id == id1, "attached: mode %u", st.mode);
		note("bpf_link without a mode flag on veth gives mode %u", st.mode);
		CHECK(sys_link_detach(link) == 0, "link detach");
		CHECK(nl_xdp_query(ifindex, &st, &d) == 0 && st.mode == XDP_ATTACHED_NONE, "detached");
	}
out:
	close_fd(&link);
	close_fd(&p1);
}

TEST(bpf_xdp_link_exclusive)
{
	SKIP_UNLESS_ROOT();
	struct netns_pair n;
	REQUIRE(netns_make(&n, "l") == 0, "making namespaces and veth");
	xdp_link_body(&n);
	netns_remove(&n);
}

/* ---- default route ----------------------------------------------------------------------------- */

static void default_route_body(struct netns_pair *n)
{
	struct diag d = {""};
	int ifindex = -1;
	REQUIRE(netns_enter(n, n->a) == 0, "enter %s", n->a);
	int r = nl_default_route_ifindex(&ifindex, &d);
	CHECK(r == -ENOENT, "fresh namespace has no default route: %d %s", r, d.msg);
	CHECK(run("ip -n %s addr add 10.77.0.1/24 dev va", n->a) == 0, "address on va");
	CHECK(run("ip -n %s route add default via 10.77.0.2 dev va metric 100", n->a) == 0, "route");
	r = nl_default_route_ifindex(&ifindex, &d);
	CHECK(r == 0 && ifindex == (int)if_nametoindex("va"), "default via va: %d %d %s", r, ifindex, d.msg);
	/* A second default route with a lower metric wins. */
	CHECK(run("ip -n %s link add vc type veth peer name vd", n->a) == 0, "second veth");
	CHECK(run("ip -n %s link set vc up", n->a) == 0 && run("ip -n %s link set vd up", n->a) == 0, "up");
	CHECK(run("ip -n %s addr add 10.78.0.1/24 dev vc", n->a) == 0, "address on vc");
	CHECK(run("ip -n %s route add default via 10.78.0.2 dev vc metric 50", n->a) == 0, "route 2");
	r = nl_default_route_ifindex(&ifindex, &d);
	CHECK(r == 0 && ifindex == (int)if_nametoindex("vc"), "lower metric wins: %d %d %s", r, ifindex,
	      d.msg);
	/* IPv6 only: the fallback. */
	CHECK(run("ip -n %s route flush default", n->a) == 0, "flush");
	CHECK(run("ip -n %s -6 route add default dev vd metric 10", n->a) == 0, "v6 route");
	r = nl_default_route_ifindex(&ifindex, &d);
	CHECK(r == 0 && ifindex == (int)if_nametoindex("vd"), "IPv6 default: %d %d %s", r, ifindex, d.msg);
}

TEST(bpf_default_route)
{
	SKIP_UNLESS_ROOT();
	struct diag d = {""};
	int ifindex = -1;
	char name[IF_NAMESIZE];
	int r = nl_default_route_ifindex(&ifindex, &d);
	CHECK((r == 0 && if_indextoname((unsigned)ifindex, name)) || r == -ENOENT,
	      "this machine: %d %s", r, d.msg);
	if (r == 0)
		note("default route of this machine: ifindex %d (%s)", ifindex, name);
	struct netns_pair n;
	REQUIRE(netns_make(&n, "r") == 0, "making namespaces and veth");
	default_route_body(&n);
	netns_remove(&n);
}

/* ---- pure netlink parsing ---------------------------------------------------------------------- */

/* Appends bytes to a message being built by hand. */
static size_t put(unsigned char *buf, size_t off, const void *p, size_t n)
{
	memcpy(buf + off, p, n);
	return off + n;
}

TEST(bpf_netlink_parse_ack)
{
	unsigned char buf[256];
	char msg[64];
	/* An error with a capped echo and an extack message. */
	struct nlmsghdr h = {.nlmsg_type = NLMSG_ERROR, .nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS,
			     .nlmsg_seq = 7};
	int32_t err = -EBUSY;
	struct nlmsghdr echoed = {.nlmsg_len = 64, .nlmsg_type = RTM_SETLINK, .nlmsg_seq = 7};
	struct nlattr a = {.nla_len = 4 + 6, .nla_type = NLMSGERR_ATTR_MSG};
	size_t off = sizeof(h);
	off = put(buf, off, &err, 4);
	off = put(buf, off, &echoed, sizeof(echoed));
	off = put(buf, off, &a, sizeof(a));
	off = put(buf, off, "busy!\0\0", 8); /* 6 bytes and padding */
	h.nlmsg_len = (uint32_t)off;
	put(buf, 0, &h, sizeof(h));
	CHECK(nl_parse_ack(buf, off, 7, msg, sizeof(msg)) == -EBUSY && strcmp(msg, "busy!") == 0,
	      "extack: '%s'", msg);
	CHECK(nl_parse_ack(buf, off, 8, msg, sizeof(msg)) == NL_MORE, "other seq");
	CHECK(nl_parse_ack(buf, off - 1, 7, msg, sizeof(msg)) == -EBADMSG, "cut short");
	char tiny[3];
	CHECK(nl_parse_ack(buf, off, 7, tiny, sizeof(tiny)) == -EBUSY && strcmp(tiny, "bu") == 0,
	      "truncated message '%s'", tiny);
	/* Every shorter length is refused or answered, never read past. */
	for (size_t n = 0; n < off; n++) {
		int r = nl_parse_ack(buf, n, 7, msg, sizeof(msg));
		CHECK(r == -EBADMSG || r == NL_MORE, "length %zu gave %d", n, r);
	}
	/* An attribute claiming more than is there. */
	a.nla_len = 200;
	put(buf, sizeof(h) + 4 + sizeof(echoed), &a, sizeof(a));
	CHECK(nl_parse_ack(buf, off, 7, msg, sizeof(msg)) == -EBADMSG, "long attribute");
	/* A plain ack. */
	h.nlmsg_flags = 0;
	h.nlmsg_len = sizeof(h) + 4 + sizeof(echoed);
	err = 0;
	off = put(buf, 0, &h, sizeof(h));
	off = put(buf, off, &err, 4);
	off = put(buf, off, &echoed, sizeof(echoed));
	CHECK(nl_parse_ack(buf, off, 7, msg, sizeof(msg)) == 0 && msg[0] == '\0', "ack");
	/* A message length smaller than its header. */
	h.nlmsg_len = 8;
	put(buf, 0, &h, sizeof(h));
	CHECK(nl_parse_ack(buf, off, 7, msg, sizeof(msg)) == -EBADMSG, "nlmsg_len 8");
}

TEST(bpf_netlink_build_xdp_set)
{
	unsigned char buf[128];
	int n = nl_build_xdp_set(buf, sizeof(buf), 42, 5, 9, XDP_FLAGS_SKB_MODE, 11);
	CHECK(n == 16 + 16 + 4 + 3 * 8, "length %d", n);
	struct nlmsghdr h;
	memcpy(&h, buf, sizeof(h));
	CHECK(h.nlmsg_len == (uint32_t)n && h.nlmsg_type == RTM_SETLINK && h.nlmsg_seq == 42 &&
		      h.nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK),
	      "header");
	struct ifinfomsg ifi;
	memcpy(&ifi, buf + 16, sizeof(ifi));
	CHECK(ifi.ifi_index == 5 && ifi.ifi_family == AF_UNSPEC, "ifinfomsg");
	struct rtattr nest;
	memcpy(&nest, buf + 32, sizeof(nest));
	CHECK(nest.rta_len == 28 && nest.rta_type == (IFLA_XDP | NLA_F_NESTED), "nest %u %#x",
	      nest.rta_len, nest.rta_type);
	uint32_t flags;
	memcpy(&flags, buf + 32 + 4 + 16 + 4, 4);
	CHECK(flags == (XDP_FLAGS_SKB_MODE | XDP_FLAGS_REPLACE), "flags %#x", flags);
	CHECK(nl_build_xdp_set(buf, 40, 1, 5, 9, 0, -1) == -ENOSPC, "too small");
	CHECK(nl_build_xdp_set(buf, sizeof(buf), 1, 5, -1, 0, -1) == 16 + 16 + 4 + 2 * 8, "detach");
}

/* ---- tracepoints ------------------------------------------------------------------------------- */

/* A tracepoint program counting this process's hits in an array map. */
static int load_counter(int map)
{
	int pid = (int)getpid();
	struct bpf_insn p[] = {
		call(BPF_FUNC_get_current_pid_tgid),
		rsh64_imm(BPF_REG_0, 32),              /* tgid */
		jne_imm(BPF_REG_0, pid, 9),            /* not us: to the end */
		st_w(BPF_REG_10, -4, 0),               /* key 0 */
		mov64_reg(BPF_REG_2, BPF_REG_10), add64_imm(BPF_REG_2, -4),
		ld_map_fd_lo(BPF_REG_1, map), ld_map_fd_hi(),
		call(BPF_FUNC_map_lookup_elem),
		jeq_imm(BPF_REG_0, 0, 2),
		mov64_imm(BPF_REG_1, 1),
		atomic_add64(BPF_REG_0, BPF_REG_1, 0),
		mov64_imm(BPF_REG_0, 0), exit_insn(),
	};
	return load(BPF_PROG_TYPE_TRACEPOINT, "rl_tp_count", p, sizeof(p) / sizeof(p[0]));
}

static uint64_t counter(int map)
{
	uint32_t k = 0;
	uint64_t v = 0;
	sys_map_lookup(map, &k, &v, 0);
	return v;
}

static void getpid_times(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

static void tracepoint_body(void)
{
	struct diag d = {""};
	char dir[256];
	CHECK(fs_tracefs_dir(dir, sizeof(dir), &d) == 0, "tracefs: %s", d.msg);
	note("tracefs at %s", dir);
	CHECK(fs_tracefs_dir(dir, 5, &d) == -ERANGE, "small buffer");
	int id = perf_tracepoint_id("syscalls", "sys_enter_getpid", &d);
	REQUIRE(id > 0, "tracepoint id: %s", d.msg);
	int r = perf_tracepoint_id("syscalls", "no_such_tracepoint", &d);
	CHECK(r == -ENOENT && strstr(d.msg, "no_such_tracepoint/id"), "missing: %d %s", r, d.msg);
	CHECK(perf_tracepoint_id("..", "x", &d) == -EINVAL, "'..'");
	CHECK(perf_tracepoint_id("syscalls", "a/b", &d) == -EINVAL, "'/'");
	CHECK(perf_tracepoint_id("", "x", &d) == -EINVAL, "empty");

	int map = map_make(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "rl_tp_count");
	REQUIRE(map > 0, "map: %s", sys_errno_name(map));
	int prog = load_counter(map), perf = -1, link = -1;
	if (prog < 0) {
		CHECK(0, "load: %s\n%s", sys_errno_name(prog), verifier_log);
		goto out;
	}

	/* The ioctl way. */
	perf = perf_tracepoint_open((uint64_t)id, 0);
	CHECK(perf > 0, "perf_event_open: %s", sys_errno_name(perf));
	r = perf_attach_ioctl(perf, prog);
	CHECK(r == 0, "ioctl attach: %s", sys_errno_name(r));
	getpid_times(5);
	CHECK(counter(map) == 5, "ioctl: counted %llu", (unsigned long long)counter(map));
	double t0 = now_ms();
	close_fd(&perf);
	note("closing a tracepoint perf event (ioctl attach): %.1f ms", now_ms() - t0);
	getpid_times(3);
	CHECK(counter(map) == 5, "closing detaches: %llu", (unsigned long long)counter(map));

	/* The bpf_link way. */
	uint32_t k = 0;
	uint64_t zero = 0;
	sys_map_update(map, &k, &zero, BPF_ANY);
	perf = perf_tracepoint_open((uint64_t)id, 0);
	CHECK(perf > 0, "perf_event_open: %s", sys_errno_name(perf));
	link = sys_link_create(prog, perf, BPF_PERF_EVENT, 0);
	CHECK(link > 0, "link: %s", sys_errno_name(link));
	getpid_times(7);
	CHECK(counter(map) == 7, "link: counted %llu", (unsigned long long)counter(map));
	struct bpf_link_info li;
	uint32_t len = sizeof(li);
	memset(&li, 0, sizeof(li));
	CHECK(link < 0 || (sys_obj_info(link, &li, &len) == 0 && li.type == BPF_LINK_TYPE_PERF_EVENT),
	      "link type %u", li.type);
	/* The link keeps the program attached after the perf fd is closed; closing it detaches. */
	close_fd(&perf);
	getpid_times(2);
	CHECK(counter(map) == 9, "link outlives the perf fd: %llu", (unsigned long long)counter(map));
	t0 = now_ms();
	close_fd(&link);
	note("closing a tracepoint perf link: %.1f ms", now_ms() - t0);
	getpid_times(2);
	CHECK(counter(map) == 9, "closing the link detaches: %llu", (unsigned long long)counter(map));
out:
	close_fd(&link);
	close_fd(&perf);
	close_fd(&prog);
	close_fd(&map);
}

/* raw_tracepoint sys_enter: count this process's getpid calls (args[1] is the syscall number). */
static void raw_tracepoint_body(void)
{
	int map = map_make(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "rl_raw_count"), prog = -1, fd = -1;
	REQUIRE(map > 0, "map: %s", sys_errno_name(map));
	struct bpf_insn p[] = {
		mov64_reg(BPF_REG_6, BPF_REG_1),
		call(BPF_FUNC_get_current_pid_tgid),
		rsh64_imm(BPF_REG_0, 32),
		jne_imm(BPF_REG_0, (int32_t)getpid(), 11),
		ldx_dw(BPF_REG_1, BPF_REG_6, 8),
		jne_imm(BPF_REG_1, SYS_getpid, 9),
		st_w(BPF_REG_10, -4, 0),
		mov64_reg(BPF_REG_2, BPF_REG_10), add64_imm(BPF_REG_2, -4),
		ld_map_fd_lo(BPF_REG_1, map), ld_map_fd_hi(),
		call(BPF_FUNC_map_lookup_elem),
		jeq_imm(BPF_REG_0, 0, 2),
		mov64_imm(BPF_REG_1, 1),
		atomic_add64(BPF_REG_0, BPF_REG_1, 0),
		mov64_imm(BPF_REG_0, 0), exit_insn(),
	};
	prog = load(BPF_PROG_TYPE_RAW_TRACEPOINT, "rl_raw_count", p, sizeof(p) / sizeof(p[0]));
	if (prog < 0) {
		CHECK(0, "load: %s\n%s", sys_errno_name(prog), verifier_log);
		goto out;
	}
	CHECK(sys_raw_tracepoint_open("no_such_tracepoint_here", prog) == -ENOENT, "missing tracepoint");
	fd = sys_raw_tracepoint_open("sys_enter", prog);
	CHECK(fd > 0, "raw tracepoint open: %s", sys_errno_name(fd));
	getpid_times(4);
	CHECK(counter(map) == 4, "counted %llu", (unsigned long long)counter(map));
	close_fd(&fd);
	getpid_times(2);
	CHECK(counter(map) == 4, "closing detaches: %llu", (unsigned long long)counter(map));
out:
	close_fd(&fd);
	close_fd(&prog);
	close_fd(&map);
}

TEST(bpf_raw_tracepoint)
{
	SKIP_UNLESS_ROOT();
	raw_tracepoint_body();
}

/* PROG_ATTACH / PROG_DETACH: a flow dissector on a network namespace made here. The kernel takes
 * the caller's namespace and wants target_fd 0 (kernel/bpf/net_namespace.c), so enter it first. */
static void flow_dissector_body(const char *ns, int orig)
{
	char path[64];
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	int nsfd = open(path, O_RDONLY | O_CLOEXEC);
	REQUIRE(nsfd >= 0, "open %s", path);
	struct bpf_insn p[] = {mov64_imm(BPF_REG_0, BPF_OK), exit_insn()};
	int prog = load(BPF_PROG_TYPE_FLOW_DISSECTOR, "rl_flow", p, 2);
	if (prog < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		CHECK(0, "load: %s\n%s (or setns failed)", sys_errno_name(prog), verifier_log);
		close_fd(&prog);
		close(nsfd);
		return;
	}
	int r = sys_prog_attach(prog, 0, BPF_FLOW_DISSECTOR, 0);
	CHECK(r == 0, "attach: %s", sys_errno_name(r));
	r = sys_prog_attach(prog, 0, BPF_FLOW_DISSECTOR, 0);
	CHECK(r < 0, "the same program twice: %d", r);
	note("flow dissector attached twice: %s", sys_errno_name(r));
	CHECK(run("ip netns exec %s bpftool net show | grep -q flow_dissector", ns) == 0,
	      "bpftool sees it");
	r = sys_prog_detach(prog, 0, BPF_FLOW_DISSECTOR);
	CHECK(r == 0, "detach: %s", sys_errno_name(r));
	r = sys_prog_detach(prog, 0, BPF_FLOW_DISSECTOR);
	CHECK(r == -ENOENT, "second detach: %d (%s)", r, sys_errno_name(r));
	CHECK(setns(orig, CLONE_NEWNET) == 0, "back to the original namespace");
	close_fd(&prog);
	close(nsfd);
}

TEST(bpf_prog_attach_detach)
{
	SKIP_UNLESS_ROOT();
	char ns[32];
	snprintf(ns, sizeof(ns), "rlfA%d", (int)getpid());
	int orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	REQUIRE(orig >= 0, "own namespace");
	if (run("ip netns add %s", ns) == 0)
		flow_dissector_body(ns, orig);
	else
		CHECK(0, "ip netns add %s", ns);
	CHECK(setns(orig, CLONE_NEWNET) == 0, "back to the original namespace");
	close(orig);
	run("ip netns del %s", ns);
	snprintf(ns, sizeof(ns), "/run/netns/rlfA%d", (int)getpid());
	CHECK(access(ns, F_OK) != 0, "%s removed", ns);
}

TEST(bpf_tracepoint)
{
	SKIP_UNLESS_ROOT();
	in_private_mounts(tracepoint_body);
}

/* ---- bpffs and pins ---------------------------------------------------------------------------- */

static void pin_body(void)
{
	struct diag d = {""};
	char dir[128], sub[160], pin[192], other[200];
	snprintf(dir, sizeof(dir), "/sys/fs/bpf/rawload-test-%d", (int)getpid());
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	snprintf(pin, sizeof(pin), "%s/map", sub);
	int r = fs_bpffs_ensure(sub, &d);
	REQUIRE(r == 0, "fs_bpffs_ensure: %s", d.msg);
	CHECK(fs_is_bpffs("/sys/fs/bpf") == 1 && fs_is_bpffs(sub) == 1, "on bpffs");
	CHECK(fs_bpffs_ensure(sub, &d) == 0, "second time: %s", d.msg);
	CHECK(fs_is_bpffs("/tmp") == 0, "/tmp is not a bpffs");

	int map = map_make(BPF_MAP_TYPE_ARRAY, 4, 4, 1, "rl_pinned"), got = -1;
	CHECK(map > 0, "map: %s", sys_errno_name(map));
	r = sys_obj_pin(map, pin);
	CHECK(r == 0, "pin: %s", sys_errno_name(r));
	CHECK(sys_obj_pin(map, pin) == -EEXIST, "pin twice");
	got = sys_obj_get(pin, 0);
	CHECK(got > 0, "get: %s", sys_errno_name(got));
	struct bpf_map_info a, b;
	uint32_t la = sizeof(a), lb = sizeof(b);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	CHECK(sys_obj_info(map, &a, &la) == 0 && sys_obj_info(got, &b, &lb) == 0 && a.id == b.id,
	      "same map: %u %u", a.id, b.id);
	close_fd(&got);
	got = sys_obj_get(pin, BPF_F_RDONLY);
	uint32_t k = 0, v = 1;
	CHECK(got > 0 && sys_map_update(got, &k, &v, BPF_ANY) == -EPERM, "read-only fd refuses writes");
	close_fd(&got);
	unlink(pin);
	CHECK(sys_obj_get(pin, 0) == -ENOENT, "pin removed");
	close_fd(&map);
	snprintf(other, sizeof(other), "%s/a", dir);
	rmdir(sub);
	rmdir(other);
	rmdir(dir);
	CHECK(access(dir, F_OK) != 0, "test directory removed");

	/* Not on a bpffs: refused, and nothing is created. */
	snprintf(other, sizeof(other), "/tmp/rawload-not-bpffs-%d/x", (int)getpid());
	r = fs_bpffs_ensure(other, &d);
	CHECK(r == -EINVAL && strncmp(d.msg, "bpffs: ", 7) == 0, "outside bpffs: %d %s", r, d.msg);
	other[strlen(other) - 2] = '\0';
	CHECK(access(other, F_OK) != 0, "%s not created", other);
	CHECK(fs_bpffs_ensure("/sys/fs/bpf/../x", &d) == -EINVAL, "'..': %s", d.msg);
}

TEST(bpf_bpffs_pin)
{
	SKIP_UNLESS_ROOT();
	in_private_mounts(pin_body);
}
