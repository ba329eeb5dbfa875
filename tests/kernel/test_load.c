/* tests/kernel/test_load.c — load_object() against the running kernel with every example and test
 * object, and the loaded programs' behaviour under BPF_PROG_TEST_RUN, read back from the maps.
 * Kernel state is read with BPF_OBJ_GET_INFO_BY_FD and, as an independent witness, bpftool.
 * Nothing is attached anywhere and no traffic is sent. Maps pinned by name go under a bpffs
 * directory made per test (load_opts.pin_root), removed at the end of the test also when a check
 * failed; every test also checks that it left no fd open. Root only (skips otherwise). */
#include "ktest.h"

#include "bpf/ringbuf.h"
#include "bpf/sys.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Every test starts with this and ends with FDS_END(): it leaves no fd open. */
#define FDS_BEGIN() int fds_at_start_ = ktest_count_fds()
#define FDS_END()                                                                                  \
	CHECK(ktest_count_fds() == fds_at_start_, "fds open: %d at the start, %d at the end",     \
	      fds_at_start_, ktest_count_fds())

static const char *const BTF_MAPS = "build/progs/btf_maps.bpfel.o";
static const char *const IPROUTE2 = "build/progs/legacy_iproute2.bpfel.o";

/* ---- expected kernel state of each object -------------------------------------------------------- */

enum btf_ids { BTF_NONE, BTF_KEY_VALUE, BTF_VALUE_ONLY };

struct map_expect {
	const char *name;      /* as in the object */
	const char *kname;     /* as the kernel reports it (<= 15 chars) */
	uint32_t type, key, value, max_entries, flags;
	uint64_t map_extra;
	enum btf_ids btf;
	const char *bpftool_type;
};

struct prog_expect {
	const char *name;
	uint32_t type;
	const char *bpftool_type;
};

struct obj_expect {
	const char *path;
	const struct map_expect *maps;
	size_t nmaps;
	const struct prog_expect *progs;
	size_t nprogs;
	const char *const *skip; /* programs not to load (NULL-terminated), or NULL */
};

#define RDONLY BPF_F_RDONLY_PROG

static const struct map_expect counter_maps[] = {
	{"pkt_count", "pkt_count", BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, BTF_KEY_VALUE, "array"},
};
static const struct prog_expect counter_progs[] = {{"count_packets", BPF_PROG_TYPE_XDP, "xdp"}};

/* .rodata of show-ip holds the bpf_printk format "show-ip: %pI4 -> %pI4" and its NUL. */
static const struct map_expect show_ip_maps[] = {
	{"ips", "ips", BPF_MAP_TYPE_ARRAY, 4, 12, 1, 0, 0, BTF_KEY_VALUE, "array"},
	{"show_ip.rodata", "show_ip.rodata", BPF_MAP_TYPE_ARRAY, 4, sizeof("show-ip: %pI4 -> %pI4"), 1,
	 RDONLY, 0, BTF_VALUE_ONLY, "array"},
};
static const struct prog_expect show_ip_progs[] = {{"get_ips", BPF_PROG_TYPE_XDP, "xdp"}};

/* A ring buffer is created with key 0, value 0 and no BTF ids, whatever value type it declares. */
static const struct map_expect execsnoop_maps[] = {
	{"exec_count", "exec_count", BPF_MAP_TYPE_HASH, 16, 8, 1024, 0, 0, BTF_KEY_VALUE, "hash"},
	{"events", "events", BPF_MAP_TYPE_RINGBUF, 0, 0, 256 * 1024, 0, 0, BTF_NONE, "ringbuf"},
};
static const struct prog_expect execsnoop_progs[] = {
	{"trace_execve", BPF_PROG_TYPE_TRACEPOINT, "tracepoint"},
};

/* fd-array maps (prog array, map-in-map) get no BTF key/value ids: the kernel refuses them. A bloom
 * filter has no key (key_size 0): only its value type. */
static const struct map_expect btf_maps_maps[] = {
	{"flags_hash", "flags_hash", BPF_MAP_TYPE_HASH, 4, 8, 128, BPF_F_NO_PREALLOC, 0, BTF_KEY_VALUE, "hash"},
	{"inner_a", "inner_a", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, BTF_KEY_VALUE, "array"},
	{"inner_b", "inner_b", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, BTF_KEY_VALUE, "array"},
	{"outer", "outer", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0, 0, BTF_NONE, "array_of_maps"},
	{"jmp_table", "jmp_table", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, 0, BTF_NONE, "prog_array"},
	{"bloom", "bloom", BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 64, 0, 3, BTF_VALUE_ONLY, "bloom_filter"},
};
static const struct prog_expect btf_maps_progs[] = {
	{"xdp_entry", BPF_PROG_TYPE_XDP, "xdp"},
	{"tail_target", BPF_PROG_TYPE_XDP, "xdp"},
	{"mim_lookup", BPF_PROG_TYPE_XDP, "xdp"},
};

