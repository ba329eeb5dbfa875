/* tests/kernel/test_bpf_buffers.c — bpf/ring buffer and perf buffer reading against records that
 * hand-assembled programs write under PROG_TEST_RUN: order, wrap-around, discarded records, a
 * callback that stops, lost samples, CPU lists. Root only (skips otherwise), except the pure parser. */
#include "kbpf.h"

#include "bpf/perf.h"
#include "bpf/ringbuf.h"
#include "bpf/sys.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

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
	ktest_note("perf buffer of 1 page: 200 samples of 40 bytes gave %d samples and %llu lost", first,
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
