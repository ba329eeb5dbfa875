#!/bin/sh
# cgroup: cgroup_count's programs attach to a cgroup of the test's own (--cgroup) and count exactly
# what one process of that cgroup does: N UDP datagrams to 127.0.0.1 inside a fresh namespace
# (cgroup_skb/egress: N packets) from one socket (cgroup/sock_create: 1). Through cgroup links (the
# default: bpftool lists the links) and through BPF_PROG_ATTACH (--prog-attach, the path of kernels
# before 5.7: no link, BPF_PROG_DETACH at exit); `bpftool cgroup show` lists both programs while
# rawload runs and nothing after SIGINT (nor, for links, after SIGKILL). --pin leaves the links
# attached, a second --pin run swaps its programs into them, unpin detaches; --pin with
# BPF_PROG_ATTACH is refused before pinning, and a --cgroup that is not a cgroup v2 directory is
# refused by name.
# Without --cgroup the root of the cgroup2 mount is used: checked inside a cgroup namespace rooted
# at the test's cgroup and a private mount namespace, with cgroup2 mounted elsewhere (found in
# mountinfo) and not mounted at all (rawload mounts it). The "cgroup/skb" section is reported.
. "$(dirname "$0")/lib.sh"
need unshare awk
setup_lo
make_cgroup c
OBJ=build/progs/cgroup_count.bpfel.o
[ -f "$OBJ" ] || fail "$OBJ is missing (make test-progs)"
N=57

last() { # MAP FILE: the last value of MAP[0] a text snapshot in FILE showed
	no_change "$2" | sed -n "s/^$1\[0\] = \([0-9]*\)\$/\1/p" | tail -n 1
}
shows() { # MAP FILE VALUE
	[ "$(last "$1" "$2")" = "$3" ]
}
# send_lo N: a process of our cgroup sends N datagrams to 127.0.0.1 port 9 inside NS_RX (nobody
# listens: the port-unreachable replies come from the namespace's own ICMP socket, not our cgroup).
send_lo() {
	in_cgroup "$CG" nsenter --net="/run/netns/$NS_RX" "$UDPSEND" 127.0.0.1 9 "$1" ||
		fail "udpsend of $1 datagrams in $CG failed"
}
# cg_progs: "NAME ATTACH_TYPE FLAGS" for each program `bpftool cgroup show` lists on our cgroup.
cg_progs() {
	bpftool cgroup show "$CG" | awk 'NR > 1 { print $4, $2, $3 }'
}
cg_empty() {
	[ -z "$(cg_progs)" ]
}
rl_prog_id() { # NAME: the id of the program called NAME the background rawload holds
	for rp_id in $(pid_prog_ids "$RL_PID"); do
		bpftool prog show id "$rp_id" 2>/dev/null | grep -q " name $1 " && echo "$rp_id"
	done
}

