#!/bin/sh
# tests/deps.sh — make sure what building and testing need is installed. As root, missing Debian
# packages are installed with apt-get; as another user, what is missing is listed and the build
# goes on (unit tests need only the compilers).
set -u

# command -> Debian package
need="cc:gcc make:make clang:clang clang-19:clang-19 llvm-strip:llvm llvm-readelf:llvm musl-gcc:musl-tools
bpftool:bpftool ip:iproute2 nsenter:util-linux setpriv:util-linux nm:binutils readelf:binutils gzip:gzip
unshare:util-linux chroot:coreutils llvm-objcopy:llvm jq:jq groff:groff-base man:man-db mandoc:mandoc strace:strace"
[ -f /usr/include/linux/bpf.h ] || need="$need /usr/include/linux/bpf.h:linux-libc-dev"
# <sys/sdt.h> for the USDT test target (Debian puts it in the multiarch include directory)
sdt=/usr/include/sys/sdt.h
for f in /usr/include/*/sys/sdt.h; do [ -e "$f" ] && sdt=$f; done
need="$need $sdt:systemtap-sdt-dev"

missing=""
for pair in $need; do
	cmd=${pair%%:*}
	pkg=${pair#*:}
	case $cmd in
	/*) [ -e "$cmd" ] && continue ;;
	*) command -v "$cmd" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
# libFuzzer, clang's runtime (Debian: libclang-rt-N-dev, which clang only recommends): the fuzz
# targets make test replays are linked with it.
if command -v clang >/dev/null 2>&1; then
	rt=$(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a" 2>/dev/null)
	if [ ! -e "$rt" ]; then
		v=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
		missing="$missing libclang-rt-${v:-14}-dev"
	fi
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing (run as root, e.g. sudo make test, to install them)" >&2
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages:$missing, and no apt-get to install them" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
	echo "deps: apt-get install$missing failed" >&2
	exit 1
}
