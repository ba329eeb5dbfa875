/* loader/main.c — the command line: parse arguments, read the object file, run a command, print
 * the one diagnostic line when something fails. The only place that prints. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/netlink.h"
#include "bpf/sys.h"
#include "loader/attach/attach.h"
#include "loader/show/inspect.h"
#include "loader/show/pinned.h"
#include "loader/show/status.h"
#include "loader/load/load.h"
#include "loader/load/verifier_hint.h"
#include "loader/obj/obj.h"
#include "loader/show/show.h"

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

static int verbose;

static void say_line(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "rawload: %s\n", text);
}
static const struct narrator say = {say_line, NULL};

struct file_map {
	const uint8_t *data;
	size_t size;
};

/* Map the whole file read-only (the model points into it; nothing is copied). */
static int map_file(const char *path, struct file_map *fm, struct diag *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(d, -errno, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return diag_set(d, -EINVAL, "%s: not a regular file", path);
	}
	if (st.st_size == 0 || (uint64_t)st.st_size > (1u << 30)) {
		close(fd);
		return diag_set(d, -EINVAL, "%s: size %lld is not that of a BPF object", path, (long long)st.st_size);
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return diag_set(d, -errno, "%s: mmap: %s", path, strerror(errno));
	fm->data = p;
	fm->size = (size_t)st.st_size;
	return 0;
}

static void unmap_file(struct file_map *fm)
{
	if (fm->data)
		munmap((void *)fm->data, fm->size);
	fm->data = NULL;
}

/* --type TYPE[:ATTACH] options: after --prog NAME for that program, else (`all`) for every program
 * whose section names no type. */
struct type_opts {
	const char *all;
	const char *prog[64], *type[64]; /* --prog names in order; type[k] NULL when none followed */
	int n;
};

/* Takes --prog NAME and --type T at argv[*i] into t: 1 when taken (*i moved past the value), 0
 * when argv[*i] is something else, -1 when its value is missing or there are too many. */
static int take_type_opt(int argc, char **argv, int *i, struct type_opts *t)
{
	bool prog = !strcmp(argv[*i], "--prog"), type = !strcmp(argv[*i], "--type");
	if (!prog && !type)
		return 0;
	if (*i + 1 >= argc || (prog && t->n == 64))
		return -1;
	const char *v = argv[++*i];
	if (prog)
		t->prog[t->n++] = v;
	else if (t->n)
		t->type[t->n - 1] = v;
	else
		t->all = v;
	return 1;
}

static int apply_types(struct obj *o, const char *path, const struct type_opts *t)
{
	struct diag d = {{0}};
	int changed = 0;
	for (int k = 0; t && k < t->n; k++) {
		int p = t->type[k] ? obj_find_prog(o, t->prog[k]) : 0;
		if (p < 0) {
			fprintf(stderr, "rawload: %s has no program '%s'\n", path, t->prog[k]);
			return -ENOENT;
		}
		if (t->type[k] && obj_force_type(o, (uint32_t)p, t->type[k], &d))
			return fprintf(stderr, "rawload: %s\n", d.msg), -EINVAL;
	}
	for (uint32_t i = 0; t && t->all && i < o->nprogs; i++) {
		if (o->progs[i].def)
			continue;
		if (obj_force_type(o, i, t->all, &d))
			return fprintf(stderr, "rawload: %s\n", d.msg), -EINVAL;
		changed++;
	}
	if (t && t->all && !changed)
		fprintf(stderr, "rawload: note: --type %s: every program's section names its type (--prog NAME --type %s sets one program's)\n",
			t->all, t->all);
	return 0;
}

static int open_object(const char *path, struct file_map *fm, struct obj *o, const struct type_opts *t)
{
	struct diag d = {{0}};
	int err = map_file(path, fm, &d);
	if (!err)
		err = obj_parse(o, path, fm->data, fm->size, &d);
	if (err) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		unmap_file(fm);
		return err;
	}
	err = apply_types(o, path, t);
	if (err) {
		obj_close(o);
		unmap_file(fm);
	} else if (verbose) {
		inspect_narrate(o, &say);
	}
	return err;
}

/* A known cause of a verifier failure (loader/load/verifier_hint.c): the cause, the C line the
 * kernel quoted, what usually fixes it. Nothing for an unknown cause: the log says it. prog names
 * the program when several may be refused (a partial load); NULL after the one that failed it. */
