#!/bin/sh
# bench/run.sh — `make bench`: rawload beside the loaders one would use instead, on one XDP cycle
# (start, load BTF + map + program, attach to a veth, detach, exit), as figures per cycle and ratios
# to the raw-syscall baseline. Owns the world it measures in (a network namespace with a veth pair,
# a bpffs pin) and takes it down on every exit. The measuring is bench/runner's: it forks and execs
# each tool with no shell in between. Results: build/bench/results.txt. No traffic is sent.
# POSIX sh (dash). BENCH_ROUNDS x BENCH_CYCLES cycles per tool (default 4 x 50), interleaved by round
# so that a change in machine load during the run reaches every tool alike.
set -u
cd "$(dirname "$0")/.." || exit 1

OUT=build/bench
RESULTS=$OUT/results.txt
RAW=$OUT/raw.txt
RUNNER=$PWD/$OUT/runner
OBJ=$PWD/examples/counter.o
ROUNDS=${BENCH_ROUNDS:-4}
CYCLES=${BENCH_CYCLES:-50}
WARMUP=3       # per round, not counted
RSS_CYCLES=3   # traced cycles for the peak RSS (last round only; not in CPU or wall)

die() {
	echo "bench: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root: sudo make bench"
for c in ip nsenter bpftool mountpoint; do
	command -v "$c" >/dev/null 2>&1 || die "$c is not installed (make deps installs it)"
done
for f in "$RUNNER" "$OBJ" ./rawload ./rawload-static "$OUT/rawsys" "$OUT/rawsys-static" "$OUT/rawsys-glibc-static"; do
	[ -e "$f" ] || die "$f is missing: run make bench, which builds it"
done
# Absolute paths: the runner measures exec, not a PATH search.
BPFTOOL=$(command -v bpftool)
IP=$(command -v ip)

NS=rawload-bench-$$
DEV=rlb-a
PEER=rlb-b
PIN=/sys/fs/bpf/rawload-bench-$$
TMP=$(mktemp -d /tmp/rawload-bench.XXXXXX) || die "mktemp failed"
NS_MADE=""
BPFFS_MOUNTED=""
# iproute2 makes these in bpffs the first time it loads an object; whichever did not exist before
# the bench is removed after it (when empty).
IPROUTE2_DIRS="/sys/fs/bpf/tc/globals /sys/fs/bpf/tc /sys/fs/bpf/ip /sys/fs/bpf/xdp"
IPROUTE2_NEW=""

cleanup() {
	rm -f "$PIN"
	[ -n "$NS_MADE" ] && ip netns del "$NS" 2>/dev/null # its veth, and what is attached to it, go too
	for p in $IPROUTE2_NEW; do
		if [ -L "$p" ]; then rm -f "$p"; else rmdir "$p" 2>/dev/null; fi
	done
	[ -n "$BPFFS_MOUNTED" ] && umount /sys/fs/bpf
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

in_ns() {
	nsenter --net="/run/netns/$NS" "$@"
}

# ---- the world: bpffs, a namespace, a veth pair inside it ----------------------------------------

if ! mountpoint -q /sys/fs/bpf; then
	mount -t bpf bpf /sys/fs/bpf || die "cannot mount bpffs on /sys/fs/bpf"
	BPFFS_MOUNTED=1
fi
for p in $IPROUTE2_DIRS; do
	[ -e "$p" ] || [ -L "$p" ] || IPROUTE2_NEW="$IPROUTE2_NEW $p"
done
ip netns add "$NS" || die "ip netns add $NS failed"
NS_MADE=1
# IPv6 off before the links come up: nothing at all crosses the veth (no router solicitations).
in_ns sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null
ip -n "$NS" link add "$DEV" type veth peer name "$PEER" || die "cannot make a veth pair in $NS"
ip -n "$NS" link set "$DEV" up && ip -n "$NS" link set "$PEER" up || die "cannot bring the veth pair up"
IFINDEX=$(ip -n "$NS" -o link show dev "$DEV" | cut -d: -f1)
[ -n "$IFINDEX" ] || die "no ifindex for $DEV"

xdp_attached() {
	in_ns "$IP" -o link show dev "$DEV" | grep -q 'prog/xdp'
}

# ---- the tools -------------------------------------------------------------------------------------

TOOLS="rawsys rawsys_gs rawsys_gd rawload_static rawload libbpf bpftool iproute2"
BASE=rawsys

ver_bpftool=$("$BPFTOOL" version 2>/dev/null | sed -n '1s/.* \(v[0-9][^ ]*\).*/\1/p')
ver_ip=$("$IP" -V 2>/dev/null | sed -n 's/.*iproute2-\([^, ]*\).*/\1/p')
ver_libbpf=$(dpkg-query -W -f '${Version}' libbpf-dev 2>/dev/null | sed 's/^[0-9]*://; s/-.*//')

label() {
	case $1 in
	rawsys) echo "raw syscalls, static musl (baseline)" ;;
	rawsys_gs) echo "raw syscalls, static glibc" ;;
	rawsys_gd) echo "raw syscalls, dynamic glibc" ;;
	rawload_static) echo "rawload-static (static musl)" ;;
	rawload) echo "rawload (dynamic glibc)" ;;
	libbpf) echo "libbpf ${ver_libbpf:-?} (static glibc)" ;;
	bpftool) echo "bpftool ${ver_bpftool:-?} (3 processes)" ;;
	iproute2) echo "iproute2 ${ver_ip:-?} (2 processes)" ;;
	esac
}

