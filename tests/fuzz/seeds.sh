#!/bin/sh
# tests/fuzz/seeds.sh — seeds for every fuzz target, made from real sources at build time, into
# build/fuzz/seeds/TARGET (make fuzz-seeds; make test and make fuzz run it):
#   obj, btf, render, core2  the examples and test objects (clang-built), their .BTF, the union bomb
#                            of issue 9, CO-RE against the BTF of objects built from the kernel's
#                            vmlinux.h; a generated object with every kind of relocation
#   netlink                  replies captured from real exchanges (build/fuzz/nlcapture, as root, in a
#                            network namespace of its own with a veth iproute2 gave an XDP program)
#   vlog                     the verifier's own logs for the test programs it rejects (as root)
#   probe, cli               every section name of those objects; argument vectors from the README
#   trace                    trace_pipe lines as bpf_printk writes them (and the trace buffer's own)
#   ringbuf, perfbuf         rings laid out as the kernel writes them (build/fuzz/seedgen)
#   kfacts, mountinfo, elfbin  this machine's config, kallsyms and mountinfo; the uprobe targets
#   usdt, vhint              the USDT targets; the verifier-log fixtures of the hint tests
# As another user than root the captured ones are skipped (said), the rest made.
set -u
cd "$(dirname "$0")/../.." || exit 1
S=build/fuzz/seeds
SEEDGEN=build/fuzz/seedgen
rm -rf "$S"
for t in obj btf netlink kfacts mountinfo elfbin vhint usdt ringbuf perfbuf vlog probe cli trace render core2; do
	mkdir -p "$S/$t"
