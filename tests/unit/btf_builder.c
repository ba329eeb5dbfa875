/* tests/unit/btf_builder.c — builds BTF blobs word by word (see btf_builder.h). Knows the format's
 * layout, not its meaning: any record, valid or not, is written as asked. */
#include "btf_builder.h"

#include <linux/btf.h>
#include <stdlib.h>

#include "common/endian.h"

void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1; /* "" at offset 0 */
}

uint32_t bb_str(struct bb *b, const char *s)
{
	uint32_t off = b->slen;
	size_t n = strlen(s) + 1;
	memcpy(b->s + off, s, n);
	b->slen += (uint32_t)n;
	return off;
}

void bb_word(struct bb *b, uint32_t v) { b->w[b->nw++] = v; }

/* Start a type record; returns its id. */
uint32_t bb_type(struct bb *b, const char *name, uint32_t kind, bool kflag, uint32_t vlen,
		 uint32_t size_or_type)
{
	bb_word(b, name ? bb_str(b, name) : 0);
	bb_word(b, (kind << 24) | (kflag ? 1u << 31 : 0) | (vlen & 0xffff));
	bb_word(b, size_or_type);
	return ++b->ntypes;
}

/* Serialise: header of hdr_len bytes (24 + extra garbage), types, strings; in the host's byte
 * order or swapped. Returns a malloc'ed blob. */
uint8_t *bb_blob(const struct bb *b, uint32_t hdr_len, bool swap, uint32_t *size)
{
	uint32_t tlen = b->nw * 4;
	*size = hdr_len + tlen + b->slen;
	uint8_t *p = malloc(*size);
	uint32_t hdr[5] = {hdr_len, 0, tlen, tlen, b->slen};
	uint16_t magic = BTF_MAGIC;
	if (swap)
		magic = (uint16_t)((magic >> 8) | (magic << 8));
	memcpy(p, &magic, 2);
	p[2] = BTF_VERSION;
	p[3] = 0;
	for (int i = 0; i < 5; i++) {
		uint32_t v = swap ? bswap32_(hdr[i]) : hdr[i];
		memcpy(p + 4 + 4 * i, &v, 4);
	}
	for (uint32_t i = 24; i < hdr_len; i++)
		p[i] = (uint8_t)(0xa5 ^ i); /* newer header fields we do not know */
	for (uint32_t i = 0; i < b->nw; i++) {
		uint32_t v = swap ? bswap32_(b->w[i]) : b->w[i];
		memcpy(p + hdr_len + 4 * i, &v, 4);
	}
	memcpy(p + hdr_len + tlen, b->s, b->slen);
	return p;
}

void hdr_put(uint8_t *p, uint32_t field, uint32_t v, bool swap)
{
	if (swap)
		v = bswap32_(v);
	memcpy(p + field, &v, 4);
}

/* A one-type blob: an int named "int", then whatever the test appends. */
void tiny(struct bb *b)
{
	bb_init(b);
	bb_type(b, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(b, (BTF_INT_SIGNED << 24) | 32);
}
