/* btf/ext.c — parsing .BTF.ext. Each subsection is a u32 record size followed by groups
 * {sec_name_off, num_info, records...}; all counts are checked against the bytes present. */
#include "btf/ext.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "common/endian.h"

struct name_key {
	const char *name;
	uint32_t g;
};

static int cmp_name(const void *a, const void *b)
{
	const struct name_key *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->g < y->g ? -1 : x->g > y->g);
}

struct off_key {
	uint32_t off, i;
};

static int cmp_off(const void *a, const void *b)
{
	const struct off_key *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static uint32_t insn_off(const struct btf_ext_info *info, const struct btf_ext_sec *s, uint32_t i)
{
	uint32_t off;
	memcpy(&off, btf_ext_rec(info, s, i), 4);
	return off;
}

/* Groups by name, and each group's records in insn_off order where the file did not keep it. */
static int index_info(struct btf_ext_info *info, const char *what, struct diag *d)
{
	struct name_key *names = calloc(info->nsec ? info->nsec : 1, sizeof(*names));
	info->by_name = calloc(info->nsec ? info->nsec : 1, sizeof(*info->by_name));
	if (!names || !info->by_name) {
		free(names);
		return diag_set(d, -ENOMEM, "btf.ext: %s: out of memory", what);
	}
	for (uint32_t g = 0; g < info->nsec; g++)
		names[g] = (struct name_key){info->sec[g].sec_name, g};
	qsort(names, info->nsec, sizeof(*names), cmp_name);
	for (uint32_t g = 0; g < info->nsec; g++)
		info->by_name[g] = names[g].g;
	free(names);
	for (uint32_t g = 0; g < info->nsec; g++) {
		struct btf_ext_sec *s = &info->sec[g];
		bool sorted = true;
		for (uint32_t i = 1; i < s->count && sorted; i++)
			sorted = insn_off(info, s, i - 1) <= insn_off(info, s, i);
		if (sorted)
			continue;
		struct off_key *keys = calloc(s->count, sizeof(*keys));
		s->order = calloc(s->count, sizeof(*s->order));
		if (!keys || !s->order) {
			free(keys);
			return diag_set(d, -ENOMEM, "btf.ext: %s: out of memory", what);
		}
		for (uint32_t i = 0; i < s->count; i++)
			keys[i] = (struct off_key){insn_off(info, s, i), i};
		qsort(keys, s->count, sizeof(*keys), cmp_off);
		for (uint32_t i = 0; i < s->count; i++)
			s->order[i] = keys[i].i;
		free(keys);
	}
	return 0;
}

uint32_t btf_ext_lower_bound(const struct btf_ext_info *info, const struct btf_ext_sec *s, uint32_t off)
{
	uint32_t lo = 0, hi = s->count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, v;
		memcpy(&v, btf_ext_rec_sorted(info, s, mid), 4);
		if (v < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void free_info(struct btf_ext_info *info)
{
	for (uint32_t g = 0; info->sec && g < info->nsec; g++)
		free(info->sec[g].order);
	free(info->sec);
	free(info->by_name);
	memset(info, 0, sizeof(*info));
}

static int parse_info(struct btf_ext_info *info, const char *what, uint32_t min_rec,
		      const uint8_t *base, uint32_t off, uint32_t len, const struct btf_spec *btf,
		      struct diag *d)
{
	memset(info, 0, sizeof(*info));
	if (len == 0)
		return 0;
	if (len < 4 || off % 4)
		return diag_set(d, -EINVAL, "btf.ext: %s: subsection at %u of %u bytes is malformed", what, off, len);

	const uint8_t *p = base + off, *end = base + off + len;
	uint32_t rec_size;
	memcpy(&rec_size, p, 4);
	p += 4;
	if (rec_size < min_rec || rec_size % 4 || rec_size > 1024)
		return diag_set(d, -EINVAL, "btf.ext: %s: record size %u", what, rec_size);
	info->rec_size = rec_size;

	/* Count groups first so the array is allocated once. */
	uint32_t groups = 0;
	for (const uint8_t *q = p; q < end; groups++) {
		uint32_t hdr[2];
		if ((size_t)(end - q) < sizeof(hdr))
			return diag_set(d, -EINVAL, "btf.ext: %s: group %u header truncated", what, groups);
		memcpy(hdr, q, sizeof(hdr));
		q += sizeof(hdr);
		if (hdr[1] == 0)
			return diag_set(d, -EINVAL, "btf.ext: %s: group %u has no records", what, groups);
		if ((uint64_t)hdr[1] * rec_size > (uint64_t)(end - q))
			return diag_set(d, -EINVAL, "btf.ext: %s: group %u: %u records of %u bytes past the end",
					what, groups, hdr[1], rec_size);
		q += (size_t)hdr[1] * rec_size;
	}
	info->sec = calloc(groups ? groups : 1, sizeof(*info->sec));
	if (!info->sec)
		return diag_set(d, -ENOMEM, "btf.ext: out of memory");
	info->nsec = groups;
	for (uint32_t g = 0; g < groups; g++) {
		uint32_t hdr[2];
		memcpy(hdr, p, sizeof(hdr));
		p += sizeof(hdr);
		if (hdr[0] == 0 || hdr[0] >= btf->strs_len)
			return diag_set(d, -EINVAL, "btf.ext: %s: group %u: section name offset %#x invalid", what, g, hdr[0]);
		info->sec[g].sec_name = btf_str(btf, hdr[0]);
		info->sec[g].count = hdr[1];
		info->sec[g].recs = p;
		p += (size_t)hdr[1] * rec_size;
	}
	return index_info(info, what, d);
}

int btf_ext_parse(struct btf_ext_spec *e, const uint8_t *raw, uint32_t size, bool swap,
		  const struct btf_spec *btf, struct diag *d)
{
	memset(e, 0, sizeof(*e));
	if (size < 24)
		return diag_set(d, -EINVAL, "btf.ext: %u bytes, too short for a header", size);
	if (rd16(raw, swap) != BTF_MAGIC)
		return diag_set(d, -EINVAL, "btf.ext: bad magic %#x", rd16(raw, swap));
	if (raw[2] != 1)
		return diag_set(d, -EINVAL, "btf.ext: version %u not supported", raw[2]);
	if (size % 4)
		return diag_set(d, -EINVAL, "btf.ext: size %u is not a multiple of 4", size);

	/* Every field after the first 4 header bytes is a u32: make one host-order copy when needed. */
	const uint8_t *base = raw;
	if (swap || ((uintptr_t)raw & 3)) {
		e->owned = malloc(size);
		if (!e->owned)
			return diag_set(d, -ENOMEM, "btf.ext: out of memory");
		memcpy(e->owned, raw, 4);
		for (uint32_t i = 4; i < size; i += 4) {
			uint32_t w = rd32(raw + i, swap);
			memcpy(e->owned + i, &w, 4);
		}
		base = e->owned;
	}

	uint32_t h[8] = {0}; /* hdr_len, func off/len, line off/len, core off/len */
	memcpy(h, base + 4, 20);
	uint32_t hdr_len = h[0];
	if (hdr_len < 24 || hdr_len > size) {
		btf_ext_close(e);
		return diag_set(d, -EINVAL, "btf.ext: header length %u", hdr_len);
	}
	if (hdr_len >= 32)
		memcpy(h + 5, base + 24, 8);
	uint32_t data_len = size - hdr_len;
	const uint8_t *data = base + hdr_len;
	for (int i = 1; i < 7; i += 2)
		if ((uint64_t)h[i] + h[i + 1] > data_len) {
			btf_ext_close(e);
			return diag_set(d, -EINVAL, "btf.ext: subsection %u+%u past the %u data bytes", h[i],
					h[i + 1], data_len);
		}

	int err = parse_info(&e->func, "func_info", sizeof(struct bpf_func_info), data, h[1], h[2], btf, d);
	if (!err)
		err = parse_info(&e->line, "line_info", sizeof(struct bpf_line_info), data, h[3], h[4], btf, d);
	if (!err)
		err = parse_info(&e->core, "core_relo", sizeof(struct bpf_core_relo), data, h[5], h[6], btf, d);
	if (err)
		btf_ext_close(e);
	return err;
}

void btf_ext_close(struct btf_ext_spec *e)
{
	free_info(&e->func);
	free_info(&e->line);
	free_info(&e->core);
	free(e->owned);
	memset(e, 0, sizeof(*e));
}

const struct btf_ext_sec *btf_ext_find(const struct btf_ext_info *info, const char *sec_name)
{
	if (!info->by_name) { /* hand-made (tests): scan */
		for (uint32_t i = 0; i < info->nsec; i++)
			if (strcmp(info->sec[i].sec_name, sec_name) == 0)
				return &info->sec[i];
		return NULL;
	}
	uint32_t lo = 0, hi = info->nsec;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strcmp(info->sec[info->by_name[mid]].sec_name, sec_name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < info->nsec && strcmp(info->sec[info->by_name[lo]].sec_name, sec_name) == 0)
		return &info->sec[info->by_name[lo]];
	return NULL;
}
