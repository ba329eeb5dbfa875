#!/bin/sh
# bench/deps.sh — what `make bench` needs beyond tests/deps.sh (which the bench target runs first):
# Debian's static libbpf and what it links against, for the libbpf comparison loader only. Installed
# with apt-get, as root, only when missing. Never fatal: without them the bench reports the libbpf
# row as not built, with the reason.
set -u

MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
LIB=/usr/lib/$MULTIARCH

# file -> Debian package
need="/usr/include/bpf/libbpf.h:libbpf-dev $LIB/libbpf.a:libbpf-dev $LIB/libelf.a:libelf-dev
$LIB/libz.a:zlib1g-dev"

missing=""
for pair in $need; do
	[ -e "${pair%%:*}" ] && continue
	pkg=${pair#*:}
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "bench: missing packages:$missing (the libbpf loader will not be built)" >&2
	exit 0
fi
echo "bench: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null ||
	echo "bench: apt-get install$missing failed (the libbpf loader will not be built)" >&2
exit 0
