/* loader/load/struct_ops.c — struct_ops maps in the load (see struct_ops.h). The object's struct is
 * its own idea of the kernel type: members are matched by name, as libbpf does, and their offsets
 * come from the kernel's BTF. A function pointer set to a program becomes a slot for its fd; any
 * other member is copied when both sides agree on its size; a member the kernel lacks is refused
 * unless the object leaves it zero (then it is skipped, and -v says so). */
#include "loader/load/struct_ops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/sys.h"
#include "loader/load/load_internal.h"

/* Index of the member called name in struct t of b, or -1. */
static int member_named(const struct btf_spec *b, const struct btf_type *t, const char *name)
{
	const struct btf_member *m = btf_members(t);
	for (uint32_t i = 0; i < btf_vlen(t); i++)
		if (strcmp(btf_str(b, m[i].name_off), name) == 0)
			return (int)i;
	return -1;
}

/* Is type id of b a pointer to a function prototype (through modifiers and typedefs)? */
static bool is_func_ptr(const struct btf_spec *b, uint32_t id)
{
	int t = btf_skip_mods(b, id);
	const struct btf_type *p = t > 0 ? btf_type(b, (uint32_t)t) : NULL;
	if (!p || btf_kind(p) != BTF_KIND_PTR)
		return false;
	int f = btf_skip_mods(b, p->type);
	const struct btf_type *ft = f > 0 ? btf_type(b, (uint32_t)f) : NULL;
	return ft && btf_kind(ft) == BTF_KIND_FUNC_PROTO;
}

static bool is_ptr(const struct btf_spec *b, uint32_t id)
{
	int t = btf_skip_mods(b, id);
	const struct btf_type *p = t > 0 ? btf_type(b, (uint32_t)t) : NULL;
	return p && btf_kind(p) == BTF_KIND_PTR;
}

