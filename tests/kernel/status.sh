#!/bin/sh
# `rawload status` against bpftool, on state the test makes: XDP through a bpf_link (counter.o on
# the veth) and through netlink (show-ip.o on a second veth pair inside the namespace), three tcx
# links (tcx_count's plain SEC("tc") program goes on ingress too), two cgroup links on a cgroup of
# the test's own, a tracepoint perf link and a uprobe perf link, all pinned under the test's
# directories. `rawload status --json`, run in the namespace, must report every one of our programs,
# maps and links with the fields `bpftool -j prog/map/link show` report for them (ids, types, names,
# tags, map ids, sizes, cgroup ids, attach types), the XDP programs `bpftool net show` lists, and
# the targets by name: the veths, the cgroup's path, the tracepoint, the uprobe's file. Run outside
# the namespace it must not name the veths. `status DIR` lists each pin's kind, id and name as
# `bpftool ... show pinned` does. Without CAP_SYS_ADMIN status says so in one line. Other tests load
# and unload programs meanwhile: only our objects are compared, by id.
. "$(dirname "$0")/lib.sh"
need jq setpriv
setup_net
DEV_XA=rl-xa
DEV_XB=rl-xb
ip -n "$NS_RX" link add "$DEV_XA" type veth peer name "$DEV_XB" || fail "second veth pair"
ip -n "$NS_RX" link set "$DEV_XA" up && ip -n "$NS_RX" link set "$DEV_XB" up || fail "second veth up"
make_cgroup status

# ---- the state ----------------------------------------------------------------------------------
pin_run() { # NAME ARGS...: rawload ARGS --pin $PIN_BASE-NAME in NS_RX, which must succeed
	pr_name=$1
	shift
	rl_run "$pr_name" "$@" --pin "$PIN_BASE-$pr_name"
	[ "$RL_RC" -eq 0 ] || fail "$pr_name: exit status $RL_RC: $(cat "$TMP/$pr_name.err")"
}
pin_run xdp examples/counter.o "$DEV_RX"
pin_run nl examples/show-ip.o "$DEV_XA" --netlink
pin_run tcx build/progs/tcx_count.bpfel.o "$DEV_RX"
pin_run cg build/progs/cgroup_count.bpfel.o --cgroup "$CG"
pin_run tp examples/execsnoop.o
pin_run up build/progs/uprobe_count.bpfel.o --prog on_call
UP_OFF=$(sed -n 's/.*on_call: attached to uprobe .* (file offset \(0x[0-9a-f]*\)).*/\1/p' "$TMP/up.err")
[ -n "$UP_OFF" ] || fail "up: no file offset in: $(cat "$TMP/up.err")"

