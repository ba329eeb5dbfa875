#!/bin/sh
# The display's changes between snapshots, against the datagrams sent. The counter example on the
# receiving veth, -i 0.5, bursts of 5, 60 and 20 datagrams each sent right after a snapshot (so each
# lands whole in one interval), with an idle interval between the first two:
# - on a terminal (build/ptyrun: stdout on a pseudo-terminal): every pkt_count line carries its
#   exact delta, a rate near delta / 0.5 s, and a sparkline with one bar per interval so far, "▁"
#   exactly where nothing came and "█" where the 60 came;
# - to a file: the same lines without sparklines, nothing but printable ASCII;
# - --json: "delta" equal to the difference of consecutive values, "rate" equal to delta over the
#   time between the snapshots (within 5%).
# Then over pins (rawload show): a per-CPU map with --per-cpu (each CPU's value, summing to the
# value, delta exact), and a hash key deleted (bpftool) and made again: "(gone)" then "(new)",
# and {"gone":{"flows":[KEY]}} in JSON.
. "$(dirname "$0")/lib.sh"
need jq
[ -x build/ptyrun ] || fail "build/ptyrun is missing (make test builds it)"
setup_net

# next_snapshot NAME: until $TMP/NAME.out has one snapshot more than when called (5 s at most).
snapshots() {
	grep -c '^-- \|^{"time":"[^"]*","maps"' "$TMP/$1.out"
}
next_snapshot() {
	ns_n=$(snapshots "$1")
	ns_i=0
	while [ "$(snapshots "$1")" -le "$ns_n" ]; do
		[ $ns_i -lt 100 ] || fail "$1: no snapshot in 5 s: $(tail -n 3 "$TMP/$1.out")"
		kill -0 "$RL_PID" 2>/dev/null || { rl_wait; fail "$1: rawload exited ($RL_RC): $(cat "$TMP/$1.err")"; }
		sleep 0.05
		ns_i=$((ns_i + 1))
	done
}

# bursts NAME ARGS...: the counter in the background with ARGS; 5 datagrams, an idle interval,
# 60, then 20, each right after a snapshot; two snapshots after the last; SIGINT.
bursts() {
	b_name=$1
	shift
	rl_start "$b_name" examples/counter.o "$DEV_RX" -i 0.5 "$@"
	rl_wait_attached "$b_name"
	next_snapshot "$b_name"
	send 5
	next_snapshot "$b_name"
	next_snapshot "$b_name"
	send 60
	next_snapshot "$b_name"
	send 20
	next_snapshot "$b_name"
	next_snapshot "$b_name"
	rl_stop INT
	[ "$RL_RC" -eq 0 ] || fail "$b_name: exit status $RL_RC: $(cat "$TMP/$b_name.err")"
}

# check_text NAME SPARK: the pkt_count lines of NAME, as "VALUE|DELTA|RATE|LEVELS|." (levels: the
# sparkline as digits 0-7, d for a drop), judged by awk: values add up, deltas are the bursts in
# order, rates near delta / 0.5 s, sparklines (SPARK=1) or none (SPARK=0).
check_text() {
	grep '^pkt_count\[0\] = ' "$TMP/$1.out" |
		sed -e 's/▁/0/g; s/▂/1/g; s/▃/2/g; s/▄/3/g; s/▅/4/g; s/▆/5/g; s/▇/6/g; s/█/7/g; s/↓/d/g' \
		    -e 's/^pkt_count\[0\] = \([0-9]*\)  (+\([0-9]*\)\(, \([0-9.]*\)\/s\)\{0,1\})\( \([0-7d]*\)\)\{0,1\}$/\1|\2|\4|\6|./' \
		    >"$TMP/$1.parsed"
	awk -F '|' -v spark="$2" -v name="$1" '
	function bad(why) { print name ": line " NR ": " why ": " $0; failed = 1; exit 1 }
	{
		if (NF != 5 || $5 != ".") bad("not a snapshot line with a change")
		v = $1; d = $2; r = $3; lv = $4
		if (v != prev + d) bad("value " v " is not " prev " + " d)
		prev = v
		n++; delta[n] = d
		if (d > 0) {
			bursts = bursts (bursts == "" ? "" : " ") d
			if (r == "" || r < d / 0.5 * 0.7 || r > d / 0.5 * 1.3) bad("rate " r " for +" d " in 0.5 s")
		} else if (r != "") bad("a rate for +0")
		if (!spark) { if (lv != "") bad("a sparkline to a file"); next }
		first = n > 16 ? n - 15 : 1
		if (length(lv) != n - first + 1) bad("sparkline of " length(lv) " bars after " n " intervals")
		max = 0
		for (k = first; k <= n; k++) if (delta[k] > max) max = delta[k]
		for (k = first; k <= n; k++) {
			c = substr(lv, k - first + 1, 1)
			if (delta[k] == 0 && c != "0") bad("bar " c " for an idle interval")
			if (delta[k] > 0 && delta[k] == max && c != "7") bad("bar " c " for the largest burst")
			if (delta[k] > 0 && delta[k] < max && (c == "0" || c == "7" || c == "d")) bad("bar " c " for +" delta[k])
		}
	}
	END {
		if (failed) exit 1
		if (bursts != "5 60 20") { print name ": bursts seen: \"" bursts "\", sent: 5 60 20"; exit 1 }
		if (prev != 85) { print name ": last value " prev ", 85 sent"; exit 1 }
	}' "$TMP/$1.parsed" || fail "$1: $(cat "$TMP/$1.out")"
}

