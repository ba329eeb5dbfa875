/* tests/kernel/test_attach_trace.c — the attach code of loader/attach/tracing.c and loader/attach/iter.c
 * driven through attach_all on loaded test objects: a tp_btf program counts exactly this process's
 * getppid calls through the tracing bpf_link attach_all makes, then through the fallback rawload
 * takes on kernels without tracing links (BPF_RAW_TRACEPOINT_OPEN without a name, called directly:
 * this kernel never needs it), and closing either detaches. An iterator link gives a fresh readable
 * fd for every BPF_ITER_CREATE, each listing this process. Root only (skips otherwise). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktest.h"
#include "bpf/sys.h"
#include "loader/attach/attach.h"

static uint64_t calls_of_mine(int map)
{
	uint32_t pid = (uint32_t)getpid();
	uint64_t v = 0;
	sys_map_lookup(map, &pid, &v, 0);
	return v;
}

static void getppid_times(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
}

/* attach_all for the one program called name (the others are left alone). */
static int attach_one(struct kobj *k, const char *name, struct attach_set *set, struct diag *d)
{
	bool only[16] = {0};
	int p = obj_find_prog(&k->o, name);
	if (p < 0 || (uint32_t)p >= ARRAY_LEN(only))
		return -ENOENT;
	only[p] = true;
	struct attach_opts opts = {.only = only};
	return attach_all(&k->o, &k->l, &opts, set, d);
}

TEST(attach_tp_btf_link_and_raw_tracepoint_open)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	struct diag d = {""};
	int err = kobj_load(&k, "build/progs/tp_btf_count.bpfel.o", NULL);
	REQUIRE(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "count_getppid"), map = kobj_map_fd(&k, "getppid_calls");
	REQUIRE(prog > 0 && map > 0, "fds %d %d", prog, map);

	/* attach_all: the tracing bpf_link */
	struct attach_set set = {0};
	err = attach_one(&k, "count_getppid", &set, &d);
	CHECK(err == 0 && set.n == 1 && set.a[0].state == ATT_ATTACHED && set.a[0].link_fd > 0, "attach: %d %s",
	      err, d.msg);
	if (!err && set.n == 1) {
		CHECK(strcmp(set.a[0].note, "tp_btf sys_enter via bpf_link") == 0, "note '%s'", set.a[0].note);
		struct bpf_link_info li;
		char tp[64] = "";
		uint32_t len = sizeof(li);
		memset(&li, 0, sizeof(li));
		li.raw_tracepoint.tp_name = (uint64_t)(uintptr_t)tp;
		li.raw_tracepoint.tp_name_len = sizeof(tp);
		CHECK(sys_obj_info(set.a[0].link_fd, &li, &len) == 0 && li.type == BPF_LINK_TYPE_RAW_TRACEPOINT &&
			      strcmp(tp, "sys_enter") == 0,
		      "link type %u on '%s'", li.type, tp);
	}
	getppid_times(6);
	CHECK(calls_of_mine(map) == 6, "bpf_link: counted %llu, made 6", (unsigned long long)calls_of_mine(map));
	attach_close(&k.o, &k.l, &set, NULL);
	getppid_times(2);
	CHECK(calls_of_mine(map) == 6, "attach_close detaches: %llu", (unsigned long long)calls_of_mine(map));

	/* the fallback: BPF_RAW_TRACEPOINT_OPEN with no name takes the target from the program */
	int fd = sys_raw_tracepoint_open(NULL, prog);
	CHECK(fd > 0, "BPF_RAW_TRACEPOINT_OPEN(NULL): %s", sys_errno_name(fd));
	getppid_times(4);
	CHECK(calls_of_mine(map) == 10, "raw_tracepoint_open: counted %llu, made 10",
	      (unsigned long long)calls_of_mine(map));
	if (fd > 0)
		close(fd);
	getppid_times(3);
	CHECK(calls_of_mine(map) == 10, "closing detaches: %llu", (unsigned long long)calls_of_mine(map));
	kobj_close(&k);
	FDS_END();
}

/* Reads fd to the end into a malloc'd, NUL-terminated buffer. */
static char *read_all(int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	for (ssize_t r; buf; n += (size_t)r) {
		if (n == cap) {
			char *bigger = realloc(buf, 2 * cap + 1);
			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r <= 0)
			break;
	}
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

TEST(attach_iter_task_reads_fresh)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	struct diag d = {""};
	int err = kobj_load(&k, "build/progs/iter_task.bpfel.o", NULL);
	REQUIRE(err == 0, "load: %s", k.d.msg);
	struct attach_set set = {0};
	err = attach_one(&k, "dump_task", &set, &d);
	CHECK(err == 0 && set.n == 1 && set.a[0].link_fd > 0, "attach: %d %s", err, d.msg);
	if (!err && set.n == 1) {
		char comm[32] = "", want[64];
		int cf = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
		ssize_t cl = cf >= 0 ? read(cf, comm, sizeof(comm) - 1) : -1;
		if (cf >= 0)
			close(cf);
		if (cl > 0 && comm[cl - 1] == '\n')
			comm[cl - 1] = '\0';
		snprintf(want, sizeof(want), "\n%d %s\n", (int)getpid(), comm);
		for (int round = 0; round < 2; round++) {
			int fd = sys_iter_create(set.a[0].link_fd);
			CHECK(fd > 0, "BPF_ITER_CREATE: %s", sys_errno_name(fd));
			if (fd <= 0)
				continue;
			size_t len;
			char *text = read_all(fd, &len);
			close(fd);
			CHECK(text && strstr(text, want), "round %d: %zu bytes without '%s'", round, len, want + 1);
			free(text);
		}
	}
	attach_close(&k.o, &k.l, &set, NULL);
	kobj_close(&k);
	FDS_END();
}
