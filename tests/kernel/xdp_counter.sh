#!/bin/sh
# The counter example on the receiving veth counts exactly the datagrams sent: through a bpf_link
# (the default), through rtnetlink (--netlink) and in generic mode (--mode skb), in text and JSON.
# Each run is stopped with SIGINT, exits 0, and leaves nothing attached or loaded. The attach line
# names the mode ip link shows; without --mode on a driver with no native XDP (lo) the bpf_link
# attach falls to generic mode.
. "$(dirname "$0")/lib.sh"
setup_net
N=137

# one_run NAME EXPECTED_HOW EXPECTED_MODE_WORD ARGS...
one_run() {
	name=$1 how=$2 word=$3
	shift 3
	rl_start "$name" examples/counter.o "$DEV_RX" -i 0.2 "$@"
	rl_wait_attached "$name"
	grep -q "count_packets: attached to $DEV_RX, .* via $how\$" "$TMP/$name.err" ||
		fail "$name: not attached via $how: $(cat "$TMP/$name.err")"
	id=$(xdp_prog_id)
	[ -n "$id" ] && [ "$(xdp_prog_name)" = count_packets ] || fail "$name: ip link shows no count_packets on $DEV_RX"
	[ "$(xdp_mode_word)" = "$word" ] || fail "$name: ip link shows '$(xdp_mode_word)', expected $word"
	said=native
	[ "$word" = xdpgeneric ] && said="generic (skb)"
	grep -q "count_packets: attached to $DEV_RX, $said mode, via $how\$" "$TMP/$name.err" ||
		fail "$name: the attach line does not say $said mode: $(cat "$TMP/$name.err")"
	case $how in
	bpf_link) [ -n "$(our_links "$id")" ] || fail "$name: no bpf_link holds program $id" ;;
	netlink) [ -z "$(our_links "$id")" ] || fail "$name: a bpf_link holds program $id: $(our_links "$id")" ;;
	esac
	# the first snapshot (count 0 or empty) before any traffic
	retry 50 grep -q 'pkt_count' "$TMP/$name.out" || fail "$name: no snapshot"
	[ -z "$(last_count "$TMP/$name.out")" ] || [ "$(last_count "$TMP/$name.out")" = 0 ] ||
		fail "$name: counted $(last_count "$TMP/$name.out") packets before any was sent"
	send $N
	retry 50 count_is "$TMP/$name.out" $N || fail "$name: last pkt_count[0] is '$(last_count "$TMP/$name.out")', expected $N"
	sleep 0.5 # two more snapshots: nothing else arrives
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "$name: exit status $RL_RC after SIGINT: $(cat "$TMP/$name.err")"
	count_is "$TMP/$name.out" $N || fail "$name: last pkt_count[0] is '$(last_count "$TMP/$name.out")', expected $N"
	xdp_detached || fail "$name: XDP program still on $DEV_RX after exit"
	wait_gone "$id"
	note "$name: $N of $N counted via $how ($word), program $id gone"
}

one_run link-text bpf_link xdp
one_run link-json bpf_link xdp --json
grep -q '^{"time":"[^"]*","maps":{"pkt_count":\[{"key":0,"value":137,"delta":0,"rate":0.000}\]}}$' "$TMP/link-json.out" ||
	fail "link-json: no JSON snapshot line with the count: $(tail -n 1 "$TMP/link-json.out")"
one_run netlink netlink xdp --netlink
one_run skb bpf_link xdpgeneric --mode skb
one_run netlink-skb netlink xdpgeneric --netlink --mode skb --json

# lo has no native XDP: without --mode, native is refused (EOPNOTSUPP) and generic is taken.
rl_start lo-auto examples/counter.o lo -i 0.2 -v
rl_wait_attached lo-auto
grep -q "flags 0x4 -> EOPNOTSUPP" "$TMP/lo-auto.err" && grep -q "count_packets: attached to lo, generic (skb) mode, via bpf_link\$" "$TMP/lo-auto.err" ||
	fail "lo-auto: not native-then-generic: $(cat "$TMP/lo-auto.err")"
[ "$(xdp_mode_word "$NS_RX" lo)" = xdpgeneric ] || fail "lo-auto: ip link shows '$(xdp_mode_word "$NS_RX" lo)' on lo"
id=$(xdp_prog_id "$NS_RX" lo)
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "lo-auto: exit status $RL_RC after SIGINT"
xdp_detached "$NS_RX" lo || fail "lo-auto: XDP program still on lo after exit"
wait_gone "$id"
note "lo-auto: no native XDP on lo: generic via bpf_link, said so, program $id gone"
