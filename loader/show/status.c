/* loader/show/status.c — collecting `rawload status` (see status.h): the kernel's programs, maps
 * and links walked by id, each opened by id and described from its info; the interfaces' XDP state
 * by rtnetlink; what a bpffs directory holds. Objects come and go while we walk (other tools load
 * and unload): one that disappears between its id and its fd is skipped, never an error.
 * Doesn't own naming targets (status_names.c) or the output (status_render.c). */
#include "loader/show/status.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/sys.h"

/* Bounds: the id space is finite, but a machine churning objects must not keep us walking. */
enum { MAX_OBJECTS = 1 << 20, MAX_PINS = 4096, MAX_PIN_DEPTH = 16 };

static void prog_from_info(const struct bpf_prog_info *info, const uint32_t *map_ids, uint32_t nmaps,
			   struct status_prog *p)
{
	memset(p, 0, sizeof(*p));
	p->id = info->id;
	p->type = info->type;
	p->btf_id = info->btf_id;
	p->uid = info->created_by_uid;
	p->xlated_len = info->xlated_prog_len;
	p->jited_len = info->jited_prog_len;
	p->gpl = info->gpl_compatible;
	memcpy(p->name, info->name, sizeof(p->name) - 1);
	memcpy(p->tag, info->tag, sizeof(p->tag));
	p->nmap_ids = nmaps;
	memcpy(p->map_ids, map_ids, sizeof(uint32_t) * (nmaps < STATUS_PROG_MAPS ? nmaps : STATUS_PROG_MAPS));
}

static int describe_prog(int fd, struct status_prog *p)
{
	struct bpf_prog_info info;
	uint32_t ids[STATUS_PROG_MAPS], n = 0;
	int err = info_prog(fd, &info, ids, STATUS_PROG_MAPS, &n);
	if (!err)
		prog_from_info(&info, ids, n, p);
	return err;
}

static int describe_map(int fd, struct status_map *m)
{
	struct bpf_map_info info;
	int err = info_map(fd, &info);
	if (err)
		return err;
	memset(m, 0, sizeof(*m));
	m->id = info.id;
	m->type = info.type;
	m->key_size = info.key_size;
	m->value_size = info.value_size;
	m->max_entries = info.max_entries;
	m->flags = info.map_flags;
	m->btf_id = info.btf_id;
	memcpy(m->name, info.name, sizeof(m->name) - 1);
	return 0;
}

static int describe_link(int fd, struct status_link *l)
{
	memset(l, 0, sizeof(*l));
	return info_link(fd, &l->l);
}

/* A growable array of n elements of size sz: room for one more, or NULL. */
static void *grow(void *arr, uint32_t n, uint32_t *cap, size_t sz)
{
	if (n < *cap)
		return arr;
	uint32_t ncap = *cap ? *cap * 2 : 16;
	void *p = realloc(arr, (size_t)ncap * sz);
	if (p)
		*cap = ncap;
	return p;
}

/* One kind of object walked by id. */
struct walk {
	const char *what;                             /* "program", "map", "link" */
	const char *cmd;                              /* the GET_NEXT_ID command, for messages */
	int (*next)(uint32_t start, uint32_t *next);
	int (*fd_by_id)(uint32_t id);
	size_t size;                                  /* element size */
	int (*describe)(int fd, void *elem);
	const char *absent;                           /* what an EINVAL on the first call means (the
	                                               * kernel lacks the command), or NULL */
};

static int describe_prog_v(int fd, void *e) { return describe_prog(fd, e); }
static int describe_map_v(int fd, void *e) { return describe_map(fd, e); }
static int describe_link_v(int fd, void *e) { return describe_link(fd, e); }

static int walk_ids(const struct walk *w, void **arr, uint32_t *n, const struct narrator *say, struct diag *d)
{
	uint32_t id = 0, cap = 0, gone = 0;
	for (uint32_t steps = 0; steps < MAX_OBJECTS; steps++) {
		int err = w->next(id, &id);
		if (err == -ENOENT)
			break;
		if (err == -EPERM)
			return diag_set(d, err, "status: listing BPF objects needs CAP_SYS_ADMIN (%s: EPERM)", w->cmd);
		if (err == -EINVAL && steps == 0 && w->absent) {
			narrate(say, "status: %s: EINVAL: %s", w->cmd, w->absent);
			return 0;
		}
		if (err)
			return diag_set(d, err, "status: %s after id %u: %s", w->cmd, id, sys_errno_name(err));
		int fd = w->fd_by_id(id);
		if (fd < 0) {
			/* Gone between the two calls (ENOENT), or not ours to open. */
			narrate(say, "status: %s %u: cannot open it by id (%s): skipped", w->what, id, sys_errno_name(fd));
			gone++;
			continue;
		}
		void *p = grow(*arr, *n, &cap, w->size);
		if (!p) {
			close(fd);
			return diag_set(d, -ENOMEM, "status: out of memory");
		}
		*arr = p;
		err = w->describe(fd, (char *)*arr + (size_t)*n * w->size);
		close(fd);
		if (err) {
			narrate(say, "status: %s %u: no info (%s): skipped", w->what, id, sys_errno_name(err));
			gone++;
			continue;
		}
		(*n)++;
	}
	narrate(say, "status: %u %ss%s", *n, w->what, gone ? " (some went away while listed)" : "");
	return 0;
}

