/* elf/elf.h — a hand-written ELF64 reader, both byte orders: BPF relocatable objects (elf_parse)
 * and, for uprobes, executables and shared libraries (elf_parse_binary, program headers too).
 * It owns: the header, section headers and names, program headers, symbol tables, string tables
 * and REL relocation entries. It knows nothing about BPF beyond checking e_machine. The file bytes
 * are borrowed, never copied: every pointer handed out points into them, after a bounds check. */
#ifndef RAWLOAD_ELF_H
#define RAWLOAD_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

/* Values from the ELF specification (not taken from <elf.h>, which musl and glibc spell alike,
 * to keep the module readable on its own). */
enum {
	ELF_SHT_NULL = 0, ELF_SHT_PROGBITS = 1, ELF_SHT_SYMTAB = 2, ELF_SHT_STRTAB = 3,
	ELF_SHT_RELA = 4, ELF_SHT_NOTE = 7, ELF_SHT_NOBITS = 8, ELF_SHT_REL = 9, ELF_SHT_DYNSYM = 11,
	ELF_SHF_WRITE = 0x1, ELF_SHF_ALLOC = 0x2, ELF_SHF_EXECINSTR = 0x4,
	ELF_STB_LOCAL = 0, ELF_STB_GLOBAL = 1, ELF_STB_WEAK = 2,
	ELF_STT_NOTYPE = 0, ELF_STT_OBJECT = 1, ELF_STT_FUNC = 2, ELF_STT_SECTION = 3, ELF_STT_FILE = 4,
	ELF_STT_GNU_IFUNC = 10,
	ELF_STV_DEFAULT = 0, ELF_STV_INTERNAL = 1, ELF_STV_HIDDEN = 2,
	ELF_SHN_UNDEF = 0, ELF_SHN_LORESERVE = 0xff00, ELF_SHN_ABS = 0xfff1, ELF_SHN_COMMON = 0xfff2,
	ELF_EM_BPF = 247,
	ELF_ET_REL = 1, ELF_ET_EXEC = 2, ELF_ET_DYN = 3,
	ELF_PT_NULL = 0, ELF_PT_LOAD = 1,
	ELF_PF_X = 1, ELF_PF_W = 2, ELF_PF_R = 4,
	ELF_EM_S390 = 22, ELF_EM_X86_64 = 62, ELF_EM_AARCH64 = 183, ELF_EM_RISCV = 243,
};

struct elf_section {
	const char *name;       /* from .shstrtab, NUL-terminated inside it */
	uint32_t type;          /* ELF_SHT_* */
	uint64_t flags;         /* ELF_SHF_* */
	uint64_t addr;          /* sh_addr: where the section is in memory (0 in relocatable objects) */
	uint64_t size;          /* bytes; for NOBITS the size in memory, no bytes in the file */
	uint32_t link, info;    /* for REL: link = symbol table, info = section patched */
	uint64_t entsize, addralign;
	const uint8_t *data;    /* size bytes inside the file; NULL for NOBITS and NULL sections */
};

struct elf_sym {
	const char *name;       /* "" when unnamed */
	uint64_t value, size;
	uint16_t shndx;         /* section index, or ELF_SHN_UNDEF / ELF_SHN_ABS / ELF_SHN_COMMON */
	uint8_t bind, type, visibility;
};

struct elf_rel {
	uint64_t offset;        /* byte offset inside the patched section, checked < its size */
	uint32_t sym;           /* symbol index, checked < nsym */
	uint32_t type;          /* R_BPF_* */
};

/* A program header (elf_parse_binary only). Only PT_LOAD entries are checked against the file. */
struct elf_segment {
	uint32_t type;          /* ELF_PT_* */
	uint32_t flags;         /* PF_X 1, PF_W 2, PF_R 4 */
	uint64_t offset;        /* PT_LOAD: offset + filesz lies inside the file */
	uint64_t vaddr;         /* PT_LOAD: vaddr + memsz does not wrap */
	uint64_t filesz, memsz; /* PT_LOAD: filesz <= memsz (the rest is zero-filled, like .bss) */
};

