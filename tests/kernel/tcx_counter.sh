#!/bin/sh
# tcx: tcx_count's two programs attach to the receiving veth through tcx links, one per direction,
# and count exactly the UDP datagrams that cross it each way; the links really are on that
# interface and direction (their fdinfo, read from rawload's fds) and `bpftool link show` lists
# them while rawload runs and not after SIGINT (nor after SIGKILL). Two runs share the interface
# (tcx keeps a list).
# The plain "tc" section goes on ingress, and says so. Without IFACE the default
# route's interface is used, and said. --pin leaves the links attached after exit, a second --pin
# run swaps its programs into the same links, and `rawload unpin` detaches them.
. "$(dirname "$0")/lib.sh"
setup_net
OBJ=build/progs/tcx_count.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"
N=83
M=29

# last MAP FILE: the last value of MAP[0] a text snapshot in FILE showed; empty when none.
last() {
	no_change "$2" | sed -n "s/^$1\[0\] = \([0-9]*\)\$/\1/p" | tail -n 1
}
shows() { # MAP FILE VALUE
	[ "$(last "$1" "$2")" = "$3" ]
}
# send_back N: N datagrams the other way, from NS_RX to TX_ADDR.
send_back() {
	timeout -s KILL 10 nsenter --net="/run/netns/$NS_RX" "$UDPSEND" "$TX_ADDR" 9 "$1" ||
		fail "udpsend $1 datagrams from $NS_RX failed"
}
# rl_prog_id NAME: the id of the program called NAME the background rawload holds.
rl_prog_id() {
	for rp_id in $(pid_prog_ids "$RL_PID"); do
		bpftool prog show id "$rp_id" 2>/dev/null | grep -q " name $1 " && echo "$rp_id"
	done
}
# link_fdinfo LINK_ID: the fdinfo of the background rawload's fd for that link.
link_fdinfo() {
	for lf in /proc/"$RL_PID"/fdinfo/*; do
		grep -q "^link_id:[[:space:]]*$1\$" "$lf" 2>/dev/null && cat "$lf" && return 0
	done
	return 1
}
link_id_of() { # PROG_ID: the id of the one link `bpftool link show` lists for it
	our_links "$1" | sed -n '1s/^\([0-9]*\):.*/\1/p'
}
ifindex=$(ip -n "$NS_RX" -o link show dev "$DEV_RX" | sed -n 's/^\([0-9]*\):.*/\1/p')
[ -n "$ifindex" ] || fail "cannot read the ifindex of $DEV_RX"

# ---- one run: both directions counted exactly, the links where they should be, gone after SIGINT
rl_start run "$OBJ" "$DEV_RX" -i 0.2 -v
rl_wait_line run 'count_egress: attached to|count_egress: not attached'
for p in ingress egress; do
	grep -q "^rawload: count_$p: attached to $DEV_RX $p, via tcx link\$" "$TMP/run.err" ||
		fail "run: count_$p not attached to $DEV_RX $p via a tcx link: $(grep -v '^rawload: [a-z-]*: ' "$TMP/run.err")"
	grep -q "^rawload: tcx: BPF_LINK_CREATE prog 'count_$p' ifindex $ifindex ($DEV_RX) attach type tcx_$p -> fd [0-9]*\$" \
		"$TMP/run.err" || fail "run: -v does not narrate the BPF_LINK_CREATE of count_$p: $(grep tcx: "$TMP/run.err")"
done
grep -qxF "rawload: no_direction: attached to $DEV_RX ingress, via tcx link (section 'tc' names no direction: ingress; --egress for egress)" \
	"$TMP/run.err" || fail "run: the plain tc section not on ingress, or not said: $(grep no_direction "$TMP/run.err")"
