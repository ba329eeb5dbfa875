#!/bin/sh
# tests/qemu/guest.sh — the checks run inside a VM of `make test-vm` (tests/qemu/run.sh), with
# rawload-static and busybox only. Each check compares with a truth the kernel or the object gives
# (the kernel's BTF read by our own btfmember, the kernel's config file, uname, netlink and
# BPF_PROG_QUERY through our own kquery, packet counts we sent, pids we made), not with rawload's
# exit status alone. Prints "PASS name: ..." / "FAIL name: ..." per check, "NOTE ..." for what is
# reported rather than judged, and ends with "N passed, N failed".
# Layout (made by run.sh): /rl/rawload-static, /rl/bin/{btfmember,kquery,udpsend}, the objects under
# /rl/examples and /rl/build/progs (*.bpfel.o, or *.bpfeb.o on s390x), /rl/host-facts (the host's
# release and task_struct offsets), /rl/target (which kernel of the matrix this is).
# POSIX sh, run by busybox ash. The VM is ours: one veth pair, one extra network namespace.
set -u
# KERNEL (6.1, 5.10, arm64, s390x), MACHINE (uname -m) and BO (the objects' byte order), from run.sh
KERNEL=6.1 MACHINE=x86_64 BO=bpfel
. /rl/target
# The paths each kernel must take (kernel facts, not guesses): perf links came with 5.15 (before,
# PERF_EVENT_IOC_SET_BPF), tracing links with 5.13 (before, BPF_RAW_TRACEPOINT_OPEN), memcg
# accounting of BPF memory with 5.11 (before, RLIMIT_MEMLOCK, 64 KiB for init, is charged).
# tcx links came with 6.6 (before, tc filters through rtnetlink). The s390x kernel is 6.12.
case $KERNEL in
5.10) PERF_HOW="perf ioctl" TRACING_HOW=raw_tracepoint_open MEMLOCK_CHARGED=1 TCX_HOW="tc netlink" ;;
s390x) PERF_HOW="perf link" TRACING_HOW=bpf_link MEMLOCK_CHARGED=0 TCX_HOW="tcx link" ;;
*) PERF_HOW="perf link" TRACING_HOW=bpf_link MEMLOCK_CHARGED=0 TCX_HOW="tc netlink" ;;
esac
# A kernel built without the BPF JIT (Debian's s390x kernels) interprets programs: callbacks, kfunc
# calls and trampolines (fentry, fexit, lsm) need the JIT, and its config has no CONFIG_BPF_JIT.
if grep -q '^CONFIG_BPF_JIT=y' "/boot/config-$(uname -r)"; then JIT=1; else JIT=0; fi
# A system call's wrapped entry point (ksyscall attaches there): arch/*/include/asm/syscall_wrapper.h
case $MACHINE in
aarch64) SYS_PREFIX=__arm64_sys_ ;;
s390x) SYS_PREFIX=__s390x_sys_ ;;
*) SYS_PREFIX=__x64_sys_ ;;
esac
RL=/rl/rawload-static
BIN=/rl/bin
PROGS=/rl/build/progs
T=/tmp/guest
mkdir -p "$T"
passed=0 failed=0

pass() {
	passed=$((passed + 1))
	echo "PASS $*"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL $*"
}
note() {
	echo "NOTE $*"
}
# show FILE [N]: the last N (30) lines of FILE ("-": standard input), indented: a failure's context
show() {
	if [ "$1" = - ]; then
		tail -n "${2:-30}"
	else
		tail -n "${2:-30}" "$1"
	fi | sed 's/^/    | /'
}

# retry N CMD...: CMD up to N times, 0.1 s apart, until it succeeds.
retry() {
	rt_n=$1
	shift
	rt_i=1
	while ! "$@"; do
		[ $rt_i -lt "$rt_n" ] || return 1
		sleep 0.1
		rt_i=$((rt_i + 1))
	done
}

# rl_start NAME ARGS...: rawload in the background, bounded (busybox timeout execs the command in
# its own pid, so RL_PID is rawload's); stdout in $T/NAME.out, stderr in $T/NAME.err.
rl_start() {
	rs_name=$1
	shift
	timeout -s INT 120 "$RL" "$@" >"$T/$rs_name.out" 2>"$T/$rs_name.err" &
	RL_PID=$!
}
# rl_stop SIG: signal the background rawload, wait; exit status in RL_RC.
rl_stop() {
	kill -s "$1" "$RL_PID" 2>/dev/null
	wait "$RL_PID"
	RL_RC=$?
}
# wait_line NAME PATTERN: until $T/NAME.err matches PATTERN (grep -E), 60 s at most (TCG is slow);
# fails early when rawload exited.
wait_line() {
	wl_i=0
	while ! grep -Eq -- "$2" "$T/$1.err" 2>/dev/null; do
		kill -0 "$RL_PID" 2>/dev/null || return 1
		[ $wl_i -lt 600 ] || return 1
		sleep 0.1
		wl_i=$((wl_i + 1))
	done
}
# last_value MAP KEY FILE: the last "MAP[KEY] = V" a text snapshot in FILE showed (without the
# change shown after V: "  (+56, 56.0/s)", "  (new)").
last_value() {
	grep -F "$1[$2] = " "$3" | tail -n 1 | sed -e 's/^[^=]*= //' -e 's/  ([^()]*)$//'
}
value_is() { # MAP KEY FILE V
	[ "$(last_value "$1" "$2" "$3")" = "$4" ]
}
prog_gone() {
	! "$BIN/kquery" prog "$1" >/dev/null
}
# pid_prog_ids PID / pid_link_types PID: the programs, and the kinds of links, a process holds.
pid_prog_ids() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' | sort -u
}
pid_link_types() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null | sed -n 's/^link_type:[[:space:]]*//p' | sort | tr '\n' ' '
}

