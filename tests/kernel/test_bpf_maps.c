/* tests/kernel/test_bpf_maps.c — bpf/ maps against the running kernel: hash ops and batches, names,
 * freezing, maps with BTF ids (and BTF_LOAD's log), pins on a bpffs (fs_bpffs_ensure, OBJ_PIN/GET).
 * Root only (skips otherwise); everything made here is removed, also when a check fails. */
#include "kbpf.h"

#include "bpf/fs.h"
#include "bpf/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- maps -------------------------------------------------------------------------------------- */

TEST(bpf_map_hash_ops)
{
	SKIP_UNLESS_ROOT();
	int fd = map_make(BPF_MAP_TYPE_HASH, 4, 8, 16, "rl_test_hash");
	REQUIRE(fd > 0, "map create: %s", sys_errno_name(fd));

	for (uint32_t k = 1; k <= 5; k++) {
		uint64_t v = k * 1000 + 7;
		CHECK(sys_map_update(fd, &k, &v, BPF_NOEXIST) == 0, "update %u", k);
	}
	uint32_t k = 3;
	uint64_t v = 0;
	CHECK(sys_map_update(fd, &k, &v, BPF_NOEXIST) == -EEXIST, "NOEXIST on a present key");
	CHECK(sys_map_lookup(fd, &k, &v, 0) == 0 && v == 3007, "lookup 3: %llu", (unsigned long long)v);

	/* Walk with next_key: every key once. */
	uint32_t seen = 0, key, next;
	int r, steps = 0;
	for (r = sys_map_next_key(fd, NULL, &next); r == 0 && steps < 10;
	     r = sys_map_next_key(fd, &key, &next), steps++) {
		CHECK(next >= 1 && next <= 5, "next_key gave %u", next);
		seen |= 1u << next;
		key = next;
	}
	CHECK(r == -ENOENT, "walk ends with ENOENT, got %d", r);
	CHECK(seen == 0x3e, "walk saw keys mask %#x", seen);

	k = 2;
	CHECK(sys_map_delete(fd, &k) == 0, "delete 2");
	CHECK(sys_map_lookup(fd, &k, &v, 0) == -ENOENT, "lookup of a deleted key");
	CHECK(sys_map_delete(fd, &k) == -ENOENT, "second delete");

	/* One batch big enough for all: -ENOENT (walk complete) with count 4. */
	uint32_t keys[16], count = 16;
	uint64_t vals[16], out_batch = 0;
	r = sys_map_lookup_batch(fd, NULL, &out_batch, keys, vals, &count, 0);
	CHECK(r == -ENOENT && count == 4, "batch: r=%d count=%u", r, count);
	uint32_t bseen = 0;
	for (uint32_t i = 0; i < count && i < 16; i++) {
		CHECK(vals[i] == keys[i] * 1000 + 7, "batch pair %u -> %llu", keys[i],
		      (unsigned long long)vals[i]);
		bseen |= 1u << keys[i];
	}
	CHECK(bseen == 0x3a, "batch saw keys mask %#x", bseen);
	/* Small batches of at most 3: a hash map hands out whole buckets, so a batch may hold fewer
	 * than asked (which keys share a bucket depends on the map's random seed); the batches
	 * together hold the 4 keys once each, and the last one ends the walk with -ENOENT. */
	uint64_t in_batch;
	uint32_t total = 0, small_seen = 0;
	int first = 1;
	for (int round = 0; round < 8; round++) {
		count = 3;
		r = sys_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch, keys, vals, &count, 0);
		first = 0;
		CHECK((r == 0 || r == -ENOENT) && count <= 3, "batch of at most 3: r=%d count=%u", r, count);
		for (uint32_t i = 0; i < count && i < 3; i++) {
			CHECK(!(small_seen & (1u << keys[i])), "key %u handed out twice", keys[i]);
			small_seen |= 1u << keys[i];
		}
		total += count;
		in_batch = out_batch;
		if (r != 0)
			break;
	}
	CHECK(r == -ENOENT && total == 4 && small_seen == 0x3a, "small batches: r=%d, %u keys, mask %#x", r,
	      total, small_seen);

	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	CHECK(sys_obj_info(fd, &info, &len) == 0, "map info");
	CHECK(info.type == BPF_MAP_TYPE_HASH && info.key_size == 4 && info.value_size == 8 &&
		      info.max_entries == 16 && strcmp(info.name, "rl_test_hash") == 0,
	      "info: type %u sizes %u/%u max %u name '%s'", info.type, info.key_size, info.value_size,
	      info.max_entries, info.name);
	int fd2 = sys_map_fd_by_id(info.id);
	CHECK(fd2 > 0, "map fd by id: %s", sys_errno_name(fd2));
	k = 4;
	CHECK(fd2 > 0 && sys_map_lookup(fd2, &k, &v, 0) == 0 && v == 4007, "lookup via the second fd");
	CHECK(fd2 < 0 || (fcntl(fd2, F_GETFD) & FD_CLOEXEC), "fds are close-on-exec");
	close_fd(&fd2);
	close_fd(&fd);
}

