#!/bin/sh
# tests/cross/deps.sh MACHINE — what a cross build for MACHINE (aarch64, s390x, armhf) needs: the
# machine as a dpkg foreign architecture, its musl-dev (Debian's /usr/bin/<triple>-gcc wrapper, which
# brings the cross gcc and the cross UAPI headers in /usr/<gnu triple>/include) and qemu-user-static
# to run the unit tests. As root what is missing is installed with apt-get (dpkg --add-architecture
# and apt-get update first when the architecture is new); otherwise it is listed. This machine's own
# architecture needs nothing here (tests/deps.sh has musl-tools).
set -u
m=${1:?usage: tests/cross/deps.sh MACHINE}
[ "$m" = "$(uname -m)" ] && exit 0
case $m in
aarch64) deb=arm64 triple=aarch64-linux-musl gnu=aarch64-linux-gnu qemu=qemu-aarch64-static ;;
s390x) deb=s390x triple=s390x-linux-musl gnu=s390x-linux-gnu qemu=qemu-s390x-static ;;
armhf) deb=armhf triple=arm-linux-musleabihf gnu=arm-linux-gnueabihf qemu=qemu-arm-static ;;
riscv64)
	echo "cross: riscv64 is not an architecture of Debian 12 (bookworm's release architectures are amd64, arm64, armel, armhf, i386, mips64el, mipsel, ppc64el, s390x): there is no musl-dev:riscv64 to build against; use ARCH=armhf, aarch64 or s390x" >&2
	exit 1
	;;
*)
	echo "cross: unknown machine '$m' (ARCH=aarch64, s390x or armhf; arm64, s390 and arm are taken too)" >&2
	exit 1
	;;
esac

missing=""
dpkg-query -W -f='${Status}\n' "musl-dev:$deb" 2>/dev/null | grep -q 'install ok installed' &&
	[ -x "/usr/bin/$triple-gcc" ] && [ -d "/usr/$gnu/include/asm" ] || missing="$missing musl-dev:$deb"
command -v "$qemu" >/dev/null 2>&1 || missing="$missing qemu-user-static"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "cross deps: missing packages:$missing (run as root to install them; needs 'dpkg --add-architecture $deb')" >&2
	exit 1
fi
command -v apt-get >/dev/null 2>&1 || {
	echo "cross deps: missing packages:$missing, and no apt-get to install them" >&2
	exit 1
}
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx "$deb" && [ "$deb" != "$(dpkg --print-architecture)" ]; then
	echo "cross deps: dpkg --add-architecture $deb"
	dpkg --add-architecture "$deb" || exit 1
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || {
		echo "cross deps: apt-get update failed" >&2
		exit 1
	}
elif [ ! -d /var/lib/apt/lists ] || ! ls /var/lib/apt/lists/*_binary-"$deb"_Packages* >/dev/null 2>&1; then
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
fi
echo "cross deps: installing$missing"
apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing >/dev/null || {
	echo "cross deps: apt-get install$missing failed" >&2
	exit 1
}
