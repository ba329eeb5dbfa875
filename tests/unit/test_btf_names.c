/* tests/unit/test_btf_names.c — finding BTF types by name (btf/names.c): essential names, the name
 * index against a scan on a blob built here (flavours, one name for several kinds, anonymous types,
 * names that collide in the table) and on the running kernel's BTF when it is readable; and the
 * bisection of sorted .BTF.ext record groups (btf_ext_lower_bound) against a scan. */
#include <errno.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/ext.h"
#include "btf_builder.h"
#include "check.h"
#include "elf/elf.h"
#include "slurp.h"

TEST(btf_essential_names)
{
	static const struct { const char *name; size_t len; } cases[] = {
		{"task_struct", 11}, {"task_struct___v2", 11}, {"a___b", 1}, {"a___b___c", 5}, {"a____b", 6},
		{"___a", 4}, {"a___", 4}, {"", 0}, {"x", 1}, {"__u32", 5}, {"a___b_", 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(btf_essential_len(cases[i].name) == cases[i].len, "'%s': %zu, expected %zu", cases[i].name,
		      btf_essential_len(cases[i].name), cases[i].len);
}

/* Every id btf_names_next gives for name, in order, into ids; returns how many. */
static uint32_t all_named(const struct btf_spec *b, const char *name, uint32_t *ids, uint32_t cap)
{
	uint32_t pos = 0, id, n = 0;
	while ((id = btf_names_next(b, name, btf_essential_len(name), &pos)) && n < cap)
		ids[n++] = id;
	return n;
}

TEST(btf_name_index_agrees_with_a_scan)
{
	struct bb bb;
	bb_init(&bb);
	uint32_t t_int = bb_type(&bb, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(&bb, (BTF_INT_SIGNED << 24) | 32);
	uint32_t t_s = bb_type(&bb, "task_struct", BTF_KIND_STRUCT, 0, 0, 8);
	uint32_t t_fn = bb_type(&bb, "task_struct", BTF_KIND_FUNC, 0, 0, 0); /* same name, another kind */
	uint32_t t_v2 = bb_type(&bb, "task_struct___v2", BTF_KIND_STRUCT, 0, 0, 16);
	uint32_t t_anon = bb_type(&bb, NULL, BTF_KIND_STRUCT, 0, 0, 4);
	uint32_t t_td = bb_type(&bb, "pid_t", BTF_KIND_TYPEDEF, 0, 0, t_int);
	/* Many more names, so that some share a slot of the table and probe past each other. */
	char name[32];
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		bb_type(&bb, name, i % 2 ? BTF_KIND_UNION : BTF_KIND_STRUCT, 0, 0, 4);
	}
	uint32_t t_last = bb_type(&bb, "task_struct", BTF_KIND_STRUCT, 0, 0, 8); /* a duplicate, last */
	uint32_t size;
	uint8_t *blob = bb_blob(&bb, 24, false, &size);
	struct btf_spec scan, ix;
	struct diag d = {0};
	REQUIRE(btf_parse(&scan, blob, size, false, &d) == 0, "%s", d.msg);
	REQUIRE(btf_parse(&ix, blob, size, false, &d) == 0, "%s", d.msg);
	REQUIRE(btf_index_names(&ix) == 0 && ix.names, "index");
	REQUIRE(btf_index_names(&ix) == 0, "a second call does nothing");

	static const struct { uint32_t kind; const char *name; } finds[] = {
		{BTF_KIND_STRUCT, "task_struct"}, {BTF_KIND_FUNC, "task_struct"}, {BTF_KIND_STRUCT, "task_struct___v2"},
		{BTF_KIND_TYPEDEF, "pid_t"}, {BTF_KIND_INT, "int"}, {BTF_KIND_STRUCT, "t0"}, {BTF_KIND_UNION, "t299"},
		{BTF_KIND_STRUCT, "t299"}, {BTF_KIND_STRUCT, "nope"}, {BTF_KIND_STRUCT, "task_struct___v3"},
		{BTF_KIND_STRUCT, ""},
	};
	for (size_t i = 0; i < sizeof(finds) / sizeof(finds[0]); i++) {
		uint32_t a = btf_find(&scan, finds[i].kind, finds[i].name), b = btf_find(&ix, finds[i].kind, finds[i].name);
		CHECK(a == b, "%s %s: scan %u, index %u", btf_kind_name(finds[i].kind), finds[i].name, a, b);
	}
	CHECK(btf_find(&ix, BTF_KIND_STRUCT, "task_struct") == t_s, "the first struct task_struct");
	CHECK(btf_find(&ix, BTF_KIND_FUNC, "task_struct") == t_fn, "the func");
	CHECK(btf_find(&ix, BTF_KIND_TYPEDEF, "pid_t") == t_td, "typedef");
	CHECK(btf_find(&ix, BTF_KIND_STRUCT, "") == t_anon, "an anonymous struct is found by a scan");

	/* Essential name "task_struct": the struct, the flavour and the duplicate, rising; not the
	 * function (functions are found by btf_find's scan). */
	uint32_t want[] = {t_s, t_v2, t_last}, got[8], got2[8];
	uint32_t n = all_named(&ix, "task_struct___whatever", got, 8), n2 = all_named(&scan, "task_struct", got2, 8);
	CHECK(n == 3 && n2 == 3, "%u and %u candidates, expected 3", n, n2);
	for (uint32_t i = 0; i < n && i < 3; i++)
		CHECK(got[i] == want[i] && got2[i] == want[i], "candidate %u: %u / %u, expected %u", i, got[i], got2[i],
		      want[i]);
	CHECK(all_named(&ix, "t17", got, 8) == 1 && got[0] == t_td + 18, "t17 is id %u", got[0]);
	CHECK(all_named(&ix, "missing", got, 8) == 0, "nothing for a missing name");
	btf_close(&ix);
	CHECK(ix.names == NULL, "btf_close frees the index");
	btf_close(&scan);
	free(blob);
}

/* The running kernel's BTF (sysfs gives its size), or NULL. */
static uint8_t *kernel_btf(size_t *size)
{
	FILE *f = fopen("/sys/kernel/btf/vmlinux", "rb");
	if (!f)
		return NULL;
	size_t cap = 16 << 20;
	uint8_t *buf = malloc(cap);
	*size = buf ? fread(buf, 1, cap, f) : 0;
	fclose(f);
	if (!*size || *size == cap) {
		free(buf);
		return NULL;
	}
	return buf;
}

TEST(btf_name_index_on_the_kernel)
{
	size_t size;
	uint8_t *raw = kernel_btf(&size);
	if (!raw)
		SKIP("no readable /sys/kernel/btf/vmlinux");
	struct btf_spec b;
	struct diag d = {0};
	/* The running kernel's byte order, which is not this program's under qemu-user (make
	 * test-unit ARCH=s390x on an x86-64 host): the magic 0xeb9f read the other way round says so. */
	uint16_t magic = 0;
	memcpy(&magic, raw, size >= 2 ? 2 : 0);
	REQUIRE(btf_parse(&b, raw, (uint32_t)size, magic == 0x9feb, &d) == 0, "%s", d.msg);
	/* Every 997th named type: found by the index where a scan finds it (the first of its kind and
	 * name), and by essential name among the candidates. */
	uint32_t checked = 0;
	uint32_t *first = malloc(200 * sizeof(*first));
	uint32_t *want = malloc(200 * sizeof(*want));
	const char **names = malloc(200 * sizeof(*names));
	REQUIRE(first && want && names, "memory");
	for (uint32_t id = 1; id <= b.nr_types && checked < 200; id += 997) {
		const struct btf_type *t = btf_type(&b, id);
		if (!t->name_off)
			continue;
		names[checked] = btf_type_name(&b, t);
		want[checked] = btf_kind(t);
		first[checked++] = btf_find(&b, btf_kind(t), btf_type_name(&b, t));
	}
	REQUIRE(btf_index_names(&b) == 0, "index");
	for (uint32_t i = 0; i < checked; i++) {
		uint32_t id = btf_find(&b, want[i], names[i]);
		CHECK(id == first[i], "%s %s: index %u, scan %u", btf_kind_name(want[i]), names[i], id, first[i]);
	}
	CHECK(checked > 50, "only %u names checked", checked);
	CHECK(btf_find(&b, BTF_KIND_STRUCT, "task_struct") != 0, "struct task_struct");
	free(first);
	free(want);
	free(names);
	btf_close(&b);
	free(raw);
}

TEST(btf_ext_lower_bound_agrees_with_a_scan)
{
	size_t size;
	uint8_t *buf = slurp("build/progs/subprogs.bpfel.o", &size);
	REQUIRE(buf, "build/progs/subprogs.bpfel.o (make test-progs)");
	struct elf_file elf;
	struct btf_spec btf;
	struct btf_ext_spec ext;
	struct diag d = {0};
	REQUIRE(elf_parse(&elf, buf, size, &d) == 0, "%s", d.msg);
	const struct elf_section *bs = elf_find_section(&elf, ".BTF"), *xs = elf_find_section(&elf, ".BTF.ext");
	REQUIRE(bs && xs, "sections");
	REQUIRE(btf_parse(&btf, bs->data, (uint32_t)bs->size, elf.swap, &d) == 0, "%s", d.msg);
	REQUIRE(btf_ext_parse(&ext, xs->data, (uint32_t)xs->size, elf.swap, &btf, &d) == 0, "%s", d.msg);
	const struct btf_ext_info *infos[] = {&ext.func, &ext.line, &ext.core};
	uint32_t groups = 0;
	for (int k = 0; k < 3; k++) {
		for (uint32_t g = 0; g < infos[k]->nsec; g++) {
			const struct btf_ext_sec *s = &infos[k]->sec[g];
			CHECK(s->order == NULL, "clang writes %s in order (no index needed)", s->sec_name);
			groups++;
			uint32_t last;
			memcpy(&last, btf_ext_rec(infos[k], s, s->count - 1), 4);
			for (uint32_t off = 0; off <= last + 8; off += 4) {
				uint32_t want = 0, at;
				while (want < s->count && (memcpy(&at, btf_ext_rec(infos[k], s, want), 4), at < off))
					want++;
				CHECK(btf_ext_lower_bound(infos[k], s, off) == want, "%s: offset %u: %u, expected %u",
				      s->sec_name, off, btf_ext_lower_bound(infos[k], s, off), want);
			}
		}
	}
	CHECK(groups >= 3, "%u record groups", groups);
	btf_ext_close(&ext);
	btf_close(&btf);
	elf_close(&elf);
	free(buf);
}
