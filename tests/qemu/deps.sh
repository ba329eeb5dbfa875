#!/bin/sh
# tests/qemu/deps.sh KERNEL — what `make test-vm KERNEL=6.1|5.10|arm64|s390x` needs beyond
# tests/deps.sh: the qemu-system package for the machine (qemu-system-x86, qemu-system-arm,
# qemu-system-misc for s390x), cpio, and for arm64 and s390x the cross toolchain
# (tests/cross/deps.sh); then the kernel and busybox themselves, fetched as .deb files and unpacked
# under build/vm/ (tests/qemu/fetch.sh: nothing installed, the running kernel untouched). As root,
# missing packages are installed with apt-get; otherwise they are listed.
set -u
cd "$(dirname "$0")/../.." || exit 1
K=${1:-6.1}
case $K in
6.1 | 5.10) qemu=qemu-system-x86_64 qpkg=qemu-system-x86 machine="" ;;
arm64) qemu=qemu-system-aarch64 qpkg=qemu-system-arm machine=aarch64 ;;
s390x) qemu=qemu-system-s390x qpkg=qemu-system-misc machine=s390x ;;
*)
	echo "qemu deps: unknown kernel '$K' (6.1, 5.10, arm64 or s390x)" >&2
	exit 1
	;;
esac
if [ -n "$machine" ]; then
	sh tests/cross/deps.sh "$machine" || exit 1
fi

missing=""
command -v "$qemu" >/dev/null 2>&1 || missing="$missing $qpkg"
command -v cpio >/dev/null 2>&1 || missing="$missing cpio"
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "qemu deps: missing packages:$missing (run as root, e.g. sudo make test-vm KERNEL=$K, to install them)" >&2
		exit 1
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "qemu deps: missing packages:$missing, and no apt-get to install them" >&2
		exit 1
	fi
	echo "qemu deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null &&
		apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null || {
		echo "qemu deps: apt-get install$missing failed" >&2
		exit 1
	}
fi
sh tests/qemu/fetch.sh "$K"
