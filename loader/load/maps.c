/* loader/load/maps.c — the map passes of the load (see load.h): create every map (the kernel-side
 * definition, BTF ids where the kernel takes them, inner-map templates, pinned maps reused when
 * they match), write global data and __kconfig images and freeze them, fill map-in-maps, and, once
 * programs exist, fill prog arrays. */
#include "loader/load/load_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/sys.h"
#include "loader/load/kfeat.h"
#include "loader/load/struct_ops.h"


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
	if (m->origin == MAP_STRUCT_OPS)
		load_struct_ops_map_def(l, i, def);
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

/* Where map i is pinned, if anywhere: by-name pinning, or --pin DIR. Empty when not pinned.
 * bpffs refuses '.' in names (kernel/bpf/inode.c), so ".rodata" pins as "_rodata", as libbpf does. */
void load_map_pin_path(const struct loaded *l, const struct load_opts *opts, uint32_t i, char *out, size_t n)
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

/* "bloom_filter", or "type 250" for a number rawload has no name for. */
static const char *map_type_str(uint32_t type, char buf[24])
{
	const char *name = obj_map_type_name(type);
	if (strcmp(name, "?") != 0)
		return name;
	snprintf(buf, 24, "type %u", type);
	return buf;
}

/* 1 when the kernel's enum `name` has an enumerator of value v, 0 when it has not, -1 when the
 * kernel's BTF has no such enum. */
static int kernel_enum_has(const struct btf_spec *b, const char *name, uint32_t v)
{
	uint32_t id = btf_find(b, BTF_KIND_ENUM, name);
	const struct btf_type *t = id ? btf_type(b, id) : NULL;
	if (!t)
		return -1;
	for (uint32_t i = 0; i < btf_vlen(t); i++)
		if ((uint32_t)btf_enums(t)[i].val == v)
			return 1;
	return 0;
}

/* Why BPF_MAP_CREATE said err to def, as far as it can be known: for EINVAL, whether the kernel
 * knows the map type (its BTF lists enum bpf_map_type), else which flag it refuses (the first whose
 * removal makes it accept the map; the probe map is closed at once). Appends ": ..." to out, or
 * nothing when nothing more is known. */
static void explain_map(struct loaded *l, const struct load_opts *opts, const struct obj_map *m,
			const struct sys_map_def *def, int err, char *out, size_t n)
{
	char since[16], tbuf[24];
	uint16_t v = kfeat_map_type_version(def->type);
	const char *tname = map_type_str(def->type, tbuf);
	struct diag kd = {""};
	int known = -1;
	out[0] = '\0';
	if (err != -EINVAL)
		return;
	if (load_vmlinux_btf(l, opts, &kd) == 0)
		known = kernel_enum_has(l->vmlinux, "bpf_map_type", def->type);
	if (known == 0) {
		if (tname == tbuf) /* no name: "type N" */
			snprintf(out, n, ": map %s is unknown to this kernel", tname);
		else
			snprintf(out, n, ": map type %s (%u%s) is unknown to this kernel", tname, def->type, kfeat_since(v, since));
		return;
	}
	for (uint32_t bit = 0; bit < 32; bit++) {
		if (!(def->flags & (1u << bit)))
			continue;
		struct sys_map_def probe = *def;
		probe.flags &= ~(1u << bit);
		int fd = sys_map_create(&probe);
		narrate(opts->say, "map '%s': probe without map flag bit %u -> %s", m->name, bit,
			fd >= 0 ? "created (closed again)" : sys_errno_name(fd));
		if (fd < 0)
			continue;
		close(fd);
		uint16_t fv;
		const char *fname = kfeat_map_flag(bit, &fv);
		if (fname)
			snprintf(out, n, ": this kernel refuses map flag %s%s on it", fname, kfeat_since(fv, since));
		else
			snprintf(out, n, ": this kernel refuses map flag bit %u (%#x) on it", bit, 1u << bit);
		return;
	}
	if (known < 0 && v) /* nothing to check the type against: what is known of it */
		snprintf(out, n, " (%s maps came in Linux %u.%u)", tname, v >> 8, v & 0xff);
}

static int create_map(struct loaded *l, const struct load_opts *opts, uint32_t i, int depth, struct diag *d);

/* The inner-map template for outer map i: a temporary map for BTF `__array` definitions (closed
 * after use, *temp set), or another map of the object for legacy layouts. Returns its fd; -1 when
 * it was refused (l->map_refused says why); a negative errno < -1 with d set when the whole load
 * fails. */
