/* loader/attach/kprobe.c — kprobes, kretprobes and libbpf's ksyscall/kretsyscall: a perf event of
 * the kprobe PMU (the kernel function's name and an offset go straight into perf_event_open, no
 * tracefs probe to create), attached like a tracepoint's (attach_perf_event: perf link, else the
 * ioctl). A kernel built without kprobes has no kprobe PMU: its programs are reported, by name, as
 * not attached. Doesn't own: kprobe.multi links (kprobe_multi.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "bpf/perf.h"
#include "bpf/sys.h"
#include "loader/attach/attach.h"
#include "loader/load/kfacts.h"

/* The wrapped entry-point prefix of this machine's system calls (see kfacts.h), or NULL. */
static const char *syscall_prefix(void)
{
	struct utsname u;
	return uname(&u) ? NULL : kfacts_syscall_prefix(u.machine);
}

int attach_kprobe_parse(const char *target, char *func, size_t cap, uint64_t *offset)
{
	const char *plus = strchr(target, '+');
	size_t n = plus ? (size_t)(plus - target) : strlen(target);
	if (!n || n >= cap)
		return -EINVAL;
	memcpy(func, target, n);
	func[n] = '\0';
	*offset = 0;
	if (plus) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(plus + 1, &end, 0);
		if (!plus[1] || *end || errno)
			return -EINVAL;
		*offset = v;
	}
	return 0;
}

int attach_kprobe(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		  struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	const char *sec = p->def->sec;
	bool ret = strncmp(sec, "kret", 4) == 0;
	bool sys = strstr(sec, "syscall") != NULL;
	char func[256], name[300];
	/* name: the function probed, cand: the names tried (a prefix and func fit both) */
	uint64_t offset;

	if (attach_kprobe_parse(p->target, func, sizeof(func), &offset) || (sys && offset))
		return diag_set(d, -EINVAL, "prog '%s': %s target '%s' is not FUNC[+OFFSET]", p->name, sec,
				p->target);

	int type = perf_pmu_type("kprobe", d);
	if (type == -ENOENT) {
		attach_not(a, ATT_UNSUPPORTED,
			   "not attached: this kernel has no kprobes (no kprobe PMU in /sys/bus/event_source/devices)");
		narrate(opts->say, "%s", d->msg);
		return 0;
	}
	if (type < 0)
		return diag_wrap(d, type, "prog '%s': ", p->name);
	uint64_t config = 0;
	if (ret) {
		int bit = perf_pmu_config_bit("kprobe", "retprobe", d);
		if (bit < 0)
			return diag_wrap(d, bit, "prog '%s': ", p->name);
		config = 1ull << bit;
	}

	/* A system call by name: its wrapped entry point where there is one, else sys_NAME, tried in
	 * that order rather than asking the kernel first. */
	char cand[2][sizeof(name)];
	int ncand = 0;
	const char *prefix = sys ? syscall_prefix() : NULL;
	if (prefix)
		snprintf(cand[ncand++], sizeof(cand[0]), "%s%s", prefix, func);
	snprintf(cand[ncand++], sizeof(cand[0]), "%s%s", sys ? "sys_" : "", func);
	int pfd = -ENOENT;
	char rb[24];
	for (int k = 0; k < ncand && pfd < 0; k++) {
		memcpy(name, cand[k], sizeof(name));
		pfd = perf_probe_open((uint32_t)type, config, name, offset);
		narrate(opts->say, "%s: perf_event_open PMU type %d config %#llx, %s+%#llx -> %s", ret ? "kretprobe" : "kprobe",
			type, (unsigned long long)config, name, (unsigned long long)offset, narrate_result(pfd, rb));
	}
	if (pfd < 0)
		return diag_set(d, pfd, "prog '%s': perf_event_open %s %s: %s", p->name, ret ? "kretprobe" : "kprobe",
				name, sys_errno_name(pfd));

	char what[400];
	if (offset)
		snprintf(what, sizeof(what), "%s %s+%#llx", ret ? "kretprobe" : "kprobe", name, (unsigned long long)offset);
	else
		snprintf(what, sizeof(what), "%s %s", ret ? "kretprobe" : "kprobe", name);
	int err = attach_perf_event(o, l, opts, a, pfd, what, d);
	if (err)
		return err;
	snprintf(a->note, sizeof(a->note), "%.160s via %s", what, a->how);
	return 0;
}
