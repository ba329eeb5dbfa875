/* loader/main.c — the command line: parse arguments, read the object file, run a command, print
 * the one diagnostic line when something fails. The only place that prints errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/inspect.h"
#include "loader/obj.h"

static const char usage[] =
	"usage: rawload inspect OBJECT [--json]     print what the object holds (no kernel, any user)\n";

struct file_map {
	const uint8_t *data;
	size_t size;
};

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

static void unmap_file(struct file_map *fm)
{
	if (fm->data)
		munmap((void *)fm->data, fm->size);
	fm->data = NULL;
}

static int cmd_inspect(int argc, char **argv)
{
	const char *path = NULL;
	bool json = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-' || path) {
			fputs(usage, stderr);
			return 2;
		} else
			path = argv[i];
	}
	if (!path) {
		fputs(usage, stderr);
		return 2;
	}
	struct diag d = {{0}};
	struct file_map fm = {0};
	struct obj o;
	int err = map_file(path, &fm, &d);
	if (!err)
		err = obj_parse(&o, path, fm.data, fm.size, &d);
	if (err) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		unmap_file(&fm);
		return 1;
	}
	inspect_print(&o, path, stdout, json);
	obj_close(&o);
	unmap_file(&fm);
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 2, argv + 2);
	fprintf(stderr, "rawload: unknown command '%s'\n%s", argv[1], usage);
	return 2;
}
