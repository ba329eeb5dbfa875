#!/bin/sh
# Whatever ends rawload, nothing of its stays attached unless the kernel keeps it on purpose:
# - SIGINT, SIGTERM, SIGHUP: exit 0, no XDP program on the veth, the program and its link gone
#   (bpf_link path and netlink path);
# - kill -9 with a bpf_link: the kernel releases the link of the dead process; nothing stays;
# - kill -9 with --netlink: the program stays (a netlink attachment belongs to the interface);
#   `rawload detach IFACE` removes it, and a second `rawload detach IFACE` fails clearly;
# - SIGINT at any moment of start-up (while loading, attaching): nothing stays.
. "$(dirname "$0")/lib.sh"
setup_net

# attached_run NAME ARGS...: start counter, wait until attached; sets id (the program on the veth).
attached_run() {
	ar_name=$1
	shift
	rl_start "$ar_name" examples/counter.o "$DEV_RX" -i 0.5 "$@"
	rl_wait_attached "$ar_name"
	id=$(xdp_prog_id)
	[ -n "$id" ] && [ "$(xdp_prog_name)" = count_packets ] || fail "$ar_name: ip link shows no count_packets on $DEV_RX"
	echo " $(pid_prog_ids "$RL_PID") " | grep -q " $id " || fail "$ar_name: program $id on $DEV_RX is not rawload's"
}

for how in link netlink; do
	opt=""
	[ $how = netlink ] && opt=--netlink
	for sig in INT TERM HUP; do
		attached_run "$how-$sig" $opt
		rl_stop $sig
		[ "$RL_RC" -eq 0 ] || fail "$how-$sig: exit status $RL_RC after SIG$sig: $(cat "$TMP/$how-$sig.err")"
		xdp_detached || fail "$how-$sig: XDP program still on $DEV_RX after SIG$sig"
		wait_gone "$id"
	done
	note "$how: SIGINT, SIGTERM, SIGHUP: exit 0, detached, program and link gone"
done

# kill -9 with a bpf_link: the process's fds close, the link goes, the program with it.
attached_run link-kill
[ -n "$(our_links "$id")" ] || fail "link-kill: no bpf_link holds program $id"
rl_stop KILL
[ "$RL_RC" -eq 137 ] || fail "link-kill: exit status $RL_RC, expected 137 (killed)"
retry 50 xdp_detached || fail "link-kill: XDP program $id still on $DEV_RX after kill -9"
wait_gone "$id"
note "link-kill: kill -9 left nothing (link released by the kernel)"

# kill -9 with netlink: the program stays on the interface, until rawload detach removes it.
attached_run netlink-kill --netlink
[ -z "$(our_links "$id")" ] || fail "netlink-kill: a bpf_link holds program $id"
rl_stop KILL
[ "$RL_RC" -eq 137 ] || fail "netlink-kill: exit status $RL_RC, expected 137 (killed)"
sleep 0.3
[ "$(xdp_prog_id)" = "$id" ] || fail "netlink-kill: program $id no longer on $DEV_RX after kill -9 (now '$(xdp_prog_id)')"
prog_exists "$id" || fail "netlink-kill: program $id unloaded, yet ip link shows it"
rl_run detach1 detach "$DEV_RX"
[ "$RL_RC" -eq 0 ] || fail "detach: exit status $RL_RC: $(cat "$TMP/detach1.err")"
grep -q "detached the XDP program from $DEV_RX" "$TMP/detach1.out" || fail "detach: says '$(cat "$TMP/detach1.out")'"
xdp_detached || fail "detach: program still on $DEV_RX"
wait_gone "$id"
rl_run detach2 detach "$DEV_RX"
[ "$RL_RC" -ne 0 ] || fail "second detach: exit status 0 with nothing to detach"
[ "$RL_RC" -ne 124 ] || fail "second detach: timed out"
grep -qx "rawload: $DEV_RX has no XDP program" "$TMP/detach2.err" ||
	fail "second detach: message '$(cat "$TMP/detach2.err")', expected 'rawload: $DEV_RX has no XDP program'"
[ ! -s "$TMP/detach2.out" ] || fail "second detach: printed '$(cat "$TMP/detach2.out")' on stdout"
note "netlink-kill: program $id stayed after kill -9; detach removed it (exit 0); second detach: exit $RL_RC, '$(cat "$TMP/detach2.err")'"

# SIGINT during start-up: rawload blocks the signals before loading, so it either never got that
# far (killed by SIGINT, 130) or finishes attaching and then detaches (0). Nothing stays either way.
remember_ids count_packets
clean=0 killed=0 attached=0
for how in link netlink; do
	opt=""
	[ $how = netlink ] && opt=--netlink
	for delay in 0 0.002 0.005 0.01 0.02 0.04; do
		name=early-$how-$delay
		rl_start "$name" examples/counter.o "$DEV_RX" -i 0.5 $opt
		[ "$delay" = 0 ] || sleep "$delay"
		rl_stop INT
		case $RL_RC in
		0) clean=$((clean + 1)) ;;
		130) killed=$((killed + 1)) ;;
		*) fail "$name: exit status $RL_RC after an early SIGINT: $(cat "$TMP/$name.err")" ;;
		esac
		grep -q 'attached to' "$TMP/$name.err" && attached=$((attached + 1))
		retry 50 xdp_detached || fail "$name: XDP program $(xdp_prog_id) still on $DEV_RX"
		retry 50 no_new_ids count_packets || fail "$name: count_packets programs $(new_ids count_packets | tr '\n' ' ')remain"
	done
done
note "early SIGINT (0 to 40 ms after start, link and netlink): nothing stays ($clean clean exits, $attached of them after attaching; $killed killed before rawload took the signal)"