static void print_verifier_hint(const struct vhint *h, const char *prog)
{
	if (!h || h->cause == VHINT_UNKNOWN)
		return;
	char who[80] = "";
	if (prog)
		snprintf(who, sizeof(who), "prog '%.64s': ", prog);
	fprintf(stderr, "rawload: %scause: %s\n", who, h->what);
	if (h->line_kind != VHINT_LINE_NONE && h->source[0]) {
		const char *label = h->line_kind == VHINT_LINE_LAST ? "last line walked" : "line";
		if (h->file[0])
			fprintf(stderr, "rawload: %s%s: %s:%u: %s\n", who, label, h->file, h->line, h->source);
		else
			fprintf(stderr, "rawload: %s%s: %s\n", who, label, h->source);
	}
	fprintf(stderr, "rawload: %sfix: %s\n", who, h->fix);
}

/* Print a verifier failure: the cause explained when it is a known one, then the explaining part
 * of the log; with -v, all of the log and then the explanation (the end of the screen). */
static void print_verifier_log(const struct obj *o, const struct loaded *l, int err)
{
	if (!l->verifier_log || !l->verifier_log[0])
		return;
	struct vhint h;
	if (l->failed_prog >= 0 && (uint32_t)l->failed_prog < o->nprogs) {
		const struct obj_prog *p = &o->progs[l->failed_prog];
		struct vhint_prog vp = {.name = p->name, .license = o->license, .err = err};
		if (p->def) {
			vp.prog_type = p->def->prog_type;
			vp.type_name = secdef_prog_type_name(p->def->prog_type);
		}
		vhint_explain(l->verifier_log, &vp, &h);
	} else {
		h.cause = VHINT_UNKNOWN;
	}
	if (verbose) {
		size_t len = strlen(l->verifier_log);
		/* A log that filled its buffer ends inside a line: end it before what follows. */
		fprintf(stderr, "rawload: verifier log:\n%s%s", l->verifier_log,
			l->verifier_log[len - 1] == '\n' ? "" : "\n");
		print_verifier_hint(&h, NULL);
		return;
	}
	print_verifier_hint(&h, NULL);
	size_t n;
	const char *part = load_log_excerpt(l->verifier_log, &n);
	fprintf(stderr, "rawload: verifier log (end; -v shows all of it):\n%.*s\n", (int)n, part);
}

/* Exit statuses: everything loaded (and attached), 0; an error or nothing usable, 1; bad arguments,
 * 2; a partial load (some members refused, the rest loaded and attached), 3. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_PARTIAL = 3 };

static int load_or_report(const struct obj *o, const struct load_opts *opts, struct loaded *l)
{
	struct diag d = {{0}};
	int err = load_object(o, opts, l, &d);
	if (err) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		print_verifier_log(o, l, err);
		load_close(l);
	}
	return err;
}

/* What a load left out, on stderr: with each, one line per refused member (`load` lists them on
 * stdout instead); the programs refused for want of the kernel's BTF on one line, with how to
 * give one; and a summary when anything was refused. Returns the exit status the load alone
 * deserves: EXIT_OK, EXIT_PARTIAL or EXIT_FAIL (nothing usable). */
static int report_refusals(const struct obj *o, const struct loaded *l, bool each)
{
	uint32_t kbtf = 0, loaded = 0;
	for (uint32_t i = 0; i < o->nmaps && each; i++)
		if (l->map_refused[i].why)
			fprintf(stderr, "rawload: map '%s': not created: %s\n", o->maps[i].name, l->map_refused[i].why);
	for (uint32_t i = 0; i < o->nprogs; i++) {
		loaded += l->prog_fds[i] >= 0;
		if (l->prog_refused[i].kernel_btf)
			kbtf++;
		else if (l->prog_refused[i].why && each)
			fprintf(stderr, "rawload: prog '%s': not loaded: %s\n", o->progs[i].name, l->prog_refused[i].why);
		print_verifier_hint(l->prog_refused[i].hint, o->progs[i].name);
	}
	if (kbtf) {
		fprintf(stderr, "rawload: no kernel BTF (%s): ", l->kbtf_why ? l->kbtf_why : "unreadable");
		for (uint32_t i = 0, k = 0; i < o->nprogs; i++)
			if (l->prog_refused[i].kernel_btf)
				fprintf(stderr, "%s'%s'", k++ ? ", " : "", o->progs[i].name);
		fprintf(stderr, " need%s it (CO-RE, BTF attach targets, kfuncs or __ksym); give one with --btf FILE "
			"(the kernel's /sys/kernel/btf/vmlinux from another build of this kernel, or an ELF with .BTF)\n",
			kbtf == 1 ? "s" : "");
	}
	enum load_outcome out = load_outcome(l);
	if (out == LOAD_ALL)
		return EXIT_OK;
	fprintf(stderr, "rawload: %s: %u of %u programs loaded, %u refused; %u map%s refused%s\n",
		out == LOAD_NOTHING ? "nothing usable loaded" : "partial load", loaded, o->nprogs, l->nrefused_progs,
		l->nrefused_maps, l->nrefused_maps == 1 ? "" : "s",
		out == LOAD_NOTHING ? "" : " (exit status 3)");
	return out == LOAD_NOTHING ? EXIT_FAIL : EXIT_PARTIAL;
}

