/* tests/unit/test_mountinfo.c — fs_mountinfo_parse against /proc/self/mountinfo lines written by
 * hand from proc(5): optional fields (none, one, several) before the "-" separator, octal escapes
 * in the mount point, a ROOT that is not a path, and lines that lack the shape. */
#include <errno.h>
#include <string.h>

#include "bpf/fs.h"
#include "check.h"

struct mi_case {
	const char *line;
	const char *root, *point, *fstype; /* expected; NULL root: the line is refused */
};

static const struct mi_case cases[] = {
	/* this machine's hybrid layout: cgroup2 below a tmpfs, one optional field */
	{"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:13 - cgroup2 cgroup2 rw\n", "/",
	 "/sys/fs/cgroup/unified", "cgroup2"},
	/* no optional field at all (a private mount) */
	{"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755", "/", "/sys/fs/cgroup", "tmpfs"},
	/* several optional fields, and a bind mount of part of the hierarchy */
	{"300 41 0:38 /system.slice /mnt/cg rw shared:13 master:2 propagate_from:1 - cgroup2 cgroup2 rw",
	 "/system.slice", "/mnt/cg", "cgroup2"},
	/* escapes: a space, a tab and a backslash in the mount point, a space in the root */
	{"77 23 0:50 /a\\040b /tmp/x\\040y\\011z\\134w rw - cgroup2 none rw", "/a b", "/tmp/x y\tz\\w", "cgroup2"},
	/* an escape cut short is kept as it is */
	{"78 23 0:51 / /tmp/p\\04 rw - bpf bpf rw", "/", "/tmp/p\\04", "bpf"},
	/* nsfs: ROOT is not a path */
	{"90 24 0:4 net:[4026532288] /run/netns/x rw - nsfs nsfs rw", "net:[4026532288]", "/run/netns/x", "nsfs"},
	/* a "-" inside an option is not the separator */
	{"91 23 0:52 / /srv rw,x-gvfs-show shared:1 - ext4 /dev/sda1 rw", "/", "/srv", "ext4"},
	/* refused: no separator, nothing after it, too few fields, relative mount point, empty fields */
	{"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:13 cgroup2 cgroup2 rw", NULL, NULL, NULL},
	{"41 31 0:38 / /sys/fs/cgroup/unified rw -", NULL, NULL, NULL},
	{"41 31 0:38 /", NULL, NULL, NULL},
	{"41 31 0:38 / sys/fs rw - cgroup2 cgroup2 rw", NULL, NULL, NULL},
	{"41 31  0:38 / /sys rw - cgroup2 cgroup2 rw", NULL, NULL, NULL},
	{"", NULL, NULL, NULL},
	{"\n", NULL, NULL, NULL},
};

TEST(mountinfo_lines)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mi_case *c = &cases[i];
		char line[256];
		snprintf(line, sizeof(line), "%s", c->line);
		struct fs_mountinfo m;
		int r = fs_mountinfo_parse(line, &m);
		if (!c->root) {
			CHECK(r == -EINVAL, "case %zu ('%s'): %d, expected -EINVAL", i, c->line, r);
			continue;
		}
		CHECK(r == 0, "case %zu: %d", i, r);
		if (r)
			continue;
		CHECK(strcmp(m.root, c->root) == 0, "case %zu: root '%s', expected '%s'", i, m.root, c->root);
		CHECK(strcmp(m.point, c->point) == 0, "case %zu: point '%s', expected '%s'", i, m.point, c->point);
		CHECK(strcmp(m.fstype, c->fstype) == 0, "case %zu: fstype '%s', expected '%s'", i, m.fstype,
		      c->fstype);
	}
}

/* The fields point into the line itself: nothing is copied or allocated. */
TEST(mountinfo_fields_in_place)
{
	char line[] = "24 1 8:1 / / rw,relatime - ext4 /dev/root rw";
	struct fs_mountinfo m;
	REQUIRE(fs_mountinfo_parse(line, &m) == 0, "parse");
	CHECK(m.root >= line && m.root < line + sizeof(line), "root outside the line");
	CHECK(m.point >= line && m.point < line + sizeof(line), "point outside the line");
	CHECK(m.fstype >= line && m.fstype < line + sizeof(line), "fstype outside the line");
	CHECK(strcmp(m.point, "/") == 0 && strcmp(m.fstype, "ext4") == 0, "'%s' '%s'", m.point, m.fstype);
}
