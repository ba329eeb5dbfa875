/* tests/unit/test_externs.c — externs, pure parts: the model of externs.bpf.c (kinds, weak flags,
 * the .kconfig layout, relocations) in both byte orders; the BTF made loadable (no extern linkage
 * left, .kconfig offsets, .ksyms entries all VARs); rewriting each kind of extern reference; and
 * the .config / kallsyms / release parsers. Expectations by hand from the source and readelf. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "slurp.h"
#include "loader/load/btf_fixup.h"
#include "loader/load/kfacts.h"
#include "loader/obj/obj.h"
#include "loader/load/reloc.h"

struct ext_exp {
	const char *name;
	enum obj_extern_kind kind;
	bool weak;
	enum obj_kcfg_type kcfg;
	uint32_t size, offset;
};

/* Declaration order in the symbol table is clang's; the layout packs each at its alignment. */
static const struct ext_exp want[] = {
	{"CONFIG_DEFAULT_HOSTNAME", EXT_KCONFIG, false, KCFG_STRING, 16, 0},
	{"LINUX_KERNEL_VERSION", EXT_KCONFIG, false, KCFG_INT, 4, 16},
	{"CONFIG_BPF_SYSCALL", EXT_KCONFIG, false, KCFG_BOOL, 1, 20},
	{"CONFIG_BPF_JIT", EXT_KCONFIG, false, KCFG_TRISTATE, 4, 24},
	{"CONFIG_HZ", EXT_KCONFIG, false, KCFG_INT, 4, 28},
	{"CONFIG_RAWLOAD_NO_SUCH_OPTION", EXT_KCONFIG, true, KCFG_INT, 4, 32},
	{"_stext", EXT_KSYM_TYPELESS, false, 0, 0, 0},
	{"bpf_task_from_pid", EXT_KFUNC, true, 0, 0, 0},
	{"bpf_task_release", EXT_KFUNC, false, 0, 0, 0},
	{"rawload_no_such_kfunc", EXT_KFUNC, true, 0, 0, 0},
};

