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
#include <sys/stat.h>
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
	/* Read-only global data (.rodata*) is frozen once its image is written; nothing else is. */
	uint64_t want_frozen = (e->flags & BPF_F_RDONLY_PROG) != 0;
	CHECK(ktest_json_u64(js, "frozen", &v) == 0 && v == want_frozen, "map '%s': bpftool frozen %llu, want %llu",
	      e->name, (unsigned long long)v, (unsigned long long)want_frozen);
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
		CHECK(info.btf_id == btf_obj_id(k->l.btf_fd) && info.nr_func_info >= 1 && info.nr_line_info >= 1,
		      "prog '%s': btf_id %u (object's %u), %u func_info, %u line_info", e->name, info.btf_id,
		      btf_obj_id(k->l.btf_fd), info.nr_func_info, info.nr_line_info);
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
		/* Every object here is GPL or "Dual MIT/GPL": the license reached the kernel. */
		uint64_t gpl = 0;
		CHECK(ktest_json_u64(js, "gpl_compatible", &gpl) == 0 && gpl == 1, "prog '%s': not gpl_compatible",
		      e->name);
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
	/* The inner-map template rawload made to create `outer` is closed once `outer` exists. */
	int o = obj_find_map(&k.o, "outer");
	CHECK(o >= 0 && k.o.maps[o].inner >= 0 && k.l.map_fds[k.o.maps[o].inner] < 0,
	      "outer's inner-map template still has an fd");
out:
	kobj_close(&k);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
}

static int bpftool_frozen(int fd)
{
	char *js = ktest_bpftool("map show id %u", ktest_map_id(fd));
	uint64_t v = 99;
	int r = js && ktest_json_u64(js, "frozen", &v) == 0 ? (int)v : -1;
	free(js);
	return r;
}

/* gd_prog: bss_val = data_val + ro_val + custom_val (3 + 7 + 11 = 21 on the first run),
 * extra_bss = 5, data_val++. .rodata and .rodata.str1.1 hold their images and are frozen. */
