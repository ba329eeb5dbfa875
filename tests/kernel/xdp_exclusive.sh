#!/bin/sh
# rawload never replaces someone else's XDP program unless asked: with show-ip attached (through
# netlink, pinned so it stays), attaching the counter fails with "already has an XDP program" by
# bpf_link, by netlink and in skb mode, and show-ip is still the one attached (same id). --replace
# takes the place of a netlink-attached program (through a bpf_link, and with --netlink through
# netlink), counts, and puts it back on exit; a program held by a bpf_link cannot be replaced even so.
. "$(dirname "$0")/lib.sh"
setup_net
N=20

# refused NAME FIRST_ID ARGS...: counter with ARGS must fail and leave FIRST_ID attached.
refused() {
	rf_name=$1 rf_id=$2
	shift 2
	rl_run "$rf_name" examples/counter.o "$DEV_RX" "$@"
	[ "$RL_RC" -ne 0 ] || fail "$rf_name: exit status 0: $(cat "$TMP/$rf_name.err")"
	[ "$RL_RC" -ne 124 ] || fail "$rf_name: timed out"
	grep -q "^rawload: prog 'count_packets': $DEV_RX already has an XDP program (program id $rf_id, " "$TMP/$rf_name.err" ||
		fail "$rf_name: message '$(cat "$TMP/$rf_name.err")' does not say $DEV_RX already has program $rf_id"
	[ "$(xdp_prog_id)" = "$rf_id" ] || fail "$rf_name: program on $DEV_RX is '$(xdp_prog_id)', was $rf_id"
	retry 50 no_new_ids count_packets || fail "$rf_name: count_packets programs $(new_ids count_packets | tr '\n' ' ')remain"
}

# ---- show-ip attached through netlink (and pinned, so it stays after rawload exits)
dir=$PIN_BASE-netlink
rl_run first examples/show-ip.o "$DEV_RX" --netlink --pin "$dir"
[ "$RL_RC" -eq 0 ] || fail "first: exit status $RL_RC: $(cat "$TMP/first.err")"
first=$(xdp_prog_id)
[ -n "$first" ] && [ "$(xdp_prog_name)" = get_ips ] || fail "first: get_ips not on $DEV_RX"
remember_ids count_packets
refused link "$first"
refused netlink "$first" --netlink
refused skb "$first" --mode skb
refused netlink-skb "$first" --netlink --mode skb
note "netlink-attached get_ips ($first) kept against bpf_link, netlink and skb attempts: $(cat "$TMP/netlink.err")"

# --replace: the counter takes its place, counts, and puts get_ips back on exit.
for how in bpf_link netlink; do
	opt=""
	[ $how = netlink ] && opt=--netlink
	rl_start replace-$how examples/counter.o "$DEV_RX" --replace -i 0.2 $opt
	rl_wait_attached replace-$how
	grep -q "count_packets: attached to $DEV_RX, .* via $how (in place of the program there, put back at the end)\$" \
		"$TMP/replace-$how.err" || fail "replace-$how: not attached via $how: $(cat "$TMP/replace-$how.err")"
	id=$(xdp_prog_id)
	[ "$(xdp_prog_name)" = count_packets ] && [ "$id" != "$first" ] || fail "replace-$how: $DEV_RX has '$(xdp_prog_name)' ($id)"
	prog_exists "$first" || fail "replace-$how: the replaced program $first is gone although pinned"
	send $N
	retry 50 count_is "$TMP/replace-$how.out" $N ||
		fail "replace-$how: last pkt_count[0] '$(last_count "$TMP/replace-$how.out")', expected $N"
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "replace-$how: exit status $RL_RC after SIGINT: $(cat "$TMP/replace-$how.err")"
	[ "$(xdp_prog_id)" = "$first" ] || fail "replace-$how: $DEV_RX runs '$(xdp_prog_id)' after exit, not get_ips ($first)"
	wait_gone "$id"
done
rl_run unpin-netlink unpin "$dir"
[ "$RL_RC" -eq 0 ] || fail "unpin: exit status $RL_RC: $(cat "$TMP/unpin-netlink.err")"
xdp_detached || fail "unpin: program $(xdp_prog_id) still on $DEV_RX"
wait_gone "$first"
note "--replace (bpf_link, netlink): count_packets replaced get_ips ($first), counted $N, put it back on exit"

# ---- show-ip held by a pinned bpf_link: not even --replace takes it
dir=$PIN_BASE-link
rl_run first-link examples/show-ip.o "$DEV_RX" --pin "$dir"
[ "$RL_RC" -eq 0 ] || fail "first-link: exit status $RL_RC: $(cat "$TMP/first-link.err")"
first=$(xdp_prog_id)
[ -n "$first" ] && [ -n "$(our_links "$first")" ] || fail "first-link: no bpf_link holds get_ips on $DEV_RX"
remember_ids count_packets
refused link-link "$first"
refused link-netlink "$first" --netlink
refused link-replace "$first" --replace
note "link-attached get_ips ($first) kept, also against --replace: $(cat "$TMP/link-replace.err")"
rl_run unpin-link unpin "$dir"
[ "$RL_RC" -eq 0 ] || fail "unpin-link: exit status $RL_RC: $(cat "$TMP/unpin-link.err")"
xdp_detached || fail "unpin-link: program $(xdp_prog_id) still on $DEV_RX"
wait_gone "$first"