TEST(bpf_map_name_truncated)
{
	SKIP_UNLESS_ROOT();
	int fd = map_make(BPF_MAP_TYPE_ARRAY, 4, 4, 1, "a_name_longer_than_fifteen");
	REQUIRE(fd > 0, "map create: %s", sys_errno_name(fd));
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	CHECK(sys_obj_info(fd, &info, &len) == 0 && strcmp(info.name, "a_name_longer_t") == 0,
	      "name '%s'", info.name);
	close_fd(&fd);
}

TEST(bpf_map_freeze)
{
	SKIP_UNLESS_ROOT();
	int fd = map_make(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "rl_test_frozen");
	REQUIRE(fd > 0, "map create: %s", sys_errno_name(fd));
	uint32_t k = 0;
	uint64_t v = 42, got = 0;
	CHECK(sys_map_update(fd, &k, &v, BPF_ANY) == 0, "update before freeze");
	CHECK(sys_map_freeze(fd) == 0, "freeze");
	v = 43;
	int r = sys_map_update(fd, &k, &v, BPF_ANY);
	CHECK(r == -EPERM, "update after freeze: %d (%s)", r, sys_errno_name(r));
	CHECK(sys_map_lookup(fd, &k, &got, 0) == 0 && got == 42, "value kept: %llu",
	      (unsigned long long)got);
	close_fd(&fd);
}

/* ---- maps with BTF -------------------------------------------------------------------------------- */

/* A BTF blob with one type, [1] int (32 bits, signed). */
static size_t tiny_btf(unsigned char *buf)
{
	static const char strings[] = "\0int"; /* offsets 0 "" and 1 "int" */
	struct btf_header h = {.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
			       .type_off = 0, .type_len = 16, .str_off = 16, .str_len = sizeof(strings)};
	struct btf_type t = {.name_off = 1, .info = BTF_KIND_INT << 24, .size = 4};
	uint32_t enc = BTF_INT_SIGNED << 24 | 32; /* encoding, offset 0, bits */
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &t, sizeof(t));
	memcpy(buf + sizeof(h) + sizeof(t), &enc, 4);
	memcpy(buf + sizeof(h) + 16, strings, sizeof(strings));
	return sizeof(h) + 16 + sizeof(strings);
}

