#!/bin/sh
# struct_ops: a TCP congestion control written as tcp_congestion_ops (build/vmlinux/rl_cc.o, two
# maps sharing seven programs: rl_cc from .struct_ops, registered by a map update, and rl_cc_link
# from .struct_ops.link, registered by a struct_ops link). Each run writes its pid into the names in
# a copy of the object, so parallel runs never clash. While rawload runs, both names are in
# /proc/sys/net/ipv4/tcp_available_congestion_control, bpftool lists both struct_ops maps and the
# one struct_ops link; TCP connections over the loopback of the test's own namespace that select
# them with TCP_CONGESTION (and read them back with getsockopt) make init and release run exactly
# once per connection, cong_avoid while data flows; a connection with reno counts nothing. After
# SIGINT both names are gone, and rawload's programs and maps with them. After SIGKILL the link's
# registration goes with the process and the map update's stays, as the README says, until
# `bpftool struct_ops unregister`. An object for a struct_ops type this kernel lacks (sched_ext's
# sched_ext_ops) is refused in one line naming it.
. "$(dirname "$0")/lib.sh"

OBJ=build/vmlinux/rl_cc.o
TCP_CC=build/tcp_cc
[ -f "$OBJ" ] && [ -x "$TCP_CC" ] || fail "$OBJ or $TCP_CC is missing (make vmlinux-progs $TCP_CC)"
need grep dd
AVAIL=/proc/sys/net/ipv4/tcp_available_congestion_control

