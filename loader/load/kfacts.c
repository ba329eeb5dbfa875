/* loader/load/kfacts.c — .config values, kallsyms addresses and the release string (see kfacts.h).
 * The texts are untrusted in the sense that they are parsed defensively: lines of any length,
 * missing newlines, numbers that overflow. */
#include "loader/load/kfacts.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The line starting at text[i], without its newline: [i, *end). */
static size_t line_end(const char *text, size_t len, size_t i)
{
	const char *nl = memchr(text + i, '\n', len - i);
	return nl ? (size_t)(nl - text) : len;
}

const char *kfacts_config_find(const char *text, size_t len, const char *name, size_t *vlen)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < len;) {
		size_t end = line_end(text, len, i);
		if (end - i > n && memcmp(text + i, name, n) == 0 && text[i + n] == '=') {
			*vlen = end - i - n - 1;
			return text + i + n + 1;
		}
		i = end + 1;
	}
	return NULL;
}

static void put_host(uint8_t *p, uint64_t v, uint32_t size)
{
	/* The map holds host-order values: the programs run on this machine. */
	union {
		uint64_t u64;
		uint32_t u32;
		uint16_t u16;
		uint8_t u8;
	} u;
	switch (size) {
	case 1: u.u8 = (uint8_t)v; break;
	case 2: u.u16 = (uint16_t)v; break;
	case 4: u.u32 = (uint32_t)v; break;
	default: u.u64 = v; break;
	}
	memcpy(p, &u, size);
}

int kfacts_set_int(const struct obj_extern *e, uint64_t v, uint8_t *image, struct diag *d)
{
	if (e->kcfg != KCFG_INT && e->kcfg != KCFG_CHAR && e->kcfg != KCFG_BOOL)
		return diag_set(d, -EINVAL, "extern '%s': a number for a %s", e->name,
				e->kcfg == KCFG_STRING ? "string" : "tristate");
	if (e->size < 8) {
		uint64_t max = (UINT64_C(1) << (8 * e->size - (e->kcfg_signed ? 1 : 0))) - 1;
		if (v > max && !(e->kcfg_signed && (int64_t)v < 0 && (int64_t)v >= -(int64_t)max - 1))
			return diag_set(d, -EINVAL, "extern '%s': value %llu does not fit %u bytes", e->name,
					(unsigned long long)v, e->size);
	}
	put_host(image + e->offset, v, e->size);
	return 0;
}

/* A C-like integer: optional '-', decimal or 0x hex, nothing after it. */
static bool parse_int(const char *s, size_t n, uint64_t *out)
{
	bool neg = n && s[0] == '-';
	size_t i = neg;
	unsigned base = 10;
	uint64_t v = 0;
	if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		unsigned dgt;
		char c = s[i];
		if (c >= '0' && c <= '9')
			dgt = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			dgt = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			dgt = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - dgt) / base)
			return false;
		v = v * base + dgt;
	}
	*out = neg ? (uint64_t)-(int64_t)v : v;
	return true;
}

int kfacts_config_set(const struct obj_extern *e, const char *value, size_t vlen, uint8_t *image,
		      struct diag *d)
{
	uint8_t *p = image + e->offset;
	bool tri = vlen == 1 && (value[0] == 'y' || value[0] == 'm' || value[0] == 'n');
	uint64_t v;

	switch (e->kcfg) {
	case KCFG_BOOL:
		if (!tri || value[0] == 'm')
			return diag_set(d, -EINVAL, "extern '%s': bool, but the config says '%.*s'", e->name, (int)vlen,
					value);
		*p = value[0] == 'y';
		return 0;
	case KCFG_CHAR:
		if (!tri)
			return diag_set(d, -EINVAL, "extern '%s': char, but the config says '%.*s'", e->name, (int)vlen,
					value);
		*p = (uint8_t)value[0];
		return 0;
	case KCFG_TRISTATE:
		if (!tri)
			return diag_set(d, -EINVAL, "extern '%s': tristate, but the config says '%.*s'", e->name,
					(int)vlen, value);
		put_host(p, value[0] == 'y' ? 1 : value[0] == 'm' ? 2 : 0, e->size);
		return 0;
	case KCFG_STRING: {
		if (vlen < 2 || value[0] != '"' || value[vlen - 1] != '"')
			return diag_set(d, -EINVAL, "extern '%s': a string, but the config says '%.*s'", e->name,
					(int)vlen, value);
		size_t n = vlen - 2 < e->size - 1 ? vlen - 2 : e->size - 1;
		memcpy(p, value + 1, n);
		memset(p + n, 0, e->size - n);
		return 0;
	}
	case KCFG_INT:
		if (!parse_int(value, vlen, &v))
			return diag_set(d, -EINVAL, "extern '%s': a number, but the config says '%.*s'", e->name,
					(int)vlen, value);
		return kfacts_set_int(e, v, image, d);
	}
	return diag_set(d, -EINVAL, "extern '%s': unknown kind of value", e->name);
}

uint32_t kfacts_kernel_version(const char *release)
{
	uint32_t part[3] = {0, 0, 0};
	int k = 0;
	const char *s = release;
	while (k < 3) {
		if (*s < '0' || *s > '9')
			break;
		uint32_t v = 0;
		for (; *s >= '0' && *s <= '9'; s++)
			v = v < 100000 ? v * 10 + (uint32_t)(*s - '0') : v;
		part[k++] = v;
		if (*s != '.')
			break;
		s++;
	}
	if (k < 2 || part[0] > 255 || part[1] > 255)
		return 0;
	return part[0] << 16 | part[1] << 8 | (part[2] > 255 ? 255 : part[2]);
}

