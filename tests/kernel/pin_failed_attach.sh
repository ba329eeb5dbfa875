#!/bin/sh
# A --pin run whose attach fails must not leave pins that misdescribe the kernel's state:
# 1. on an interface that already has someone else's program, `--pin NEWDIR` fails; NEWDIR must
#    not be left holding a pinned program (loaded, never attached) and map;
# 2. after a good `--netlink --pin DIR`, a second run that fails to attach (here: --mode skb while
#    the first program is attached in native mode) must leave DIR/progs describing the program that
#    is attached, so that `rawload unpin DIR` still detaches it.
# Both cases are checked and reported before the test exits.
. "$(dirname "$0")/lib.sh"
setup_net
bad=0
problem() {
	echo "$T: FAIL: $*"
	bad=1
}

# ---- 1. refused attach with a new pin directory
other=$PIN_BASE-other
rl_run other examples/show-ip.o "$DEV_RX" --netlink --pin "$other"
[ "$RL_RC" -eq 0 ] || fail "other: exit status $RL_RC: $(cat "$TMP/other.err")"
first=$(xdp_prog_id)
remember_ids count_packets
new=$PIN_BASE-new
rl_run refused examples/counter.o "$DEV_RX" --pin "$new"
[ "$RL_RC" -ne 0 ] && [ "$RL_RC" -ne 124 ] || fail "refused: exit status $RL_RC"
grep -q "already has an XDP program" "$TMP/refused.err" || fail "refused: message '$(cat "$TMP/refused.err")'"
[ "$(xdp_prog_id)" = "$first" ] || fail "refused: $DEV_RX has '$(xdp_prog_id)', was $first"
left=$(find "$new" ! -type d 2>/dev/null | tr '\n' ' ')
[ -z "$left" ] || problem "refused attach with --pin $new (exit $RL_RC) left pins behind: $left"
retry 20 no_new_ids count_packets ||
	problem "refused attach with --pin: count_packets program(s) $(new_ids count_packets | tr '\n' ' ')stay loaded, attached nowhere"
[ $bad -eq 0 ] && note "1: refused --pin run left nothing"
rl_run unpin-other unpin "$other"
[ "$RL_RC" -eq 0 ] || fail "unpin-other: exit status $RL_RC: $(cat "$TMP/unpin-other.err")"
xdp_detached || fail "unpin-other: program still on $DEV_RX"

# ---- 2. a failed second netlink --pin run, then unpin
dir=$PIN_BASE-second
rl_run second-1 examples/counter.o "$DEV_RX" --netlink --pin "$dir"
[ "$RL_RC" -eq 0 ] || fail "second-1: exit status $RL_RC: $(cat "$TMP/second-1.err")"
id1=$(xdp_prog_id)
[ "$(xdp_mode_word)" = xdp ] || fail "second-1: not in native mode: $(xdp_mode_word)"
rl_run second-2 examples/counter.o "$DEV_RX" --netlink --pin "$dir" --mode skb
[ "$RL_RC" -ne 0 ] && [ "$RL_RC" -ne 124 ] || fail "second-2: exit status $RL_RC (a skb-mode replacement of a native program should fail)"
[ "$(xdp_prog_id)" = "$id1" ] || fail "second-2: $DEV_RX has '$(xdp_prog_id)', was $id1"
pinned=$(bpftool prog show pinned "$dir/progs/count_packets" 2>/dev/null | sed -n '1s/^\([0-9]*\):.*/\1/p')
[ "$pinned" = "$id1" ] ||
	problem "after the failed second run, $dir/progs/count_packets is program '$pinned', not the attached $id1"
rl_run second-unpin unpin "$dir"
[ "$RL_RC" -eq 0 ] || problem "unpin $dir: exit status $RL_RC: $(cat "$TMP/second-unpin.err")"
if xdp_attached; then
	problem "\`rawload unpin $dir\` (exit $RL_RC, '$(cat "$TMP/second-unpin.out")') left program $(xdp_prog_id) attached to $DEV_RX"
else
	wait_gone "$id1"
	note "2: unpin after a failed second run removed program $id1"
fi
exit $bad
