#!/bin/sh
# The show-ip example on the receiving veth reports what really arrived: source = the sender's
# address, destination = the receiver's, the TTL the sender set (64, then 33), protocol UDP; in
# text and in JSON. With -n 3 it stops by itself after three snapshots, exits 0 and detaches.
. "$(dirname "$0")/lib.sh"
setup_net

text_line() { # TTL
	echo "ips[0] = {source_ip=$TX_ADDR, dest_ip=$RX_ADDR, ttl=$1, protocol=UDP}"
}
last_ips() {
	grep '^ips' "$TMP/$1.out" | tail -n 1 | no_change
}
last_is() { # NAME LINE
	[ "$(last_ips "$1")" = "$2" ]
}

# ---- text
rl_start text examples/show-ip.o "$DEV_RX" -i 0.2
rl_wait_attached text
id=$(xdp_prog_id)
[ "$(xdp_prog_name)" = get_ips ] || fail "text: ip link shows no get_ips on $DEV_RX"
send 3 64
retry 50 last_is text "$(text_line 64)" || fail "text: last line '$(last_ips text)', expected '$(text_line 64)'"
send 3 33
retry 50 last_is text "$(text_line 33)" || fail "text: last line '$(last_ips text)', expected '$(text_line 33)'"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "text: exit status $RL_RC after SIGINT: $(cat "$TMP/text.err")"
xdp_detached || fail "text: XDP program still on $DEV_RX"
wait_gone "$id"
note "text: $(text_line 33)"

# ---- JSON
want="\"ips\":[{\"key\":0,\"value\":{\"source_ip\":\"$TX_ADDR\",\"dest_ip\":\"$RX_ADDR\",\"ttl\":64,\"protocol\":\"UDP\"}"
json_has() {
	tail -n 1 "$TMP/json.out" | grep -qF "$want"
}
rl_start json examples/show-ip.o "$DEV_RX" -i 0.2 --json
rl_wait_attached json
id=$(xdp_prog_id)
send 3 64
retry 50 json_has || fail "json: last line '$(tail -n 1 "$TMP/json.out")' lacks $want"
rl_stop INT
[ "$RL_RC" -eq 0 ] || fail "json: exit status $RL_RC after SIGINT: $(cat "$TMP/json.err")"
grep -v '^{"time":"[^"]*","maps":{"ips":\[.*\]}}$' "$TMP/json.out" | grep -q . &&
	fail "json: a line that is not a snapshot object: $(grep -v '^{"time"' "$TMP/json.out" | head -n 1)"
xdp_detached || fail "json: XDP program still on $DEV_RX"
wait_gone "$id"
note "json: $want"

# ---- -n 3: three snapshots, then a clean exit by itself
rl_start count examples/show-ip.o "$DEV_RX" -i 0.3 -n 3
rl_wait_attached count
id=$(xdp_prog_id)
[ -n "$id" ] || fail "count: nothing attached to $DEV_RX"
send 2 64
rl_wait
[ "$RL_RC" -eq 0 ] || fail "count: exit status $RL_RC (124: did not stop by itself): $(cat "$TMP/count.err")"
snaps=$(grep -c '^-- ' "$TMP/count.out")
[ "$snaps" -eq 3 ] || fail "count: $snaps snapshots, expected 3: $(cat "$TMP/count.out")"
xdp_detached || fail "count: XDP program still on $DEV_RX after exit"
wait_gone "$id"
note "count: 3 snapshots, exit 0, program $id gone"
