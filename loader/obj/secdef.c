/* loader/obj/secdef.c — SEC() name table and uprobe targets. Facts (names, types, which attach types
 * libbpf passes at load, the uprobe target forms) follow libbpf's documented section names (libbpf
 * docs, "Program types and ELF sections"); attach-type numbers newer than the 6.1 UAPI headers are
 * spelled out with their kernel version. */
#include "loader/obj/secdef.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Attach types and program types newer than the UAPI headers this builds against (6.1). */
enum {
	PROG_TYPE_NETFILTER = 32, /* 6.4 */
	AT_NETFILTER = 45,        /* 6.4 */
	AT_TCX_INGRESS = 46,      /* 6.6 */
	AT_TCX_EGRESS = 47,       /* 6.6 */
	AT_TRACE_UPROBE_MULTI = 48, /* 6.6 */
};

#define LOAD SECDEF_LOAD_ATTACH_TYPE
#define OPT SECDEF_LOAD_ATTACH_OPT
#define SLEEP SECDEF_SLEEPABLE
#define BTFID SECDEF_BTF_ID
#define RET SECDEF_RETURN

static const struct secdef table[] = {
	{"socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, 0, ATTACH_SOCKET},
	{"sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, LOAD, ATTACH_NONE},
	{"sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, LOAD, ATTACH_NONE},
	{"kprobe+", BPF_PROG_TYPE_KPROBE, 0, 0, ATTACH_KPROBE},
	{"uprobe+", BPF_PROG_TYPE_KPROBE, 0, 0, ATTACH_UPROBE},
	{"uprobe.s+", BPF_PROG_TYPE_KPROBE, 0, SLEEP, ATTACH_UPROBE},
	{"kretprobe+", BPF_PROG_TYPE_KPROBE, 0, 0, ATTACH_KPROBE},
	{"uretprobe+", BPF_PROG_TYPE_KPROBE, 0, 0, ATTACH_UPROBE},
	{"uretprobe.s+", BPF_PROG_TYPE_KPROBE, 0, SLEEP, ATTACH_UPROBE},
	{"kprobe.multi+", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, LOAD, ATTACH_KPROBE_MULTI},
	{"kretprobe.multi+", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, LOAD | RET, ATTACH_KPROBE_MULTI},
	{"uprobe.multi+", BPF_PROG_TYPE_KPROBE, AT_TRACE_UPROBE_MULTI, LOAD, ATTACH_UPROBE_MULTI},
	{"uretprobe.multi+", BPF_PROG_TYPE_KPROBE, AT_TRACE_UPROBE_MULTI, LOAD | RET, ATTACH_UPROBE_MULTI},
	{"uprobe.multi.s+", BPF_PROG_TYPE_KPROBE, AT_TRACE_UPROBE_MULTI, LOAD | SLEEP, ATTACH_UPROBE_MULTI},
	{"uretprobe.multi.s+", BPF_PROG_TYPE_KPROBE, AT_TRACE_UPROBE_MULTI, LOAD | SLEEP | RET, ATTACH_UPROBE_MULTI},
	{"ksyscall+", BPF_PROG_TYPE_KPROBE, 0, 0, ATTACH_KPROBE},
	{"kretsyscall+", BPF_PROG_TYPE_KPROBE, 0, 0, ATTACH_KPROBE},
	{"usdt+", BPF_PROG_TYPE_KPROBE, 0, 0, ATTACH_USDT},
	{"usdt.s+", BPF_PROG_TYPE_KPROBE, 0, SLEEP, ATTACH_USDT},
	{"tc/ingress", BPF_PROG_TYPE_SCHED_CLS, AT_TCX_INGRESS, 0, ATTACH_TCX},
	{"tc/egress", BPF_PROG_TYPE_SCHED_CLS, AT_TCX_EGRESS, 0, ATTACH_TCX},
	{"tcx/ingress", BPF_PROG_TYPE_SCHED_CLS, AT_TCX_INGRESS, 0, ATTACH_TCX},
	{"tcx/egress", BPF_PROG_TYPE_SCHED_CLS, AT_TCX_EGRESS, 0, ATTACH_TCX},
	{"tc", BPF_PROG_TYPE_SCHED_CLS, 0, 0, ATTACH_TC},
	{"classifier", BPF_PROG_TYPE_SCHED_CLS, 0, 0, ATTACH_TC},
	{"action", BPF_PROG_TYPE_SCHED_ACT, 0, 0, ATTACH_TC},
	{"tracepoint+", BPF_PROG_TYPE_TRACEPOINT, 0, 0, ATTACH_TRACEPOINT},
	{"tp+", BPF_PROG_TYPE_TRACEPOINT, 0, 0, ATTACH_TRACEPOINT},
	{"raw_tracepoint+", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, ATTACH_RAW_TP},
	{"raw_tp+", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, ATTACH_RAW_TP},
	{"raw_tracepoint.w+", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0, ATTACH_RAW_TP},
	{"raw_tp.w+", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0, ATTACH_RAW_TP},
	{"tp_btf+", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, LOAD | BTFID, ATTACH_TP_BTF},
	{"fentry+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, LOAD | BTFID, ATTACH_TRACING},
	{"fmod_ret+", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, LOAD | BTFID, ATTACH_TRACING},
	{"fexit+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, LOAD | BTFID, ATTACH_TRACING},
	{"fentry.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, LOAD | BTFID | SLEEP, ATTACH_TRACING},
	{"fmod_ret.s+", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, LOAD | BTFID | SLEEP, ATTACH_TRACING},
	{"fexit.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, LOAD | BTFID | SLEEP, ATTACH_TRACING},
	{"freplace+", BPF_PROG_TYPE_EXT, 0, BTFID, ATTACH_TRACING},
	{"lsm+", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, LOAD | BTFID, ATTACH_LSM},
	{"lsm.s+", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, LOAD | BTFID | SLEEP, ATTACH_LSM},
	{"lsm_cgroup+", BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, LOAD | BTFID, ATTACH_LSM},
	{"iter+", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, LOAD | BTFID, ATTACH_ITER},
	{"iter.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, LOAD | BTFID | SLEEP, ATTACH_ITER},
	{"syscall", BPF_PROG_TYPE_SYSCALL, 0, SLEEP, ATTACH_NONE},
	{"xdp.frags/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, LOAD | SECDEF_XDP_FRAGS, ATTACH_NONE},
	{"xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, LOAD, ATTACH_NONE},
	{"xdp.frags/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, LOAD | SECDEF_XDP_FRAGS, ATTACH_NONE},
	{"xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, LOAD, ATTACH_NONE},
	{"xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, LOAD | SECDEF_XDP_FRAGS, ATTACH_XDP},
	{"xdp", BPF_PROG_TYPE_XDP, BPF_XDP, OPT, ATTACH_XDP},
	{"perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, 0, ATTACH_PERF_EVENT},
	{"lwt_in", BPF_PROG_TYPE_LWT_IN, 0, 0, ATTACH_NONE},
	{"lwt_out", BPF_PROG_TYPE_LWT_OUT, 0, 0, ATTACH_NONE},
	{"lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, 0, 0, ATTACH_NONE},
	{"lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, 0, ATTACH_NONE},
	{"sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, OPT, ATTACH_CGROUP},
	{"sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, OPT, ATTACH_SOCKMAP},
	{"sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, OPT, ATTACH_SOCKMAP},
	{"sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_VERDICT, OPT, ATTACH_SOCKMAP},
	{"sk_skb", BPF_PROG_TYPE_SK_SKB, 0, 0, ATTACH_NONE},
	{"sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, OPT, ATTACH_SOCKMAP},
	{"lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, OPT, ATTACH_NONE},
	{"flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, OPT, ATTACH_FLOW_DISSECTOR},
	{"cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, OPT, ATTACH_CGROUP},
	{"cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, OPT, ATTACH_CGROUP},
	{"cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, 0, ATTACH_CGROUP},
	{"cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, LOAD, ATTACH_CGROUP},
	{"cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, LOAD, ATTACH_CGROUP},
	{"cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, OPT, ATTACH_CGROUP},
	{"cgroup/post_bind4", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, LOAD, ATTACH_CGROUP},
	{"cgroup/post_bind6", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, LOAD, ATTACH_CGROUP},
	{"cgroup/bind4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, LOAD, ATTACH_CGROUP},
	{"cgroup/bind6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, LOAD, ATTACH_CGROUP},
	{"cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, LOAD, ATTACH_CGROUP},
	{"cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, LOAD, ATTACH_CGROUP},
	{"cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, LOAD, ATTACH_CGROUP},
	{"cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, LOAD, ATTACH_CGROUP},
	{"cgroup/recvmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, LOAD, ATTACH_CGROUP},
	{"cgroup/recvmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, LOAD, ATTACH_CGROUP},
	{"cgroup/getpeername4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, LOAD, ATTACH_CGROUP},
	{"cgroup/getpeername6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, LOAD, ATTACH_CGROUP},
	{"cgroup/getsockname4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, LOAD, ATTACH_CGROUP},
	{"cgroup/getsockname6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, LOAD, ATTACH_CGROUP},
	{"cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, LOAD, ATTACH_CGROUP},
	{"cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, LOAD, ATTACH_CGROUP},
	{"cgroup/setsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, LOAD, ATTACH_CGROUP},
	{"cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, OPT, ATTACH_CGROUP},
	{"struct_ops+", BPF_PROG_TYPE_STRUCT_OPS, 0, 0, ATTACH_NONE},
	{"struct_ops.s+", BPF_PROG_TYPE_STRUCT_OPS, 0, SLEEP, ATTACH_NONE},
	{"sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, LOAD, ATTACH_SK_LOOKUP},
	/* the kernel wants expected_attach_type BPF_NETFILTER at load (libbpf passes every entry's) */
	{"netfilter", PROG_TYPE_NETFILTER, AT_NETFILTER, LOAD, ATTACH_NETFILTER},
};

#define L LEGACY_LIBBPF
#define C LEGACY_CILIUM

/* The old prefix rules, in matching order (longer prefixes before the shorter ones they start
 * with). Facts: libbpf v0.8's section_defs (SEC_SLOPPY_PFX entries match as prefixes unless strict
 * mode; "xdp_devmap/" and "xdp_cpumap/" deprecated; libbpf before 0.6 compared every name by
 * prefix), and cilium/ebpf's elf_sections.go with matchSectionName (a pattern without '/' or '+'
 * at its end matches any name it starts). */
static const struct secdef_legacy legacy[] = {
	{"xdp_devmap/", "xdp/devmap", L},
	{"xdp_cpumap/", "xdp/cpumap", L},
	{"xdp.frags/devmap", "xdp.frags/devmap", C},
	{"xdp/devmap", "xdp/devmap", C},
	{"xdp.frags/cpumap", "xdp.frags/cpumap", C},
	{"xdp/cpumap", "xdp/cpumap", C},
	{"xdp.frags", "xdp.frags", C},
	{"xdp", "xdp", L | C},
	{"socket", "socket", L | C},
	{"sk_reuseport/migrate", "sk_reuseport/migrate", L | C},
	{"sk_reuseport", "sk_reuseport", L | C},
	{"tc/ingress", "tc/ingress", C},
	{"tc/egress", "tc/egress", C},
	{"tcx/ingress", "tcx/ingress", C},
	{"tcx/egress", "tcx/egress", C},
	{"tc", "tc", C},
	{"classifier", "classifier", L | C},
	{"action", "action", L | C},
	{"syscall", "syscall", C},
	{"perf_event", "perf_event", L | C},
	{"lwt_in", "lwt_in", L | C},
	{"lwt_out", "lwt_out", L | C},
	{"lwt_xmit", "lwt_xmit", L | C},
	{"lwt_seg6local", "lwt_seg6local", L | C},
	{"sockops", "sockops", L | C},
	{"sk_skb/stream_parser", "sk_skb/stream_parser", L | C},
	{"sk_skb/stream_verdict", "sk_skb/stream_verdict", L | C},
	{"sk_skb/verdict", "sk_skb/verdict", C},
	{"sk_skb", "sk_skb", L | C},
	{"sk_msg", "sk_msg", L | C},
	{"lirc_mode2", "lirc_mode2", L | C},
	{"flow_dissector", "flow_dissector", L | C},
	{"cgroup_skb/ingress", "cgroup_skb/ingress", L | C},
	{"cgroup_skb/egress", "cgroup_skb/egress", L | C},
	{"cgroup/skb", "cgroup/skb", L | C},
	{"cgroup/sock_create", "cgroup/sock_create", L | C},
	{"cgroup/sock_release", "cgroup/sock_release", L | C},
	{"cgroup/sock", "cgroup/sock", L | C},
	{"cgroup/post_bind4", "cgroup/post_bind4", L | C},
	{"cgroup/post_bind6", "cgroup/post_bind6", L | C},
	{"cgroup/bind4", "cgroup/bind4", L | C},
	{"cgroup/bind6", "cgroup/bind6", L | C},
	{"cgroup/connect4", "cgroup/connect4", L | C},
	{"cgroup/connect6", "cgroup/connect6", L | C},
	{"cgroup/sendmsg4", "cgroup/sendmsg4", L | C},
	{"cgroup/sendmsg6", "cgroup/sendmsg6", L | C},
	{"cgroup/recvmsg4", "cgroup/recvmsg4", L | C},
	{"cgroup/recvmsg6", "cgroup/recvmsg6", L | C},
	{"cgroup/getpeername4", "cgroup/getpeername4", L | C},
	{"cgroup/getpeername6", "cgroup/getpeername6", L | C},
	{"cgroup/getsockname4", "cgroup/getsockname4", L | C},
	{"cgroup/getsockname6", "cgroup/getsockname6", L | C},
	{"cgroup/sysctl", "cgroup/sysctl", L | C},
	{"cgroup/getsockopt", "cgroup/getsockopt", L | C},
	{"cgroup/setsockopt", "cgroup/setsockopt", L | C},
	{"cgroup/dev", "cgroup/dev", L | C},
	{"sk_lookup", "sk_lookup", L | C},
	{"netfilter", "netfilter", C},
};

#undef L
#undef C

static bool matches(const char *def, const char *name, const char **target)
{
	size_t len = strlen(def);

	if (def[len - 1] == '/') { /* "type/" needs "type/extras" */
		if (strncmp(name, def, len) != 0)
			return false;
		*target = name + len;
		return true;
	}
	if (def[len - 1] == '+') { /* "type" or "type/extras" */
		len--;
		if (strncmp(name, def, len) != 0 || (name[len] != '\0' && name[len] != '/'))
			return false;
		*target = name[len] ? name + len + 1 : "";
		return true;
	}
	*target = "";
	return strcmp(name, def) == 0;
}

static const struct secdef *find_current(const char *sec_name, const char **target)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (matches(table[i].sec, sec_name, target))
			return &table[i];
	*target = "";
	return NULL;
}

const struct secdef_legacy *secdef_find_legacy(const char *sec_name)
{
	const char *target;
	if (find_current(sec_name, &target))
		return NULL;
	for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
		if (strncmp(sec_name, legacy[i].prefix, strlen(legacy[i].prefix)) == 0)
			return &legacy[i];
	return NULL;
}

const struct secdef *secdef_find(const char *sec_name, const char **target)
{
	const struct secdef *def = find_current(sec_name, target);
	const struct secdef_legacy *old = def ? NULL : secdef_find_legacy(sec_name);
	if (old) /* the current name it stands for matches itself exactly: target "" */
		def = find_current(old->sec, target);
	return def;
}

const char *secdef_legacy_from_name(uint32_t from)
{
	return from == (LEGACY_LIBBPF | LEGACY_CILIUM) ? "libbpf < 1.0, cilium/ebpf"
	       : from == LEGACY_LIBBPF ? "libbpf < 1.0" : "cilium/ebpf";
}

const struct secdef *secdef_from_type(const char *type, char *buf, size_t size, const char **target)
{
	*target = "";
	if (!*type || snprintf(buf, size, "%s", type) >= (int)size)
		return NULL;
	char *colon = strchr(buf, ':');
	if (colon)
		*colon = '/';
	return secdef_find(buf, target);
}

/* A whole unsigned number, decimal or 0x-hexadecimal, of len bytes at s. */
static bool parse_offset(const char *s, size_t len, uint64_t *out)
{
	unsigned base = 10;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (len == 0)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned digit = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				 : base == 16 && c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
				 : base == 16 && c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
		if (digit >= base || v > (UINT64_MAX - digit) / base)
			return false;
		v = v * base + digit;
	}
	*out = v;
	return true;
}

int secdef_uprobe_parse(const struct secdef *def, const char *target, struct secdef_uprobe *out,
			struct diag *d)
{
	const char *colon = strrchr(target, ':');
	*out = (struct secdef_uprobe){.retprobe = strncmp(def->sec, "uretprobe", 9) == 0};
	if (!colon)
		return diag_set(d, -EINVAL, "uprobe target '%s': not PATH:FUNCTION (no ':')", target);
	out->path = target;
	out->path_len = (size_t)(colon - target);
	if (out->path_len == 0)
		return diag_set(d, -EINVAL, "uprobe target '%s': no path before the ':'", target);
	const char *spec = colon + 1, *plus = strchr(spec, '+');
	if (!*spec)
		return diag_set(d, -EINVAL, "uprobe target '%s': no function after the ':'", target);
	if (spec[0] >= '0' && spec[0] <= '9') { /* a bare file offset */
		if (!parse_offset(spec, strlen(spec), &out->offset))
			return diag_set(d, -EINVAL, "uprobe target '%s': '%s' is not an offset", target, spec);
		return 0;
	}
	out->func = spec;
	out->func_len = plus ? (size_t)(plus - spec) : strlen(spec);
	if (plus && !parse_offset(plus + 1, strlen(plus + 1), &out->offset))
		return diag_set(d, -EINVAL, "uprobe target '%s': '+%s' is not an offset", target, plus + 1);
	if (out->func_len == 0)
		return diag_set(d, -EINVAL, "uprobe target '%s': no function before the '+'", target);
	return 0;
}

const char *secdef_prog_type_name(uint32_t t)
{
	static const char *const names[] = {
		"unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp",
		"perf_event", "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit", "sock_ops",
		"sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint", "cgroup_sock_addr",
		"lwt_seg6local", "lirc_mode2", "sk_reuseport", "flow_dissector", "cgroup_sysctl",
		"raw_tracepoint_writable", "cgroup_sockopt", "tracing", "struct_ops", "ext", "lsm",
		"sk_lookup", "syscall", "netfilter",
	};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

const char *secdef_attach_kind_name(enum attach_kind k)
{
	static const char *const names[ATTACH_KINDS] = {
		[ATTACH_NONE] = "none", [ATTACH_XDP] = "xdp", [ATTACH_TRACEPOINT] = "tracepoint",
		[ATTACH_RAW_TP] = "raw_tracepoint", [ATTACH_TP_BTF] = "tp_btf", [ATTACH_KPROBE] = "kprobe",
		[ATTACH_UPROBE] = "uprobe", [ATTACH_TC] = "tc", [ATTACH_TCX] = "tcx",
		[ATTACH_CGROUP] = "cgroup", [ATTACH_PERF_EVENT] = "perf_event",
		[ATTACH_TRACING] = "tracing", [ATTACH_LSM] = "lsm", [ATTACH_ITER] = "iter",
		[ATTACH_SK_LOOKUP] = "sk_lookup", [ATTACH_SOCKET] = "socket", [ATTACH_USDT] = "usdt",
		[ATTACH_SOCKMAP] = "sockmap", [ATTACH_FLOW_DISSECTOR] = "flow_dissector",
		[ATTACH_NETFILTER] = "netfilter", [ATTACH_KPROBE_MULTI] = "kprobe.multi",
		[ATTACH_UPROBE_MULTI] = "uprobe.multi",
	};
	return (unsigned)k < ATTACH_KINDS ? names[k] : "?";
}

const char *secdef_attach_type_name(uint32_t t)
{
	static const char *const names[] = {
		"cgroup_inet_ingress", "cgroup_inet_egress", "cgroup_inet_sock_create", "cgroup_sock_ops",
		"sk_skb_stream_parser", "sk_skb_stream_verdict", "cgroup_device", "sk_msg_verdict",
		"cgroup_inet4_bind", "cgroup_inet6_bind", "cgroup_inet4_connect", "cgroup_inet6_connect",
		"cgroup_inet4_post_bind", "cgroup_inet6_post_bind", "cgroup_udp4_sendmsg",
		"cgroup_udp6_sendmsg", "lirc_mode2", "flow_dissector", "cgroup_sysctl",
		"cgroup_udp4_recvmsg", "cgroup_udp6_recvmsg", "cgroup_getsockopt", "cgroup_setsockopt",
		"trace_raw_tp", "trace_fentry", "trace_fexit", "modify_return", "lsm_mac", "trace_iter",
		"cgroup_inet4_getpeername", "cgroup_inet6_getpeername", "cgroup_inet4_getsockname",
		"cgroup_inet6_getsockname", "xdp_devmap", "cgroup_inet_sock_release", "xdp_cpumap",
		"sk_lookup", "xdp", "sk_skb_verdict", "sk_reuseport_select",
		"sk_reuseport_select_or_migrate", "perf_event", "trace_kprobe_multi", "lsm_cgroup",
		"struct_ops", "netfilter", "tcx_ingress", "tcx_egress", "trace_uprobe_multi",
	};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}
