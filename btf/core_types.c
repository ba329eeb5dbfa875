/* btf/core_types.c — the type comparisons CO-RE needs (see core_internal.h): names without their
 * flavour, field types a read may move between, types that stand for each other (type_exists,
 * type_size) and the stricter type_matches. Pure; every walk is bounded, BTF may hold cycles. */
#include "btf/core_internal.h"

#include <errno.h>
#include <string.h>

/* Follow typedefs and modifiers from id; the type reached (NULL for void, a cycle or a bad id) and
 * its id in *out. */
const struct btf_type *core_skip(const struct btf_spec *b, uint32_t id, uint32_t *out)
{
	int r = btf_skip_mods(b, id);
	if (r <= 0)
		return NULL;
	if (out)
		*out = (uint32_t)r;
	return btf_type(b, (uint32_t)r);
}

bool core_is_composite(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION;
}

bool core_is_any_enum(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_ENUM || btf_kind(t) == BTF_KIND_ENUM64;
}

/* ENUM and ENUM64 stand for each other: a kernel may have widened an enum. */
bool core_kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) || (core_is_any_enum(a) && core_is_any_enum(b));
}

size_t core_essential_len(const char *s)
{
	return btf_essential_len(s);
}

bool core_names_match(const char *local, const char *target)
{
	if (!target[0])
		return !local[0];
	size_t ln = core_essential_len(local), tn = core_essential_len(target);
	return ln == tn && strncmp(local, target, ln) == 0;
}

/* Field types a read may move between: composites, pointers, floats, same-named enums or forward
 * declarations, ordinary integers, arrays of such. */
bool core_fields_compat(const struct btf_spec *lb, uint32_t lid, const struct btf_spec *tb, uint32_t tid)
{
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		const struct btf_type *lt = core_skip(lb, lid, &lid), *tt = core_skip(tb, tid, &tid);
		if (!lt || !tt)
			return false;
		if (core_is_composite(lt) && core_is_composite(tt))
			return true;
		if (!core_kinds_compat(lt, tt))
			return false;
		switch (btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return true;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *ln = btf_type_name(lb, lt), *tn = btf_type_name(tb, tt);
			return !core_essential_len(ln) || !core_essential_len(tn) || core_names_match(ln, tn);
		}
		case BTF_KIND_INT:
			/* Only the old bit-offset encoding of integers is refused. */
			return BTF_INT_OFFSET(btf_int_bits(lt)) == 0 && BTF_INT_OFFSET(btf_int_bits(tt)) == 0;
		case BTF_KIND_ARRAY:
			lid = btf_array_info(lt)->type;
			tid = btf_array_info(tt)->type;
			continue;
		default:
			return false;
		}
	}
	return false;
}

/* The recursive comparisons below branch at every function parameter and struct member: each call
 * spends from the caller's budget (CORE_STEPS in core_internal.h), and a pair too complex to decide
 * within it is an error (-E2BIG), said by the caller. */

bool core_spend(uint32_t *steps, uint32_t n)
{
	if (*steps < n)
		return false;
	*steps -= n;
	return true;
}

