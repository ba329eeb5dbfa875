/* tests/qemu/btfmember.c — where a struct's members are in a raw BTF file (the kernel's
 * /sys/kernel/btf/vmlinux): the independent witness for rawload's CO-RE narration in the old-kernel
 * run. Written apart from rawload's btf/ on purpose: a walk over the type records, nothing shared.
 * usage: btfmember FILE STRUCT [MEMBER...]
 * prints  struct NAME id ID size BYTES
 *         member NAME bit_offset B bitfield_size S byte_offset O byte_size Z
 * where byte_offset/byte_size are what a CO-RE field_byte_offset/field_byte_size relocation must
 * give: the member's offset for a plain member; for a bit-field, the smallest naturally aligned
 * load of the member's type size (doubled until the bits fit) that holds it, as libbpf computes. */
#include <linux/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *buf;
static size_t len;
static const struct btf_header *hdr;
static const char *strs;
static const struct btf_type **types; /* types[id], id 1..ntypes */
static uint32_t ntypes;

static int die(const char *msg)
{
	fprintf(stderr, "btfmember: %s\n", msg);
	exit(2);
}

static const char *name_of(uint32_t off)
{
	return off < hdr->str_len ? strs + off : "";
}

/* Bytes of kind-specific data after a type record (linux/btf.h). */
static size_t extra(const struct btf_type *t)
{
	uint32_t vlen = BTF_INFO_VLEN(t->info);
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT: return 4;
	case BTF_KIND_ARRAY: return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: return (size_t)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM: return (size_t)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO: return (size_t)vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR: return sizeof(struct btf_var);
	case BTF_KIND_DATASEC: return (size_t)vlen * sizeof(struct btf_var_secinfo);
	case 17 /* DECL_TAG */: return 4;
	case 19 /* ENUM64 */: return (size_t)vlen * 12;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case 16 /* FLOAT */:
	case 18 /* TYPE_TAG */: return 0;
	}
	die("unknown BTF kind");
	return 0;
}

/* The size in bytes of type id, through typedefs and qualifiers (bounded: BTF may loop). */
static uint32_t size_of(uint32_t id)
{
	for (int depth = 0; depth < 32; depth++) {
		if (id == 0 || id > ntypes)
			return 0;
		const struct btf_type *t = types[id];
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_INT: case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM:
		case 16 /* FLOAT */: case 19 /* ENUM64 */:
			return t->size;
		case BTF_KIND_PTR:
			return 8;
		case BTF_KIND_ARRAY: {
			const struct btf_array *a = (const void *)(t + 1);
			return size_of(a->type) * a->nelems;
		}
		case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
		case 18 /* TYPE_TAG */:
			id = t->type;
			continue;
		default:
			return 0;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: btfmember FILE STRUCT [MEMBER...]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		die("cannot open the file");
	size_t cap = 1 << 20;
	buf = malloc(cap);
	for (size_t n; buf && (n = fread(buf + len, 1, cap - len, f)) > 0;) {
		len += n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (!buf || len < sizeof(*hdr))
		die("short file");
	hdr = (const void *)buf;
	if (hdr->magic != BTF_MAGIC || hdr->hdr_len < sizeof(*hdr) || hdr->hdr_len > len ||
	    (uint64_t)hdr->hdr_len + hdr->type_off + hdr->type_len > len ||
	    (uint64_t)hdr->hdr_len + hdr->str_off + hdr->str_len > len || hdr->str_len == 0)
		die("not a BTF file (or a damaged header)");
	strs = (const char *)buf + hdr->hdr_len + hdr->str_off;
	if (strs[hdr->str_len - 1] != '\0')
		die("string section not terminated");

	/* One pass: record where each type starts. */
	const uint8_t *p = buf + hdr->hdr_len + hdr->type_off, *end = p + hdr->type_len;
	size_t tcap = 1024;
	types = malloc(tcap * sizeof(*types));
	while (p < end) {
		if ((size_t)(end - p) < sizeof(struct btf_type))
			die("truncated type record");
		const struct btf_type *t = (const void *)p;
		size_t n = sizeof(*t) + extra(t);
		if ((size_t)(end - p) < n)
			die("truncated type data");
		if (ntypes + 2 > tcap)
			types = realloc(types, (tcap *= 2) * sizeof(*types));
		if (!types)
			die("out of memory");
		types[++ntypes] = t;
		p += n;
	}

	uint32_t sid = 0;
	for (uint32_t id = 1; id <= ntypes && !sid; id++)
		if (BTF_INFO_KIND(types[id]->info) == BTF_KIND_STRUCT && !strcmp(name_of(types[id]->name_off), argv[2]))
			sid = id;
	if (!sid) {
		fprintf(stderr, "btfmember: no struct %s\n", argv[2]);
		return 1;
	}
	const struct btf_type *s = types[sid];
	printf("struct %s id %u size %u\n", argv[2], sid, s->size);

	int rc = 0;
	const struct btf_member *m = (const void *)(s + 1);
	uint32_t vlen = BTF_INFO_VLEN(s->info);
	for (int a = 3; a < argc; a++) {
		uint32_t i = 0;
		while (i < vlen && strcmp(name_of(m[i].name_off), argv[a]))
			i++;
		if (i == vlen) {
			fprintf(stderr, "btfmember: struct %s has no member %s\n", argv[2], argv[a]);
			rc = 1;
			continue;
		}
		/* With kind_flag set, offset holds the bit-field size in its top 8 bits. */
		uint32_t bit_off = m[i].offset, bits = 0;
		if (BTF_INFO_KFLAG(s->info)) {
			bits = m[i].offset >> 24;
			bit_off = m[i].offset & 0xffffff;
		}
		uint32_t tsize = size_of(m[i].type), byte_off = bit_off / 8, byte_size = tsize;
		if (bits) {
			/* The load: aligned to its own size, grown until the member fits in it. */
			byte_off = tsize ? bit_off / 8 / tsize * tsize : 0;
			while (byte_size && byte_size < 8 && bit_off + bits - byte_off * 8 > byte_size * 8) {
				byte_size *= 2;
				byte_off = bit_off / 8 / byte_size * byte_size;
			}
		}
		printf("member %s bit_offset %u bitfield_size %u byte_offset %u byte_size %u\n", argv[a], bit_off, bits,
		       byte_off, byte_size);
	}
	return rc;
}