static void check_model(const char *rel)
{
	size_t size;
	uint8_t *buf = slurp(rel, &size);
	struct obj o;
	struct diag d = {""};
	REQUIRE(buf, "read %s", rel);
	int err = obj_parse(&o, rel, buf, size, &d);
	CHECK(err == 0, "%s: %s", rel, d.msg);
	if (err) {
		free(buf);
		return;
	}
	CHECK(o.nexterns == sizeof(want) / sizeof(want[0]), "%s: %u externs", rel, o.nexterns);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int x = obj_find_extern(&o, want[i].name);
		CHECK(x >= 0, "%s: no extern %s", rel, want[i].name);
		if (x < 0)
			continue;
		const struct obj_extern *e = &o.externs[x];
		CHECK(e->kind == want[i].kind && e->weak == want[i].weak, "%s: %s: kind %s weak %d", rel, e->name,
		      obj_extern_kind_name(e->kind), e->weak);
		if (e->kind == EXT_KCONFIG)
			CHECK(e->kcfg == want[i].kcfg && e->size == want[i].size && e->offset == want[i].offset,
			      "%s: %s: kcfg %d size %u offset %u", rel, e->name, e->kcfg, e->size, e->offset);
	}
	CHECK(o.kconfig_map >= 0, "%s: no .kconfig map", rel);
	if (o.kconfig_map >= 0) {
		const struct obj_map *m = &o.maps[o.kconfig_map];
		CHECK(strcmp(m->name, "externs.kconfig") == 0 && m->value_size == 40 && m->flags == BPF_F_RDONLY_PROG &&
			      m->data == DATA_KCONFIG,
		      "%s: .kconfig map %s, %u bytes, flags %#x", rel, m->name, m->value_size, m->flags);
	}
	/* Every __kconfig reference is data in that map at its extern's offset; the rest are externs. */
	uint32_t data = 0, ext = 0;
	for (uint32_t i = 0; i < o.nrelocs; i++) {
		const struct obj_reloc *r = &o.relocs[i];
		int x = obj_find_extern(&o, r->sym);
		if (x < 0)
			continue;
		if (o.externs[x].kind == EXT_KCONFIG) {
			CHECK(r->kind == RELOC_DATA && (int)r->map == o.kconfig_map && r->offset == o.externs[x].offset &&
				      r->ext == (uint32_t)x,
			      "%s: %s: reloc kind %d map %u offset %u", rel, r->sym, r->kind, r->map, r->offset);
			data++;
		} else {
			CHECK(r->kind == RELOC_EXTERN && r->ext == (uint32_t)x, "%s: %s: reloc kind %d", rel, r->sym, r->kind);
			ext++;
		}
	}
	/* llvm-objdump -dr: 6 __kconfig loads; _stext once, bpf_task_from_pid twice (bpf_ksym_exists and
	 * the call), bpf_task_release once, rawload_no_such_kfunc twice. */
	CHECK(data == 6 && ext == 6, "%s: %u kconfig and %u other extern relocations", rel, data, ext);

	/* The BTF for the kernel: no extern linkage left, DATASECs the kernel can check. */
	uint8_t *blob;
	uint32_t bsize;
	err = btf_fixup_build(&o, 0, &blob, &bsize, &d);
	CHECK(err == 0, "%s: fixup: %s", rel, d.msg);
	if (!err) {
		struct btf_spec b;
		err = btf_parse(&b, blob, bsize, false, &d);
		CHECK(err == 0, "%s: fixed BTF does not parse: %s", rel, d.msg);
		if (!err) {
			CHECK(b.nr_types == o.btf.nr_types + 1, "%s: %u types, want one more than %u", rel, b.nr_types,
			      o.btf.nr_types);
			for (uint32_t id = 1; id <= b.nr_types; id++) {
				const struct btf_type *t = btf_type(&b, id);
				if (btf_kind(t) == BTF_KIND_VAR)
					CHECK(((const struct btf_var *)(t + 1))->linkage != BTF_VAR_GLOBAL_EXTERN,
					      "%s: VAR %s still extern", rel, btf_type_name(&b, t));
				if (btf_kind(t) == BTF_KIND_FUNC)
					CHECK(btf_vlen(t) != BTF_FUNC_EXTERN, "%s: FUNC %s still extern", rel, btf_type_name(&b, t));
				if (btf_kind(t) == BTF_KIND_FUNC_PROTO)
					for (uint32_t i = 0; i < btf_vlen(t); i++)
						CHECK(!btf_params(t)[i].type || btf_params(t)[i].name_off, "%s: [%u] unnamed parameter",
						      rel, id);
				if (btf_kind(t) != BTF_KIND_DATASEC)
					continue;
				const struct btf_var_secinfo *v = btf_secinfos(t);
				for (uint32_t i = 0; i < btf_vlen(t); i++) {
					CHECK(btf_kind(btf_type(&b, v[i].type)) == BTF_KIND_VAR, "%s: %s entry %u is no VAR", rel,
					      btf_type_name(&b, t), i);
					CHECK(v[i].offset + v[i].size <= t->size && (!i || v[i].offset >= v[i - 1].offset + v[i - 1].size),
					      "%s: %s entry %u at %u+%u of %u", rel, btf_type_name(&b, t), i, v[i].offset, v[i].size,
					      t->size);
				}
				if (strcmp(btf_type_name(&b, t), ".kconfig") == 0)
					CHECK(t->size == 40 && btf_vlen(t) == 6, "%s: .kconfig size %u vlen %u", rel, t->size,
					      btf_vlen(t));
				if (strcmp(btf_type_name(&b, t), ".ksyms") == 0)
					CHECK(t->size == 16 && btf_vlen(t) == 4, "%s: .ksyms size %u vlen %u", rel, t->size,
					      btf_vlen(t));
			}
			btf_close(&b);
		}
		free(blob);
	}
	obj_close(&o);
	free(buf);
}

TEST(externs_model_bpfel) { check_model("build/progs/externs.bpfel.o"); }
TEST(externs_model_bpfeb) { check_model("build/progs/externs.bpfeb.o"); }

/* ---- rewriting references ----------------------------------------------------------------------- */