static bool all_zero(const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The kernel's types for struct_ops k: <type>, bpf_struct_ops_<type> and its `data` member. */
static int kernel_types(const struct loaded *l, const struct obj_struct_ops *so, const char *var,
			struct load_struct_ops *ls, uint32_t *data_off, struct diag *d)
{
	char value_name[300];
	snprintf(value_name, sizeof(value_name), "bpf_struct_ops_%s", so->type_name);
	ls->type_id = btf_find(l->vmlinux, BTF_KIND_STRUCT, so->type_name);
	ls->value_type_id = btf_find(l->vmlinux, BTF_KIND_STRUCT, value_name);
	if (!ls->type_id || !ls->value_type_id)
		return diag_set(d, -ESRCH,
				"struct_ops '%s': this kernel has no struct_ops type %s (its BTF has no struct %s)",
				var, so->type_name, ls->type_id ? value_name : so->type_name);
	const struct btf_type *vt = btf_type(l->vmlinux, ls->value_type_id);
	const struct btf_type *kt = btf_type(l->vmlinux, ls->type_id);
	int dm = member_named(l->vmlinux, vt, "data");
	if (dm < 0 || btf_skip_mods(l->vmlinux, btf_members(vt)[dm].type) != (int)ls->type_id ||
	    btf_member_bit_offset(vt, &btf_members(vt)[dm]) % 8)
		return diag_set(d, -EINVAL, "struct_ops '%s': the kernel's %s has no member 'data' of type %s", var,
				value_name, so->type_name);
	*data_off = btf_member_bit_offset(vt, &btf_members(vt)[dm]) / 8;
	if (*data_off > vt->size || kt->size > vt->size - *data_off)
		return diag_set(d, -EINVAL, "struct_ops '%s': the kernel's %s does not hold its %s", var, value_name,
				so->type_name);
	ls->value_size = vt->size;
	return 0;
}

/* Member name of struct_ops k holds program p: the kernel's member j (ksize bytes at byte at of
 * the value) must be a function pointer, and p serve no other member; p's fd goes there when the
 * map is registered. */
static int place_prog(struct loaded *l, const struct load_opts *opts, uint32_t k, const char *name, uint32_t p,
		      int j, uint32_t ksize, uint32_t at, struct diag *d)
{
	const struct obj *o = l->o;
	const struct obj_struct_ops *so = &o->st_ops[k];
	const char *var = o->maps[so->map].name;
	struct load_struct_ops *ls = &l->st_ops[k];
	const struct btf_member *km = &btf_members(btf_type(l->vmlinux, ls->type_id))[j];
	if (!is_func_ptr(l->vmlinux, km->type) || ksize != sizeof(unsigned long))
		return diag_set(d, -EINVAL, "struct_ops '%s': member '%s' holds program '%s', and the kernel's %s.%s is not a function pointer",
				var, name, o->progs[p].name, so->type_name, name);
	struct load_st_prog *sp = &l->st_progs[p];
	if (sp->used && (sp->btf_id != ls->type_id || sp->member != (uint32_t)j))
		return diag_set(d, -EINVAL, "struct_ops '%s': program '%s' is %s.%s here and %s elsewhere: a program serves one member",
				var, o->progs[p].name, so->type_name, name, sp->member_name);
	if (!sp->used) /* (a refused map named earlier stays named) */
		*sp = (struct load_st_prog){.used = true, .refused_map = sp->refused_map, .btf_id = ls->type_id,
					    .member = (uint32_t)j, .st = k, .member_name = name};
	ls->slots[ls->nslots++] = (struct load_st_slot){.offset = at, .prog = p};
	narrate(opts->say, "struct_ops '%s':   .%s -> kernel member %d at %u: prog '%s'", var, name, j, at,
		o->progs[p].name);
	return 0;
}

/* Maps the object's members of struct_ops k onto the kernel's type. */
static int layout_one(struct loaded *l, const struct load_opts *opts, uint32_t k, struct diag *d)
{
	const struct obj *o = l->o;
	const struct obj_struct_ops *so = &o->st_ops[k];
	const char *var = o->maps[so->map].name;
	struct load_struct_ops *ls = &l->st_ops[k];
	uint32_t data_off = 0;
	int err = kernel_types(l, so, var, ls, &data_off, d);
	if (err)
		return err;
	const struct btf_type *t = btf_type(&o->btf, so->type_id), *kt = btf_type(l->vmlinux, ls->type_id);
	const struct btf_member *m = btf_members(t), *km = btf_members(kt);
	uint32_t vlen = btf_vlen(t), copied = 0, skipped = 0;
	narrate(opts->say, "struct_ops '%s': kernel type %s (BTF id %u), value bpf_struct_ops_%s (id %u, %u bytes, data at %u)",
		var, so->type_name, ls->type_id, so->type_name, ls->value_type_id, ls->value_size, data_off);

	ls->image = calloc(1, ls->value_size);
	ls->slots = calloc(so->nfuncs + 1, sizeof(*ls->slots));
	int *prog_at = malloc((vlen + 1) * sizeof(*prog_at)); /* member index -> program, or -1 */
	if (!ls->image || !ls->slots || !prog_at) {
		free(prog_at);
		return diag_set(d, -ENOMEM, "struct_ops '%s': out of memory", var);
	}
	for (uint32_t i = 0; i < vlen; i++)
		prog_at[i] = -1;
	for (uint32_t f = 0; f < so->nfuncs; f++) {
		const struct obj_st_func *fn = &o->st_funcs[so->first_func + f];
		if (fn->index < vlen)
			prog_at[fn->index] = (int)fn->prog;
	}

	for (uint32_t i = 0; i < vlen && !err; i++) {
		const char *name = btf_str(&o->btf, m[i].name_off);
		uint32_t bits = btf_member_bit_offset(t, &m[i]), msize = 0, ksize = 0;
		if (btf_member_bitfield_size(t, &m[i]) || bits % 8) {
			err = diag_set(d, -EOPNOTSUPP, "struct_ops '%s': member '%s' is a bit-field", var, name);
			break;
		}
		uint32_t moff = bits / 8;
		if (btf_size(&o->btf, m[i].type, &msize) || moff > so->size || msize > so->size - moff) {
			err = diag_set(d, -EINVAL, "struct_ops '%s': member '%s' has no size, or does not fit %s", var, name,
				       so->type_name);
			break;
		}
		const uint8_t *data = so->data + moff;
		int j = *name ? member_named(l->vmlinux, kt, name) : -1;
		if (j < 0) {
			if (prog_at[i] >= 0 || !all_zero(data, msize)) {
				err = diag_set(d, -EINVAL, "struct_ops '%s': member '%s' is set, and the kernel's %s has no such member",
					       var, name, so->type_name);
				break;
			}
			narrate(opts->say, "struct_ops '%s':   .%s: not in the kernel's %s, and zero here: skipped", var, name,
				so->type_name);
			skipped++;
			continue;
		}
		uint32_t kbits = btf_member_bit_offset(kt, &km[j]), kmoff = kbits / 8;
		if (btf_member_bitfield_size(kt, &km[j]) || kbits % 8 ||
		    btf_size(l->vmlinux, km[j].type, &ksize) || kmoff > kt->size || ksize > kt->size - kmoff) {
			err = diag_set(d, -EOPNOTSUPP, "struct_ops '%s': the kernel's %s.%s is a bit-field or has no size", var,
				       so->type_name, name);
			break;
		}
		uint32_t at = data_off + kmoff;
		if (is_ptr(&o->btf, m[i].type)) {
			if (prog_at[i] < 0) {
				if (!all_zero(data, msize))
					err = diag_set(d, -EINVAL, "struct_ops '%s': member '%s' holds a pointer that is not a program",
						       var, name);
				continue;
			}
			err = place_prog(l, opts, k, name, (uint32_t)prog_at[i], j, ksize, at, d);
			continue;
		}
		if (msize != ksize) {
			err = diag_set(d, -EINVAL, "struct_ops '%s': member '%s' is %u bytes here and %u in the kernel's %s", var,
				       name, msize, ksize, so->type_name);
			break;
		}
		memcpy(ls->image + at, data, msize);
		copied++;
		narrate(opts->say, "struct_ops '%s':   .%s: %u bytes copied to %u", var, name, msize, at);
	}
	free(prog_at);
	if (!err)
		narrate(opts->say, "struct_ops '%s': %u program%s, %u data member%s copied, %u skipped", var, ls->nslots,
			ls->nslots == 1 ? "" : "s", copied, copied == 1 ? "" : "s", skipped);
	return err;
}

/* Map k cannot be laid out: refuse it, undo what it said of its programs, and let those no other
 * map uses be refused with it (by name, in progs.c). */
static int refuse_one(struct loaded *l, const struct load_opts *opts, uint32_t k, const char *why)
{
	const struct obj *o = l->o;
	const struct obj_struct_ops *so = &o->st_ops[k];
	struct load_struct_ops *ls = &l->st_ops[k];
	for (uint32_t s = 0; s < ls->nslots; s++) {
		struct load_st_prog *sp = &l->st_progs[ls->slots[s].prog];
		if (sp->used && sp->st == k)
			*sp = (struct load_st_prog){.refused_map = sp->refused_map};
	}
	free(ls->image);
	free(ls->slots);
	*ls = (struct load_struct_ops){0};
	for (uint32_t f = 0; f < so->nfuncs; f++) {
		struct load_st_prog *sp = &l->st_progs[o->st_funcs[so->first_func + f].prog];
		if (!sp->used && !sp->refused_map)
			sp->refused_map = o->maps[so->map].name;
	}
	return load_refuse_map(l, opts, so->map, "%s", why);
}

int load_struct_ops_resolve(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	const struct obj *o = l->o;
	if (!o->nst_ops || l->st_ops)
		return 0;
	l->st_ops = calloc(o->nst_ops, sizeof(*l->st_ops));
	l->st_progs = calloc(o->nprogs + 1, sizeof(*l->st_progs));
	if (!l->st_ops || !l->st_progs)
		return diag_set(d, -ENOMEM, "struct_ops: out of memory");
	struct diag kd = {{0}};
	char why[sizeof(kd.msg) + 40] = "";
	int err = 0;
	if (l->btf_fd < 0)
		snprintf(why, sizeof(why), "a struct_ops map needs the object's BTF, which the kernel did not take");
	else if ((err = load_vmlinux_btf(l, opts, &kd)) == -ENOMEM)
		return diag_set(d, err, "%s", kd.msg);
	else if (err)
		snprintf(why, sizeof(why), "it needs the kernel's BTF: %s", kd.msg);
	for (uint32_t k = 0; k < o->nst_ops; k++) {
		const char *var = o->maps[o->st_ops[k].map].name;
		if (!why[0]) {
			kd.msg[0] = '\0';
			err = layout_one(l, opts, k, &kd);
			if (err == -ENOMEM)
				return diag_set(d, err, "%s", kd.msg);
		}
		if (why[0] || err)
			err = refuse_one(l, opts, k, why[0] ? why : load_unsubject(kd.msg, "struct_ops", var));
		if (err)
			return diag_set(d, err, "struct_ops '%s': out of memory", var);
	}
	return 0;
}

void load_struct_ops_map_def(const struct loaded *l, uint32_t i, struct sys_map_def *def)
{
	const struct obj *o = l->o;
	uint32_t lo = 0, hi = l->st_ops ? o->nst_ops : 0;
	while (lo < hi) { /* obj.st_ops is in map order */
		uint32_t k = lo + (hi - lo) / 2;
		if (o->st_ops[k].map < i) {
			lo = k + 1;
			continue;
		}
		if (o->st_ops[k].map > i) {
			hi = k;
			continue;
		}
		def->value_size = l->st_ops[k].value_size;
		def->btf_vmlinux_value_type_id = l->st_ops[k].value_type_id;
		def->btf_fd = l->btf_fd; /* the kernel wants the object's BTF, without key and value ids */
		def->btf_key_type_id = def->btf_value_type_id = 0;
		return;
	}
}

int load_struct_ops_prog(const struct loaded *l, uint32_t i, uint32_t *btf_id, uint32_t *member,
			 const char **refused_map)
{
	if (refused_map)
		*refused_map = l->st_progs ? l->st_progs[i].refused_map : NULL;
	if (!l->st_progs || !l->st_progs[i].used)
		return 1;
	*btf_id = l->st_progs[i].btf_id;
	*member = l->st_progs[i].member;
	return 0;
}

void load_struct_ops_free(struct loaded *l)
{
	for (uint32_t k = 0; l->st_ops && k < l->o->nst_ops; k++) {
		free(l->st_ops[k].image);
		free(l->st_ops[k].slots);
	}
	free(l->st_ops);
	free(l->st_progs);
	l->st_ops = NULL;
	l->st_progs = NULL;
}
