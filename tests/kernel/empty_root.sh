#!/bin/sh
# rawload-static in an empty root: a directory holding only the binary and the objects (copied, not
# bound), chrooted into inside a private mount namespace of the test's own, with the receiving
# test namespace's network. There is no /sys, no /proc: rawload makes the mount points and mounts
# what it needs itself.
#  - root A: counter.o attached to the veth with --pin (sysfs mounted read-only at /sys, bpffs on
#    /sys/fs/bpf), exact counts, a second run reusing the pinned map (the count goes on), unpin;
#  - root B: a CO-RE load finds the kernel's BTF once it has mounted sysfs, and execsnoop.o's
#    tracepoint attaches through the tracefs it mounts;
#  - root C, read-only: sysfs cannot be mounted, and the CO-RE program is refused saying so
#    ("sysfs not mounted"), not "the kernel has no BTF".
# Each root's mounts live and die with its namespace, kept by a `sleep` the test starts and kills.
. "$(dirname "$0")/lib.sh"
need unshare chroot
[ -x ./rawload-static ] || fail "./rawload-static is missing (make static)"
setup_net
N=47
M=29
HOLDERS=""

stop_holders() {
	for sh_p in $HOLDERS; do
		kill "$sh_p" 2>/dev/null
		wait "$sh_p" 2>/dev/null
	done
	HOLDERS=""
}
trap 'rc=$?; trap - EXIT; stop_holders; cleanup; exit $rc' EXIT