/* Global data: libbpf's names; values are DATASECs (no key type); .rodata* are read-only for
 * programs; .rodata.str1.1 has no DATASEC, so no BTF at all. */
static const struct map_expect global_data_maps[] = {
	{"global_d.data", "global_d.data", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, BTF_VALUE_ONLY, "array"},
	{"global_d.rodata", "global_d.rodata", BPF_MAP_TYPE_ARRAY, 4, 10, 1, RDONLY, 0, BTF_VALUE_ONLY, "array"},
	{"global_d.bss", "global_d.bss", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, BTF_VALUE_ONLY, "array"},
	{".data.custom", ".data.custom", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, BTF_VALUE_ONLY, "array"},
	{".bss.extra", ".bss.extra", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, BTF_VALUE_ONLY, "array"},
	{".rodata.str1.1", ".rodata.str1.1", BPF_MAP_TYPE_ARRAY, 4, 12, 1, RDONLY, 0, BTF_NONE, "array"},
};
static const struct prog_expect global_data_progs[] = {{"gd_prog", BPF_PROG_TYPE_XDP, "xdp"}};

/* Legacy `maps` records carry no BTF type ids. */
static const struct map_expect iproute2_maps[] = {
	{"tc_counter", "tc_counter", BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0, 0, BTF_NONE, "array"},
	{"tc_seen", "tc_seen", BPF_MAP_TYPE_HASH, 4, 4, 8, 0, 0, BTF_NONE, "hash"},
};
static const struct prog_expect iproute2_progs[] = {{"tc_count", BPF_PROG_TYPE_SCHED_CLS, "sched_cls"}};

static const struct map_expect legacy_maps_maps[] = {
	{"legacy_hash", "legacy_hash", BPF_MAP_TYPE_HASH, 4, 8, 16, 0, 0, BTF_NONE, "hash"},
	{"legacy_array", "legacy_array", BPF_MAP_TYPE_ARRAY, 4, 4, 4, 0, 0, BTF_NONE, "array"},
};
static const struct prog_expect legacy_maps_progs[] = {{"legacy_xdp", BPF_PROG_TYPE_XDP, "xdp"}};

static const struct map_expect samples_maps[] = {
	{"sample_map", "sample_map", BPF_MAP_TYPE_ARRAY, 4, 8, 8, 0, 0, BTF_NONE, "array"},
};
static const struct prog_expect samples_progs[] = {
	{"sock_prog", BPF_PROG_TYPE_SOCKET_FILTER, "socket_filter"},
};

static const struct map_expect ringbuf_maps[] = {
	{"rb", "rb", BPF_MAP_TYPE_RINGBUF, 0, 0, 16384, 0, 0, BTF_NONE, "ringbuf"},
};
static const struct prog_expect ringbuf_progs[] = {{"rb_emit", BPF_PROG_TYPE_XDP, "xdp"}};

static const struct prog_expect subprogs_progs[] = {
	{"sub_a", BPF_PROG_TYPE_XDP, "xdp"},
	{"sub_b", BPF_PROG_TYPE_XDP, "xdp"},
};

/* fentry, fexit and lsm are refused by this machine's kernel lockdown (load_sections_refused
 * shows it); p_weird has a section name no loader knows. Everything else loads. */
