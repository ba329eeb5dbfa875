/* loader/show/inspect.c — printing the object model. Text for people, JSON for scripts; both carry
 * the same facts. Linking is run (pure) so each program's size after linking and the subprograms
 * it pulls in are shown as the loader will submit them. */
#include "loader/show/inspect.h"

#include <linux/bpf.h>
#include <string.h>

#include "loader/show/json.h"
#include "loader/narrate.h"
#include "loader/load/reloc.h"

static const char *origin_name(enum obj_map_origin o)
{
	switch (o) {
	case MAP_BTF: return "btf";
	case MAP_LEGACY: return "legacy";
	case MAP_DATA: return "data";
	case MAP_INNER: return "inner";
	case MAP_STRUCT_OPS: return "st_ops";
	}
	return "?";
}

static const char *pinning_name(const struct obj_map *m)
{
	if (m->pinning == PIN_NONE)
		return "none";
	if (m->origin == MAP_LEGACY && m->pinning == PIN_IPROUTE2_GLOBAL_NS)
		return "global_ns";
	if (m->origin == MAP_LEGACY && m->pinning == PIN_IPROUTE2_OBJECT_NS)
		return "object_ns";
	return "by_name";
}

static void flags_str(uint32_t flags, char *buf, size_t n)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{BPF_F_NO_PREALLOC, "no_prealloc"}, {BPF_F_NO_COMMON_LRU, "no_common_lru"},
		{BPF_F_NUMA_NODE, "numa_node"}, {BPF_F_RDONLY, "rdonly"}, {BPF_F_WRONLY, "wronly"},
		{BPF_F_STACK_BUILD_ID, "stack_build_id"}, {BPF_F_ZERO_SEED, "zero_seed"},
		{BPF_F_RDONLY_PROG, "rdonly_prog"}, {BPF_F_WRONLY_PROG, "wronly_prog"},
		{BPF_F_CLONE, "clone"}, {BPF_F_MMAPABLE, "mmapable"}, {BPF_F_PRESERVE_ELEMS, "preserve_elems"},
		{BPF_F_INNER_MAP, "inner_map"}, {OBJ_MAP_F_LINK, "link"},
	};
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		int k = snprintf(buf + used, n - used, "%s%s", used ? "|" : "", names[i].name);
		if (k < 0 || (size_t)k >= n - used)
			return;
		used += (size_t)k;
		flags &= ~names[i].bit;
	}
	if (flags)
		snprintf(buf + used, n - used, "%s%#x", used ? "|" : "", flags);
}

/* The struct or union behind a type id, when there is one. */
static const struct btf_type *composite(const struct obj *o, uint32_t id)
{
	if (!o->has_btf || !id)
		return NULL;
	int r = btf_skip_mods(&o->btf, id);
	const struct btf_type *t = r > 0 ? btf_type(&o->btf, (uint32_t)r) : NULL;
	return t && (btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION) ? t : NULL;
}

static void type_name(const struct obj *o, uint32_t id, char *buf, size_t n)
{
	if (!o->has_btf || !id)
		snprintf(buf, n, "-");
	else
		btf_type_str(&o->btf, id, buf, n);
}

/* Fields listed per map at most: maps may share one value type of thousands of members, and
 * listing all for each would be quadratic in the object's size. */
enum { FIELDS_SHOWN = 256 };

static void text_fields(const struct obj *o, uint32_t id, FILE *out)
{
	const struct btf_type *t = composite(o, id);
	if (!t)
		return;
	fputs(" {", out);
	const struct btf_member *m = btf_members(t);
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		if (i == FIELDS_SHOWN) {
			fprintf(out, " ... %u more;", btf_vlen(t) - i);
			break;
		}
		char tn[96];
		btf_type_str(&o->btf, m[i].type, tn, sizeof(tn));
		fprintf(out, " %s %s;", tn, btf_str(&o->btf, m[i].name_off));
	}
	fputs(" }", out);
}