# one_run NAME HOW ARGS...: attach, check the witnesses, count, SIGINT, check nothing is left.
one_run() {
	name=$1 how=$2
	shift 2
	rl_start "$name" "$OBJ" --cgroup "$CG" -i 0.2 -v "$@"
	rl_wait_line "$name" 'count_socks: attached to|count_socks: not attached'
	for p in "count_egress cgroup_inet_egress" "count_socks cgroup_inet_sock_create"; do
		grep -qx "rawload: ${p% *}: attached to cgroup $CG (${p#* }), via $how" "$TMP/$name.err" ||
			fail "$name: ${p% *} not attached to $CG via $how: $(grep -v '^rawload: [a-z-]*: ' "$TMP/$name.err")"
	done
	grep -qF 'rawload: no_direction: not attached: section cgroup/skb has no direction (use SEC("cgroup_skb/ingress") or cgroup_skb/egress)' \
		"$TMP/$name.err" || fail "$name: no note on the cgroup/skb section: $(grep no_direction "$TMP/$name.err")"
	eid=$(rl_prog_id count_egress) sid=$(rl_prog_id count_socks)
	[ -n "$eid" ] && [ -n "$sid" ] || fail "$name: rawload holds no count_egress/count_socks"
	[ "$(cg_progs | sort | tr '\n' ';')" = "count_egress cgroup_inet_egress multi;count_socks cgroup_inet_sock_create multi;" ] ||
		fail "$name: bpftool cgroup show $CG: $(bpftool cgroup show "$CG")"
	case $how in
	"cgroup link")
		grep -q "^rawload: cgroup: BPF_LINK_CREATE prog 'count_egress' cgroup $CG (id [0-9]*) attach type cgroup_inet_egress -> fd [0-9]*\$" \
			"$TMP/$name.err" || fail "$name: -v does not narrate the BPF_LINK_CREATE: $(grep cgroup: "$TMP/$name.err")"
		[ -n "$(our_links "$eid")" ] && [ -n "$(our_links "$sid")" ] || fail "$name: no bpf_link holds $eid and $sid"
		;;
	BPF_PROG_ATTACH)
		grep -qx "rawload: cgroup: BPF_PROG_ATTACH prog 'count_egress' cgroup $CG attach type cgroup_inet_egress flags BPF_F_ALLOW_MULTI -> ok" \
			"$TMP/$name.err" || fail "$name: -v does not narrate the BPF_PROG_ATTACH: $(grep cgroup: "$TMP/$name.err")"
		! grep -q "BPF_LINK_CREATE" "$TMP/$name.err" || fail "$name: a link was tried"
		[ -z "$(our_links "$eid" "$sid")" ] || fail "$name: links hold the programs: $(our_links "$eid" "$sid")"
		;;
	esac
	retry 50 grep -q '^egress_pkts' "$TMP/$name.out" || fail "$name: no snapshot"
	[ "$(last egress_pkts "$TMP/$name.out")" -eq 0 ] 2>/dev/null || [ -z "$(last egress_pkts "$TMP/$name.out")" ] ||
		fail "$name: counted before anything was sent: $(tail -n 3 "$TMP/$name.out")"
	send_lo $N
	retry 50 shows egress_pkts "$TMP/$name.out" $N ||
		fail "$name: egress_pkts[0] is '$(last egress_pkts "$TMP/$name.out")', expected $N"
	retry 50 shows sockets "$TMP/$name.out" 1 || fail "$name: sockets[0] is '$(last sockets "$TMP/$name.out")', expected 1"
	sleep 0.5 # two more snapshots: nothing else counted
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "$name: exit status $RL_RC after SIGINT: $(cat "$TMP/$name.err")"
	shows egress_pkts "$TMP/$name.out" $N && shows sockets "$TMP/$name.out" 1 ||
		fail "$name: counts changed after the sender ended: $(tail -n 3 "$TMP/$name.out")"
	[ "$how" = BPF_PROG_ATTACH ] && ! grep -qx "rawload: cgroup: BPF_PROG_DETACH prog 'count_egress' attach type cgroup_inet_egress -> ok" \
		"$TMP/$name.err" && fail "$name: -v does not narrate the BPF_PROG_DETACH: $(tail -n 5 "$TMP/$name.err")"
	retry 50 cg_empty || fail "$name: bpftool cgroup show $CG after exit: $(bpftool cgroup show "$CG")"
	wait_gone "$eid" "$sid"
	note "$name: $N packets and 1 socket of $N and 1 counted via $how; nothing on $CG after SIGINT"
}

one_run link "cgroup link"
one_run prog-attach BPF_PROG_ATTACH --prog-attach

# ---- SIGKILL: cgroup links go with rawload's fds
rl_start kill "$OBJ" --cgroup "$CG" -i 0.2
rl_wait_line kill 'count_socks: attached to'
k_e=$(rl_prog_id count_egress) k_s=$(rl_prog_id count_socks)
[ "$(cg_progs | wc -l)" -eq 2 ] || fail "kill: bpftool cgroup show $CG: $(bpftool cgroup show "$CG")"
rl_stop KILL
retry 50 cg_empty || fail "kill: bpftool cgroup show $CG after SIGKILL: $(bpftool cgroup show "$CG")"
wait_gone "$k_e" "$k_s"
note "SIGKILL: cgroup links gone with rawload, $CG empty"

