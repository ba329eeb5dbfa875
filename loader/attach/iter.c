/* loader/attach/iter.c — iterators (iter/task, iter/bpf_map, ...): BPF_LINK_CREATE with
 * BPF_TRACE_ITER (kernel >= 5.8). Nothing runs until someone reads: the display (show.c) makes a
 * fresh BPF_ITER_CREATE fd from the link at every snapshot and reads it to the end.
 * Doesn't own: iterators that need a map or other parameter to walk (not passed yet). */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "bpf/sys.h"
#include "loader/attach/attach.h"

/* Targets whose link needs a map fd in iter_info (kernel: bpf_iter_attach_map, sock_map_iter). */
static bool needs_map(const char *target)
{
	static const char *const names[] = {"bpf_map_elem", "bpf_sk_storage_map", "sockmap"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(target, names[i]))
			return true;
	return false;
}

int attach_iter(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	char rb[24];

	if (needs_map(p->target)) {
		attach_not(a, ATT_UNSUPPORTED,
			   "not attached: iterator %s walks one map, and choosing it is not supported yet", p->target);
		return 0;
	}
	int fd = sys_link_create(l->prog_fds[a->prog], 0, BPF_TRACE_ITER, 0);
	narrate(opts->say, "iter: BPF_LINK_CREATE BPF_TRACE_ITER prog '%s' (iterator %s) -> %s", p->name, p->target,
		narrate_result(fd, rb));
	if (fd < 0)
		return diag_set(d, fd, "prog '%s': iterator %s: BPF_LINK_CREATE: %s", p->name, p->target,
				sys_errno_name(fd));
	a->link_fd = fd;
	a->how = "bpf_link";
	snprintf(a->note, sizeof(a->note), "iterator %s via bpf_link (read at every snapshot)", p->target);
	return 0;
}
