#!/bin/sh
# Programs written with libbpf's tracing macros against our bpf_tracing.h
# (build/progs/tracing_macros.bpfel.o): BPF_UPROBE reads rl_target_func's argument and
# BPF_URETPROBE its return value from the registers of the calling convention, BPF_PROG on
# tp_btf/sched_process_exec gets the task and the old pid typed from its u64 context. For
# `uprobe_target N` the sums are exactly N calls, 1+..+N and the N return values 2x+1; the two
# execs of a process the test starts are seen under its pid, with task->pid equal to it. BPF_KSYSCALL loads (with
# LINUX_HAS_SYSCALL_WRAPPER from the kernel's BTF) and, kprobes not being compiled in here, is
# reported as not attached. SIGINT leaves nothing. (x86-64: the macros' registers are x86-64's.)
. "$(dirname "$0")/lib.sh"

[ "$(uname -m)" = x86_64 ] || skip "uprobe_target's rl_target_func is checked on x86-64"
OBJ=build/progs/tracing_macros.bpfel.o
TARGET=build/uprobe_target
[ -f "$OBJ" ] && [ -x "$TARGET" ] || fail "$OBJ or $TARGET is missing (make test-progs $TARGET)"

rl_start m "$OBJ" -i 0.2 -v
rl_wait_line m '^rawload: mc_kill: '
for want in 'mc_call: attached to uprobe .*/build/uprobe_target:rl_target_func (file offset 0x[0-9a-f]*) via perf link' \
	'mc_ret: attached to uretprobe .*/build/uprobe_target:rl_target_func (file offset 0x[0-9a-f]*) via perf link' \
	'mc_exec: attached to tp_btf sched_process_exec' \
	'mc_kill: not attached: this kernel has no kprobes (no kprobe PMU in /sys/bus/event_source/devices)'; do
	grep -q "^rawload: $want" "$TMP/m.err" || fail "no line 'rawload: $want': $(grep -v '^rawload: \(prog\|map\|btf\|externs\|--\|section\|elf\|program\|relocations\|show\)' "$TMP/m.err")"
done
grep -qxF 'rawload: externs: LINUX_HAS_SYSCALL_WRAPPER = 1 (from the kernel'"'"'s BTF)' "$TMP/m.err" ||
	fail "LINUX_HAS_SYSCALL_WRAPPER not answered 1 on x86-64"
ids=$(pid_prog_ids "$RL_PID")

N=9
timeout -s KILL 10 "$TARGET" $N 0 >"$TMP/t.out" || fail "$TARGET $N failed"
read -r tpid tsum <"$TMP/t.out"
want="{calls=$N, args=$((N * (N + 1) / 2)), rets=$((N * (N + 2)))}"
sums_are() {
	[ "$(grep "^sums\[$tpid\] = " "$TMP/m.out" | tail -n 1 | no_change | sed 's/^[^=]*= //')" = "$want" ]
}
retry 50 sums_are || fail "sums[$tpid] = '$(grep "^sums\[$tpid\] = " "$TMP/m.out" | tail -n 1)', expected $want"

# Execs of our own: timeout's child execs sh, which execs true: two execs by one process, keyed
# by its pid before each exec, and task->pid is that pid.
timeout -s KILL 10 sh -c 'echo $$ >"$1"; exec true' sh "$TMP/exec.pid" || fail "cannot exec"
epid=$(cat "$TMP/exec.pid")
exec_seen() {
	no_change "$TMP/m.out" | grep -qxF "execs[$epid] = {count=2, task_pid=$epid}"
}
retry 50 exec_seen || fail "execs[$epid]: '$(grep "^execs\[$epid\]" "$TMP/m.out" | tail -n 1)'"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "exit status $RL_RC after SIGINT: $(tail -n 3 "$TMP/m.err")"
# shellcheck disable=SC2086
wait_gone $ids
note "sums[$tpid] = $want; execs[$epid] = 2 with task_pid $epid; mc_kill reported; nothing left"
