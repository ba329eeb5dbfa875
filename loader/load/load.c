/* loader/load/load.c — the load passes (see load.h). Each pass is a function named after what it does,
 * run in order by load_object() and narrated through opts->say. Kernel differences are handled by
 * trying and falling back (BTF kinds, BTF on maps, expected attach types), never by version. */
#include "loader/load/load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/perf.h"
#include "bpf/sys.h"
#include "loader/load/btf_fixup.h"
#include "loader/load/load_internal.h"
#include "loader/load/reloc.h"

enum { LOG_START = 64 * 1024, LOG_MAX = 16 * 1024 * 1024 };

/* Before 5.11 the kernel charges maps and programs to RLIMIT_MEMLOCK (64 KiB by default in many
 * inits) and says EPERM when it runs out; from 5.11 memory cgroups account them instead and the
 * limit plays no part. So nothing is probed: on the first EPERM from a map or program creation the
 * soft and hard limits are raised to infinity, as libbpf does, and the call is retried once.
 * Returns 1 (raised: retry), 0 (raised before: an EPERM now is something else) or a negative
 * errno with d set (the raise was refused). */
static int raise_memlock(struct loaded *l, const struct load_opts *opts, const char *what, struct diag *d)
{
	if (l->memlock_raised)
		return 0;
	l->memlock_raised = true;
	struct rlimit old = {0, 0}, inf = {RLIM_INFINITY, RLIM_INFINITY};
	getrlimit(RLIMIT_MEMLOCK, &old);
	if (old.rlim_cur == RLIM_INFINITY)
		return 0;
	if (setrlimit(RLIMIT_MEMLOCK, &inf) < 0) {
		int err = -errno;
		return diag_set(d, -EPERM, "%s: EPERM, and raising RLIMIT_MEMLOCK (now %llu KiB; kernels before 5.11 charge BPF memory to it) was refused: %s; run as root or raise `ulimit -l`",
				what, (unsigned long long)old.rlim_cur / 1024, sys_errno_name(err));
	}
	narrate(opts->say, "%s: EPERM; RLIMIT_MEMLOCK was %llu KiB (kernels before 5.11 charge BPF memory to it): raised to unlimited, retrying",
		what, (unsigned long long)old.rlim_cur / 1024);
	return 1;
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

/* ---- pass: create maps ---------------------------------------------------------------------- */

/* Map types whose key/value must not carry BTF type ids (the kernel refuses them). */
static bool btf_ids_refused(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY: case BPF_MAP_TYPE_CGROUP_ARRAY: case BPF_MAP_TYPE_STACK_TRACE:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS: case BPF_MAP_TYPE_HASH_OF_MAPS: case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH: case BPF_MAP_TYPE_CPUMAP: case BPF_MAP_TYPE_XSKMAP:
	case BPF_MAP_TYPE_SOCKMAP: case BPF_MAP_TYPE_SOCKHASH: case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK: case BPF_MAP_TYPE_PROG_ARRAY: case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		return true;
	default:
		return false;
	}
}

