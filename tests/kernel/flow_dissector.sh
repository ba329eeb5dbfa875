#!/bin/sh
# Flow dissector programs: flow_count's dissect attaches to the network namespace rawload runs in
# (a netns link; bpftool lists it) and replaces the kernel's dissector there. With RPS on the
# receiving veth the kernel dissects every packet it receives to pick a CPU: N datagrams give
# exactly N IPv4 dissections, N of them UDP to port 9. Gone after SIGINT. The same with
# --prog-attach (BPF_PROG_ATTACH, as before 5.8; bpftool net lists it; BPF_PROG_DETACH at the end).
. "$(dirname "$0")/lib.sh"
setup_net
OBJ=build/progs/flow_count.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"
N=43

slot() { # KEY FILE: dissected[KEY] in the last snapshot, 0 when not shown
	awk -v m="dissected[$1] = " '/^-- / { v = 0 } index($0, m) == 1 { v = substr($0, length(m) + 1) } END { print v + 0 }' "$2"
}
slot_is() { [ "$(slot "$1" "$2")" = "$3" ]; }

# RPS on the receiving veth's queue (its sysfs is the namespace's: ip netns exec mounts it).
ip netns exec "$NS_RX" sh -c "echo 1 >/sys/class/net/$DEV_RX/queues/rx-0/rps_cpus" || fail "cannot turn RPS on"
ns_inode=$(stat -L -c %i "/run/netns/$NS_RX") || fail "cannot stat /run/netns/$NS_RX"

# one_run NAME HOW ARGS...: attached via HOW, exact counts, nothing left after SIGINT
one_run() {
	name=$1 how=$2
	shift 2
	rl_start "$name" "$OBJ" -i 0.2 -v "$@"
	rl_wait_line "$name" 'dissect: (attached|not attached)'
	grep -qx "rawload: dissect: attached to network namespace net:\[$ns_inode\] (its flow dissector), via $how" "$TMP/$name.err" ||
		fail "$name: not attached to net:[$ns_inode] via $how: $(grep 'dissect' "$TMP/$name.err")"
	id=$(pid_prog_ids "$RL_PID")
	[ -n "$id" ] || fail "$name: rawload holds no program"
	case $how in
	bpf_link) bpftool link show | grep -Eq "netns +prog $id( |$)" || fail "$name: bpftool shows no netns link of program $id" ;;
	*) in_rx bpftool net show | grep -A1 '^flow_dissector:' | grep -qx "id $id" ||
		fail "$name: bpftool net shows no flow dissector $id: $(in_rx bpftool net show)" ;;
	esac
	retry 50 grep -q '^dissected' "$TMP/$name.out" || fail "$name: no snapshot"
	before1=$(slot 1 "$TMP/$name.out") before2=$(slot 2 "$TMP/$name.out")
	[ "$before1" = 0 ] && [ "$before2" = 0 ] || fail "$name: counts before any datagram: $before1 $before2"
	send $N
	retry 50 slot_is 2 "$TMP/$name.out" $N || fail "$name: dissected[2] (UDP to port 9) is $(slot 2 "$TMP/$name.out"), expected $N"
	sleep 0.5
	slot_is 1 "$TMP/$name.out" $N || fail "$name: dissected[1] (IPv4) is $(slot 1 "$TMP/$name.out"), expected $N"
	slot_is 2 "$TMP/$name.out" $N || fail "$name: dissected[2] changed to $(slot 2 "$TMP/$name.out")"
	runs=$(slot 0 "$TMP/$name.out")
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "$name: exit status $RL_RC: $(cat "$TMP/$name.err")"
	[ "$how" = bpf_link ] || grep -qx "rawload: flow_dissector: BPF_PROG_DETACH prog 'dissect' -> ok" "$TMP/$name.err" ||
		fail "$name: no BPF_PROG_DETACH narrated"
	wait_gone "$id"
	in_rx bpftool net show | grep -A1 '^flow_dissector:' | grep -q '^id ' && fail "$name: a flow dissector remains"
	note "$name: $N of $N datagrams dissected by the program ($runs runs in all) on net:[$ns_inode] via $how; gone"
}

one_run link bpf_link
one_run prog-attach BPF_PROG_ATTACH --prog-attach
