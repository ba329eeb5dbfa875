/* bench/coregen.c — writes the C source of a CO-RE-heavy BPF object for the bench: NPROGS raw_tp
 * programs holding NRELOS BPF_CORE_READ relocations in all, against the running kernel's types (it
 * reads /sys/kernel/btf/vmlinux with rawload's own BTF reader to pick them), to be compiled with
 * clang against build/vmlinux/vmlinux.h. The reads are spread over as many distinct kernel structs
 * as the count allows (two records per struct, one read in four a two-step pointer chain), since
 * the cost of CO-RE grows with the distinct types to look up as much as with the records.
 *
 * usage: coregen NPROGS NRELOS PARTS PREFIX   writes PREFIX.0.bpf.c .. PREFIX.<PARTS-1>.bpf.c
 * The programs are split into PARTS sources, to be compiled apart and linked into one object with
 * `bpftool gen object`: clang 14's BTF emission grows with the square of the relocations in one
 * unit (a 10,000-record source takes over a minute, ten 1,000-record ones a second each).
 * A bench tool, not part of rawload. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"

/* One readable field: BPF_CORE_READ((struct s *)a, m) or, with m2, (..., m, m2). */
struct field {
	uint32_t sid;          /* struct type id */
	const char *m, *m2;    /* member names */
};

static const struct btf_spec *B;

static unsigned char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 8 << 20, len = 0;
	unsigned char *buf = malloc(cap);
	while (buf) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		unsigned char *more = realloc(buf, cap * 2);
		if (!more) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = more;
		cap *= 2;
	}
	fclose(f);
	*size = len;
	return buf;
}

static int cmp_name(const void *a, const void *b)
{
	const struct btf_type *x = btf_type(B, *(const uint32_t *)a), *y = btf_type(B, *(const uint32_t *)b);
	return strcmp(btf_type_name(B, x), btf_type_name(B, y));
}

/* A C identifier that no header of ours defines as a macro (member names are used verbatim). */
static bool plain_name(const char *s)
{
	static const char *const macros[] = {"barrier", "likely", "unlikely", "offsetof", "container_of",
					     "SEC", "min", "max", "bool", "true", "false", NULL};
	if (!s[0] || strstr(s, "___"))
		return false;
	for (int i = 0; macros[i]; i++)
		if (!strcmp(s, macros[i]))
			return false;
	return true;
}

