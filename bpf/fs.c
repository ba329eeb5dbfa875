/* bpf/fs.c — finding (and if need be mounting) sysfs, tracefs, bpffs and cgroup2; see fs.h.
 * Owns: statfs checks, reading /proc/self/mountinfo, mount(2) of sysfs/tracefs/bpffs/cgroup2, the
 * mount points they need (an empty root has none), mkdir -p inside a bpffs. Doesn't own: what gets
 * pinned, read or attached there. Mounts are left in place: other tools expect them too. */
#include "bpf/fs.h"
#include "bpf/sys.h"

#include <dirent.h>
#include <errno.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define SYSFS_DIR "/sys"
#define SYSFS_PROBE "/sys/kernel"
#define TRACEFS_DIR "/sys/kernel/tracing"
#define DEBUGFS_TRACING_DIR "/sys/kernel/debug/tracing"
#define BPFFS_DIR "/sys/fs/bpf"

/* 1 when statfs(path) reports magic, 0 when it reports something else, -errno when it fails.
 * f_type's C type differs between libcs (long, unsigned long): compare its low 32 bits. */
static int fs_magic_is(const char *path, uint32_t magic)
{
	struct statfs st;
	if (statfs(path, &st) < 0)
		return -errno;
	return (uint32_t)st.f_type == magic;
}

int fs_is_bpffs(const char *path)
{
	return fs_magic_is(path, BPF_FS_MAGIC);
}

/* A tracefs: the magic says so, or (tracefs under an old debugfs) an "events" directory is there. */
static int is_tracefs(const char *dir)
{
	if (fs_magic_is(dir, TRACEFS_MAGIC) == 1)
		return 1;
	char events[64];
	size_t n = strlen(dir);
	if (n + sizeof("/events") > sizeof(events))
		return 0;
	memcpy(events, dir, n);
	memcpy(events + n, "/events", sizeof("/events"));
	return access(events, F_OK) == 0;
}

/* mkdir -p of an absolute path, for mount points: 0, or -errno of the first mkdir that failed
 * (with that directory in failed[n]). */
static int mkdir_p(const char *path, mode_t mode, char *failed, size_t n)
{
	char p[256];
	size_t len = strlen(path);
	if (len >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		char saved = p[i];
		p[i] = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			int err = -errno;
			snprintf(failed, n, "%s", p);
			return err;
		}
		p[i] = saved;
	}
	return 0;
}

int fs_is_sysfs(const char *path)
{
	return fs_magic_is(path, SYSFS_MAGIC);
}

