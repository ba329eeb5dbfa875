/* loader/attach/usdt.c — USDT probes (SEC("usdt/PATH:PROVIDER:NAME"), "usdt.s/..."). Each note of
 * the target's .note.stapsdt that names PROVIDER:NAME is a call site: a uprobe perf event at its file
 * offset (with the semaphore's file offset in the PMU's ref_ctr_offset bits: the kernel bumps the
 * counter in every process that maps the file while the probe is there, 4.20+), attached with a
 * perf link whose BPF cookie is the site's spec id (5.15+). The argument spec goes into the
 * object's `__bpf_usdt_specs` map under that id, where usdt.bpf.h's bpf_usdt_arg() finds it. A
 * kernel without perf links gets the ioctl, and usdt.bpf.h finds the spec id by the probe's address
 * in `__bpf_usdt_ip_to_spec_id` instead: possible for a fixed-address executable only.
 * Doesn't own: reading the notes (elf/usdt.c) or the argument strings (usdt_spec.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/sys.h"
#include "elf/usdt.h"
#include "loader/attach/attach.h"
#include "loader/attach/usdt_spec.h"

/* The machine this rawload runs on: the registers in a spec are this machine's pt_regs. */
#if defined(__x86_64__)
#define HOST_MACHINE ELF_EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE ELF_EM_AARCH64
#elif defined(__s390x__)
#define HOST_MACHINE ELF_EM_S390
#else
#define HOST_MACHINE 0
#endif

static const char specs_map[] = "__bpf_usdt_specs", ip_map[] = "__bpf_usdt_ip_to_spec_id";

struct site {
	struct elf_usdt_loc loc;
	const char *args;
	uint32_t spec;
};

/* The call sites of provider:name in t, in note order, into *out (malloc'ed). *total counts every
 * stapsdt note, for the message when none matches. */
static int collect_sites(const struct attach_binary *t, const char *provider, const char *name, struct site **out,
			 uint32_t *n, uint32_t *total, struct diag *d)
{
	struct elf_usdt_iter it;
	struct elf_usdt_note note;
	uint32_t cap = 0;
	int r = elf_usdt_iter_init(&t->f, &it, d);
	*out = NULL;
	*n = *total = 0;
	while (!r && (r = elf_usdt_next(&it, &note, d)) == 1) {
		r = 0;
		++*total;
		if (strcmp(note.provider, provider) != 0 || strcmp(note.name, name) != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct site *p = realloc(*out, cap * sizeof(*p));
			if (!p) {
				r = diag_set(d, -ENOMEM, "usdt: out of memory");
				break;
			}
			*out = p;
		}
		struct site *s = &(*out)[*n];
		memset(s, 0, sizeof(*s));
		s->args = note.args;
		r = elf_usdt_locate(&t->f, &note, &s->loc, d);
		++*n;
	}
	if (r < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return r;
	}
	return 0;
}

/* The object's two USDT maps, checked against usdt.bpf.h's definitions. */
static int find_maps(const struct obj *o, const struct loaded *l, int *specs, int *ips, struct diag *d)
{
	*specs = obj_find_map(o, specs_map);
	*ips = obj_find_map(o, ip_map);
	if (*specs < 0 || *ips < 0 || l->map_fds[*specs] < 0 || l->map_fds[*ips] < 0)
		return diag_set(d, -ENOENT, "the object has no maps %s and %s: include <bpf/usdt.bpf.h> and read arguments with bpf_usdt_arg() or BPF_USDT",
				specs_map, ip_map);
	const struct obj_map *s = &o->maps[*specs], *i = &o->maps[*ips];
	if (s->type != BPF_MAP_TYPE_ARRAY || s->key_size != 4 ||
	    (s->value_size != USDT_SPEC_SIZE_V1 && s->value_size != USDT_SPEC_SIZE_V2))
		return diag_set(d, -EINVAL, "map %s: not usdt.bpf.h's (an array of %d- or %d-byte specs by 4-byte key; it is a %s of %u bytes by %u)",
				specs_map, USDT_SPEC_SIZE_V1, USDT_SPEC_SIZE_V2, obj_map_type_name(s->type), s->value_size,
				s->key_size);
	if (i->key_size != 8 || i->value_size != 4)
		return diag_set(d, -EINVAL, "map %s: key of %u and value of %u bytes, usdt.bpf.h's has 8 and 4", ip_map,
				i->key_size, i->value_size);
	return 0;
}

