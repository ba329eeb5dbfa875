# tests/kernel/lib.sh — sourced by the shell kernel tests (tests/kernel/*.sh, run as root by
# tests/run): two network namespaces of the test's own joined by a veth pair (or one with only
# loopback), cgroups of the test's own, rawload started and stopped inside the receiving namespace,
# bounded traffic from the sending one, kernel state read through ip and bpftool (independent
# witnesses), and a clean-up that runs on every exit.
# Doesn't own any assertion: the tests decide what they check. POSIX sh (dash). Run by itself (as
# tests/run does with every tests/kernel/*.sh), it checks the world it makes (see its end).
#
# Traffic rule: datagrams go only from NS_TX to RX_ADDR (inside NS_RX) over the test's veth pair;
# nothing is attached to this machine's own interfaces. IPv6 is off and neighbours are static in
# both namespaces, so the veth carries exactly what the test sends (FACTS.md, "Exact packet counts").
#
# rawload runs in the namespace through `nsenter --net=`, not `ip netns exec`: the latter mounts a
# private /sys, and bpffs pins made under it vanish when the command exits.

set -u
T=$(basename "$0" .sh)
cd "${RAWLOAD_ROOT:-$(dirname "$0")/../..}" || { echo "$T: cannot find the work tree"; exit 1; }
RAWLOAD=./rawload
UDPSEND=./build/udpsend
RL_LIMIT=${RL_LIMIT:-20}         # seconds any one rawload run may take before timeout stops it

fail() {
	echo "$T: FAIL: $*"
	exit 1
}
skip() {
	echo "$T: skip: $*"
	exit 77
}
note() {
	echo "$T: $*"
}

# Exits 77 (skip) naming the first command that is missing.
need() {
	for need_c in "$@"; do
		command -v "$need_c" >/dev/null 2>&1 || skip "$need_c is not installed"
	done
}

[ "$(id -u)" -eq 0 ] || skip "not root"
need ip nsenter bpftool timeout sysctl
for f in "$RAWLOAD" "$UDPSEND" examples/counter.o examples/show-ip.o examples/execsnoop.o; do
	[ -x "$f" ] || [ -f "$f" ] || fail "$f is missing (make rawload examples build/udpsend)"
done

# Names unique to this run: namespaces, pins, temporary files.
NS_TX=rawload-$T-$$-tx
NS_RX=rawload-$T-$$-rx
DEV_TX=rl-tx                     # the veth ends live only inside our namespaces
DEV_RX=rl-rx
NET=10.$((200 + $$ % 50)).$(($$ / 50 % 250 + 1))
TX_ADDR=$NET.1
RX_ADDR=$NET.2
PIN_BASE=/sys/fs/bpf/rawload-$T-$$   # pin directories are "$PIN_BASE-something"
TMP=$(mktemp -d "/tmp/rawload-$T.XXXXXX") || fail "mktemp"
NETNS_MADE=""
CGROUPS_MADE=""                  # cgroup directories the test made, removed by the clean-up
RL_PIDS=""                       # timeout's pid for every run started in the background
RL_WRAP=""                       # words run before nsenter in rl_run/rl_start (a wrapper that execs
                                 # its arguments in the same process); empty: none

# ---- clean-up ------------------------------------------------------------------------------------

