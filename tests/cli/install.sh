#!/bin/sh
# `make install DESTDIR=... PREFIX=/usr/local` installs what it says: the binary, the manual page
# and the BPF headers; examples/counter.bpf.c builds against the installed headers alone (the
# preprocessor's list of files read proves which bpf_helpers.h it took); as root the installed
# binary loads that object; `make uninstall` leaves no file behind.
set -u
cd "${RAWLOAD_ROOT:-$(dirname "$0")/../..}" || exit 1
command -v clang >/dev/null 2>&1 || { echo "clang is not installed"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
P=/usr/local
D=$tmp/root

make -s --no-print-directory install DESTDIR="$D" PREFIX=$P >"$tmp/make.out" 2>&1 ||
	{ echo "make install failed:"; cat "$tmp/make.out"; exit 1; }
[ -x "$D$P/bin/rawload" ] || { echo "no $P/bin/rawload"; exit 1; }
cmp -s rawload "$D$P/bin/rawload" || { echo "$P/bin/rawload is not ./rawload"; exit 1; }
"$D$P/bin/rawload" --help | grep -q '^usage: rawload' || { echo "the installed rawload does not run"; exit 1; }
[ -f "$D$P/share/man/man1/rawload.1" ] || { echo "no $P/share/man/man1/rawload.1"; exit 1; }
if command -v man >/dev/null 2>&1; then
	man -l "$D$P/share/man/man1/rawload.1" 2>&1 | grep -q 'rawload inspect' || { echo "the installed page does not render"; exit 1; }
fi
for h in bpf_helpers.h bpf_helper_defs.h bpf_endian.h bpf_core_read.h bpf_tracing.h; do
	cmp -s "examples/include/bpf/$h" "$D$P/include/rawload/bpf/$h" || { echo "$h not installed as it is"; exit 1; }
done

# The example, built against the installed headers only (and the system's UAPI headers).
MA=$(clang -print-multiarch 2>/dev/null || gcc -print-multiarch)
ARCH=$(uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/; s/s390x/s390/; s/riscv64/riscv/')
clang -O2 -g -target bpf -D__TARGET_ARCH_$ARCH -I"$D$P/include/rawload" -idirafter "/usr/include/$MA" \
	-MD -MF "$tmp/counter.d" -c examples/counter.bpf.c -o "$tmp/counter.o" 2>"$tmp/cc.err" ||
	{ echo "counter.bpf.c does not build against the installed headers:"; cat "$tmp/cc.err"; exit 1; }
grep -q "$D$P/include/rawload/bpf/bpf_helpers.h" "$tmp/counter.d" || { echo "the installed bpf_helpers.h was not used:"; cat "$tmp/counter.d"; exit 1; }
grep -q 'examples/include' "$tmp/counter.d" && { echo "the tree's headers were used:"; cat "$tmp/counter.d"; exit 1; }
if [ "$(id -u)" -eq 0 ]; then
	"$D$P/bin/rawload" load "$tmp/counter.o" >"$tmp/load.out" 2>&1 &&
		grep -q '^prog count_packets .* xdp ' "$tmp/load.out" && grep -q '^map  pkt_count ' "$tmp/load.out" ||
		{ echo "the installed rawload does not load the object:"; cat "$tmp/load.out"; exit 1; }
fi

make -s --no-print-directory uninstall DESTDIR="$D" PREFIX=$P >"$tmp/make.out" 2>&1 ||
	{ echo "make uninstall failed:"; cat "$tmp/make.out"; exit 1; }
left=$(find "$D" -type f)
[ -z "$left" ] || { echo "make uninstall left: $left"; exit 1; }
[ ! -d "$D$P/include/rawload" ] || { echo "make uninstall left $P/include/rawload"; exit 1; }
