/* tests/unit/test_struct_ops.c — struct_ops in the object model (build/progs/struct_ops, both byte
 * orders: two STRUCT_OPS maps, their type, data and program members) and laid out against a kernel
 * BTF built here (loader/load/struct_ops.c without a kernel): members matched by name at the
 * kernel's offsets, data copied, pointer slots for the programs, what each program loads as, a
 * member the kernel lacks skipped when zero and refused when set, and the refusals for a type the
 * kernel lacks, a size that differs and a pointer that is not a function pointer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf_builder.h"
#include "check.h"
#include "common/endian.h"
#include "slurp.h"
#include "loader/load/load_internal.h"
#include "loader/load/struct_ops.h"
#include "loader/obj/obj.h"

static const struct obj_st_func *st_func(const struct obj *o, const struct obj_struct_ops *so, const char *member)
{
	for (uint32_t i = 0; i < so->nfuncs; i++)
		if (strcmp(o->st_funcs[so->first_func + i].member, member) == 0)
			return &o->st_funcs[so->first_func + i];
	return NULL;
}

TEST(struct_ops_model)
{
	static const char *const files[] = {"build/progs/struct_ops.bpfel.o", "build/progs/struct_ops.bpfeb.o"};
	for (size_t f = 0; f < 2; f++) {
		size_t size;
		uint8_t *data = slurp(files[f], &size);
		REQUIRE(data, "%s is missing (make test-progs)", files[f]);
		struct obj o;
		struct diag d = {{0}};
		int err = obj_parse(&o, files[f], data, size, &d);
		CHECK(err == 0, "%s: %s", files[f], d.msg);
		if (err) {
			free(data);
			continue;
		}
		CHECK(!o.unsupported, "%s: still unsupported: %s", files[f], o.unsupported);
		REQUIRE(o.nst_ops == 2, "%s: %u struct_ops variables", files[f], o.nst_ops);
		static const struct {
			const char *map;
			bool link;
			uint32_t nfuncs;
		} want[] = {{"demo_ops", false, 1}, {"demo_link", true, 2}};
		for (uint32_t k = 0; k < 2; k++) {
			const struct obj_struct_ops *so = &o.st_ops[k];
			const struct obj_map *m = &o.maps[so->map];
			CHECK(strcmp(m->name, want[k].map) == 0 && m->origin == MAP_STRUCT_OPS &&
				      m->type == BPF_MAP_TYPE_STRUCT_OPS && m->key_size == 4 && m->max_entries == 1 &&
				      m->flags == (want[k].link ? OBJ_MAP_F_LINK : 0u),
			      "%s: map %u '%s' type %u flags %#x", files[f], k, m->name, m->type, m->flags);
			CHECK(strcmp(so->type_name, "rl_demo_ops") == 0 && so->size == 40 && so->link == want[k].link &&
				      so->nfuncs == want[k].nfuncs,
			      "%s: %s: type %s size %u funcs %u", files[f], m->name, so->type_name, so->size, so->nfuncs);
			const struct obj_st_func *init = st_func(&o, so, "init");
			CHECK(init && init->offset == 0 && init->index == 0 && strcmp(o.progs[init->prog].name, "demo_init") == 0,
			      "%s: %s.init", files[f], m->name);
			CHECK(strcmp((const char *)so->data + 8, k ? "demo_link" : "demo") == 0, "%s: %s.name", files[f], m->name);
		}
		const struct obj_st_func *rel = st_func(&o, &o.st_ops[1], "release");
		CHECK(rel && rel->offset == 32 && rel->index == 4 && strcmp(o.progs[rel->prog].name, "demo_release") == 0,
		      "%s: demo_link.release", files[f]);
		/* flags = 3 in the file's byte order */
		const uint8_t *flags = o.st_ops[0].data + 24;
		CHECK(flags[f ? 3 : 0] == 3, "%s: demo_ops.flags", files[f]);
		obj_close(&o);
		free(data);
	}
}