static void json_fields(const struct obj *o, uint32_t id, FILE *out)
{
	const struct btf_type *t = composite(o, id);
	if (!t)
		return;
	fputs(",\"value_fields\":[", out);
	const struct btf_member *m = btf_members(t);
	for (uint32_t i = 0; i < btf_vlen(t) && i < FIELDS_SHOWN; i++) {
		char tn[96];
		uint32_t size = 0;
		btf_type_str(&o->btf, m[i].type, tn, sizeof(tn));
		btf_size(&o->btf, m[i].type, &size);
		fprintf(out, "%s{\"name\":", i ? "," : "");
		json_str(out, btf_str(&o->btf, m[i].name_off));
		fputs(",\"type\":", out);
		json_str(out, tn);
		fprintf(out, ",\"offset\":%u,\"size\":%u}", btf_member_bit_offset(t, &m[i]) / 8, size);
	}
	fputc(']', out);
	if (btf_vlen(t) > FIELDS_SHOWN)
		fprintf(out, ",\"value_fields_not_shown\":%u", btf_vlen(t) - FIELDS_SHOWN);
}

/* Records in .BTF.ext: func_info, line_info, core_relo, over all sections. */
static void ext_counts(const struct obj *o, uint32_t n[3])
{
	const struct btf_ext_info *infos[3] = {&o->ext.func, &o->ext.line, &o->ext.core};
	for (int k = 0; k < 3; k++) {
		n[k] = 0;
		for (uint32_t s = 0; s < infos[k]->nsec; s++)
			n[k] += infos[k]->sec[s].count;
	}
}

/* One program: its section and how it was understood, its size linked, why it will not load. */
static void text_prog(const struct obj *o, uint32_t i, FILE *out)
{
	const struct obj_prog *p = &o->progs[i];
	const struct obj_func *f = &o->funcs[p->func];
	struct linked_prog lp;
	struct diag d = {{0}};
	fprintf(out, "  %-20s section %-24s ", p->name, p->sec_name);
	if (p->forced)
		fprintf(out, "as --type %s: ", p->forced);
	else if (p->legacy)
		fprintf(out, "as legacy prefix '%s' (%s): ", p->legacy->prefix,
			secdef_legacy_from_name(p->legacy->from));
	if (p->def)
		fprintf(out, "type %s, attach %s%s%s", secdef_prog_type_name(p->def->prog_type),
			secdef_attach_kind_name(p->def->attach), *p->target ? " " : "", p->target);
	else
		fputs("type unknown (section name not recognised; --type TYPE[:ATTACH] sets one)", out);
	fprintf(out, ", %u insns", f->count);
	if (reloc_link(o, i, &lp, &d) == 0) {
		if (lp.nfuncs > 1) {
			fprintf(out, " (%u linked, with", lp.count);
			for (uint32_t k = 1; k < lp.nfuncs; k++)
				fprintf(out, " %s", o->funcs[lp.funcs[k]].name);
			fputc(')', out);
		}
		if (lp.ncore)
			fprintf(out, ", %u CO-RE relocation%s", lp.ncore, lp.ncore == 1 ? "" : "s");
		reloc_free(&lp);
	}
	fputc('\n', out);
	char why[sizeof(d.msg)];
	if (reloc_prog_problem(o, i, why, sizeof(why)))
		fprintf(out, "    will not load: %s\n", why);
}

/* One map: its definition, its static initialisers, its struct_ops members. *st walks o->st_ops,
 * which is in map order. */
static void text_map(const struct obj *o, uint32_t i, uint32_t *st, FILE *out)
{
	const struct obj_map *m = &o->maps[i];
	char kt[96], vt[96], fl[128];
	type_name(o, m->btf_key, kt, sizeof(kt));
	type_name(o, m->btf_value, vt, sizeof(vt));
	flags_str(m->flags, fl, sizeof(fl));
	fprintf(out, "  %-20s %-6s %-14s key %u (%s) value %u (%s", m->name, origin_name(m->origin),
		obj_map_type_name(m->type), m->key_size, kt, m->value_size, vt);
	text_fields(o, m->btf_value, out);
	fprintf(out, ") max_entries %u", m->max_entries);
	if (m->flags)
		fprintf(out, " flags %s", fl);
	if (m->numa_node)
		fprintf(out, " numa_node %u", m->numa_node);
	if (m->map_extra)
		fprintf(out, " map_extra %llu", (unsigned long long)m->map_extra);
	if (m->pinning)
		fprintf(out, " pinning %s", pinning_name(m));
	if (m->inner >= 0)
		fprintf(out, " inner %s", o->maps[m->inner].name);
	if (m->origin == MAP_DATA)
		fprintf(out, " from %s%s", obj_map_source(o, m),
			m->data == DATA_RODATA || m->data == DATA_KCONFIG ? " (frozen after load)" : "");
	fputc('\n', out);
	for (uint32_t k = 0; k < m->ninit; k++) {
		const struct obj_init *in = &o->inits[m->first_init + k];
		fprintf(out, "    [%u] = %s %s\n", in->slot, in->is_prog ? "prog" : "map",
			in->is_prog ? o->progs[in->index].name : o->maps[in->index].name);
	}
	if (*st < o->nst_ops && o->st_ops[*st].map == i) {
		const struct obj_struct_ops *so = &o->st_ops[(*st)++];
		fprintf(out, "    struct %s from %s, registered through %s\n", so->type_name, obj_map_source(o, m),
			so->link ? "a struct_ops link" : "a map update");
		for (uint32_t k = 0; k < so->nfuncs; k++) {
			const struct obj_st_func *fn = &o->st_funcs[so->first_func + k];
			fprintf(out, "    .%s = prog %s\n", fn->member, o->progs[fn->prog].name);
		}
	}
}

