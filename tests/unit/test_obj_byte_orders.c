/* tests/unit/test_obj_byte_orders.c — the bpfel and bpfeb builds of every test object and example
 * give the same model, field by field: code, functions, programs, maps and their images (integers
 * swapped to host order), initialisers, relocations, BTF and .BTF.ext. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "loader/obj/obj.h"
#include "obj_expect.h"

/* Data images differ between byte orders where they hold integers: compare them after swapping
 * every integer variable (found through its symbol and BTF VAR) to host order. */
static void normalised_image(const struct obj *o, const struct obj_map *m, uint8_t *out)
{
	memcpy(out, m->init, m->value_size);
	if (!o->elf.swap)
		return;
	for (uint32_t i = 0; i < o->elf.nsym; i++) {
		const struct elf_sym *s = &o->elf.sym[i];
		if (s->shndx != m->sec || s->type != ELF_STT_OBJECT)
			continue;
		uint32_t var = btf_find(&o->btf, BTF_KIND_VAR, s->name);
		const struct btf_type *v = var ? btf_type(&o->btf, var) : NULL;
		int id = v ? btf_skip_mods(&o->btf, v->type) : -1;
		const struct btf_type *t = id > 0 ? btf_type(&o->btf, (uint32_t)id) : NULL;
		if (!t || (btf_kind(t) != BTF_KIND_INT && btf_kind(t) != BTF_KIND_ENUM) || s->value + t->size > m->value_size)
			continue;
		for (uint32_t a = 0, b = t->size - 1; a < b; a++, b--) {
			uint8_t x = out[s->value + a];
			out[s->value + a] = out[s->value + b];
			out[s->value + b] = x;
		}
	}
}

/* Instructions allowed to differ between the byte orders: show-ip compares h_proto with
 * bpf_htons(ETH_P_IP), which clang folds differently per byte order (llvm-objdump: insns 7 and 9
 * load bytes 13/12 in swapped order, insn 11 compares with 8 vs 0x800). */
static bool may_differ(const char *what, const char *sec, uint32_t insn)
{
	return strstr(what, "show-ip") && !strcmp(sec, "xdp") && (insn == 7 || insn == 9 || insn == 11);
}