/* The kernel's side, built here: struct rl_demo_ops { u32 flags; int (*init)(); char name[NAME];
 * char pad[8]; void (*release)(); } (zero_extra missing; init an int when init_not_ptr), and
 * bpf_struct_ops_rl_demo_ops { common; data at 64 } unless no_value. */
struct kernel_opts {
	uint32_t name_len;
	bool init_not_ptr, no_value;
};
enum { K_OPS = 10 }; /* the id rl_demo_ops gets below */

static uint8_t *kernel_btf(const struct kernel_opts *k, uint32_t *size)
{
	static struct bb b;
	tiny(&b);                                                          /* 1 int */
	bb_type(&b, "unsigned int", BTF_KIND_INT, 0, 0, 4);                /* 2 */
	bb_word(&b, 32);
	bb_type(&b, "char", BTF_KIND_INT, 0, 0, 1);                        /* 3 */
	bb_word(&b, 8);
	bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);                        /* 4 char[name_len] */
	bb_word(&b, 3);
	bb_word(&b, 1);
	bb_word(&b, k->name_len);
	bb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, 1);                   /* 5 int (void) */
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 5);                          /* 6 */
	bb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, 0);                   /* 7 void (void) */
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 7);                          /* 8 */
	bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);                        /* 9 char[8] */
	bb_word(&b, 3);
	bb_word(&b, 1);
	bb_word(&b, 8);
	uint32_t ops = bb_type(&b, "rl_demo_ops", BTF_KIND_STRUCT, 0, 5, 48); /* 10 */
	const uint32_t m[5][3] = {{bb_str(&b, "flags"), 2, 0}, {bb_str(&b, "init"), k->init_not_ptr ? 1u : 6u, 64},
				  {bb_str(&b, "name"), 4, 128}, {bb_str(&b, "pad"), 9, 256},
				  {bb_str(&b, "release"), 8, 320}};
	for (int i = 0; i < 5; i++) {
		bb_word(&b, m[i][0]);
		bb_word(&b, m[i][1]);
		bb_word(&b, m[i][2]);
	}
	uint32_t common = bb_type(&b, "bpf_struct_ops_common_value", BTF_KIND_STRUCT, 0, 1, 8); /* 11 */
	bb_word(&b, bb_str(&b, "refcnt"));
	bb_word(&b, 1);
	bb_word(&b, 0);
	bb_type(&b, k->no_value ? "bpf_struct_ops_other" : "bpf_struct_ops_rl_demo_ops", BTF_KIND_STRUCT, 0, 2, 128);
	bb_word(&b, bb_str(&b, "common"));
	bb_word(&b, common);
	bb_word(&b, 0);
	bb_word(&b, bb_str(&b, "data"));
	bb_word(&b, ops);
	bb_word(&b, 512);
	return bb_blob(&b, 24, false, size);
}

struct layout {
	uint8_t *file, *kblob;
	size_t size;
	struct obj o;
	struct btf_spec kernel;
	struct loaded l;
};

/* Parses the object and the kernel BTF and lays the object out; patch (if set) changes the
 * object's demo_ops bytes first. Returns load_struct_ops_resolve's result (maps that cannot be
 * laid out are refused: l.map_refused). */
