/* loader/show/pinned.c — `rawload show PATH` (see pinned.h): pins found, each map opened and
 * described from its kernel info, its BTF fetched once per BTF object and parsed, then one map view
 * per map handed to the display (show_views), the same renderer the main command uses.
 * Doesn't own rendering (map.c, btf/render.c) or the display loop (show.c). */
#include "loader/show/pinned.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/info.h"
#include "bpf/sys.h"
#include "btf/btf.h"
#include "loader/obj/obj.h"

enum {
	MAX_MAPS = 1024,                 /* maps shown from one directory */
	MAX_DEPTH = 16,                  /* directory levels walked */
	MAX_BTF_SIZE = 64 << 20,         /* a BTF object larger than this is not read (vmlinux: ~6 MB) */
};

/* One BTF object of the kernel, read and parsed (or why not). */
struct kbtf {
	uint32_t id;
	struct info_btf raw;
	struct btf_spec spec;
	bool ok;
};

struct pinned {
	const struct show_opts *opts;
	const struct narrator *note;
	struct show_map_view *views;
	char **names;                     /* per view, owned */
	uint32_t n;
	struct kbtf *btfs;
	uint32_t nbtfs;
	size_t root_len;                  /* of the directory given: names are relative to it */
	char path[4096];
};

/* The BTF object id, read and parsed once; NULL when it cannot be used (the note says why). */
static const struct btf_spec *kernel_btf(struct pinned *p, uint32_t id, const char *map)
{
	for (uint32_t i = 0; i < p->nbtfs; i++)
		if (p->btfs[i].id == id)
			return p->btfs[i].ok ? &p->btfs[i].spec : NULL;
	struct kbtf *b = realloc(p->btfs, (p->nbtfs + 1) * sizeof(*b));
	if (!b)
		return NULL;
	p->btfs = b;
	b = &p->btfs[p->nbtfs++];
	memset(b, 0, sizeof(*b));
	b->id = id;
	int fd = sys_btf_fd_by_id(id);
	if (fd < 0) {
		narrate(p->note, "%s: its BTF (id %u) cannot be opened (%s): values shown without types", map, id,
			sys_errno_name(fd));
		return NULL;
	}
	int err = info_btf(fd, MAX_BTF_SIZE, &b->raw);
	close(fd);
	if (err) {
		narrate(p->note, "%s: its BTF (id %u) cannot be read (%s): values shown without types", map, id,
			sys_errno_name(err));
		return NULL;
	}
	/* A module's BTF is split: its ids continue vmlinux's, which it does not carry. */
	if (b->raw.kernel && strcmp(b->raw.name, "vmlinux") != 0) {
		narrate(p->note, "%s: its BTF (id %u) is split BTF of kernel module '%s': not supported, values shown "
			"without types", map, id, b->raw.name);
		return NULL;
	}
	struct diag d = {{0}};
	err = btf_parse(&b->spec, b->raw.data, b->raw.size, false, &d);
	if (err) {
		narrate(p->note, "%s: its BTF (id %u) does not parse (%s): values shown without types", map, id, d.msg);
		return NULL;
	}
	b->ok = true;
	narrate(p->opts->say, "show: BTF id %u%s%s: %u bytes, %u types", id, b->raw.name[0] ? " " : "", b->raw.name,
		b->raw.size, b->spec.nr_types);
	return &b->spec;
}

