#!/bin/sh
# Socket filters: sockfilter_count's socket_handler runs on a packet socket rawload opens on the
# receiving veth, so it sees every frame the interface receives and sends: its count of received
# frames equals the interface's RX counter over the run (the N datagrams, nothing else arrives) and
# its count of sent frames the TX counter (the kernel's rate-limited ICMP replies, whatever their
# number); exactly N records of UDP to port 9 come through its ring buffer. The socket and the
# program are gone after SIGINT; --pin is refused by name (a socket cannot be pinned).
. "$(dirname "$0")/lib.sh"
setup_net
OBJ=build/progs/sockfilter_count.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"
N=71

counter() { # rx|tx: the packet counter of DEV_RX
	ip -n "$NS_RX" -s link show dev "$DEV_RX" | awk -v w="$1" '
		/RX:/ { getline; rx = $2 } /TX:/ { getline; tx = $2 } END { print (w == "rx" ? rx : tx) }'
}
slot() { # MAP KEY FILE: the last value shown; 0 when the slot was not shown (zero)
	v=$(awk -v m="$1[$2]" '/^-- / { v = 0 } index($0, m " = ") == 1 { v = $3 } END { print v + 0 }' "$3")
	echo "$v"
}
slot_is() { [ "$(slot "$1" "$2" "$3")" = "$4" ]; }

rl_start sock "$OBJ" "$DEV_RX" -i 0.2 -v
rl_wait_line sock 'socket_handler: (attached|not attached)'
grep -qx "rawload: socket_handler: attached to $DEV_RX (a packet socket of every frame it receives and sends), via SO_ATTACH_BPF" \
	"$TMP/sock.err" || fail "not attached as expected: $(grep -v '^rawload: \(prog\|map\|btf\)' "$TMP/sock.err")"
grep -q "^rawload: socket: AF_PACKET socket on $DEV_RX (ifindex [0-9]*), SO_ATTACH_BPF prog 'socket_handler' -> fd [0-9]*\$" \
	"$TMP/sock.err" || fail "-v does not narrate the socket"
id=$(pid_prog_ids "$RL_PID")
retry 50 grep -q '^frames' "$TMP/sock.out" || fail "no snapshot"
rx0=$(counter rx) tx0=$(counter tx)
send $N
retry 50 slot_is udp_in 0 "$TMP/sock.out" $N || fail "udp_in[0] is $(slot udp_in 0 "$TMP/sock.out"), expected $N"
sleep 0.6 # the ICMP replies have gone out; three more snapshots
rx=$(($(counter rx) - rx0)) tx=$(($(counter tx) - tx0))
host=$(slot frames 0 "$TMP/sock.out") out=$(slot frames 4 "$TMP/sock.out")
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "exit status $RL_RC: $(cat "$TMP/sock.err")"
grep -q "^rawload: packet socket: closing socket fd" "$TMP/sock.err" || fail "-v does not narrate closing the socket"
wait_gone $id
[ "$rx" -eq $N ] || fail "$DEV_RX received $rx frames, $N datagrams were sent"
[ "$host" -eq "$rx" ] || fail "the program saw $host received frames, the interface counted $rx"
[ "$out" -eq "$tx" ] || fail "the program saw $out sent frames, the interface counted $tx"
recs=$(grep -c "^rb: {.*dst_port=2304, ip_proto=UDP, pkt_type=0, " "$TMP/sock.out" || true)
[ "$recs" -eq $N ] || fail "$recs ring-buffer records of UDP to port 9 (2304 as stored), expected $N: $(grep '^rb' "$TMP/sock.out" | head -n 3)"
note "$host of $rx frames received and $out of $tx sent seen; $recs records of the $N datagrams; program $id gone"

rl_run pin "$OBJ" "$DEV_RX" --pin "$PIN_BASE-sock"
[ "$RL_RC" -ne 0 ] && grep -q "prog 'socket_handler': attached to a packet socket rawload holds" "$TMP/pin.err" ||
	fail "--pin of a socket filter: exit $RL_RC: $(cat "$TMP/pin.err")"
[ ! -e "$PIN_BASE-sock/links" ] || fail "--pin made links for a refused run"
