#!/bin/sh
# tests/qemu/run.sh — `make test-old-kernel`: boot Debian 12's 6.1 kernel under qemu-system-x86_64
# (TCG, no KVM needed; no network device to the host) with an initramfs made here, run
# tests/qemu/guest.sh in it with rawload-static, and judge by the serial console: the guest's
# "N passed, N failed" line, bounded by QEMU_LIMIT seconds (default 600) for the whole run.
# Owns: the initramfs (busybox-static, rawload-static, our static helpers, the objects, the modules
# in /modules.list with their dependencies from modules.dep, the kernel's config at
# /boot/config-KVER), the qemu process (killed by its pid on timeout), the log in build/qemu/.
# Doesn't own: the checks (guest.sh), the packages (deps.sh), building (the Makefile).
# Settings: KVER (default: the newest /boot/vmlinuz-6.1.*-amd64), QEMU_MODULES (default: veth, and
# sch_ingress and cls_bpf for tc programs: the guest has no modprobe to load them on demand),
# QEMU_LIMIT, QEMU_SMP (default 2), QEMU_ACCEL (default tcg), QEMU_GUEST (the script run inside,
# default tests/qemu/guest.sh: another one explores by hand; it must end with "N passed, N failed").
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=build/qemu
LOG=$OUT/serial.log
LIMIT=${QEMU_LIMIT:-600}
KVER=${KVER:-$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)}
MODULES=${QEMU_MODULES:-veth sch_ingress cls_bpf}
MODDIR=/lib/modules/$KVER

die() {
	echo "test-old-kernel: $*" >&2
	exit 1
}
[ -n "$KVER" ] && [ -f "/boot/vmlinuz-$KVER" ] && [ -d "$MODDIR" ] ||
	die "no 6.1 kernel in /boot with modules in /lib/modules (apt-get install linux-image-amd64)"
[ -f "/boot/config-$KVER" ] || die "no /boot/config-$KVER"
GUEST=${QEMU_GUEST:-tests/qemu/guest.sh}
for f in rawload-static $OUT/btfmember $OUT/kquery $OUT/udpsend tests/qemu/init "$GUEST"; do
	[ -f "$f" ] || die "$f is missing (make test-old-kernel builds it)"
done
command -v qemu-system-x86_64 >/dev/null 2>&1 && command -v cpio >/dev/null 2>&1 ||
	die "qemu-system-x86_64 or cpio is missing (tests/qemu/deps.sh)"
# A dynamic busybox would need its libraries in the initramfs.
[ -x /bin/busybox ] && ! readelf -l /bin/busybox 2>/dev/null | grep -q 'program interpreter' ||
	die "/bin/busybox is not a static busybox (apt-get install busybox-static)"

STAGE=""
QPID=""
cleanup() {
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		kill -TERM "$QPID" 2>/dev/null
		sleep 1
		kill -KILL "$QPID" 2>/dev/null
		wait "$QPID" 2>/dev/null
	fi
	[ -n "$STAGE" ] && rm -rf "$STAGE"
	rm -f "$OUT/initramfs.cpio.gz"
}
trap 'rc=$?; trap - EXIT; cleanup; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the initramfs ---------------------------------------------------------------------------------
mkdir -p "$OUT"
STAGE=$(mktemp -d "$OUT/initramfs.XXXXXX") || die "mktemp"
mkdir -p "$STAGE/bin" "$STAGE/proc" "$STAGE/sys" "$STAGE/dev" "$STAGE/tmp" "$STAGE/boot" "$STAGE/rl/bin" \
	"$STAGE/rl/examples" "$STAGE/rl/build/progs" || die "mkdir in $STAGE"
