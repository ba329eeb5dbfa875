/* tests/unit/obj_expect.c — opens test objects and checks their models against tables of
 * expectations (see obj_expect.h). Owns the checks' messages, not the facts: the tests hold those. */
#include "obj_expect.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "slurp.h"

int lopen(struct lobj *l, const char *rel)
{
	memset(l, 0, sizeof(*l));
	l->rel = rel;
	l->err = -ENOENT;
	l->buf = slurp(rel, &l->size);
	if (!l->buf) {
		CHECK(0, "cannot read %s (run make examples test-progs)", rel);
		return l->err;
	}
	l->err = obj_parse(&l->o, test_path(rel), l->buf, l->size, &l->d);
	CHECK(l->err == 0, "%s: obj_parse %d: %s", rel, l->err, l->d.msg);
	if (l->err) {
		free(l->buf);
		l->buf = NULL;
	}
	return l->err;
}

void lclose(struct lobj *l)
{
	if (!l->err)
		obj_close(&l->o);
	free(l->buf);
}

const char *type_name(const struct obj *o, uint32_t id)
{
	if (!o->has_btf || id == 0)
		return "(none)";
	const struct btf_type *t = btf_type(&o->btf, id);
	return t ? btf_type_name(&o->btf, t) : "(bad id)";
}

uint32_t type_kind(const struct obj *o, uint32_t id)
{
	const struct btf_type *t = o->has_btf ? btf_type(&o->btf, id) : NULL;
	return t ? btf_kind(t) : 0xffff;
}

/* ---- expectations ----------------------------------------------------------------------------- */

void check_progs(const struct lobj *l, const struct prog_exp *e, uint32_t n)
{
	const struct obj *o = &l->o;
	CHECK(o->nprogs == n, "%s: %u programs, expected %u", l->rel, o->nprogs, n);
	for (uint32_t i = 0; i < n; i++) {
		int p = obj_find_prog(o, e[i].name);
		CHECK(p >= 0, "%s: program %s missing", l->rel, e[i].name);
		if (p < 0)
			continue;
		const struct obj_prog *pr = &o->progs[p];
		const struct obj_func *fn = &o->funcs[pr->func];
		CHECK(strcmp(pr->sec_name, e[i].sec) == 0, "%s: %s in section '%s', expected '%s'", l->rel, e[i].name,
		      pr->sec_name, e[i].sec);
		CHECK(strcmp(o->codes[fn->code].name, e[i].sec) == 0, "%s: %s code section '%s'", l->rel, e[i].name,
		      o->codes[fn->code].name);
		CHECK(fn->first == e[i].first && fn->count == e[i].count, "%s: %s at %u+%u, expected %u+%u", l->rel,
		      e[i].name, fn->first, fn->count, e[i].first, e[i].count);
		CHECK(fn->prog == p && fn->global && strcmp(fn->name, e[i].name) == 0, "%s: %s func entry", l->rel,
		      e[i].name);
		if (e[i].prog_type == (uint32_t)-1) {
			CHECK(pr->def == NULL, "%s: %s: expected no section definition, got '%s'", l->rel, e[i].name,
			      pr->def ? pr->def->sec : "");
		} else {
			CHECK(pr->def != NULL, "%s: %s: no section definition", l->rel, e[i].name);
			if (pr->def) {
				CHECK(pr->def->prog_type == e[i].prog_type, "%s: %s prog type %u, expected %u", l->rel,
				      e[i].name, pr->def->prog_type, e[i].prog_type);
				CHECK(pr->def->attach == e[i].attach, "%s: %s attach kind %u, expected %u", l->rel,
				      e[i].name, pr->def->attach, e[i].attach);
			}
		}
		CHECK(pr->target && strcmp(pr->target, e[i].target) == 0, "%s: %s target '%s', expected '%s'", l->rel,
		      e[i].name, pr->target ? pr->target : "(null)", e[i].target);
	}
}

void check_map(const struct lobj *l, const struct map_exp *e)
{
	const struct obj *o = &l->o;
	int i = obj_find_map(o, e->name);
	CHECK(i >= 0, "%s: map %s missing", l->rel, e->name);
	if (i < 0)
		return;
	const struct obj_map *m = &o->maps[i];
	CHECK(m->origin == e->origin, "%s: %s origin %u, expected %u", l->rel, e->name, m->origin, e->origin);
	CHECK(m->type == e->type, "%s: %s type %u, expected %u", l->rel, e->name, m->type, e->type);
	CHECK(m->key_size == e->key_size && m->value_size == e->value_size, "%s: %s key/value %u/%u, expected %u/%u",
	      l->rel, e->name, m->key_size, m->value_size, e->key_size, e->value_size);
	CHECK(m->max_entries == e->max_entries, "%s: %s max_entries %u, expected %u", l->rel, e->name,
	      m->max_entries, e->max_entries);
	CHECK(m->flags == e->flags, "%s: %s flags %#x, expected %#x", l->rel, e->name, m->flags, e->flags);
	CHECK(m->pinning == e->pinning, "%s: %s pinning %u, expected %u", l->rel, e->name, m->pinning, e->pinning);
	CHECK(m->map_extra == e->map_extra, "%s: %s map_extra %llu", l->rel, e->name,
	      (unsigned long long)m->map_extra);
	CHECK(m->numa_node == 0, "%s: %s numa_node %u", l->rel, e->name, m->numa_node);
	if (e->key_type)
		CHECK(m->btf_key && strcmp(type_name(o, m->btf_key), e->key_type) == 0, "%s: %s key type '%s', expected '%s'",
		      l->rel, e->name, type_name(o, m->btf_key), e->key_type);
	else
		CHECK(m->btf_key == 0, "%s: %s has key type %u", l->rel, e->name, m->btf_key);
	if (e->value_type)
		CHECK(m->btf_value && strcmp(type_name(o, m->btf_value), e->value_type) == 0,
		      "%s: %s value type '%s', expected '%s'", l->rel, e->name, type_name(o, m->btf_value), e->value_type);
	else
		CHECK(m->btf_value == 0, "%s: %s has value type %u", l->rel, e->name, m->btf_value);
	if (e->origin == MAP_BTF || e->origin == MAP_LEGACY)
		CHECK(m->sec_off == e->sec_off, "%s: %s at offset %#llx, expected %#llx", l->rel, e->name,
		      (unsigned long long)m->sec_off, (unsigned long long)e->sec_off);
	if (e->origin != MAP_DATA)
		CHECK(m->init == NULL, "%s: %s has an init image", l->rel, e->name);
}