TEST(externs_patch_each_kind)
{
	struct obj_extern ex[4] = {
		{.name = "kf", .kind = EXT_KFUNC},
		{.name = "var", .kind = EXT_KSYM},
		{.name = "addr", .kind = EXT_KSYM_TYPELESS},
		{.name = "gone", .kind = EXT_KFUNC, .weak = true},
	};
	struct obj o = {.externs = ex, .nexterns = 4};
	struct obj_reloc r[6] = {
		{.kind = RELOC_EXTERN, .ext = 0}, {.kind = RELOC_EXTERN, .ext = 0}, {.kind = RELOC_EXTERN, .ext = 1},
		{.kind = RELOC_EXTERN, .ext = 2}, {.kind = RELOC_EXTERN, .ext = 3}, {.kind = RELOC_EXTERN, .ext = 3},
	};
	struct bpf_insn in[10] = {
		[0] = {.code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = -1},
		[1] = {.code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1},
		[3] = {.code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 2},
		[5] = {.code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 3},
		[7] = {.code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = -1},
		[8] = {.code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 4, .imm = 99},
	};
	in[9].imm = 5;
	struct reloc_site sites[6] = {{0, &r[0]}, {1, &r[1]}, {3, &r[2]}, {5, &r[3]}, {7, &r[4]}, {8, &r[5]}};
	struct linked_prog lp = {.insns = in, .count = 10, .sites = sites, .nsites = 6};
	struct reloc_ext_value v[4] = {{true, 4242, 0}, {true, 77, 0}, {true, 0, 0xffffffff81000000ull}, {false, 0, 0}};
	struct diag d = {""};

	CHECK(reloc_patch(&o, &lp, NULL, NULL, &d) == -ENOTSUP && strstr(d.msg, "'kf'"), "no values: %s", d.msg);
	int err = reloc_patch(&o, &lp, NULL, v, &d);
	CHECK(err == 0, "patch: %s", d.msg);
	CHECK(in[0].src_reg == BPF_PSEUDO_KFUNC_CALL && in[0].imm == 4242 && in[0].off == 0, "kfunc call: src %u imm %d",
	      in[0].src_reg, in[0].imm);
	CHECK(in[1].src_reg == BPF_PSEUDO_BTF_ID && in[1].imm == 4242 && in[2].imm == 0, "kfunc address: src %u imm %d",
	      in[1].src_reg, in[1].imm);
	CHECK(in[3].src_reg == BPF_PSEUDO_BTF_ID && in[3].imm == 77 && in[4].imm == 0, "ksym: src %u imm %d", in[3].src_reg,
	      in[3].imm);
	CHECK(in[5].src_reg == 0 && (uint32_t)in[5].imm == 0x81000000u && (uint32_t)in[6].imm == 0xffffffffu,
	      "typeless: %#x %#x", (uint32_t)in[5].imm, (uint32_t)in[6].imm);
	CHECK(in[7].code == (BPF_JMP | BPF_CALL) && in[7].src_reg == 0 && in[7].imm == RELOC_CORE_POISON,
	      "missing weak kfunc call: src %u imm %d", in[7].src_reg, in[7].imm);
	CHECK(in[8].src_reg == 0 && in[8].imm == 0 && in[9].imm == 0, "missing weak kfunc address: %d %d", in[8].imm,
	      in[9].imm);
}

/* ---- the kernel's texts ------------------------------------------------------------------------- */