/* The one operand of inspect/detach/unpin, taking -v (and --json where json is given) on the way.
 * NULL when the arguments do not fit (usage printed). */
static const char *one_operand(int argc, char **argv, bool *json)
{
	const char *operand = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (json && !strcmp(argv[i], "--json"))
			*json = true;
		else if (argv[i][0] == '-' || operand)
			return fputs(usage, stderr), NULL;
		else
			operand = argv[i];
	}
	if (!operand)
		fputs(usage, stderr);
	return operand;
}

/* ---- signals ----------------------------------------------------------------------------------- */

/* Every signal whose default action ends the process and that a handler can catch: the ones a user
 * sends (INT, TERM, HUP, QUIT, USR1, USR2, ALRM, the real-time ones), the ones the kernel sends
 * for a reason (PIPE, XCPU, XFSZ, VTALRM, PROF, IO, PWR, STKFLT), and the fault signals when
 * someone sends them with kill. Each one stops rawload the same way: the display ends, everything
 * is detached and closed, then rawload exits. They are blocked from before anything is loaded and
 * let in only where rawload can act on them (see show.c); in between they wait, pending. A real
 * fault (the kernel's SIGSEGV, SIGBUS, ...) keeps its default action: there is nothing sane left to
 * clean up with. SIGKILL and SIGSTOP cannot be caught: a netlink attachment outlives SIGKILL
 * (`rawload detach IFACE` removes it). */
static const int stop_signal_list[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE,
	SIGALRM, SIGTERM,
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
	SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,
#ifdef SIGPWR
	SIGPWR,
#endif
	SIGSYS,
};

/* The signal that stopped rawload (0: none yet); STOP_OUTPUT when stdout went away. */
enum { STOP_OUTPUT = -1 };
static volatile sig_atomic_t stop;

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(stop_signal_list) / sizeof(stop_signal_list[0]); i++)
		sigaddset(set, stop_signal_list[i]);
	for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
		sigaddset(set, s);
}

static bool fault_signal(int sig)
{
	return sig == SIGILL || sig == SIGTRAP || sig == SIGBUS || sig == SIGFPE || sig == SIGSEGV || sig == SIGSYS;
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (fault_signal(sig) && si && si->si_code > 0) {
		/* Raised by the kernel for this thread's fault (si_code > 0; kill and sigqueue give
		 * SI_USER, SI_QUEUE, SI_TKILL <= 0): the default action follows when it repeats. */
		signal(sig, SIG_DFL);
		return;
	}
	if (!stop)
		stop = sig;
}

/* Block the stop signals and catch them; the mask before in *old. */
static void take_signals(sigset_t *old)
{
	sigset_t set;
	stop_signals(&set);
	sigprocmask(SIG_BLOCK, &set, old);
	struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO};
	sigfillset(&sa.sa_mask);
	for (int s = 1; s <= SIGRTMAX; s++)
		if (sigismember(&set, s))
			sigaction(s, &sa, NULL);
}

/* A stop signal that arrived (pending, while they are blocked), or 0. For the load and attach
 * passes, which ask between kernel objects. */
static int pending_stop(void)
{
	sigset_t set, pending;
	if (stop > 0)
		return stop;
	stop_signals(&set);
	if (sigpending(&pending) != 0)
		return 0;
	for (int s = 1; s <= SIGRTMAX; s++)
		if (sigismember(&set, s) && sigismember(&pending, s))
			return s;
	return 0;
}

static bool interrupted(void)
{
	return pending_stop() != 0;
}

/* SIGHUP -> "SIGHUP"; real-time ones as "SIGRTMIN+N". */
static const char *signal_name(int sig, char *buf, size_t n)
{
	static const struct { int sig; const char *name; } names[] = {
		{SIGHUP, "HUP"}, {SIGINT, "INT"}, {SIGQUIT, "QUIT"}, {SIGILL, "ILL"}, {SIGTRAP, "TRAP"},
		{SIGABRT, "ABRT"}, {SIGBUS, "BUS"}, {SIGFPE, "FPE"}, {SIGUSR1, "USR1"}, {SIGSEGV, "SEGV"},
		{SIGUSR2, "USR2"}, {SIGPIPE, "PIPE"}, {SIGALRM, "ALRM"}, {SIGTERM, "TERM"}, {SIGXCPU, "XCPU"},
		{SIGXFSZ, "XFSZ"}, {SIGVTALRM, "VTALRM"}, {SIGPROF, "PROF"}, {SIGIO, "IO"}, {SIGSYS, "SYS"},
#ifdef SIGSTKFLT
		{SIGSTKFLT, "STKFLT"},
#endif
#ifdef SIGPWR
		{SIGPWR, "PWR"},
#endif
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig) {
			snprintf(buf, n, "SIG%s", names[i].name);
			return buf;
		}
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, n, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, n, "signal %d", sig);
	return buf;
}

