#!/bin/sh
# USDT probes (build/progs/usdt_count.bpfel.o on build/usdt_target and build/libusdt_lib.so, built
# with <sys/sdt.h>): rawload places a uprobe on every call site the targets' .note.stapsdt lists, at
# the file offsets readelf gives (notes, then program headers: independent of rawload's reader),
# with the semaphore's file offset for rl:guarded; seven perf links (bpftool sees them). The
# arguments the BPF side reads through usdt.bpf.h (registers, immediates, memory at a register
# plus a displacement, a pointer, a signed 8-byte and an unsigned 1-byte value, two call sites with
# two specs, a shared library, a sleepable usdt.s program) sum exactly to what the target passed.
# The semaphore: 0 in a process started before rawload, 1 there once rawload attached (the guarded
# probe fires only then), 0 again after rawload exits; a process started while attached sees 1.
# Nothing of rawload's remains after SIGINT. A program of libbpf-bootstrap's usdt shape, written
# against vmlinux.h (build/vmlinux/usdt_bootstrap.o), counts exactly the shared library's fires.
# What cannot attach is refused in one line that says why: a library without USDT notes (Debian's
# libc, libbpf-bootstrap's target), a probe the file lacks, a malformed target, an object without
# usdt.bpf.h's maps. (x86-64: the notes' registers are x86-64's.)
. "$(dirname "$0")/lib.sh"

[ "$(uname -m)" = x86_64 ] || skip "the USDT target's argument specs are x86-64's"
OBJ=build/progs/usdt_count.bpfel.o
TARGET=build/usdt_target
LIB=build/libusdt_lib.so
[ -f "$OBJ" ] && [ -x "$TARGET" ] && [ -f "$LIB" ] || fail "$OBJ, $TARGET or $LIB is missing (make test-progs $TARGET)"
ROOT=$(pwd)
need readelf awk mkfifo

# The file offset of address ADDR (hex, with or without 0x) in FILE, through the PT_LOAD that holds
# it, as readelf -lW lists them.
file_offset() { # FILE ADDR
	readelf -lW "$1" | awk '$1 == "LOAD" { print $2, $3, $5 }' | while read -r fo_off fo_va fo_fs; do
		if [ $(($2)) -ge $((fo_va)) ] && [ $(($2)) -lt $((fo_va + fo_fs)) ]; then
			printf '0x%x\n' $(($2 - fo_va + fo_off))
			break
		fi
	done
}
# "PROVIDER:NAME LOCATION SEMAPHORE" for every stapsdt note of FILE, as readelf -n prints them.
notes() {
	readelf -n "$1" | awk '$1 == "Provider:" { p = $2 } $1 == "Name:" { n = $2 }
		$1 == "Location:" { gsub(",", "", $2); gsub(",", "", $6); print p ":" n, $2, $6 }'
}

# want_stats N G: stats[pid] after N fires of which G ran while attached with the semaphore raised
# (all of them, or none: G is N or 0).
want_stats() {
	ws_n=$1 ws_t=$(($1 * ($1 + 1) / 2)) ws_c=0 ws_i=1
	while [ $ws_i -le "$1" ]; do ws_c=$((ws_c + (250 + ws_i) % 256)); ws_i=$((ws_i + 1)); done
	ws_sq=$(($1 * ($1 + 1) * (2 * $1 + 1) / 6)) ws_g=0
	[ "$2" -eq 0 ] || ws_g=$ws_t
	echo "{args=$ws_n, args_a=$((ws_t - 3 * ws_n)), args_b=$((-1000 * ws_t)), args_c=$ws_c, args_ptr=$ws_sq, args_k=$((7 * ws_n)), args_cnt=$((5 * ws_n)), args_size1=$ws_n, sleepy=$ws_n, sleepy_ptr=$ws_sq, sites=$((2 * ws_n)), sites_sum=$((ws_t + 100 * ws_n)), mem=$ws_n, mem_a=$ws_t, mem_b=$((-ws_t)), guarded=$2, guarded_sum=$ws_g, lib=$ws_n, lib_a=$ws_t, lib_b=$((3 * ws_t))}"
}
last_stats() { # NAME PID
	grep "^stats\[$2\] = " "$TMP/$1.out" | tail -n 1 | no_change | sed 's/^[^=]*= //'
}
stats_are() { # NAME PID WANT
	[ "$(last_stats "$1" "$2")" = "$3" ]
}