TEST(kfacts_config_values)
{
	static const char cfg[] = "#\n# comment\nCONFIG_HZ=250\n# CONFIG_OFF is not set\nCONFIG_BPF=y\n"
				  "CONFIG_MOD=m\nCONFIG_NAME=\"(none)\"\nCONFIG_HEX=0x1f\nCONFIG_NEG=-3\nCONFIG_HZ_100=1";
	size_t n;
	const char *v = kfacts_config_find(cfg, sizeof(cfg) - 1, "CONFIG_HZ", &n);
	CHECK(v && n == 3 && memcmp(v, "250", 3) == 0, "CONFIG_HZ: %.*s", v ? (int)n : 0, v ? v : "");
	CHECK(!kfacts_config_find(cfg, sizeof(cfg) - 1, "CONFIG_OFF", &n), "'is not set' found");
	CHECK(!kfacts_config_find(cfg, sizeof(cfg) - 1, "CONFIG_H", &n), "prefix found");
	v = kfacts_config_find(cfg, sizeof(cfg) - 1, "CONFIG_HZ_100", &n);
	CHECK(v && n == 1 && v[0] == '1', "last line without newline");

	uint8_t img[32];
	struct diag d = {""};
	struct obj_extern b = {.name = "b", .kcfg = KCFG_BOOL, .size = 1, .offset = 0};
	struct obj_extern c = {.name = "c", .kcfg = KCFG_CHAR, .size = 1, .offset = 1};
	struct obj_extern t = {.name = "t", .kcfg = KCFG_TRISTATE, .size = 4, .offset = 4};
	struct obj_extern i = {.name = "i", .kcfg = KCFG_INT, .size = 2, .offset = 8, .kcfg_signed = true};
	struct obj_extern u = {.name = "u", .kcfg = KCFG_INT, .size = 1, .offset = 10};
	struct obj_extern s = {.name = "s", .kcfg = KCFG_STRING, .size = 5, .offset = 12};
	memset(img, 0xee, sizeof(img));
	CHECK(kfacts_config_set(&b, "y", 1, img, &d) == 0 && img[0] == 1, "bool y");
	CHECK(kfacts_config_set(&b, "m", 1, img, &d) == -EINVAL, "bool m accepted");
	CHECK(kfacts_config_set(&c, "m", 1, img, &d) == 0 && img[1] == 'm', "char m");
	uint32_t tv;
	CHECK(kfacts_config_set(&t, "m", 1, img, &d) == 0 && (memcpy(&tv, img + 4, 4), tv == 2), "tristate m");
	CHECK(kfacts_config_set(&t, "250", 3, img, &d) == -EINVAL, "tristate 250 accepted");
	int16_t iv;
	CHECK(kfacts_config_set(&i, "-3", 2, img, &d) == 0 && (memcpy(&iv, img + 8, 2), iv == -3), "int -3");
	CHECK(kfacts_config_set(&i, "0x7fff", 6, img, &d) == 0 && (memcpy(&iv, img + 8, 2), iv == 0x7fff), "int 0x7fff");
	CHECK(kfacts_config_set(&i, "40000", 5, img, &d) == -EINVAL && strstr(d.msg, "does not fit"), "40000 in s16");
	CHECK(kfacts_config_set(&u, "255", 3, img, &d) == 0 && img[10] == 255, "u8 255");
	CHECK(kfacts_config_set(&u, "256", 3, img, &d) == -EINVAL, "u8 256 accepted");
	CHECK(kfacts_config_set(&u, "y", 1, img, &d) == -EINVAL, "int y accepted");
	CHECK(kfacts_config_set(&u, "12x", 3, img, &d) == -EINVAL, "int 12x accepted");
	CHECK(kfacts_config_set(&s, "\"(none)\"", 8, img, &d) == 0 && memcmp(img + 12, "(non\0", 5) == 0,
	      "string cut with its NUL: %.5s", img + 12);
	CHECK(kfacts_config_set(&s, "(none)", 6, img, &d) == -EINVAL, "unquoted string accepted");
	CHECK(img[11] == 0xee && img[17] == 0xee, "wrote outside the values");
}

