/* elf/funcoff.h — where a function of an executable or shared library lies in its file: the
 * function's symbol (.symtab first, then .dynsym) and the PT_LOAD segment that maps it. Uprobes
 * need this: the kernel places them by file offset, not by address. Pure: no I/O. */
#ifndef RAWLOAD_FUNCOFF_H
#define RAWLOAD_FUNCOFF_H

#include <stdbool.h>
#include <stdint.h>

#include "common/diag.h"
#include "elf/elf.h"

struct elf_func_loc {
	uint64_t addr;          /* the symbol's value: its virtual address in the file's own terms */
	uint64_t offset;        /* where its first byte is in the file (offset < file size) */
	uint64_t size;          /* the symbol's size (0 when the file does not say) */
	const char *table;      /* the table the symbol came from: ".symtab" or ".dynsym" (static
	                         * strings, by section type: valid after the file is gone) */
	uint32_t segment;       /* index of the PT_LOAD program header that maps it */
	bool weak;
};

/* Finds function `name` in a file parsed by elf_parse_binary. A symbol matches when it is a defined
 * STT_FUNC called `name`, or `name@@VERSION` (a default symbol version, as in some .symtab); the
 * first table with a match wins. Several matches at one address are aliases; at different
 * addresses a non-weak symbol wins over weak ones, and two non-weak ones are ambiguous.
 * The address becomes a file offset through the PT_LOAD segment holding it:
 * offset = p_offset + (addr - p_vaddr), inside the segment's file part.
 * Returns 0, -ENOENT when there is no such function (d says which tables were searched), or
 * -EINVAL with d filled: ambiguous, an IFUNC (its address is the resolver's), in no PT_LOAD
 * segment or in a segment's zero-filled tail, or a malformed symbol table. */
int elf_sym_file_offset(const struct elf_file *f, const char *name, struct elf_func_loc *out, struct diag *d);

/* A function a pattern matched: its name (into the file's string table) and file offset. */
struct elf_func_match {
	const char *name;
	uint64_t offset;
};

/* Does str match the glob pattern ('*' any run of characters, '?' one character, anything else
 * itself)? Iterative: at most len(str) * len(pattern) steps, whatever the pattern. */
bool elf_glob_match(const char *str, const char *pattern);

/* Every defined STT_FUNC symbol whose name matches the glob pattern, in the first table with a
 * match (.symtab, else .dynsym: libbpf's order for uprobe.multi), as file offsets through the
 * PT_LOAD segment that maps each (as elf_sym_file_offset); sorted by offset, each offset once
 * (aliases of one function would probe it twice). Symbols outside the file part of every segment
 * are skipped. *out is malloc'd (the caller frees it), *n its count. Returns 0, -ENOENT when
 * nothing matches (d says so), -ENOMEM, or -EINVAL for a malformed table. Pure. */
int elf_funcs_matching(const struct elf_file *f, const char *pattern, struct elf_func_match **out, uint32_t *n,
		       struct diag *d);

#endif