void check_relocs(const struct lobj *l, const struct reloc_exp *e, uint32_t n)
{
	const struct obj *o = &l->o;
	CHECK(o->nrelocs == n, "%s: %u relocations, expected %u", l->rel, o->nrelocs, n);
	for (uint32_t i = 1; i < o->nrelocs; i++)
		CHECK(o->relocs[i - 1].code < o->relocs[i].code ||
			      (o->relocs[i - 1].code == o->relocs[i].code && o->relocs[i - 1].insn < o->relocs[i].insn),
		      "%s: relocations not sorted at %u", l->rel, i);
	for (uint32_t i = 0; i < n; i++) {
		int code = -1;
		for (uint32_t c = 0; c < o->ncodes; c++)
			if (strcmp(o->codes[c].name, e[i].code) == 0)
				code = (int)c;
		CHECK(code >= 0, "%s: code section %s missing", l->rel, e[i].code);
		if (code < 0)
			continue;
		const struct obj_reloc *r = obj_reloc_at(o, (uint32_t)code, e[i].insn);
		CHECK(r != NULL, "%s: no relocation at %s+%u", l->rel, e[i].code, e[i].insn);
		if (!r)
			continue;
		CHECK(r->kind == e[i].kind, "%s: %s+%u kind %s, expected %s", l->rel, e[i].code, e[i].insn,
		      obj_reloc_kind_name(r->kind), obj_reloc_kind_name(e[i].kind));
		CHECK(r->sym && strcmp(r->sym, e[i].sym) == 0, "%s: %s+%u symbol '%s', expected '%s'", l->rel, e[i].code,
		      e[i].insn, r->sym ? r->sym : "(null)", e[i].sym);
		CHECK(r->implicit == e[i].implicit, "%s: %s+%u implicit %d", l->rel, e[i].code, e[i].insn, r->implicit);
		if (e[i].kind == RELOC_MAP || e[i].kind == RELOC_DATA) {
			CHECK(r->map < o->nmaps && strcmp(o->maps[r->map].name, e[i].target) == 0,
			      "%s: %s+%u map '%s', expected '%s'", l->rel, e[i].code, e[i].insn,
			      r->map < o->nmaps ? o->maps[r->map].name : "(bad)", e[i].target);
			if (e[i].kind == RELOC_DATA)
				CHECK(r->offset == e[i].offset, "%s: %s+%u offset %u, expected %u", l->rel, e[i].code,
				      e[i].insn, r->offset, e[i].offset);
			const struct bpf_insn *in = &o->codes[code].insns[e[i].insn];
			CHECK(insn_is_ld_imm64(in), "%s: %s+%u is not an ld_imm64", l->rel, e[i].code, e[i].insn);
		} else if (e[i].kind == RELOC_CALL || e[i].kind == RELOC_FUNC) {
			CHECK(r->func < o->nfuncs && strcmp(o->funcs[r->func].name, e[i].target) == 0,
			      "%s: %s+%u function '%s', expected '%s'", l->rel, e[i].code, e[i].insn,
			      r->func < o->nfuncs ? o->funcs[r->func].name : "(bad)", e[i].target);
		}
	}
}

void check_common(const struct lobj *l, const char *name, const char *license, uint32_t ncodes)
{
	const struct obj *o = &l->o;
	CHECK(strcmp(o->name, name) == 0, "%s: object name '%s', expected '%s'", l->rel, o->name, name);
	CHECK(o->license && strcmp(o->license, license) == 0, "%s: license '%s'", l->rel,
	      o->license ? o->license : "(null)");
	CHECK(o->kern_version == 0, "%s: kernel version %u", l->rel, o->kern_version);
	CHECK(o->has_btf && o->has_ext, "%s: BTF %d ext %d", l->rel, o->has_btf, o->has_ext);
	CHECK(o->ncodes == ncodes, "%s: %u code sections, expected %u", l->rel, o->ncodes, ncodes);
	CHECK(o->elf.big_endian == (strstr(l->rel, "bpfeb") != NULL), "%s: byte order", l->rel);
}

void check_no_maps(const struct lobj *l)
{
	CHECK(l->o.nmaps == 0 && l->o.ninits == 0, "%s: %u maps, %u inits", l->rel, l->o.nmaps, l->o.ninits);
}

/* ---- the test objects ------------------------------------------------------------------------- */

static const char *const el_eb[] = {"bpfel", "bpfeb"};

void path_of(char *buf, size_t n, const char *stem, int order)
{
	snprintf(buf, n, "build/progs/%s.%s.o", stem, el_eb[order]);
}

const char *ex_path(const char *stem, int k, char *buf, size_t n)
{
	if (k == 0)
		snprintf(buf, n, "examples/%s.o", stem);
	else
		snprintf(buf, n, "build/progs/%s.bpfeb.o", stem);
	return buf;
}