rawsys_bin() {
	case $1 in
	rawsys) echo "$PWD/$OUT/rawsys-static" ;;
	rawsys_gs) echo "$PWD/$OUT/rawsys-glibc-static" ;;
	rawsys_gd) echo "$PWD/$OUT/rawsys" ;;
	esac
}

# The runner with tool $1's cycle: $2 cycles, $3 traced cycles, errors to $TMP/$1.err.
run_tool() {
	rt_k=$1 rt_n=$2 rt_r=$3
	case $rt_k in
	rawsys | rawsys_gs | rawsys_gd) set -- "$(rawsys_bin "$rt_k")" "$IFINDEX" ;;
	# One snapshot 1 ms after the attach: the shortest run that loads, attaches, shows and detaches.
	rawload_static) set -- "$PWD/rawload-static" "$OBJ" "$DEV" -n 1 -i 0.001 ;;
	rawload) set -- "$PWD/rawload" "$OBJ" "$DEV" -n 1 -i 0.001 ;;
	libbpf) set -- "$PWD/$OUT/libbpf-load" "$OBJ" "$DEV" ;;
	bpftool) set -- "$BPFTOOL" prog load "$OBJ" "$PIN" type xdp ::: "$BPFTOOL" net attach xdp pinned "$PIN" \
		dev "$DEV" ::: "$BPFTOOL" net detach xdp dev "$DEV" ::: @unlink "$PIN" ;;
	iproute2) set -- "$IP" link set dev "$DEV" xdp obj "$OBJ" sec xdp ::: "$IP" link set dev "$DEV" xdp off ;;
	esac
	in_ns "$RUNNER" -n "$rt_n" -w "$WARMUP" -r "$rt_r" -e "$TMP/$rt_k.err" -- "$@"
}

# The last line a failing command wrote, for "failed: <reason>".
reason() {
	r=$(grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1)
	echo "${r:-no message}"
}

# ---- verification: each tool really loads and attaches, seen by a witness, and leaves nothing ------

