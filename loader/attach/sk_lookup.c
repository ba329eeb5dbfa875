/* loader/attach/sk_lookup.c — sk_lookup programs (SEC "sk_lookup"): a netns bpf_link, BPF_LINK_CREATE
 * with BPF_SK_LOOKUP on the network namespace rawload runs in (kernel 5.9), so the program picks
 * sockets for every lookup there; run rawload inside the namespace meant (nsenter --net=). The link
 * goes when its fd closes, or stays when pinned. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "loader/attach/attach.h"

int attach_sk_lookup(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		     struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	static const char path[] = "/proc/self/ns/net";
	char rb[24];
	struct stat st;

	int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return diag_set(d, -errno, "prog '%s': %s: %s", p->name, path, sys_errno_name(-errno));
	unsigned long long inode = fstat(ns, &st) == 0 ? (unsigned long long)st.st_ino : 0;
	int fd = sys_link_create(l->prog_fds[a->prog], ns, BPF_SK_LOOKUP, 0);
	close(ns);
	narrate(opts->say, "sk_lookup: BPF_LINK_CREATE prog '%s' network namespace net:[%llu] -> %s", p->name, inode,
		narrate_result(fd, rb));
	if (fd < 0)
		return diag_set(d, fd, "prog '%s': BPF_LINK_CREATE sk_lookup on net:[%llu]: %s%s", p->name, inode,
				sys_errno_name(fd), fd == -EINVAL ? " (kernel before 5.9?)" : "");
	a->link_fd = fd;
	a->how = "bpf_link";
	snprintf(a->note, sizeof(a->note), "network namespace net:[%llu] (socket lookups), via %s", inode, a->how);
	return 0;
}