TEST(run_global_data)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	uint8_t pkt[64];
	int err = kobj_load(&k, "build/progs/global_data.bpfel.o", NULL);
	CHECK(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "gd_prog");
	int data = kobj_map_fd(&k, "global_d.data"), ro = kobj_map_fd(&k, "global_d.rodata");
	int bss = kobj_map_fd(&k, "global_d.bss"), custom = kobj_map_fd(&k, ".data.custom");
	int extra = kobj_map_fd(&k, ".bss.extra"), str = kobj_map_fd(&k, ".rodata.str1.1");
	if (err || prog < 0 || data < 0 || ro < 0 || bss < 0 || custom < 0 || extra < 0 || str < 0) {
		CHECK(err, "a program or map is missing");
		goto out;
	}
	/* The kernel's names for them are libbpf's. */
	static const struct {
		const char *model;
		const char *kernel;
	} names[] = {{"global_d.data", "global_d.data"}, {"global_d.rodata", "global_d.rodata"},
		     {"global_d.bss", "global_d.bss"}, {".data.custom", ".data.custom"},
		     {".bss.extra", ".bss.extra"}, {".rodata.str1.1", ".rodata.str1.1"}};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		struct bpf_map_info info;
		int fd = kobj_map_fd(&k, names[i].model);
		CHECK(ktest_map_info(fd, &info) == 0 && !strcmp(info.name, names[i].kernel), "map '%s': kernel name '%s'",
		      names[i].model, info.name);
	}

	/* Images before any run. */
	CHECK(read_u32(data, 0) == 3, "data_val %u, want 3", read_u32(data, 0));
	CHECK(read_u32(custom, 0) == 11, "custom_val %u, want 11", read_u32(custom, 0));
	CHECK(read_u32(bss, 0) == 0 && read_u32(extra, 0) == 0, "bss not zero");
	uint8_t rov[10], strv[12];
	uint32_t key = 0;
	memset(rov, 0xee, sizeof(rov));
	memset(strv, 0xee, sizeof(strv));
	CHECK(sys_map_lookup(ro, &key, rov, 0) == 0, "lookup .rodata");
	uint32_t ro_val;
	memcpy(&ro_val, rov, 4);
	CHECK(ro_val == 7, ".rodata ro_val %u, want 7", ro_val);
	CHECK(!memcmp(rov + 4, "gd %d", 6), ".rodata at 4: '%.6s', want the format \"gd %%d\"", (char *)rov + 4);
	CHECK(sys_map_lookup(str, &key, strv, 0) == 0 && !memcmp(strv, "gd literal\n", 12),
	      ".rodata.str1.1 holds '%.12s'", (char *)strv);

	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 0);
	int64_t r = ktest_run(prog, pkt, n, 1);
	CHECK(r == XDP_PASS, "gd_prog returned %lld", (long long)r);
	CHECK(read_u32(bss, 0) == 21, "bss_val %u, want 21", read_u32(bss, 0));
	CHECK(read_u32(extra, 0) == 5, "extra_bss %u, want 5", read_u32(extra, 0));
	CHECK(read_u32(data, 0) == 4, "data_val %u after one run, want 4", read_u32(data, 0));
	CHECK(ktest_run(prog, pkt, n, 3) == XDP_PASS, "three more runs");
	CHECK(read_u32(data, 0) == 7, "data_val %u after four runs, want 7", read_u32(data, 0));
	CHECK(read_u32(bss, 0) == 6 + 7 + 11, "bss_val %u after four runs, want 24", read_u32(bss, 0));
	CHECK(read_u32(custom, 0) == 11, "custom_val changed: %u", read_u32(custom, 0));

	/* .data is writable from user space and the program reads the same map. */
	uint32_t hundred = 100;
	CHECK(sys_map_update(data, &key, &hundred, BPF_ANY) == 0, "write data_val");
	CHECK(ktest_run(prog, pkt, n, 1) == XDP_PASS && read_u32(bss, 0) == 118 && read_u32(data, 0) == 101,
	      "after data_val = 100: bss_val %u data_val %u", read_u32(bss, 0), read_u32(data, 0));

	/* .rodata and .rodata.str1.1 are frozen: user space cannot write them any more. */
	uint8_t other[12] = {0};
	err = sys_map_update(ro, &key, other, BPF_ANY);
	CHECK(err == -EPERM, ".rodata update: %s, want EPERM", sys_errno_name(err));
	err = sys_map_update(str, &key, other, BPF_ANY);
	CHECK(err == -EPERM, ".rodata.str1.1 update: %s, want EPERM", sys_errno_name(err));
	CHECK(sys_map_lookup(ro, &key, rov, 0) == 0 && !memcmp(&ro_val, rov, 4), ".rodata changed");
	CHECK(bpftool_frozen(ro) == 1, "bpftool: .rodata frozen %d", bpftool_frozen(ro));
	CHECK(bpftool_frozen(str) == 1, "bpftool: .rodata.str1.1 frozen %d", bpftool_frozen(str));
	CHECK(bpftool_frozen(data) == 0, "bpftool: .data frozen %d", bpftool_frozen(data));
	CHECK(bpftool_frozen(bss) == 0, "bpftool: .bss frozen %d", bpftool_frozen(bss));
out:
	kobj_close(&k);
	FDS_END();
}

/* ---- verifier failures ----------------------------------------------------------------------------- */

/* The line of tests/progs/bad_verifier.bpf.c marked BAD LINE: its number and its text without the
 * leading blanks (as the kernel quotes it from line_info). */
static int bad_line(char *text, size_t n)
{
	FILE *f = fopen(test_path("tests/progs/bad_verifier.bpf.c"), "r");
	char line[512];
	int no = 0, found = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		no++;
		if (strstr(line, "/* BAD LINE */")) {
			const char *p = line;
			while (*p == ' ' || *p == '\t')
				p++;
			snprintf(text, n, "%s", p);
			text[strcspn(text, "\n")] = '\0';
			found = no;
			break;
		}
	}
	fclose(f);
	return found;
}

