#!/bin/sh
# A program written against the running kernel's vmlinux.h (build/vmlinux/proc_events.o, the way
# most libbpf programs are written: kernel types, BPF_CORE_READ chains, trace_event_raw_* records)
# loads and reports what a process of the test did: its exec (pid, parent, the file it runs) and
# its exit with status 7, through a typed ring buffer. SIGINT leaves nothing.
. "$(dirname "$0")/lib.sh"

OBJ=build/vmlinux/proc_events.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make vmlinux-progs)"
SH=$TMP/rlvm$$
cp /bin/sh "$SH" && chmod 755 "$SH" || fail "cannot copy /bin/sh"
COMM=$(basename "$SH" | cut -c1-15)

rl_start p "$OBJ" -i 0.2
rl_wait_line p '^rawload: on_exit: attached'
ids=$(pid_prog_ids "$RL_PID")
timeout -s KILL 5 "$SH" -c 'echo $$ $PPID >"$1"; exit 7' sh "$TMP/ids"
rc=$?
[ $rc -eq 7 ] || fail "$SH exited $rc, not 7"
read -r pid ppid <"$TMP/ids"
exec_line="events: {what=RL_EXEC, pid=$pid, ppid=$ppid, exit_status=0, comm=\"$COMM\", filename=\"$SH\"}"
exit_line="events: {what=RL_EXIT, pid=$pid, ppid=$ppid, exit_status=7, comm=\"$COMM\", filename=\"\"}"
has() {
	grep -qxF "$1" "$TMP/p.out"
}
retry 50 has "$exec_line" || fail "no '$exec_line': $(grep -F "pid=$pid," "$TMP/p.out")"
retry 50 has "$exit_line" || fail "no '$exit_line': $(grep -F "pid=$pid," "$TMP/p.out")"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "exit status $RL_RC after SIGINT: $(cat "$TMP/p.err")"
# shellcheck disable=SC2086
wait_gone $ids
note "$exec_line / exit_status=7; nothing left"