static int lay_out(struct layout *t, const struct kernel_opts *k, int patch_at, struct diag *d)
{
	memset(t, 0, sizeof(*t));
	/* The object in the host's byte order: the image goes to this kernel as it is, and the checks
	 * read its fields as host integers. */
	const char *rel = host_is_big_endian() ? "build/progs/struct_ops.bpfeb.o" : "build/progs/struct_ops.bpfel.o";
	t->file = slurp(rel, &t->size);
	if (!t->file)
		return diag_set(d, -ENOENT, "%s is missing", rel);
	int err = obj_parse(&t->o, rel + strlen("build/progs/"), t->file, t->size, d);
	if (err)
		return err;
	if (patch_at >= 0)
		((uint8_t *)t->o.st_ops[0].data)[patch_at] = 1;
	uint32_t ksize;
	t->kblob = kernel_btf(k, &ksize);
	if ((err = btf_parse(&t->kernel, t->kblob, ksize, false, d)))
		return err;
	t->l.o = &t->o;
	t->l.btf_fd = 1000; /* "the object's BTF is loaded": not used without a kernel */
	t->l.vmlinux = &t->kernel;
	t->l.map_fds = malloc((t->o.nmaps + 1) * sizeof(int));
	t->l.map_refused = calloc(t->o.nmaps + 1, sizeof(*t->l.map_refused));
	if (!t->l.map_fds || !t->l.map_refused)
		return diag_set(d, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < t->o.nmaps; i++)
		t->l.map_fds[i] = -1;
	static const struct load_opts quiet = {0};
	return load_struct_ops_resolve(&t->l, &quiet, d);
}

static void lay_out_done(struct layout *t)
{
	load_struct_ops_free(&t->l);
	for (uint32_t i = 0; t->l.map_refused && i < t->o.nmaps; i++)
		free(t->l.map_refused[i].why);
	free(t->l.map_refused);
	free(t->l.map_fds);
	if (t->l.vmlinux)
		btf_close(&t->kernel);
	if (t->o.maps)
		obj_close(&t->o);
	free(t->kblob);
	free(t->file);
}

TEST(struct_ops_layout)
{
	struct layout t;
	struct diag d = {{0}};
	const struct kernel_opts k = {.name_len = 16};
	int err = lay_out(&t, &k, -1, &d);
	CHECK(err == 0, "%s", d.msg);
	if (!err && sizeof(unsigned long) != 8) {
		/* A 32-bit machine (armhf): the kernel's function pointers are 4 bytes where BPF's are 8, so
		 * rawload refuses the struct_ops maps there (no 32-bit kernel runs struct_ops anyway). */
		CHECK(t.l.map_refused[t.o.st_ops[0].map].why && t.l.map_refused[t.o.st_ops[1].map].why,
		      "32-bit host: demo_ops and demo_link laid out");
	} else if (!err) {
		const struct load_struct_ops *a = &t.l.st_ops[0], *b = &t.l.st_ops[1];
		CHECK(a->value_size == 128 && a->type_id == K_OPS && a->value_type_id == 12, "demo_ops: %u %u %u",
		      a->value_size, a->type_id, a->value_type_id);
		/* data at 64: flags at +0, init at +8, name at +16, release at +40 */
		uint32_t flags;
		memcpy(&flags, a->image + 64, 4);
		CHECK(flags == 3 && strcmp((const char *)a->image + 80, "demo") == 0, "demo_ops data: flags %u name '%s'",
		      flags, (const char *)a->image + 80);
		CHECK(a->nslots == 1 && a->slots[0].offset == 72 &&
			      strcmp(t.o.progs[a->slots[0].prog].name, "demo_init") == 0,
		      "demo_ops slots: %u", a->nslots);
		CHECK(b->nslots == 2 && b->slots[0].offset == 72 && b->slots[1].offset == 104 &&
			      strcmp(t.o.progs[b->slots[1].prog].name, "demo_release") == 0 &&
			      strcmp((const char *)b->image + 80, "demo_link") == 0,
		      "demo_link: %u slots", b->nslots);
		/* nothing else written: the common part and the pointer slots stay zero */
		for (uint32_t i = 0; i < 64; i++)
			CHECK(!a->image[i], "demo_ops: byte %u of the common part set", i);
		struct sys_map_def def = {0};
		load_struct_ops_map_def(&t.l, t.o.st_ops[1].map, &def);
		CHECK(def.value_size == 128 && def.btf_vmlinux_value_type_id == 12 && def.btf_fd == 1000 &&
			      !def.btf_key_type_id && !def.btf_value_type_id,
		      "map def: %u %u", def.value_size, def.btf_vmlinux_value_type_id);
		uint32_t id, member;
		int p = obj_find_prog(&t.o, "demo_release");
		const char *refused = "x";
		CHECK(p >= 0 && load_struct_ops_prog(&t.l, (uint32_t)p, &id, &member, &refused) == 0 && id == K_OPS &&
			      member == 4,
		      "demo_release loads as %u member %u", id, member);
		p = obj_find_prog(&t.o, "demo_init");
		CHECK(p >= 0 && load_struct_ops_prog(&t.l, (uint32_t)p, &id, &member, NULL) == 0 && id == K_OPS && member == 1,
		      "demo_init loads as %u member %u", id, member);
		p = obj_find_prog(&t.o, "demo_unused");
		CHECK(p >= 0 && load_struct_ops_prog(&t.l, (uint32_t)p, &id, &member, &refused) == 1 && !refused,
		      "demo_unused would load");
		CHECK(!t.l.nrefused_maps, "%u maps refused", t.l.nrefused_maps);
	}
	lay_out_done(&t);
}

