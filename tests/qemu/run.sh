#!/bin/sh
# tests/qemu/run.sh — `make test-vm KERNEL=6.1|5.10|arm64|s390x` (`make test-old-kernel` is KERNEL=6.1):
# boot a Debian kernel under qemu-system (TCG, no KVM needed; no network device to the host) with an
# initramfs made here, run tests/qemu/guest.sh in it with the static rawload for that machine, and
# judge by the serial console: the guest's "N passed, N failed" line, bounded by QEMU_LIMIT seconds.
#   6.1    Debian 12's amd64 kernel, qemu-system-x86_64, rawload-static, objects built for x86 (bpfel)
#   5.10   Debian 11's amd64 kernel, the same binary and objects: the fallback paths are the ones taken
#   arm64  Debian 12's arm64 kernel, qemu-system-aarch64 (virt), rawload-static-aarch64, bpfel objects
#          built with -D__TARGET_ARCH_arm64
#   s390x  Debian 12's s390x kernel (big-endian), qemu-system-s390x, rawload-static-s390x, bpfeb objects
#          built with -D__TARGET_ARCH_s390, loaded natively
# Owns: the initramfs (busybox-static and the kernel of tests/qemu/fetch.sh under build/vm/KERNEL, the
# static rawload, our static helpers, the objects, the modules in /modules.list with their
# dependencies (each module's .modinfo "depends="), the kernel's config at /boot/config-KVER,
# /rl/target), the qemu process (killed by its pid on timeout), the log in build/qemu/.
# Doesn't own: the checks (guest.sh), the packages (deps.sh), fetching (fetch.sh), building (Makefile).
# Settings: KERNEL, QEMU_MODULES (default: veth, and sch_ingress and cls_bpf for tc programs: the guest
# has no modprobe to load them on demand), QEMU_LIMIT (default 600 s on x86, 900 s under arm64 and
# s390x emulation), QEMU_SMP (default 2), QEMU_ACCEL (default tcg), QEMU_GUEST (the script run
# inside, default tests/qemu/guest.sh: another one explores by hand; it must end with
# "N passed, N failed"), QEMU_RAWLOAD (another static rawload for that machine, to try a build).
set -u
cd "$(dirname "$0")/../.." || exit 1
KERNEL=${KERNEL:-6.1}
OUT=build/qemu
LOG=$OUT/serial-$KERNEL.log
MODULES=${QEMU_MODULES:-veth sch_ingress cls_bpf}
die() {
	echo "test-vm $KERNEL: $*" >&2
	exit 1
}
# What each kernel runs on: machine (as uname -m says), BPF byte order, qemu and its console.
case $KERNEL in
6.1 | 5.10)
	MACHINE=x86_64 BO=bpfel RL=rawload-static TOOLS=$OUT EXAMPLES=examples PROGS=build/progs
	QEMU="qemu-system-x86_64" CONSOLE=ttyS0 LIMIT=${QEMU_LIMIT:-600}
	;;
arm64)
	MACHINE=aarch64 BO=bpfel RL=rawload-static-aarch64 TOOLS=build/aarch64/qemu EXAMPLES=build/aarch64/examples
	PROGS=build/aarch64/progs
	# pauth-impdef: the architected pointer-authentication algorithm is slow to emulate
	QEMU="qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on" CONSOLE=ttyAMA0 LIMIT=${QEMU_LIMIT:-900}
	;;
s390x)
	MACHINE=s390x BO=bpfeb RL=rawload-static-s390x TOOLS=build/s390x/qemu EXAMPLES=build/s390x/examples
	PROGS=build/s390x/progs
	QEMU="qemu-system-s390x -M s390-ccw-virtio -cpu max" CONSOLE=ttysclp0 LIMIT=${QEMU_LIMIT:-900}
	;;