# ---- 1. every object loads, or fails, as on the development kernel ----------------------------------
# Truth: the programs the object holds (rawload inspect, pure) each get a kernel id; the objects made
# to fail fail with their reason. sections.$BO.o: on the development kernel (6.18, lockdown)
# p_fentry, p_fexit and p_lsm fail with EPERM; here they may load. p_weird has no program type and
# is refused alone (a partial load, exit 3). Which objects needed the BTF rewrite ladder is reported.
check_objects() {
	rewritten=""
	for obj in /rl/examples/*.o "$PROGS"/*.$BO.o; do
		n=${obj##*/}
		timeout -s KILL 120 "$RL" load -v "$obj" >"$T/o.out" 2>"$T/o.err"
		rc=$?
		# the fallbacks of the load passes: BTF kinds rewritten ("retrying"), map BTF ids dropped
		# ("created without them"), an optional expected_attach_type dropped ("without it")
		fb='retrying\|created without them\|takes the program without it'
		if grep -q "$fb" "$T/o.err"; then
			rewritten="$rewritten $n: $(grep "$fb" "$T/o.err" | sed 's/^rawload: //' | tr '\n' ';')"
		fi
		# the BTF kinds rewritten for this kernel, per object, for check_fallbacks
		cf_kinds=$(sed -n 's/^rawload: btf: retrying with \(.*\) rewritten$/\1/p' "$T/o.err" | tr '\n' ',')
		[ -n "$cf_kinds" ] && echo "$n ${cf_kinds%,} $rc" >>"$T/btf-rewritten"
		cp_exp=$(expected_refusals "$n")
		if [ -n "$cp_exp" ]; then
			check_refusals "$obj" $rc "$cp_exp"
			continue
		fi
		case $n in
		bad_verifier.$BO.o)
			# the source line comes from the object's line_info, through the kernel's log
			if [ $rc -eq 1 ] && grep -q "bad_access" "$T/o.err" && grep -q "invalid access to packet" "$T/o.err" &&
				grep -q '^; .*/\* BAD LINE \*/' "$T/o.err"; then
				pass "load $n: refused by the verifier (exit $rc), source line quoted: $(grep -m1 'BAD LINE' "$T/o.err")"
				grep -q 'bad_verifier\.bpf\.c:[0-9]' "$T/o.err" ||
					note "load $n: this kernel's log quotes the line without ' @ file:line' (newer kernels add it; rawload shows what the kernel gives)"
			else
				fail "load $n: exit $rc, expected the verifier's 'invalid access to packet' for bad_access"
				show "$T/o.err"
			fi
			;;
		externs_missing.$BO.o)
			# its one program uses the missing extern: refused, nothing usable loads (exit 1)
			if [ $rc -eq 1 ] && grep -qF "refused: extern 'CONFIG_RAWLOAD_MISSING': not set in the kernel's config" "$T/o.out"; then
				pass "load $n: its program refused naming CONFIG_RAWLOAD_MISSING, exit 1 (nothing usable)"
			else
				fail "load $n: exit $rc, expected 1 and \"refused: extern 'CONFIG_RAWLOAD_MISSING': not set in the kernel's config\""
				show "$T/o.err"
				show "$T/o.out"
			fi
			;;
		partial.$BO.o)
			check_partial $rc
			;;
		struct_ops.$BO.o | struct_ops_sched_ext.$BO.o)
			# struct_ops types no kernel here has (rl_demo_ops; sched_ext_ops came in 6.12)
			# (their maps refused, and the programs they use with them: nothing usable, exit 1)
			if [ $rc -eq 1 ] && grep -q "refused: this kernel has no struct_ops type \(rl_demo_ops\|sched_ext_ops\)" "$T/o.out"; then
				pass "load $n: its struct_ops maps refused, naming the type the kernel lacks; exit 1"
			else
				fail "load $n: exit $rc, expected 1 and 'refused: this kernel has no struct_ops type ...'"
				show "$T/o.err"
				show "$T/o.out"
			fi
			;;
		sections.$BO.o)
			check_sections $rc
			;;
		nf_count.$BO.o)
			# netfilter programs came in 6.4 (struct bpf_nf_ctx in the kernel's BTF with them)
			if [ "$(strings /sys/kernel/btf/vmlinux | grep -cx bpf_nf_ctx)" -gt 0 ]; then
				check_loaded "$obj" $rc
			elif [ $rc -ne 0 ] && grep -q "^rawload: prog 'nf_count': refused: this kernel refuses program type netfilter" "$T/o.err"; then
				pass "load $n: refused, as a kernel without netfilter programs (before 6.4) must: $(grep -m1 "prog 'nf_count': refused" "$T/o.err")"
			else
				fail "load $n: exit $rc, expected nf_count refused for its program type on a kernel without netfilter programs"
				show "$T/o.err"
			fi
			;;
		xdp_legacy.$BO.o)
			# its packet_counter section names no type: refused as it is, loaded with --type xdp
			if [ $rc -ne 0 ] && grep -q "packet_counter" "$T/o.err"; then
				timeout -s KILL 120 "$RL" load -v --type xdp "$obj" >"$T/o.out" 2>"$T/o.err"
				check_loaded "$obj" $?
			else
				fail "load $n: exit $rc, expected a refusal naming packet_counter"
				show "$T/o.err"
			fi
			;;
		externs.$BO.o)
			# bpf_task_release (not weak) came in 6.2: without it the load must fail; check 3 judges.
			cp "$T/o.out" "$T/externs.out"
			cp "$T/o.err" "$T/externs.err"
			echo $rc >"$T/externs.rc"
			if ! grep -q '^CONFIG_BPF_JIT=\|^# CONFIG_BPF_JIT is not set' "/boot/config-$(uname -r)"; then
				note "load $n: exit $rc (this kernel's config has no CONFIG_BPF_JIT, a strong extern here; judged with the externs below)"
			elif [ "$(strings /sys/kernel/btf/vmlinux | grep -cx bpf_task_release)" -gt 0 ]; then
				check_loaded "$obj" $rc
			else
				note "load $n: exit $rc (this kernel has no kfunc bpf_task_release; judged with the externs below)"
			fi
			;;
		*)
			check_loaded "$obj" $rc
			;;
		esac
	done
	if [ -n "$rewritten" ]; then
		note "load fallbacks taken (BTF rewrite ladder, map BTF ids, expected_attach_type):$rewritten"
	else
		note "load fallbacks taken: none (no object needed the BTF rewrite ladder, nor a map or program retried)"
	fi
}

# expected_refusals OBJ: the members this kernel must refuse while the rest of OBJ loads, each as
# KIND:NAME:TEXT (KIND prog or map; TEXT, one word found case-blind in the reason: the feature or version):
# on 5.10 the bloom filter map (5.16), bpf_loop's callback (callbacks 5.13, bpf_loop 5.17) and a
# sleepable uprobe (5.10 lets only fentry/fexit/fmod_ret and lsm programs sleep); without
# the JIT, the callback (the verifier: "callbacks are not allowed in non-JITed programs", read by
# loader/load/kfeat.c as a kernel without the JIT).
expected_refusals() {
	case "$KERNEL:$1" in
	5.10:btf_maps.$BO.o) echo "map:bloom:5.16" ;;
	5.10:subprogs.$BO.o) echo "prog:sub_a:5.1" ;;
	5.10:usdt_count.$BO.o) echo "prog:on_args_sleepable:sleepable" ;; # sleepable uprobes are newer
	*:subprogs.$BO.o) [ $JIT -eq 0 ] && echo "prog:sub_a:JIT-compiled" ;;
	esac
}

