#!/bin/sh
# Every catchable signal that would end rawload ends it cleanly, as SIGINT, SIGTERM and SIGHUP do
# (tests/kernel/detach_signals.sh): on the netlink path, where a dead rawload would leave its XDP
# program on the interface, each one (the user's QUIT, USR1, USR2, ALRM, real-time ones; the
# kernel's kinds PIPE, XCPU, XFSZ, VTALRM, PROF, IO, PWR, STKFLT; the fault signals when sent
# with kill) gives a detach, the program gone, and exit status 128 + the signal's number with one
# line saying so (PIPE: 0, the display's reader went away). A few on the bpf_link path too, and
# some sent while rawload is still loading and attaching: nothing stays, whatever the moment.
# Linux's generic signal numbers (x86-64, arm64, s390x, riscv).
. "$(dirname "$0")/lib.sh"
need /bin/kill
setup_net

run_and_signal() { # NAME SIGNUM [rawload options]
	rs_n=$1 rs_sig=$2
	shift 2
	rl_start "$rs_n" examples/counter.o "$DEV_RX" -i 0.2 "$@"
	rl_wait_attached "$rs_n"
	id=$(xdp_prog_id)
	[ -n "$id" ] || fail "$rs_n: no program on $DEV_RX"
	/bin/kill -"$rs_sig" "$RL_PID" || fail "$rs_n: kill -$rs_sig $RL_PID"
	rl_wait
	xdp_detached || fail "$rs_n: XDP program $(xdp_prog_id) still on $DEV_RX after signal $rs_sig (exit status $RL_RC)"
	wait_gone "$id"
	want=$((128 + rs_sig))
	[ "$rs_sig" -eq 13 ] && want=0
	[ "$RL_RC" -eq "$want" ] || fail "$rs_n: exit status $RL_RC after signal $rs_sig, expected $want: $(cat "$TMP/$rs_n.err")"
	if [ "$rs_sig" -ne 13 ]; then
		grep -q '^rawload: SIG[A-Z0-9+]*: detached and closed everything; exiting$' "$TMP/$rs_n.err" ||
			fail "$rs_n: no line about the signal: $(cat "$TMP/$rs_n.err")"
	fi
}

sigs="QUIT:3 ILL:4 TRAP:5 ABRT:6 BUS:7 FPE:8 USR1:10 SEGV:11 USR2:12 PIPE:13 ALRM:14 STKFLT:16 XCPU:24 XFSZ:25
VTALRM:26 PROF:27 IO:29 PWR:30 SYS:31 RTMIN:34 RTMIN+6:40 RTMAX:64"
done_list=""
for s in $sigs; do
	run_and_signal "netlink-${s%%:*}" "${s#*:}" --netlink
	done_list="$done_list ${s%%:*}"
done
note "netlink:$done_list: each detached, program gone, exit 128+N (PIPE 0)"

for s in QUIT:3 USR1:10 ALRM:14 RTMIN:34; do
	run_and_signal "link-${s%%:*}" "${s#*:}"
done
note "bpf_link: QUIT USR1 ALRM RTMIN: each detached, program and link gone"

# While loading and attaching: the signal waits for the next point where rawload looks (between
# kernel objects, or the display loop) and nothing stays; or it came before the handlers and
# rawload died of it with nothing made. The soak's object: its program's name (rl_soak_xdp) is
# used by nothing else on the machine, so no other test's program can be taken for a leftover.
remember_ids rl_soak_xdp
for s in QUIT:3 USR2:12 ALRM:14 RTMIN:34; do
	for delay in 0 0.005 0.02; do
		name=early-${s%%:*}-$delay
		rl_start "$name" build/progs/soak_xdp.bpfel.o "$DEV_RX" -i 0.5 --netlink
		[ "$delay" = 0 ] || sleep "$delay"
		/bin/kill -"${s#*:}" "$RL_PID" 2>/dev/null
		rl_wait
		[ "$RL_RC" -eq $((128 + ${s#*:})) ] || [ "$RL_RC" -eq 0 ] ||
			fail "$name: exit status $RL_RC: $(cat "$TMP/$name.err")"
		retry 50 xdp_detached || fail "$name: XDP program $(xdp_prog_id) still on $DEV_RX"
		retry 50 no_new_ids rl_soak_xdp || fail "$name: rl_soak_xdp programs $(new_ids rl_soak_xdp | tr '\n' ' ')remain"
	done
done
note "early QUIT, USR2, ALRM, RTMIN (0 to 20 ms after start, netlink): nothing stays"

# SIGPIPE for real: the display's reader goes away after two lines.
in_rx sh -c "timeout -s INT 20 $RAWLOAD examples/counter.o $DEV_RX --netlink -i 0.1 2>$TMP/pipe.err | head -n 2 >$TMP/pipe.out"
[ "$(wc -l <"$TMP/pipe.out")" -eq 2 ] || fail "pipe: read $(wc -l <"$TMP/pipe.out") lines"
retry 50 xdp_detached || fail "pipe: XDP program still on $DEV_RX after the reader went away: $(cat "$TMP/pipe.err")"
note "a closed pipe: detached"

# rawload load --pin: a signal stops it between kernel objects with nothing pinned, or waits until
# every pin is made; never half. rawload unpin finishes what it started.
# An object of 3000 maps and 3000 programs (build/genobj) takes long enough to be caught mid-way.
build/genobj --progs 3000 --legacy-maps 3000 >"$TMP/many.o" || fail "genobj"
partial=0 whole=0 none=0
for s in TERM:15 QUIT:3 USR1:10; do
	for delay in 0 0.01 0.05 0.1 0.2; do
		dir=$PIN_BASE-load
		name=load-${s%%:*}-$delay
		# In the background directly ($! is rawload itself): a load takes a few milliseconds.
		"$RAWLOAD" load "$TMP/many.o" --pin "$dir" >"$TMP/$name.out" 2>"$TMP/$name.err" &
		pid=$!
		[ "$delay" = 0 ] || sleep "$delay"
		/bin/kill -"${s#*:}" "$pid" 2>/dev/null
		wait "$pid"
		RL_RC=$?
		n=$(find "$dir" -type f 2>/dev/null | wc -l)
		case $n in
		0) none=$((none + 1)) ;;
		6000) whole=$((whole + 1)) ;; # 3000 maps, 3000 programs
		*) partial=$((partial + 1)) ;;
		esac
		[ "$n" -eq 0 ] || [ "$RL_RC" -eq 0 ] || fail "$name: exit status $RL_RC with $n pins: $(cat "$TMP/$name.err")"
		rl_run "unpin-$name" unpin "$dir"
		rm -rf "$dir"
	done
done
[ "$partial" -eq 0 ] || fail "load --pin: $partial runs left some pins but not all"
note "load --pin of 3000 maps and programs under TERM, QUIT, USR1 (0 to 200 ms): $whole complete, $none with nothing pinned, none half"
