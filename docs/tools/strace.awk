# docs/tools/strace.awk — turns an `strace -v` log of one rawload run into the lines docs/kernel.md
# and docs/walkthrough.md quote: the calls that make, use or drop kernel objects, shortened so a
# person can read them. POSIX awk (mawk: no regex intervals). What it does to strace's lines:
#  - keeps bpf(), perf_event_open(), socket(AF_NETLINK) and socket(AF_PACKET), and the sendto(),
#    ioctl(), read(), mmap(), fcntl(F_DUPFD...) and close() of the fds those made (and of the
#    tracefs/sysfs files, cgroup directories and network namespaces opened to find a target); the
#    setsockopt() and bind() of a packet socket;
#  - drops fields that are zero or NULL (what rawload left unset), strace's /* comments */, and the
#    bytes of a BTF blob (btf_size says how many); pointers into rawload's memory become 0x...;
#  - prints a program's instructions after its BPF_PROG_LOAD line, one per line ("    insn 4: {...}");
#  - names what strace 6.1 leaves as numbers: BPF_TCX_INGRESS/EGRESS, BPF_STRUCT_OPS, BPF_F_LINK,
#    BPF_PROG_TYPE_NETFILTER, BPF_NETFILTER, BPF_TRACE_UPROBE_MULTI; decodes the link_create fields
#    it prints as bytes (extra_data) for netfilter and uprobe_multi links;
#  - decodes the rtnetlink requests strace 6.1 leaves as bytes (RTM_SETLINK with IFLA_XDP,
#    RTM_NEWQDISC/RTM_NEWTFILTER with TCA_KIND/TCA_OPTIONS).
BEGIN {
	for (i = 32; i < 127; i++)
		ord[sprintf("%c", i)] = i
	hexv["0"] = 0; hexv["1"] = 1; hexv["2"] = 2; hexv["3"] = 3; hexv["4"] = 4; hexv["5"] = 5
	hexv["6"] = 6; hexv["7"] = 7; hexv["8"] = 8; hexv["9"] = 9; hexv["a"] = 10; hexv["b"] = 11
	hexv["c"] = 12; hexv["d"] = 13; hexv["e"] = 14; hexv["f"] = 15
	hexv["A"] = 10; hexv["B"] = 11; hexv["C"] = 12; hexv["D"] = 13; hexv["E"] = 14; hexv["F"] = 15
	rtm[16] = "RTM_NEWLINK"; rtm[17] = "RTM_DELLINK"; rtm[18] = "RTM_GETLINK"; rtm[19] = "RTM_SETLINK"
	rtm[26] = "RTM_GETROUTE"; rtm[36] = "RTM_NEWQDISC"; rtm[37] = "RTM_DELQDISC"
	rtm[44] = "RTM_NEWTFILTER"; rtm[45] = "RTM_DELTFILTER"
	xdpa[1] = "IFLA_XDP_FD"; xdpa[3] = "IFLA_XDP_FLAGS"; xdpa[8] = "IFLA_XDP_EXPECTED_FD"
	bpfa[6] = "TCA_BPF_FD"; bpfa[7] = "TCA_BPF_NAME"; bpfa[8] = "TCA_BPF_FLAGS"
	nfpf[2] = "NFPROTO_IPV4"; nfpf[10] = "NFPROTO_IPV6"
	nfhook[0] = "NF_INET_PRE_ROUTING"; nfhook[1] = "NF_INET_LOCAL_IN"; nfhook[2] = "NF_INET_FORWARD"
	nfhook[3] = "NF_INET_LOCAL_OUT"; nfhook[4] = "NF_INET_POST_ROUTING"
}

# The result of a call: what follows the last " = ", as a number (-1 on failure).
function result(s,   i) {
	i = match(s, / = -?[0-9]+( |$)/)
	if (!i)
		return -1
	return substr(s, RSTART + 3, RLENGTH - 3) + 0
}

