#!/bin/sh
# bench/scale.sh — the scaling half of `make bench`: how rawload's cost grows with the work, beside
# what one would use instead, in one run, interleaved by round, each result with its ratio and
# whether its aim is met. Four benchmarks (BENCH_ONLY=core,kbtf,bigmap,stream picks some):
#   core    CO-RE-heavy objects generated from the running kernel's types (bench/coregen: 10, 100 and
#           1,000 programs with 100, 1,000 and 10,000 relocations), `rawload-static load` beside a
#           libbpf open+load (bench/libbpf_core.c): CPU and peak RSS, and how CPU grows.
#   kbtf    the kernel's BTF read, checked and indexed for CO-RE as a load does (bench/kbtf, built
#           like rawload-static) beside `bpftool btf dump file /sys/kernel/btf/vmlinux`.
#   bigmap  one snapshot of a pinned 1,000,000-entry hash map with a struct value, as JSON to a file
#           (`rawload show PIN -n 1 --json --max-entries 0`), beside `bpftool map dump pinned PIN -j`.
#   stream  records a program sends as fast as it can (bench/storm.bpf.c on getpriority(), driven by
#           bench/storm) through a ring buffer and a perf buffer, rendered by rawload's display and
#           by a libbpf consumer (bench/libbpf_stream.c), to /dev/null and to a file; then both at
#           one set rate (50,000/s through the ring, 20,000/s through the perf buffer), where
#           neither may lose a record.
# Measuring is bench/runner's (CPU from wait4, peak RSS as VmHWM at exit under ptrace) and
# bench/storm's. Results: build/bench/scale.txt. Owns what it makes (a pin, generated objects, files
# in a temporary directory) and removes it on every exit. POSIX sh.
set -u
cd "$(dirname "$0")/.." || exit 1

OUT=build/bench
RESULTS=$OUT/scale.txt
RAW=$OUT/scale-raw.txt
RUNNER=$PWD/$OUT/runner
RAWLOAD=$PWD/rawload-static
LIBBPF_CORE=$PWD/$OUT/libbpf-core
LIBBPF_STREAM=$PWD/$OUT/libbpf-stream
ROUNDS=${BENCH_ROUNDS:-3}
ONLY=${BENCH_ONLY:-core,kbtf,bigmap,stream}
BIGMAP_PIN=/sys/fs/bpf/rlb_bigmap
BIGMAP_N=${BENCH_BIGMAP_ENTRIES:-1000000}
STORM_SECONDS=${BENCH_STORM_SECONDS:-2}
STORM_RATE=${BENCH_STORM_RATE:-50000}           # ring buffer, records/s, in the paced run
STORM_PERF_RATE=${BENCH_STORM_PERF_RATE:-20000} # perf buffer: a wake-up per sample costs more