# check_refusals OBJ RC EXPECTED: a partial load (exit 3): each expected member is listed as refused
# with its reason, every other program of the object has a kernel id.
check_refusals() {
	cp_progs=$("$RL" inspect "$1" | sed -n '/^programs (/,/^maps (/{/^  /s/^  \([^ ]*\).*/\1/p}')
	cp_bad="" cp_refused="" cp_loaded=""
	for e in $3; do
		cp_kind=${e%%:*} cp_rest=${e#*:}
		cp_name=${cp_rest%%:*} cp_what=${cp_rest#*:}
		cp_line=$(grep -E "^$cp_kind +$cp_name +.*refused: " "$T/o.out" | head -n 1)
		if [ -n "$cp_line" ] && echo "$cp_line" | grep -qi -- "$cp_what"; then
			cp_refused="$cp_refused; $cp_kind $cp_name:${cp_line#*refused: }"
		else
			cp_bad="$cp_bad $cp_kind-$cp_name-not-refused-with-'$cp_what'"
		fi
	done
	for p in $cp_progs; do
		case " $3 " in *" prog:$p:"*) continue ;; esac
		if grep -q "^prog $p  *[a-z_]*  *id [0-9]" "$T/o.out"; then cp_loaded="$cp_loaded $p"; else cp_bad="$cp_bad $p-not-loaded"; fi
	done
	if [ "$2" -eq 3 ] && [ -z "$cp_bad" ]; then
		pass "load ${1##*/}: partial load, exit 3: loaded$cp_loaded; refused${cp_refused#;}"
	else
		fail "load ${1##*/}: exit $2 (want 3, a partial load):$cp_bad"
		show "$T/o.out" 12
		show "$T/o.err" 12
	fi
}

# ---- 1b. the load fallbacks a kernel needs, taken and said by -v ---------------------------------------
# Before 5.11 BPF memory is charged to RLIMIT_MEMLOCK: init's 64 KiB (this script does not raise it)
# makes the first BPF_MAP_CREATE fail with EPERM; rawload raises the limit itself and says so.
# BTF kinds newer than the kernel are rewritten: btf_kinds.bpf.c holds a float (5.13), decl tags
# (5.16) and a type tag (5.17), so before 5.13 all three are rewritten, in the ladder's order.
check_fallbacks() {
	lim=$(ulimit -l)
	timeout -s KILL 120 "$RL" load -v /rl/examples/execsnoop.o >"$T/ml.out" 2>"$T/ml.err"
	rc=$?
	ml=$(grep -E "^rawload: map '[^']*': BPF_MAP_CREATE: EPERM; RLIMIT_MEMLOCK was [0-9]+ KiB .*raised to unlimited, retrying\$" "$T/ml.err")
	if [ $MEMLOCK_CHARGED -eq 1 ]; then
		if [ $rc -eq 0 ] && [ -n "$ml" ] && [ "$(grep -c 'RLIMIT_MEMLOCK' "$T/ml.err")" -eq 1 ] && [ "$lim" != unlimited ]; then
			pass "memlock: the shell's limit is $lim KiB; rawload raised it on the first EPERM, once, and loaded execsnoop.o (a 256 KiB ring buffer): ${ml#rawload: }"
		else
			fail "memlock: exit $rc, shell limit $lim, raise narrated: '${ml:-none}'"
			show "$T/ml.err"
		fi
	elif [ -z "$ml" ] && [ $rc -eq 0 ]; then
		note "memlock: not charged on this kernel (memcg accounting, 5.11+): execsnoop.o (a 256 KiB ring buffer) loads under the shell's $lim KiB without a raise"
	else
		fail "memlock: exit $rc, raise narrated on a kernel with memcg accounting: '$ml'"
	fi
	kinds=$(sed -n "s/^btf_kinds\.$BO\.o \([^ ]*\) \([0-9]*\)\$/\1 \2/p" "$T/btf-rewritten" 2>/dev/null)
	others=$(grep -v "^btf_kinds\.$BO\.o " "$T/btf-rewritten" 2>/dev/null | tr '\n' ';')
	if [ "$KERNEL" = 5.10 ]; then
		if [ "$kinds" = "type_tag,decl_tag,float 0" ]; then
			pass "btf: btf_kinds.$BO.o loads with its BTF rewritten for 5.10: type_tag, decl_tag and float, one refusal each${others:+ (also: $others)}"
		else
			fail "btf: btf_kinds.$BO.o: rewritten '$kinds' (want 'type_tag,decl_tag,float', exit 0)"
		fi
	elif [ -z "$kinds" ] && [ -z "$others" ]; then
		note "btf: no BTF kind rewritten on this kernel (it knows every kind clang 14 emits)"
	else
		fail "btf: kinds rewritten on a kernel that knows them all: $kinds; $others"
	fi
}

# check_loaded OBJ RC: exit 0, and every program of the object has a kernel id in the report.
check_loaded() {
	cl_progs=$("$RL" inspect "$1" | sed -n '/^programs (/,/^maps (/{/^  /s/^  \([^ ]*\).*/\1/p}')
	cl_missing=""
	for p in $cl_progs; do
		grep -q "^prog $p  *[a-z_]*  *id [0-9]" "$T/o.out" || cl_missing="$cl_missing $p"
	done
	if [ "$2" -eq 0 ] && [ -n "$cl_progs" ] && [ -z "$cl_missing" ]; then
		pass "load ${1##*/}: $(echo $cl_progs | wc -w) program(s) loaded ($(echo $cl_progs)), $(grep -c '^map ' "$T/o.out") map(s)"
	else
		fail "load ${1##*/}: exit $2, programs without a kernel id:${cl_missing:- (none)}"
		show "$T/o.err"
		show "$T/o.out"
	fi
}

# check_partial RC: partial.$BO.o loads in part, as on the development kernel: count_xdp and the map
# packets loaded, 9 programs and 2 maps refused, each with the reason this kernel gives; exit 3.
check_partial() {
	cp_bad=""
	grep -q "^prog count_xdp  *xdp  *id [0-9]" "$T/o.out" || cp_bad="$cp_bad count_xdp-not-loaded"
	for cp_l in "prog uses_future_map .* refused: it uses map 'future_map', which was refused" \
		"map  future_map .* refused: BPF_MAP_CREATE type 250 .*: EINVAL: map type 250 is unknown to this kernel" \
		"map  future_flag .* refused: .*: EINVAL: this kernel refuses map flag bit 24" \
		"prog calls_future_helper .* refused: helper #250 is unknown to this kernel" \
		"prog calls_skb_helper .* refused: helper #9 (bpf_skb_store_bytes, Linux 4.1) is not offered to xdp programs" \
		"prog uses_undefined .* refused: xdp+[0-9]*: extern 'rawload_nowhere': neither __kconfig nor __ksym" \
		"prog in_unknown_section .* refused: section 'rawload/unknown' names no program type" \
		"prog uses_missing_kconfig .* refused: extern 'CONFIG_RAWLOAD_PARTIAL_MISSING': not set" \
		"prog uses_missing_kfunc .* refused: extern 'bpf_rawload_no_such_kfunc': the kernel's BTF has no func" \
		"prog core_missing .* refused: it reaches insn [0-9]*, which CO-RE could not relocate"; do
		grep -q "^$cp_l" "$T/o.out" || cp_bad="$cp_bad [$cp_l]"
	done
	if [ "$1" -eq 3 ] && [ -z "$cp_bad" ] && [ "$(grep -c ' refused: ' "$T/o.out")" -eq 11 ]; then
		pass "load partial.$BO.o: count_xdp loaded, 9 programs and 2 maps refused with this kernel's reasons, exit 3"
	else
		fail "load partial.$BO.o: exit $1, missing:$cp_bad"
		show "$T/o.out" 40
	fi
}

check_sections() {
	cs_bad=""
	# Without the JIT there are no trampolines: the kernel answers p_fentry's BPF_PROG_LOAD with
	# ENOMEM (Debian's s390x 6.12), and ENOMEM fails the whole object by rule (loader/load/load.h:
	# it is not a feature the kernel lacks, as far as rawload can tell). The programs before it load.
	if [ $JIT -eq 0 ]; then
		cs_before="p_xdp p_xdp_frags p_tracepoint p_tp p_raw_tracepoint p_raw_tp p_tp_btf p_kprobe p_kretprobe p_uprobe p_uretprobe p_tc p_classifier p_tcx p_socket p_cgroup_skb p_perf_event"
		for p in $cs_before; do
			grep -q "^rawload: prog '$p': BPF_PROG_LOAD .* -> fd [0-9]*\$" "$T/o.err" || cs_bad="$cs_bad $p"
		done
		if [ "$1" -eq 1 ] && [ -z "$cs_bad" ] && grep -q "^rawload: prog 'p_fentry': BPF_PROG_LOAD: ENOMEM\$" "$T/o.err" &&
			[ "$(grep -c "BPF_PROG_LOAD .* -> fd " "$T/o.err")" -eq 17 ] && ! grep -q "prog 'p_iter'" "$T/o.err"; then
			pass "load sections.$BO.o: no JIT here: 17 programs loaded, then p_fentry's load says ENOMEM (no trampolines without the JIT) and the whole object is refused, exit 1"
		else
			fail "load sections.$BO.o: exit $1 (want 1: p_fentry ENOMEM without the JIT), not loaded:$cs_bad"
			grep -E "BPF_PROG_LOAD|weird|ENOMEM" "$T/o.err" | show - 40
		fi
		return
	fi
	# What this kernel must refuse: xdp.frags (BPF_F_XDP_HAS_FRAGS) came in 5.18. The rest loads.
	cs_refuse=""
	[ "$KERNEL" = 5.10 ] && cs_refuse="p_xdp_frags"
	cs_want=22
	for p in p_xdp p_xdp_frags p_tracepoint p_tp p_raw_tracepoint p_raw_tp p_tp_btf p_kprobe p_kretprobe \
		p_uprobe p_uretprobe p_tc p_classifier p_tcx p_socket p_cgroup_skb p_perf_event p_iter p_sk_lookup \
		p_fentry p_fexit p_lsm; do
		case " $cs_refuse " in
		*" $p "*)
			cs_want=$((cs_want - 1))
			grep -Eq "^prog +$p +.*refused: " "$T/o.out" || cs_bad="$cs_bad $p(not-refused)"
			continue
			;;
		esac
		case $p in p_fentry | p_fexit | p_lsm) continue ;; esac # judged below
		grep -q "^rawload: prog '$p': BPF_PROG_LOAD .* -> fd [0-9]*\$" "$T/o.err" || cs_bad="$cs_bad $p"
	done
	# fentry/fexit/lsm: refused under lockdown (6.18 here); this kernel has none, so they load.
	cs_trampoline=""
	for p in p_fentry p_fexit p_lsm; do
		cs_l=$(grep "^rawload: prog '$p': BPF_PROG_LOAD" "$T/o.err" | head -n 1)
		case $cs_l in
		*"-> fd "*) cs_trampoline="$cs_trampoline $p:loaded" ;;
		"") cs_trampoline="$cs_trampoline $p:not-tried"; cs_bad="$cs_bad $p" ;;
		*) cs_trampoline="$cs_trampoline $p:${cs_l#*BPF_PROG_LOAD}"; cs_bad="$cs_bad $p" ;;
		esac
	done
	grep -q ' securityfs ' /proc/mounts || mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	cs_lockdown=$(cat /sys/kernel/security/lockdown 2>/dev/null || echo "no securityfs")
	if [ "$1" -eq 3 ] && [ -z "$cs_bad" ] && grep -q "p_weird" "$T/o.err" && grep -q "weird/thing" "$T/o.err" &&
		[ "$(grep -c "BPF_PROG_LOAD .* -> fd " "$T/o.err")" -eq $cs_want ]; then
		pass "load sections.$BO.o: $cs_want programs loaded; refused alone (partial load, exit 3):${cs_refuse} p_weird: $(grep "prog 'p_weird'" "$T/o.err" | tail -n 1)"
	else
		fail "load sections.$BO.o: exit $1, programs not loaded:$cs_bad"
		grep -E "BPF_PROG_LOAD|weird" "$T/o.err" | show - 40
	fi
	note "sections.$BO.o: fentry/fexit/lsm on this kernel:$cs_trampoline (lockdown: $cs_lockdown; refused with EPERM on the 6.18 development kernel)"
}