int kfacts_kallsyms_find(const char *text, size_t len, const char *name, uint64_t *addr)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < len;) {
		size_t end = line_end(text, len, i);
		/* "ffffffff81000000 T _stext" or "... t name\t[module]" */
		const char *sp1 = memchr(text + i, ' ', end - i);
		if (sp1 && (size_t)(end - (size_t)(sp1 - text)) > 3 && sp1[2] == ' ') {
			const char *nm = sp1 + 3;
			size_t rest = end - (size_t)(nm - text);
			size_t hl = (size_t)(sp1 - (text + i));
			char hex[19] = "0x";
			uint64_t v;
			if (rest == n && memcmp(nm, name, n) == 0 && hl > 0 && hl <= 16) {
				memcpy(hex + 2, text + i, hl);
				if (parse_int(hex, hl + 2, &v)) {
					*addr = v;
					return 1;
				}
			}
		}
		i = end + 1;
	}
	return 0;
}

const char *kfacts_syscall_prefix(const char *machine)
{
	static const struct { const char *machine, *prefix; } arch[] = {
		{"x86_64", "__x64_sys_"}, {"aarch64", "__arm64_sys_"}, {"s390x", "__s390x_sys_"},
		{"riscv64", "__riscv_sys_"},
	};
	for (size_t i = 0; i < sizeof(arch) / sizeof(arch[0]); i++)
		if (strcmp(machine, arch[i].machine) == 0)
			return arch[i].prefix;
	return NULL;
}

/* ---- indexes for many lookups ------------------------------------------------------------------ */

struct kfacts_key {
	const char *key;
	size_t klen, line; /* the line's start in the text */
};

static int cmp_key(const void *a, const void *b)
{
	const struct kfacts_key *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* key_of(text, start, end, &key, &klen): whether the line [start, end) has a key. */
static int build(const char *text, size_t len, struct kfacts_index *ix,
		 bool (*key_of)(const char *, size_t, size_t, const char **, size_t *))
{
	size_t lines = 0;
	for (size_t i = 0; i < len; i = line_end(text, len, i) + 1)
		lines++;
	ix->n = 0;
	ix->keys = calloc(lines ? lines : 1, sizeof(*ix->keys));
	if (!ix->keys)
		return -ENOMEM;
	for (size_t i = 0; i < len;) {
		size_t end = line_end(text, len, i);
		const char *k;
		size_t kl;
		if (key_of(text, i, end, &k, &kl))
			ix->keys[ix->n++] = (struct kfacts_key){k, kl, i};
		i = end + 1;
	}
	qsort(ix->keys, ix->n, sizeof(*ix->keys), cmp_key);
	return 0;
}

static bool config_key(const char *text, size_t i, size_t end, const char **k, size_t *kl)
{
	const char *eq = memchr(text + i, '=', end - i);
	if (!eq)
		return false;
	*k = text + i;
	*kl = (size_t)(eq - (text + i));
	return true;
}

static bool kallsyms_key(const char *text, size_t i, size_t end, const char **k, size_t *kl)
{
	const char *sp1 = memchr(text + i, ' ', end - i);
	if (!sp1 || (size_t)(end - (size_t)(sp1 - text)) <= 3 || sp1[2] != ' ')
		return false;
	*k = sp1 + 3;
	*kl = end - (size_t)(*k - text);
	return true;
}

int kfacts_index_config(const char *text, size_t len, struct kfacts_index *ix)
{
	return build(text, len, ix, config_key);
}

int kfacts_index_kallsyms(const char *text, size_t len, struct kfacts_index *ix)
{
	return build(text, len, ix, kallsyms_key);
}

void kfacts_index_free(struct kfacts_index *ix)
{
	free(ix->keys);
	ix->keys = NULL;
	ix->n = 0;
}

/* The first key equal to name (lowest line), or ix->n. */
static size_t first_key(const struct kfacts_index *ix, const char *name)
{
	const struct kfacts_key k = {name, strlen(name), 0};
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_key(&ix->keys[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->n && ix->keys[lo].klen == k.klen && memcmp(ix->keys[lo].key, name, k.klen) == 0 ? lo : ix->n;
}

const char *kfacts_config_find_ix(const char *text, size_t len, const struct kfacts_index *ix, const char *name,
				  size_t *vlen)
{
	if (!ix || !ix->keys)
		return kfacts_config_find(text, len, name, vlen);
	size_t at = first_key(ix, name);
	if (at == ix->n)
		return NULL;
	const struct kfacts_key *k = &ix->keys[at];
	size_t end = line_end(text, len, k->line);
	*vlen = end - k->line - k->klen - 1;
	return k->key + k->klen + 1;
}

int kfacts_kallsyms_find_ix(const char *text, size_t len, const struct kfacts_index *ix, const char *name,
			    uint64_t *addr)
{
	if (!ix || !ix->keys)
		return kfacts_kallsyms_find(text, len, name, addr);
	size_t n = strlen(name);
	for (size_t at = first_key(ix, name); at < ix->n; at++) {
		const struct kfacts_key *k = &ix->keys[at];
		if (k->klen != n || memcmp(k->key, name, n) != 0)
			break;
		size_t hl = (size_t)(k->key - 3 - (text + k->line));
		char hex[19] = "0x";
		uint64_t v;
		if (hl > 0 && hl <= 16) {
			memcpy(hex + 2, text + k->line, hl);
			if (parse_int(hex, hl + 2, &v)) {
				*addr = v;
				return 1;
			}
		}
	}
	return 0;
}
