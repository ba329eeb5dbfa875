/* loader/obj/obj.c — obj_parse: from ELF bytes to the object model (see obj.h). This file finds the
 * code sections, functions and programs, the license and version, and runs the map and
 * relocation parts in order. Pure: no syscalls, no printing. */
#include "loader/obj/obj.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/endian.h"
#include "loader/load/btf_fixup.h"
#include "loader/obj/obj_internal.h"

const char *obj_map_source(const struct obj *o, const struct obj_map *m)
{
	if (m->data == DATA_KCONFIG)
		return ".kconfig";
	return m->sec < o->elf.nsec ? o->elf.sec[m->sec].name : "";
}

const struct obj_reloc *obj_reloc_at(const struct obj *o, uint32_t code, uint32_t insn)
{
	return obj_reloc_search(o->relocs, o->nrelocs, code, insn);
}

const struct obj_reloc *obj_reloc_search(const struct obj_reloc *relocs, uint32_t n, uint32_t code,
					 uint32_t insn)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct obj_reloc *r = &relocs[mid];
		if (r->code < code || (r->code == code && r->insn < insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && relocs[lo].code == code && relocs[lo].insn == insn)
		return &relocs[lo];
	return NULL;
}

/* Object name as libbpf derives it: the file's basename up to its first dot. */
static void set_name(struct obj *o, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	if (n >= sizeof(o->name))
		n = sizeof(o->name) - 1;
	memcpy(o->name, base, n);
	o->name[n] = '\0';
}

static int parse_btf(struct obj *o, struct diag *d)
{
	const struct elf_section *s = elf_find_section(&o->elf, ".BTF");
	if (!s || !s->data)
		return 0;
	if (s->size > UINT32_MAX)
		return diag_set(d, -EINVAL, "btf: section too large");
	int err = btf_parse(&o->btf, s->data, (uint32_t)s->size, o->elf.swap, d);
	if (err)
		return err;
	o->has_btf = true;
	/* The model keeps the BTF as a loader must hand it over: DATASEC sizes and variable offsets
	 * taken from the ELF sections and symbols. Type ids and strings do not change. */
	err = btf_fixup_build(o, 0, &o->btf_blob, &o->btf_blob_size, d);
	btf_close(&o->btf);
	if (!err)
		err = btf_parse(&o->btf, o->btf_blob, o->btf_blob_size, false, d);
	if (err) {
		o->has_btf = false;
		return err;
	}

	err = obj_index_btf(o, d);
	if (err)
		return err;

	s = elf_find_section(&o->elf, ".BTF.ext");
	if (!s || !s->data)
		return 0;
	if (s->size > UINT32_MAX)
		return diag_set(d, -EINVAL, "btf.ext: section too large");
	err = btf_ext_parse(&o->ext, s->data, (uint32_t)s->size, o->elf.swap, &o->btf, d);
	if (err)
		return err;
	o->has_ext = true;
	return 0;
}

static int parse_license_version(struct obj *o, struct diag *d)
{
	const struct elf_section *s = elf_find_section(&o->elf, "license");
	if (s && s->data) {
		if (!memchr(s->data, '\0', s->size))
			return diag_set(d, -EINVAL, "elf: section license: not a NUL-terminated string");
		o->license = (const char *)s->data;
	}
	s = elf_find_section(&o->elf, "version");
	if (s && s->data) {
		if (s->size != 4)
			return diag_set(d, -EINVAL, "elf: section version: %llu bytes, expected 4",
					(unsigned long long)s->size);
		o->kern_version = rd32(s->data, o->elf.swap);
	}
	return 0;
}

/* Sections whose contents define kernel objects rawload does not create yet: named in the model
 * (inspect shows them) and refused at load, never silently ignored. */
static void find_unsupported(struct obj *o)
{
	static const char *const names[] = {".addr_space.1"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !o->unsupported; i++)
		if (elf_find_section(&o->elf, names[i]))
			o->unsupported = names[i];
}

static bool is_code_section(const struct elf_section *s)
{
	return s->type == ELF_SHT_PROGBITS && (s->flags & ELF_SHF_EXECINSTR) && s->size > 0;
}