die() {
	echo "bench: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root: sudo make bench"
for f in "$RUNNER" "$RAWLOAD" "$OUT/coregen" "$OUT/kbtf" "$OUT/storm" "$OUT/bigmap"; do
	[ -x "$f" ] || die "$f is missing: run make bench, which builds it"
done
BPFTOOL=$(command -v bpftool) || die "bpftool is not installed (make deps installs it)"
TMP=$(mktemp -d /tmp/rawload-scale.XXXXXX) || die "mktemp failed"
PIN_MADE=""
cleanup() {
	[ -n "$PIN_MADE" ] && rm -f "$BIGMAP_PIN"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

: >"$RAW"
: >"$RESULTS"
say() { # a line of results: shown and kept
	echo "$*" | tee -a "$RESULTS"
}
wants() {
	case ",$ONLY," in *",$1,"*) return 0 ;; esac
	return 1
}
reason() {
	r=$(grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1)
	echo "${r:-no message}"
}
# Mean of field $2 (cpu_us, wall_us, ...) over the rounds of key $1; the largest for hwm_kb.
stat() {
	awk -v k="$1" -v f="$2" '$1 == k { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (f == "hwm_kb") { if (v[f] > m) m = v[f] } else { s += v[f]; n++ } }
		END { if (f == "hwm_kb") print m + 0; else if (n) printf "%.1f\n", s / n }' "$RAW"
}
# "x.xx" = $1 / $2
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'
}
# "aim met" when $1 $2 $3 (a comparison: le, ge, eq) holds
aim() {
	awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN { ok = op == "le" ? a <= b : op == "ge" ? a >= b : a == b
		print (a == "?" ? "aim not measured" : ok ? "aim met" : "aim NOT met") }'
}
ms() {
	awk -v u="$1" 'BEGIN { printf "%.1f ms", u / 1000 }'
}
# The runner with key $1, round $2: $3 cycles, $4 traced, rest the command. A failure is recorded
# in $TMP/$1.failed with the reason.
measure() {
	m_key=$1 m_round=$2 m_n=$3 m_traced=$4
	shift 4
	[ -e "$TMP/$m_key.failed" ] && return
	if line=$("$RUNNER" -n "$m_n" -w 1 -r "$m_traced" -e "$TMP/$m_key.err" ${MEASURE_OUT:+-o "$MEASURE_OUT"} -- "$@" \
		2>"$TMP/$m_key.rerr"); then
		echo "$m_key round=$m_round $line" >>"$RAW"
	else
		echo "$(reason "$TMP/$m_key.err") [$(reason "$TMP/$m_key.rerr")]" >"$TMP/$m_key.failed"
	fi
}
failed() {
	[ -e "$TMP/$1.failed" ] && echo "failed: $(cat "$TMP/$1.failed")"
}

say "rawload scaling benchmarks: $(date -u '+%Y-%m-%d %H:%M UTC'); kernel $(uname -r); $(nproc) CPUs;" \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "rawload is rawload-static (static musl); libbpf $(dpkg-query -W -f '${Version}' libbpf-dev 2>/dev/null |
	sed 's/^[0-9]*://; s/-.*//') is linked statically with glibc; $ROUNDS interleaved rounds"

# ---- core: CO-RE-heavy objects --------------------------------------------------------------------

