// SPDX-License-Identifier: GPL-2.0
/* global_data.bpf.c — every kind of global-data section, each of which a loader turns into a
 * one-element ARRAY map (key 4, value = section size) and references with
 * BPF_PSEUDO_MAP_VALUE + offset.
 *
 * A loader must see (clang 14 section order: .data, .rodata, .data.custom, .bss, .bss.extra,
 * .rodata.str1.1):
 *   .data            4 bytes: data_val = 3
 *   .rodata          10 bytes: ro_val = 7 (const volatile) @0, then the bpf_printk format
 *                    "gd %d\0" @4 as the LOCAL OBJECT gd_prog.____fmt; read-only for the
 *                    program, frozen after its image is written
 *   .bss             4 bytes, SHT_NOBITS: bss_val
 *   .data.custom     4 bytes: custom_val = 11
 *   .bss.extra       4 bytes, SHT_NOBITS: extra_bss (libbpf 1.1 skips .bss.* sections; newer
 *                    libbpf and rawload make a map of it)
 *   .rodata.str1.1   12 bytes, flags AMS: the literal "gd literal\n\0"; no symbol of its own and
 *                    no BTF DATASEC, so its map has no BTF value type
 * Instruction relocations (R_BPF_64_64 on ld_imm64): extra_bss, data_val, ro_val, custom_val and
 * bss_val by their own symbols (imm 0); the format by the `.rodata` SECTION symbol with imm = 4;
 * the literal by the `.rodata.str1.1` section symbol with imm = 0. The target offset is always
 * symbol value + imm.
 * BTF: DATASECs .bss, .bss.extra, .data, .data.custom, .rodata (ro_val @0, gd_prog.____fmt @4
 * linkage static), all with size 0 in the file; .rel.BTF patches the global VAR offsets with
 * R_BPF_64_NODYLD32, except the two .rodata ones, which clang 14 emits as R_BPF_64_ABS32.
 *
 * Program `gd_prog` in section `xdp`, license "GPL". Under BPF_PROG_TEST_RUN it returns
 * XDP_PASS (2) and leaves bss_val = 21 (3 + 7 + 11), extra_bss = 5, data_val = 4 after the first
 * run (data_val grows by one per run, so bss_val is 21 only on the first run).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 data_val = 3;
const volatile __u32 ro_val = 7;
__u32 bss_val;
__u32 custom_val SEC(".data.custom") = 11;
__u32 extra_bss SEC(".bss.extra");

SEC("xdp")
int gd_prog(struct xdp_md *ctx)
{
	(void)ctx;
	bss_val = data_val + ro_val + custom_val;
	extra_bss = 5;
	data_val++;
	bpf_printk("gd %d", bss_val);
	/* a literal, not a static array: clang puts it in .rodata.str1.1 */
	bpf_trace_printk("gd literal\n", sizeof("gd literal\n"));
	return XDP_PASS;
}

char __license[] SEC("license") = "GPL";
