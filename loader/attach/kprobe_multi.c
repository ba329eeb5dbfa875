/* loader/attach/kprobe_multi.c — kprobe.multi and kretprobe.multi programs (SEC
 * "kprobe.multi/PATTERN"): every kernel function whose name matches the glob PATTERN ('*', '?'), as
 * tracefs's available_filter_functions lists them (what ftrace, hence fprobe, can attach to; libbpf
 * reads the same file), else /proc/kallsyms's text symbols, behind one kprobe_multi link
 * (BPF_LINK_CREATE with BPF_TRACE_KPROBE_MULTI and the names, kernel 5.18, CONFIG_FPROBE). A kernel
 * without them says EOPNOTSUPP (or EINVAL before 5.18): the program is reported as not attached,
 * with that reason. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/sys.h"
#include "elf/funcoff.h"
#include "loader/attach/attach.h"

enum { KPROBE_MULTI_RETURN = 1, /* BPF_F_KPROBE_MULTI_RETURN */
       LIST_MAX = 64 << 20 };   /* a function list bigger than this is not a kernel's */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int attach_kmulti_symbols(char *text, size_t len, bool kallsyms, const char *pattern, const char ***out,
			  uint32_t *n)
{
	/* text[len] is writable too (a last line without '\n' ends there). */
	const char **syms = NULL;
	uint32_t used = 0, cap = 0;
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < len;) {
		char *line = text + i, *end = memchr(line, '\n', len - i);
		size_t l = end ? (size_t)(end - line) : len - i;
		i += l + 1;
		line[l] = '\0'; /* the buffer is ours: names end in place ('\n' or one byte past a last line) */
		char *name = line;
		if (kallsyms) { /* "ffffffff816d86b0 T vfs_read [module]": text symbols only */
			char *type = strchr(line, ' ');
			if (!type || (type[1] != 'T' && type[1] != 't') || type[2] != ' ')
				continue;
			name = type + 3;
			/* 6.2+ lists the padding before each function as __pfx_NAME: not a function. */
			if (strncmp(name, "__pfx_", 6) == 0)
				continue;
		}
		name[strcspn(name, " \t")] = '\0'; /* "name [module]": the name */
		if (!*name || !elf_glob_match(name, pattern))
			continue;
		if (used == cap) {
			uint32_t want = cap ? cap * 2 : 64;
			const char **grown = want > cap ? realloc(syms, (size_t)want * sizeof(*syms)) : NULL;
			if (!grown) {
				free(syms);
				return -ENOMEM;
			}
			syms = grown;
			cap = want;
		}
		syms[used++] = name;
	}
	if (!used)
		return -ENOENT;
	/* One entry per name: a name listed twice (static functions of different files) would make the
	 * kernel's lookup of the list fail. */
	qsort(syms, used, sizeof(*syms), cmp_str);
	uint32_t kept = 0;
	for (uint32_t k = 0; k < used; k++)
		if (!kept || strcmp(syms[k], syms[kept - 1]))
			syms[kept++] = syms[k];
	*out = syms;
	*n = kept;
	return 0;
}

/* The whole of a proc or tracefs file (its size is not known ahead), NUL-terminated. */
static char *read_list(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 1 << 20, used = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		ssize_t r = read(fd, buf + used, cap - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		used += (size_t)r;
		if (used == cap) {
			char *grown = cap < LIST_MAX ? realloc(buf, cap * 2 + 1) : NULL;
			if (!grown) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
			cap *= 2;
		}
	}
	close(fd);
	if (buf) {
		buf[used] = '\0';
		*len = used;
	}
	return buf;
}

int attach_kprobe_multi(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	bool ret = p->def->flags & SECDEF_RETURN;
	const char *kind = ret ? "kretprobe.multi" : "kprobe.multi";
	char path[4096], rb[24];

	/* The list: what ftrace can trace, else every text symbol. */
	struct diag td = {""};
	char *text = NULL;
	size_t len = 0;
	bool kallsyms = false;
	if (fs_tracefs_dir(path, sizeof(path) - 32, &td) == 0) {
		strcat(path, "/available_filter_functions");
		if (!(text = read_list(path, &len)))
			diag_set(&td, -errno, "%s: %s", path, sys_errno_name(-errno));
	}
	if (!text) {
		narrate(opts->say, "%s: no list of traceable functions (%s); reading /proc/kallsyms", kind, td.msg);
		snprintf(path, sizeof(path), "/proc/kallsyms");
		text = read_list(path, &len);
		kallsyms = true;
	}
	if (!text)
		return diag_set(d, -errno ? -errno : -ENOMEM, "prog '%s': %s: cannot read %s", p->name, kind, path);
	const char **syms;
	uint32_t n;
	int err = attach_kmulti_symbols(text, len, kallsyms, p->target, &syms, &n);
	if (err) {
		free(text);
		return err == -ENOENT ? diag_set(d, err, "prog '%s': %s: no kernel function in %s matches '%s'", p->name, kind,
						 path, p->target)
				      : diag_set(d, err, "prog '%s': %s: out of memory", p->name, kind);
	}
	char names[300];
	size_t used = 0;
	for (uint32_t k = 0; k < n && used < sizeof(names) - 5; k++) {
		int w = snprintf(names + used, sizeof(names) - used, "%s%s", k ? ", " : "", syms[k]);
		used = w < 0 || (size_t)w >= sizeof(names) - used ? sizeof(names) - 1 : used + (size_t)w;
	}
	if (used >= sizeof(names) - 5)
		strcpy(names + sizeof(names) - 5, "...");
	narrate(opts->say, "%s: '%s' matches %u function%s in %s (%s)", kind, p->target, n, n == 1 ? "" : "s", path,
		names);

	int fd = sys_link_create_kprobe_multi(l->prog_fds[a->prog], ret ? KPROBE_MULTI_RETURN : 0, syms, n);
	narrate(opts->say, "%s: BPF_LINK_CREATE BPF_TRACE_KPROBE_MULTI prog '%s', %u function%s -> %s", kind, p->name, n,
		n == 1 ? "" : "s", narrate_result(fd, rb));
	free(syms);
	free(text);
	if (fd == -EOPNOTSUPP || fd == -524 /* ENOTSUPP */ || fd == -EINVAL) {
		attach_not(a, ATT_UNSUPPORTED,
			   "not attached: BPF_LINK_CREATE kprobe.multi says %s (a kernel built without CONFIG_FPROBE, or before 5.18)",
			   sys_errno_name(fd));
		return 0;
	}
	if (fd < 0)
		return diag_set(d, fd, "prog '%s': BPF_LINK_CREATE %s '%s' (%u functions): %s", p->name, kind, p->target, n,
				sys_errno_name(fd));
	a->link_fd = fd;
	a->how = "kprobe_multi link";
	snprintf(a->note, sizeof(a->note), "%s %.80s (%u kernel function%s), via %s", kind, p->target, n, n == 1 ? "" : "s",
		 a->how);
	return 0;
}