# ---- 2. CO-RE against this kernel's BTF -----------------------------------------------------------
# Truth: btfmember's walk of /sys/kernel/btf/vmlinux; the offsets must also differ from the host's
# (6.18) when the host runs another kernel. The kernel BTF is read, not mapped: sysfs BTF gained
# mmap in 6.16.
core_got() { # KIND FIELD: the value rawload's -v gave a CO-RE KIND relocation of FIELD
	sed -n "s/^rawload: prog 'core_task':   insn [0-9]*: CO-RE $1 $2 ([0-9:]*): [0-9]* -> \([0-9]*\)\$/\1/p" \
		"$T/core.err" | head -n 1
}
btf_want() { # FILE MEMBER FIELD: a value from btfmember's output
	sed -n "s/^member $2 .* $3 \([0-9]*\).*/\1/p" "$1" | head -n 1
}
check_core() {
	obj=$PROGS/core_reloc.$BO.o
	timeout -s KILL 120 "$RL" load -v "$obj" >"$T/core.out" 2>"$T/core.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "core: rawload load -v core_reloc.$BO.o exit $rc"
		show "$T/core.err"
		return
	fi
	size=$(stat -c %s /sys/kernel/btf/vmlinux)
	if grep -qx "rawload: kernel BTF: /sys/kernel/btf/vmlinux, $size bytes, mmap refused, reading it" "$T/core.err"; then
		pass "core: kernel BTF ($size bytes) read, mmap refused (sysfs BTF mmap is 6.16+)"
	else
		fail "core: no 'kernel BTF: /sys/kernel/btf/vmlinux, $size bytes, mmap refused, reading it'"
		grep 'kernel BTF' "$T/core.err" | show -
	fi
	"$BIN/btfmember" /sys/kernel/btf/vmlinux task_struct pid tgid real_parent comm sched_reset_on_fork \
		>"$T/btf.txt" 2>&1 || {
		fail "core: btfmember cannot read the kernel's BTF"
		show "$T/btf.txt"
		return
	}
	bad=""
	got_all=""
	for m in pid tgid real_parent comm sched_reset_on_fork; do
		want=$(btf_want "$T/btf.txt" $m byte_offset)
		got=$(core_got field_byte_offset "struct task_struct.$m")
		[ -n "$want" ] && [ "$got" = "$want" ] || bad="$bad $m(rawload '$got', BTF '$want')"
		got_all="$got_all $m=$got"
	done
	# the flavour task_struct___pid_only reads the same field
	[ "$(core_got field_byte_offset 'struct task_struct___pid_only.pid')" = "$(btf_want "$T/btf.txt" pid byte_offset)" ] ||
		bad="$bad task_struct___pid_only.pid"
	want=$(btf_want "$T/btf.txt" sched_reset_on_fork byte_size)
	[ "$(core_got field_byte_size 'struct task_struct.sched_reset_on_fork')" = "$want" ] || bad="$bad sched_reset_on_fork.size"
	set -- $(sed -n 's/^struct task_struct id \([0-9]*\) size \([0-9]*\)$/\1 \2/p' "$T/btf.txt")
	tid=${1:-} tsize=${2:-}
	[ "$(core_got type_size 'struct task_struct')" = "$tsize" ] || bad="$bad type_size(rawload '$(core_got type_size 'struct task_struct')', BTF '$tsize')"
	[ "$(core_got type_id_target 'struct task_struct')" = "$tid" ] || bad="$bad type_id_target(rawload '$(core_got type_id_target 'struct task_struct')', BTF '$tid')"
	if [ -z "$bad" ]; then
		pass "core: task_struct offsets from this kernel's BTF:$got_all, size $tsize, id $tid"
	else
		fail "core: rawload's CO-RE values differ from the kernel's BTF:$bad"
		grep 'CO-RE' "$T/core.err" | show - 30
	fi
	# against the host (the development kernel)
	host_rel=$(sed -n 's/^release //p' /rl/host-facts 2>/dev/null)
	host_pid=$(btf_want /rl/host-facts pid byte_offset 2>/dev/null)
	if [ -z "$host_pid" ]; then
		note "core: no host BTF facts (the host kernel has no /sys/kernel/btf/vmlinux?): nothing to compare with"
	elif [ "$host_rel" = "$(uname -r)" ]; then
		note "core: the host runs this same kernel ($host_rel): offsets cannot differ"
	else
		diff_list=""
		same=0
		for m in pid tgid real_parent comm sched_reset_on_fork; do
			h=$(btf_want /rl/host-facts $m byte_offset)
			g=$(core_got field_byte_offset "struct task_struct.$m")
			if [ "$h" = "$g" ]; then same=$((same + 1)); fi
			diff_list="$diff_list $m $h->$g,"
		done
		if [ "$host_pid" != "$(core_got field_byte_offset 'struct task_struct.pid')" ]; then
			pass "core: offsets differ from the host's $host_rel ($same of 5 equal):${diff_list%,}"
		else
			fail "core: task_struct.pid at $host_pid on the host ($host_rel) and here: CO-RE changed nothing?"
		fi
	fi
}

