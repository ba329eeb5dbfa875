#!/bin/sh
# Flow dissector programs: flow_count's dissect attaches to the network namespace rawload runs in
# (a netns link; bpftool lists it) and replaces the kernel's dissector there. With RPS on the
# receiving veth the kernel dissects every packet it receives to pick a CPU: N datagrams give
# exactly N IPv4 dissections, N of them UDP to port 9. Gone after SIGINT, and the namespace's
# packets are no longer seen.
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

rl_start fd "$OBJ" -i 0.2 -v
rl_wait_line fd 'dissect: (attached|not attached)'
grep -qx "rawload: dissect: attached to network namespace net:\[$ns_inode\] (its flow dissector), via bpf_link" "$TMP/fd.err" ||
	fail "not attached to net:[$ns_inode]: $(grep 'dissect' "$TMP/fd.err")"
id=$(pid_prog_ids "$RL_PID")
[ -n "$id" ] || fail "rawload holds no program"
bpftool link show | grep -Eq "netns +prog $id( |$)" || fail "bpftool shows no netns link of program $id"
retry 50 grep -q '^dissected' "$TMP/fd.out" || fail "no snapshot"
send $N
retry 50 slot_is 2 "$TMP/fd.out" $N || fail "dissected[2] (UDP to port 9) is $(slot 2 "$TMP/fd.out"), expected $N"
sleep 0.5
slot_is 1 "$TMP/fd.out" $N || fail "dissected[1] (IPv4) is $(slot 1 "$TMP/fd.out"), expected $N"
slot_is 2 "$TMP/fd.out" $N || fail "dissected[2] changed to $(slot 2 "$TMP/fd.out")"
runs=$(slot 0 "$TMP/fd.out")
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "exit status $RL_RC: $(cat "$TMP/fd.err")"
wait_gone "$id"
note "$N of $N datagrams dissected by the program ($runs runs in all) on net:[$ns_inode]; link and program gone"
