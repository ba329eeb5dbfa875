/* bpf/fs.c — finding (and if need be mounting) tracefs and bpffs; see fs.h.
 * Owns: statfs checks, mount(2) of tracefs/bpffs, mkdir -p inside a bpffs. Doesn't own: what gets
 * pinned or read there. Mounts are left in place: other tools expect them too. */
#include "bpf/fs.h"
#include "bpf/sys.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

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
