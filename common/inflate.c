/* common/inflate.c — gzip/deflate decoding (see inflate.h). Canonical Huffman codes are decoded
 * one bit at a time from per-length counts: slow next to zlib's tables, but a few hundred lines
 * a student can follow, and a kernel config decompresses in a couple of milliseconds. */
#include "common/inflate.h"
#include "common/endian.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_BITS = 15, MAX_LIT = 288, MAX_DIST = 30 };

/* gzip's numbers are little-endian. */
static uint32_t le32(const uint8_t *p) { return rd32(p, host_is_big_endian()); }
static uint16_t le16(const uint8_t *p) { return rd16(p, host_is_big_endian()); }

struct inflater {
	const uint8_t *in;
	size_t n, pos;
	uint32_t bits;        /* bit buffer, least significant bit first */
	uint32_t nbits;
	uint8_t *out;
	size_t len, cap, max;
	struct diag *d;
};

/* A canonical Huffman code: how many codes of each length, and the symbols in code order. */
struct huff {
	uint16_t count[MAX_BITS + 1];
	uint16_t sym[MAX_LIT];
};

static int need(struct inflater *z, uint32_t k, uint32_t *v)
{
	while (z->nbits < k) {
		if (z->pos >= z->n)
			return diag_set(z->d, -EINVAL, "gzip: data ends inside a block");
		z->bits |= (uint32_t)z->in[z->pos++] << z->nbits;
		z->nbits += 8;
	}
	*v = z->bits & ((1u << k) - 1);
	z->bits >>= k;
	z->nbits -= k;
	return 0;
}

/* Build h from code lengths; an over-subscribed set of lengths is corrupt. Incomplete sets are
 * allowed (a single distance code is legal); their unused codes fail when decoded. */
static int build(struct huff *h, const uint8_t *lens, uint32_t n, struct diag *d)
{
	uint16_t offs[MAX_BITS + 2];
	int left = 1;
	memset(h->count, 0, sizeof(h->count));
	for (uint32_t s = 0; s < n; s++)
		h->count[lens[s]]++;
	for (int len = 1; len <= MAX_BITS; len++) {
		left = left * 2 - h->count[len];
		if (left < 0)
			return diag_set(d, -EINVAL, "gzip: over-subscribed Huffman code");
	}
	offs[1] = 0;
	for (int len = 1; len <= MAX_BITS; len++)
		offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
	for (uint32_t s = 0; s < n; s++)
		if (lens[s])
			h->sym[offs[lens[s]]++] = (uint16_t)s;
	return 0;
}

/* The next symbol: codes are read most significant bit first, one bit at a time; at each
 * length, the codes of that length are the `count` values starting at `first`. */
