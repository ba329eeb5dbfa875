/* loader/attach/tp.c — tracepoints: the event id from tracefs, perf_event_open(PERF_TYPE_TRACEPOINT)
 * on one CPU (once a program is attached it runs on every CPU), then a perf link (BPF_LINK_CREATE
 * with BPF_PERF_EVENT, kernel >= 5.15) or the older PERF_EVENT_IOC_SET_BPF + ENABLE; that second
 * step (attach_perf_event) serves uprobes too. Raw tracepoints: BPF_RAW_TRACEPOINT_OPEN, whose fd
 * is the attachment. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/sys.h"
#include "loader/attach/attach.h"

int attach_tracepoint(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		      struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	char cat[128], *name;

	/* "syscalls/sys_enter_execve": category, then event. */
	if (snprintf(cat, sizeof(cat), "%s", p->target) >= (int)sizeof(cat) || !(name = strchr(cat, '/')))
		return diag_set(d, -EINVAL, "prog '%s': section '%s' names no tracepoint as category/name", p->name,
				p->sec_name);
	*name++ = '\0';
	int id = perf_tracepoint_id(cat, name, d);
	if (id < 0)
		return diag_wrap(d, id, "prog '%s': ", p->name);
	int pfd = perf_tracepoint_open((uint64_t)id, 0);
	if (pfd < 0)
		return diag_set(d, pfd, "prog '%s': perf_event_open tracepoint %s/%s (id %d): %s", p->name, cat, name,
				id, sys_errno_name(pfd));
	narrate(opts->say, "tracepoint: %s/%s id %d, perf_event_open -> fd %d", cat, name, id, pfd);
	char what[300];
	snprintf(what, sizeof(what), "tracepoint %s/%s", cat, name);
	int err = attach_perf_event(o, l, opts, a, pfd, what, d);
	if (err)
		return err;
	snprintf(a->note, sizeof(a->note), "tracepoint %s/%s via %s", cat, name, a->how);
	return 0;
}

int attach_perf_event(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		      struct attachment *a, int pfd, const char *what, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	const char *kind = secdef_attach_kind_name(p->def->attach);
	char rb[24];
	a->perf_fd = pfd;

	int fd = sys_link_create(l->prog_fds[a->prog], pfd, BPF_PERF_EVENT, 0);
	narrate(opts->say, "%s: BPF_LINK_CREATE BPF_PERF_EVENT prog '%s' -> %s", kind, p->name,
		narrate_result(fd, rb));
	if (fd >= 0) {
		a->link_fd = fd;
		a->how = "perf link";
		return 0;
	}
	int err = perf_attach_ioctl(pfd, l->prog_fds[a->prog]);
	narrate(opts->say, "%s: no perf link (%s); PERF_EVENT_IOC_SET_BPF + ENABLE -> %s", kind, sys_errno_name(fd),
		err ? sys_errno_name(err) : "ok");
	if (err) {
		close(pfd);
		a->perf_fd = -1;
		return diag_set(d, err, "prog '%s': attaching to %s: %s", p->name, what, sys_errno_name(err));
	}
	a->how = "perf ioctl";
	return 0;
}

int attach_raw_tp(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		  struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	char rb[24];
	if (!*p->target)
		return diag_set(d, -EINVAL, "prog '%s': section '%s' names no raw tracepoint", p->name, p->sec_name);
	int fd = sys_raw_tracepoint_open(p->target, l->prog_fds[a->prog]);
	narrate(opts->say, "raw_tracepoint: BPF_RAW_TRACEPOINT_OPEN %s prog '%s' -> %s", p->target, p->name,
		narrate_result(fd, rb));
	if (fd < 0)
		return diag_set(d, fd, "prog '%s': raw tracepoint %s: %s", p->name, p->target, sys_errno_name(fd));
	a->link_fd = fd;
	a->how = "raw_tracepoint";
	snprintf(a->note, sizeof(a->note), "raw tracepoint %s", p->target);
	return 0;
}
