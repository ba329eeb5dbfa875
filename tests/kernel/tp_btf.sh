#!/bin/sh
# BTF-typed raw tracepoints (build/progs/tp_btf_count.bpfel.o): both programs attach through a
# tracing bpf_link (or BPF_RAW_TRACEPOINT_OPEN where the kernel has none), bpftool sees two
# raw_tracepoint links on sys_enter and sched_process_exec, and the counts per process are exactly
# what the test did: G getppid system calls made by uprobe_target, and 3 execs completed by one
# process (a shell that execs a shell that execs true, all with one pid). The same in JSON.
# SIGINT leaves no program and no link. (fentry/fexit/fmod_ret and lsm go through the same
# attach code but cannot be tested here: this kernel's lockdown refuses to load them, EPERM.)
. "$(dirname "$0")/lib.sh"

OBJ=build/progs/tp_btf_count.bpfel.o
TARGET=build/uprobe_target
[ -f "$OBJ" ] && [ -x "$TARGET" ] || fail "$OBJ or $TARGET is missing (make test-progs $TARGET)"

last_count() { # NAME MAP PID
	grep "^$2\[$3\] = " "$TMP/$1.out" | tail -n 1 | no_change | sed 's/^[^=]*= //'
}
count_is() { # NAME MAP PID N
	[ "$(last_count "$1" "$2" "$3")" = "$4" ]
}
# getppids NAME G: uprobe_target makes G getppid() calls; its pid in $TMP/NAME.pid
getppids() {
	timeout -s KILL 10 "$TARGET" 0 "$2" >"$TMP/$1.target" || fail "$TARGET 0 $2 failed"
	read -r g_pid g_sum <"$TMP/$1.target"
	[ "$g_sum" -eq "$2" ] || fail "$TARGET 0 $2 printed $g_sum"
	echo "$g_pid" >"$TMP/$1.pid"
}
# exec_chain NAME: one process execs sh, then sh again, then true: 3 execs under one pid
exec_chain() {
	timeout -s KILL 10 /bin/sh -c "echo \$\$ >$TMP/$1.pid; exec /bin/sh -c 'exec /bin/true'" ||
		fail "exec chain failed"
}

# ---- text
rl_start text "$OBJ" -i 0.2
rl_wait_line text '^rawload: count_exec: '
for p in "count_getppid: attached to tp_btf sys_enter" "count_exec: attached to tp_btf sched_process_exec"; do
	grep -Eq "^rawload: $p via (bpf_link|raw_tracepoint_open)$" "$TMP/text.err" ||
		fail "text: no line '$p': $(cat "$TMP/text.err")"
done
how=$(sed -n 's/^rawload: count_exec: attached to .* via \(.*\)$/\1/p' "$TMP/text.err")
ids=$(pid_prog_ids "$RL_PID")
[ "$(echo "$ids" | wc -l)" -eq 2 ] || fail "text: rawload holds programs '$ids', expected 2"
for id in $ids; do
	bpftool prog show id "$id" | head -n 1 | grep -Eq "^$id: tracing  name count_(getppid|exec) " ||
		fail "text: program $id: $(bpftool prog show id "$id" | head -n 1)"
done
links=$(pid_link_ids "$RL_PID")
[ "$(echo "$links" | wc -l)" -eq 2 ] || fail "text: rawload holds links '$links', expected 2"
tps=""
for l in $links; do
	bpftool link show id "$l" | head -n 1 | grep -Eq "^$l: raw_tracepoint  prog [0-9]+" ||
		fail "text: link $l: $(bpftool link show id "$l")"
	tps="$tps $(bpftool link show id "$l" | sed -n "s/.*tp '\([a-z_]*\)'.*/\1/p")"
done
case "$tps" in *" sys_enter"*) ;; *) fail "text: no link on sys_enter (links on:$tps)" ;; esac
case "$tps" in *" sched_process_exec"*) ;; *) fail "text: no link on sched_process_exec (links on:$tps)" ;; esac

G=5
getppids g $G
pid=$(cat "$TMP/g.pid")
retry 50 count_is text getppid_calls "$pid" $G ||
	fail "text: getppid_calls[$pid] = '$(last_count text getppid_calls "$pid")', expected $G"
exec_chain e
epid=$(cat "$TMP/e.pid")
retry 50 count_is text execs "$epid" 3 || fail "text: execs[$epid] = '$(last_count text execs "$epid")', expected 3"
sleep 0.5 # anything counted twice or late would show now
count_is text getppid_calls "$pid" $G && count_is text execs "$epid" 3 ||
	fail "text: counts changed after a pause: getppid_calls[$pid] = $(last_count text getppid_calls "$pid"), execs[$epid] = $(last_count text execs "$epid")"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "text: exit status $RL_RC after SIGINT: $(cat "$TMP/text.err")"
# shellcheck disable=SC2086
wait_gone $ids
note "text: via $how; links on$tps; getppid_calls[$pid] = $G, execs[$epid] = 3; gone after SIGINT"

# ---- JSON
rl_start json "$OBJ" -i 0.2 --json
rl_wait_line json '^rawload: count_exec: '
ids=$(pid_prog_ids "$RL_PID")
getppids jg 2
pid=$(cat "$TMP/jg.pid")
exec_chain je
epid=$(cat "$TMP/je.pid")
json_has() {
	# an entry seen before carries "delta" and "rate" after its value
	grep -qE "\\{\"key\":$pid,\"value\":2[,}]" "$TMP/json.out" &&
		grep -qE "\\{\"key\":$epid,\"value\":3[,}]" "$TMP/json.out"
}
retry 50 json_has || fail "json: no {\"key\":$pid,\"value\":2} and {\"key\":$epid,\"value\":3}: $(tail -n 1 "$TMP/json.out" | head -c 400)"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "json: exit status $RL_RC after SIGINT: $(cat "$TMP/json.err")"
# shellcheck disable=SC2086
wait_gone $ids
note "json: getppid_calls {\"key\":$pid,\"value\":2}, execs {\"key\":$epid,\"value\":3}"
