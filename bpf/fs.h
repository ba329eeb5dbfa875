/* bpf/fs.h — the two special file systems a loader needs: tracefs (tracepoint ids) and bpffs
 * (pins). Owns finding them and mounting them when absent. Doesn't own reading tracepoint ids
 * (perf.h) or pinning objects (sys.h). */
#ifndef RAWLOAD_FS_H
#define RAWLOAD_FS_H

#include <stddef.h>

#include "common/diag.h"

/* Where tracefs is: "/sys/kernel/tracing" when tracefs is mounted there, else
 * "/sys/kernel/debug/tracing" when that works, else tracefs is mounted at /sys/kernel/tracing.
 * Writes the directory (no trailing slash) into out[n]. Returns 0 or a negative errno with d set
 * ("tracefs: ..."); -ERANGE when out is too small. */
int fs_tracefs_dir(char *out, size_t n, struct diag *d);

/* Makes sure dir exists on a bpffs. When dir is /sys/fs/bpf or below it and /sys/fs/bpf is not a
 * bpffs yet, bpffs is mounted there (mode 0700). Missing directories are created (mode 0700), but
 * only inside a bpffs: a dir elsewhere must already lie on one. Paths with ".." are refused.
 * Returns 0 or a negative errno with d set ("bpffs: ..."). */
int fs_bpffs_ensure(const char *dir, struct diag *d);

/* 1 when path lies on a bpffs, 0 when on something else, a negative errno when statfs fails. */
int fs_is_bpffs(const char *path);

#endif
