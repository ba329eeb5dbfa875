/* loader/load/progs.c — the program pass of the load (see load.h): link each program, apply CO-RE,
 * patch map, data and extern references, find its kernel BTF attach target, and BPF_PROG_LOAD it
 * (the verifier's log asked for only after a refusal, grown while the kernel says ENOSPC). */
#include "loader/load/load_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "btf/core.h"
#include "loader/load/kfeat.h"
#include "loader/load/verifier_hint.h"
#include "loader/load/struct_ops.h"

enum { LOG_START = 64 * 1024, LOG_MAX = 16 * 1024 * 1024 };

/* attach_btf_id for tp_btf/, fentry/, fexit/, fmod_ret/, lsm/, iter/ programs (libbpf's naming:
 * btf_trace_<tp> typedefs, bpf_lsm_<hook> and bpf_iter_<name> functions). */
static int attach_btf_id(struct loaded *l, const struct load_opts *opts, const struct obj_prog *p, uint32_t *id,
			 struct diag *d)
{
	char name[256];
	uint32_t kind = BTF_KIND_FUNC;
	int err = load_vmlinux_btf(l, opts, d);
	if (err)
		return err;
	switch (p->def->attach) {
	case ATTACH_TP_BTF:
		snprintf(name, sizeof(name), "btf_trace_%s", p->target);
		kind = BTF_KIND_TYPEDEF;
		break;
	case ATTACH_LSM: snprintf(name, sizeof(name), "bpf_lsm_%s", p->target); break;
	case ATTACH_ITER: snprintf(name, sizeof(name), "bpf_iter_%s", p->target); break;
	default: snprintf(name, sizeof(name), "%s", p->target); break;
	}
	*id = load_kernel_find(l, kind, name);
	if (!*id)
		return diag_set(d, -ESRCH, "prog '%s': the kernel's BTF has no %s '%s'", p->name,
				btf_kind_name(kind), name);
	return 0;
}

const char *load_log_excerpt(const char *log, size_t *len)
{
	size_t n = strlen(log);
	/* Drop trailing blanks and the closing statistics ("processed N insns ...", "verification
	 * time ..."): they say how far the verifier got, not why it stopped. */
	for (;;) {
		while (n && (log[n - 1] == '\n' || log[n - 1] == ' '))
			n--;
		size_t start = n;
		while (start && log[start - 1] != '\n')
			start--;
		if (start == n || (strncmp(log + start, "processed ", 10) != 0 &&
				   strncmp(log + start, "verification time", 17) != 0 &&
				   strncmp(log + start, "stack depth", 11) != 0))
			break;
		n = start;
	}
	/* From the last source line the kernel quoted (line_info makes it print "; code @ file:line"). */
	size_t from = 0;
	for (size_t i = n; i > 0; i--)
		if (log[i - 1] == '\n' && log[i] == ';') {
			from = i;
			break;
		}
	if (from == 0 && log[0] != ';') {
		/* No source line: the last few lines. */
		int lines = 0;
		for (from = n; from > 0 && lines < 6; from--)
			if (log[from - 1] == '\n')
				lines++;
		if (from && log[from] == '\n')
			from++;
	}
	*len = n - from;
	return log + from;
}

/* Load with a log that grows while the kernel says ENOSPC; keeps the last log in l. A kernel that
 * says how long the whole log is (6.4+) gets one retry of that size, or none when it is over
 * LOG_MAX: it keeps the log's end, which is what explains the failure. (Doubling up to LOG_MAX
 * costs a full verification per step: a program that hits the million-instruction limit took 15 s.)
 * Older kernels keep the log's beginning, so there only growing can show its end; except after
 * E2BIG (first_err, the load without a log): a walk that hit the verifier's limits logs more than
 * any size here, so growing costs a million-instruction walk per step and shows no end. */
