/* elf/elf.c — ELF64 parsing: header, section table, names, program headers, symbols, REL entries.
 * Every number read from the file is checked before it is used as an offset, size, index or
 * count; errors name the section and offset. Nothing here knows what a BPF program is. */
#include "elf/elf.h"

#include <errno.h>
#include <stdlib.h>

#include "common/endian.h"

enum { EHDR_SIZE = 64, SHDR_SIZE = 64, PHDR_SIZE = 56, SYM_SIZE = 24, REL_SIZE = 16 };

const char *elf_strtab_get(const uint8_t *tab, uint64_t size, uint64_t off)
{
	if (!tab || off >= size)
		return NULL;
	if (!memchr(tab + off, '\0', size - off))
		return NULL;
	return (const char *)tab + off;
}

/* off + len lies inside [0, size) without overflow. */
static bool in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int parse_sections(struct elf_file *f, uint64_t shoff, uint32_t shnum, uint32_t shstrndx,
			  struct diag *d)
{
	const bool sw = f->swap;

	f->sec = calloc(shnum, sizeof(*f->sec));
	if (!f->sec)
		return diag_set(d, -ENOMEM, "elf: out of memory for %u sections", shnum);
	f->nsec = shnum;

	for (uint32_t i = 0; i < shnum; i++) {
		const uint8_t *sh = f->data + shoff + (uint64_t)i * SHDR_SIZE;
		struct elf_section *s = &f->sec[i];
		uint64_t off = rd64(sh + 24, sw);

		s->type = rd32(sh + 4, sw);
		s->flags = rd64(sh + 8, sw);
		s->addr = rd64(sh + 16, sw);
		s->size = rd64(sh + 32, sw);
		s->link = rd32(sh + 40, sw);
		s->info = rd32(sh + 44, sw);
		s->addralign = rd64(sh + 48, sw);
		s->entsize = rd64(sh + 56, sw);
		if (s->type != ELF_SHT_NOBITS && s->type != ELF_SHT_NULL) {
			if (!in_bounds(off, s->size, f->size))
				return diag_set(d, -EINVAL,
						"elf: section %u: offset %#llx + size %#llx past end of file (%zu bytes)",
						i, (unsigned long long)off, (unsigned long long)s->size, f->size);
			s->data = f->data + off;
		}
	}

	if (shstrndx >= shnum || f->sec[shstrndx].type != ELF_SHT_STRTAB)
		return diag_set(d, -EINVAL, "elf: section-name table index %u is not a string table", shstrndx);
	const struct elf_section *names = &f->sec[shstrndx];
	for (uint32_t i = 0; i < shnum; i++) {
		uint32_t name_off = rd32(f->data + shoff + (uint64_t)i * SHDR_SIZE, sw);
		f->sec[i].name = i == 0 ? "" : elf_strtab_get(names->data, names->size, name_off);
		if (!f->sec[i].name)
			return diag_set(d, -EINVAL, "elf: section %u: name offset %#x outside the section-name table",
					i, name_off);
	}
	return 0;
}

int elf_symtab_count(const struct elf_file *f, uint32_t idx, uint32_t *count, struct diag *d)
{
	if (idx == 0 || idx >= f->nsec || (f->sec[idx].type != ELF_SHT_SYMTAB && f->sec[idx].type != ELF_SHT_DYNSYM))
		return diag_set(d, -EINVAL, "elf: section %u is not a symbol table", idx);
	const struct elf_section *st = &f->sec[idx];
	if (st->entsize != SYM_SIZE || st->size % SYM_SIZE)
		return diag_set(d, -EINVAL, "elf: section %u (%s): symbol entry size %llu, table size %llu",
				idx, st->name, (unsigned long long)st->entsize, (unsigned long long)st->size);
	if (st->link == 0 || st->link >= f->nsec || f->sec[st->link].type != ELF_SHT_STRTAB)
		return diag_set(d, -EINVAL, "elf: section %u (%s): link %u is not a string table", idx,
				st->name, st->link);
	uint64_t n = st->size / SYM_SIZE;
	if (n > UINT32_MAX)
		return diag_set(d, -EINVAL, "elf: section %u: too many symbols", idx);
	*count = (uint32_t)n;
	return 0;
}

