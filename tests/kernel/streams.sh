#!/bin/sh
# Records streamed as they arrive: a perf event array (per-CPU perf buffers) gets one sample per
# packet, each rendered with the value type the map declares, exactly as many as were sent; a raw
# tracepoint program (BPF_RAW_TRACEPOINT_OPEN) counts system calls while attached and its link is
# gone afterwards; --trace follows trace_pipe and shows show-ip's bpf_printk line for the packets.
. "$(dirname "$0")/lib.sh"
setup_net
ifindex=$(ip -n "$NS_RX" -o link show dev "$DEV_RX" | cut -d: -f1)

# ---- perf event array: N samples of {len, ifindex}
N=23
rl_start perf build/progs/perf_events.bpfel.o "$DEV_RX" -i 0.2
rl_wait_attached perf
id=$(xdp_prog_id)
send $N
samples() { grep -c "^pkt_events: {len=[0-9]*, ifindex=$ifindex}$" "$TMP/perf.out"; }
samples_are() { [ "$(samples)" = "$1" ]; }
retry 50 samples_are $N || fail "perf: $(samples) samples of $N: $(head -n 3 "$TMP/perf.out")"
# Each sample's len is the frame length: 14 (Ethernet) + 20 (IPv4) + 8 (UDP) + the payload.
bad=$(sed -n 's/^pkt_events: {len=\([0-9]*\), .*/\1/p' "$TMP/perf.out" | awk '$1 < 42 || $1 > 80' | head -n 1)
[ -z "$bad" ] || fail "perf: a sample with len $bad"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "perf: exit status $RL_RC: $(cat "$TMP/perf.err")"
grep -q 'lost' "$TMP/perf.out" && fail "perf: samples lost: $(grep lost "$TMP/perf.out")"
xdp_detached || fail "perf: XDP program still attached"
wait_gone "$id"
note "perf: $N samples, e.g. $(grep -m1 '^pkt_events' "$TMP/perf.out")"

# ---- raw tracepoint: the counter grows while attached; nothing stays
rl_start rawtp build/progs/raw_tp.bpfel.o -i 0.2
rl_wait_line rawtp 'attached to raw tracepoint sys_enter'
rawtp_ids=$(prog_ids_named count_enter)
[ -n "$rawtp_ids" ] || fail "rawtp: no count_enter program in bpftool"
grows() {
	[ "$(no_change "$TMP/rawtp.out" | sed -n 's/^enters\[0\] = \([0-9]*\)$/\1/p' | sort -n | uniq | wc -l)" -ge 2 ]
}
retry 50 grows || fail "rawtp: enters[0] does not grow: $(tail -n 3 "$TMP/rawtp.out")"
rl_stop TERM
[ "$RL_RC" -eq 0 ] || fail "rawtp: exit status $RL_RC: $(cat "$TMP/rawtp.err")"
for i in $rawtp_ids; do wait_gone "$i"; done
note "rawtp: $(grep '^enters' "$TMP/rawtp.out" | tail -n 1)"

# ---- --trace: bpf_printk lines through trace_pipe
rl_start trace examples/show-ip.o "$DEV_RX" -i 0.2 --trace
rl_wait_attached trace
id=$(xdp_prog_id)
send 2 64
traced() { grep -q "^trace: .*bpf_trace_printk: show-ip: $TX_ADDR -> $RX_ADDR\$" "$TMP/trace.out"; }
retry 50 traced || fail "trace: no printk line for $TX_ADDR -> $RX_ADDR: $(grep -m2 '^trace' "$TMP/trace.out")"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "trace: exit status $RL_RC: $(cat "$TMP/trace.err")"
xdp_detached || fail "trace: XDP program still attached"
wait_gone "$id"
note "trace: $(grep -m1 '^trace: .*show-ip' "$TMP/trace.out" | sed 's/  */ /g')"
