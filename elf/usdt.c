/* elf/usdt.c — reading USDT probe notes and placing probes in the file (see usdt.h).
 * A note is {namesz, descsz, type} (4 bytes each, file byte order), the owner name and the
 * descriptor, each padded; a stapsdt descriptor holds three addresses (8 bytes each in ELF64, file
 * byte order) and three NUL-terminated strings: provider, name, arguments. */
#include "elf/usdt.h"

#include <errno.h>
#include <string.h>

#include "common/endian.h"

enum { NOTE_HDR = 12, STAPSDT_TYPE = 3, ADDRS = 3 * 8 };
static const char owner[] = "stapsdt"; /* with its NUL: namesz 8 */

int elf_usdt_iter_init(const struct elf_file *f, struct elf_usdt_iter *it, struct diag *d)
{
	const struct elf_section *s = elf_find_section(f, ".note.stapsdt");
	memset(it, 0, sizeof(*it));
	if (!s)
		return diag_set(d, -ENOENT, "elf: no .note.stapsdt section (the file has no USDT probes)");
	if (s->type != ELF_SHT_NOTE || !s->data)
		return diag_set(d, -EINVAL, "elf: .note.stapsdt is of type %u, not a note section (7)", s->type);
	it->f = f;
	it->sec = s;
	it->align = s->addralign == 8 ? 8 : 4;
	return 0;
}

static uint64_t pad(uint64_t n, uint32_t align)
{
	return (n + align - 1) & ~(uint64_t)(align - 1);
}

/* The NUL-terminated string at *p inside [*p, end), which must be there; *p moves past its NUL. */
static const char *take_string(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nul = *p < end ? memchr(*p, '\0', (size_t)(end - *p)) : NULL;
	if (!nul)
		return NULL;
	const char *s = (const char *)*p;
	*p = nul + 1;
	return s;
}

int elf_usdt_next(struct elf_usdt_iter *it, struct elf_usdt_note *out, struct diag *d)
{
	const struct elf_section *s = it->sec;
	const bool sw = it->f->swap;

	/* Each pass consumes at least a header, so the walk ends within size/12 steps. */
	while (it->pos < s->size) {
		const uint64_t at = it->pos, left = s->size - at;
		if (left < NOTE_HDR)
			return diag_set(d, -EINVAL, "elf: .note.stapsdt +%#llx: %llu bytes left, a note header needs 12",
					(unsigned long long)at, (unsigned long long)left);
		const uint8_t *h = s->data + at;
		uint32_t namesz = rd32(h, sw), descsz = rd32(h + 4, sw), type = rd32(h + 8, sw);
		uint64_t name_len = pad(namesz, it->align), desc_len = pad(descsz, it->align);
		if (name_len > left - NOTE_HDR || desc_len > left - NOTE_HDR - name_len)
			return diag_set(d, -EINVAL,
					"elf: .note.stapsdt +%#llx: name of %u and descriptor of %u bytes run past the section (%llu bytes)",
					(unsigned long long)at, namesz, descsz, (unsigned long long)s->size);
		it->pos = at + NOTE_HDR + name_len + desc_len;
		const uint8_t *name = h + NOTE_HDR, *desc = name + name_len;
		if (type != STAPSDT_TYPE || namesz != sizeof(owner) || memcmp(name, owner, sizeof(owner)) != 0)
			continue; /* another owner's note */

		if (descsz < ADDRS + 3)
			return diag_set(d, -EINVAL, "elf: .note.stapsdt +%#llx: descriptor of %u bytes, at least %u needed",
					(unsigned long long)at, descsz, ADDRS + 3);
		const uint8_t *p = desc + ADDRS, *end = desc + descsz;
		memset(out, 0, sizeof(*out));
		out->note_off = at;
		out->pc = rd64(desc, sw);
		out->base = rd64(desc + 8, sw);
		out->semaphore = rd64(desc + 16, sw);
		out->provider = take_string(&p, end);
		out->name = out->provider ? take_string(&p, end) : NULL;
		out->args = out->name ? take_string(&p, end) : NULL;
		if (!out->args)
			return diag_set(d, -EINVAL, "elf: .note.stapsdt +%#llx: provider, name and arguments are not three terminated strings",
					(unsigned long long)at);
		if (!*out->name)
			return diag_set(d, -EINVAL, "elf: .note.stapsdt +%#llx: a probe without a name", (unsigned long long)at);
		if (*out->args == ':') /* an old spelling of "no arguments" */
			out->args = "";
		return 1;
	}
	return 0;
}

/* The PT_LOAD segment whose memory holds addr, or -1. */
static int segment_of(const struct elf_file *f, uint64_t addr)
{
	for (uint32_t i = 0; i < f->nseg; i++) {
		const struct elf_segment *s = &f->seg[i];
		if (s->type == ELF_PT_LOAD && addr >= s->vaddr && addr - s->vaddr < s->memsz)
			return (int)i;
	}
	return -1;
}

int elf_usdt_locate(const struct elf_file *f, const struct elf_usdt_note *n, struct elf_usdt_loc *out,
		    struct diag *d)
{
	const struct elf_section *base = elf_find_section(f, ".stapsdt.base");
	/* Unsigned wrap-around adds the (possibly negative) difference. */
	uint64_t shift = base && base->addr && n->base ? base->addr - n->base : 0;
	const char *pv = n->provider, *nm = n->name;

	memset(out, 0, sizeof(*out));
	out->addr = n->pc + shift;
	int seg = segment_of(f, out->addr);
	if (seg < 0)
		return diag_set(d, -EINVAL, "elf: USDT %s:%s at %#llx is in no loadable segment (PT_LOAD)", pv, nm,
				(unsigned long long)out->addr);
	const struct elf_segment *s = &f->seg[seg];
	if (!(s->flags & ELF_PF_X) || out->addr - s->vaddr >= s->filesz)
		return diag_set(d, -EINVAL, "elf: USDT %s:%s at %#llx: program header %d holding it is not executable code in the file",
				pv, nm, (unsigned long long)out->addr, seg);
	out->segment = (uint32_t)seg;
	out->offset = s->offset + (out->addr - s->vaddr); /* inside the file: checked at parse */

	if (!n->semaphore)
		return 0;
	out->sema_addr = n->semaphore + shift;
	seg = segment_of(f, out->sema_addr);
	s = seg >= 0 ? &f->seg[seg] : NULL;
	/* The kernel counts in the page the file maps there (uprobe ref_ctr_offset): a 2-byte counter
	 * in data the file holds, never in code. */
	if (!s || (s->flags & ELF_PF_X) || out->sema_addr - s->vaddr >= s->filesz ||
	    s->filesz - (out->sema_addr - s->vaddr) < 2)
		return diag_set(d, -EINVAL, "elf: USDT %s:%s: semaphore at %#llx is not in a data segment the file holds",
				pv, nm, (unsigned long long)out->sema_addr);
	out->sema_offset = s->offset + (out->sema_addr - s->vaddr);
	if (out->sema_offset % 2)
		return diag_set(d, -EINVAL, "elf: USDT %s:%s: semaphore at file offset %#llx is not 2-byte aligned", pv,
				nm, (unsigned long long)out->sema_offset);
	return 0;
}