int elf_sym_read(const struct elf_file *f, uint32_t idx, uint32_t i, struct elf_sym *s, struct diag *d)
{
	uint32_t n;
	int err = elf_symtab_count(f, idx, &n, d);
	if (err)
		return err;
	const struct elf_section *st = &f->sec[idx], *strs = &f->sec[st->link];
	/* Messages name the table only when it is not .symtab (the BPF object's one table). */
	const char *tab = st->type == ELF_SHT_SYMTAB ? "" : st->name, *sp = *tab ? " " : "";
	if (i >= n)
		return diag_set(d, -EINVAL, "elf: %s%ssymbol %u out of range (%u symbols)", tab, sp, i, n);

	const uint8_t *p = st->data + (uint64_t)i * SYM_SIZE;
	uint32_t name_off = rd32(p, f->swap);
	s->name = elf_strtab_get(strs->data, strs->size, name_off);
	if (!s->name)
		return diag_set(d, -EINVAL, "elf: %s%ssymbol %u: name offset %#x outside the string table", tab, sp,
				i, name_off);
	s->type = p[4] & 0xf;
	s->bind = p[4] >> 4;
	s->visibility = p[5] & 0x3;
	s->shndx = rd16(p + 6, f->swap);
	s->value = rd64(p + 8, f->swap);
	s->size = rd64(p + 16, f->swap);
	if (s->shndx != ELF_SHN_UNDEF && s->shndx < ELF_SHN_LORESERVE && s->shndx >= f->nsec)
		return diag_set(d, -EINVAL, "elf: %s%ssymbol %u (%s): section index %u out of range", tab, sp, i,
				s->name, s->shndx);
	if (s->shndx == 0xffff /* SHN_XINDEX */)
		return diag_set(d, -EINVAL, "elf: %s%ssymbol %u (%s): extended section indices not supported", tab,
				sp, i, s->name);
	return 0;
}

static int parse_symbols(struct elf_file *f, struct diag *d)
{
	uint32_t idx = 0, n;

	for (uint32_t i = 1; i < f->nsec; i++) {
		if (f->sec[i].type != ELF_SHT_SYMTAB)
			continue;
		if (idx)
			return diag_set(d, -EINVAL, "elf: section %u: a second symbol table", i);
		idx = i;
	}
	if (!idx)
		return 0; /* a BPF object without symbols has no programs; the model says so */
	int err = elf_symtab_count(f, idx, &n, d);
	if (err)
		return err;

	f->sym = calloc(n ? n : 1, sizeof(*f->sym));
	if (!f->sym)
		return diag_set(d, -ENOMEM, "elf: out of memory for %u symbols", n);
	f->symtab = idx;
	f->nsym = n;
	for (uint32_t i = 0; i < n; i++)
		if ((err = elf_sym_read(f, idx, i, &f->sym[i], d)))
			return err;
	return 0;
}

/* Magic, class and byte order: what every ELF file shares. Fills f->data/size/byte order. */
static int parse_ident(struct elf_file *f, const uint8_t *data, size_t size, struct diag *d)
{
	memset(f, 0, sizeof(*f));
	f->data = data;
	f->size = size;

	if (size < EHDR_SIZE || memcmp(data, "\177ELF", 4) != 0)
		return diag_set(d, -EINVAL, "elf: not an ELF file");
	if (data[4] != 2 /* ELFCLASS64 */)
		return diag_set(d, -EINVAL, "elf: not a 64-bit ELF file (class %u)", data[4]);
	if (data[5] != 1 && data[5] != 2)
		return diag_set(d, -EINVAL, "elf: unknown byte order %u", data[5]);
	f->big_endian = data[5] == 2;
	f->swap = f->big_endian != host_is_big_endian();
	f->type = rd16(data + 16, f->swap);
	f->machine = rd16(data + 18, f->swap);
	return 0;
}