# Fields rawload left zero, strace's comments, blobs and pointers out.
function shorten(s,   old) {
	gsub(/ \/\* [^*]* \*\//, "", s)
	gsub(/KERNEL_VERSION\(0, 0, 0\)/, "0", s)
	gsub(/makedev\(0, 0\)/, "0", s)
	gsub(/btf="([^"\\]|\\.)*"(\.\.\.)?/, "btf=...", s)
	gsub(/0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]+/, "0x...", s)
	gsub(/\)  +=/, ") =", s)
	# names strace 6.1 does not know yet (kernel 6.6), and 0, which it spells as the attach
	# type whose value is 0 although the program is no cgroup program
	sub(/attach_type=0x2e/, "attach_type=BPF_TCX_INGRESS", s)
	sub(/attach_type=0x2f/, "attach_type=BPF_TCX_EGRESS", s)
	sub(/attach_type=0x2c/, "attach_type=BPF_STRUCT_OPS", s)
	sub(/attach_type=0x2d/, "attach_type=BPF_NETFILTER", s)
	sub(/attach_type=0x30/, "attach_type=BPF_TRACE_UPROBE_MULTI", s)
	sub(/prog_type=0x20,/, "prog_type=BPF_PROG_TYPE_NETFILTER,", s)
	sub(/map_flags=0x2000,/, "map_flags=BPF_F_LINK,", s)
	if (s !~ /prog_type=BPF_PROG_TYPE_CGROUP_SKB/)
		sub(/, expected_attach_type=BPF_CGROUP_INET_INGRESS/, "", s)
	do {
		old = s
		gsub(/, [a-z_0-9.]+=(0|NULL|"")\}/, "}", s)
		gsub(/, [a-z_0-9.]+=(0|NULL|""),/, ",", s)
		gsub(/\{[a-z_0-9.]+=(0|NULL|""), /, "{", s)
		gsub(/\{[a-z_0-9.]+=(0|NULL|"")\}/, "{}", s)
	} while (s != old)
	return s
}

# ---- bytes of a strace string ("\x00\x2b..." or "abc\0\1") into b[1..n] --------------------------
function unescape(s,   n, i, c, d, v, k) {
	n = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c != "\\") {
			b[++n] = ord[c]
			continue
		}
		d = substr(s, ++i, 1)
		if (d == "x") {
			b[++n] = hexv[substr(s, i + 1, 1)] * 16 + hexv[substr(s, i + 2, 1)]
			i += 2
		} else if (d ~ /[0-7]/) {
			v = 0
			for (k = 0; k < 3 && substr(s, i, 1) ~ /[0-7]/; k++)
				v = v * 8 + substr(s, i++, 1)
			i--
			b[++n] = v
		} else if (d == "n") b[++n] = 10
		else if (d == "t") b[++n] = 9
		else if (d == "r") b[++n] = 13
		else if (d == "v") b[++n] = 11
		else if (d == "f") b[++n] = 12
		else b[++n] = ord[d]
	}
	return n
}
function u16(o) { return b[o] + b[o + 1] * 256 }
function u32(o) { return b[o] + b[o + 1] * 256 + b[o + 2] * 65536 + b[o + 3] * 16777216 }
function s32(o,   v) { v = u32(o); return v >= 2147483648 ? v - 4294967296 : v }
function cstr(o, n,   s, i) {
	s = ""
	for (i = 0; i < n && b[o + i] != 0; i++)
		s = s sprintf("%c", b[o + i])
	return s
}
function xdp_flags(v,   s) {
	s = ""
	if (v % 2 >= 1) s = s "|XDP_FLAGS_UPDATE_IF_NOEXIST"
	if (v % 4 >= 2) s = s "|XDP_FLAGS_SKB_MODE"
	if (v % 8 >= 4) s = s "|XDP_FLAGS_DRV_MODE"
	if (v % 16 >= 8) s = s "|XDP_FLAGS_HW_MODE"
	if (v % 32 >= 16) s = s "|XDP_FLAGS_REPLACE"
	return s == "" ? "0" : substr(s, 2)
}

# Attributes in b[o .. end) of the message kind; nested ones recursively.
function attrs(o, end, kind,   s, len, type, name, v) {
	s = ""
	while (o + 4 <= end) {
		len = u16(o)
		type = u16(o + 2) % 16384 # without NLA_F_NESTED and NLA_F_NET_BYTEORDER
		if (len < 4 || o + len > end)
			break
		if (kind == "link" && type == 43) {
			v = "IFLA_XDP={" attrs(o + 4, o + len, "xdp") "}"
		} else if (kind == "xdp" && (type in xdpa)) {
			v = xdpa[type] "=" (type == 3 ? xdp_flags(u32(o + 4)) : s32(o + 4))
		} else if (kind == "tc" && type == 1) {
			v = "TCA_KIND=\"" cstr(o + 4, len - 4) "\""
		} else if (kind == "tc" && type == 2) {
			v = "TCA_OPTIONS={" attrs(o + 4, o + len, "bpf") "}"
		} else if (kind == "bpf" && (type in bpfa)) {
			if (type == 7)
				v = "TCA_BPF_NAME=\"" cstr(o + 4, len - 4) "\""
			else if (type == 8)
				v = "TCA_BPF_FLAGS=" (u32(o + 4) == 1 ? "TCA_BPF_FLAG_ACT_DIRECT" : u32(o + 4))
			else
				v = bpfa[type] "=" u32(o + 4)
		} else {
			v = "{nla_type=" type ", nla_len=" len "}"
		}
		s = s (s == "" ? "" : ", ") v
		o += int((len + 3) / 4) * 4
	}
	return s
}

