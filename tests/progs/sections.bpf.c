// SPDX-License-Identifier: GPL-2.0
/* sections.bpf.c — one trivial program per SEC() name, to check a loader's section-name table.
 *
 * A loader must see 23 programs, each `return 0` (r0 = 0; exit: 2 instructions), each alone in
 * its section, license "GPL", no maps:
 *   section                                program           libbpf's reading of the name
 *   xdp                                    p_xdp             XDP
 *   xdp.frags                              p_xdp_frags       XDP, BPF_F_XDP_HAS_FRAGS
 *   tracepoint/syscalls/sys_enter_openat   p_tracepoint      TRACEPOINT syscalls:sys_enter_openat
 *   tp/sched/sched_process_exec            p_tp              TRACEPOINT sched:sched_process_exec
 *   raw_tracepoint/sys_enter               p_raw_tracepoint  RAW_TRACEPOINT sys_enter
 *   raw_tp/sched_switch                    p_raw_tp          RAW_TRACEPOINT sched_switch
 *   tp_btf/sched_switch                    p_tp_btf          TRACING, BPF_TRACE_RAW_TP, btf target
 *   kprobe/do_unlinkat                     p_kprobe          KPROBE do_unlinkat
 *   kretprobe/do_unlinkat                  p_kretprobe       KPROBE, return probe
 *   uprobe                                 p_uprobe          KPROBE (uprobe, no target: manual)
 *   uretprobe                              p_uretprobe       KPROBE (uretprobe, manual)
 *   tc                                     p_tc              SCHED_CLS
 *   classifier                             p_classifier      SCHED_CLS (legacy name)
 *   tcx/ingress                            p_tcx             SCHED_CLS, BPF_TCX_INGRESS
 *   socket                                 p_socket          SOCKET_FILTER
 *   cgroup_skb/ingress                     p_cgroup_skb      CGROUP_SKB, BPF_CGROUP_INET_INGRESS
 *   perf_event                             p_perf_event      PERF_EVENT
 *   fentry/do_unlinkat                     p_fentry          TRACING, BPF_TRACE_FENTRY
 *   fexit/do_unlinkat                      p_fexit           TRACING, BPF_TRACE_FEXIT
 *   lsm/file_open                          p_lsm             LSM, BPF_LSM_MAC
 *   iter/task                              p_iter            TRACING, BPF_TRACE_ITER
 *   sk_lookup                              p_sk_lookup       SK_LOOKUP, BPF_SK_LOOKUP
 *   weird/thing                            p_weird           unknown: no program type
 * (Section order in the file follows clang; the pairs above are what matters.)
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int p_xdp(struct xdp_md *ctx) { return 0; }
SEC("xdp.frags") int p_xdp_frags(struct xdp_md *ctx) { return 0; }
SEC("tracepoint/syscalls/sys_enter_openat") int p_tracepoint(void *ctx) { return 0; }
SEC("tp/sched/sched_process_exec") int p_tp(void *ctx) { return 0; }
SEC("raw_tracepoint/sys_enter") int p_raw_tracepoint(struct bpf_raw_tracepoint_args *ctx) { return 0; }
SEC("raw_tp/sched_switch") int p_raw_tp(struct bpf_raw_tracepoint_args *ctx) { return 0; }
SEC("tp_btf/sched_switch") int p_tp_btf(__u64 *ctx) { return 0; }
SEC("kprobe/do_unlinkat") int p_kprobe(void *ctx) { return 0; }
SEC("kretprobe/do_unlinkat") int p_kretprobe(void *ctx) { return 0; }
SEC("uprobe") int p_uprobe(void *ctx) { return 0; }
SEC("uretprobe") int p_uretprobe(void *ctx) { return 0; }
SEC("tc") int p_tc(struct __sk_buff *skb) { return 0; }
SEC("classifier") int p_classifier(struct __sk_buff *skb) { return 0; }
SEC("tcx/ingress") int p_tcx(struct __sk_buff *skb) { return 0; }
SEC("socket") int p_socket(struct __sk_buff *skb) { return 0; }
SEC("cgroup_skb/ingress") int p_cgroup_skb(struct __sk_buff *skb) { return 0; }
SEC("perf_event") int p_perf_event(void *ctx) { return 0; }
SEC("fentry/do_unlinkat") int p_fentry(__u64 *ctx) { return 0; }
SEC("fexit/do_unlinkat") int p_fexit(__u64 *ctx) { return 0; }
SEC("lsm/file_open") int p_lsm(__u64 *ctx) { return 0; }
SEC("iter/task") int p_iter(void *ctx) { return 0; }
SEC("sk_lookup") int p_sk_lookup(struct bpf_sk_lookup *ctx) { return 0; }
SEC("weird/thing") int p_weird(void *ctx) { return 0; }

char __license[] SEC("license") = "GPL";
