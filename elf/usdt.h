/* elf/usdt.h — SystemTap SDT probes (USDT) of an executable or shared library, read from its ELF:
 * the notes of `.note.stapsdt` (owner "stapsdt", type 3), the `.stapsdt.base` address, and where a
 * probe and its semaphore lie in the file (the uprobe PMU takes file offsets). Pure: no I/O; every
 * offset and length is checked against the section. Doesn't own: the argument strings' meaning
 * (loader/attach/usdt_spec.c), attaching (loader/attach/usdt.c). ELF64 only, like elf/elf.c. */
#ifndef RAWLOAD_ELF_USDT_H
#define RAWLOAD_ELF_USDT_H

#include <stdint.h>

#include "common/diag.h"
#include "elf/elf.h"

/* One probe note, as the linker left it. */
struct elf_usdt_note {
	uint64_t pc;            /* the probe's address (a nop) at link time */
	uint64_t base;          /* .stapsdt.base's address at link time (0: not recorded) */
	uint64_t semaphore;     /* the semaphore's address at link time, 0 when the probe has none */
	const char *provider;   /* NUL-terminated, inside the file */
	const char *name;       /* likewise, never empty */
	const char *args;       /* the argument string ("-4@%edi 8@-16(%rbp)"), "" for none */
	uint64_t note_off;      /* where the note starts inside the section, for messages */
};

/* Walks the notes of .note.stapsdt in order. */
struct elf_usdt_iter {
	const struct elf_file *f;
	const struct elf_section *sec;
	uint64_t pos;           /* next note's offset inside the section */
	uint32_t align;         /* note padding: 4, or 8 when the section says so */
};

/* Starts a walk. Returns 0, -ENOENT when the file has no .note.stapsdt section (d says so), or
 * -EINVAL when that section is not of type SHT_NOTE. */
int elf_usdt_iter_init(const struct elf_file *f, struct elf_usdt_iter *it, struct diag *d);
/* The next stapsdt note: 1 with *out filled, 0 at the end, -EINVAL with d set ("elf: .note.stapsdt
 * +0x40: ...") when a note does not fit or its strings are not terminated. Notes of another owner
 * or type are passed over. */
int elf_usdt_next(struct elf_usdt_iter *it, struct elf_usdt_note *out, struct diag *d);

/* Where a probe is in the file. */
struct elf_usdt_loc {
	uint64_t addr;          /* pc moved by as much as .stapsdt.base moved (prelink), else pc */
	uint64_t offset;        /* its file offset, inside an executable PT_LOAD's file part */
	uint32_t segment;       /* that program header's index */
	uint64_t sema_addr;     /* the semaphore's address, moved likewise; 0 when none */
	uint64_t sema_offset;   /* its file offset (2-byte aligned, in a non-executable PT_LOAD's file
	                         * part); 0 when none */
};

/* Locates note n in f: the adjustment is .stapsdt.base's sh_addr minus n->base when the file has
 * that section and the note records a base (the SystemTap wiki, "UserSpaceProbeImplementation":
 * prelink moves sections but not notes). Returns 0, or -EINVAL with d set when the probe is in no
 * executable segment, or the semaphore is in an executable one, outside the file or misaligned. */
int elf_usdt_locate(const struct elf_file *f, const struct elf_usdt_note *n, struct elf_usdt_loc *out,
		    struct diag *d);

#endif
