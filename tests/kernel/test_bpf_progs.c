/* tests/kernel/test_bpf_progs.c — bpf/ program calls against the running kernel with hand-assembled
 * programs: PROG_LOAD and the verifier log (refusals, a log too small), PROG_TEST_RUN, PROG_ATTACH /
 * PROG_DETACH (a flow dissector in a network namespace made here). Root only (skips otherwise). */
#include "kbpf.h"

#include "bpf/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	CHECK(fd2 > 0 && ktest_prog_id(fd2) == info.id, "prog fd by id");
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
	ktest_note("verifier with a 16-byte log and an invalid program: %s", sys_errno_name(fd));
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

/* ---- attaching to a network namespace ------------------------------------------------------------- */

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
	ktest_note("flow dissector attached twice: %s", sys_errno_name(r));
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
