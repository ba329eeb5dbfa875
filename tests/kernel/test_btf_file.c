/* tests/kernel/test_btf_file.c — `--btf FILE`: the target BTF from a file instead of the running
 * kernel's. tests/btf/layouts.c gives task_struct a layout unlike any kernel's; core_btf_file.bpf.c
 * stores what CO-RE made of it. The offsets are checked three ways: in the values the program
 * stores when it runs, in the instructions the kernel holds (BPF_OBJ_GET_INFO_BY_FD, translated
 * instructions), and against the running kernel's (which they must not be). Raw BTF, the .BTF of
 * an ELF object and of a big-endian one; BTF attach targets from a copy of the kernel's own BTF;
 * a missing file said once, naming the programs that need it. Root only. */
#include "ktest.h"

#include "bpf/sys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CORE_OBJ "build/progs/core_btf_file.bpfel.o"

struct core_offsets {
	uint32_t pid, tgid, real_parent, comm, comm_size, size, marker_exists;
};

/* tests/btf/layouts.c's layout. */
static const struct core_offsets file_layout = {44, 40, 64, 48, 16, 80, 1};

static int run_offsets(struct kobj *k, struct core_offsets *out)
{
	int prog = kobj_prog_fd(k, "core_offsets"), bss = kobj_map_fd(k, "core_bt.bss");
	for (uint32_t i = 0; bss < 0 && i < k->o.nmaps; i++)
		if (k->o.maps[i].data == DATA_BSS)
			bss = k->l.map_fds[i];
	if (prog < 0 || bss < 0)
		return -ENOENT;
	int64_t r = ktest_run(prog, NULL, 0, 0);
	if (r < 0)
		return (int)r;
	uint32_t key = 0;
	uint8_t value[64];
	int err = sys_map_lookup(bss, &key, value, 0);
	memcpy(out, value, sizeof(*out));
	return err;
}

/* How many immediates of the program's translated instructions equal v. */
static int imm_count(int prog_fd, int32_t v)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (sys_obj_info(prog_fd, &info, &len) || !info.xlated_prog_len)
		return -1;
	uint32_t n = info.xlated_prog_len / sizeof(struct bpf_insn);
	struct bpf_insn *insns = calloc(n, sizeof(*insns));
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = n * sizeof(*insns);
	info.xlated_prog_insns = (uint64_t)(uintptr_t)insns;
	len = sizeof(info);
	int count = -1;
	if (insns && sys_obj_info(prog_fd, &info, &len) == 0) {
		count = 0;
		for (uint32_t i = 0; i < n; i++)
			count += insns[i].code == (BPF_ALU64 | BPF_MOV | BPF_K) && insns[i].imm == v;
	}
	free(insns);
	return count;
}

TEST(btf_file_relocates_against_the_file)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	static const char *const files[] = {"build/target-btf/layouts.btf", "build/target-btf/layouts.bpfel.o",
					    "build/target-btf/layouts.bpfeb.o"};
	for (size_t f = 0; f < ARRAY_LEN(files); f++) {
		struct kobj k;
		struct core_offsets got = {0};
		struct load_opts opts = {.btf_path = test_path(files[f])};
		int err = kobj_load(&k, CORE_OBJ, &opts);
		CHECK(err == 0 && load_outcome(&k.l) == LOAD_ALL, "%s: %s (%s)", files[f], sys_errno_name(err), k.d.msg);
		if (!err)
			err = run_offsets(&k, &got);
		CHECK(err == 0, "%s: run: %s", files[f], sys_errno_name(err));
		CHECK(!memcmp(&got, &file_layout, sizeof(got)),
		      "%s: pid %u tgid %u real_parent %u comm %u/%u size %u marker %u; want 44 40 64 48/16 80 1", files[f],
		      got.pid, got.tgid, got.real_parent, got.comm, got.comm_size, got.size, got.marker_exists);
		/* what the kernel holds: the file's offsets as the instructions' immediates */
		int prog = kobj_prog_fd(&k, "core_offsets");
		for (size_t i = 0; prog >= 0 && i < 6; i++) {
			uint32_t v = ((const uint32_t *)&file_layout)[i];
			CHECK(imm_count(prog, (int32_t)v) >= 1, "%s: no r = %u in the translated program", files[f], v);
		}
		kobj_close(&k);
	}

	/* The running kernel's own layout is another (and has no rawload_layout_marker). */
	struct kobj k;
	struct core_offsets got = {0};
	int err = kobj_load(&k, CORE_OBJ, NULL);
	if (!err)
		err = run_offsets(&k, &got);
	CHECK(err == 0 && got.pid != 44 && got.marker_exists == 0 && got.size > 80,
	      "running kernel: %s, pid %u, marker %u, size %u", sys_errno_name(err), got.pid, got.marker_exists, got.size);
	int prog = kobj_prog_fd(&k, "core_offsets");
	CHECK(prog < 0 || imm_count(prog, 44) == 0, "the kernel's program holds the file's pid offset");
	kobj_close(&k);
	FDS_END();
}