TEST(load_bad_verifier)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	char text[512], where[64], quoted[600];
	int line = bad_line(text, sizeof(text));
	CHECK(line > 0, "no BAD LINE marker in bad_verifier.bpf.c");
	snprintf(where, sizeof(where), "bad_verifier.bpf.c:%d", line);
	snprintf(quoted, sizeof(quoted), "; %s", text);
	int err = kobj_load(&k, "build/progs/bad_verifier.bpfel.o", NULL);
	CHECK(err == -EACCES, "load gave %s, want EACCES (%s)", sys_errno_name(err), k.d.msg);
	if (!k.parsed)
		goto out;
	int bad = obj_find_prog(&k.o, "bad_access");
	CHECK(bad >= 0 && k.l.failed_prog == bad, "failed_prog %d, bad_access is %d", k.l.failed_prog, bad);
	CHECK(strstr(k.d.msg, "bad_access"), "diag '%s' does not name bad_access", k.d.msg);
	const char *log = k.l.verifier_log ? k.l.verifier_log : "";
	CHECK(strstr(log, "invalid access to packet"), "log lacks 'invalid access to packet':\n%s", log);
	CHECK(line <= 0 || strstr(log, quoted), "log does not quote the source line '%s':\n%s", quoted, log);
	CHECK(line <= 0 || strstr(log, where), "log does not say %s:\n%s", where, log);
	size_t len = 0;
	const char *part = log[0] ? load_log_excerpt(log, &len) : "";
	CHECK(len > 0 && !strncmp(part, quoted, strlen(quoted)), "excerpt does not start with the source line:\n%.*s",
	      (int)len, part);
	CHECK(len > 0 && memmem(part, len, "invalid access to packet", 24), "excerpt lacks the error:\n%.*s", (int)len,
	      part);
	ktest_note("excerpt:\n%.*s", (int)len, part);
out:
	kobj_close(&k);
	FDS_END();
}

/* The CLI: non-zero exit, the program named and the source line shown on stderr. */
TEST(cli_bad_verifier)
{
	KTEST_NEED_BPF();
	char text[512], where[64];
	int line = bad_line(text, sizeof(text));
	CHECK(line > 0, "no BAD LINE marker in bad_verifier.bpf.c");
	snprintf(where, sizeof(where), "bad_verifier.bpf.c:%d", line);
	int st = -1;
	char *err = ktest_popen(&st, "'%s' load '%s' 2>&1 >/dev/null", test_path("rawload"),
				test_path("build/progs/bad_verifier.bpfel.o"));
	CHECK(err, "cannot run rawload");
	if (!err)
		return;
	CHECK(st != 0 && st != -1, "rawload load exited %d", st);
	CHECK(strstr(err, "bad_access"), "stderr does not name the program:\n%s", err);
	CHECK(strstr(err, text), "stderr does not show the source line '%s':\n%s", text, err);
	CHECK(strstr(err, where), "stderr does not say %s:\n%s", where, err);
	CHECK(strstr(err, "invalid access to packet"), "stderr lacks the verifier's reason:\n%s", err);
	ktest_note("rawload load bad_verifier stderr:\n%s", err);
	free(err);

	/* And a good object: exit 0, each program and map reported. */
	char *out = ktest_popen(&st, "'%s' load '%s' 2>&1", test_path("rawload"), test_path("examples/counter.o"));
	CHECK(out && st == 0 && strstr(out, "count_packets") && strstr(out, "pkt_count"),
	      "rawload load counter.o: exit %d:\n%s", st, out ? out : "");
	free(out);
}

/* load_log_excerpt keeps from the last quoted source line and drops the closing statistics
 * ("processed N insns ...": how far the verifier got, not why it stopped). */
TEST(load_log_excerpt_drops_statistics)
{
	static const char log[] =
		"func#0 @0\n"
		"0: R1=ctx() R10=fp0\n"
		"; x = 1; @ a.c:3\n"
		"0: (b7) r0 = 1\n"
		"; return *p; @ a.c:4\n"
		"1: (71) r1 = *(u8 *)(r1 +0)\n"
		"invalid access to packet, off=0 size=1, R1(id=0,off=0,r=0)\n"
		"R1 offset is outside of the packet\n"
		"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";
	size_t len = 0;
	const char *part = load_log_excerpt(log, &len);
	CHECK(part && !strncmp(part, "; return *p; @ a.c:4\n", 21), "excerpt starts '%.30s'", part ? part : "");
	CHECK(part && memmem(part, len, "R1 offset is outside of the packet", 34), "excerpt lost the reason");
	CHECK(part && !memmem(part, len, "processed 2 insns", 17), "excerpt keeps the statistics:\n%.*s", (int)len,
	      part ? part : "");
}

/* ---- legacy maps under test runs -------------------------------------------------------------------- */

/* legacy_xdp: legacy_array[0] += 1, legacy_hash[ingress_ifindex] += 1 (BPF_PROG_TEST_RUN runs XDP
 * on the loopback device's first rx queue of the caller's namespace). */