# Stops what is still running (SIGTERM, rawload's clean detach; SIGKILL after 3 s), unpins and
# removes our pins, deletes our namespaces (their veths and whatever is attached to them go too)
# and our cgroups (their BPF programs go with them).
cleanup() {
	for cl_t in $RL_PIDS; do
		cl_r=$(cat "/proc/$cl_t/task/$cl_t/children" 2>/dev/null)
		cl_r=${cl_r%% *}
		if [ -n "$cl_r" ]; then
			kill -TERM "$cl_r" 2>/dev/null
			cl_i=0
			while kill -0 "$cl_r" 2>/dev/null && [ $cl_i -lt 30 ]; do sleep 0.1; cl_i=$((cl_i + 1)); done
			kill -KILL "$cl_r" 2>/dev/null
		fi
		kill -KILL "$cl_t" 2>/dev/null
		wait "$cl_t" 2>/dev/null
	done
	RL_PIDS=""
	for cl_d in "$PIN_BASE"*; do
		[ -e "$cl_d" ] || continue
		if [ -e "/run/netns/$NS_RX" ]; then
			timeout -s KILL 10 nsenter --net="/run/netns/$NS_RX" "$RAWLOAD" unpin "$cl_d" >/dev/null 2>&1
		fi
		rm -rf "$cl_d"
	done
	for cl_n in $NETNS_MADE; do
		ip netns del "$cl_n" 2>/dev/null
	done
	NETNS_MADE=""
	# Only processes of this test ever join these cgroups, each bounded by timeout: wait for them.
	for cl_c in $CGROUPS_MADE; do
		cl_i=0
		while ! rmdir "$cl_c" 2>/dev/null && [ -d "$cl_c" ] && [ $cl_i -lt 50 ]; do
			sleep 0.1
			cl_i=$((cl_i + 1))
		done
		[ ! -d "$cl_c" ] || echo "$T: clean-up could not remove cgroup $cl_c: $(cat "$cl_c/cgroup.procs" 2>&1)"
	done
	CGROUPS_MADE=""
	rm -rf "$TMP"
}
trap 'rc=$?; trap - EXIT; cleanup; exit $rc' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the two namespaces --------------------------------------------------------------------------

# NS_TX (TX_ADDR on DEV_TX) and NS_RX (RX_ADDR on DEV_RX), IPv6 off before the veth exists, lo and
# the veth up, static neighbours both ways.
setup_net() {
	for sn_n in "$NS_TX" "$NS_RX"; do
		ip netns add "$sn_n" || fail "ip netns add $sn_n"
		NETNS_MADE="$NETNS_MADE $sn_n"
		nsenter --net="/run/netns/$sn_n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || fail "$sn_n: cannot disable IPv6"
		ip -n "$sn_n" link set lo up || fail "$sn_n: lo up"
	done
	ip -n "$NS_TX" link add "$DEV_TX" type veth peer name "$DEV_RX" netns "$NS_RX" || fail "veth pair"
	ip -n "$NS_TX" addr add "$TX_ADDR/24" dev "$DEV_TX" || fail "address $TX_ADDR"
	ip -n "$NS_RX" addr add "$RX_ADDR/24" dev "$DEV_RX" || fail "address $RX_ADDR"
	sn_mtx=$(mac_of "$NS_TX" "$DEV_TX") sn_mrx=$(mac_of "$NS_RX" "$DEV_RX")
	[ -n "$sn_mtx" ] && [ -n "$sn_mrx" ] || fail "cannot read the veth addresses"
	ip -n "$NS_TX" neigh replace "$RX_ADDR" lladdr "$sn_mrx" dev "$DEV_TX" nud permanent || fail "neigh in $NS_TX"
	ip -n "$NS_RX" neigh replace "$TX_ADDR" lladdr "$sn_mtx" dev "$DEV_RX" nud permanent || fail "neigh in $NS_RX"
	ip -n "$NS_TX" link set "$DEV_TX" up || fail "$DEV_TX up"
	ip -n "$NS_RX" link set "$DEV_RX" up || fail "$DEV_RX up"
	for sn_n in "$NS_TX" "$NS_RX"; do
		[ "$(nsenter --net="/run/netns/$sn_n" sysctl -n net.ipv6.conf.all.disable_ipv6)" = 1 ] ||
			fail "$sn_n: IPv6 still on"
	done
}

# NS_RX alone, with loopback up and IPv6 off: for tests whose traffic never leaves one namespace.
setup_lo() {
	ip netns add "$NS_RX" || fail "ip netns add $NS_RX"
	NETNS_MADE="$NETNS_MADE $NS_RX"
	nsenter --net="/run/netns/$NS_RX" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 || fail "$NS_RX: cannot disable IPv6"
	ip -n "$NS_RX" link set lo up || fail "$NS_RX: lo up"
}