# ---- 3. externs: LINUX_KERNEL_VERSION and CONFIG_* from this kernel ------------------------------------
# Truth: uname -r (libbpf's rule: the release's x.y.z), the config file at /boot/config-$(uname -r)
# (this kernel has no /proc/config.gz), and the kernel BTF's strings for kfuncs.
check_externs() {
	rel=$(uname -r)
	if [ ! -f "$T/externs.err" ]; then
		fail "externs: externs.$BO.o was not loaded by check 1"
		return
	fi
	maj=${rel%%.*} rest=${rel#*.}
	min=${rest%%.*} rest=${rest#*.}
	pat=${rest%%[!0-9]*}
	[ "${pat:-0}" -gt 255 ] && pat=255
	want=$(printf '0x%x' $(((maj << 16) + (min << 8) + ${pat:-0})))
	if grep -qx "rawload: externs: LINUX_KERNEL_VERSION = $want (uname release $rel)" "$T/externs.err"; then
		pass "externs: LINUX_KERNEL_VERSION = $want, from uname -r $rel"
	else
		fail "externs: no 'LINUX_KERNEL_VERSION = $want (uname release $rel)'"
		grep 'externs:' "$T/externs.err" | show -
	fi
	# What the kernel was built as: Debian's uname -r keeps x.y.0; the vDSO's note holds the real code.
	code=$("$BIN/kquery" version | sed -n 's/^LINUX_VERSION_CODE //p')
	if [ "$code" = "$want" ]; then
		note "externs: the kernel's own LINUX_VERSION_CODE (vDSO note) is $code too"
	else
		note "externs: the kernel's own LINUX_VERSION_CODE (vDSO note) is $code ($(sed -n 's/.* \(Debian [^ ]*\).*/\1/p' /proc/version)), not $want: uname -r hides Debian's sublevel; rawload takes uname -r's x.y.z, as libbpf does outside Ubuntu"
	fi
	cfg=/boot/config-$rel
	if grep -qx "rawload: externs: kernel config from $cfg ([0-9]* bytes)" "$T/externs.err" &&
		[ "$(sed -n "s|^rawload: externs: kernel config from $cfg (\([0-9]*\) bytes)\$|\1|p" "$T/externs.err")" = "$(stat -c %s "$cfg")" ]; then
		pass "externs: config read from $cfg ($(stat -c %s "$cfg") bytes; no /proc/config.gz: $([ -e /proc/config.gz ] && echo present || echo absent))"
	else
		fail "externs: the config was not read from $cfg"
		grep 'externs:' "$T/externs.err" | show -
	fi
	bad="" vals=""
	grep "^rawload: externs: CONFIG_[A-Z0-9_]* = " "$T/externs.err" | sed 's/^rawload: externs: //' >"$T/kconfig.txt"
	while read -r name eq val; do
		if grep -qx "$name=$val" "$cfg"; then
			vals="$vals $name=$val"
		else
			bad="$bad $name=$val(config: $(grep "^$name=" "$cfg"))"
		fi
	done <"$T/kconfig.txt"
	hz=$(sed -n 's/^CONFIG_HZ=//p' "$cfg")
	# externs.bpf.c's CONFIG_BPF_JIT is a strong extern: a config without it (no JIT on this
	# machine) refuses the object by that name, as libbpf does, before CONFIG_HZ is reached.
	if ! grep -q '^CONFIG_BPF_JIT=\|^# CONFIG_BPF_JIT is not set' "$cfg"; then
		rc=$(cat "$T/externs.rc")
		if [ -z "$bad" ] && [ "$rc" -ne 0 ] && grep -qF "extern 'CONFIG_BPF_JIT': not set in the kernel's config" "$T/externs.err" "$T/externs.out"; then
			pass "externs: $cfg has no CONFIG_BPF_JIT (no BPF JIT here), so the strong extern refuses the object by name (exit $rc); the values narrated before equal the config:$vals"
		else
			fail "externs: without CONFIG_BPF_JIT in $cfg, expected the refusal naming it; exit $rc; differing:$bad"
			tail -n 3 "$T/externs.err" | show -
			show "$T/externs.out" 5
		fi
		return
	fi
	if [ -z "$bad" ] && grep -qx "CONFIG_HZ = $hz" "$T/kconfig.txt"; then
		pass "externs: every CONFIG_* narrated equals the config:$vals"
	else
		fail "externs: CONFIG values differ from $cfg:$bad (CONFIG_HZ there: $hz)"
		show "$T/kconfig.txt"
	fi
	grep -q "CONFIG_RAWLOAD_NO_SUCH_OPTION is not set: 0 (weak)" "$T/externs.err" ||
		{ fail "externs: the weak CONFIG_RAWLOAD_NO_SUCH_OPTION is not narrated as 0"; }
	# kfuncs: bpf_task_from_pid is weak, bpf_task_release is not; both came in 6.2.
	rc=$(cat "$T/externs.rc")
	has_release=$(strings /sys/kernel/btf/vmlinux | grep -cx bpf_task_release)
	if [ "$has_release" -eq 0 ]; then
		if [ "$rc" -eq 1 ] && grep -qF "extern 'bpf_task_release': the kernel's BTF has no func of that name" "$T/externs.err"; then
			pass "externs: this kernel has no kfunc bpf_task_release (not in its BTF strings); its one program is refused naming it (exit 1)"
		else
			fail "externs: the kernel has no bpf_task_release; expected a refusal naming it, got exit $rc"
			tail -n 3 "$T/externs.err" | show -
		fi
	elif [ "$rc" -eq 0 ]; then
		pass "externs: externs.$BO.o loads (bpf_task_release is in this kernel's BTF)"
	else
		fail "externs: externs.$BO.o failed with bpf_task_release in the kernel's BTF: exit $rc"
		tail -n 3 "$T/externs.err" | show -
	fi
	grep "externs: kfunc\|externs: ksym\|externs: .*weak" "$T/externs.err" | sed 's/^rawload: externs: /NOTE externs: /'
}

# ---- 4. XDP on a veth pair: bpf_link, then netlink; exact counts; nothing left ----------------------
# rl-rx stays in this namespace (rawload runs here), rl-tx goes to a namespace of its own held by a
# sleeping process. Static neighbours both ways (busybox arp -s: PERM) and no IPv6 (ipv6.disable=1
# on the kernel command line), so the veth carries exactly the datagrams udpsend sends.
RX_ADDR=10.77.0.2
TX_ADDR=10.77.0.1
NS_PID=""
in_tx() {
	nsenter -t "$NS_PID" -n "$@"
}
setup_veth() {
	unshare -n sleep 100000 &
	NS_PID=$!
	ip link add rl-tx type veth || return 1
	peer=$(ip -o link show | sed -n 's/^[0-9]*: \([^@:]*\)@rl-tx:.*/\1/p')
	[ -n "$peer" ] || return 1
	ip link set "$peer" name rl-rx || return 1
	mac_rx=$(cat /sys/class/net/rl-rx/address) mac_tx=$(cat /sys/class/net/rl-tx/address)
	retry 50 test "$(readlink /proc/$NS_PID/ns/net)" != "$(readlink /proc/self/ns/net)" || return 1
	ip link set rl-tx netns "$NS_PID" || return 1
	ip addr add $RX_ADDR/24 dev rl-rx && ip link set rl-rx up && arp -s $TX_ADDR "$mac_tx" -i rl-rx || return 1
	in_tx ip link set lo up && in_tx ip addr add $TX_ADDR/24 dev rl-tx && in_tx ip link set rl-tx up &&
		in_tx arp -s $RX_ADDR "$mac_rx" -i rl-tx || return 1
	retry 100 grep -qx up /sys/class/net/rl-rx/operstate
}
rx_packets() {
	cat /sys/class/net/rl-rx/statistics/rx_packets
}
send() { # N
	timeout -s KILL 20 nsenter -t "$NS_PID" -n "$BIN/udpsend" $RX_ADDR 9 "$1"
}

# xdp_run NAME HOW ARGS...: attach counter.o to rl-rx, count N datagrams, SIGINT, nothing left.
xdp_run() {
	name=$1 how=$2 N=$3
	shift 3
	rl_start "$name" /rl/examples/counter.o rl-rx -i 0.2 "$@"
	if ! wait_line "$name" 'count_packets: (attached|not attached)|^rawload: [a-z]'; then
		fail "xdp $name: rawload did not attach"
		show "$T/$name.err"
		rl_stop KILL
		return
	fi
	grep -q "^rawload: count_packets: attached to rl-rx, [a-z]* mode, via $how\$" "$T/$name.err" || {
		fail "xdp $name: not attached via $how: $(cat "$T/$name.err")"
		rl_stop INT
		return
	}
	q=$("$BIN/kquery" xdp rl-rx)
	id=$(echo "$q" | sed -n 's/.* prog_id \([0-9]*\)$/\1/p')
	links=$(pid_link_types "$RL_PID")
	ok=1
	[ -n "$id" ] && [ "$id" != 0 ] && [ "$(pid_prog_ids "$RL_PID")" = "$id" ] || ok=0
	case $how in
	bpf_link) [ "$links" = "xdp " ] || ok=0 ;;
	netlink) [ -z "$links" ] || ok=0 ;;
	esac
	if [ $ok -eq 0 ]; then
		fail "xdp $name: the kernel shows '$q'; rawload holds programs '$(pid_prog_ids "$RL_PID")' and links '$links'"
		rl_stop INT
		return
	fi
	retry 300 grep -q '^pkt_count' "$T/$name.out" || { fail "xdp $name: no snapshot"; rl_stop INT; return; }
	before=$(rx_packets)
	send "$N" || { fail "xdp $name: udpsend failed"; rl_stop INT; return; }
	retry 300 value_is pkt_count 0 "$T/$name.out" "$N"
	sleep 1
	got=$(last_value pkt_count 0 "$T/$name.out")
	rx=$(($(rx_packets) - before))
	rl_stop INT
	gone=0
	retry 100 prog_gone "$id" && gone=1
	after=$("$BIN/kquery" xdp rl-rx)
	if [ "$got" = "$N" ] && [ "$rx" = "$N" ] && [ "$RL_RC" -eq 0 ] && [ "$after" = "xdp rl-rx attached none prog_id 0" ] &&
		[ $gone -eq 1 ]; then
		pass "xdp $name: via $how ($(echo "$q" | sed 's/.* attached \([a-z]*\) .*/\1/')), $got of $N datagrams counted (rl-rx received $rx), exit 0 after SIGINT, no XDP left, program $id gone"
	else
		fail "xdp $name: counted '$got' of $N (rl-rx received $rx), exit $RL_RC, after: '$after', program $id gone: $gone"
		show "$T/$name.err"
		tail -n 3 "$T/$name.out" | show -
	fi
}