/* After a clean stop by signal sig: INT, TERM and HUP (the ways to end the display) and PIPE (its
 * reader went away) exit 0; any other signal is said on stderr and exits 128 + its number, as a
 * shell reports a process it ended. */
static int stopped_status(int sig, const char *done)
{
	if (sig <= 0 || sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGPIPE)
		return 0;
	char name[32];
	fprintf(stderr, "rawload: %s: %s\n", signal_name(sig, name, sizeof(name)), done);
	return 128 + sig;
}

/* ---- rawload load ------------------------------------------------------------------------------ */

static int cmd_load(int argc, char **argv)
{
	const char *path = NULL;
	struct load_opts opts = {0};
	struct type_opts types = {0};
	for (int i = 0; i < argc; i++) {
		int r = take_type_opt(argc, argv, &i, &types);
		if (r < 0)
			return fputs(usage, stderr), 2;
		if (r)
			continue;
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (!strcmp(argv[i], "--pin") && i + 1 < argc)
			opts.pin_dir = argv[++i];
		else if (!strcmp(argv[i], "--btf") && i + 1 < argc)
			opts.btf_path = argv[++i];
		else if (argv[i][0] == '-' || path)
			return fputs(usage, stderr), 2;
		else
			path = argv[i];
	}
	if (!path)
		return fputs(usage, stderr), 2;
	if (verbose)
		opts.say = &say;
	/* A signal stops the load between kernel objects (everything closed, no pins of its own left);
	 * once pinning began it waits until the pins are complete. */
	sigset_t old;
	take_signals(&old);
	opts.interrupted = interrupted;
	struct file_map fm = {0};
	struct obj o;
	struct loaded l;
	if (open_object(path, &fm, &o, &types))
		return 1;
	int err = load_or_report(&o, &opts, &l);
	if (err) {
		obj_close(&o);
		unmap_file(&fm);
		return err == -EINTR ? stopped_status(pending_stop(), "stopped while loading; nothing stays loaded") : EXIT_FAIL;
	}
	char tbuf[24];
	for (uint32_t i = 0; i < o.nprogs; i++) {
		const char *type = o.progs[i].def ? secdef_prog_type_name(o.progs[i].def->prog_type) : "unknown";
		if (l.prog_refused[i].why) {
			printf("prog %-20s %-14s refused: %s\n", o.progs[i].name, type, l.prog_refused[i].why);
			continue;
		}
		if (l.prog_fds[i] < 0) { /* skipped, or a struct_ops program no map uses (libbpf leaves those too) */
			if (o.progs[i].def && o.progs[i].def->prog_type == BPF_PROG_TYPE_STRUCT_OPS &&
			    !(opts.skip_prog && opts.skip_prog[i]))
				printf("prog %-20s %-14s not loaded: no struct_ops map uses it\n", o.progs[i].name, type);
			continue;
		}
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);
		memset(&info, 0, sizeof(info));
		sys_obj_info(l.prog_fds[i], &info, &len);
		printf("prog %-20s %-14s id %u, %u bytes translated, %u jited\n", o.progs[i].name, type, info.id,
		       info.xlated_prog_len, info.jited_prog_len);
	}
	for (uint32_t i = 0; i < o.nmaps; i++) {
		const char *type = obj_map_type_name(o.maps[i].type);
		if (!strcmp(type, "?"))
			snprintf(tbuf, sizeof(tbuf), "type %u", o.maps[i].type), type = tbuf;
		if (l.map_refused[i].why) {
			printf("map  %-20s %-14s refused: %s\n", o.maps[i].name, type, l.map_refused[i].why);
			continue;
		}
		if (l.map_fds[i] < 0)
			continue;
		struct bpf_map_info info;
		uint32_t len = sizeof(info);
		memset(&info, 0, sizeof(info));
		sys_obj_info(l.map_fds[i], &info, &len);
		printf("map  %-20s %-14s id %u%s\n", o.maps[i].name, type, info.id,
		       l.map_reused[i] ? " (reused from its pin)" : "");
	}
	if (opts.pin_dir)
		printf("pinned under %s\n", opts.pin_dir);
	int rc = fflush(stdout) == 0 ? report_refusals(&o, &l, false) : EXIT_FAIL;
	load_close(&l);
	obj_close(&o);
	unmap_file(&fm);
	return rc;
}