static int inner_template(struct loaded *l, const struct load_opts *opts, uint32_t i, int depth,
			  bool *temp, struct diag *d)
{
	const struct obj_map *m = &l->o->maps[i];
	uint32_t in = (uint32_t)m->inner;
	*temp = l->o->maps[in].origin == MAP_INNER;
	if (l->map_fds[in] < 0 && !l->map_refused[in].why) {
		int err = create_map(l, opts, in, depth + 1, d);
		if (err)
			return err;
	}
	return l->map_fds[in];
}

/* Create (or reuse from its pin) map i. Returns 0 when it was made or refused (l->map_refused),
 * or a negative errno with d set when the whole load must fail (a pinned map that differs, the
 * memlock raise refused, no memory). */
/* Map i's pin at path, when there is one, taken in place of a new map if its definition matches
 * def: 1 when reused, 0 when there is no pin, or a negative errno with d set (a pin that differs). */
static int reuse_pinned(struct loaded *l, const struct load_opts *opts, uint32_t i, const struct sys_map_def *def,
			const char *path, struct diag *d)
{
	const struct obj_map *m = &l->o->maps[i];
	int fd = sys_obj_get(path, 0);
	if (fd < 0)
		return 0;
	int err = check_reuse(def, fd, path, d);
	if (err) {
		close(fd);
		return diag_wrap(d, err, "map '%s': ", m->name);
	}
	l->map_fds[i] = fd;
	l->map_reused[i] = true;
	narrate(opts->say, "map '%s': reusing the map pinned at %s -> fd %d", m->name, path, fd);
	return 1;
}

/* BPF_MAP_CREATE, again after raising RLIMIT_MEMLOCK on EPERM, and again without BTF ids where
 * the kernel refuses them on this map (EPERM is about rights or memory, never about BTF ids);
 * -v says which it was only once it is known. The fd, or the kernel's error. */
static int map_create(struct loaded *l, const struct load_opts *opts, const struct obj_map *m, struct sys_map_def *def)
{
	int fd = sys_map_create(def);
	if (fd == -EPERM) {
		char what[64];
		snprintf(what, sizeof(what), "map '%.40s': BPF_MAP_CREATE", m->name);
		if (load_raise_memlock(l, opts, what))
			fd = sys_map_create(def);
	}
	if (fd < 0 && fd != -EPERM && def->btf_fd >= 0 && m->origin != MAP_STRUCT_OPS) {
		int with_btf = fd;
		def->btf_fd = -1;
		fd = sys_map_create(def);
		if (fd >= 0)
			narrate(opts->say, "map '%s': BPF_MAP_CREATE with BTF ids refused (%s); created without them",
				m->name, sys_errno_name(with_btf));
		else
			narrate(opts->say, "map '%s': BPF_MAP_CREATE refused with BTF ids (%s) and without (%s)", m->name,
				sys_errno_name(with_btf), sys_errno_name(fd));
	}
	return fd;
}

static int create_map(struct loaded *l, const struct load_opts *opts, uint32_t i, int depth, struct diag *d)
{
	const struct obj_map *m = &l->o->maps[i];
	struct sys_map_def def;
	char name[16], path[4096], tbuf[24];
	bool temp_inner = false;

	if (depth > 2)
		return load_refuse_map(l, opts, i, "inner maps nest too deep");
	load_kernel_map_def(l, i, &def, name);
	load_map_pin_path(l, opts, i, path, sizeof(path));

	int err = path[0] ? reuse_pinned(l, opts, i, &def, path, d) : 0;
	if (err)
		return err < 0 ? err : 0;
	if (m->inner >= 0) {
		int fd = inner_template(l, opts, i, depth, &temp_inner, d);
		if (fd < -1)
			return fd;
		if (fd < 0)
			return load_refuse_map(l, opts, i, "its inner map '%s' was refused", l->o->maps[m->inner].name);
		def.inner_map_fd = fd;
	}
	int fd = map_create(l, opts, m, &def);
	if (temp_inner) { /* the template only shapes the outer map */
		close(l->map_fds[m->inner]);
		l->map_fds[m->inner] = -1;
	}
	if (fd == -ENOMEM)
		return diag_set(d, fd, "map '%s': BPF_MAP_CREATE: ENOMEM", m->name);
	if (fd < 0) {
		char why[160];
		explain_map(l, opts, m, &def, fd, why, sizeof(why));
		return load_refuse_map(l, opts, i, "BPF_MAP_CREATE %s key %u value %u max_entries %u flags %#x: %s%s%s%s",
				       map_type_str(def.type, tbuf), def.key_size, def.value_size, def.max_entries,
				       def.flags, sys_errno_name(fd), why, fd == -EPERM && l->memlock_note[0] ? "; " : "",
				       fd == -EPERM ? l->memlock_note : "");
	}
	l->map_fds[i] = fd;
	narrate(opts->say, "map '%s': BPF_MAP_CREATE %s key %u value %u max_entries %u%s -> fd %d", m->name,
		map_type_str(def.type, tbuf), def.key_size, def.value_size, def.max_entries,
		def.btf_fd >= 0 ? " with BTF" : "", fd);
	return 0;
}

