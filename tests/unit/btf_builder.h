/* tests/unit/btf_builder.h — BTF blobs built word by word for the BTF and .BTF.ext reader tests:
 * type records and strings (struct bb), serialised in either byte order with a header of any length,
 * and the header fields' offsets for breaking them on purpose. Parses nothing itself. */
#ifndef RAWLOAD_BTF_BUILDER_H
#define RAWLOAD_BTF_BUILDER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* For the readers' messages, which start with their subject ("btf: ", "btf.ext: "). */
static inline bool starts_with(const char *s, const char *pfx) { return strncmp(s, pfx, strlen(pfx)) == 0; }

/* A blob being built. */
struct bb {
	uint32_t w[2048];       /* type section, host order */
	uint32_t nw;
	char s[2048];           /* string section */
	uint32_t slen;
	uint32_t ntypes;
};

/* Empty: no types, the string "" at offset 0. */
void bb_init(struct bb *b);
/* Appends s to the strings; returns its offset. */
uint32_t bb_str(struct bb *b, const char *s);
/* Appends one word to the type section. */
void bb_word(struct bb *b, uint32_t v);
/* Start a type record (name NULL: anonymous); returns its id. Trailing words follow with bb_word. */
uint32_t bb_type(struct bb *b, const char *name, uint32_t kind, bool kflag, uint32_t vlen, uint32_t size_or_type);
/* Serialise: header of hdr_len bytes (24 + extra garbage), types, strings; in the host's byte
 * order or swapped. Returns a malloc'ed blob of *size bytes. */
uint8_t *bb_blob(const struct bb *b, uint32_t hdr_len, bool swap, uint32_t *size);
/* A one-type blob: an int named "int", then whatever the test appends. */
void tiny(struct bb *b);

/* Offsets of the header fields, to break them on purpose. */
enum { H_HDR_LEN = 4, H_TYPE_OFF = 8, H_TYPE_LEN = 12, H_STR_OFF = 16, H_STR_LEN = 20 };
/* Writes v at p + field (a header field of a BTF or .BTF.ext blob), swapped when swap. */
void hdr_put(uint8_t *p, uint32_t field, uint32_t v, bool swap);

#endif