# The object with this run's names: rl_cc_<pid> and rl_cl_<pid>, 15 characters as the placeholders.
NAME1=$(printf 'rl_cc_%09d' $$)
NAME2=$(printf 'rl_cl_%09d' $$)
cp "$OBJ" "$TMP/rl_cc.o" || fail "cp $OBJ"
for pair in "rl_cc_000000000:$NAME1" "rl_cl_000000000:$NAME2"; do
	from=${pair%%:*} to=${pair#*:}
	at=$(grep -obUa "$from" "$TMP/rl_cc.o" | cut -d: -f1)
	[ "$(echo "$at" | wc -w)" -eq 1 ] || fail "placeholder $from found at '$at' in $OBJ, expected once"
	printf '%s' "$to" | dd of="$TMP/rl_cc.o" bs=1 seek="$at" conv=notrunc 2>/dev/null || fail "dd"
done
OBJ=$TMP/rl_cc.o

# Whatever this run registered goes, even when the test fails half-way (a map update's
# registration outlives a killed rawload).
OUR_MAPS="" # the map ids of the rawload running now
unregister_ours() {
	for uo_id in $OUR_MAPS; do
		bpftool struct_ops show id "$uo_id" >/dev/null 2>&1 &&
			bpftool struct_ops unregister id "$uo_id" >/dev/null 2>&1
	done
}
trap 'rc=$?; trap - EXIT; unregister_ours; cleanup; exit $rc' EXIT

setup_lo
avail_has() { grep -qw "$1" "$AVAIL"; }
avail_lacks() { ! grep -qw "$1" "$AVAIL"; }
last_calls() {
	grep '^calls\[0\] = ' "$TMP/$1.out" | tail -n 1 | no_change | sed 's/^[^=]*= //'
}
field() { # NAME FIELD: its value in the last calls[0] shown
	last_calls "$1" | tr -d '{}' | tr ',' '\n' | sed -n "s/^ *$2=//p"
}
calls_are() { # NAME INIT RELEASE
	[ "$(field "$1" init)" = "$2" ] && [ "$(field "$1" release)" = "$3" ]
}
conns() { # CC N: N connections of 200000 bytes each in the test's namespace
	out=$(timeout -s KILL 30 nsenter --net="/run/netns/$NS_RX" "$TCP_CC" "$1" "$2" 200000 2>&1) ||
		fail "tcp_cc $1 $2: $out"
	[ "$out" = "cc $1 conns $2 bytes 200000" ] || fail "tcp_cc $1 $2 said '$out'"
}

# ---- register
avail_lacks "$NAME1" && avail_lacks "$NAME2" || fail "$NAME1 or $NAME2 registered before the test"
rl_start text "$OBJ" -i 0.2
rl_wait_line text "^rawload: struct_ops 'rl_cc_link': "
for want in \
	"rl_init: attached to tcp_congestion_ops.init of struct_ops 'rl_cc'" \
	"rl_release: attached to tcp_congestion_ops.release of struct_ops 'rl_cc'" \
	"rl_ssthresh: attached to tcp_congestion_ops.ssthresh of struct_ops 'rl_cc'" \
	"rl_undo_cwnd: attached to tcp_congestion_ops.undo_cwnd of struct_ops 'rl_cc'" \
	"rl_cong_avoid: attached to tcp_congestion_ops.cong_avoid of struct_ops 'rl_cc'" \
	"rl_set_state: attached to tcp_congestion_ops.set_state of struct_ops 'rl_cc'" \
	"rl_cwnd_event: attached to tcp_congestion_ops.cwnd_event of struct_ops 'rl_cc'" \
	"struct_ops 'rl_cc': registered as tcp_congestion_ops through a map update" \
	"struct_ops 'rl_cc_link': registered as tcp_congestion_ops through a struct_ops link"; do
	grep -qxF "rawload: $want" "$TMP/text.err" || fail "no line 'rawload: $want': $(cat "$TMP/text.err")"
done
avail_has "$NAME1" && avail_has "$NAME2" || fail "not in $AVAIL: $(cat "$AVAIL")"

# bpftool: the two struct_ops maps rawload holds, and its one struct_ops link
OUR_MAPS=$(cat "/proc/$RL_PID/fdinfo/"* 2>/dev/null | sed -n 's/^map_id:[[:space:]]*//p' | sort -u)
st_maps=""
for id in $OUR_MAPS; do
	line=$(bpftool struct_ops show id "$id" 2>/dev/null) || continue
	st_maps="$st_maps $(echo "$line" | awk '{ print $2 ":" $3 }')"
done
[ "$(echo $st_maps)" = "rl_cc:tcp_congestion_ops rl_cc_link:tcp_congestion_ops" ] ||
	fail "bpftool struct_ops shows '$st_maps' among rawload's maps"
links=$(pid_link_ids "$RL_PID")
[ "$(echo "$links" | wc -w)" -eq 1 ] && bpftool link show id "$links" | head -n 1 | grep -q "struct_ops" ||
	fail "rawload's links: '$links': $(for l in $links; do bpftool link show id "$l"; done)"
ids=$(pid_prog_ids "$RL_PID")
[ "$(echo "$ids" | wc -l)" -eq 7 ] || fail "rawload holds programs '$ids', expected 7"

# ---- connections: init and release once each, per connection that picked the algorithm
conns "$NAME1" 3
retry 50 calls_are text 3 3 || fail "after 3 connections with $NAME1: calls[0] = $(last_calls text)"
[ "$(field text cong_avoid)" -gt 0 ] || fail "cong_avoid never ran: $(last_calls text)"
conns "$NAME2" 2
retry 50 calls_are text 5 5 || fail "after 2 more with $NAME2: calls[0] = $(last_calls text)"
conns reno 2
sleep 0.5
calls_are text 5 5 || fail "reno connections counted: calls[0] = $(last_calls text)"
seen=$(last_calls text)

rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "exit status $RL_RC after SIGINT: $(cat "$TMP/text.err")"
# shellcheck disable=SC2086
wait_gone $ids
avail_lacks "$NAME1" && avail_lacks "$NAME2" || fail "still in $AVAIL after SIGINT: $(cat "$AVAIL")"
for id in $OUR_MAPS; do
	! bpftool struct_ops show id "$id" >/dev/null 2>&1 || fail "struct_ops map $id remains after SIGINT"
done
note "$NAME1 (map update) and $NAME2 (struct_ops link) registered, 7 programs; calls[0] = $seen; gone after SIGINT"

# ---- SIGKILL: the link's registration goes with the process, the map update's stays
rl_start kill "$OBJ" -i 0.2
rl_wait_line kill "^rawload: struct_ops 'rl_cc_link': "
OUR_MAPS=$(cat "/proc/$RL_PID/fdinfo/"* 2>/dev/null | sed -n 's/^map_id:[[:space:]]*//p' | sort -u)
rl_stop KILL
retry 50 avail_lacks "$NAME2" || fail "$NAME2 (a struct_ops link) still registered after SIGKILL"
avail_has "$NAME1" || fail "$NAME1 (a map update) is gone after SIGKILL: the README says it stays"
unregister_ours
retry 50 avail_lacks "$NAME1" || fail "$NAME1 still registered after bpftool struct_ops unregister"
note "SIGKILL: $NAME2 went with the process, $NAME1 stayed until bpftool struct_ops unregister"

# ---- a struct_ops type this kernel does not have
# (its map is refused, its program with it: nothing usable loads, exit status 1)
rl_run sched build/progs/struct_ops_sched_ext.bpfel.o -n 1
[ "$RL_RC" -eq 1 ] || fail "sched_ext: exit status $RL_RC: $(cat "$TMP/sched.err")"
want="rawload: map 'rl_sched': not created: this kernel has no struct_ops type sched_ext_ops (its BTF has no struct sched_ext_ops)
rawload: prog 'rl_select_cpu': not loaded: it serves struct_ops 'rl_sched', which was not created
rawload: nothing usable loaded: 0 of 1 programs loaded, 1 refused; 1 map refused"
[ "$(cat "$TMP/sched.err")" = "$want" ] || fail "sched_ext: '$(cat "$TMP/sched.err")', expected '$want'"
note "sched_ext: $(head -n 1 "$TMP/sched.err" | sed 's/^rawload: //')"
