/* loader/attach/sockmap.c — sk_skb (stream_parser, stream_verdict, verdict) and sk_msg programs: they
 * attach to a sockmap or sockhash of the object (--map NAME, else the only one there is) and run
 * for the sockets in it, which something else puts there (a sockops program of the same object,
 * or user space). A sockmap link (BPF_LINK_CREATE on the map, kernel 6.10), else (or with
 * --prog-attach) BPF_PROG_ATTACH with the map as target, undone with BPF_PROG_DETACH at the end. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "loader/attach/attach.h"

static bool is_sock_map(uint32_t type)
{
	return type == BPF_MAP_TYPE_SOCKMAP || type == BPF_MAP_TYPE_SOCKHASH;
}

/* The map: the one --map names, else the object's only sockmap/sockhash. -1 with a's note set (and
 * a->state) when there is none to choose, or too many. */
static int pick_map(const struct obj *o, const struct attach_opts *opts, struct attachment *a)
{
	if (opts->map) {
		int m = obj_find_map(o, opts->map);
		if (m >= 0 && is_sock_map(o->maps[m].type))
			return m;
		attach_not(a, ATT_SKIPPED, "not attached: --map %s is %s", opts->map,
			   m < 0 ? "no map of the object" : "neither a sockmap nor a sockhash");
		return -1;
	}
	int found = -1, n = 0;
	for (uint32_t i = 0; i < o->nmaps; i++)
		if (is_sock_map(o->maps[i].type) && o->maps[i].origin != MAP_INNER) {
			found = found < 0 ? (int)i : found;
			n++;
		}
	if (n == 1)
		return found;
	attach_not(a, ATT_SKIPPED,
		   "not attached: %s", n ? "the object has several sockmaps/sockhashes (--map NAME chooses)"
		   : "the object has no sockmap or sockhash to attach to");
	return -1;
}

int attach_sockmap(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		   struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	uint32_t type = p->def->attach_type;
	int m = pick_map(o, opts, a);
	char rb[24];
	if (m < 0)
		return 0;
	const char *map = o->maps[m].name;
	int map_fd = l->map_fds[m], prog_fd = l->prog_fds[a->prog];
	if (map_fd < 0)
		return diag_set(d, -EBADF, "prog '%s': map '%s' was not created", p->name, map);

	int fd = -EOPNOTSUPP; /* --prog-attach: the older way even where links work */
	if (!opts->cgroup_prog_attach) {
		fd = sys_link_create(prog_fd, map_fd, type, 0);
		narrate(opts->say, "sockmap: BPF_LINK_CREATE prog '%s' map '%s' attach type %s -> %s", p->name, map,
			secdef_attach_type_name(type), narrate_result(fd, rb));
	}
	if (fd >= 0) {
		a->link_fd = fd;
		a->how = "sockmap link";
	} else if (fd == -EINVAL || fd == -EOPNOTSUPP) { /* before 6.10: no links on sockmaps */
		int err = sys_prog_attach(prog_fd, map_fd, type, 0);
		narrate(opts->say, "sockmap: BPF_PROG_ATTACH prog '%s' map '%s' attach type %s -> %s", p->name, map,
			secdef_attach_type_name(type), narrate_result(err, rb));
		if (err)
			return diag_set(d, err, "prog '%s': BPF_PROG_ATTACH to map '%s' as %s: %s", p->name, map,
					secdef_attach_type_name(type), sys_errno_name(err));
		a->target_fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 3); /* BPF_PROG_DETACH needs the map */
		if (a->target_fd < 0) {
			err = -errno;
			sys_prog_detach(prog_fd, map_fd, type);
			return diag_set(d, err, "prog '%s': dup of map '%s': %s", p->name, map, sys_errno_name(err));
		}
		a->how = "BPF_PROG_ATTACH";
	} else {
		return diag_set(d, fd, "prog '%s': BPF_LINK_CREATE on map '%s' as %s: %s", p->name, map,
				secdef_attach_type_name(type), sys_errno_name(fd));
	}
	snprintf(a->note, sizeof(a->note), "map %s (%s %s), via %s", map, obj_map_type_name(o->maps[m].type),
		 secdef_attach_type_name(type), a->how);
	return 0;
}
