/* loader/main.c — rawload's entry: the usage text, and which command runs (loader/cli/ has the
 * commands, one file per kind). The only place that prints the usage. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "loader/cli/cli.h"

static const char usage[] =
	"usage: rawload OBJECT [IFACE] [options]   load, attach every program, show what they collect\n"
	"                                          until Ctrl-C (or any signal that would end it), then detach\n"
	"       rawload inspect OBJECT [--json] [--type ...]  print what the object holds (no kernel, any user)\n"
	"       rawload load OBJECT [--pin DIR] [--btf FILE] [--type ...]\n"
	"                                          load maps and programs, report, and close (or pin)\n"
	"       rawload detach IFACE [--force]      remove an XDP program a netlink attach of rawload's left\n"
	"                                          behind (--force: whoever's it is)\n"
	"       rawload unpin DIR                   detach and remove what --pin DIR left\n"
	"       rawload status [DIR] [--json]       list the kernel's programs, maps, links (with their\n"
	"                                          targets) and XDP programs; with DIR, the pins under DIR\n"
	"       rawload show PATH [options]         show pinned maps (one, or every map under a directory)\n"
	"                                          live, with the BTF the kernel holds (-i, -n, -d, --json,\n"
	"                                          --per-cpu, --plain)\n"
	"\n"
	"options:\n"
	"  -i, --interval SEC   seconds between snapshots (default 1; fractions allowed)\n"
	"  -n, --count N        stop after N snapshots\n"
	"  -d, --duration SEC   stop after SEC seconds\n"
	"      --json           one JSON object per line\n"
	"      --all-maps       show internal maps (.data, .rodata, .bss) too\n"
	"      --max-entries N  entries shown per map in each snapshot (default 256; 0: all)\n"
	"      --trace          follow trace_pipe (bpf_printk output)\n"
	"      --per-cpu        per-CPU integer maps: each CPU's value beside the sum\n"
	"      --plain          no sparklines, even on a terminal (they need a UTF-8 terminal)\n"
	"      --prog NAME      attach only this program (repeatable)\n"
	"      --type TYPE[:ATTACH]  the program type of the --prog just before it, as a section name\n"
	"                       says it (xdp, socket, tc, sk_skb:stream_verdict, kprobe:FUNC, ...);\n"
	"                       before any --prog: of every program whose section names no type\n"
	"      --mode MODE      XDP mode: skb, native or hw (default: the kernel chooses)\n"
	"      --netlink        attach XDP and tc programs through rtnetlink instead of links\n"
	"      --replace        take the place of the XDP program on the interface; put it back at exit\n"
	"      --cgroup PATH    the cgroup v2 directory cgroup programs attach to (default: the root of\n"
	"                       the cgroup2 mount, found in /proc/self/mountinfo)\n"
	"      --prog-attach    attach cgroup, sockmap (sk_skb, sk_msg) and flow dissector programs\n"
	"                       with BPF_PROG_ATTACH instead of a bpf_link\n"
	"      --freq HZ        perf_event programs: samples a second on each online CPU (default 49)\n"
	"      --map NAME       sk_skb/sk_msg programs: the sockmap or sockhash they attach to (default:\n"
	"                       the object's only one)\n"
	"      --nf [FAMILY:]HOOK:PRIORITY  netfilter programs: where their link goes; FAMILY ipv4\n"
	"                       (default), ipv6 or inet (both); HOOK prerouting, input, forward, output\n"
	"                       or postrouting\n"
	"      --egress         SEC(\"tc\") and \"classifier\" programs (no direction) on egress, not ingress\n"
	"      --pin DIR        attach, pin links and maps under DIR (bpffs) and exit; a second run\n"
	"                       reuses the pinned maps (counters survive)\n"
	"      --btf FILE       the kernel's BTF from FILE (raw BTF, or an ELF file with .BTF) instead of\n"
	"                       /sys/kernel/btf/vmlinux: for CO-RE, BTF attach targets, __ksym, kfuncs\n"
	"  -v, --verbose        narrate every step: maps, relocations, syscalls, paths taken\n"
	"  -h, --help           this text (the manual: man rawload)\n"
	"\n"
	"exit status: 0 everything loaded (and attached); 3 a partial load (members the kernel or the\n"
	"object refuses are named with the reason, the rest loaded and attached); 1 an error, or nothing\n"
	"usable loaded; 2 bad arguments\n"
	"\n"
	"attached by section: xdp, tc (tc/ingress, tcx/egress, ...; plain tc on ingress) and socket\n"
	"filters (a packet socket) to IFACE, else the default route's interface; cgroup\n"
	"(cgroup_skb/egress, cgroup/connect4, sockops, ...) to the --cgroup directory; tracepoint,\n"
	"raw_tp, tp_btf, fentry/fexit/fmod_ret, lsm; kprobe, uprobe (PATH:FUNC[+OFF]; a PATH with a '/'\n"
	"is taken from the current directory, a bare name like libc.so.6 is looked up as libbpf does)\n"
	"and their .multi forms (glob patterns); perf_event (every online CPU); sk_skb/sk_msg to the\n"
	"object's sockmap; sk_lookup, flow_dissector and netfilter in rawload's network namespace;\n"
	"iter (its text is shown at every snapshot); other kinds load and are reported as not attached\n";

/* Installed set-user-ID or set-group-ID (root), rawload would load and detach programs for any
 * user and open files with rights the caller lacks. It refuses before doing anything else; the
 * way to give a user BPF rights is capabilities (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON) or sudo. */
static int refuse_setid(void)
{
	uid_t ruid = getuid(), euid = geteuid();
	gid_t rgid = getgid(), egid = getegid();
	if (ruid == euid && rgid == egid)
		return 0;
	fprintf(stderr, "rawload: refusing to run set-user-ID or set-group-ID (real uid %u gid %u, effective uid %u gid %u): run it as root or give the user capabilities instead\n",
		(unsigned)ruid, (unsigned)rgid, (unsigned)euid, (unsigned)egid);
	return 1;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{"inspect", cmd_inspect}, {"load", cmd_load}, {"detach", cmd_detach},
	{"unpin", cmd_unpin},     {"status", cmd_status}, {"show", cmd_show},
};

int main(int argc, char **argv)
{
	if (refuse_setid())
		return EXIT_FAIL;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	size_t i = 0, n = sizeof(commands) / sizeof(commands[0]);
	while (i < n && strcmp(argv[1], commands[i].name))
		i++;
	int rc = i < n ? commands[i].run(argc - 2, argv + 2) : cmd_run(argc - 1, argv + 1);
	if (rc == CLI_USAGE) {
		fputs(usage, stderr);
		rc = EXIT_USAGE;
	}
	return rc;
}