check_xdp() {
	if ! setup_veth; then
		fail "xdp: cannot make the veth pair"
		ip -o link show | show -
		return
	fi
	note "xdp: rl-rx ($RX_ADDR, here) <-> rl-tx ($TX_ADDR, netns of pid $NS_PID), neighbours: $(arp -an | tr '\n' ' ')"
	xdp_run link bpf_link 100
	xdp_run netlink netlink 73 --netlink
	# A netlink attachment outlives a SIGKILLed rawload; `rawload detach` removes it.
	rl_start kill /rl/examples/counter.o rl-rx --netlink -i 0.2
	if wait_line kill 'count_packets: attached'; then
		rl_stop KILL
		q=$("$BIN/kquery" xdp rl-rx)
		timeout -s KILL 60 "$RL" detach rl-rx >"$T/detach.out" 2>&1
		drc=$?
		after=$("$BIN/kquery" xdp rl-rx)
		case $q in
		*"prog_id 0") fail "xdp detach: nothing attached after SIGKILL of a netlink run: $q" ;;
		*)
			if [ $drc -eq 0 ] && [ "$after" = "xdp rl-rx attached none prog_id 0" ]; then
				pass "xdp detach: after SIGKILL the netlink attachment stays ($q); rawload detach removed it: $(cat "$T/detach.out")"
			else
				fail "xdp detach: exit $drc, after: $after"
				show "$T/detach.out"
			fi
			;;
		esac
	else
		fail "xdp kill: not attached"
		show "$T/kill.err"
		rl_stop KILL
	fi
}

# ---- 5. tcx on a kernel without tcx links ------------------------------------------------------------
# Before 6.6 BPF_LINK_CREATE knows no tcx attach type (EINVAL): each tcx program is reported not
# attached, and rawload runs on showing its maps until SIGINT, exit 0. Datagrams sent meanwhile are
# counted by nothing (array slots that are zero are not shown: "(empty)").
check_tcx() {
	rl_start tcx "$PROGS/tcx_count.$BO.o" rl-rx -i 0.2 -v
	if ! wait_line tcx 'no_direction: (attached|not attached)'; then
		fail "tcx: rawload did not get to the attach notes"
		show "$T/tcx.err"
		rl_stop KILL
		return
	fi
	retry 300 grep -q '^ingress_udp' "$T/tcx.out"
	send 10 || fail "tcx: udpsend failed"
	retry 300 value_is ingress_udp 0 "$T/tcx.out" 10
	got=$(last_value ingress_udp 0 "$T/tcx.out")
	links=$(pid_link_types "$RL_PID")
	rl_stop INT
	bad=""
	if [ "$TCX_HOW" = "tcx link" ]; then
		# 6.6+: one tcx link per direction, closed at the end
		for p in ingress egress; do
			grep -q "^rawload: tcx: BPF_LINK_CREATE prog 'count_$p' .* attach type tcx_$p -> fd [0-9]*\$" "$T/tcx.err" || bad="$bad link-$p"
			grep -qx "rawload: count_$p: attached to rl-rx $p, via tcx link" "$T/tcx.err" || bad="$bad count_$p"
			grep -q "^rawload: tcx link: closing link fd [0-9]* of 'count_$p'\$" "$T/tcx.err" || bad="$bad close-$p"
		done
		# the plain tc section goes on ingress, a third link
		grep -qF "rawload: no_direction: attached to rl-rx ingress, via tcx link (section 'tc' names no direction: ingress" \
			"$T/tcx.err" || bad="$bad no_direction"
		[ "$links" = "tcx tcx tcx " ] || bad="$bad fdinfo-links($links)"
		if [ "$RL_RC" -eq 0 ] && [ -z "$bad" ] && [ "$got" = 10 ]; then
			pass "tcx: three tcx links (the plain tc section's on ingress; fdinfo link_type: ${links% }); ingress_udp $got of 10; links closed, exit 0"
		else
			fail "tcx: ingress_udp '$got' (want 10), exit $RL_RC, wrong or missing:$bad"
			grep -v ': BPF_PROG\|insn\|linked\|pass:' "$T/tcx.err" | show -
			show "$T/tcx.out" 6
		fi
		return
	fi
	# Before 6.6 there are no tcx links: BPF_LINK_CREATE says EINVAL, and the programs go in as tc filters.
	for p in ingress egress; do
		grep -q "^rawload: tcx: BPF_LINK_CREATE prog 'count_$p' .* -> EINVAL" "$T/tcx.err" || bad="$bad no-EINVAL-$p"
		grep -Eq "^rawload: count_$p: attached to rl-rx $p \(tc filter priority [0-9]+ handle 0x[0-9a-f]+\), via tc netlink\$" \
			"$T/tcx.err" || bad="$bad count_$p"
	done
	grep -q '^rawload: tc: clsact qdisc on rl-rx: added$' "$T/tcx.err" || bad="$bad qdisc-added"
	grep -q '^rawload: tc: removing the clsact qdisc rawload added -> removed$' "$T/tcx.err" || bad="$bad qdisc-removed"
	grep -Eq "^rawload: no_direction: attached to rl-rx ingress \(tc filter priority [0-9]+ handle 0x[0-9a-f]+\), via tc netlink \(no direction in the section: ingress" \
		"$T/tcx.err" || bad="$bad no_direction"
	if [ "$RL_RC" -eq 0 ] && [ -z "$bad" ] && [ "$got" = 10 ]; then
		pass "tcx: no tcx links before 6.6 (EINVAL), so a clsact qdisc and three tc filters through netlink (the plain tc section's on ingress); ingress_udp $got of 10; filters and qdisc removed, exit 0"
	else
		fail "tcx: ingress_udp '$got' (want 10), exit $RL_RC, wrong or missing:$bad"
		grep -v ': BPF_PROG\|insn\|linked\|pass:' "$T/tcx.err" | show -
		show "$T/tcx.out" 6
	fi
}

# ---- 6. a tracepoint: execsnoop sees the execs this script makes ----------------------------------
check_execsnoop() {
	mounted_before=$(grep -c ' tracefs ' /proc/mounts)
	printf '#!/bin/sh\nexit 0\n' >/tmp/rltrue
	chmod 755 /tmp/rltrue
	rl_start exec /rl/examples/execsnoop.o -i 0.2
	if ! wait_line exec 'trace_execve: (attached|not attached)'; then
		fail "execsnoop: rawload did not attach"
		show "$T/exec.err"
		rl_stop KILL
		return
	fi
	if ! grep -qx "rawload: trace_execve: attached to tracepoint syscalls/sys_enter_execve via $PERF_HOW" "$T/exec.err"; then
		fail "execsnoop: not attached through a $PERF_HOW: $(cat "$T/exec.err")"
		rl_stop INT
		return
	fi
	[ "$mounted_before" -eq 0 ] && grep -q ' tracefs ' /proc/mounts &&
		note "execsnoop: tracefs was not mounted; rawload mounted it ($(grep ' tracefs ' /proc/mounts | cut -d' ' -f2))"
	id=$(pid_prog_ids "$RL_PID")
	links=$(pid_link_types "$RL_PID")
	K=3 i=1 bad=""
	# ash (busybox) runs with comm "ash": nothing else here does; it execs /tmp/rltrue
	while [ $i -le $K ]; do
		/bin/ash -c "echo \$\$ >$T/pid.$i; echo \$PPID >$T/ppid.$i; exec /tmp/rltrue"
		i=$((i + 1))
	done
	i=1
	recs=""
	while [ $i -le $K ]; do
		pid=$(cat "$T/pid.$i") ppid=$(cat "$T/ppid.$i")
		rec="events: {pid=$pid, ppid=$ppid, uid=0, comm=\"ash\", filename=\"/tmp/rltrue\"}"
		retry 300 grep -qxF "$rec" "$T/exec.out" || bad="$bad pid=$pid/ppid=$ppid"
		recs="$rec"
		i=$((i + 1))
	done
	retry 300 value_is exec_count '"ash"' "$T/exec.out" $K
	cnt=$(last_value exec_count '"ash"' "$T/exec.out")
	rl_stop INT
	gone=0
	retry 100 prog_gone "$id" && gone=1
	# a perf link shows in fdinfo; the ioctl leaves the program on the perf event, with no link
	links_ok=0
	case "$PERF_HOW:$links" in
	"perf link:perf " | "perf link:perf_event " | "perf ioctl:") links_ok=1 ;;
	esac
	if [ -z "$bad" ] && [ "$cnt" = $K ] && [ "$RL_RC" -eq 0 ] && [ $gone -eq 1 ] && [ $links_ok -eq 1 ]; then
		pass "execsnoop: $PERF_HOW (fdinfo link_type '${links% }'); ring buffer: $K exec records with our pids and parent pids (last: $recs), exec_count[\"ash\"] = $cnt, exit 0, program $id gone"
	else
		fail "execsnoop: records missing for$bad; exec_count[\"ash\"] '$cnt' (want $K); exit $RL_RC; links '$links'; program $id gone: $gone"
		grep -F 'ash' "$T/exec.out" | head -n 10 | show -
	fi
}