void load_kernel_map_def(const struct loaded *l, uint32_t i, struct sys_map_def *def, char name[16])
{
	const struct obj_map *m = &l->o->maps[i];
	memset(def, 0, sizeof(*def));
	/* Kernel names: at most 15 characters of [A-Za-z0-9_.]. */
	size_t n = 0;
	for (const char *p = m->name; *p && n < 15; p++, n++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == '.';
		name[n] = ok ? c : '_';
	}
	name[n] = '\0';
	def->name = name;
	def->type = m->type;
	def->key_size = m->key_size;
	def->value_size = m->value_size;
	def->max_entries = m->max_entries;
	def->flags = m->flags;
	def->numa_node = m->numa_node;
	def->map_extra = m->map_extra;
	def->btf_fd = -1;
	def->inner_map_fd = -1;
	if (m->type == BPF_MAP_TYPE_RINGBUF || m->type == BPF_MAP_TYPE_USER_RINGBUF) {
		/* Size: a power of two, at least a page; a declared value type is for display only. */
		uint32_t page = (uint32_t)sysconf(_SC_PAGESIZE), sz = page;
		while (sz < m->max_entries && sz < (1u << 31))
			sz <<= 1;
		def->key_size = def->value_size = 0;
		def->max_entries = sz;
	}
	if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		/* Slots hold a CPU's perf event fd; a declared value type describes the samples. */
		def->key_size = 4;
		def->value_size = 4;
		if (!def->max_entries)
			def->max_entries = (uint32_t)perf_possible_cpus();
	}
	if (l->btf_fd >= 0 && !btf_ids_refused(m->type) && (m->btf_key || m->btf_value)) {
		def->btf_fd = l->btf_fd;
		def->btf_key_type_id = m->btf_key;
		def->btf_value_type_id = m->btf_value;
	}
}

/* Is fd a map? (BPF_OBJ_GET hands back whatever is pinned: a map, a program or a link.) */
static bool fd_is_map(int fd)
{
	char link[64], target[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return true; /* no /proc: let the info check below speak */
	target[n] = '\0';
	return strcmp(target, "anon_inode:bpf-map") == 0;
}

/* Does the pinned map at fd have the definition we would create? */
static int check_reuse(const struct sys_map_def *want, int fd, const char *path, struct diag *d)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (!fd_is_map(fd))
		return diag_set(d, -EEXIST, "%s holds a pinned object that is not a map", path);
	int err = sys_obj_info(fd, &info, &len);
	if (err)
		return diag_set(d, err, "cannot read the map pinned at %s: %s", path, sys_errno_name(err));
	const char *what = info.type != want->type ? "type"
			   : info.key_size != want->key_size ? "key size"
			   : info.value_size != want->value_size ? "value size"
			   : info.max_entries != want->max_entries ? "max_entries"
			   : info.map_flags != want->flags ? "flags"
			   : info.map_extra != want->map_extra ? "map_extra" : NULL;
	if (what)
		return diag_set(d, -EEXIST, "the map pinned at %s differs in %s; remove it or fix the definition",
				path, what);
	return 0;
}

/* Where map i is pinned, if anywhere: by-name pinning, or --pin DIR. Empty when not pinned. */
/* Where map i is pinned, if anywhere: by-name pinning, or --pin DIR. Empty when not pinned.
 * bpffs refuses '.' in names (kernel/bpf/inode.c), so ".rodata" pins as "_rodata", as libbpf does. */
static void map_pin_path(const struct loaded *l, const struct load_opts *opts, uint32_t i, char *out, size_t n)
{
	const struct obj_map *m = &l->o->maps[i];
	const char *root = opts->pin_root ? opts->pin_root : "/sys/fs/bpf";
	char name[256];
	snprintf(name, sizeof(name), "%s", m->name);
	for (char *p = name; *p; p++)
		if (*p == '.')
			*p = '_';
	out[0] = '\0';
	if (m->origin == MAP_INNER)
		return;
	if (m->origin == MAP_LEGACY && m->pinning == PIN_IPROUTE2_GLOBAL_NS)
		snprintf(out, n, "%s/tc/globals/%s", root, name);
	else if (m->origin != MAP_LEGACY && m->pinning == PIN_BY_NAME)
		snprintf(out, n, "%s/%s", root, name);
	else if (opts->pin_dir)
		snprintf(out, n, "%s/maps/%s", opts->pin_dir, name);
}

static int create_map(struct loaded *l, const struct load_opts *opts, uint32_t i, int depth, struct diag *d);

/* The inner-map template for outer map i: a temporary map for BTF `__array` definitions (closed
 * after use, *temp set), or another map of the object for legacy layouts. */
