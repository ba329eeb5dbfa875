#!/bin/sh
# docs/tools/runs.sh OUTDIR — the rawload runs docs/walkthrough.md and docs/kernel.md quote, made
# for real (root: real loads and attachments), each kept as OUTDIR/NAME.out (stdout), NAME.err
# (stderr, the -v narration) and, for runs under strace, NAME.strace (docs/tools/strace.awk's
# reading of the strace log). docs/tools/gen.sh runs it; the documents name the runs.
# The world is the kernel tests' own (tests/kernel/lib.sh): two network namespaces joined by a veth
# pair, IPv6 off and static neighbours (so the counter counts exactly what is sent), a cgroup of
# our own, bounded runs, and a clean-up that removes them on every exit.
# Runs (the names the documents use):
#   inspect-counter, inspect-execsnoop   rawload inspect (stdout)
#   counter      rawload -v examples/counter.o on the receiving veth; 25 datagrams; SIGINT
#   execsnoop    rawload -v examples/execsnoop.o; one known exec ("docs-walk" runs ./docs-hello); SIGINT
#   under strace, one snapshot each (-n 1), then rawload detaches by itself:
#   xdp-link, xdp-netlink, tcx-link, tc-netlink, cgroup-link, cgroup-attach, tracepoint, raw-tp,
#   tp-btf, uprobe, iter, sk-lookup, usdt, struct-ops, perf-buffer (the display of a perf event
#   array); tc-bare (SEC("tc") and "classifier" with --egress), socket-filter, sockmap-link,
#   sockmap-attach (with --prog-attach; their sockops program on the run's own cgroup),
#   perf-event (the cpu-clock of every online CPU), flow-dissector-link, flow-dissector-attach,
#   netfilter (--nf inet:input:-100, in NS_RX), uprobe-multi, kprobe-multi (refused by a kernel
#   without fprobe: the run shows the refusal); load-show-ip (rawload load: global data), pin and
#   unpin. No traffic is sent during these: what they show is the calls, not counts.
. "$(dirname "$0")/../../tests/kernel/lib.sh"
OUT=${1:?usage: docs/tools/runs.sh OUTDIR}
mkdir -p "$OUT" || fail "mkdir $OUT"
need strace
for f in build/progs/tcx_count.bpfel.o build/progs/cgroup_count.bpfel.o build/progs/raw_tp.bpfel.o \
	build/progs/tp_btf_count.bpfel.o build/progs/uprobe_count.bpfel.o build/progs/iter_task.bpfel.o \
	build/progs/sk_lookup_count.bpfel.o build/progs/perf_events.bpfel.o build/progs/usdt_count.bpfel.o \
	build/progs/tc_bare.bpfel.o build/progs/sockfilter_count.bpfel.o build/progs/sockmap_count.bpfel.o \
	build/progs/perf_sample.bpfel.o build/progs/flow_count.bpfel.o build/progs/nf_count.bpfel.o \
	build/progs/uprobe_multi.bpfel.o build/progs/kprobe_multi.bpfel.o \
	build/uprobe_target build/usdt_target build/vmlinux/rl_cc.o; do
	[ -f "$f" ] || fail "$f is missing (make docs builds it)"
done

setup_net
make_cgroup docs

# keep NAME: the files of a run made by rl_start/rl_run, into OUT.
keep() {
	cp "$TMP/$1.out" "$OUT/$1.out" && cp "$TMP/$1.err" "$OUT/$1.err" || fail "$1: cannot keep its output"
}

# ---- rawload inspect (no kernel) ---------------------------------------------------------------
for o in counter execsnoop; do
	"$RAWLOAD" inspect "examples/$o.o" >"$OUT/inspect-$o.out" 2>"$OUT/inspect-$o.err" ||
		fail "rawload inspect examples/$o.o: $(cat "$OUT/inspect-$o.err")"
done

# ---- counter: XDP on the receiving veth, 25 datagrams ------------------------------------------
rl_start counter -v examples/counter.o "$DEV_RX" -i 0.5
rl_wait_attached counter
retry 50 grep -q '^pkt_count' "$TMP/counter.out" || fail "counter: no snapshot"
send 25
retry 100 count_is "$TMP/counter.out" 25 || fail "counter: pkt_count[0] is '$(last_count "$TMP/counter.out")', not 25"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "counter: exit status $RL_RC: $(cat "$TMP/counter.err")"
keep counter

# ---- execsnoop: a tracepoint, CO-RE and a ring buffer; one exec we know -------------------------
# "docs-walk" (a link to sh, so the process is called that) runs ./docs-hello (a link to true):
# one event with comm "docs-walk" and filename "./docs-hello", and exec_count["docs-walk"] = 1.
TRUE=/bin/true
[ -x "$TRUE" ] || TRUE=/usr/bin/true
mkdir "$TMP/bin" && ln -s /bin/sh "$TMP/bin/docs-walk" && ln -s "$TRUE" "$TMP/bin/docs-hello" ||
	fail "cannot make the exec's links"
rl_start execsnoop -v examples/execsnoop.o -i 0.5
rl_wait_attached execsnoop
(cd "$TMP/bin" && timeout -s KILL 10 ./docs-walk -c 'exec ./docs-hello') || fail "execsnoop: the known exec failed"
retry 100 grep -q '^exec_count\["docs-walk"\] = 1$' "$TMP/execsnoop.out" ||
	fail "execsnoop: no exec_count[\"docs-walk\"] = 1 in the output"
