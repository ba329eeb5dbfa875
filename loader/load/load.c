/* loader/load/load.c — the load's driver (see load.h): runs the passes in order, each a function named
 * after what it does and narrated through opts->say (the map passes in maps.c, programs in
 * progs.c, pins in pin.c); the BTF pass and the RLIMIT_MEMLOCK raise live here. Kernel
 * differences are handled by trying and falling back (BTF kinds, BTF on maps, expected attach
 * types), never by version. */
#include "loader/load/load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "loader/load/btf_fixup.h"
#include "loader/load/load_internal.h"
#include "loader/load/reloc.h"
#include "loader/load/struct_ops.h"

/* Before 5.11 the kernel charges maps and programs to RLIMIT_MEMLOCK (64 KiB by default in many
 * inits) and says EPERM when it runs out; from 5.11 memory cgroups account them instead and the
 * limit plays no part. So nothing is probed: on the first EPERM from a map or program creation the
 * soft and hard limits are raised to infinity, as libbpf does (else the soft one to the hard one),
 * and the call is retried once. Returns 1 (raised: retry) or 0 (not raised: tried before, already
 * unlimited, or refused — then l->memlock_note says so, for the EPERM messages). */
int load_raise_memlock(struct loaded *l, const struct load_opts *opts, const char *what)
{
	if (l->memlock_raised)
		return 0;
	l->memlock_raised = true;
	struct rlimit old = {0, 0}, inf = {RLIM_INFINITY, RLIM_INFINITY};
	getrlimit(RLIMIT_MEMLOCK, &old);
	if (old.rlim_cur == RLIM_INFINITY)
		return 0;
	if (setrlimit(RLIMIT_MEMLOCK, &inf) == 0) {
		narrate(opts->say, "%s: EPERM; RLIMIT_MEMLOCK was %llu KiB (kernels before 5.11 charge BPF memory to it): raised to unlimited, retrying",
			what, (unsigned long long)old.rlim_cur / 1024);
		return 1;
	}
	int err = -errno;
	struct rlimit hard = {old.rlim_max, old.rlim_max};
	if (old.rlim_cur < old.rlim_max && setrlimit(RLIMIT_MEMLOCK, &hard) == 0) {
		narrate(opts->say, "%s: EPERM; RLIMIT_MEMLOCK was %llu KiB (kernels before 5.11 charge BPF memory to it): unlimited refused (%s), raised to the hard limit, %llu KiB, retrying",
			what, (unsigned long long)old.rlim_cur / 1024, sys_errno_name(err),
			(unsigned long long)old.rlim_max / 1024);
		return 1;
	}
	snprintf(l->memlock_note, sizeof(l->memlock_note),
		 "RLIMIT_MEMLOCK (%llu KiB), which kernels before 5.11 charge BPF memory to, could not be raised: %s (that takes CAP_SYS_RESOURCE, or a higher `ulimit -l` beforehand)",
		 (unsigned long long)old.rlim_cur / 1024, sys_errno_name(err));
	narrate(opts->say, "%s: EPERM; %s", what, l->memlock_note);
	return 0;
}

/* ---- pass: load BTF ------------------------------------------------------------------------- */

/* Rewrites to try, newest kernel feature first: each step makes the BTF acceptable to an older
 * kernel (FACTS.md, "Kernels refuse BTF kinds newer than themselves"). */
static const uint32_t sanitize_order[] = {
	SANITIZE_ENUM64, SANITIZE_TYPE_TAG, SANITIZE_DECL_TAG, SANITIZE_FLOAT,
	SANITIZE_FUNC_LINKAGE, SANITIZE_DATASEC,
};