static void text_reloc(const struct obj *o, const struct obj_reloc *r, FILE *out)
{
		fprintf(out, "  %s+%-5u %-8s ", o->codes[r->code].name, r->insn, obj_reloc_kind_name(r->kind));
	switch (r->kind) {
	case RELOC_MAP: fprintf(out, "%s\n", o->maps[r->map].name); break;
	case RELOC_DATA: fprintf(out, "%s+%u (%s)\n", o->maps[r->map].name, r->offset, r->sym); break;
	case RELOC_CALL: case RELOC_FUNC:
		fprintf(out, "%s (%s+%u)%s\n", r->sym, o->codes[o->funcs[r->func].code].name,
			o->funcs[r->func].first, r->implicit ? ", pc-relative" : "");
		break;
	case RELOC_EXTERN: fprintf(out, "%s\n", r->sym); break;
	case RELOC_BAD: fprintf(out, "%s\n", r->why); break;
	}
}

static void json_prog(const struct obj *o, uint32_t i, FILE *out)
{
	const struct obj_prog *p = &o->progs[i];
	struct linked_prog lp;
	struct diag d = {{0}};
	fputs("{\"name\":", out);
	json_str(out, p->name);
	fputs(",\"section\":", out);
	json_str(out, p->sec_name);
	fputs(",\"type\":", out);
	json_str(out, p->def ? secdef_prog_type_name(p->def->prog_type) : "unknown");
	fputs(",\"attach\":", out);
	json_str(out, p->def ? secdef_attach_kind_name(p->def->attach) : "unknown");
	fputs(",\"expected_attach_type\":", out);
	json_str(out, p->def && p->def->attach_type ? secdef_attach_type_name(p->def->attach_type) : "");
	fputs(",\"target\":", out);
	json_str(out, p->target);
	/* How the section was understood: a current libbpf name, an old prefix, --type, or not. */
	fprintf(out, ",\"understood\":\"%s\"", p->forced ? "type_option" : p->legacy ? "legacy_prefix"
						  : p->def ? "libbpf" : "unknown");
	if (p->def) {
		fputs(",\"as_section\":", out);
		json_str(out, p->forced ? p->forced : p->def->sec);
	}
	if (p->legacy) {
		fputs(",\"legacy_prefix\":", out);
		json_str(out, p->legacy->prefix);
		fputs(",\"legacy_from\":", out);
		json_str(out, secdef_legacy_from_name(p->legacy->from));
	}
	fprintf(out, ",\"insns\":%u", o->funcs[p->func].count);
	if (reloc_link(o, i, &lp, &d) == 0) {
		fprintf(out, ",\"linked_insns\":%u,\"subprograms\":[", lp.count);
		for (uint32_t k = 1; k < lp.nfuncs; k++) {
			fputs(k > 1 ? "," : "", out);
			json_str(out, o->funcs[lp.funcs[k]].name);
		}
		fprintf(out, "],\"func_info\":%u,\"line_info\":%u,\"core_relo\":%u", lp.nfunc_info,
			lp.nline_info, lp.ncore);
		reloc_free(&lp);
	}
	/* What in the object stops this program from loading (null: nothing). */
	char why[sizeof(d.msg)];
	fputs(",\"problem\":", out);
	json_str(out, reloc_prog_problem(o, i, why, sizeof(why)) ? why : NULL);
	fputc('}', out);
}

