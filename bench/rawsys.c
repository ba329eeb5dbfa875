/* bench/rawsys.c — the floor the bench measures loaders against: only the bpf() calls loading and
 * attaching one XDP program needs (BTF_LOAD, MAP_CREATE, PROG_LOAD, LINK_CREATE), from data
 * bench/gen precomputed with rawload's own code (bench_object.h), then close and exit. No parsing,
 * no probing, no fallbacks, no output. A bench tool, not part of rawload: raw syscall(__NR_bpf).
 *
 * usage: rawsys IFINDEX|IFACE                        load, attach, detach, exit
 *        rawsys IFINDEX|IFACE --check [CMD ARG...]   also prove it: read the link back by its fd
 *                                                    and print it, run CMD while attached */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_object.h"

static int bpf(int cmd, union bpf_attr *a)
{
	/* The whole union, zeroed: the kernel accepts a larger attr whose tail it doesn't know is zero. */
	long r = syscall(__NR_bpf, cmd, a, sizeof(*a));
	return r < 0 ? -errno : (int)r;
}

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void name_copy(char dst[BPF_OBJ_NAME_LEN], const char *src)
{
	size_t n = strlen(src);
	memcpy(dst, src, n < BPF_OBJ_NAME_LEN - 1 ? n : BPF_OBJ_NAME_LEN - 1);
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "rawsys: %s: %s\n", what, strerror(-err));
	return 1;
}

/* The link read back through its fd: an XDP link on our interface, holding our program. */
static int check(int link_fd, int prog_fd, int ifindex, char **cmd)
{
	union bpf_attr a;
	struct bpf_link_info link;
	struct bpf_prog_info prog;
	memset(&link, 0, sizeof(link));
	memset(&prog, 0, sizeof(prog));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)link_fd;
	a.info.info_len = sizeof(link);
	a.info.info = ptr(&link);
	int err = bpf(BPF_OBJ_GET_INFO_BY_FD, &a);
	if (err)
		return fail("BPF_OBJ_GET_INFO_BY_FD (link)", err);
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)prog_fd;
	a.info.info_len = sizeof(prog);
	a.info.info = ptr(&prog);
	err = bpf(BPF_OBJ_GET_INFO_BY_FD, &a);
	if (err)
		return fail("BPF_OBJ_GET_INFO_BY_FD (prog)", err);
	printf("rawsys: link id %u type %u ifindex %u, prog id %u '%s' (%u bytes jited)\n", link.id, link.type,
	       link.xdp.ifindex, prog.id, prog.name, prog.jited_prog_len);
	if (link.type != BPF_LINK_TYPE_XDP || link.xdp.ifindex != (uint32_t)ifindex || link.prog_id != prog.id ||
	    strncmp(prog.name, gen_prog_name, BPF_OBJ_NAME_LEN - 1) != 0) {
		fprintf(stderr, "rawsys: the link is not the XDP link of our program on ifindex %d\n", ifindex);
		return 1;
	}
	if (!cmd[0])
		return 0;
	/* A witness of its own (bpftool) looks while the program is attached. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return fprintf(stderr, "rawsys: %s failed\n", cmd[0]), 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || (argc > 2 && strcmp(argv[2], "--check") != 0)) {
		fprintf(stderr, "usage: rawsys IFINDEX|IFACE [--check [CMD ARG...]]\n");
		return 2;
	}
	char *end;
	long n = strtol(argv[1], &end, 10);
	int ifindex = *end || n <= 0 ? (int)if_nametoindex(argv[1]) : (int)n;
	if (ifindex <= 0)
		return fprintf(stderr, "rawsys: %s: no such interface\n", argv[1]), 1;

	union bpf_attr a;
	int btf_fd = -1, map_fds[gen_nmaps + 1];

	memset(&a, 0, sizeof(a));
	if (gen_btf_size) {
		a.btf = ptr(gen_btf);
		a.btf_size = gen_btf_size;
		btf_fd = bpf(BPF_BTF_LOAD, &a);
		if (btf_fd < 0)
			return fail("BPF_BTF_LOAD", btf_fd);
	}

	for (uint32_t i = 0; i < gen_nmaps; i++) {
		const struct gen_map *m = &gen_maps[i];
		memset(&a, 0, sizeof(a));
		a.map_type = m->type;
		a.key_size = m->key_size;
		a.value_size = m->value_size;
		a.max_entries = m->max_entries;
		a.map_flags = m->flags;
		a.numa_node = m->numa_node;
		a.map_extra = m->map_extra;
		name_copy(a.map_name, m->name);
		if (m->with_btf && btf_fd >= 0) {
			a.btf_fd = (uint32_t)btf_fd;
			a.btf_key_type_id = m->btf_key;
			a.btf_value_type_id = m->btf_value;
		}
		map_fds[i] = bpf(BPF_MAP_CREATE, &a);
		if (map_fds[i] < 0)
			return fail("BPF_MAP_CREATE", map_fds[i]);
	}

	/* The one thing left to patch: each ld_imm64 gets its map's fd (src_reg, and the data offset
	 * of BPF_PSEUDO_MAP_VALUE, are already in place). */
	for (uint32_t k = 0; k < gen_nsites; k++)
		gen_insns[gen_sites[k].insn].imm = map_fds[gen_sites[k].map];

	memset(&a, 0, sizeof(a));
	a.prog_type = gen_prog_type;
	a.expected_attach_type = gen_expected_attach_type;
	a.prog_flags = gen_prog_flags;
	a.insns = ptr(gen_insns);
	a.insn_cnt = gen_insn_cnt;
	a.license = ptr(gen_license);
	a.kern_version = gen_kern_version;
	name_copy(a.prog_name, gen_prog_name);
	if (btf_fd >= 0 && gen_nfunc_info) {
		a.prog_btf_fd = (uint32_t)btf_fd;
		a.func_info = ptr(gen_func_info);
		a.func_info_rec_size = sizeof(gen_func_info[0]);
		a.func_info_cnt = gen_nfunc_info;
		a.line_info = ptr(gen_line_info);
		a.line_info_rec_size = sizeof(gen_line_info[0]);
		a.line_info_cnt = gen_nline_info;
	}
	int prog_fd;
	do /* the verifier can be interrupted; rawload retries too */
		prog_fd = bpf(BPF_PROG_LOAD, &a);
	while (prog_fd == -EAGAIN);
	if (prog_fd < 0)
		return fail("BPF_PROG_LOAD", prog_fd);

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (uint32_t)prog_fd;
	a.link_create.target_ifindex = (uint32_t)ifindex;
	a.link_create.attach_type = BPF_XDP;
	int link_fd = bpf(BPF_LINK_CREATE, &a);
	if (link_fd < 0)
		return fail("BPF_LINK_CREATE", link_fd);

	int rc = argc > 2 ? check(link_fd, prog_fd, ifindex, argv + 3) : 0;

	/* Closing the last fd of an XDP link detaches it. */
	close(link_fd);
	close(prog_fd);
	for (uint32_t i = 0; i < gen_nmaps; i++)
		close(map_fds[i]);
	if (btf_fd >= 0)
		close(btf_fd);
	return rc;
}
