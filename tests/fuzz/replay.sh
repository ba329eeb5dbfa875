#!/bin/sh
# tests/fuzz/replay.sh — every fuzz target run once over its seeds (build/fuzz/seeds, made from real
# sources by tests/fuzz/seeds.sh) and its regression inputs (tests/fuzz/regress): the short,
# deterministic fuzz check of `make test`. A crash, a failed check, a leak or an input running past
# 30 s fails it, naming the target and the input.
set -u
cd "$(dirname "$0")/../.." || exit 1
failed=0 inputs=0 targets=0
for bin in build/fuzz-*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	t=${bin#build/fuzz-}
	case $t in *.log | *-crash-* | *-leak-* | *-timeout-* | *-oom-*) continue ;; esac
	dirs=""
	for d in build/fuzz/seeds/$t tests/fuzz/regress/$t; do
		[ -d "$d" ] && [ -n "$(ls "$d")" ] && dirs="$dirs $d"
	done
	[ -n "$dirs" ] || { echo "fuzz replay: $t has no seeds and no regression inputs"; failed=$((failed + 1)); continue; }
	# shellcheck disable=SC2086 # the directories, one word each
	out=$("$bin" -runs=0 -timeout=30 -rss_limit_mb=2048 -artifact_prefix=build/fuzz-replay-$t- $dirs 2>&1)
	rc=$?
	n=$(printf '%s\n' "$out" | sed -n 's/^Done \([0-9]*\) runs.*/\1/p' | tail -n 1)
	if [ $rc -ne 0 ] || [ -z "$n" ]; then
		echo "fuzz replay: $t: exit status $rc"
		printf '%s\n' "$out" | grep -E 'ERROR|SUMMARY|Running|Test unit written|deadly' | head -n 12 | sed 's/^/    /'
		failed=$((failed + 1))
		continue
	fi
	inputs=$((inputs + n))
	targets=$((targets + 1))
done
[ $targets -gt 0 ] || { echo "fuzz replay: no fuzz targets built (make fuzz-build)"; exit 1; }
echo "fuzz replay: $targets targets, $inputs inputs, $failed failed"
[ $failed -eq 0 ]