static void json_map(const struct obj *o, uint32_t i, FILE *out)
{
	const struct obj_map *m = &o->maps[i];
	char kt[96], vt[96], fl[128];
	type_name(o, m->btf_key, kt, sizeof(kt));
	type_name(o, m->btf_value, vt, sizeof(vt));
	flags_str(m->flags, fl, sizeof(fl));
	fputs("{\"name\":", out);
	json_str(out, m->name);
	fprintf(out, ",\"origin\":\"%s\",\"type\":\"%s\",\"key_size\":%u,\"key_type\":", origin_name(m->origin),
		obj_map_type_name(m->type), m->key_size);
	json_str(out, kt);
	fprintf(out, ",\"value_size\":%u,\"value_type\":", m->value_size);
	json_str(out, vt);
	json_fields(o, m->btf_value, out);
	fprintf(out, ",\"max_entries\":%u,\"flags\":%u,\"flag_names\":", m->max_entries, m->flags);
	json_str(out, fl);
	fprintf(out, ",\"numa_node\":%u,\"map_extra\":%llu,\"pinning\":\"%s\"", m->numa_node,
		(unsigned long long)m->map_extra, pinning_name(m));
	if (m->inner >= 0) {
		fputs(",\"inner\":", out);
		json_str(out, o->maps[m->inner].name);
	}
	if (m->origin == MAP_DATA) {
		fputs(",\"section\":", out);
		json_str(out, obj_map_source(o, m));
		fprintf(out, ",\"frozen\":%s", m->data == DATA_RODATA || m->data == DATA_KCONFIG ? "true" : "false");
	}
	fputs(",\"init\":[", out);
	for (uint32_t k = 0; k < m->ninit; k++) {
		const struct obj_init *in = &o->inits[m->first_init + k];
		fprintf(out, "%s{\"slot\":%u,\"%s\":", k ? "," : "", in->slot, in->is_prog ? "prog" : "map");
		json_str(out, in->is_prog ? o->progs[in->index].name : o->maps[in->index].name);
		fputc('}', out);
	}
	fputs("]}", out);
}

static void json_reloc(const struct obj *o, const struct obj_reloc *r, FILE *out)
{
		fputs("{\"section\":", out);
	json_str(out, o->codes[r->code].name);
	fprintf(out, ",\"insn\":%u,\"kind\":\"%s\",\"symbol\":", r->insn, obj_reloc_kind_name(r->kind));
	json_str(out, r->sym);
	if (r->kind == RELOC_MAP || r->kind == RELOC_DATA) {
		fputs(",\"map\":", out);
		json_str(out, o->maps[r->map].name);
		if (r->kind == RELOC_DATA)
			fprintf(out, ",\"offset\":%u", r->offset);
	} else if (r->kind == RELOC_BAD) {
		fputs(",\"problem\":", out);
		json_str(out, r->why);
	} else if (r->kind == RELOC_CALL || r->kind == RELOC_FUNC) {
		const struct obj_func *f = &o->funcs[r->func];
		fputs(",\"target_section\":", out);
		json_str(out, o->codes[f->code].name);
		fprintf(out, ",\"target_insn\":%u,\"implicit\":%s", f->first, r->implicit ? "true" : "false");
	}
	fputc('}', out);
}

static void print_text(const struct obj *o, const char *path, FILE *out)
{
	fprintf(out, "object %s (%s): %s, license %s, kernel version %u\n", o->name, path,
		o->elf.big_endian ? "big-endian (bpfeb)" : "little-endian (bpfel)",
		o->license ? o->license : "(none)", o->kern_version);

	if (o->unsupported)
		fprintf(out, "unsupported: section %s (its maps are not supported yet; the object will not load)\n",
			o->unsupported);
	fprintf(out, "programs (%u):\n", o->nprogs);
	for (uint32_t i = 0; i < o->nprogs; i++)
		text_prog(o, i, out);

	fprintf(out, "maps (%u):\n", o->nmaps);
	uint32_t st = 0;
	for (uint32_t i = 0; i < o->nmaps; i++)
		text_map(o, i, &st, out);

	fprintf(out, "relocations (%u):\n", o->nrelocs);
	for (uint32_t i = 0; i < o->nrelocs; i++)
		text_reloc(o, &o->relocs[i], out);

	if (o->has_btf)
		fprintf(out, "btf: %u types, %u bytes of strings", o->btf.nr_types, o->btf.strs_len);
	else
		fputs("btf: none", out);
	if (o->has_ext) {
		uint32_t n[3];
		ext_counts(o, n);
		fprintf(out, "; .BTF.ext: %u func_info, %u line_info, %u core_relo", n[0], n[1], n[2]);
	}
	fputc('\n', out);
}