# ---- --pin: links stay; a second run swaps its programs in; unpin detaches
dir=$PIN_BASE-cg
pinned_is() { [ "$(pinned_count "$1")" = "$2" ]; }
pin_link() { # PROG: "LINK_ID PROG_ID" of the link pinned for it
	bpftool link show pinned "$dir/links/$1" | sed -n '1s/^\([0-9]*\): .* prog \([0-9]*\).*/\1 \2/p'
}
rl_run pin1 "$OBJ" --cgroup "$CG" --pin "$dir"
[ "$RL_RC" -eq 0 ] || fail "pin1: exit status $RL_RC: $(cat "$TMP/pin1.err")"
set -- $(pin_link count_egress)
link1=${1:-} id1=${2:-}
[ -n "$link1" ] && [ -e "$dir/links/count_socks" ] || fail "pin1: links not pinned: $(ls -R "$dir" | tr '\n' ' ')"
[ "$(cg_progs | wc -l)" -eq 2 ] || fail "pin1: bpftool cgroup show $CG after exit: $(bpftool cgroup show "$CG")"
send_lo $N
retry 50 pinned_is "$dir/maps/egress_pkts" $N || fail "pin1: pinned egress_pkts is $(pinned_count "$dir/maps/egress_pkts"), expected $N"
rl_run pin2 "$OBJ" --cgroup "$CG" --pin "$dir" -v
[ "$RL_RC" -eq 0 ] || fail "pin2: exit status $RL_RC: $(cat "$TMP/pin2.err")"
grep -qF "cgroup: BPF_LINK_UPDATE on the link pinned at $dir/links/count_egress -> program swapped" "$TMP/pin2.err" ||
	fail "pin2: -v does not say the pinned link was updated: $(grep 'cgroup:' "$TMP/pin2.err")"
set -- $(pin_link count_egress)
[ "${1:-}" = "$link1" ] && [ -n "${2:-}" ] && [ "$2" != "$id1" ] ||
	fail "pin2: pinned link is '${1:-}' with program '${2:-}', expected link $link1 with a new one (was $id1)"
id2=$2
[ "$(cg_progs | wc -l)" -eq 2 ] || fail "pin2: bpftool cgroup show $CG: $(bpftool cgroup show "$CG")"
wait_gone "$id1"
send_lo 5
retry 50 pinned_is "$dir/maps/egress_pkts" $((N + 5)) || fail "pin2: pinned egress_pkts is $(pinned_count "$dir/maps/egress_pkts"), expected $((N + 5))"
rl_run unpin unpin "$dir"
[ "$RL_RC" -eq 0 ] || fail "unpin: exit status $RL_RC: $(cat "$TMP/unpin.err")"
[ ! -e "$dir" ] || fail "unpin: $dir remains"
retry 50 cg_empty || fail "unpin: bpftool cgroup show $CG: $(bpftool cgroup show "$CG")"
wait_gone "$id2"
note "pin: $N, then $((N + 5)) through link $link1 (program $id1 -> $id2); unpin left $CG empty"

dir=$PIN_BASE-cg-pa
rl_run pin-pa "$OBJ" --cgroup "$CG" --pin "$dir" --prog-attach
[ "$RL_RC" -eq 1 ] || fail "pin-pa: exit status $RL_RC, expected 1: $(cat "$TMP/pin-pa.err")"
grep -q "^rawload: prog 'count_egress': attached with BPF_PROG_ATTACH .*, which leaves no link to pin\$" "$TMP/pin-pa.err" ||
	fail "pin-pa: message: $(cat "$TMP/pin-pa.err")"
[ ! -e "$dir/maps" ] && [ ! -e "$dir/progs" ] || fail "pin-pa: pinned $(ls -R "$dir" | tr '\n' ' ')"
retry 50 cg_empty || fail "pin-pa: bpftool cgroup show $CG: $(bpftool cgroup show "$CG")"
note "pin with BPF_PROG_ATTACH refused, nothing pinned: $(tail -n 1 "$TMP/pin-pa.err")"

