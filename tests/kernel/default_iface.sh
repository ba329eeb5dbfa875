#!/bin/sh
# Without IFACE, XDP programs go to the interface of the default route: in a namespace whose
# default route is via the veth peer, rawload says so and attaches there; with no default route it
# fails with a clear message and exit status 1, attaching nothing. A named interface that does not
# exist fails the same way.
. "$(dirname "$0")/lib.sh"
setup_net
remember_ids count_packets

# ---- no default route
rl_run noroute examples/counter.o -n 1
[ "$RL_RC" -eq 1 ] || fail "noroute: exit status $RL_RC, expected 1: $(cat "$TMP/noroute.err")"
grep -q '^rawload: no interface given and no default route to take one from' "$TMP/noroute.err" ||
	fail "noroute: message '$(cat "$TMP/noroute.err")'"
xdp_detached || fail "noroute: program $(xdp_prog_id) on $DEV_RX"
retry 50 no_new_ids count_packets || fail "noroute: count_packets programs $(new_ids count_packets | tr '\n' ' ')remain"
note "no default route: exit 1, $(cat "$TMP/noroute.err")"

rl_run nosuch examples/counter.o rl-nosuch -n 1
[ "$RL_RC" -eq 1 ] || fail "nosuch: exit status $RL_RC, expected 1"
grep -qx 'rawload: rl-nosuch: no such interface' "$TMP/nosuch.err" || fail "nosuch: message '$(cat "$TMP/nosuch.err")'"

# ---- default route via the veth peer
ip -n "$NS_RX" route add default via "$TX_ADDR" dev "$DEV_RX" || fail "cannot add the default route"
ip -n "$NS_RX" route show default | grep -q "dev $DEV_RX" || fail "no default route via $DEV_RX"
rl_run route1 examples/counter.o -n 1
[ "$RL_RC" -eq 0 ] || fail "route1: exit status $RL_RC: $(cat "$TMP/route1.err")"
grep -qx "rawload: no interface given; using $DEV_RX (the default route's)" "$TMP/route1.err" ||
	fail "route1: does not name $DEV_RX as the default route's interface: $(cat "$TMP/route1.err")"
grep -q "^rawload: count_packets: attached to $DEV_RX, " "$TMP/route1.err" ||
	fail "route1: not attached to $DEV_RX: $(cat "$TMP/route1.err")"
grep -q '^pkt_count' "$TMP/route1.out" || fail "route1: no snapshot: $(cat "$TMP/route1.out")"
xdp_detached || fail "route1: program $(xdp_prog_id) still on $DEV_RX after exit"
retry 50 no_new_ids count_packets || fail "route1: count_packets programs $(new_ids count_packets | tr '\n' ' ')remain"

# the same, watched while it runs: ip link shows rawload's program on the veth
rl_start route3 examples/counter.o -n 3 -i 0.5
rl_wait_attached route3
id=$(xdp_prog_id)
[ "$(xdp_prog_name)" = count_packets ] || fail "route3: $DEV_RX has '$(xdp_prog_name)', expected count_packets"
echo " $(pid_prog_ids "$RL_PID") " | grep -q " $id " || fail "route3: program $id on $DEV_RX is not rawload's"
rl_wait
[ "$RL_RC" -eq 0 ] || fail "route3: exit status $RL_RC: $(cat "$TMP/route3.err")"
xdp_detached || fail "route3: program still on $DEV_RX after exit"
wait_gone "$id"
note "default route via $DEV_RX: $(grep 'using' "$TMP/route1.err"); attached there (program $id), gone after -n"