/* The section header table: its place and count from the header (or section 0), then each entry. */
static int parse_section_table(struct elf_file *f, struct diag *d)
{
	const uint8_t *data = f->data;
	const size_t size = f->size;
	const bool sw = f->swap;
	uint64_t shoff = rd64(data + 40, sw);
	uint16_t shentsize = rd16(data + 58, sw);
	uint32_t shnum = rd16(data + 60, sw);
	uint32_t shstrndx = rd16(data + 62, sw);

	if (shoff == 0)
		return diag_set(d, -EINVAL, "elf: no section headers");
	if (shentsize != SHDR_SIZE)
		return diag_set(d, -EINVAL, "elf: section header size %u, expected %u", shentsize, SHDR_SIZE);
	if (!in_bounds(shoff, SHDR_SIZE, size))
		return diag_set(d, -EINVAL, "elf: section headers at %#llx past end of file",
				(unsigned long long)shoff);
	/* Extended numbering: counts that do not fit the header live in section 0. */
	if (shnum == 0) {
		uint64_t n = rd64(data + shoff + 32, sw);
		shnum = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	}
	if (shstrndx == 0xffff)
		shstrndx = rd32(data + shoff + 40, sw);
	if (shnum == 0 || shnum > (size - shoff) / SHDR_SIZE)
		return diag_set(d, -EINVAL, "elf: %u section headers at %#llx do not fit the file", shnum,
				(unsigned long long)shoff);
	return parse_sections(f, shoff, shnum, shstrndx, d);
}

int elf_parse(struct elf_file *f, const uint8_t *data, size_t size, struct diag *d)
{
	int err = parse_ident(f, data, size, d);
	if (err)
		return err;
	if (f->machine != ELF_EM_BPF)
		return diag_set(d, -EINVAL, "elf: not a BPF object (machine %u)", f->machine);
	if (f->type != ELF_ET_REL)
		return diag_set(d, -EINVAL, "elf: not a relocatable object (type %u)", f->type);

	err = parse_section_table(f, d);
	if (!err)
		err = parse_symbols(f, d);
	if (!err)
		err = elf_index_build(f, d);
	if (err)
		elf_close(f);
	return err;
}

/* Program headers: where each segment lies in the file and in memory. PT_LOAD entries are what
 * turn a symbol's address into a file offset, so they are checked; other types are kept as read. */
static int parse_segments(struct elf_file *f, struct diag *d)
{
	const bool sw = f->swap;
	uint64_t phoff = rd64(f->data + 32, sw);
	uint16_t phentsize = rd16(f->data + 54, sw);
	uint32_t phnum = rd16(f->data + 56, sw);

	/* PN_XNUM: more than 0xfffe program headers, the count is section 0's sh_info. */
	if (phnum == 0xffff && f->nsec > 0)
		phnum = f->sec[0].info;
	if (phnum == 0 || phoff == 0)
		return diag_set(d, -EINVAL, "elf: no program headers");
	if (phentsize != PHDR_SIZE)
		return diag_set(d, -EINVAL, "elf: program header size %u, expected %u", phentsize, PHDR_SIZE);
	if (phoff > f->size || phnum > (f->size - phoff) / PHDR_SIZE)
		return diag_set(d, -EINVAL, "elf: %u program headers at %#llx do not fit the file", phnum,
				(unsigned long long)phoff);

	f->seg = calloc(phnum, sizeof(*f->seg));
	if (!f->seg)
		return diag_set(d, -ENOMEM, "elf: out of memory for %u program headers", phnum);
	f->nseg = phnum;
	for (uint32_t i = 0; i < phnum; i++) {
		const uint8_t *ph = f->data + phoff + (uint64_t)i * PHDR_SIZE;
		struct elf_segment *s = &f->seg[i];
		s->type = rd32(ph, sw);
		s->flags = rd32(ph + 4, sw);
		s->offset = rd64(ph + 8, sw);
		s->vaddr = rd64(ph + 16, sw);
		s->filesz = rd64(ph + 32, sw);
		s->memsz = rd64(ph + 40, sw);
		if (s->type != ELF_PT_LOAD)
			continue;
		if (!in_bounds(s->offset, s->filesz, f->size))
			return diag_set(d, -EINVAL,
					"elf: program header %u: offset %#llx + file size %#llx past end of file (%zu bytes)",
					i, (unsigned long long)s->offset, (unsigned long long)s->filesz, f->size);
		if (s->filesz > s->memsz)
			return diag_set(d, -EINVAL, "elf: program header %u: file size %#llx above memory size %#llx", i,
					(unsigned long long)s->filesz, (unsigned long long)s->memsz);
		if (s->vaddr + s->memsz < s->vaddr)
			return diag_set(d, -EINVAL, "elf: program header %u: address %#llx + size %#llx wraps", i,
					(unsigned long long)s->vaddr, (unsigned long long)s->memsz);
	}
	return 0;
}

