/* tests/kernel/test_load_objects.c — load_object() with every example and test object, and what the
 * kernel made of each map and program (BPF_OBJ_GET_INFO_BY_FD, bpftool as witness), including the
 * vmlinux BTF targets of tp_btf/ and iter/. Running the programs is test_load_run.c's. Root only. */
#include "ktest.h"

#include "bpf/sys.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		CHECK(info.btf_id && info.btf_id == ktest_btf_id(k->l.btf_fd), "map '%s': btf_id %u, object's BTF is %u",
		      e->name, info.btf_id, ktest_btf_id(k->l.btf_fd));
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
		CHECK(info.btf_id == ktest_btf_id(k->l.btf_fd) && info.nr_func_info >= 1 && info.nr_line_info >= 1,
		      "prog '%s': btf_id %u (object's %u), %u func_info, %u line_info", e->name, info.btf_id,
		      ktest_btf_id(k->l.btf_fd), info.nr_func_info, info.nr_line_info);
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
	/* bpftool reads the kernel's BTF for the ids (rawload drops its copy after the load). */
	static const struct {
		const char *prog;
		const char *kind;
		const char *target;
	} btf_targets[] = {
		{"p_tp_btf", "TYPEDEF", "btf_trace_sched_switch"},
		{"p_iter", "FUNC", "bpf_iter_task"},
	};
	for (size_t i = 0; i < ARRAY_LEN(btf_targets); i++) {
		struct bpf_prog_info info;
		int fd = kobj_prog_fd(&k, btf_targets[i].prog);
		CHECK(fd >= 0 && ktest_prog_info(fd, &info) == 0, "%s: no info", btf_targets[i].prog);
		if (fd < 0)
			continue;
		int status;
		char *id = ktest_popen(&status,
				       "bpftool btf dump file /sys/kernel/btf/vmlinux format raw | grep -m1 \"^\\[[0-9]*\\] %s '%s'\" "
				       "| sed 's/^\\[\\([0-9]*\\)\\].*/\\1/'",
				       btf_targets[i].kind, btf_targets[i].target);
		uint32_t want = id ? (uint32_t)strtoul(id, NULL, 10) : 0;
		free(id);
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
