// SPDX-License-Identifier: GPL-2.0
/* externs.bpf.c — every kind of extern libbpf gives a value, declared the way libbpf programs do:
 * __kconfig values (LINUX_KERNEL_VERSION, a bool, an int, a string, a tristate, a weak one that
 * no kernel sets), a typeless __ksym (its address, from kallsyms), kfuncs (bpf_task_from_pid,
 * weak and guarded by bpf_ksym_exists(), and bpf_task_release) and a weak kfunc no kernel has.
 *
 * Typed __ksym variables are left out: the kernel finds their address with kallsyms_lookup_name(),
 * which sees variables only with CONFIG_KALLSYMS_ALL, and this machine's kernel lacks it
 * ("ldimm64 failed to find the address for kernel symbol"). Their rewriting is unit-tested.
 *
 * Program `ext_all` is a syscall program: BPF_PROG_TEST_RUN runs it and it records what it got in
 * `got` (.bss), for the test to compare with uname, the kernel's config, kallsyms and bpftool. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>


extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_HZ __kconfig;
extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig;
extern int CONFIG_RAWLOAD_NO_SUCH_OPTION __kconfig __weak;

/* Typeless __ksym: an address only. */
extern const void _stext __ksym;

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));
extern struct task_struct *bpf_task_from_pid(int pid) __ksym __weak;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void rawload_no_such_kfunc(void) __ksym __weak;

struct ext_got {
	unsigned long long kernel_version;
	unsigned long long bpf_syscall, hz, jit, no_such_option;
	char hostname[16];
	unsigned long long task_from_pid_exists;
	unsigned long long stext;
	long long task_pid;
	unsigned long long no_such_kfunc;
};

struct ext_got got;
int want_pid;

SEC("syscall")
int ext_all(void *ctx)
{
	got.kernel_version = LINUX_KERNEL_VERSION;
	got.bpf_syscall = CONFIG_BPF_SYSCALL;
	got.hz = CONFIG_HZ;
	got.jit = CONFIG_BPF_JIT;
	got.no_such_option = CONFIG_RAWLOAD_NO_SUCH_OPTION;
	__builtin_memcpy(got.hostname, CONFIG_DEFAULT_HOSTNAME, sizeof(got.hostname));

	got.stext = (unsigned long long)&_stext;

	got.task_pid = -1;
	if (bpf_ksym_exists(bpf_task_from_pid)) {
		struct task_struct *t = bpf_task_from_pid(want_pid);
		got.task_from_pid_exists = 1;
		if (t) {
			got.task_pid = t->pid;
			bpf_task_release(t);
		}
	}
	got.no_such_kfunc = 7;
	if (bpf_ksym_exists(rawload_no_such_kfunc)) {
		rawload_no_such_kfunc();
		got.no_such_kfunc = 1;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