/* BTF attach targets come from the file too: tp_btf programs load with a copy of the kernel's own
 * BTF given as a file (the ids are the kernel's), and are refused, by name, with a BTF that has no
 * such tracepoint. */
TEST(btf_file_attach_targets)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	char copy[] = "/tmp/rawload-vmlinux-XXXXXX";
	int fd = mkstemp(copy);
	REQUIRE(fd >= 0, "mkstemp");
	close(fd);
	int st = -1;
	char *out = ktest_popen(&st, "cp /sys/kernel/btf/vmlinux %s", copy);
	free(out);
	CHECK(st == 0, "cp /sys/kernel/btf/vmlinux: %d", st);

	struct kobj k;
	struct load_opts opts = {.btf_path = copy};
	int err = kobj_load(&k, "build/progs/tp_btf_count.bpfel.o", &opts);
	CHECK(err == 0 && load_outcome(&k.l) == LOAD_ALL, "with a copy of the kernel's BTF: %s (%s)", sys_errno_name(err),
	      k.d.msg);
	kobj_close(&k);
	unlink(copy);

	opts.btf_path = test_path("build/target-btf/layouts.btf");
	err = kobj_load(&k, "build/progs/tp_btf_count.bpfel.o", &opts);
	CHECK(err == 0 && load_outcome(&k.l) == LOAD_NOTHING, "with layouts.btf: %s (%s)", sys_errno_name(err), k.d.msg);
	for (uint32_t i = 0; !err && i < k.o.nprogs; i++) {
		const char *why = k.l.prog_refused[i].why;
		CHECK(why && strstr(why, "the kernel's BTF has no typedef 'btf_trace_") && !k.l.prog_refused[i].kernel_btf,
		      "%s: %s", k.o.progs[i].name, why ? why : "(loaded)");
	}
	kobj_close(&k);
	FDS_END();
}

/* A --btf file that cannot be read: said once, the programs that need it named together with how
 * to give one, exit 1 (nothing usable); a file that is no BTF is named as such. */
TEST(btf_file_missing)
{
	KTEST_NEED_BPF();
	int st = -1;
	char *out = ktest_popen(&st, "'%s' load --btf /nonexistent/rawload.btf '%s' 2>&1", test_path("rawload"),
				test_path(CORE_OBJ));
	CHECK(out && st == 1 &&
		      strstr(out, "rawload: no kernel BTF (--btf /nonexistent/rawload.btf: No such file or directory): "
				  "'core_offsets' needs it (CO-RE, BTF attach targets, kfuncs or __ksym); give one with --btf FILE"),
	      "exit %d:\n%s", st, out ? out : "");
	CHECK(out && !strstr(out, "prog 'core_offsets': not loaded"), "the program is also named alone:\n%s", out ? out : "");
	free(out);
	out = ktest_popen(&st, "'%s' load --btf '%s' '%s' 2>&1", test_path("rawload"), test_path("tests/btf/layouts.c"),
			  test_path(CORE_OBJ));
	CHECK(out && st == 1 && strstr(out, "layouts.c: neither raw BTF (magic 0xEB9F) nor an ELF file"), "exit %d:\n%s", st,
	      out ? out : "");
	free(out);
}
