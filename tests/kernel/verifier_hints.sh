#!/bin/sh
# Each program of tests/progs-verifier/, built by clang 14 and by clang 19, is refused by the
# verifier, and `rawload load` says what its source's "expect" lines say: the cause in one line,
# the C line the kernel quoted (FILE:N and the text of the line marked BAD LINE), and the fix, with
# the program's own variable names; the kernel's words still follow. A program marked "load as:
# no-perfmon" is loaded without CAP_PERFMON and CAP_SYS_ADMIN (root may read uninitialised stack:
# that it loads as root is checked too). A cause rawload does not know keeps the kernel's words.
# A program the kernel refuses for a helper or kfunc its type may not call is refused alone (a
# partial load: listed on stdout with the reason), and its hint lines name it ("prog 'x': cause:").
# With -v the whole log comes first and the explanation after it.
. "$(dirname "$0")/lib.sh"
need setpriv

# expect FILE KEY: the text after " * expect KEY: " in FILE's header.
expect() {
	sed -n "s/^ \* expect $2: //p" "$1" | head -n 1
}

checked=0
for src in tests/progs-verifier/*.bpf.c; do
	name=$(basename "$src" .bpf.c)
	cause=$(expect "$src" cause)
	fix=$(expect "$src" fix)
	where=$(expect "$src" line)
	words=$(expect "$src" words)
	[ -n "$cause" ] || fail "$src has no '* expect cause:' line"
	bad_no=$(grep -n '/\* BAD LINE \*/' "$src" | head -n 1 | cut -d: -f1)
	bad_text=$(sed -n "${bad_no}p" "$src" | sed 's/^[[:space:]]*//')
	[ -n "$bad_no" ] || fail "$src has no BAD LINE marker"
	as=""
	grep -q '^ \* load as: no-perfmon$' "$src" && as="setpriv --bounding-set -perfmon,-sys_admin"
	for cc in clang clang-19; do
		obj=build/progs-verifier/$cc/$name.o
		[ -f "$obj" ] || fail "$obj is missing (make verifier-progs; clang-19 comes from tests/deps.sh)"
		out=$TMP/$name.$cc
		# shellcheck disable=SC2086
		timeout -s KILL "$RL_LIMIT" $as "$RAWLOAD" load "$obj" >"$out.out" 2>"$out.err"
		rc=$?
		[ $rc -eq 1 ] || fail "$obj: exit status $rc, not 1: $(cat "$out.err")"
		who=""
		if grep -q "^prog $name .* refused: " "$out.out"; then
			who="prog '$name': " # refused alone (partial load): the hint names the program
			grep -qxF "rawload: nothing usable loaded: 0 of 1 programs loaded, 1 refused; 0 maps refused" "$out.err" ||
				fail "$obj: refused, but not summed up: $(cat "$out.err")"
		else
			grep -qF "rawload: prog '$name': the verifier rejected it (" "$out.err" ||
				fail "$obj: the program is not named as rejected: $(cat "$out.out" "$out.err")"
			grep -qF 'rawload: verifier log (end; -v shows all of it):' "$out.err" ||
				fail "$obj: the kernel's log is not shown: $(cat "$out.err")"
		fi
		if [ "$cause" = "(none)" ]; then
			! grep -q '^rawload: \(cause\|fix\):' "$out.err" || fail "$obj: a hint for an unknown cause: $(cat "$out.err")"
			grep -qxF "$words" "$out.err" || fail "$obj: the kernel's words '$words' are missing: $(cat "$out.err")"
			grep -qF "; $bad_text @ $name.bpf.c:$bad_no" "$out.err" ||
				fail "$obj: the log's end lacks the quoted line: $(cat "$out.err")"
			checked=$((checked + 1))
			continue
		fi
		grep -qxF "rawload: ${who}cause: $cause" "$out.err" ||
			fail "$obj: want '${who}cause: $cause', got: $(grep 'cause: ' "$out.err" || cat "$out.err")"
		grep -qxF "rawload: ${who}fix: $fix" "$out.err" ||
			fail "$obj: want '${who}fix: $fix', got: $(grep 'fix: ' "$out.err" || cat "$out.err")"
		case $where in
		failing)
			grep -qxF "rawload: ${who}line: $name.bpf.c:$bad_no: $bad_text" "$out.err" ||
				fail "$obj: want '${who}line: $name.bpf.c:$bad_no: $bad_text', got: $(grep 'line: ' "$out.err")"
			;;
		last)
			grep -qF "rawload: ${who}last line walked: $name.bpf.c:" "$out.err" ||
				fail "$obj: no 'last line walked: $name.bpf.c:N': $(cat "$out.err")"
			;;
		none)
			! grep -q 'rawload: \(prog .*: \)\?\(line\|last line walked\):' "$out.err" ||
				fail "$obj: a source line quoted for a cause that has none: $(cat "$out.err")"
			;;
		*) fail "$src: '* expect line:' is '$where', not failing, last or none" ;;
		esac
		# The order: the diagnostic (or the refusal), the cause, the line, the fix, then the kernel's
		# words (or the summary of the partial load).
		order=$(sed "s/^rawload: $who/rawload: /" "$out.err" |
			grep -o '^rawload: \(prog\|cause\|line\|last line walked\|fix\|verifier log\|nothing usable\)' |
			sed 's/^rawload: //' | tr '\n' ',')
		case $order in
		prog,cause,line,fix,verifier\ log, | prog,cause,last\ line\ walked,fix,verifier\ log, | prog,cause,fix,verifier\ log,) ;;
		cause,line,fix,nothing\ usable,) [ -n "$who" ] || fail "$obj: lines out of order ($order)" ;;
		*) fail "$obj: lines out of order ($order): $(cat "$out.err")" ;;
		esac
		if [ -n "$as" ]; then
			timeout -s KILL "$RL_LIMIT" "$RAWLOAD" load "$obj" >"$out.root" 2>&1 ||
				fail "$obj: as root (CAP_PERFMON) it should load: $(cat "$out.root")"
		fi
		checked=$((checked + 1))
	done
done
[ "$checked" -ge 26 ] || fail "only $checked objects checked"

# -v: the whole log first (it starts at instruction 0), the explanation after it.
timeout -s KILL "$RL_LIMIT" "$RAWLOAD" load -v build/progs-verifier/clang/pkt_bounds.o >/dev/null 2>"$TMP/v.err"
log_at=$(grep -n '^rawload: verifier log:$' "$TMP/v.err" | cut -d: -f1)
first=$(grep -n '^0: ' "$TMP/v.err" | head -n 1 | cut -d: -f1)
cause_at=$(grep -n '^rawload: cause: ' "$TMP/v.err" | cut -d: -f1)
[ -n "$log_at" ] && [ -n "$first" ] && [ -n "$cause_at" ] && [ "$log_at" -lt "$first" ] && [ "$first" -lt "$cause_at" ] ||
	fail "-v: want the whole log, then the cause: $(cat "$TMP/v.err")"
note "$checked objects (clang 14 and 19): cause, line and fix as expected; -v keeps the whole log"