/* Spec ids: one per distinct argument string (libbpf's sharing), numbered from *next_spec. The
 * specs are written before any probe is placed, so the first hit finds its spec. Each site is
 * compared with the distinct strings only: work is sites x specs, and specs fit the map. */
static int write_specs(const struct obj *o, const struct loaded *l, const struct attach_opts *opts, int specs,
		       uint16_t machine, struct site *sites, uint32_t n, uint32_t *next_spec, uint32_t *nspecs,
		       struct diag *d)
{
	const struct obj_map *m = &o->maps[specs];
	uint8_t value[USDT_SPEC_SIZE_V2];
	uint32_t *firsts = calloc(n, sizeof(*firsts)); /* the site that brought each distinct string */
	int err = firsts ? 0 : diag_set(d, -ENOMEM, "usdt: out of memory");
	*nspecs = 0;
	for (uint32_t i = 0; i < n && !err; i++) {
		uint32_t k = 0;
		while (k < *nspecs && strcmp(sites[firsts[k]].args, sites[i].args) != 0)
			k++;
		if (k < *nspecs) {
			sites[i].spec = sites[firsts[k]].spec;
			continue;
		}
		if (*next_spec >= m->max_entries) {
			err = diag_set(d, -E2BIG, "map %s has room for %u specs, and this probe needs more (define BPF_USDT_MAX_SPEC_CNT higher)",
				       specs_map, m->max_entries);
			break;
		}
		struct usdt_spec spec;
		err = usdt_spec_parse(sites[i].args, machine, &spec, d);
		if (!err)
			err = usdt_spec_encode(&spec, m->value_size, value, d);
		if (err) {
			diag_wrap(d, err, "call site %u (at %#llx, arguments '%.60s'): ", i + 1,
				  (unsigned long long)sites[i].loc.addr, sites[i].args);
			break;
		}
		uint32_t id = (*next_spec)++;
		err = sys_map_update(l->map_fds[specs], &id, value, BPF_ANY);
		if (err) {
			diag_set(d, err, "map %s: spec %u: %s", specs_map, id, sys_errno_name(err));
			break;
		}
		sites[i].spec = id;
		firsts[(*nspecs)++] = i;
		narrate(opts->say, "usdt: spec %u = '%s' (%u argument%s)", id, sites[i].args, spec.nargs,
			spec.nargs == 1 ? "" : "s");
		for (uint32_t a = 0; a < spec.nargs; a++) {
			char text[96];
			usdt_arg_str(&spec.args[a], text, sizeof(text));
			narrate(opts->say, "usdt:   argument %u: %s", a + 1, text);
		}
	}
	free(firsts);
	return err;
}

void detach_usdt(const struct obj *o, struct attachment *a, const struct narrator *say)
{
	uint32_t unmapped = 0;
	for (uint32_t i = a->nusdt; i-- > 0;) {
		struct attach_usdt_site *s = &a->usdt[i];
		if (s->link_fd >= 0)
			close(s->link_fd);
		if (s->perf_fd >= 0)
			close(s->perf_fd);
		if (s->ip_mapped && a->usdt_ip_map >= 0 && sys_map_delete(a->usdt_ip_map, &s->ip) == 0)
			unmapped++;
	}
	if (a->nusdt)
		narrate(say, "usdt: '%s': closed %u uprobe%s%s%s", o->progs[a->prog].name, a->nusdt, a->nusdt == 1 ? "" : "s",
			unmapped ? ", their addresses taken out of " : "", unmapped ? ip_map : "");
	free(a->usdt);
	a->usdt = NULL;
	a->nusdt = 0;
}

/* Places a uprobe on every site: a perf link with the spec id as BPF cookie, or (no perf links:
 * before 5.15, and then no cookies either) the ioctl with the site's address in the ip map. */