# The rtnetlink request in a sendto line, decoded.
function netlink(line,   fd, type, flags, seq, str, n, body, out, v, k) {
	fd = line; sub(/^sendto\(/, "", fd); sub(/,.*/, "", fd)
	match(line, /nlmsg_type=[^ ,]+/); type = substr(line, RSTART + 11, RLENGTH - 11)
	if (type ~ /^0x/)
		type = hexv[substr(type, 3, 1)] * 16 + hexv[substr(type, 4, 1)]
	match(line, /nlmsg_flags=[^ ,]+/); flags = substr(line, RSTART + 12, RLENGTH - 12)
	# the request-specific bits strace leaves as a number for a protocol it does not decode
	if (match(flags, /\|0x[0-9a-f]+$/)) {
		v = 0
		for (k = RSTART + 3; k <= length(flags); k++)
			v = v * 16 + hexv[substr(flags, k, 1)]
		flags = substr(flags, 1, RSTART - 1)
		if (v % 512 >= 256) flags = flags "|NLM_F_REPLACE"
		if (v % 1024 >= 512) flags = flags "|NLM_F_EXCL"
		if (v % 2048 >= 1024) flags = flags "|NLM_F_CREATE"
		if (v % 4096 >= 2048) flags = flags "|NLM_F_APPEND"
	}
	match(line, /nlmsg_seq=[0-9]+/); seq = substr(line, RSTART + 10, RLENGTH - 10)
	out = "{nlmsg_type=" ((type in rtm) ? rtm[type] : type) ", nlmsg_flags=" flags ", nlmsg_seq=" seq "}"
	if (!match(line, /\}, "([^"\\]|\\.)*"/)) {
		# strace decoded the body itself (a bound socket, as glibc's): keep its reading
		body = line
		sub(/^[^}]*\}, /, "", body)
		sub(/\], [0-9]+, .*/, "", body)
		return "sendto(" fd ", [" out ", " body "], ...) = " result(line)
	}
	str = substr(line, RSTART + 4, RLENGTH - 5)
	n = unescape(str)
	if (type >= 16 && type <= 19 && n >= 16) {
		body = "{ifi_index=" s32(5) "}"
		if (n > 16)
			body = body ", {" attrs(17, n + 1, "link") "}"
	} else if (type >= 36 && type <= 47 && n >= 20) {
		body = sprintf("{tcm_ifindex=%d, tcm_handle=%#x, tcm_parent=%#x, tcm_info=%#x}", s32(5), u32(9), u32(13), u32(17))
		if (n > 20)
			body = body ", {" attrs(21, n + 1, "tc") "}"
	} else {
		body = "{" n " bytes}"
	}
	return "sendto(" fd ", [" out ", " body "], ...) = " result(line)
}

# A pointer of the link_create bytes at b[o..o+7]: "0x..." (an address of rawload's), "" when NULL.
function ptr64(o,   k) {
	for (k = 0; k < 8; k++)
		if (b[o + k] != 0)
			return "0x..."
	return ""
}
function field(name, v) { return v == "" || v == 0 ? "" : ", " name "=" v }

# A BPF_LINK_CREATE line whose attach-type specific part strace 6.1 prints as bytes
# (`}, extra_data="..."}`, from offset 16 of union bpf_attr): that part decoded in its place, as
# strace prints the link_create members it knows (kprobe_multi={...}).
function link_extra(s,   str, n, v, pre, post) {
	if (!match(s, /\}, extra_data="([^"\\]|\\.)*"\}/))
		return s
	pre = substr(s, 1, RSTART - 1)
	post = substr(s, RSTART + RLENGTH)
	str = substr(s, RSTART + 15, RLENGTH - 17)
	n = unescape(str)
	if (pre ~ /attach_type=BPF_NETFILTER/ && n >= 16) {
		# link_create.netfilter: pf, hooknum, priority (signed), flags
		v = "pf=" ((u32(1) in nfpf) ? nfpf[u32(1)] : u32(1))
		v = v ", hooknum=" ((u32(5) in nfhook) ? nfhook[u32(5)] : u32(5))
		v = v ", priority=" s32(9)
		v = v (u32(13) == 1 ? ", flags=BPF_F_NETFILTER_IP_DEFRAG" : field("flags", u32(13)))
		return pre ", netfilter={" v "}}}" post
	}
	if (pre ~ /attach_type=BPF_TRACE_UPROBE_MULTI/ && n >= 44) {
		# link_create.uprobe_multi: path, offsets, ref_ctr_offsets, cookies (pointers), cnt,
		# flags, pid
		v = field("path", ptr64(1)) field("offsets", ptr64(9)) field("ref_ctr_offsets", ptr64(17))
		v = v field("cookies", ptr64(25)) field("cnt", u32(33))
		v = v (u32(37) == 1 ? ", flags=BPF_F_UPROBE_MULTI_RETURN" : field("flags", u32(37))) field("pid", u32(41))
		return pre ", uprobe_multi={" substr(v, 3) "}}}" post
	}
	return s
}

