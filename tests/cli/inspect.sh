#!/bin/sh
# rawload inspect on the seed example, as any user: the program with type xdp, the map ips with its
# value struct's fields, the .rodata map bpf_printk needs; the same in JSON; the bpfeb build of the
# same source gives the same model; a damaged file gives one line and a non-zero exit.
set -eu
R=./rawload
out=$($R inspect examples/show-ip.o)
echo "$out" | grep -Eq '^  get_ips +section xdp +type xdp, attach xdp' || { echo "no xdp program get_ips"; exit 1; }
echo "$out" | grep -q 'ips .*struct ip_info { __be32 source_ip; __be32 dest_ip; __u8 ttl; __u8 protocol; }' ||
	{ echo "map ips without its fields"; exit 1; }
echo "$out" | grep -Eq '^  show_ip\.rodata +data +array .*from \.rodata' || { echo "no .rodata map"; exit 1; }

json=$($R inspect --json examples/show-ip.o)
for want in '"name":"get_ips","section":"xdp","type":"xdp"' '"name":"ips","origin":"btf","type":"array","key_size":4' \
	'{"name":"source_ip","type":"__be32","offset":0,"size":4}' '{"name":"protocol","type":"__u8","offset":9,"size":1}' \
	'"name":"show_ip.rodata","origin":"data"' '"section":".rodata","frozen":true'; do
	case $json in *"$want"*) ;; *) echo "JSON lacks $want"; exit 1 ;; esac
done

# bpfeb: the same model, apart from the first line (path and byte order).
for f in show-ip counter execsnoop; do
	a=$($R inspect examples/$f.o | sed 1d)
	b=$($R inspect build/progs/$f.bpfeb.o | sed 1d)
	[ "$a" = "$b" ] || { echo "$f: bpfel and bpfeb models differ"; exit 1; }
done
$R inspect build/progs/show-ip.bpfeb.o | head -n 1 | grep -q 'big-endian' || { echo "bpfeb not reported"; exit 1; }

# A truncated object: one line on stderr, exit 1, nothing on stdout.
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.err" "$tmp.out"' EXIT
head -c 300 examples/show-ip.o >"$tmp"
if $R inspect "$tmp" >"$tmp.out" 2>"$tmp.err"; then echo "truncated file accepted"; exit 1; fi
[ "$(wc -l <"$tmp.err")" -eq 1 ] && grep -q '^rawload: elf: ' "$tmp.err" || { echo "bad diagnostic:"; cat "$tmp.err"; exit 1; }
[ ! -s "$tmp.out" ] || { echo "output on failure"; exit 1; }
rm -f "$tmp.out"

# struct_ops variables are maps, with the programs their members point to. CO-RE records are
# counted per program (clang merges equal records: core_task has 24).
$R inspect build/progs/struct_ops.bpfel.o >"$tmp.out" || { echo "inspect struct_ops failed"; exit 1; }
grep -q '^  demo_link  *st_ops struct_ops .* flags link$' "$tmp.out" &&
	grep -qx '    struct rl_demo_ops from .struct_ops.link, registered through a struct_ops link' "$tmp.out" &&
	grep -qx '    .release = prog demo_release' "$tmp.out" || { echo "struct_ops maps not shown:"; cat "$tmp.out"; exit 1; }
rm -f "$tmp.out"
$R inspect build/progs/core_reloc.bpfel.o | grep -q 'core_task .* 24 CO-RE relocations$' ||
	{ echo "CO-RE records of core_task not counted"; exit 1; }

# An object with a program that uses a name nothing defines (inline assembly) and one in a section
# no loader knows: described whole (exit 0), each of the two marked with its reason, in text and
# JSON; the programs around them are not marked.
out=$($R inspect build/progs/partial.bpfel.o) || { echo "partial.bpfel.o: inspect failed"; exit 1; }
echo "$out" | grep -A1 '^  uses_undefined ' | grep -q "will not load: xdp+[0-9]*: extern 'rawload_nowhere': neither __kconfig nor __ksym" ||
	{ echo "uses_undefined not marked:"; echo "$out"; exit 1; }
echo "$out" | grep -A1 '^  in_unknown_section ' | grep -q "will not load: section 'rawload/unknown' names no program type" ||
	{ echo "in_unknown_section not marked"; exit 1; }
[ "$(echo "$out" | grep -c 'will not load')" -eq 2 ] || { echo "other programs marked:"; echo "$out"; exit 1; }
echo "$out" | grep -Eq '^  xdp\+[0-9]+ +bad +xdp\+[0-9]+: extern .rawload_nowhere.' || { echo "bad relocation not listed"; exit 1; }
json=$($R inspect --json build/progs/partial.bpfel.o)
for want in '"name":"uses_undefined",' "\"problem\":\"xdp+" "extern 'rawload_nowhere': neither __kconfig nor __ksym" \
	'"name":"count_xdp",' '"kind":"bad","symbol":"rawload_nowhere","problem":'; do
	case $json in *"$want"*) ;; *) echo "JSON lacks $want"; exit 1 ;; esac
done
[ "$(printf '%s' "$json" | grep -o '"problem":null' | wc -l)" -eq 8 ] || { echo "JSON: not 8 programs without a problem"; exit 1; }