TEST(run_legacy_xdp)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	uint8_t pkt[128];
	int err = kobj_load(&k, "build/progs/legacy_maps.bpfel.o", NULL);
	CHECK(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "legacy_xdp"), arr = kobj_map_fd(&k, "legacy_array");
	int hash = kobj_map_fd(&k, "legacy_hash");
	if (err || prog < 0 || arr < 0 || hash < 0)
		goto out;
	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 4);
	int64_t r = ktest_run(prog, pkt, n, 1);
	CHECK(r == XDP_PASS, "returned %lld", (long long)r);
	uint32_t lo = if_nametoindex("lo");
	CHECK(read_u32(arr, 0) == 1, "legacy_array[0] = %u after one run", read_u32(arr, 0));
	CHECK(read_u64(hash, lo) == 1, "legacy_hash[lo=%u] = %llu after one run", lo,
	      (unsigned long long)read_u64(hash, lo));
	CHECK(ktest_run(prog, pkt, n, 4) == XDP_PASS, "repeat 4");
	CHECK(read_u32(arr, 0) == 5, "legacy_array[0] = %u after five runs", read_u32(arr, 0));
	CHECK(read_u64(hash, lo) == 5, "legacy_hash[lo] = %llu after five runs", (unsigned long long)read_u64(hash, lo));
	/* lo is the only key */
	uint32_t k0, k1;
	CHECK(sys_map_next_key(hash, NULL, &k0) == 0 && k0 == lo && sys_map_next_key(hash, &k0, &k1) == -ENOENT,
	      "legacy_hash holds other keys than %u", lo);
	for (uint32_t i = 1; i < 4; i++)
		CHECK(read_u32(arr, i) == 0, "legacy_array[%u] = %u", i, read_u32(arr, i));
out:
	kobj_close(&k);
	FDS_END();
}

/* tc_count (SCHED_CLS, 36-byte iproute2 records, tc_counter pinned by iproute2 rules) returns
 * TC_ACT_OK and counts in tc_counter[0]; test runs of skb programs take an Ethernet frame. */
TEST(run_legacy_iproute2_tc)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	char dir[128];
	uint8_t pkt[128];
	ktest_bpffs_dir(dir, sizeof(dir), "tc");
	ktest_rm_bpffs_tree(dir);
	struct load_opts opts = {.pin_root = dir};
	int err = kobj_load(&k, IPROUTE2, &opts);
	CHECK(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "tc_count"), map = kobj_map_fd(&k, "tc_counter");
	if (err || prog < 0 || map < 0)
		goto out;
	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 4);
	int64_t r = ktest_run(prog, pkt, n, 1);
	CHECK(r == 0, "tc_count returned %lld, want TC_ACT_OK", (long long)r);
	CHECK(read_u64(map, 0) == 1, "tc_counter[0] = %llu after one run", (unsigned long long)read_u64(map, 0));
	CHECK(ktest_run(prog, pkt, n, 9) == 0, "repeat 9");
	CHECK(read_u64(map, 0) == 10, "tc_counter[0] = %llu after ten runs", (unsigned long long)read_u64(map, 0));
	CHECK(read_u64(map, 1) == 0, "tc_counter[1] = %llu", (unsigned long long)read_u64(map, 1));
out:
	kobj_close(&k);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
}

/* sock_prog (SOCKET_FILTER, 28-byte samples/bpf records) returns 0 and counts in sample_map[0]. */
TEST(run_legacy_samples_socket)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	uint8_t pkt[128];
	int err = kobj_load(&k, "build/progs/legacy_samples.bpfel.o", NULL);
	CHECK(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "sock_prog"), map = kobj_map_fd(&k, "sample_map");
	if (err || prog < 0 || map < 0)
		goto out;
	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 4);
	int64_t r = ktest_run(prog, pkt, n, 1);
	CHECK(r == 0, "sock_prog returned %lld", (long long)r);
	CHECK(read_u64(map, 0) == 1, "sample_map[0] = %llu after one run", (unsigned long long)read_u64(map, 0));
	CHECK(ktest_run(prog, pkt, n, 2) == 0, "repeat 2");
	CHECK(read_u64(map, 0) == 3, "sample_map[0] = %llu after three runs", (unsigned long long)read_u64(map, 0));
out:
	kobj_close(&k);
	FDS_END();
}