TEST(kfacts_release_and_kallsyms)
{
	CHECK(kfacts_kernel_version("6.18.44-fc-v595") == (6u << 16 | 18u << 8 | 44u), "6.18.44");
	CHECK(kfacts_kernel_version("5.10.300") == (5u << 16 | 10u << 8 | 255u), "patch capped");
	CHECK(kfacts_kernel_version("6.1") == (6u << 16 | 1u << 8), "no patch");
	CHECK(kfacts_kernel_version("linux") == 0 && kfacts_kernel_version("6") == 0, "garbage");
	CHECK(strcmp(kfacts_syscall_prefix("x86_64"), "__x64_sys_") == 0 &&
		      strcmp(kfacts_syscall_prefix("aarch64"), "__arm64_sys_") == 0 && !kfacts_syscall_prefix("mips"),
	      "syscall prefixes");
	static const char ks[] = "ffffffff81000000 T _stext\nffffffff81000010 t helper\t[mymod]\n"
				 "ffffffff81000020 t helper\nzzzz T bad\n0000000000000000 T hidden";
	uint64_t a = 0;
	CHECK(kfacts_kallsyms_find(ks, sizeof(ks) - 1, "_stext", &a) == 1 && a == 0xffffffff81000000ull, "_stext %#llx",
	      (unsigned long long)a);
	CHECK(kfacts_kallsyms_find(ks, sizeof(ks) - 1, "helper", &a) == 1 && a == 0xffffffff81000020ull,
	      "module symbol taken: %#llx", (unsigned long long)a);
	CHECK(kfacts_kallsyms_find(ks, sizeof(ks) - 1, "bad", &a) == 0, "bad address accepted");
	CHECK(kfacts_kallsyms_find(ks, sizeof(ks) - 1, "hidden", &a) == 1 && a == 0, "hidden: found with 0");
	CHECK(kfacts_kallsyms_find(ks, sizeof(ks) - 1, "_stex", &a) == 0, "prefix found");
}

/* The indexes (for objects with many externs) give the scans' answers, first matching line first. */
TEST(kfacts_indexed_lookups_agree)
{
	static const char cfg[] = "#\nCONFIG_HZ=250\n# CONFIG_OFF is not set\nCONFIG_HZ=100\nCONFIG_X_Y=1\n=odd\nCONFIG_LAST=n";
	static const char ks[] = "ffffffff81000000 T _stext\nffffffff81000010 t helper\t[mymod]\nzzzz T dup\n"
				 "ffffffff81000020 t helper\nffffffff81000030 T dup\n0000000000000000 T hidden\nshort";
	static const char *const names[] = {"CONFIG_HZ", "CONFIG_OFF", "CONFIG_X", "CONFIG_X_Y", "CONFIG_LAST", "",
					    "_stext", "helper", "dup", "hidden", "_stex", "short"};
	struct kfacts_index cix, kix;
	REQUIRE(kfacts_index_config(cfg, sizeof(cfg) - 1, &cix) == 0, "config index");
	REQUIRE(kfacts_index_kallsyms(ks, sizeof(ks) - 1, &kix) == 0, "kallsyms index");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n1 = 0, n2 = 0;
		const char *v1 = kfacts_config_find(cfg, sizeof(cfg) - 1, names[i], &n1);
		const char *v2 = kfacts_config_find_ix(cfg, sizeof(cfg) - 1, &cix, names[i], &n2);
		CHECK(v1 == v2 && n1 == n2, "config '%s': scan %p/%zu, index %p/%zu", names[i], (const void *)v1, n1,
		      (const void *)v2, n2);
		uint64_t a1 = 1, a2 = 2;
		int f1 = kfacts_kallsyms_find(ks, sizeof(ks) - 1, names[i], &a1);
		int f2 = kfacts_kallsyms_find_ix(ks, sizeof(ks) - 1, &kix, names[i], &a2);
		CHECK(f1 == f2 && (!f1 || a1 == a2), "kallsyms '%s': scan %d %#llx, index %d %#llx", names[i], f1,
		      (unsigned long long)a1, f2, (unsigned long long)a2);
	}
	size_t n;
	const char *v = kfacts_config_find_ix(cfg, sizeof(cfg) - 1, &cix, "CONFIG_HZ", &n);
	CHECK(v && n == 3 && memcmp(v, "250", 3) == 0, "first CONFIG_HZ line wins");
	uint64_t a = 0;
	CHECK(kfacts_kallsyms_find_ix(ks, sizeof(ks) - 1, &kix, "dup", &a) == 1 && a == 0xffffffff81000030ull,
	      "dup: a bad address skipped: %#llx", (unsigned long long)a);
	kfacts_index_free(&cix);
	kfacts_index_free(&kix);
}