static const char *const sections_skip[] = {"p_fentry", "p_fexit", "p_lsm", "p_weird", NULL};
static const struct prog_expect sections_progs[] = {
	{"p_xdp", BPF_PROG_TYPE_XDP, "xdp"},
	{"p_xdp_frags", BPF_PROG_TYPE_XDP, "xdp"},
	{"p_tracepoint", BPF_PROG_TYPE_TRACEPOINT, "tracepoint"},
	{"p_tp", BPF_PROG_TYPE_TRACEPOINT, "tracepoint"},
	{"p_raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, "raw_tracepoint"},
	{"p_raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT, "raw_tracepoint"},
	{"p_tp_btf", BPF_PROG_TYPE_TRACING, "tracing"},
	{"p_kprobe", BPF_PROG_TYPE_KPROBE, "kprobe"},
	{"p_kretprobe", BPF_PROG_TYPE_KPROBE, "kprobe"},
	{"p_uprobe", BPF_PROG_TYPE_KPROBE, "kprobe"},
	{"p_uretprobe", BPF_PROG_TYPE_KPROBE, "kprobe"},
	{"p_tc", BPF_PROG_TYPE_SCHED_CLS, "sched_cls"},
	{"p_classifier", BPF_PROG_TYPE_SCHED_CLS, "sched_cls"},
	{"p_tcx", BPF_PROG_TYPE_SCHED_CLS, "sched_cls"},
	{"p_socket", BPF_PROG_TYPE_SOCKET_FILTER, "socket_filter"},
	{"p_cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB, "cgroup_skb"},
	{"p_perf_event", BPF_PROG_TYPE_PERF_EVENT, "perf_event"},
	{"p_iter", BPF_PROG_TYPE_TRACING, "tracing"},
	{"p_sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, "sk_lookup"},
};

#define EXPECT(path_, maps_, progs_, skip_) {path_, maps_, ARRAY_LEN(maps_), progs_, ARRAY_LEN(progs_), skip_}
#define EXPECT_NOMAPS(path_, progs_, skip_) {path_, NULL, 0, progs_, ARRAY_LEN(progs_), skip_}

static const struct obj_expect expect_counter = EXPECT("examples/counter.o", counter_maps, counter_progs, NULL);
static const struct obj_expect expect_show_ip = EXPECT("examples/show-ip.o", show_ip_maps, show_ip_progs, NULL);
static const struct obj_expect expect_execsnoop =
	EXPECT("examples/execsnoop.o", execsnoop_maps, execsnoop_progs, NULL);
static const struct obj_expect expect_btf_maps = EXPECT(BTF_MAPS, btf_maps_maps, btf_maps_progs, NULL);
static const struct obj_expect expect_global_data =
	EXPECT("build/progs/global_data.bpfel.o", global_data_maps, global_data_progs, NULL);
static const struct obj_expect expect_iproute2 = EXPECT(IPROUTE2, iproute2_maps, iproute2_progs, NULL);
static const struct obj_expect expect_legacy_maps =
	EXPECT("build/progs/legacy_maps.bpfel.o", legacy_maps_maps, legacy_maps_progs, NULL);
static const struct obj_expect expect_samples =
	EXPECT("build/progs/legacy_samples.bpfel.o", samples_maps, samples_progs, NULL);
static const struct obj_expect expect_ringbuf =
	EXPECT("build/progs/ringbuf_typed.bpfel.o", ringbuf_maps, ringbuf_progs, NULL);
static const struct obj_expect expect_subprogs =
	EXPECT_NOMAPS("build/progs/subprogs.bpfel.o", subprogs_progs, NULL);
static const struct obj_expect expect_sections =
	EXPECT_NOMAPS("build/progs/sections.bpfel.o", sections_progs, sections_skip);

/* ---- checking one loaded object ------------------------------------------------------------------ */

static uint32_t btf_obj_id(int btf_fd)
{
	struct bpf_btf_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	return btf_fd >= 0 && sys_obj_info(btf_fd, &info, &len) == 0 ? info.id : 0;
}

/* bpftool's view of map id agrees with what we expect. */
static void check_map_bpftool(const struct map_expect *e, uint32_t id)
{
	char *js = ktest_bpftool("map show id %u", id);
	CHECK(js, "map '%s': bpftool map show id %u failed", e->name, id);
	if (!js)
		return;
	char s[64] = "";
	uint64_t v = ~0ull;
	CHECK(ktest_json_str(js, "type", s, sizeof(s)) == 0 && !strcmp(s, e->bpftool_type),
	      "map '%s': bpftool type '%s', want '%s'", e->name, s, e->bpftool_type);
	CHECK(ktest_json_str(js, "name", s, sizeof(s)) == 0 && !strcmp(s, e->kname),
	      "map '%s': bpftool name '%s', want '%s'", e->name, s, e->kname);
	CHECK(ktest_json_u64(js, "bytes_key", &v) == 0 && v == e->key, "map '%s': bpftool bytes_key %llu, want %u",
	      e->name, (unsigned long long)v, e->key);
	CHECK(ktest_json_u64(js, "bytes_value", &v) == 0 && v == e->value,
	      "map '%s': bpftool bytes_value %llu, want %u", e->name, (unsigned long long)v, e->value);
	CHECK(ktest_json_u64(js, "max_entries", &v) == 0 && v == e->max_entries,
	      "map '%s': bpftool max_entries %llu, want %u", e->name, (unsigned long long)v, e->max_entries);
	CHECK(ktest_json_u64(js, "flags", &v) == 0 && (v & ~(uint64_t)BPF_F_MMAPABLE) == e->flags,
	      "map '%s': bpftool flags %#llx, want %#x", e->name, (unsigned long long)v, e->flags);
	free(js);
}

static void check_map(const struct kobj *k, const struct map_expect *e)
{
	int i = obj_find_map(&k->o, e->name);
	CHECK(i >= 0, "map '%s' is not in the model", e->name);
	if (i < 0)
		return;
	int fd = k->l.map_fds[i];
	struct bpf_map_info info;
	int err = fd >= 0 ? ktest_map_info(fd, &info) : -EBADF;
	CHECK(err == 0, "map '%s': no fd or no info: %s", e->name, sys_errno_name(err));
	if (err)
		return;
	CHECK(!strcmp(info.name, e->kname), "map '%s': kernel name '%s', want '%s'", e->name, info.name, e->kname);
	CHECK(info.type == e->type, "map '%s': type %u, want %u", e->name, info.type, e->type);
	CHECK(info.key_size == e->key, "map '%s': key_size %u, want %u", e->name, info.key_size, e->key);
	CHECK(info.value_size == e->value, "map '%s': value_size %u, want %u", e->name, info.value_size, e->value);
	CHECK(info.max_entries == e->max_entries, "map '%s': max_entries %u, want %u", e->name, info.max_entries,
	      e->max_entries);
	/* BPF_F_MMAPABLE on global data would be fine too (libbpf sets it); nothing else may differ. */
	CHECK((info.map_flags & ~(uint32_t)BPF_F_MMAPABLE) == e->flags, "map '%s': map_flags %#x, want %#x",
	      e->name, info.map_flags, e->flags);
	CHECK(info.map_extra == e->map_extra, "map '%s': map_extra %llu, want %llu", e->name,
	      (unsigned long long)info.map_extra, (unsigned long long)e->map_extra);
	switch (e->btf) {
	case BTF_KEY_VALUE:
		CHECK(info.btf_key_type_id && info.btf_value_type_id, "map '%s': btf key/value ids %u/%u, want both",
		      e->name, info.btf_key_type_id, info.btf_value_type_id);
		break;
	case BTF_VALUE_ONLY:
		CHECK(!info.btf_key_type_id && info.btf_value_type_id, "map '%s': btf key/value ids %u/%u, want 0/set",
		      e->name, info.btf_key_type_id, info.btf_value_type_id);
		break;
	case BTF_NONE:
		CHECK(!info.btf_key_type_id && !info.btf_value_type_id, "map '%s': btf key/value ids %u/%u, want none",
		      e->name, info.btf_key_type_id, info.btf_value_type_id);
		break;
	}
	if (e->btf != BTF_NONE)
		CHECK(info.btf_id && info.btf_id == btf_obj_id(k->l.btf_fd), "map '%s': btf_id %u, object's BTF is %u",
		      e->name, info.btf_id, btf_obj_id(k->l.btf_fd));
	check_map_bpftool(e, info.id);
}

static bool skipped(const struct obj_expect *e, const char *name)
{
	for (const char *const *s = e->skip; s && *s; s++)
		if (!strcmp(*s, name))
			return true;
	return false;
}

static void check_prog(const struct kobj *k, const struct prog_expect *e)
{
	int i = obj_find_prog(&k->o, e->name);
	CHECK(i >= 0, "prog '%s' is not in the model", e->name);
	if (i < 0)
		return;
	int fd = k->l.prog_fds[i];
	struct bpf_prog_info info;
	int err = fd >= 0 ? ktest_prog_info(fd, &info) : -EBADF;
	CHECK(err == 0, "prog '%s': no fd or no info: %s", e->name, sys_errno_name(err));
	if (err)
		return;
	char want[16];
	snprintf(want, sizeof(want), "%s", e->name); /* the kernel keeps 15 characters */
	CHECK(!strcmp(info.name, want), "prog '%s': kernel name '%s', want '%s'", e->name, info.name, want);
	CHECK(info.type == e->type, "prog '%s': type %u, want %u", e->name, info.type, e->type);
	if (k->l.btf_fd >= 0)
		CHECK(info.btf_id == btf_obj_id(k->l.btf_fd) && info.nr_func_info >= 1,
		      "prog '%s': btf_id %u (object's %u), %u func_info", e->name, info.btf_id,
		      btf_obj_id(k->l.btf_fd), info.nr_func_info);
	char *js = ktest_bpftool("prog show id %u", info.id);
	CHECK(js, "prog '%s': bpftool prog show id %u failed", e->name, info.id);
	if (js) {
		char s[64] = "";
		CHECK(ktest_json_str(js, "type", s, sizeof(s)) == 0 && !strcmp(s, e->bpftool_type),
		      "prog '%s': bpftool type '%s', want '%s'", e->name, s, e->bpftool_type);
		/* bpftool shows the full name: for a 15-character kernel name it reads the name of the
		 * program's BTF FUNC (func_info[0]) instead, which also shows func_info arrived. */
		CHECK(ktest_json_str(js, "name", s, sizeof(s)) == 0 && !strcmp(s, e->name),
		      "prog '%s': bpftool name '%s', want '%s'", e->name, s, e->name);
		free(js);
	}
}

/* Load e->path (maps pinned by name go below a fresh bpffs dir, removed afterwards) and compare
 * the kernel's objects with e: every map and program and nothing else. */
static void load_and_check(const struct obj_expect *e)
{
	FDS_BEGIN();
	char dir[128];
	ktest_bpffs_dir(dir, sizeof(dir), "objs");
	ktest_rm_bpffs_tree(dir);
	struct kobj k;
	bool *skip = NULL;
	int err = kobj_open(&k, e->path);
	CHECK(err == 0, "%s: %s", e->path, k.d.msg);
	if (err)
		goto out;
	skip = calloc(k.o.nprogs + 1, sizeof(bool));
	for (uint32_t i = 0; i < k.o.nprogs; i++)
		skip[i] = skipped(e, k.o.progs[i].name);
	struct load_opts opts = {.pin_root = dir, .skip_prog = skip};
	err = kobj_load_opened(&k, &opts);
	CHECK(err == 0, "%s: load: %s (%s)", e->path, k.d.msg, sys_errno_name(err));
	if (err)
		goto out;
	uint32_t nmaps = 0, nprogs = 0;
	for (uint32_t i = 0; i < k.o.nmaps; i++)
		nmaps += k.o.maps[i].origin != MAP_INNER;
	for (uint32_t i = 0; i < k.o.nprogs; i++)
		nprogs += k.l.prog_fds[i] >= 0;
	CHECK(nmaps == e->nmaps, "%s: %u maps, want %zu", e->path, nmaps, e->nmaps);
	CHECK(nprogs == e->nprogs, "%s: %u programs loaded, want %zu", e->path, nprogs, e->nprogs);
	for (size_t i = 0; i < e->nmaps; i++)
		check_map(&k, &e->maps[i]);
	for (size_t i = 0; i < e->nprogs; i++)
		check_prog(&k, &e->progs[i]);
	for (uint32_t i = 0; i < k.o.nprogs; i++)
		if (skip[i])
			CHECK(k.l.prog_fds[i] < 0, "prog '%s' was to be skipped", k.o.progs[i].name);
out:
	kobj_close(&k);
	free(skip);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
}

TEST(load_obj_counter) { KTEST_NEED_BPF(); load_and_check(&expect_counter); }
TEST(load_obj_show_ip) { KTEST_NEED_BPF(); load_and_check(&expect_show_ip); }
/* execsnoop's ring buffer `events` declares a value type; the kernel map has value_size 0. */
TEST(load_obj_execsnoop) { KTEST_NEED_BPF(); load_and_check(&expect_execsnoop); }
TEST(load_obj_btf_maps) { KTEST_NEED_BPF(); load_and_check(&expect_btf_maps); }
TEST(load_obj_global_data) { KTEST_NEED_BPF(); load_and_check(&expect_global_data); }
TEST(load_obj_legacy_iproute2) { KTEST_NEED_BPF(); load_and_check(&expect_iproute2); }
TEST(load_obj_legacy_maps) { KTEST_NEED_BPF(); load_and_check(&expect_legacy_maps); }
TEST(load_obj_legacy_samples) { KTEST_NEED_BPF(); load_and_check(&expect_samples); }
/* The typed ring buffer: the value type is stripped (key 0, value 0, no BTF value id). */
TEST(load_obj_ringbuf_typed) { KTEST_NEED_BPF(); load_and_check(&expect_ringbuf); }
TEST(load_obj_subprogs) { KTEST_NEED_BPF(); load_and_check(&expect_subprogs); }
TEST(load_obj_sections) { KTEST_NEED_BPF(); load_and_check(&expect_sections); }

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

/* ---- programs under BPF_PROG_TEST_RUN ------------------------------------------------------------ */

/* show-ip's map value (struct ip_info, 12 bytes: addresses in network byte order). */
struct ip_info {
	uint32_t source_ip, dest_ip;
	uint8_t ttl, protocol, pad[2];
};

static struct ip_info read_ips(int fd)
{
	struct ip_info v;
	uint32_t key = 0;
	memset(&v, 0xee, sizeof(v));
	int err = sys_map_lookup(fd, &key, &v, 0);
	CHECK(err == 0, "lookup ips[0]: %s", sys_errno_name(err));
	return v;
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;
	return inet_pton(AF_INET, s, &a) == 1 ? a.s_addr : 0;
}

/* show-ip stores the addresses, TTL and protocol of the last IPv4 frame, and nothing else. */
TEST(run_show_ip)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	uint8_t pkt[256];
	int err = kobj_load(&k, "examples/show-ip.o", NULL);
	CHECK(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "get_ips"), map = kobj_map_fd(&k, "ips");
	if (err || prog < 0 || map < 0)
		goto out;
	struct ip_info v = read_ips(map), zero;
	memset(&zero, 0, sizeof(zero));
	CHECK(!memcmp(&v, &zero, sizeof(v)), "ips[0] is not zero before any run");

	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.1.2.3", "192.168.7.9", 64, 17, 18);
	int64_t r = ktest_run(prog, pkt, n, 1);
	CHECK(r == XDP_PASS, "UDP frame: returned %lld", (long long)r);
	v = read_ips(map);
	CHECK(v.source_ip == ip4("10.1.2.3") && v.dest_ip == ip4("192.168.7.9"), "UDP: addresses %08x -> %08x",
	      ntohl(v.source_ip), ntohl(v.dest_ip));
	CHECK(v.ttl == 64 && v.protocol == 17, "UDP: ttl %u protocol %u", v.ttl, v.protocol);
	CHECK(v.pad[0] == 0 && v.pad[1] == 0, "padding written: %02x %02x", v.pad[0], v.pad[1]);

	n = ktest_frame_ipv4(pkt, sizeof(pkt), "172.16.0.5", "10.0.0.1", 17, 1, 56);
	r = ktest_run(prog, pkt, n, 1);
	CHECK(r == XDP_PASS, "ICMP frame: returned %lld", (long long)r);
	struct ip_info icmp = read_ips(map);
	CHECK(icmp.source_ip == ip4("172.16.0.5") && icmp.dest_ip == ip4("10.0.0.1"),
	      "ICMP did not overwrite: addresses %08x -> %08x", ntohl(icmp.source_ip), ntohl(icmp.dest_ip));
	CHECK(icmp.ttl == 17 && icmp.protocol == 1, "ICMP: ttl %u protocol %u", icmp.ttl, icmp.protocol);

	/* Frames that must leave the map as the ICMP frame left it. */
	struct {
		const char *what;
		size_t len;
	} ignored[5];
	uint8_t frames[5][256];
	ignored[0].what = "ARP";
	ignored[0].len = ktest_frame_arp(frames[0], sizeof(frames[0]), "10.9.9.9", "10.8.8.8");
	ignored[1].what = "IPv6";
	ignored[1].len = ktest_frame_ipv6(frames[1], sizeof(frames[1]));
	ignored[2].what = "IPv4 cut after 10 bytes of its header";
	ignored[2].len = 14 + 10;
	ktest_frame_ipv4(frames[2], sizeof(frames[2]), "10.7.7.7", "10.6.6.6", 99, 17, 0);
	ignored[3].what = "IPv4 with ihl 4";
	ignored[3].len = ktest_frame_ipv4(frames[3], sizeof(frames[3]), "10.7.7.7", "10.6.6.6", 99, 17, 0);
	frames[3][14] = 0x44;
	ignored[4].what = "version 6 in an IPv4 ethertype";
	ignored[4].len = ktest_frame_ipv4(frames[4], sizeof(frames[4]), "10.7.7.7", "10.6.6.6", 99, 17, 0);
	frames[4][14] = 0x65;
	for (size_t i = 0; i < ARRAY_LEN(ignored); i++) {
		CHECK(ignored[i].len >= 14, "%s: no frame", ignored[i].what);
		r = ktest_run(prog, frames[i], ignored[i].len, 1);
		CHECK(r == XDP_PASS, "%s: returned %lld", ignored[i].what, (long long)r);
		v = read_ips(map);
		CHECK(!memcmp(&v, &icmp, sizeof(v)), "%s changed ips[0]: %08x -> %08x ttl %u proto %u", ignored[i].what,
		      ntohl(v.source_ip), ntohl(v.dest_ip), v.ttl, v.protocol);
	}

	/* An IPv4 header with options (ihl 6) is still recorded. */
	n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.0", "10.0.0.0", 1, 17, 8);
	memmove(pkt + 14 + 24, pkt + 14 + 20, n - 14 - 20);
	memset(pkt + 14 + 20, 0, 4);
	pkt[14] = 0x46;
	memcpy(pkt + 14 + 12, (uint8_t[]){10, 20, 30, 40}, 4);
	memcpy(pkt + 14 + 16, (uint8_t[]){50, 60, 70, 80}, 4);
	r = ktest_run(prog, pkt, n + 4, 1);
	v = read_ips(map);
	CHECK(r == XDP_PASS && v.source_ip == ip4("10.20.30.40") && v.dest_ip == ip4("50.60.70.80") && v.ttl == 1,
	      "ihl 6: returned %lld, %08x -> %08x ttl %u", (long long)r, ntohl(v.source_ip), ntohl(v.dest_ip), v.ttl);
out:
	kobj_close(&k);
	FDS_END();
}

static uint64_t read_u64(int fd, uint32_t key)
{
	uint64_t v = ~0ull;
	int err = sys_map_lookup(fd, &key, &v, 0);
	CHECK(err == 0, "lookup [%u]: %s", key, sys_errno_name(err));
	return v;
}

static uint32_t read_u32(int fd, uint32_t key)
{
	uint32_t v = ~0u;
	int err = sys_map_lookup(fd, &key, &v, 0);
	CHECK(err == 0, "lookup [%u]: %s", key, sys_errno_name(err));
	return v;
}

/* counter counts every run, exactly: repeat = N counts N, separate runs count one each. */
TEST(run_counter)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	uint8_t pkt[128];
	int err = kobj_load(&k, "examples/counter.o", NULL);
	CHECK(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "count_packets"), map = kobj_map_fd(&k, "pkt_count");
	if (err || prog < 0 || map < 0)
		goto out;
	CHECK(read_u64(map, 0) == 0, "count before any run");
	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 10);
	int64_t r = ktest_run(prog, pkt, n, 1000);
	CHECK(r == XDP_PASS, "returned %lld", (long long)r);
	CHECK(read_u64(map, 0) == 1000, "repeat 1000 counted %llu", (unsigned long long)read_u64(map, 0));
	for (int i = 0; i < 7; i++)
		CHECK(ktest_run(prog, pkt, n, 1) == XDP_PASS, "run %d", i);
	n = ktest_frame_arp(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2");
	for (int i = 0; i < 3; i++)
		CHECK(ktest_run(prog, pkt, n, 1) == XDP_PASS, "ARP run %d", i);
	CHECK(read_u64(map, 0) == 1010, "1000 + 7 + 3 runs counted %llu", (unsigned long long)read_u64(map, 0));
out:
	kobj_close(&k);
	FDS_END();
}

/* sub_a = sq(2) + add3(1) + loop_sum() = 18 (bpf_loop callback, static and global .text
 * subprograms); sub_b = add3(twice(5)) = 13 (static subprogram in the program section). */
TEST(run_subprogs)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	uint8_t pkt[64];
	int err = kobj_load(&k, "build/progs/subprogs.bpfel.o", NULL);
	CHECK(err == 0, "load: %s", k.d.msg);
	int a = kobj_prog_fd(&k, "sub_a"), b = kobj_prog_fd(&k, "sub_b");
	if (err || a < 0 || b < 0)
		goto out;
	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 0);
	int64_t ra = ktest_run(a, pkt, n, 1), rb = ktest_run(b, pkt, n, 1);
	CHECK(ra == 18, "sub_a returned %lld, want 18", (long long)ra);
	CHECK(rb == 13, "sub_b returned %lld, want 13", (long long)rb);
	/* The kernel got one func_info per function linked in: sub_a + sq, add3, loop_sum, sum_cb;
	 * sub_b + twice, add3. */
	struct bpf_prog_info ia, ib;
	CHECK(ktest_prog_info(a, &ia) == 0 && ia.nr_func_info == 5, "sub_a: %u func_info, want 5", ia.nr_func_info);
	CHECK(ktest_prog_info(b, &ib) == 0 && ib.nr_func_info == 3, "sub_b: %u func_info, want 3", ib.nr_func_info);
	CHECK(ia.nr_line_info > 0 && ib.nr_line_info > 0, "line_info %u / %u", ia.nr_line_info, ib.nr_line_info);
out:
	kobj_close(&k);
	FDS_END();
}