/* ---- ring buffer ------------------------------------------------------------------------------------ */

struct rb_seen {
	int n;
	uint32_t len[8], magic[8], rec_len[8];
};

static int rb_collect(void *ctx, const void *data, uint32_t len)
{
	struct rb_seen *s = ctx;
	if (s->n < 8) {
		s->rec_len[s->n] = len;
		s->magic[s->n] = s->len[s->n] = 0;
		if (len >= 8) {
			memcpy(&s->magic[s->n], data, 4);
			memcpy(&s->len[s->n], (const uint8_t *)data + 4, 4);
		}
	}
	s->n++;
	return 0;
}

/* rb_emit submits {magic 0xfeedbeef, len = packet length} per run; read with bpf/ringbuf.h. */
TEST(run_ringbuf_typed)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	struct rb rb;
	struct diag d = {{0}};
	bool rb_opened = false;
	uint8_t pkt[256];
	memset(&rb, 0, sizeof(rb));
	int err = kobj_load(&k, "build/progs/ringbuf_typed.bpfel.o", NULL);
	CHECK(err == 0, "load: %s", k.d.msg);
	int prog = kobj_prog_fd(&k, "rb_emit"), map = kobj_map_fd(&k, "rb");
	if (err || prog < 0 || map < 0)
		goto out;
	struct bpf_map_info info;
	CHECK(ktest_map_info(map, &info) == 0 && info.key_size == 0 && info.value_size == 0 &&
		      info.btf_value_type_id == 0 && info.max_entries == 16384,
	      "rb: key %u value %u btf value id %u max_entries %u", info.key_size, info.value_size,
	      info.btf_value_type_id, info.max_entries);
	err = rb_open(&rb, map, 0, &d);
	CHECK(err == 0, "rb_open: %s", d.msg);
	if (err)
		goto out;
	rb_opened = true;
	struct rb_seen seen = {0};
	CHECK(rb_consume(&rb, rb_collect, &seen) == 0 && seen.n == 0, "records before any run: %d", seen.n);
	size_t len1 = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 30);
	CHECK(ktest_run(prog, pkt, len1, 1) == XDP_PASS, "first run");
	size_t len2 = ktest_frame_arp(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2");
	CHECK(ktest_run(prog, pkt, len2, 1) == XDP_PASS, "second run");
	int got = rb_consume(&rb, rb_collect, &seen);
	CHECK(got == 2 && seen.n == 2, "consumed %d records (%d seen), want 2", got, seen.n);
	for (int i = 0; i < seen.n && i < 2; i++) {
		uint32_t want = (uint32_t)(i == 0 ? len1 : len2);
		CHECK(seen.rec_len[i] == 8, "record %d: %u bytes, want 8", i, seen.rec_len[i]);
		CHECK(seen.magic[i] == 0xfeedbeef, "record %d: magic %#x", i, seen.magic[i]);
		CHECK(seen.len[i] == want, "record %d: len %u, want %u", i, seen.len[i], want);
	}
	seen.n = 0;
	CHECK(rb_consume(&rb, rb_collect, &seen) == 0 && seen.n == 0, "records consumed twice: %d", seen.n);
out:
	if (rb_opened)
		rb_close(&rb);
	kobj_close(&k);
	FDS_END();
}

/* ---- programs this kernel refuses --------------------------------------------------------------------- */

/* p_fentry, p_fexit (TRACING with a BPF trampoline) and p_lsm (LSM) fail with EPERM here: this
 * machine's kernel is locked down from its configuration ("Kernel is locked down from Kernel
 * configuration" at boot, lockdown LSM first in lsm=), and the trampoline-based program types are
 * refused under lockdown before the verifier runs. Only these three may give EPERM; everything
 * else in sections.bpfel.o loads (load_obj_sections). A kernel without lockdown loads them: 0 is
 * accepted too. p_weird has a section name no loader knows: ENOTSUP, naming the section. */