struct elf_file {
	const uint8_t *data;    /* the whole file (borrowed) */
	size_t size;
	bool big_endian;        /* file byte order */
	bool swap;              /* file byte order differs from the host's */
	uint16_t type;          /* ELF_ET_* */
	uint16_t machine;       /* e_machine: ELF_EM_BPF for elf_parse, anything for elf_parse_binary */
	uint32_t nsec;
	struct elf_section *sec; /* nsec entries, owned */
	uint32_t symtab;        /* index of the symbol table section; 0 when there is none */
	uint32_t nsym;
	struct elf_sym *sym;    /* nsym entries, owned (names point into the file); elf_parse only */
	uint32_t nseg;
	struct elf_segment *seg; /* nseg program headers, owned; elf_parse_binary only */
	/* Name indexes (elf/index.c), built by elf_parse and elf_parse_binary; owned. */
	struct elf_name_key *sec_keys, *sym_keys;
	uint32_t nsec_keys, nsym_keys;
};

/* Parse the header, section headers and symbol table of data[0..size). The bytes must outlive
 * the elf_file. Returns 0, or -EINVAL/-ENOMEM with d filled ("elf: section 7: ..."). */
int elf_parse(struct elf_file *f, const uint8_t *data, size_t size, struct diag *d);
/* Parse an executable or shared library (ET_EXEC or ET_DYN, any machine): header, section headers
 * and program headers. Symbols are not copied out (a shared library has thousands); read them with
 * elf_sym_read, or find a function with elf_sym_file_offset (elf/funcoff.h). A file without section
 * headers has no symbol tables to search and is refused. Returns 0, or -EINVAL/-ENOMEM with d
 * filled ("elf: program header 3: ..."). */
int elf_parse_binary(struct elf_file *f, const uint8_t *data, size_t size, struct diag *d);
/* Parse only the header and section headers of any 64-bit ELF file (any type, any machine): for
 * reading a section out of it, such as .BTF from a vmlinux or an object file. Returns 0, or
 * -EINVAL/-ENOMEM with d filled. */
int elf_parse_sections(struct elf_file *f, const uint8_t *data, size_t size, struct diag *d);
void elf_close(struct elf_file *f);

/* The first section of type (ELF_SHT_SYMTAB, ELF_SHT_DYNSYM, ...), or NULL. */
const struct elf_section *elf_find_section_type(const struct elf_file *f, uint32_t type);
/* Number of entries of symbol table section idx (SYMTAB or DYNSYM) after checking its entry size
 * and its string-table link; negative errno with d filled when those are wrong. */
int elf_symtab_count(const struct elf_file *f, uint32_t idx, uint32_t *count, struct diag *d);
/* Entry i of symbol table section idx, decoded and checked (name inside the string table, section
 * index in range). Returns 0 or -EINVAL with d filled ("elf: symbol 5: ..."). */
int elf_sym_read(const struct elf_file *f, uint32_t idx, uint32_t i, struct elf_sym *out, struct diag *d);

/* The section called name (the first, when several are), or NULL. O(log n) once indexed. */
const struct elf_section *elf_find_section(const struct elf_file *f, const char *name);
/* The first symbol (lowest index) defined in section shndx with this name and type (type -1:
 * any type but STT_SECTION), or NULL. O(log n) once indexed. */
const struct elf_sym *elf_find_symbol(const struct elf_file *f, uint32_t shndx, const char *name, int type);
/* Build (or rebuild) the name indexes of sections and symbols: elf_parse and elf_parse_binary do it.
 * Without them the lookups above scan. Returns 0 or -ENOMEM with d set. */
int elf_index_build(struct elf_file *f, struct diag *d);
void elf_index_free(struct elf_file *f);
/* Index of a section (pointer into f->sec). */
static inline uint32_t elf_section_index(const struct elf_file *f, const struct elf_section *s)
{
	return (uint32_t)(s - f->sec);
}

/* Number of entries in REL section rel (entsize checked at parse time). */
uint32_t elf_rel_count(const struct elf_section *rel);
/* Entry i of REL section rel, which patches section f->sec[rel->info]. Checks the symbol index
 * and that offset + width fits the patched section. Returns 0 or -EINVAL with d filled. */
int elf_rel_get(const struct elf_file *f, const struct elf_section *rel, uint32_t i, uint32_t width,
		struct elf_rel *out, struct diag *d);

/* The NUL-terminated string at off inside a string table of size bytes, or NULL when off is out
 * of range or the string runs off the end. */
const char *elf_strtab_get(const uint8_t *tab, uint64_t size, uint64_t off);

#endif