/* Loads btf_maps with its pinned map below a per-test dir; *dir receives it for cleanup. */
static int load_btf_maps(struct kobj *k, char *dir, size_t n, const char *tag)
{
	ktest_bpffs_dir(dir, n, tag);
	ktest_rm_bpffs_tree(dir);
	struct load_opts opts = {.pin_root = dir};
	return kobj_load(k, BTF_MAPS, &opts);
}

/* xdp_entry tail-calls jmp_table[1] = tail_target (XDP_DROP); with the slot empty it falls
 * through to XDP_PASS. The loader's fds keep the prog array's user reference (the kernel empties
 * a prog array when the last one goes). */
TEST(run_tail_call)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	char dir[128];
	uint8_t pkt[64];
	int err = load_btf_maps(&k, dir, sizeof(dir), "tail");
	CHECK(err == 0, "load: %s", k.d.msg);
	int entry = kobj_prog_fd(&k, "xdp_entry"), target = kobj_prog_fd(&k, "tail_target");
	int jmp = kobj_map_fd(&k, "jmp_table");
	if (err || entry < 0 || target < 0 || jmp < 0)
		goto out;
	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 0);
	CHECK(ktest_run(target, pkt, n, 1) == XDP_DROP, "tail_target");
	int64_t r = ktest_run(entry, pkt, n, 1);
	CHECK(r == XDP_DROP, "xdp_entry returned %lld, want tail_target's XDP_DROP", (long long)r);
	/* From user space a prog array slot reads as the program's id. */
	uint32_t key = 1, id = 0;
	err = sys_map_lookup(jmp, &key, &id, 0);
	CHECK(err == 0 && id == ktest_prog_id(target), "jmp_table[1]: %s, id %u, tail_target is %u",
	      sys_errno_name(err), id, ktest_prog_id(target));
	for (key = 0; key < 4; key++)
		if (key != 1)
			CHECK(sys_map_lookup(jmp, &key, &id, 0) == -ENOENT, "jmp_table[%u] is not empty", key);
	key = 1;
	err = sys_map_delete(jmp, &key);
	CHECK(err == 0, "delete jmp_table[1]: %s", sys_errno_name(err));
	r = ktest_run(entry, pkt, n, 1);
	CHECK(r == XDP_PASS, "with jmp_table[1] empty xdp_entry returned %lld, want XDP_PASS", (long long)r);
	err = sys_map_update(jmp, &key, &target, BPF_ANY);
	CHECK(err == 0, "put tail_target back: %s", sys_errno_name(err));
	CHECK(ktest_run(entry, pkt, n, 1) == XDP_DROP, "tail call after refilling the slot");