static int decode(struct inflater *z, const struct huff *h)
{
	int code = 0, first = 0, index = 0;
	for (int len = 1; len <= MAX_BITS; len++) {
		uint32_t bit;
		if (need(z, 1, &bit))
			return -EINVAL;
		code |= (int)bit;
		int count = h->count[len];
		if (code - first < count)
			return h->sym[index + code - first];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return diag_set(z->d, -EINVAL, "gzip: invalid Huffman code");
}

static int put(struct inflater *z, uint8_t byte)
{
	if (z->len == z->cap) {
		if (z->cap >= z->max)
			return diag_set(z->d, -E2BIG, "gzip: more than %zu bytes", z->max);
		size_t cap = z->cap ? z->cap * 2 : 65536;
		if (cap > z->max)
			cap = z->max;
		uint8_t *p = realloc(z->out, cap + 1);
		if (!p)
			return diag_set(z->d, -ENOMEM, "gzip: out of memory");
		z->out = p;
		z->cap = cap;
	}
	z->out[z->len++] = byte;
	return 0;
}

static const uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
				      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
				       33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
				       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
				       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

/* Literals and length/distance pairs until the end-of-block symbol. */
static int codes(struct inflater *z, const struct huff *lit, const struct huff *dist)
{
	for (;;) {
		int sym = decode(z, lit);
		if (sym < 0)
			return sym;
		if (sym < 256) {
			int e = put(z, (uint8_t)sym);
			if (e)
				return e;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return diag_set(z->d, -EINVAL, "gzip: length code %d", sym + 257);
		uint32_t extra, len, back;
		if (need(z, len_extra[sym], &extra))
			return -EINVAL;
		len = len_base[sym] + extra;
		int ds = decode(z, dist);
		if (ds < 0)
			return ds;
		if (ds >= 30)
			return diag_set(z->d, -EINVAL, "gzip: distance code %d", ds);
		if (need(z, dist_extra[ds], &extra))
			return -EINVAL;
		back = dist_base[ds] + extra;
		if (back > z->len)
			return diag_set(z->d, -EINVAL, "gzip: distance %u before the start of the output", back);
		for (uint32_t i = 0; i < len; i++) {
			int e = put(z, z->out[z->len - back]);
			if (e)
				return e;
		}
	}
}

static int stored(struct inflater *z)
{
	z->bits = z->nbits = 0; /* to the byte boundary */
	if (z->n - z->pos < 4)
		return diag_set(z->d, -EINVAL, "gzip: stored block header cut");
	uint32_t len = le16(z->in + z->pos), nlen = le16(z->in + z->pos + 2);
	z->pos += 4;
	if (len != (~nlen & 0xffff))
		return diag_set(z->d, -EINVAL, "gzip: stored block length check");
	if (z->n - z->pos < len)
		return diag_set(z->d, -EINVAL, "gzip: stored block cut");
	for (uint32_t i = 0; i < len; i++) {
		int e = put(z, z->in[z->pos + i]);
		if (e)
			return e;
	}
	z->pos += len;
	return 0;
}

static int fixed(struct inflater *z)
{
	static struct huff lit, dist;
	static bool built;
	if (!built) {
		uint8_t lens[MAX_LIT];
		uint32_t s = 0;
		for (; s < 144; s++) lens[s] = 8;
		for (; s < 256; s++) lens[s] = 9;
		for (; s < 280; s++) lens[s] = 7;
		for (; s < MAX_LIT; s++) lens[s] = 8;
		build(&lit, lens, MAX_LIT, z->d);
		memset(lens, 5, MAX_DIST);
		build(&dist, lens, MAX_DIST, z->d);
		built = true;
	}
	return codes(z, &lit, &dist);
}

static int dynamic(struct inflater *z)
{
	static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
	uint8_t lens[MAX_LIT + MAX_DIST];
	struct huff lit, dist, cl;
	uint32_t nlit, ndist, ncl, v;

	if (need(z, 5, &nlit) || need(z, 5, &ndist) || need(z, 4, &ncl))
		return -EINVAL;
	nlit += 257;
	ndist += 1;
	ncl += 4;
	if (nlit > 286 || ndist > MAX_DIST)
		return diag_set(z->d, -EINVAL, "gzip: %u literal/length and %u distance codes", nlit, ndist);
	memset(lens, 0, sizeof(lens));
	for (uint32_t i = 0; i < ncl; i++) {
		if (need(z, 3, &v))
			return -EINVAL;
		lens[order[i]] = (uint8_t)v;
	}
	if (build(&cl, lens, 19, z->d))
		return -EINVAL;
	for (uint32_t i = 0; i < nlit + ndist;) {
		int sym = decode(z, &cl);
		if (sym < 0)
			return sym;
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		uint32_t repeat;
		uint8_t value = 0;
		if (sym == 16) {
			if (i == 0)
				return diag_set(z->d, -EINVAL, "gzip: repeat with no previous length");
			value = lens[i - 1];
			if (need(z, 2, &repeat))
				return -EINVAL;
			repeat += 3;
		} else if (sym == 17) {
			if (need(z, 3, &repeat))
				return -EINVAL;
			repeat += 3;
		} else {
			if (need(z, 7, &repeat))
				return -EINVAL;
			repeat += 11;
		}
		if (i + repeat > nlit + ndist)
			return diag_set(z->d, -EINVAL, "gzip: code lengths overrun");
		while (repeat--)
			lens[i++] = value;
	}
	if (!lens[256])
		return diag_set(z->d, -EINVAL, "gzip: no end-of-block code");
	if (build(&lit, lens, nlit, z->d) || build(&dist, lens + nlit, ndist, z->d))
		return -EINVAL;
	return codes(z, &lit, &dist);
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t table[256];
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < n; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}


/* Past the gzip header: fixed fields, then the optional extra field, name, comment, header CRC. */
static int header(struct inflater *z)
{
	const uint8_t *p = z->in;
	if (z->n < 18 || p[0] != 0x1f || p[1] != 0x8b)
		return diag_set(z->d, -EINVAL, "gzip: not a gzip file");
	if (p[2] != 8 || (p[3] & 0xe0))
		return diag_set(z->d, -EINVAL, "gzip: method %u, flags %#x not supported", p[2], p[3]);
	uint8_t flg = p[3];
	size_t pos = 10;
	if (flg & 4) { /* FEXTRA */
		if (z->n - pos < 2)
			return diag_set(z->d, -EINVAL, "gzip: header cut");
		size_t xlen = le16(p + pos);
		if (z->n - pos - 2 < xlen)
			return diag_set(z->d, -EINVAL, "gzip: header cut");
		pos += 2 + xlen;
	}
	for (int f = 8; f <= 16; f <<= 1) { /* FNAME, FCOMMENT: NUL-terminated */
		if (!(flg & f))
			continue;
		const uint8_t *end = memchr(p + pos, 0, z->n - pos);
		if (!end)
			return diag_set(z->d, -EINVAL, "gzip: header cut");
		pos = (size_t)(end - p) + 1;
	}
	if (flg & 2) /* FHCRC */
		pos += 2;
	if (pos > z->n)
		return diag_set(z->d, -EINVAL, "gzip: header cut");
	z->pos = pos;
	return 0;
}

int gunzip(const uint8_t *in, size_t n, size_t max_out, uint8_t **out, size_t *out_len, struct diag *d)
{
	struct inflater z = {.in = in, .n = n, .max = max_out, .d = d};
	uint32_t last = 0, type;
	int err = header(&z);

	while (!err && !last) {
		if (need(&z, 1, &last) || need(&z, 2, &type)) {
			err = -EINVAL;
			break;
		}
		if (type == 0)
			err = stored(&z);
		else if (type == 1)
			err = fixed(&z);
		else if (type == 2)
			err = dynamic(&z);
		else
			err = diag_set(d, -EINVAL, "gzip: block type 3");
	}
	if (!err && z.n - z.pos < 8)
		err = diag_set(d, -EINVAL, "gzip: trailer cut");
	if (!err && le32(z.in + z.pos) != crc32_of(z.out, z.len))
		err = diag_set(d, -EINVAL, "gzip: CRC-32 mismatch");
	if (!err && le32(z.in + z.pos + 4) != (uint32_t)z.len)
		err = diag_set(d, -EINVAL, "gzip: length mismatch");
	if (!err && !z.out && !(z.out = malloc(1)))
		err = diag_set(d, -ENOMEM, "gzip: out of memory");
	if (err) {
		free(z.out);
		return err < 0 ? err : -EINVAL;
	}
	z.out[z.len] = '\0';
	*out = z.out;
	*out_len = z.len;
	return 0;
}
