/* loader/attach/cgroup.c — cgroup programs (cgroup_skb/ingress and egress, cgroup/sock_create,
 * cgroup/connect4, sockops, ...) on a cgroup v2 directory: a cgroup link (BPF_LINK_CREATE, kernel
 * >= 5.7; detaches when its last fd closes), else BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI, which
 * stays until BPF_PROG_DETACH (rawload's exit) or until the cgroup is removed. Doesn't own finding
 * the cgroup2 mount (bpf/fs.c) or choosing the cgroup (the CLI). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/sys.h"
#include "loader/attach/attach.h"

/* The cgroup directory, opened as the kernel wants its target: O_RDONLY | O_DIRECTORY. */
static int open_cgroup(const char *prog, const char *path, uint64_t *id, struct diag *d)
{
	int r = fs_is_cgroup2(path);
	if (r < 0)
		return diag_set(d, r, "prog '%s': cgroup %s: %s", prog, path, sys_errno_name(r));
	if (r == 0)
		return diag_set(d, -EINVAL, "prog '%s': %s is not a cgroup v2 directory", prog, path);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(d, -errno, "prog '%s': cgroup %s: %s", prog, path, sys_errno_name(-errno));
	/* A cgroup's id is its kernfs node id, which kernfs gives its directory as inode number. */
	struct stat st;
	*id = fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
	return fd;
}

int attach_cgroup(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		  struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	uint32_t type = p->def->attach_type;
	int prog_fd = l->prog_fds[a->prog];
	char rb[24];

	/* libbpf's "cgroup/skb" is attached by hand: it does not say ingress or egress. */
	if (!strcmp(p->def->sec, "cgroup/skb")) {
		attach_not(a, ATT_UNSUPPORTED,
			   "not attached: section cgroup/skb has no direction (use SEC(\"cgroup_skb/ingress\") or cgroup_skb/egress)");
		return 0;
	}
	uint64_t id = 0;
	int cg = open_cgroup(p->name, opts->cgroup, &id, d);
	if (cg < 0)
		return cg;
	const struct attach_link_want want = {.link_type = BPF_LINK_TYPE_CGROUP, .attach_type = type, .cgroup_id = id};
	if (opts->pin_dir && !opts->cgroup_prog_attach && attach_reuse_link(o, l, opts, a, "cgroup", &want) == 0) {
		close(cg);
		a->how = "cgroup link";
		goto attached;
	}
	if (!opts->cgroup_prog_attach) {
		int fd = sys_link_create(prog_fd, cg, type, 0);
		narrate(opts->say, "cgroup: BPF_LINK_CREATE prog '%s' cgroup %s (id %llu) attach type %s -> %s", p->name,
			opts->cgroup, (unsigned long long)id, secdef_attach_type_name(type), narrate_result(fd, rb));
		if (fd >= 0) {
			close(cg);
			a->link_fd = fd;
			a->how = "cgroup link";
			goto attached;
		}
		if (fd != -EINVAL) {
			close(cg);
			return diag_set(d, fd, "prog '%s': BPF_LINK_CREATE on cgroup %s as %s: %s", p->name, opts->cgroup,
					secdef_attach_type_name(type), sys_errno_name(fd));
		}
		/* Before 5.7 there is no BPF_LINK_CREATE at all, and the kernel says EINVAL. */
		narrate(opts->say, "cgroup: no cgroup links on this kernel (EINVAL); falling back to BPF_PROG_ATTACH");
	}
	/* ALLOW_MULTI: others' programs on this cgroup and hook stay and run too. */
	int err = sys_prog_attach(prog_fd, cg, type, BPF_F_ALLOW_MULTI);
	narrate(opts->say, "cgroup: BPF_PROG_ATTACH prog '%s' cgroup %s attach type %s flags BPF_F_ALLOW_MULTI -> %s",
		p->name, opts->cgroup, secdef_attach_type_name(type), narrate_result(err, rb));
	if (err) {
		close(cg);
		return diag_set(d, err, "prog '%s': BPF_PROG_ATTACH on cgroup %s as %s: %s", p->name, opts->cgroup,
				secdef_attach_type_name(type), sys_errno_name(err));
	}
	a->target_fd = cg; /* BPF_PROG_DETACH needs it */
	a->how = "BPF_PROG_ATTACH";

attached:
	snprintf(a->note, sizeof(a->note), "cgroup %s (%s), via %s", opts->cgroup, secdef_attach_type_name(type),
		 a->how);
	return 0;
}
