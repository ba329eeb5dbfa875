#!/bin/sh
# Uprobes and a uretprobe (build/progs/uprobe_count.bpfel.o): rawload resolves rl_target_func in
# build/uprobe_target (a path relative to the current directory, as libbpf takes it) and getppid in
# libc.so.6 (a bare library name, looked up in the library directories) to the file offsets that
# nm and readelf give, attaches four perf links (bpftool sees them), and the counts per process
# are exactly what the test's own runs of uprobe_target did: N calls with arguments 1..N, N returns
# of 2x+1, N arrivals at the ret instruction (+0x4), G getppid() calls. SIGINT leaves nothing.
# The same counts in JSON; a bare SEC("uprobe") is reported, not attached; from another directory
# the relative path is refused with a message that says so; with --pin the links outlive rawload
# (bpftool reads the counts) until `rawload unpin`. (x86-64: the object reads registers by
# their x86-64 names, and +0x4 is an instruction boundary only in uprobe_target's x86-64 code.)
. "$(dirname "$0")/lib.sh"

[ "$(uname -m)" = x86_64 ] || skip "uprobe_count.bpf.c reads x86-64 registers"
OBJ=build/progs/uprobe_count.bpfel.o
TARGET=build/uprobe_target
[ -f "$OBJ" ] && [ -x "$TARGET" ] || fail "$OBJ or $TARGET is missing (make test-progs $TARGET)"
ROOT=$(pwd)

need nm readelf awk
# The file offset of address ADDR (hex, no 0x) in FILE, through the PT_LOAD that holds it, as
# readelf -lW lists them (offset = ADDR - p_vaddr + p_offset): independent of rawload's ELF reader.
file_offset() { # FILE ADDR
	readelf -lW "$1" | awk '$1 == "LOAD" { print $2, $3, $5 }' | while read -r fo_off fo_va fo_fs; do
		if [ $((0x$2)) -ge $((fo_va)) ] && [ $((0x$2)) -lt $((fo_va + fo_fs)) ]; then
			printf '0x%x\n' $((0x$2 - fo_va + fo_off))
			break
		fi
	done
}
addr=$(nm "$TARGET" | awk '$3 == "rl_target_func" { print $1; exit }')
[ -n "$addr" ] || fail "nm: no rl_target_func in $TARGET"
OFF=$(file_offset "$TARGET" "$addr")
[ -n "$OFF" ] || fail "no PT_LOAD of $TARGET holds rl_target_func (at $addr)"
OFF4=$(printf '0x%x' $((OFF + 4)))

# run_target NAME N G: uprobe_target with N calls and G getppid() calls; its pid in $TMP/NAME.pid
run_target() {
	timeout -s KILL 10 "$TARGET" "$2" "$3" >"$TMP/$1.target" || fail "$TARGET $2 $3 failed"
	read -r rt_pid rt_sum <"$TMP/$1.target"
	[ "$rt_sum" -eq $(($2 * ($2 + 2) + $3)) ] || fail "$TARGET $2 $3 printed sum $rt_sum"
	echo "$rt_pid" >"$TMP/$1.pid"
}
want_stats() { # N G: the text rendering of stats[pid] after uprobe_target N G
	echo "{calls=$1, arg_sum=$(($1 * ($1 + 1) / 2)), returns=$1, ret_sum=$(($1 * ($1 + 2))), at_ret=$1, at_ret_sum=$(($1 * ($1 + 2))), getppid=$2}"
}
last_stats() { # NAME PID
	grep "^stats\[$2\] = " "$TMP/$1.out" | tail -n 1 | no_change | sed 's/^[^=]*= //'
}
stats_are() { # NAME PID WANT
	[ "$(last_stats "$1" "$2")" = "$3" ]
}

# ---- text: attach, count, look with bpftool, stop
N=7 G=3
rl_start text "$OBJ" -i 0.2
rl_wait_line text '^rawload: on_manual: '
for want in \
	"on_call: attached to uprobe $ROOT/$TARGET:rl_target_func (file offset $OFF) via perf link" \
	"on_return: attached to uretprobe $ROOT/$TARGET:rl_target_func (file offset $OFF) via perf link" \
	"on_ret_insn: attached to uprobe $ROOT/$TARGET:rl_target_func+0x4 (file offset $OFF4) via perf link" \
	"on_manual: not attached: no target in the section name"; do
	grep -qxF "rawload: $want" "$TMP/text.err" || fail "text: no line 'rawload: $want': $(cat "$TMP/text.err")"
done
LIBC_LINE=$(grep '^rawload: on_getppid: attached to uprobe /.*/libc\.so\.6:getppid (file offset 0x[0-9a-f]*) via perf link$' "$TMP/text.err") ||
	fail "text: on_getppid not attached to libc's getppid: $(cat "$TMP/text.err")"
LIBC=$(echo "$LIBC_LINE" | sed 's/.* uprobe \(.*\):getppid .*/\1/')
LIBC_OFF=$(echo "$LIBC_LINE" | sed 's/.*(file offset \(0x[0-9a-f]*\)).*/\1/')
# libc has no .symtab here: its getppid is in .dynsym (readelf --dyn-syms), in the PT_LOAD that holds it.
libc_addr=$(readelf --dyn-syms -W "$LIBC" | awk '$8 ~ /^getppid(@|$)/ && $4 == "FUNC" && $7 != "UND" { print $2; exit }')
[ -n "$libc_addr" ] || fail "readelf finds no getppid in $LIBC"
libc_want=$(file_offset "$LIBC" "$libc_addr")
[ "$LIBC_OFF" = "$libc_want" ] || fail "text: getppid at file offset $LIBC_OFF in $LIBC, readelf says $libc_want"