static int inner_template(struct loaded *l, const struct load_opts *opts, uint32_t i, int depth,
			  bool *temp, struct diag *d)
{
	const struct obj_map *m = &l->o->maps[i];
	uint32_t in = (uint32_t)m->inner;
	*temp = l->o->maps[in].origin == MAP_INNER;
	if (l->map_fds[in] < 0) {
		int err = create_map(l, opts, in, depth + 1, d);
		if (err)
			return err;
	}
	return l->map_fds[in];
}

static int create_map(struct loaded *l, const struct load_opts *opts, uint32_t i, int depth, struct diag *d)
{
	const struct obj_map *m = &l->o->maps[i];
	struct sys_map_def def;
	char name[16], path[4096];
	bool temp_inner = false;

	if (depth > 2)
		return diag_set(d, -ELOOP, "map '%s': inner maps nest too deep", m->name);
	load_kernel_map_def(l, i, &def, name);
	map_pin_path(l, opts, i, path, sizeof(path));

	if (path[0]) {
		int fd = sys_obj_get(path, 0);
		if (fd >= 0) {
			int err = check_reuse(&def, fd, path, d);
			if (err) {
				close(fd);
				return diag_wrap(d, err, "map '%s': ", m->name);
			}
			l->map_fds[i] = fd;
			l->map_reused[i] = true;
			narrate(opts->say, "map '%s': reusing the map pinned at %s -> fd %d", m->name, path, fd);
			return 0;
		}
	}
	if (m->inner >= 0) {
		int fd = inner_template(l, opts, i, depth, &temp_inner, d);
		if (fd < 0)
			return fd;
		def.inner_map_fd = fd;
	}
	int fd = sys_map_create(&def);
	if (fd == -EPERM) {
		char what[64];
		snprintf(what, sizeof(what), "map '%.40s': BPF_MAP_CREATE", m->name);
		int r = raise_memlock(l, opts, what, d);
		if (r < 0)
			return r;
		if (r)
			fd = sys_map_create(&def);
	}
	/* EPERM is about rights or memory, never about the BTF ids: only other refusals retry without. */
	if (fd < 0 && fd != -EPERM && def.btf_fd >= 0) {
		narrate(opts->say, "map '%s': BPF_MAP_CREATE with BTF ids refused (%s); retrying without",
			m->name, sys_errno_name(fd));
		def.btf_fd = -1;
		fd = sys_map_create(&def);
	}
	if (temp_inner) { /* the template only shapes the outer map */
		close(l->map_fds[m->inner]);
		l->map_fds[m->inner] = -1;
	}
	if (fd < 0)
		return diag_set(d, fd, "map '%s': BPF_MAP_CREATE %s key %u value %u max_entries %u flags %#x: %s",
				m->name, obj_map_type_name(def.type), def.key_size, def.value_size,
				def.max_entries, def.flags, sys_errno_name(fd));
	l->map_fds[i] = fd;
	narrate(opts->say, "map '%s': BPF_MAP_CREATE %s key %u value %u max_entries %u%s -> fd %d", m->name,
		obj_map_type_name(def.type), def.key_size, def.value_size, def.max_entries,
		def.btf_fd >= 0 ? " with BTF" : "", fd);
	return 0;
}

/* A stop request (a signal the CLI holds back) between two kernel objects. */
static int interrupted(const struct load_opts *opts, struct diag *d)
{
	if (opts->interrupted && opts->interrupted())
		return diag_set(d, -EINTR, "load: interrupted by a signal; everything loaded so far closed");
	return 0;
}

static int pass_create_maps(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	for (uint32_t i = 0; i < l->o->nmaps; i++) {
		if (l->o->maps[i].origin == MAP_INNER || l->map_fds[i] >= 0)
			continue;
		if (interrupted(opts, d))
			return -EINTR;
		int err = create_map(l, opts, i, 0, d);
		if (err)
			return err;
	}
	return 0;
}

/* ---- pass: initial contents ----------------------------------------------------------------- */

