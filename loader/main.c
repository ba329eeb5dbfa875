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

#include "bpf/sys.h"
#include "loader/inspect.h"
#include "loader/load.h"
#include "loader/obj.h"

static const char usage[] =
	"usage: rawload inspect OBJECT [--json]     print what the object holds (no kernel, any user)\n"
	"       rawload load OBJECT [--pin DIR] [-v]  load maps and programs, report, and close (or pin)\n"
	"\n"
	"  -v, --verbose   narrate every step: sections, maps created, relocations, syscalls, paths taken\n";

static int verbose;

static void say_line(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "rawload: %s\n", text);
}
static const struct narrator say = {say_line, NULL};

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

/* Print a verifier failure: the explaining part of the log first, all of it with -v. */
static void print_verifier_log(const struct loaded *l)
{
	if (!l->verifier_log || !l->verifier_log[0])
		return;
	if (verbose) {
		fprintf(stderr, "rawload: verifier log:\n%s", l->verifier_log);
		return;
	}
	size_t n;
	const char *part = load_log_excerpt(l->verifier_log, &n);
	fprintf(stderr, "rawload: verifier log (end; -v shows all of it):\n%.*s\n", (int)n, part);
}

static int cmd_load(int argc, char **argv)
{
	const char *path = NULL;
	struct load_opts opts = {0};
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (!strcmp(argv[i], "--pin") && i + 1 < argc)
			opts.pin_dir = argv[++i];
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
	if (verbose)
		opts.say = &say;
	struct diag d = {{0}};
	struct file_map fm = {0};
	struct obj o;
	struct loaded l;
	int err = map_file(path, &fm, &d);
	if (!err)
		err = obj_parse(&o, path, fm.data, fm.size, &d);
	if (err) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		unmap_file(&fm);
		return 1;
	}
	err = load_object(&o, &opts, &l, &d);
	if (err) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		print_verifier_log(&l);
		load_close(&l);
		obj_close(&o);
		unmap_file(&fm);
		return 1;
	}
	for (uint32_t i = 0; i < o.nprogs; i++) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);
		memset(&info, 0, sizeof(info));
		sys_obj_info(l.prog_fds[i], &info, &len);
		printf("prog %-20s %-12s id %u, %u bytes translated, %u jited\n", o.progs[i].name,
		       secdef_prog_type_name(o.progs[i].def->prog_type), info.id, info.xlated_prog_len,
		       info.jited_prog_len);
	}
	for (uint32_t i = 0; i < o.nmaps; i++) {
		if (l.map_fds[i] < 0)
			continue;
		struct bpf_map_info info;
		uint32_t len = sizeof(info);
		memset(&info, 0, sizeof(info));
		sys_obj_info(l.map_fds[i], &info, &len);
		printf("map  %-20s %-12s id %u%s\n", o.maps[i].name, obj_map_type_name(o.maps[i].type), info.id,
		       l.map_reused[i] ? " (reused from its pin)" : "");
	}
	if (opts.pin_dir)
		printf("pinned under %s\n", opts.pin_dir);
	load_close(&l);
	obj_close(&o);
	unmap_file(&fm);
	return fflush(stdout) == 0 ? 0 : 1;
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
	if (!strcmp(argv[1], "load"))
		return cmd_load(argc - 2, argv + 2);
	fprintf(stderr, "rawload: unknown command '%s'\n%s", argv[1], usage);
	return 2;
}