mac_of() {
	ip -n "$1" link show dev "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# Run a command in the receiving / sending namespace (network namespace only: same mounts, so
# bpffs pins stay).
in_rx() {
	nsenter --net="/run/netns/$NS_RX" "$@"
}
in_tx() {
	nsenter --net="/run/netns/$NS_TX" "$@"
}

# send N [TTL]: exactly N UDP datagrams from NS_TX to RX_ADDR (port 9), bounded in time.
send() {
	timeout -s KILL 10 nsenter --net="/run/netns/$NS_TX" "$UDPSEND" "$RX_ADDR" 9 "$1" 0 "${2:-64}" ||
		fail "udpsend $1 datagrams failed"
}

# ---- rawload runs --------------------------------------------------------------------------------

# How rawload runs: in NS_RX once setup_net made it, else where the test runs (tracepoints).
rl_where() {
	if [ -e "/run/netns/$NS_RX" ]; then
		echo "--net=/run/netns/$NS_RX"
	else
		echo "--net=/proc/self/ns/net"
	fi
}

# rl_run NAME ARGS...: rawload ARGS in NS_RX, in the foreground, bounded by RL_LIMIT; stdout in
# $TMP/NAME.out, stderr in $TMP/NAME.err, exit status in RL_RC (124: it timed out).
rl_run() {
	rr_name=$1
	shift
	timeout -s INT -k 5 "$RL_LIMIT" $RL_WRAP nsenter "$(rl_where)" "$RAWLOAD" "$@" \
		>"$TMP/$rr_name.out" 2>"$TMP/$rr_name.err"
	RL_RC=$?
}

# rl_start NAME ARGS...: the same in the background. Sets RL_TPID (timeout's pid) and RL_PID
# (rawload's: timeout's child, which execs nsenter, which execs rawload).
rl_start() {
	rs_name=$1
	shift
	rs_where=$(rl_where) # expanded here: a $(...) in the background command would be a child too
	timeout -s INT -k 5 "$RL_LIMIT" $RL_WRAP nsenter "$rs_where" "$RAWLOAD" "$@" \
		>"$TMP/$rs_name.out" 2>"$TMP/$rs_name.err" &
	RL_TPID=$!
	RL_PIDS="$RL_PIDS $RL_TPID"
	RL_PID=""
	rs_i=0
	while [ -z "$RL_PID" ] && [ $rs_i -lt 100 ]; do
		# once the background shell is timeout and has forked: "PID " without a newline
		if [ "$(cat "/proc/$RL_TPID/comm" 2>/dev/null)" = timeout ]; then
			RL_PID=$(cat "/proc/$RL_TPID/task/$RL_TPID/children" 2>/dev/null)
			RL_PID=${RL_PID%% *}
		fi
		[ -n "$RL_PID" ] || sleep 0.05
		rs_i=$((rs_i + 1))
	done
	[ -n "$RL_PID" ] || fail "$rs_name: rawload did not start"
}

# rl_wait: wait for the background run to end; its status in RL_RC.
rl_wait() {
	wait "$RL_TPID"
	RL_RC=$?
	rw_new=""
	for rw_p in $RL_PIDS; do
		[ "$rw_p" = "$RL_TPID" ] || rw_new="$rw_new $rw_p"
	done
	RL_PIDS=$rw_new
}

# rl_stop SIG: send SIG to the background rawload and wait for it; status in RL_RC.
rl_stop() {
	kill -s "$1" "$RL_PID" || fail "kill -s $1 $RL_PID"
	rl_wait
}

# rl_wait_line NAME PATTERN: until $TMP/NAME.err has a line matching PATTERN (grep -E), bounded;
# fails early if the background rawload exited.
rl_wait_line() {
	rwl_i=0
	while ! grep -Eq -- "$2" "$TMP/$1.err" 2>/dev/null; do
		if ! kill -0 "$RL_PID" 2>/dev/null; then
			rl_wait
			fail "$1: rawload exited ($RL_RC) before printing '$2': $(cat "$TMP/$1.err")"
		fi
		[ $rwl_i -lt 100 ] || fail "$1: no '$2' after 10 s: $(cat "$TMP/$1.err")"
		sleep 0.1
		rwl_i=$((rwl_i + 1))
	done
}

# rl_wait_attached NAME: until the run reports "attached to".
rl_wait_attached() {
	rl_wait_line "$1" 'attached to'
}

# retry N CMD...: run CMD up to N times, 0.1 s apart, until it succeeds. Status of the last try.
retry() {
	rt_n=$1
	shift
	rt_i=1
	while ! "$@"; do
		[ $rt_i -lt "$rt_n" ] || return 1
		sleep 0.1
		rt_i=$((rt_i + 1))
	done
	return 0
}

# ---- cgroups -------------------------------------------------------------------------------------

# The first cgroup v2 mount point in /proc/self/mountinfo (fields after " - ": type, source, ...).
cgroup2_mount() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
		/proc/self/mountinfo | head -n 1
}

