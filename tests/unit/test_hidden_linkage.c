/* tests/unit/test_hidden_linkage.c — the BTF rawload hands the kernel gives __hidden functions and
 * variables static linkage, as libbpf does, and leaves the others alone: hidden_func.bpf.c in both
 * byte orders (readelf: add_frame and hidden_total GLOBAL HIDDEN, frame_class and seen_total GLOBAL
 * DEFAULT), through the model's BTF and through btf_fixup_build with every rewrite requested but
 * the one that makes every FUNC static. */
#include <stdlib.h>

#include "check.h"
#include "slurp.h"
#include "loader/load/btf_fixup.h"
#include "loader/obj/obj.h"

static uint32_t linkage(const struct btf_spec *b, uint32_t kind, const char *name)
{
	uint32_t id = btf_find(b, kind, name);
	const struct btf_type *t = id ? btf_type(b, id) : NULL;
	if (!t)
		return 99;
	return kind == BTF_KIND_FUNC ? btf_vlen(t) : ((const struct btf_var *)(t + 1))->linkage;
}

static void check_linkage(const char *rel, const struct btf_spec *b, const char *what)
{
	CHECK(linkage(b, BTF_KIND_FUNC, "add_frame") == BTF_FUNC_STATIC, "%s %s: add_frame linkage %u, not static",
	      rel, what, linkage(b, BTF_KIND_FUNC, "add_frame"));
	CHECK(linkage(b, BTF_KIND_FUNC, "frame_class") == BTF_FUNC_GLOBAL, "%s %s: frame_class linkage %u",
	      rel, what, linkage(b, BTF_KIND_FUNC, "frame_class"));
	CHECK(linkage(b, BTF_KIND_FUNC, "count_hidden") == BTF_FUNC_GLOBAL, "%s %s: count_hidden linkage %u",
	      rel, what, linkage(b, BTF_KIND_FUNC, "count_hidden"));
	CHECK(linkage(b, BTF_KIND_VAR, "hidden_total") == BTF_VAR_STATIC, "%s %s: hidden_total linkage %u",
	      rel, what, linkage(b, BTF_KIND_VAR, "hidden_total"));
	CHECK(linkage(b, BTF_KIND_VAR, "seen_total") == BTF_VAR_GLOBAL_ALLOCATED, "%s %s: seen_total linkage %u",
	      rel, what, linkage(b, BTF_KIND_VAR, "seen_total"));
}

static void check_object(const char *rel)
{
	size_t size;
	uint8_t *buf = slurp(rel, &size);
	struct obj o;
	struct diag d = {""};
	REQUIRE(buf, "read %s", rel);
	int err = obj_parse(&o, rel, buf, size, &d);
	CHECK(err == 0, "%s: %s", rel, d.msg);
	if (!err) {
		check_linkage(rel, &o.btf, "model");
		/* Rebuilt for an older kernel (the rewrites that keep FUNC and VAR records as they are). */
		uint8_t *blob = NULL;
		uint32_t len = 0;
		err = btf_fixup_build(&o, SANITIZE_ENUM64 | SANITIZE_TYPE_TAG | SANITIZE_DECL_TAG | SANITIZE_FLOAT,
				      &blob, &len, &d);
		CHECK(err == 0, "%s: rebuild: %s", rel, d.msg);
		struct btf_spec b;
		if (!err && btf_parse(&b, blob, len, false, &d) == 0) {
			check_linkage(rel, &b, "rebuilt");
			btf_close(&b);
		}
		free(blob);
		obj_close(&o);
	}
	free(buf);
}

TEST(hidden_linkage_bpfel)
{
	check_object("build/progs/hidden_func.bpfel.o");
}

TEST(hidden_linkage_bpfeb)
{
	check_object("build/progs/hidden_func.bpfeb.o");
}