TEST(load_sections_refused)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	static const char *const only[] = {"p_fentry", "p_fexit", "p_lsm", "p_weird"};
	for (size_t t = 0; t < ARRAY_LEN(only); t++) {
		struct kobj k;
		bool *skip = NULL;
		int err = kobj_open(&k, "build/progs/sections.bpfel.o");
		CHECK(err == 0, "open: %s", k.d.msg);
		if (err)
			goto next;
		int want = obj_find_prog(&k.o, only[t]);
		CHECK(want >= 0, "%s not in the model", only[t]);
		skip = calloc(k.o.nprogs + 1, sizeof(bool));
		for (uint32_t i = 0; i < k.o.nprogs; i++)
			skip[i] = (int)i != want;
		struct load_opts opts = {.skip_prog = skip};
		err = kobj_load_opened(&k, &opts);
		ktest_note("%s alone: %s: %s", only[t], sys_errno_name(err), k.d.msg);
		if (!strcmp(only[t], "p_weird")) {
			CHECK(err == -ENOTSUP && strstr(k.d.msg, "p_weird") && strstr(k.d.msg, "weird/thing"),
			      "p_weird: %s (%s), want ENOTSUP naming the section", sys_errno_name(err), k.d.msg);
		} else if (err) {
			CHECK(err == -EPERM, "%s: %s (%s), want EPERM (lockdown) or success", only[t], sys_errno_name(err),
			      k.d.msg);
			CHECK(strstr(k.d.msg, only[t]) && strstr(k.d.msg, "EPERM"), "%s: diag '%s'", only[t], k.d.msg);
		} else {
			ktest_note("%s loads: this kernel is not locked down", only[t]);
		}
		if (err)
			CHECK(k.l.failed_prog == want, "%s: failed_prog %d, want %d", only[t], k.l.failed_prog, want);
	next:
		kobj_close(&k);
		free(skip);
	}
	FDS_END();
}

/* load.h: "When a program fails to load: which one [failed_prog] and what the verifier said" — also
 * when it fails before BPF_PROG_LOAD (here: a section name with no program type). */
TEST(load_failed_prog_before_the_kernel)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	bool *skip = NULL;
	int err = kobj_open(&k, "build/progs/sections.bpfel.o");
	CHECK(err == 0, "open: %s", k.d.msg);
	if (err)
		goto out;
	int weird = obj_find_prog(&k.o, "p_weird");
	skip = calloc(k.o.nprogs + 1, sizeof(bool));
	for (uint32_t i = 0; i < k.o.nprogs; i++)
		skip[i] = (int)i != weird;
	struct load_opts opts = {.skip_prog = skip};
	err = kobj_load_opened(&k, &opts);
	CHECK(err == -ENOTSUP, "p_weird: %s", sys_errno_name(err));
	CHECK(weird >= 0 && k.l.failed_prog == weird, "failed_prog %d, p_weird is %d (diag: %s)", k.l.failed_prog,
	      weird, k.d.msg);
out:
	kobj_close(&k);
	free(skip);
	FDS_END();
}

/* A program left out with skip_prog is not put into the prog array that names it. */
TEST(load_skip_tail_target)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	char dir[128];
	uint8_t pkt[64];
	bool *skip = NULL;
	struct kobj k;
	ktest_bpffs_dir(dir, sizeof(dir), "skip");
	ktest_rm_bpffs_tree(dir);
	int err = kobj_open(&k, BTF_MAPS);
	CHECK(err == 0, "open: %s", k.d.msg);
	if (err)
		goto out;
	skip = calloc(k.o.nprogs + 1, sizeof(bool));
	int t = obj_find_prog(&k.o, "tail_target");
	if (t >= 0)
		skip[t] = true;
	struct load_opts opts = {.pin_root = dir, .skip_prog = skip};
	err = kobj_load_opened(&k, &opts);
	CHECK(err == 0, "load: %s", k.d.msg);
	int entry = kobj_prog_fd(&k, "xdp_entry"), jmp = kobj_map_fd(&k, "jmp_table");
	if (err || entry < 0 || jmp < 0)
		goto out;
	CHECK(t >= 0 && k.l.prog_fds[t] < 0, "tail_target loaded");
	uint32_t key = 1, id;
	CHECK(sys_map_lookup(jmp, &key, &id, 0) == -ENOENT, "jmp_table[1] holds prog id %u", id);
	size_t n = ktest_frame_ipv4(pkt, sizeof(pkt), "10.0.0.1", "10.0.0.2", 64, 17, 0);
	CHECK(ktest_run(entry, pkt, n, 1) == XDP_PASS, "xdp_entry with no tail_target");
out:
	kobj_close(&k);
	free(skip);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
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

/* ---- nothing leaks ------------------------------------------------------------------------------------ */