int fs_sysfs_ensure(struct diag *d)
{
	if (access(SYSFS_PROBE, F_OK) == 0 || fs_magic_is(SYSFS_DIR, SYSFS_MAGIC) == 1)
		return 0;
	char where[256];
	int err = mkdir_p(SYSFS_DIR, 0555, where, sizeof(where));
	if (err)
		return diag_set(d, err, "sysfs: not mounted at %s, and %s cannot be created (%s)", SYSFS_DIR, where,
				sys_errno_name(err));
	if (mount("sysfs", SYSFS_DIR, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		err = -errno;
		if (access(SYSFS_PROBE, F_OK) == 0) /* someone else was faster */
			return 0;
		return diag_set(d, err, "sysfs: not mounted at %s, and mounting it failed (%s)", SYSFS_DIR,
				sys_errno_name(err));
	}
	return 1;
}

static int copy_dir(char *out, size_t n, const char *dir, struct diag *d)
{
	size_t len = strlen(dir);
	if (len + 1 > n)
		return diag_set(d, -ERANGE, "tracefs: buffer of %zu bytes too small for %s", n, dir);
	memcpy(out, dir, len + 1);
	return 0;
}

int fs_tracefs_dir(char *out, size_t n, struct diag *d)
{
	if (is_tracefs(TRACEFS_DIR))
		return copy_dir(out, n, TRACEFS_DIR, d);
	/* statfs on the debugfs path also triggers tracefs's automount there. */
	if (is_tracefs(DEBUGFS_TRACING_DIR))
		return copy_dir(out, n, DEBUGFS_TRACING_DIR, d);
	/* An empty root: sysfs brings the mount point; without sysfs, make the directory. */
	struct diag sd = {""};
	char where[256];
	fs_sysfs_ensure(&sd);
	int made = mkdir_p(TRACEFS_DIR, 0700, where, sizeof(where));
	if (made)
		return diag_set(d, made, "tracefs: not at %s nor %s, and %s cannot be created (%s)%s%s", TRACEFS_DIR,
				DEBUGFS_TRACING_DIR, where, sys_errno_name(made), sd.msg[0] ? "; " : "", sd.msg);
	if (mount("tracefs", TRACEFS_DIR, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		int err = -errno;
		/* Someone may have mounted it meanwhile. */
		if (is_tracefs(TRACEFS_DIR))
			return copy_dir(out, n, TRACEFS_DIR, d);
		return diag_set(d, err,
				"tracefs: not at %s nor %s, and mounting it at %s failed (%s)",
				TRACEFS_DIR, DEBUGFS_TRACING_DIR, TRACEFS_DIR, sys_errno_name(err));
	}
	if (!is_tracefs(TRACEFS_DIR))
		return diag_set(d, -ENODEV, "tracefs: mounted at %s but it does not look like tracefs",
				TRACEFS_DIR);
	return copy_dir(out, n, TRACEFS_DIR, d);
}

/* dir is /sys/fs/bpf itself or a path below it. */
static int under_bpffs_dir(const char *dir)
{
	size_t n = strlen(BPFFS_DIR);
	return strncmp(dir, BPFFS_DIR, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
}

static int has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2) {
		int starts = p == path || p[-1] == '/';
		int ends = p[2] == '\0' || p[2] == '/';
		if (starts && ends)
			return 1;
	}
	return 0;
}

static int mount_bpffs(struct diag *d)
{
	/* An empty root: sysfs holds the mount point /sys/fs/bpf; without sysfs, make it. */
	struct diag sd = {""};
	char where[256];
	fs_sysfs_ensure(&sd);
	int made = mkdir_p(BPFFS_DIR, 0700, where, sizeof(where));
	if (made)
		return diag_set(d, made, "bpffs: %s cannot be created (%s)%s%s", where, sys_errno_name(made),
				sd.msg[0] ? "; " : "", sd.msg);
	if (mount("bpf", BPFFS_DIR, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0) {
		int err = -errno;
		if (fs_is_bpffs(BPFFS_DIR) == 1) /* someone else was faster */
			return 0;
		return diag_set(d, err, "bpffs: mounting at %s failed (%s)", BPFFS_DIR,
				sys_errno_name(err));
	}
	return 0;
}

int fs_bpffs_ensure(const char *dir, struct diag *d)
{
	char path[4096];
	size_t len = strlen(dir);
	if (len == 0 || len >= sizeof(path))
		return diag_set(d, -EINVAL, "bpffs: '%s': empty or too long", dir);
	if (has_dotdot(dir))
		return diag_set(d, -EINVAL, "bpffs: %s: '..' is not allowed", dir);
	if (under_bpffs_dir(dir) && fs_is_bpffs(BPFFS_DIR) != 1) {
		int err = mount_bpffs(d);
		if (err)
			return err;
	}

	/* mkdir -p, one component at a time; the first directory created must have a bpffs parent,
	 * so nothing is ever created on another file system. */
	memcpy(path, dir, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char saved = path[i];
		path[i] = '\0';
		struct stat st;
		if (stat(path, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				return diag_set(d, -ENOTDIR, "bpffs: %s is not a directory", path);
		} else if (errno != ENOENT) {
			int err = -errno;
			return diag_set(d, err, "bpffs: %s: %s", path, sys_errno_name(err));
		} else {
			/* The parent is the path up to the last '/' (or "." for a relative name). */
			char *slash = strrchr(path, '/');
			int on_bpffs;
			if (!slash) {
				on_bpffs = fs_is_bpffs(".");
			} else if (slash == path) {
				on_bpffs = 0; /* the root directory is never a bpffs */
			} else {
				*slash = '\0';
				on_bpffs = fs_is_bpffs(path);
				*slash = '/';
			}
			if (on_bpffs != 1)
				return diag_set(d, -EINVAL, "bpffs: cannot create %s: parent is not on a bpffs",
						path);
			if (mkdir(path, 0700) < 0 && errno != EEXIST) {
				int err = -errno;
				return diag_set(d, err, "bpffs: mkdir %s failed (%s)", path,
						sys_errno_name(err));
			}
		}
		path[i] = saved;
	}
	if (fs_is_bpffs(dir) != 1)
		return diag_set(d, -EINVAL, "bpffs: %s is not on a bpffs", dir);
	return 0;
}

/* ---- cgroup2 ----------------------------------------------------------------------------------- */

#define CGROUP2_HYBRID_DIR "/sys/fs/cgroup/unified"
#define CGROUP2_DIR "/sys/fs/cgroup"

int fs_is_cgroup2(const char *path)
{
	return fs_magic_is(path, CGROUP2_SUPER_MAGIC);
}

/* Decode mountinfo's octal escapes ("\040" for ' ', "\011", "\012", "\134") in place. */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' &&
		    r[3] <= '7') {
			*w++ = (char)((r[1] - '0') << 6 | (r[2] - '0') << 3 | (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* The next space-separated field of *p, NUL-terminated in place; NULL when there is none. */
static char *next_field(char **p)
{
	char *f = *p;
	if (!f || !*f)
		return NULL;
	char *sp = strchr(f, ' ');
	if (sp) {
		*sp = '\0';
		*p = sp + 1;
	} else {
		*p = NULL;
	}
	return *f ? f : NULL; /* two spaces in a row: not mountinfo */
}

int fs_mountinfo_parse(char *line, struct fs_mountinfo *m)
{
	size_t len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[len - 1] = '\0';
	char *p = line, *f[6];
	for (int i = 0; i < 6; i++) /* ID PARENT MAJ:MIN ROOT POINT OPTIONS */
		if (!(f[i] = next_field(&p)))
			return -EINVAL;
	char *opt;
	while ((opt = next_field(&p)) && strcmp(opt, "-") != 0) /* optional fields, up to "-" */
		;
	if (!opt || !(m->fstype = next_field(&p)))
		return -EINVAL;
	if (f[4][0] != '/') /* a mount point is absolute; ROOT need not be ("net:[4026531840]" of nsfs) */
		return -EINVAL;
	unescape(f[3]);
	unescape(f[4]);
	m->root = f[3];
	m->point = f[4];
	return 0;
}

/* The cgroup2 mount to use, from /proc/self/mountinfo: 1 found (out filled), 0 none, -errno. */
static int find_cgroup2(char *out, size_t n, struct diag *d)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return diag_set(d, -errno, "cgroup2: /proc/self/mountinfo: %s", sys_errno_name(-errno));
	char *line = NULL;
	size_t cap = 0;
	int found = 0; /* 2: a mount of the whole hierarchy, 1: of a part of it */
	while (found < 2 && getline(&line, &cap, f) > 0) {
		struct fs_mountinfo m;
		if (fs_mountinfo_parse(line, &m) || strcmp(m.fstype, "cgroup2") != 0)
			continue;
		int rank = strcmp(m.root, "/") == 0 ? 2 : 1;
		if (rank <= found)
			continue;
		if (strlen(m.point) + 1 > n) {
			free(line);
			fclose(f);
			return diag_set(d, -ERANGE, "cgroup2: buffer of %zu bytes too small for %s", n, m.point);
		}
		memcpy(out, m.point, strlen(m.point) + 1);
		found = rank;
	}
	free(line);
	fclose(f);
	return found > 0;
}

int fs_cgroup2_find(char *out, size_t n, struct diag *d)
{
	int r = find_cgroup2(out, n, d);
	if (r == 0)
		return diag_set(d, -ENOENT, "cgroup2: not mounted (no cgroup2 line in /proc/self/mountinfo)");
	return r < 0 ? r : 0;
}

/* dir exists, is a directory and holds nothing: a place to mount on. */
static int empty_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return 0;
	struct dirent *e;
	int empty = 1;
	while (empty && (e = readdir(dp)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(dp);
	return empty;
}

int fs_cgroup2_dir(char *out, size_t n, struct diag *d)
{
	int r = find_cgroup2(out, n, d);
	if (r)
		return r < 0 ? r : 0;
	static const char *const places[] = {CGROUP2_HYBRID_DIR, CGROUP2_DIR};
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		if (!empty_dir(places[i]))
			continue;
		if (mount("cgroup2", places[i], "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			int err = -errno;
			if ((r = find_cgroup2(out, n, d)) != 0) /* someone else was faster */
				return r < 0 ? r : 0;
			return diag_set(d, err, "cgroup2: not mounted, and mounting it at %s failed (%s)", places[i],
					sys_errno_name(err));
		}
		if (strlen(places[i]) + 1 > n)
			return diag_set(d, -ERANGE, "cgroup2: buffer of %zu bytes too small for %s", n, places[i]);
		memcpy(out, places[i], strlen(places[i]) + 1);
		return 1;
	}
	return diag_set(d, -ENOENT, "cgroup2: not mounted, and neither %s nor %s is an empty directory to mount it on",
			CGROUP2_HYBRID_DIR, CGROUP2_DIR);
}