static int load_with_log(struct loaded *l, const struct load_opts *opts, struct sys_prog_def *def,
			 const char *name, int first_err)
{
	uint32_t size = LOG_START;
	for (;;) {
		char *log = malloc(size);
		if (!log)
			return -ENOMEM;
		uint32_t true_size = 0;
		log[0] = '\0';
		def->log_buf = log;
		def->log_size = size;
		def->log_level = 1;
		def->log_true_size = &true_size;
		int fd = sys_prog_load(def);
		free(l->verifier_log);
		l->verifier_log = log;
		log[size - 1] = '\0';
		def->log_buf = NULL;
		def->log_size = def->log_level = 0;
		def->log_true_size = NULL;
		if (fd != -ENOSPC || size >= LOG_MAX)
			return fd;
		if (true_size > LOG_MAX) {
			narrate(opts->say, "prog '%s': the verifier's log is %u bytes, over rawload's %u: keeping its last %u",
				name, true_size, (unsigned)LOG_MAX, size - 1);
			return fd;
		}
		if (!true_size && first_err == -E2BIG) {
			narrate(opts->say, "prog '%s': E2BIG, and this kernel keeps a log's beginning: not growing it past %u",
				name, size);
			return fd;
		}
		size = true_size > size ? true_size : size * 2;
	}
}

/* ---- why the kernel refused a program ---------------------------------------------------------- */

/* Load def as a probe: 1 when the kernel gets further than "EINVAL before the verifier ran" (it
 * loads, says something else, or, asked again with a small log, writes one), 0 when it refuses it
 * the same way. A probe that loads is closed at once, unless keep is given: then its fd goes
 * there. */
static int probe(const struct sys_prog_def *def, int *keep)
{
	char log[256] = "";
	struct sys_prog_def pd = *def;
	int fd = sys_prog_load(&pd);
	if (fd >= 0) {
		if (keep)
			*keep = fd;
		else
			close(fd);
		return 1;
	}
	if (fd != -EINVAL)
		return 1;
	pd.log_buf = log;
	pd.log_size = sizeof(log);
	pd.log_level = 1;
	fd = sys_prog_load(&pd); /* ENOSPC (the log is small) means the verifier ran: further */
	if (fd >= 0)
		close(fd);
	return fd != -EINVAL || log[0];
}

/* "bpf_xdp" style names for printing, or the number. */
static const char *attach_type_str(uint32_t t, char buf[24])
{
	const char *name = secdef_attach_type_name(t);
	if (strcmp(name, "?") != 0)
		return name;
	snprintf(buf, 24, "%u", t);
	return buf;
}

static const char *prog_type_str(uint32_t t, char buf[24])
{
	const char *name = secdef_prog_type_name(t);
	if (strcmp(name, "?") != 0)
		return name;
	snprintf(buf, 24, "%u", t);
	return buf;
}

/* The kernel said EINVAL and wrote no log: it refused an attribute before verifying anything. Find
 * which by trying without each (never by the kernel's version):
 *  - an optional expected_attach_type (SECDEF_LOAD_ATTACH_OPT): without it the program may load,
 *    and then it is kept (*fd set) — the one fallback;
 *  - each prog flag, the required expected_attach_type, the program type itself (a minimal
 *    program of that type).
 * Writes why[] when found; returns 1 when *fd holds the program loaded without the optional
 * attach type, else 0. */
