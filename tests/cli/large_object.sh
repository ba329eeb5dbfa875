#!/bin/sh
# A large object neither crashes rawload nor takes its time: 300,000 XDP programs (a 15 MB file made
# by build/genobj) under a 256 KiB stack. The main command gets as far as the interface (which does
# not exist: one line, exit 1, nothing loaded); inspect lists every program.
set -u
R=./rawload
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "large_object: FAIL: $*"
	exit 1
}
build/genobj --progs 300000 >"$tmp/big.o" || fail "genobj"

(ulimit -s 256 && exec timeout -s KILL 60 $R "$tmp/big.o" rl-no-such-if0 -n 1) >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "main command: exit status $rc (139: SIGSEGV, 137: timed out): $(head -c 300 "$tmp/err")"
grep -qx 'rawload: rl-no-such-if0: no such interface' "$tmp/err" || fail "main command said '$(cat "$tmp/err")'"

(ulimit -s 256 && exec timeout -s KILL 60 $R "$tmp/big.o" rl-no-such-if0 --prog prog_299999 --prog prog_0) >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && grep -qx 'rawload: rl-no-such-if0: no such interface' "$tmp/err" ||
	fail "--prog: exit status $rc: $(head -c 300 "$tmp/err")"

(ulimit -s 256 && exec timeout -s KILL 60 $R inspect "$tmp/big.o") >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "inspect: exit status $rc: $(head -c 300 "$tmp/err")"
grep -q '^programs (300000):' "$tmp/out" || fail "inspect: $(head -n 2 "$tmp/out")"
[ "$(grep -c '^  prog_[0-9]* *section xdp' "$tmp/out")" -eq 300000 ] || fail "inspect does not list 300000 programs"
echo "large_object: 300000 programs ($(wc -c <"$tmp/big.o") bytes), 256 KiB stack: main command and inspect fine"
