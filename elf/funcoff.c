/* elf/funcoff.c — a function's file offset in an executable or shared library (see funcoff.h):
 * search .symtab, then .dynsym, then map the address through the PT_LOAD segment holding it.
 * Every symbol read goes through elf_sym_read's checks; nothing here trusts the file either. */
#include "elf/funcoff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* `sym` is `name`, or `name@@VERSION` when name carries no version itself: what a program linked
 * today gets. `name@VERSION` (one '@': an older, hidden version) must be asked for by its full name. */
static bool name_matches(const char *sym, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(sym, name, n) != 0)
		return false;
	if (sym[n] == '\0')
		return true;
	return !strchr(name, '@') && sym[n] == '@' && sym[n + 1] == '@';
}

struct match {
	bool found, ifunc;
	struct elf_sym sym;
};

/* One table: the match by the rules in funcoff.h, or -EINVAL when ambiguous or malformed. */
static int search_table(const struct elf_file *f, uint32_t idx, const char *name, struct match *m,
			struct diag *d)
{
	uint32_t n;
	int err = elf_symtab_count(f, idx, &n, d);
	if (err)
		return err;
	for (uint32_t i = 1; i < n; i++) {
		struct elf_sym s;
		if ((err = elf_sym_read(f, idx, i, &s, d)))
			return err;
		if (s.shndx == ELF_SHN_UNDEF || !name_matches(s.name, name))
			continue;
		if (s.type == ELF_STT_GNU_IFUNC) {
			m->ifunc = true;
			continue;
		}
		if (s.type != ELF_STT_FUNC)
			continue;
		if (!m->found) {
			m->found = true;
			m->sym = s;
			continue;
		}
		if (s.value == m->sym.value)
			continue; /* an alias */
		bool was_weak = m->sym.bind == ELF_STB_WEAK, weak = s.bind == ELF_STB_WEAK;
		if (was_weak && !weak)
			m->sym = s;
		else if (was_weak == weak)
			return diag_set(d, -EINVAL, "elf: %s: '%s' is ambiguous: functions at %#llx and %#llx",
					f->sec[idx].name, name, (unsigned long long)m->sym.value,
					(unsigned long long)s.value);
	}
	return 0;
}

int elf_sym_file_offset(const struct elf_file *f, const char *name, struct elf_func_loc *out, struct diag *d)
{
	static const uint32_t types[] = {ELF_SHT_SYMTAB, ELF_SHT_DYNSYM};
	static const char *const type_names[] = {".symtab", ".dynsym"};
	struct match m = {0};
	const char *table = NULL;
	bool any_table = false, ifunc = false;

	if (!name || !*name)
		return diag_set(d, -EINVAL, "elf: no function name given");
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]) && !m.found; t++) {
		const struct elf_section *sec = elf_find_section_type(f, types[t]);
		if (!sec)
			continue;
		any_table = true;
		table = type_names[t];
		int err = search_table(f, elf_section_index(f, sec), name, &m, d);
		if (err)
			return err;
		ifunc |= m.ifunc;
	}
	if (!m.found && ifunc)
		return diag_set(d, -EINVAL,
				"elf: '%s' is an IFUNC: its address is the resolver's, which runs once at load time; probe the implementation by its own name",
				name);
	if (!m.found)
		return diag_set(d, -ENOENT, "elf: no function '%s' in %s", name,
				any_table ? ".symtab or .dynsym" : "the file (it has no .symtab and no .dynsym)");

	/* The segment that maps the address; the function must lie in its file part. */
	const uint64_t addr = m.sym.value;
	for (uint32_t i = 0; i < f->nseg; i++) {
		const struct elf_segment *s = &f->seg[i];
		if (s->type != ELF_PT_LOAD || addr < s->vaddr || addr - s->vaddr >= s->memsz)
			continue;
		if (addr - s->vaddr >= s->filesz)
			return diag_set(d, -EINVAL,
					"elf: '%s' at %#llx lies in the zero-filled part of program header %u, not in the file",
					name, (unsigned long long)addr, i);
		*out = (struct elf_func_loc){
			.addr = addr,
			.offset = s->offset + (addr - s->vaddr), /* < offset + filesz <= file size: checked at parse */
			.size = m.sym.size,
			.table = table,
			.segment = i,
			.weak = m.sym.bind == ELF_STB_WEAK,
		};
		return 0;
	}
	return diag_set(d, -EINVAL, "elf: '%s' at %#llx is in no loadable segment (PT_LOAD)", name,
			(unsigned long long)addr);
}

bool elf_glob_match(const char *str, const char *pat)
{
	/* The classic greedy match with one backtrack point: the last '*' seen and where in str it
	 * started to stand for; a mismatch after it lets that '*' take one more character. */
	const char *star = NULL, *resume = NULL;
	while (*str) {
		if (*pat == '*') {
			star = ++pat;
			resume = str;
		} else if (*pat == '?' || *pat == *str) {
			pat++;
			str++;
		} else if (star) {
			pat = star;
			str = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

/* The file offset of addr through the PT_LOAD segment holding it; false when none holds it in its
 * file part. */
static bool addr_to_offset(const struct elf_file *f, uint64_t addr, uint64_t *offset)
{
	for (uint32_t i = 0; i < f->nseg; i++) {
		const struct elf_segment *s = &f->seg[i];
		if (s->type != ELF_PT_LOAD || addr < s->vaddr || addr - s->vaddr >= s->filesz)
			continue;
		*offset = s->offset + (addr - s->vaddr);
		return true;
	}
	return false;
}

static int cmp_match(const void *a, const void *b)
{
	const struct elf_func_match *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int elf_funcs_matching(const struct elf_file *f, const char *pattern, struct elf_func_match **out, uint32_t *n,
		       struct diag *d)
{
	static const uint32_t types[] = {ELF_SHT_SYMTAB, ELF_SHT_DYNSYM};
	*out = NULL;
	*n = 0;
	if (!pattern || !*pattern)
		return diag_set(d, -EINVAL, "elf: no function pattern given");
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		const struct elf_section *sec = elf_find_section_type(f, types[t]);
		uint32_t idx, count, cap = 0, used = 0;
		struct elf_func_match *m = NULL;
		if (!sec)
			continue;
		idx = elf_section_index(f, sec);
		int err = elf_symtab_count(f, idx, &count, d);
		if (err)
			return err;
		for (uint32_t i = 1; i < count; i++) {
			struct elf_sym s;
			uint64_t off;
			if ((err = elf_sym_read(f, idx, i, &s, d))) {
				free(m);
				return err;
			}
			if (s.type != ELF_STT_FUNC || s.shndx == ELF_SHN_UNDEF || !elf_glob_match(s.name, pattern) ||
			    !addr_to_offset(f, s.value, &off))
				continue;
			if (used == cap) {
				uint32_t want = cap ? cap * 2 : 16;
				struct elf_func_match *grown = want > cap ? realloc(m, (size_t)want * sizeof(*m)) : NULL;
				if (!grown) {
					free(m);
					return diag_set(d, -ENOMEM, "elf: out of memory");
				}
				m = grown;
				cap = want;
			}
			m[used++] = (struct elf_func_match){s.name, off};
		}
		if (!used)
			continue;
		qsort(m, used, sizeof(*m), cmp_match);
		uint32_t kept = 0;
		for (uint32_t i = 0; i < used; i++)
			if (!kept || m[i].offset != m[kept - 1].offset)
				m[kept++] = m[i];
		*out = m;
		*n = kept;
		return 0;
	}
	return diag_set(d, -ENOENT, "elf: no function matches '%s' in .symtab or .dynsym", pattern);
}
