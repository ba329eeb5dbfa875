#!/bin/sh
# sk_skb and sk_msg programs: sockmap_count's parser, verdict and sk_msg programs attach to its only
# sockmap (a sockmap link; with --prog-attach BPF_PROG_ATTACH, as before 6.10, and BPF_PROG_DETACH
# at the end), its sockops program to a cgroup of the test's own; one TCP connection over loopback
# in a namespace of the test's own, made by a process of that cgroup, puts both its sockets in the
# map, and N messages of 64 bytes give exactly N verdicts and N sk_msg runs (of 64 N bytes) and
# arrive whole. --map names the map; a --map that is no sockmap leaves the programs unattached,
# said by name. Nothing is left after SIGINT.
. "$(dirname "$0")/lib.sh"
need bpftool
setup_lo
make_cgroup sm
OBJ=build/progs/sockmap_count.bpfel.o
TCPMSG=./build/tcpmsg
[ -f "$OBJ" ] && [ -x "$TCPMSG" ] || fail "$OBJ or $TCPMSG is missing (make test-progs build/tcpmsg)"
N=37

slot() { # KEY FILE: counts[KEY] in the last snapshot, 0 when not shown
	awk -v m="counts[$1] = " '/^-- / { v = 0 } index($0, m) == 1 { v = substr($0, length(m) + 1) } END { print v + 0 }' "$2"
}
slot_is() { [ "$(slot "$1" "$2")" = "$3" ]; }

one_run() { # NAME HOW ARGS...: the sk programs attached via HOW (the cgroup one accordingly)
	name=$1 how=$2
	shift 2
	cg_how="cgroup link"
	[ "$how" = BPF_PROG_ATTACH ] && cg_how=BPF_PROG_ATTACH
	rl_start "$name" "$OBJ" --cgroup "$CG" -i 0.2 -v "$@"
	rl_wait_line "$name" 'on_send: (attached|not attached)'
	for p in frame:stream_parser judge:stream_verdict on_send:msg_verdict; do
		prog=${p%%:*} at=${p#*:}
		case $at in msg_verdict) at=sk_msg_verdict ;; *) at=sk_skb_$at ;; esac
		grep -qx "rawload: $prog: attached to map sock_map (sockmap $at), via $how" "$TMP/$name.err" ||
			fail "$name: $prog not attached to sock_map via $how: $(grep "$prog" "$TMP/$name.err")"
	done
	grep -qx "rawload: add_socks: attached to cgroup $CG (cgroup_sock_ops), via $cg_how" "$TMP/$name.err" ||
		fail "$name: add_socks not on the cgroup: $(grep add_socks "$TMP/$name.err")"
	ids=$(pid_prog_ids "$RL_PID")
	retry 50 grep -q '^sock_map' "$TMP/$name.out" || fail "$name: no snapshot"
	out=$(in_cgroup "$CG" nsenter --net="/run/netns/$NS_RX" "$TCPMSG" 9000 $N 64) ||
		fail "$name: tcpmsg: $out"
	[ "$out" = "received $((N * 64))" ] || fail "$name: tcpmsg says '$out'"
	retry 50 slot_is 2 "$TMP/$name.out" $N || fail "$name: $(slot 2 "$TMP/$name.out") verdicts, expected $N"
	retry 50 slot_is 3 "$TMP/$name.out" $N || fail "$name: $(slot 3 "$TMP/$name.out") sk_msg runs, expected $N"
	sleep 0.5
	for kv in 0:2 2:$N 3:$N 4:$((N * 64)); do
		slot_is "${kv%%:*}" "$TMP/$name.out" "${kv#*:}" ||
			fail "$name: counts[${kv%%:*}] is $(slot "${kv%%:*}" "$TMP/$name.out"), expected ${kv#*:}"
	done
	parser=$(slot 1 "$TMP/$name.out")
	[ "$parser" -ge $N ] || fail "$name: the parser ran $parser times for $N messages"
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "$name: exit status $RL_RC: $(cat "$TMP/$name.err")"
	if [ "$how" = BPF_PROG_ATTACH ]; then
		[ "$(grep -c "^rawload: sockmap: BPF_PROG_DETACH prog '[a-z_]*' attach type sk_[a-z_]* -> ok\$" "$TMP/$name.err")" -eq 3 ] ||
			fail "$name: not three BPF_PROG_DETACH -> ok: $(grep 'sockmap:' "$TMP/$name.err")"
	fi
	wait_gone $ids
	note "$name: 2 sockets in the map, $N of $N messages judged and sent through sk_msg ($((N * 64)) bytes), parser $parser runs, via $how"
}

# 6.18 has sockmap links; --prog-attach takes the way of kernels before 6.10.
one_run only "sockmap link"
one_run named "sockmap link" --map sock_map
one_run prog-attach BPF_PROG_ATTACH --prog-attach

rl_run wrong "$OBJ" --cgroup "$CG" --map counts -n 1
[ "$RL_RC" -eq 0 ] || fail "wrong: exit status $RL_RC: $(cat "$TMP/wrong.err")"
for prog in frame judge on_send; do
	grep -qx "rawload: $prog: not attached: --map counts is neither a sockmap nor a sockhash" "$TMP/wrong.err" ||
		fail "wrong: $prog: $(grep "$prog" "$TMP/wrong.err")"
done
note "--map counts: the three programs not attached, said by name"