static int pass_init_maps(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	const struct obj *o = l->o;
	for (uint32_t i = 0; i < o->nmaps; i++) {
		const struct obj_map *m = &o->maps[i];
		if (l->map_fds[i] < 0 || l->map_reused[i])
			continue;
		if (m->origin == MAP_DATA && m->init) {
			uint32_t zero = 0;
			int err = sys_map_update(l->map_fds[i], &zero, m->init, BPF_ANY);
			if (err)
				return diag_set(d, err, "map '%s': writing its initial %u bytes: %s", m->name,
						m->value_size, sys_errno_name(err));
			narrate(opts->say, "map '%s': initial image of %s written (%u bytes)", m->name,
				obj_map_source(o, m), m->value_size);
		}
		if (m->origin == MAP_DATA && m->data == DATA_KCONFIG && l->kconfig_image) {
			uint32_t zero = 0;
			int err = sys_map_update(l->map_fds[i], &zero, l->kconfig_image, BPF_ANY);
			if (err)
				return diag_set(d, err, "map '%s': writing the __kconfig values: %s", m->name,
						sys_errno_name(err));
			narrate(opts->say, "map '%s': __kconfig values written (%u bytes)", m->name, m->value_size);
		}
		if (m->origin == MAP_DATA && (m->data == DATA_RODATA || m->data == DATA_KCONFIG)) {
			int err = sys_map_freeze(l->map_fds[i]);
			if (err)
				return diag_set(d, err, "map '%s': BPF_MAP_FREEZE: %s", m->name, sys_errno_name(err));
			narrate(opts->say, "map '%s': frozen (BPF_MAP_FREEZE)", m->name);
		}
		for (uint32_t k = 0; k < m->ninit; k++) {
			const struct obj_init *in = &o->inits[m->first_init + k];
			if (in->is_prog)
				continue; /* prog arrays are filled once programs exist */
			int fd = l->map_fds[in->index];
			int err = sys_map_update(l->map_fds[i], &in->slot, &fd, BPF_ANY);
			if (err)
				return diag_set(d, err, "map '%s': slot %u = map '%s': %s", m->name, in->slot,
						o->maps[in->index].name, sys_errno_name(err));
			narrate(opts->say, "map '%s': [%u] = map '%s' (fd %d)", m->name, in->slot,
				o->maps[in->index].name, fd);
		}
	}
	return 0;
}

static int pass_fill_prog_arrays(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	const struct obj *o = l->o;
	for (uint32_t i = 0; i < o->ninits; i++) {
		const struct obj_init *in = &o->inits[i];
		if (!in->is_prog || l->map_reused[in->map] || l->prog_fds[in->index] < 0)
			continue;
		int fd = l->prog_fds[in->index];
		int err = sys_map_update(l->map_fds[in->map], &in->slot, &fd, BPF_ANY);
		if (err)
			return diag_set(d, err, "map '%s': slot %u = prog '%s': %s", o->maps[in->map].name,
					in->slot, o->progs[in->index].name, sys_errno_name(err));
		narrate(opts->say, "map '%s': [%u] = prog '%s' (fd %d)", o->maps[in->map].name, in->slot,
			o->progs[in->index].name, fd);
	}
	return 0;
}

/* ---- pass: load programs -------------------------------------------------------------------- */

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
		int r = raise_memlock(l, opts, what, d);
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

static int pass_load_progs(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	for (uint32_t i = 0; i < l->o->nprogs; i++) {
		if (opts->skip_prog && opts->skip_prog[i]) {
			narrate(opts->say, "prog '%s': skipped on request", l->o->progs[i].name);
			continue;
		}
		if (interrupted(opts, d))
			return -EINTR;
		int err = load_prog(l, opts, i, d);
		if (err)
			return err;
	}
	return 0;
}

/* ---- pass: pin -------------------------------------------------------------------------------- */

/* Pins made by this run, so a failure can take them back. */
struct pins {
	char (*path)[4096];
	uint32_t n;
};

