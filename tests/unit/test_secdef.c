/* tests/unit/test_secdef.c — secdef_find against libbpf's matching rules, written by hand from
 * libbpf's "Program types and ELF sections" table: "name" matches exactly, "name/" needs a target,
 * "name+" matches the bare name or "name/target"; the target is what follows the first '/'. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "loader/obj/secdef.h"

struct sec_case {
	const char *name;       /* section name as written in SEC() */
	const char *def;        /* expected table spelling, NULL = no match */
	uint32_t prog_type;
	uint32_t attach_type;
	enum attach_kind attach;
	const char *target;
};

/* Attach types newer than the 6.1 UAPI headers (kernel 6.6). */
enum { T_TCX_INGRESS = 46, T_TCX_EGRESS = 47 };

static const struct sec_case cases[] = {
	/* exact names */
	{"xdp", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, ATTACH_XDP, ""},
	{"xdp.frags", "xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, ATTACH_XDP, ""},
	{"xdp/devmap", "xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, ATTACH_NONE, ""},
	{"xdp/cpumap", "xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, ATTACH_NONE, ""},
	{"xdp.frags/devmap", "xdp.frags/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, ATTACH_NONE, ""},
	{"socket", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, ATTACH_SOCKET, ""},
	{"tc", "tc", BPF_PROG_TYPE_SCHED_CLS, 0, ATTACH_TC, ""},
	{"classifier", "classifier", BPF_PROG_TYPE_SCHED_CLS, 0, ATTACH_TC, ""},
	{"action", "action", BPF_PROG_TYPE_SCHED_ACT, 0, ATTACH_TC, ""},
	{"tcx/ingress", "tcx/ingress", BPF_PROG_TYPE_SCHED_CLS, T_TCX_INGRESS, ATTACH_TCX, ""},
	{"tcx/egress", "tcx/egress", BPF_PROG_TYPE_SCHED_CLS, T_TCX_EGRESS, ATTACH_TCX, ""},
	{"tc/ingress", "tc/ingress", BPF_PROG_TYPE_SCHED_CLS, T_TCX_INGRESS, ATTACH_TCX, ""},
	{"perf_event", "perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, ATTACH_PERF_EVENT, ""},
	{"sk_lookup", "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, ATTACH_SK_LOOKUP, ""},
	{"cgroup_skb/ingress", "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS,
	 ATTACH_CGROUP, ""},
	{"cgroup_skb/egress", "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS,
	 ATTACH_CGROUP, ""},
	{"cgroup/connect4", "cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT,
	 ATTACH_CGROUP, ""},
	{"cgroup/sock", "cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE,
	 ATTACH_CGROUP, ""},
	{"cgroup/sock_release", "cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK,
	 BPF_CGROUP_INET_SOCK_RELEASE, ATTACH_CGROUP, ""},
	{"sk_reuseport", "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, ATTACH_NONE, ""},
	{"sk_reuseport/migrate", "sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT,
	 BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, ATTACH_NONE, ""},
	{"sk_skb/stream_parser", "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER,
	 ATTACH_SOCKMAP, ""},
	{"sk_skb", "sk_skb", BPF_PROG_TYPE_SK_SKB, 0, ATTACH_NONE, ""},
	{"syscall", "syscall", BPF_PROG_TYPE_SYSCALL, 0, ATTACH_NONE, ""},
	/* "name+": bare name (target "") or name/target */
	{"kprobe", "kprobe+", BPF_PROG_TYPE_KPROBE, 0, ATTACH_KPROBE, ""},
	{"kprobe/do_unlinkat", "kprobe+", BPF_PROG_TYPE_KPROBE, 0, ATTACH_KPROBE, "do_unlinkat"},
	{"kretprobe/do_unlinkat", "kretprobe+", BPF_PROG_TYPE_KPROBE, 0, ATTACH_KPROBE, "do_unlinkat"},
	{"kprobe.multi/vfs_*", "kprobe.multi+", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI,
	 ATTACH_KPROBE_MULTI, "vfs_*"},
	{"uprobe", "uprobe+", BPF_PROG_TYPE_KPROBE, 0, ATTACH_UPROBE, ""},
	{"uprobe/bin/bash:readline", "uprobe+", BPF_PROG_TYPE_KPROBE, 0, ATTACH_UPROBE, "bin/bash:readline"},
	{"uretprobe", "uretprobe+", BPF_PROG_TYPE_KPROBE, 0, ATTACH_UPROBE, ""},
	{"uprobe.s", "uprobe.s+", BPF_PROG_TYPE_KPROBE, 0, ATTACH_UPROBE, ""},
	{"usdt/libc:probe", "usdt+", BPF_PROG_TYPE_KPROBE, 0, ATTACH_USDT, "libc:probe"},
	{"tracepoint/syscalls/sys_enter_openat", "tracepoint+", BPF_PROG_TYPE_TRACEPOINT, 0,
	 ATTACH_TRACEPOINT, "syscalls/sys_enter_openat"},
	{"tp/sched/sched_process_exec", "tp+", BPF_PROG_TYPE_TRACEPOINT, 0, ATTACH_TRACEPOINT,
	 "sched/sched_process_exec"},
	{"tp", "tp+", BPF_PROG_TYPE_TRACEPOINT, 0, ATTACH_TRACEPOINT, ""},
	{"raw_tracepoint/sys_enter", "raw_tracepoint+", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, ATTACH_RAW_TP,
	 "sys_enter"},
	{"raw_tp/sched_switch", "raw_tp+", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, ATTACH_RAW_TP, "sched_switch"},
	{"raw_tp.w/x", "raw_tp.w+", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, ATTACH_RAW_TP, "x"},
	{"tp_btf/sched_switch", "tp_btf+", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, ATTACH_TP_BTF,
	 "sched_switch"},
	{"tp_btf", "tp_btf+", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, ATTACH_TP_BTF, ""},
	{"fentry/do_unlinkat", "fentry+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, ATTACH_TRACING,
	 "do_unlinkat"},
	{"fexit/do_unlinkat", "fexit+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, ATTACH_TRACING, "do_unlinkat"},
	{"fmod_ret/f", "fmod_ret+", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, ATTACH_TRACING, "f"},
	{"fentry.s/f", "fentry.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, ATTACH_TRACING, "f"},
	{"freplace/f", "freplace+", BPF_PROG_TYPE_EXT, 0, ATTACH_TRACING, "f"},
	{"lsm/file_open", "lsm+", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, ATTACH_LSM, "file_open"},
	{"lsm.s/bprm", "lsm.s+", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, ATTACH_LSM, "bprm"},
	{"lsm_cgroup/socket_bind", "lsm_cgroup+", BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, ATTACH_LSM, "socket_bind"},
	{"iter/task", "iter+", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, ATTACH_ITER, "task"},
	{"iter.s/task", "iter.s+", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, ATTACH_ITER, "task"},
	{"struct_ops/x", "struct_ops+", BPF_PROG_TYPE_STRUCT_OPS, 0, ATTACH_NONE, "x"},
	/* the target keeps every later '/' */
	{"kprobe/a/b/c", "kprobe+", BPF_PROG_TYPE_KPROBE, 0, ATTACH_KPROBE, "a/b/c"},
	{"tracepoint/", "tracepoint+", BPF_PROG_TYPE_TRACEPOINT, 0, ATTACH_TRACEPOINT, ""},
	/* the kinds added with their attach files */
	{"sk_skb/stream_verdict", "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT,
	 ATTACH_SOCKMAP, ""},
	{"sk_msg", "sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, ATTACH_SOCKMAP, ""},
	{"flow_dissector", "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR,
	 ATTACH_FLOW_DISSECTOR, ""},
	{"netfilter", "netfilter", 32, 45, ATTACH_NETFILTER, ""},
	{"uprobe.multi/build/uprobe_target:rl_*", "uprobe.multi+", BPF_PROG_TYPE_KPROBE, 48,
	 ATTACH_UPROBE_MULTI, "build/uprobe_target:rl_*"},
	{"uretprobe.multi/x:f", "uretprobe.multi+", BPF_PROG_TYPE_KPROBE, 48, ATTACH_UPROBE_MULTI, "x:f"},
	{"kretprobe.multi/vfs_*", "kretprobe.multi+", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI,
	 ATTACH_KPROBE_MULTI, "vfs_*"},
	/* older loaders' prefixes (libbpf < 1.0, cilium/ebpf): the current name they stand for,
	 * never a target */
	{"xdpfoo", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, ATTACH_XDP, ""},
	{"xdp_vlan01", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, ATTACH_XDP, ""},
	{"xdp_icmp_echo", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, ATTACH_XDP, ""},
	{"xdp/foo", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, ATTACH_XDP, ""},
	{"xdp.", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, ATTACH_XDP, ""},
	{"xdp_devmap/x", "xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, ATTACH_NONE, ""},
	{"xdp_cpumap/", "xdp/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, ATTACH_NONE, ""},
	{"xdp.frags_x", "xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, ATTACH_XDP, ""},
	{"tc/foo", "tc", BPF_PROG_TYPE_SCHED_CLS, 0, ATTACH_TC, ""},
	{"tc/ingress_x", "tc/ingress", BPF_PROG_TYPE_SCHED_CLS, T_TCX_INGRESS, ATTACH_TCX, ""},
	{"socket1", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, ATTACH_SOCKET, ""},
	{"socket/2", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, ATTACH_SOCKET, ""},
	{"sk_lookup/", "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, ATTACH_SK_LOOKUP, ""},
	{"classifier_x", "classifier", BPF_PROG_TYPE_SCHED_CLS, 0, ATTACH_TC, ""},
	{"action/x", "action", BPF_PROG_TYPE_SCHED_ACT, 0, ATTACH_TC, ""},
	{"perf_event_x", "perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, ATTACH_PERF_EVENT, ""},
	{"cgroup/skbx", "cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, 0, ATTACH_CGROUP, ""},
	{"cgroup/sock_create2", "cgroup/sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE,
	 ATTACH_CGROUP, ""},
	{"cgroup/sockx", "cgroup/sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, ATTACH_CGROUP, ""},
	{"sk_skb/other", "sk_skb", BPF_PROG_TYPE_SK_SKB, 0, ATTACH_NONE, ""},
	{"sk_skb/stream_parser1", "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER,
	 ATTACH_SOCKMAP, ""},
	{"sk_msg2", "sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, ATTACH_SOCKMAP, ""},
	{"sockops/x", "sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, ATTACH_CGROUP, ""},
	{"flow_dissector_x", "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR,
	 ATTACH_FLOW_DISSECTOR, ""},
	/* non-matches */
	{"XDP", NULL, 0, 0, 0, ""},
	{"xd", NULL, 0, 0, 0, ""},
	{"sock", NULL, 0, 0, 0, ""},
	{"kprobex", NULL, 0, 0, 0, ""},
	{"kprobe.", NULL, 0, 0, 0, ""},
	{"tpx/a/b", NULL, 0, 0, 0, ""},
	{"weird/thing", NULL, 0, 0, 0, ""},
	{"", NULL, 0, 0, 0, ""},
	{"/", NULL, 0, 0, 0, ""},
	{".text", NULL, 0, 0, 0, ""},
	{"maps", NULL, 0, 0, 0, ""},
	{"license", NULL, 0, 0, 0, ""},
	{"cgroup", NULL, 0, 0, 0, ""},
	{"cgroup/", NULL, 0, 0, 0, ""},
};

TEST(secdef_table_cases)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sec_case *c = &cases[i];
		const char *target = (const char *)0x1; /* must be overwritten */
		const struct secdef *d = secdef_find(c->name, &target);
		CHECK(target != (const char *)0x1 && target != NULL, "'%s': target not set", c->name);
		if (!c->def) {
			CHECK(d == NULL, "'%s': expected no match, got '%s'", c->name, d ? d->sec : "");
			if (target && target != (const char *)0x1)
				CHECK(strcmp(target, "") == 0, "'%s': target '%s' on a non-match", c->name, target);
			continue;
		}
		CHECK(d != NULL, "'%s': expected '%s', no match", c->name, c->def);
		if (!d)
			continue;
		CHECK(strcmp(d->sec, c->def) == 0, "'%s': matched '%s', expected '%s'", c->name, d->sec, c->def);
		CHECK(d->prog_type == c->prog_type, "'%s': prog type %u, expected %u", c->name, d->prog_type,
		      c->prog_type);
		CHECK(d->attach_type == c->attach_type, "'%s': attach type %u, expected %u", c->name,
		      d->attach_type, c->attach_type);
		CHECK(d->attach == c->attach, "'%s': attach kind %s, expected %s", c->name,
		      secdef_attach_kind_name(d->attach), secdef_attach_kind_name(c->attach));
		if (target && target != (const char *)0x1)
			CHECK(strcmp(target, c->target) == 0, "'%s': target '%s', expected '%s'", c->name, target,
			      c->target);
	}
}

/* Which old rule a name fell under, and from whom; none for current names and non-matches. */
TEST(secdef_legacy_rules)
{
	static const struct {
		const char *name, *prefix;
		uint32_t from;
	} cases[] = {
		{"xdp_vlan01", "xdp", LEGACY_LIBBPF | LEGACY_CILIUM},
		{"xdp_devmap/x", "xdp_devmap/", LEGACY_LIBBPF},
		{"xdp/devmap2", "xdp/devmap", LEGACY_CILIUM},
		{"tc_count", "tc", LEGACY_CILIUM},
		{"socket/2", "socket", LEGACY_LIBBPF | LEGACY_CILIUM},
		{"sk_lookup/", "sk_lookup", LEGACY_LIBBPF | LEGACY_CILIUM},
		{"netfilter_x", "netfilter", LEGACY_CILIUM},
		{"cgroup/connect4x", "cgroup/connect4", LEGACY_LIBBPF | LEGACY_CILIUM},
		{"xdp", NULL, 0},
		{"socket", NULL, 0},
		{"kprobe/f", NULL, 0},
		{"weird/thing", NULL, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct secdef_legacy *l = secdef_find_legacy(cases[i].name);
		if (!cases[i].prefix) {
			CHECK(l == NULL, "'%s': legacy rule '%s'", cases[i].name, l ? l->prefix : "");
			continue;
		}
		CHECK(l && strcmp(l->prefix, cases[i].prefix) == 0 && l->from == cases[i].from,
		      "'%s': rule '%s' from %u, expected '%s' from %u", cases[i].name, l ? l->prefix : "(none)",
		      l ? l->from : 0, cases[i].prefix, cases[i].from);
	}
	CHECK(strcmp(secdef_legacy_from_name(LEGACY_LIBBPF | LEGACY_CILIUM), "libbpf < 1.0, cilium/ebpf") == 0, "both");
	CHECK(strcmp(secdef_legacy_from_name(LEGACY_LIBBPF), "libbpf < 1.0") == 0, "libbpf");
	CHECK(strcmp(secdef_legacy_from_name(LEGACY_CILIUM), "cilium/ebpf") == 0, "cilium");
}

/* --type TYPE[:ATTACH]: TYPE alone or TYPE/ATTACH, the first ':' only becoming '/'. */
TEST(secdef_from_type_option)
{
	static const struct {
		const char *type, *def, *target;
	} cases[] = {
		{"xdp", "xdp", ""},
		{"socket", "socket", ""},
		{"tc", "tc", ""},
		{"tc:egress", "tc/egress", ""},
		{"tc/ingress", "tc/ingress", ""},
		{"sk_skb:stream_verdict", "sk_skb/stream_verdict", ""},
		{"kprobe:do_nanosleep", "kprobe+", "do_nanosleep"},
		{"uprobe:/bin/bash:readline", "uprobe+", "/bin/bash:readline"},
		{"perf_event", "perf_event", ""},
		{"xdp_anything", "xdp", ""},
		{"nonsense", NULL, ""},
		{"", NULL, ""},
		{":x", NULL, ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		const char *t = "unset";
		const struct secdef *d = secdef_from_type(cases[i].type, buf, sizeof(buf), &t);
		if (!cases[i].def) {
			CHECK(d == NULL, "'%s': matched '%s'", cases[i].type, d ? d->sec : "");
			continue;
		}
		CHECK(d && strcmp(d->sec, cases[i].def) == 0 && strcmp(t, cases[i].target) == 0,
		      "'%s': '%s' target '%s', expected '%s' '%s'", cases[i].type, d ? d->sec : "(none)", t,
		      cases[i].def, cases[i].target);
	}
	char small[4];
	const char *t;
	CHECK(secdef_from_type("sk_msg", small, sizeof(small), &t) == NULL, "too long for the buffer");
}

/* The target points into the name (no copy): callers keep it as long as the section name. */
TEST(secdef_target_points_into_name)
{
	const char *name = "tracepoint/syscalls/sys_enter_execve", *target = NULL;
	const struct secdef *d = secdef_find(name, &target);
	REQUIRE(d != NULL, "no match");
	CHECK(target == name + strlen("tracepoint/"), "target %p, name %p", (const void *)target,
	      (const void *)name);
}

TEST(secdef_flags)
{
	const char *t;
	const struct secdef *d;

	d = secdef_find("xdp.frags", &t);
	REQUIRE(d, "xdp.frags");
	CHECK(d->flags & SECDEF_XDP_FRAGS, "xdp.frags without XDP_FRAGS");
	d = secdef_find("xdp", &t);
	REQUIRE(d, "xdp");
	CHECK(!(d->flags & SECDEF_XDP_FRAGS), "xdp with XDP_FRAGS");
	d = secdef_find("fentry.s/f", &t);
	REQUIRE(d, "fentry.s");
	CHECK((d->flags & SECDEF_SLEEPABLE) && (d->flags & SECDEF_BTF_ID), "fentry.s flags %#x", d->flags);
	d = secdef_find("fentry/f", &t);
	REQUIRE(d, "fentry");
	CHECK(!(d->flags & SECDEF_SLEEPABLE) && (d->flags & SECDEF_BTF_ID), "fentry flags %#x", d->flags);
	d = secdef_find("tp_btf/x", &t);
	REQUIRE(d, "tp_btf");
	CHECK(d->flags & SECDEF_BTF_ID, "tp_btf flags %#x", d->flags);
	d = secdef_find("lsm.s/x", &t);
	REQUIRE(d, "lsm.s");
	CHECK(d->flags & SECDEF_SLEEPABLE, "lsm.s flags %#x", d->flags);
	d = secdef_find("tracepoint/a/b", &t);
	REQUIRE(d, "tracepoint");
	CHECK(d->flags == 0, "tracepoint flags %#x", d->flags);
}

TEST(secdef_names)
{
	CHECK(strcmp(secdef_prog_type_name(BPF_PROG_TYPE_XDP), "xdp") == 0, "xdp");
	CHECK(strcmp(secdef_prog_type_name(BPF_PROG_TYPE_TRACEPOINT), "tracepoint") == 0, "tracepoint");
	CHECK(strcmp(secdef_prog_type_name(BPF_PROG_TYPE_SOCKET_FILTER), "socket_filter") == 0, "socket");
	CHECK(strcmp(secdef_prog_type_name(BPF_PROG_TYPE_LSM), "lsm") == 0, "lsm");
	CHECK(strcmp(secdef_prog_type_name(BPF_PROG_TYPE_SYSCALL), "syscall") == 0, "syscall");
	CHECK(strcmp(secdef_prog_type_name(32), "netfilter") == 0, "netfilter");
	CHECK(strcmp(secdef_prog_type_name(10000), "?") == 0, "out of range");
	CHECK(strcmp(secdef_attach_kind_name(ATTACH_XDP), "xdp") == 0, "attach xdp");
	CHECK(strcmp(secdef_attach_kind_name(ATTACH_SOCKET), "socket") == 0, "attach socket");
	CHECK(strcmp(secdef_attach_kind_name(ATTACH_KINDS), "?") == 0, "attach out of range");
	CHECK(strcmp(secdef_attach_type_name(BPF_CGROUP_INET_INGRESS), "cgroup_inet_ingress") == 0, "at 0");
	CHECK(strcmp(secdef_attach_type_name(BPF_XDP), "xdp") == 0, "at xdp");
	CHECK(strcmp(secdef_attach_type_name(BPF_TRACE_FENTRY), "trace_fentry") == 0, "at fentry");
	CHECK(strcmp(secdef_attach_type_name(BPF_SK_LOOKUP), "sk_lookup") == 0, "at sk_lookup");
	CHECK(strcmp(secdef_attach_type_name(BPF_LSM_CGROUP), "lsm_cgroup") == 0, "at lsm_cgroup");
	CHECK(strcmp(secdef_attach_type_name(T_TCX_EGRESS), "tcx_egress") == 0, "at tcx_egress");
	CHECK(strcmp(secdef_attach_type_name(5000), "?") == 0, "at out of range");
}

/* uprobe targets, libbpf's forms: PATH:FUNC, PATH:FUNC+OFFSET, PATH:OFFSET; the path runs to the
 * last ':' ("uprobe//bin/bash:readline" gives the absolute path /bin/bash). */
TEST(secdef_uprobe_targets)
{
	static const struct {
		const char *sec, *path, *func;
		uint64_t offset;
		bool ret;
	} ok[] = {
		{"uprobe//bin/bash:readline", "/bin/bash", "readline", 0, false},
		{"uretprobe/build/uprobe_target:rl_target_func", "build/uprobe_target", "rl_target_func", 0, true},
		{"uretprobe.s//lib/libc.so.6:malloc", "/lib/libc.so.6", "malloc", 0, true},
		{"uprobe.s/libc.so.6:getppid", "libc.so.6", "getppid", 0, false},
		{"uprobe/build/uprobe_target:rl_target_func+0x4", "build/uprobe_target", "rl_target_func", 4, false},
		{"uprobe/x:f+16", "x", "f", 16, false},
		{"uprobe/x:f+0XfF", "x", "f", 255, false},
		{"uprobe/x:f@@GLIBC_2.2.5", "x", "f@@GLIBC_2.2.5", 0, false},
		{"uprobe//a:b/c:f", "/a:b/c", "f", 0, false},
		{"uprobe//bin/true:0x1190", "/bin/true", "", 0x1190, false},
		{"uprobe/x:4096", "x", "", 4096, false},
		{"uprobe/x:f+18446744073709551615", "x", "f", UINT64_MAX, false},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const char *t;
		const struct secdef *def = secdef_find(ok[i].sec, &t);
		REQUIRE(def && def->attach == ATTACH_UPROBE, "'%s' is no uprobe section", ok[i].sec);
		struct secdef_uprobe u;
		struct diag d = {""};
		int err = secdef_uprobe_parse(def, t, &u, &d);
		CHECK(err == 0, "'%s': %d %s", ok[i].sec, err, d.msg);
		if (err)
			continue;
		CHECK(u.path_len == strlen(ok[i].path) && !memcmp(u.path, ok[i].path, u.path_len), "'%s': path '%.*s'",
		      ok[i].sec, (int)u.path_len, u.path);
		CHECK(u.func_len == strlen(ok[i].func) && (!u.func_len || !memcmp(u.func, ok[i].func, u.func_len)),
		      "'%s': function '%.*s'", ok[i].sec, (int)u.func_len, u.func_len ? u.func : "");
		CHECK(u.offset == ok[i].offset && u.retprobe == ok[i].ret, "'%s': offset %llu, retprobe %d", ok[i].sec,
		      (unsigned long long)u.offset, u.retprobe);
	}
	static const struct {
		const char *sec, *needle;
	} bad[] = {
		{"uprobe/bin/bash", "no ':'"},
		{"uprobe/:f", "no path"},
		{"uprobe/x:", "no function after"},
		{"uprobe/x:+4", "no function before"},
		{"uprobe/x:f+", "'+' is not an offset"},
		{"uprobe/x:f+0x", "'+0x' is not an offset"},
		{"uprobe/x:f+12a", "not an offset"},
		{"uprobe/x:f+-1", "not an offset"},
		{"uprobe/x:f+18446744073709551616", "not an offset"},
		{"uprobe/x:0x", "'0x' is not an offset"},
		{"uprobe/x:1f", "not an offset"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *t;
		const struct secdef *def = secdef_find(bad[i].sec, &t);
		REQUIRE(def, "'%s' matches nothing", bad[i].sec);
		struct secdef_uprobe u;
		struct diag d = {""};
		int err = secdef_uprobe_parse(def, t, &u, &d);
		CHECK(err == -EINVAL && strncmp(d.msg, "uprobe target '", 15) == 0 && strstr(d.msg, bad[i].needle),
		      "'%s': %d '%s' (want '%s')", bad[i].sec, err, d.msg, bad[i].needle);
	}
}
