/* loader/load/pin.c — the pin pass of the load (see load.h): maps pinned by name where they are
 * declared so, and with --pin DIR the maps and programs under DIR; all or nothing. */
#include "loader/load/load_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/sys.h"

/* Pins made by this run, so a failure can take them back: a list grown as pins are made (most
 * loads make none, and then allocate nothing). */
struct pins {
	char **path;                   /* owned, each owned */
	uint32_t n, cap;
};

static int pin_at(struct pins *made, int fd, const char *path, const struct load_opts *opts, struct diag *d)
{
	if (made->n == made->cap) {
		uint32_t cap = made->cap ? 2 * made->cap : 8;
		char **p = realloc(made->path, cap * sizeof(*p));
		if (!p)
			return diag_set(d, -ENOMEM, "pin %s: out of memory", path);
		made->path = p;
		made->cap = cap;
	}
	char *copy = strdup(path);
	if (!copy)
		return diag_set(d, -ENOMEM, "pin %s: out of memory", path);
	int err = sys_obj_pin(fd, path);
	if (err) {
		free(copy);
		return diag_set(d, err, "pin %s: %s", path, sys_errno_name(err));
	}
	made->path[made->n++] = copy;
	narrate(opts->say, "pinned fd %d at %s", fd, path);
	return 0;
}

/* A program pin an earlier --pin run left is replaced. */
static int repin_prog(struct pins *made, int fd, const char *path, const struct load_opts *opts, struct diag *d)
{
	unlink(path);
	return pin_at(made, fd, path, opts, d);
}

/* Pin maps (and with dir_pins, programs): by-name maps when !dir_pins, DIR pins when dir_pins. */
static int pin_objects(struct loaded *l, const struct load_opts *opts, bool dir_pins, struct diag *d)
{
	const struct obj *o = l->o;
	char path[4096];
	struct pins made = {NULL, 0, 0};
	int err = 0;
	size_t dir_len = opts->pin_dir ? strlen(opts->pin_dir) : 0;

	for (uint32_t i = 0; i < o->nmaps && !err; i++) {
		load_map_pin_path(l, opts, i, path, sizeof(path));
		if (!path[0] || l->map_reused[i] || l->map_fds[i] < 0)
			continue;
		bool under_dir = dir_len && strncmp(path, opts->pin_dir, dir_len) == 0 && path[dir_len] == '/';
		if (under_dir != dir_pins)
			continue;
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s", path);
		*strrchr(dir, '/') = '\0';
		err = fs_bpffs_ensure(dir, d);
		if (!err)
			err = pin_at(&made, l->map_fds[i], path, opts, d);
		if (err)
			diag_wrap(d, err, "map '%s': ", o->maps[i].name);
	}
	if (!err && dir_pins) {
		snprintf(path, sizeof(path), "%s/progs", opts->pin_dir);
		err = fs_bpffs_ensure(path, d);
		for (uint32_t i = 0; i < o->nprogs && !err; i++) {
			if (l->prog_fds[i] < 0)
				continue;
			snprintf(path, sizeof(path), "%s/progs/%s", opts->pin_dir, o->progs[i].name);
			err = repin_prog(&made, l->prog_fds[i], path, opts, d);
			if (err)
				diag_wrap(d, err, "prog '%s': ", o->progs[i].name);
		}
	}
	for (uint32_t k = 0; k < made.n; k++) {
		if (err) { /* all or nothing: a failed load leaves no pins of its own behind */
			unlink(made.path[k]);
			narrate(opts->say, "unpinned %s (pinning failed)", made.path[k]);
		}
		free(made.path[k]);
	}
	free(made.path);
	return err;
}

int load_pass_pin(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	int err = pin_objects(l, opts, false, d);
	if (!err && opts->pin_dir && !opts->defer_pin)
		err = pin_objects(l, opts, true, d);
	return err;
}

int load_pin(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	return opts->pin_dir ? pin_objects(l, opts, true, d) : 0;
}