static int pin_at(struct pins *made, int fd, const char *path, const struct load_opts *opts, struct diag *d)
{
	int err = sys_obj_pin(fd, path);
	if (err)
		return diag_set(d, err, "pin %s: %s", path, sys_errno_name(err));
	snprintf(made->path[made->n++], sizeof(made->path[0]), "%s", path);
	narrate(opts->say, "pinned fd %d at %s", fd, path);
	return 0;
}

/* A program pin an earlier --pin run left is replaced. */
static int repin_prog(struct pins *made, int fd, const char *path, const struct load_opts *opts, struct diag *d)
{
	unlink(path);
	return pin_at(made, fd, path, opts, d);
}

/* Pin maps (and with dir_pins, programs): by-name maps when !dir_pins, DIR pins when dir_pins. */
static int pin_objects(struct loaded *l, const struct load_opts *opts, bool dir_pins, struct diag *d)
{
	const struct obj *o = l->o;
	char path[4096];
	struct pins made = {calloc(o->nmaps + o->nprogs + 1, sizeof(*made.path)), 0};
	int err = made.path ? 0 : diag_set(d, -ENOMEM, "pin: out of memory");
	size_t dir_len = opts->pin_dir ? strlen(opts->pin_dir) : 0;

	for (uint32_t i = 0; i < o->nmaps && !err; i++) {
		map_pin_path(l, opts, i, path, sizeof(path));
		if (!path[0] || l->map_reused[i] || l->map_fds[i] < 0)
			continue;
		bool under_dir = dir_len && strncmp(path, opts->pin_dir, dir_len) == 0 && path[dir_len] == '/';
		if (under_dir != dir_pins)
			continue;
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s", path);
		*strrchr(dir, '/') = '\0';
		err = fs_bpffs_ensure(dir, d);
		if (!err)
			err = pin_at(&made, l->map_fds[i], path, opts, d);
		if (err)
			diag_wrap(d, err, "map '%s': ", o->maps[i].name);
	}
	if (!err && dir_pins) {
		snprintf(path, sizeof(path), "%s/progs", opts->pin_dir);
		err = fs_bpffs_ensure(path, d);
		for (uint32_t i = 0; i < o->nprogs && !err; i++) {
			if (l->prog_fds[i] < 0)
				continue;
			snprintf(path, sizeof(path), "%s/progs/%s", opts->pin_dir, o->progs[i].name);
			err = repin_prog(&made, l->prog_fds[i], path, opts, d);
			if (err)
				diag_wrap(d, err, "prog '%s': ", o->progs[i].name);
		}
	}
	if (err) /* all or nothing: a failed load leaves no pins of its own behind */
		for (uint32_t k = 0; k < made.n; k++) {
			unlink(made.path[k]);
			narrate(opts->say, "unpinned %s (pinning failed)", made.path[k]);
		}
	free(made.path);
	return err;
}

static int pass_pin(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	int err = pin_objects(l, opts, false, d);
	if (!err && opts->pin_dir && !opts->defer_pin)
		err = pin_objects(l, opts, true, d);
	return err;
}

int load_pin(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	return opts->pin_dir ? pin_objects(l, opts, true, d) : 0;
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
	if (!l->map_fds || !l->map_reused || !l->prog_fds) {
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
		{"create maps", pass_create_maps},
		{"initialise maps", pass_init_maps},
		{"relocate and load programs", pass_load_progs},
		{"fill prog arrays", pass_fill_prog_arrays},
		{"pin", pass_pin},
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
	free(l->ext_vals);
	free(l->kconfig_image);
	free(l->map_fds);
	free(l->map_reused);
	free(l->prog_fds);
	free(l->verifier_log);
	const struct obj *o = l->o;
	memset(l, 0, sizeof(*l));
	l->o = o;
	l->btf_fd = -1;
	l->failed_prog = -1;
}