# Our links (id:expected target check) and programs, as bpftool reads the pins.
LINKS=""
for lp in "$PIN_BASE"-*/links/*; do
	lid=$(bpftool -j link show pinned "$lp" | jq -r .id)
	[ -n "$lid" ] && [ "$lid" != null ] || fail "bpftool cannot read link pin $lp"
	LINKS="$LINKS $lid"
done
[ "$(echo $LINKS | wc -w)" -eq 8 ] || fail "expected 8 pinned links (xdp, 3 tcx, 2 cgroup, tp, uprobe): $LINKS"
PROGS=""
for pp in "$PIN_BASE"-*/progs/*; do
	PROGS="$PROGS $(bpftool -j prog show pinned "$pp" | jq -r .id)"
done
NL_PROG=$(xdp_prog_id "$NS_RX" "$DEV_XA")
[ -n "$NL_PROG" ] || fail "no XDP program on $DEV_XA after the netlink run"

# ---- the listings -------------------------------------------------------------------------------
in_rx "$RAWLOAD" status --json >"$TMP/st.json" 2>"$TMP/st.err" || fail "status --json: $(cat "$TMP/st.err")"
jq -e . "$TMP/st.json" >/dev/null || fail "status --json is not JSON: $(head -c 300 "$TMP/st.json")"
in_rx bpftool -j net show >"$TMP/bt-net.json" || fail "bpftool net show"

# same KIND OURS THEIRS: every field bpftool reports for the object (but for those listed here, which
# rawload does not report, and a type bpftool knows only by its number) is in ours, equal.
same() {
	sm_diff=$(jq -cn --argjson o "$2" --argjson b "$3" '
		["loaded_at","orphaned","bytes_memlock","jited","pids","frozen","run_time_ns","run_cnt",
		 "recursion_misses","verified_insns","pinned"] as $skip
		| [$b | to_entries[] | select(.key as $k | $skip | index($k) | not)
		   | select((.key == "type" and (.value | type) == "number") | not)
		   | select($o[.key] != .value) | {key, bpftool: .value, rawload: $o[.key]}]')
	[ "$sm_diff" = "[]" ] || fail "$1: fields differ from bpftool's: $sm_diff"
}
ours() { # SECTION ID
	jq -c --argjson id "$2" ".$1[] | select(.id == \$id)" "$TMP/st.json"
}
# bpftool's view of one object, asked by id: its whole listing (`bpftool map show`) carries a stale
# btf_id over from the map before into a map without BTF (bpftool 7.1 seen here: a ring buffer
# listed with its neighbour's BTF id; `map show id N` gives none).
theirs() { # prog|map|link ID
	bpftool -j "$1" show id "$2"
}

MAPS=""
for id in $PROGS $NL_PROG; do
	o=$(ours progs "$id") t=$(theirs prog "$id")
	[ -n "$o" ] || fail "program $id is not in rawload's listing"
	[ -n "$t" ] || fail "program $id is not in bpftool's listing"
	same "program $id" "$o" "$t"
	[ "$(echo "$o" | jq -r .tag)" = "$(echo "$t" | jq -r .tag)" ] || fail "program $id: tags differ"
	MAPS="$MAPS $(echo "$o" | jq -r '.map_ids[]')"
done
nmaps=0
for id in $(echo $MAPS | tr ' ' '\n' | sort -un); do
	o=$(ours maps "$id") t=$(theirs map "$id")
	[ -n "$o" ] && [ -n "$t" ] || fail "map $id: rawload '$o', bpftool '$t'"
	same "map $id" "$o" "$t"
	nmaps=$((nmaps + 1))
done

ifindex_rx=$(ip -j -n "$NS_RX" link show dev "$DEV_RX" | jq .[0].ifindex)
cg_id=$(stat -c %i "$CG")
up_file=$(readlink -f build/uprobe_target)
for id in $LINKS; do
	o=$(ours links "$id") t=$(theirs link "$id")
	[ -n "$o" ] && [ -n "$t" ] || fail "link $id: rawload '$o', bpftool '$t'"
	same "link $id" "$o" "$t"
	# What bpftool 7.1 does not report: the targets, checked against what the test made.
	case $(echo "$o" | jq -r .type) in
	xdp) want="{\"ifindex\":$ifindex_rx,\"devname\":\"$DEV_RX\"}" ;;
	tcx) want="{\"ifindex\":$ifindex_rx,\"devname\":\"$DEV_RX\"}"
	     echo "$o" | jq -e '.attach_type == "tcx_ingress" or .attach_type == "tcx_egress"' >/dev/null ||
		fail "tcx link $id: attach type: $o" ;;
	cgroup) want="{\"cgroup_id\":$cg_id,\"cgroup\":\"$CG\"}" ;;
	perf_event)
		if echo "$o" | jq -e '.event == "tracepoint"' >/dev/null; then
			want='{"tracepoint":"sys_enter_execve"}'
		else
			want="{\"event\":\"uprobe\",\"file\":\"$up_file\",\"offset\":$((UP_OFF))}"
		fi ;;
	*) fail "link $id: unexpected type: $o" ;;
	esac
	echo "$o" | jq -e --argjson w "$want" '. as $o | $w | to_entries | all(.value == $o[.key])' >/dev/null ||
		fail "link $id: want $want, rawload says $o"
done

# XDP by interface: rawload's entries for our two veths are bpftool's.
for dev in "$DEV_RX" "$DEV_XA"; do
	o=$(jq -c --arg d "$dev" '[.xdp[] | select(.devname == $d)]' "$TMP/st.json")
	t=$(jq -c --arg d "$dev" '[.[0].xdp[] | select(.devname == $d)]' "$TMP/bt-net.json")
	[ "$o" = "$t" ] && [ "$o" != "[]" ] || fail "XDP on $dev: rawload $o, bpftool $t"
done
jq -e --argjson id "$NL_PROG" --arg d "$DEV_XA" '.xdp[] | select(.devname == $d and .id == $id)' "$TMP/st.json" >/dev/null ||
	fail "netlink program $NL_PROG not listed on $DEV_XA: $(jq -c .xdp "$TMP/st.json")"

# Text: the headings and one line per link of ours, with its target.
in_rx "$RAWLOAD" status >"$TMP/st.txt" 2>&1 || fail "status: $(cat "$TMP/st.txt")"
grep -Eq "^  [0-9]+ +xdp +prog [0-9]+ +count_packets +ifindex $ifindex_rx \($DEV_RX\)$" "$TMP/st.txt" ||
	fail "text: no xdp link line: $(grep xdp "$TMP/st.txt")"
grep -q "cgroup_inet_egress on cgroup $cg_id ($CG)" "$TMP/st.txt" || fail "text: no cgroup link line"
grep -q "tracepoint sys_enter_execve" "$TMP/st.txt" || fail "text: no tracepoint line"
grep -Eq "^  $DEV_XA +ifindex [0-9]+ +driver +prog $NL_PROG get_ips$" "$TMP/st.txt" ||
	fail "text: no XDP line for $DEV_XA: $(sed -n '/^XDP/,$p' "$TMP/st.txt")"

# Outside the namespace the veths are not ours to name: the link says so, and never a devname.
"$RAWLOAD" status --json >"$TMP/host.json" 2>"$TMP/host.err" || fail "status outside: $(cat "$TMP/host.err")"
for id in $LINKS; do
	jq -e --argjson id "$id" '.links[] | select(.id == $id and (.type == "xdp" or .type == "tcx"))
		| (has("devname") | not) and .unnamed == "not an interface of this network namespace"' "$TMP/host.json" \
		>/dev/null || jq -e --argjson id "$id" '.links[] | select(.id == $id) | .type != "xdp" and .type != "tcx"' \
		"$TMP/host.json" >/dev/null || fail "outside the namespace, link $id: $(ours links "$id")"
done

# ---- status DIR ---------------------------------------------------------------------------------
npins=0
for dir in "$PIN_BASE"-*; do
	in_rx "$RAWLOAD" status --json "$dir" >"$TMP/pins.json" 2>"$TMP/pins.err" || fail "status $dir: $(cat "$TMP/pins.err")"
	want=$(find "$dir" -type f | sort | jq -Rsc 'split("\n") | map(select(. != ""))')
	got=$(jq -c '[.pins[].path]' "$TMP/pins.json")
	[ "$got" = "$want" ] || fail "status $dir lists $got, find says $want"
	for p in $(jq -r '.pins[].path' "$TMP/pins.json"); do
		o=$(jq -c --arg p "$p" '.pins[] | select(.path == $p)' "$TMP/pins.json")
		kind=$(echo "$o" | jq -r .kind)
		case $p in */maps/*) k=map ;; */progs/*) k=prog ;; */links/*) k=link ;; *) k=? ;; esac
		[ "$kind" = "$k" ] || fail "$p: kind '$kind', expected $k: $o"
		t=$(bpftool -j "$k" show pinned "$p") || fail "bpftool $k show pinned $p"
		same "pin $p" "$o" "$t"
		npins=$((npins + 1))
	done
done
in_rx "$RAWLOAD" status "$PIN_BASE-xdp" >"$TMP/pins.txt" 2>&1 || fail "status DIR (text): $(cat "$TMP/pins.txt")"
grep -Eq "^    link [0-9]+ +xdp +prog [0-9]+ +ifindex $ifindex_rx \($DEV_RX\)$" "$TMP/pins.txt" ||
	fail "status DIR text: $(cat "$TMP/pins.txt")"

# ---- without CAP_SYS_ADMIN: one clear line --------------------------------------------------------
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
	"$RAWLOAD" status >"$TMP/nobody.out" 2>"$TMP/nobody.err"
rc=$?
[ $rc -eq 1 ] && grep -q "^rawload: status: listing BPF objects needs CAP_SYS_ADMIN (BPF_PROG_GET_NEXT_ID: EPERM)$" "$TMP/nobody.err" &&
	[ ! -s "$TMP/nobody.out" ] || fail "as nobody: exit $rc, stderr '$(cat "$TMP/nobody.err")'"

note "$(echo $PROGS $NL_PROG | wc -w) programs, $nmaps maps, $(echo $LINKS | wc -w) links and 2 XDP interfaces as bpftool reports them, targets named; $npins pins; outside the namespace no veth named; as nobody refused"