static void compare_models(const char *what, const struct obj *a, const struct obj *b)
{
	CHECK(strcmp(a->name, b->name) == 0, "%s: names %s / %s", what, a->name, b->name);
	CHECK((a->license == NULL) == (b->license == NULL) && (!a->license || !strcmp(a->license, b->license)),
	      "%s: license", what);
	CHECK(a->kern_version == b->kern_version, "%s: version", what);
	CHECK(a->has_btf == b->has_btf && a->has_ext == b->has_ext, "%s: BTF presence", what);

	CHECK(a->ncodes == b->ncodes, "%s: %u / %u code sections", what, a->ncodes, b->ncodes);
	for (uint32_t i = 0; i < a->ncodes && a->ncodes == b->ncodes; i++) {
		const struct obj_code *x = &a->codes[i], *y = &b->codes[i];
		CHECK(x->sec == y->sec && !strcmp(x->name, y->name) && x->count == y->count, "%s: code %u", what, i);
		for (uint32_t k = 0; k < x->count && x->count == y->count; k++) {
			const struct bpf_insn *p = &x->insns[k], *q = &y->insns[k];
			if ((p->code != q->code || p->dst_reg != q->dst_reg || p->src_reg != q->src_reg ||
			     p->off != q->off || p->imm != q->imm) &&
			    !may_differ(what, x->name, k)) {
				CHECK(0, "%s: %s+%u: %02x %u %u %d %d / %02x %u %u %d %d", what, x->name, k, p->code, p->dst_reg,
				      p->src_reg, p->off, p->imm, q->code, q->dst_reg, q->src_reg, q->off, q->imm);
				break;
			}
		}
	}
	CHECK(a->nfuncs == b->nfuncs, "%s: functions", what);
	for (uint32_t i = 0; i < a->nfuncs && a->nfuncs == b->nfuncs; i++) {
		const struct obj_func *x = &a->funcs[i], *y = &b->funcs[i];
		CHECK(!strcmp(x->name, y->name) && x->code == y->code && x->first == y->first && x->count == y->count &&
			      x->global == y->global && x->prog == y->prog,
		      "%s: function %u (%s)", what, i, x->name);
	}
	CHECK(a->nprogs == b->nprogs, "%s: programs", what);
	for (uint32_t i = 0; i < a->nprogs && a->nprogs == b->nprogs; i++) {
		const struct obj_prog *x = &a->progs[i], *y = &b->progs[i];
		CHECK(!strcmp(x->name, y->name) && x->func == y->func && !strcmp(x->sec_name, y->sec_name) &&
			      x->def == y->def && !strcmp(x->target, y->target),
		      "%s: program %u (%s)", what, i, x->name);
	}
	CHECK(a->nmaps == b->nmaps, "%s: %u / %u maps", what, a->nmaps, b->nmaps);
	for (uint32_t i = 0; i < a->nmaps && a->nmaps == b->nmaps; i++) {
		const struct obj_map *x = &a->maps[i], *y = &b->maps[i];
		CHECK(!strcmp(x->name, y->name) && x->origin == y->origin && x->data == y->data && x->type == y->type &&
			      x->key_size == y->key_size && x->value_size == y->value_size &&
			      x->max_entries == y->max_entries && x->flags == y->flags && x->numa_node == y->numa_node &&
			      x->pinning == y->pinning && x->map_extra == y->map_extra && x->btf_key == y->btf_key &&
			      x->btf_value == y->btf_value && x->inner == y->inner &&
			      x->legacy_inner_idx == y->legacy_inner_idx && x->sec == y->sec && x->sec_off == y->sec_off &&
			      x->first_init == y->first_init && x->ninit == y->ninit && x->values_off == y->values_off,
		      "%s: map %u (%s) differs", what, i, x->name);
		CHECK((x->init == NULL) == (y->init == NULL), "%s: map %s init presence", what, x->name);
		if (x->init && y->init && x->value_size == y->value_size) {
			uint8_t *p = malloc(x->value_size), *q = malloc(y->value_size);
			normalised_image(a, x, p);
			normalised_image(b, y, q);
			CHECK(memcmp(p, q, x->value_size) == 0, "%s: map %s init image differs", what, x->name);
			free(p);
			free(q);
		}
	}
	CHECK(a->ninits == b->ninits, "%s: inits", what);
	for (uint32_t i = 0; i < a->ninits && a->ninits == b->ninits; i++)
		CHECK(a->inits[i].map == b->inits[i].map && a->inits[i].slot == b->inits[i].slot &&
			      a->inits[i].is_prog == b->inits[i].is_prog && a->inits[i].index == b->inits[i].index,
		      "%s: init %u", what, i);
	CHECK(a->nrelocs == b->nrelocs, "%s: %u / %u relocations", what, a->nrelocs, b->nrelocs);
	for (uint32_t i = 0; i < a->nrelocs && a->nrelocs == b->nrelocs; i++) {
		const struct obj_reloc *x = &a->relocs[i], *y = &b->relocs[i];
		CHECK(x->code == y->code && x->insn == y->insn && x->kind == y->kind && !strcmp(x->sym, y->sym) &&
			      x->implicit == y->implicit &&
			      (x->kind != RELOC_MAP || x->map == y->map) &&
			      (x->kind != RELOC_DATA || (x->map == y->map && x->offset == y->offset)) &&
			      ((x->kind != RELOC_CALL && x->kind != RELOC_FUNC) || x->func == y->func),
		      "%s: relocation %u", what, i);
	}
	if (a->has_btf && b->has_btf) {
		CHECK(a->btf.nr_types == b->btf.nr_types && a->btf.strs_len == b->btf.strs_len &&
			      memcmp(a->btf.strs, b->btf.strs, a->btf.strs_len) == 0,
		      "%s: BTF types/strings", what);
		for (uint32_t id = 1; id <= a->btf.nr_types && a->btf.nr_types == b->btf.nr_types; id++) {
			const struct btf_type *x = btf_type(&a->btf, id), *y = btf_type(&b->btf, id);
			if (btf_record_size(x) != btf_record_size(y) || memcmp(x, y, btf_record_size(x))) {
				CHECK(0, "%s: BTF type %u differs", what, id);
				break;
			}
		}
	}
	if (a->has_ext && b->has_ext) {
		const struct btf_ext_info *xa[] = {&a->ext.func, &a->ext.line, &a->ext.core};
		const struct btf_ext_info *xb[] = {&b->ext.func, &b->ext.line, &b->ext.core};
		for (int k = 0; k < 3; k++) {
			CHECK(xa[k]->rec_size == xb[k]->rec_size && xa[k]->nsec == xb[k]->nsec, "%s: ext %d", what, k);
			for (uint32_t s = 0; s < xa[k]->nsec && xa[k]->nsec == xb[k]->nsec; s++)
				CHECK(!strcmp(xa[k]->sec[s].sec_name, xb[k]->sec[s].sec_name) &&
					      xa[k]->sec[s].count == xb[k]->sec[s].count &&
					      memcmp(xa[k]->sec[s].recs, xb[k]->sec[s].recs,
						     (size_t)xa[k]->sec[s].count * xa[k]->rec_size) == 0,
				      "%s: ext %d group %u", what, k, s);
		}
	}
}

TEST(obj_byte_orders_agree)
{
	static const char *const stems[] = {"bad_verifier", "btf_maps", "global_data", "legacy_iproute2",
					    "legacy_maps", "legacy_samples", "ringbuf_typed", "sections", "subprogs"};
	static const char *const examples[] = {"counter", "execsnoop", "show-ip"};
	for (uint32_t i = 0; i < N(stems) + N(examples); i++) {
		char pa[128], pb[128];
		if (i < N(stems)) {
			path_of(pa, sizeof(pa), stems[i], 0);
			path_of(pb, sizeof(pb), stems[i], 1);
		} else {
			ex_path(examples[i - N(stems)], 0, pa, sizeof(pa));
			ex_path(examples[i - N(stems)], 1, pb, sizeof(pb));
		}
		struct lobj a, b;
		int ea = lopen(&a, pa), eb = lopen(&b, pb);
		if (!ea && !eb) {
			CHECK(!a.o.elf.big_endian && b.o.elf.big_endian, "%s: byte orders", pa);
			compare_models(pa, &a.o, &b.o);
		}
		lclose(&a);
		lclose(&b);
	}
}