# ---- a --cgroup that is no cgroup v2 directory: refused by name, nothing attached or left loaded
remember_ids count_egress
for bad in "$TMP" "$CG/nosuch"; do
	rl_run bad "$OBJ" --cgroup "$bad"
	[ "$RL_RC" -eq 1 ] || fail "bad ($bad): exit status $RL_RC, expected 1: $(cat "$TMP/bad.err")"
	grep -q "^rawload: prog 'count_egress': \($bad is not a cgroup v2 directory\|cgroup $bad: ENOENT\)\$" "$TMP/bad.err" ||
		fail "bad ($bad): message '$(cat "$TMP/bad.err")'"
	retry 50 no_new_ids count_egress || fail "bad ($bad): count_egress programs $(new_ids count_egress | tr '\n' ' ')remain"
done
retry 50 cg_empty || fail "bad: bpftool cgroup show $CG: $(bpftool cgroup show "$CG")"
note "not a cgroup: $(cat "$TMP/bad.err")"

# ---- no --cgroup: the cgroup2 root. rawload runs as a process of our cgroup, in a cgroup
# namespace rooted there (so the cgroup2 root it sees is our cgroup) and a private mount namespace
# where the host's cgroup2 mounts are gone: none at all (rawload mounts one), or one at a place
# no one would guess (rawload must read mountinfo). Nothing of this reaches the host's mounts.
cat >"$TMP/cgns.sh" <<'EOF'
# cgns.sh CGROUP MOUNT_AT CMD...: CMD as a process of CGROUP, in a new cgroup namespace and a private
# mount namespace without cgroup2 mounts; MOUNT_AT "-": none, else a fresh cgroup2 mount there.
if [ "$1" = --inside ]; then
	at=$2
	shift 2
	for m in $(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' /proc/self/mountinfo); do
		umount -l "$m" || exit 91
	done
	[ "$at" = - ] || mount -t cgroup2 none "$at" || exit 92
	exec "$@"
fi
echo $$ >"$1/cgroup.procs" || exit 90
shift
exec unshare --cgroup --mount --propagation private sh "$0" --inside "$@"
EOF
host_mount=$(cgroup2_mount)
mkdir "$TMP/cg2" || fail "mkdir $TMP/cg2"
for at in - "$TMP/cg2"; do
	name=default-mount-${at##*/}
	[ "$at" = - ] && name=default-unmounted
	RL_WRAP="sh $TMP/cgns.sh $CG $at"
	rl_start "$name" "$OBJ" -i 0.2
	RL_WRAP=""
	rl_wait_line "$name" 'count_socks: attached to|count_socks: not attached'
	if [ "$at" = - ]; then
		grep -Eqx "rawload: no --cgroup given; using (/sys/fs/cgroup/unified|/sys/fs/cgroup) \(the cgroup v2 root, mounted there now\)" \
			"$TMP/$name.err" || fail "$name: rawload did not mount cgroup2: $(cat "$TMP/$name.err")"
	else
		grep -qx "rawload: no --cgroup given; using $at (the cgroup v2 root)" "$TMP/$name.err" ||
			fail "$name: rawload did not find cgroup2 at $at: $(cat "$TMP/$name.err")"
	fi
	[ "$(cg_progs | sort | tr '\n' ';')" = "count_egress cgroup_inet_egress multi;count_socks cgroup_inet_sock_create multi;" ] ||
		fail "$name: bpftool cgroup show $CG: $(bpftool cgroup show "$CG")"
	retry 50 grep -q '^egress_pkts' "$TMP/$name.out" || fail "$name: no snapshot"
	send_lo $N
	retry 50 shows egress_pkts "$TMP/$name.out" $N ||
		fail "$name: egress_pkts[0] is '$(last egress_pkts "$TMP/$name.out")', expected $N"
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "$name: exit status $RL_RC after SIGINT: $(cat "$TMP/$name.err")"
	retry 50 cg_empty || fail "$name: bpftool cgroup show $CG after exit: $(bpftool cgroup show "$CG")"
	[ "$(cgroup2_mount)" = "$host_mount" ] || fail "$name: the host's cgroup2 mount is now '$(cgroup2_mount)', was $host_mount"
	note "$name: $(grep 'no --cgroup' "$TMP/$name.err" | sed 's/^rawload: //'); $N of $N counted on $CG"
done