*) die "unknown kernel (KERNEL=6.1, 5.10, arm64 or s390x)" ;;
esac
RL=${QEMU_RAWLOAD:-$RL}
KROOT=build/vm/$KERNEL/root
BUSYBOX=build/vm/$KERNEL/busybox/bin/busybox
KVER=$(ls "$KROOT/lib/modules" 2>/dev/null | head -n 1)
MODDIR=$KROOT/lib/modules/$KVER
[ -n "$KVER" ] && [ -f "$KROOT/boot/vmlinuz-$KVER" ] && [ -f "$KROOT/boot/config-$KVER" ] && [ -x "$BUSYBOX" ] ||
	die "no kernel in build/vm/$KERNEL (sh tests/qemu/fetch.sh $KERNEL fetches it)"
GUEST=${QEMU_GUEST:-tests/qemu/guest.sh}
for f in "$RL" $TOOLS/btfmember $TOOLS/kquery $TOOLS/udpsend $OUT/btfmember tests/qemu/init "$GUEST"; do
	[ -f "$f" ] || die "$f is missing (make test-vm KERNEL=$KERNEL builds it)"
done
command -v ${QEMU%% *} >/dev/null 2>&1 && command -v cpio >/dev/null 2>&1 && command -v llvm-objcopy >/dev/null 2>&1 ||
	die "${QEMU%% *}, cpio or llvm-objcopy is missing (tests/qemu/deps.sh $KERNEL)"
# A dynamic busybox would need its libraries in the initramfs.
! readelf -l "$BUSYBOX" 2>/dev/null | grep -q 'program interpreter' || die "$BUSYBOX is not a static busybox"

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
	rm -f "$OUT/initramfs-$KERNEL.cpio.gz"
}
trap 'rc=$?; trap - EXIT; cleanup; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the initramfs ---------------------------------------------------------------------------------
mkdir -p "$OUT"
STAGE=$(mktemp -d "$OUT/initramfs.XXXXXX") || die "mktemp"
mkdir -p "$STAGE/bin" "$STAGE/proc" "$STAGE/sys" "$STAGE/dev" "$STAGE/tmp" "$STAGE/boot" "$STAGE/rl/bin" \
	"$STAGE/rl/examples" "$STAGE/rl/build/progs" || die "mkdir in $STAGE"