cp /bin/busybox "$STAGE/bin/busybox" && ln -s busybox "$STAGE/bin/sh" &&
	cp tests/qemu/init "$STAGE/init" && chmod 755 "$STAGE/init" && cp "$GUEST" "$STAGE/guest.sh" &&
	cp rawload-static "$STAGE/rl/" && cp $OUT/btfmember $OUT/kquery $OUT/udpsend "$STAGE/rl/bin/" &&
	cp examples/*.o "$STAGE/rl/examples/" && cp build/progs/*.bpfel.o "$STAGE/rl/build/progs/" &&
	cp "/boot/config-$KVER" "$STAGE/boot/" || die "cannot fill $STAGE"
# The verifier-hint programs (clang 14's build) with their sources, whose "expect" lines say the hint.
if [ -d build/progs-verifier/clang ]; then
	mkdir -p "$STAGE/rl/progs-verifier" && cp build/progs-verifier/clang/*.o tests/progs-verifier/*.bpf.c \
		"$STAGE/rl/progs-verifier/" || die "cannot copy the verifier-hint programs"
fi

# Each module after the modules it depends on (modules.dep: "path: dep dep ...").
: >"$STAGE/modules.list"
add_module() { # PATH relative to MODDIR
	grep -qx "$1" "$STAGE/modules.list" && return 0
	am_line=$(grep "^$1:" "$MODDIR/modules.dep") || die "$1 is not in $MODDIR/modules.dep"
	for am_dep in ${am_line#*:}; do
		add_module "$am_dep"
	done
	case $1 in *.ko) ;; *) die "$1: compressed modules are not handled (busybox insmod takes .ko)" ;; esac
	mkdir -p "$STAGE/lib/modules/$KVER/$(dirname "$1")" && cp "$MODDIR/$1" "$STAGE/lib/modules/$KVER/$1" ||
		die "cannot copy $1"
	echo "$1" >>"$STAGE/modules.list"
}
for m in $MODULES; do
	p=$(sed -n "s|^\([^:]*/$m\.ko[^:]*\):.*|\1|p" "$MODDIR/modules.dep" | head -n 1)
	[ -n "$p" ] || die "module $m is not in $MODDIR/modules.dep (built in? then leave it out of QEMU_MODULES)"
	add_module "$p"
done

# The host's kernel and its task_struct layout, for the guest to compare its CO-RE offsets with.
{
	echo "release $(uname -r)"
	$OUT/btfmember /sys/kernel/btf/vmlinux task_struct pid tgid real_parent comm sched_reset_on_fork 2>/dev/null
} >"$STAGE/rl/host-facts"

(cd "$STAGE" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$OUT/initramfs.cpio.gz" ||
	die "cannot pack the initramfs"
echo "test-old-kernel: kernel $KVER, initramfs $(wc -c <"$OUT/initramfs.cpio.gz") bytes (modules: $(echo $(cat "$STAGE/modules.list"))), limit ${LIMIT}s"

# ---- the VM: serial console on stdout (into the log), no network device, no reboot -----------------
# ipv6.disable=1: the veth must carry only the datagrams the guest sends (no router solicitations).
start=$(date +%s)
qemu-system-x86_64 -accel "${QEMU_ACCEL:-tcg}" -m 1G -smp "${QEMU_SMP:-2}" -nographic -no-reboot -nic none \
	-kernel "/boot/vmlinuz-$KVER" -initrd "$OUT/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 ipv6.disable=1 quiet loglevel=4" </dev/null >"$LOG" 2>&1 &
QPID=$!

# Show the guest's result lines as they arrive; stop at the limit.
shown=0
print_new() {
	pn_n=$(wc -l <"$LOG")
	[ "$pn_n" -gt "$shown" ] || return 0
	sed -n "$((shown + 1)),${pn_n}p" "$LOG" | tr -d '\r' | sed -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' |
		grep -E '^(PASS|FAIL|NOTE|guest:|    \||[0-9]+ passed, [0-9]+ failed$)|Kernel panic|BUG:|Oops|qemu'
	shown=$pn_n
}
timed_out=0
while kill -0 "$QPID" 2>/dev/null; do
	print_new
	if [ $(($(date +%s) - start)) -ge "$LIMIT" ]; then
		timed_out=1
		kill -TERM "$QPID" 2>/dev/null
		sleep 2
		kill -KILL "$QPID" 2>/dev/null
		break
	fi
	sleep 1
done
wait "$QPID" 2>/dev/null
qrc=$?
QPID=""
print_new
took=$(($(date +%s) - start))

summary=$(tr -d '\r' <"$LOG" | sed 's/\x1b[^A-Za-z]*[A-Za-z]//g' | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ $timed_out -eq 1 ]; then
	echo "test-old-kernel: FAIL: no end after ${LIMIT}s; qemu killed (serial log: $LOG)"
	exit 1
fi
if [ -z "$summary" ]; then
	echo "test-old-kernel: FAIL: the guest gave no summary (qemu exit $qrc after ${took}s); the end of $LOG:"
	tr -d '\r' <"$LOG" | tail -n 30 | sed 's/^/    /'
	exit 1
fi
echo "test-old-kernel: $KVER under qemu (${QEMU_ACCEL:-tcg}): boot, checks and power-off in ${took}s (serial log: $LOG)"
echo "$summary"
set -- $summary
[ "$1" -gt 0 ] && [ "$3" -eq 0 ]