/* Readable scalar member types: integers, enums and pointers of 1, 2, 4 or 8 bytes. */
static bool scalar(uint32_t id)
{
	int r = btf_skip_mods(B, id);
	const struct btf_type *t = r > 0 ? btf_type(B, (uint32_t)r) : NULL;
	if (!t)
		return false;
	uint32_t k = btf_kind(t);
	if (k == BTF_KIND_PTR)
		return true;
	if (k != BTF_KIND_INT && k != BTF_KIND_ENUM && k != BTF_KIND_ENUM64)
		return false;
	return t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: coregen NPROGS NRELOS PARTS PREFIX\n");
		return 2;
	}
	long nprogs = strtol(argv[1], NULL, 10), nrelos = strtol(argv[2], NULL, 10);
	long parts = strtol(argv[3], NULL, 10);
	if (nprogs <= 0 || nrelos < nprogs || nrelos > 1000000 || parts <= 0 || parts > nprogs) {
		fprintf(stderr, "coregen: need 0 < NPROGS <= NRELOS <= 1000000 and 0 < PARTS <= NPROGS\n");
		return 2;
	}
	size_t size;
	unsigned char *raw = slurp("/sys/kernel/btf/vmlinux", &size);
	static struct btf_spec b;
	struct diag d = {0};
	if (!raw || btf_parse(&b, raw, (uint32_t)size, false, &d)) {
		fprintf(stderr, "coregen: /sys/kernel/btf/vmlinux: %s\n", raw ? d.msg : strerror(errno));
		return 1;
	}
	B = &b;

	/* Structs, unions and enums (one C tag namespace) by name; a name given to one type only is kept (vmlinux.h renames the
	 * others, and CO-RE would find several candidates). */
	uint32_t *ids = malloc((b.nr_types + 1) * sizeof(*ids)), n = 0;
	bool *unique = calloc(b.nr_types + 1, 1);
	if (!ids || !unique)
		return 1;
	for (uint32_t id = 1; id <= b.nr_types; id++) {
		const struct btf_type *t = btf_type(&b, id);
		uint32_t k = btf_kind(t);
		if ((k == BTF_KIND_STRUCT || k == BTF_KIND_UNION || k == BTF_KIND_FWD || k == BTF_KIND_ENUM ||
		     k == BTF_KIND_ENUM64) && t->name_off)
			ids[n++] = id;
	}
	qsort(ids, n, sizeof(*ids), cmp_name);
	for (uint32_t i = 0; i < n; i++) {
		const char *name = btf_type_name(&b, btf_type(&b, ids[i]));
		bool dup = (i > 0 && !strcmp(name, btf_type_name(&b, btf_type(&b, ids[i - 1])))) ||
			   (i + 1 < n && !strcmp(name, btf_type_name(&b, btf_type(&b, ids[i + 1]))));
		unique[ids[i]] = !dup && btf_kind(btf_type(&b, ids[i])) == BTF_KIND_STRUCT && plain_name(name);
	}

	/* Per struct with at least MIN_FIELDS readable members (in id order): up to MAX_FIELDS of
	 * them, a pointer member to another such struct read as a two-step chain (at most three per
	 * struct). Programs take the fields in this order, so the records of one program mostly share
	 * a struct and the object holds about NRELOS / 9 distinct ones (clang's time grows fast with
	 * distinct types, the loaders' with both). */
	enum { MIN_FIELDS = 8, MAX_FIELDS = 10, MAX_CHAINS = 3 };
	struct field *f = malloc((size_t)MAX_FIELDS * b.nr_types * sizeof(*f));
	uint32_t nf = 0;
	if (!f)
		return 1;
	for (uint32_t id = 1; id <= b.nr_types; id++) {
		if (!unique[id])
			continue;
		const struct btf_type *t = btf_type(&b, id);
		const struct btf_member *m = btf_members(t);
		uint32_t got = 0, chains = 0;
		for (uint32_t i = 0; i < btf_vlen(t) && got < MAX_FIELDS; i++) {
			const char *mn = btf_str(&b, m[i].name_off), *m2 = NULL;
			if (btf_member_bitfield_size(t, &m[i]) || !plain_name(mn) || !scalar(m[i].type))
				continue;
			int r = btf_skip_mods(&b, m[i].type);
			const struct btf_type *pt = btf_type(&b, (uint32_t)r);
			int s = btf_kind(pt) == BTF_KIND_PTR ? btf_skip_mods(&b, pt->type) : 0;
			if (s > 0 && (uint32_t)s != id && unique[s] && chains < MAX_CHAINS) {
				const struct btf_type *st = btf_type(&b, (uint32_t)s);
				for (uint32_t j = 0; j < btf_vlen(st) && !m2; j++) {
					const struct btf_member *sm = &btf_members(st)[j];
					const char *smn = btf_str(&b, sm->name_off);
					if (!btf_member_bitfield_size(st, sm) && plain_name(smn) && scalar(sm->type))
						m2 = smn;
				}
				chains += m2 != NULL;
			}
			f[nf + got++] = (struct field){id, mn, m2};
		}
		if (got >= MIN_FIELDS)
			nf += got;
	}
	if (!nf) {
		fprintf(stderr, "coregen: no readable struct fields in the kernel's BTF\n");
		return 1;
	}

	/* Within one program no (struct, member) access twice: clang shares the relocated offset of
	 * identical accesses, and the record count would come out short. */
	struct use {
		uint32_t sid;
		const char *m;
	} *used = malloc((size_t)(nrelos / nprogs + 3) * sizeof(*used));
	bool *seen = calloc(b.nr_types + 1, 1);
	long made = 0, next = 0, structs = 0;
	if (!used || !seen)
		return 1;
	FILE *out = NULL;
	long part = -1;
	for (long p = 0; p < nprogs; p++) {
		long nused = 0, skipped = 0;
		long quota = nrelos / nprogs + (p < nrelos % nprogs);
		if (p * parts / nprogs != part) {
			char path[4096];
			if (out && (fprintf(out, "char LICENSE[] SEC(\"license\") = \"GPL\";\n") < 0 || fclose(out)))
				return 1;
			part = p * parts / nprogs;
			snprintf(path, sizeof(path), "%s.%ld.bpf.c", argv[4], part);
			out = fopen(path, "w");
			if (!out) {
				fprintf(stderr, "coregen: %s: %s\n", path, strerror(errno));
				return 1;
			}
			fprintf(out, "// Generated by bench/coregen %ld %ld %ld: part %ld of an object of %ld raw_tp\n"
				     "// programs and %ld CO-RE relocations in all.\n#include \"vmlinux.h\"\n"
				     "#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_core_read.h>\n\n",
				nprogs, nrelos, parts, part, nprogs, nrelos);
		}
		fprintf(out, "SEC(\"raw_tp/sys_enter\")\nint p%ld(void *ctx)\n{\n"
		       "\tunsigned long a = bpf_get_current_task(), x = 0;\n\n", p);
		while (quota > 0) {
			const struct field *fl = &f[next++ % nf];
			uint32_t sid2 = 0;
			if (fl->m2) {
				const struct btf_type *t = btf_type(&b, fl->sid);
				for (uint32_t i = 0; i < btf_vlen(t); i++)
					if (!strcmp(btf_str(&b, btf_members(t)[i].name_off), fl->m))
						sid2 = (uint32_t)btf_skip_mods(&b, btf_type(&b, (uint32_t)btf_skip_mods(&b,
							btf_members(t)[i].type))->type);
			}
			bool clash = fl->m2 && quota < 2;
			for (long u = 0; u < nused && !clash; u++)
				clash = (used[u].sid == fl->sid && !strcmp(used[u].m, fl->m)) ||
					(fl->m2 && used[u].sid == sid2 && !strcmp(used[u].m, fl->m2)) ||
					(fl->m2 && sid2 == fl->sid && !strcmp(fl->m, fl->m2));
			if (clash) {
				if (++skipped > 4 * (long)nf) {
					fprintf(stderr, "coregen: cannot find %ld distinct reads for program %ld\n", quota, p);
					return 1;
				}
				continue;
			}
			used[nused++] = (struct use){fl->sid, fl->m};
			if (fl->m2)
				used[nused++] = (struct use){sid2, fl->m2};
			structs += !seen[fl->sid] + (sid2 && !seen[sid2] && sid2 != fl->sid);
			seen[fl->sid] = true;
			seen[sid2] = true;
			const char *sn = btf_type_name(&b, btf_type(&b, fl->sid));
			if (fl->m2)
				fprintf(out, "\tx += (unsigned long)BPF_CORE_READ((struct %s *)a, %s, %s);\n", sn, fl->m,
					fl->m2);
			else
				fprintf(out, "\tx += (unsigned long)BPF_CORE_READ((struct %s *)a, %s);\n", sn, fl->m);
			quota -= fl->m2 ? 2 : 1;
			made += fl->m2 ? 2 : 1;
		}
		fprintf(out, "\treturn x & 1;\n}\n\n");
	}
	if (fprintf(out, "char LICENSE[] SEC(\"license\") = \"GPL\";\n") < 0 || fclose(out))
		return 1;
	fprintf(stderr, "coregen: %ld programs, %ld relocations, %ld distinct structs\n", nprogs, made,
		structs);
	return 0;
}