static int parse_code(struct obj *o, struct diag *d)
{
	const struct elf_file *f = &o->elf;
	uint32_t n = 0;

	for (uint32_t i = 1; i < f->nsec; i++)
		n += is_code_section(&f->sec[i]);
	o->codes = calloc(n ? n : 1, sizeof(*o->codes));
	if (!o->codes)
		return diag_set(d, -ENOMEM, "obj: out of memory");

	for (uint32_t i = 1; i < f->nsec; i++) {
		const struct elf_section *s = &f->sec[i];
		if (!is_code_section(s))
			continue;
		if (s->size % sizeof(struct bpf_insn))
			return diag_set(d, -EINVAL, "elf: section %u (%s): size %llu is not a whole number of instructions",
					i, s->name, (unsigned long long)s->size);
		if (s->size / sizeof(struct bpf_insn) > UINT32_MAX / 2)
			return diag_set(d, -EINVAL, "elf: section %u (%s): too large", i, s->name);
		struct obj_code *c = &o->codes[o->ncodes++];
		c->sec = i;
		c->name = s->name;
		c->count = (uint32_t)(s->size / sizeof(struct bpf_insn));
		if (!f->swap && ((uintptr_t)s->data % 4) == 0) {
			c->insns = (const struct bpf_insn *)s->data;
			continue;
		}
		/* Another byte order (or misaligned): one host-order copy. In bpfeb objects the
		 * register byte is dst<<4 | src, in bpfel src<<4 | dst; the bit-fields of struct
		 * bpf_insn place them the host's way. */
		struct bpf_insn *copy = malloc(s->size);
		if (!copy)
			return diag_set(d, -ENOMEM, "obj: out of memory copying section %s", s->name);
		for (uint32_t k = 0; k < c->count; k++) {
			const uint8_t *p = s->data + (size_t)k * 8;
			copy[k].code = p[0];
			copy[k].dst_reg = f->big_endian ? p[1] >> 4 : p[1] & 0xf;
			copy[k].src_reg = f->big_endian ? p[1] & 0xf : p[1] >> 4;
			copy[k].off = (int16_t)rd16(p + 2, f->swap);
			copy[k].imm = (int32_t)rd32(p + 4, f->swap);
		}
		c->insns = copy;
		c->owned = true;
	}
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	const struct obj_func *x = a, *y = b;
	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Functions, sorted by place, must not overlap; and a 16-byte ld_imm64 must lie whole inside its
 * function: linking copies functions, and patching writes both halves. */
static int check_funcs(const struct obj *o, struct diag *d)
{
	for (uint32_t i = 1; i < o->nfuncs; i++) {
		const struct obj_func *a = &o->funcs[i - 1], *b = &o->funcs[i];
		if (a->code == b->code && a->first + a->count > b->first)
			return diag_set(d, -EINVAL, "elf: functions %s and %s overlap in section %s", a->name,
					b->name, o->codes[a->code].name);
	}
	for (uint32_t i = 0; i < o->nfuncs; i++) {
		const struct obj_func *f = &o->funcs[i];
		const struct bpf_insn *insns = o->codes[f->code].insns;
		for (uint32_t k = f->first; k < f->first + f->count; k++) {
			if (!insn_is_ld_imm64(&insns[k]))
				continue;
			if (k + 1 >= f->first + f->count)
				return diag_set(d, -EINVAL, "%s+%u: function %s ends inside an ld_imm64",
						o->codes[f->code].name, k, f->name);
			k++;
		}
	}
	return 0;
}

/* Functions from STT_FUNC symbols; a code section without any becomes one function named after
 * the section (objects written before BPF had function symbols). */
static int parse_funcs(struct obj *o, struct diag *d)
{
	const struct elf_file *f = &o->elf;
	uint32_t n = o->ncodes;

	for (uint32_t i = 0; i < f->nsym; i++)
		n += f->sym[i].type == ELF_STT_FUNC;
	o->funcs = calloc(n ? n : 1, sizeof(*o->funcs));
	if (!o->funcs)
		return diag_set(d, -ENOMEM, "obj: out of memory");

	for (uint32_t i = 0; i < f->nsym; i++) {
		const struct elf_sym *s = &f->sym[i];
		if (s->type != ELF_STT_FUNC || s->shndx == ELF_SHN_UNDEF || s->shndx >= ELF_SHN_LORESERVE)
			continue;
		int code = obj_code_of_section(o, s->shndx);
		if (code < 0)
			return diag_set(d, -EINVAL, "elf: function %s: section %u is not a code section", s->name,
					s->shndx);
		const struct obj_code *c = &o->codes[code];
		if (s->value % 8 || s->size % 8 || s->size == 0 || s->value / 8 > c->count ||
		    s->size / 8 > c->count - s->value / 8)
			return diag_set(d, -EINVAL, "elf: function %s: offset %llu size %llu does not fit section %s (%u instructions)",
					s->name, (unsigned long long)s->value, (unsigned long long)s->size,
					c->name, c->count);
		struct obj_func *fn = &o->funcs[o->nfuncs++];
		fn->name = s->name;
		fn->code = (uint32_t)code;
		fn->first = (uint32_t)(s->value / 8);
		fn->count = (uint32_t)(s->size / 8);
		fn->global = s->bind == ELF_STB_GLOBAL || s->bind == ELF_STB_WEAK;
		fn->prog = -1;
	}
	/* Sections without a function symbol: marked in one pass, not searched per section. */
	bool *has = calloc(o->ncodes ? o->ncodes : 1, sizeof(*has));
	if (!has)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	for (uint32_t i = 0; i < o->nfuncs; i++)
		has[o->funcs[i].code] = true;
	for (uint32_t c = 0; c < o->ncodes; c++) {
		if (has[c])
			continue;
		struct obj_func *fn = &o->funcs[o->nfuncs++];
		fn->name = o->codes[c].name;
		fn->code = c;
		fn->first = 0;
		fn->count = o->codes[c].count;
		fn->global = true;
		fn->prog = -1;
	}
	free(has);
	qsort(o->funcs, o->nfuncs, sizeof(*o->funcs), cmp_func);
	return check_funcs(o, d);
}

/* Programs: the global functions outside .text. Static functions in a program section and
 * everything in .text are subprograms, appended to the programs that call them. */
static int parse_progs(struct obj *o, struct diag *d)
{
	o->progs = calloc(o->nfuncs ? o->nfuncs : 1, sizeof(*o->progs));
	if (!o->progs)
		return diag_set(d, -ENOMEM, "obj: out of memory");
	for (uint32_t i = 0; i < o->nfuncs; i++) {
		struct obj_func *fn = &o->funcs[i];
		const char *sec = o->codes[fn->code].name;
		if (!fn->global || strcmp(sec, ".text") == 0)
			continue;
		struct obj_prog *p = &o->progs[o->nprogs];
		fn->prog = (int)o->nprogs++;
		p->name = fn->name;
		p->func = i;
		p->sec_name = sec;
		p->def = secdef_find(sec, &p->target);
		p->legacy = p->def ? secdef_find_legacy(sec) : NULL;
	}
	return 0;
}

int obj_force_type(struct obj *o, uint32_t prog, const char *type, struct diag *d)
{
	struct obj_prog *p = &o->progs[prog];
	size_t size = strlen(type) + 1;
	char *buf = malloc(size);
	const char *target;
	if (!buf)
		return diag_set(d, -ENOMEM, "--type: out of memory");
	const struct secdef *def = secdef_from_type(type, buf, size, &target);
	if (!def) {
		free(buf);
		return diag_set(d, -EINVAL,
				"--type '%s': names no program type (a section name as libbpf spells it: xdp, socket, tc, perf_event, sk_skb:stream_verdict, kprobe:FUNCTION, ...)",
				type);
	}
	free(p->forced);
	p->forced = buf;
	p->def = def;
	p->target = target;
	p->legacy = NULL;
	return 0;
}

int obj_parse(struct obj *o, const char *path, const uint8_t *data, size_t size, struct diag *d)
{
	memset(o, 0, sizeof(*o));
	set_name(o, path);

	int err = elf_parse(&o->elf, data, size, d);
	if (err)
		return err;
	err = parse_btf(o, d);
	if (!err)
		err = parse_license_version(o, d);
	if (!err)
		err = parse_code(o, d);
	if (!err)
		err = obj_index_codes(o, d);
	if (!err)
		err = parse_funcs(o, d);
	if (!err)
		err = parse_progs(o, d);
	if (!err)
		err = obj_index_progs(o, d);
	if (!err)
		err = obj_parse_maps(o, d);
	if (!err)
		err = obj_parse_struct_ops(o, d);
	if (!err)
		err = obj_parse_externs(o, d); /* may add the .kconfig map */
	if (!err)
		err = obj_index_maps(o, d);
	if (!err)
		err = obj_parse_inits(o, d);
	if (!err)
		err = obj_parse_relocs(o, d);
	if (err)
		obj_close(o);
	else
		find_unsupported(o);
	return err;
}

void obj_close(struct obj *o)
{
	for (uint32_t i = 0; i < o->ncodes; i++)
		if (o->codes[i].owned)
			free((void *)o->codes[i].insns);
	for (uint32_t i = 0; i < o->nmaps; i++)
		free(o->maps[i].name);
	for (uint32_t i = 0; i < o->nprogs; i++)
		free(o->progs[i].forced);
	for (uint32_t i = 0; i < o->nrelocs; i++)
		free(o->relocs[i].why);
	for (uint32_t i = 0; i < o->nunresolved; i++)
		free(o->unresolved[i].why);
	free(o->unresolved);
	free(o->codes);
	free(o->funcs);
	free(o->progs);
	free(o->maps);
	free(o->inits);
	free(o->relocs);
	free(o->externs);
	free(o->st_ops);
	free(o->st_funcs);
	if (o->has_ext)
		btf_ext_close(&o->ext);
	if (o->has_btf)
		btf_close(&o->btf);
	free(o->btf_blob);
	obj_index_free(o);
	elf_close(&o->elf);
	memset(o, 0, sizeof(*o));
}

const char *obj_reloc_kind_name(enum obj_reloc_kind kind)
{
	switch (kind) {
	case RELOC_MAP: return "map";
	case RELOC_DATA: return "data";
	case RELOC_CALL: return "call";
	case RELOC_FUNC: return "callback";
	case RELOC_EXTERN: return "extern";
	case RELOC_BAD: return "bad";
	}
	return "?";
}

const char *obj_map_type_name(uint32_t t)
{
	static const char *const names[] = {
		"unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash",
		"percpu_array", "stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie",
		"array_of_maps", "hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap", "sockhash",
		"cgroup_storage", "reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack",
		"sk_storage", "devmap_hash", "struct_ops", "ringbuf", "inode_storage", "task_storage",
		"bloom_filter", "user_ringbuf", "cgrp_storage", "arena",
	};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}
