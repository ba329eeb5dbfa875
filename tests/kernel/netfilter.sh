#!/bin/sh
# netfilter programs: nf_count linked to a hook of the namespace rawload runs in (--nf), counting
# exactly the datagrams of that family that cross it: in a namespace of the test's own with IPv6 on
# (loopback only, nothing else there), N4 datagrams to 127.0.0.1 and N6 to ::1, each received by a
# listener (no ICMP errors), cross every hook once. ipv4 input sees N4, ipv6 output N6, inet
# prerouting N4 + N6 through two links (bpftool lists them as netfilter links). Without --nf the
# program is not attached, said by name; a malformed --nf is one line and exit 1.
. "$(dirname "$0")/lib.sh"
setup_lo
# This test is about both families: IPv6 back on (on loopback alone nothing else is sent).
in_rx sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.lo.disable_ipv6=0 ||
	fail "cannot turn IPv6 on"
retry 30 sh -c "ip -n $NS_RX -6 addr show dev lo | grep -q '::1/128'" || fail "no ::1 on lo"
OBJ=build/progs/nf_count.bpfel.o
UDPLOOP=./build/udploop
[ -f "$OBJ" ] && [ -x "$UDPLOOP" ] || fail "$OBJ or $UDPLOOP is missing (make test-progs build/udploop)"
N4=31
N6=17

count() { # FILE: nf_packets[0] in the last snapshot, 0 when not shown
	awk '/^-- / { v = 0 } /^nf_packets\[0\] = / { v = $3 } END { print v + 0 }' "$1"
}
count_is() { [ "$(count "$1")" = "$2" ]; }
loop() { # ADDR COUNT
	out=$(timeout -s KILL 10 nsenter --net="/run/netns/$NS_RX" "$UDPLOOP" "$1" 9 "$2") && [ "$out" = "received $2" ] ||
		fail "udploop $1 $2: $out"
}

one_run() { # NAME SPEC NOTE LINKS EXPECTED
	name=$1 spec=$2 say=$3 nlinks=$4 want=$5
	rl_start "$name" "$OBJ" --nf "$spec" -i 0.2 -v
	rl_wait_line "$name" 'nf_count: (attached|not attached)'
	grep -qxF "rawload: nf_count: attached to $say" "$TMP/$name.err" ||
		fail "$name: not attached as expected: $(grep -v '^rawload: \(prog\|map\|btf\|--\|program\|section\|elf\|reloc\)' "$TMP/$name.err")"
	id=$(pid_prog_ids "$RL_PID")
	# bpftool 7.1 (Debian 12) predates netfilter links: it shows their type as a number (10).
	links=$(bpftool link show | grep -Ec "(netfilter|type 10) +prog $id( |$)" || true)
	[ "$links" -eq "$nlinks" ] || fail "$name: bpftool lists $links netfilter links of program $id, expected $nlinks"
	retry 50 grep -q '^nf_packets' "$TMP/$name.out" || fail "$name: no snapshot"
	loop 127.0.0.1 $N4
	loop ::1 $N6
	retry 50 count_is "$TMP/$name.out" "$want" || fail "$name: nf_packets[0] is $(count "$TMP/$name.out"), expected $want"
	sleep 0.5
	count_is "$TMP/$name.out" "$want" || fail "$name: nf_packets[0] changed to $(count "$TMP/$name.out")"
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "$name: exit status $RL_RC: $(cat "$TMP/$name.err")"
	wait_gone "$id"
	note "$name: $want of the $N4 IPv4 and $N6 IPv6 datagrams through $say"
}

one_run v4 ipv4:input:-100 "netfilter ipv4 input priority -100, via bpf_link" 1 $N4
one_run v6 ipv6:OUTPUT:5 "netfilter ipv6 output priority 5, via bpf_link" 1 $N6
one_run inet inet:prerouting:0 "netfilter inet prerouting priority 0, via bpf_links (IPv4 and IPv6)" 2 $((N4 + N6))

rl_run none "$OBJ" -n 1
[ "$RL_RC" -eq 0 ] && grep -qx "rawload: nf_count: not attached: no --nf \[FAMILY:\]HOOK:PRIORITY given" "$TMP/none.err" ||
	fail "without --nf: exit $RL_RC: $(cat "$TMP/none.err")"
for bad in "input" "ipx:input:0" "ipv4:inbound:0" "input:x" "input:2147483647" "a:b:c:d"; do
	rl_run bad "$OBJ" --nf "$bad" -n 1
	[ "$RL_RC" -eq 1 ] && [ "$(wc -l <"$TMP/bad.err")" -eq 1 ] && grep -q "^rawload: --nf '$bad': " "$TMP/bad.err" ||
		fail "--nf $bad: exit $RL_RC: $(cat "$TMP/bad.err")"
done
note "without --nf: not attached, said; six malformed --nf refused in one line each"