done
objs=$(ls examples/*.o build/progs/*.o build/vmlinux/*.o 2>/dev/null)

# ---- objects and BTF ----------------------------------------------------------------------------
cp $objs "$S/obj/"
build/genobj --progs 6 --btf-maps 3 --bss-vars 2 --kfuncs 2 --prog-array --btf >"$S/obj/genobj-everything.o"
build/genobj --progs 4 --legacy-maps 3 >"$S/obj/genobj-legacy.o"
for f in $objs; do
	b=$(basename "$f" .o)
	llvm-objcopy --dump-section .BTF="$S/btf/$b.btf" "$f" /dev/null 2>/dev/null || continue # not in place
	$SEEDGEN render "$S/render/$b" "$S/btf/$b.btf"
done
for target in build/vmlinux/proc_events.o build/progs/core_reloc.bpfel.o examples/execsnoop.o build/progs/tp_btf_count.bpfel.o; do
	[ -f "$S/btf/$(basename "$target" .o).btf" ] || continue
	for obj in build/progs/core_reloc.bpfel.o build/progs/core_reloc.bpfeb.o examples/execsnoop.o; do
		[ -f "$obj" ] && $SEEDGEN core2 "$S/core2/$(basename "$obj" .o)-vs-$(basename "$target" .o)" "$obj" \
			"$S/btf/$(basename "$target" .o).btf"
	done
done

# ---- netlink replies, captured ------------------------------------------------------------------
captured=0
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null 2>&1 && command -v nsenter >/dev/null 2>&1; then
	ns=rawload-seeds-$$
	if ip netns add "$ns" 2>/dev/null; then
		if ip -n "$ns" link add rl-s0 type veth peer name rl-s1 && ip -n "$ns" link set rl-s0 up &&
			ip -n "$ns" link set rl-s1 up && ip -n "$ns" addr add 10.77.0.1/24 dev rl-s0 &&
			ip -n "$ns" route add default via 10.77.0.2 &&
			ip -n "$ns" link set dev rl-s0 xdp obj examples/counter.o sec xdp; then
			nsenter --net="/run/netns/$ns" build/fuzz/nlcapture "$S/netlink" rl-s0 build/progs/tcx_count.bpfel.o \
				>build/fuzz/nlcapture.log 2>&1 && captured=1
		fi
		ip netns del "$ns"
	fi
	[ $captured -eq 1 ] || { echo "fuzz seeds: netlink capture failed (build/fuzz/nlcapture.log)" >&2; exit 1; }
else
	echo "fuzz seeds: not root: no netlink replies captured (regression inputs only)"
fi

# ---- verifier logs, from the verifier -----------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
	for f in build/progs/bad_verifier.bpfel.o; do
		./rawload load -v "$f" 2>&1 | sed -n '/^rawload: verifier log:$/,$p' | sed 1d >"$S/vlog/$(basename "$f" .o).log"
		[ -s "$S/vlog/$(basename "$f" .o).log" ] || { echo "fuzz seeds: no verifier log from $f" >&2; exit 1; }
	done
fi
printf 'func#0 @0\n0: R1=ctx() R10=fp0\n; return 0; @ x.c:3\n0: (b7) r0 = 0\n1: (95) exit\nprocessed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n' \
	>"$S/vlog/made-up-ok.log"
printf 'R1 type=ctx expected=fp\n; int x = *(int *)0; @ y.c:7\n2: (61) r0 = *(u32 *)(r1 +0)\ninvalid mem access '"'"'scalar'"'"'\nprocessed 3 insns\nstack depth 0\nverification time 5 usec\n' \
	>"$S/vlog/made-up-fail.log"

# ---- section names and argument vectors ---------------------------------------------------------
i=0
for f in $objs; do
	./rawload inspect --json "$f" 2>/dev/null | tr ',' '\n' | sed -n 's/^"section":"\(.*\)"$/\1/p'
done | sort -u | while IFS= read -r sec; do
	i=$((i + 1))
	printf '%s' "$sec" >"$S/probe/sec-$i"
done
for sec in "uprobe/build/uprobe_target:rl_target_func" "uprobe//usr/bin/bash:readline" "uretprobe/libc.so.6:malloc+0x10" \
	"uprobe/build/uprobe_target_nopie:0x1190" "uprobe.s//lib/x86_64-linux-gnu/libc.so.6:free" "kprobe/do_sys_open+0x10" \
	"kretprobe/vfs_read" "ksyscall/kill" "kretsyscall/openat" "tracepoint/syscalls/sys_enter_execve" "tp_btf/sched_switch"; do
	i=$((i + 1))
	printf '%s' "$sec" >"$S/probe/made-$i"
done
# kprobe.multi patterns with the text they are matched against (after a NUL).
[ -r /proc/kallsyms ] && { printf 'tcp_v4_*\0'; head -c 8000 /proc/kallsyms; } >"$S/probe/kmulti-kallsyms"
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	if [ -r "$d/available_filter_functions" ] && head -c 1 "$d/available_filter_functions" >/dev/null 2>&1; then
		{ printf 'vfs_*\0'; head -c 8000 "$d/available_filter_functions"; } >"$S/probe/kmulti-filter-functions"
		break
	fi
done
for spec in input:0 ipv6:prerouting:-100 inet:forward:2147483646 ip:OUTPUT:7; do
	i=$((i + 1))
	printf '%s' "$spec" >"$S/probe/nf-$i"
done
n=0
while IFS= read -r line; do
	n=$((n + 1))
	# shellcheck disable=SC2086 # one argument per word, as a shell would split them
	printf '%s\0' $line >"$S/cli/argv-$n"
done <<'EOF'
examples/show-ip.o eth0
examples/counter.o veth-b -d 4
examples/counter.o rl-rx -i 0.5 --netlink --json -n 3
examples/execsnoop.o -d 3 --trace -v
examples/counter.o rl-rx --replace --mode skb --prog count_packets
build/progs/cgroup_count.bpfel.o --cgroup /sys/fs/cgroup/x --prog-attach --all-maps
examples/counter.o rl-rx --pin /sys/fs/bpf/rawload-x
inspect examples/show-ip.o --json
load examples/counter.o --pin /sys/fs/bpf/x
detach rl-rx --force
unpin /sys/fs/bpf/x -v
examples/counter.o -i 0.001 -n 1
examples/counter.o -i 1000000 -d 0.5
EOF

# ---- trace_pipe ----------------------------------------------------------------------------------
printf '          <idle>-0       [001] d.s31  5231.453120: bpf_trace_printk: 10.1.0.2 -> 10.1.0.1 ttl 64 proto 17\n            ping-2411    [000] ..s21  5232.001882: bpf_trace_printk: seen\n' \
	>"$S/trace/printk-lines"
printf '  kworker/u4:1-77      [001] b..2.  99.1: bpf_trace_printk: a line with no end' >"$S/trace/open-line"
if [ -r /sys/kernel/tracing/trace ]; then
	grep -v '^#' /sys/kernel/tracing/trace 2>/dev/null | head -c 6000 >"$S/trace/trace-buffer"
	[ -s "$S/trace/trace-buffer" ] || rm -f "$S/trace/trace-buffer"
fi

# ---- rings ----------------------------------------------------------------------------------------
$SEEDGEN ringbuf "$S/ringbuf" && $SEEDGEN perfbuf "$S/perfbuf" || { echo "fuzz seeds: seedgen failed" >&2; exit 1; }

# ---- the kernel's texts, mountinfo, executables ---------------------------------------------------
printf 'CONFIG_HZ=250\nCONFIG_BPF=y\n# CONFIG_X is not set\nCONFIG_DEFAULT_HOSTNAME="(none)"\n' | gzip -n >"$S/kfacts/config.gz"
printf 'ffffffff81000000 T _stext\nffffffff81000010 t A\t[m]\n' >"$S/kfacts/kallsyms"
[ -r "/boot/config-$(uname -r)" ] && head -c 16384 "/boot/config-$(uname -r)" >"$S/kfacts/boot-config"
head -c 16384 /proc/kallsyms >"$S/kfacts/proc-kallsyms" 2>/dev/null
head -n 200 /proc/self/mountinfo | split -l 1 - "$S/mountinfo/self-"
cp build/uprobe_target build/uprobe_target_nopie build/uprobe_target_dynsym "$S/elfbin/" 2>/dev/null
cp build/usdt_target build/libusdt_lib.so "$S/usdt/" 2>/dev/null

# ---- verifier logs with their hint fixtures (fuzz_vhint's first byte picks the program type) -------
for f in tests/unit/fixtures/verifier/*/*.log; do
	[ -f "$f" ] && printf 'x' | cat - "$f" >"$S/vhint/$(echo "$f" | tr / _)"
done

total=0
for t in "$S"/*; do
	total=$((total + $(ls "$t" | wc -l)))
done
echo "fuzz seeds: $total in $S ($(ls "$S/netlink" | wc -l) netlink replies captured, $(ls "$S/vlog" | wc -l) verifier logs)"