static void print_json(const struct obj *o, const char *path, FILE *out)
{
	fputs("{\"object\":", out);
	json_str(out, o->name);
	fputs(",\"path\":", out);
	json_str(out, path);
	fprintf(out, ",\"byte_order\":\"%s\",\"license\":", o->elf.big_endian ? "big" : "little");
	json_str(out, o->license);
	fprintf(out, ",\"kern_version\":%u,\"unsupported\":", o->kern_version);
	json_str(out, o->unsupported);
	fputs(",\"programs\":[", out);
	for (uint32_t i = 0; i < o->nprogs; i++) {
		fputs(i ? "," : "", out);
		json_prog(o, i, out);
	}
	fputs("],\"maps\":[", out);
	for (uint32_t i = 0; i < o->nmaps; i++) {
		fputs(i ? "," : "", out);
		json_map(o, i, out);
	}
	fputs("],\"relocations\":[", out);
	for (uint32_t i = 0; i < o->nrelocs; i++) {
		fputs(i ? "," : "", out);
		json_reloc(o, &o->relocs[i], out);
	}
	fputs("],\"btf\":", out);
	if (o->has_btf) {
		fprintf(out, "{\"types\":%u,\"strings\":%u", o->btf.nr_types, o->btf.strs_len);
		if (o->has_ext) {
			uint32_t n[3];
			ext_counts(o, n);
			fprintf(out, ",\"func_info\":%u,\"line_info\":%u,\"core_relo\":%u", n[0], n[1], n[2]);
		}
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	fputs("}\n", out);
}

void inspect_print(const struct obj *o, const char *path, FILE *out, bool json)
{
	if (json)
		print_json(o, path, out);
	else
		print_text(o, path, out);
}

void inspect_narrate(const struct obj *o, const struct narrator *say)
{
	uint32_t kinds[RELOC_BAD + 1] = {0};
	narrate(say, "elf: %s, %u sections, %u symbols; btf: %s", o->elf.big_endian ? "big-endian" : "little-endian",
		o->elf.nsec, o->elf.nsym, o->has_btf ? "yes" : "none");
	for (uint32_t i = 0; i < o->ncodes; i++)
		narrate(say, "section '%s': %u instructions", o->codes[i].name, o->codes[i].count);
	for (uint32_t i = 0; i < o->nprogs; i++) {
		const struct obj_prog *p = &o->progs[i];
		char how[160] = "";
		if (p->forced)
			snprintf(how, sizeof(how), " (as --type %s)", p->forced);
		else if (p->legacy)
			snprintf(how, sizeof(how), " (legacy prefix '%s' of %s)", p->legacy->prefix,
				 secdef_legacy_from_name(p->legacy->from));
		narrate(say, "program '%s' in '%s': %s%s", p->name, p->sec_name,
			p->def ? secdef_prog_type_name(p->def->prog_type) : "unknown section name", how);
	}
	for (uint32_t i = 0; i < o->nmaps; i++) {
		const struct obj_map *m = &o->maps[i];
		narrate(say, "map '%s' (%s, from %s): %s key %u value %u max_entries %u", m->name,
			m->origin == MAP_BTF ? "BTF-defined" : m->origin == MAP_LEGACY ? "legacy" : m->origin == MAP_DATA ? "global data" : m->origin == MAP_STRUCT_OPS ? "struct_ops" : "inner template",
			m->origin == MAP_INNER ? "its outer map" : obj_map_source(o, m), obj_map_type_name(m->type),
			m->key_size, m->value_size, m->max_entries);
	}
	for (uint32_t i = 0; i < o->nrelocs; i++)
		kinds[o->relocs[i].kind]++;
	narrate(say, "relocations: %u map, %u data, %u call, %u callback, %u extern, %u unresolvable", kinds[RELOC_MAP],
		kinds[RELOC_DATA], kinds[RELOC_CALL], kinds[RELOC_FUNC], kinds[RELOC_EXTERN], kinds[RELOC_BAD]);
}
