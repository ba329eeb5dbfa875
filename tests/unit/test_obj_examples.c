/* tests/unit/test_obj_examples.c — obj_parse on the examples users run (counter, execsnoop,
 * show-ip), bpfel and bpfeb builds, against facts from their C sources and bpftool btf dump. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "loader/obj/obj.h"
#include "obj_expect.h"

TEST(obj_example_counter)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		if (lopen(&l, ex_path("counter", k, p, sizeof(p))))
			continue;
		check_common(&l, "counter", "Dual MIT/GPL", 1);
		static const struct prog_exp progs[] = {
			{"count_packets", "xdp", 0, 12, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 1);
		static const struct map_exp map = {"pkt_count", MAP_BTF, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, 0, "__u32", "__u64", 0};
		CHECK(l.o.nmaps == 1, "%s: %u maps", p, l.o.nmaps);
		check_map(&l, &map);
		static const struct reloc_exp relocs[] = {{"xdp", 4, RELOC_MAP, "pkt_count", "pkt_count", 0, false}};
		check_relocs(&l, relocs, 1);
		lclose(&l);
	}
}

TEST(obj_example_execsnoop)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		if (lopen(&l, ex_path("execsnoop", k, p, sizeof(p))))
			continue;
		check_common(&l, "execsnoop", "GPL", 1);
		static const struct prog_exp progs[] = {
			/* llvm-objdump: 71 lines, 4 of them ld_imm64 (two slots each) */
			{"trace_execve", "tracepoint/syscalls/sys_enter_execve", 0, 75, BPF_PROG_TYPE_TRACEPOINT,
			 ATTACH_TRACEPOINT, "syscalls/sys_enter_execve"},
		};
		check_progs(&l, progs, 1);
		static const struct map_exp maps[] = {
			{"exec_count", MAP_BTF, BPF_MAP_TYPE_HASH, 16, 8, 1024, 0, 0, 0, "comm_key", "__u64", 0},
			/* struct event: pid, ppid, uid, comm[16], filename[128] = 156 bytes, declared as the value */
			{"events", MAP_BTF, BPF_MAP_TYPE_RINGBUF, 0, 156, 256 * 1024, 0, 0, 0, NULL, "event", 0x20},
		};
		CHECK(l.o.nmaps == 2, "%s: %u maps", p, l.o.nmaps);
		for (uint32_t i = 0; i < N(maps); i++)
			check_map(&l, &maps[i]);
		static const char *const sec = "tracepoint/syscalls/sys_enter_execve";
		static const struct reloc_exp relocs[] = {
			{sec, 11, RELOC_MAP, "exec_count", "exec_count", 0, false},
			{sec, 20, RELOC_MAP, "exec_count", "exec_count", 0, false},
			{sec, 27, RELOC_MAP, "exec_count", "exec_count", 0, false},
			{sec, 32, RELOC_MAP, "events", "events", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		lclose(&l);
	}
}

TEST(obj_example_show_ip)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct lobj l;
		if (lopen(&l, ex_path("show-ip", k, p, sizeof(p))))
			continue;
		const struct obj *o = &l.o;
		check_common(&l, "show-ip", "GPL", 1);
		static const struct prog_exp progs[] = {
			{"get_ips", "xdp", 0, 50, BPF_PROG_TYPE_XDP, ATTACH_XDP, ""},
		};
		check_progs(&l, progs, 1);
		static const struct map_exp map = {"ips", MAP_BTF, BPF_MAP_TYPE_ARRAY, 4, 12, 1, 0, 0, 0, "__u32", "ip_info", 0};
		CHECK(o->nmaps == 2, "%s: %u maps", p, o->nmaps);
		check_map(&l, &map);
		int ips = obj_find_map(o, "ips");
		if (ips >= 0) {
			const struct btf_type *t = btf_type(&o->btf, o->maps[ips].btf_value);
			static const char *const fields[] = {"source_ip", "dest_ip", "ttl", "protocol"};
			static const uint32_t bits[] = {0, 32, 64, 72};
			CHECK(t && btf_kind(t) == BTF_KIND_STRUCT && btf_vlen(t) == 4 && t->size == 12, "%s: struct ip_info", p);
			for (uint32_t i = 0; t && i < 4 && btf_vlen(t) == 4; i++)
				CHECK(strcmp(btf_str(&o->btf, btf_members(t)[i].name_off), fields[i]) == 0 &&
					      btf_member_bit_offset(t, &btf_members(t)[i]) == bits[i],
				      "%s: ip_info member %u", p, i);
		}
		/* libbpf's name: "show-ip" + ".rodata" cut to 15, '-' made '_' */
		int ro = obj_find_map(o, "show_ip.rodata");
		CHECK(ro >= 0, "%s: no map show_ip.rodata", p);
		if (ro >= 0) {
			const struct obj_map *m = &o->maps[ro];
			static const char fmt[] = "show-ip: %pI4 -> %pI4";
			CHECK(m->origin == MAP_DATA && m->data == DATA_RODATA && m->value_size == sizeof(fmt) &&
				      m->flags == BPF_F_RDONLY_PROG && m->key_size == 4 && m->max_entries == 1,
			      "%s: show_ip.rodata attributes", p);
			CHECK(m->init && memcmp(m->init, fmt, sizeof(fmt)) == 0, "%s: format string", p);
			CHECK(strcmp(type_name(o, m->btf_value), ".rodata") == 0, "%s: DATASEC", p);
		}
		static const struct reloc_exp relocs[] = {
			{"xdp", 29, RELOC_MAP, "ips", "ips", 0, false},
			{"xdp", 43, RELOC_DATA, ".rodata", "show_ip.rodata", 0, false},
		};
		check_relocs(&l, relocs, N(relocs));
		lclose(&l);
	}
}