# ---- on a terminal
RL_WRAP=build/ptyrun
bursts tty
RL_WRAP=""
check_text tty 1
grep -q '█' "$TMP/tty.out" || fail "tty: no sparkline: $(cat "$TMP/tty.out")"
tty_last=$(grep '^pkt_count' "$TMP/tty.out" | tail -n 1)

# ---- to a file: plain lines, printable ASCII only
bursts plain
check_text plain 0
! LC_ALL=C grep -q '[^ -~]' "$TMP/plain.out" ||
	fail "plain: a byte that is not printable ASCII: $(LC_ALL=C grep '[^ -~]' "$TMP/plain.out" | head -n 2)"
plain_last=$(grep '^pkt_count' "$TMP/plain.out" | tail -n 1)

# ---- JSON: exact deltas, rates over the snapshots' times
bursts json --json
jq -r 'select(.maps) | .maps.pkt_count[0] // empty | select(.delta != null) | "\(.value) \(.delta) \(.rate)"' \
	"$TMP/json.out" >"$TMP/json.vals" || fail "json: not JSON: $(head -n 3 "$TMP/json.out")"
jq -r 'select(.maps) | select(.maps.pkt_count[0].delta != null) | .time' "$TMP/json.out" |
	sed 's/.*T\([0-9]*\):\([0-9]*\):\([0-9.]*\)$/\1 \2 \3/' >"$TMP/json.times"
# The snapshot before the first with a delta: the last whose pkt_count was empty.
jq -r 'select(.maps) | select(.maps.pkt_count == []) | .time' "$TMP/json.out" | tail -n 1 |
	sed 's/.*T\([0-9]*\):\([0-9]*\):\([0-9.]*\)$/\1 \2 \3/' >"$TMP/json.t0"
paste -d ' ' "$TMP/json.vals" "$TMP/json.times" | awk -v t0="$(cat "$TMP/json.t0")" '
	function ms(h, m, s) { return ((h * 60 + m) * 60 + s) * 1000 }
	BEGIN { split(t0, a, " "); prev_t = ms(a[1], a[2], a[3]) }
	{
		v = $1; d = $2; r = $3; t = ms($4, $5, $6)
		if (v != prev + d) { print "json: value " v " is not " prev " + " d; exit 1 }
		if (r == "null") { print "json: a null rate for " d; exit 1 }
		want = d * 1000 / (t - prev_t)
		if (r < want * 0.95 - 0.01 || r > want * 1.05 + 0.01) { print "json: rate " r " for " d " in " t - prev_t " ms"; exit 1 }
		if (d > 0) bursts = bursts (bursts == "" ? "" : " ") d
		prev = v; prev_t = t
	}
	END { if (bursts != "5 60 20" || prev != 85) { print "json: bursts \"" bursts "\", last " prev; exit 1 } }' ||
	fail "json: $(cat "$TMP/json.out")"