out:
	kobj_close(&k);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
}

/* mim_lookup writes 42 into outer[2] = inner_b and returns XDP_TX; outer[0] is inner_a. */
TEST(run_map_in_map)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	char dir[128];
	uint8_t pkt[64];
	int err = load_btf_maps(&k, dir, sizeof(dir), "mim");
	CHECK(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "mim_lookup"), outer = kobj_map_fd(&k, "outer");
	int a = kobj_map_fd(&k, "inner_a"), b = kobj_map_fd(&k, "inner_b");
	if (err || prog < 0 || outer < 0 || a < 0 || b < 0)
		goto out;
	uint32_t key, id;
	key = 2;
	CHECK(sys_map_lookup(outer, &key, &id, 0) == 0 && id == ktest_map_id(b), "outer[2] = map id %u, inner_b is %u",
	      id, ktest_map_id(b));
	key = 0;
	CHECK(sys_map_lookup(outer, &key, &id, 0) == 0 && id == ktest_map_id(a), "outer[0] = map id %u, inner_a is %u",
	      id, ktest_map_id(a));
	for (key = 1; key < 4; key += 2)
		CHECK(sys_map_lookup(outer, &key, &id, 0) == -ENOENT, "outer[%u] is not empty", key);
	CHECK(read_u32(a, 0) == 0 && read_u32(b, 0) == 0, "inner maps not zero before the run");
	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 0);
	int64_t r = ktest_run(prog, pkt, n, 1);
	CHECK(r == XDP_TX, "mim_lookup returned %lld, want XDP_TX", (long long)r);
	CHECK(read_u32(b, 0) == 42, "inner_b[0] = %u, want 42", read_u32(b, 0));
	CHECK(read_u32(a, 0) == 0, "inner_a[0] = %u, want 0", read_u32(a, 0));
	/* The inner-map template rawload made to create `outer` is gone: the object's fds are its
	 * maps and programs and the BTF. */
out:
	kobj_close(&k);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
}
