#!/bin/sh
# sk_lookup: count_lookups attaches to the network namespace rawload runs in (a netns bpf_link),
# sees exactly the N socket lookups that N datagrams to 127.0.0.1:9 cause in a namespace of the
# test's own, is listed by bpftool as a netns link while rawload runs, and is gone after SIGINT.
. "$(dirname "$0")/lib.sh"
setup_lo
OBJ=build/progs/sk_lookup_count.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"
N=61

last() { # MAP FILE
	no_change "$2" | sed -n "s/^$1\[0\] = \([0-9]*\)\$/\1/p" | tail -n 1
}
shows() { # MAP FILE VALUE
	[ "$(last "$1" "$2")" = "$3" ]
}
ns_inode=$(stat -L -c %i "/run/netns/$NS_RX") || fail "cannot stat /run/netns/$NS_RX"

rl_start sk "$OBJ" -i 0.2 -v
rl_wait_line sk 'count_lookups: (attached|not attached)'
grep -qx "rawload: count_lookups: attached to network namespace net:\[$ns_inode\] (socket lookups), via bpf_link" "$TMP/sk.err" ||
	fail "not attached to net:[$ns_inode]: $(grep count_lookups "$TMP/sk.err")"
id=$(pid_prog_ids "$RL_PID")
[ -n "$id" ] || fail "rawload holds no program"
bpftool link show | grep -q "netns  prog $id" || fail "bpftool shows no netns link of program $id: $(bpftool link show | head)"
retry 50 grep -q '^all' "$TMP/sk.out" || fail "no snapshot"
timeout -s KILL 10 nsenter --net="/run/netns/$NS_RX" "$UDPSEND" 127.0.0.1 9 $N || fail "udpsend failed"
retry 50 shows udp9 "$TMP/sk.out" $N || fail "udp9[0] is '$(last udp9 "$TMP/sk.out")', expected $N"
sleep 0.5
shows udp9 "$TMP/sk.out" $N || fail "udp9[0] changed to '$(last udp9 "$TMP/sk.out")' after a pause"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "exit status $RL_RC after SIGINT: $(cat "$TMP/sk.err")"
wait_gone "$id"
bpftool link show | grep -q "netns  prog $id" && fail "the netns link of $id remains"
note "udp9 = $N of $N lookups on net:[$ns_inode] (all: $(last all "$TMP/sk.out")); link and program gone after SIGINT"
