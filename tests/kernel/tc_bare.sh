#!/bin/sh
# Plain tc sections: tc_bare's SEC("tc") and SEC("classifier") programs, which name no direction,
# go on the receiving veth's ingress (said in the output) and count exactly the N datagrams that
# arrive and none of the M sent back; with --egress on its egress, the M sent back and none of
# the N. With --netlink (the way before tcx links) the same, through tc filters. Nothing is left
# after SIGINT.
. "$(dirname "$0")/lib.sh"
setup_net
OBJ=build/progs/tc_bare.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"
N=47
M=19

last() { # MAP FILE: the last value of MAP[0] shown, empty when none
	no_change "$2" | sed -n "s/^$1\[0\] = \([0-9]*\)\$/\1/p" | tail -n 1
}
shows() { # MAP FILE VALUE ("" when the slot is still zero, which is not shown)
	[ "$(last "$1" "$2")" = "$3" ]
}
send_back() {
	timeout -s KILL 10 nsenter --net="/run/netns/$NS_RX" "$UDPSEND" "$TX_ADDR" 9 "$1" ||
		fail "udpsend $1 datagrams from $NS_RX failed"
}

# one_run NAME DIRECTION HOW NOTE ARGS...
one_run() {
	name=$1 dir=$2 how=$3 say=$4
	shift 4
	rl_start "$name" "$OBJ" "$DEV_RX" -i 0.2 "$@"
	rl_wait_line "$name" 'tc_count: (attached|not attached)'
	for p in tc_count:tc cls_count:classifier; do
		prog=${p%%:*} sec=${p#*:}
		case $how in
		tcx)
			grep -qxF "rawload: $prog: attached to $DEV_RX $dir, via tcx link (section '$sec' names no direction: $say)" \
				"$TMP/$name.err" ;;
		*)
			grep -x "rawload: $prog: attached to $DEV_RX $dir (tc filter priority [0-9]* handle 0x[0-9a-f]*), via tc netlink (no direction in the section: .*)" \
				"$TMP/$name.err" | grep -qF ": $say)" ;;
		esac || fail "$name: $prog not on $dir as expected: $(grep "$prog" "$TMP/$name.err")"
	done
	ids=$(pid_prog_ids "$RL_PID")
	retry 50 grep -q '^tc_udp' "$TMP/$name.out" || fail "$name: no snapshot"
	if [ "$dir" = ingress ]; then
		send $N
		send_back $M
		want=$N
	else
		send_back $M
		send $N
		want=$M
	fi
	retry 50 shows tc_udp "$TMP/$name.out" $want || fail "$name: tc_udp[0] is '$(last tc_udp "$TMP/$name.out")', expected $want"
	retry 50 shows cls_udp "$TMP/$name.out" $want || fail "$name: cls_udp[0] is '$(last cls_udp "$TMP/$name.out")', expected $want"
	sleep 0.5
	shows tc_udp "$TMP/$name.out" $want || fail "$name: tc_udp[0] changed to '$(last tc_udp "$TMP/$name.out")'"
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "$name: exit status $RL_RC: $(cat "$TMP/$name.err")"
	wait_gone $ids
	nsenter --net="/run/netns/$NS_RX" tc filter show dev "$DEV_RX" "$dir" 2>/dev/null | grep -q bpf &&
		fail "$name: a bpf filter remains on $DEV_RX $dir"
	note "$name: $want of $want datagrams on $dir ($N in, $M back) via $how; gone after SIGINT"
}

one_run ingress ingress tcx "ingress; --egress for egress"
one_run egress egress tcx "egress, as --egress asks" --egress
one_run netlink-ingress ingress netlink "ingress; --egress for egress" --netlink
one_run netlink-egress egress netlink "egress, as --egress asks" --netlink --egress
