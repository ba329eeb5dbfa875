#!/bin/sh
# tests/fuzz/long.sh — the long fuzz run (make fuzz-long): every target in turn, one process at a
# time at nice 19, FUZZ_LONG_SECONDS each (default 1800), FUZZ_LONG_ROUNDS times (default 1). The
# working corpus build/corpus/TARGET starts from the seeds and keeps what each run adds, so a
# later run goes on from there. Per run a log in build/fuzz-long/TARGET.N.log and a line in
# build/fuzz-long/summary.txt (target, executions, seconds, corpus size, result); the totals so far
# are printed at the end (over every run the summary holds). A finding (crash, failed check, leak,
# timeout, out of memory) stops the run with its input in build/fuzz-long/: make it a regression
# input (tests/fuzz/regress/TARGET/, with a line in its README) once it is fixed.
# FUZZ_LONG_TARGETS picks targets (default: every built one).
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=build/fuzz-long
SECONDS_EACH=${FUZZ_LONG_SECONDS:-1800}
ROUNDS=${FUZZ_LONG_ROUNDS:-1}
mkdir -p "$OUT"
targets=${FUZZ_LONG_TARGETS:-$(ls build/fuzz-* 2>/dev/null | sed -n 's|^build/fuzz-\([a-z0-9]*\)$|\1|p')}
[ -n "$targets" ] || { echo "fuzz-long: no targets built (make fuzz-build)"; exit 1; }

round=1
while [ "$round" -le "$ROUNDS" ]; do
	for t in $targets; do
		mkdir -p "build/corpus/$t"
		cp -n "build/fuzz/seeds/$t"/* "build/corpus/$t/" 2>/dev/null
		n=$(($(ls "$OUT" | grep -c "^$t\.[0-9]*\.log$") + 1))
		log=$OUT/$t.$n.log
		# libFuzzer refuses a corpus directory that does not exist: not every target has regressions
		regress=tests/fuzz/regress/$t
		[ -d "$regress" ] || regress=
		start=$(date +%s)
		nice -n 19 "build/fuzz-$t" -max_total_time="$SECONDS_EACH" -timeout=60 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="$OUT/$t-" "build/corpus/$t" $regress >"$log" 2>&1
		rc=$?
		secs=$(($(date +%s) - start))
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		result=ok
		[ $rc -eq 0 ] || result="FINDING (exit $rc): $(grep -E '^==[0-9]+== ERROR|^SUMMARY' "$log" | head -n 1)"
		line="$t run $n: ${execs:-0} executions in $secs s, corpus $(ls "build/corpus/$t" | wc -l) inputs: $result"
		echo "$line" | tee -a "$OUT/summary.txt"
		if [ $rc -ne 0 ]; then
			echo "fuzz-long: stopped at a finding in $t; its input: $(ls "$OUT/$t-"* 2>/dev/null | head -n 1)"
			exit 1
		fi
	done
	round=$((round + 1))
done
awk '{ n[$1] += $4; total += $4 } END { for (t in n) printf "  %-10s %15d executions\n", t, n[t]; printf "fuzz-long: %d executions in all (every run in %s)\n", total, FILENAME }' \
	"$OUT/summary.txt"
