/* elf/funcoff.c — a function's file offset in an executable or shared library (see funcoff.h):
 * search .symtab, then .dynsym, then map the address through the PT_LOAD segment holding it.
 * Every symbol read goes through elf_sym_read's checks; nothing here trusts the file either. */
#include "elf/funcoff.h"

#include <errno.h>
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
