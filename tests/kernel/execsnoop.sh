#!/bin/sh
# The execsnoop example (a tracepoint program with a ring buffer and a hash map): programs this test
# makes and runs show up as `events:` records with their real pid, parent pid (a CO-RE read of
# task_struct) and file name, and exec_count
# counts the execs by command name exactly. Stopped with SIGINT it exits 0, and the perf link and
# the program are gone. The same record in JSON.
. "$(dirname "$0")/lib.sh"

# A shell with a command name of our own execs a `true` with a path of our own, so both the
# counting key (the name of the process calling execve) and the file name are unique to this run.
SH=$TMP/rlsh$$
TRUE=$TMP/rltrue$$
cp /bin/sh "$SH" && cp /bin/true "$TRUE" && chmod 755 "$SH" "$TRUE" || fail "cannot copy /bin/sh and /bin/true to $TMP"
COMM=rlsh$$
K=3

# run_ours I: run the pair once; its pid and its parent's in $TMP/pid.I and $TMP/ppid.I
run_ours() {
	timeout -s KILL 5 "$SH" -c "echo \$\$ >$TMP/pid.$1; echo \$PPID >$TMP/ppid.$1; exec $TRUE" ||
		fail "cannot run $SH"
}
has_record() { # NAME PID PPID
	grep -qxF "events: {pid=$2, ppid=$3, uid=0, comm=\"$COMM\", filename=\"$TRUE\"}" "$TMP/$1.out"
}
last_exec_count() { # NAME
	grep "^exec_count\[\"$COMM\"\] = " "$TMP/$1.out" | tail -n 1 | no_change | sed 's/.* = //'
}
exec_count_is() {
	[ "$(last_exec_count "$1")" = "$2" ]
}

# ---- text
rl_start text examples/execsnoop.o -i 0.2
rl_wait_attached text
grep -q '^rawload: trace_execve: attached to tracepoint syscalls/sys_enter_execve via perf' "$TMP/text.err" ||
	fail "text: not attached to the execve tracepoint: $(cat "$TMP/text.err")"
id=$(pid_prog_ids "$RL_PID")
[ -n "$id" ] && [ "$(echo "$id" | wc -l)" -eq 1 ] || fail "text: rawload holds program ids '$id', expected one"
bpftool prog show id "$id" | grep -q "tracepoint  name trace_execve " || fail "text: program $id is not trace_execve"
link=$(pid_link_ids "$RL_PID")
if grep -q 'via perf link$' "$TMP/text.err"; then
	[ -n "$link" ] && bpftool link show id "$link" | grep -q "^$link: perf_event  prog $id " ||
		fail "text: reported a perf link, but rawload holds no perf_event link of program $id (links: '$link')"
else
	[ -z "$link" ] || fail "text: no perf link reported, yet rawload holds link $link"
	note "text: attached through the perf ioctl (no perf link on this kernel)"
fi

i=1
while [ $i -le $K ]; do
	run_ours $i
	i=$((i + 1))
done
i=1
while [ $i -le $K ]; do
	pid=$(cat "$TMP/pid.$i")
	ppid=$(cat "$TMP/ppid.$i")
	retry 50 has_record text "$pid" "$ppid" ||
		fail "text: no record for pid $pid (parent $ppid): $(grep -F "$COMM" "$TMP/text.out" | head -n 5)"
	i=$((i + 1))
done
retry 50 exec_count_is text $K || fail "text: exec_count[\"$COMM\"] is '$(last_exec_count text)', expected $K"
n=$(grep -cF "filename=\"$TRUE\"" "$TMP/text.out")
[ "$n" -eq $K ] || fail "text: $n records for $TRUE, expected $K"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "text: exit status $RL_RC after SIGINT: $(cat "$TMP/text.err")"
wait_gone "$id"
[ -z "$(bpftool link show | grep "perf_event  prog $id ")" ] || fail "text: a perf_event link of $id remains"
note "text: $K records with pid, parent pid and file name, exec_count[\"$COMM\"] = $K, program $id and its link gone"

# ---- JSON: the same record, one object per line
rl_start json examples/execsnoop.o -i 0.2 --json
rl_wait_attached json
id=$(pid_prog_ids "$RL_PID")
run_ours j
pid=$(cat "$TMP/pid.j")
ppid=$(cat "$TMP/ppid.j")
want="\"map\":\"events\",\"record\":{\"pid\":$pid,\"ppid\":$ppid,\"uid\":0,\"comm\":\"$COMM\",\"filename\":\"$TRUE\"}}"
json_has() {
	grep -qF "$want" "$TMP/json.out"
}
retry 50 json_has || fail "json: no line with $want: $(grep -F "$COMM" "$TMP/json.out" | head -n 3)"
json_count() {
	grep -q "{\"key\":\"$COMM\",\"value\":1[,}]" "$TMP/json.out"
}
retry 50 json_count || fail "json: exec_count has no {\"key\":\"$COMM\",\"value\":1}"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "json: exit status $RL_RC after SIGINT: $(cat "$TMP/json.err")"
wait_gone "$id"
note "json: $want"