grep -q '^events: .*comm="docs-walk", filename="./docs-hello"}$' "$TMP/execsnoop.out" ||
	fail "execsnoop: no event for ./docs-hello"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "execsnoop: exit status $RL_RC: $(cat "$TMP/execsnoop.err")"
keep execsnoop

# ---- under strace: the system calls of each attach kind -----------------------------------------
# st_run NAME ARGS...: rawload ARGS in NS_RX under strace, bounded; OUT/NAME.{out,err,strace}.
st_run() {
	sr_name=$1
	shift
	timeout -s KILL 60 nsenter --net="/run/netns/$NS_RX" strace -o "$TMP/$sr_name.log" -qq -v -s 1024 \
		-e trace=bpf,perf_event_open,ioctl,socket,setsockopt,bind,fcntl,sendto,openat,read,mmap,close \
		"$RAWLOAD" "$@" >"$OUT/$sr_name.out" 2>"$OUT/$sr_name.err"
	sr_rc=$?
	[ $sr_rc -eq 0 ] || fail "$sr_name: rawload $* exited $sr_rc: $(cat "$OUT/$sr_name.err")"
	awk -f docs/tools/strace.awk "$TMP/$sr_name.log" >"$OUT/$sr_name.strace" || fail "$sr_name: strace.awk"
}
ONE="-v -n 1 -i 0.1"
st_run xdp-link examples/counter.o "$DEV_RX" $ONE
st_run xdp-netlink examples/counter.o "$DEV_RX" --netlink $ONE
st_run tcx-link build/progs/tcx_count.bpfel.o "$DEV_RX" --prog count_ingress $ONE
st_run tc-netlink build/progs/tcx_count.bpfel.o "$DEV_RX" --prog count_ingress --netlink $ONE
st_run cgroup-link build/progs/cgroup_count.bpfel.o --cgroup "$CG" --prog count_egress $ONE
st_run cgroup-attach build/progs/cgroup_count.bpfel.o --cgroup "$CG" --prog count_egress --prog-attach $ONE
st_run tracepoint examples/execsnoop.o $ONE
st_run raw-tp build/progs/raw_tp.bpfel.o $ONE
st_run tp-btf build/progs/tp_btf_count.bpfel.o --prog count_exec $ONE
st_run uprobe build/progs/uprobe_count.bpfel.o --prog on_call $ONE
st_run iter build/progs/iter_task.bpfel.o $ONE
st_run sk-lookup build/progs/sk_lookup_count.bpfel.o $ONE
st_run usdt build/progs/usdt_count.bpfel.o --prog on_args $ONE
# struct_ops: a copy of build/vmlinux/rl_cc.o (two tcp_congestion_ops) whose registered names carry
# this run's pid, as tests/kernel/struct_ops.sh makes them, so parallel runs never clash.
cp build/vmlinux/rl_cc.o "$TMP/rl_cc.o" || fail "cp rl_cc.o"
for pair in "rl_cc_000000000:$(printf 'rl_cc_%09d' $$)" "rl_cl_000000000:$(printf 'rl_cl_%09d' $$)"; do
	at=$(grep -obUa "${pair%%:*}" "$TMP/rl_cc.o" | cut -d: -f1)
	[ "$(echo "$at" | wc -w)" -eq 1 ] || fail "placeholder ${pair%%:*} found at '$at' in rl_cc.o, expected once"
	printf '%s' "${pair#*:}" | dd of="$TMP/rl_cc.o" bs=1 seek="$at" conv=notrunc 2>/dev/null || fail "dd"
done
st_run struct-ops "$TMP/rl_cc.o" $ONE
st_run perf-buffer build/progs/perf_events.bpfel.o "$DEV_RX" $ONE
st_run tc-bare build/progs/tc_bare.bpfel.o "$DEV_RX" --egress $ONE
st_run socket-filter build/progs/sockfilter_count.bpfel.o "$DEV_RX" $ONE
st_run sockmap-link build/progs/sockmap_count.bpfel.o --cgroup "$CG" $ONE
st_run sockmap-attach build/progs/sockmap_count.bpfel.o --cgroup "$CG" --prog-attach $ONE
st_run perf-event build/progs/perf_sample.bpfel.o $ONE
# flow dissector and netfilter: on NS_RX, the namespace st_run runs rawload in
st_run flow-dissector-link build/progs/flow_count.bpfel.o $ONE
st_run flow-dissector-attach build/progs/flow_count.bpfel.o --prog-attach $ONE
st_run netfilter build/progs/nf_count.bpfel.o --nf inet:input:-100 $ONE
st_run uprobe-multi build/progs/uprobe_multi.bpfel.o $ONE
st_run kprobe-multi build/progs/kprobe_multi.bpfel.o $ONE
st_run load-show-ip load -v examples/show-ip.o
st_run pin examples/counter.o "$DEV_RX" --pin "$PIN_BASE-pin" -v
st_run unpin unpin "$PIN_BASE-pin" -v
xdp_detached || fail "unpin left an XDP program on $DEV_RX"
note "runs kept in $OUT"