# A BPF_PROG_LOAD line: the instructions out of it, onto their own lines after it.
function prog_load(line,   i, depth, c, arr, rest, n, k, insn) {
	i = index(line, "insns=[")
	if (!i)
		return shorten(line)
	depth = 0
	for (k = i + 7; k <= length(line); k++) {
		c = substr(line, k, 1)
		if (c == "{") depth++
		else if (c == "}") depth--
		else if (c == "]" && depth == 0) break
	}
	arr = substr(line, i + 7, k - i - 7)
	rest = substr(line, 1, i - 1) "insns=[...]" substr(line, k + 1)
	print shorten(rest)
	n = 0
	while (match(arr, /\{[^}]*\}/)) {
		insn = substr(arr, RSTART, RLENGTH)
		arr = substr(arr, RSTART + RLENGTH)
		printf "    insn %d: %s\n", n++, insn
	}
	return ""
}

# After the first read of an fd, the reads that followed: "    ..." and the last one.
function flush_reads() {
	if (nheld > 1)
		print "    ..."
	if (nheld > 0)
		print held
	readfd = ""
	nheld = 0
}

function fd_arg(line,   s) {
	s = line
	sub(/^[a-z_0-9]+\(/, "", s)
	sub(/[,)].*/, "", s)
	return s
}

!/^read\(/ { flush_reads() }
END { flush_reads() }
/^\+\+\+|^---/ { next }
/^bpf\(/ {
	r = result($0)
	if (r > 0) tracked[r] = 1
	if ($0 ~ /^bpf\(BPF_PROG_LOAD,/) {
		s = prog_load($0)
		if (s != "") print s
	} else {
		print link_extra(shorten($0))
	}
	next
}
/^perf_event_open\(/ {
	r = result($0)
	if (r > 0) tracked[r] = 1
	print shorten($0)
	next
}
/^socket\(AF_NETLINK/ {
	r = result($0)
	if (r > 0) { tracked[r] = 1; nlsock[r] = 1 }
	print
	next
}
/^socket\(AF_PACKET/ {
	r = result($0)
	if (r > 0) { tracked[r] = 1; pktsock[r] = 1 }
	print shorten($0)
	next
}
# A packet socket's options and its bind: the interface it takes frames from (sll_hatype and
# sll_pkttype are 0, which strace names ARPHRD_NETROM and PACKET_HOST).
/^(setsockopt|bind)\(/ {
	f = fd_arg($0) + 0
	if (f in pktsock) {
		line = shorten($0)
		sub(/, sll_hatype=ARPHRD_NETROM/, "", line)
		sub(/, sll_pkttype=PACKET_HOST/, "", line)
		print line
	}
	next
}
# A copy of an fd kept (a map's, for BPF_PROG_DETACH at the end).
/^fcntl\([0-9]+, F_DUPFD/ {
	f = fd_arg($0) + 0
	if (f in tracked) {
		r = result($0)
		if (r > 0) tracked[r] = 1
		print shorten($0)
	}
	next
}
/^openat\(/ {
	if ($0 ~ /\/events\/|\/event_source\/|\/ns\/net"|\/btf\/vmlinux"|O_DIRECTORY/) {
		r = result($0)
		if (r > 0) tracked[r] = 1
		line = $0
		gsub(/\)  +=/, ") =", line)
		print line
	}
	next
}
/^sendto\(/ {
	f = fd_arg($0) + 0
	if (f in nlsock)
		print netlink($0)
	next
}
/^(ioctl|read|mmap|munmap)\(/ {
	f = fd_arg($0)
	if ($0 ~ /^mmap\(/) { f = $0; sub(/, [-0-9x]+\) = .*/, "", f); sub(/.*, /, "", f) }
	if (!((f + 0) in tracked) || f == "")
		next
	line = shorten($0)
	if (line ~ /^read\(/) {
		# what was read (an iterator's text, a tracefs id) varies: its first read and its end
		if (match(line, /"([^"\\]|\\.)*"(\.\.\.)?/) && RLENGTH > 24)
			line = substr(line, 1, RSTART - 1) "\"...\"" substr(line, RSTART + RLENGTH)
		if (f == readfd) { held = line; nheld++; next }
		flush_reads()
		readfd = f
		nheld = 0
	} else {
		flush_reads()
	}
	print line
	next
}
/^close\(/ {
	f = fd_arg($0) + 0
	if (f in tracked) {
		line = $0
		gsub(/  +/, " ", line)
		print line
		delete tracked[f]
		delete nlsock[f]
		delete pktsock[f]
	}
	next
}
