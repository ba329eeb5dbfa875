/* loader/cli/report.c — what a load said, on stderr: its error, the verifier's log and the hint
 * for a known cause, the members refused in a partial load, and the summary that decides the exit
 * status. The explaining is loader/load/'s (verifier_hint.c, load_log_excerpt); this prints it. */
#include <stdio.h>
#include <string.h>

#include "loader/cli/cli.h"
#include "loader/load/verifier_hint.h"

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
	if (cli_verbose) {
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

int load_or_report(const struct obj *o, const struct load_opts *opts, struct loaded *l)
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

/* With each, one line per refused member (`load` lists them on stdout instead); the verifier
 * hints of the refused programs; the programs refused for want of the kernel's BTF on one line,
 * with how to give one; and a summary when anything was refused. */
int report_refusals(const struct obj *o, const struct loaded *l, bool each)
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
