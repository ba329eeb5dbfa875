/* tests/kernel/test_load_pins.c — load_object() and bpffs: maps pinned by name are pinned, reused,
 * refused when the pin differs; --pin DIR pins every map and program; a failed load takes back its
 * pins. Pins go under a bpffs directory each test makes and removes. Root only. */
#include "ktest.h"

#include "bpf/sys.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- maps pinned by name ------------------------------------------------------------------------- */

/* A map of the given definition pinned at path (whatever was there is removed first); returns its
 * fd or a negative errno. */
static int pin_conflicting(const char *path, const char *name, uint32_t type, uint32_t key, uint32_t value,
			   uint32_t max_entries, uint32_t flags)
{
	struct sys_map_def def = {.name = name, .type = type, .key_size = key, .value_size = value,
				  .max_entries = max_entries, .flags = flags};
	unlink(path);
	int fd = sys_map_create(&def);
	if (fd < 0)
		return fd;
	int err = sys_obj_pin(fd, path);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* bpftool's list of paths for map id names path. */
static bool bpftool_sees_pin(uint32_t id, const char *path)
{
	char *js = ktest_bpftool("-f map show id %u", id);
	char want[600];
	snprintf(want, sizeof(want), "\"%s\"", path);
	bool ok = js && strstr(js, "\"pinned\":[") && strstr(js, want);
	free(js);
	return ok;
}

struct conflict {
	uint32_t type, key, value, max_entries, flags;
	const char *what; /* the word the diagnostic must use */
};

/* The pinning story of one object and one of its maps, pinned at pin_root + rel:
 * first load pins it; a second load (first still open) reuses it; after both close the pin keeps
 * the map and its contents for a third load; a pinned map of another definition is refused with
 * -EEXIST and a diagnostic naming the map, the path and the difference. */
static void pin_story(const char *objpath, const char *map, const char *rel, const struct conflict *conf,
		      size_t nconf, const void *val, uint32_t value_size)
{
	FDS_BEGIN();
	char dir[128], path[512];
	ktest_bpffs_dir(dir, sizeof(dir), "pin");
	ktest_rm_bpffs_tree(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	/* The default location must stay untouched (only checked when nothing is there already). */
	char shared[512];
	snprintf(shared, sizeof(shared), "/sys/fs/bpf/%s", rel);
	bool shared_before = ktest_exists(shared);
	struct load_opts opts = {.pin_root = dir};
	struct kobj a, b, c;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	int conflict_fd = -1, pinned_fd = -1;
	uint8_t got[64];
	uint32_t key = 1;

	int err = kobj_load(&a, objpath, &opts);
	CHECK(err == 0, "first load: %s", a.d.msg);
	if (err)
		goto out;
	int i = obj_find_map(&a.o, map);
	CHECK(i >= 0 && !a.l.map_reused[i], "first load: '%s' reused?", map);
	if (i < 0)
		goto out;
	uint32_t id = ktest_map_id(a.l.map_fds[i]);
	CHECK(ktest_exists(path), "%s not pinned", path);
	pinned_fd = sys_obj_get(path, 0);
	CHECK(pinned_fd >= 0 && ktest_map_id(pinned_fd) == id, "the pin at %s is not map id %u (%s)", path, id,
	      sys_errno_name(pinned_fd));
	CHECK(bpftool_sees_pin(id, path), "bpftool -f does not list %s for map %u", path, id);
	CHECK(sys_map_update(a.l.map_fds[i], &key, val, BPF_ANY) == 0, "update through the first load");

	err = kobj_load(&b, objpath, &opts);
	CHECK(err == 0, "second load: %s", b.d.msg);
	if (!err) {
		CHECK(b.l.map_reused[i], "second load did not reuse '%s'", map);
		CHECK(ktest_map_id(b.l.map_fds[i]) == id, "second load: map id %u, pinned %u",
		      ktest_map_id(b.l.map_fds[i]), id);
		for (uint32_t j = 0; j < b.o.nmaps; j++)
			if ((int)j != i && b.l.map_fds[j] >= 0)
				CHECK(!b.l.map_reused[j] && ktest_map_id(b.l.map_fds[j]) != ktest_map_id(a.l.map_fds[j]),
				      "map '%s' is not pinned but was shared", b.o.maps[j].name);
		memset(got, 0, sizeof(got));
		CHECK(sys_map_lookup(b.l.map_fds[i], &key, got, 0) == 0 && !memcmp(got, val, value_size),
		      "second load does not see the first one's value");
	}
	kobj_close(&b);
	kobj_close(&a);
	if (pinned_fd >= 0)
		close(pinned_fd);
	pinned_fd = -1;

	err = kobj_load(&c, objpath, &opts);
	CHECK(err == 0, "third load: %s", c.d.msg);
	if (!err) {
		CHECK(c.l.map_reused[i] && ktest_map_id(c.l.map_fds[i]) == id, "third load: reused %d, id %u, want %u",
		      c.l.map_reused[i], ktest_map_id(c.l.map_fds[i]), id);
		memset(got, 0, sizeof(got));
		CHECK(sys_map_lookup(c.l.map_fds[i], &key, got, 0) == 0 && !memcmp(got, val, value_size),
		      "the pin lost the map's contents");
	}
	kobj_close(&c);

	for (size_t n = 0; n < nconf; n++) {
		const struct conflict *x = &conf[n];
		conflict_fd = pin_conflicting(path, map, x->type, x->key, x->value, x->max_entries, x->flags);
		CHECK(conflict_fd >= 0, "conflicting map at %s: %s", path, sys_errno_name(conflict_fd));
		if (conflict_fd < 0)
			break;
		int before = ktest_count_fds();
		err = kobj_load(&c, objpath, &opts);
		CHECK(err == -EEXIST, "conflict in %s: load gave %s (%s), want EEXIST", x->what, sys_errno_name(err),
		      c.d.msg);
		CHECK(strstr(c.d.msg, map) && strstr(c.d.msg, path) && strstr(c.d.msg, x->what),
		      "conflict in %s: diag '%s' should name '%s', %s and the difference", x->what, c.d.msg, map, path);
		ktest_note("conflict in %s: %s", x->what, c.d.msg);
		CHECK(!c.loaded && c.l.map_fds == NULL, "conflict in %s: a failed load keeps fds", x->what);
		kobj_close(&c);
		CHECK(ktest_count_fds() == before, "conflict in %s: fds %d after, %d before", x->what,
		      ktest_count_fds(), before);
		/* the refused pin is left alone */
		pinned_fd = sys_obj_get(path, 0);
		CHECK(pinned_fd >= 0 && ktest_map_id(pinned_fd) == ktest_map_id(conflict_fd),
		      "conflict in %s: the pin was replaced", x->what);
		if (pinned_fd >= 0)
			close(pinned_fd);
		pinned_fd = -1;
		close(conflict_fd);
		conflict_fd = -1;
	}
out:
	kobj_close(&c);
	kobj_close(&b);
	kobj_close(&a);
	if (pinned_fd >= 0)
		close(pinned_fd);
	if (conflict_fd >= 0)
		close(conflict_fd);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	CHECK(shared_before || !ktest_exists(shared), "%s was created: pin_root not honoured", shared);
	FDS_END();
}

/* btf_maps: flags_hash (HASH 4/8/128, BPF_F_NO_PREALLOC, LIBBPF_PIN_BY_NAME) at <root>/flags_hash. */
TEST(load_pin_by_name_btf)
{
	KTEST_NEED_BPF();
	static const struct conflict conf[] = {
		{BPF_MAP_TYPE_HASH, 4, 4, 128, BPF_F_NO_PREALLOC, "value size"},
		{BPF_MAP_TYPE_HASH, 4, 8, 128, 0, "flags"},
		{BPF_MAP_TYPE_HASH, 4, 8, 64, BPF_F_NO_PREALLOC, "max_entries"},
		{BPF_MAP_TYPE_LRU_HASH, 4, 8, 128, 0, "type"},
		{BPF_MAP_TYPE_HASH, 8, 8, 128, BPF_F_NO_PREALLOC, "key size"},
	};
	uint64_t v = 0x1122334455667788ull;
	pin_story(BTF_MAPS, "flags_hash", "flags_hash", conf, ARRAY_LEN(conf), &v, sizeof(v));
}

/* legacy_iproute2: tc_counter (ARRAY 4/8/2, PIN_GLOBAL_NS) at <root>/tc/globals/tc_counter. */
TEST(load_pin_iproute2_global_ns)
{
	KTEST_NEED_BPF();
	static const struct conflict conf[] = {
		{BPF_MAP_TYPE_ARRAY, 4, 8, 3, 0, "max_entries"},
		{BPF_MAP_TYPE_ARRAY, 4, 16, 2, 0, "value size"},
		{BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 2, 0, "type"},
	};
	uint64_t v = 77;
	pin_story(IPROUTE2, "tc_counter", "tc/globals/tc_counter", conf, ARRAY_LEN(conf), &v, sizeof(v));
}

/* Something else than a map pinned where a map should be reused: refused, and nothing replaced. */
TEST(load_pin_path_holds_a_program)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	char dir[128], path[256];
	struct kobj p, k;
	memset(&k, 0, sizeof(k));
	ktest_bpffs_dir(dir, sizeof(dir), "pinprog");
	ktest_rm_bpffs_tree(dir);
	snprintf(path, sizeof(path), "%s/flags_hash", dir);
	int err = kobj_load(&p, "examples/counter.o", NULL);
	CHECK(err == 0, "load counter: %s", p.d.msg);
	if (err)
		goto out;
	CHECK(mkdir(dir, 0700) == 0, "mkdir %s", dir);
	int prog = kobj_prog_fd(&p, "count_packets");
	CHECK(sys_obj_pin(prog, path) == 0, "pin a program at %s", path);
	struct load_opts opts = {.pin_root = dir};
	err = kobj_load(&k, BTF_MAPS, &opts);
	ktest_note("program pinned at the map's path: %s: %s", sys_errno_name(err), k.d.msg);
	CHECK(err < 0, "btf_maps loaded although a program is pinned at %s", path);
	CHECK(strstr(k.d.msg, "flags_hash") && strstr(k.d.msg, path), "diag '%s' names neither map nor path", k.d.msg);
	int again = sys_obj_get(path, 0);
	CHECK(again >= 0 && ktest_prog_id(again) == ktest_prog_id(prog), "the pinned program was replaced");
	if (again >= 0)
		close(again);
out:
	kobj_close(&k);
	kobj_close(&p);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
}

/* ---- --pin DIR ------------------------------------------------------------------------------------------- */

/* The pin under dir/sub whose object has this id, or "" (names are the loader's choice). */
static void find_pin(const char *dir, const char *sub, uint32_t id, bool is_prog, char *out, size_t n)
{
	char d[512];
	snprintf(d, sizeof(d), "%s/%s", dir, sub);
	out[0] = '\0';
	char *ls = ktest_popen(NULL, "ls -A '%s' 2>/dev/null", d);
	for (char *name = ls ? strtok(ls, "\n") : NULL; name; name = strtok(NULL, "\n")) {
		char path[1100];
		snprintf(path, sizeof(path), "%s/%s", d, name);
		int fd = sys_obj_get(path, 0);
		if (fd < 0)
			continue;
		uint32_t got = is_prog ? ktest_prog_id(fd) : ktest_map_id(fd);
		close(fd);
		if (got == id) {
			size_t len = strlen(path);
			if (len >= n)
				len = n - 1;
			memcpy(out, path, len);
			out[len] = '\0';
			break;
		}
	}
	free(ls);
}

/* Entries under dir/sub (0 when it does not exist). */
static int count_entries(const char *dir, const char *sub)
{
	int st = -1, n = 0;
	char *ls = ktest_popen(&st, "ls -A '%s/%s' 2>/dev/null", dir, sub);
	for (char *p = ls; p && *p; p++)
		n += *p == '\n';
	free(ls);
	return n;
}

/* load_opts.pin_dir (the CLI's --pin DIR): every map pinned below DIR/maps, programs at
 * DIR/progs/<name>; after the loader closes, the pins keep both alive; a second load reuses every
 * map. global_data's maps have dots in their names (global_d.data, .rodata.str1.1); bpffs refuses
 * dots in names (kernel/bpf/inode.c, bpf_lookup: EPERM; libbpf replaces them with '_'). */
TEST(load_pin_dir)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	char dir[128], path[512];
	uint8_t pkt[64];
	struct kobj k;
	int pinned = -1;
	memset(&k, 0, sizeof(k));
	ktest_bpffs_dir(dir, sizeof(dir), "pindir");
	ktest_rm_bpffs_tree(dir);
	struct load_opts opts = {.pin_dir = dir, .pin_root = dir};
	int err = kobj_load(&k, "build/progs/global_data.bpfel.o", &opts);
	CHECK(err == 0, "load: %s", k.d.msg);
	if (err) {
		/* a failed load leaves nothing pinned (load_failed_pin_leaves_no_pins) */
		CHECK(count_entries(dir, "maps") <= 0, "the failed load left %d pins in %s/maps",
		      count_entries(dir, "maps"), dir);
		goto out;
	}
	uint32_t prog_id = ktest_prog_id(kobj_prog_fd(&k, "gd_prog"));
	uint32_t ids[16] = {0};
	for (uint32_t i = 0; i < k.o.nmaps && i < 16; i++) {
		if (k.l.map_fds[i] < 0)
			continue;
		ids[i] = ktest_map_id(k.l.map_fds[i]);
		find_pin(dir, "maps", ids[i], false, path, sizeof(path));
		CHECK(path[0], "map '%s' (id %u) is not pinned below %s/maps", k.o.maps[i].name, ids[i], dir);
	}
	snprintf(path, sizeof(path), "%s/progs/gd_prog", dir);
	kobj_close(&k);
	pinned = sys_obj_get(path, 0);
	CHECK(pinned >= 0 && ktest_prog_id(pinned) == prog_id, "%s: %s", path, sys_errno_name(pinned));
	if (pinned < 0)
		goto out;
	/* The pinned program still runs against the pinned maps. */
	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 0);
	CHECK(ktest_run(pinned, pkt, n, 2) == XDP_PASS, "pinned gd_prog");
	close(pinned);
	pinned = -1;

	err = kobj_load(&k, "build/progs/global_data.bpfel.o", &opts);
	CHECK(err == 0, "second load: %s", k.d.msg);
	if (err)
		goto out;
	for (uint32_t i = 0; i < k.o.nmaps && i < 16; i++)
		if (k.l.map_fds[i] >= 0)
			CHECK(k.l.map_reused[i] && ktest_map_id(k.l.map_fds[i]) == ids[i], "map '%s': reused %d, id %u, was %u",
			      k.o.maps[i].name, k.l.map_reused[i], ktest_map_id(k.l.map_fds[i]), ids[i]);
	/* Reused maps keep their contents: two runs of the pinned program made data_val 3 + 2. */
	int data = kobj_map_fd(&k, "global_d.data");
	CHECK(data >= 0 && read_u32(data, 0) == 5, "data_val in the reused map: %u, want 5", read_u32(data, 0));
	pinned = sys_obj_get(path, 0);
	CHECK(pinned >= 0 && ktest_prog_id(pinned) == ktest_prog_id(kobj_prog_fd(&k, "gd_prog")),
	      "the program pin was not replaced by the second load's program");
