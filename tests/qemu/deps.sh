#!/bin/sh
# tests/qemu/deps.sh — what `make test-old-kernel` needs beyond tests/deps.sh: qemu-system-x86,
# cpio, a static busybox (busybox-static) and Debian 12's 6.1 kernel (linux-image-amd64: its
# /boot/vmlinuz-6.1.* and /lib/modules/6.1.*; installing it does not change the running kernel,
# nothing reboots). As root, what is missing is installed with apt-get; otherwise it is listed.
set -u

missing=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu-system-x86"
command -v cpio >/dev/null 2>&1 || missing="$missing cpio"
# The dynamic busybox package installs /bin/busybox too: ask dpkg for the static one.
dpkg-query -W -f='${Status}\n' busybox-static 2>/dev/null | grep -q 'install ok installed' ||
	missing="$missing busybox-static"
ls /boot/vmlinuz-6.1.*-amd64 >/dev/null 2>&1 || missing="$missing linux-image-amd64"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "qemu deps: missing packages:$missing (run as root, e.g. sudo make test-old-kernel, to install them)" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "qemu deps: missing packages:$missing, and no apt-get to install them" >&2
	exit 1
fi
echo "qemu deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
	echo "qemu deps: apt-get install$missing failed" >&2
	exit 1
}
