#!/bin/sh
# tests/qemu/fetch.sh KERNEL — the kernel and busybox a VM of `make test-vm` boots, as Debian
# packages them: .deb files fetched with `apt-get download` and unpacked with `dpkg-deb -x` under
# build/vm/KERNEL/ (root/: /boot/vmlinuz-*, /boot/config-*, /lib/modules/*; busybox/: bin/busybox).
# Nothing is installed and nothing system-wide changes:
#   6.1    Debian 12's linux-image-amd64 and busybox-static, through the machine's apt;
#   arm64  Debian 12's linux-image-arm64:arm64 and busybox-static:arm64 (the machine's apt with arm64
#          as a foreign architecture: tests/cross/deps.sh aarch64 adds it);
#   s390x  linux-image-s390x from Debian 12's bookworm-backports (6.12: Debian 12's own 6.1 s390x
#          kernel is built without BTF, see README), through a private apt; busybox-static:s390x
#          through the machine's apt (s390x added by tests/cross/deps.sh s390x);
#   5.10   Debian 11's linux-image-amd64 through a private apt, Debian 12's busybox-static.
# A private apt has its own sources list (one suite, component main, the mirror the machine's apt
# uses, the Debian archive keyring), state and cache under build/vm/apt-SUITE/.
# A kernel fetched once is reused (rm -rf build/vm/KERNEL fetches it again). Owns build/vm/.
set -u
cd "$(dirname "$0")/../.." || exit 1
K=${1:?usage: tests/qemu/fetch.sh 6.1|5.10|arm64|s390x}
OUT=build/vm/$K
die() {
	echo "fetch $K: $*" >&2
	exit 1
}
case $K in
6.1 | 5.10) arch=amd64 ;;
arm64) arch=arm64 ;;
s390x) arch=s390x ;;
*) die "unknown kernel (6.1, 5.10, arm64 or s390x)" ;;
esac
[ -f "$OUT/fetched" ] && exit 0
command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || die "needs apt-get and dpkg-deb"

# apt-get download runs as _apt when root: let it write, or download unsandboxed without a warning.
SYSAPT="apt-get -q -o APT::Sandbox::User=root"
case $K in
5.10) suite=bullseye ;;
s390x) suite=bookworm-backports ;;
*) suite="" ;;
esac
APT=$SYSAPT
if [ -n "$suite" ]; then
	# The mirror of the machine's own Debian entry (deb822 or one-line format), else Debian's.
	mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's|^URIs:[[:space:]]*\([^[:space:]]*/debian\)/*[[:space:]]*$|\1|p' | head -n 1)
	[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -n 's|^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*/debian\)/*[[:space:]].*|\2|p' | head -n 1)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	A=$(pwd)/build/vm/apt-$suite
	mkdir -p "$A/state/lists/partial" "$A/cache/archives/partial" || die "mkdir $A"
	: >"$A/status"
	echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$A/sources.list"
	APT="$SYSAPT -o Dir::Etc::SourceList=$A/sources.list -o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o Dir::State=$A/state -o Dir::State::status=$A/status -o Dir::Cache=$A/cache
		-o APT::Architectures::=$arch -o APT::Architecture=$arch"
	echo "fetch $K: private apt-get update ($suite main for $arch from $mirror, state in $A)"
	$APT update >"$A/update.log" 2>&1 || {
		tail -n 5 "$A/update.log" >&2
		die "apt-get update of $suite failed"
	}
fi

# The kernel's own package: the metapackage depends on exactly one linux-image-VERSION-FLAVOUR.
meta=linux-image-$arch:$arch
pkg=$($APT -s install "$meta" 2>/dev/null | sed -n 's/^Inst \(linux-image-[0-9][^ ]*\) .*/\1/p' | head -n 1)
[ -z "$pkg" ] && pkg=$(apt-cache $(echo "$APT" | sed 's/^apt-get -q//') show --no-all-versions "$meta" 2>/dev/null |
	sed -n 's/^Depends: \(linux-image-[0-9][^ ,]*\).*/\1/p' | head -n 1)
[ -n "$pkg" ] || die "cannot tell which package $meta depends on (is $arch in the machine's apt? tests/cross/deps.sh adds it)"
case $pkg in *:*) ;; *) pkg=$pkg:$arch ;; esac

rm -rf "$OUT"
mkdir -p "$OUT/debs" "$OUT/root" "$OUT/busybox" || die "mkdir $OUT"
# busybox-static is Debian 12's for every kernel (the guest's userland stays the same; bullseye's
# 1.30 differs in the applets the checks use), through the machine's apt.
BBAPT=$SYSAPT
echo "fetch $K: apt-get download $pkg${suite:+ ($suite)} busybox-static:$arch"
(cd "$OUT/debs" && $APT download "$pkg" && $BBAPT download "busybox-static:$arch") >"$OUT/download.log" 2>&1 || {
	tail -n 5 "$OUT/download.log" >&2
	die "apt-get download failed"
}
kdeb=$(ls "$OUT"/debs/linux-image-*.deb 2>/dev/null | head -n 1)
bdeb=$(ls "$OUT"/debs/busybox-static_*.deb 2>/dev/null | head -n 1)
[ -n "$kdeb" ] && [ -n "$bdeb" ] || die "the .deb files are not in $OUT/debs"
dpkg-deb -x "$kdeb" "$OUT/root" && dpkg-deb -x "$bdeb" "$OUT/busybox" || die "dpkg-deb -x failed"
kver=$(ls "$OUT/root/lib/modules" | head -n 1)
[ -n "$kver" ] && [ -f "$OUT/root/boot/vmlinuz-$kver" ] && [ -f "$OUT/root/boot/config-$kver" ] ||
	die "$kdeb has no /boot/vmlinuz-KVER, /boot/config-KVER and /lib/modules/KVER"
[ -x "$OUT/busybox/bin/busybox" ] || die "$bdeb has no /bin/busybox"
# Only what the VM needs stays: the .debs go.
rm -rf "$OUT/debs"
{
	echo "kernel $kver"
	echo "package $(basename "$kdeb")"
	echo "busybox $(basename "$bdeb")"
} >"$OUT/fetched"
echo "fetch $K: $kver ($(basename "$kdeb")), $(du -sh "$OUT" | cut -f1) unpacked in $OUT"