core_bench() {
	say ""
	say "== CO-RE relocations: rawload-static load OBJ vs libbpf open+load, objects made from this kernel's types"
	if [ ! -r build/vmlinux/vmlinux.h ] || ! command -v clang >/dev/null 2>&1; then
		say "  not run: no build/vmlinux/vmlinux.h or no clang"
		return
	fi
	sizes="10:100 100:1000 1000:10000"
	for sz in $sizes; do
		p=${sz%%:*} r=${sz#*:}
		parts=$(((r + 999) / 1000))
		obj=$TMP/core$r.o
		"$OUT/coregen" "$p" "$r" "$parts" "$TMP/core$r" 2>"$TMP/gen$r.err" || {
			say "  $r relocations: coregen failed: $(reason "$TMP/gen$r.err")"
			continue
		}
		# Two compilers at a time; then one object, as a project's build would link its parts.
		k=0
		while [ "$k" -lt "$parts" ]; do
			clang -O2 -g -target bpfel -D__TARGET_ARCH_x86 -Wno-address-of-packed-member -Iexamples/include \
				-Ibuild/vmlinux -idirafter "/usr/include/$(gcc -print-multiarch)" -c \
				-o "$TMP/core$r.$k.o" "$TMP/core$r.$k.bpf.c" 2>"$TMP/cc$r.$k.err" &
			[ $((k % 2)) -eq 1 ] && wait
			k=$((k + 1))
		done
		wait
		if ! "$BPFTOOL" gen object "$obj" "$TMP"/core$r.*.o 2>"$TMP/link$r.err"; then
			say "  $r relocations: the object did not build: $(reason "$TMP/link$r.err") $(cat "$TMP"/cc$r.*.err | head -n 3)"
			continue
		fi
		# Both must really load every program.
		n=$("$RAWLOAD" load "$obj" 2>"$TMP/rl$r.err" | grep -c '^prog ')
		if [ "$n" != "$p" ]; then
			echo "rawload loaded $n of $p programs: $(reason "$TMP/rl$r.err")" >"$TMP/rl$r.failed"
		fi
		recs=$("$RAWLOAD" inspect "$obj" | sed -n 's/.* \([0-9]*\) core_relo.*/\1/p')
		[ "$recs" = "$r" ] || echo "the object holds ${recs:-?} CO-RE records, not $r" >"$TMP/rl$r.failed"
		if [ -x "$LIBBPF_CORE" ]; then
			"$LIBBPF_CORE" "$obj" --check >"$TMP/lb$r.out" 2>"$TMP/lb$r.err" &&
				grep -q "^$p programs loaded, 0 not" "$TMP/lb$r.out" ||
				echo "$(reason "$TMP/lb$r.err")" >"$TMP/lb$r.failed"
		else
			echo "not built (see $OUT/libbpf-scale.log)" >"$TMP/lb$r.failed"
		fi
	done
	round=1
	while [ "$round" -le "$ROUNDS" ]; do
		for sz in $sizes; do
			r=${sz#*:}
			[ -e "$TMP/core$r.o" ] || continue
			cyc=$((r >= 10000 ? 2 : r >= 1000 ? 5 : 10))
			tr=0
			[ "$round" -eq "$ROUNDS" ] && tr=1
			measure "rl$r" "$round" "$cyc" "$tr" "$RAWLOAD" load "$TMP/core$r.o"
			measure "lb$r" "$round" "$cyc" "$tr" "$LIBBPF_CORE" "$TMP/core$r.o"
		done
		round=$((round + 1))
	done
	say "  relocations  programs  rawload CPU  libbpf CPU  ratio  rawload RSS  libbpf RSS   (aim: ratio <= 0.50)"
	prev=""
	growth=""
	for sz in $sizes; do
		p=${sz%%:*} r=${sz#*:}
		if [ ! -e "$TMP/core$r.o" ]; then
			continue
		fi
		if [ -e "$TMP/rl$r.failed" ]; then
			say "  $r: rawload $(failed "rl$r")"
			continue
		fi
		a=$(stat "rl$r" cpu_us) ah=$(stat "rl$r" hwm_kb)
		if [ -e "$TMP/lb$r.failed" ]; then
			printf '  %11s  %8s  %11s  libbpf %s\n' "$r" "$p" "$(ms "$a")" "$(failed "lb$r")" | tee -a "$RESULTS"
		else
			b=$(stat "lb$r" cpu_us) bh=$(stat "lb$r" hwm_kb)
			x=$(ratio "$a" "$b")
			printf '  %11s  %8s  %11s  %10s  %5s  %8s kB  %7s kB   %s\n' "$r" "$p" "$(ms "$a")" "$(ms "$b")" "$x" \
				"$ah" "$bh" "$(aim "$x" le 0.5)" | tee -a "$RESULTS"
		fi
		if [ -n "$prev" ]; then
			g=$(ratio "$a" "$prev")
			growth="$growth  ${prevr}->$r: x$g ($(aim "$g" le 11))"
		fi
		prev=$a prevr=$r
	done
	[ -n "$growth" ] && say "  rawload's CPU for 10x the relocations (aim <= 11x):$growth"
}

# ---- kbtf: the kernel's BTF ----------------------------------------------------------------------------

kbtf_bench() {
	say ""
	say "== Kernel BTF: read, check and index /sys/kernel/btf/vmlinux for CO-RE, and find 1,000 struct names' candidates"
	[ -r /sys/kernel/btf/vmlinux ] || {
		say "  not run: no /sys/kernel/btf/vmlinux"
		return
	}
	"$OUT/kbtf" >"$TMP/kbtf.out" 2>"$TMP/kbtf.err" || echo "$(reason "$TMP/kbtf.err") $(cat "$TMP/kbtf.out")" >"$TMP/kbtf.failed"
	"$BPFTOOL" btf dump file /sys/kernel/btf/vmlinux >/dev/null 2>"$TMP/bt.err" || echo "$(reason "$TMP/bt.err")" >"$TMP/btdump.failed"
	round=1
	while [ "$round" -le "$ROUNDS" ]; do
		tr=0
		[ "$round" -eq "$ROUNDS" ] && tr=2
		measure kbtf "$round" 10 "$tr" "$PWD/$OUT/kbtf"
		measure btdump "$round" 5 "$tr" "$BPFTOOL" btf dump file /sys/kernel/btf/vmlinux
		round=$((round + 1))
	done
	if [ -e "$TMP/kbtf.failed" ]; then
		say "  rawload $(failed kbtf)"
		return
	fi
	a=$(stat kbtf cpu_us) ah=$(stat kbtf hwm_kb)
	say "  rawload (bench/kbtf): $(ms "$a") CPU, $ah kB peak RSS ($(aim "$a" le 20000) for CPU <= 20 ms," \
		"$(aim "$ah" le 8192) for RSS <= 8 MiB); $(cat "$TMP/kbtf.out")"
	if [ -e "$TMP/btdump.failed" ]; then
		say "  bpftool $(failed btdump)"
	else
		b=$(stat btdump cpu_us) bh=$(stat btdump hwm_kb)
		say "  bpftool btf dump file (to /dev/null): $(ms "$b") CPU, $bh kB peak RSS; rawload x$(ratio "$a" "$b") CPU," \
			"x$(ratio "$ah" "$bh") RSS"
	fi
}

# ---- bigmap: a million-entry map -------------------------------------------------------------------------

bigmap_bench() {
	# rawload's snapshot of the pinned map, as JSON on stdout, rendered with the BTF the kernel
	# holds for it. (Through the main command instead, which reuses the map from its pin:
	# set -- "$RAWLOAD" "$PWD/$OUT/bigmap.o" -n 1 -i 0.001 --json --max-entries 0)
	set -- "$RAWLOAD" show "$BIGMAP_PIN" -n 1 --json --max-entries 0
	say ""
	say "== Big map: one snapshot of a pinned $BIGMAP_N-entry hash map (struct value) as JSON to a file"
	if [ -e "$BIGMAP_PIN" ]; then
		rm -f "$BIGMAP_PIN" # left by an interrupted bench: the name is the bench's own
	fi
	PIN_MADE=1
	"$RAWLOAD" load "$PWD/$OUT/bigmap.o" >/dev/null 2>"$TMP/bm.err" && [ -e "$BIGMAP_PIN" ] ||
		{ say "  not run: rawload did not make $BIGMAP_PIN: $(reason "$TMP/bm.err")"; return; }
	"$OUT/bigmap" fill "$BIGMAP_PIN" "$BIGMAP_N" 2>"$TMP/bm.err" || { say "  not run: $(reason "$TMP/bm.err")"; return; }
	have=$("$OUT/bigmap" count "$BIGMAP_PIN")
	[ "$have" = "$BIGMAP_N" ] || { say "  not run: the map holds $have entries, not $BIGMAP_N"; return; }
	# Both must render every entry: counted in what each wrote in the first round.
	rl_bytes="" bt_bytes=""
	round=1
	while [ "$round" -le "$ROUNDS" ]; do
		tr=0
		[ "$round" -eq "$ROUNDS" ] && tr=1
		MEASURE_OUT=$TMP/out.json measure bm_rl "$round" 1 "$tr" "$@"
		if [ -z "$rl_bytes" ] && [ ! -e "$TMP/bm_rl.failed" ]; then
			n=$(grep -o '{"key":' "$TMP/out.json" | wc -l)
			[ "$n" = "$BIGMAP_N" ] || echo "rendered $n entries, not $BIGMAP_N" >"$TMP/bm_rl.failed"
			rl_bytes=$(wc -c <"$TMP/out.json")
		fi
		MEASURE_OUT=$TMP/out.json measure bm_bt "$round" 1 "$tr" "$BPFTOOL" map dump pinned "$BIGMAP_PIN" -j
		if [ -z "$bt_bytes" ] && [ ! -e "$TMP/bm_bt.failed" ]; then
			n=$(grep -o '"key":\[' "$TMP/out.json" | wc -l)
			[ "$n" = "$BIGMAP_N" ] || echo "dumped $n entries, not $BIGMAP_N" >"$TMP/bm_bt.failed"
			bt_bytes=$(wc -c <"$TMP/out.json")
		fi
		rm -f "$TMP/out.json"
		round=$((round + 1))
	done
	rm -f "$BIGMAP_PIN"
	PIN_MADE=""
	if [ -e "$TMP/bm_rl.failed" ]; then
		say "  rawload $(failed bm_rl)"
		return
	fi
	aw=$(stat bm_rl wall_us) ac=$(stat bm_rl cpu_us) ah=$(stat bm_rl hwm_kb)
	say "  rawload: $(ms "$aw") wall, $(ms "$ac") CPU, $ah kB peak RSS, $rl_bytes bytes"
	if [ -e "$TMP/bm_bt.failed" ]; then
		say "  bpftool $(failed bm_bt)"
		return
	fi
	bw=$(stat bm_bt wall_us) bc=$(stat bm_bt cpu_us) bh=$(stat bm_bt hwm_kb)
	x=$(ratio "$aw" "$bw")
	say "  bpftool map dump -j: $(ms "$bw") wall, $(ms "$bc") CPU, $bh kB peak RSS, $bt_bytes bytes"
	say "  rawload x$x wall ($(aim "$x" le 0.25) for <= 0.25x), x$(ratio "$ac" "$bc") CPU; peak RSS $ah kB for" \
		"$((BIGMAP_N * 36 / 1024)) kB of keys and values ($(aim "$ah" le 8192) for a bounded snapshot, <= 8 MiB)"
}

# ---- stream: ring and perf buffer records -----------------------------------------------------------------

# storm KEY ROUND SINK RATE -- CONSUMER...: one line in $RAW, or KEY.failed.
storm() {
	s_key=$1 s_round=$2 s_sink=$3 s_rate=$4
	shift 5
	[ -e "$TMP/$s_key.failed" ] && return
	if line=$("$OUT/storm" -t "$STORM_SECONDS" -r "$s_rate" -o "$s_sink" -e "$TMP/$s_key.err" -- "$@" 2>"$TMP/$s_key.serr"); then
		# Every record sent reached the sink (a file is counted; perf adds its lost-sample lines).
		if [ "$s_sink" != /dev/null ]; then
			got=$(grep -c 'seq=' "$s_sink")
			sent=$(echo "$line" | sed 's/.*sent=\([0-9]*\).*/\1/')
			[ "$got" = "$sent" ] || echo "$sent records sent, $got rendered" >"$TMP/$s_key.failed"
			rm -f "$s_sink"
		fi
		echo "$s_key round=$s_round $line" >>"$RAW"
	else
		echo "$(reason "$TMP/$s_key.err") [$(reason "$TMP/$s_key.serr")]" >"$TMP/$s_key.failed"
	fi
}

stream_bench() {
	say ""
	say "== Streams: records of a program sending as fast as it can, ${STORM_SECONDS} s each, rendered by rawload's display vs a libbpf consumer"
	[ -x "$LIBBPF_STREAM" ] || for k in rb pb; do for s in null file; do
		echo "not built (see $OUT/libbpf-scale.log)" >"$TMP/lb_${k}_$s.failed"
		echo "not built (see $OUT/libbpf-scale.log)" >"$TMP/lb_${k}_paced.failed"
	done; done
	round=1
	while [ "$round" -le "$ROUNDS" ]; do
		for k in rb pb; do
			for s in null file; do
				sink=/dev/null
				[ "$s" = file ] && sink=$TMP/sink.txt
				storm "rl_${k}_$s" "$round" "$sink" 0 -- "$RAWLOAD" "$PWD/$OUT/storm-$k.o" -i 3600
				storm "lb_${k}_$s" "$round" "$sink" 0 -- "$LIBBPF_STREAM" "$PWD/$OUT/storm-$k-libbpf.o"
			done
			rate=$STORM_RATE
			[ "$k" = pb ] && rate=$STORM_PERF_RATE
			storm "rl_${k}_paced" "$round" "$TMP/sink.txt" "$rate" -- "$RAWLOAD" "$PWD/$OUT/storm-$k.o" -i 3600
			storm "lb_${k}_paced" "$round" "$TMP/sink.txt" "$rate" -- "$LIBBPF_STREAM" "$PWD/$OUT/storm-$k-libbpf.o"
		done
		round=$((round + 1))
	done
	say "  buffer  sink       rawload: rendered/s  lost/s   CPU/record | libbpf: rendered/s  lost/s   CPU/record | ratio  (aim: >= 1)"
	for k in rb pb; do
		kn=ring
		[ "$k" = pb ] && kn=perf
		for s in null file paced; do
			a=rl_${k}_$s b=lb_${k}_$s
			sn=$s
			[ "$s" = null ] && sn=/dev/null
			[ "$s" = paced ] && sn="$STORM_RATE/s" && [ "$k" = pb ] && sn="$STORM_PERF_RATE/s"
			if [ -e "$TMP/$a.failed" ]; then
				say "  $kn  $sn: rawload $(failed "$a")"
				continue
			fi
			ar=$(awk -v s="$(stat "$a" sent)" -v t="$(stat "$a" storm_us)" 'BEGIN { printf "%.0f", s / t * 1e6 }')
			al=$(awk -v s="$(stat "$a" lost)" -v t="$(stat "$a" storm_us)" 'BEGIN { printf "%.0f", s / t * 1e6 }')
			ac=$(awk -v c="$(stat "$a" consumer_cpu_us)" -v s="$(stat "$a" sent)" 'BEGIN { printf "%.2f us", c / s }')
			if [ -e "$TMP/$b.failed" ]; then
				printf '  %-6s  %-9s  %19s  %6s  %10s | libbpf %s\n' "$kn" "$sn" "$ar" "$al" "$ac" "$(failed "$b")" | tee -a "$RESULTS"
				continue
			fi
			br=$(awk -v s="$(stat "$b" sent)" -v t="$(stat "$b" storm_us)" 'BEGIN { printf "%.0f", s / t * 1e6 }')
			bl=$(awk -v s="$(stat "$b" lost)" -v t="$(stat "$b" storm_us)" 'BEGIN { printf "%.0f", s / t * 1e6 }')
			bc=$(awk -v c="$(stat "$b" consumer_cpu_us)" -v s="$(stat "$b" sent)" 'BEGIN { printf "%.2f us", c / s }')
			x=$(ratio "$ar" "$br")
			if [ "$s" = paced ]; then
				v=$(awk -v a="$(stat "$a" lost)" 'BEGIN { print a == 0 ? "aim met: 0 lost" : "aim NOT met: records lost" }')
			else
				v=$(aim "$x" ge 1)
			fi
			printf '  %-6s  %-9s  %19s  %6s  %10s | %18s  %6s  %10s | %5s  %s\n' "$kn" "$sn" "$ar" "$al" "$ac" "$br" "$bl" \
				"$bc" "$x" "$v" | tee -a "$RESULTS"
		done
	done
	say "  rendered/s: records sent (and so rendered: both read what is left before they exit) per second of"
	say "  the storm; lost/s: records the program found no room for; CPU/record: the consumer's CPU (wait4)"
	say "  over its whole run per record. Text lines as rawload renders a record; the file sink is counted."
}

wants core && core_bench
wants kbtf && kbtf_bench
wants bigmap && bigmap_bench
wants stream && stream_bench
say ""
say "Raw figures: $RAW. Measured on $(hostname) with load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
