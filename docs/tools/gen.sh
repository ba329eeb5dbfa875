#!/bin/sh
# docs/tools/gen.sh — keeps the quotes of docs/walkthrough.md and docs/kernel.md true:
#   sh docs/tools/gen.sh           (make docs) make the runs (root), refill every block in place
#   sh docs/tools/gen.sh --code    refill the code blocks only (any user; quoted output kept)
#   sh docs/tools/gen.sh --check   (tests/kernel/docs.sh) make the runs and refill into a temporary
#                                  copy; compare with the documents after normalising what varies
#                                  from run to run (docs/tools/normalise.sed); exit 1 with
#                                  "DOC is stale: run make docs" and the difference
#   sh docs/tools/gen.sh --check-code   the same for code blocks only (tests/cli/docs.sh)
# The runs are docs/tools/runs.sh's; the blocks' syntax is in docs/tools/fill.awk.
set -u
cd "$(dirname "$0")/../.." || exit 1
DOCS="docs/walkthrough.md docs/kernel.md"
what=${1:-}
case $what in
"" | --code | --check | --check-code) ;;
*) echo "usage: sh docs/tools/gen.sh [--code | --check | --check-code]" >&2; exit 2 ;;
esac

TMPD=$(mktemp -d /tmp/rawload-docs.XXXXXX) || exit 1
trap 'rm -rf "$TMPD"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

mode=all
case $what in
--code | --check-code) mode=code ;;
*)
	if [ "$(id -u)" -ne 0 ]; then
		echo "gen: the quoted runs load and attach programs: run as root (sudo make docs); 'sh docs/tools/gen.sh --code' refreshes code blocks alone" >&2
		exit 1
	fi
	if ! sh docs/tools/runs.sh "$TMPD/runs" >"$TMPD/runs.log" 2>&1; then
		echo "gen: the runs failed:" >&2
		cat "$TMPD/runs.log" >&2
		exit 1
	fi
	;;
esac

rc=0
for doc in $DOCS; do
	new=$TMPD/$(basename "$doc")
	if ! awk -v runs="$TMPD/runs" -v mode="$mode" -f docs/tools/fill.awk "$doc" >"$new"; then
		echo "gen: $doc: a block cannot be filled (above)" >&2
		rc=1
		continue
	fi
	case $what in
	--check | --check-code)
		sed -E -f docs/tools/normalise.sed "$doc" >"$new.was"
		sed -E -f docs/tools/normalise.sed "$new" >"$new.now"
		if ! cmp -s "$new.was" "$new.now"; then
			if [ "$what" = --check-code ]; then
				how="make docs (as root), or 'sh docs/tools/gen.sh --code' for code blocks alone"
			else
				how="make docs (as root)"
			fi
			echo "$doc is stale: run $how. What changed, with run-to-run details normalised (- in the document, + now):"
			diff -u "$new.was" "$new.now" | sed 1,2d | head -n 80
			rc=1
		fi
		;;
	*)
		if cmp -s "$doc" "$new"; then
			echo "$doc: up to date"
		else
			cp "$new" "$doc" && echo "$doc: regenerated"
		fi
		;;
	esac
done
exit $rc
