#!/bin/sh
# tests/qemu/fetch.sh KERNEL — the kernel and busybox a VM of `make test-vm` boots, as Debian
# packages them: .deb files fetched with `apt-get download` and unpacked with `dpkg-deb -x` under
# build/vm/KERNEL/ (root/: /boot/vmlinuz-*, /boot/config-*, /lib/modules/*; busybox/: bin/busybox).
# Nothing is installed and nothing system-wide changes:
#   6.1    Debian 12's linux-image-amd64 and busybox-static, through the machine's apt;
#   arm64  Debian 12's linux-image-arm64:arm64 and busybox-static:arm64 (the machine's apt with arm64
#          as a foreign architecture: tests/cross/deps.sh aarch64 adds it);
#   s390x  the same for s390x;
#   5.10   Debian 11's linux-image-amd64 and busybox-static, through a private apt: its own sources
#          list (suite bullseye, component main, the mirror the machine's apt uses, the Debian archive
#          keyring), state and cache directories under build/vm/apt-bullseye/.
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
APT="apt-get -q -o APT::Sandbox::User=root"
if [ "$K" = 5.10 ]; then
	# The mirror of the machine's own Debian entry (deb822 or one-line format), else Debian's.
	mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's|^URIs:[[:space:]]*\([^[:space:]]*/debian\)/*[[:space:]]*$|\1|p' | head -n 1)
	[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -n 's|^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*/debian\)/*[[:space:]].*|\2|p' | head -n 1)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	A=$(pwd)/build/vm/apt-bullseye
	mkdir -p "$A/state/lists/partial" "$A/cache/archives/partial" || die "mkdir $A"
	: >"$A/status"
	echo "deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bullseye main" >"$A/sources.list"
	APT="$APT -o Dir::Etc::SourceList=$A/sources.list -o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o Dir::State=$A/state -o Dir::State::status=$A/status -o Dir::Cache=$A/cache
		-o APT::Architectures::=amd64 -o APT::Architecture=amd64"
	echo "fetch 5.10: private apt-get update (bullseye main from $mirror, state in $A)"
	$APT update >"$A/update.log" 2>&1 || {
		tail -n 5 "$A/update.log" >&2
		die "apt-get update of bullseye failed"
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
echo "fetch $K: apt-get download $pkg busybox-static:$arch"
(cd "$OUT/debs" && $APT download "$pkg" "busybox-static:$arch") >"$OUT/download.log" 2>&1 || {
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
