#!/bin/sh
# A task iterator (build/progs/iter_task.bpfel.o, BPF_SEQ_PRINTF "pid comm" per task): rawload
# attaches it with an iter bpf_link (bpftool: target_name task) and shows its text at every
# snapshot, prefixed with the program's name; the lines hold this test's own shell and a process it
# started with a name of its own, each with its pid, and rawload itself. In JSON, one object per
# snapshot with the text as one string. A second snapshot reads the iterator afresh (a process
# started between the two shows up only in the second). SIGINT leaves no program and no link.
. "$(dirname "$0")/lib.sh"

OBJ=build/progs/iter_task.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"

# A process with a command name unique to this run, stopped at the end by its pid.
SLEEPER=""
SLEEPER2=""
stop_sleepers() {
	for s_pid in $SLEEPER $SLEEPER2; do
		kill "$s_pid" 2>/dev/null
		wait "$s_pid" 2>/dev/null
	done
	SLEEPER="" SLEEPER2=""
}
trap 'rc=$?; trap - EXIT; stop_sleepers; cleanup; exit $rc' EXIT
COMM=rlit$$
cp /bin/sleep "$TMP/$COMM" || fail "cannot copy /bin/sleep"
"$TMP/$COMM" 30 &
SLEEPER=$!
ME=$$
MY_COMM=$(cat /proc/$$/comm)

has() { # NAME FIXED-STRING
	grep -qF -- "$2" "$TMP/$1.out"
}

# ---- text, one snapshot in the foreground
rl_run text "$OBJ" -i 0.2 -n 1
[ "$RL_RC" -eq 0 ] || fail "text: exit status $RL_RC: $(cat "$TMP/text.err")"
grep -qxF "rawload: dump_task: attached to iterator task via bpf_link (read at every snapshot)" "$TMP/text.err" ||
	fail "text: not attached: $(cat "$TMP/text.err")"
for want in "dump_task: $SLEEPER $COMM" "dump_task: $ME $MY_COMM"; do
	grep -qxF "$want" "$TMP/text.out" || fail "text: no line '$want' in $(wc -l <"$TMP/text.out") lines: $(head -n 5 "$TMP/text.out")"
done
grep -qx 'dump_task: [0-9]* rawload' "$TMP/text.out" || fail "text: rawload itself is not listed"
lines=$(grep -c '^dump_task: [0-9]* ' "$TMP/text.out")
[ "$(grep -vc '^dump_task: [0-9]* \|^-- [0-9:]*$' "$TMP/text.out")" -eq 0 ] ||
	fail "text: unexpected lines: $(grep -v '^dump_task: [0-9]* \|^-- [0-9:]*$' "$TMP/text.out" | head -n 3)"
note "text: $lines tasks, among them '$SLEEPER $COMM' and '$ME $MY_COMM'"

# ---- in the background: bpftool sees the link; each snapshot reads the iterator again
rl_start bg "$OBJ" -i 0.2
rl_wait_attached bg
ids=$(pid_prog_ids "$RL_PID")
[ "$(echo "$ids" | wc -l)" -eq 1 ] || fail "bg: rawload holds programs '$ids', expected 1"
bpftool prog show id "$ids" | head -n 1 | grep -q "^$ids: tracing  name dump_task " || fail "bg: program $ids is not dump_task"
link=$(pid_link_ids "$RL_PID")
bpftool link show id "$link" | head -n 1 | grep -Eq "^$link: iter  prog $ids  target_name task" ||
	fail "bg: link '$link': $(bpftool link show id "$link" 2>&1)"
"$TMP/$COMM" 30 &
SLEEPER2=$!
retry 50 has bg "dump_task: $SLEEPER2 $COMM" || fail "bg: a process started later never shows up"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "bg: exit status $RL_RC after SIGINT: $(cat "$TMP/bg.err")"
wait_gone "$ids"
note "bg: iter link $link of program $ids; a later process ($SLEEPER2) shows up; gone after SIGINT"

# ---- JSON: one object per snapshot, the text as one string (\n between lines)
rl_run json "$OBJ" -i 0.2 -n 2 --json
[ "$RL_RC" -eq 0 ] || fail "json: exit status $RL_RC: $(cat "$TMP/json.err")"
n=$(grep -c '^{"time":"[0-9T:.-]*","iter":"dump_task","text":".*"}$' "$TMP/json.out")
[ "$n" -eq 2 ] || fail "json: $n iterator objects for 2 snapshots: $(head -c 300 "$TMP/json.out")"
for want in "\\n$SLEEPER $COMM\\n" "\\n$ME $MY_COMM\\n"; do
	[ "$(grep -cF -- "$want" "$TMP/json.out")" -eq 2 ] || fail "json: '$want' is not in both snapshots' text"
done
note "json: 2 snapshots, each with '$SLEEPER $COMM' and '$ME $MY_COMM'"
stop_sleepers