# ---- 7. cheap fallbacks and links: cgroup link and BPF_PROG_ATTACH, tp_btf, iterator ----------------
CG=/sys/fs/cgroup/rl
cg_count() { # ATTACH_TYPE: how many programs BPF_PROG_QUERY lists on CG
	"$BIN/kquery" cgroup "$CG" "$1" | sed -n 's/.* count \([0-9]*\) .*/\1/p; s/.* count \([0-9]*\)$/\1/p'
}
cgroup_run() { # NAME HOW N ARGS...
	name=$1 how=$2 N=$3
	shift 3
	rl_start "$name" "$PROGS/cgroup_count.$BO.o" --cgroup "$CG" -i 0.2 -v "$@"
	if ! wait_line "$name" 'count_socks: (attached|not attached)'; then
		fail "cgroup $name: rawload did not attach"
		show "$T/$name.err"
		rl_stop KILL
		return
	fi
	bad=""
	grep -qx "rawload: count_egress: attached to cgroup $CG (cgroup_inet_egress), via $how" "$T/$name.err" || bad="$bad egress-note"
	grep -qx "rawload: count_socks: attached to cgroup $CG (cgroup_inet_sock_create), via $how" "$T/$name.err" || bad="$bad socks-note"
	# BPF_CGROUP_INET_EGRESS = 1, BPF_CGROUP_INET_SOCK_CREATE = 2 (linux/bpf.h)
	[ "$(cg_count 1)" = 1 ] && [ "$(cg_count 2)" = 1 ] || bad="$bad query($(cg_count 1),$(cg_count 2))"
	links=$(pid_link_types "$RL_PID")
	case $how in
	"cgroup link") [ "$links" = "cgroup cgroup " ] || bad="$bad links($links)" ;;
	BPF_PROG_ATTACH) [ -z "$links" ] || bad="$bad links($links)" ;;
	esac
	retry 300 grep -q '^egress_pkts' "$T/$name.out" || bad="$bad no-snapshot"
	timeout -s KILL 20 sh -c "echo \$\$ >$CG/cgroup.procs && exec $BIN/udpsend 127.0.0.1 9 $N" || bad="$bad udpsend"
	retry 300 value_is egress_pkts 0 "$T/$name.out" "$N"
	retry 50 value_is sockets 0 "$T/$name.out" 1
	sleep 0.5
	e=$(last_value egress_pkts 0 "$T/$name.out") s=$(last_value sockets 0 "$T/$name.out")
	rl_stop INT
	after="$(cg_count 1),$(cg_count 2)"
	if [ -z "$bad" ] && [ "$e" = "$N" ] && [ "$s" = 1 ] && [ "$RL_RC" -eq 0 ] && [ "$after" = "0,0" ]; then
		pass "cgroup $name: via $how, BPF_PROG_QUERY lists both; egress_pkts $e of $N, sockets $s; exit 0, none left on $CG"
	else
		fail "cgroup $name:$bad; egress_pkts '$e' (want $N), sockets '$s' (want 1), exit $RL_RC, left after: $after"
		show "$T/$name.err"
	fi
}
check_cgroup() {
	mkdir -p /sys/fs/cgroup
	if ! mount -t cgroup2 cgroup2 /sys/fs/cgroup || ! mkdir "$CG"; then
		fail "cgroup: cannot mount cgroup2 or make $CG"
		return
	fi
	cgroup_run link "cgroup link" 57
	cgroup_run prog-attach BPF_PROG_ATTACH 31 --prog-attach
	rmdir "$CG" || fail "cgroup: cannot remove $CG"
}

check_tp_btf() {
	rl_start tpbtf "$PROGS/tp_btf_count.$BO.o" -i 0.2
	if ! wait_line tpbtf 'count_exec: (attached|not attached)'; then
		fail "tp_btf: rawload did not attach"
		show "$T/tpbtf.err"
		rl_stop KILL
		return
	fi
	links=$(pid_link_types "$RL_PID")
	# one process execs ash, then ash again, then /tmp/rltrue: 3 execs under one pid
	/bin/ash -c "echo \$\$ >$T/chain.pid; exec /bin/ash -c 'exec /tmp/rltrue'"
	pid=$(cat "$T/chain.pid")
	retry 300 value_is execs "$pid" "$T/tpbtf.out" 3
	got=$(last_value execs "$pid" "$T/tpbtf.out")
	rl_stop INT
	if [ "$got" = 3 ] && [ "$RL_RC" -eq 0 ] && { [ "$links" = "tracing tracing " ] || [ "$links" = "raw_tracepoint raw_tracepoint " ]; } &&
		grep -qx "rawload: count_exec: attached to tp_btf sched_process_exec via $TRACING_HOW" "$T/tpbtf.err"; then
		pass "tp_btf: two links via $TRACING_HOW (fdinfo link_type: ${links% }...); execs[$pid] = 3 for a chain of 3 execs; exit 0"
	else
		fail "tp_btf: execs[$pid] '$got' (want 3), exit $RL_RC, links '$links'"
		show "$T/tpbtf.err"
	fi
}

# ---- 8. kprobes (not compiled into the development kernel; Debian's 6.1 has them) --------------------
# tracing_macros.bpf.c's BPF_KSYSCALL(mc_kill, pid, sig) stores the signal of the last kill(2):
# attached through the kprobe PMU to __x64_sys_kill (__arm64_sys_kill, __s390x_sys_kill: the wrapped entry point), it must read the
# arguments out of the user's registers (LINUX_HAS_SYSCALL_WRAPPER = 1) and see SIGWINCH (28).
check_kprobe() {
	rl_start kprobe "$PROGS/tracing_macros.$BO.o" --prog mc_kill --all-maps -i 0.2 -v
	if ! wait_line kprobe 'mc_kill: (attached|not attached)'; then
		fail "kprobe: rawload did not attach"
		show "$T/kprobe.err"
		rl_stop KILL
		return
	fi
	kill -s WINCH $$
	retry 300 grep -q '^tracing_\.bss\[0\] = .*28' "$T/kprobe.out"
	got=$(grep '^tracing_\.bss' "$T/kprobe.out" | tail -n 1)
	links=$(pid_link_types "$RL_PID")
	rl_stop INT
	if echo "$got" | grep -q '= .*28' && [ "$RL_RC" -eq 0 ] &&
		grep -qx "rawload: mc_kill: attached to kprobe ${SYS_PREFIX}kill via $PERF_HOW" "$T/kprobe.err" &&
		grep -qx 'rawload: externs: LINUX_HAS_SYSCALL_WRAPPER = 1 (from the kernel'"'"'s BTF)' "$T/kprobe.err"; then
		pass "kprobe: ksyscall/kill attached to ${SYS_PREFIX}kill via $PERF_HOW (fdinfo: '${links% }'); read sig 28 through the wrapper's registers: '$got'"
	else
		fail "kprobe: got '$got', exit $RL_RC, links '$links'"
		show "$T/kprobe.err"
	fi
}

