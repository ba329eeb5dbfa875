#!/bin/sh
# Old section names at work: xdp_legacy's `xdp_stats1` section (an xdp-tutorial lesson's spelling,
# XDP by libbpf < 1.0's and cilium/ebpf's prefix rule) attaches to the receiving veth and counts
# exactly the N datagrams sent in its legacy `maps` record; `packet_counter`, which names no type,
# loads only with --type xdp and then counts them too (attached with --prog); without --type that
# program alone is refused, naming its section. Each run leaves nothing loaded.
. "$(dirname "$0")/lib.sh"
setup_net
OBJ=build/progs/xdp_legacy.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"
N=53

# The legacy map has no BTF: its value is shown as its bytes in memory order in one hex number
# ("0x3500000000000000c30b..."), rx_packets first (u64, little-endian on this machine).
# stats_packets FILE: rx_packets of slot 2 (XDP_PASS) in the last snapshot, as a number.
stats_packets() {
	sp_hex=$(no_change "$1" | sed -n 's/^xdp_stats_map\[2\] = 0x\([0-9a-f]\{32\}\)$/\1/p' | tail -n 1)
	[ -n "$sp_hex" ] || return 0
	sp_v=0
	for sp_i in 7 6 5 4 3 2 1 0; do
		sp_b=$(echo "$sp_hex" | cut -c$((2 * sp_i + 1))-$((2 * sp_i + 2)))
		sp_v=$((sp_v * 256 + 0x$sp_b))
	done
	echo $sp_v
}
stats_is() { [ "$(stats_packets "$1")" = "$2" ]; }
typed_is() { [ "$(no_change "$1" | sed -n 's/^typed_count\[0\] = \([0-9]*\)$/\1/p' | tail -n 1)" = "$2" ]; }

# Without --type: typed_counter alone is refused (a partial load, exit 3), by its section's name.
rl_run refused "$OBJ" "$DEV_RX" --prog xdp_stats1_func -n 1
[ "$RL_RC" -eq 3 ] || fail "without --type: exit status $RL_RC, expected 3 (partial load): $(cat "$TMP/refused.err")"
grep -qx "rawload: prog 'typed_counter': not loaded: section 'packet_counter' names no program type rawload knows" "$TMP/refused.err" ||
	fail "the refusal does not name packet_counter: $(cat "$TMP/refused.err")"

for p in xdp_stats1_func typed_counter; do
	rl_start "$p" "$OBJ" "$DEV_RX" --type xdp --prog "$p" -i 0.2
	rl_wait_line "$p" "$p: (attached|not attached)"
	grep -q "^rawload: $p: attached to $DEV_RX, .* via bpf_link\$" "$TMP/$p.err" || fail "$p not attached: $(cat "$TMP/$p.err")"
	[ "$(xdp_prog_name)" = "$p" ] || fail "ip link shows '$(xdp_prog_name)' on $DEV_RX, not $p"
	id=$(xdp_prog_id)
	retry 50 grep -q '^typed_count' "$TMP/$p.out" || fail "$p: no snapshot"
	send $N
	if [ $p = typed_counter ]; then
		retry 50 typed_is "$TMP/$p.out" $N || fail "typed_count[0] is not $N: $(grep typed_count "$TMP/$p.out" | tail -n 1)"
	else
		retry 50 stats_is "$TMP/$p.out" $N || fail "xdp_stats_map[2].rx_packets is '$(stats_packets "$TMP/$p.out")', expected $N: $(grep 'xdp_stats_map' "$TMP/$p.out" | tail -n 1)"
	fi
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "$p: exit status $RL_RC: $(cat "$TMP/$p.err")"
	xdp_detached || fail "$p still on $DEV_RX after exit"
	wait_gone "$id"
	note "$p: $N of $N datagrams counted, program $id gone"
done