/* Types that may stand for each other for type_exists/type_size/type_id_target. */
int core_types_compat(const struct btf_spec *lb, uint32_t lid, const struct btf_spec *tb, uint32_t tid, int level,
		      uint32_t *steps)
{
	const struct btf_type *lt = btf_type(lb, lid), *tt = btf_type(tb, tid);
	if (level <= 0)
		return -EINVAL;
	if (!core_spend(steps, 1))
		return -E2BIG;
	if (lid == 0 || tid == 0) /* void (a function's return type) matches only void */
		return lid == tid;
	if (!lt || !tt || !core_kinds_compat(lt, tt))
		return 0;
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		int l = btf_skip_mods(lb, lid), t = btf_skip_mods(tb, tid);
		if (l < 0 || t < 0)
			return -EINVAL;
		if (l == 0 || t == 0)
			return l == t;
		lid = (uint32_t)l;
		tid = (uint32_t)t;
		lt = btf_type(lb, lid);
		tt = btf_type(tb, tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!core_kinds_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
			return 1;
		case BTF_KIND_INT:
			return BTF_INT_OFFSET(btf_int_bits(lt)) == 0 && BTF_INT_OFFSET(btf_int_bits(tt)) == 0;
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array_info(lt)->type;
			tid = btf_array_info(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			if (btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btf_vlen(lt); i++) {
				int a = btf_skip_mods(lb, btf_params(lt)[i].type), b = btf_skip_mods(tb, btf_params(tt)[i].type);
				if (a < 0 || b < 0)
					return -EINVAL;
				int ok = core_types_compat(lb, (uint32_t)a, tb, (uint32_t)b, level - 1, steps);
				if (ok <= 0)
					return ok;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* Every local enumerator has a namesake in the target, and the sizes agree. 1, 0, or -E2BIG. */
static int enums_match(const struct btf_spec *lb, const struct btf_type *lt, const struct btf_spec *tb,
		       const struct btf_type *tt, uint32_t *steps)
{
	if (lt->size != tt->size || btf_vlen(lt) > btf_vlen(tt))
		return 0;
	if (!core_spend(steps, btf_vlen(lt) * btf_vlen(tt) / 16 + 1)) /* the name comparisons below */
		return -E2BIG;
	for (uint32_t i = 0; i < btf_vlen(lt); i++) {
		uint32_t ln = btf_kind(lt) == BTF_KIND_ENUM ? btf_enums(lt)[i].name_off : btf_enums64(lt)[i].name_off;
		bool found = false;
		for (uint32_t j = 0; j < btf_vlen(tt) && !found; j++) {
			uint32_t tn = btf_kind(tt) == BTF_KIND_ENUM ? btf_enums(tt)[j].name_off
								    : btf_enums64(tt)[j].name_off;
			found = core_names_match(btf_str(lb, ln), btf_str(tb, tn));
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* Every local member has a namesake in the target whose type matches. */
static int composites_match(const struct btf_spec *lb, const struct btf_type *lt, const struct btf_spec *tb,
			    const struct btf_type *tt, bool behind_ptr, int level, uint32_t *steps)
{
	if (btf_vlen(lt) > btf_vlen(tt))
		return 0;
	if (!core_spend(steps, btf_vlen(lt) * btf_vlen(tt) / 16 + 1)) /* the name comparisons below */
		return -E2BIG;
	for (uint32_t i = 0; i < btf_vlen(lt); i++) {
		const struct btf_member *lm = &btf_members(lt)[i];
		const struct btf_member *hit = NULL;
		for (uint32_t j = 0; j < btf_vlen(tt) && !hit; j++)
			if (core_names_match(btf_str(lb, lm->name_off), btf_str(tb, btf_members(tt)[j].name_off)))
				hit = &btf_members(tt)[j];
		if (!hit)
			return 0;
		int ok = core_types_match(lb, lm->type, tb, hit->type, behind_ptr, level - 1, steps);
		if (ok <= 0)
			return ok;
	}
	return 1;
}

/* type_matches: stricter than types_compat — names, sizes, signedness and members agree. */
int core_types_match(const struct btf_spec *lb, uint32_t lid, const struct btf_spec *tb, uint32_t tid,
		     bool behind_ptr, int level, uint32_t *steps)
{
	if (level <= 0)
		return -EINVAL;
	if (!core_spend(steps, 1))
		return -E2BIG;
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		const struct btf_type *lt = core_skip(lb, lid, &lid), *tt = core_skip(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!core_names_match(btf_type_name(lb, lt), btf_type_name(tb, tt)))
			return 0;
		uint32_t lk = btf_kind(lt), tk = btf_kind(tt);
		switch (lk) {
		case BTF_KIND_FWD: {
			bool lf = btf_kflag(lt); /* kflag: a union, else a struct */
			if (lk == tk)
				return lf == btf_kflag(tt);
			return behind_ptr && ((tk == BTF_KIND_STRUCT && !lf) || (tk == BTF_KIND_UNION && lf));
		}
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return core_is_any_enum(tt) ? enums_match(lb, lt, tb, tt, steps) : 0;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				return tk == BTF_KIND_FWD && (lk == BTF_KIND_UNION) == btf_kflag(tt);
			}
			return lk == tk ? composites_match(lb, lt, tb, tt, behind_ptr, level, steps) : 0;
		case BTF_KIND_INT:
			return lk == tk && lt->size == tt->size &&
			       (BTF_INT_ENCODING(btf_int_bits(lt)) & BTF_INT_SIGNED) ==
				       (BTF_INT_ENCODING(btf_int_bits(tt)) & BTF_INT_SIGNED);
		case BTF_KIND_FLOAT:
			return lk == tk && lt->size == tt->size;
		case BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = true;
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			if (lk != tk || btf_array_info(lt)->nelems != btf_array_info(tt)->nelems)
				return 0;
			lid = btf_array_info(lt)->type;
			tid = btf_array_info(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			if (lk != tk || btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btf_vlen(lt); i++) {
				int ok = core_types_match(lb, btf_params(lt)[i].type, tb, btf_params(tt)[i].type,
							  behind_ptr, level - 1, steps);
				if (ok <= 0)
					return ok;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

