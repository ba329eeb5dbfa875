/* loader/attach/uprobe.c — uprobes and uretprobes. The section's PATH:FUNC[+OFFSET] becomes a file
 * and a file offset (the target's ELF mapped here, read by elf/funcoff.c), then a perf event of the
 * uprobe PMU is attached like a tracepoint's (attach_perf_event: perf link, else the ioctl).
 * Doesn't own: USDT call sites (usdt.c), uprobe.multi links (uprobe_multi.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/sys.h"
#include "elf/funcoff.h"
#include "loader/attach/attach.h"

/* Where libraries live when a section names one without a directory ("libc.so.6"), after
 * LD_LIBRARY_PATH: the multiarch directories Debian uses, then the classic ones. */
#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#elif defined(__s390x__)
#define MULTIARCH "s390x-linux-gnu"
#elif defined(__arm__)
#define MULTIARCH "arm-linux-gnueabihf"
#elif defined(__i386__)
#define MULTIARCH "i386-linux-gnu"
#endif
#ifdef MULTIARCH
#define LIB_DIRS "/lib/" MULTIARCH ":/usr/lib/" MULTIARCH ":/lib64:/usr/lib64:/lib:/usr/lib"
#else
#define LIB_DIRS "/lib64:/usr/lib64:/lib:/usr/lib"
#endif
#define BIN_DIRS "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"

/* name in the first directory of the ':'-separated list dirs where it is accessible with mode. */
static bool search_dirs(const char *dirs, const char *name, int mode, char *out, size_t cap)
{
	while (dirs && *dirs) {
		const char *end = strchr(dirs, ':');
		size_t len = end ? (size_t)(end - dirs) : strlen(dirs);
		if (len > 0 && (size_t)snprintf(out, cap, "%.*s/%s", (int)len, dirs, name) < cap &&
		    access(out, mode) == 0)
			return true;
		dirs = end ? end + 1 : NULL;
	}
	return false;
}

/* The file a uprobe section names, as an absolute path in out (what the kernel and the ELF reader
 * both get). With a '/', the path is used as written: relative to the current directory, as libbpf
 * and the kernel take it. Without one, it is looked up as libbpf does: a name with ".so" in
 * LD_LIBRARY_PATH and the library directories, anything else in PATH and the usual bin directories. */
static int resolve_path(const char *path, char *out, struct diag *d)
{
	char found[PATH_MAX];
	const char *use = path;
	if (!strchr(path, '/')) {
		bool lib = strstr(path, ".so") != NULL;
		if (!(lib ? search_dirs(getenv("LD_LIBRARY_PATH"), path, R_OK, found, sizeof(found)) ||
				    search_dirs(LIB_DIRS, path, R_OK, found, sizeof(found))
			  : search_dirs(getenv("PATH"), path, X_OK, found, sizeof(found)) ||
				    search_dirs(BIN_DIRS, path, X_OK, found, sizeof(found))))
			return diag_set(d, -ENOENT, "uprobe: '%s' is not in %s (write a path with a '/' for any other file)",
					path, lib ? "LD_LIBRARY_PATH or " LIB_DIRS : "PATH or " BIN_DIRS);
		use = found;
	}
	if (realpath(use, out))
		return 0;
	int err = -errno;
	char cwd[PATH_MAX];
	if (use[0] != '/' && getcwd(cwd, sizeof(cwd)))
		return diag_set(d, err, "uprobe: %s: %s (a relative path is taken from the current directory, %s)",
				use, strerror(-err), cwd);
	return diag_set(d, err, "uprobe: %s: %s", use, strerror(-err));
}

int attach_binary_open(const char *path, const char *kind, struct attach_binary *b, struct diag *d)
{
	memset(b, 0, sizeof(*b));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(d, -errno, "%s: %s: %s", kind, path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return diag_set(d, -EINVAL, "%s: %s: not a regular file with contents", kind, path);
	}
	void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED)
		return diag_set(d, -errno, "%s: %s: mmap: %s", kind, path, strerror(errno));
	int err = elf_parse_binary(&b->f, data, (size_t)st.st_size, d);
	if (err) {
		munmap(data, (size_t)st.st_size);
		return diag_wrap(d, err, "%s: %s: ", kind, path);
	}
	b->data = data;
	b->size = (size_t)st.st_size;
	return 0;
}

