/* tests/soak/soak.c — load/attach/detach cycles in one process, with rawload's own functions:
 *   soak IFNAME CYCLES OBJECT
 * CYCLES times on the bpf_link path, then CYCLES times on the netlink path: parse OBJECT, load it,
 * attach its XDP program to IFNAME, check the interface runs exactly that program, detach, close
 * everything, check the interface runs nothing. Every kernel object a cycle made (programs, maps,
 * rawload's mark map, links) is noted by id. At the end: the process holds the fds it started with,
 * its resident memory has not grown past the first cycles' by more than 512 kB, and none of the
 * noted ids exists any more (the kernel frees some after a grace period: up to 10 s are allowed).
 * Prints one line per path and one verdict; exit 0 when everything held. Run by
 * tests/kernel/soak.sh inside a network namespace of its own, as root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bpf/netlink.h"
#include "bpf/sys.h"
#include "loader/attach/attach.h"
#include "loader/load/load.h"
#include "loader/obj/obj.h"

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = -1; /* the directory's own fd */
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2; /* . and .. */
}

static long rss_kb(void)
{
	char line[128];
	long kb = 0;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

enum { ID_PROG, ID_MAP, ID_LINK };
struct ids {
	struct { uint32_t kind, id; } *v;
	size_t n, cap;
};

static void note(struct ids *s, uint32_t kind, uint32_t id)
{
	if (!id)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		void *p = realloc(s->v, cap * sizeof(*s->v));
		if (!p) {
			fprintf(stderr, "soak: out of memory\n");
			exit(1);
		}
		s->v = p;
		s->cap = cap;
	}
	s->v[s->n].kind = kind;
	s->v[s->n++].id = id;
}

static uint32_t info_id(int fd)
{
	struct bpf_map_info info; /* map, link and program infos all start with type, id */
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	return sys_obj_info(fd, &info, &len) == 0 ? info.id : 0;
}

/* Does an object of this kind and id still exist? */
static bool exists(uint32_t kind, uint32_t id)
{
	int fd = kind == ID_PROG ? sys_prog_fd_by_id(id) : kind == ID_MAP ? sys_map_fd_by_id(id) : sys_link_fd_by_id(id);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	return fd != -ENOENT;
}

