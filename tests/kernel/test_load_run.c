/* tests/kernel/test_load_run.c — the loaded programs under BPF_PROG_TEST_RUN, read back from their
 * maps: each example and test program does what its C source says (global data, tail calls,
 * map-in-map, legacy maps, subprograms, ring buffer). Nothing is attached, no traffic. Root only. */
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

/* ---- programs left out -------------------------------------------------------------------------- */

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