# make_cgroup NAME: a cgroup of this test's own under the cgroup2 mount, removed by the clean-up.
# Its path in CG.
make_cgroup() {
	mc_m=$(cgroup2_mount)
	[ -n "$mc_m" ] || fail "no cgroup2 mount in /proc/self/mountinfo"
	CG=$mc_m/rawload-$T-$$-$1
	mkdir "$CG" || fail "mkdir $CG"
	CGROUPS_MADE="$CGROUPS_MADE $CG"
}

# in_cgroup DIR CMD...: CMD as a process of cgroup DIR (the shell moves itself there, then execs),
# bounded by 10 s.
in_cgroup() {
	ic_cg=$1
	shift
	timeout -s KILL 10 sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$ic_cg" "$@"
}

# ---- kernel state, through ip and bpftool --------------------------------------------------------

# Does `ip link show` list an XDP program on DEV_RX (of NS_RX, or NS DEV when given)?
xdp_attached() {
	ip -n "${1:-$NS_RX}" link show dev "${2:-$DEV_RX}" | grep -q 'prog/xdp id'
}
xdp_detached() {
	! xdp_attached "$@"
}
# The id and the name of the XDP program on DEV_RX; empty when none.
xdp_prog_id() {
	ip -n "${1:-$NS_RX}" link show dev "${2:-$DEV_RX}" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}
xdp_prog_name() {
	ip -n "${1:-$NS_RX}" link show dev "${2:-$DEV_RX}" | sed -n 's/.*prog\/xdp id [0-9]* name \([^ ]*\).*/\1/p'
}
# The XDP mode flag `ip link` shows: xdp (native), xdpgeneric, xdpoffload.
xdp_mode_word() {
	ip -n "${1:-$NS_RX}" link show dev "${2:-$DEV_RX}" | sed -n '1s/.* \(xdp[a-z]*\) .*/\1/p'
}

# our_progs NAME: how many programs called NAME `bpftool prog show` lists. Other tests on the
# machine may load programs of the same name; the tests decide by program id (prog_exists).
our_progs() {
	bpftool prog show | grep -c " name $1 " || true
}
prog_exists() {
	bpftool prog show id "$1" >/dev/null 2>&1
}
prog_gone() {
	! prog_exists "$1"
}
# The ids of the programs called NAME.
prog_ids_named() {
	bpftool prog show | sed -n "s/^\([0-9]*\): [a-z_]*  name $1 .*/\1/p"
}
# remember_ids NAME: note the programs called NAME now; new_ids NAME: those loaded since (other
# tests on the machine may load programs of the same name meanwhile: check with retry).
remember_ids() {
	prog_ids_named "$1" | sort >"$TMP/ids.$1"
}
new_ids() {
	prog_ids_named "$1" | sort | comm -13 "$TMP/ids.$1" -
}
no_new_ids() {
	[ -z "$(new_ids "$1")" ]
}
# our_links ID...: the `bpftool link show` entries (first lines) whose program is one of ID.
our_links() {
	bpftool link show | while read -r ol_line; do
		for ol_id in "$@"; do
			case "$ol_line " in *" prog $ol_id "*) echo "$ol_line" ;; esac
		done
	done
}
no_links() {
	[ -z "$(our_links "$@")" ]
}

