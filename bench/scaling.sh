#!/bin/sh
# bench/scaling.sh — `make bench-parse` (also run by `make bench`): how rawload's parse grows with
# the object, on objects build/genobj writes directly (1,000, 10,000 and 100,000 programs and maps),
# measured by bench/parse_scaling.c in one process (CPU time, best of BENCH_PARSE_ROUNDS, default 3).
# Pure code: any user, no kernel. Prints the table, keeps it in build/bench/parse-scaling.txt and
# fails when a tenfold step takes more than twelve times the time.
set -u
cd "$(dirname "$0")/.." || exit 1
mkdir -p build/bench
build/bench/parse_scaling "${BENCH_PARSE_ROUNDS:-3}" >build/bench/parse-scaling.txt
rc=$?
cat build/bench/parse-scaling.txt
exit $rc