! grep -q '"gone"' "$TMP/json.out" || fail "json: an array slot reported gone"
note "tty: $tty_last"
note "plain: $plain_last"
note "json: deltas 5, 60, 20 exact, rates within 5% of delta over the snapshots' times"

# ---- rawload show over pins: per-CPU values, keys gone and new
DIR=$PIN_BASE-maps
rl_run pin build/progs/show_maps.bpfel.o "$DEV_RX" --pin "$DIR"
[ "$RL_RC" -eq 0 ] || fail "pin: exit status $RL_RC: $(cat "$TMP/pin.err")"
send 4 33
ncpus=$(bpftool -j map dump pinned "$DIR/maps/pc_count" | jq '.[0].values | length')
[ "$ncpus" -ge 1 ] || fail "bpftool lists no CPUs for pc_count"

rl_start pcpu show "$DIR/maps/pc_count" --per-cpu --json -i 0.5 -n 3
next_snapshot pcpu
send 9 33
rl_wait
[ "$RL_RC" -eq 0 ] || fail "pcpu: exit status $RL_RC: $(cat "$TMP/pcpu.err")"
jq -e --argjson n "$ncpus" 'select(.maps) | .maps.pc_count[0] | (.per_cpu | length) == $n and (.per_cpu | add) == .value' \
	"$TMP/pcpu.out" >/dev/null || fail "pcpu: per_cpu does not sum to value over $ncpus CPUs: $(cat "$TMP/pcpu.out")"
[ "$(jq -c 'select(.maps) | .maps.pc_count[0] | [.value, .delta]' "$TMP/pcpu.out" | tr '\n' ' ')" = "[4,null] [13,9] [13,0] " ] ||
	fail "pcpu: values and deltas $(jq -c 'select(.maps) | .maps.pc_count[0] | [.value, .delta]' "$TMP/pcpu.out" | tr '\n' ' '), want 4, then 13 (+9), then 13 (+0)"

flow_key=$(bpftool -j map dump pinned "$DIR/maps/flows" | jq -r '.[0].key | map(ltrimstr("0x")) | join(" ")')
flow_len=$(bpftool -j map dump pinned "$DIR/maps/flows" | jq '.[0].formatted.key.len')
[ -n "$flow_key" ] && [ -n "$flow_len" ] || fail "flows: bpftool lists no key"
for form in text json; do
	if [ $form = json ]; then
		rl_start flows-$form show "$DIR/maps/flows" -i 0.5 -n 4 --json
	else
		rl_start flows-$form show "$DIR/maps/flows" -i 0.5 -n 4
	fi
	next_snapshot flows-$form
	# shellcheck disable=SC2086
	bpftool map delete pinned "$DIR/maps/flows" key hex $flow_key || fail "bpftool map delete"
	next_snapshot flows-$form
	send 2 33
	rl_wait
	[ "$RL_RC" -eq 0 ] || fail "flows-$form: exit status $RL_RC: $(cat "$TMP/flows-$form.err")"
done
line="flows[{len=$flow_len, ttl=33}]"
grep -qxF "$line (gone)" "$TMP/flows-text.out" || fail "flows: no '$line (gone)': $(cat "$TMP/flows-text.out")"
grep -qF "$line = {packets=2, " "$TMP/flows-text.out" && grep -F "$line = {packets=2, " "$TMP/flows-text.out" | head -n 1 | grep -q '  (new)$' ||
	fail "flows: the key made again is not shown new: $(cat "$TMP/flows-text.out")"
[ "$(grep -c '(gone)' "$TMP/flows-text.out")" -eq 1 ] || fail "flows: gone more than once: $(cat "$TMP/flows-text.out")"
[ "$(jq -c 'select(.gone) | .gone' "$TMP/flows-json.out")" = "{\"flows\":[{\"len\":$flow_len,\"ttl\":33}]}" ] ||
	fail "flows (json): gone is $(jq -c 'select(.gone) | .gone' "$TMP/flows-json.out")"
note "show: per_cpu over $ncpus CPUs sums to the value, +9 exact; $line gone, then new (text and JSON)"
