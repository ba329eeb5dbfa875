#!/bin/sh
# rawload installed setuid or setgid root does not run: any user could otherwise load and detach
# programs and probe files only root may read. A copy made setuid root (and one setgid root), run as
# nobody, refuses every command with one line and exit status 1, before opening anything; the same
# copy without the bits, run as nobody, opens files with nobody's rights: `inspect /etc/shadow`
# says Permission denied (not "not an ELF file", which would tell that root could read it).
. "$(dirname "$0")/lib.sh"
need setpriv

# A directory nobody can reach, on a file system that honours setuid bits.
dir=""
for base in /tmp "$(pwd)/build"; do
	case $(findmnt -n -o OPTIONS -T "$base" 2>/dev/null) in *nosuid*) continue ;; esac
	dir=$(mktemp -d "$base/rawload-setuid.XXXXXX") || fail "mktemp in $base"
	break
done
[ -n "$dir" ] || fail "no directory without nosuid to put a setuid copy in"
trap 'rc=$?; rm -rf "$dir"; trap - EXIT; cleanup; exit $rc' EXIT
chmod 755 "$dir"
cp "$RAWLOAD" "$dir/rawload" || fail "cp"
cp examples/counter.o "$dir/counter.o" && chmod 644 "$dir/counter.o" || fail "cp counter.o"

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# With the bits: refused, whatever the command.
for bits in 4755 2755 6755; do
	chown root:root "$dir/rawload" && chmod "$bits" "$dir/rawload" || fail "chmod $bits"
	for cmd in "inspect /etc/shadow" "inspect $dir/counter.o" "load $dir/counter.o" "detach lo" "$dir/counter.o lo -n 1"; do
		# shellcheck disable=SC2086 # the command's words
		as_nobody "$dir/rawload" $cmd >"$dir/out" 2>"$dir/err"
		rc=$?
		[ "$rc" -eq 1 ] || fail "mode $bits, '$cmd': exit status $rc, expected 1: $(cat "$dir/err")"
		[ ! -s "$dir/out" ] || fail "mode $bits, '$cmd': printed '$(cat "$dir/out")'"
		[ "$(wc -l <"$dir/err")" -eq 1 ] && grep -q '^rawload: refusing to run set-user-ID or set-group-ID' "$dir/err" ||
			fail "mode $bits, '$cmd': said '$(cat "$dir/err")'"
	done
done
note "setuid, setgid, both: every command refused: $(cat "$dir/err")"

# Without them: the caller's rights.
chmod 755 "$dir/rawload"
as_nobody "$dir/rawload" inspect /etc/shadow >"$dir/out" 2>"$dir/err"
rc=$?
[ "$rc" -eq 1 ] || fail "plain copy, inspect /etc/shadow: exit status $rc"
grep -qx 'rawload: /etc/shadow: Permission denied' "$dir/err" || fail "plain copy, inspect /etc/shadow: said '$(cat "$dir/err")'"
as_nobody "$dir/rawload" inspect "$dir/counter.o" >"$dir/out" 2>"$dir/err" ||
	fail "plain copy as nobody: inspect failed: $(cat "$dir/err")"
grep -q 'count_packets' "$dir/out" || fail "plain copy as nobody: inspect shows no count_packets"
note "plain copy as nobody: inspect works; /etc/shadow: Permission denied"