/* ---- rawload inspect ----------------------------------------------------------------------- */

static int cmd_inspect(int argc, char **argv)
{
	bool json = false;
	struct type_opts types = {0};
	int nrest = 0;
	/* --prog/--type pairs out, the rest to one_operand: moved to the front of argv itself (no
	 * array sized by the command line on the stack; what is written was read already). */
	for (int i = 0; i < argc; i++) {
		int r = take_type_opt(argc, argv, &i, &types);
		if (r < 0)
			return fputs(usage, stderr), 2;
		if (!r)
			argv[nrest++] = argv[i];
	}
	const char *path = one_operand(nrest, argv, &json);
	if (!path)
		return 2;
	struct file_map fm = {0};
	struct obj o;
	if (open_object(path, &fm, &o, &types))
		return 1;
	inspect_print(&o, path, stdout, json);
	obj_close(&o);
	unmap_file(&fm);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- rawload detach / unpin ------------------------------------------------------------------ */

static int cmd_detach(int argc, char **argv)
{
	bool force = false;
	int n = 0;
	for (int i = 0; i < argc; i++) /* --force may come anywhere */
		if (strcmp(argv[i], "--force") == 0)
			force = true;
		else
			argv[n++] = argv[i];
	const char *ifname = one_operand(n, argv, NULL);
	if (!ifname)
		return 2;
	sigset_t old; /* a signal waits until the detach is done */
	take_signals(&old);
	int ifindex = (int)if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "rawload: %s: no such interface\n", ifname);
		return 1;
	}
	struct diag d = {{0}};
	char what[512];
	if (attach_detach_iface(ifindex, ifname, force, what, sizeof(what), verbose ? &say : NULL, &d)) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		return 1;
	}
	printf("detached the XDP program from %s: %s\n", ifname, what);
	return 0;
}

static int cmd_unpin(int argc, char **argv)
{
	const char *dir = one_operand(argc, argv, NULL);
	if (!dir)
		return 2;
	sigset_t old; /* a signal waits until every pin is gone */
	take_signals(&old);
	struct diag d = {{0}};
	if (attach_unpin(dir, verbose ? &say : NULL, &d)) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		return 1;
	}
	printf("unpinned %s: links detached, pins removed\n", dir);
	return 0;
}

/* ---- rawload status [DIR] ------------------------------------------------------------------- */

static int cmd_status(int argc, char **argv)
{
	bool json = false;
	const char *dir = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-' || dir)
			return fputs(usage, stderr), 2;
		else
			dir = argv[i];
	}
	struct status st;
	struct diag d = {{0}};
	int err = dir ? status_collect_pins(&st, dir, verbose ? &say : NULL, &d)
		      : status_collect(&st, verbose ? &say : NULL, &d);
	if (err) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		return 1;
	}
	struct strbuf out = {0};
	status_render(&st, json, &out);
	status_close(&st);
	if (out.oom)
		fputs("rawload: status: out of memory\n", stderr);
	else if (out.len)
		fwrite(out.buf, 1, out.len, stdout);
	sb_free(&out);
	return fflush(stdout) == 0 && !out.oom ? 0 : 1;
}

/* ---- rawload OBJECT [IFACE]: load, attach, show, detach -------------------------------------------- */

static void emit_stdout(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	if ((fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) && !stop)
		stop = STOP_OUTPUT; /* the reader went away (a closed pipe): finish cleanly */
}

/* Seconds with up to three decimals ("2", "0.5", "1.25") -> milliseconds; -1 when not a positive
 * number of at most 10^6 seconds. (No strtod: it would pull musl's float parser into the static
 * binary for this one use.) */
static int parse_ms(const char *s)
{
	long ms = 0;
	int digits = 0, decimals = -1;
	for (const char *p = s; *p; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || decimals >= 3 || ++digits > 10)
			return -1;
		ms = ms * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
	}
	for (int k = decimals < 0 ? 0 : decimals; k < 3; k++)
		ms *= 10;
	return digits && ms > 0 && ms <= 1000000000L ? (int)ms : -1;
}

struct run_args {
	const char *path, *ifname, *pin_dir, *cgroup, *btf_path;
	struct show_opts show;
	uint32_t xdp_mode;
	bool force_netlink, replace, prog_attach, plain, egress;
	uint32_t freq;
	const char *map, *nf;
	struct type_opts types; /* --prog NAME (attach only these) and --type */
	const char *bad; /* the argument parse_run could not take */
};

