/* loader/cli/run.c — the two commands that show live: `rawload OBJECT [IFACE]` (open, load,
 * attach, show until a signal, detach; or pin and leave with --pin) and `rawload show PATH`
 * (pinned maps through the same display). Each step is a module's; this runs them in order. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/netlink.h"
#include "loader/attach/attach.h"
#include "loader/cli/cli.h"
#include "loader/show/pinned.h"

static void emit_stdout(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	if ((fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) && !cli_stop)
		cli_stop = STOP_OUTPUT; /* the reader went away (a closed pipe): finish cleanly */
}

/* The display's options both commands set alike: narration, output to stdout, the signal mask to
 * wait in. Sparklines go to a terminal only, and not to one that says it cannot show them
 * (TERM=dumb); --plain turns them off. Pipes and files get plain lines. */
static void display_opts(struct run_args *a, const sigset_t *wait_mask)
{
	const char *term = getenv("TERM");
	a->show.say = CLI_SAY;
	a->show.note = &cli_say;
	a->show.sparklines = !a->plain && !a->show.json && isatty(STDOUT_FILENO) && !(term && !strcmp(term, "dumb"));
	a->show.wait_mask = wait_mask;
	a->show.emit = emit_stdout;
}

/* The programs to attach (all, or the --prog ones): one flag each, on the heap (an object may hold
 * millions); and whether any of them goes to an interface or a cgroup. NULL after saying why. */
static bool *choose_programs(const struct obj *o, const struct run_args *a, bool *wants_iface, bool *wants_cgroup)
{
	bool *only = calloc(o->nprogs + 1, sizeof(*only));
	if (!only) {
		fprintf(stderr, "rawload: out of memory\n");
		return NULL;
	}
	for (uint32_t i = 0; i < o->nprogs; i++)
		only[i] = a->types.n == 0;
	for (int k = 0; k < a->types.n; k++) {
		int p = obj_find_prog(o, a->types.prog[k]);
		if (p < 0) {
			fprintf(stderr, "rawload: %s has no program '%s'\n", a->path, a->types.prog[k]);
			free(only);
			return NULL;
		}
		only[p] = true;
	}
	for (uint32_t i = 0; i < o->nprogs; i++) {
		enum attach_kind k = only[i] && o->progs[i].def ? o->progs[i].def->attach : ATTACH_NONE;
		*wants_iface |= k == ATTACH_XDP || k == ATTACH_TCX || k == ATTACH_SOCKET ||
				(k == ATTACH_TC && o->progs[i].def->prog_type == BPF_PROG_TYPE_SCHED_CLS);
		*wants_cgroup |= k == ATTACH_CGROUP;
	}
	return only;
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

/* The programs to attach (choose_programs) and where those that need one go: the interface and
 * the cgroup, named or found; a note for one given that no program uses. NULL after saying why. */
static bool *pick_targets(const struct obj *o, struct run_args *a, char *ifbuf, int *ifindex)
{
	static char cgbuf[4096]; /* the cgroup path, when cgroup programs need one (not on the stack: 4 KiB) */
	bool wants_iface = false, wants_cgroup = false;
	bool *only = choose_programs(o, a, &wants_iface, &wants_cgroup);
	if (only && ((wants_iface && pick_interface(a, ifbuf, ifindex)) ||
		     (wants_cgroup && pick_cgroup(a, cgbuf, sizeof(cgbuf))))) {
		free(only);
		return NULL;
	}
	if (only && !wants_iface && a->ifname)
		fprintf(stderr, "rawload: note: %s has no XDP, tc or socket filter program to attach to %s\n", a->path,
			a->ifname);
	if (only && !wants_cgroup && a->cgroup)
		fprintf(stderr, "rawload: note: %s has no cgroup program to attach to %s\n", a->path, a->cgroup);
	return only;
}

/* The display until a signal (or -n, -d), then everything detached and closed: the exit status,
 * load_rc when the display ended well. */
static int show_then_detach(const struct obj *o, struct loaded *l, struct run_args *a, struct attach_set *set,
			    const sigset_t *wait_mask, int load_rc)
{
	struct diag d = {{0}};
	display_opts(a, wait_mask);
	a->show.attached = set;
	int rc = load_rc;
	if (show_run(o, l, &a->show, &cli_stop, &d)) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		rc = EXIT_FAIL;
	}
	attach_close(o, l, set, a->show.say);
	if (set->closing[0])
		fprintf(stderr, "rawload: %s\n", set->closing);
	if (cli_verbose)
		fprintf(stderr, "rawload: detached; exiting\n");
	if (!rc)
		rc = stopped_status(cli_stop, "detached and closed everything; exiting");
	return rc;
}