TEST(bpf_btf_load_and_map_with_btf)
{
	SKIP_UNLESS_ROOT();
	unsigned char blob[64];
	size_t n = tiny_btf(blob);
	int btf = sys_btf_load(blob, (uint32_t)n, verifier_log, sizeof(verifier_log), 1);
	REQUIRE(btf > 0, "btf load: %s\n%s", sys_errno_name(btf), verifier_log);
	struct sys_map_def def = {.name = "rl_btf_map", .type = BPF_MAP_TYPE_HASH, .key_size = 4,
				  .value_size = 4, .max_entries = 4, .btf_fd = btf,
				  .btf_key_type_id = 1, .btf_value_type_id = 1};
	int map = sys_map_create(&def);
	CHECK(map > 0, "map with BTF: %s", sys_errno_name(map));
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	CHECK(map > 0 && sys_obj_info(map, &info, &len) == 0 && info.btf_id != 0 &&
		      info.btf_key_type_id == 1 && info.btf_value_type_id == 1,
	      "map info: btf %u key %u value %u", info.btf_id, info.btf_key_type_id,
	      info.btf_value_type_id);
	close_fd(&map);
	/* A value type id that is not there. */
	def.btf_value_type_id = 7;
	map = sys_map_create(&def);
	CHECK(map == -EINVAL, "bad BTF id: %d (%s)", map, sys_errno_name(map));
	close_fd(&map);
	close_fd(&btf);

	/* A bad magic: refused, and the log says why. */
	blob[0] ^= 0xff;
	verifier_log[0] = '\0';
	btf = sys_btf_load(blob, (uint32_t)n, verifier_log, sizeof(verifier_log), 1);
	CHECK(btf == -EINVAL && verifier_log[0] != '\0', "bad magic: %d, log '%.80s'", btf, verifier_log);
	ktest_note("BTF with a bad magic: %s, log: %.60s", sys_errno_name(btf), verifier_log);
	close_fd(&btf);
}

/* ---- bpffs and pins ---------------------------------------------------------------------------- */

static void pin_body(void)
{
	struct diag d = {""};
	char dir[128], sub[160], pin[192], other[200];
	snprintf(dir, sizeof(dir), "/sys/fs/bpf/rawload-test-%d", (int)getpid());
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	snprintf(pin, sizeof(pin), "%s/map", sub);
	int r = fs_bpffs_ensure(sub, &d);
	REQUIRE(r == 0, "fs_bpffs_ensure: %s", d.msg);
	CHECK(fs_is_bpffs("/sys/fs/bpf") == 1 && fs_is_bpffs(sub) == 1, "on bpffs");
	CHECK(fs_bpffs_ensure(sub, &d) == 0, "second time: %s", d.msg);
	CHECK(fs_is_bpffs("/tmp") == 0, "/tmp is not a bpffs");

	int map = map_make(BPF_MAP_TYPE_ARRAY, 4, 4, 1, "rl_pinned"), got = -1;
	CHECK(map > 0, "map: %s", sys_errno_name(map));
	r = sys_obj_pin(map, pin);
	CHECK(r == 0, "pin: %s", sys_errno_name(r));
	CHECK(sys_obj_pin(map, pin) == -EEXIST, "pin twice");
	got = sys_obj_get(pin, 0);
	CHECK(got > 0, "get: %s", sys_errno_name(got));
	struct bpf_map_info a, b;
	uint32_t la = sizeof(a), lb = sizeof(b);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	CHECK(sys_obj_info(map, &a, &la) == 0 && sys_obj_info(got, &b, &lb) == 0 && a.id == b.id,
	      "same map: %u %u", a.id, b.id);
	close_fd(&got);
	got = sys_obj_get(pin, BPF_F_RDONLY);
	uint32_t k = 0, v = 1;
	CHECK(got > 0 && sys_map_update(got, &k, &v, BPF_ANY) == -EPERM, "read-only fd refuses writes");
	close_fd(&got);
	unlink(pin);
	CHECK(sys_obj_get(pin, 0) == -ENOENT, "pin removed");
	close_fd(&map);
	snprintf(other, sizeof(other), "%s/a", dir);
	rmdir(sub);
	rmdir(other);
	rmdir(dir);
	CHECK(access(dir, F_OK) != 0, "test directory removed");

	/* Not on a bpffs: refused, and nothing is created. */
	snprintf(other, sizeof(other), "/tmp/rawload-not-bpffs-%d/x", (int)getpid());
	r = fs_bpffs_ensure(other, &d);
	CHECK(r == -EINVAL && strncmp(d.msg, "bpffs: ", 7) == 0, "outside bpffs: %d %s", r, d.msg);
	other[strlen(other) - 2] = '\0';
	CHECK(access(other, F_OK) != 0, "%s not created", other);
	CHECK(fs_bpffs_ensure("/sys/fs/bpf/../x", &d) == -EINVAL, "'..': %s", d.msg);
}

TEST(bpf_bpffs_pin)
{
	SKIP_UNLESS_ROOT();
	in_private_mounts(pin_body);
}
