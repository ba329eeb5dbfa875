#!/bin/sh
# A valid object built to explode the display (tests/progs/union_bomb.bpf.c: a 1-byte value whose
# type is a union of 8 members nested 13 deep) on a veth through netlink, as text and as JSON:
# after the first packet every snapshot renders the value within its budget (cut, marked "...", at
# most 64 KiB a value), resident memory stays small, and SIGINT ends rawload within a second with
# an exact detach: no XDP program on the veth, the program gone from the kernel. (Before the budget,
# the first snapshot never ended, took a core and ~70 MB/s, and ignored SIGINT and SIGTERM.)
. "$(dirname "$0")/lib.sh"
setup_net
OBJ=build/progs/union_bomb.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"

rss_kb() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null
}

for fmt in text json; do
	name=bomb-$fmt
	opt=""
	want='^bomb\[0\] = \{a=\{a=\{a=.*\.\.\.'
	if [ $fmt = json ]; then
		opt=--json
		want='"bomb":\[\{"key":0,"value":\{"a":\{"a":.*"\.\.\."'
	fi
	rl_start "$name" "$OBJ" "$DEV_RX" --netlink -i 0.1 $opt
	rl_wait_attached "$name"
	id=$(xdp_prog_id)
	[ -n "$id" ] || fail "$name: no XDP program on $DEV_RX"
	send 1
	i=0
	while ! grep -Eq "$want" "$TMP/$name.out"; do
		kill -0 "$RL_PID" 2>/dev/null || { rl_wait; fail "$name: rawload exited ($RL_RC): $(cat "$TMP/$name.err")"; }
		i=$((i + 1))
		[ $i -lt 50 ] || { kill -KILL "$RL_PID"; rl_wait; fail "$name: no cut value shown after 5 s: $(head -c 300 "$TMP/$name.out")"; }
		sleep 0.1
	done
	sleep 1 # ten more snapshots
	rss=$(rss_kb "$RL_PID")
	[ -n "$rss" ] && [ "$rss" -lt 65536 ] || { kill -KILL "$RL_PID"; rl_wait; fail "$name: resident memory ${rss:-?} kB after 10 snapshots"; }
	shown=$(grep -c '^bomb\[0\] = \|"bomb":\[{' "$TMP/$name.out")
	[ "$shown" -ge 5 ] || { kill -KILL "$RL_PID"; rl_wait; fail "$name: $shown snapshots of the value in 1.5 s"; }

	# SIGINT, and a second at most for the detach and the exit.
	t0=$(date +%s%N)
	kill -INT "$RL_PID"
	i=0
	while kill -0 "$RL_PID" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.01
		i=$((i + 1))
	done
	if kill -0 "$RL_PID" 2>/dev/null; then
		kill -KILL "$RL_PID"
		rl_wait
		fail "$name: still running 1 s after SIGINT (killed; the netlink program stays until the namespace goes)"
	fi
	ms=$((($(date +%s%N) - t0) / 1000000))
	rl_wait
	[ "$RL_RC" -eq 0 ] || fail "$name: exit status $RL_RC after SIGINT: $(cat "$TMP/$name.err")"
	xdp_detached || fail "$name: XDP program still on $DEV_RX"
	wait_gone "$id"
	longest=$(awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }' "$TMP/$name.out")
	[ "$longest" -le 66000 ] || fail "$name: a line of $longest bytes (budget 64 KiB a value)"
	note "$fmt: $shown snapshots of the union bomb, each cut at $longest bytes; RSS $rss kB; SIGINT -> exit 0 in $ms ms, program $id detached and gone"
done