int load_explain_einval(struct loaded *l, const struct load_opts *opts, const struct obj_prog *p,
			  const struct sys_prog_def *def, int *fd, char *why, size_t n)
{
	char since[16], buf[24];
	struct sys_prog_def pd = *def;
	why[0] = '\0';
	if ((p->def->flags & SECDEF_LOAD_ATTACH_OPT) && def->expected_attach_type) {
		pd.expected_attach_type = 0;
		int kept = -1;
		probe(&pd, &kept);
		if (kept >= 0) {
			narrate(opts->say, "prog '%s': the kernel refuses expected_attach_type %s before verifying (EINVAL) and takes the program without it",
				p->name, attach_type_str(def->expected_attach_type, buf));
			if (def->type == BPF_PROG_TYPE_XDP)
				l->xdp_attach_type_refused = true;
			*fd = kept;
			return 1;
		}
		pd.expected_attach_type = def->expected_attach_type;
	}
	for (uint32_t bit = 0; bit < 32; bit++) {
		if (!(def->prog_flags & (1u << bit)))
			continue;
		pd.prog_flags = def->prog_flags & ~(1u << bit);
		int further = probe(&pd, NULL);
		narrate(opts->say, "prog '%s': probe without prog flag bit %u: %s", p->name, bit,
			further ? "the kernel gets further" : "refused the same way");
		if (further) {
			uint16_t v;
			const char *name = kfeat_prog_flag(bit, &v);
			if (name)
				snprintf(why, n, "this kernel refuses prog flag %s (from SEC(\"%s\")%s)", name, p->sec_name,
					 kfeat_since(v, since));
			else
				snprintf(why, n, "this kernel refuses prog flag bit %u (%#x)", bit, 1u << bit);
			return 0;
		}
		pd.prog_flags = def->prog_flags;
	}
	if (def->expected_attach_type && !(p->def->flags & SECDEF_LOAD_ATTACH_OPT)) {
		pd.expected_attach_type = 0;
		int further = probe(&pd, NULL);
		narrate(opts->say, "prog '%s': probe without expected_attach_type: %s", p->name,
			further ? "the kernel gets further" : "refused the same way");
		if (further) {
			const char *name = attach_type_str(def->expected_attach_type, buf);
			if (name == buf) /* no name: the number alone */
				snprintf(why, n, "this kernel refuses attach type %s", name);
			else
				snprintf(why, n, "this kernel refuses attach type %s (%u%s)", name, def->expected_attach_type,
					 kfeat_since(kfeat_attach_type_version(def->expected_attach_type), since));
			return 0;
		}
		pd.expected_attach_type = def->expected_attach_type;
	}
	/* The type itself: r0 = 0; exit, nothing else but what the type cannot do without. */
	static const struct bpf_insn ret0[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	struct sys_prog_def min = {.name = def->name, .type = def->type, .insns = ret0, .insn_cnt = 2,
				   .license = "GPL", .btf_fd = -1, .attach_prog_fd = -1,
				   .expected_attach_type = def->expected_attach_type, .attach_btf_id = def->attach_btf_id};
	int further = probe(&min, NULL);
	narrate(opts->say, "prog '%s': probe of a minimal %s program: %s", p->name, prog_type_str(def->type, buf),
		further ? "the kernel gets further" : "refused the same way");
	if (!further) {
		const char *name = prog_type_str(def->type, buf);
		if (name == buf)
			snprintf(why, n, "this kernel refuses program type %s", name);
		else
			snprintf(why, n, "this kernel refuses program type %s (%u%s)", name, def->type,
				 kfeat_since(kfeat_prog_type_version(def->type), since));
		return 0;
	}
	snprintf(why, n, "BPF_PROG_LOAD: EINVAL before verifying (the kernel refused an attribute and said nothing more)");
	return 0;
}

/* What insn k of the linked program is, when the poison the loader put there was reached. */
static void poisoned_what(const struct obj *o, const struct linked_prog *lp, uint32_t k, char *out, size_t n)
{
	char what[160];
	for (uint32_t c = 0; c < lp->ncore; c++)
		if (lp->core[c].insn == k || lp->core[c].insn + 1 == k) {
			snprintf(out, n, "it reaches insn %u, which CO-RE could not relocate: %s %s finds nothing in the kernel's BTF",
				 k, core_kind_name(lp->core[c].r->kind), core_relo_str(&o->btf, lp->core[c].r, what, sizeof(what)));
			return;
		}
	for (uint32_t s = 0; s < lp->nsites; s++)
		if (lp->sites[s].insn == k && lp->sites[s].r->kind == RELOC_EXTERN) {
			snprintf(out, n, "it reaches insn %u, a call of __weak kfunc '%s', which the kernel lacks", k,
				 o->externs[lp->sites[s].r->ext].name);
			return;
		}
}

/* The verifier-hint of a program refused on its log, when its cause is a known one: kept with the
 * refusal (the C line and the fix), for the CLI. Without memory for it, the refusal stands alone. */
static void keep_hint(struct loaded *l, uint32_t i, const struct sys_prog_def *def, const char *log, int err)
{
	const struct obj_prog *p = &l->o->progs[i];
	struct vhint_prog vp = {.name = p->name, .prog_type = def->type, .type_name = secdef_prog_type_name(def->type),
				.license = l->o->license, .err = err};
	struct vhint *h = malloc(sizeof(*h));
	if (h && vhint_explain(log, &vp, h) != VHINT_UNKNOWN) {
		l->prog_refused[i].hint = h;
		return;
	}
	free(h);
}

/* BPF_PROG_LOAD of program i said err (l->verifier_log holds the log, if the kernel wrote one).
 * Decide (load.h, "Partial loads"): a feature the kernel lacks, EPERM or another refusal before
 * verification refuses the program (0, or -ENOMEM); the optional expected_attach_type dropped may
 * let it load (0 with *fd set); the verifier judging the program itself fails the whole load (a
 * negative errno with d set, failed_prog and verifier_log kept). */
static int refusal(struct loaded *l, const struct load_opts *opts, uint32_t i, const struct sys_prog_def *def,
		   const struct linked_prog *lp, int err, int *fd, struct diag *d)
{
	const struct obj_prog *p = &l->o->progs[i];
	const char *log = l->verifier_log ? l->verifier_log : "";
	char why[sizeof(d->msg)];
	struct kfeat_lack lack;
	*fd = -1;
	if (err == -ENOMEM)
		return diag_set(d, err, "prog '%s': BPF_PROG_LOAD: ENOMEM", p->name);
	if (err == -EPERM)
		return load_refuse_prog(l, opts, i, false,
					"BPF_PROG_LOAD: EPERM (a capability is missing, or kernel lockdown forbids %s programs)%s%s",
					secdef_prog_type_name(def->type), l->memlock_note[0] ? "; " : "", l->memlock_note);
	if (!log[0] && err == -EINVAL) {
		if (load_explain_einval(l, opts, p, def, fd, why, sizeof(why)))
			return 0;
		return load_refuse_prog(l, opts, i, false, "%s", why);
	}
	if (!log[0])
		return load_refuse_prog(l, opts, i, false, "BPF_PROG_LOAD: %s", sys_errno_name(err));
	if (kfeat_explain_log(log, lp->insns, lp->count, def->type, RELOC_CORE_POISON, &lack)) {
		if (lack.poisoned_insn >= 0)
			poisoned_what(l->o, lp, (uint32_t)lack.poisoned_insn, lack.text, sizeof(lack.text));
		if (opts->say) { /* the verifier's last line, which says what it missed */
			size_t len;
			const char *part = load_log_excerpt(log, &len), *last = part;
			for (size_t k = 0; k + 1 < len; k++)
				if (part[k] == '\n')
					last = part + k + 1;
			narrate(opts->say, "prog '%s': the verifier says: %.*s", p->name, (int)(part + len - last), last);
		}
		int r = load_refuse_prog(l, opts, i, false, "%s", lack.text);
		if (!r)
			keep_hint(l, i, def, log, err);
		return r;
	}
	/* The verifier judged the program itself: the whole load fails, as libbpf's would. */
	l->failed_prog = (int)i;
	if (err == -EACCES || err == -EINVAL || err == -E2BIG)
		return diag_set(d, err, "prog '%s': the verifier rejected it (%s)", p->name, sys_errno_name(err));
	return diag_set(d, err, "prog '%s': BPF_PROG_LOAD: %s", p->name, sys_errno_name(err));
}

/* ---- one program ------------------------------------------------------------------------------- */

/* Refuse program i for err, with the message in d (its "prog 'x': " left out). 1, or -ENOMEM (also
 * when err is: running out of memory is no refusal). */
static int refuse_with(struct loaded *l, const struct load_opts *opts, uint32_t i, int err, bool kernel_btf,
		       struct diag *d)
{
	if (err == -ENOMEM)
		return err;
	err = load_refuse_prog(l, opts, i, kernel_btf, "%s", load_unsubject(d->msg, "prog", l->o->progs[i].name));
	return err ? err : 1;
}

/* What the linked program uses that the load could not give: a refused map, an extern without a
 * value. 0 when nothing; else it is refused (returns 1, or -ENOMEM). */
static int uses_refused(struct loaded *l, const struct load_opts *opts, uint32_t i, const struct linked_prog *lp)
{
	const struct obj *o = l->o;
	for (uint32_t k = 0; k < lp->nsites; k++) {
		const struct obj_reloc *r = lp->sites[k].r;
		bool ext = r->kind == RELOC_EXTERN || (r->kind == RELOC_DATA && (int)r->map == o->kconfig_map);
		const struct load_refusal *why = ext ? &l->ext_refused[r->ext] : &l->map_refused[r->map];
		if (!why->why)
			continue;
		int err = ext ? load_refuse_prog(l, opts, i, why->kernel_btf, "%s", why->why)
			      : load_refuse_prog(l, opts, i, false, "it uses map '%s', which was refused", o->maps[r->map].name);
		return err ? err : 1;
	}
	return 0;
}

/* -v: what linking and patching made of the program: its size, the subprograms appended, each
 * map, data and extern reference and what it now says. */
static void narrate_linked(const struct loaded *l, const struct load_opts *opts, const struct obj_prog *p,
			   const struct linked_prog *lp)
{
	const struct obj *o = l->o;
	narrate(opts->say, "prog '%s': linked %u insns (%u functions), %u map/data references patched",
		p->name, lp->count, lp->nfuncs, lp->nsites);
	for (uint32_t k = 1; k < lp->nfuncs; k++)
		narrate(opts->say, "prog '%s':   subprogram '%s' appended at insn %u", p->name,
			o->funcs[lp->funcs[k]].name, lp->bases[k]);
	for (uint32_t k = 0; k < lp->nsites; k++) {
		const struct obj_reloc *r = lp->sites[k].r;
		if (r->kind == RELOC_EXTERN) {
			const struct obj_extern *e = &o->externs[r->ext];
			const struct reloc_ext_value *v = &l->ext_vals[r->ext];
			if (!v->found)
				narrate(opts->say, "prog '%s':   insn %u: %s '%s' missing (weak): %s", p->name, lp->sites[k].insn,
					obj_extern_kind_name(e->kind), e->name,
					insn_is_call(&lp->insns[lp->sites[k].insn]) ? "call poisoned" : "loads 0");
			else if (e->kind == EXT_KSYM_TYPELESS)
				narrate(opts->say, "prog '%s':   insn %u: ld_imm64 '%s' -> address %#llx", p->name,
					lp->sites[k].insn, e->name, (unsigned long long)v->addr);
			else
				narrate(opts->say, "prog '%s':   insn %u: %s '%s' -> %s kernel BTF id %u", p->name,
					lp->sites[k].insn, obj_extern_kind_name(e->kind), e->name,
					insn_is_call(&lp->insns[lp->sites[k].insn]) ? "BPF_PSEUDO_KFUNC_CALL" : "BPF_PSEUDO_BTF_ID",
					v->btf_id);
		} else if (r->kind == RELOC_MAP)
			narrate(opts->say, "prog '%s':   insn %u: ld_imm64 map '%s' -> BPF_PSEUDO_MAP_FD %d", p->name,
				lp->sites[k].insn, o->maps[r->map].name, l->map_fds[r->map]);
		else
			narrate(opts->say, "prog '%s':   insn %u: ld_imm64 '%s' -> BPF_PSEUDO_MAP_VALUE %d + %u (map '%s')",
				p->name, lp->sites[k].insn, r->sym, l->map_fds[r->map], r->offset, o->maps[r->map].name);
	}
}

/* The BPF_PROG_LOAD attributes of a linked program: its type and the attach type its section
 * names (struct_ops: the kernel struct and member), its flags, its func_info and line_info. */
static void prog_def(const struct loaded *l, const struct obj_prog *p, const struct linked_prog *lp,
		     uint32_t st_btf_id, uint32_t st_member, struct sys_prog_def *def)
{
	const struct obj *o = l->o;
	memset(def, 0, sizeof(*def));
	def->name = p->name;
	def->type = p->def->prog_type;
	def->insns = lp->insns;
	def->insn_cnt = lp->count;
	def->license = o->license ? o->license : "";
	def->kern_version = o->kern_version;
	def->btf_fd = -1;
	def->attach_prog_fd = -1;
	if (p->def->flags & (SECDEF_LOAD_ATTACH_TYPE | SECDEF_LOAD_ATTACH_OPT))
		def->expected_attach_type = p->def->attach_type;
	if ((p->def->flags & SECDEF_LOAD_ATTACH_OPT) && p->def->prog_type == BPF_PROG_TYPE_XDP &&
	    l->xdp_attach_type_refused)
		def->expected_attach_type = 0;
	if (p->def->flags & SECDEF_SLEEPABLE)
		def->prog_flags |= BPF_F_SLEEPABLE;
	if (p->def->flags & SECDEF_XDP_FRAGS)
		def->prog_flags |= BPF_F_XDP_HAS_FRAGS;
	if (p->def->prog_type == BPF_PROG_TYPE_STRUCT_OPS) {
		def->attach_btf_id = st_btf_id;
		def->expected_attach_type = st_member;
	}
	if (l->btf_fd >= 0 && lp->nfunc_info) {
		def->btf_fd = l->btf_fd;
		def->func_info = lp->func_info;
		def->func_info_rec_size = sizeof(*lp->func_info);
		def->func_info_cnt = lp->nfunc_info;
		def->line_info = lp->line_info;
		def->line_info_rec_size = sizeof(*lp->line_info);
		def->line_info_cnt = lp->nline_info;
	}
}

/* Everything between linking and BPF_PROG_LOAD: what the program uses that the load refused,
 * CO-RE, its map, data and extern references patched, its attributes, its kernel BTF attach
 * target. 0 when it is ready, 1 when it was refused, or -ENOMEM. */
static int prepare(struct loaded *l, const struct load_opts *opts, uint32_t i, struct linked_prog *lp,
		   uint32_t st_btf_id, uint32_t st_member, struct sys_prog_def *def, struct diag *d)
{
	const struct obj_prog *p = &l->o->progs[i];
	int err = uses_refused(l, opts, i, lp);
	if (err)
		return err;
	if (lp->ncore && (err = load_apply_core(l, opts, p, lp, d)))
		return refuse_with(l, opts, i, err, load_kbtf_missing(l), d);
	if ((err = reloc_patch(l->o, lp, l->map_fds, l->ext_vals, d)))
		return refuse_with(l, opts, i, err, false, d);
	narrate_linked(l, opts, p, lp);
	prog_def(l, p, lp, st_btf_id, st_member, def);
	if ((p->def->flags & SECDEF_BTF_ID) && (err = attach_btf_id(l, opts, p, &def->attach_btf_id, d)))
		return refuse_with(l, opts, i, err, load_kbtf_missing(l), d);
	return 0;
}

/* BPF_PROG_LOAD, again after raising RLIMIT_MEMLOCK on EPERM, and again with a log to hear why
 * when refused; a refusal judged by refusal(). 0 with *fd the program (< 0: it was refused), or a
 * negative errno with d set when the whole load fails. */
static int submit(struct loaded *l, const struct load_opts *opts, uint32_t i, struct sys_prog_def *def,
		  const struct linked_prog *lp, int *fd, struct diag *d)
{
	const struct obj_prog *p = &l->o->progs[i];
	*fd = sys_prog_load(def);
	if (*fd == -EPERM) {
		char what[64];
		snprintf(what, sizeof(what), "prog '%.40s': BPF_PROG_LOAD", p->name);
		if (load_raise_memlock(l, opts, what))
			*fd = sys_prog_load(def);
	}
	if (*fd < 0 && *fd != -ENOMEM && *fd != -EPERM) {
		int first = *fd;
		*fd = load_with_log(l, opts, def, p->name, first); /* once more, to hear why */
		if (*fd == -ENOSPC && first != -ENOSPC)
			*fd = first; /* the log overflowed; the load's own error says more */
	}
	return *fd < 0 ? refusal(l, opts, i, def, lp, *fd, fd, d) : 0;
}

/* Link, relocate and load program i. Returns 0 when it loaded or was refused (l->prog_refused),
 * or a negative errno with d set when the whole load fails (a verifier rejection: failed_prog and
 * verifier_log say which and why). */
static int load_prog(struct loaded *l, const struct load_opts *opts, uint32_t i, struct linked_prog *lp,
		     struct diag *d)
{
	const struct obj *o = l->o;
	const struct obj_prog *p = &o->progs[i];
	struct sys_prog_def def;
	int err;

	free(l->verifier_log); /* the log of an earlier program's refusal is not this one's */
	l->verifier_log = NULL;
	if (!p->def)
		return load_refuse_prog(l, opts, i, false, "section '%s' names no program type rawload knows", p->sec_name);
	uint32_t st_btf_id = 0, st_member = 0;
	if (p->def->prog_type == BPF_PROG_TYPE_STRUCT_OPS) { /* its kernel struct and member, from its map */
		const char *refused_map = NULL;
		int r = load_struct_ops_prog(l, i, &st_btf_id, &st_member, &refused_map);
		if (r == 1 && refused_map)
			return load_refuse_prog(l, opts, i, false, "it serves struct_ops '%s', which was not created", refused_map);
		if (r == 1) {
			narrate(opts->say, "prog '%s': no struct_ops map uses it: not loaded", p->name);
			return 0;
		}
	}
	err = reloc_relink(o, i, lp, d);
	if (err)
		return (err = refuse_with(l, opts, i, err, false, d)) < 0 ? err : 0;
	int fd = -1;
	err = prepare(l, opts, i, lp, st_btf_id, st_member, &def, d);
	if (!err)
		err = submit(l, opts, i, &def, lp, &fd, d);
	if (err || fd < 0)
		return err < 0 ? err : 0;
	free(l->verifier_log); /* it served its refusal, if any */
	l->verifier_log = NULL;
	l->prog_fds[i] = fd;
	if (def.type == BPF_PROG_TYPE_STRUCT_OPS)
		narrate(opts->say, "prog '%s': BPF_PROG_LOAD struct_ops attach_btf_id %u (%s), member %u (%s), %u func_info, %u line_info -> fd %d",
			p->name, def.attach_btf_id, o->st_ops[l->st_progs[i].st].type_name, def.expected_attach_type,
			l->st_progs[i].member_name, def.func_info_cnt, def.line_info_cnt, fd);
	else
		narrate(opts->say, "prog '%s': BPF_PROG_LOAD %s%s%s, %u func_info, %u line_info -> fd %d", p->name,
			secdef_prog_type_name(def.type), def.expected_attach_type ? " expected_attach_type " : "",
			def.expected_attach_type ? secdef_attach_type_name(def.expected_attach_type) : "",
			def.func_info_cnt, def.line_info_cnt, fd);
	return 0;
}

int load_pass_load_progs(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	struct linked_prog lp = {0}; /* one set of arrays, linked into program after program */
	int err = 0;
	for (uint32_t i = 0; i < l->o->nprogs && !err; i++) {
		if (opts->skip_prog && opts->skip_prog[i]) {
			narrate(opts->say, "prog '%s': skipped on request", l->o->progs[i].name);
			continue;
		}
		if (load_interrupted(opts, d)) {
			err = -EINTR;
			break;
		}
		err = load_prog(l, opts, i, &lp, d);
		if (err == -ENOMEM && !d->msg[0])
			diag_set(d, err, "prog '%s': out of memory", l->o->progs[i].name);
	}
	reloc_free(&lp);
	return err;
}