verify() {
	k=$1
	case $k in
	rawsys | rawsys_gs | rawsys_gd)
		# It reads its link back by the fd, then bpftool looks while the program is attached.
		in_ns "$(rawsys_bin "$k")" "$IFINDEX" --check "$BPFTOOL" net show dev "$DEV" >"$TMP/out" 2>"$TMP/err" ||
			{ echo "failed: $(reason "$TMP/err")"; return; }
		id=$(sed -n 's/.* prog id \([0-9]*\) .*/\1/p' "$TMP/out")
		grep -q "$DEV($IFINDEX) driver id $id\$" "$TMP/out" ||
			{ echo "failed: bpftool does not see prog id ${id:-?} on $DEV"; return; }
		;;
	rawload_static | rawload)
		bin=$PWD/rawload-static
		[ "$k" = rawload ] && bin=$PWD/rawload
		in_ns "$bin" "$OBJ" "$DEV" -n 1 -i 0.001 >"$TMP/out" 2>"$TMP/err" || { echo "failed: $(reason "$TMP/err")"; return; }
		grep -q "count_packets: attached to $DEV" "$TMP/err" && grep -q '^pkt_count' "$TMP/out" ||
			{ echo "failed: no attach or no snapshot in its output"; return; }
		;;
	libbpf)
		[ -x "$OUT/libbpf-load" ] || { echo "not built: $(reason "$OUT/libbpf-load.log")"; return; }
		in_ns "$PWD/$OUT/libbpf-load" "$OBJ" "$DEV" --check "$BPFTOOL" net show dev "$DEV" >"$TMP/out" 2>"$TMP/err" ||
			{ echo "failed: $(reason "$TMP/err")"; return; }
		grep -q "$DEV($IFINDEX) driver id [0-9]" "$TMP/out" || { echo "failed: bpftool sees no XDP program on $DEV"; return; }
		;;
	bpftool)
		in_ns "$BPFTOOL" prog load "$OBJ" "$PIN" type xdp 2>"$TMP/err" &&
			in_ns "$BPFTOOL" net attach xdp pinned "$PIN" dev "$DEV" 2>"$TMP/err" ||
			{ rm -f "$PIN"; echo "failed: $(reason "$TMP/err")"; return; }
		id=$("$BPFTOOL" prog show pinned "$PIN" | sed -n 's/^\([0-9]*\): xdp .*/\1/p')
		in_ns "$BPFTOOL" net show dev "$DEV" | grep -q "$DEV($IFINDEX) driver id $id\$" ||
			{ rm -f "$PIN"; echo "failed: prog id ${id:-?} is not on $DEV after net attach"; return; }
		in_ns "$BPFTOOL" net detach xdp dev "$DEV" 2>"$TMP/err" || { rm -f "$PIN"; echo "failed: $(reason "$TMP/err")"; return; }
		rm -f "$PIN"
		;;
	iproute2)
		in_ns "$IP" link set dev "$DEV" xdp obj "$OBJ" sec xdp 2>"$TMP/err" || { echo "failed: $(reason "$TMP/err")"; return; }
		in_ns "$IP" -o link show dev "$DEV" | grep -q 'prog/xdp id [0-9]* name count_packets' ||
			{ echo "failed: ip shows no count_packets on $DEV"; return; }
		in_ns "$IP" link set dev "$DEV" xdp off 2>"$TMP/err" || { echo "failed: $(reason "$TMP/err")"; return; }
		;;
	esac
	if xdp_attached; then
		in_ns "$IP" link set dev "$DEV" xdp off 2>/dev/null
		echo "failed: left an XDP program attached to $DEV"
		return
	fi
	echo ok
}

echo "bench: $NS, veth $DEV (ifindex $IFINDEX) <-> $PEER; checking that every tool loads and attaches"
for k in $TOOLS; do
	verify "$k" >"$TMP/$k.status"
	printf '  %-40s %s\n' "$(label "$k")" "$(cat "$TMP/$k.status")"
done
[ "$(cat "$TMP/$BASE.status")" = ok ] || die "the baseline does not work; nothing to compare with"

# ---- measuring ----------------------------------------------------------------------------------------

: >"$RAW"
echo "bench: $ROUNDS rounds x $CYCLES cycles per tool (+$WARMUP warm-up each round, +$RSS_CYCLES traced for RSS)"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	traced=0
	[ "$r" -eq "$ROUNDS" ] && traced=$RSS_CYCLES
	for k in $TOOLS; do
		[ "$(cat "$TMP/$k.status")" = ok ] || continue
		if line=$(run_tool "$k" "$CYCLES" "$traced" 2>"$TMP/$k.rerr"); then
			echo "$k round=$r $line" >>"$RAW"
		else # what the tool said last, and how it ended
			echo "failed: $(reason "$TMP/$k.err") [$(reason "$TMP/$k.rerr")]" >"$TMP/$k.status"
		fi
		if xdp_attached; then # a failed cycle can leave a netlink attachment; the next tool needs the hook
			in_ns "$IP" link set dev "$DEV" xdp off 2>/dev/null
		fi
		rm -f "$PIN"
	done
	printf '  round %d of %d done\n' "$r" "$ROUNDS"
	r=$((r + 1))
done

# ---- the table -----------------------------------------------------------------------------------------

# Per tool: mean CPU and wall per cycle over all rounds (equal cycle counts), largest peak RSS.
summary() {
	awk -v k="$1" '$1 == k {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		n++; cpu += v["cpu_us"]; wall += v["wall_us"]; cyc += v["cycles"]
		if (v["hwm_kb"] > hwm) hwm = v["hwm_kb"]
		if (v["maxrss_kb"] > mrss) mrss = v["maxrss_kb"]
	} END { if (n) printf "%.1f %.1f %d %d %d\n", cpu / n, wall / n, hwm, mrss, cyc }' "$RAW"
}

size_of() {
	if [ -e "$1" ]; then wc -c <"$1" | tr -d ' '; else echo "(not built)"; fi
}