ids=$(pid_prog_ids "$RL_PID")
[ "$(echo "$ids" | wc -l)" -eq 5 ] || fail "text: rawload holds programs '$ids', expected 5"
links=$(pid_link_ids "$RL_PID")
[ "$(echo "$links" | wc -l)" -eq 4 ] || fail "text: rawload holds links '$links', expected 4 perf links"
for l in $links; do
	bpftool link show id "$l" | head -n 1 | grep -Eq "^$l: perf_event  prog [0-9]+" ||
		fail "text: link $l is not a perf_event link: $(bpftool link show id "$l")"
	p=$(bpftool link show id "$l" | sed -n "s/^$l: perf_event  prog \([0-9]*\).*/\1/p")
	echo "$ids" | grep -qx "$p" || fail "text: link $l holds program $p, not one of rawload's ($ids)"
done

run_target a $N $G
pid=$(cat "$TMP/a.pid")
want=$(want_stats $N $G)
retry 50 stats_are text "$pid" "$want" || fail "text: stats[$pid] = '$(last_stats text "$pid")', expected '$want'"
sleep 0.5 # late or doubled events would show now
stats_are text "$pid" "$want" || fail "text: stats[$pid] changed to '$(last_stats text "$pid")' after a pause"
# a second process counts apart
run_target b 2 0
pid_b=$(cat "$TMP/b.pid")
retry 50 stats_are text "$pid_b" "$(want_stats 2 0)" || fail "text: stats[$pid_b] = '$(last_stats text "$pid_b")'"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "text: exit status $RL_RC after SIGINT: $(cat "$TMP/text.err")"
# shellcheck disable=SC2086
wait_gone $ids
note "text: offsets $OFF/$OFF4 (nm+readelf agree), libc getppid at $LIBC_OFF; stats[$pid] = $want; 4 perf links, gone after SIGINT"

# ---- JSON: the same record
rl_start json "$OBJ" -i 0.2 --json
rl_wait_line json '^rawload: on_manual: '
ids=$(pid_prog_ids "$RL_PID")
run_target j 3 1
pid=$(cat "$TMP/j.pid")
want="{\"key\":$pid,\"value\":{\"calls\":3,\"arg_sum\":6,\"returns\":3,\"ret_sum\":15,\"at_ret\":3,\"at_ret_sum\":15,\"getppid\":1}}"
json_has() {
	grep -qF "$want" "$TMP/json.out"
}
retry 50 json_has || fail "json: no $want in: $(tail -n 2 "$TMP/json.out")"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "json: exit status $RL_RC after SIGINT: $(cat "$TMP/json.err")"
# shellcheck disable=SC2086
wait_gone $ids
note "json: $want"

# ---- a relative path is taken from the current directory: elsewhere it is not found, and said so
( cd "$TMP" && timeout -s INT 10 "$ROOT/$RAWLOAD" "$ROOT/$OBJ" --prog on_call -n 1 >"$TMP/cwd.out" 2>"$TMP/cwd.err" )
rc=$?
[ $rc -eq 1 ] || fail "cwd: exit status $rc from $TMP: $(cat "$TMP/cwd.err")"
grep -qxF "rawload: prog 'on_call': uprobe: build/uprobe_target: No such file or directory (a relative path is taken from the current directory, $TMP)" "$TMP/cwd.err" ||
	fail "cwd: unexpected message: $(cat "$TMP/cwd.err")"
note "cwd: $(cat "$TMP/cwd.err")"

# ---- --pin: the four perf links outlive rawload and keep counting; unpin takes them away
PIN=$PIN_BASE-pin
rl_run pin "$OBJ" --pin "$PIN"
[ "$RL_RC" -eq 0 ] || fail "pin: exit status $RL_RC: $(cat "$TMP/pin.err")"
[ "$(ls "$PIN/links" | wc -l)" -eq 4 ] || fail "pin: links pinned: $(ls "$PIN/links" | tr '\n' ' ')"
ids=""
for f in "$PIN"/progs/*; do
	ids="$ids $(bpftool prog show pinned "$f" | sed -n 's/^\([0-9]*\): kprobe .*/\1/p')"
done
run_target p 2 1
pid=$(cat "$TMP/p.pid")
want="{\"key\":$pid,\"value\":{\"calls\":2,\"arg_sum\":3,\"returns\":2,\"ret_sum\":8,\"at_ret\":2,\"at_ret_sum\":8,\"getppid\":1}"
bpftool -j map dump pinned "$PIN/maps/stats" | grep -qF "$want" ||
	fail "pin: bpftool does not show $want after rawload exited"
rl_run unpin unpin "$PIN"
[ "$RL_RC" -eq 0 ] && [ ! -e "$PIN" ] || fail "unpin: exit status $RL_RC: $(cat "$TMP/unpin.err")"
# shellcheck disable=SC2086
wait_gone $ids
note "pin: counted after rawload exited ($want), gone after unpin"