# pid_prog_ids PID / pid_link_ids PID: the programs / links a process holds fds of (its fdinfo).
pid_prog_ids() {
	cat "/proc/$1/fdinfo/"* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' | sort -u
}
pid_link_ids() {
	cat "/proc/$1/fdinfo/"* 2>/dev/null | sed -n 's/^link_id:[[:space:]]*//p' | sort -u
}

# wait_gone ID... : until no program ID exists and no link holds one (program release and link
# release are deferred in the kernel; allow 5 s).
wait_gone() {
	for wg_id in "$@"; do
		retry 50 prog_gone "$wg_id" || fail "program id $wg_id is still loaded: $(bpftool prog show id "$wg_id" | head -n 1)"
	done
	retry 50 no_links "$@" || fail "links remain for program(s) $*: $(our_links "$@")"
}

# The display's lines without the change it shows after a value ("  (+56, 56.0/s)", "  (-3)",
# "  (new)", "  (packets +7 7.00/s, bytes +420 420/s)", and on a terminal a sparkline after it):
# each line as a snapshot showed it before rates existed. Filters FILE... or stdin.
no_change() {
	sed 's/  ([^()]*)\( [^ ()]*\)\{0,1\}$//' "$@"
}

# Last value of counter's pkt_count[0] in a text or --json output file; empty when none shown.
last_count() {
	no_change "$1" | sed -n -e 's/^pkt_count\[0\] = \([0-9]*\)$/\1/p' \
		-e 's/.*"pkt_count":\[{"key":0,"value":\([0-9]*\)[,}].*/\1/p' | tail -n 1
}
# count_is FILE N: has the last snapshot in FILE shown pkt_count[0] = N?
count_is() {
	[ "$(last_count "$1")" = "$2" ]
}
# bpftool's reading of a pinned counter map (slot 0).
pinned_count() {
	bpftool -j map dump pinned "$1" | sed -n 's/.*"formatted":{"key":0,"value":\([0-9]*\)}.*/\1/p'
}

# ---- run by itself (tests/run runs every tests/kernel/*.sh): a check of the world the helpers make
# Both veth ends have IPv6 off, neighbours are permanent, the receiving veth counts exactly the
# datagrams sent (no BPF involved), and the clean-up leaves no namespace behind.
rx_packets() {
	ip -n "$NS_RX" -s link show dev "$DEV_RX" | awk '/RX:/ { getline; print $2; exit }'
}
rx_packets_are() {
	[ "$(rx_packets)" = "$1" ]
}
if [ "$T" = lib ]; then
	setup_net
	for lt in "$NS_TX:$DEV_TX" "$NS_RX:$DEV_RX"; do
		lt_ns=${lt%%:*} lt_dev=${lt#*:}
		[ "$(nsenter --net="/run/netns/$lt_ns" sysctl -n "net.ipv6.conf.$lt_dev.disable_ipv6")" = 1 ] ||
			fail "$lt_dev: IPv6 not disabled"
		ip -n "$lt_ns" neigh show dev "$lt_dev" | grep -q ' PERMANENT' || fail "$lt_dev: no permanent neighbour"
		! ip -n "$lt_ns" -6 addr show dev "$lt_dev" | grep -q inet6 || fail "$lt_dev: has an IPv6 address"
	done
	sleep 0.5 # anything the veth would send by itself when it comes up
	lt_rx0=$(rx_packets)
	[ -n "$lt_rx0" ] || fail "cannot read the packet counters of $DEV_RX"
	send 25
	retry 50 rx_packets_are $((lt_rx0 + 25)) || fail "$DEV_RX received $(($(rx_packets) - lt_rx0)) packets, 25 sent"
	sleep 0.5
	rx_packets_are $((lt_rx0 + 25)) || fail "$DEV_RX received $(($(rx_packets) - lt_rx0)) packets after a pause, 25 sent"
	lt_made=$NETNS_MADE
	cleanup
	for lt_n in $lt_made; do
		[ ! -e "/run/netns/$lt_n" ] || fail "clean-up left namespace $lt_n"
	done
	note "two namespaces, IPv6 off, static neighbours: 25 datagrams sent, 25 received ($lt_rx0 before); clean-up left nothing"
fi