set -- $(summary "$BASE")
[ $# -ge 3 ] || die "the baseline could not be measured: $(cat "$TMP/$BASE.status")"
base_cpu=$1 base_wall=$2 base_hwm=$3

{
	echo "rawload bench: $(basename "$OBJ") (XDP), one cycle = start the process(es), load BTF, map and"
	echo "program, attach to a veth in a namespace of the bench's own, detach, exit."
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'); kernel $(uname -r); $(nproc) CPUs;" \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "$((ROUNDS * CYCLES)) cycles per tool ($ROUNDS interleaved rounds of $CYCLES, after $WARMUP warm-up cycles each)"
	echo
	printf '%-40s %10s %10s %9s %10s %6s %6s %6s\n' "tool" "CPU/cycle" "wall/cycle" "peak RSS" "ru_maxrss" \
		"CPU x" "wall x" "RSS x"
	for k in $TOOLS; do
		st=$(cat "$TMP/$k.status")
		if [ "$st" != ok ]; then
			printf '%-40s %s\n' "$(label "$k")" "$st"
			continue
		fi
		set -- $(summary "$k")
		awk -v l="$(label "$k")" -v c="$1" -v w="$2" -v h="$3" -v m="$4" -v bc="$base_cpu" -v bw="$base_wall" \
			-v bh="$base_hwm" 'BEGIN {
			printf "%-40s %7.3f ms %7.2f ms %6d kB %7d kB %5.2fx %5.2fx %5.2fx\n", l, c / 1000, w / 1000, h, m,
				c / bc, w / bw, h / bh }'
	done
	echo
	# Each loader beside the baseline built the same way (same libc, same linking).
	like=""
	for pair in rawload_static:rawsys rawload:rawsys_gd libbpf:rawsys_gs; do
		a=$(summary "${pair%%:*}" | cut -d' ' -f1)
		b=$(summary "${pair#*:}" | cut -d' ' -f1)
		[ -n "$a" ] && [ -n "$b" ] || continue
		like="$like$(awk -v n="${pair%%:*}" -v a="$a" -v b="$b" 'BEGIN { sub("_static", "-static", n);
			printf "%s%s %.2fx", (n == "rawload-static" ? "" : "; "), n, a / b }')"
	done
	[ -n "$like" ] && echo "CPU beside the baseline built the same way: $like"
	# The small cycle's aims, each said met or not: CPU, the static binary's size, its peak RSS.
	read -r rl_cpu _ rl_hwm _ <<-EOF
	$(summary rawload_static)
	EOF
	rl_size=$(size_of rawload-static)
	if [ -n "$rl_cpu" ]; then
		awk -v a="$rl_cpu" -v b="$base_cpu" 'BEGIN { x = a / b;
			printf "aim, rawload-static CPU <= 1.2x the static musl baseline: %.2fx, %s\n", x, x <= 1.2 ? "met" : "NOT MET" }'
		echo "aim, peak RSS <= 256 KiB: rawload-static ${rl_hwm:-?} kB in this cycle," \
			"$([ "${rl_hwm:-999999}" -le 256 ] && echo met || echo "NOT MET") (a minute of display: README, \"The static binary\")"
	fi
	echo "aim, static binary <= 150,000 bytes: rawload-static $rl_size bytes," \
		"$([ "$rl_size" -le 150000 ] 2>/dev/null && echo met || echo "NOT MET") (make size says where they go)"
	echo "sizes: raw baseline (rawsys-static) $(size_of "$OUT/rawsys-static") bytes; libbpf loader (static)" \
		"$(size_of "$OUT/libbpf-load") bytes"
	echo
	echo "CPU: user+sys of the tool's processes from wait4(), the scheduler's exact runtime; the user/sys"
	echo "  split is not shown (tick-sampled: a process shorter than a tick gets it all as user)."
	echo "wall: fork to reap of each process. Most of it is the kernel sleeping (RCU grace periods) while the"
	echo "  veth takes and drops the XDP program, alike for every tool; rawload's includes its 1 ms wait."
	echo "peak RSS: VmHWM at exit, read under ptrace in $RSS_CYCLES separate cycles (largest process of the cycle)."
	echo "  ru_maxrss (wait4) is shown beside it but is low for small processes: kernels >= 6.2 keep RSS in"
	echo "  per-CPU counters that the exit path reads without summing the per-CPU parts."
	echo "rawload: -n 1 -i 0.001 (load, attach, one snapshot of pkt_count, detach). raw baseline: only"
	echo "  BTF_LOAD, MAP_CREATE, PROG_LOAD, LINK_CREATE, close, from data bench/gen precomputed with rawload's"
	echo "  own code (the same bytes rawload passes); the ifindex is given as a number."
	echo "bpftool: prog load (pinned), net attach (netlink), net detach; the runner removes the pin (unlink,"
	echo "  not measured). iproute2: ip link set xdp obj, then xdp off. libbpf: open, load, attach_xdp (link),"
	echo "  destroy, close."
} >"$RESULTS"
cat "$RESULTS"