static int parse_run(int argc, char **argv, struct run_args *a)
{
	a->show.interval_ms = 1000;
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;
		int r = take_type_opt(argc, argv, &i, &a->types);
		if (r < 0)
			return a->bad = o, -1;
		if (r)
			continue;
		if (!strcmp(o, "-v") || !strcmp(o, "--verbose"))
			verbose = 1, takes = false;
		else if (!strcmp(o, "--json"))
			a->show.json = true, takes = false;
		else if (!strcmp(o, "--all-maps"))
			a->show.all_maps = true, takes = false;
		else if (!strcmp(o, "--trace"))
			a->show.trace = true, takes = false;
		else if (!strcmp(o, "--per-cpu"))
			a->show.per_cpu = true, takes = false;
		else if (!strcmp(o, "--plain"))
			a->plain = true, takes = false;
		else if (!strcmp(o, "--netlink"))
			a->force_netlink = true, takes = false;
		else if (!strcmp(o, "--replace"))
			a->replace = true, takes = false;
		else if (!strcmp(o, "--prog-attach"))
			a->prog_attach = true, takes = false;
		else if (!strcmp(o, "--egress"))
			a->egress = true, takes = false;
		else if (o[0] != '-') {
			if (!a->path)
				a->path = o;
			else if (!a->ifname)
				a->ifname = o;
			else
				return a->bad = o, -1;
			takes = false;
		} else if (!v) {
			a->bad = o;
			return -1;
		} else if (!strcmp(o, "-i") || !strcmp(o, "--interval")) {
			if ((a->show.interval_ms = parse_ms(v)) < 0)
				return a->bad = o, -1;
		} else if (!strcmp(o, "-d") || !strcmp(o, "--duration")) {
			if ((a->show.duration_ms = parse_ms(v)) < 0)
				return a->bad = o, -1;
		} else if (!strcmp(o, "-n") || !strcmp(o, "--count")) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n <= 0 || n > 1000000000)
				return a->bad = o, -1;
			a->show.count = (int)n;
		} else if (!strcmp(o, "--max-entries")) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < 0 || n > 1000000000)
				return a->bad = o, -1;
			a->show.max_entries = n ? (uint32_t)n : UINT32_MAX;
		} else if (!strcmp(o, "--mode")) {
			a->xdp_mode = !strcmp(v, "skb") ? XDP_FLAGS_SKB_MODE : !strcmp(v, "native") ? XDP_FLAGS_DRV_MODE
				      : !strcmp(v, "hw") ? XDP_FLAGS_HW_MODE : 0;
			if (!a->xdp_mode)
				return a->bad = o, -1;
		} else if (!strcmp(o, "--pin")) {
			a->pin_dir = v;
		} else if (!strcmp(o, "--cgroup")) {
			a->cgroup = v;
		} else if (!strcmp(o, "--btf")) {
			a->btf_path = v;
		} else if (!strcmp(o, "--freq")) {
			char *end;
			long hz = strtol(v, &end, 10);
			if (*end || hz <= 0 || hz > 1000000)
				return a->bad = o, -1;
			a->freq = (uint32_t)hz;
		} else if (!strcmp(o, "--map")) {
			a->map = v;
		} else if (!strcmp(o, "--nf")) {
			a->nf = v;
		} else {
			a->bad = o;
			return -1;
		}
		if (takes)
			i++;
	}
	if (!a->path)
		a->bad = "(no OBJECT)";
	return a->path ? 0 : -1;
}

/* Sparklines go to a terminal only, and not to one that says it cannot show them (TERM=dumb);
 * --plain turns them off. Pipes and files get plain lines. */
static bool want_sparklines(const struct run_args *a)
{
	const char *term = getenv("TERM");
	return !a->plain && !a->show.json && isatty(STDOUT_FILENO) && !(term && !strcmp(term, "dumb"));
}

/* Which interface XDP and tcx programs go to: the one named, else the default route's. */
static int pick_interface(struct run_args *a, char *name, int *ifindex)
{
	if (a->ifname) {
		*ifindex = (int)if_nametoindex(a->ifname);
		if (!*ifindex) {
			fprintf(stderr, "rawload: %s: no such interface\n", a->ifname);
			return -ENODEV;
		}
		return 0;
	}
	struct diag d = {{0}};
	int err = nl_default_route_ifindex(ifindex, &d);
	if (err || !if_indextoname((unsigned)*ifindex, name)) {
		fprintf(stderr, "rawload: no interface given and no default route to take one from (%s)\n",
			err ? d.msg : strerror(errno));
		return err ? err : -ENODEV;
	}
	a->ifname = name;
	fprintf(stderr, "rawload: no interface given; using %s (the default route's)\n", name);
	return 0;
}

