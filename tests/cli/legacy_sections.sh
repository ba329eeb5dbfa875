#!/bin/sh
# Old section names and --type, as any user: `inspect` says how each section of xdp_legacy was
# understood (a current libbpf name, an old prefix with whose rule, --type, or not at all), in text
# and JSON; --type before any --prog types the unknown sections only, after --prog NAME that one
# program whatever its section; a --type that names nothing is one line and exit 1.
set -eu
R=./rawload
O=build/progs/xdp_legacy.bpfel.o
fail() { echo "legacy_sections: $*"; exit 1; }

out=$($R inspect $O)
for want in \
	"xdp_stats1_func +section xdp_stats1 +as legacy prefix 'xdp' \(libbpf < 1.0, cilium/ebpf\): type xdp, attach xdp," \
	"xdp_vlan_func +section xdp_vlan01 +as legacy prefix 'xdp' .*: type xdp, attach xdp," \
	"xdp_icmp_func +section xdp_icmp_echo +as legacy prefix 'xdp' .*: type xdp, attach xdp," \
	"xdp_tail_func +section xdp_tailgrow +as legacy prefix 'xdp' .*: type xdp, attach xdp," \
	"socket_two +section socket/2 +as legacy prefix 'socket' .*: type socket_filter, attach socket," \
	"lookup_any +section sk_lookup/ +as legacy prefix 'sk_lookup' .*: type sk_lookup, attach sk_lookup," \
	"cls_old +section classifier_x +as legacy prefix 'classifier' .*: type sched_cls, attach tc," \
	"typed_counter +section packet_counter +type unknown \(section name not recognised; --type"; do
	echo "$out" | grep -Eq "^  $want" || fail "no line matching '$want' in:
$out"
done
# the bpfeb build reads the same
[ "$(echo "$out" | sed 1d)" = "$($R inspect build/progs/xdp_legacy.bpfeb.o | sed 1d)" ] || fail "bpfeb reads differently"

json=$($R inspect --json $O)
for want in '"name":"xdp_vlan_func","section":"xdp_vlan01","type":"xdp","attach":"xdp","expected_attach_type":"xdp","target":"","understood":"legacy_prefix","as_section":"xdp","legacy_prefix":"xdp","legacy_from":"libbpf < 1.0, cilium/ebpf"' \
	'"name":"typed_counter","section":"packet_counter","type":"unknown","attach":"unknown","expected_attach_type":"","target":"","understood":"unknown"'; do
	case $json in *"$want"*) ;; *) fail "JSON lacks $want" ;; esac
done
# A current name is said to be one.
$R inspect --json examples/counter.o | grep -q '"section":"xdp",.*"understood":"libbpf","as_section":"xdp"' ||
	fail "counter.o's xdp not understood as libbpf's name"

# --type alone: the unknown section only.
out=$($R inspect $O --type xdp)
echo "$out" | grep -Eq "^  typed_counter +section packet_counter +as --type xdp: type xdp, attach xdp," ||
	fail "--type xdp did not type typed_counter: $out"
echo "$out" | grep -Eq "^  cls_old +section classifier_x +as legacy prefix" || fail "--type xdp changed cls_old"
# after --prog: that program, known section or not; TYPE:ATTACH is the section TYPE/ATTACH.
json=$($R inspect --json $O --prog cls_old --type tc:egress --prog socket_two --type sk_skb:stream_verdict)
for want in '"name":"cls_old","section":"classifier_x","type":"sched_cls","attach":"tcx","expected_attach_type":"tcx_egress","target":"","understood":"type_option","as_section":"tc/egress"' \
	'"name":"socket_two","section":"socket/2","type":"sk_skb","attach":"sockmap","expected_attach_type":"sk_skb_stream_verdict","target":"","understood":"type_option","as_section":"sk_skb/stream_verdict"' \
	'"name":"typed_counter","section":"packet_counter","type":"unknown"'; do
	case $json in *"$want"*) ;; *) fail "JSON with --prog/--type lacks $want" ;; esac
done
$R inspect $O --prog typed_counter --type kprobe:do_nanosleep | grep -Eq "typed_counter .*as --type kprobe/do_nanosleep: type kprobe, attach kprobe do_nanosleep," ||
	fail "--type kprobe:FUNC: no target"

# A --type that names nothing, and a --prog that names nothing: one line each, exit 1.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if $R inspect $O --type nonsense >/dev/null 2>"$tmp"; then fail "--type nonsense accepted"; fi
[ "$(wc -l <"$tmp")" -eq 1 ] && grep -q "^rawload: --type 'nonsense': names no program type" "$tmp" || fail "bad diagnostic: $(cat "$tmp")"
if $R inspect $O --prog nobody --type xdp >/dev/null 2>"$tmp"; then fail "--prog nobody accepted"; fi
grep -q "has no program 'nobody'" "$tmp" || fail "bad diagnostic: $(cat "$tmp")"
# --type on an object without unknown sections: a note, nothing changed.
$R inspect examples/counter.o --type socket 2>"$tmp" | grep -Eq '^  count_packets +section xdp +type xdp' || fail "counter.o retyped"
grep -q 'note: --type socket: every program' "$tmp" || fail "no note: $(cat "$tmp")"