/* Where each program went, or why it did not, on stderr. */
static void report_attached(const struct obj *o, const struct attach_set *set)
{
	for (uint32_t i = 0; i < set->n; i++)
		fprintf(stderr, "rawload: %s: %s%s\n", o->progs[set->a[i].prog].name,
			set->a[i].state == ATT_ATTACHED ? "attached to " : "", set->a[i].note);
	for (uint32_t i = 0; i < set->nst; i++)
		fprintf(stderr, "rawload: struct_ops '%s': %s\n", o->maps[o->st_ops[set->st[i].st].map].name,
			set->st[i].note);
}

/* --pin DIR after a run whose attach worked (only such a run changes the pins): maps and programs,
 * then links, pinned; then every fd closed, which leaves pinned links (and netlink attachments)
 * in place. 0, or -1 with everything detached and closed. */
static int pin_and_leave(const struct obj *o, struct loaded *l, const struct load_opts *lo, struct attach_set *set)
{
	struct diag d = {{0}};
	if (attach_pinnable(o, set, &d) || load_pin(l, lo, &d) || attach_pin(o, set, lo->pin_dir, lo->say, &d)) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		attach_close(o, l, set, lo->say);
		return -1;
	}
	printf("pinned under %s: programs stay attached after rawload exits; `rawload unpin %s` removes them\n",
	       lo->pin_dir, lo->pin_dir);
	for (uint32_t i = 0; i < set->n; i++)
		set->a[i].pinned = true;
	attach_close(o, l, set, lo->say);
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = {0};
	if (parse_run(argc, argv, &a)) {
		fprintf(stderr, "rawload: cannot use argument %s%s%s (rawload --help lists them)\n",
			a.bad[0] == '(' ? "" : "'", a.bad, a.bad[0] == '(' ? "" : "'");
		return EXIT_USAGE;
	}

	/* Signals wait until the display loop, which lets them in atomically; before that they stay
	 * pending, and the load and attach passes look for them between kernel objects, so a signal
	 * during loading still ends in a clean detach. */
	sigset_t old;
	take_signals(&old);

	struct file_map fm = {0};
	struct obj o;
	if (open_object(a.path, &fm, &o, &a.types))
		return EXIT_FAIL;

	char ifbuf[IF_NAMESIZE] = "";
	int ifindex = 0, rc = EXIT_FAIL;
	bool *only = pick_targets(&o, &a, ifbuf, &ifindex);
	if (!only) {
		obj_close(&o);
		unmap_file(&fm);
		return EXIT_FAIL;
	}

	struct load_opts lo = {.say = CLI_SAY, .pin_dir = a.pin_dir, .defer_pin = true,
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
	report_attached(&o, &set);
	if (a.pin_dir) {
		rc = pin_and_leave(&o, &l, &lo, &set) ? EXIT_FAIL : load_rc;
		goto out_load;
	}

	rc = show_then_detach(&o, &l, &a, &set, &old, load_rc);
out_load:
	load_close(&l);
out_obj:
	free(only);
	obj_close(&o);
	unmap_file(&fm);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	struct run_args a = {0};
	if (parse_run(argc, argv, &a) || a.ifname || a.pin_dir || a.cgroup || a.types.n || a.types.all || a.xdp_mode ||
	    a.force_netlink || a.replace || a.prog_attach || a.show.all_maps || a.egress || a.freq || a.map || a.nf) {
		const char *extra = a.bad ? a.bad : a.ifname; /* a second operand is taken as an interface */
		fprintf(stderr, "rawload: show PATH takes -i, -n, -d, --json, --trace, --per-cpu, --plain, --max-entries and -v%s%s\n",
			!a.path ? "; no PATH given" : extra ? "; not " : "", a.path && extra ? extra : "");
		return EXIT_USAGE;
	}
	/* As for the main command: signals wait for the display loop, which lets them in. */
	sigset_t old;
	take_signals(&old);
	display_opts(&a, &old);
	struct diag d = {{0}};
	if (show_pinned(a.path, &a.show, &cli_say, &cli_stop, &d)) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		return EXIT_FAIL;
	}
	return stopped_status(cli_stop, "stopped showing; exiting");
}
