#!/bin/sh
# The soak: nothing of rawload's accumulates or stays behind, over many cycles and kills.
# - build/soak (tests/soak/soak.c): SOAK_CYCLES load/attach/detach cycles in one process on the
#   bpf_link path, as many on the netlink path; fds and resident memory flat, every program, map and
#   link it made gone from the kernel afterwards.
# - SOAK_KILLS runs of rawload on the bpf_link path killed with SIGKILL at a random moment (0 to
#   150 ms after start: while loading, attaching or showing): the kernel releases everything.
# - SOAK_NETLINK_KILLS runs on the netlink path killed the same way: what a killed run left attached
#   is recognised and removed by `rawload detach` (never refused as someone else's).
# At the end no program or map of the soak's own object (tests/progs/soak_xdp.bpf.c, names nothing
# else uses) exists, as before it began. `make test` runs a short version (100 cycles, 10 and 5
# kills); `make soak` the full one (2,000 cycles, 200 and 50 kills).
. "$(dirname "$0")/lib.sh"
OBJ=build/progs/soak_xdp.bpfel.o
[ -f "$OBJ" ] && [ -x build/soak ] || fail "$OBJ or build/soak is missing (make test-progs build/soak)"
CYCLES=${SOAK_CYCLES:-100}
KILLS=${SOAK_KILLS:-10}
NL_KILLS=${SOAK_NETLINK_KILLS:-5}
setup_net

ours_left() { # programs named rl_soak_xdp and maps named rl_soak_count or soak_xdp.bss
	echo "$(bpftool prog show | grep -c ' name rl_soak_xdp ') $(bpftool map show | grep -c ' name rl_soak_count \| name soak_xdp.bss ')"
}
nothing_left() {
	[ "$(ours_left)" = "0 0" ]
}
retry 50 nothing_left || fail "programs and maps of the soak exist before it began: $(ours_left) (another soak running?)"

# ---- cycles in one process --------------------------------------------------------------------------
timeout -s KILL 1800 nsenter --net="/run/netns/$NS_RX" build/soak "$DEV_RX" "$CYCLES" "$OBJ" >"$TMP/cycles.out" 2>&1
rc=$?
cat "$TMP/cycles.out" | sed "s/^/$T: /"
[ $rc -eq 0 ] || fail "cycles: exit status $rc"

# ---- SIGKILL at random moments -------------------------------------------------------------------------
# A random delay in microseconds below 150 ms, from /dev/urandom (the shell has no $RANDOM).
random_delay() {
	od -An -N2 -tu2 /dev/urandom | awk '{ printf "%d.%06d", 0, ($1 * 150000 / 65536) }'
}
killed_attached=0
i=0
while [ $i -lt "$KILLS" ]; do
	i=$((i + 1))
	name=kill-link-$i
	rl_start "$name" "$OBJ" "$DEV_RX" -i 0.05
	sleep "$(random_delay)"
	kill -KILL "$RL_PID"
	rl_wait
	grep -q 'attached to' "$TMP/$name.err" && killed_attached=$((killed_attached + 1))
	retry 50 xdp_detached || fail "$name: an XDP program ($(xdp_prog_id)) stays after kill -9 on the link path"
	rm -f "$TMP/$name.out" "$TMP/$name.err"
done
retry 100 nothing_left || fail "after $KILLS kills on the link path: programs and maps left: $(ours_left)"
note "bpf_link: $KILLS SIGKILLs at random moments ($killed_attached after the attach): nothing left"

removed=0 empty=0
i=0
while [ $i -lt "$NL_KILLS" ]; do
	i=$((i + 1))
	name=kill-netlink-$i
	rl_start "$name" "$OBJ" "$DEV_RX" -i 0.05 --netlink
	sleep "$(random_delay)"
	kill -KILL "$RL_PID"
	rl_wait
	rl_run "detach-$i" detach "$DEV_RX"
	case $RL_RC in
	0) removed=$((removed + 1)) ;;
	1) grep -qx "rawload: $DEV_RX has no XDP program" "$TMP/detach-$i.err" && empty=$((empty + 1)) ||
		fail "$name: rawload detach refused: $(cat "$TMP/detach-$i.err")" ;;
	*) fail "$name: rawload detach: exit status $RL_RC: $(cat "$TMP/detach-$i.err")" ;;
	esac
	xdp_detached || fail "$name: an XDP program ($(xdp_prog_id)) stays after rawload detach"
done
retry 100 nothing_left || fail "after $NL_KILLS kills on the netlink path and detach: programs and maps left: $(ours_left)"
note "netlink: $NL_KILLS SIGKILLs at random moments: rawload detach removed $removed left attached ($empty killed before attaching); nothing left"
