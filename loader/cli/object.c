/* loader/cli/object.c — opening the object file for a command: mapped read-only (the model points
 * into it), parsed into the object model, --type applied, narrated with -v. The model itself is
 * loader/obj/'s. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/cli/cli.h"
#include "loader/show/inspect.h"

/* Map the whole file read-only (the model points into it; nothing is copied). */
static int map_file(const char *path, struct file_map *fm, struct diag *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(d, -errno, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return diag_set(d, -EINVAL, "%s: not a regular file", path);
	}
	if (st.st_size == 0 || (uint64_t)st.st_size > (1u << 30)) {
		close(fd);
		return diag_set(d, -EINVAL, "%s: size %lld is not that of a BPF object", path, (long long)st.st_size);
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return diag_set(d, -errno, "%s: mmap: %s", path, strerror(errno));
	fm->data = p;
	fm->size = (size_t)st.st_size;
	return 0;
}

void unmap_file(struct file_map *fm)
{
	if (fm->data)
		munmap((void *)fm->data, fm->size);
	fm->data = NULL;
}

static int apply_types(struct obj *o, const char *path, const struct type_opts *t)
{
	struct diag d = {{0}};
	int changed = 0;
	for (int k = 0; t && k < t->n; k++) {
		int p = t->type[k] ? obj_find_prog(o, t->prog[k]) : 0;
		if (p < 0) {
			fprintf(stderr, "rawload: %s has no program '%s'\n", path, t->prog[k]);
			return -ENOENT;
		}
		if (t->type[k] && obj_force_type(o, (uint32_t)p, t->type[k], &d))
			return fprintf(stderr, "rawload: %s\n", d.msg), -EINVAL;
	}
	for (uint32_t i = 0; t && t->all && i < o->nprogs; i++) {
		if (o->progs[i].def)
			continue;
		if (obj_force_type(o, i, t->all, &d))
			return fprintf(stderr, "rawload: %s\n", d.msg), -EINVAL;
		changed++;
	}
	if (t && t->all && !changed)
		fprintf(stderr, "rawload: note: --type %s: every program's section names its type (--prog NAME --type %s sets one program's)\n",
			t->all, t->all);
	return 0;
}

int open_object(const char *path, struct file_map *fm, struct obj *o, const struct type_opts *t)
{
	struct diag d = {{0}};
	int err = map_file(path, fm, &d);
	if (!err)
		err = obj_parse(o, path, fm->data, fm->size, &d);
	if (err) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		unmap_file(fm);
		return err;
	}
	err = apply_types(o, path, t);
	if (err) {
		obj_close(o);
		unmap_file(fm);
	} else if (cli_verbose) {
		inspect_narrate(o, &cli_say);
	}
	return err;
}