/* Which cgroup cgroup programs go to: the one named, else the root of the cgroup2 mount. */
static int pick_cgroup(struct run_args *a, char *dir, size_t n)
{
	if (a->cgroup)
		return 0;
	struct diag d = {{0}};
	int r = fs_cgroup2_dir(dir, n, &d);
	if (r < 0) {
		fprintf(stderr, "rawload: no --cgroup given and no cgroup2 mount to take the root of (%s)\n", d.msg);
		return r;
	}
	a->cgroup = dir;
	fprintf(stderr, "rawload: no --cgroup given; using %s (the cgroup v2 root%s)\n", dir,
		r == 1 ? ", mounted there now" : "");
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct run_args a = {0};
	if (parse_run(argc, argv, &a)) {
		fprintf(stderr, "rawload: cannot use argument %s%s%s (rawload --help lists them)\n",
			a.bad[0] == '(' ? "" : "'", a.bad, a.bad[0] == '(' ? "" : "'");
		return 2;
	}

	/* Signals wait until the display loop, which lets them in atomically; before that they stay
	 * pending, and the load and attach passes look for them between kernel objects, so a signal
	 * during loading still ends in a clean detach. */
	sigset_t old;
	take_signals(&old);

	struct file_map fm = {0};
	struct obj o;
	if (open_object(a.path, &fm, &o, &a.types))
		return 1;

	/* Which programs to attach: one flag each, on the heap (an object may hold millions). */
	bool *only = calloc(o.nprogs + 1, sizeof(*only)), wants_iface = false, wants_cgroup = false;
	if (!only) {
		fprintf(stderr, "rawload: out of memory\n");
		obj_close(&o);
		unmap_file(&fm);
		return 1;
	}
	for (uint32_t i = 0; i < o.nprogs; i++)
		only[i] = a.types.n == 0;
	for (int k = 0; k < a.types.n; k++) {
		int p = obj_find_prog(&o, a.types.prog[k]);
		if (p < 0) {
			fprintf(stderr, "rawload: %s has no program '%s'\n", a.path, a.types.prog[k]);
			free(only);
			obj_close(&o);
			unmap_file(&fm);
			return 1;
		}
		only[p] = true;
	}
	for (uint32_t i = 0; i < o.nprogs; i++) {
		enum attach_kind k = only[i] && o.progs[i].def ? o.progs[i].def->attach : ATTACH_NONE;
		wants_iface |= k == ATTACH_XDP || k == ATTACH_TCX || k == ATTACH_SOCKET ||
			       (k == ATTACH_TC && o.progs[i].def->prog_type == BPF_PROG_TYPE_SCHED_CLS);
		wants_cgroup |= k == ATTACH_CGROUP;
	}

	char ifbuf[IF_NAMESIZE] = "";
	static char cgbuf[4096]; /* the cgroup path, when cgroup programs need one (not on the stack: 4 KiB) */
	int ifindex = 0, rc = 1;
	if ((wants_iface && pick_interface(&a, ifbuf, &ifindex)) ||
	    (wants_cgroup && pick_cgroup(&a, cgbuf, sizeof(cgbuf)))) {
		free(only);
		obj_close(&o);
		unmap_file(&fm);
		return 1;
	}
	if (!wants_iface && a.ifname)
		fprintf(stderr, "rawload: note: %s has no XDP, tc or socket filter program to attach to %s\n", a.path, a.ifname);
	if (!wants_cgroup && a.cgroup)
		fprintf(stderr, "rawload: note: %s has no cgroup program to attach to %s\n", a.path, a.cgroup);

	struct load_opts lo = {.say = verbose ? &say : NULL, .pin_dir = a.pin_dir, .defer_pin = true,
			       .btf_path = a.btf_path, .interrupted = interrupted};
	struct attach_opts ao = {.say = lo.say, .ifindex = ifindex, .ifname = a.ifname, .xdp_mode = a.xdp_mode,
				 .force_netlink = a.force_netlink, .replace = a.replace, .pin_dir = a.pin_dir,
				 .cgroup = a.cgroup, .cgroup_prog_attach = a.prog_attach, .only = only,
				 .freq = a.freq, .map = a.map, .nf = a.nf, .tc_egress = a.egress,
				 .interrupted = interrupted};
	struct loaded l;
	struct attach_set set = {0};
	struct diag d = {{0}};
	int err = load_or_report(&o, &lo, &l);
	if (err) {
		if (err == -EINTR)
			rc = stopped_status(pending_stop(), "stopped while loading; nothing stays loaded");
		goto out_obj;
	}
	int load_rc = report_refusals(&o, &l, true);
	bool chosen_loaded = false; /* any program that is to be attached */
	for (uint32_t i = 0; i < o.nprogs; i++)
		chosen_loaded |= only[i] && l.prog_fds[i] >= 0;
	if (load_rc == EXIT_FAIL || (o.nprogs && !chosen_loaded)) {
		if (load_rc != EXIT_FAIL)
			fprintf(stderr, "rawload: none of the programs asked for loaded\n");
		goto out_load;
	}
	err = attach_all(&o, &l, &ao, &set, &d);
	if (err) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		if (err == -EINTR)
			rc = stopped_status(pending_stop(), "stopped while attaching; nothing stays attached");
		goto out_load;
	}
	for (uint32_t i = 0; i < set.n; i++)
		fprintf(stderr, "rawload: %s: %s%s\n", o.progs[set.a[i].prog].name,
			set.a[i].state == ATT_ATTACHED ? "attached to " : "", set.a[i].note);
	for (uint32_t i = 0; i < set.nst; i++)
		fprintf(stderr, "rawload: struct_ops '%s': %s\n", o.maps[o.st_ops[set.st[i].st].map].name, set.st[i].note);

	if (a.pin_dir) {
		/* Only a run whose attach worked changes the pins: maps and programs, then links. */
		if (attach_pinnable(&o, &set, &d) || load_pin(&l, &lo, &d) || attach_pin(&o, &set, a.pin_dir, lo.say, &d)) {
			fprintf(stderr, "rawload: %s\n", d.msg);
			attach_close(&o, &l, &set, lo.say);
			goto out_load;
		}
		printf("pinned under %s: programs stay attached after rawload exits; `rawload unpin %s` removes them\n",
		       a.pin_dir, a.pin_dir);
		/* Closing our fds now leaves pinned links (and netlink attachments) in place. */
		for (uint32_t i = 0; i < set.n; i++)
			set.a[i].pinned = true;
		attach_close(&o, &l, &set, lo.say);
		rc = load_rc;
		goto out_load;
	}

	a.show.say = lo.say;
	a.show.note = &say;
	a.show.sparklines = want_sparklines(&a);
	a.show.wait_mask = &old;
	a.show.emit = emit_stdout;
	a.show.attached = &set;
	rc = show_run(&o, &l, &a.show, &stop, &d) ? EXIT_FAIL : load_rc;
	if (rc)
		fprintf(stderr, "rawload: %s\n", d.msg);
	attach_close(&o, &l, &set, lo.say);
	if (set.closing[0])
		fprintf(stderr, "rawload: %s\n", set.closing);
	if (verbose)
		fprintf(stderr, "rawload: detached; exiting\n");
	if (!rc)
		rc = stopped_status(stop, "detached and closed everything; exiting");