struct iface_list {
	struct nl_iface *a;
	uint32_t n, cap;
};

static int add_iface(void *ctx, const struct nl_iface *iface)
{
	struct iface_list *l = ctx;
	if (l->n >= MAX_OBJECTS)
		return 0;
	struct nl_iface *p = grow(l->a, l->n, &l->cap, sizeof(*p));
	if (!p)
		return -ENOMEM;
	l->a = p;
	l->a[l->n++] = *iface;
	return 0;
}

int status_collect(struct status *st, const struct narrator *say, struct diag *d)
{
	static const struct walk progs = {"program", "BPF_PROG_GET_NEXT_ID", sys_prog_next_id, sys_prog_fd_by_id,
					  sizeof(struct status_prog), describe_prog_v, NULL};
	static const struct walk maps = {"map", "BPF_MAP_GET_NEXT_ID", sys_map_next_id, sys_map_fd_by_id,
					 sizeof(struct status_map), describe_map_v, NULL};
	static const struct walk links = {"link", "BPF_LINK_GET_NEXT_ID", sys_link_next_id, sys_link_fd_by_id,
					  sizeof(struct status_link), describe_link_v,
					  "this kernel has no bpf links (before 5.8)"};
	memset(st, 0, sizeof(*st));
	int err = walk_ids(&progs, (void **)&st->progs, &st->nprogs, say, d);
	if (!err)
		err = walk_ids(&maps, (void **)&st->maps, &st->nmaps, say, d);
	if (!err)
		err = walk_ids(&links, (void **)&st->links, &st->nlinks, say, d);
	if (err) {
		status_close(st);
		return err;
	}

	/* The interfaces: their XDP programs, and names for the links' ifindexes. A failed dump is
	 * said in the output; the rest stands. */
	struct iface_list ifs = {0};
	struct diag nd = {{0}};
	int nerr = nl_iface_dump(add_iface, &ifs, &nd);
	if (nerr) {
		memcpy(st->netlink_error, nd.msg, sizeof(st->netlink_error));
		narrate(say, "status: %s", nd.msg);
	}
	status_name_links(st->links, st->nlinks, nerr ? NULL : ifs.a, nerr ? 0 : ifs.n, say);
	for (uint32_t i = 0; !nerr && i < ifs.n; i++)
		if (ifs.a[i].xdp.mode != 0 || ifs.a[i].xdp.prog_id)
			ifs.a[st->nxdp++] = ifs.a[i];
	if (!nerr)
		narrate(say, "status: %u interfaces, %u with an XDP program", ifs.n, st->nxdp);
	st->xdp = ifs.a;
	if (nerr) {
		free(ifs.a);
		st->xdp = NULL;
	}
	return 0;
}

/* ---- a pin directory ---------------------------------------------------------------------- */

struct pin_walk {
	struct status *st;
	uint32_t cap;
	const struct narrator *say;
	char path[4096];
};

/* Opens the pin read-only where the kernel allows it (maps), else read-write (programs and links
 * are only handed out that way); either way nothing is changed through the fd. */
static int open_pin(const char *path)
{
	int fd = sys_obj_get(path, BPF_F_RDONLY);
	if (fd == -EINVAL)
		fd = sys_obj_get(path, 0);
	return fd;
}