/* Every id the object's fds refer to. */
struct ids {
	uint32_t prog[32], map[32], btf;
	int nprog, nmap;
};

static void collect_ids(const struct kobj *k, struct ids *ids)
{
	memset(ids, 0, sizeof(*ids));
	for (uint32_t i = 0; i < k->o.nprogs && ids->nprog < 32; i++)
		if (k->l.prog_fds[i] >= 0)
			ids->prog[ids->nprog++] = ktest_prog_id(k->l.prog_fds[i]);
	for (uint32_t i = 0; i < k->o.nmaps && ids->nmap < 32; i++)
		if (k->l.map_fds[i] >= 0)
			ids->map[ids->nmap++] = ktest_map_id(k->l.map_fds[i]);
	ids->btf = btf_obj_id(k->l.btf_fd);
}

/* Whether the kernel still has a program (BPF_PROG_GET_NEXT_ID) or map (BPF_MAP_GET_NEXT_ID) of this
 * id. Walking ids takes no reference (getting an fd by id would, and for a prog array each
 * close of such an fd schedules a deferred clear that holds the map a little longer). */
static bool id_exists(int cmd, uint32_t id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.start_id = id - 1;
	return sys_bpf(cmd, &a, sizeof(a)) == 0 && a.next_id == id;
}

/* How many of ids the kernel still has; it drops the id when the last reference goes, which can
 * come a little after the fds are closed (a program's maps are released from a work item after
 * an RCU grace period): wait up to 2 s. */
static int ids_alive(const struct ids *ids)
{
	int alive = 0;
	for (int round = 0; round < 200; round++) {
		alive = 0;
		for (int i = 0; i < ids->nprog; i++)
			alive += id_exists(BPF_PROG_GET_NEXT_ID, ids->prog[i]);
		for (int i = 0; i < ids->nmap; i++)
			alive += id_exists(BPF_MAP_GET_NEXT_ID, ids->map[i]);
		if (!alive)
			break;
		usleep(10000);
	}
	for (int i = 0; alive && i < ids->nprog; i++)
		if (id_exists(BPF_PROG_GET_NEXT_ID, ids->prog[i]))
			fprintf(stderr, "  prog id %u still exists\n", ids->prog[i]);
	for (int i = 0; alive && i < ids->nmap; i++)
		if (id_exists(BPF_MAP_GET_NEXT_ID, ids->map[i]))
			fprintf(stderr, "  map id %u still exists\n", ids->map[i]);
	return alive;
}

/* Load and close every object, and the failing ones (verifier failure, kernel refusal after other
 * programs loaded, conflicting pin): the process's fds come back to where they were and the
 * kernel frees every program and map made. */
