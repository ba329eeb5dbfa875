// SPDX-License-Identifier: GPL-2.0
/* bench/bigmap.bpf.c — the big-map benchmark's map: a hash map of up to 1,000,000 flows (a BTF
 * struct value, as a real flow table has), pinned by name at /sys/fs/bpf/rlb_bigmap so that one
 * process fills it (bench/bigmap) and others read it: rawload, whose load reuses the pin, and
 * `bpftool map dump pinned`. No program: the snapshot of the map is what is measured. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow {
	__u64 packets;
	__u64 bytes;
	__u32 saddr;		/* rendered as an address by rawload (the field name says so) */
	__u16 sport;
	__u16 dport;
	__u8 protocol;		/* rendered by name (UDP, TCP) */
	__u8 pad[3];
	__u32 last_seen;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1000000);
	__type(key, __u32);
	__type(value, struct flow);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rlb_bigmap SEC(".maps");

char LICENSE[] SEC("license") = "GPL";
