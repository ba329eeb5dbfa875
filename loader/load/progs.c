/* loader/load/progs.c — the program pass of the load (see load.h): link each program, apply CO-RE,
 * patch map, data and extern references, find its kernel BTF attach target, and BPF_PROG_LOAD it
 * (the verifier's log asked for only after a refusal, grown while the kernel says ENOSPC). */
#include "loader/load/load_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/sys.h"

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
	*id = btf_find(l->vmlinux, kind, name);
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

/* Load with a log that grows while the kernel says ENOSPC; keeps the last log in l. */
static int load_with_log(struct loaded *l, struct sys_prog_def *def)
{
	uint32_t size = LOG_START;
	for (;;) {
		char *log = malloc(size);
		if (!log)
			return -ENOMEM;
		log[0] = '\0';
		def->log_buf = log;
		def->log_size = size;
		def->log_level = 1;
		int fd = sys_prog_load(def);
		free(l->verifier_log);
		l->verifier_log = log;
		log[size - 1] = '\0';
		def->log_buf = NULL;
		def->log_size = def->log_level = 0;
		if (fd != -ENOSPC || size >= LOG_MAX)
			return fd;
		size *= 2;
	}
}

static int load_prog(struct loaded *l, const struct load_opts *opts, uint32_t i, struct diag *d)
{
	const struct obj *o = l->o;
	const struct obj_prog *p = &o->progs[i];
	struct linked_prog lp;
	struct sys_prog_def def;
	int err;

	if (!p->def) {
		l->failed_prog = (int)i;
		return diag_set(d, -ENOTSUP, "prog '%s': section '%s' names no program type rawload knows",
				p->name, p->sec_name);
	}
	l->failed_prog = (int)i; /* until it loads */
	err = reloc_link(o, i, &lp, d);
	if (err)
		return diag_wrap(d, err, "prog '%s': ", p->name);
	if (lp.ncore) {
		err = load_apply_core(l, opts, p, &lp, d);
		if (err) {
			reloc_free(&lp);
			return err;
		}
	}
	err = reloc_patch(o, &lp, l->map_fds, l->ext_vals, d);
	if (err) {
		reloc_free(&lp);
		return diag_wrap(d, err, "prog '%s': ", p->name);
	}
	narrate(opts->say, "prog '%s': linked %u insns (%u functions), %u map/data references patched",
		p->name, lp.count, lp.nfuncs, lp.nsites);
	for (uint32_t k = 1; k < lp.nfuncs; k++)
		narrate(opts->say, "prog '%s':   subprogram '%s' appended at insn %u", p->name,
			o->funcs[lp.funcs[k]].name, lp.bases[k]);
	for (uint32_t k = 0; k < lp.nsites; k++) {
		const struct obj_reloc *r = lp.sites[k].r;
		if (r->kind == RELOC_EXTERN) {
			const struct obj_extern *e = &o->externs[r->ext];
			const struct reloc_ext_value *v = &l->ext_vals[r->ext];
			if (!v->found)
				narrate(opts->say, "prog '%s':   insn %u: %s '%s' missing (weak): %s", p->name, lp.sites[k].insn,
					obj_extern_kind_name(e->kind), e->name,
					insn_is_call(&lp.insns[lp.sites[k].insn]) ? "call poisoned" : "loads 0");
			else if (e->kind == EXT_KSYM_TYPELESS)
				narrate(opts->say, "prog '%s':   insn %u: ld_imm64 '%s' -> address %#llx", p->name,
					lp.sites[k].insn, e->name, (unsigned long long)v->addr);
			else
				narrate(opts->say, "prog '%s':   insn %u: %s '%s' -> %s kernel BTF id %u", p->name,
					lp.sites[k].insn, obj_extern_kind_name(e->kind), e->name,
					insn_is_call(&lp.insns[lp.sites[k].insn]) ? "BPF_PSEUDO_KFUNC_CALL" : "BPF_PSEUDO_BTF_ID",
					v->btf_id);
		} else if (r->kind == RELOC_MAP)
			narrate(opts->say, "prog '%s':   insn %u: ld_imm64 map '%s' -> BPF_PSEUDO_MAP_FD %d", p->name,
				lp.sites[k].insn, o->maps[r->map].name, l->map_fds[r->map]);
		else
			narrate(opts->say, "prog '%s':   insn %u: ld_imm64 '%s' -> BPF_PSEUDO_MAP_VALUE %d + %u (map '%s')",
				p->name, lp.sites[k].insn, r->sym, l->map_fds[r->map], r->offset, o->maps[r->map].name);
	}

	memset(&def, 0, sizeof(def));
	def.name = p->name;
	def.type = p->def->prog_type;
	def.insns = lp.insns;
	def.insn_cnt = lp.count;
	def.license = o->license ? o->license : "";
	def.kern_version = o->kern_version;
	def.btf_fd = -1;
	def.attach_prog_fd = -1;
	if (p->def->flags & (SECDEF_LOAD_ATTACH_TYPE | SECDEF_LOAD_ATTACH_OPT))
		def.expected_attach_type = p->def->attach_type;
	if ((p->def->flags & SECDEF_LOAD_ATTACH_OPT) && p->def->prog_type == BPF_PROG_TYPE_XDP &&
	    l->xdp_attach_type_refused)
		def.expected_attach_type = 0;
	if (p->def->flags & SECDEF_SLEEPABLE)
		def.prog_flags |= BPF_F_SLEEPABLE;
	if (p->def->flags & SECDEF_XDP_FRAGS)
		def.prog_flags |= BPF_F_XDP_HAS_FRAGS;
	if (p->def->flags & SECDEF_BTF_ID) {
		err = attach_btf_id(l, opts, p, &def.attach_btf_id, d);
		if (err) {
			l->failed_prog = (int)i;
			reloc_free(&lp);
			return err;
		}
	}
	if (l->btf_fd >= 0 && lp.nfunc_info) {
		def.btf_fd = l->btf_fd;
		def.func_info = lp.func_info;
		def.func_info_rec_size = sizeof(*lp.func_info);
		def.func_info_cnt = lp.nfunc_info;
		def.line_info = lp.line_info;
		def.line_info_rec_size = sizeof(*lp.line_info);
		def.line_info_cnt = lp.nline_info;
	}

	int fd = sys_prog_load(&def);
	if (fd == -EPERM) {
		char what[64];
		snprintf(what, sizeof(what), "prog '%.40s': BPF_PROG_LOAD", p->name);
		int r = load_raise_memlock(l, opts, what, d);
		if (r < 0) {
			reloc_free(&lp);
			return r;
		}
		if (r)
			fd = sys_prog_load(&def);
	}
	if (fd == -EINVAL && (p->def->flags & SECDEF_LOAD_ATTACH_OPT) && def.expected_attach_type) {
		narrate(opts->say, "prog '%s': kernel refuses expected_attach_type %s; retrying without",
			p->name, secdef_attach_type_name(def.expected_attach_type));
		def.expected_attach_type = 0;
		fd = sys_prog_load(&def);
		if (fd >= 0 && p->def->prog_type == BPF_PROG_TYPE_XDP)
			l->xdp_attach_type_refused = true;
	}
	if (fd < 0 && fd != -ENOMEM && fd != -EPERM)
		fd = load_with_log(l, &def); /* once more, to hear why */
	reloc_free(&lp);
	if (fd < 0) {
		l->failed_prog = (int)i;
		if (fd == -EACCES || fd == -EINVAL)
			return diag_set(d, fd, "prog '%s': the verifier rejected it (%s)", p->name, sys_errno_name(fd));
		if (fd == -EPERM)
			return diag_set(d, fd, "prog '%s': BPF_PROG_LOAD: EPERM (a capability is missing, or kernel lockdown forbids %s programs)",
					p->name, secdef_prog_type_name(def.type));
		return diag_set(d, fd, "prog '%s': BPF_PROG_LOAD: %s", p->name, sys_errno_name(fd));
	}
	l->prog_fds[i] = fd;
	l->failed_prog = -1;
	narrate(opts->say, "prog '%s': BPF_PROG_LOAD %s%s%s, %u func_info, %u line_info -> fd %d", p->name,
		secdef_prog_type_name(def.type), def.expected_attach_type ? " expected_attach_type " : "",
		def.expected_attach_type ? secdef_attach_type_name(def.expected_attach_type) : "",
		def.func_info_cnt, def.line_info_cnt, fd);
	return 0;
}

int load_pass_load_progs(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	for (uint32_t i = 0; i < l->o->nprogs; i++) {
		if (opts->skip_prog && opts->skip_prog[i]) {
			narrate(opts->say, "prog '%s': skipped on request", l->o->progs[i].name);
			continue;
		}
		int err = load_prog(l, opts, i, d);
		if (err)
			return err;
	}
	return 0;
}