TEST(load_close_leaks_nothing)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	char dir[128];
	ktest_bpffs_dir(dir, sizeof(dir), "leak");
	ktest_rm_bpffs_tree(dir);
	static const char *const paths[] = {
		"examples/counter.o", "examples/show-ip.o", "examples/execsnoop.o", BTF_MAPS,
		"build/progs/global_data.bpfel.o", IPROUTE2, "build/progs/legacy_maps.bpfel.o",
		"build/progs/legacy_samples.bpfel.o", "build/progs/ringbuf_typed.bpfel.o",
		"build/progs/subprogs.bpfel.o",
	};
	struct load_opts opts = {.pin_root = dir};
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
			struct kobj k;
			struct ids ids;
			int before = ktest_count_fds();
			int err = kobj_load(&k, paths[i], &opts);
			CHECK(err == 0, "%s: %s", paths[i], k.d.msg);
			if (!err) {
				collect_ids(&k, &ids);
				CHECK(ids.nprog > 0 && id_exists(BPF_PROG_GET_NEXT_ID, ids.prog[0]) &&
					      (ids.nmap == 0 || id_exists(BPF_MAP_GET_NEXT_ID, ids.map[0])),
				      "%s: ids not seen while loaded", paths[i]);
			}
			kobj_close(&k);
			CHECK(ktest_count_fds() == before, "%s: %d fds before, %d after", paths[i], before,
			      ktest_count_fds());
			if (err)
				continue;
			/* Pinned maps stay (the pin holds them): leave them out. */
			struct ids unpinned = ids;
			unpinned.nmap = 0;
			for (int m = 0; m < ids.nmap; m++) {
				int fd = -1;
				char pinned[256];
				snprintf(pinned, sizeof(pinned), "%s/flags_hash", dir);
				fd = sys_obj_get(pinned, 0);
				bool keep = !(fd >= 0 && ktest_map_id(fd) == ids.map[m]);
				if (fd >= 0)
					close(fd);
				snprintf(pinned, sizeof(pinned), "%s/tc/globals/tc_counter", dir);
				fd = sys_obj_get(pinned, 0);
				keep = keep && !(fd >= 0 && ktest_map_id(fd) == ids.map[m]);
				if (fd >= 0)
					close(fd);
				if (keep)
					unpinned.map[unpinned.nmap++] = ids.map[m];
			}
			int alive = ids_alive(&unpinned);
			CHECK(alive == 0, "%s: %d programs/maps still in the kernel after close", paths[i], alive);
		}
	}

	/* Failures: everything made before the failure is closed too. */
	struct kobj k;
	int before = ktest_count_fds();
	int err = kobj_load(&k, "build/progs/bad_verifier.bpfel.o", NULL);
	CHECK(err == -EACCES, "bad_verifier: %s", sys_errno_name(err));
	CHECK(ktest_count_fds() == before, "bad_verifier failed load holds %d fds", ktest_count_fds() - before);
	kobj_close(&k);
	/* sections without skipping: many programs load before a refused one (or all load). */
	err = kobj_load(&k, "build/progs/sections.bpfel.o", NULL);
	CHECK(err == -EPERM || err == -ENOTSUP, "sections: %s (%s)", sys_errno_name(err), k.d.msg);
	CHECK(ktest_count_fds() == before, "sections failed load holds %d fds", ktest_count_fds() - before);
	kobj_close(&k);
	CHECK(ktest_count_fds() == before, "after failures: %d fds, %d before", ktest_count_fds(), before);

	kobj_close(&k);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
}

/* ---- what section names ask of the kernel ---------------------------------------------------------------- */

/* tp_btf/ and iter/ programs carry the vmlinux BTF id of their target (btf_trace_sched_switch,
 * bpf_iter_task). (xdp.frags' BPF_F_XDP_HAS_FRAGS is not visible in prog info, and test runs on
 * this kernel accept a frame larger than a page for a program without it too.) */
TEST(load_sections_attach_btf_ids)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	bool *skip = NULL;
	int err = kobj_open(&k, "build/progs/sections.bpfel.o");
	CHECK(err == 0, "open: %s", k.d.msg);
	if (err)
		goto out;
	skip = calloc(k.o.nprogs + 1, sizeof(bool));
	for (uint32_t i = 0; i < k.o.nprogs; i++)
		skip[i] = skipped(&expect_sections, k.o.progs[i].name);
	struct load_opts opts = {.skip_prog = skip};
	err = kobj_load_opened(&k, &opts);
	CHECK(err == 0, "load: %s", k.d.msg);
	if (err)
		goto out;
	static const struct {
		const char *prog;
		uint32_t kind;
		const char *target;
	} btf_targets[] = {
		{"p_tp_btf", BTF_KIND_TYPEDEF, "btf_trace_sched_switch"},
		{"p_iter", BTF_KIND_FUNC, "bpf_iter_task"},
	};
	for (size_t i = 0; i < ARRAY_LEN(btf_targets); i++) {
		struct bpf_prog_info info;
		int fd = kobj_prog_fd(&k, btf_targets[i].prog);
		CHECK(fd >= 0 && ktest_prog_info(fd, &info) == 0, "%s: no info", btf_targets[i].prog);
		if (fd < 0)
			continue;
		uint32_t want = k.l.vmlinux ? btf_find(k.l.vmlinux, btf_targets[i].kind, btf_targets[i].target) : 0;
		CHECK(want && info.attach_btf_id == want && info.attach_btf_obj_id != 0,
		      "%s: attach_btf_id %u (obj %u), %s is %u in vmlinux", btf_targets[i].prog, info.attach_btf_id,
		      info.attach_btf_obj_id, btf_targets[i].target, want);
	}
	/* Programs without a BTF target have none. */
	struct bpf_prog_info info;
	CHECK(ktest_prog_info(kobj_prog_fd(&k, "p_xdp"), &info) == 0 && info.attach_btf_id == 0, "p_xdp: attach_btf_id %u",
	      info.attach_btf_id);
out:
	kobj_close(&k);
	free(skip);
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
