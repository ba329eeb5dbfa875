#!/bin/sh
# uprobe.multi: uprobe_multi's three programs attach through one uprobe_multi link each (bpftool
# lists three links of the type), their patterns resolved in the target's symbol table to the
# functions and file offsets nm and readelf give: rl_target_* and ma?n in build/uprobe_target (one
# function each), getp?id in libc.so.6's .dynsym (getppid and getpgid: two behind one link, as
# uretprobes). The counts per process are exactly what the test's own runs did: N calls with
# arguments 1..N, one main, G returns from getppid. SIGINT leaves nothing. (x86-64: rdi.)
. "$(dirname "$0")/lib.sh"

[ "$(uname -m)" = x86_64 ] || skip "uprobe_multi.bpf.c reads x86-64 registers"
OBJ=build/progs/uprobe_multi.bpfel.o
TARGET=build/uprobe_target
[ -f "$OBJ" ] && [ -x "$TARGET" ] || fail "$OBJ or $TARGET is missing (make test-progs $TARGET)"
need nm readelf awk

# The file offset of address ADDR (hex, no 0x) in FILE through its PT_LOAD, as readelf lists them.
file_offset() { # FILE ADDR
	readelf -lW "$1" | awk '$1 == "LOAD" { print $2, $3, $5 }' | while read -r fo_off fo_va fo_fs; do
		if [ $((0x$2)) -ge $((fo_va)) ] && [ $((0x$2)) -lt $((fo_va + fo_fs)) ]; then
			printf '%#x\n' $((0x$2 - fo_va + fo_off))
			break
		fi
	done
}
sym_offset() { # FILE NAME [-D]: the offset of function NAME (nm, or nm -D for the dynamic table)
	so_addr=$(nm ${3:-} "$1" | awk -v n="$2" '($2 == "T" || $2 == "W") && ($3 == n || index($3, n "@@") == 1) { print $1; exit }')
	[ -n "$so_addr" ] && file_offset "$1" "$so_addr"
}
LIBC=$(readlink -f /lib/x86_64-linux-gnu/libc.so.6)
t_off=$(sym_offset "$TARGET" rl_target_func) m_off=$(sym_offset "$TARGET" main)
pp_off=$(sym_offset "$LIBC" getppid -D) pg_off=$(sym_offset "$LIBC" getpgid -D)
[ -n "$t_off" ] && [ -n "$m_off" ] && [ -n "$pp_off" ] && [ -n "$pg_off" ] || fail "nm/readelf: offsets '$t_off' '$m_off' '$pp_off' '$pg_off'"

field() { # PID FIELD FILE: that field of multi[PID] in the last line showing it
	sed -n "s/^multi\[$1\] = {.*$2=\([0-9]*\).*/\1/p" "$3" | tail -n 1
}
run_target() { # N G: one run of the target; its pid in PID
	timeout -s KILL 10 "$TARGET" "$1" "$2" >"$TMP/target.out" || fail "$TARGET $1 $2 failed"
	read -r PID rt_sum <"$TMP/target.out"
}
shows() { # PID N G
	[ "$(field "$1" calls "$TMP/um.out")" = "$2" ] && [ "$(field "$1" arg_sum "$TMP/um.out")" = $(($2 * ($2 + 1) / 2)) ] &&
		[ "$(field "$1" mains "$TMP/um.out")" = 1 ] && [ "$(field "$1" getp_returns "$TMP/um.out")" = "$3" ]
}

rl_start um "$OBJ" -i 0.2 -v
rl_wait_line um 'on_getp_ret: (attached|not attached)'
abs_target=$(readlink -f "$TARGET")
for want in \
	"rawload: uprobe.multi: 'rl_target_\*' in $abs_target: 1 function (rl_target_func at $t_off, file offsets)" \
	"rawload: uprobe.multi: 'ma?n' in $abs_target: 1 function (main at $m_off, file offsets)" \
	"rawload: uretprobe.multi: 'getp?id' in $LIBC: 2 functions (.*, file offsets)" \
	"rawload: on_target: attached to uprobe.multi $abs_target:rl_target_\* (1 function), via uprobe_multi link" \
	"rawload: on_getp_ret: attached to uretprobe.multi $LIBC:getp?id (2 functions), via uprobe_multi link"; do
	grep -qx -- "$want" "$TMP/um.err" || fail "no line '$want': $(grep -i 'multi' "$TMP/um.err")"
done
libc_line=$(grep "^rawload: uretprobe.multi: 'getp?id'" "$TMP/um.err")
case $libc_line in *"getppid at $pp_off"*"getpgid at $pg_off"* | *"getpgid at $pg_off"*"getppid at $pp_off"*) ;;
*) fail "libc offsets: $libc_line (nm/readelf: getppid $pp_off, getpgid $pg_off)" ;; esac
ids=$(pid_prog_ids "$RL_PID")
# bpftool 7.1 (Debian 12) predates uprobe_multi links: it shows their type as a number (12).
n=0
for id in $ids; do
	n=$((n + $(bpftool link show | grep -Ec "(uprobe_multi|type 12) +prog $id( |$)" || true)))
done
[ "$n" -eq 3 ] || fail "bpftool lists $n uprobe_multi links of programs $ids, expected 3"

for run in "7 3" "40 11"; do
	set -- $run
	run_target "$1" "$2"
	retry 50 shows "$PID" "$1" "$2" || fail "multi[$PID] after $TARGET $1 $2: $(grep "^multi\[$PID\]" "$TMP/um.out" | tail -n 1)"
	note "$TARGET $1 $2 (pid $PID): $(grep "^multi\[$PID\]" "$TMP/um.out" | tail -n 1)"
done
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "exit status $RL_RC: $(cat "$TMP/um.err")"
wait_gone $ids