static int place_probes(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			struct attachment *a, const char *path, bool fixed_addresses, int ips, const struct site *sites,
			uint32_t n, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	const int prog_fd = l->prog_fds[a->prog];
	int shift = 0, width = 0, err;
	char rb[24];

	int type = perf_pmu_type("uprobe", d);
	if (type < 0)
		return type;
	for (uint32_t i = 0; i < n && !width; i++)
		if (sites[i].loc.sema_offset) {
			err = perf_pmu_config_field("uprobe", "ref_ctr_offset", &shift, &width, d);
			if (err)
				return diag_wrap(d, err, "a semaphore needs the uprobe PMU's ref_ctr_offset (kernel 4.20): ");
		}
	a->usdt = calloc(n, sizeof(*a->usdt));
	if (!a->usdt)
		return diag_set(d, -ENOMEM, "usdt: out of memory");
	bool cookies = true;
	for (uint32_t i = 0; i < n; i++) {
		const struct site *s = &sites[i];
		struct attach_usdt_site *u = &a->usdt[a->nusdt];
		uint64_t config = 0;
		if (s->loc.sema_offset) {
			if (width < 64 && s->loc.sema_offset >> width)
				return diag_set(d, -E2BIG, "semaphore at file offset %#llx does not fit the PMU's %d-bit ref_ctr_offset",
						(unsigned long long)s->loc.sema_offset, width);
			config = s->loc.sema_offset << shift;
		}
		int pfd = perf_probe_open((uint32_t)type, config, path, s->loc.offset);
		narrate(opts->say, "usdt: site %u: perf_event_open uprobe PMU %d, %s offset %#llx%s -> %s", i + 1, type, path,
			(unsigned long long)s->loc.offset, s->loc.sema_offset ? ", semaphore (ref_ctr_offset)" : "",
			narrate_result(pfd, rb));
		if (pfd < 0)
			return diag_set(d, pfd, "perf_event_open uprobe %s offset %#llx%s: %s", path,
					(unsigned long long)s->loc.offset,
					s->loc.sema_offset ? " with a semaphore" : "", sys_errno_name(pfd));
		*u = (struct attach_usdt_site){.perf_fd = pfd, .link_fd = -1, .ip = s->loc.addr};
		a->nusdt++;
		if (cookies) {
			int fd = sys_link_create_perf(prog_fd, pfd, s->spec);
			narrate(opts->say, "usdt: site %u: BPF_LINK_CREATE BPF_PERF_EVENT prog '%s' bpf_cookie %u -> %s", i + 1,
				p->name, s->spec, narrate_result(fd, rb));
			if (fd >= 0) {
				u->link_fd = fd;
				continue;
			}
			if (i > 0)
				return diag_set(d, fd, "perf link for call site %u: %s", i + 1, sys_errno_name(fd));
			/* The first site says what this kernel has: no perf links (before 5.15) means
			 * no BPF cookies either; usdt.bpf.h then looks the spec id up by address. */
			if (!fixed_addresses)
				return diag_set(d, -EOPNOTSUPP,
						"no perf links with BPF cookies here (%s; kernel < 5.15), and %s is position-independent: the spec of a call site would have to be found by its run-time address, which differs in every process",
						sys_errno_name(fd), path);
			cookies = false;
			a->usdt_ip_map = l->map_fds[ips];
		}
		err = sys_map_update(a->usdt_ip_map, &u->ip, &s->spec, BPF_NOEXIST);
		narrate(opts->say, "usdt: site %u: %s[%#llx] = spec %u -> %s", i + 1, ip_map, (unsigned long long)u->ip, s->spec,
			err ? sys_errno_name(err) : "ok");
		if (err)
			return diag_set(d, err, "map %s: address %#llx: %s%s", ip_map, (unsigned long long)u->ip,
					sys_errno_name(err), err == -EEXIST ? " (another attachment probes this address)" : "");
		u->ip_mapped = true;
		err = perf_attach_ioctl(pfd, prog_fd);
		narrate(opts->say, "usdt: site %u: PERF_EVENT_IOC_SET_BPF + ENABLE -> %s", i + 1, err ? sys_errno_name(err) : "ok");
		if (err)
			return diag_set(d, err, "attaching call site %u with the perf ioctl: %s", i + 1, sys_errno_name(err));
	}
	a->how = cookies ? "perf links" : "perf ioctl";
	return 0;
}

