/* loader/attach/struct_ops.c — registering struct_ops maps: the value laid out at load
 * (loader/load/struct_ops.c) gets each program's fd in its function-pointer slot, and one
 * BPF_MAP_UPDATE_ELEM at key 0 registers it with the kernel (tcp_register_congestion_control, for a
 * tcp_congestion_ops). A `.struct_ops.link` map (BPF_F_LINK, kernel 6.4) is registered by
 * BPF_LINK_CREATE with attach type BPF_STRUCT_OPS instead, and unregistered when the link closes,
 * also when rawload dies; a plain one is unregistered by deleting key 0, and stays registered if
 * rawload is killed with SIGKILL (the kernel holds the map while it is registered). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "loader/attach/attach.h"
#include "loader/load/struct_ops.h"

enum { AT_STRUCT_OPS = 44 }; /* BPF_STRUCT_OPS, kernel 6.4: newer than the 6.1 UAPI headers */

/* Why the kernel may refuse a value, for the one-line message. */
static const char *hint(int err)
{
	switch (err) {
	case -EEXIST: return " (one of that name is registered already)";
	case -EINVAL: return " (the kernel refused the value: a member it requires is missing, or one it checks is wrong)";
	case -EBUSY: return " (the map is registered already)";
	default: return "";
	}
}

static int register_one(const struct obj *o, const struct loaded *l, const struct attach_opts *opts, uint32_t k,
			struct attach_st_ops *r, struct diag *d)
{
	const struct obj_struct_ops *so = &o->st_ops[k];
	const struct load_struct_ops *ls = &l->st_ops[k];
	const char *var = o->maps[so->map].name;
	int map_fd = l->map_fds[so->map];
	char rb[24];

	*r = (struct attach_st_ops){.st = k, .link_fd = -1};
	uint8_t *value = malloc(ls->value_size);
	if (!value)
		return diag_set(d, -ENOMEM, "struct_ops '%s': out of memory", var);
	memcpy(value, ls->image, ls->value_size);
	for (uint32_t s = 0; s < ls->nslots; s++) {
		int fd = l->prog_fds[ls->slots[s].prog];
		if (fd < 0) {
			free(value);
			return diag_set(d, -ENOENT, "struct_ops '%s': program '%s' is not loaded", var,
					o->progs[ls->slots[s].prog].name);
		}
		unsigned long v = (unsigned long)fd; /* the kernel reads the fd as an unsigned long */
		memcpy(value + ls->slots[s].offset, &v, sizeof(v));
	}
	uint32_t key = 0;
	int err = sys_map_update(map_fd, &key, value, BPF_ANY);
	free(value);
	narrate(opts->say, "struct_ops '%s': BPF_MAP_UPDATE_ELEM key 0, %u program fds in place -> %s", var, ls->nslots,
		err ? sys_errno_name(err) : "ok");
	if (err)
		return diag_set(d, err, "struct_ops '%s': registering its %s: BPF_MAP_UPDATE_ELEM: %s%s", var, so->type_name,
				sys_errno_name(err), hint(err));
	if (!so->link) {
		r->registered = true;
		snprintf(r->note, sizeof(r->note), "registered as %.60s through a map update", so->type_name);
		return 0;
	}
	int fd = sys_link_create(map_fd, 0, AT_STRUCT_OPS, 0);
	narrate(opts->say, "struct_ops '%s': BPF_LINK_CREATE BPF_STRUCT_OPS map fd %d -> %s", var, map_fd,
		narrate_result(fd, rb));
	if (fd < 0)
		return diag_set(d, fd, "struct_ops '%s': registering its %s: BPF_LINK_CREATE: %s%s", var, so->type_name,
				sys_errno_name(fd), hint(fd));
	r->link_fd = fd;
	r->registered = true;
	snprintf(r->note, sizeof(r->note), "registered as %.60s through a struct_ops link", so->type_name);
	return 0;
}

int attach_struct_ops(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
		      struct attach_set *set, struct diag *d)
{
	if (!o->nst_ops || !l->st_ops)
		return 0;
	set->st = calloc(o->nst_ops, sizeof(*set->st));
	if (!set->st)
		return diag_set(d, -ENOMEM, "struct_ops: out of memory");
	for (uint32_t k = 0; k < o->nst_ops; k++) {
		if (l->map_fds[o->st_ops[k].map] < 0)
			continue;
		int err = register_one(o, l, opts, k, &set->st[set->nst], d);
		if (err)
			return err;
		set->nst++;
	}
	return 0;
}

void detach_struct_ops(const struct obj *o, const struct loaded *l, struct attach_set *set,
		       const struct narrator *say)
{
	for (uint32_t i = set->nst; i-- > 0;) {
		struct attach_st_ops *r = &set->st[i];
		const char *var = o->maps[o->st_ops[r->st].map].name;
		if (r->link_fd >= 0) {
			close(r->link_fd); /* the last reference: the kernel unregisters it */
			narrate(say, "struct_ops '%s': link closed (unregistered)", var);
		} else if (r->registered) {
			uint32_t key = 0;
			int err = sys_map_delete(l->map_fds[o->st_ops[r->st].map], &key);
			narrate(say, "struct_ops '%s': BPF_MAP_DELETE_ELEM key 0 (unregister) -> %s", var,
				err ? sys_errno_name(err) : "ok");
		}
		r->link_fd = -1;
		r->registered = false;
	}
	free(set->st);
	set->st = NULL;
	set->nst = 0;
}

void attach_struct_ops_prog(const struct obj *o, const struct loaded *l, struct attachment *a)
{
	const struct load_st_prog *sp = l->st_progs ? &l->st_progs[a->prog] : NULL;
	if (!sp || !sp->used) {
		attach_not(a, ATT_SKIPPED, "not attached: no struct_ops map uses it");
		return;
	}
	const struct obj_struct_ops *so = &o->st_ops[sp->st];
	a->state = ATT_ATTACHED;
	a->how = "struct_ops map";
	snprintf(a->note, sizeof(a->note), "%.60s.%.40s of struct_ops '%.60s'", so->type_name, sp->member_name,
		 o->maps[so->map].name);
}