int elf_parse_binary(struct elf_file *f, const uint8_t *data, size_t size, struct diag *d)
{
	int err = parse_ident(f, data, size, d);
	if (err)
		return err;
	if (f->type != ELF_ET_EXEC && f->type != ELF_ET_DYN)
		return diag_set(d, -EINVAL, "elf: not an executable or shared library (type %u)", f->type);

	err = parse_section_table(f, d);
	if (!err)
		err = parse_segments(f, d);
	if (!err)
		err = elf_index_build(f, d);
	if (err)
		elf_close(f);
	return err;
}

int elf_parse_sections(struct elf_file *f, const uint8_t *data, size_t size, struct diag *d)
{
	int err = parse_ident(f, data, size, d);
	if (!err)
		err = parse_section_table(f, d);
	if (err)
		elf_close(f);
	return err;
}

void elf_close(struct elf_file *f)
{
	elf_index_free(f);
	free(f->sec);
	free(f->sym);
	free(f->seg);
	f->sec = NULL;
	f->sym = NULL;
	f->seg = NULL;
	f->nsec = f->nsym = f->nseg = 0;
}

const struct elf_section *elf_find_section_type(const struct elf_file *f, uint32_t type)
{
	for (uint32_t i = 1; i < f->nsec; i++)
		if (f->sec[i].type == type)
			return &f->sec[i];
	return NULL;
}

uint32_t elf_rel_count(const struct elf_section *rel)
{
	return (uint32_t)(rel->size / REL_SIZE);
}

int elf_rel_get(const struct elf_file *f, const struct elf_section *rel, uint32_t i, uint32_t width,
		struct elf_rel *out, struct diag *d)
{
	uint32_t relidx = elf_section_index(f, rel);

	if (rel->entsize != REL_SIZE || rel->size % REL_SIZE)
		return diag_set(d, -EINVAL, "elf: section %u (%s): relocation entry size %llu", relidx,
				rel->name, (unsigned long long)rel->entsize);
	if ((uint64_t)i >= rel->size / REL_SIZE)
		return diag_set(d, -EINVAL, "elf: section %u (%s): relocation %u out of range", relidx,
				rel->name, i);
	if (rel->info == 0 || rel->info >= f->nsec)
		return diag_set(d, -EINVAL, "elf: section %u (%s): patches section %u, out of range", relidx,
				rel->name, rel->info);
	if (rel->link != f->symtab || f->symtab == 0)
		return diag_set(d, -EINVAL, "elf: section %u (%s): symbol table link %u is not the symbol table",
				relidx, rel->name, rel->link);

	const uint8_t *p = rel->data + (uint64_t)i * REL_SIZE;
	uint64_t info = rd64(p + 8, f->swap);
	const struct elf_section *target = &f->sec[rel->info];

	out->offset = rd64(p, f->swap);
	out->sym = (uint32_t)(info >> 32);
	out->type = (uint32_t)info;
	if (out->sym >= f->nsym)
		return diag_set(d, -EINVAL, "elf: section %u (%s): relocation %u: symbol %u out of range",
				relidx, rel->name, i, out->sym);
	if (!in_bounds(out->offset, width, target->size))
		return diag_set(d, -EINVAL,
				"elf: section %u (%s): relocation %u: offset %#llx + %u past end of section %s (%llu bytes)",
				relidx, rel->name, i, (unsigned long long)out->offset, width, target->name,
				(unsigned long long)target->size);
	return 0;
}
