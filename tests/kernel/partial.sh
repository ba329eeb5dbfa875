#!/bin/sh
# A partial load in the main command: tests/progs/partial.bpf.c has one program that works
# (count_xdp) among members the kernel or the object refuses. rawload names each refused one with
# its reason on stderr, attaches count_xdp to the receiving veth, which counts exactly the
# datagrams sent, and exits 3 (partial) after SIGINT, leaving nothing attached. An object of
# which nothing usable loads exits 1 before attaching anything.
. "$(dirname "$0")/lib.sh"
setup_net
N=61
OBJ=build/progs/partial.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"

rl_start partial "$OBJ" "$DEV_RX" -i 0.2
rl_wait_attached partial
grep -q "count_xdp: attached to $DEV_RX, .* via bpf_link\$" "$TMP/partial.err" ||
	fail "count_xdp not attached: $(cat "$TMP/partial.err")"
for line in "prog 'uses_future_map': not loaded: it uses map 'future_map', which was refused" \
	"map 'future_map': not created: BPF_MAP_CREATE type 250 key 4 value 4 max_entries 1 flags 0: EINVAL: map type 250 is unknown to this kernel" \
	"prog 'calls_future_helper': not loaded: helper #250 is unknown to this kernel" \
	"prog 'uses_undefined': not loaded: xdp+" \
	"prog 'in_unknown_section': not loaded: section 'rawload/unknown' names no program type rawload knows" \
	"partial load: 1 of 10 programs loaded, 9 refused; 2 maps refused (exit status 3)"; do
	grep -qF "rawload: $line" "$TMP/partial.err" || fail "stderr lacks '$line': $(cat "$TMP/partial.err")"
done
id=$(xdp_prog_id)
[ -n "$id" ] && [ "$(xdp_prog_name)" = count_xdp ] || fail "ip link shows no count_xdp on $DEV_RX"
retry 50 grep -q '^packets' "$TMP/partial.out" || fail "no snapshot of packets: $(cat "$TMP/partial.out")"
count_now() {
	[ "$(no_change "$TMP/partial.out" | sed -n 's/^packets\[0\] = \([0-9]*\)$/\1/p' | tail -n 1)" = "$1" ]
}
send $N
retry 50 count_now $N || fail "packets[0] is '$(sed -n 's/^packets\[0\] = //p' "$TMP/partial.out" | tail -n 1)', expected $N"
! grep -q "future_map\|future_flag" "$TMP/partial.out" || fail "refused maps shown: $(grep future "$TMP/partial.out" | head -n 2)"
rl_stop INT
[ "$RL_RC" -eq 3 ] || fail "exit status $RL_RC after SIGINT, expected 3 (partial): $(cat "$TMP/partial.err")"
xdp_detached || fail "XDP program still on $DEV_RX after exit"
wait_gone "$id"

# Nothing usable: the only program uses a __kconfig no kernel sets. Exit 1, nothing attached.
rl_run nothing build/progs/externs_missing.bpfel.o "$DEV_RX"
[ "$RL_RC" -eq 1 ] || fail "externs_missing: exit status $RL_RC, expected 1: $(cat "$TMP/nothing.err")"
grep -qF "rawload: prog 'uses_missing': not loaded: extern 'CONFIG_RAWLOAD_MISSING': not set in the kernel's config" \
	"$TMP/nothing.err" || fail "externs_missing: $(cat "$TMP/nothing.err")"
xdp_detached || fail "externs_missing: something attached to $DEV_RX"
note "count_xdp counted $N of $N while 9 programs and 2 maps were refused by name; exit 3; nothing usable: exit 1"