static int cycle(const uint8_t *bytes, size_t len, const char *path, int ifindex, const char *ifname, bool netlink,
		 struct ids *ids, char *why, size_t n)
{
	struct obj o;
	struct loaded l;
	struct attach_set set = {0};
	struct diag d = {{0}};
	int err = obj_parse(&o, path, bytes, len, &d);
	if (err) {
		snprintf(why, n, "parse: %s", d.msg);
		return err;
	}
	err = load_object(&o, NULL, &l, &d);
	if (err) {
		snprintf(why, n, "load: %s", d.msg);
		obj_close(&o);
		return err;
	}
	struct attach_opts ao = {.ifindex = ifindex, .ifname = ifname, .force_netlink = netlink};
	err = attach_all(&o, &l, &ao, &set, &d);
	if (err) {
		snprintf(why, n, "attach: %s", d.msg);
		goto out;
	}
	uint32_t prog_id = sys_prog_id(l.prog_fds[0]);
	note(ids, ID_PROG, prog_id);
	for (uint32_t i = 0; i < o.nmaps; i++)
		if (l.map_fds[i] >= 0)
			note(ids, ID_MAP, info_id(l.map_fds[i]));
	uint32_t map_ids[16], nm = 16;
	if (sys_prog_map_ids(l.prog_fds[0], map_ids, &nm) == 0) /* rawload's mark too (netlink) */
		for (uint32_t i = 0; i < nm && i < 16; i++)
			note(ids, ID_MAP, map_ids[i]);
	for (uint32_t i = 0; i < set.n; i++)
		if (set.a[i].link_fd >= 0)
			note(ids, ID_LINK, info_id(set.a[i].link_fd));
	struct nl_xdp_state st;
	if (nl_xdp_query(ifindex, &st, &d) || !nl_xdp_holds(&st, prog_id) || (set.n && strcmp(set.a[0].how, netlink ? "netlink" : "bpf_link"))) {
		snprintf(why, n, "%s does not run program %u %s (%s)", ifname, prog_id, netlink ? "through netlink" : "by a link",
			 d.msg);
		err = -EIO;
	}
	attach_close(&o, &l, &set, NULL);
	if (!err && (nl_xdp_query(ifindex, &st, &d) || st.mode != XDP_ATTACHED_NONE)) {
		snprintf(why, n, "%s still runs an XDP program after the detach", ifname);
		err = -EIO;
	}
out:
	load_close(&l);
	obj_close(&o);
	return err;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: soak IFNAME CYCLES OBJECT\n");
		return 2;
	}
	const char *ifname = argv[1], *path = argv[3];
	int ifindex = (int)if_nametoindex(ifname), cycles = atoi(argv[2]);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (!ifindex || cycles < 20 || fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "soak: bad interface, cycle count or object\n");
		return 2;
	}
	uint8_t *bytes = malloc((size_t)st.st_size);
	if (!bytes || read(fd, bytes, (size_t)st.st_size) != st.st_size) {
		fprintf(stderr, "soak: cannot read %s\n", path);
		return 2;
	}
	close(fd);

	/* The soak's own notes, allocated and touched before the first measurement so that they do not
	 * count as rawload's growth (8 ids a cycle at most). */
	struct ids ids = {calloc((size_t)cycles * 2 * 8, sizeof(*ids.v)), 0, (size_t)cycles * 2 * 8};
	if (!ids.v) {
		fprintf(stderr, "soak: out of memory\n");
		return 2;
	}
	memset(ids.v, 0xff, ids.cap * sizeof(*ids.v));
	int fds0 = count_fds(), failed = 0;
	long rss0 = 0, rss_peak = 0;
	char why[600];
	for (int path_i = 0; path_i < 2 && !failed; path_i++) {
		bool netlink = path_i == 1;
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		size_t ids_before = ids.n;
		for (int c = 0; c < cycles; c++) {
			if (cycle(bytes, (size_t)st.st_size, path, ifindex, ifname, netlink, &ids, why, sizeof(why))) {
				printf("soak: FAIL: %s cycle %d: %s\n", netlink ? "netlink" : "bpf_link", c, why);
				failed = 1;
				break;
			}
			long rss = rss_kb();
			if (path_i == 0 && c == 10)
				rss0 = rss; /* after the allocator and the caches settled */
			if (rss > rss_peak)
				rss_peak = rss;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (!failed)
			printf("soak: %s: %d cycles in %.1f s, %zu kernel objects made; fds %d (at the start %d), RSS %ld kB (after 10 cycles %ld kB)\n",
			       netlink ? "netlink" : "bpf_link", cycles, secs, ids.n - ids_before, count_fds(), fds0, rss_kb(), rss0);
	}
	int fds1 = count_fds();
	if (!failed && fds1 != fds0) {
		printf("soak: FAIL: %d fds open at the end, %d at the start\n", fds1, fds0);
		failed = 1;
	}
	if (!failed && rss_peak - rss0 > 512) {
		printf("soak: FAIL: resident memory grew by %ld kB after the first 10 cycles\n", rss_peak - rss0);
		failed = 1;
	}
	/* Every object the soak made is gone, once the kernel's deferred frees have run. */
	size_t left = ids.n;
	for (int tries = 0; tries < 100 && left; tries++) {
		left = 0;
		for (size_t i = 0; i < ids.n; i++)
			if (ids.v[i].id && exists(ids.v[i].kind, ids.v[i].id))
				left++;
			else
				ids.v[i].id = 0;
		if (left)
			usleep(100000);
	}
	if (left) {
		static const char *const kinds[] = {"program", "map", "link"};
		for (size_t i = 0; i < ids.n; i++)
			if (ids.v[i].id) {
				printf("soak: FAIL: %zu of the soak's kernel objects still exist, e.g. %s id %u\n", left,
				       kinds[ids.v[i].kind], ids.v[i].id);
				break;
			}
		failed = 1;
	}
	if (!failed)
		printf("soak: ok: %d cycles on each path; %zu programs, maps and links made, none left; fds %d -> %d; RSS growth %ld kB\n",
		       cycles, ids.n, fds0, fds1, rss_peak - rss0);
	free(ids.v);
	free(bytes);
	return failed;
}
