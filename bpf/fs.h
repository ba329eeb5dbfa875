/* bpf/fs.h — the special file systems a loader needs: sysfs (the kernel's BTF, CPU lists, the mount
 * points below), tracefs (tracepoint ids), bpffs (pins) and cgroup2 (cgroup attach targets). Owns
 * finding them (statfs, /proc/self/mountinfo) and mounting them when absent, creating the mount
 * points first (an empty root, a chroot, has none). Doesn't own reading tracepoint ids (perf.h),
 * pinning (sys.h) or attaching. */
#ifndef RAWLOAD_FS_H
#define RAWLOAD_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"

/* Makes sure sysfs is mounted at /sys: 0 when it is (/sys/kernel exists, or /sys is a sysfs), 1
 * when it was not and has been mounted now, read-only (/sys created first when missing), or a
 * negative errno with d set ("sysfs: not mounted at /sys, and mounting it failed (EPERM)"). */
int fs_sysfs_ensure(struct diag *d);

/* Where tracefs is: "/sys/kernel/tracing" when tracefs is mounted there, else
 * "/sys/kernel/debug/tracing" when that works, else tracefs is mounted at /sys/kernel/tracing
 * (sysfs mounted first when /sys/kernel is missing, the directory created when still missing).
 * Writes the directory (no trailing slash) into out[n]. Returns 0 or a negative errno with d set
 * ("tracefs: ..."); -ERANGE when out is too small. */
int fs_tracefs_dir(char *out, size_t n, struct diag *d);

/* Makes sure dir exists on a bpffs. When dir is /sys/fs/bpf or below it and /sys/fs/bpf is not a
 * bpffs yet, bpffs is mounted there (mode 0700): sysfs first when /sys/kernel is missing (it holds
 * the /sys/fs/bpf mount point), /sys/fs/bpf created when still missing. Other missing directories
 * are created (mode 0700), but only inside a bpffs: a dir elsewhere must already lie on one.
 * Paths with ".." are refused. Returns 0 or a negative errno with d set ("bpffs: ..."). */
int fs_bpffs_ensure(const char *dir, struct diag *d);

/* 1 when path lies on a bpffs, 0 when on something else, a negative errno when statfs fails. */
int fs_is_bpffs(const char *path);

/* 1 when path lies on a sysfs, 0 when on something else, -errno when statfs fails. */
int fs_is_sysfs(const char *path);

/* 1 when path lies on a cgroup v2 file system, 0 when on something else, -errno when statfs fails. */
int fs_is_cgroup2(const char *path);

/* Where the cgroup v2 hierarchy is mounted: the first cgroup2 mount of its whole hierarchy (root
 * "/") in /proc/self/mountinfo, else the first cgroup2 mount at all. When there is none, cgroup2
 * is mounted on the first of /sys/fs/cgroup/unified (the hybrid layout) and /sys/fs/cgroup that
 * is an empty directory, and left mounted. Writes the directory into out[n]. Returns 0 (found),
 * 1 (mounted now) or a negative errno with d set ("cgroup2: ..."); -ERANGE when out is too small. */
int fs_cgroup2_dir(char *out, size_t n, struct diag *d);

/* The cgroup2 mount fs_cgroup2_dir would pick, without ever mounting one (for readers such as
 * `rawload status`). 0 (found), or a negative errno with d set: -ENOENT when there is none. */
int fs_cgroup2_find(char *out, size_t n, struct diag *d);

/* One line of /proc/self/mountinfo, split in place. Pure: no I/O, no allocation. */
struct fs_mountinfo {
	const char *root;   /* the directory of the file system that is mounted ("/": all of it) */
	const char *point;  /* where it is mounted */
	const char *fstype; /* "cgroup2", "bpf", "tmpfs", ... */
};
/* Split line (proc(5): ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER)
 * by writing NULs into it, decoding the octal escapes (\040 for a space, ...) of ROOT and POINT in
 * place; a trailing newline is ignored. Returns 0, or -EINVAL when the line lacks that shape (m
 * is then unspecified). */
int fs_mountinfo_parse(char *line, struct fs_mountinfo *m);

#endif
