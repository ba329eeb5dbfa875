/* loader/show/status_names.c — names for the numbers links report (see status.h): an ifindex is a
 * name only when the interface of that index in this network namespace is seen holding the link
 * (ifindexes are per namespace: a veth in another namespace may share its index with one of ours);
 * a cgroup id is the inode number of the cgroup's directory on cgroup2, found by a bounded walk of
 * the mount; a network namespace inode is this process's or one under /run/netns. What is not
 * found keeps its number and a reason. */
#include "loader/show/status.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/sys.h"

enum {
	CGROUP_MAX_DIRS = 100000, /* directories a cgroup walk visits at most */
	CGROUP_MAX_DEPTH = 32,
	NETNS_MAX_ENTRIES = 4096,
	MPROG_MAX_LINKS = 64,
};

const char *status_link_type_name(uint32_t type)
{
	/* libbpf's names (libbpf_bpf_link_type_str), which bpftool prints. */
	static const char *const names[] = {
		"unspec", "raw_tracepoint", "tracing", "cgroup", "iter", "netns", "xdp", "perf_event",
		"kprobe_multi", "struct_ops", "netfilter", "tcx", "uprobe_multi", "netkit", "sockmap",
	};
	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "";
}

static const struct nl_iface *find_iface(const struct nl_iface *ifaces, uint32_t n, uint32_t ifindex)
{
	for (uint32_t i = 0; i < n; i++)
		if ((uint32_t)ifaces[i].ifindex == ifindex)
			return &ifaces[i];
	return NULL;
}

/* Does the tcx or netkit hook of ifindex (in this namespace) hold link_id? */
static bool mprog_holds(uint32_t ifindex, uint32_t attach_type, uint32_t link_id)
{
	uint32_t ids[MPROG_MAX_LINKS], count = 0;
	if (info_query_links((int)ifindex, attach_type, ids, MPROG_MAX_LINKS, &count))
		return false;
	for (uint32_t i = 0; i < count && i < MPROG_MAX_LINKS; i++)
		if (ids[i] == link_id)
			return true;
	return false;
}

static void name_iface(struct status_link *l, const struct nl_iface *ifaces, uint32_t nifaces)
{
	const struct info_link *k = &l->l;
	if (k->ifindex == 0) {
		l->unnamed = "detached (its interface is gone)";
		return;
	}
	if (!ifaces) {
		l->unnamed = "interfaces could not be listed";
		return;
	}
	const struct nl_iface *it = find_iface(ifaces, nifaces, k->ifindex);
	bool same = false;
	if (it && k->type == BPF_LINK_TYPE_XDP)
		same = nl_xdp_holds(&it->xdp, k->prog_id);
	else if (it) /* tcx and netkit: multi-program hooks BPF_PROG_QUERY lists with their links */
		same = mprog_holds(k->ifindex, k->attach_type, k->id);
	if (!same) {
		l->unnamed = "not an interface of this network namespace";
		return;
	}
	l->target = strdup(it->name);
}

/* ---- cgroups --------------------------------------------------------------------------------- */

struct cgroup_walk {
	struct status_link **want; /* cgroup links still unnamed */
	uint32_t nwant, found, dirs;
	char path[4096];
};

static void cgroup_visit(struct cgroup_walk *w, int depth)
{
	struct stat sb;
	if (w->found == w->nwant || w->dirs >= CGROUP_MAX_DIRS || stat(w->path, &sb) < 0)
		return;
	w->dirs++;
	for (uint32_t i = 0; i < w->nwant; i++) {
		struct status_link *l = w->want[i];
		if (!l->target && l->l.cgroup_id == (uint64_t)sb.st_ino) {
			l->target = strdup(w->path);
			w->found++;
		}
	}
	if (depth >= CGROUP_MAX_DEPTH)
		return;
	DIR *dp = opendir(w->path);
	if (!dp)
		return;
	size_t base = strlen(w->path);
	struct dirent *e;
	while (w->found < w->nwant && w->dirs < CGROUP_MAX_DIRS && (e = readdir(dp))) {
		if ((e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (base + 1 + strlen(e->d_name) + 1 > sizeof(w->path))
			continue;
		w->path[base] = '/';
		strcpy(w->path + base + 1, e->d_name);
		cgroup_visit(w, depth + 1);
		w->path[base] = '\0';
	}
	closedir(dp);
}

static void name_cgroups(struct status_link *links, uint32_t n, const struct narrator *say)
{
	struct cgroup_walk *w = calloc(1, sizeof(*w));
	uint32_t nwant = 0;
	for (uint32_t i = 0; i < n; i++)
		nwant += links[i].l.type == BPF_LINK_TYPE_CGROUP;
	if (!w || !nwant || !(w->want = calloc(nwant, sizeof(*w->want)))) {
		free(w);
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		if (links[i].l.type == BPF_LINK_TYPE_CGROUP)
			w->want[w->nwant++] = &links[i];
	struct diag d = {{0}};
	if (fs_cgroup2_find(w->path, sizeof(w->path), &d) == 0) {
		cgroup_visit(w, 0);
		narrate(say, "status: cgroup walk: %u directories, %u of %u cgroups named", w->dirs, w->found, w->nwant);
	} else {
		narrate(say, "status: %s: cgroups shown by id", d.msg);
	}
	for (uint32_t i = 0; i < w->nwant; i++)
		if (!w->want[i]->target)
			w->want[i]->unnamed = w->dirs >= CGROUP_MAX_DIRS ? "not found (cgroup walk cut)"
					    : "not found under the cgroup2 mount";
	free(w->want);
	free(w);
}

/* ---- network namespaces ---------------------------------------------------------------------- */

static void name_netns(struct status_link *l)
{
	struct stat sb;
	if (stat("/proc/self/ns/net", &sb) == 0 && (uint64_t)sb.st_ino == l->l.netns_ino) {
		l->target = strdup("this network namespace");
		return;
	}
	static const char dir[] = "/run/netns";
	DIR *dp = opendir(dir);
	struct dirent *e;
	char path[512];
	for (int i = 0; dp && i < NETNS_MAX_ENTRIES && (e = readdir(dp)); i++) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &sb) == 0 && (uint64_t)sb.st_ino == l->l.netns_ino) {
			l->target = strdup(path);
			break;
		}
	}
	if (dp)
		closedir(dp);
	if (!l->target)
		l->unnamed = "neither this network namespace nor one under /run/netns";
}

void status_name_links(struct status_link *links, uint32_t n, const struct nl_iface *ifaces, uint32_t nifaces,
		       const struct narrator *say)
{
	for (uint32_t i = 0; i < n; i++) {
		struct status_link *l = &links[i];
		switch (l->l.type) {
		case BPF_LINK_TYPE_XDP:
		case INFO_LINK_TCX:
		case INFO_LINK_NETKIT:
			name_iface(l, ifaces, nifaces);
			break;
		case BPF_LINK_TYPE_NETNS:
			name_netns(l);
			break;
		default:
			break;
		}
	}
	name_cgroups(links, n, say);
}
