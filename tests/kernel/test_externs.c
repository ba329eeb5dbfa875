/* tests/kernel/test_externs.c — externs given their values by the running kernel. externs.bpf.c
 * records what it got; the truth comes from elsewhere: uname for LINUX_KERNEL_VERSION, zcat of
 * /proc/config.gz (or /boot/config-RELEASE) for CONFIG_*, /proc/kallsyms for _stext, getpid()
 * for what the kfunc bpf_task_from_pid found. Root only. */
#include "ktest.h"

#include "bpf/sys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define EXT_OBJ "build/progs/externs.bpfel.o"

/* struct ext_got of externs.bpf.c, then `want_pid` (.bss). */
struct ext_got {
	unsigned long long kernel_version;
	unsigned long long bpf_syscall, hz, jit, no_such_option;
	char hostname[16];
	unsigned long long task_from_pid_exists;
	unsigned long long stext;
	long long task_pid;
	unsigned long long no_such_kfunc;
};

/* A line of the kernel's config ("CONFIG_HZ=250" -> "250"), read by the system's tools. */
static char *config_value(const char *name)
{
	int status;
	char *out = ktest_popen(&status,
				"{ cat /boot/config-$(uname -r) 2>/dev/null || zcat /proc/config.gz; } | sed -n 's/^%s=//p'",
				name);
	if (out) {
		size_t n = strlen(out);
		while (n && out[n - 1] == '\n')
			out[--n] = '\0';
	}
	return out;
}

TEST(externs_get_the_kernels_values)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	int err = kobj_load(&k, EXT_OBJ, NULL);
	CHECK(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "ext_all"), bss = kobj_map_fd(&k, "externs.bss");
	if (err || prog < 0 || bss < 0)
		goto out;
	uint32_t key = 0;
	uint8_t value[sizeof(struct ext_got) + 4] = {0};
	int pid = getpid();
	memcpy(value + sizeof(struct ext_got), &pid, 4);
	err = sys_map_update(bss, &key, value, 0);
	CHECK(err == 0, "set want_pid: %s", sys_errno_name(err));
	int64_t r = ktest_run(prog, NULL, 0, 0);
	CHECK(r == 0, "run: %lld", (long long)r);
	err = sys_map_lookup(bss, &key, value, 0);
	CHECK(err == 0, "read: %s", sys_errno_name(err));
	struct ext_got g;
	memcpy(&g, value, sizeof(g));

	struct utsname u;
	unsigned a = 0, b = 0, c = 0;
	uname(&u);
	sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	CHECK(g.kernel_version == (a << 16 | b << 8 | (c > 255 ? 255 : c)), "LINUX_KERNEL_VERSION %#llx, uname %s",
	      g.kernel_version, u.release);
	char *hz = config_value("CONFIG_HZ"), *jit = config_value("CONFIG_BPF_JIT"),
	     *sys = config_value("CONFIG_BPF_SYSCALL"), *host = config_value("CONFIG_DEFAULT_HOSTNAME");
	CHECK(hz && g.hz == strtoull(hz, NULL, 10), "CONFIG_HZ %llu, config says %s", g.hz, hz ? hz : "?");
	CHECK(sys && strcmp(sys, "y") == 0 && g.bpf_syscall == 1, "CONFIG_BPF_SYSCALL %llu, config says %s",
	      g.bpf_syscall, sys ? sys : "?");
	CHECK(jit && g.jit == (strcmp(jit, "y") == 0 ? 1u : strcmp(jit, "m") == 0 ? 2u : 0u),
	      "CONFIG_BPF_JIT (tristate) %llu, config says %s", g.jit, jit ? jit : "?");
	char quoted[24];
	snprintf(quoted, sizeof(quoted), "\"%.15s\"", g.hostname);
	CHECK(host && strcmp(quoted, host) == 0, "CONFIG_DEFAULT_HOSTNAME %s, config says %s", quoted, host ? host : "?");
	CHECK(g.no_such_option == 0, "weak CONFIG_RAWLOAD_NO_SUCH_OPTION %llu", g.no_such_option);
	free(hz);
	free(jit);
	free(sys);
	free(host);

	int status;
	char *stext = ktest_popen(&status, "sed -n 's/^\\([0-9a-f]*\\) [Tt] _stext$/\\1/p' /proc/kallsyms | head -n 1");
	CHECK(stext && g.stext == strtoull(stext, NULL, 16) && g.stext, "_stext %#llx, kallsyms %s", g.stext,
	      stext ? stext : "?");
	free(stext);
	CHECK(g.task_from_pid_exists == 1 && g.task_pid == pid, "bpf_task_from_pid(%d): exists %llu, pid %lld", pid,
	      g.task_from_pid_exists, g.task_pid);
	CHECK(g.no_such_kfunc == 7, "the missing weak kfunc's branch ran: %llu", g.no_such_kfunc);
out:
	kobj_close(&k);
	FDS_END();
}

/* The object's BTF, with extern linkage rewritten, is taken by the kernel: the program loads with
 * its func_info and line_info, and -v says what each extern became. */
TEST(externs_narrated_with_btf)
{
	KTEST_NEED_BPF();
	int status;
	char *out = ktest_popen(&status, "%s load -v %s 2>&1", test_path("rawload"), test_path(EXT_OBJ));
	CHECK(out && status == 0, "status %d: %s", status, out ? out : "(none)");
	CHECK(out && strstr(out, "btf: BPF_BTF_LOAD ") && !strstr(out, "continuing without BTF"), "BTF not loaded: %s",
	      out ? out : "");
	CHECK(out && strstr(out, "BPF_PROG_LOAD syscall, 1 func_info"), "no func_info passed");
	CHECK(out && strstr(out, "kfunc 'bpf_task_release' -> BPF_PSEUDO_KFUNC_CALL kernel BTF id "),
	      "kfunc not narrated");
	CHECK(out && strstr(out, "kfunc 'rawload_no_such_kfunc' missing (weak): call poisoned"),
	      "missing weak kfunc not narrated");
	CHECK(out && strstr(out, "externs: CONFIG_RAWLOAD_NO_SUCH_OPTION is not set: 0 (weak)"),
	      "missing weak kconfig not narrated");
	free(out);
}

/* A non-weak extern the kernel lacks stops the load, by name, before anything is created. */
TEST(externs_missing_refused)
{
	KTEST_NEED_BPF();
	int status;
	char *out = ktest_popen(&status, "%s load %s 2>&1", test_path("rawload"),
				test_path("build/progs/externs_missing.bpfel.o"));
	CHECK(out && status != 0 && strstr(out, "extern 'CONFIG_RAWLOAD_MISSING': not set in the kernel's config"),
	      "status %d: %s", status, out ? out : "(none)");
	free(out);
}