int attach_usdt(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		struct attachment *a, uint32_t *next_spec, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	char rel[PATH_MAX], path[PATH_MAX], provider[256], name[256];
	struct usdt_target ut;
	struct attach_binary t;
	struct site *sites = NULL;
	uint32_t n = 0, total = 0, nspecs = 0, semas = 0;
	int specs, ips;

	a->usdt_ip_map = -1;
	int err = usdt_target_parse(p->target, &ut, d);
	if (err)
		return diag_wrap(d, err, "prog '%s': ", p->name);
	if (ut.path_len >= sizeof(rel) || ut.provider_len >= sizeof(provider) || ut.name_len >= sizeof(name))
		return diag_set(d, -ENAMETOOLONG, "prog '%s': usdt target '%s' is too long", p->name, p->target);
	snprintf(rel, sizeof(rel), "%.*s", (int)ut.path_len, ut.path);
	snprintf(provider, sizeof(provider), "%.*s", (int)ut.provider_len, ut.provider);
	snprintf(name, sizeof(name), "%.*s", (int)ut.name_len, ut.name);
	if ((err = find_maps(o, l, &specs, &ips, d)))
		return diag_wrap(d, err, "prog '%s': ", p->name);
	if ((err = attach_binary_path(rel, path, d)))
		return diag_wrap(d, err, "prog '%s': ", p->name);
	narrate(opts->say, "usdt: '%s' is %s", rel, path);
	if ((err = attach_binary_open(path, "usdt", &t, d)))
		return diag_wrap(d, err, "prog '%s': ", p->name);
	if (t.f.machine != HOST_MACHINE) {
		err = diag_set(d, -EINVAL, "prog '%s': usdt: %s is for machine %u, not this one (%u)", p->name, path,
			       t.f.machine, HOST_MACHINE);
		goto out;
	}
	err = collect_sites(&t, provider, name, &sites, &n, &total, d);
	if (err) {
		diag_wrap(d, err, "prog '%s': usdt: %s: ", p->name, path);
		goto out;
	}
	if (!n) {
		err = diag_set(d, -ENOENT, "prog '%s': usdt: %s has no probe %s:%s (%u USDT note%s)", p->name, path, provider,
			       name, total, total == 1 ? "" : "s");
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		semas += sites[i].loc.sema_offset != 0;
		narrate(opts->say, "usdt: %s:%s site %u at %#llx (program header %u) -> file offset %#llx", provider, name,
			i + 1, (unsigned long long)sites[i].loc.addr, sites[i].loc.segment,
			(unsigned long long)sites[i].loc.offset);
		if (sites[i].loc.sema_offset)
			narrate(opts->say, "usdt:   semaphore at %#llx, file offset %#llx",
				(unsigned long long)sites[i].loc.sema_addr, (unsigned long long)sites[i].loc.sema_offset);
	}
	err = write_specs(o, l, opts, specs, t.f.machine, sites, n, next_spec, &nspecs, d);
	if (!err)
		err = place_probes(o, l, opts, a, path, t.f.type == ELF_ET_EXEC, ips, sites, n, d);
	if (err) {
		diag_wrap(d, err, "prog '%s': usdt %s:%s in %s: ", p->name, provider, name, path);
		detach_usdt(o, a, opts->say);
		goto out;
	}
	narrate(opts->say, "usdt: '%s': %u call site%s, %u spec%s, %u semaphore%s, via %s", p->name, n, n == 1 ? "" : "s",
		nspecs, nspecs == 1 ? "" : "s", semas, semas == 1 ? "" : "s",
		a->usdt_ip_map < 0 ? "perf links with the spec id as BPF cookie" : "the perf ioctl, spec ids by address");
	snprintf(a->note, sizeof(a->note), "usdt %.96s:%.24s:%.24s, %u call site%s%s via %s", path, provider, name, n,
		 n == 1 ? "" : "s", semas ? ", semaphore" : "", a->how);
out:
	free(sites);
	attach_binary_close(&t);
	return err;
}