void attach_binary_close(struct attach_binary *b)
{
	if (!b->data)
		return;
	elf_close(&b->f);
	munmap(b->data, b->size);
	b->data = NULL;
}

/* The file offset of func in the ELF file at path. */
static int func_offset(const char *path, const char *func, struct elf_func_loc *loc, struct diag *d)
{
	struct attach_binary b;
	int err = attach_binary_open(path, "uprobe", &b, d);
	if (err)
		return err;
	err = elf_sym_file_offset(&b.f, func, loc, d);
	attach_binary_close(&b);
	return err ? diag_wrap(d, err, "uprobe: %s: ", path) : 0;
}

int attach_uprobe(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		  struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	struct secdef_uprobe u;
	char rel[PATH_MAX], path[PATH_MAX], func[PATH_MAX] = ""; /* C++ names can be long */

	int err = secdef_uprobe_parse(p->def, p->target, &u, d);
	if (err)
		return diag_wrap(d, err, "prog '%s': ", p->name);
	if (u.path_len >= sizeof(rel) || u.func_len >= sizeof(func))
		return diag_set(d, -ENAMETOOLONG, "prog '%s': uprobe target '%s' is too long", p->name, p->target);
	memcpy(rel, u.path, u.path_len);
	rel[u.path_len] = '\0';
	memcpy(func, u.func, u.func_len);
	func[u.func_len] = '\0';
	if ((err = resolve_path(rel, path, d)))
		return diag_wrap(d, err, "prog '%s': ", p->name);
	narrate(opts->say, "uprobe: '%s' is %s", rel, path);

	uint64_t offset = u.offset;
	if (*func) {
		struct elf_func_loc loc = {0};
		if ((err = func_offset(path, func, &loc, d)))
			return diag_wrap(d, err, "prog '%s': ", p->name);
		narrate(opts->say, "uprobe: '%s' in %s at %#llx, program header %u -> file offset %#llx%s", func, loc.table,
			(unsigned long long)loc.addr, loc.segment, (unsigned long long)loc.offset, loc.weak ? " (weak)" : "");
		if (loc.offset + offset < loc.offset)
			return diag_set(d, -EINVAL, "prog '%s': uprobe offset %s+%#llx wraps", p->name, func,
					(unsigned long long)offset);
		offset += loc.offset;
	}

	/* The uprobe PMU (kernel >= 4.17) takes the path and offset directly: no tracefs probe to make. */
	const char *kind = u.retprobe ? "uretprobe" : "uprobe";
	int type = perf_pmu_type("uprobe", d);
	if (type < 0)
		return diag_wrap(d, type, "prog '%s': ", p->name);
	uint64_t config = 0;
	if (u.retprobe) {
		int bit = perf_pmu_config_bit("uprobe", "retprobe", d);
		if (bit < 0)
			return diag_wrap(d, bit, "prog '%s': ", p->name);
		config = 1ull << bit;
	}
	int pfd = perf_probe_open((uint32_t)type, config, path, offset);
	char rb[24];
	narrate(opts->say, "%s: perf_event_open PMU type %d config %#llx, %s offset %#llx -> %s", kind, type,
		(unsigned long long)config, path, (unsigned long long)offset, narrate_result(pfd, rb));
	if (pfd < 0)
		return diag_set(d, pfd, "prog '%s': perf_event_open %s %s offset %#llx: %s", p->name, kind, path,
				(unsigned long long)offset, sys_errno_name(pfd));

	char what[PATH_MAX + 300];
	if (*func && u.offset)
		snprintf(what, sizeof(what), "%s %s:%s+%#llx (file offset %#llx)", kind, path, func,
			 (unsigned long long)u.offset, (unsigned long long)offset);
	else if (*func)
		snprintf(what, sizeof(what), "%s %s:%s (file offset %#llx)", kind, path, func, (unsigned long long)offset);
	else
		snprintf(what, sizeof(what), "%s %s file offset %#llx", kind, path, (unsigned long long)offset);
	if ((err = attach_perf_event(o, l, opts, a, pfd, what, d)))
		return err;
	snprintf(a->note, sizeof(a->note), "%.160s via %s", what, a->how);
	return 0;
}

int attach_binary_path(const char *path, char *out, struct diag *d)
{
	return resolve_path(path, out, d);
}