# ---- 9. kprobe.multi (needs fprobe: Debian's 6.1 is built without it, its 6.12 with it) ---------------
# kprobe_multi.bpf.c counts a process's kill(2) calls and returns through __*_sys_kill: on x86-64
# __x64_sys_kill and __ia32_sys_kill, two functions behind each link (the two /proc/kallsyms lists).
# With CONFIG_FPROBE (the kernel's config in /boot): a shell's N `kill -s 0` calls give calls =
# returns = N under its pid. Without: both programs load and are reported not attached with the
# kernel's EOPNOTSUPP, rawload running on.
check_kprobe_multi() {
	rl_start kmulti "$PROGS/kprobe_multi.$BO.o" -i 0.2 -v
	if ! wait_line kmulti 'on_kill_ret: (attached|not attached)'; then
		fail "kprobe.multi: rawload did not get to the attach notes"
		show "$T/kmulti.err"
		rl_stop KILL
		return
	fi
	km_want=$(grep -E ' [Tt] __[a-z0-9]+_sys_kill$' /proc/kallsyms | wc -l)
	km_pid=$(/bin/sh -c 'i=0; while [ $i -lt 17 ]; do kill -s 0 $$; i=$((i + 1)); done; echo $$')
	km_fprobe=no
	grep -q '^CONFIG_FPROBE=y' /boot/config-* 2>/dev/null && km_fprobe=yes
	# before 5.18 the kernel knows no kprobe_multi attach type (EINVAL); without fprobe, EOPNOTSUPP
	km_errno=EOPNOTSUPP
	[ "$KERNEL" = 5.10 ] && km_errno=EINVAL
	[ $km_fprobe = yes ] && retry 300 value_is kills "$km_pid" "$T/kmulti.out" "{calls=17, returns=17}"
	km_got=$(last_value kills "$km_pid" "$T/kmulti.out")
	km_links=$(pid_link_types "$RL_PID")
	rl_stop INT
	km_bad=""
	for p in on_kill:kprobe.multi on_kill_ret:kretprobe.multi; do
		if [ $km_fprobe = yes ]; then
			km_line="rawload: ${p%%:*}: attached to ${p#*:} __*_sys_kill ($km_want kernel functions), via kprobe_multi link"
		else
			km_line="rawload: ${p%%:*}: not attached: BPF_LINK_CREATE kprobe.multi says $km_errno (a kernel built without CONFIG_FPROBE, or before 5.18)"
		fi
		grep -qxF "$km_line" "$T/kmulti.err" || km_bad="$km_bad ${p%%:*}"
	done
	km_match=$(grep -m1 "matches" "$T/kmulti.err" | sed 's/^rawload: //')
	if [ $km_fprobe = yes ] && [ "$km_got" = "{calls=17, returns=17}" ] && [ "$RL_RC" -eq 0 ] && [ -z "$km_bad" ]; then
		pass "kprobe.multi: two kprobe_multi links ($km_match; fdinfo: ${km_links% }); 17 kill() calls and returns of pid $km_pid counted: $km_got"
	elif [ $km_fprobe = no ] && [ -z "$km_got" ] && [ "$RL_RC" -eq 0 ] && [ -z "$km_bad" ]; then
		pass "kprobe.multi: no CONFIG_FPROBE$([ "$KERNEL" = 5.10 ] && echo ', no kprobe_multi before 5.18') in this kernel: both programs loaded ($km_match) and reported not attached, $km_errno; exit 0"
	else
		fail "kprobe.multi: fprobe $km_fprobe, got '$km_got' (want 17 and 17 with fprobe, nothing without), exit $RL_RC, lines not as expected:${km_bad:- (none)}"
		show "$T/kmulti.err"
	fi
}

check_iter() {
	timeout -s KILL 120 "$RL" "$PROGS/iter_task.$BO.o" -n 1 -i 0.2 >"$T/iter.out" 2>"$T/iter.err"
	rc=$?
	if [ $rc -eq 0 ] && grep -qxF 'rawload: dump_task: attached to iterator task via bpf_link (read at every snapshot)' "$T/iter.err" &&
		grep -qxF "dump_task: 1 init" "$T/iter.out" && grep -qxF "dump_task: $$ sh" "$T/iter.out"; then
		pass "iter: task iterator via bpf_link lists 'dump_task: 1 init' and this script ('dump_task: $$ sh') among $(grep -c '^dump_task: ' "$T/iter.out") tasks"
	else
		fail "iter: exit $rc"
		show "$T/iter.err"
		grep -E "dump_task: (1|$$) " "$T/iter.out" | show -
	fi
}

# Truth: the "expect" lines of each tests/progs-verifier/ source. This kernel's verifier words some
# messages differently from 6.18 (and quotes lines without " @ file:line"); the hint must not change.
# Each log is also printed between VLOG-BEGIN and VLOG-END: tests/unit/fixtures/verifier/capture.sh
# takes them from the serial log as the unit test's 6.1 fixtures.
check_verifier_hints() {
	[ -d /rl/progs-verifier ] || {
		note "verifier hints: no /rl/progs-verifier (make verifier-progs; a big-endian machine gets none: they are built bpfel)"
		return
	}
	for src in /rl/progs-verifier/*.bpf.c; do
		n=$(basename "$src" .bpf.c)
		case $n in
		uninit_stack) note "verifier hint $n: not checked (needs a loader without CAP_PERFMON: busybox has no setpriv)"; continue ;;
		esac
		t0=$(date +%s)
		timeout -s KILL 120 "$RL" load -v "/rl/progs-verifier/$n.o" >"$T/v.out" 2>"$T/v.err"
		rc=$?
		took=$(($(date +%s) - t0))
		echo "VLOG-BEGIN $n"
		sed -n '/^rawload: verifier log:$/,$p' "$T/v.err" | sed '1d; /^rawload: /d'
		echo "VLOG-END $n"
		cause=$(sed -n 's/^ \* expect cause: //p' "$src")
		# before 6.4 a log that overflows keeps its beginning: the cause comes from the load's E2BIG
		pre64=$(sed -n 's/^ \* expect cause before 6.4: //p' "$src")
		[ -n "$pre64" ] && cause=$pre64
		fix=$(sed -n 's/^ \* expect fix: //p' "$src")
		bad=$(grep '/\* BAD LINE \*/' "$src" | head -n 1 | sed 's/^[[:space:]]*//')
		if [ $n = kfunc_type ]; then
			# bpf_dynptr_from_skb came in 6.3: refused before the verifier, by name
			if [ $rc -ne 0 ] && grep -qF "extern 'bpf_dynptr_from_skb': the kernel's BTF has no func" "$T/v.err"; then
				pass "verifier hint $n: the kfunc is not in this kernel, said before loading"
			else
				fail "verifier hint $n: exit $rc"
				show "$T/v.err"
			fi
			continue
		fi
		if [ "$cause" = "(none)" ]; then
			words=$(sed -n 's/^ \* expect words: //p' "$src")
			# 5.10's verifier still calls a scalar "inv" (renamed "scalar" in later kernels)
			[ "$KERNEL" = 5.10 ] && words=$(echo "$words" | sed 's/type=scalar/type=inv/g')
			if [ $rc -eq 1 ] && ! grep -q '^rawload: cause:' "$T/v.err" && grep -qxF "$words" "$T/v.err"; then
				pass "verifier hint $n: no hint, the kernel's words kept"
			else
				fail "verifier hint $n: exit $rc, want no hint and '$words'"
				show "$T/v.err"
			fi
			continue
		fi
		# a program refused alone (a helper or kfunc its type may not call) has its hint lines named
		sed -i "s/^rawload: prog '$n': \(cause\|line\|fix\): /rawload: \1: /" "$T/v.err"
		if [ $rc -eq 1 ] && grep -qxF "rawload: cause: $cause" "$T/v.err" && grep -qxF "rawload: fix: $fix" "$T/v.err" &&
			{ grep -q '^ \* expect line: none' "$src" || [ -n "$pre64" ] || grep '^rawload: line: ' "$T/v.err" | grep -qF ": $bad"; }; then
			pass "verifier hint $n: $cause ($took s)"
		else
			fail "verifier hint $n: exit $rc, want 'cause: $cause' / 'fix: $fix' / 'line: $bad'"
			show "$T/v.err" 12
		fi
	done
}

echo "guest: rawload-static $(stat -c %s "$RL") bytes; $(ls /rl/examples/*.o "$PROGS"/*.$BO.o | wc -l) objects"
check_objects
check_fallbacks
check_core
check_externs
check_xdp
check_tcx
check_execsnoop
check_cgroup
check_tp_btf
check_kprobe
check_kprobe_multi
check_iter
check_verifier_hints
[ -n "$NS_PID" ] && kill "$NS_PID" 2>/dev/null
note "paths on $KERNEL ($MACHINE, $BO objects, JIT $([ $JIT -eq 1 ] && echo on || echo off)): tracepoints and kprobes via $PERF_HOW, tp_btf via $TRACING_HOW, tc programs via $TCX_HOW, BPF memory $([ $MEMLOCK_CHARGED -eq 1 ] && echo 'charged to RLIMIT_MEMLOCK (raised by rawload)' || echo 'not charged to RLIMIT_MEMLOCK')"
echo "$passed passed, $failed failed"