# ---- a target process that lives across the whole run, driven through a fifo
mkfifo "$TMP/cmd" || fail "mkfifo"
: >"$TMP/serve.out" # made here: the target opens it only once this script has opened the fifo
timeout -s KILL 60 "$TARGET" --serve <"$TMP/cmd" >"$TMP/serve.out" 2>&1 &
exec 3>"$TMP/cmd" # the target reads EOF, and ends, when this script exits
serve_lines() {
	wc -l <"$TMP/serve.out"
}
serve_more() { # N: more than N lines
	[ "$(serve_lines)" -gt "$1" ]
}
ask() { # CMD: the target's one-line answer, in ANSWER
	ask_n=$(serve_lines)
	echo "$1" >&3
	retry 50 serve_more "$ask_n" || fail "the target did not answer '$1': $(cat "$TMP/serve.out")"
	ANSWER=$(sed -n "$((ask_n + 1))p" "$TMP/serve.out")
}
ask pid
SPID=${ANSWER#pid }
ask sema
[ "$ANSWER" = "sema 0" ] || fail "before rawload: '$ANSWER', expected 'sema 0'"
ask "fire 2"
[ "$ANSWER" = "fired 2 guarded 0" ] || fail "before rawload: '$ANSWER'"

# ---- attach
rl_start text "$OBJ" -v -i 0.2
rl_wait_line text '^rawload: on_manual: '
for want in \
	"on_args: attached to usdt $ROOT/$TARGET:rl:args, 1 call site via perf links" \
	"on_args_sleepable: attached to usdt $ROOT/$TARGET:rl:args, 1 call site via perf links" \
	"on_sites: attached to usdt $ROOT/$TARGET:rl:sites, 2 call sites via perf links" \
	"on_mem: attached to usdt $ROOT/$TARGET:rl:mem, 1 call site via perf links" \
	"on_guarded: attached to usdt $ROOT/$TARGET:rl:guarded, 1 call site, semaphore via perf links" \
	"on_lib: attached to usdt $ROOT/$LIB:rl_lib:hit, 1 call site via perf links" \
	"on_manual: not attached: no target in the section name"; do
	grep -qxF "rawload: $want" "$TMP/text.err" || fail "no line 'rawload: $want': $(grep -v 'insn\|usdt:' "$TMP/text.err")"
done

# Every note's place as readelf computes it, in rawload's narration; each site with its own cookie.
sites=0
for f in "$TARGET" "$LIB"; do
	notes "$f" >"$TMP/notes"
	[ -s "$TMP/notes" ] || fail "readelf finds no stapsdt notes in $f"
	while read -r pn loc sema; do
		off=$(file_offset "$f" "$loc")
		[ -n "$off" ] || fail "no PT_LOAD of $f holds $pn at $loc"
		grep -Eq "^rawload: usdt: $pn site [0-9]+ at $(printf '0x%x' $((loc))) \(program header [0-9]+\) -> file offset $off$" "$TMP/text.err" ||
			fail "$pn at $loc: no site at file offset $off in: $(grep "usdt: $pn site" "$TMP/text.err")"
		if [ $((sema)) -ne 0 ]; then
			soff=$(file_offset "$f" "$sema")
			grep -qxF "rawload: usdt:   semaphore at $(printf '0x%x' $((sema))), file offset $soff" "$TMP/text.err" ||
				fail "$pn: semaphore $sema not at file offset $soff: $(grep semaphore "$TMP/text.err")"
			SEMA_OFF=$soff
		fi
		sites=$((sites + 1))
	done <"$TMP/notes"
done
[ "$sites" -eq 6 ] || fail "readelf lists $sites notes, expected 6"
[ -n "${SEMA_OFF:-}" ] || fail "readelf shows no semaphore"
cookies=$(grep -c "^rawload: usdt: site [0-9]*: BPF_LINK_CREATE BPF_PERF_EVENT prog '[a-z_]*' bpf_cookie [0-9]* -> fd" "$TMP/text.err")
[ "$cookies" -eq 7 ] || fail "$cookies perf links with a cookie, expected 7 (rl:args twice)"

ids=$(pid_prog_ids "$RL_PID")
[ "$(echo "$ids" | wc -l)" -eq 7 ] || fail "rawload holds programs '$ids', expected 7"
links=$(pid_link_ids "$RL_PID")
[ "$(echo "$links" | wc -l)" -eq 7 ] || fail "rawload holds links '$links', expected 7 perf links"
for l in $links; do
	p=$(bpftool link show id "$l" | sed -n "s/^$l: perf_event  prog \([0-9]*\).*/\1/p")
	[ -n "$p" ] && echo "$ids" | grep -qx "$p" || fail "link $l: $(bpftool link show id "$l")"
done

# ---- the semaphore is up in the process that was already running; counts are exact
ask sema
[ "$ANSWER" = "sema 1" ] || fail "while attached: '$ANSWER', expected 'sema 1'"
ask "fire 9"
[ "$ANSWER" = "fired 9 guarded 9" ] || fail "while attached: '$ANSWER'"
want=$(want_stats 9 9)
retry 50 stats_are text "$SPID" "$want" || fail "stats[$SPID] = '$(last_stats text "$SPID")', expected '$want'"
out=$(timeout -s KILL 10 "$TARGET" 7) || fail "$TARGET 7 failed"
pid=${out% *}
[ "${out#* }" = 7 ] || fail "a process started while attached: guarded fired ${out#* } times, expected 7"
want_new=$(want_stats 7 7)
retry 50 stats_are text "$pid" "$want_new" || fail "stats[$pid] = '$(last_stats text "$pid")', expected '$want_new'"
sleep 0.5 # late or doubled events would show now
stats_are text "$SPID" "$want" && stats_are text "$pid" "$want_new" || fail "counts changed after a pause"

rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "exit status $RL_RC after SIGINT: $(grep -v 'insn\|usdt:' "$TMP/text.err")"
# shellcheck disable=SC2086
wait_gone $ids
grep -q "^rawload: usdt: 'on_sites': closed 2 uprobes" "$TMP/text.err" || fail "on_sites' two uprobes not closed"

# ---- and down again once rawload is gone
ask sema
[ "$ANSWER" = "sema 0" ] || fail "after rawload: '$ANSWER', expected 'sema 0'"
ask "fire 3"
[ "$ANSWER" = "fired 3 guarded 0" ] || fail "after rawload: '$ANSWER'"
note "6 notes at readelf's offsets (semaphore at $SEMA_OFF), 7 perf links with cookies; stats[$SPID] = $want; a new process: $want_new; semaphore 0 -> 1 -> 0; gone after SIGINT"

# ---- libbpf-bootstrap's shape: vmlinux.h, BPF_USDT on a shared library's probe, SEC("usdt") left alone
BOOT=build/vmlinux/usdt_bootstrap.o
[ -f "$BOOT" ] || fail "$BOOT is missing (make vmlinux-progs)"
rl_start boot "$BOOT" --all-maps -i 0.2
rl_wait_line boot '^rawload: usdt_manual_attach: '
grep -qxF "rawload: usdt_auto_attach: attached to usdt $ROOT/$LIB:rl_lib:hit, 1 call site via perf links" "$TMP/boot.err" &&
	grep -qxF "rawload: usdt_manual_attach: not attached: no target in the section name" "$TMP/boot.err" ||
	fail "boot: $(cat "$TMP/boot.err")"
ids=$(pid_prog_ids "$RL_PID")
timeout -s KILL 10 "$TARGET" 6 >/dev/null || fail "$TARGET 6 failed"
boot_is() {
	[ "$(grep '^usdt_boo.bss\[0\] = ' "$TMP/boot.out" | tail -n 1 | no_change)" = "usdt_boo.bss[0] = {hits=6, last_arg1=6, last_arg2=18}" ]
}
retry 50 boot_is || fail "boot: $(grep '^usdt_boo.bss' "$TMP/boot.out" | tail -n 1)"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "boot: exit status $RL_RC: $(cat "$TMP/boot.err")"
# shellcheck disable=SC2086
wait_gone $ids
note "libbpf-bootstrap's shape: hits=6, last arguments 6 and 18"

# ---- refusals, one line each
refused() { # NAME OBJ PROG WANT-LINE
	rl_run "$1" "$2" --prog "$3" -n 1
	[ "$RL_RC" -eq 1 ] || fail "$1: exit status $RL_RC: $(cat "$TMP/$1.err")"
	grep -qxF "rawload: $4" "$TMP/$1.err" || fail "$1: $(cat "$TMP/$1.err"), expected 'rawload: $4'"
}
refused libc build/progs/usdt_refused.bpfel.o on_setjmp \
	"prog 'on_setjmp': usdt: $(readlink -f "$(ldd "$TARGET" | sed -n 's/.*libc\.so\.6 => \([^ ]*\).*/\1/p')"): elf: no .note.stapsdt section (the file has no USDT probes)"
refused missing build/progs/usdt_refused.bpfel.o on_missing \
	"prog 'on_missing': usdt: $ROOT/$TARGET has no probe rl:nope (5 USDT notes)"
refused badpath build/progs/usdt_refused.bpfel.o on_bad_path \
	"prog 'on_bad_path': usdt target 'build/usdt_target:args': not PATH:PROVIDER:NAME"
refused nomaps build/progs/usdt_nomaps.bpfel.o on_args \
	"prog 'on_args': the object has no maps __bpf_usdt_specs and __bpf_usdt_ip_to_spec_id: include <bpf/usdt.bpf.h> and read arguments with bpf_usdt_arg() or BPF_USDT"
note "refused: $(sed 's/^rawload: //' "$TMP/libc.err")"