# new_root NAME FILES...: an empty directory with /rawload and FILES, and a private mount namespace
# (its holder's pid in HOLDER) to chroot into it from.
new_root() {
	ROOT=$TMP/$1
	shift
	mkdir "$ROOT" || fail "mkdir $ROOT"
	cp ./rawload-static "$ROOT/rawload" || fail "cp rawload-static"
	for nr_f in "$@"; do
		cp "$nr_f" "$ROOT/" || fail "cp $nr_f"
	done
	unshare --mount --propagation private sleep 300 &
	HOLDER=$!
	HOLDERS="$HOLDERS $HOLDER"
	nr_i=0
	while [ "$(readlink "/proc/$HOLDER/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ] && [ $nr_i -lt 100 ]; do
		sleep 0.05
		nr_i=$((nr_i + 1))
	done
	[ "$(readlink "/proc/$HOLDER/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] || fail "no private mount namespace"
	[ "$(ls "$ROOT" | wc -l)" -eq $(($# + 1)) ] || fail "$ROOT is not empty: $(ls "$ROOT")"
}

# in_root NAME ARGS...: /rawload ARGS chrooted in ROOT, in HOLDER's mount namespace and NS_RX's
# network, bounded; stdout and stderr in $TMP/NAME.out/.err, the exit status in RL_RC.
in_root() {
	ir_n=$1
	shift
	timeout -s INT -k 5 "$RL_LIMIT" nsenter --mount="/proc/$HOLDER/ns/mnt" --net="/run/netns/$NS_RX" \
		chroot "$ROOT" /rawload "$@" >"$TMP/$ir_n.out" 2>"$TMP/$ir_n.err"
	RL_RC=$?
}

# mounted FSTYPE DIR [OPTION]: does HOLDER's namespace have FSTYPE mounted at ROOT/DIR (with OPTION)?
mounted() {
	awk -v p="$ROOT$2" -v t="$1" -v o="${3:-}" '$2 == p && $3 == t && (o == "" || ("," $4 ",") ~ ("," o ",")) { f = 1 }
		END { exit !f }' "/proc/$HOLDER/mounts"
}

map_value() { # MAP_ID: bpftool's reading of slot 0
	bpftool -j map dump id "$1" | sed -n 's/.*"formatted":{"key":0,"value":\([0-9]*\)}.*/\1/p'
}
value_is() {
	[ "$(map_value "$1")" = "$2" ]
}

# ---- root A: XDP, --pin, a second run, unpin --------------------------------------------------------
new_root a examples/counter.o
PIN=/sys/fs/bpf/rawload-empty-$$
in_root a-1 counter.o "$DEV_RX" --pin "$PIN"
[ "$RL_RC" -eq 0 ] || fail "a-1: exit $RL_RC: $(cat "$TMP/a-1.err")"
grep -q "count_packets: attached to $DEV_RX" "$TMP/a-1.err" || fail "a-1: not attached: $(cat "$TMP/a-1.err")"
mounted sysfs /sys ro || fail "a-1: no read-only sysfs at $ROOT/sys: $(grep "$ROOT" "/proc/$HOLDER/mounts")"
mounted bpf /sys/fs/bpf || fail "a-1: no bpffs at $ROOT/sys/fs/bpf: $(grep "$ROOT" "/proc/$HOLDER/mounts")"
! grep -q " $ROOT/sys " /proc/self/mounts || fail "a-1: the mounts leaked out of the private namespace"
id1=$(xdp_prog_id)
[ -n "$id1" ] && [ "$(xdp_prog_name)" = count_packets ] || fail "a-1: no count_packets on $DEV_RX"
mapid=$(bpftool prog show id "$id1" | sed -n 's/.*map_ids \([0-9]*\).*/\1/p')
[ -n "$mapid" ] || fail "a-1: program $id1 has no map"
send $N
retry 50 value_is "$mapid" $N || fail "a-1: pkt_count is $(map_value "$mapid"), expected $N"

in_root a-2 counter.o "$DEV_RX" --pin "$PIN" -v
[ "$RL_RC" -eq 0 ] || fail "a-2: exit $RL_RC: $(cat "$TMP/a-2.err")"
grep -qF "map 'pkt_count': reusing the map pinned at $PIN/maps/pkt_count" "$TMP/a-2.err" ||
	fail "a-2: the pinned map was not reused: $(grep pkt_count "$TMP/a-2.err")"
id2=$(xdp_prog_id)
[ -n "$id2" ] && [ "$id2" != "$id1" ] || fail "a-2: program on $DEV_RX is '$id2' (was $id1)"
bpftool prog show id "$id2" | grep -q "map_ids $mapid\$" || fail "a-2: program $id2 does not use map $mapid"
value_is "$mapid" $N || fail "a-2: count $(map_value "$mapid") after the second run, expected $N"
send $M
retry 50 value_is "$mapid" $((N + M)) || fail "a-2: pkt_count is $(map_value "$mapid"), expected $((N + M))"

in_root a-unpin unpin "$PIN"
[ "$RL_RC" -eq 0 ] || fail "a-unpin: exit $RL_RC: $(cat "$TMP/a-unpin.err")"
xdp_detached || fail "a-unpin: program $(xdp_prog_id) still on $DEV_RX"
wait_gone "$id1" "$id2"
map_gone() { ! bpftool map show id "$mapid" >/dev/null 2>&1; }
retry 50 map_gone || fail "a-unpin: map $mapid still exists"
note "root A: sysfs (ro) and bpffs mounted by rawload; $N then $((N + M)) counted across two --pin runs (map $mapid reused, program $id1 -> $id2); unpin left nothing"

# ---- root B: the kernel's BTF once sysfs is mounted; a tracepoint through tracefs ------------------
new_root b build/progs/core_btf_file.bpfel.o examples/execsnoop.o
in_root b-core load -v core_btf_file.bpfel.o
[ "$RL_RC" -eq 0 ] || fail "b-core: exit $RL_RC: $(cat "$TMP/b-core.err")"
grep -q "kernel BTF: sysfs was not mounted: mounted it read-only at /sys" "$TMP/b-core.err" ||
	fail "b-core: -v does not say sysfs was mounted: $(grep 'kernel BTF' "$TMP/b-core.err")"
grep -q "CO-RE field_exists struct task_struct.rawload_layout_marker (0:4): 1 -> 0" "$TMP/b-core.err" ||
	fail "b-core: not relocated against the kernel's BTF: $(grep CO-RE "$TMP/b-core.err")"
mounted sysfs /sys ro || fail "b-core: no read-only sysfs at $ROOT/sys"
in_root b-exec execsnoop.o -n 1 -i 0.3
[ "$RL_RC" -eq 0 ] || fail "b-exec: exit $RL_RC: $(cat "$TMP/b-exec.err")"
grep -q "trace_execve: attached to tracepoint syscalls/sys_enter_execve" "$TMP/b-exec.err" ||
	fail "b-exec: not attached: $(cat "$TMP/b-exec.err")"
mounted tracefs /sys/kernel/tracing || fail "b-exec: no tracefs at $ROOT/sys/kernel/tracing"
note "root B: kernel BTF read after mounting sysfs; execsnoop attached through the tracefs rawload mounted"

# ---- root C, read-only: sysfs cannot be mounted, and that is what is said ---------------------------
new_root c build/progs/core_btf_file.bpfel.o
nsenter --mount="/proc/$HOLDER/ns/mnt" sh -c "mount --bind '$ROOT' '$ROOT' && mount -o remount,bind,ro '$ROOT'" ||
	fail "c: cannot make $ROOT read-only in its namespace"
in_root c-core load core_btf_file.bpfel.o
[ "$RL_RC" -eq 1 ] || fail "c-core: exit $RL_RC, expected 1: $(cat "$TMP/c-core.err")"
grep -qF "rawload: no kernel BTF (/sys/kernel/btf/vmlinux: sysfs: not mounted at /sys, and /sys cannot be created (EROFS): the kernel's BTF cannot be read): 'core_offsets' needs it" \
	"$TMP/c-core.err" || fail "c-core: $(cat "$TMP/c-core.err")"
! grep -q "has no BTF" "$TMP/c-core.err" || fail "c-core: blamed on the kernel: $(cat "$TMP/c-core.err")"
note "root C (read-only): $(grep 'no kernel BTF' "$TMP/c-core.err" | cut -c1-150)..."