TEST(struct_ops_layout_refused)
{
	/* Each breaks demo_ops only: it is refused, with why; demo_link still lays out, and the
	 * programs only demo_ops used are marked refused with it. */
	static const struct {
		struct kernel_opts k;
		int patch_at; /* a byte of demo_ops set to 1, or -1 */
		bool both;    /* demo_link is refused too */
		const char *why;
	} cases[] = {
		{{.name_len = 16}, 28, false, "member 'zero_extra' is set, and the kernel's rl_demo_ops has no such member"},
		{{.name_len = 12}, -1, true, "member 'name' is 16 bytes here and 12 in the kernel's rl_demo_ops"},
		{{.name_len = 16, .init_not_ptr = true}, -1, true,
		 "member 'init' holds program 'demo_init', and the kernel's rl_demo_ops.init is not a function pointer"},
		{{.name_len = 16, .no_value = true}, -1, true,
		 "this kernel has no struct_ops type rl_demo_ops (its BTF has no struct bpf_struct_ops_rl_demo_ops)"},
		{{.name_len = 16}, 33, false, "member 'release' holds a pointer that is not a program"},
	};
	/* On a 32-bit machine every struct_ops map is refused for its pointer size (struct_ops_layout
	 * checks that): the reasons below are a 64-bit machine's. */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) && sizeof(unsigned long) == 8; i++) {
		struct layout t;
		struct diag d = {{0}};
		int err = lay_out(&t, &cases[i].k, cases[i].patch_at, &d);
		CHECK(err == 0, "case %zu: %d %s", i, err, d.msg);
		if (!err) {
			uint32_t m0 = t.o.st_ops[0].map, m1 = t.o.st_ops[1].map;
			const char *why = t.l.map_refused[m0].why;
			CHECK(why && strcmp(why, cases[i].why) == 0, "case %zu: demo_ops refused with '%s'", i, why ? why : "");
			CHECK(!t.l.map_refused[m1].why == !cases[i].both, "case %zu: demo_link refused: %s", i,
			      t.l.map_refused[m1].why ? t.l.map_refused[m1].why : "no");
			uint32_t id, member;
			const char *refused = NULL;
			int p = obj_find_prog(&t.o, "demo_init");
			int r = p >= 0 ? load_struct_ops_prog(&t.l, (uint32_t)p, &id, &member, &refused) : -1;
			/* demo_init serves both maps: it loads while demo_link lays out */
			CHECK(cases[i].both ? r == 1 && refused && strcmp(refused, "demo_ops") == 0 : r == 0,
			      "case %zu: demo_init: %d %s", i, r, refused ? refused : "");
		}
		lay_out_done(&t);
	}
}