out_load:
	load_close(&l);
out_obj:
	free(only);
	obj_close(&o);
	unmap_file(&fm);
	return rc;
}

/* ---- rawload show PATH: pinned maps, the main command's display ----------------------------- */

static int cmd_show(int argc, char **argv)
{
	struct run_args a = {0};
	if (parse_run(argc, argv, &a) || a.ifname || a.pin_dir || a.cgroup || a.types.n || a.types.all || a.xdp_mode ||
	    a.force_netlink || a.replace || a.prog_attach || a.show.all_maps || a.egress || a.freq || a.map || a.nf) {
		const char *extra = a.bad ? a.bad : a.ifname; /* a second operand is taken as an interface */
		fprintf(stderr, "rawload: show PATH takes -i, -n, -d, --json, --trace, --per-cpu, --plain, --max-entries and -v%s%s\n",
			!a.path ? "; no PATH given" : extra ? "; not " : "", a.path && extra ? extra : "");
		return 2;
	}
	/* As for the main command: signals wait for the display loop, which lets them in. */
	sigset_t old;
	take_signals(&old);

	a.show.say = verbose ? &say : NULL;
	a.show.note = &say;
	a.show.sparklines = want_sparklines(&a);
	a.show.wait_mask = &old;
	a.show.emit = emit_stdout;
	struct diag d = {{0}};
	if (show_pinned(a.path, &a.show, &say, &stop, &d)) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		return 1;
	}
	return stopped_status(stop, "stopped showing; exiting");
}

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

int main(int argc, char **argv)
{
	if (refuse_setid())
		return 1;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 2, argv + 2);
	if (!strcmp(argv[1], "load"))
		return cmd_load(argc - 2, argv + 2);
	if (!strcmp(argv[1], "detach"))
		return cmd_detach(argc - 2, argv + 2);
	if (!strcmp(argv[1], "unpin"))
		return cmd_unpin(argc - 2, argv + 2);
	if (!strcmp(argv[1], "status"))
		return cmd_status(argc - 2, argv + 2);
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 2, argv + 2);
	return cmd_run(argc - 1, argv + 1);
}
