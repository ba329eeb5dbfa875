/* tests/kernel/test_bpf_tracing.c — tracepoints against the running kernel: tracefs and tracepoint
 * ids, a counting program attached by perf_event ioctl, by bpf_link and as a raw tracepoint, each
 * counting exactly this process's getpid calls and detached by a close. Root only (skips otherwise). */
#include "kbpf.h"

#include "bpf/fs.h"
#include "bpf/perf.h"
#include "bpf/sys.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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
	ktest_note("tracefs at %s", dir);
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
	ktest_note("closing a tracepoint perf event (ioctl attach): %.1f ms", now_ms() - t0);
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
	ktest_note("closing a tracepoint perf link: %.1f ms", now_ms() - t0);
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

TEST(bpf_tracepoint)
{
	SKIP_UNLESS_ROOT();
	in_private_mounts(tracepoint_body);
}
