#!/bin/sh
# The manual page, docs/rawload.1: groff renders it without a warning (and mandoc's lint finds
# nothing, where mandoc is installed), man(1) reads it, and it cannot drift from the program: every
# command and option `rawload --help` lists is in it, and every option it documents is in --help.
set -u
cd "${RAWLOAD_ROOT:-$(dirname "$0")/../..}" || exit 1
PAGE=docs/rawload.1
[ -f "$PAGE" ] || { echo "$PAGE is missing"; exit 1; }
command -v groff >/dev/null 2>&1 && command -v man >/dev/null 2>&1 ||
	{ echo "groff or man is not installed (tests/deps.sh installs groff-base and man-db)"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Renders without a warning, with every warning groff has turned on.
groff -ww -z -man "$PAGE" >"$tmp/groff" 2>&1
[ -s "$tmp/groff" ] && { echo "groff warns:"; cat "$tmp/groff"; exit 1; }
if command -v mandoc >/dev/null 2>&1; then
	mandoc -T lint -W all "$PAGE" >"$tmp/mandoc" 2>&1 || { echo "mandoc -T lint:"; cat "$tmp/mandoc"; exit 1; }
fi
# man reads it: the sections are there, nothing on stderr.
MANWIDTH=100 man -l "$PAGE" >"$tmp/man" 2>"$tmp/man.err" || { echo "man -l failed"; cat "$tmp/man.err"; exit 1; }
[ -s "$tmp/man.err" ] && { echo "man -l says:"; cat "$tmp/man.err"; exit 1; }
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "ATTACH KINDS" "VERIFIER ERRORS" "EXIT STATUS" \
	ENVIRONMENT FILES EXAMPLES; do
	grep -qx "$s" "$tmp/man" || { echo "man -l: no section $s"; exit 1; }
done

# Plain ASCII text to compare words in.
groff -man -Tascii -P-cbou "$PAGE" 2>/dev/null >"$tmp/text"
./rawload --help >"$tmp/help" || { echo "rawload --help failed"; exit 1; }
has() { # WORD FILE: WORD as a whole word (letters, digits and dashes around it do not count)
	grep -qE "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|\$)" "$2"
}
n=0
for c in $(grep -oE 'rawload [a-z]+ ' "$tmp/help" | awk '{print $2}' | sort -u); do
	grep -qE "^ +rawload $c " "$tmp/text" || { echo "command '$c' (rawload --help) is not in $PAGE"; exit 1; }
	n=$((n + 1))
done
for o in $(grep -oE '(^|[][ (,])--?[A-Za-z][A-Za-z0-9-]*' "$tmp/help" | sed 's/^[][ (,]//' | sort -u); do
	has "$o" "$tmp/text" || { echo "option $o (rawload --help) is not in $PAGE"; exit 1; }
	n=$((n + 1))
done
# The other way: each option the OPTIONS section documents is one --help lists.
sed -n '/^OPTIONS$/,/^[A-Z]/p' "$tmp/text" | grep -oE '^ {7}-[-A-Za-z, ]+' | grep -oE -- '--?[A-Za-z][A-Za-z0-9-]*' |
	sort -u >"$tmp/documented"
[ -s "$tmp/documented" ] || { echo "no options found in the OPTIONS section"; exit 1; }
while read -r o; do
	has "$o" "$tmp/help" || { echo "$PAGE documents $o, which rawload --help does not list"; exit 1; }
done <"$tmp/documented"
[ "$n" -ge 20 ] || { echo "only $n commands and options checked"; exit 1; }
