/* loader/attach/tracing.c — programs whose target is a kernel BTF id given at load: tp_btf,
 * fentry/fexit/fmod_ret and lsm. A tracing bpf_link with the program's expected attach type, else
 * BPF_RAW_TRACEPOINT_OPEN without a name. Doesn't own: lsm_cgroup (needs a cgroup), freplace targets. */

/* Kernel facts: tracing links through BPF_LINK_CREATE came with 5.13; BPF_RAW_TRACEPOINT_OPEN with
 * a NULL name attaches tp_btf, fentry/fexit and lsm programs since 5.5, taking the target from the
 * program too. Only tp_btf is exercised by the tests here: under this kernel's lockdown fentry,
 * fexit, fmod_ret and lsm programs fail to load (EPERM) before they reach this file. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "bpf/sys.h"
#include "loader/attach/attach.h"

int attach_tracing(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		   struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	uint32_t type = p->def->attach_type;
	/* The section's own word ("tp_btf", "fexit.s", "lsm"): what the notes call the attachment. */
	const char *slash = strchr(p->sec_name, '/');
	int kind_len = slash ? (int)(slash - p->sec_name) : (int)strlen(p->sec_name);
	char rb[24];

	if (type == BPF_LSM_CGROUP) { /* its link needs a cgroup to attach to */
		attach_not(a, ATT_UNSUPPORTED,
			   "not attached: attach kind lsm_cgroup (needs a cgroup) not supported yet");
		return 0;
	}
	int fd = sys_link_create(l->prog_fds[a->prog], 0, type, 0);
	/* freplace (BPF_PROG_TYPE_EXT) has no attach type: the kernel takes its target from the load */
	narrate(opts->say, "%.*s: BPF_LINK_CREATE %s prog '%s' (target %s, by BTF id) -> %s", kind_len, p->sec_name,
		p->def->prog_type == BPF_PROG_TYPE_EXT ? "(freplace)" : secdef_attach_type_name(type), p->name,
		p->target, narrate_result(fd, rb));
	if (fd >= 0) {
		a->how = "bpf_link";
	} else {
		int fd2 = sys_raw_tracepoint_open(NULL, l->prog_fds[a->prog]);
		narrate(opts->say, "%.*s: no tracing link (%s); BPF_RAW_TRACEPOINT_OPEN without a name -> %s", kind_len,
			p->sec_name, sys_errno_name(fd), narrate_result(fd2, rb));
		if (fd2 < 0)
			return diag_set(d, fd2, "prog '%s': attaching %.*s %s: BPF_LINK_CREATE %s, BPF_RAW_TRACEPOINT_OPEN %s",
					p->name, kind_len, p->sec_name, p->target, sys_errno_name(fd),
					sys_errno_name(fd2));
		fd = fd2;
		a->how = "raw_tracepoint_open";
	}
	a->link_fd = fd;
	snprintf(a->note, sizeof(a->note), "%.*s %s via %s", kind_len, p->sec_name, p->target, a->how);
	return 0;
}