/* The pin at p->path, when it is a map: one view more. */
static int add_map(struct pinned *p, bool named_by_user)
{
	const char *name = named_by_user ? strrchr(p->path, '/') : p->path + p->root_len;
	name = name ? name + (*name == '/') : p->path;
	if (p->n >= MAX_MAPS) {
		narrate(p->note, "%s: not shown: more than %d maps", p->path, MAX_MAPS);
		return 0;
	}
	int fd = sys_obj_get(p->path, 0);
	if (fd == -EACCES || fd == -EPERM)
		fd = sys_obj_get(p->path, BPF_F_RDONLY); /* a read-only pin (ring buffers then cannot be read) */
	if (fd < 0) {
		if (named_by_user)
			return fd;
		narrate(p->note, "%s: cannot open it (%s): skipped", p->path, sys_errno_name(fd));
		return 0;
	}
	enum info_fd_kind kind = info_fd_kind(fd);
	struct bpf_map_info info;
	int err = kind == INFO_FD_MAP ? info_map(fd, &info) : -ENOTSUP;
	if (err) {
		close(fd);
		if (kind == INFO_FD_UNKNOWN)
			narrate(p->note, "%s: cannot tell what it is (is /proc mounted?): skipped", p->path);
		else if (kind != INFO_FD_MAP)
			narrate(named_by_user ? p->note : p->opts->say, "%s: a pinned %s, not a map: skipped", p->path,
				info_fd_kind_name(kind));
		else
			narrate(p->note, "%s: no map info (%s): skipped", p->path, sys_errno_name(err));
		return named_by_user ? -EINVAL : 0;
	}
	if (info.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		/* Following one means putting our own perf events into its slots: that would take the
		 * records from the program's owner. */
		narrate(p->note, "%s: a perf event array: not shown (reading it would replace its owner's perf buffers)",
			p->path);
		close(fd);
		return named_by_user ? -EOPNOTSUPP : 0;
	}
	char *owned = strdup(name);
	struct show_map_view *v = realloc(p->views, (p->n + 1) * sizeof(*v));
	char **names = v ? realloc(p->names, (p->n + 1) * sizeof(*names)) : NULL;
	if (v)
		p->views = v;
	if (names)
		p->names = names;
	if (!owned || !v || !names) {
		free(owned);
		close(fd);
		return -ENOMEM;
	}
	p->names[p->n] = owned;
	v = &p->views[p->n++];
	*v = (struct show_map_view){.name = owned, .fd = fd, .type = info.type, .key_size = info.key_size,
				    .value_size = info.value_size, .max_entries = info.max_entries};
	if (info.btf_id) {
		v->btf = kernel_btf(p, info.btf_id, owned);
		if (v->btf) {
			v->btf_key = info.btf_key_type_id;
			v->btf_value = info.btf_value_type_id;
		}
	}
	narrate(p->opts->say, "show: %s: map id %u '%s', %s, key %u, value %u, max %u, BTF id %u%s", p->path, info.id,
		info.name, obj_map_type_name(info.type), info.key_size, info.value_size, info.max_entries, info.btf_id,
		info.btf_id && !v->btf ? " (not used)" : "");
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Maps under p->path, in name order, recursively. */
static int walk(struct pinned *p, int depth)
{
	if (depth > MAX_DEPTH) {
		narrate(p->note, "%s: not walked: deeper than %d levels", p->path, MAX_DEPTH);
		return 0;
	}
	DIR *dp = opendir(p->path);
	if (!dp)
		return -errno;
	char **names = NULL;
	uint32_t n = 0;
	int err = 0;
	struct dirent *e;
	while ((e = readdir(dp)) && n < 4 * MAX_MAPS) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char **q = realloc(names, (n + 1) * sizeof(*names));
		if (!q || !(q[n] = strdup(e->d_name))) {
			names = q ? q : names;
			err = -ENOMEM;
			break;
		}
		names = q;
		n++;
	}
	closedir(dp);
	if (!err && n)
		qsort(names, n, sizeof(*names), compare_names);
	size_t base = strlen(p->path);
	for (uint32_t i = 0; !err && i < n; i++) {
		if (base + 1 + strlen(names[i]) + 1 > sizeof(p->path))
			continue;
		p->path[base] = '/';
		strcpy(p->path + base + 1, names[i]);
		struct stat sb;
		if (lstat(p->path, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				err = walk(p, depth + 1);
			else if (S_ISREG(sb.st_mode))
				err = add_map(p, false);
		}
		p->path[base] = '\0';
	}
	for (uint32_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

static void close_pinned(struct pinned *p)
{
	for (uint32_t i = 0; i < p->n; i++) {
		close(p->views[i].fd);
		free(p->names[i]);
	}
	for (uint32_t i = 0; i < p->nbtfs; i++) {
		if (p->btfs[i].ok)
			btf_close(&p->btfs[i].spec);
		free(p->btfs[i].raw.data);
	}
	free(p->views);
	free(p->names);
	free(p->btfs);
	free(p);
}

int show_pinned(const char *path, const struct show_opts *opts, const struct narrator *note,
		volatile sig_atomic_t *stop, struct diag *d)
{
	struct stat sb;
	if (stat(path, &sb) < 0)
		return diag_set(d, -errno, "show: %s: %s", path, sys_errno_name(-errno));
	if (fs_is_bpffs(path) != 1)
		return diag_set(d, -EINVAL, "show: %s is not on a bpffs (pinned maps live there)", path);
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	struct pinned *p = calloc(1, sizeof(*p));
	if (!p)
		return diag_set(d, -ENOMEM, "show: out of memory");
	if (len + 1 > sizeof(p->path)) {
		free(p);
		return diag_set(d, -ENAMETOOLONG, "show: %s: path too long", path);
	}
	p->opts = opts;
	p->note = note;
	memcpy(p->path, path, len);
	p->path[len] = '\0';
	p->root_len = len;
	int err;
	if (S_ISDIR(sb.st_mode)) {
		err = walk(p, 0);
		if (err)
			err = diag_set(d, err, "show: %s: cannot read it (%s)", path, sys_errno_name(err));
		else if (!p->n)
			err = diag_set(d, -ENOENT, "show: no pinned map under %s", path);
	} else {
		err = add_map(p, true);
		if (err == -EINVAL || err == -EOPNOTSUPP)
			err = diag_set(d, err, "show: %s: not a map that can be shown", path);
		else if (err)
			err = diag_set(d, err, "show: %s: cannot open it (%s)", path, sys_errno_name(err));
	}
	if (!err)
		err = show_views(p->views, p->n, NULL, 0, opts, stop, d);
	close_pinned(p);
	return err;
}
