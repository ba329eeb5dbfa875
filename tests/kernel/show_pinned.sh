#!/bin/sh
# `rawload show PATH` against `bpftool map dump pinned PATH -j`: show_maps.bpf.c is attached to the
# veth and pinned, N datagrams fill its maps (an array and a hash of BTF structs, a per-CPU array of
# integers, a per-CPU hash of structs) and its ring buffer. For each map, `show PATH --json -n 1`
# must hold exactly bpftool's entries with a non-zero value (array slots that are all zero are not
# shown), values equal field by field (per-CPU integers summed, per-CPU structs one per CPU), and
# `show DIR` the same under the maps' relative paths. The ring buffer's records are shown live:
# N, then none (they were consumed), then M more. A program pin is refused; text output has the
# main command's shape.
. "$(dirname "$0")/lib.sh"
need jq
setup_net
N=20
M=7
TTL=33
DIR=$PIN_BASE-maps

rl_run pin build/progs/show_maps.bpfel.o "$DEV_RX" --pin "$DIR"
[ "$RL_RC" -eq 0 ] || fail "pin: exit status $RL_RC: $(cat "$TMP/pin.err")"
send $N $TTL

# show MAP [ARGS]: rawload show --json -n 1 of one pinned map: its entries (one snapshot)
show_json() {
	"$RAWLOAD" show "$DIR/maps/$1" --json -n 1 -i 0.1 >"$TMP/show-$1.json" 2>"$TMP/show-$1.err" ||
		fail "show $1: $(cat "$TMP/show-$1.err")"
	jq -c --arg m "$1" 'select(.maps) | .maps[$m]' "$TMP/show-$1.json"
}
dump() {
	bpftool -j map dump pinned "$DIR/maps/$1" || fail "bpftool map dump $1"
}
ncpus=$(bpftool -j map dump pinned "$DIR/maps/pc_count" | jq '.[0].values | length')

# The counters are written per datagram: wait until slot 0 of stats says N.
stats_n() { [ "$(dump stats | jq '.[0].formatted.value.packets')" = "$N" ]; }
retry 50 stats_n || fail "stats[0].packets is $(dump stats | jq -c '.[0].formatted.value.packets'), $N sent"

# Arrays and hashes of structs: bpftool's non-zero entries, as {key, value}, sorted.
for m in stats flows; do
	ours=$(show_json $m | jq -c 'sort_by(.key | tostring)')
	theirs=$(dump $m | jq -c '[.[] | select(.value | any(. != "0x00")) | .formatted] | sort_by(.key | tostring)')
	[ "$ours" = "$theirs" ] || fail "$m: rawload $ours, bpftool $theirs"
	[ "$ours" != "[]" ] || fail "$m: empty"
done
# The values are what the program wrote.
show_json stats | jq -e --argjson n $N --argjson ttl $TTL '.[0].value | .packets == $n and .ttl == $ttl and
	.tag == "udp" and .delta == -3 and .ports == [9, 9] and .pair == {"a": 1, "b": 2} and .color == "GREEN"' \
	>/dev/null || fail "stats[0]: $(show_json stats)"
[ "$(show_json stats | jq -c '[.[].key]')" = "[0,2]" ] || fail "stats: slots $(show_json stats | jq -c '[.[].key]'), want [0,2]"

# Per-CPU integers: rawload sums what bpftool lists per CPU.
ours=$(show_json pc_count)
theirs=$(dump pc_count | jq -c '[.[] | {key: .formatted.key, value: ([.formatted.values[].value] | add)}]')
[ "$ours" = "$theirs" ] || fail "pc_count: rawload $ours, bpftool (summed) $theirs"
[ "$(echo "$ours" | jq '.[0].value')" = "$N" ] || fail "pc_count[0]: $ours, $N sent"
# Per-CPU structs: one value per possible CPU, in CPU order.
ours=$(show_json pc_flows)
theirs=$(dump pc_flows | jq -c '[.[] | {key: .formatted.key, value: [.formatted.values[].value]}]')
[ "$ours" = "$theirs" ] || fail "pc_flows: rawload $ours, bpftool $theirs"
[ "$(echo "$ours" | jq '.[0].value | length')" = "$ncpus" ] || fail "pc_flows: not $ncpus values: $ours"

# The whole directory: the same entries under maps/NAME; the ring buffer's N records first.
"$RAWLOAD" show "$DIR" --json -n 1 -i 0.3 >"$TMP/dir.json" 2>"$TMP/dir.err" || fail "show DIR: $(cat "$TMP/dir.err")"
for m in stats flows pc_count pc_flows; do
	[ "$(jq -c --arg m "maps/$m" 'select(.maps) | .maps[$m]' "$TMP/dir.json")" = "$(jq -c --arg m $m 'select(.maps) | .maps[$m]' "$TMP/show-$m.json")" ] ||
		fail "show DIR: maps/$m differs from show of the map alone"
done
[ "$(jq -c 'select(.maps) | .maps | keys' "$TMP/dir.json")" = '["maps/flows","maps/pc_count","maps/pc_flows","maps/stats"]' ] ||
	fail "show DIR: maps $(jq -c 'select(.maps) | .maps | keys' "$TMP/dir.json")"
nrec=$(jq -c 'select(.record) | select(.map == "maps/events")' "$TMP/dir.json" | wc -l)
[ "$nrec" -eq $N ] || fail "show DIR: $nrec ring buffer records, $N datagrams sent: $(head -c 400 "$TMP/dir.json")"

# The ring buffer again: its records were consumed; M more come live.
"$RAWLOAD" show "$DIR/maps/events" -d 0.5 >"$TMP/ring0.txt" 2>&1 || fail "show events: $(cat "$TMP/ring0.txt")"
[ ! -s "$TMP/ring0.txt" ] || fail "show events after they were read: $(head -n 3 "$TMP/ring0.txt")"
"$RAWLOAD" show "$DIR/maps/events" -d 3 >"$TMP/ring.txt" 2>&1 &
ring_pid=$!
sleep 1
send $M $TTL
wait $ring_pid || fail "show events: $(cat "$TMP/ring.txt")"
nrec=$(grep -c '^events: 0x' "$TMP/ring.txt")
[ "$nrec" -eq $M ] || fail "show events: $nrec records, $M sent: $(cat "$TMP/ring.txt")"

# Text: the main command's shape.
"$RAWLOAD" show "$DIR/maps/stats" -n 1 >"$TMP/stats.txt" 2>&1 || fail "show stats: $(cat "$TMP/stats.txt")"
grep -q "^stats\[0\] = {packets=$((N + M)), bytes=[0-9]*, last_len=[0-9]*, delta=-3, ttl=$TTL, tag=\"udp\", ports=\[9, 9\], pair={a=1, b=2}, color=GREEN}$" \
	"$TMP/stats.txt" || fail "show stats (text): $(cat "$TMP/stats.txt")"
grep -q '^-- [0-9][0-9]:[0-9][0-9]:[0-9][0-9]$' "$TMP/stats.txt" || fail "show stats (text): no snapshot heading"

# A program is not a map.
"$RAWLOAD" show "$DIR/progs/fill_maps" >"$TMP/prog.out" 2>"$TMP/prog.err"
rc=$?
[ $rc -eq 1 ] && grep -q "a pinned prog, not a map" "$TMP/prog.err" || fail "show of a program pin: exit $rc: $(cat "$TMP/prog.err")"

note "stats, flows, pc_count (summed over $ncpus CPUs), pc_flows equal bpftool's dump; $N ring records, then none, then $M live"
