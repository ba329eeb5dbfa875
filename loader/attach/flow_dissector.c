/* loader/attach/flow_dissector.c — flow dissector programs (SEC "flow_dissector"): they replace the
 * kernel's flow dissector for the network namespace rawload runs in (run it there with
 * nsenter --net=): a netns bpf_link (BPF_LINK_CREATE with BPF_FLOW_DISSECTOR, kernel 5.8), else (or
 * with --prog-attach) BPF_PROG_ATTACH on the calling process's namespace (target 0), undone with
 * BPF_PROG_DETACH.
 * A dissector attached in the root namespace overrides every other namespace's (and the kernel then
 * refuses one in another namespace: EEXIST). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "loader/attach/attach.h"

int attach_flow_dissector(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			  struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	static const char path[] = "/proc/self/ns/net";
	int prog_fd = l->prog_fds[a->prog];
	char rb[24];
	struct stat st;

	int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return diag_set(d, -errno, "prog '%s': %s: %s", p->name, path, sys_errno_name(-errno));
	unsigned long long inode = fstat(ns, &st) == 0 ? (unsigned long long)st.st_ino : 0;
	int fd = -EINVAL; /* --prog-attach: the older way even where links work */
	if (!opts->cgroup_prog_attach) {
		fd = sys_link_create(prog_fd, ns, BPF_FLOW_DISSECTOR, 0);
		narrate(opts->say, "flow_dissector: BPF_LINK_CREATE prog '%s' network namespace net:[%llu] -> %s", p->name,
			inode, narrate_result(fd, rb));
	}
	close(ns);
	if (fd >= 0) {
		a->link_fd = fd;
		a->how = "bpf_link";
	} else if (fd == -EINVAL) { /* before 5.8: no netns links */
		int err = sys_prog_attach(prog_fd, 0, BPF_FLOW_DISSECTOR, 0);
		narrate(opts->say, "flow_dissector: BPF_PROG_ATTACH prog '%s' on the caller's network namespace -> %s", p->name,
			narrate_result(err, rb));
		if (err)
			return diag_set(d, err, "prog '%s': BPF_PROG_ATTACH flow dissector on net:[%llu]: %s%s", p->name, inode,
					sys_errno_name(err), err == -EEXIST ? " (one is attached already, here or in the root namespace)" : "");
		a->how = "BPF_PROG_ATTACH";
	} else {
		return diag_set(d, fd, "prog '%s': BPF_LINK_CREATE flow dissector on net:[%llu]: %s%s", p->name, inode,
				sys_errno_name(fd),
				fd == -EEXIST ? " (one is attached already, here or in the root namespace, whose overrides all)" : "");
	}
	snprintf(a->note, sizeof(a->note), "network namespace net:[%llu] (its flow dissector), via %s", inode, a->how);
	return 0;
}

void detach_flow_dissector(const struct obj *o, const struct loaded *l, struct attachment *a,
			   const struct narrator *say)
{
	const struct obj_prog *p = &o->progs[a->prog];
	if (a->link_fd >= 0) {
		narrate(say, "flow_dissector: closing link fd %d of '%s'%s", a->link_fd, p->name,
			a->pinned ? " (pinned: stays attached)" : " (detaches)");
		close(a->link_fd);
		a->link_fd = -1;
		return;
	}
	int err = sys_prog_detach(l->prog_fds[a->prog], 0, BPF_FLOW_DISSECTOR);
	narrate(say, "flow_dissector: BPF_PROG_DETACH prog '%s' -> %s", p->name, err ? sys_errno_name(err) : "ok");
}