static int pass_load_btf(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	const struct obj *o = l->o;
	l->btf_fd = -1;
	if (!o->has_btf) {
		narrate(opts->say, "btf: the object has none; maps and programs load without type info");
		return 0;
	}
	uint32_t present = btf_fixup_needed(&o->btf), sanitize = 0;
	size_t step = 0;
	for (;;) {
		/* The model's BTF is ready as it is unless this kernel needs kinds rewritten. */
		uint8_t *blob = o->btf_blob, *owned = NULL;
		uint32_t size = o->btf_blob_size;
		if (sanitize || o->nexterns) { /* externs: see btf_fixup.c */
			int err = btf_fixup_build(o, sanitize, &owned, &size, d);
			if (err)
				return err;
			blob = owned;
		}
		int fd = sys_btf_load(blob, size, NULL, 0, 0);
		if (fd >= 0) {
			free(owned);
			l->btf_fd = fd;
			narrate(opts->say, "btf: BPF_BTF_LOAD %u types, %u bytes -> fd %d%s", o->btf.nr_types, size, fd,
				sanitize ? " (rewritten for this kernel)" : "");
			return 0;
		}
		narrate(opts->say, "btf: BPF_BTF_LOAD refused: %s", sys_errno_name(fd));
		while (step < sizeof(sanitize_order) / sizeof(sanitize_order[0]) && !(present & sanitize_order[step]))
			step++;
		if (step == sizeof(sanitize_order) / sizeof(sanitize_order[0])) {
			/* Ask once more with a log, to say why, then go on without BTF like libbpf does. */
			char log[1024] = "";
			int again = sys_btf_load(blob, size, log, sizeof(log), 1);
			free(owned);
			if (again >= 0) {
				l->btf_fd = again;
				return 0;
			}
			size_t n = strlen(log);
			while (n && (log[n - 1] == '\n' || log[n - 1] == ' '))
				log[--n] = '\0';
			const char *last = strrchr(log, '\n');
			narrate(opts->say, "btf: kernel refuses it (%s); continuing without BTF", last ? last + 1 : log);
			return 0;
		}
		free(owned);
		sanitize |= sanitize_order[step];
		narrate(opts->say, "btf: retrying with %s rewritten", btf_fixup_name(sanitize_order[step]));
		step++;
	}
}

/* ---- refusals --------------------------------------------------------------------------------- */

/* A diagnostic line without its subject: "prog 'x': " (or "map 'x': ", "extern 'x': ") when msg
 * starts with it, since a refusal is shown next to its member's name. */
const char *load_unsubject(const char *msg, const char *kind, const char *name)
{
	size_t k = strlen(kind), n = strlen(name);
	if (strncmp(msg, kind, k) == 0 && msg[k] == ' ' && msg[k + 1] == '\'' && strncmp(msg + k + 2, name, n) == 0 &&
	    strncmp(msg + k + 2 + n, "': ", 3) == 0)
		return msg + k + 2 + n + 3;
	return msg;
}

static int refuse(struct load_refusal *r, bool kernel_btf, const char *fmt, va_list ap)
{
	char buf[sizeof(((struct diag *)0)->msg) + 64];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	free(r->why);
	r->why = strdup(buf);
	r->kernel_btf = kernel_btf;
	return r->why ? 0 : -ENOMEM;
}

int load_interrupted(const struct load_opts *opts, struct diag *d)
{
	if (opts->interrupted && opts->interrupted())
		return diag_set(d, -EINTR, "load: interrupted by a signal; everything loaded so far closed");
	return 0;
}

int load_refuse_map(struct loaded *l, const struct load_opts *opts, uint32_t i, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int err = refuse(&l->map_refused[i], false, fmt, ap);
	va_end(ap);
	if (err)
		return err;
	l->nrefused_maps++;
	if (l->map_fds[i] >= 0) {
		close(l->map_fds[i]);
		l->map_fds[i] = -1;
	}
	narrate(opts->say, "map '%s': refused: %s", l->o->maps[i].name, l->map_refused[i].why);
	return 0;
}

int load_refuse_prog(struct loaded *l, const struct load_opts *opts, uint32_t i, bool kernel_btf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int err = refuse(&l->prog_refused[i], kernel_btf, fmt, ap);
	va_end(ap);
	if (err)
		return err;
	l->nrefused_progs++;
	narrate(opts->say, "prog '%s': refused: %s", l->o->progs[i].name, l->prog_refused[i].why);
	return 0;
}

int load_refuse_ext(struct loaded *l, const struct load_opts *opts, uint32_t i, bool kernel_btf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int err = refuse(&l->ext_refused[i], kernel_btf, fmt, ap);
	va_end(ap);
	if (!err)
		narrate(opts->say, "extern '%s': no value: %s", l->o->externs[i].name,
			load_unsubject(l->ext_refused[i].why, "extern", l->o->externs[i].name));
	return err;
}

bool load_kbtf_missing(const struct loaded *l)
{
	return !l->vmlinux && l->kbtf_err;
}

enum load_outcome load_outcome(const struct loaded *l)
{
	const struct obj *o = l->o;
	if (!l->nrefused_maps && !l->nrefused_progs)
		return LOAD_ALL;
	uint32_t progs = 0, maps = 0;
	for (uint32_t i = 0; i < o->nprogs; i++)
		progs += l->prog_fds[i] >= 0;
	for (uint32_t i = 0; i < o->nmaps; i++)
		maps += l->map_fds[i] >= 0;
	if (o->nprogs ? progs == 0 : maps == 0)
		return LOAD_NOTHING;
	return LOAD_PARTIAL;
}