static int add_pin(struct pin_walk *w)
{
	struct status *st = w->st;
	if (st->npins >= MAX_PINS) {
		st->pins_cut = true;
		return 0;
	}
	struct status_pin *p = grow(st->pins, st->npins, &w->cap, sizeof(*p));
	if (!p)
		return -ENOMEM;
	st->pins = p;
	p = &st->pins[st->npins];
	memset(p, 0, sizeof(*p));
	p->path = strdup(w->path);
	if (!p->path)
		return -ENOMEM;
	st->npins++;
	int fd = open_pin(w->path);
	if (fd < 0) {
		p->err = fd;
		narrate(w->say, "status: %s: BPF_OBJ_GET: %s", w->path, sys_errno_name(fd));
		return 0;
	}
	p->kind = info_fd_kind(fd);
	switch (p->kind) {
	case INFO_FD_PROG: p->err = describe_prog(fd, &p->prog); break;
	case INFO_FD_MAP: p->err = describe_map(fd, &p->map); break;
	case INFO_FD_LINK: p->err = describe_link(fd, &p->link); break;
	default: p->err = -ENOTSUP; break;
	}
	close(fd);
	narrate(w->say, "status: %s: %s%s%s", w->path, info_fd_kind_name(p->kind), p->err ? ", " : "",
		p->err ? sys_errno_name(p->err) : "");
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of w->path (sorted, so the listing is stable), files as pins, directories walked. */
static int walk_dir(struct pin_walk *w, int depth)
{
	if (depth > MAX_PIN_DEPTH) {
		w->st->pins_cut = true;
		return 0;
	}
	DIR *dp = opendir(w->path);
	if (!dp)
		return -errno;
	char **names = NULL;
	uint32_t n = 0, cap = 0;
	int err = 0;
	struct dirent *e;
	while ((e = readdir(dp)) && n < MAX_PINS) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char **p = grow(names, n, &cap, sizeof(*names));
		if (!p || !(p[n] = strdup(e->d_name))) {
			names = p ? p : names;
			err = -ENOMEM;
			break;
		}
		names = p;
		n++;
	}
	closedir(dp);
	if (!err)
		qsort(names, n, sizeof(*names), compare_names);
	size_t base = strlen(w->path);
	for (uint32_t i = 0; !err && i < n && !w->st->pins_cut; i++) {
		if (base + 1 + strlen(names[i]) + 1 > sizeof(w->path)) {
			w->st->pins_cut = true;
			break;
		}
		w->path[base] = '/';
		strcpy(w->path + base + 1, names[i]);
		struct stat sb;
		if (lstat(w->path, &sb) < 0)
			continue; /* removed meanwhile */
		if (S_ISDIR(sb.st_mode))
			err = walk_dir(w, depth + 1);
		else if (S_ISREG(sb.st_mode))
			err = add_pin(w);
		w->path[base] = '\0';
	}
	w->path[base] = '\0';
	for (uint32_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

int status_collect_pins(struct status *st, const char *dir, const struct narrator *say, struct diag *d)
{
	memset(st, 0, sizeof(*st));
	st->pin_listing = true;
	struct stat sb;
	if (stat(dir, &sb) < 0)
		return diag_set(d, -errno, "status: %s: %s", dir, sys_errno_name(-errno));
	if (fs_is_bpffs(dir) != 1)
		return diag_set(d, -EINVAL, "status: %s is not on a bpffs", dir);
	struct pin_walk *w = calloc(1, sizeof(*w));
	if (!w)
		return diag_set(d, -ENOMEM, "status: out of memory");
	w->st = st;
	w->say = say;
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len + 1 > sizeof(w->path)) {
		free(w);
		return diag_set(d, -ENAMETOOLONG, "status: %s: path too long", dir);
	}
	memcpy(w->path, dir, len);
	w->path[len] = '\0';
	int err = S_ISDIR(sb.st_mode) ? walk_dir(w, 0) : add_pin(w);
	free(w);
	if (err) {
		status_close(st);
		return diag_set(d, err, "status: %s: cannot read it (%s)", dir, sys_errno_name(err));
	}

	/* Name the targets of the pinned links as the global listing does: in one pass (one walk of
	 * the cgroup tree), over a copy of the links, whose names then go back to their pins. */
	uint32_t nlinks = 0;
	for (uint32_t i = 0; i < st->npins; i++)
		nlinks += st->pins[i].kind == INFO_FD_LINK && !st->pins[i].err;
	if (!nlinks)
		return 0;
	struct status_link *links = calloc(nlinks, sizeof(*links));
	if (!links) {
		status_close(st);
		return diag_set(d, -ENOMEM, "status: out of memory");
	}
	for (uint32_t i = 0, k = 0; i < st->npins; i++)
		if (st->pins[i].kind == INFO_FD_LINK && !st->pins[i].err)
			links[k++] = st->pins[i].link;
	struct iface_list ifs = {0};
	struct diag nd = {{0}};
	int nerr = nl_iface_dump(add_iface, &ifs, &nd);
	if (nerr)
		narrate(say, "status: %s", nd.msg);
	status_name_links(links, nlinks, nerr ? NULL : ifs.a, nerr ? 0 : ifs.n, say);
	for (uint32_t i = 0, k = 0; i < st->npins; i++)
		if (st->pins[i].kind == INFO_FD_LINK && !st->pins[i].err)
			st->pins[i].link = links[k++];
	free(links);
	free(ifs.a);
	return 0;
}

void status_close(struct status *st)
{
	for (uint32_t i = 0; i < st->nlinks; i++)
		free(st->links[i].target);
	for (uint32_t i = 0; i < st->npins; i++) {
		if (st->pins[i].kind == INFO_FD_LINK)
			free(st->pins[i].link.target);
		free(st->pins[i].path);
	}
	free(st->progs);
	free(st->maps);
	free(st->links);
	free(st->xdp);
	free(st->pins);
	memset(st, 0, sizeof(*st));
}
