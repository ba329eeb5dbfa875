/* loader/attach/uprobe_multi.c — uprobe.multi and uretprobe.multi programs (SEC
 * "uprobe.multi/PATH:PATTERN"): every function of PATH whose name matches the glob PATTERN ('*',
 * '?'), found in its symbol table (elf/funcoff.c: .symtab, else .dynsym, as libbpf), probed through
 * one uprobe_multi link (BPF_LINK_CREATE with BPF_TRACE_UPROBE_MULTI and the file offsets, kernel
 * 6.6) for every process. A kernel without them is said, the program not attached. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/sys.h"
#include "elf/funcoff.h"
#include "loader/attach/attach.h"

enum { UPROBE_MULTI_RETURN = 1 }; /* BPF_F_UPROBE_MULTI_RETURN, kernel 6.6 */

/* The file offsets of the functions of path matching pattern; names[cap] lists them with their
 * offsets for -v, cut to fit. */
static int match_offsets(const char *path, const char *pattern, uint64_t **offsets, uint32_t *n, char *names,
			 size_t cap, struct diag *d)
{
	struct attach_binary b;
	struct elf_func_match *m = NULL;
	int err = attach_binary_open(path, "uprobe.multi", &b, d);
	if (err)
		return err;
	err = elf_funcs_matching(&b.f, pattern, &m, n, d);
	if (!err && !(*offsets = malloc((size_t)*n * sizeof(**offsets))))
		err = diag_set(d, -ENOMEM, "uprobe.multi: out of memory");
	size_t used = 0;
	names[0] = '\0';
	for (uint32_t i = 0; !err && i < *n; i++) {
		(*offsets)[i] = m[i].offset;
		int k = snprintf(names + used, cap - used, "%s%s at %#llx", i ? ", " : "", m[i].name,
				 (unsigned long long)m[i].offset);
		used = k < 0 || (size_t)k >= cap - used ? cap - 1 : used + (size_t)k;
	}
	free(m);
	attach_binary_close(&b);
	return err ? diag_wrap(d, err, "uprobe.multi: %s: ", path) : 0;
}

int attach_uprobe_multi(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	bool ret = p->def->flags & SECDEF_RETURN;
	const char *kind = ret ? "uretprobe.multi" : "uprobe.multi";
	struct secdef_uprobe u;
	char rel[PATH_MAX], path[PATH_MAX], pattern[1024], names[400];
	uint64_t *offsets = NULL;
	uint32_t n = 0;
	char rb[24];

	int err = secdef_uprobe_parse(p->def, p->target, &u, d);
	if (err)
		return diag_wrap(d, err, "prog '%s': ", p->name);
	if (!u.func_len || u.offset)
		return diag_set(d, -EINVAL, "prog '%s': %s target '%s' is not PATH:PATTERN", p->name, kind, p->target);
	if (u.path_len >= sizeof(rel) || u.func_len >= sizeof(pattern))
		return diag_set(d, -ENAMETOOLONG, "prog '%s': %s target '%s' is too long", p->name, kind, p->target);
	memcpy(rel, u.path, u.path_len);
	rel[u.path_len] = '\0';
	memcpy(pattern, u.func, u.func_len);
	pattern[u.func_len] = '\0';
	if ((err = attach_binary_path(rel, path, d)) || (err = match_offsets(path, pattern, &offsets, &n, names,
									      sizeof(names), d)))
		return diag_wrap(d, err, "prog '%s': ", p->name);
	narrate(opts->say, "%s: '%s' in %s: %u function%s (%s, file offsets)", kind, pattern, path, n, n == 1 ? "" : "s",
		names);

	int fd = sys_link_create_uprobe_multi(l->prog_fds[a->prog], path, offsets, n, ret ? UPROBE_MULTI_RETURN : 0, 0);
	free(offsets);
	narrate(opts->say, "%s: BPF_LINK_CREATE BPF_TRACE_UPROBE_MULTI prog '%s', %u offset%s in %s -> %s", kind, p->name,
		n, n == 1 ? "" : "s", path, narrate_result(fd, rb));
	if (fd == -EINVAL || fd == -EOPNOTSUPP) {
		/* Before 6.6 the kernel knows no such attach type. */
		attach_not(a, ATT_UNSUPPORTED,
			   "not attached: BPF_LINK_CREATE uprobe.multi says %s (no uprobe.multi links before kernel 6.6)",
			   sys_errno_name(fd));
		return 0;
	}
	if (fd < 0)
		return diag_set(d, fd, "prog '%s': BPF_LINK_CREATE %s on %s: %s", p->name, kind, path, sys_errno_name(fd));
	a->link_fd = fd;
	a->how = "uprobe_multi link";
	snprintf(a->note, sizeof(a->note), "%s %.100s:%.40s (%u function%s), via %s", kind, path, pattern, n,
		 n == 1 ? "" : "s", a->how);
	return 0;
}