int load_pass_create_maps(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	int st_err = load_struct_ops_resolve(l, opts, d); /* the kernel's layouts of struct_ops maps */
	if (st_err)
		return st_err;
	for (uint32_t i = 0; i < l->o->nmaps; i++) {
		if (l->o->maps[i].origin == MAP_INNER || l->map_fds[i] >= 0 || l->map_refused[i].why)
			continue;
		if (load_interrupted(opts, d))
			return -EINTR;
		int err = create_map(l, opts, i, 0, d);
		if (err)
			return err == -ENOMEM && !d->msg[0] ? diag_set(d, err, "map '%s': out of memory", l->o->maps[i].name)
							    : err;
	}
	return 0;
}

/* ---- pass: initial contents ----------------------------------------------------------------- */

/* A kernel refusal while filling map i: the map is refused (its fd closed), like one the kernel
 * would not create. */
static int refuse_fill(struct loaded *l, const struct load_opts *opts, uint32_t i, const char *what, int err)
{
	return load_refuse_map(l, opts, i, "%s: %s", what, sys_errno_name(err));
}

int load_pass_init_maps(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	const struct obj *o = l->o;
	for (uint32_t i = 0; i < o->nmaps; i++) {
		const struct obj_map *m = &o->maps[i];
		int err = 0;
		if (l->map_fds[i] < 0 || l->map_reused[i])
			continue;
		if (m->origin == MAP_DATA && m->init) {
			uint32_t zero = 0;
			if ((err = sys_map_update(l->map_fds[i], &zero, m->init, BPF_ANY)))
				err = refuse_fill(l, opts, i, "writing its initial image", err);
			else
				narrate(opts->say, "map '%s': initial image of %s written (%u bytes)", m->name,
					obj_map_source(o, m), m->value_size);
		}
		if (!err && l->map_fds[i] >= 0 && m->origin == MAP_DATA && m->data == DATA_KCONFIG && l->kconfig_image) {
			uint32_t zero = 0;
			if ((err = sys_map_update(l->map_fds[i], &zero, l->kconfig_image, BPF_ANY)))
				err = refuse_fill(l, opts, i, "writing the __kconfig values", err);
			else
				narrate(opts->say, "map '%s': __kconfig values written (%u bytes)", m->name, m->value_size);
		}
		if (!err && l->map_fds[i] >= 0 && m->origin == MAP_DATA && (m->data == DATA_RODATA || m->data == DATA_KCONFIG)) {
			if ((err = sys_map_freeze(l->map_fds[i])))
				err = refuse_fill(l, opts, i, "BPF_MAP_FREEZE", err);
			else
				narrate(opts->say, "map '%s': frozen (BPF_MAP_FREEZE)", m->name);
		}
		for (uint32_t k = 0; !err && l->map_fds[i] >= 0 && k < m->ninit; k++) {
			const struct obj_init *in = &o->inits[m->first_init + k];
			if (in->is_prog)
				continue; /* prog arrays are filled once programs exist */
			int fd = l->map_fds[in->index];
			if (fd < 0) {
				err = load_refuse_map(l, opts, i, "slot %u holds map '%s', which was refused", in->slot,
						      o->maps[in->index].name);
				break;
			}
			char what[64];
			snprintf(what, sizeof(what), "slot %u = map '%.30s'", in->slot, o->maps[in->index].name);
			if ((err = sys_map_update(l->map_fds[i], &in->slot, &fd, BPF_ANY)))
				err = refuse_fill(l, opts, i, what, err);
			else
				narrate(opts->say, "map '%s': [%u] = map '%s' (fd %d)", m->name, in->slot,
					o->maps[in->index].name, fd);
		}
		if (err)
			return diag_set(d, err, "map '%s': out of memory", m->name);
	}
	return 0;
}

int load_pass_fill_prog_arrays(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	const struct obj *o = l->o;
	for (uint32_t i = 0; i < o->ninits; i++) {
		const struct obj_init *in = &o->inits[i];
		if (!in->is_prog || l->map_reused[in->map] || l->map_fds[in->map] < 0)
			continue;
		if (l->prog_fds[in->index] < 0) { /* refused or skipped: its slot stays empty */
			if (l->prog_refused[in->index].why)
				narrate(opts->say, "map '%s': [%u] left empty: prog '%s' was refused", o->maps[in->map].name,
					in->slot, o->progs[in->index].name);
			continue;
		}
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