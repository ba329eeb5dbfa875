/* tests/kernel/test_core.c — CO-RE against the running kernel's BTF. core_reloc.bpf.c reads the
 * current task through local struct definitions with wrong offsets; BPF_PROG_TEST_RUN runs it in
 * this process, so what it read can be compared with the truth: getpid(), getppid(), the comm,
 * a scheduling flag this test sets, and bpftool's own reading of the kernel's BTF. Root only. */
#include "ktest.h"

#include "bpf/sys.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CORE_OBJ "build/progs/core_reloc.bpfel.o"

/* struct core_result of core_reloc.bpf.c. */
struct task_facts {
	int pid, tgid, ppid, pid2;
	char comm[16];
	unsigned int flags_exists, nosuch_field_exists, nosuch_type_exists, task_exists;
	unsigned int task_size, pid_offset, pid_size, comm_size;
	unsigned int type_id_local, type_id_kernel;
	unsigned int ringbuf_exists, none_exists;
	unsigned long long ringbuf_value;
	unsigned long long reset_on_fork;
	int nosuch_value;
};

/* bpftool's line for a type or member in `btf dump ... format raw`, as numbers: for "[114] STRUCT
 * 'task_struct' size=3264" the id and size; for a member its bits_offset. -1 when absent. */
static long bpftool_num(const char *file, const char *grep, const char *sed)
{
	int status;
	char *out = ktest_popen(&status, "bpftool btf dump file %s format raw | %s | head -n 1 | sed -n '%s'", file,
				grep, sed);
	long v = out && status == 0 && out[0] >= '0' && out[0] <= '9' ? strtol(out, NULL, 10) : -1;
	free(out);
	return v;
}

static int run_and_read(int prog, int bss, struct task_facts *res)
{
	uint32_t key = 0;
	int64_t r = ktest_run(prog, NULL, 0, 0); /* raw_tp: no data, no repeat */
	if (r < 0)
		return (int)r;
	uint8_t value[256];
	int err = sys_map_lookup(bss, &key, value, 0);
	memcpy(res, value, sizeof(*res));
	return err;
}

TEST(core_reads_the_running_kernel)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	struct task_facts res;
	int err = kobj_load(&k, CORE_OBJ, NULL);
	CHECK(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "core_task"), bss = kobj_map_fd(&k, "core_rel.bss");
	if (err || prog < 0 || bss < 0)
		goto out;

	/* sched_reset_on_fork is a one-bit field: set it, read it, clear it, read it. */
	struct sched_param sp = {0};
	CHECK(sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp) == 0, "set SCHED_RESET_ON_FORK: %s",
	      strerror(errno));
	err = run_and_read(prog, bss, &res);
	CHECK(err == 0, "run: %s", sys_errno_name(err));
	CHECK(res.reset_on_fork == 1, "sched_reset_on_fork read %llu with the flag set", res.reset_on_fork);
	CHECK(sched_setscheduler(0, SCHED_OTHER, &sp) == 0, "clear SCHED_RESET_ON_FORK: %s", strerror(errno));
	err = run_and_read(prog, bss, &res);
	CHECK(err == 0, "run: %s", sys_errno_name(err));
	CHECK(res.reset_on_fork == 0, "sched_reset_on_fork read %llu with the flag clear", res.reset_on_fork);

	/* The task itself. */
	char comm[16] = {0};
	prctl(PR_GET_NAME, comm);
	CHECK(res.pid == (int)syscall(SYS_gettid) && res.pid2 == res.pid, "pid %d (flavour %d), gettid %ld", res.pid,
	      res.pid2, (long)syscall(SYS_gettid));
	CHECK(res.tgid == getpid(), "tgid %d, getpid %d", res.tgid, getpid());
	CHECK(res.ppid == getppid(), "real_parent->tgid %d, getppid %d", res.ppid, getppid());
	CHECK(strncmp(res.comm, comm, sizeof(comm)) == 0, "comm '%.16s', prctl says '%s'", res.comm, comm);

	/* Existence, sizes and values. */
	CHECK(res.flags_exists == 1 && res.nosuch_field_exists == 0, "field exists: flags %u, no_such %u",
	      res.flags_exists, res.nosuch_field_exists);
	CHECK(res.nosuch_value == -1, "the poisoned branch ran: %d", res.nosuch_value);
	CHECK(res.task_exists == 1 && res.nosuch_type_exists == 0, "type exists: task_struct %u, no_such %u",
	      res.task_exists, res.nosuch_type_exists);
	CHECK(res.pid_size == 4 && res.comm_size == 16, "sizes: pid %u comm %u", res.pid_size, res.comm_size);
	CHECK(res.ringbuf_exists == 1 && res.none_exists == 0, "enum value exists: RINGBUF %u, NONE %u",
	      res.ringbuf_exists, res.none_exists);
	CHECK(res.ringbuf_value == BPF_MAP_TYPE_RINGBUF, "BPF_MAP_TYPE_RINGBUF = %llu, UAPI says %d", res.ringbuf_value,
	      BPF_MAP_TYPE_RINGBUF);

	/* bpftool reads the same BTF independently. */
	const char *vmlinux = "/sys/kernel/btf/vmlinux";
	long id = bpftool_num(vmlinux, "grep \"STRUCT 'task_struct' size=\"", "s/^\\[\\([0-9]*\\)\\].*/\\1/p");
	long size = bpftool_num(vmlinux, "grep \"STRUCT 'task_struct' size=\"", "s/.*size=\\([0-9]*\\).*/\\1/p");
	long pid_bits = bpftool_num(vmlinux, "sed -n \"/STRUCT 'task_struct' size=/,/^\\[/p\" | grep \"^\\s*'pid' \"",
				    "s/.*bits_offset=\\([0-9]*\\).*/\\1/p");
	long local_id = bpftool_num(test_path(CORE_OBJ), "grep \"STRUCT 'task_struct' size=\"",
				    "s/^\\[\\([0-9]*\\)\\].*/\\1/p");
	CHECK(id > 0 && res.type_id_kernel == (unsigned)id, "task_struct kernel id %u, bpftool %ld", res.type_id_kernel, id);
	CHECK(size > 0 && res.task_size == (unsigned)size, "task_struct size %u, bpftool %ld", res.task_size, size);
	CHECK(pid_bits > 0 && res.pid_offset == (unsigned)pid_bits / 8, "pid offset %u, bpftool %ld bits",
	      res.pid_offset, pid_bits);
	CHECK(local_id > 0 && res.type_id_local == (unsigned)local_id, "task_struct local id %u, bpftool %ld",
	      res.type_id_local, local_id);
out:
	kobj_close(&k);
	FDS_END();
}

/* The CLI narrates each record with -v and loads the object. */
TEST(core_narrated_by_cli)
{
	KTEST_NEED_BPF();
	int status;
	char *out = ktest_popen(&status, "%s load -v %s 2>&1", test_path("rawload"), test_path(CORE_OBJ));
	CHECK(out && status == 0, "status %d: %s", status, out ? out : "(none)");
	CHECK(out && strstr(out, "CO-RE field_byte_offset struct task_struct.pid (0:0): 0 -> "),
	      "no narration of the pid offset");
	CHECK(out && strstr(out, "rawload_no_such_field (0:5): not in the kernel, instruction poisoned"),
	      "no narration of the poisoned read");
	CHECK(out && strstr(out, "24 CO-RE relocations applied against the kernel's BTF"), "no summary");
	free(out);
}
