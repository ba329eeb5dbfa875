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

#endif