in_id=$(rl_prog_id count_ingress)
out_id=$(rl_prog_id count_egress)
[ -n "$in_id" ] && [ -n "$out_id" ] || fail "run: rawload holds no count_ingress/count_egress ('$in_id', '$out_id')"
for pair in "$in_id:46 (ingress)" "$out_id:47 (egress)"; do
	id=${pair%%:*} at=${pair#*:}
	link=$(link_id_of "$id")
	[ -n "$link" ] || fail "run: bpftool link show lists no link of program $id: $(bpftool link show | head -n 20)"
	info=$(link_fdinfo "$link") || fail "run: rawload holds no fd of link $link"
	printf '%s\n' "$info" | grep -q '^link_type:[[:space:]]*tcx$' || fail "run: link $link is not tcx: $info"
	printf '%s\n' "$info" | grep -q "^ifindex:[[:space:]]*$ifindex\$" || fail "run: link $link not on ifindex $ifindex: $info"
	printf '%s\n' "$info" | grep -q "^attach_type:[[:space:]]*$at\$" || fail "run: link $link is not $at: $info"
done
retry 50 grep -q '^ingress_udp' "$TMP/run.out" || fail "run: no snapshot"
send $N
retry 50 shows ingress_udp "$TMP/run.out" $N || fail "run: ingress_udp[0] is '$(last ingress_udp "$TMP/run.out")', expected $N"
send_back $M
retry 50 shows egress_udp "$TMP/run.out" $M || fail "run: egress_udp[0] is '$(last egress_udp "$TMP/run.out")', expected $M"
sleep 0.5 # two more snapshots: nothing else arrives
shows ingress_udp "$TMP/run.out" $N || fail "run: ingress_udp[0] is '$(last ingress_udp "$TMP/run.out")' after a pause, expected $N"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "run: exit status $RL_RC after SIGINT: $(cat "$TMP/run.err")"
grep -q "^rawload: tcx link: closing link fd" "$TMP/run.err" || fail "run: -v does not narrate closing the links"
shows egress_udp "$TMP/run.out" $M || fail "run: egress_udp[0] is '$(last egress_udp "$TMP/run.out")', expected $M"
wait_gone "$in_id" "$out_id"
note "run: ingress $N of $N, egress $M of $M via tcx links on $DEV_RX (ifindex $ifindex); programs $in_id $out_id and their links gone after SIGINT"

# ---- two runs on one interface: both see every packet (each program hands on to the next)
rl_start two-a "$OBJ" "$DEV_RX" -i 0.2
rl_wait_line two-a 'count_egress: attached to'
pid_a=$RL_PID tpid_a=$RL_TPID
a_id=$(rl_prog_id count_ingress)
rl_start two-b "$OBJ" "$DEV_RX" -i 0.2 --prog count_ingress
rl_wait_line two-b 'count_ingress: attached to'
b_id=$(rl_prog_id count_ingress)
[ -n "$a_id" ] && [ -n "$b_id" ] && [ -n "$(our_links "$a_id")" ] && [ -n "$(our_links "$b_id")" ] ||
	fail "two: no links for both runs' count_ingress ('$a_id', '$b_id')"
retry 50 grep -q '^ingress_udp' "$TMP/two-b.out" || fail "two-b: no snapshot"
send $N
retry 50 shows ingress_udp "$TMP/two-a.out" $N || fail "two-a: ingress_udp[0] is '$(last ingress_udp "$TMP/two-a.out")', expected $N"
retry 50 shows ingress_udp "$TMP/two-b.out" $N || fail "two-b: ingress_udp[0] is '$(last ingress_udp "$TMP/two-b.out")', expected $N"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "two-b: exit status $RL_RC"
RL_PID=$pid_a RL_TPID=$tpid_a
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "two-a: exit status $RL_RC"
wait_gone "$a_id" "$b_id"
note "two runs on $DEV_RX: each counted $N of $N"

# ---- SIGKILL: the kernel closes rawload's link fds, and the links go with them
rl_start kill "$OBJ" "$DEV_RX" -i 0.2
rl_wait_line kill 'count_egress: attached to'
k_in=$(rl_prog_id count_ingress) k_out=$(rl_prog_id count_egress)
[ -n "$(our_links "$k_in")" ] && [ -n "$(our_links "$k_out")" ] || fail "kill: no links for $k_in $k_out"
rl_stop KILL
wait_gone "$k_in" "$k_out"
note "SIGKILL: programs $k_in $k_out and their links gone"

# ---- --netlink: the way kernels before 6.6 take tc programs (and take them without tcx): a clsact
# qdisc and a direct-action bpf filter per direction; tc(8) sees them, the counts are exact, and
# both filters and the qdisc rawload added are gone after SIGINT.
need tc
in_rx_tc() { nsenter --net="/run/netns/$NS_RX" tc "$@"; }
in_rx_tc qdisc show dev "$DEV_RX" | grep -q clsact && fail "netlink: $DEV_RX has a clsact qdisc before the run"
rl_start nl "$OBJ" "$DEV_RX" -i 0.2 -v --netlink
rl_wait_line nl 'count_egress: attached to|count_egress: not attached'
for p in ingress egress; do
	grep -Eq "^rawload: count_$p: attached to $DEV_RX $p \(tc filter priority [0-9]+ handle 0x[0-9a-f]+\), via tc netlink\$" "$TMP/nl.err" ||
		fail "netlink: count_$p not attached through a tc filter: $(grep -v '^rawload: \(prog\|map\|btf\|--\)' "$TMP/nl.err")"
	in_rx_tc filter show dev "$DEV_RX" "$p" | grep -q "count_$p.* direct-action" ||
		fail "netlink: tc shows no count_$p filter on $DEV_RX $p: $(in_rx_tc filter show dev "$DEV_RX" "$p")"
done
in_rx_tc qdisc show dev "$DEV_RX" | grep -q clsact || fail "netlink: no clsact qdisc on $DEV_RX"
nl_in=$(rl_prog_id count_ingress) nl_out=$(rl_prog_id count_egress)
[ -z "$(our_links "$nl_in")$(our_links "$nl_out")" ] || fail "netlink: links exist for $nl_in/$nl_out"
retry 50 grep -q '^ingress_udp' "$TMP/nl.out" || fail "netlink: no snapshot"
send $N
retry 50 shows ingress_udp "$TMP/nl.out" $N || fail "netlink: ingress_udp[0] is '$(last ingress_udp "$TMP/nl.out")', expected $N"
send_back $M
retry 50 shows egress_udp "$TMP/nl.out" $M || fail "netlink: egress_udp[0] is '$(last egress_udp "$TMP/nl.out")', expected $M"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "netlink: exit status $RL_RC after SIGINT: $(cat "$TMP/nl.err")"
in_rx_tc qdisc show dev "$DEV_RX" | grep -q clsact && fail "netlink: the clsact qdisc rawload added stays: $(in_rx_tc filter show dev "$DEV_RX" ingress)"
wait_gone "$nl_in" "$nl_out"
note "netlink: ingress $N of $N, egress $M of $M through tc filters on a clsact qdisc; filters and qdisc gone after SIGINT"

# ---- --pin: the links stay after exit; a second run swaps its programs into them; unpin detaches
dir=$PIN_BASE-tcx
rl_run pin1 "$OBJ" "$DEV_RX" --pin "$dir"
[ "$RL_RC" -eq 0 ] || fail "pin1: exit status $RL_RC: $(cat "$TMP/pin1.err")"
for p in ingress egress; do
	[ -e "$dir/links/count_$p" ] || fail "pin1: no $dir/links/count_$p: $(ls -R "$dir" | tr '\n' ' ')"
done
pin_link() { # PROG NAME: "LINK_ID PROG_ID" of the link pinned for it
	bpftool link show pinned "$dir/links/$1" | sed -n '1s/^\([0-9]*\): .* prog \([0-9]*\).*/\1 \2/p'
}
set -- $(pin_link count_ingress)
link1=${1:-} id1=${2:-}
[ -n "$link1" ] && [ -n "$id1" ] || fail "pin1: bpftool cannot read $dir/links/count_ingress"
pinned_is() { [ "$(pinned_count "$1")" = "$2" ]; }
send $N
retry 50 pinned_is "$dir/maps/ingress_udp" $N ||
	fail "pin1: bpftool reads $(pinned_count "$dir/maps/ingress_udp") from the pinned ingress_udp, expected $N"
rl_run pin2 "$OBJ" "$DEV_RX" --pin "$dir" -v
[ "$RL_RC" -eq 0 ] || fail "pin2: exit status $RL_RC: $(cat "$TMP/pin2.err")"
grep -qF "tcx: BPF_LINK_UPDATE on the link pinned at $dir/links/count_ingress -> program swapped" "$TMP/pin2.err" ||
	fail "pin2: -v does not say the pinned link was updated: $(grep tcx: "$TMP/pin2.err")"
set -- $(pin_link count_ingress)
[ "${1:-}" = "$link1" ] && [ -n "${2:-}" ] && [ "$2" != "$id1" ] ||
	fail "pin2: pinned link is '${1:-}' with program '${2:-}', expected link $link1 with a new program (was $id1)"
id2=$2
wait_gone "$id1"
send $M
retry 50 pinned_is "$dir/maps/ingress_udp" $((N + M)) ||
	fail "pin2: bpftool reads $(pinned_count "$dir/maps/ingress_udp"), expected $((N + M))"
rl_run unpin unpin "$dir" -v
[ "$RL_RC" -eq 0 ] || fail "unpin: exit status $RL_RC: $(cat "$TMP/unpin.err")"
grep -q "BPF_LINK_DETACH $dir/links/count_ingress -> ok" "$TMP/unpin.err" || fail "unpin: $(cat "$TMP/unpin.err")"
[ ! -e "$dir" ] || fail "unpin: $dir remains: $(ls -R "$dir" | tr '\n' ' ')"
wait_gone "$id2"
note "pin: $N, then $((N + M)) through link $link1 (program $id1 -> $id2); unpin detached it"

# ---- no IFACE: the default route's interface
ip -n "$NS_RX" route add default via "$TX_ADDR" dev "$DEV_RX" || fail "cannot add the default route"
remember_ids count_ingress
rl_run route "$OBJ" -n 1
[ "$RL_RC" -eq 0 ] || fail "route: exit status $RL_RC: $(cat "$TMP/route.err")"
grep -qx "rawload: no interface given; using $DEV_RX (the default route's)" "$TMP/route.err" ||
	fail "route: does not name $DEV_RX: $(cat "$TMP/route.err")"
grep -qx "rawload: count_ingress: attached to $DEV_RX ingress, via tcx link" "$TMP/route.err" ||
	fail "route: not attached to $DEV_RX: $(cat "$TMP/route.err")"
retry 50 no_new_ids count_ingress || fail "route: count_ingress programs $(new_ids count_ingress | tr '\n' ' ')remain"
note "no IFACE: $(grep using "$TMP/route.err"); attached there, gone after -n 1"