out:
	if (pinned >= 0)
		close(pinned);
	kobj_close(&k);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
}

/* A load that fails in its pin pass takes back the pins it made: they would keep its maps alive
 * after load_object said it failed and closed everything. Here DIR/progs is taken by a pinned map,
 * so the programs cannot be pinned after the maps were. */
TEST(load_failed_pin_leaves_no_pins)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	char dir[128], path[512];
	struct kobj k;
	memset(&k, 0, sizeof(k));
	ktest_bpffs_dir(dir, sizeof(dir), "pinfail");
	ktest_rm_bpffs_tree(dir);
	int blocker = -1;
	struct sys_map_def def = {.name = "blocker", .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4,
				  .max_entries = 1};
	CHECK(mkdir(dir, 0700) == 0, "mkdir %s", dir);
	blocker = sys_map_create(&def);
	snprintf(path, sizeof(path), "%s/progs", dir);
	CHECK(blocker >= 0 && sys_obj_pin(blocker, path) == 0, "pin the blocker at %s", path);
	struct load_opts opts = {.pin_dir = dir};
	int err = kobj_load(&k, "examples/counter.o", &opts);
	CHECK(err < 0, "load succeeded although %s is taken", path);
	ktest_note("progs dir taken: %s: %s", sys_errno_name(err), k.d.msg);
	CHECK(count_entries(dir, "maps") <= 0, "the failed load left %d pins in %s/maps", count_entries(dir, "maps"), dir);
	kobj_close(&k);
	if (blocker >= 0)
		close(blocker);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
}
