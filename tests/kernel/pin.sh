#!/bin/sh
# --pin DIR: rawload attaches, pins, exits 0, and the program keeps counting; a second run reuses
# the pinned map (the count goes on from where it was) and swaps the program in place (the pinned
# bpf_link is updated; with --netlink the attached program is replaced by id); `rawload unpin DIR`
# removes everything. A pinned map whose definition differs is refused, naming the map and what
# differs, and nothing is attached.
. "$(dirname "$0")/lib.sh"
setup_net
N=50
M=30

map_id_of() {
	bpftool map show pinned "$1" | sed -n '1s/^\([0-9]*\):.*/\1/p'
}
count_now() { # MAP EXPECTED
	[ "$(pinned_count "$1")" = "$2" ]
}

for how in link netlink; do
	opt=""
	[ $how = netlink ] && opt=--netlink
	dir=$PIN_BASE-$how
	map=$dir/maps/pkt_count

	# first run: attach, pin, exit
	rl_run $how-1 examples/counter.o "$DEV_RX" --pin "$dir" $opt
	[ "$RL_RC" -eq 0 ] || fail "$how-1: exit status $RL_RC: $(cat "$TMP/$how-1.err")"
	grep -q "^pinned under $dir" "$TMP/$how-1.out" || fail "$how-1: stdout '$(cat "$TMP/$how-1.out")'"
	id1=$(xdp_prog_id)
	[ -n "$id1" ] && [ "$(xdp_prog_name)" = count_packets ] || fail "$how-1: no count_packets on $DEV_RX after exit"
	[ -d "$dir/maps" ] && [ -d "$dir/progs" ] && [ -e "$map" ] && [ -e "$dir/progs/count_packets" ] ||
		fail "$how-1: $dir lacks maps/pkt_count or progs/count_packets: $(ls -R "$dir" | tr '\n' ' ')"
	if [ $how = link ]; then
		[ -d "$dir/links" ] && [ -e "$dir/links/count_packets" ] || fail "$how-1: no $dir/links/count_packets"
		[ -n "$(our_links "$id1")" ] || fail "$how-1: no bpf_link holds program $id1"
	else
		[ -z "$(our_links "$id1")" ] || fail "$how-1: a bpf_link holds program $id1"
	fi
	mapid=$(map_id_of "$map")
	[ -n "$mapid" ] || fail "$how-1: bpftool cannot read $map"
	send $N
	retry 50 count_now "$map" $N || fail "$how-1: bpftool reads $(pinned_count "$map") from $map, expected $N"

	# second run: same map (count kept), new program in place of the first
	rl_run $how-2 examples/counter.o "$DEV_RX" --pin "$dir" $opt -v
	[ "$RL_RC" -eq 0 ] || fail "$how-2: exit status $RL_RC: $(cat "$TMP/$how-2.err")"
	grep -qF "map 'pkt_count': reusing the map pinned at $map" "$TMP/$how-2.err" ||
		fail "$how-2: -v does not say the map is reused: $(grep pkt_count "$TMP/$how-2.err")"
	if [ $how = link ]; then
		grep -qF "BPF_LINK_UPDATE on the link pinned at $dir/links/count_packets -> program swapped" "$TMP/$how-2.err" ||
			fail "$how-2: -v does not say the pinned link was updated: $(grep xdp: "$TMP/$how-2.err")"
	else
		grep -qF "replacing program id $id1" "$TMP/$how-2.err" ||
			fail "$how-2: -v does not say 'replacing program id $id1': $(grep xdp: "$TMP/$how-2.err")"
	fi
	id2=$(xdp_prog_id)
	[ -n "$id2" ] && [ "$id2" != "$id1" ] || fail "$how-2: program on $DEV_RX is '$id2', expected a new one (was $id1)"
	[ "$(map_id_of "$map")" = "$mapid" ] || fail "$how-2: $map is map $(map_id_of "$map") now, was $mapid"
	# (through netlink the program also holds rawload's mark, a map of its own)
	bpftool prog show id "$id2" | grep -Eq "map_ids ([0-9]+,)*$mapid(,[0-9]+)*\$" || fail "$how-2: program $id2 does not use map $mapid"
	wait_gone "$id1"
	count_now "$map" $N || fail "$how-2: count is $(pinned_count "$map") after the second run, expected $N (reset?)"
	send $M
	retry 50 count_now "$map" $((N + M)) ||
		fail "$how-2: bpftool reads $(pinned_count "$map"), expected $((N + M))"
	if [ $how = link ]; then
		[ "$(our_links "$id2" | wc -l)" -eq 1 ] || fail "$how-2: links of $id2: $(our_links "$id2")"
	fi

	# unpin: nothing left
	rl_run $how-unpin unpin "$dir"
	[ "$RL_RC" -eq 0 ] || fail "$how-unpin: exit status $RL_RC: $(cat "$TMP/$how-unpin.err")"
	xdp_detached || fail "$how-unpin: program $(xdp_prog_id) still on $DEV_RX"
	[ ! -e "$dir" ] || fail "$how-unpin: $dir remains: $(ls -R "$dir" | tr '\n' ' ')"
	wait_gone "$id2"
	map_gone() { ! bpftool map show id "$mapid" >/dev/null 2>&1; }
	retry 50 map_gone || fail "$how-unpin: map $mapid still exists"
	note "$how: $N, then $((N + M)) after a second run (map $mapid reused, program $id1 -> $id2); unpin left nothing"
done

# A pinned pkt_count with another definition is refused; nothing attached, nothing pinned, the
# foreign map untouched.
dir=$PIN_BASE-conflict
mkdir -p "$dir/maps" || fail "mkdir $dir/maps"
remember_ids count_packets
for variant in "array key 4 value 4 entries 1:value size" "array key 4 value 8 entries 2:max_entries" \
	"hash key 4 value 8 entries 1:type" "array key 4 value 8 entries 1 flags 1024:flags"; do
	spec=${variant%%:*} what=${variant#*:}
	rm -f "$dir/maps/pkt_count"
	bpftool map create "$dir/maps/pkt_count" type $spec name pkt_count || fail "bpftool map create $spec"
	foreign=$(map_id_of "$dir/maps/pkt_count")
	rl_run conflict examples/counter.o "$DEV_RX" --pin "$dir"
	[ "$RL_RC" -ne 0 ] && [ "$RL_RC" -ne 124 ] || fail "conflict ($spec): exit status $RL_RC"
	grep -q "pkt_count.*differs in $what" "$TMP/conflict.err" ||
		fail "conflict ($spec): message '$(cat "$TMP/conflict.err")' does not name pkt_count and '$what'"
	xdp_detached || fail "conflict ($spec): program $(xdp_prog_id) attached to $DEV_RX"
	[ ! -e "$dir/progs" ] && [ ! -e "$dir/links" ] || fail "conflict ($spec): pinned $(ls -R "$dir" | tr '\n' ' ')"
	[ "$(map_id_of "$dir/maps/pkt_count")" = "$foreign" ] || fail "conflict ($spec): the foreign map pin was replaced"
	retry 50 no_new_ids count_packets || fail "conflict ($spec): count_packets programs $(new_ids count_packets | tr '\n' ' ')remain"
done
note "conflict: value size, max_entries, type, flags (mmapable) refused: $(cat "$TMP/conflict.err")"
