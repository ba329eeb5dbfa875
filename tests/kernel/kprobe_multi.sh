#!/bin/sh
# kprobe.multi on a kernel without fprobe (this development kernel: CONFIG_FPROBE is not set, and
# tracefs's function list is closed to reading under lockdown): kprobe_multi's two programs load,
# their pattern __*_sys_kill is resolved in /proc/kallsyms to the same functions grep finds there
# (the __pfx_ paddings left out), BPF_LINK_CREATE says EOPNOTSUPP, and both programs are reported as
# not attached with that reason; rawload runs on until SIGINT, exit 0, nothing left. Where fprobe
# exists (6.1 under qemu: tests/qemu/guest.sh, check_kprobe_multi; or a kernel like it here) both
# programs attach and a shell's N kill(2) calls are counted exactly.
. "$(dirname "$0")/lib.sh"
OBJ=build/progs/kprobe_multi.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"
want=$(awk '($2 == "T" || $2 == "t") && $3 ~ /^__.*_sys_kill$/ && $3 !~ /^__pfx_/ { print $3 }' /proc/kallsyms | sort -u)
nwant=$(echo "$want" | grep -c .)
[ "$nwant" -ge 1 ] || fail "no __*_sys_kill in /proc/kallsyms"
N=23
if zcat /proc/config.gz 2>/dev/null | grep -qx 'CONFIG_FPROBE=y' || grep -qx 'CONFIG_FPROBE=y' "/boot/config-$(uname -r)" 2>/dev/null; then
	# A kernel with fprobe: both programs attach, and a shell's N kill(2) calls are counted.
	rl_start km "$OBJ" -i 0.2 -v
	rl_wait_line km 'on_kill_ret: (attached|not attached)'
	for p in on_kill:kprobe.multi on_kill_ret:kretprobe.multi; do
		grep -qx "rawload: ${p%%:*}: attached to ${p#*:} __\*_sys_kill ($nwant kernel functions\{0,1\}), via kprobe_multi link" \
			"$TMP/km.err" || fail "${p%%:*}: $(grep "${p%%:*}" "$TMP/km.err")"
	done
	ids=$(pid_prog_ids "$RL_PID")
	pid=$(sh -c 'i=0; while [ $i -lt '$N' ]; do kill -s 0 $$; i=$((i + 1)); done; echo $$')
	kills_are() { # PID N: kills[PID] last shown as N calls and N returns
		[ "$(no_change "$TMP/km.out" | sed -n "s/^kills\[$1\] = {calls=\([0-9]*\), returns=\([0-9]*\)}\$/\1 \2/p" | tail -n 1)" = "$2 $2" ]
	}
	retry 50 kills_are "$pid" $N ||
		fail "kills[$pid]: $(grep "^kills\[$pid\]" "$TMP/km.out" | tail -n 1), expected $N calls and returns"
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "exit status $RL_RC"
	wait_gone $ids
	note "fprobe: $N kill() calls and returns of pid $pid counted through two kprobe_multi links over $nwant functions"
	exit 0
fi

rl_start km "$OBJ" -i 0.2 -v
rl_wait_line km 'on_kill_ret: (attached|not attached)'
for p in on_kill:kprobe.multi on_kill_ret:kretprobe.multi; do
	prog=${p%%:*} kind=${p#*:}
	grep -qx "rawload: $prog: not attached: BPF_LINK_CREATE kprobe.multi says EOPNOTSUPP (a kernel built without CONFIG_FPROBE, or before 5.18)" \
		"$TMP/km.err" || fail "$prog: $(grep "$prog" "$TMP/km.err")"
	grep -q "^rawload: $kind: BPF_LINK_CREATE BPF_TRACE_KPROBE_MULTI prog '$prog', $nwant functions\{0,1\} -> EOPNOTSUPP\$" "$TMP/km.err" ||
		fail "$prog: no narrated BPF_LINK_CREATE with $nwant functions: $(grep "$kind:" "$TMP/km.err")"
done
line=$(grep -m1 "^rawload: kprobe.multi: '__\*_sys_kill' matches $nwant functions\{0,1\} in " "$TMP/km.err") ||
	fail "the match is not narrated with $nwant functions: $(grep 'matches' "$TMP/km.err")"
for f in $want; do
	case $line in *"$f"*) ;; *) fail "$f (in /proc/kallsyms) is not among the matches: $line" ;; esac
done
ids=$(pid_prog_ids "$RL_PID")
[ "$(echo "$ids" | grep -c .)" -eq 2 ] || fail "rawload holds '$ids', expected two programs"
retry 50 grep -q '^kills' "$TMP/km.out" || fail "no snapshot: rawload does not run on"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "exit status $RL_RC: $(cat "$TMP/km.err")"
wait_gone $ids
note "$nwant functions matched ($(echo $want)); both programs loaded and reported not attached: EOPNOTSUPP"