ls "$PROGS"/*.$BO.o >/dev/null 2>&1 && ls "$EXAMPLES"/*.o >/dev/null 2>&1 || die "no $BO objects in $PROGS or $EXAMPLES"
cp "$BUSYBOX" "$STAGE/bin/busybox" && ln -s busybox "$STAGE/bin/sh" &&
	cp tests/qemu/init "$STAGE/init" && chmod 755 "$STAGE/init" && cp "$GUEST" "$STAGE/guest.sh" &&
	cp "$RL" "$STAGE/rl/rawload-static" && cp $TOOLS/btfmember $TOOLS/kquery $TOOLS/udpsend "$STAGE/rl/bin/" &&
	cp "$EXAMPLES"/*.o "$STAGE/rl/examples/" && cp "$PROGS"/*.$BO.o "$STAGE/rl/build/progs/" &&
	cp "$KROOT/boot/config-$KVER" "$STAGE/boot/" || die "cannot fill $STAGE"
# What the guest is told about itself: which kernel of the matrix, the machine, the objects' byte order.
printf 'KERNEL=%s\nMACHINE=%s\nBO=%s\n' "$KERNEL" "$MACHINE" "$BO" >"$STAGE/rl/target"
# The verifier-hint programs (clang 14's build, bpfel) with their sources, whose "expect" lines say
# the hint: for the little-endian machines.
if [ -d build/progs-verifier/clang ] && [ "$BO" = bpfel ]; then
	mkdir -p "$STAGE/rl/progs-verifier" && cp build/progs-verifier/clang/*.o tests/progs-verifier/*.bpf.c \
		"$STAGE/rl/progs-verifier/" || die "cannot copy the verifier-hint programs"
fi

# Each module after the modules it depends on (its .modinfo "depends=" list, read with llvm-objcopy,
# which reads any machine's ELF: the unpacked package has no modules.dep, made by depmod at install).
# Compressed modules (.ko.xz, Debian's since 6.x) are unpacked here: busybox's insmod takes .ko.
: >"$STAGE/modules.list"
add_module() { # NAME
	am_f=$(find "$MODDIR/kernel" \( -name "$1.ko*" -o -name "$(echo "$1" | tr _ -).ko*" \) | head -n 1)
	[ -n "$am_f" ] || die "module $1 is not in $MODDIR (built in? then leave it out of QEMU_MODULES)"
	am_rel=${am_f#"$MODDIR"/}
	am_rel=${am_rel%.xz}
	am_rel=${am_rel%.zst}
	grep -qx "$am_rel" "$STAGE/modules.list" && return 0
	mkdir -p "$STAGE/lib/modules/$KVER/$(dirname "$am_rel")" || die "mkdir for $am_rel"
	case $am_f in
	*.ko) cp "$am_f" "$STAGE/lib/modules/$KVER/$am_rel" ;;
	*.ko.xz) xz -dc "$am_f" >"$STAGE/lib/modules/$KVER/$am_rel" ;;
	*.ko.zst) zstd -qdc "$am_f" >"$STAGE/lib/modules/$KVER/$am_rel" ;;
	*) false ;;
	esac || die "cannot copy $am_f"
	am_deps=$(llvm-objcopy --dump-section .modinfo=/dev/stdout "$STAGE/lib/modules/$KVER/$am_rel" /dev/null 2>/dev/null |
		tr '\0' '\n' | sed -n 's/^depends=//p' | tr , ' ')
	for am_dep in $am_deps; do
		add_module "$am_dep"
	done
	echo "$am_rel" >>"$STAGE/modules.list"
}
for m in $MODULES; do
	add_module "$m"
done

# The host's kernel and its task_struct layout, for the guest to compare its CO-RE offsets with.
{
	echo "release $(uname -r)"
	$OUT/btfmember /sys/kernel/btf/vmlinux task_struct pid tgid real_parent comm sched_reset_on_fork 2>/dev/null
} >"$STAGE/rl/host-facts"

(cd "$STAGE" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$OUT/initramfs-$KERNEL.cpio.gz" ||
	die "cannot pack the initramfs"
echo "test-vm $KERNEL: kernel $KVER ($MACHINE), initramfs $(wc -c <"$OUT/initramfs-$KERNEL.cpio.gz") bytes (modules: $(echo $(cat "$STAGE/modules.list"))), limit ${LIMIT}s"

# ---- the VM: serial console on stdout (into the log), no network device, no reboot -----------------
# ipv6.disable=1: the veth must carry only the datagrams the guest sends (no router solicitations).
: >"$LOG"
start=$(date +%s)
$QEMU -accel "${QEMU_ACCEL:-tcg}" -m 1G -smp "${QEMU_SMP:-2}" -nographic -no-reboot -nic none \
	-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$OUT/initramfs-$KERNEL.cpio.gz" \
	-append "console=$CONSOLE panic=-1 ipv6.disable=1 quiet loglevel=4" </dev/null >"$LOG" 2>&1 &
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
	echo "test-vm $KERNEL: FAIL: no end after ${LIMIT}s; qemu killed (serial log: $LOG)"
	exit 1
fi
if [ -z "$summary" ]; then
	echo "test-vm $KERNEL: FAIL: the guest gave no summary (qemu exit $qrc after ${took}s); the end of $LOG:"
	tr -d '\r' <"$LOG" | tail -n 30 | sed 's/^/    /'
	exit 1
fi
echo "test-vm $KERNEL: $KVER under ${QEMU%% *} (${QEMU_ACCEL:-tcg}): boot, checks and power-off in ${took}s (serial log: $LOG)"
echo "$summary"
set -- $summary
[ "$1" -gt 0 ] && [ "$3" -eq 0 ]