static void free_refusals(struct load_refusal *r, uint32_t n)
{
	for (uint32_t i = 0; r && i < n; i++) {
		free(r[i].why);
		free(r[i].hint);
	}
	free(r);
}

/* ---- driver ------------------------------------------------------------------------------------ */

static void drop_kernel_btf(struct loaded *l)
{
	if (l->vmlinux) {
		btf_close(l->vmlinux);
		free(l->vmlinux);
	}
	if (l->vmlinux_mapped)
		munmap(l->vmlinux_data, l->vmlinux_size);
	else
		free(l->vmlinux_data);
	btf_index_free(&l->vmlinux_ix);
	l->vmlinux_lookups = 0;
	l->vmlinux = NULL;
	l->vmlinux_data = NULL;
	l->vmlinux_size = 0;
	l->vmlinux_mapped = false;
	core_cache_free(&l->core_cache);
}

int load_object(const struct obj *o, const struct load_opts *opts, struct loaded *l, struct diag *d)
{
	static const struct load_opts none = {0};
	memset(l, 0, sizeof(*l));
	l->o = o;
	l->btf_fd = -1;
	l->failed_prog = -1;
	if (!opts)
		opts = &none;
	if (o->unsupported)
		return diag_set(d, -ENOTSUP, "section %s: its maps are not supported yet", o->unsupported);
	l->map_fds = malloc((o->nmaps + 1) * sizeof(int));
	l->map_reused = calloc(o->nmaps + 1, sizeof(bool));
	l->prog_fds = malloc((o->nprogs + 1) * sizeof(int));
	l->map_refused = calloc(o->nmaps + 1, sizeof(*l->map_refused));
	l->prog_refused = calloc(o->nprogs + 1, sizeof(*l->prog_refused));
	l->ext_refused = calloc(o->nexterns + 1, sizeof(*l->ext_refused));
	if (!l->map_fds || !l->map_reused || !l->prog_fds || !l->map_refused || !l->prog_refused || !l->ext_refused) {
		load_close(l);
		return diag_set(d, -ENOMEM, "load: out of memory");
	}
	for (uint32_t i = 0; i < o->nmaps; i++)
		l->map_fds[i] = -1;
	for (uint32_t i = 0; i < o->nprogs; i++)
		l->prog_fds[i] = -1;

	static const struct {
		const char *name;
		int (*run)(struct loaded *, const struct load_opts *, struct diag *);
	} passes[] = {
		{"resolve externs", load_resolve_externs},
		{"load BTF", pass_load_btf},
		{"create maps", load_pass_create_maps},
		{"initialise maps", load_pass_init_maps},
		{"relocate and load programs", load_pass_load_progs},
		{"fill prog arrays", load_pass_fill_prog_arrays},
		{"pin", load_pass_pin},
	};
	for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++) {
		narrate(opts->say, "-- pass: %s", passes[i].name);
		int err = passes[i].run(l, opts, d);
		if (err) {
			/* Keep what explains a verifier failure; close the rest. */
			int failed = l->failed_prog;
			char *log = l->verifier_log;
			l->verifier_log = NULL;
			load_close(l);
			l->failed_prog = failed;
			l->verifier_log = log;
			return err;
		}
	}
	/* The kernel's BTF (its index is 4 bytes a type: 600 KB for 150,000 types) served the load
	 * only; a long run need not keep it. */
	drop_kernel_btf(l);
	return 0;
}

void load_close(struct loaded *l)
{
	if (l->map_fds)
		for (uint32_t i = 0; i < l->o->nmaps; i++)
			if (l->map_fds[i] >= 0)
				close(l->map_fds[i]);
	if (l->prog_fds)
		for (uint32_t i = 0; i < l->o->nprogs; i++)
			if (l->prog_fds[i] >= 0)
				close(l->prog_fds[i]);
	if (l->btf_fd >= 0)
		close(l->btf_fd);
	drop_kernel_btf(l);
	load_struct_ops_free(l);
	free(l->ext_vals);
	free(l->kconfig_image);
	free(l->map_fds);
	free(l->map_reused);
	free(l->prog_fds);
	free(l->verifier_log);
	free(l->kbtf_why);
	if (l->o) {
		free_refusals(l->map_refused, l->o->nmaps);
		free_refusals(l->prog_refused, l->o->nprogs);
		free_refusals(l->ext_refused, l->o->nexterns);
	}
	const struct obj *o = l->o;
	memset(l, 0, sizeof(*l));
	l->o = o;
	l->btf_fd = -1;
	l->failed_prog = -1;
}
