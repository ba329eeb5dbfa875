#!/bin/sh
# XDP programs rawload did not attach are respected, with iproute2 (`ip link set dev X xdp obj ...`)
# as the other loader:
# - `rawload detach IFACE` refuses iproute2's program (one line naming it: id, name, tag), which
#   stays; `--force` removes it. A program rawload attached through netlink and left behind
#   (SIGKILL) is recognised by its mark and removed.
# - `--replace` takes the place of iproute2's program and puts the same program back at exit, in
#   its mode: through netlink (one atomic swap each way) and through a bpf_link (taken off, put
#   back), native and generic; exact counts show whose program ran. Without --replace the attach is
#   refused and iproute2's program stays. A program held by a bpf_link cannot be replaced.
. "$(dirname "$0")/lib.sh"
setup_net

ip_attach() { # MODE (xdp, xdpgeneric): iproute2 attaches counter's program; its id in FOREIGN
	ip -n "$NS_RX" link set dev "$DEV_RX" "$1" obj examples/counter.o sec xdp || fail "ip link set $1 obj"
	FOREIGN=$(xdp_prog_id)
	[ -n "$FOREIGN" ] || fail "iproute2 attached nothing"
}
ip_detach() {
	ip -n "$NS_RX" link set dev "$DEV_RX" xdp off 2>/dev/null
	ip -n "$NS_RX" link set dev "$DEV_RX" xdpgeneric off 2>/dev/null
}

# -- detach: not ours, refused; --force removes it.
ip_attach xdp
rl_run detach-foreign detach "$DEV_RX"
[ "$RL_RC" -eq 1 ] || fail "detach of iproute2's program: exit status $RL_RC: $(cat "$TMP/detach-foreign.out")"
grep -q "^rawload: $DEV_RX: program id $FOREIGN 'count_packets' (tag [0-9a-f]\{16\}, loaded by uid 0 .* was not attached by rawload .*--force" \
	"$TMP/detach-foreign.err" || fail "detach of iproute2's program said '$(cat "$TMP/detach-foreign.err")'"
[ "$(xdp_prog_id)" = "$FOREIGN" ] || fail "iproute2's program $FOREIGN is gone after a refused detach"
rl_run detach-force detach "$DEV_RX" --force
[ "$RL_RC" -eq 0 ] || fail "detach --force: exit status $RL_RC: $(cat "$TMP/detach-force.err")"
grep -q "program id $FOREIGN 'count_packets' .*(--force)" "$TMP/detach-force.out" ||
	fail "detach --force said '$(cat "$TMP/detach-force.out")'"
xdp_detached || fail "detach --force left program $(xdp_prog_id)"
note "detach: iproute2's program $FOREIGN refused ($(cut -c1-90 "$TMP/detach-foreign.err")...), --force removed it"

# -- detach: ours, left by a killed rawload, recognised.
rl_start killed examples/counter.o "$DEV_RX" --netlink -i 0.5
rl_wait_attached killed
ours=$(xdp_prog_id)
rl_stop KILL
[ "$(xdp_prog_id)" = "$ours" ] || fail "netlink program $ours not left by kill -9"
rl_run detach-ours detach "$DEV_RX"
[ "$RL_RC" -eq 0 ] || fail "detach of rawload's own program: exit status $RL_RC: $(cat "$TMP/detach-ours.err")"
grep -q "program id $ours 'count_packets' (attached by rawload, pid [0-9]*)" "$TMP/detach-ours.out" ||
	fail "detach of rawload's program said '$(cat "$TMP/detach-ours.out")'"
xdp_detached || fail "detach left program $(xdp_prog_id)"
wait_gone "$ours"
note "detach: rawload's program $ours left by kill -9 recognised and removed"

# -- without --replace: refused, iproute2's program untouched.
ip_attach xdp
for how in link netlink; do
	opt=""
	[ $how = netlink ] && opt=--netlink
	rl_run "refused-$how" examples/counter.o "$DEV_RX" -n 1 $opt
	[ "$RL_RC" -eq 1 ] || fail "$how: attach over iproute2's program: exit status $RL_RC"
	grep -q "already has an XDP program" "$TMP/refused-$how.err" || fail "$how: said '$(cat "$TMP/refused-$how.err")'"
	[ "$(xdp_prog_id)" = "$FOREIGN" ] || fail "$how: iproute2's program replaced without --replace"
done
ip_detach

# -- --replace: ours runs (exact count in ours, none in iproute2's map), then theirs is back.
foreign_count() { # iproute2's pkt_count[0] (through its program's map; bpftool reads the BTF)
	fc_map=$(bpftool prog show id "$FOREIGN" | sed -n 's/.*map_ids \([0-9]*\).*/\1/p')
	bpftool -j map lookup id "$fc_map" key 0 0 0 0 2>/dev/null | sed -n 's/.*"formatted":{"key":0,"value":\([0-9]*\)}.*/\1/p'
}
foreign_count_is() {
	[ "$(foreign_count)" = "$1" ]
}
for mode in xdp xdpgeneric; do
	for how in netlink link; do
		name=replace-$mode-$how
		opt=""
		[ $how = netlink ] && opt=--netlink
		ip_attach $mode
		before=$(foreign_count)
		[ -n "$before" ] || fail "$name: cannot read iproute2's counter"
		rl_start "$name" examples/counter.o "$DEV_RX" --replace -i 0.2 $opt
		rl_wait_attached "$name"
		ours=$(xdp_prog_id)
		[ -n "$ours" ] && [ "$ours" != "$FOREIGN" ] || fail "$name: program on $DEV_RX is '$ours', iproute2's was $FOREIGN"
		[ "$(xdp_mode_word)" = $mode ] || fail "$name: ours runs in mode $(xdp_mode_word), theirs was in $mode"
		send 7
		retry 50 count_is "$TMP/$name.out" 7 || fail "$name: rawload counted $(last_count "$TMP/$name.out"), 7 sent"
		[ "$(foreign_count)" = "$before" ] || fail "$name: iproute2's program counted while replaced"
		rl_stop INT
		[ "$RL_RC" -eq 0 ] || fail "$name: exit status $RL_RC: $(cat "$TMP/$name.err")"
		grep -q "^rawload: $DEV_RX: the replaced program id $FOREIGN is back" "$TMP/$name.err" ||
			fail "$name: no word of the program put back: $(cat "$TMP/$name.err")"
		[ "$(xdp_prog_id)" = "$FOREIGN" ] || fail "$name: program on $DEV_RX after exit is '$(xdp_prog_id)', not iproute2's $FOREIGN"
		[ "$(xdp_mode_word)" = $mode ] || fail "$name: iproute2's program is back in mode $(xdp_mode_word), was $mode"
		wait_gone "$ours"
		send 3
		retry 50 foreign_count_is $((before + 3)) ||
			fail "$name: iproute2's program counted $(($(foreign_count) - before)) of 3 after it came back"
		ip_detach
	done
done
note "--replace (netlink and bpf_link, native and generic): ours counted 7 of 7, iproute2's program back in its mode, counting again"

# -- --replace where nothing runs: an ordinary attach; where a bpf_link holds the program: refused.
rl_start holder examples/counter.o "$DEV_RX" -i 0.5
rl_wait_attached holder
held=$(xdp_prog_id)
holder_pid=$RL_PID holder_tpid=$RL_TPID
rl_run replace-link examples/counter.o "$DEV_RX" --replace -n 1
[ "$RL_RC" -eq 1 ] || fail "--replace over a bpf_link: exit status $RL_RC"
grep -q "held by a bpf_link" "$TMP/replace-link.err" || fail "--replace over a bpf_link said '$(cat "$TMP/replace-link.err")'"
[ "$(xdp_prog_id)" = "$held" ] || fail "--replace over a bpf_link changed the program"
RL_PID=$holder_pid RL_TPID=$holder_tpid
rl_stop INT
wait_gone "$held"
rl_run replace-none examples/counter.o "$DEV_RX" --replace -n 1 -i 0.1
[ "$RL_RC" -eq 0 ] || fail "--replace with nothing attached: exit status $RL_RC: $(cat "$TMP/replace-none.err")"
xdp_detached || fail "--replace with nothing attached left a program"
note "--replace over a bpf_link: refused; over nothing: an ordinary attach"
